package store_test

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/ictstat/ictstat/engine/store"
)

// The derived rows reach the table whole, however many batches they take, with their NULLs, and
// a computation that fails while handing rows over leaves the previous results.
func TestDerivedRowsWholeOrNotAtAll(t *testing.T) {
	st := newSmallStore(t)
	begin := func() *store.DerivedWriter {
		w, err := st.BeginDerived(ctx, store.Computation{ComputedAt: time.Now(), Composition: "current"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	const n = 100_003 // more than three batches
	w := begin()
	wrote, err := w.Gaps(func(emit func(store.GapRow) error) error {
		for i := range n {
			g := store.GapRow{Entity: fmt.Sprintf("E%03d", i%500), EntityKind: "economy", Measure: "gender_parity_score",
				Indicator: "internet_use_pct", Area: "total", Age: "total", Year: 1990 + i%40, Value: float64(i),
				First: math.NaN(), Second: 2, Basis: "reported", Nowcast: i%2 == 1, Low95: math.NaN(), High95: math.NaN()}
			if i == 7 {
				g.Status, g.Entity = "women behind", "Côte d'Ivoire"
			}
			if err := emit(g); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || wrote != n {
		t.Fatalf("wrote %d gap rows, %v; want %d", wrote, err, n)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	var rows, nowcasts, firsts, statuses int
	var sum float64
	if err := st.DB().QueryRow(`SELECT count(*), sum(value), count(*) FILTER (nowcast), count(first), count(status)
		FROM main.gaps`).Scan(&rows, &sum, &nowcasts, &firsts, &statuses); err != nil {
		t.Fatal(err)
	}
	if rows != n || sum != float64(n)*(n-1)/2 || nowcasts != n/2 || firsts != 0 || statuses != 1 {
		t.Errorf("gaps: %d rows summing to %v, %d nowcasts, %d first values, %d statuses; want %d, %v, %d, 0, 1",
			rows, sum, nowcasts, firsts, statuses, n, float64(n)*(n-1)/2, n/2)
	}
	var entity, status string
	var year int
	if err := st.DB().QueryRow(`SELECT entity, status, year FROM main.gaps WHERE value = 7`).Scan(&entity, &status, &year); err != nil {
		t.Fatal(err)
	}
	if entity != "Côte d'Ivoire" || status != "women behind" || year != 1997 {
		t.Errorf("row 7: %q, %q, %d", entity, status, year)
	}

	w = begin()
	broken := errors.New("the computation failed")
	_, err = w.Gaps(func(emit func(store.GapRow) error) error {
		for i := range n {
			if i == 50_000 {
				return broken
			}
			if err := emit(store.GapRow{Entity: "X", EntityKind: "economy", Measure: "m", Indicator: "i", Area: "total",
				Age: "total", Year: 2000, Value: 1, Basis: "reported"}); err != nil {
				return err
			}
		}
		return nil
	})
	if !errors.Is(err, broken) {
		t.Fatalf("a failing computation: %v", err)
	}
	if err := w.Commit(); err == nil {
		t.Error("a writer that failed committed")
	}
	if err := st.DB().QueryRow(`SELECT count(*) FROM main.gaps`).Scan(&rows); err != nil || rows != n {
		t.Errorf("after a failed computation the store holds %d gap rows (%v); want the previous %d", rows, err, n)
	}
	// The texts the failed computation numbered are not kept; the earlier ones are.
	var kept, lost int
	if err := st.DB().QueryRow(`SELECT count(*) FILTER (term = 'Côte d''Ivoire'), count(*) FILTER (term IN ('X', 'm', 'i'))
		FROM store.terms`).Scan(&kept, &lost); err != nil || kept != 1 || lost != 0 {
		t.Errorf("after a failed computation store.terms holds the earlier text %d times and the failed one's texts %d times (%v); want 1 and 0",
			kept, lost, err)
	}
}
