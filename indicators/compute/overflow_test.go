package compute_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ictstat/ictstat/datasets"
	"github.com/ictstat/ictstat/engine/load"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/compute"
)

// TestNoAggregateIsPublishedEmpty loads absurd values into a database whose catalogue has no
// upper bounds, as one built before the bounds: Kenya's population and Uganda's mobile
// subscriptions per 100 in 2020 of 1e308. Weighted by such a population, or summing such values,
// an aggregate passes the largest float64: it is withheld, never published without a value.
func TestNoAggregateIsPublishedEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absurd.duckdb")
	if _, err := datasets.Build(ctx, path, datasets.BuildOptions{ToolVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.DB().Exec(`UPDATE store.indicators SET max_value = NULL`); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "absurd.csv")
	content := "indicator,economy,year,value\npopulation,KEN,2020,1e308\nmobile_cellular_per100,UGA,2020,1e308\n"
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if o, err := load.File(ctx, st, file, load.Options{}); err != nil || o.RowsLoaded != 2 {
		t.Fatalf("load: %+v, %v", o, err)
	}
	if _, err := compute.Run(ctx, st, compute.Options{ToolVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	var empty, withheld int
	err = st.DB().QueryRow(`SELECT count(*) FILTER (WHERE status = 'published' AND value IS NULL),
		count(*) FILTER (WHERE status = 'withheld' AND group_code = 'WLD' AND year = 2020
			AND indicator IN ('internet_use_pct', 'mobile_cellular_per100') AND sex = 'total' AND age = 'total')
		FROM aggregates`).Scan(&empty, &withheld)
	if err != nil {
		t.Fatal(err)
	}
	if empty != 0 {
		t.Errorf("%d aggregates published without a value", empty)
	}
	if withheld != 2 {
		t.Errorf("the world's 2020 internet use and mobile subscriptions: %d withheld, want 2", withheld)
	}
}
