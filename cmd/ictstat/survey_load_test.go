package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/chart"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/figures"
)

const surveyDesign = `economy: Kenya
year: 2025
design: {weight: weight, strata: stratum, psu: psu, fpc: fpc}
variables:
  used_internet: {indicator: internet_use_pct}
  owns_mobile_phone: {indicator: mobile_phone_ownership_pct}
by:
  sex: {dimension: sex}
  area: {dimension: area}
`

// TestSurveyLoad generates a survey, loads its estimates into a copy of the default database
// and checks them against 'survey estimate' (the second route), the history of the series they
// join, a dry run and a second load (nothing changes), refusals, and the error bars of a chart.
func TestSurveyLoad(t *testing.T) {
	dir := t.TempDir()
	data := dir + "/hh.parquet"
	if r := ictstat(t, "gen", "survey", "-o", data, "--persons", "6000", "--regions", "4"); r.code != 0 {
		t.Fatalf("gen survey: exit %d: %s", r.code, r.stderr)
	}
	design := writeFile(t, dir, "design.yaml", surveyDesign)
	db := copyOfDefault(t)
	sqlOne := func(q string, args ...any) float64 {
		t.Helper()
		st, err := store.Open(context.Background(), db, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var x float64
		if err := st.DB().QueryRow(q, args...).Scan(&x); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return x
	}
	history := `SELECT count(*) + coalesce(sum(value), 0) FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'KEN' AND year < 2025`
	before := sqlOne(history)
	print := fingerprint(t, db)

	r := ictstat(t, "--db", db, "survey", "load", data, "--design", design, "--dry-run")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "indicator,economy,year,sex,area,age,value,se,ci_low,ci_high,flag,source,note\n") {
		t.Fatalf("dry run: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// 2 variables × (1 total + 2 sexes + 2 areas + 4 crossed) rows, none suppressed at this size.
	if len(rows)-1 != 18 {
		t.Errorf("dry run wrote %d rows, want 18:\n%s", len(rows)-1, r.stdout)
	}
	if fingerprint(t, db) != print {
		t.Error("the dry run changed the database")
	}

	r = ictstat(t, "--db", db, "survey", "load", data, "--design", design, "--edition", "Synthetic survey 2025")
	if r.code != 0 || !strings.Contains(r.stdout, "18 estimates (2 variables, 4 domain sets) loaded") {
		t.Fatalf("load: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if after := sqlOne(history); after != before {
		t.Errorf("the history of Kenya's series changed: %v before, %v after", before, after)
	}
	// Second route: 'survey estimate' by sex, ×100, against the rows loaded.
	est := ictstat(t, "survey", "estimate", data, "--design", design, "--by", "sex", "--format", "csv")
	if est.code != 0 {
		t.Fatalf("estimate: exit %d: %s", est.code, est.stderr)
	}
	lines := strings.Split(strings.TrimSpace(est.stdout), "\n")[1:]
	recs, err := csv.NewReader(strings.NewReader(strings.Join(lines, "\n"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	indicatorOf := map[string]string{"used_internet": "internet_use_pct", "owns_mobile_phone": "mobile_phone_ownership_pct"}
	for _, rec := range recs[1:] {
		p, _ := strconv.ParseFloat(rec[2], 64)
		se, _ := strconv.ParseFloat(rec[3], 64)
		lo, _ := strconv.ParseFloat(rec[4], 64)
		q := `SELECT %s FROM observations WHERE indicator = ? AND economy = 'KEN' AND year = 2025 AND sex = ? AND area = 'total' AND age = 'total'`
		for col, want := range map[string]float64{"value": 100 * p, "se": 100 * se, "ci_low": 100 * lo} {
			got := sqlOne(strings.Replace(q, "%s", col, 1), indicatorOf[rec[0]], rec[1])
			if math.Abs(got-want) > 1e-6 {
				t.Errorf("%s %s %s: loaded %v, estimated %v", rec[0], rec[1], col, got, want)
			}
		}
	}
	if n := sqlOne(`SELECT count(*) FROM observations WHERE year = 2025 AND se IS NOT NULL AND ci_low <= value AND value <= ci_high AND edition = 'Synthetic survey 2025'`); n != 18 {
		t.Errorf("%v rows with se and an interval around the value, want 18", n)
	}

	loaded := fingerprint(t, db)
	if r = ictstat(t, "--db", db, "survey", "load", data, "--design", design, "--edition", "Synthetic survey 2025"); r.code != 0 || !strings.Contains(r.stdout, "already loaded") {
		t.Errorf("second load: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	// Other estimates into the same edition: refused, each conflict named by its estimate.
	other := dir + "/other.parquet"
	if r := ictstat(t, "gen", "survey", "-o", other, "--persons", "6000", "--regions", "4", "--seed", "2"); r.code != 0 {
		t.Fatalf("gen survey: exit %d: %s", r.code, r.stderr)
	}
	if r = ictstat(t, "--db", db, "survey", "load", other, "--design", design, "--edition", "Synthetic survey 2025"); r.code != exitRefused ||
		!strings.Contains(r.stderr, "internet_use_pct KEN 2025, sex total, area total, age total: value ") || !strings.Contains(r.stderr, "conflicts with the value") {
		t.Errorf("other estimates into the same edition: exit %d: %s", r.code, r.stderr)
	}
	for name, body := range map[string]string{
		"unknown indicator": strings.Replace(surveyDesign, "internet_use_pct", "internet_use_percent", 1),
		"no dimension":      strings.Replace(surveyDesign, "area: {dimension: area}", "area: {}", 1),
		"not a percentage":  strings.Replace(surveyDesign, "internet_use_pct", "mobile_cellular_per100", 1),
		"not a sex code":    strings.Replace(surveyDesign, "sex: {dimension: sex}", "sex: {dimension: sex, codes: {female: xyz, male: M}}", 1),
		"no year":           strings.Replace(surveyDesign, "year: 2025\n", "", 1),
	} {
		bad := writeFile(t, dir, "bad.yaml", body)
		if r = ictstat(t, "--db", db, "survey", "load", data, "--design", bad); r.code != exitUsage {
			t.Errorf("%s: exit %d: %s", name, r.code, r.stderr)
		}
	}
	if fingerprint(t, db) != loaded {
		t.Error("a second load or a refused one changed the database")
	}

	// Progress: the latest value's standard error is the one loaded, and vs_target says what
	// a z-test at 5% says, checked here by hand in SQL.
	if r = ictstat(t, "--db", db, "compute"); r.code != 0 {
		t.Fatalf("compute: exit %d: %s", r.code, r.stderr)
	}
	checked := sqlOne(`SELECT count(*) FROM progress p JOIN observations o ON o.indicator = p.measure AND o.economy = p.entity
		AND o.year = p.latest_year AND o.sex = 'total' AND o.area = 'total' AND o.age = 'total'
		WHERE p.entity = 'KEN' AND p.latest_year = 2025 AND p.comparator <> 'parity'
		  AND p.latest_se = o.se AND p.vs_target = CASE WHEN p.latest - p.level > 1.959963984540054 * o.se THEN 'above'
		      WHEN p.latest - p.level < -1.959963984540054 * o.se THEN 'below' ELSE 'within uncertainty' END`)
	assessed := sqlOne(`SELECT count(*) FROM progress WHERE entity = 'KEN' AND latest_year = 2025 AND comparator <> 'parity'
		AND measure IN ('internet_use_pct', 'mobile_phone_ownership_pct')`)
	if checked == 0 || checked != assessed {
		t.Errorf("%v of %v progress rows of Kenya's survey year agree with the hand test", checked, assessed)
	}
	if n := sqlOne(`SELECT count(*) FROM progress WHERE latest_se IS NULL AND vs_target IS NOT NULL`); n != 0 {
		t.Errorf("%v progress rows compare with the target without a standard error", n)
	}
	// Aggregates: the groups with Kenya propagate its standard error, weighted by its share.
	if n := sqlOne(`SELECT count(*) FROM aggregates WHERE indicator = 'internet_use_pct' AND year = 2025 AND sex = 'total'
		AND area = 'total' AND age = 'total' AND status = 'published' AND se > 0 AND se_members = 1`); n == 0 {
		t.Error("no published 2025 aggregate of internet use carries Kenya's standard error")
	}

	// The gap chart of Kenya by sex carries the intervals loaded, as error bars in 2025.
	st, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := figures.Build(context.Background(), st.DB(), figures.Request{Kind: "gap", Indicator: "internet_use_pct", Entities: []string{"KEN"}, Split: "sex"})
	if err != nil {
		t.Fatal(err)
	}
	g := c.(chart.Gap)
	for _, l := range []chart.Line{g.First, g.Second} {
		sex := map[string]string{"Women": "female", "Men": "male"}[l.Label]
		var lo, hi sql.NullFloat64
		st.DB().QueryRow(`SELECT ci_low, ci_high FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'KEN' AND year = 2025 AND sex = ? AND area = 'total' AND age = 'total'`, sex).Scan(&lo, &hi)
		if len(l.ErrorBars) != 1 || l.ErrorBars[0].X != 2025 || l.ErrorBars[0].Low != lo.Float64 || l.ErrorBars[0].High != hi.Float64 {
			t.Errorf("%s: error bars %v, want 2025 %v–%v", l.Label, l.ErrorBars, lo.Float64, hi.Float64)
		}
	}
}
