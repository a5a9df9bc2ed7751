package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/ingest"
	"github.com/ictstat/ictstat/engine/load"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/compute"
	"github.com/ictstat/ictstat/indicators/release"
	"github.com/ictstat/ictstat/indicators/translations"
	"github.com/ictstat/ictstat/indicators/translations/translationstest"
)

// TestWordsTranslated checks that every word the commands translate has a translation in every
// language.
func TestWordsTranslated(t *testing.T) {
	words := translationstest.UIStrings(t, ".", "UI", "say")
	for i, w := range words {
		words[i] = strings.TrimSpace(w) // as say looks them up
	}
	if len(words) < 8 {
		t.Fatalf("found %d translated words in the commands: %q", len(words), words)
	}
	translationstest.CheckTranslated(t, words)
}

// TestTablesInTheirLanguage prints the scorecard and progress in French, Arabic and Chinese and
// checks that the column names, the statuses and the note on unreviewed words are in the
// language, and that an unknown language is refused.
func TestTablesInTheirLanguage(t *testing.T) {
	db := copyOfDefault(t)
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	word := func(lang, english string) string {
		s, _, ok := cat.Text(lang, translations.UIKey(english))
		if !ok {
			t.Fatalf("%s: no translation of %q", lang, english)
		}
		return s
	}
	status := func(lang, s string) string {
		x, _, ok := cat.Text(lang, translations.StatusKey(s))
		if !ok {
			t.Fatalf("%s: no translation of the status %q", lang, s)
		}
		return x
	}
	for _, lang := range []string{"fr", "ar", "zh"} {
		r := ictstatIn(t, "", []string{"COLUMNS=400"}, "--db", db, "scorecard", "--lang", lang)
		out := r.stdout
		if r.code != 0 {
			t.Fatalf("scorecard --lang %s: exit %d\n%s%s", lang, r.code, out, r.stderr)
		}
		for _, want := range []string{word(lang, "status"), status(lang, "target met"), status(lang, "no global data"),
			strings.SplitN(word(lang, "%d of the table's words are translations nobody has reviewed."), "%d", 2)[1]} {
			if !strings.Contains(out, want) {
				t.Errorf("scorecard --lang %s: no %q in\n%s", lang, want, out)
			}
		}
		for _, english := range []string{"baseline_year", "target met", "no global data", "Computed by ictstat"} {
			if strings.Contains(out, english) {
				t.Errorf("scorecard --lang %s: %q left in English in\n%s", lang, english, out)
			}
		}
		r = ictstatIn(t, "", []string{"COLUMNS=400"}, "--db", db, "progress", "--group", "WLD", "--framework", "umc_2030", "--lang", lang)
		if r.code != 0 || !strings.Contains(r.stdout, word(lang, "class")) || strings.Contains(r.stdout, "required_cagr") {
			t.Errorf("progress --lang %s: exit %d, column names not in the language:\n%s%s", lang, r.code, r.stdout, r.stderr)
		}
	}
	if r := ictstat(t, "--db", db, "scorecard", "--lang", "de"); r.code != exitUsage || !strings.Contains(r.stderr, `--lang "de"`) {
		t.Errorf("scorecard --lang de: exit %d\n%s", r.code, r.stderr)
	}
	if r := ictstat(t, "--db", db, "scorecard", "--format", "csv", "--lang", "fr"); r.code != 0 || !strings.HasPrefix(r.stdout, "target,indicator,baseline_year") {
		t.Errorf("scorecard --format csv --lang fr: the header is not the identifiers: exit %d\n%s", r.code, r.stdout)
	}
}

