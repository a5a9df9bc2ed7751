package main

import (
	"strings"
	"testing"
)

// compute says what it recomputed: nothing on an unchanged database, the indicator a load
// changed and those recomputed with it, everything with --full.
func TestComputeSaysWhatItRecomputed(t *testing.T) {
	db := copyOfDefault(t)
	if r := ictstat(t, "--db", db, "compute"); r.code != 0 || !strings.Contains(r.stdout, "no observations changed since the latest computation") {
		t.Fatalf("unchanged: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	file := writeFile(t, t.TempDir(), "ken.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2025,51.3\n")
	if r := ictstat(t, "--db", db, "ingest", "--edition", "NSO 2026", file); r.code != 0 {
		t.Fatalf("ingest: %s", r.stderr)
	}
	r := ictstat(t, "--db", db, "compute", "-v")
	for _, want := range []string{"observations changed: internet_use_pct; recomputed with them: coverage_3g_pct, rural:coverage_3g_pct",
		"the other results stand", "reading observations"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("after a load, compute -v lacks %q:\n%s", want, r.stdout)
		}
	}
	if r := ictstat(t, "--db", db, "compute", "--full"); !strings.Contains(r.stdout, "recomputed everything (--full)") {
		t.Errorf("--full:\n%s", r.stdout)
	}
	r = ictstat(t, "--db", db, "sql", "--format", "csv", "SELECT scope FROM computations ORDER BY computation_id")
	if want := "incremental: nothing changed\n\"incremental: coverage_3g_pct, internet_use_pct, rural:coverage_3g_pct\"\nfull"; !strings.HasSuffix(strings.TrimSpace(r.stdout), want) {
		t.Errorf("computations.scope:\n%s\nwant it to end\n%s", r.stdout, want)
	}
}
