package figures_test

import (
	"bytes"
	"database/sql"
	"errors"
	"image/color"
	"image/png"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/chart"
	"github.com/ictstat/ictstat/indicators/compute/computetest"
	"github.com/ictstat/ictstat/indicators/figures"
)

// sqlMap is what the database says a map of one year shows: each economy's value by M49 code,
// the economies (by M49) in scope, and the quintiles of the values in scope as DuckDB's
// quantile_cont computes them (linear interpolation between order statistics, R's type 7).
type sqlMap struct {
	values  map[string]float64
	scope   map[string]bool
	breaks  []float64
	members int
}

func readMap(t *testing.T, db *sql.DB, indicator string, year int, group string) sqlMap {
	t.Helper()
	scope := `SELECT economy FROM economies WHERE m49 IS NOT NULL`
	if group != "" {
		scope = `SELECT economy FROM group_members JOIN economies USING (economy) WHERE group_code = '` + group + `' AND current AND m49 IS NOT NULL`
	}
	m := sqlMap{values: map[string]float64{}, scope: map[string]bool{}}
	rows, err := db.QueryContext(ctx, `SELECT lpad(m49::VARCHAR, 3, '0'), o.value FROM economies e
		LEFT JOIN observations o ON o.economy = e.economy AND o.indicator = ? AND o.year = ? AND o.sex = 'total' AND o.area = 'total' AND o.age = 'total'
		WHERE e.economy IN (`+scope+`)`, indicator, year)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var v sql.NullFloat64
		if err := rows.Scan(&code, &v); err != nil {
			t.Fatal(err)
		}
		m.scope[code] = true
		m.members++
		if v.Valid {
			m.values[code] = v.Float64
		}
	}
	var q []any
	if err := db.QueryRowContext(ctx, `SELECT quantile_cont(value, [0.2, 0.4, 0.6, 0.8]) FROM observations
		WHERE indicator = ? AND year = ? AND sex = 'total' AND area = 'total' AND age = 'total' AND economy IN (`+scope+`)`, indicator, year).Scan(&q); err != nil {
		t.Fatal(err)
	}
	for _, v := range q {
		m.breaks = append(m.breaks, v.(float64))
	}
	return m
}

// classOf is the class of v by docs/explorer.md's rule, written out: i when b[i-1] <= v < b[i].
func classOf(v float64, b []float64) int {
	for i, x := range b {
		if v < x {
			return i
		}
	}
	return len(b)
}

// colours are the positions in chart.MapColors of k classes, as docs/explorer.md lists them.
var colours = map[int][]int{1: {2}, 2: {1, 3}, 3: {0, 2, 4}, 4: {0, 1, 3, 4}, 5: {0, 1, 2, 3, 4}}

// distinct are the quintiles less those equal to an earlier one or to the smallest value, as
// docs/explorer.md says ties are dropped.
func distinct(quintiles []float64, smallest float64) []float64 {
	out := []float64{}
	for _, q := range quintiles {
		if q != smallest && (len(out) == 0 || q != out[len(out)-1]) {
			out = append(out, q)
		}
	}
	return out
}

func smallest(values map[string]float64) float64 {
	lo := math.Inf(1)
	for _, v := range values {
		lo = math.Min(lo, v)
	}
	return lo
}

func near(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-9*math.Max(1, math.Abs(b[i])) {
			return false
		}
	}
	return true
}

// inland are points well inside large economies, to read their colour on the map.
var inland = map[string][2]float64{"076": {-52, -10}, "124": {-100, 58}, "036": {134, -25}, "398": {67, 48}, "012": {3, 28},
	"643": {100, 62}, "156": {103, 35}, "840": {-99, 39}, "032": {-65, -35}, "356": {78, 22}, "180": {23, -2},
	"404": {38, 0.5}, "484": {-102, 24}, "566": {8, 9}, "434": {18, 27}, "710": {24, -30}, "682": {45, 24}}

