package load_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ictstat/ictstat/engine/load"
	"github.com/ictstat/ictstat/engine/query"
	"github.com/ictstat/ictstat/engine/store"
)

// series of one economy as "year=value edition" in year order, from a view or macro.
func seriesOf(t *testing.T, st *store.Store, from, economy string) string {
	t.Helper()
	var s *string
	err := st.DB().QueryRow(`SELECT string_agg(year || '=' || value || ' ' || edition, ', ' ORDER BY year) FROM `+from+`
		WHERE indicator = 'internet_use_pct' AND economy = ? AND sex = 'total'`, economy).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	if s == nil {
		return ""
	}
	return *s
}

func history(t *testing.T, economy string, from, to int, value func(year int) float64) string {
	var b strings.Builder
	b.WriteString("indicator,economy,year,value\n")
	for y := from; y <= to; y++ {
		fmt.Fprintf(&b, "internet_use_pct,%s,%d,%g\n", economy, y, value(y))
	}
	return writeFile(t, economy+".csv", b.String())
}

// TestOneYearEditionKeepsHistory: an office's file with one new year, loaded as an edition of
// its own, adds that year and leaves the series' history as it was; --replaces-series withdraws
// the years the file omits; as-of dates and the revisions view show what changed.
func TestOneYearEditionKeepsHistory(t *testing.T) {
	st := newStore(t)
	mustLoad(t, st, history(t, "KEN", 2019, 2023, func(y int) float64 { return float64(y - 2000) }), load.Options{Edition: edition("2025-07")})
	mustLoad(t, st, history(t, "AFG", 2019, 2020, func(y int) float64 { return 1 }), load.Options{Edition: edition("2025-07")})
	one := writeFile(t, "nso.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2024,48.5\ninternet_use_pct,KEN,2023,30\n")
	mustLoad(t, st, one, load.Options{Edition: edition("2026-06")})
	want := "2019=19.0 2025-07, 2020=20.0 2025-07, 2021=21.0 2025-07, 2022=22.0 2025-07, 2023=30.0 2026-06, 2024=48.5 2026-06"
	if got := seriesOf(t, st, "observations", "KEN"); got != want {
		t.Errorf("after a one-year edition:\n got %s\nwant %s", got, want)
	}
	if got := seriesOf(t, st, "observations_as_of(DATE '2026-01-01')", "KEN"); !strings.HasPrefix(got, "2019=19.0 2025-07") || !strings.HasSuffix(got, "2023=23.0 2025-07") {
		t.Errorf("as of 2026-01-01: %s", got)
	}
	if got := seriesOf(t, st, "observations_as_of(DATE '2020-01-01')", "KEN"); got != "" {
		t.Errorf("as of 2020, before any edition: %s", got)
	}
	var latestYear int
	var latest float64
	st.DB().QueryRow(`SELECT year, value FROM latest WHERE indicator = 'internet_use_pct' AND economy = 'KEN'`).Scan(&latestYear, &latest)
	if latestYear != 2024 || latest != 48.5 {
		t.Errorf("latest %d = %g, want 2024 = 48.5", latestYear, latest)
	}
	var n, first, last int
	st.DB().QueryRow(`SELECT observations, first_year, last_year FROM series WHERE indicator = 'internet_use_pct' AND economy = 'KEN'`).Scan(&n, &first, &last)
	if n != 6 || first != 2019 || last != 2024 {
		t.Errorf("series view: %d observations %d–%d, want 6 2019–2024", n, first, last)
	}
	revisions := func() string {
		var s *string
		st.DB().QueryRow(`SELECT string_agg(economy || ' ' || year || ' ' || edition_before || ':' || value_before || '→' ||
			edition_after || ':' || coalesce(value_after::VARCHAR, '-') || ' ' || kind, '; ' ORDER BY economy, year, edition_before) FROM revisions`).Scan(&s)
		if s == nil {
			return ""
		}
		return *s
	}
	if got := revisions(); got != "KEN 2023 2025-07:23.0→2026-06:30.0 revised" {
		t.Errorf("revisions: %s", got)
	}

	// A revision of the whole series, newer than every edition: the years it omits (2019–2021,
	// and 2024 of the office's edition) are withdrawn; AFG is untouched.
	rev := writeFile(t, "rev.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2022,25\ninternet_use_pct,KEN,2023,31\n")
	mustLoad(t, st, rev, load.Options{Edition: edition("2026-09"), ReplacesSeries: true})
	want = "2022=25.0 2026-09, 2023=31.0 2026-09"
	if got := seriesOf(t, st, "observations", "KEN"); got != want {
		t.Errorf("after a series revision:\n got %s\nwant %s", got, want)
	}
	if got := seriesOf(t, st, "observations", "AFG"); got != "2019=1.0 2025-07, 2020=1.0 2025-07" {
		t.Errorf("AFG: %s", got)
	}
	wantRev := "KEN 2019 2025-07:19.0→2026-09:- withdrawn; KEN 2020 2025-07:20.0→2026-09:- withdrawn; KEN 2021 2025-07:21.0→2026-09:- withdrawn; " +
		"KEN 2022 2025-07:22.0→2026-09:25.0 revised; KEN 2023 2025-07:23.0→2026-06:30.0 revised; KEN 2023 2026-06:30.0→2026-09:31.0 revised; " +
		"KEN 2024 2026-06:48.5→2026-09:- withdrawn"
	if got := revisions(); got != wantRev {
		t.Errorf("revisions:\n got %s\nwant %s", got, wantRev)
	}
	if got := seriesOf(t, st, "observations_as_of(DATE '2026-07-01')", "KEN"); got != "2019=19.0 2025-07, 2020=20.0 2025-07, 2021=21.0 2025-07, 2022=22.0 2025-07, 2023=30.0 2026-06, 2024=48.5 2026-06" {
		t.Errorf("as of 2026-07-01: %s", got)
	}
	// An older edition loaded last fills a year no newer edition has, but only above the floor
	// the revision set: years before 2022 stay withdrawn.
	old := writeFile(t, "old.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2018,5\ninternet_use_pct,AFG,2018,0.5\ninternet_use_pct,AFG,2020,2\n")
	mustLoad(t, st, old, load.Options{Edition: edition("2024-07")})
	if got := seriesOf(t, st, "observations", "KEN"); got != want {
		t.Errorf("after an older edition:\n got %s\nwant %s", got, want)
	}
	if got := seriesOf(t, st, "observations", "AFG"); got != "2018=0.5 2024-07, 2019=1.0 2025-07, 2020=1.0 2025-07" {
		t.Errorf("AFG after an older edition: %s", got)
	}
	agreesWithMacro(t, st)
	labelsAgree(t, st)

	// Dropping the revision brings back what it withdrew; dropping the office's edition too.
	if _, err := st.DropEdition(context.Background(), "2026-09"); err != nil {
		t.Fatal(err)
	}
	want = "2019=19.0 2025-07, 2020=20.0 2025-07, 2021=21.0 2025-07, 2022=22.0 2025-07, 2023=30.0 2026-06, 2024=48.5 2026-06"
	if got := seriesOf(t, st, "observations", "KEN"); got != "2018=5.0 2024-07, "+want {
		t.Errorf("after dropping the revision: %s", got)
	}
	if _, err := st.DropEdition(context.Background(), "2026-06"); err != nil {
		t.Fatal(err)
	}
	if got := seriesOf(t, st, "observations", "KEN"); got != "2018=5.0 2024-07, 2019=19.0 2025-07, 2020=20.0 2025-07, 2021=21.0 2025-07, 2022=22.0 2025-07, 2023=23.0 2025-07" {
		t.Errorf("after dropping the office's edition: %s", got)
	}
	if _, err := st.DropEdition(context.Background(), "2026-06"); !errors.Is(err, store.ErrNoEdition) {
		t.Errorf("dropping it again: %v", err)
	}
	var drops, revisionsLeft, batches int
	st.DB().QueryRow(`SELECT (SELECT count(*) FROM store.edition_drops), (SELECT count(*) FROM revisions WHERE edition_after IN ('2026-06', '2026-09')),
		(SELECT count(*) FROM batches WHERE edition IN ('2026-06', '2026-09'))`).Scan(&drops, &revisionsLeft, &batches)
	if drops != 2 || revisionsLeft != 0 || batches != 0 {
		t.Errorf("%d drops recorded, %d revisions and %d batches of the dropped editions left", drops, revisionsLeft, batches)
	}
	// A new load after the drops takes a batch number never given before.
	o := mustLoad(t, st, one, load.Options{Edition: edition("2026-07")})
	if o.Batch != 6 {
		t.Errorf("batch %d after dropping batches 3 and 4 of 5, want 6", o.Batch)
	}
	// A year withdrawn by a revision and given again later is new, not a revision of the
	// withdrawn value.
	mustLoad(t, st, rev, load.Options{Edition: edition("2026-08"), ReplacesSeries: true})
	again := writeFile(t, "again.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2020,21\n")
	mustLoad(t, st, again, load.Options{Edition: edition("2026-10")})
	var y2020 string
	st.DB().QueryRow(`SELECT string_agg(edition_before || '→' || edition_after || ' ' || kind, '; ' ORDER BY edition_before)
		FROM revisions WHERE economy = 'KEN' AND year = 2020`).Scan(&y2020)
	if y2020 != "2025-07→2026-08 withdrawn" {
		t.Errorf("revisions of 2020: %s", y2020)
	}
	if got := seriesOf(t, st, "observations", "KEN"); got != "2020=21.0 2026-10, 2022=25.0 2026-08, 2023=31.0 2026-08" {
		t.Errorf("after a withdrawn year came back: %s", got)
	}
	agreesWithMacro(t, st)
	labelsAgree(t, st)
}

