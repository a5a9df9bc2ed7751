package compute_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ictstat/ictstat/engine/load"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/compute"
	"github.com/ictstat/ictstat/indicators/compute/computetest"
)

// derivedTables are the tables a computation writes, but for computations itself.
var derivedTables = []string{"aggregates", "estimates", "gaps", "progress", "targets", "idi", "idi_inputs", "nowcast_models", "nowcast_fits"}

// TestIncrementalEqualsFull loads a sequence of files into a copy of the default database (one
// new year of internet use for one economy, a revision of another indicator for three, an old
// year revised, a series replaced whole by an edition of two years, the rural population's share
// of one economy, then drops an edition), computes after each only what changed, in the years it
// changed, and checks that every derived table then holds exactly what a full computation of a
// copy holds.
func TestIncrementalEqualsFull(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "incremental.duckdb")
	copyFile(t, computetest.Path(t), path)
	opts := compute.Options{ToolVersion: "test", NowcastTo: computetest.NowcastTo}

	run := func(path string, opts compute.Options) compute.Summary {
		t.Helper()
		st, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		s, err := compute.Run(ctx, st, opts)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := run(path, opts); s.Scope != "incremental: nothing changed" {
		t.Fatalf("recomputing the unchanged database: scope %q (%s), want nothing changed", s.Scope, s.Reason)
	}
	steps := []struct {
		name, csv, edition, drop string
		replaces                 bool
		want                     []string // the indicators and measures recomputed
		years, not               []int    // years that must be rewritten, and years that must not be
		every                    bool     // every year must be
	}{
		{name: "one new year for Kenya", edition: "NSO Kenya 2026",
			csv:   "indicator,economy,year,value\ninternet_use_pct,KEN,2025,51.3\n",
			want:  []string{"coverage_3g_pct", "internet_use_pct", "rural:coverage_3g_pct"},
			years: []int{2025}},
		{name: "a revision for three economies", edition: "Regulators 2026",
			csv:   "indicator,economy,year,value\nmobile_broadband_per100,KEN,2023,60.5\nmobile_broadband_per100,GHA,2024,101.2\nmobile_broadband_per100,PER,2024,95\n",
			want:  []string{"mobile_broadband_per100"},
			years: []int{2023, 2024}},
		{name: "an old year revised for Kenya", edition: "NSO Kenya 2026 revision",
			csv:   "indicator,economy,year,value\nmobile_broadband_per100,KEN,2012,3.1\n",
			want:  []string{"mobile_broadband_per100"},
			years: []int{2012}, not: []int{2000, 2018}},
		{name: "Ghana's series replaced by two years", edition: "Regulator Ghana 2026", replaces: true,
			csv:   "indicator,economy,year,value\nmobile_broadband_per100,GHA,2023,98\nmobile_broadband_per100,GHA,2024,104\n",
			want:  []string{"mobile_broadband_per100"},
			years: []int{2015, 2020, 2023, 2024}},
		{name: "the rural population of Chile", edition: "NSO Chile 2026",
			csv: "indicator,economy,year,value\nrural_population_pct,CHL,2024,11.9\n",
			want: []string{"coverage_2g_pct", "coverage_3g_pct", "coverage_4g_pct", "coverage_5g_pct", "internet_use_pct",
				"rural:coverage_2g_pct", "rural:coverage_3g_pct", "rural:coverage_4g_pct", "rural:coverage_5g_pct", "rural_population_pct"},
			years: []int{2024}},
		{name: "dropping the regulators' edition", drop: "Regulators 2026", want: []string{"mobile_broadband_per100"}, every: true},
	}
	for i, step := range steps {
		st, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if step.drop != "" {
			_, err = st.DropEdition(ctx, step.drop)
		} else {
			file := filepath.Join(dir, "step.csv")
			if err := os.WriteFile(file, []byte(step.csv), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = load.File(ctx, st, file, load.Options{Edition: store.Edition{Label: step.edition,
				Released: time.Date(2026, 11, 1+i, 0, 0, 0, 0, time.UTC)}, ReplacesSeries: step.replaces, ToolVersion: "test"})
		}
		st.Close()
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		s := run(path, opts)
		// The nowcast models of the series whose inputs did not change are taken as kept (the
		// full computation below fits them all, and keeps the same).
		if s.ModelsKept == 0 || s.ModelsFitted == 0 {
			t.Errorf("%s: %d nowcast models taken as kept and %d fitted; want some of each", step.name, s.ModelsKept, s.ModelsFitted)
		}
		// Only the years whose results can have changed are rewritten, and always those.
		if step.every != (s.Years == nil) {
			t.Errorf("%s: rewrote the years %v (nil: every year), want every year: %v", step.name, s.Years, step.every)
		}
		for _, y := range step.years {
			if s.Years != nil && !slices.Contains(s.Years, y) {
				t.Errorf("%s: rewrote the years %v, not %d", step.name, s.Years, y)
			}
		}
		for _, y := range step.not {
			if s.Years == nil || slices.Contains(s.Years, y) {
				t.Errorf("%s: rewrote the years %v, with %d", step.name, s.Years, y)
			}
		}
		if want := "incremental: " + strings.Join(step.want, ", "); s.Scope != want {
			t.Errorf("%s: scope %q (%s), want %q", step.name, s.Scope, s.Reason, want)
		}
		full := filepath.Join(dir, "full.duckdb")
		copyFile(t, path, full)
		optsFull := opts
		optsFull.Full = true
		if s := run(full, optsFull); s.Scope != "full" {
			t.Fatalf("%s: --full computed %q", step.name, s.Scope)
		}
		compareDerived(t, step.name, path, full)
	}
}

// compareDerived checks that the derived tables of two databases hold the same rows.
func compareDerived(t *testing.T, name, a, b string) {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range []string{"ATTACH '" + a + "' AS a (READ_ONLY)", "ATTACH '" + b + "' AS b (READ_ONLY)"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for _, table := range derivedTables {
		// The tables that keep their texts as term ids (migration 0018) are compared as their
		// views give them: the ids depend on the order the texts came in.
		rel := "store." + table
		if slices.Contains([]string{"aggregates", "estimates", "gaps"}, table) {
			rel = "main." + table
		}
		var rows, onlyA, onlyB int
		err := db.QueryRow(`SELECT (SELECT count(*) FROM a.`+rel+`),
			(SELECT count(*) FROM (SELECT * FROM a.`+rel+` EXCEPT ALL SELECT * FROM b.`+rel+`)),
			(SELECT count(*) FROM (SELECT * FROM b.`+rel+` EXCEPT ALL SELECT * FROM a.`+rel+`))`).
			Scan(&rows, &onlyA, &onlyB)
		if err != nil {
			t.Fatal(err)
		}
		if onlyA > 0 || onlyB > 0 {
			var sample string
			db.QueryRow(`SELECT string_agg(x::VARCHAR, '\n') FROM (SELECT * FROM (SELECT 'incremental' AS computation, * FROM (SELECT * FROM a.` +
				rel + ` EXCEPT ALL SELECT * FROM b.` + rel + `) LIMIT 2) UNION ALL SELECT * FROM (SELECT 'full', * FROM (SELECT * FROM b.` +
				rel + ` EXCEPT ALL SELECT * FROM a.` + rel + `) LIMIT 2)) x`).Scan(&sample)
			t.Errorf("%s: %s: %d of %d rows only in the incremental computation's, %d only in the full one's, e.g.\n%s",
				name, table, onlyA, rows, onlyB, sample)
		}
		if rows == 0 && !slices.Contains([]string{"idi_inputs"}, table) {
			t.Errorf("%s: %s is empty", name, table)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
