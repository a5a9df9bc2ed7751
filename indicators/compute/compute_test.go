package compute_test

import (
	"context"
	"database/sql"
	"math"
	"testing"

	"github.com/ictstat/ictstat/indicators/compute/computetest"
)

var ctx = context.Background()

func TestMain(m *testing.M) { computetest.Main(m) }

func open(t *testing.T) *sql.DB { return computetest.Open(t) }

// TestWorldInternetUse checks the world aggregate of individuals using the Internet against
// ITU's published figures: 16% for 2005, and 68% for 2024 in its 2024 edition, revised to 71%
// in 2025. The method is the reference's, not tuned: population-weighted, gaps interpolated
// and carried at most three years or nowcast, withheld below two-thirds coverage.
func TestWorldInternetUse(t *testing.T) {
	db := open(t)
	for _, c := range []struct {
		year     int
		low, hi  float64
		coverage float64 // at least
	}{{2005, 14, 18, 0.99}, {2024, 66, 73, 2.0 / 3}} {
		var v, cov, rep float64
		var status string
		err := db.QueryRow(`SELECT value, coverage, coverage_reported, status FROM aggregates WHERE group_code = 'WLD'
			AND indicator = 'internet_use_pct' AND sex = 'total' AND area = 'total' AND age = 'total' AND year = ?`, c.year).
			Scan(&v, &cov, &rep, &status)
		if err != nil {
			t.Fatalf("%d: %v", c.year, err)
		}
		t.Logf("world internet use %d: %.2f%%, coverage %.1f%% (reported %.1f%%)", c.year, v, 100*cov, 100*rep)
		if v < c.low || v > c.hi || cov < c.coverage || status != "published" && status != "nowcast" {
			t.Errorf("%d: %.2f%% (%s), coverage %.3f; want %v–%v with coverage ≥ %.3f", c.year, v, status, cov, c.low, c.hi, c.coverage)
		}
	}
}

// TestAggregatesWithoutFilledValues recomputes, independently in SQL from the observations, every
// published group value that needed no filled value, neither a member's value nor its population
// weight: population-weighted means, sums and medians, with the group membership of the
// aggregates' composition: the current one in every year, or each year's.
func TestAggregatesWithoutFilledValues(t *testing.T) {
	for name, db := range map[string]*sql.DB{"current": open(t), "historical": computetest.OpenHistorical(t)} {
		t.Run(name, func(t *testing.T) { checkAggregatesWithoutFilledValues(t, db) })
	}
}

func checkAggregatesWithoutFilledValues(t *testing.T, db *sql.DB) {
	var checked, wrong int
	err := db.QueryRow(`
		WITH pop AS (SELECT economy, year, value AS people FROM observations WHERE indicator = 'population'),
		members AS (
			SELECT m.group_code, m.economy, y.year FROM group_members m, range(1960, 2026) y(year)
			WHERE CASE (SELECT DISTINCT composition FROM aggregates)
			      WHEN 'current' THEN m.current
			      ELSE (m.first_year IS NULL OR m.first_year <= y.year) AND (m.last_year IS NULL OR y.year <= m.last_year) END),
		expected AS (
			SELECT a.group_code, a.indicator, a.sex, a.area, a.age, a.year, a.value, a.method,
			       sum(o.value * p.people) / sum(p.people) AS mean, sum(o.value) AS total, median(o.value) AS middle,
			       count(*) = count(p.people) AS weights_reported
			FROM aggregates a
			JOIN members m ON m.group_code = a.group_code AND m.year = a.year
			JOIN observations o ON o.economy = m.economy AND o.indicator = a.indicator AND o.sex = a.sex
			     AND o.area = a.area AND o.age = a.age AND o.year = a.year
			LEFT JOIN pop p ON p.economy = m.economy AND p.year = a.year
			WHERE a.status = 'published' AND a.estimated = 0 AND a.indicator NOT LIKE '%:%'
			GROUP BY ALL)
		SELECT count(*), count(*) FILTER (WHERE abs(CASE method WHEN 'weighted_mean' THEN mean WHEN 'sum' THEN total ELSE middle END
			- value) > 1e-9 * greatest(1, abs(value))) FROM expected WHERE weights_reported`).
		Scan(&checked, &wrong)
	if err != nil {
		t.Fatal(err)
	}
	if checked < 1000 || wrong != 0 {
		t.Errorf("%d group values recomputed, %d differ", checked, wrong)
	}
}

// TestIncomeGroupsFollowEachYearsClassification: in the historical composition an income group's
// members in a year are the economies classified so from that year's GNI; in the current one,
// those of the latest classification (FY26, from 2024 GNI: 26 low-income economies).
func TestIncomeGroupsFollowEachYearsClassification(t *testing.T) {
	for _, c := range []struct {
		db      *sql.DB
		gniYear int
	}{{computetest.OpenHistorical(t), 2005}, {open(t), 2024}} {
		var members, classified int
		err := c.db.QueryRow(`SELECT members FROM aggregates WHERE group_code = 'LIC' AND indicator = 'population' AND year = 2005`).Scan(&members)
		if err != nil {
			t.Fatal(err)
		}
		c.db.QueryRow(`SELECT count(*) FROM income_groups WHERE gni_year = ? AND income_group = 'L'`, c.gniYear).Scan(&classified)
		if members != classified || members < 20 {
			t.Errorf("LIC 2005: %d members, %d economies classified low income from %d GNI", members, classified, c.gniYear)
		}
	}
}

