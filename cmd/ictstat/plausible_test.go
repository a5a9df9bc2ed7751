package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestIngestRefusesAbsurdValues: values past their indicator's bound are rejected naming it, so
// a file of them is refused with exit code 3, where it used to load.
func TestIngestRefusesAbsurdValues(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.duckdb")
	if r := ictstat(t, "--db", db, "init", "--empty"); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}
	path := writeFile(t, dir, "absurd.csv", "indicator,economy,year,value\npopulation,KEN,2020,1e308\nmobile_cellular_per100,UGA,2020,1e308\n")
	r := ictstat(t, "--db", db, "ingest", path)
	if r.code != exitRefused {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, exitRefused, r.stdout, r.stderr)
	}
	for _, want := range []string{
		`line 2, column value, value "1e308": above the maximum 2e10 for population`,
		`line 3, column value, value "1e308": above the maximum 1000 for mobile_cellular_per100`,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
}
