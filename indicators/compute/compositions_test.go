package compute_test

import (
	"database/sql"
	"encoding/csv"
	"math"
	"testing"

	"github.com/ictstat/ictstat/datasets"
	"github.com/ictstat/ictstat/indicators/compute/computetest"
)

// internetUse is a group's published internet use (total population) in a year; NaN when it has none.
func internetUse(t *testing.T, db *sql.DB, group string, year int) float64 {
	t.Helper()
	var v sql.NullFloat64
	err := db.QueryRow(`SELECT value FROM aggregates WHERE group_code = ? AND indicator = 'internet_use_pct' AND sex = 'total'
		AND area = 'total' AND age = 'total' AND year = ? AND status = 'published'`, group, year).Scan(&v)
	if err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	if !v.Valid {
		return math.NaN()
	}
	return v.Float64
}

// TestCompositionIsRecorded: the default computation uses the current composition and says so in
// every aggregate and in computations; the historical one likewise.
func TestCompositionIsRecorded(t *testing.T) {
	for want, db := range map[string]*sql.DB{"current": open(t), "historical": computetest.OpenHistorical(t)} {
		var computed string
		var rows, other int
		if err := db.QueryRow(`SELECT composition FROM computations ORDER BY computation_id DESC LIMIT 1`).Scan(&computed); err != nil {
			t.Fatal(err)
		}
		db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE composition IS DISTINCT FROM ?) FROM aggregates`, want).Scan(&rows, &other)
		if computed != want || rows == 0 || other != 0 {
			t.Errorf("%s: computation says %q; %d of %d aggregates say otherwise", want, computed, other, rows)
		}
	}
}

// TestLowerMiddleIncomeHasNoCompositionBreak: China left the lower-middle-income group with the
// classification of 2010 GNI. With each year's composition its internet use falls from 15.65% in
// 2009 to 11.22% in 2010; with the current composition (the same economies every year, as WDI
// aggregates are formed) the series rises steadily.
func TestLowerMiddleIncomeHasNoCompositionBreak(t *testing.T) {
	cur, hist := open(t), computetest.OpenHistorical(t)
	c09, c10 := internetUse(t, cur, "LMC", 2009), internetUse(t, cur, "LMC", 2010)
	h09, h10 := internetUse(t, hist, "LMC", 2009), internetUse(t, hist, "LMC", 2010)
	t.Logf("LMC internet use 2009→2010: current %.2f→%.2f, historical %.2f→%.2f", c09, c10, h09, h10)
	if !(c10-c09 > 0 && c10-c09 < 5) {
		t.Errorf("current composition: LMC 2009 %.2f%%, 2010 %.2f%%: want a small rise", c09, c10)
	}
	if !(h09-h10 > 3) {
		t.Errorf("historical composition: LMC 2009 %.2f%%, 2010 %.2f%%: want the fall as China leaves the group", h09, h10)
	}
	// The current composition's series never falls from one year to the next.
	prev := math.NaN()
	for y := 2000; y <= 2024; y++ {
		v := internetUse(t, cur, "LMC", y)
		if v < prev {
			t.Errorf("current composition: LMC internet use falls from %.2f%% to %.2f%% in %d", prev, v, y)
		}
		prev = v
	}
}

// TestLDCComposition: 44 LDCs in the current composition, without São Tomé and Príncipe (graduated
// 13 December 2024); in the historical one São Tomé and Príncipe is an LDC in 2020, with Vanuatu
// (graduated 4 December 2020) and Bhutan (13 December 2023): 47 members.
func TestLDCComposition(t *testing.T) {
	cur, hist := open(t), computetest.OpenHistorical(t)
	var members, stpCurrent, yearsNot44 int
	cur.QueryRow(`SELECT members FROM groups WHERE group_code = 'LDC'`).Scan(&members)
	cur.QueryRow(`SELECT count(*) FROM group_members WHERE group_code = 'LDC' AND economy = 'STP' AND current`).Scan(&stpCurrent)
	cur.QueryRow(`SELECT count(*) FILTER (WHERE members <> 44) FROM aggregates WHERE group_code = 'LDC'`).Scan(&yearsNot44)
	if members != 44 || stpCurrent != 0 || yearsNot44 != 0 {
		t.Errorf("current LDCs: %d (want 44), STP current %d, %d aggregates with other than 44 members", members, stpCurrent, yearsNot44)
	}
	var ldc bool
	cur.QueryRow(`SELECT ldc FROM economies WHERE economy = 'STP'`).Scan(&ldc)
	if ldc {
		t.Error("economies.ldc: São Tomé and Príncipe is still flagged an LDC")
	}
	var m2020, m2025 int
	hist.QueryRow(`SELECT members FROM aggregates WHERE group_code = 'LDC' AND indicator = 'internet_use_pct' AND sex = 'total'
		AND area = 'total' AND age = 'total' AND year = 2020`).Scan(&m2020)
	hist.QueryRow(`SELECT members FROM aggregates WHERE group_code = 'LDC' AND indicator = 'population' AND year = 2025`).Scan(&m2025)
	if m2020 != 47 || m2025 != 44 {
		t.Errorf("historical LDCs: %d in 2020 (want 47), %d in 2025 (want 44)", m2020, m2025)
	}
	// By a second route: the population-weighted mean over the 2020 list, São Tomé and Príncipe
	// included, is the aggregate; without it, it is not.
	with, without := handMean(t, hist, "LDC", 2020)
	got := internetUse(t, hist, "LDC", 2020)
	if math.Abs(with-got) > 1e-9*got || math.Abs(without-got) < 1e-9*got {
		t.Errorf("historical LDC 2020: aggregate %.9f, by hand %.9f with STP, %.9f without", got, with, without)
	}
	with, _ = handMean(t, cur, "LDC", 2020)
	if got := internetUse(t, cur, "LDC", 2020); math.Abs(with-got) > 1e-9*got {
		t.Errorf("current LDC 2020: aggregate %.9f, by hand %.9f", got, with)
	}
}

// handMean is the population-weighted mean of internet use over a group's members in a year, in
// the database's composition, computed in SQL from the observations and the filled values
// (estimates); the second result leaves São Tomé and Príncipe out.
func handMean(t *testing.T, db *sql.DB, group string, year int) (float64, float64) {
	t.Helper()
	var with, without float64
	err := db.QueryRow(handMeansSQL+`
		SELECT sum(u.value * p.people) / sum(p.people),
		       sum(u.value * p.people) FILTER (WHERE m.economy <> 'STP') / sum(p.people) FILTER (WHERE m.economy <> 'STP')
		FROM members m JOIN use u USING (economy, year) JOIN pop p USING (economy, year)
		WHERE m.group_code = ? AND m.year = ?`, group, year).Scan(&with, &without)
	if err != nil {
		t.Fatal(err)
	}
	return with, without
}

// handMeansSQL defines, for internet use of the total population: use and pop, every economy's
// reported or filled values and populations, and members, each group's members by year in the
// composition the aggregates were computed with.
const handMeansSQL = `
	WITH filled AS (
		SELECT economy, indicator, year, value FROM observations
		WHERE indicator IN ('internet_use_pct', 'population') AND sex = 'total' AND area = 'total' AND age = 'total'
		UNION ALL
		SELECT economy, indicator, year, value FROM estimates
		WHERE indicator IN ('internet_use_pct', 'population') AND sex = 'total' AND area = 'total' AND age = 'total'),
	use AS (SELECT economy, year, value FROM filled WHERE indicator = 'internet_use_pct'),
	pop AS (SELECT economy, year, value AS people FROM filled WHERE indicator = 'population'),
	members AS (
		SELECT m.group_code, m.economy, y.year FROM group_members m, range(1990, 2026) y(year)
		WHERE CASE (SELECT composition FROM computations ORDER BY computation_id DESC LIMIT 1)
		      WHEN 'current' THEN m.current
		      ELSE (m.first_year IS NULL OR m.first_year <= y.year) AND (m.last_year IS NULL OR y.year <= m.last_year) END)`

// TestInternetUseByHand recomputes every published internet use aggregate of the world, the ITU
// regions, LDCs and income groups from 2000, in both compositions, as a population-weighted mean
// in SQL over the members' reported and filled values.
func TestInternetUseByHand(t *testing.T) {
	for name, db := range map[string]*sql.DB{"current": open(t), "historical": computetest.OpenHistorical(t)} {
		var checked, wrong int
		err := db.QueryRow(handMeansSQL+`,
			hand AS (
				SELECT m.group_code, m.year, sum(u.value * p.people) / sum(p.people) AS mean
				FROM members m JOIN use u USING (economy, year) JOIN pop p USING (economy, year)
				GROUP BY ALL)
			SELECT count(*), count(*) FILTER (WHERE h.mean IS NULL OR abs(h.mean - a.value) > 1e-9 * greatest(1, a.value))
			FROM aggregates a LEFT JOIN hand h USING (group_code, year)
			WHERE a.indicator = 'internet_use_pct' AND a.sex = 'total' AND a.area = 'total' AND a.age = 'total'
			  AND a.status = 'published' AND a.year >= 2000
			  AND a.group_code IN ('WLD', 'ITU_AFR', 'ITU_AMS', 'ITU_ARB', 'ITU_ASP', 'ITU_CIS', 'ITU_EUR', 'LDC', 'LIC', 'LMC', 'UMC', 'HIC')`).
			Scan(&checked, &wrong)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d aggregates recomputed by hand", name, checked)
		if checked < 250 || wrong != 0 {
			t.Errorf("%s: %d aggregates recomputed by hand, %d differ", name, checked, wrong)
		}
	}
}

// TestITURegions: every economy of itu_regions.csv is in its ITU region's group, India among them
// in Asia & Pacific, whose 2023 internet use is then about 71.5% (77.2% without India); no other
// economy is in an ITU region, and the two inferred assignments say so.
func TestITURegions(t *testing.T) {
	db := open(t)
	f, err := datasets.Files.Open("default/itu_regions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, r := range rows[1:] {
		want[r[0]] = "ITU_" + r[2]
	}
	if len(want) != 197 || want["IND"] != "ITU_ASP" {
		t.Fatalf("itu_regions.csv: %d economies, India in %q", len(want), want["IND"])
	}
	got := map[string]string{}
	err = scanPairs(db, `SELECT economy, group_code FROM group_members JOIN groups USING (group_code) WHERE kind = 'itu_region'`,
		func(economy, group string) {
			if got[economy] != "" {
				t.Errorf("%s is in two ITU regions: %s and %s", economy, got[economy], group)
			}
			got[economy] = group
		})
	if err != nil {
		t.Fatal(err)
	}
	for e, g := range want {
		if got[e] != g {
			t.Errorf("%s: in %q, want %s", e, got[e], g)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d economies in ITU regions, want %d", len(got), len(want))
	}
	var inferred int
	db.QueryRow(`SELECT count(*) FROM group_members WHERE basis LIKE 'inferred%' AND economy IN ('PRK', 'VAT')`).Scan(&inferred)
	if inferred != 2 {
		t.Errorf("%d inferred ITU regions marked, want PRK and VAT", inferred)
	}
	if v := internetUse(t, db, "ITU_ASP", 2023); !(v > 70 && v < 73) {
		t.Errorf("ITU Asia & Pacific 2023: %.2f%%, want about 71.5%% with India", v)
	}
}

func scanPairs(db *sql.DB, q string, each func(a, b string)) error {
	rows, err := db.Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			return err
		}
		each(a, b)
	}
	return rows.Err()
}