// checkMap compares a map with what the database says: every economy's class is its value's
// under the quintiles of the values in scope, read by SQL; the economies without a value are no
// data, those outside the scope outside; and on the PNG, large economies are drawn in their
// class's colour, hatched grey or plain grey.
func checkMap(t *testing.T, db *sql.DB, m chart.Map, want sqlMap, breaks []float64) {
	t.Helper()
	if !near(m.Breaks, breaks) {
		t.Errorf("breaks %v, want %v", m.Breaks, breaks)
	}
	if len(m.Values) != len(want.values) {
		t.Errorf("%d values, the database has %d", len(m.Values), len(want.values))
	}
	codes := []string{}
	rows, err := db.QueryContext(ctx, `SELECT lpad(m49::VARCHAR, 3, '0') FROM economies WHERE m49 IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c string
		rows.Scan(&c)
		codes = append(codes, c)
	}
	rows.Close()
	classes := map[int]int{}
	for _, code := range codes {
		v, has := want.values[code]
		wantClass := chart.ClassOutside
		switch {
		case want.scope[code] && has:
			wantClass = colours[len(breaks)+1][classOf(v, breaks)]
		case want.scope[code]:
			wantClass = chart.ClassNoData
		}
		if got := m.Class(code); got != wantClass {
			t.Errorf("%s (value %v): class %d, want %d", code, v, got, wantClass)
		}
		classes[wantClass]++
	}
	t.Logf("economies by class: %v", classes)
	for _, cl := range colours[len(breaks)+1] {
		if classes[cl] == 0 {
			t.Errorf("no economy in the class of colour %d", cl)
		}
	}

	size := chart.DefaultSize
	img, err := png.Decode(bytes.NewReader(render(t, m, "png", size)))
	if err != nil {
		t.Fatal(err)
	}
	for code, at := range inland {
		x, y, err := m.Pixel(size, at[0], at[1])
		if err != nil {
			t.Fatal(err)
		}
		got := color.NRGBAModel.Convert(img.At(int(x), int(y))).(color.NRGBA)
		switch cl := m.Class(code); cl {
		case chart.ClassOutside, chart.ClassNoData:
			if got.R != got.G || got.G != got.B || got.R < 0x90 || got.R == 0xff {
				t.Errorf("%s (class %d) is drawn %v, not grey", code, cl, got)
			}
		default:
			if want := color.NRGBAModel.Convert(chart.MapColors[cl]).(color.NRGBA); got != want {
				t.Errorf("%s (value %v, class %d) is drawn %v, want %v", code, m.Values[code], cl, got, want)
			}
		}
	}
}

// TestMapClassesAreTheDatabaseValues: a map of 2023 colours each economy by its 2023 value,
// in the quintiles of the year's values; with a group, of its members' values, the others
// outside; with fixed classes, equal steps from 0 to 100 for a percentage.
func TestMapClassesAreTheDatabaseValues(t *testing.T) {
	db := computetest.Open(t)
	want := readMap(t, db, "internet_use_pct", 2023, "")
	m := build(t, db, figures.Request{Kind: figures.Map, Indicator: "internet_use_pct", Year: 2023}).(chart.Map)
	checkMap(t, db, m, want, distinct(want.breaks, smallest(want.values)))
	if _, ok := want.values["356"]; ok {
		t.Error("India was expected to have no 2023 value, to be drawn hatched")
	}
	if m.Title != "Individuals using the Internet, 2023" || m.YLabel != "% of population" || m.Classes != "Quintiles of the 2023 values" {
		t.Errorf("title %q, unit %q, classes %q", m.Title, m.YLabel, m.Classes)
	}
	if m.Source != "Source: ITU, via World Bank WDI (2025 edition)." {
		t.Errorf("source %q", m.Source)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range want.values {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if m.Low != lo || m.High != hi {
		t.Errorf("legend from %g to %g, the values from %g to %g", m.Low, m.High, lo, hi)
	}

	afr := readMap(t, db, "internet_use_pct", 2023, "ITU_AFR")
	m = build(t, db, figures.Request{Kind: figures.Map, Indicator: "internet_use_pct", Year: 2023, Group: "ITU_AFR"}).(chart.Map)
	checkMap(t, db, m, afr, distinct(afr.breaks, smallest(afr.values)))
	if m.Subtitle != "Africa (ITU region): "+strconv.Itoa(len(afr.values))+" of "+strconv.Itoa(afr.members)+" members with a value in 2023" {
		t.Errorf("subtitle %q", m.Subtitle)
	}
	if len(afr.values) == afr.members {
		t.Error("every African economy has a 2023 value: the test wants one hatched")
	}
	svg := texts(render(t, m, "svg", chart.DefaultSize))
	if !svg["Not a member"] {
		t.Error("the legend does not show the economies outside the group")
	}

	m = build(t, db, figures.Request{Kind: figures.Map, Indicator: "internet_use_pct", Year: 2023, Classes: "fixed"}).(chart.Map)
	checkMap(t, db, m, want, []float64{20, 40, 60, 80})
	if m.Low != 0 || m.High != 100 || m.Classes != "Fixed breaks, the same for every year" {
		t.Errorf("fixed classes from %g to %g, %q", m.Low, m.High, m.Classes)
	}
	if got := strings.Join(m.LegendLabels(), " "); got != "0–20 20–40 40–60 60–80 80–100" {
		t.Errorf("legend %q", got)
	}
}

// TestMapTies: where values tie, a quintile equal to an earlier one or to the smallest value is
// dropped, and the map has fewer classes, coloured as docs/explorer.md says. The LDCs' 5G
// coverage in 2024 has six zeros among fourteen values: SQL's quintiles are 0, 0.004, 5 and
// 15.36, and the zeros are the first class (the lightest colour), not the second after an empty
// first. Internet use in 2025 has one economy: one class, labelled by its value.
func TestMapTies(t *testing.T) {
	db := computetest.Open(t)
	ldc := readMap(t, db, "coverage_5g_pct", 2024, "LDC")
	if !near(ldc.breaks, []float64{0, 0.004, 5, 15.36}) {
		t.Fatalf("the data changed: SQL's quintiles are %v", ldc.breaks)
	}
	m := build(t, db, figures.Request{Kind: figures.Map, Indicator: "coverage_5g_pct", Year: 2024, Group: "LDC"}).(chart.Map)
	checkMap(t, db, m, ldc, []float64{0.004, 5, 15.36})
	for code, v := range ldc.values {
		if v == 0 && m.Class(code) != 0 {
			t.Errorf("%s has 0 and colour %d, want 0", code, m.Class(code))
		}
	}
	if got := strings.Join(m.LegendLabels(), " | "); got != "0–0.004 | 0.004–5 | 5–15.4 | 15.4–44.9" {
		t.Errorf("legend %q", got)
	}
	svg := texts(render(t, m, "svg", chart.DefaultSize))
	if !svg["(4 classes: values tie)"] || svg["0.000–0.000"] {
		t.Errorf("the legend does not say the values tie: %v", svg)
	}

	one := readMap(t, db, "internet_use_pct", 2025, "")
	if len(one.values) != 1 {
		t.Fatalf("the data changed: %d values of internet use in 2025", len(one.values))
	}
	m = build(t, db, figures.Request{Kind: figures.Map, Indicator: "internet_use_pct", Year: 2025}).(chart.Map)
	if len(m.Breaks) != 0 || strings.Join(m.LegendLabels(), " | ") != "70" {
		t.Errorf("one value: breaks %v, legend %q", m.Breaks, m.LegendLabels())
	}
	for code := range one.values {
		if m.Class(code) != 2 {
			t.Errorf("the one economy has colour %d, want 2 (the middle)", m.Class(code))
		}
	}
	if m.Subtitle != "1 economy with a value in 2025" {
		t.Errorf("subtitle %q", m.Subtitle)
	}
	svg = texts(render(t, m, "svg", chart.DefaultSize))
	if !svg["(1 class: one value)"] || svg["70.0–70.0"] || svg["70–70"] {
		t.Errorf("the legend of one value: %v", svg)
	}
}

// TestMapFixedBreaksOfACount: fixed classes of an indicator that is no percentage run from 0 to
// its largest value over all years and economies, rounded up.
func TestMapFixedBreaksOfACount(t *testing.T) {
	db := computetest.Open(t)
	top := one[float64](t, db, `SELECT max(value) FROM observations WHERE indicator = 'mobile_cellular_per100' AND sex = 'total' AND area = 'total' AND age = 'total'`)
	m := build(t, db, figures.Request{Kind: figures.Map, Indicator: "mobile_cellular_per100", Year: 2022, Classes: "fixed"}).(chart.Map)
	if want := chart.FixedBreaks(top); !slices.Equal(m.Breaks, want) || m.High != want[0]*5 || m.High < top || m.High > top*1.34 {
		t.Errorf("largest value %g: breaks %v up to %g, want %v", top, m.Breaks, m.High, want)
	}
}

// TestMapYear: without a year, the latest in which more than half of the economies with any value
// have one.
func TestMapYear(t *testing.T) {
	db := computetest.Open(t)
	for _, ind := range []string{"internet_use_pct", "coverage_4g_pct"} {
		want := one[int](t, db, `WITH v AS (SELECT o.economy, o.year FROM observations o JOIN economies e USING (economy)
			WHERE indicator = ? AND sex = 'total' AND area = 'total' AND age = 'total' AND e.m49 IS NOT NULL)
			SELECT max(year) FROM (SELECT year, count(*) n FROM v GROUP BY year) WHERE 2 * n > (SELECT count(DISTINCT economy) FROM v)`, ind)
		m := build(t, db, figures.Request{Kind: figures.Map, Indicator: ind}).(chart.Map)
		if !strings.HasSuffix(m.Title, ", "+strconv.Itoa(want)) {
			t.Errorf("%s: title %q, want the year %d", ind, m.Title, want)
		}
	}
}

// TestMapRequestErrors: a year without data names the years that have some; what a map does not
// take is refused.
func TestMapRequestErrors(t *testing.T) {
	db := computetest.Open(t)
	for _, tc := range []struct {
		req  figures.Request
		want string
	}{
		{figures.Request{Kind: figures.Map, Indicator: "internet_use_pct", Year: 1975}, "no economy has a value of internet_use_pct in 1975; the years with values: 1990–2025"},
		{figures.Request{Kind: figures.Map, Indicator: "internet_use_pct", Year: 2025, Group: "LDC"}, "no economy in LDC has a value of internet_use_pct in 2025; the years with values: 1990–2024"},
		{figures.Request{Kind: figures.Map, Indicator: "internet_use_pct", Year: 1900}, "year 1900 is outside 1960–2100"},
		{figures.Request{Kind: figures.Map, Indicator: "internet_use_pct", Classes: "jenks"}, `classes "jenks": want quantile or fixed`},
		{figures.Request{Kind: figures.Map, Indicator: "internet_use_pct", Entities: []string{"KEN"}}, "not --economies"},
		{figures.Request{Kind: figures.Map, Indicator: "internet_use_pct", From: 2020, To: 2023}, "a map shows one year: give --year"},
		{figures.Request{Kind: figures.Map, Indicator: "internet_use_pct", Target: "umc_2030:UMC.1"}, "a map chart takes no target"},
		{figures.Request{Kind: figures.Map, Indicator: "internet_use_pct", Group: "KEN"}, "KEN is an economy, not a group"},
		{figures.Request{Kind: figures.Trend, Indicator: "internet_use_pct", Entities: []string{"KEN"}, Year: 2023}, "a trend chart takes no year"},
		{figures.Request{Kind: figures.Ranking, Indicator: "internet_use_pct", Group: "LDC", Classes: "fixed"}, "a ranking chart takes no classes"},
	} {
		_, err := figures.Build(ctx, db, tc.req)
		if err == nil || !errors.Is(err, figures.ErrRequest) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want ErrRequest with %q", tc.req, err, tc.want)
		}
	}
}

// TestMapInANotebook: a notebook's chart block (a spec without file) draws a map.
func TestMapInANotebook(t *testing.T) {
	db := computetest.Open(t)
	svg, err := figures.Charts{Source: figures.NewSource(db)}.Draw(ctx, []byte("kind: map\nindicator: internet_use_pct\nyear: 2022\nclasses: fixed\ngroup: LDC\n"), "svg")
	if err != nil {
		t.Fatal(err)
	}
	got := texts(svg)
	for _, s := range []string{"Individuals using the Internet, 2022", "Fixed breaks, the same for every year", "0–20", "Not a member"} {
		if !got[s] {
			t.Errorf("the notebook's map shows no %q", s)
		}
	}
}