// TestGroupListInItsLanguage checks that group list --lang names the reference groups and the
// columns in the language.
func TestGroupListInItsLanguage(t *testing.T) {
	db := copyOfDefault(t)
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	ldc, _, _ := cat.Text("es", translations.GroupKey("LDC"))
	kind, _, _ := cat.Text("es", translations.UIKey("kind"))
	r := ictstatIn(t, "", []string{"COLUMNS=300"}, "--db", db, "group", "list", "--lang", "es")
	if r.code != 0 || !strings.Contains(r.stdout, ldc) || !strings.Contains(r.stdout, kind) || strings.Contains(r.stdout, "Least developed countries") {
		t.Errorf("group list --lang es: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestInfoInTheirLanguage prints info, the editions and the indicator list in French and Chinese: their column
// names, names, units and sentences are in the language; in English they are as before.
func TestInfoInTheirLanguage(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	en := ictstatIn(t, "", []string{"COLUMNS=200"}, "--db", db, "info")
	if en.code != 0 || !strings.Contains(en.stdout, "edition") || !strings.Contains(en.stdout, "Aggregates, gaps and progress: computed") {
		t.Fatalf("info: exit %d\n%s%s", en.code, en.stdout, en.stderr)
	}
	for _, lang := range []string{"fr", "zh"} {
		r := ictstatIn(t, "", []string{"COLUMNS=200"}, "--db", db, "info", "--lang", lang)
		if r.code != 0 {
			t.Fatalf("info --lang %s: exit %d\n%s", lang, r.code, r.stderr)
		}
		unit, _, _ := cat.Text(lang, translations.IndicatorKey("internet_use_pct", "unit"))
		for _, want := range []string{cat.UI(lang, "edition"), cat.UI(lang, "released"), cat.UI(lang, "breakdowns"), unit} {
			if want == "" || !strings.Contains(r.stdout, want) {
				t.Errorf("info --lang %s lacks %q:\n%s", lang, want, r.stdout)
			}
		}
		if strings.Contains(r.stdout, "Aggregates, gaps and progress") || strings.Contains(r.stdout, "observations in all editions") {
			t.Errorf("info --lang %s has English sentences:\n%s", lang, r.stdout)
		}
	}
	for _, lang := range []string{"fr", "zh"} {
		r := ictstatIn(t, "", []string{"COLUMNS=300"}, "--db", db, "edition", "list", "--lang", lang)
		for _, want := range []string{cat.UI(lang, "files"), cat.UI(lang, "replaces_series"), cat.UI(lang, "citation")} {
			if r.code != 0 || want == "" || !strings.Contains(r.stdout, want) {
				t.Errorf("edition list --lang %s (exit %d) lacks %q:\n%s", lang, r.code, want, r.stdout)
			}
		}
	}
	for _, lang := range []string{"fr", "zh"} {
		r := ictstatIn(t, "", []string{"COLUMNS=300"}, "--db", db, "indicator", "list", "--lang", lang)
		name, _, _ := cat.Text(lang, translations.IndicatorKey("coverage_2g_pct", "name"))
		for _, want := range []string{cat.UI(lang, "code"), cat.UI(lang, "unit_kind"), cat.UI(lang, "aggregation"), name} {
			if r.code != 0 || want == "" || !strings.Contains(r.stdout, want) {
				t.Errorf("indicator list --lang %s (exit %d) lacks %q:\n%s", lang, r.code, want, r.stdout)
			}
		}
	}
}

// TestMessagesCatalogueCurrent checks that every string of the messages files of the catalogue
// (messages.<lang>.csv) is still a message a command says.
func TestMessagesCatalogueCurrent(t *testing.T) {
	said := map[string]bool{}
	for _, s := range translationstest.UIStrings(t, ".", "say") {
		said[strings.TrimSpace(s)] = true
	}
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range translations.Languages[1:] {
		for _, e := range cat.Entries(l.Code) {
			if strings.HasPrefix(e.File, "messages.") && !said[e.English] {
				t.Errorf("%s, line %d: %q is no command's message (changed or removed?)", e.File, e.Line, e.English)
			}
		}
	}
}

// TestStepsTranslated loads a file into a copy of the default database and computes what it
// changed, collecting the steps the load times and the computation reports to the progress bar,
// checks that each has a translation in every language, and that `compute -v --lang fr`, after
// another load, lists the steps' times under their French names.
func TestStepsTranslated(t *testing.T) {
	db := copyOfDefault(t)
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "kenya.csv")
	if err := os.WriteFile(file, []byte("indicator,economy,year,value\ninternet_use_pct,KEN,2025,51.3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	loaded, err := load.File(context.Background(), st, file, load.Options{Edition: store.Edition{Label: "NSO Kenya 2026"}, ToolVersion: "test"})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	var loadSteps, steps []string
	for _, s := range loaded.Steps {
		loadSteps = append(loadSteps, s.Name)
	}
	_, err = compute.Run(context.Background(), st, compute.Options{ToolVersion: Version,
		Progress: func(step string, _, _ int, _ float64) {
			if !slices.Contains(steps, step) {
				steps = append(steps, step)
			}
		}})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) < 8 || len(loadSteps) < 5 {
		t.Fatalf("the load timed %d steps (%q), the computation reported %d (%q)", len(loadSteps), loadSteps, len(steps), steps)
	}
	translationstest.CheckTranslated(t, append(loadSteps, steps...))
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	// Another value, for the command to compute what it changed.
	revised := filepath.Join(filepath.Dir(file), "kenya-revised.csv")
	if err := os.WriteFile(revised, []byte("indicator,economy,year,value\nmobile_broadband_per100,KEN,2025,61.2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := ictstat(t, "--db", db, "ingest", revised, "--edition", "NSO Kenya 2026 revised", "-q")
	if r.code != 0 {
		t.Fatalf("ingest: exit %d: %s", r.code, r.stderr)
	}
	r = ictstat(t, "--db", db, "compute", "-v", "--lang", "fr")
	for _, s := range steps {
		if fr := cat.UI("fr", s); r.code != 0 || fr == "" || !strings.Contains(r.stdout, "  "+fr+" ") {
			t.Errorf("compute -v --lang fr (exit %d) does not list %q as %q:\n%s%s", r.code, s, fr, r.stdout, r.stderr)
		}
	}
}

// TestRejectsTranslated loads a file with rows broken in most of the ways a load rejects rows
// into a copy of the default database, with --lang fr, and checks that every reason it recorded
// is one of ingest.RejectReasons, which have a translation in every language, made again in
// French, and that the reasons listed after the load are French.
func TestRejectsTranslated(t *testing.T) {
	translationstest.CheckTranslated(t, ingest.RejectReasons)
	db := copyOfDefault(t)
	file := filepath.Join(t.TempDir(), "bad.csv")
	rows := []string{
		"indicator,economy,year,value,sex,age,unit,se,ci_low,ci_high",
		"internet_use_pct,KEN,2020,abc,,,,,,",     // not a number
		"internet_use_pct,KEN,1800,50,,,,,,",      // year outside
		"internet_use_pct,KEN,2020,150,,,,,,",     // percentage outside 0–100
		"no_such_indicator,KEN,2020,5,,,,,,",      // unknown indicator
		"internet_use_pct,KENYA,2020,5,,,,,,",     // unknown economy, with the closest
		"internet_use_pct,KEN,20x0,5,,,,,,",       // year not a whole number
		"internet_use_pct,KEN,2020-01-01,5,,,,,,", // a date, not a year
		"internet_use_pct,KEN,+2020,5,,,,,,",      // year not written plainly
		"internet_use_pct,KEN,2020,,,,,,,",        // missing value
		"internet_use_pct,KEN,2020,NA,,,,,,",      // missing value (NA)
		"internet_use_pct,KEN,2020,-0,,,,,,",      // negative zero
		"internet_use_pct,KEN,2020,5,X,,,,,",      // unknown sex code
		"internet_use_pct,KEN,2020,5,,99-100,,,,", // unknown age group
		"internet_use_pct,KEN,2020,5,,,kg,,,",     // unknown unit
		"internet_use_pct,KEN,2019,5,,,,-1,,",     // negative standard error
		"internet_use_pct,KEN,2018,5,,,,,10,20",   // lower bound above the value
		"internet_use_pct,KEN",                    // too few fields
		`internet_use_pct,K"EN,2020,5,,,,,,`,      // a quote inside an unquoted field
		",KEN,2020,5,,,,,,",                       // missing indicator
		"internet_use_pct,GHA,2010,5,,,,,,",       // conflicting values…
		"internet_use_pct,GHA,2010,6,,,,,,",       // …for the same year
		"internet_use_pct,PER,2010,7,,,,,,",       // a repeated row…
		"internet_use_pct,PER,2010,7,,,,,,",       // …repeats it
		"internet_use_pct,KEN,2017,33.5,,,,,,",    // a good row
	}
	if err := os.WriteFile(file, []byte(strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := ictstat(t, "--db", db, "ingest", file, "--edition", "Bad rows 2026", "--max-reject-rate", "0.99", "--lang", "fr")
	if r.code != 0 {
		t.Fatalf("ingest (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}
	st, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var reasons []string
	err = store.ScanRows(context.Background(), st.DB(), `SELECT DISTINCT reason FROM rejects ORDER BY reason`, func(rs *sql.Rows) error {
		var s string
		err := rs.Scan(&s)
		reasons = append(reasons, s)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(reasons) < 18 {
		t.Errorf("%d distinct reasons recorded, want at least 18: %q", len(reasons), reasons)
	}
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	fr := cat.For("fr")
	for _, reason := range reasons {
		if got := translations.FormatIn(fr, translations.RejectsArea, reason); got == reason {
			t.Errorf("no reject format makes %q (add it to ingest.RejectReasons)", reason)
		}
	}
	if want := cat.UI("fr", "not a number"); want == "" || !strings.Contains(r.stderr, want) {
		t.Errorf("ingest --lang fr does not list %q:\n%s", want, r.stderr)
	}
}

// TestJobInLanguage runs the example country-release job with --lang fr and checks that each of
// its steps and what each did, as its manifest records them in English, is made in French by
// release.MessageFormats, which have a translation in every language, the steps printed so; and
// that a dry run's plan is French too.
func TestJobInLanguage(t *testing.T) {
	translationstest.CheckTranslated(t, release.MessageFormats)
	db := copyOfDefault(t)
	dir := t.TempDir()
	job, err := filepath.Abs("../../datasets/jobs/country-release.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	fr := cat.For("fr")
	dry := ictstatIn(t, dir, nil, "--db", db, "run", job, "--out", "out", "--dry-run", "--lang", "fr")
	for _, line := range strings.Split(strings.TrimSpace(dry.stdout), "\n") {
		if strings.Contains(line, "would ") || strings.Contains(line, "the job is valid") || strings.HasPrefix(line, "into ") {
			t.Errorf("the dry run's line is English: %q", line)
		}
	}
	r := ictstatIn(t, dir, nil, "--db", db, "run", job, "--out", "out", "--lang", "fr")
	if r.code != 0 {
		t.Fatalf("run --lang fr: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Steps []struct{ Name, Detail string }
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Steps) < 5 {
		t.Fatalf("the manifest lists %d steps", len(m.Steps))
	}
	for _, s := range m.Steps {
		for i, text := range []string{s.Name, s.Detail} {
			if text == "" {
				continue
			}
			french := translations.FormatIn(fr, translations.JobsArea, text)
			if french == text {
				t.Errorf("no format of release.MessageFormats makes %q", text)
			} else if i == 0 && !strings.Contains(r.stdout, french) {
				t.Errorf("run --lang fr does not print the step %q:\n%s", french, r.stdout)
			}
		}
	}
}
