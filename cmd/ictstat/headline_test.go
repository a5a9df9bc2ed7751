package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// csvFloat is a CSV cell as a number, NaN when empty.
func csvFloat(t *testing.T, s string) float64 {
	t.Helper()
	if s == "" {
		return math.NaN()
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return f
}

// headlineRow is a row of headline --format csv.
type headlineRow struct {
	value, low, high float64
	status           string
}

// headlineCSV runs headline --format csv (for year, or the default year with "") and checks
// every row: the header, the year, values with the statuses that have them, and intervals that
// hold their value. It returns the output, its rows by group and measure, and the measures of
// each group.
func headlineCSV(t *testing.T, db, year string) (string, map[string]headlineRow, map[string]int) {
	t.Helper()
	args := []string{"--db", db, "headline", "--format", "csv"}
	if year != "" {
		args = append(args, "--year", year)
	}
	r := ictstat(t, args...)
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if r.code != 0 || err != nil || len(recs) < 2 {
		t.Fatalf("headline --format csv: exit %d %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	header := "group_code,group_name,group_kind,measure,unit,year,value,ci_low,ci_high,status,coverage_reported,coverage_nowcast,coverage,basis"
	if strings.Join(recs[0], ",") != header {
		t.Fatalf("header %v, want %s", recs[0], header)
	}
	col := map[string]int{}
	for i, c := range recs[0] {
		col[c] = i
	}
	if recs[1][col["group_code"]] != "WLD" || recs[1][col["measure"]] != "internet_use_pct" {
		t.Errorf("the first row is %v, want the world's Internet use", recs[1])
	}
	rows := map[string]headlineRow{} // by group and measure
	groups := map[string]int{}       // measures per group
	for _, rec := range recs[1:] {
		if year != "" && rec[col["year"]] != year || rec[col["year"]] != recs[1][col["year"]] {
			t.Fatalf("a row of year %s, want %s: %v", rec[col["year"]], year, rec)
		}
		c := headlineRow{csvFloat(t, rec[col["value"]]), csvFloat(t, rec[col["ci_low"]]), csvFloat(t, rec[col["ci_high"]]), rec[col["status"]]}
		key := rec[col["group_code"]] + " " + rec[col["measure"]]
		rows[key] = c
		groups[rec[col["group_code"]]]++
		switch c.status {
		case "published", "nowcast":
			if math.IsNaN(c.value) || rec[col["basis"]] == "" {
				t.Errorf("%s: %s without a value or a basis", key, c.status)
			}
		case "withheld", "no data":
			if !math.IsNaN(c.value) || !math.IsNaN(c.low) || !math.IsNaN(c.high) {
				t.Errorf("%s: %s with a value %v (%v–%v)", key, c.status, c.value, c.low, c.high)
			}
		default:
			t.Errorf("%s: status %q", key, c.status)
		}
		if (!math.IsNaN(c.low) || !math.IsNaN(c.high)) && !(c.low <= c.value && c.value <= c.high) {
			t.Errorf("%s: %s %v with the interval %v–%v", key, c.status, c.value, c.low, c.high)
		}
	}
	for _, g := range []string{"WLD", "ITU_AFR", "ITU_AMS", "ITU_ARB", "ITU_ASP", "ITU_CIS", "ITU_EUR", "LIC", "LMC", "UMC", "HIC", "LDC", "LLDC", "SIDS"} {
		if groups[g] != 12 {
			t.Errorf("%s has %d measures, want 12", g, groups[g])
		}
	}
	return r.stdout, rows, groups
}

func TestHeadline(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	// The default year, by a second route: the latest year of the world's Internet use that is
	// published or nowcast.
	want := sqlRows(t, db, `SELECT max(year) FROM aggregates WHERE group_code = 'WLD' AND indicator = 'internet_use_pct'
		AND sex = 'total' AND area = 'total' AND age = 'total' AND status IN ('published', 'nowcast')`)[0][0]
	if y, _ := strconv.Atoi(want); y < 2020 {
		t.Fatalf("the world's Internet use is published up to %s only", want)
	}
	out, rows, _ := headlineCSV(t, db, "")
	if !strings.Contains(out, "\nWLD,World,world,internet_use_pct,% of population,"+want+",") {
		t.Fatalf("the default year is not %s:\n%s", want, out)
	}
	world := rows["WLD internet_use_pct"]
	if world.status != "published" && world.status != "nowcast" || !(world.value > 50 && world.value < 100) {
		t.Errorf("the world's Internet use in %s: %+v", want, world)
	}
	if world.status == "nowcast" && !(world.low < world.value && world.value < world.high) {
		t.Errorf("the world's nowcast Internet use %v is not inside its interval %v–%v", world.value, world.low, world.high)
	}

	// People online and offline add up to the population aggregate, read straight from the
	// aggregates view, and people online are the population × the share; their intervals are
	// the share's. In the default year and in the latest year with the world's population.
	years := []string{want}
	if last := sqlRows(t, db, `SELECT max(year) FROM aggregates WHERE group_code = 'WLD' AND indicator = 'population'
		AND sex = 'total' AND area = 'total' AND age = 'total' AND status IN ('published', 'nowcast') AND year <= `+want)[0][0]; last != want {
		years = append(years, last)
	}
	for _, y := range years {
		_, rows, groups := headlineCSV(t, db, y)
		pops := sqlRows(t, db, `SELECT a.group_code, a.value, s.value, s.ci_low, s.ci_high FROM aggregates a JOIN aggregates s USING (group_code, year, sex, area, age)
			WHERE a.indicator = 'population' AND s.indicator = 'internet_use_pct' AND a.sex = 'total' AND a.area = 'total' AND a.age = 'total'
			AND a.year = `+y+` AND a.status IN ('published', 'nowcast') AND s.status IN ('published', 'nowcast')`)
		checked := 0
		for _, p := range pops {
			if _, listed := groups[p[0]]; !listed {
				continue
			}
			online, offline := rows[p[0]+" online_persons"], rows[p[0]+" offline_persons"]
			people, share, low, high := csvFloat(t, p[1])/1e9, csvFloat(t, p[2]), csvFloat(t, p[3]), csvFloat(t, p[4])
			near := func(a, b float64) bool { return math.IsNaN(a) && math.IsNaN(b) || math.Abs(a-b) <= 1e-9*people }
			if !near(online.value+offline.value, people) || !near(online.value, people*share/100) ||
				!near(online.low, people*low/100) || !near(online.high, people*high/100) ||
				!near(offline.low, people*(100-high)/100) || !near(offline.high, people*(100-low)/100) {
				t.Errorf("%s %s: online %v (%v–%v), offline %v (%v–%v); population %v billion, %v%% (%v–%v) online",
					p[0], y, online.value, online.low, online.high, offline.value, offline.low, offline.high, people, share, low, high)
			}
			checked++
		}
		if y == years[len(years)-1] && checked < 10 {
			t.Errorf("%s: people online checked for %d groups", y, checked)
		}
	}
	if len(years) > 1 && rows["WLD online_persons"].status != "withheld" {
		t.Errorf("the world's population of %s is withheld, people online %+v", want, rows["WLD online_persons"])
	}

	// The same long table as the SQL macro, in CSV; as JSON and Parquet too.
	if s := ictstat(t, "--db", db, "sql", "--format", "csv", "SELECT * FROM headline("+want+")"); s.stdout != out {
		t.Errorf("headline --format csv differs from SELECT * FROM headline(%s):\n%s\n%s", want, out, s.stdout)
	}
	n := strings.Count(out, "\n") - 1
	j := ictstat(t, "--db", db, "headline", "--year", want, "--format", "json")
	var res struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal([]byte(j.stdout), &res); j.code != 0 || err != nil || len(res.Rows) != n || res.Rows[0]["group_code"] != "WLD" {
		t.Errorf("JSON: exit %d %v, %d rows\n%s", j.code, err, len(res.Rows), j.stderr)
	}
	pq := filepath.Join(t.TempDir(), "headline.parquet")
	if p := ictstat(t, "--db", db, "headline", "--format", "parquet", "-o", pq); p.code != 0 {
		t.Fatalf("parquet: exit %d %s", p.code, p.stderr)
	}
	if got := sqlRows(t, db, "SELECT count(*) FROM read_parquet('"+pq+"')")[0][0]; got != strconv.Itoa(n) {
		t.Errorf("the Parquet file holds %s rows, want %d", got, n)
	}

	// The wide table: every group, the source line and what a nowcast is.
	tab := ictstat(t, "--db", db, "headline")
	if tab.code != 0 || !strings.Contains(tab.stdout, "Facts and Figures "+want) || !strings.Contains(tab.stdout, "Source: ITU") {
		t.Fatalf("table: exit %d\n%s%s", tab.code, tab.stdout, tab.stderr)
	}
	for _, s := range []string{"World", "Europe (ITU region)", "Low income", "Least developed countries", "Small island developing States", "Internet use %"} {
		if !strings.Contains(tab.stdout, s) {
			t.Errorf("the table lacks %q:\n%s", s, tab.stdout)
		}
	}
	if world.status == "nowcast" && (!strings.Contains(tab.stdout, "* nowcast") || !strings.Contains(tab.stdout, "equally correlated") ||
		!strings.Contains(tab.stdout, "WLD      World  ") ||
		!strings.Contains(tab.stdout, strconv.FormatFloat(world.value, 'f', 1, 64)+" ("+strconv.FormatFloat(world.low, 'f', 1, 64)+"–")) {
		t.Errorf("the table does not show the world's nowcast with its interval:\n%s", tab.stdout)
	}
}

func TestHeadlineErrors(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args     []string
		code     int
		contains string
	}{
		{[]string{"--year", "1900"}, 2, "no headline value for 1900"},
		{[]string{"--year", "2200", "--format", "csv"}, 2, "no headline value for 2200"},
		{[]string{"--format", "xml"}, 2, "--format must be table, csv, json or parquet"},
		{[]string{"--year", "soon"}, 2, "invalid argument"},
		{[]string{"-o", db}, 2, "is the database file"},
	} {
		r := ictstat(t, append([]string{"--db", db, "headline"}, c.args...)...)
		if r.code != c.code || !strings.Contains(r.stderr, c.contains) || r.stdout != "" {
			t.Errorf("headline %v: exit %d, want %d with %q\nstdout: %s\nstderr: %s", c.args, r.code, c.code, c.contains, r.stdout, r.stderr)
		}
	}
	// A database with nothing computed.
	empty := filepath.Join(t.TempDir(), "empty.duckdb")
	if r := ictstat(t, "--db", empty, "init", "--empty", "-q"); r.code != 0 {
		t.Fatalf("init --empty: %d %s", r.code, r.stderr)
	}
	r := ictstat(t, "--db", empty, "headline")
	if r.code != 1 || !strings.Contains(r.stderr, "nothing computed yet: run 'ictstat compute'") {
		t.Errorf("headline on a database with nothing computed: exit %d\n%s", r.code, r.stderr)
	}
	// A failed -o leaves no file.
	out := filepath.Join(t.TempDir(), "h.csv")
	if r := ictstat(t, "--db", db, "headline", "--year", "1900", "--format", "csv", "-o", out); r.code != 2 {
		t.Errorf("-o with a year without data: exit %d", r.code)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed headline left %s", out)
	}
}

// TestHeadlineNotebook renders notebooks/facts-and-figures.md, whose blocks query headline(year).
func TestHeadlineNotebook(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "ff.md")
	r := ictstat(t, "--db", db, "notebook", "render", "../../notebooks/facts-and-figures.md", "-p", "year=2024", "-o", out)
	if r.code != 0 {
		t.Fatalf("render: exit %d\n%s", r.code, r.stderr)
	}
	b, _ := os.ReadFile(out)
	for _, s := range []string{"# Facts and Figures 2024", "of the world's population used the Internet", "| Europe (ITU region) |", "| People offline, billions |"} {
		if !strings.Contains(string(b), s) {
			t.Errorf("the report lacks %q:\n%s", s, b)
		}
	}
}

// TestHeadlineNotesWrap: with COLUMNS=80 the title and the notes under the table wrap to 80
// runes, as the table fits them.
func TestHeadlineNotesWrap(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	r := ictstatIn(t, "", []string{"COLUMNS=80"}, "--db", db, "headline")
	if r.code != 0 || !strings.Contains(r.stdout, "Computed by ictstat.") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, l := range strings.Split(r.stdout, "\n") {
		if utf8.RuneCountInString(l) > 80 {
			t.Errorf("a line of %d runes: %s", utf8.RuneCountInString(l), l)
		}
	}
}
