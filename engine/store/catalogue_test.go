package store_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ictstat/ictstat/engine/load"
	"github.com/ictstat/ictstat/engine/store"
)

func newSmallStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Create(ctx, filepath.Join(t.TempDir(), "s.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.PutReference(ctx, smallReference()); err != nil {
		t.Fatal(err)
	}
	return st
}

func egov() store.Definition {
	return store.Definition{
		Indicator: store.Indicator{Code: "egov_index", Name: "E-government index", Unit: "index (0-1)", UnitKind: "index",
			Min: 0, Max: 1, Polarity: "higher", Aggregation: "median"},
		Codes: []store.Alias{{Scheme: "wdi", Code: "EGOV.IDX", Target: "egov_index"}},
	}
}

// refused returns the refusals of err, failing the test when err is not DefinitionErrors.
func refused(t *testing.T, err error) store.DefinitionErrors {
	t.Helper()
	var de store.DefinitionErrors
	if !errors.As(err, &de) || !errors.Is(err, store.ErrDefinitionRefused) {
		t.Fatalf("got %v, want DefinitionErrors", err)
	}
	return de
}

func catalogueState(t *testing.T, st *store.Store) string {
	t.Helper()
	var s string
	err := st.DB().QueryRow(`SELECT string_agg(indicator || ':' || name || ':' || unit_kind || ':' || coalesce(max_value::VARCHAR, 'open') || ':' ||
		coalesce(wdi_code, '') || ':' || defined_by || ':' || coalesce(defined_in, ''), ' | ' ORDER BY indicator) FROM indicators`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDefineIndicators(t *testing.T) {
	st := newSmallStore(t)
	done, err := st.DefineIndicators(ctx, []store.Definition{egov()}, "mine.csv", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(done.Added) != 1 || done.Added[0] != "egov_index" {
		t.Errorf("added %v", done.Added)
	}
	want := "egov_index:E-government index:index:1.0:EGOV.IDX:user:mine.csv | internet_use_pct:Individuals using the Internet:percent:100.0:IT.NET.USER.ZS:ictstat: | " +
		"mobile_cellular_per100:Mobile-cellular subscriptions per 100:per100:open::ictstat:"
	if got := catalogueState(t, st); got != want {
		t.Errorf("catalogue:\n  %s\nwant\n  %s", got, want)
	}

	// The same definition again changes nothing; another one is refused, naming the field.
	done, err = st.DefineIndicators(ctx, []store.Definition{egov()}, "again.csv", false)
	if err != nil || len(done.Unchanged) != 1 || len(done.Added) != 0 {
		t.Errorf("same definition: %+v, %v", done, err)
	}
	other := egov()
	other.Name = "E-government development index"
	de := refused(t, func() error {
		_, err := st.DefineIndicators(ctx, []store.Definition{other}, "other.csv", false)
		return err
	}())
	if len(de) != 1 || de[0].Column != "name" || !strings.Contains(de[0].Reason, "--replace") || !strings.Contains(de[0].Reason, "mine.csv") {
		t.Errorf("another definition without replace: %v", de)
	}
	if got := catalogueState(t, st); got != want {
		t.Errorf("a refused definition changed the catalogue:\n  %s", got)
	}
	// With replace, it replaces the old one, and its codes.
	other.Codes = []store.Alias{{Scheme: "itu", Code: "EGDI", Target: "egov_index"}}
	done, err = st.DefineIndicators(ctx, []store.Definition{other}, "other.csv", true)
	if err != nil || len(done.Replaced) != 1 {
		t.Fatalf("replace: %+v, %v", done, err)
	}
	var name, itu, wdi, in string
	st.DB().QueryRow(`SELECT name, coalesce(itu_code, ''), coalesce(wdi_code, ''), defined_in FROM indicators WHERE indicator = 'egov_index'`).Scan(&name, &itu, &wdi, &in)
	if name != "E-government development index" || itu != "EGDI" || wdi != "" || in != "other.csv" {
		t.Errorf("after replace: %q %q %q %q", name, itu, wdi, in)
	}
}

// TestDefineIndicatorsRefusals: ictstat's own indicators, and codes another indicator has (in any
// case and scheme), are refused, and a file with one refused definition defines nothing.
func TestDefineIndicatorsRefusals(t *testing.T) {
	st := newSmallStore(t)
	before := catalogueState(t, st)
	builtin := egov()
	builtin.Code, builtin.Codes = "internet_use_pct", nil
	takesAlias := egov()
	takesAlias.Code, takesAlias.Codes = "it.net.user.zs", nil
	aliasIsCode := egov()
	aliasIsCode.Code, aliasIsCode.Codes = "ok_one", []store.Alias{{Scheme: "ddf", Code: "INTERNET_USE_PCT", Target: "ok_one"}}
	aliasTaken := egov()
	aliasTaken.Code, aliasTaken.Codes = "ok_two", []store.Alias{{Scheme: "itu", Code: "it.net.user.zs", Target: "ok_two"}}
	caseOnly := egov()
	caseOnly.Code, caseOnly.Codes = "Internet_Use_Pct", nil
	fine := egov()
	de := refused(t, func() error {
		_, err := st.DefineIndicators(ctx, []store.Definition{fine, builtin, takesAlias, aliasIsCode, aliasTaken}, "f.csv", true)
		return err
	}())
	got := map[string]string{}
	for _, d := range de {
		got[d.Code] = d.Column + ": " + d.Reason
	}
	for code, want := range map[string]string{
		"internet_use_pct": "code: internet_use_pct is an indicator of ictstat's own catalogue",
		"it.net.user.zs":   "code: is already the wdi code of the indicator internet_use_pct",
		"ok_one":           "ddf_concept: is the code of the indicator internet_use_pct",
		"ok_two":           "itu_code: is already the wdi code of the indicator internet_use_pct",
	} {
		if !strings.HasPrefix(got[code], want) {
			t.Errorf("%s: %q, want %q…", code, got[code], want)
		}
	}
	if len(de) != 4 {
		t.Errorf("%d refusals, want 4: %v", len(de), de)
	}
	de = refused(t, func() error {
		_, err := st.DefineIndicators(ctx, []store.Definition{caseOnly}, "f.csv", true)
		return err
	}())
	if !strings.HasPrefix(de[0].Reason, "differs only in case from the indicator internet_use_pct") {
		t.Errorf("a code differing in case only: %v", de)
	}
	if after := catalogueState(t, st); after != before {
		t.Errorf("refused definitions changed the catalogue; egov_index, which was fine, must not be defined either:\n  %s", after)
	}
	// CheckDefinitions finds the same and writes nothing, even for good definitions.
	if err := st.CheckDefinitions(ctx, []store.Definition{fine}, false); err != nil {
		t.Errorf("CheckDefinitions of a good definition: %v", err)
	}
	if after := catalogueState(t, st); after != before {
		t.Errorf("CheckDefinitions defined:\n  %s", after)
	}
	if err := st.CheckDefinitions(ctx, []store.Definition{builtin}, false); len(refused(t, err)) != 1 {
		t.Errorf("CheckDefinitions of a built-in: %v", err)
	}
}

// TestUserIndicatorLoadsAndReplaceChecksObservations: observations of a defined indicator load,
// under its own code and its other codes; replacing its definition is refused when they would not
// fit it (another unit kind, values outside the new range).
func TestUserIndicatorLoadsAndReplaceChecksObservations(t *testing.T) {
	st := newSmallStore(t)
	path := filepath.Join(t.TempDir(), "egov.csv")
	os.WriteFile(path, []byte("indicator,economy,year,value\negov_index,KEN,2022,0.52\nEGOV.IDX,AFG,2022,0.19\n"), 0o600)
	opts := load.Options{MaxRejectRate: load.NoRejects, Edition: store.Edition{Label: "UN 2024", Released: time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)}}
	if _, err := load.File(ctx, st, path, opts); err == nil {
		t.Fatal("a file of an undefined indicator loaded")
	}
	if _, err := st.DefineIndicators(ctx, []store.Definition{egov()}, "mine.csv", false); err != nil {
		t.Fatal(err)
	}
	o, err := load.File(ctx, st, path, opts)
	if err != nil || o.RowsLoaded != 2 {
		t.Fatalf("load after defining: %+v, %v", o, err)
	}
	narrow := egov()
	narrow.Max = 0.5
	de := refused(t, func() error {
		_, err := st.DefineIndicators(ctx, []store.Definition{narrow}, "n.csv", true)
		return err
	}())
	if !strings.Contains(de[0].Reason, "1 of its 2 observations lie outside the range 0–0.5") {
		t.Errorf("narrower range: %v", de)
	}
	percent := egov()
	percent.UnitKind, percent.Max = "percent", 100
	de = refused(t, func() error {
		_, err := st.DefineIndicators(ctx, []store.Definition{percent}, "p.csv", true)
		return err
	}())
	if !strings.Contains(de[0].Reason, "its 2 observations are in index, not percent") {
		t.Errorf("another unit kind: %v", de)
	}
	wider := egov()
	wider.Max, wider.Min = math.Inf(1), math.Inf(-1)
	wider.Unit = "index"
	if _, err := st.DefineIndicators(ctx, []store.Definition{wider}, "w.csv", true); err != nil {
		t.Errorf("a wider range: %v", err)
	}
	var unit string
	st.DB().QueryRow(`SELECT max(unit) FROM observations WHERE indicator = 'egov_index'`).Scan(&unit)
	if unit != "index" {
		t.Errorf("observations show unit %q after the replace, want the new unit", unit)
	}
}

// TestEditionLicence: a load names its edition's licence; the editions view shows it; a later load
// into the edition may set it when it had none, but not change it.
func TestEditionLicence(t *testing.T) {
	st := newSmallStore(t)
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		return p
	}
	ed := func(label, licence string) load.Options {
		return load.Options{Edition: store.Edition{Label: label, Released: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Licence: licence}}
	}
	licence := func(edition string) string {
		var l *string
		if err := st.DB().QueryRow(`SELECT licence FROM editions WHERE edition = ?`, edition).Scan(&l); err != nil {
			t.Fatal(err)
		}
		if l == nil {
			return "NULL"
		}
		return *l
	}
	if _, err := load.File(ctx, st, file("a.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2020,29\n"), ed("NSO 2025", "CC BY 4.0")); err != nil {
		t.Fatal(err)
	}
	if _, err := load.File(ctx, st, file("b.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2021,30\n"), ed("Other", "")); err != nil {
		t.Fatal(err)
	}
	if got := licence("NSO 2025") + "; " + licence("Other"); got != "CC BY 4.0; NULL" {
		t.Errorf("licences %s", got)
	}
	if _, err := load.File(ctx, st, file("c.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2022,31\n"), ed("Other", "CC BY-NC-SA 3.0 IGO")); err != nil {
		t.Fatal(err)
	}
	_, err := load.File(ctx, st, file("d.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2023,32\n"), ed("NSO 2025", "CC0"))
	if !errors.Is(err, store.ErrLicenceConflict) {
		t.Errorf("another licence for an edition: %v", err)
	}
	if got := licence("NSO 2025") + "; " + licence("Other"); got != "CC BY 4.0; CC BY-NC-SA 3.0 IGO" {
		t.Errorf("licences %s", got)
	}
	var n int
	st.DB().QueryRow(`SELECT count(*) FROM observations_all_editions WHERE year = 2023`).Scan(&n)
	if n != 0 {
		t.Errorf("the refused load landed %d rows", n)
	}
	sources, err := store.EditionSources(ctx, st.DB())
	if err != nil || len(sources) != 2 || sources[0].LicenceText() != "licence: CC BY 4.0" && sources[1].LicenceText() != "licence: CC BY 4.0" {
		t.Errorf("edition sources %+v, %v", sources, err)
	}
}

func TestFindEntity(t *testing.T) {
	st := newSmallStore(t)
	for text, want := range map[string]string{
		"KEN": "KEN economy", "ken": "KEN economy", " Ken ": "KEN economy", "404": "KEN economy", "0404": "KEN economy",
		"kenya": "KEN economy", "4": "AFG economy", "004": "AFG economy", "Afghanistan": "AFG economy",
		"wld": "WLD group", "World": "WLD group", "1": "WLD group",
	} {
		e, err := store.FindEntity(ctx, st.DB(), text, false)
		if got := e.Code + " " + e.Kind; err != nil || got != want {
			t.Errorf("%q: %q, %v; want %s", text, got, err, want)
		}
	}
	var ee *store.EntityError
	_, err := store.FindEntity(ctx, st.DB(), "Kenia", false)
	if !errors.As(err, &ee) || ee.Ambiguous || len(ee.Closest) != 3 || ee.Closest[0].Code != "KEN" ||
		!strings.Contains(err.Error(), `no economy or group "Kenia"`) || !strings.Contains(err.Error(), "the closest are KEN (Kenya)") {
		t.Errorf("Kenia: %v", err)
	}
	if _, err := store.FindEntity(ctx, st.DB(), "WLD", true); !errors.As(err, &ee) || !strings.Contains(err.Error(), `no economy "WLD"`) {
		t.Errorf("a group where only economies are asked for: %v", err)
	}
	if _, err := store.FindEntity(ctx, st.DB(), "40.4", false); err == nil {
		t.Error("40.4 was taken for an M49 code")
	}
}