// TestAsOfOption: a store opened as of a date reads every observation view as of that date, and
// refuses to show results computed from the data as they are now.
func TestAsOfOption(t *testing.T) {
	st := newStore(t)
	mustLoad(t, st, history(t, "KEN", 2019, 2023, func(y int) float64 { return float64(y - 2000) }), load.Options{Edition: edition("2025-07")})
	one := writeFile(t, "nso.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2024,48.5\ninternet_use_pct,KEN,2023,30\n")
	mustLoad(t, st, one, load.Options{Edition: edition("2026-06")})
	path := st.Path()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	asOf, err := store.ParseAsOf("2026-01")
	if err != nil || asOf.Format(time.DateOnly) != "2026-01-31" {
		t.Fatalf("ParseAsOf: %v %v", asOf, err)
	}
	old, err := store.Open(context.Background(), path, store.Options{ReadOnly: true, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if got := seriesOf(t, old, "observations", "KEN"); got != "2019=19.0 2025-07, 2020=20.0 2025-07, 2021=21.0 2025-07, 2022=22.0 2025-07, 2023=23.0 2025-07" {
		t.Errorf("as of 2026-01: %s", got)
	}
	if got := seriesOf(t, old, "main.observations", "KEN"); !strings.HasSuffix(got, "2023=23.0 2025-07") {
		t.Errorf("main.observations as of 2026-01: %s", got)
	}
	var latest, editions, n int
	old.DB().QueryRow(`SELECT (SELECT max(year) FROM latest), (SELECT count(*) FROM editions), (SELECT max(last_year) FROM series)`).Scan(&latest, &editions, &n)
	if latest != 2023 || editions != 1 || n != 2023 {
		t.Errorf("as of 2026-01: latest year %d, %d editions, series to %d", latest, editions, n)
	}
	var x int
	err = old.DB().QueryRow(`SELECT count(*) FROM aggregates`).Scan(&x)
	if err == nil || !strings.Contains(err.Error(), "not as of 2026-01-31") {
		t.Errorf("aggregates as of a date: %v", err)
	}
	// The query package's own connections see the same.
	var b strings.Builder
	if _, err := old.Query().Run(context.Background(), query.Query{SQL: `SELECT max(year) FROM observations`}, "csv", &b); err != nil || !strings.Contains(b.String(), "2023") {
		t.Errorf("streamed query as of 2026-01: %q %v", b.String(), err)
	}
}

// agreesWithMacro checks that the current flags the loads kept are those the as-of macro finds
// for a date after every edition.
func agreesWithMacro(t *testing.T, st *store.Store) {
	t.Helper()
	var differ int
	err := st.DB().QueryRow(`SELECT count(*) FROM (
		SELECT series_id, year, edition_id FROM store.observations WHERE current
		EXCEPT SELECT series_id, year, edition_id FROM store.observations_at(DATE '9999-12-31') WHERE current_at
		UNION ALL
		SELECT series_id, year, edition_id FROM store.observations_at(DATE '9999-12-31') WHERE current_at
		EXCEPT SELECT series_id, year, edition_id FROM store.observations WHERE current)`).Scan(&differ)
	if err != nil {
		t.Fatal(err)
	}
	if differ != 0 {
		t.Errorf("%d observations whose current flag differs from the as-of macro's", differ)
	}
}

// TestLayeringFollowsTheRule loads random editions (some released on the same day, some
// replacing whole series, some older than what the store holds) and checks after each load that
// the store's current values are those the rule gives, worked out here from the files alone.
func TestLayeringFollowsTheRule(t *testing.T) {
	type edn struct {
		label    string
		released time.Time
		id       int // creation order, 0 until first loaded
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	editions := []*edn{{label: "A", released: day("2024-07-01")}, {label: "B", released: day("2025-07-01")},
		{label: "C", released: day("2025-07-01")}, {label: "D", released: day("2023-01-01")}}
	economies := []string{"KEN", "AFG"}
	type key struct {
		economy string
		year    int
	}
	held := map[key]map[*edn]float64{}     // what each edition holds
	replaced := map[string]map[*edn]bool{} // series → editions that replaced it
	rng := rand.New(rand.NewPCG(7, 14))
	st := newStore(t)
	created := 0
	for step := 0; step < 40; step++ {
		e := editions[rng.IntN(len(editions))]
		if e.id == 0 {
			created++
			e.id = created
		}
		replaces := rng.IntN(4) == 0
		var b strings.Builder
		b.WriteString("indicator,economy,year,value\n")
		carried := map[string]bool{}
		for _, econ := range economies {
			if rng.IntN(3) == 0 {
				continue
			}
			for y := 2015; y <= 2024; y++ {
				if rng.IntN(2) == 0 {
					continue
				}
				k := key{econ, y}
				v := float64(y-2000) + float64(e.released.Year()-2020) + float64(len(e.label))/10 + float64(e.label[0]-'A')
				fmt.Fprintf(&b, "internet_use_pct,%s,%d,%g\n", econ, y, v)
				if held[k] == nil {
					held[k] = map[*edn]float64{}
				}
				held[k][e] = v
				carried[econ] = true
			}
		}
		if len(carried) == 0 {
			continue
		}
		if replaces {
			for econ := range carried {
				if replaced[econ] == nil {
					replaced[econ] = map[*edn]bool{}
				}
				replaced[econ][e] = true
			}
		}
		path := writeFile(t, fmt.Sprintf("step%d.csv", step), b.String())
		mustLoad(t, st, path, load.Options{Edition: store.Edition{Label: e.label, Released: e.released}, ReplacesSeries: replaces})

		// The rule, from the files alone.
		newer := func(a, b *edn) bool { // a ranks above b
			if !a.released.Equal(b.released) {
				return a.released.After(b.released)
			}
			return a.id > b.id
		}
		var want []string
		for k, byEdition := range held {
			var floor *edn
			for r := range replaced[k.economy] {
				if floor == nil || newer(r, floor) {
					floor = r
				}
			}
			var best *edn
			for e := range byEdition {
				if floor != nil && newer(floor, e) {
					continue
				}
				if best == nil || newer(e, best) {
					best = e
				}
			}
			if best != nil {
				want = append(want, fmt.Sprintf("%s %d %s %g", k.economy, k.year, best.label, byEdition[best]))
			}
		}
		sort.Strings(want)
		rows, err := st.DB().Query(`SELECT economy || ' ' || year || ' ' || edition || ' ' || value FROM observations ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			got = append(got, s)
		}
		rows.Close()
		if !sameValues(got, want) {
			t.Fatalf("step %d (edition %s, replaces %v):\n got %v\nwant %v", step, e.label, replaces, got, want)
		}
		agreesWithMacro(t, st)
	}
}

// sameValues compares "economy year edition value" lines, values as numbers.
func sameValues(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		var ge, we, gl, wl string
		var gy, wy int
		var gv, wv float64
		fmt.Sscan(got[i], &ge, &gy, &gl, &gv)
		fmt.Sscan(want[i], &we, &wy, &wl, &wv)
		if ge != we || gy != wy || gl != wl || gv != wv {
			return false
		}
	}
	return true
}
