package compute_test

import (
	"database/sql"
	"testing"

	"github.com/ictstat/ictstat/indicators/compute/computetest"
)

// scalar runs a query that returns one number.
func scalar(t *testing.T, db *sql.DB, q string, args ...any) float64 {
	t.Helper()
	var v sql.NullFloat64
	if err := db.QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	return v.Float64
}

// Every nowcast estimate starts after the economy's last reported year of its series (found again
// from the observations), reaches no further than the nowcast year, says its method, and lies
// inside its 80% interval, itself inside the 95% one.
func TestNowcastEstimates(t *testing.T) {
	db := open(t)
	n := scalar(t, db, `SELECT count(*) FROM estimates WHERE status = 'nowcast' AND indicator = 'internet_use_pct'`)
	if n < 300 {
		t.Fatalf("%v internet-use nowcasts", n)
	}
	bad := scalar(t, db, `
		WITH last AS (SELECT indicator, economy, sex, area, age, max(year) AS y FROM observations GROUP BY ALL)
		SELECT count(*) FROM estimates e LEFT JOIN last l USING (indicator, economy, sex, area, age)
		WHERE e.status = 'nowcast' AND NOT (
			e.last_reported = l.y AND e.year > l.y AND e.year <= ? AND e.method LIKE 'nowcast on the %'
			AND e.ci_low <= e.ci80_low AND e.ci80_low <= e.value AND e.value <= e.ci80_high AND e.ci80_high <= e.ci_high)`,
		computetest.NowcastTo)
	if bad != 0 {
		t.Errorf("%v nowcast estimates break a rule", bad)
	}
	// Indicators whose model did no better than carrying keep carried values.
	if v := scalar(t, db, `SELECT count(*) FROM estimates WHERE status = 'nowcast' AND indicator = 'mobile_broadband_per100'`); v != 0 {
		t.Logf("mobile-broadband subscriptions are nowcast (%v values)", v)
	}
}

// The world's internet use in the nowcast years, recomputed in SQL from the members' reported
// values and estimates with population weights, and its interval from the members' bounds with
// the model's error correlation ρ (nowcast_models): x ± √(ρ (Σ w d)² + (1 − ρ) Σ (w d)²) / Σ w, d
// a nowcast's distance to its bound, 0 for a reported or interpolated value; as the aggregates
// table holds them.
func TestNowcastAggregateBySecondRoute(t *testing.T) {
	db := open(t)
	rho := scalar(t, db, `SELECT correlation FROM nowcast_models WHERE indicator = 'internet_use_pct' AND sex = 'total' AND used`)
	if !(rho > 0 && rho < 1) {
		t.Fatalf("error correlation %v", rho)
	}
	for _, year := range []int{2024, 2025} {
		var value, low, high, cov, status = 0.0, 0.0, 0.0, 0.0, ""
		err := db.QueryRow(`SELECT value, ci_low, ci_high, coverage_nowcast, status FROM aggregates WHERE group_code = 'WLD'
			AND indicator = 'internet_use_pct' AND sex = 'total' AND area = 'total' AND age = 'total' AND year = ?`, year).
			Scan(&value, &low, &high, &cov, &status)
		if err != nil {
			t.Fatal(err)
		}
		var want, wantLow, wantHigh float64
		err = db.QueryRow(`
			WITH v AS (
				SELECT economy, value, 0.0 AS dlo, 0.0 AS dhi FROM observations
				WHERE indicator = 'internet_use_pct' AND sex = 'total' AND area = 'total' AND age = 'total' AND year = $1
				UNION ALL
				SELECT economy, value, coalesce(ci_low - value, 0), coalesce(ci_high - value, 0) FROM estimates
				WHERE indicator = 'internet_use_pct' AND sex = 'total' AND area = 'total' AND age = 'total' AND year = $1),
			pop AS (
				SELECT economy, value AS people FROM observations WHERE indicator = 'population' AND year = $1
				UNION ALL
				SELECT economy, value FROM estimates WHERE indicator = 'population' AND year = $1),
			s AS (
				SELECT sum(v.value * p.people) / sum(p.people) AS x, sum(p.people) AS w,
				       sum(v.dlo * p.people) AS lo1, sum((v.dlo * p.people) ^ 2) AS lo2,
				       sum(v.dhi * p.people) AS hi1, sum((v.dhi * p.people) ^ 2) AS hi2
				FROM v JOIN pop p USING (economy) JOIN group_members m ON m.economy = v.economy AND m.group_code = 'WLD' AND m.current)
			SELECT x, x - sqrt($2 * lo1 ^ 2 + (1 - $2) * lo2) / w, x + sqrt($2 * hi1 ^ 2 + (1 - $2) * hi2) / w FROM s`, year, rho).
			Scan(&want, &wantLow, &wantHigh)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("world %d: %.2f%% (%.2f–%.2f), %s, nowcast share %.2f", year, value, low, high, status, cov)
		for _, c := range [][2]float64{{value, want}, {low, wantLow}, {high, wantHigh}} {
			if d := c[0] - c[1]; d > 1e-9 || d < -1e-9 {
				t.Errorf("%d: aggregates hold %.9f, SQL gives %.9f", year, c[0], c[1])
			}
		}
		// 2024 is published (more than a third of the population reported it), 2025 on nowcasts.
		if status != map[int]string{2024: "published", 2025: "nowcast"}[year] || cov <= 0 || !(low < value && value < high) {
			t.Errorf("%d: status %s, nowcast share %v, interval %v–%v around %v", year, status, cov, low, high, value)
		}
	}
}

