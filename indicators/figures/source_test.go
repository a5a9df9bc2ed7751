package figures

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ictstat/ictstat/engine/load"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/compute/computetest"
)

// TestTablesMatchViews: on the default database, a Source reading the store's tables reads
// exactly what one reading the views of main reads: the catalogue, and every part of every
// indicator's data.
func TestTablesMatchViews(t *testing.T) {
	fast := sameAsViews(t, computetest.Open(t))
	d, err := fast.data(t.Context(), "internet_use_pct", observations)
	if err != nil {
		t.Fatal(err)
	}
	// Kenya's internet use has values, estimated ones among them, from the WDI edition.
	pts := d.observations[seriesKey{"KEN", "total", "total"}]
	if len(pts) < 10 || !slices.ContainsFunc(pts, func(p point) bool { return p.edition == "WDI 2025" }) {
		t.Errorf("KEN internet_use_pct: %d points %+v, want at least 10 from WDI 2025", len(pts), pts)
	}
}

// TestTablesMatchViewsOverEditions: with editions layered over the default data (an older one
// that no year takes, a newer one that revises and adds years, with intervals and a published
// aggregate, and one replacing a series whole), the tables and the views still read the same,
// and what they read follows the editions' precedence; as of a date before the new editions, a
// Source reads the views, which show the data as published then.
func TestTablesMatchViewsOverEditions(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	path := filepath.Join(dir, "layered.duckdb")
	b, err := os.ReadFile(computetest.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		edition  string
		released string
		replaces bool
		csv      string
	}{
		{"Test old 2001", "2001-01-01", false, `indicator,economy,year,value
internet_use_pct,KEN,2010,1.5
`},
		{"Test 2026-06", "2026-06-30", false, `indicator,economy,year,sex,value,flag,se,ci_low,ci_high
internet_use_pct,KEN,2023,total,40.25,A,,,
internet_use_pct,KEN,2024,total,48.5,E,1.1,46.3,50.7
internet_use_pct,KEN,2024,female,45,A,1.2,42.6,47.4
internet_use_pct,WLD,2024,total,70.5,A,,,
`},
		{"Test revision 2026-07", "2026-07-31", true, `indicator,economy,year,value
mobile_cellular_per100,UGA,2020,60.5
mobile_cellular_per100,UGA,2021,65.25
`},
	} {
		file := filepath.Join(dir, "edition.csv")
		if err := os.WriteFile(file, []byte(f.csv), 0o600); err != nil {
			t.Fatal(err)
		}
		released, _ := time.Parse(time.DateOnly, f.released)
		if _, err := load.File(ctx, st, file, load.Options{Edition: store.Edition{Label: f.edition, Released: released}, ReplacesSeries: f.replaces}); err != nil {
			st.Close()
			t.Fatalf("%s: %v", f.edition, err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	fast := sameAsViews(t, db)
	d, err := fast.data(ctx, "internet_use_pct", observations, published)
	if err != nil {
		t.Fatal(err)
	}
	at := func(pts []point, year int) string {
		i := slices.IndexFunc(pts, func(p point) bool { return p.year == year })
		if i < 0 {
			return "none"
		}
		return fmt.Sprint(pts[i])
	}
	ken, female := seriesKey{"KEN", "total", "total"}, seriesKey{"KEN", "female", "total"}
	for _, w := range []struct {
		pts  []point
		want point
	}{
		{d.observations[ken], point{year: 2023, value: 40.25, edition: "Test 2026-06", low: nan, high: nan}},
		{d.observations[ken], point{year: 2024, value: 48.5, estimated: true, edition: "Test 2026-06", low: 46.3, high: 50.7}},
		{d.observations[female], point{year: 2024, value: 45, edition: "Test 2026-06", low: 42.6, high: 47.4}},
		{d.published[seriesKey{"WLD", "total", "total"}], point{year: 2024, value: 70.5, edition: "Test 2026-06", low: nan, high: nan}},
	} {
		if got := at(w.pts, w.want.year); got != fmt.Sprint(w.want) {
			t.Errorf("internet_use_pct %d: %s, want %+v", w.want.year, got, w.want)
		}
	}
	// An edition released before the others takes no year they have.
	if got := at(d.observations[ken], 2010); !strings.Contains(got, "WDI 2025") {
		t.Errorf("KEN internet_use_pct 2010: %s, want WDI 2025's value", got)
	}
	d, err = fast.data(ctx, "mobile_cellular_per100", observations)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(d.observations[seriesKey{"UGA", "total", "total"}]); got != fmt.Sprint([]point{
		{year: 2020, value: 60.5, edition: "Test revision 2026-07", low: nan, high: nan},
		{year: 2021, value: 65.25, edition: "Test revision 2026-07", low: nan, high: nan},
	}) {
		t.Errorf("UGA mobile_cellular_per100 after a revision of the whole series: %s, want 2020 and 2021 alone", got)
	}

	// As of 2026-01-01 the connection's temporary views show the data published by then.
	asOf, err := store.Open(ctx, path, store.Options{ReadOnly: true, AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	defer asOf.Close()
	src := NewSource(asOf.DB())
	c, err := src.catalogue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !src.views || c.editionIDs != nil {
		t.Fatal("as of a date, the Source reads the tables, not the views")
	}
	if _, ok := c.citations["Test 2026-06"]; ok {
		t.Error("as of 2026-01-01, the editions include Test 2026-06, released 2026-06-30")
	}
	if d, err = src.data(ctx, "internet_use_pct", observations); err != nil {
		t.Fatal(err)
	}
	for _, p := range d.observations[seriesKey{"KEN", "total", "total"}] {
		if p.edition == "Test 2026-06" {
			t.Errorf("as of 2026-01-01, KEN reads %+v", p)
		}
	}
}

var nan = orNaN(sql.NullFloat64{})

// sameAsViews checks that a Source reading db's tables reads what one reading its views reads, and
// returns the first.
func sameAsViews(t *testing.T, db *sql.DB) *Source {
	t.Helper()
	ctx := t.Context()
	fast, views := NewSource(db), NewSource(db)
	views.views = true
	cf, err := fast.catalogue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cv, err := views.catalogue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fast.views || cf.editionIDs == nil || !views.views || cv.editionIDs != nil {
		t.Fatalf("the Sources read the views %t and %t, want false and true", fast.views, views.views)
	}
	if len(cf.indicators) < 40 || len(cf.entities) < 400 || len(cf.citations) < 3 {
		t.Fatalf("%d indicators, %d entities, %d editions: the default data has more", len(cf.indicators), len(cf.entities), len(cf.citations))
	}
	same(t, "indicators", cf.indicators, cv.indicators)
	same(t, "entities", cf.entities, cv.entities)
	same(t, "citations", cf.citations, cv.citations)
	if !cf.asOf.Equal(cv.asOf) {
		t.Errorf("as of %v, views %v", cf.asOf, cv.asOf)
	}
	codes := map[string]bool{}
	for _, in := range cf.indicators {
		codes[in.code] = true
	}
	for code := range codes {
		df, err := fast.data(ctx, code, observations, aggregates, published, parity)
		if err != nil {
			t.Fatal(err)
		}
		dv, err := views.data(ctx, code, observations, aggregates, published, parity)
		if err != nil {
			t.Fatal(err)
		}
		same(t, code+" observations", df.observations, dv.observations)
		same(t, code+" aggregates", df.aggregates, dv.aggregates)
		same(t, code+" published aggregates", df.published, dv.published)
		same(t, code+" parity", df.parity, dv.parity)
		same(t, code+" parity basis", df.parityBasis, dv.parityBasis)
		same(t, code+" member editions", df.memberEditions, dv.memberEditions)
	}
	return fast
}

// same reports the keys of two maps whose values differ as printed (NaN prints as itself).
func same[K comparable, V any](t *testing.T, what string, tables, views map[K]V) {
	t.Helper()
	if len(tables) != len(views) {
		t.Errorf("%s: %d from the tables, %d from the views", what, len(tables), len(views))
	}
	for k, v := range views {
		if got, want := fmt.Sprintf("%+v", tables[k]), fmt.Sprintf("%+v", v); got != want {
			t.Errorf("%s %v: tables %s, views %s", what, k, got, want)
			return
		}
	}
}

// BenchmarkColdRead: what a cold trend chart reads (the catalogue and an indicator's observations)
// with a new Source each time, from the store's tables and from the views.
func BenchmarkColdRead(b *testing.B) {
	db := computetest.Open(b)
	for _, views := range []bool{false, true} {
		b.Run(map[bool]string{false: "tables", true: "views"}[views], func(b *testing.B) {
			for b.Loop() {
				s := NewSource(db)
				s.views = views
				if _, err := s.catalogue(b.Context()); err != nil {
					b.Fatal(err)
				}
				if _, err := s.data(b.Context(), "internet_use_pct", observations); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
