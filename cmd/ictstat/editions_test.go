package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sqlRows runs a query through `ictstat sql` and returns its CSV rows without the header.
func sqlRows(t *testing.T, db string, q string, extra ...string) [][]string {
	t.Helper()
	r := ictstat(t, append(append([]string{"--db", db, "sql", "--format", "csv"}, extra...), q)...)
	if r.code != 0 {
		t.Fatalf("sql %s: exit %d: %s", q, r.code, r.stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("sql %s: %v", q, err)
	}
	return rows[1:]
}

// yearsPerSeries counts the years of every economy's series in observations.
func yearsPerSeries(t *testing.T, db string) map[string]int {
	out := map[string]int{}
	for _, r := range sqlRows(t, db, `SELECT indicator || ' ' || economy || ' ' || sex || ' ' || area || ' ' || age, count(*) FROM observations GROUP BY ALL`) {
		out[r[0]], _ = strconv.Atoi(r[1])
	}
	return out
}

const kenInternet = `SELECT year, value, edition FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'KEN'
	AND sex = 'total' AND area = 'total' AND age = 'total' ORDER BY year`

// TestReadmeExamplesKeepHistory runs the README's loading examples and the example country-release
// job against a copy of the default database, and checks that no series loses a year, that the
// one-year edition shows for its year only, that the job leaves the database as it was, and that
// as-of dates, revisions, --replaces-series and edition drop behave as documented.
func TestReadmeExamplesKeepHistory(t *testing.T) {
	db := copyOfDefault(t)
	dir := t.TempDir()
	if r := ictstat(t, "--db", db, "group", "set", "EAC", "--name", "East African Community", "--members", "BDI,COD,KEN,RWA,SOM,SSD,TZA,UGA"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := ictstat(t, "--db", db, "compute", "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	eac2015 := `SELECT round(value, 6) FROM aggregates WHERE group_code = 'EAC' AND indicator = 'internet_use_pct'
		AND sex = 'total' AND area = 'total' AND age = 'total' AND year = 2015`
	before := yearsPerSeries(t, db)
	eacBefore := sqlRows(t, db, eac2015)[0][0]
	kenBefore := sqlRows(t, db, kenInternet)
	if len(kenBefore) < 20 || eacBefore == "" {
		t.Fatalf("default data: %d years of Kenya's internet use, EAC 2015 %q", len(kenBefore), eacBefore)
	}

	nso := writeFile(t, dir, "nso.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2024,48.5\n")
	if r := ictstat(t, "--db", db, "ingest", nso, "--edition", "KNBS 2026-06", "--released", "2026-06-30"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	pop := writeFile(t, dir, "pop.csv", "Country Code,year,value\nKEN,2024,56432944\n")
	if r := ictstat(t, "--db", db, "ingest", pop, "--indicator", "SP.POP.TOTL", "--column", "economy=Country Code", "--edition", "NSO population 2026-07", "--released", "2026-07-15"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	job, err := filepath.Abs("../../datasets/jobs/country-release.yaml")
	if err != nil {
		t.Fatal(err)
	}
	unchanged := fingerprint(t, db)
	if r := ictstatIn(t, dir, nil, "--db", db, "run", job, "-q"); r.code != 0 {
		t.Fatalf("country-release job: exit %d: %s", r.code, r.stderr)
	}
	if fingerprint(t, db) != unchanged {
		t.Error("the example job changed the user's database")
	}
	if _, err := os.Stat(filepath.Join(dir, "country-release.duckdb")); err != nil {
		t.Errorf("the example job's own database: %v", err)
	}
	if r := ictstat(t, "--db", db, "compute", "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}

	after := yearsPerSeries(t, db)
	for s, n := range before {
		if after[s] < n {
			t.Errorf("%s: %d years before the loads, %d after", s, n, after[s])
		}
	}
	ken := sqlRows(t, db, kenInternet)
	last := ken[len(ken)-1]
	if len(ken) != len(kenBefore) || last[0] != "2024" || last[1] != "48.5" || last[2] != "KNBS 2026-06" {
		t.Errorf("Kenya after the one-year edition: %d years (%d before), last %v", len(ken), len(kenBefore), last)
	}
	for i := range ken[:len(ken)-1] {
		if strings.Join(ken[i], ",") != strings.Join(kenBefore[i], ",") {
			t.Errorf("Kenya %s changed: %v, was %v", ken[i][0], ken[i], kenBefore[i])
		}
	}
	if got := sqlRows(t, db, eac2015)[0][0]; got != eacBefore {
		t.Errorf("EAC internet use in 2015: %s after loading a 2024 population, %s before", got, eacBefore)
	}
	if n := sqlRows(t, db, `SELECT count(*) FROM editions WHERE edition LIKE 'SYN%'`)[0][0]; n != "0" {
		t.Errorf("%s synthetic editions in the user's database", n)
	}

	// The chart names the office's edition on its own, not as ITU's data.
	svg := filepath.Join(dir, "ken.svg")
	if r := ictstat(t, "--db", db, "chart", "trend", "--indicator", "internet_use_pct", "--economies", "KEN", "-o", svg); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if b, _ := os.ReadFile(svg); !strings.Contains(string(b), "Source: ITU, via World Bank WDI (2025 edition); KNBS 2026-06.") {
		t.Errorf("the chart's source line does not name the office's edition apart from ITU's data")
	}

	// As of a date before the loads, the old values; revisions list the change.
	old := sqlRows(t, db, kenInternet, "--as-of", "2026-01-01")
	if strings.Join(old[len(old)-1], ",") != strings.Join(kenBefore[len(kenBefore)-1], ",") {
		t.Errorf("as of 2026-01-01: %v, want %v", old[len(old)-1], kenBefore[len(kenBefore)-1])
	}
	rev := sqlRows(t, db, `SELECT year, edition_before, value_after, kind FROM revisions WHERE economy = 'KEN' AND edition_after = 'KNBS 2026-06'`)
	if len(rev) != 1 || rev[0][0] != "2024" || rev[0][2] != "48.5" || rev[0][3] != "revised" {
		t.Errorf("revisions: %v", rev)
	}
	r := ictstat(t, "--db", db, "progress", "--economy", "KEN", "--as-of", "2026-01-01", "--format", "csv")
	if r.code != 0 || !strings.Contains(r.stdout, "34.97") || strings.Contains(r.stdout, ",48.5") {
		t.Errorf("progress as of 2026-01-01: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := ictstat(t, "--db", db, "chart", "trend", "--indicator", "internet_use_pct", "--economies", "KEN", "--as-of", "2026-01-01", "-o", svg); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if b, _ := os.ReadFile(svg); !strings.Contains(string(b), "Data as published on 2026-01-01.") || strings.Contains(string(b), "KNBS") {
		t.Errorf("a chart as of 2026-01-01 does not say so, or names an edition released after")
	}
	if r := ictstat(t, "--db", db, "sql", "--as-of", "2026-01-01", "SELECT count(*) FROM progress"); r.code != 2 || !strings.Contains(r.stderr, "not as of 2026-01-01") {
		t.Errorf("progress in SQL as of a date: exit %d %s", r.code, r.stderr)
	}

	// A revision of the whole series leaves only its years; dropping it brings the history back.
	if r := ictstat(t, "--db", db, "ingest", nso, "--edition", "KNBS 2026-09", "--released", "2026-09-30", "--replaces-series"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if ken := sqlRows(t, db, kenInternet); len(ken) != 1 || ken[0][0] != "2024" {
		t.Errorf("after --replaces-series: %v", ken)
	}
	if r := ictstat(t, "--db", db, "edition", "drop", "KNBS 2026-09"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if ken := sqlRows(t, db, kenInternet); len(ken) != len(kenBefore) {
		t.Errorf("after dropping the revision: %d years, want %d", len(ken), len(kenBefore))
	}
	if r := ictstat(t, "--db", db, "sql", "--as-of", "1999", "SELECT count(*) FROM observations"); r.code != 2 || !strings.Contains(r.stderr, "the first was released on") {
		t.Errorf("as of a date before every edition: exit %d %s", r.code, r.stderr)
	}
	if r := ictstat(t, "--db", db, "edition", "drop", "no such edition"); r.code != 2 {
		t.Errorf("dropping an unknown edition: exit %d", r.code)
	}
	if r := ictstat(t, "--db", db, "info"); !strings.Contains(r.stdout, "before the last 1 changes") {
		t.Errorf("info after a drop does not say the results are due: %s", r.stdout)
	}
	// compute --as-of writes results as of the date, and says so.
	if r := ictstat(t, "--db", db, "compute", "-q", "--as-of", "2026-01-01"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	latest := `SELECT as_of, (SELECT latest FROM progress WHERE entity = 'KEN' AND measure = 'internet_use_pct' LIMIT 1)
		FROM computations ORDER BY computation_id DESC LIMIT 1`
	if got := sqlRows(t, db, latest)[0]; got[0] != "2026-01-01" || !strings.HasPrefix(got[1], "34.97") {
		t.Errorf("after compute --as-of 2026-01-01: %v", got)
	}
}