// Every series of the indicators the model covers has its model recorded, with its backtest; a
// model fills its series exactly when it beat carrying.
func TestNowcastModelsRecorded(t *testing.T) {
	db := open(t)
	if n := scalar(t, db, `SELECT count(*) FROM nowcast_models WHERE used <> (mae < carry_mae) OR comparisons = 0 OR method = ''`); n != 0 {
		t.Errorf("%v models break a rule", n)
	}
	if n := scalar(t, db, `SELECT count(*) FROM estimates e WHERE status = 'nowcast' AND NOT EXISTS (SELECT 1 FROM nowcast_models m
		WHERE m.used AND m.indicator = e.indicator AND m.sex = e.sex AND m.area = e.area AND m.age = e.age AND m.method = e.method)`); n != 0 {
		t.Errorf("%v nowcasts without the model that made them", n)
	}
	if n := scalar(t, db, `SELECT count(*) FROM nowcast_models WHERE indicator = 'internet_use_pct' AND used`); n < 3 {
		t.Errorf("internet use: %v models used, want the total and both sexes", n)
	}
}

// Progress is assessed on the years published without nowcasts; people offline are counted in the
// nowcast years too, marked, with an interval around them.
func TestNowcastsInProgressAndGaps(t *testing.T) {
	db := open(t)
	if v := scalar(t, db, `SELECT count(*) FROM progress p JOIN aggregates a ON a.group_code = p.entity AND a.year = p.latest_year
		AND a.indicator = p.measure AND a.sex = 'total' AND a.area = 'total' AND a.age = 'total'
		WHERE p.entity_kind = 'group' AND a.status = 'nowcast'`); v != 0 {
		t.Errorf("%v progress assessments end on a nowcast aggregate", v)
	}
	var value, low, high float64
	var nowcast bool
	err := db.QueryRow(`SELECT value, ci_low, ci_high, nowcast FROM gaps WHERE entity = 'WLD' AND measure = 'offline_persons'
		AND year = ?`, computetest.NowcastTo).Scan(&value, &low, &high, &nowcast)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("world offline %d: %.2f billion (%.2f–%.2f)", computetest.NowcastTo, value/1e9, low/1e9, high/1e9)
	if !nowcast || !(low < value && value < high) || value < 1e9 || value > 4e9 {
		t.Errorf("offline %v (%v–%v), nowcast %v", value, low, high, nowcast)
	}
}

// With --fill carry nothing is nowcast, and the years past the data stay withheld as before.
func TestCarryInsteadOfNowcasts(t *testing.T) {
	db := computetest.OpenCarried(t)
	if v := scalar(t, db, `SELECT count(*) FROM estimates WHERE status = 'nowcast'`) +
		scalar(t, db, `SELECT count(*) FROM aggregates WHERE status = 'nowcast'`) +
		scalar(t, db, `SELECT count(*) FROM gaps WHERE nowcast`); v != 0 {
		t.Errorf("%v nowcast rows with carrying", v)
	}
	var fill string
	if err := db.QueryRow(`SELECT fill FROM computations ORDER BY computation_id DESC LIMIT 1`).Scan(&fill); err != nil || fill != "carry" {
		t.Errorf("fill %q, %v", fill, err)
	}
	if s := scalar(t, db, `SELECT count(*) FROM aggregates WHERE group_code = 'WLD' AND indicator = 'internet_use_pct'
		AND sex = 'total' AND area = 'total' AND age = 'total' AND year = 2025 AND status = 'published'`); s != 0 {
		t.Error("the world's 2025 internet use is published from carried values")
	}
}
