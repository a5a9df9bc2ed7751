package explorer_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ictstat/ictstat/engine/explorer"
	"github.com/ictstat/ictstat/engine/export"
	"github.com/ictstat/ictstat/engine/geo"
	"github.com/ictstat/ictstat/engine/load"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/compute/computetest"
)

var ctx = context.Background()

func TestMain(m *testing.M) { computetest.Main(m) }

// sqlCSV is the CSV `ictstat sql` writes of a query on db.
func sqlCSV(t *testing.T, db *sql.DB, query string, args ...any) string {
	t.Helper()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var buf bytes.Buffer
	if _, err := export.Write(ctx, conn, export.Table{Name: "t", SQL: query, Args: args}, "csv", &buf); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return buf.String()
}

// one is the single value a query returns.
func one[T any](t *testing.T, db *sql.DB, q string, args ...any) T {
	t.Helper()
	var v T
	if err := db.QueryRowContext(ctx, q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// decoded is an indicator document as the page reads it.
type decoded struct {
	Indicator   string
	Columns     []string
	Rows        [][]any
	Projections []struct {
		Entity, Target string
		Points         [][4]*float64 // low and high null where the fit gives no interval
	}
	Editions []explorer.Edition
	Source   string
}

func indicatorDoc(t *testing.T, src *explorer.Source, code string, entities []string) decoded {
	t.Helper()
	b, err := src.IndicatorJSON(ctx, code, entities)
	if err != nil {
		t.Fatal(err)
	}
	var d decoded
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("the document is not JSON: %v", err)
	}
	return d
}

// rowsCSV writes document rows as the CSV of the same columns.
func rowsCSV(t *testing.T, rows []explorer.Row) string {
	t.Helper()
	var buf bytes.Buffer
	if err := explorer.WriteCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestIndicatorRowsEqualTheViews: Kenya's rows are its observations, and the world's are its
// aggregates and the values its sources publish, with the aggregates' coverage.
func TestIndicatorRowsEqualTheViews(t *testing.T) {
	db := computetest.Open(t)
	src := explorer.NewSource(db, explorer.Options{})
	doc, err := src.Indicator(ctx, "internet_use_pct", []string{"KEN"})
	if err != nil {
		t.Fatal(err)
	}
	want := sqlCSV(t, db, `SELECT economy AS entity, 'economy' AS kind, year::INTEGER AS year, sex, area, age, value,
			CASE WHEN flag IN ('E', 'M', 'F', 'G') THEN 'estimate' ELSE 'reported' END AS status, coalesce(flag, '') AS flag, edition,
			coalesce(source, '') AS source, coalesce(note, '') AS note, NULL::DOUBLE AS coverage, se, ci_low, ci_high
		FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'KEN' ORDER BY sex, area, age, year`)
	if got := rowsCSV(t, doc.Rows); got != want || strings.Count(want, "\n") < 20 {
		t.Errorf("Kenya's rows:\n%s\nwant the observations:\n%s", got, want)
	}
	if n := one[int](t, db, `SELECT count(*) FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'KEN' AND sex = 'female'`); n == 0 {
		t.Error("Kenya has no values for women: the test checks no breakdown")
	}

	// The world: ictstat's aggregates with their coverage, then the sources' values.
	doc, err = src.Indicator(ctx, "internet_use_pct", []string{"WLD"})
	if err != nil {
		t.Fatal(err)
	}
	var agg, pub []explorer.Row
	for _, r := range doc.Rows {
		switch r.Status {
		case "aggregate":
			agg = append(agg, r)
		case "published":
			pub = append(pub, r)
		default:
			t.Errorf("a group row of status %q", r.Status)
		}
	}
	var lines []string
	for _, r := range agg {
		lines = append(lines, fmt.Sprintf("%d %s %s %s %.10g %.10g", r.Year, r.Sex, r.Area, r.Age, r.Value, r.Coverage))
	}
	var wantAgg []string
	rows, err := db.QueryContext(ctx, `SELECT year, sex, area, age, value, coverage_reported FROM aggregates
		WHERE group_code = 'WLD' AND indicator = 'internet_use_pct' AND status IN ('published', 'nowcast') ORDER BY sex, area, age, year`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var y int
		var sex, area, age string
		var v, c float64
		rows.Scan(&y, &sex, &area, &age, &v, &c)
		wantAgg = append(wantAgg, fmt.Sprintf("%d %s %s %s %.10g %.10g", y, sex, area, age, v, c))
	}
	rows.Close()
	if !slices.Equal(lines, wantAgg) || len(wantAgg) < 20 {
		t.Errorf("the world's aggregates: %d rows, want %d\n%v\nwant\n%v", len(lines), len(wantAgg), lines, wantAgg)
	}
	if n := one[int](t, db, `SELECT count(*) FROM published_aggregates WHERE group_code = 'WLD' AND indicator = 'internet_use_pct'`); n != len(pub) || n == 0 {
		t.Errorf("the world's published values: %d rows, want %d", len(pub), n)
	}
	// Its line is its aggregates; hollow where less than half of its population reported.
	line := explorer.Series(doc.Rows, "total", "total", "total")
	if len(line) == 0 || slices.ContainsFunc(line, func(r explorer.Row) bool { return r.Status != "aggregate" }) {
		t.Errorf("the world's line is not its aggregates: %v", line)
	}
	if !slices.ContainsFunc(agg, func(r explorer.Row) bool { return r.Coverage < 0.5 && r.Hollow() }) ||
		slices.ContainsFunc(agg, func(r explorer.Row) bool { return r.Coverage >= 0.5 && r.Hollow() }) {
		t.Error("aggregates are hollow exactly where less than half reported, and some are")
	}
	if !strings.Contains(doc.Source, "ictstat aggregates") || len(doc.Editions) == 0 {
		t.Errorf("the world's source line: %q, editions %v", doc.Source, doc.Editions)
	}
}

// TestEntitiesFilter: with entities, only theirs come back; without, every entity's; unknown
// entities and indicators are refused, naming the parameter.
func TestEntitiesFilter(t *testing.T) {
	db := computetest.Open(t)
	src := explorer.NewSource(db, explorer.Options{})
	d := indicatorDoc(t, src, "internet_use_pct", []string{"ken", "WLD"})
	seen := map[string]int{}
	for _, r := range d.Rows {
		seen[r[0].(string)]++
	}
	if len(seen) != 2 || seen["KEN"] == 0 || seen["WLD"] == 0 {
		t.Errorf("rows of %v, want KEN and WLD", seen)
	}
	if !slices.Equal(d.Columns, explorer.Columns) || d.Indicator != "internet_use_pct" {
		t.Errorf("columns %v, indicator %s", d.Columns, d.Indicator)
	}
	for _, p := range d.Projections {
		if p.Entity != "KEN" && p.Entity != "WLD" {
			t.Errorf("a projection of %s", p.Entity)
		}
	}
	whole := indicatorDoc(t, src, "IT.NET.USER.ZS", nil) // the WDI code names it too
	n := one[int](t, db, `SELECT (SELECT count(*) FROM observations WHERE indicator = 'internet_use_pct')
		+ (SELECT count(*) FROM published_aggregates WHERE indicator = 'internet_use_pct')
		+ (SELECT count(*) FROM aggregates WHERE indicator = 'internet_use_pct' AND status IN ('published', 'nowcast') AND value IS NOT NULL)`)
	if len(whole.Rows) != n || whole.Indicator != "internet_use_pct" {
		t.Errorf("the whole document: %d rows, want %d", len(whole.Rows), n)
	}
	for i := 1; i < len(whole.Rows); i++ {
		a, b := whole.Rows[i-1], whole.Rows[i]
		ka := fmt.Sprint(a[0], "|", a[3], "|", a[4], "|", a[5], "|", fmt.Sprintf("%04.0f", a[2]))
		kb := fmt.Sprint(b[0], "|", b[3], "|", b[4], "|", b[5], "|", fmt.Sprintf("%04.0f", b[2]))
		if ka > kb {
			t.Fatalf("rows out of order: %v before %v", a, b)
		}
	}
	for _, bad := range []struct {
		indicator string
		entities  []string
		want      string
	}{
		{"internet_use_pct", []string{"KEN", "NOWHERE"}, `entities: no economy or group "NOWHERE"`},
		{"internet_use_pctt", nil, `indicator "internet_use_pctt": no such indicator; the catalogue lists them (the closest: internet_use_pct`},
	} {
		_, err := src.Indicator(ctx, bad.indicator, bad.entities)
		if !errors.Is(err, explorer.ErrRequest) || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s %v: %v, want an ErrRequest with %q", bad.indicator, bad.entities, err, bad.want)
		}
	}
}

// TestProjections: an entity's projection toward a target ends at the deadline with the value
// and interval the progress view anticipates there, for an economy and for a group.
func TestProjections(t *testing.T) {
	db := computetest.Open(t)
	src := explorer.NewSource(db, explorer.Options{})
	d := indicatorDoc(t, src, "internet_use_pct", []string{"KEN", "WLD", "LDC"})
	checked, intervals := 0, 0
	for _, p := range d.Projections {
		if p.Target != "umc_2030:UMC.1" {
			continue
		}
		last := p.Points[len(p.Points)-1]
		var ant float64
		var lo, hi sql.NullFloat64
		if err := db.QueryRowContext(ctx, `SELECT anticipated, anticipated_low, anticipated_high FROM progress
			WHERE framework = 'umc_2030' AND target = 'UMC.1' AND entity = ? AND measure = 'internet_use_pct'`, p.Entity).Scan(&ant, &lo, &hi); err != nil {
			t.Fatal(err)
		}
		same := func(got *float64, want sql.NullFloat64) bool {
			return (got == nil) == !want.Valid && (got == nil || math.Abs(*got-want.Float64) < 1e-6)
		}
		if *last[0] != 2030 || math.Abs(*last[1]-ant) > 1e-6 || !same(last[2], lo) || !same(last[3], hi) {
			t.Errorf("%s: projected to %v in %v, the progress view anticipates %v (%v–%v)", p.Entity, *last[1], *last[0], ant, lo, hi)
		}
		if lo.Valid {
			intervals++
		}
		// The projection starts at the latest year assessed: not one published on nowcasts.
		latest := 0.0
		for _, r := range explorer.Series(rowsOf(t, src, p.Entity), "total", "total", "total") {
			if r.Flag != explorer.NowcastFlag {
				latest = math.Max(latest, float64(r.Year))
			}
		}
		if *p.Points[0][0] != latest {
			t.Errorf("%s: the projection starts in %v, the series' latest year assessed is %v", p.Entity, *p.Points[0][0], latest)
		}
		checked++
	}
	if checked != 3 || intervals == 0 {
		t.Errorf("%d projections toward UMC.1 checked, want 3, %d with an interval", checked, intervals)
	}
	for _, p := range d.Projections {
		if strings.HasPrefix(p.Target, "wsis_geneva_2003:") {
			t.Errorf("%s: a projection toward the 2015 deadline, long passed", p.Entity)
		}
	}
}

func rowsOf(t *testing.T, src *explorer.Source, entity string) []explorer.Row {
	doc, err := src.Indicator(ctx, "internet_use_pct", []string{entity})
	if err != nil {
		t.Fatal(err)
	}
	return doc.Rows
}

// TestCatalogue: the indicators with data, economies with their M49 codes, regions and income
// groups, groups with their members, frameworks and editions, as the views hold them.
func TestCatalogue(t *testing.T) {
	db := computetest.Open(t)
	src := explorer.NewSource(db, explorer.Options{Now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
	b, err := src.CatalogueJSON(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var c explorer.Catalogue
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if c.Generated != "2026-01-02T03:04:05Z" || c.AsOf != "" || c.Title == "" {
		t.Errorf("generated %q, as_of %q, title %q", c.Generated, c.AsOf, c.Title)
	}
	withData := one[int](t, db, `SELECT count(DISTINCT indicator) FROM (SELECT indicator FROM observations UNION ALL SELECT indicator FROM published_aggregates)
		WHERE indicator IN (SELECT indicator FROM indicators)`)
	if len(c.Indicators) != withData {
		t.Errorf("%d indicators, %d with data", len(c.Indicators), withData)
	}
	i := slices.IndexFunc(c.Indicators, func(in explorer.CatalogueIndicator) bool { return in.Code == "internet_use_pct" })
	if i < 0 {
		t.Fatal("no internet_use_pct")
	}
	in := c.Indicators[i]
	first, last := one[int](t, db, `SELECT min(year) FROM observations WHERE indicator = 'internet_use_pct'`),
		one[int](t, db, `SELECT max(year) FROM observations WHERE indicator = 'internet_use_pct'`)
	if in.Codes["wdi"] != "IT.NET.USER.ZS" || in.Unit != "% of population" || in.UnitKind != "percent" || *in.Min != 0 || *in.Max != 100 ||
		in.FirstYear > first || in.LastYear < last || !slices.Contains(in.Breakdowns, "sex") {
		t.Errorf("internet_use_pct: %+v (years %d–%d)", in, first, last)
	}
	ken := c.Entities[slices.IndexFunc(c.Entities, func(e explorer.Entity) bool { return e.Code == "KEN" })]
	if ken != (explorer.Entity{Code: "KEN", Name: "Kenya", Kind: "economy", ISO2: "KE", M49: "404", ITURegion: "ITU_AFR", IncomeGroup: "LMC"}) {
		t.Errorf("Kenya: %+v", ken)
	}
	afg := c.Entities[slices.IndexFunc(c.Entities, func(e explorer.Entity) bool { return e.Code == "AFG" })]
	if afg.M49 != "004" {
		t.Errorf("Afghanistan's M49 code: %q, want 004 as the boundaries have it", afg.M49)
	}
	ldc := c.Groups[slices.IndexFunc(c.Groups, func(g explorer.Group) bool { return g.Code == "LDC" })]
	if n := one[int](t, db, `SELECT count(*) FROM group_members WHERE group_code = 'LDC' AND current`); len(ldc.Members) != n || n != 44 || ldc.Kind != "ldc" {
		t.Errorf("LDC: %d members, the view %d", len(ldc.Members), n)
	}
	if n := one[int](t, db, `SELECT count(*) FROM economies`) + one[int](t, db, `SELECT count(*) FROM groups`); len(c.Entities) != n {
		t.Errorf("%d entities, the views %d", len(c.Entities), n)
	}
	if n := one[int](t, db, `SELECT count(*) FROM editions`); len(c.Editions) != n || c.Editions[0].Licence == nil {
		t.Errorf("editions: %+v, the view has %d", c.Editions, n)
	}
	var umc *explorer.Framework
	for i := range c.Frameworks {
		if c.Frameworks[i].Code == "umc_2030" {
			umc = &c.Frameworks[i]
		}
	}
	if umc == nil || len(c.Frameworks) != one[int](t, db, `SELECT count(DISTINCT framework) FROM targets`) {
		t.Fatalf("frameworks: %+v", c.Frameworks)
	}
	t1 := umc.Targets[0]
	if t1.Target != "UMC.1" || *t1.Indicator != "internet_use_pct" || *t1.Comparator != ">=" || *t1.Value != 100 || *t1.Level != 95 ||
		t1.Deadline != 2030 || *t1.Measure != "level" || umc.ShortName != "UMC 2030" {
		t.Errorf("UMC.1: %+v", t1)
	}
	// A site built for a few lists those only.
	few := explorer.NewSource(db, explorer.Options{Indicators: []string{"internet_use_pct"}, Entities: []string{"KEN", "LDC"}})
	fc, err := few.Catalogue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(fc.Indicators) != 1 || len(fc.Entities) != 2 || len(fc.Groups) != 1 || len(fc.Groups[0].Members) != 44 {
		t.Errorf("a catalogue for a few: %d indicators, %d entities, %d groups", len(fc.Indicators), len(fc.Entities), len(fc.Groups))
	}
}

// TestProgress: a framework's document holds the progress view's rows that apply; one entity's
// only with entity; unknown frameworks and entities are refused.
func TestProgress(t *testing.T) {
	db := computetest.Open(t)
	src := explorer.NewSource(db, explorer.Options{})
	doc, err := src.Progress(ctx, "wsis_geneva_2003", "")
	if err != nil {
		t.Fatal(err)
	}
	if n := one[int](t, db, `SELECT count(*) FROM progress WHERE framework = 'wsis_geneva_2003' AND applies`); len(doc.Rows) != n || n == 0 {
		t.Errorf("%d rows, the view %d", len(doc.Rows), n)
	}
	ken, err := src.Progress(ctx, "wsis_geneva_2003", "ken")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range ken.Rows {
		got = append(got, fmt.Sprintf("%s %s %s %s %g", r.Entity, r.Target, r.Measure, r.Class, r.Latest))
	}
	var want []string
	rows, _ := db.QueryContext(ctx, `SELECT entity, target, measure, class, latest FROM progress
		WHERE framework = 'wsis_geneva_2003' AND applies AND entity = 'KEN' ORDER BY length(target), target, measure`)
	for rows.Next() {
		var e, tg, m, c string
		var l float64
		rows.Scan(&e, &tg, &m, &c, &l)
		want = append(want, fmt.Sprintf("%s %s %s %s %g", e, tg, m, c, l))
	}
	rows.Close()
	if !slices.Equal(got, want) || len(want) < 3 {
		t.Errorf("Kenya:\n%v\nwant\n%v", got, want)
	}
	var d struct {
		Framework string
		Columns   []string
		Rows      [][]any
	}
	if err := json.Unmarshal(ken.JSON(), &d); err != nil || d.Framework != "wsis_geneva_2003" || len(d.Rows) != len(want) ||
		!slices.Equal(d.Columns, explorer.ProgressColumns) || len(d.Rows[0]) != len(d.Columns) {
		t.Errorf("the JSON: %v %+v", err, d)
	}
	for _, bad := range [][2]string{{"wsis", ""}, {"umc_2030", "ATLANTIS"}} {
		if _, err := src.Progress(ctx, bad[0], bad[1]); !errors.Is(err, explorer.ErrRequest) {
			t.Errorf("%v: %v, want an ErrRequest", bad, err)
		}
	}
}

// TestAsOf: as of a date, the rows are those published then, without ictstat's aggregates,
// and progress is refused.
func TestAsOf(t *testing.T) {
	db := computetest.Open(t)
	src, done, err := explorer.AsOf(ctx, db, time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	doc, err := src.Indicator(ctx, "internet_use_pct", []string{"KEN", "WLD"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range doc.Rows {
		if r.Status == "aggregate" || (r.Kind == "economy" && r.Edition != "UN SDG database 2023-12") {
			t.Fatalf("as of 2024-06-30: %+v", r)
		}
	}
	if len(doc.Rows) == 0 {
		t.Error("no rows as of 2024-06-30")
	}
	if _, err := src.Progress(ctx, "umc_2030", ""); !errors.Is(err, explorer.ErrRequest) {
		t.Errorf("progress as of a date: %v", err)
	}
	c, err := src.Catalogue(ctx)
	if err != nil || c.AsOf != "2024-06-30" || len(c.Editions) != 1 {
		t.Errorf("the catalogue as of 2024-06-30: %v %q %v", err, c.AsOf, c.Editions)
	}
	if _, _, err := explorer.AsOf(ctx, db, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)); !errors.Is(err, explorer.ErrRequest) {
		t.Errorf("a date before every edition: %v", err)
	}
	// The connection of the date went with done: the database reads the data as they are now.
	done()
	if n := one[int](t, db, `SELECT count(*) FROM editions`); n != 3 {
		t.Errorf("after the as-of source, the database shows %d editions", n)
	}
}

// TestDownloads: the CSV of a view equals the same SQL query; the XLSX has the data and a
// sources sheet; charts decode; bad parameters are refused, naming them.
func TestDownloads(t *testing.T) {
	db := computetest.Open(t)
	src := explorer.NewSource(db, explorer.Options{})
	get := func(p map[string]string) ([]byte, string, error) {
		r, err := explorer.ParseDownload(p)
		if err != nil {
			return nil, "", err
		}
		var buf bytes.Buffer
		ct, _, err := src.Download(ctx, db, r, &buf)
		return buf.Bytes(), ct, err
	}
	must := func(p map[string]string) ([]byte, string) {
		t.Helper()
		b, ct, err := get(p)
		if err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		return b, ct
	}
	sel := `SELECT * FROM (` + explorer.IndicatorSQL(true) + `) WHERE `
	order := ` ORDER BY entity, sex, area, age, year, status`

	// The trend of Kenya, Türkiye and Nigeria by sex: their women's and men's observations.
	b, ct := must(map[string]string{"view": "trend", "format": "csv", "indicator": "internet_use_pct", "entities": "KEN,TUR,NGA", "breakdown": "sex"})
	want := sqlCSV(t, db, sel+`entity IN ('KEN', 'TUR', 'NGA') AND sex <> 'total' AND area = 'total' AND age = 'total'`+order, "internet_use_pct")
	if string(b) != want || ct != "text/csv; charset=utf-8" || strings.Count(want, "\n") < 10 {
		t.Errorf("the trend's CSV (%s):\n%s\nwant\n%s", ct, b, want)
	}
	// The trend of the world: its line, its aggregate rows.
	b, _ = must(map[string]string{"view": "trend", "format": "csv", "indicator": "internet_use_pct", "entities": "WLD"})
	want = sqlCSV(t, db, sel+`entity = 'WLD' AND status = 'aggregate' AND sex = 'total' AND area = 'total' AND age = 'total'`+order, "internet_use_pct")
	if string(b) != want || strings.Count(want, "\n") < 10 {
		t.Errorf("the world's trend CSV:\n%s\nwant\n%s", b, want)
	}
	// The table of the world and Kenya: every row of theirs.
	b, _ = must(map[string]string{"view": "table", "format": "csv", "indicator": "internet_use_pct", "entities": "WLD,KEN"})
	want = sqlCSV(t, db, sel+`entity IN ('WLD', 'KEN')`+order, "internet_use_pct")
	if string(b) != want || !strings.Contains(want, "published") || !strings.Contains(want, "female") {
		t.Errorf("the table's CSV:\n%s\nwant\n%s", b, want)
	}
	// The map of the LDCs in 2022.
	b, _ = must(map[string]string{"view": "map", "format": "csv", "indicator": "internet_use_pct", "filter": "LDC", "year": "2022"})
	want = sqlCSV(t, db, sel+`kind = 'economy' AND year = 2022 AND sex = 'total' AND area = 'total' AND age = 'total'
		AND entity IN (SELECT economy FROM group_members WHERE group_code = 'LDC' AND current)
		AND entity IN (SELECT economy FROM economies WHERE m49 IS NOT NULL)`+order, "internet_use_pct")
	if string(b) != want || strings.Count(want, "\n") < 20 {
		t.Errorf("the map's CSV:\n%s\nwant\n%s", b, want)
	}

	// XLSX: the rows and the sources.
	b, ct = must(map[string]string{"view": "trend", "format": "xlsx", "indicator": "internet_use_pct", "entities": "KEN,WLD"})
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil || !strings.HasPrefix(ct, "application/vnd.openxmlformats") {
		t.Fatalf("the XLSX (%s): %v", ct, err)
	}
	if sheets := f.GetSheetList(); !slices.Equal(sheets, []string{"internet_use_pct", "sources"}) {
		t.Errorf("sheets %v", sheets)
	}
	data, _ := f.GetRows("internet_use_pct")
	sources, _ := f.GetRows("sources")
	rows, _ := src.TrendRows(ctx, "internet_use_pct", []string{"KEN", "WLD"}, "total")
	if len(data) != len(rows)+1 || !slices.Equal(data[0], explorer.Columns) {
		t.Errorf("the data sheet: %d rows, want %d and the header", len(data), len(rows))
	}
	text := fmt.Sprint(sources)
	if !strings.Contains(text, "World Bank WDI (2025 edition)") || !strings.Contains(text, "CC BY 4.0") || !strings.Contains(text, "Source: ITU") {
		t.Errorf("the sources sheet: %v", sources)
	}
	typ, _ := f.GetCellType("internet_use_pct", "G2")
	if v, _ := f.GetCellValue("internet_use_pct", "G2"); v == "" || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("values are not numbers: %q %v", v, typ)
	}

	// Charts.
	for _, p := range []map[string]string{
		{"view": "trend", "indicator": "internet_use_pct", "entities": "KEN,WLD,LDC", "target": "umc_2030:UMC.1"},
		{"view": "trend", "indicator": "internet_use_pct", "entities": "TUR", "breakdown": "sex"},
		{"view": "ranking", "indicator": "internet_use_pct", "filter": "ITU_AFR", "year": "2023"},
		{"view": "map", "indicator": "internet_use_pct", "filter": "LDC", "classes": "fixed"},
		{"view": "map", "indicator": "internet_use_pct", "year": "2022"},
		{"view": "scorecard", "framework": "wsis_geneva_2003", "entity": "KEN"},
		{"view": "scorecard", "framework": "umc_2030", "entity": "WLD"},
	} {
		for _, format := range []string{"png", "svg", "pdf"} {
			p["format"] = format
			b, ct := must(p)
			switch format {
			case "png":
				img, err := png.Decode(bytes.NewReader(b))
				if err != nil || ct != "image/png" || img.Bounds().Dx() < 900 {
					t.Errorf("%v: %v %s", p, err, ct)
				}
			case "svg":
				if !bytes.HasPrefix(bytes.TrimSpace(b), []byte("<?xml")) || !bytes.Contains(b, []byte("<svg")) || ct != "image/svg+xml" {
					t.Errorf("%v: not SVG: %.100s", p, b)
				}
			case "pdf":
				if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b[len(b)-32:], []byte("%%EOF")) || ct != "application/pdf" {
					t.Errorf("%v: not PDF", p)
				}
			}
		}
	}
	svg, _ := must(map[string]string{"view": "trend", "format": "svg", "indicator": "internet_use_pct", "entities": "KEN,WLD", "target": "umc_2030:UMC.1"})
	for _, s := range []string{"Kenya", "World", "UMC 2030 target UMC.1", "deadline 2030", "Source: ITU"} {
		if !bytes.Contains(svg, []byte(s)) {
			t.Errorf("the trend's SVG lacks %q", s)
		}
	}

	for _, bad := range []struct {
		p    map[string]string
		want string
	}{
		{map[string]string{"view": "globe", "format": "csv"}, `view "globe"`},
		{map[string]string{"view": "trend", "format": "gif", "indicator": "internet_use_pct", "entities": "KEN"}, `format "gif"`},
		{map[string]string{"view": "trend", "format": "csv", "indicator": "internet_use_pct"}, "entities is required"},
		{map[string]string{"view": "trend", "format": "csv", "entities": "KEN"}, "indicator is required"},
		{map[string]string{"view": "trend", "format": "csv", "indicator": "nope", "entities": "KEN"}, `indicator "nope"`},
		{map[string]string{"view": "trend", "format": "csv", "indicator": "internet_use_pct", "entities": "KEN,XX1"}, `no economy or group "XX1"`},
		{map[string]string{"view": "trend", "format": "csv", "indicator": "internet_use_pct", "entities": "KEN", "breakdown": "income"}, `breakdown "income"`},
		{map[string]string{"view": "trend", "format": "png", "indicator": "internet_use_pct", "entities": "KEN", "target": "umc_2030:UMC.2"}, `target "umc_2030:UMC.2"`},
		{map[string]string{"view": "trend", "format": "png", "indicator": "internet_use_pct", "entities": "KEN", "size": "9000x9000px"}, "size 9000x9000px"},
		{map[string]string{"view": "trend", "format": "png", "indicator": "internet_use_pct", "entities": "AFG,ALB,DZA,AGO,ARG,ARM,AUS,AUT,AZE"}, "at most 8"},
		{map[string]string{"view": "table", "format": "png", "indicator": "internet_use_pct", "entities": "KEN"}, "the table view has no chart"},
		{map[string]string{"view": "ranking", "format": "csv", "indicator": "internet_use_pct", "year": "1850"}, `year "1850"`},
		{map[string]string{"view": "ranking", "format": "csv", "indicator": "internet_use_pct", "filter": "KEN"}, "KEN is an economy"},
		{map[string]string{"view": "map", "format": "csv", "indicator": "internet_use_pct", "classes": "jenks"}, `classes "jenks"`},
		{map[string]string{"view": "scorecard", "format": "csv"}, "framework is required"},
		{map[string]string{"view": "scorecard", "format": "csv", "framework": "wsis"}, `framework "wsis"`},
	} {
		_, _, err := get(bad.p)
		if !errors.Is(err, explorer.ErrRequest) || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: %v, want an ErrRequest with %q", bad.p, err, bad.want)
		}
	}
	r, _ := explorer.ParseDownload(map[string]string{"view": "ranking", "format": "png", "indicator": "internet_use_pct", "filter": "LDC", "year": "2023"})
	if r.Filename() != "ictstat-ranking-internet_use_pct-ldc-2023.png" {
		t.Errorf("file name %s", r.Filename())
	}
}

// TestJSONText: strings are written as JSON that reads back as they were, and that is also
// JavaScript; a script hands its document to ictstatData.
func TestJSONText(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\r", "\x00\x1f", "<script>&</script>", "é ü 中文",
		"line\u2028sep\u2029", "bad \xff utf-8"} {
		doc := explorer.Indicator{Indicator: s, Rows: []explorer.Row{{Entity: s, Note: s, Value: 1.5, Coverage: math.NaN()}}, Source: s}
		var d decoded
		if err := json.Unmarshal(doc.JSON(), &d); err != nil {
			t.Fatalf("%q: %v\n%s", s, err, doc.JSON())
		}
		want := strings.ToValidUTF8(s, "\ufffd")
		if d.Indicator != want || d.Rows[0][0] != want || d.Rows[0][11] != want || d.Rows[0][12] != nil || d.Rows[0][6] != 1.5 {
			t.Errorf("%q reads back as %q %v", s, d.Indicator, d.Rows[0])
		}
		if bytes.ContainsAny(doc.JSON(), "<>&\u2028\u2029") {
			t.Errorf("%q: the JSON holds text a script could misread: %s", s, doc.JSON())
		}
	}
	script := string(explorer.Script("indicator", "a\"b", []byte(`{"x":1}`)))
	if script != "ictstatData(\"indicator\", \"a\\\"b\", {\"x\":1});\n" {
		t.Errorf("script %q", script)
	}
	for code, want := range map[string]string{"internet_use_pct": "internet_use_pct", "IT.NET.USER.ZS": "~49~54~2e~4e~45~54~2e~55~53~45~52~2e~5a~53",
		"a/../b": "a~2f~2e~2e~2fb", "é": "~c3~a9"} {
		if got := explorer.SafeName(code); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", code, got, want)
		}
	}
}

// TestBoundaries: the boundaries are world-atlas's TopoJSON of the countries, as engine/geo
// has it.
func TestBoundaries(t *testing.T) {
	b := explorer.Boundaries()
	var topo struct {
		Type    string
		Objects map[string]struct {
			Geometries []struct{ ID string }
		}
	}
	if err := json.Unmarshal(b, &topo); err != nil || topo.Type != "Topology" || len(topo.Objects["countries"].Geometries) < 200 {
		t.Fatalf("boundaries: %v %s %d", err, topo.Type, len(topo.Objects["countries"].Geometries))
	}
	if !bytes.Equal(b, geo.CountriesTopoJSON) {
		t.Error("the boundaries are not engine/geo's")
	}
	ids := map[string]bool{}
	for _, g := range topo.Objects["countries"].Geometries {
		ids[g.ID] = true
	}
	if !ids["404"] || !ids["004"] {
		t.Error("the boundaries lack Kenya (404) or Afghanistan (004)")
	}
}

// TestTrendDownloadStyles: the trend's chart with a breakdown draws each entity in its colour as
// the page does (the Okabe–Ito palette in the order the entities are chosen, whether or not an
// earlier one has lines), its women solid and its men dashed, and the legend says which is which.
func TestTrendDownloadStyles(t *testing.T) {
	db := computetest.Open(t)
	src := explorer.NewSource(db, explorer.Options{})
	r, err := explorer.ParseDownload(map[string]string{"view": "trend", "format": "svg", "indicator": "internet_use_pct", "entities": "WLD,UGA,DEU,TUR", "breakdown": "sex"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, _, err := src.Download(ctx, db, r, &buf); err != nil {
		t.Fatal(err)
	}
	if n := one[int](t, db, `SELECT count(*) FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'UGA' AND sex <> 'total'`); n != 0 {
		t.Fatalf("Uganda has %d values by sex: the test wants an entity without lines before others", n)
	}
	// The lines: the strokes as wide as a line, by colour, solid or dashed.
	strokes := map[string]bool{}
	for _, m := range regexp.MustCompile(`style="fill:none;stroke:#([0-9A-F]{6});stroke-width:1\.6(;stroke-dasharray:[0-9.,]+)?"`).FindAllSubmatch(buf.Bytes(), -1) {
		strokes[string(m[1])+map[bool]string{true: " dashed", false: " solid"}[len(m[2]) > 0]] = true
	}
	// World orange, Germany bluish green (third chosen), Türkiye blue (fourth); each with women
	// solid and men dashed; the key's lines grey.
	for _, want := range []string{"E69F00 solid", "E69F00 dashed", "009E73 solid", "009E73 dashed", "0072B2 solid", "0072B2 dashed", "555555 solid", "555555 dashed"} {
		if !strokes[want] {
			t.Errorf("no line %s: %v", want, strokes)
		}
	}
	if len(strokes) != 8 {
		t.Errorf("lines in other colours or styles: %v", strokes)
	}
	texts := map[string]bool{}
	for _, m := range regexp.MustCompile(`<text[^>]*>([^<]*)</text>`).FindAllSubmatch(buf.Bytes(), -1) {
		texts[html.UnescapeString(string(m[1]))] = true
	}
	for _, want := range []string{"World", "Germany", "Türkiye", "women", "men", "Individuals using the Internet, by sex"} {
		if !texts[want] {
			t.Errorf("the legend lacks %q: %v", want, texts)
		}
	}
}

// withSurvey is a copy of the test database with a survey edition of internet use loaded, whose
// values carry standard errors and intervals: Kenya's women and men in 2024 and 2023, its total in
// 2024 with an error but no interval, and a value the world's survey publishes.
func withSurvey(t *testing.T) *sql.DB {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile(computetest.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "survey.duckdb")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "survey.csv")
	if err := os.WriteFile(file, []byte(`indicator,economy,year,sex,value,se,ci_low,ci_high
internet_use_pct,KEN,2023,female,38.5,1.1,36.3,40.7
internet_use_pct,KEN,2023,male,44,1.25,41.55,46.45
internet_use_pct,KEN,2024,female,41.5,1.2,39.2,43.9
internet_use_pct,KEN,2024,male,47.25,1.31,44.7,49.8
internet_use_pct,KEN,2024,total,44.3,0.9,,
internet_use_pct,WLD,2024,total,68.2,0.4,67.4,69
`), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	released := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	o, err := load.File(ctx, st, file, load.Options{Edition: store.Edition{Label: "Survey 2026-06", Released: released}})
	st.Close()
	if err != nil || o.RowsLoaded != 6 {
		t.Fatalf("loading the survey: %v, %d rows loaded", err, o.RowsLoaded)
	}
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestUncertainty: the indicator document carries each row's standard error and interval as the
// views hold them, null where none, and the downloads of the trend carry them and draw the
// intervals.
func TestUncertainty(t *testing.T) {
	db := withSurvey(t)
	src := explorer.NewSource(db, explorer.Options{})
	d := indicatorDoc(t, src, "internet_use_pct", []string{"KEN", "WLD"})
	col := map[string]int{}
	for i, c := range d.Columns {
		col[c] = i
	}
	text := func(v any) string {
		if v == nil {
			return "null"
		}
		return fmt.Sprint(v)
	}
	var got []string
	for _, r := range d.Rows {
		if r[col["status"]] == "aggregate" {
			continue
		}
		got = append(got, fmt.Sprintf("%v %v %v %v %s %s %s", r[col["entity"]], r[col["year"]], r[col["sex"]], r[col["status"]],
			text(r[col["se"]]), text(r[col["ci_low"]]), text(r[col["ci_high"]])))
	}
	var want []string
	rows, err := db.QueryContext(ctx, `SELECT * FROM (
			SELECT economy AS e, year, sex, area, age, 'reported' AS status, se, ci_low, ci_high FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'KEN'
			UNION ALL
			SELECT group_code, year, sex, area, age, 'published', se, ci_low, ci_high FROM published_aggregates WHERE indicator = 'internet_use_pct' AND group_code = 'WLD')
		ORDER BY e, sex, area, age, year`)
	if err != nil {
		t.Fatal(err)
	}
	intervals := 0
	for rows.Next() {
		var e, sex, area, age, status string
		var year int
		var se, lo, hi sql.NullFloat64
		if err := rows.Scan(&e, &year, &sex, &area, &age, &status, &se, &lo, &hi); err != nil {
			t.Fatal(err)
		}
		v := func(x sql.NullFloat64) string {
			if !x.Valid {
				return "null"
			}
			return fmt.Sprint(x.Float64)
		}
		if lo.Valid {
			intervals++
		}
		want = append(want, fmt.Sprintf("%s %d %s %s %s %s %s", e, year, sex, status, v(se), v(lo), v(hi)))
	}
	rows.Close()
	if !slices.Equal(got, want) || intervals != 5 {
		t.Errorf("the rows' uncertainty:\n%s\nthe views (%d intervals):\n%s", strings.Join(got, "\n"), intervals, strings.Join(want, "\n"))
	}
	// An economy without any: its rows have the columns, null.
	for _, r := range indicatorDoc(t, src, "internet_use_pct", []string{"NGA"}).Rows {
		if len(r) != len(explorer.Columns) || r[col["se"]] != nil || r[col["ci_low"]] != nil || r[col["ci_high"]] != nil {
			t.Fatalf("Nigeria's row %v", r)
		}
	}

	// The trend's CSV of Kenya by sex carries the women's and men's intervals, and its chart
	// draws them and names them in the legend.
	download := func(format string) string {
		r, err := explorer.ParseDownload(map[string]string{"view": "trend", "format": format, "indicator": "internet_use_pct", "entities": "KEN", "breakdown": "sex"})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, _, err := src.Download(ctx, db, r, &buf); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	csv := download("csv")
	for _, line := range []string{",se,ci_low,ci_high\n", ",1.2,39.2,43.9\n", ",1.31,44.7,49.8\n"} {
		if !strings.Contains(csv, line) {
			t.Errorf("the trend's CSV lacks %q:\n%s", line, csv)
		}
	}
	if svg := download("svg"); !strings.Contains(svg, ">95% interval<") {
		t.Error("the trend's chart has no \"95% interval\" in its legend")
	}
}
