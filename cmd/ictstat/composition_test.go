package main

import (
	"strings"
	"testing"
)

// TestComputeComposition: 'ictstat compute' forms aggregates from the groups' current composition
// unless asked for each year's, and says which in aggregates, computations and 'ictstat info'.
func TestComputeComposition(t *testing.T) {
	db := copyOfDefault(t)
	lmc := `SELECT composition, year, round(value, 2) AS v FROM aggregates WHERE group_code = 'LMC' AND indicator = 'internet_use_pct'
		AND sex = 'total' AND area = 'total' AND age = 'total' AND year IN (2009, 2010) ORDER BY year`
	if r := ictstat(t, "--db", db, "sql", lmc); r.stdout != "composition,year,v\ncurrent,2009,7.5\ncurrent,2010,10.12\n" {
		t.Errorf("default: %q %s", r.stdout, r.stderr)
	}
	if r := ictstat(t, "--db", db, "compute", "--composition", "historical"); r.code != 0 {
		t.Fatalf("compute --composition historical: %s", r.stderr)
	}
	if r := ictstat(t, "--db", db, "sql", lmc); r.stdout != "composition,year,v\nhistorical,2009,15.65\nhistorical,2010,11.22\n" {
		t.Errorf("historical: %q %s", r.stdout, r.stderr)
	}
	if r := ictstat(t, "--db", db, "info"); !strings.Contains(r.stdout, "groups in each year's composition") {
		t.Errorf("info does not name the composition:\n%s", r.stdout)
	}
	if r := ictstat(t, "--db", db, "compute"); r.code != 0 {
		t.Fatalf("compute: %s", r.stderr)
	}
	if r := ictstat(t, "--db", db, "sql", `SELECT string_agg(DISTINCT composition, ',') AS c FROM aggregates`); r.stdout != "c\ncurrent\n" {
		t.Errorf("after compute: %q", r.stdout)
	}
}
