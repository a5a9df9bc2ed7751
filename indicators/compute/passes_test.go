package compute_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/compute"
	"github.com/ictstat/ictstat/indicators/compute/computetest"
)

// TestPassesKeepFamiliesTogether checks how a full computation is divided: the indicators whose
// results depend on one another in one pass, with the measures derived from them, the
// population's pass first, and passes of about the size asked for.
func TestPassesKeepFamiliesTogether(t *testing.T) {
	defer compute.SetPassObservations(100)()
	got := compute.Passes(map[string]int64{
		"internet_use_pct": 80, "coverage_2g_pct": 10, "coverage_3g_pct": 10, "rural_population_pct": 5,
		"fixed_broadband_per100": 30, "fixed_broadband_10m_plus_per100": 30, "population": 5,
		"mobile_broadband_per100": 60, "mobile_cellular_per100": 60,
	})
	want := [][]string{
		{"mobile_cellular_per100", "population"},
		{"coverage_2g_pct", "coverage_3g_pct", "internet_use_pct", "rural:coverage_2g_pct", "rural:coverage_3g_pct", "rural_population_pct"},
		{"fixed_broadband_10m_plus_per100", "fixed_broadband_per100", "share_10m:fixed_broadband_per100"},
		{"mobile_broadband_per100"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("passes:\n got %q\nwant %q", got, want)
	}
}

// TestIncrementalPasses checks that an incremental computation of many indicators (a load that
// changed them all) is divided into passes as a full one is, its families kept together.
func TestIncrementalPasses(t *testing.T) {
	defer compute.SetPassObservations(100)()
	sizes := map[string]int64{"internet_use_pct": 80, "coverage_3g_pct": 10, "mobile_broadband_per100": 60,
		"mobile_cellular_per100": 60, "fixed_telephone_per100": 30}
	got := compute.IncrementalPasses([]string{"coverage_3g_pct", "internet_use_pct", "mobile_broadband_per100", "mobile_cellular_per100"}, sizes)
	want := [][]string{
		{"coverage_3g_pct", "internet_use_pct", "rural:coverage_3g_pct"},
		{"mobile_broadband_per100"},
		{"mobile_cellular_per100"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("passes:\n got %q\nwant %q", got, want)
	}
	if got := compute.IncrementalPasses(nil, sizes); len(got) != 0 {
		t.Errorf("nothing changed: passes %q", got)
	}
}

// TestPassesEqualOnePass computes the default database in full twice: in one pass, and with
// every family of indicators in a pass of its own, and checks that every derived table holds
// the same rows.
func TestPassesEqualOnePass(t *testing.T) {
	if testing.Short() {
		t.Skip("computes the default database twice")
	}
	dir := t.TempDir()
	full := func(name string, n int64) string {
		defer compute.SetPassObservations(n)()
		path := filepath.Join(dir, name)
		copyFile(t, computetest.Path(t), path)
		st, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := compute.Run(ctx, st, compute.Options{ToolVersion: "test", NowcastTo: computetest.NowcastTo, Full: true}); err != nil {
			t.Fatal(err)
		}
		return path
	}
	compareDerived(t, "a pass per family against one pass", full("families.duckdb", 1), full("one.duckdb", 1<<62))
}