// TestEstimatesAreFlagged: every filled value is listed as an estimate, and none repeats a
// reported value.
func TestEstimatesAreFlagged(t *testing.T) {
	db := open(t)
	var estimates, overlapping int
	db.QueryRow(`SELECT count(*) FROM estimates`).Scan(&estimates)
	db.QueryRow(`SELECT count(*) FROM estimates e JOIN observations o USING (economy, indicator, sex, area, age, year)`).Scan(&overlapping)
	if estimates == 0 || overlapping != 0 {
		t.Errorf("%d estimates, %d of them where a value was reported", estimates, overlapping)
	}
	// India: 2022 = 55.9 and 2025 = 70 reported, so 2023 and 2024 are interpolated: 60.6 and 65.3.
	var v2024 float64
	var status string
	err := db.QueryRow(`SELECT value, status FROM estimates WHERE economy = 'IND' AND indicator = 'internet_use_pct' AND sex = 'total' AND year = 2024`).Scan(&v2024, &status)
	if err != nil || math.Abs(v2024-(55.9+(70-55.9)*2/3)) > 1e-9 || status != "interpolated" {
		t.Errorf("India 2024: %v %s (%v)", v2024, status, err)
	}
}

// TestGaps checks gender parity scores against the observations and the world's offline
// population against its parts.
func TestGaps(t *testing.T) {
	db := open(t)
	var score, female, male float64
	var status string
	err := db.QueryRow(`SELECT value, first, second, status FROM gaps WHERE entity = 'BRA' AND measure = 'gender_parity_score'
		AND indicator = 'internet_use_pct' AND area = 'total' AND age = 'total' AND year = 2019`).Scan(&score, &female, &male, &status)
	if err != nil {
		t.Fatal(err)
	}
	var f, m float64
	db.QueryRow(`SELECT value FROM observations WHERE economy = 'BRA' AND indicator = 'internet_use_pct' AND sex = 'female' AND year = 2019`).Scan(&f)
	db.QueryRow(`SELECT value FROM observations WHERE economy = 'BRA' AND indicator = 'internet_use_pct' AND sex = 'male' AND year = 2019`).Scan(&m)
	want := f / m
	wantStatus := "parity"
	if want < 0.98 {
		wantStatus = "women behind"
	} else if want > 1.02 {
		wantStatus = "men behind"
	}
	if f == 0 || m == 0 || score != want || female != f || male != m || status != wantStatus {
		t.Errorf("Brazil 2019: score %v (%v/%v, %s), observations %v/%v", score, female, male, status, f, m)
	}
	var offline, people, use float64
	err = db.QueryRow(`SELECT value, first, second FROM gaps WHERE entity = 'WLD' AND measure = 'offline_persons' AND year = 2024`).Scan(&offline, &people, &use)
	if err != nil {
		t.Fatal(err)
	}
	// About 2.3–2.7 billion people offline in 2024 (ITU: 2.6 billion).
	if math.Abs(offline-people*(1-use/100)) > 1 || offline < 2.2e9 || offline > 2.8e9 {
		t.Errorf("world offline 2024: %.3g of %.3g people at %.1f%% use", offline, people, use)
	}
}

// TestProgressOnTheWSISTarget: the world passed half of its population online in 2019, after the
// 2015 deadline, and mobile subscriptions in 2008.
func TestProgressOnTheWSISTarget(t *testing.T) {
	db := open(t)
	for _, c := range []struct {
		measure string
		metYear int
	}{{"internet_use_pct", 2019}, {"mobile_cellular_per100", 2008}} {
		var class string
		var met, baseYear int
		var inScope bool
		err := db.QueryRow(`SELECT class, met_year, baseline_year, in_scope FROM progress WHERE framework = 'wsis_geneva_2003'
			AND target = 'T10' AND measure = ? AND entity = 'WLD'`, c.measure).Scan(&class, &met, &baseYear, &inScope)
		if err != nil {
			t.Fatal(err)
		}
		if class != "target met" || met != c.metYear || baseYear != 2005 || !inScope {
			t.Errorf("%s: %s in %d from %d (in scope %v), want target met in %d from 2005", c.measure, class, met, baseYear, inScope, c.metYear)
		}
	}
	// Every measured target has world progress, and no class is empty.
	var empty int
	db.QueryRow(`SELECT count(*) FROM progress WHERE class = '' OR class IS NULL`).Scan(&empty)
	if empty != 0 {
		t.Errorf("%d progress rows without a class", empty)
	}
}
