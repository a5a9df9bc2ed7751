package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/compute"
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

// TestInfoInTheirLanguage prints info and the indicator list in French and Chinese: their column
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

// TestComputeStepsTranslated computes the default database, collecting the steps the
// computation reports to the progress bar, checks that each has a translation in every language,
// and that `compute -v --lang fr` lists the steps' times under their French names.
func TestComputeStepsTranslated(t *testing.T) {
	db := copyOfDefault(t)
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	_, err = compute.Run(context.Background(), st, compute.Options{Full: true, ToolVersion: "test",
		Progress: func(step string, _, _ int, _ float64) {
			if !slices.Contains(steps, step) {
				steps = append(steps, step)
			}
		}})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) < 8 {
		t.Fatalf("the computation reported %d steps: %q", len(steps), steps)
	}
	translationstest.CheckTranslated(t, steps)
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	r := ictstat(t, "--db", db, "compute", "--full", "-v", "--lang", "fr")
	for _, s := range steps {
		if fr := cat.UI("fr", s); r.code != 0 || fr == "" || !strings.Contains(r.stdout, "  "+fr+" ") {
			t.Errorf("compute -v --lang fr (exit %d) does not list %q as %q:\n%s%s", r.code, s, fr, r.stdout, r.stderr)
		}
	}
}
