package indicators_test

import (
	"context"
	"database/sql"
	"math"
	"path/filepath"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/ictstat/ictstat/datasets"
	"github.com/ictstat/ictstat/indicators"
)

// TestBoundsStandFarAboveRealValues builds the default database from the embedded real data and
// checks every indicator's upper bound: finite, and at least twice the largest value any economy
// or published aggregate has (percentages: at most 100).
func TestBoundsStandFarAboveRealValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "default.duckdb")
	if _, err := datasets.Build(context.Background(), path, datasets.BuildOptions{ToolVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	largest := map[string]float64{}
	rows, err := db.Query(`SELECT indicator, max(value) FROM (
		SELECT indicator, value FROM observations_all_editions
		UNION ALL SELECT indicator, value FROM published_aggregates_all_editions) GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var code string
		var x float64
		if err := rows.Scan(&code, &x); err != nil {
			t.Fatal(err)
		}
		largest[code] = x
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	inds, _ := indicators.Catalogue()
	for _, ind := range inds {
		x, seen := largest[ind.Code]
		t.Logf("%-40s largest %-14g bound %g", ind.Code, x, ind.Max)
		switch {
		case math.IsInf(ind.Max, 0):
			t.Errorf("%s has no upper bound", ind.Code)
		case ind.UnitKind == "percent" && ind.Max != 100:
			t.Errorf("%s: a percentage bounded by %g", ind.Code, ind.Max)
		case ind.UnitKind != "percent" && seen && x > ind.Max/2:
			t.Errorf("%s: largest real value %g, too close to the bound %g", ind.Code, x, ind.Max)
		}
	}
	if len(largest) < 35 {
		t.Errorf("values of %d indicators, want the default data's 38", len(largest))
	}
}

func TestBoundsAreNumbers(t *testing.T) {
	inds, _ := indicators.Catalogue()
	for _, ind := range inds {
		if math.IsNaN(ind.Min) || math.IsNaN(ind.Max) || ind.Min > ind.Max {
			t.Errorf("%s: range %v–%v", ind.Code, ind.Min, ind.Max)
		}
	}
}
