package figures_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html"
	"image/png"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/chart"
	"github.com/ictstat/ictstat/indicators/compute/computetest"
	"github.com/ictstat/ictstat/indicators/figures"
)

var ctx = context.Background()

func TestMain(m *testing.M) { computetest.Main(m) }

func build(t *testing.T, db *sql.DB, r figures.Request) chart.Chart {
	t.Helper()
	c, err := figures.Build(ctx, db, r)
	if err != nil {
		t.Fatalf("%+v: %v", r, err)
	}
	return c
}

func render(t *testing.T, c chart.Chart, format string, size chart.Size) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := chart.Render(c, format, size, &buf); err != nil {
		t.Fatalf("render %s: %v", format, err)
	}
	return buf.Bytes()
}

// one is a single value the database holds.
func one[T any](t *testing.T, db *sql.DB, q string, args ...any) T {
	t.Helper()
	var v T
	if err := db.QueryRowContext(ctx, q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// kinds is one request of each kind of figure, on the embedded data, with the texts its SVG must
// show beyond the title, axis unit and source line.
var kinds = []struct {
	name string
	req  figures.Request
	want []string
}{
	{"trend", figures.Request{Kind: figures.Trend, Indicator: "internet_use_pct", Entities: []string{"WLD", "ITU_AFR", "ITU_EUR"},
		From: 2005, To: 2024, Target: "umc_2030:UMC.1"},
		[]string{"World", "Africa (ITU region)", "Europe (ITU region)", "UMC 2030 target UMC.1: 100% by 2030 (met at 95%)", "deadline 2030"}},
	{"gap", figures.Request{Kind: figures.Gap, Indicator: "internet_use_pct", Entities: []string{"TUR"}, From: 2005, To: 2024},
		[]string{"Women", "Men", "gap 2022: 8.3 percentage points"}},
	{"trend of a sum", figures.Request{Kind: figures.Trend, Indicator: "mobile_cellular_subs", Entities: []string{"IND", "CHN"}},
		[]string{"India", "China", "subscriptions"}},
	{"gap by area", figures.Request{Kind: figures.Gap, Indicator: "ict_skills_transfer_files_pct", Entities: []string{"BRA"}, Split: "area"},
		[]string{"Rural", "Urban"}},
	{"parity", figures.Request{Kind: figures.Gap, Parity: true, Indicator: "internet_use_pct", Entities: []string{"WLD", "TUR", "MEX"}},
		[]string{"World", "Türkiye", "Mexico", "parity 0.98–1.02"}},
	{"small multiples", figures.Request{Kind: figures.SmallMultiples, Indicator: "internet_use_pct", Group: "LDC", From: 2005, To: 2024,
		Target: "wsis_geneva_2003:T10"}, []string{"Afghanistan", "Zambia", "WSIS Geneva 2003 target T10: more than 50% by 2015"}},
	{"small multiples by sex", figures.Request{Kind: figures.SmallMultiples, Indicator: "internet_use_pct", Entities: []string{"TUR", "MEX", "BRA", "IDN", "EGY", "KEN"},
		Split: "sex", From: 2005, To: 2024}, []string{"Women", "Men", "Türkiye", "Kenya"}},
	{"ranking", figures.Request{Kind: figures.Ranking, Indicator: "price_mobile_data_5gb_pct_gni", Group: "LDC",
		Target: "broadband_commission_2025:BB.2"}, []string{"Cambodia", "Central African Republic", "Year: 2025"}},
	{"scorecard", figures.Request{Kind: figures.Scorecard}, []string{"T10 Individuals using the Internet", "target met", "no global data"}},
	{"map", figures.Request{Kind: figures.Map, Indicator: "internet_use_pct", Year: 2023},
		[]string{"% of population:", "No data", "Quintiles of the 2023 values", "181 economies with a value in 2023"}},
}

// sizeFor is a size each kind can be drawn at.
func sizeFor(kind string) chart.Size {
	switch kind {
	case figures.SmallMultiples:
		return chart.Size{Width: 24, Height: 20, Unit: "cm", DPI: 150}
	case figures.Ranking:
		return chart.Size{Width: 16, Height: 20, Unit: "cm", DPI: 150}
	case figures.Scorecard:
		return chart.Size{Width: 20, Height: 16, Unit: "cm", DPI: 150}
	}
	return chart.DefaultSize
}

// texts of an SVG: what its <text> elements say.
func texts(svg []byte) map[string]bool {
	out := map[string]bool{}
	for _, m := range regexp.MustCompile(`<text[^>]*>([^<]*)</text>`).FindAllSubmatch(svg, -1) {
		out[html.UnescapeString(string(m[1]))] = true
	}
	return out
}

// TestEveryKindFromTheEmbeddedData draws each kind of figure from the real data and checks what
// a reader checks: the title, the axis unit, the source line naming the editions, the series and
// target labels; and that PNG and PDF come out at the size asked, byte for byte the same each time.
func TestEveryKindFromTheEmbeddedData(t *testing.T) {
	db := computetest.Open(t)
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			c := build(t, db, k.req)
			size := sizeFor(k.req.Kind)
			svg := render(t, c, "svg", size)
			got := texts(svg)
			meta := c.Text()
			want := append([]string{}, k.want...)
			if k.req.Kind != figures.Scorecard {
				unit := one[string](t, db, `SELECT unit FROM indicators WHERE indicator = ?`, k.req.Indicator)
				name := one[string](t, db, `SELECT name FROM indicators WHERE indicator = ?`, k.req.Indicator)
				if meta.YLabel != unit && meta.XLabel != unit && !k.req.Parity {
					t.Errorf("axis labels %q, %q: want the unit %q", meta.XLabel, meta.YLabel, unit)
				}
				if !strings.Contains(meta.Title, name) {
					t.Errorf("title %q does not name the indicator %q", meta.Title, name)
				}
			}
			if !strings.HasPrefix(meta.Source, "Source: ITU, via ") {
				t.Errorf("source line %q", meta.Source)
			}
			for _, s := range want {
				if !got[s] {
					t.Errorf("the SVG shows no text %q", s)
				}
			}
			for _, s := range []string{meta.Title, meta.Source} {
				if !shows(svg, s) {
					t.Errorf("the SVG does not show %q", s)
				}
			}

			img, err := png.Decode(bytes.NewReader(render(t, c, "png", size)))
			if err != nil {
				t.Fatal(err)
			}
			wpx, hpx := int(math.Round(size.Width/2.54*size.DPI)), int(math.Round(size.Height/2.54*size.DPI))
			if b := img.Bounds(); b.Dx() != wpx || b.Dy() != hpx {
				t.Errorf("PNG is %dx%d, want %dx%d", b.Dx(), b.Dy(), wpx, hpx)
			}
			pdf := render(t, c, "pdf", size)
			m := regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`).FindSubmatch(pdf)
			if m == nil {
				t.Fatal("no MediaBox in the PDF")
			}
			pw, _ := strconv.ParseFloat(string(m[1]), 64)
			ph, _ := strconv.ParseFloat(string(m[2]), 64)
			if math.Abs(pw-size.Width/2.54*72) > 0.01 || math.Abs(ph-size.Height/2.54*72) > 0.01 {
				t.Errorf("PDF is %gx%g pt", pw, ph)
			}
			for _, format := range []string{"png", "svg", "pdf"} {
				a := render(t, build(t, db, k.req), format, size)
				b := render(t, build(t, db, k.req), format, size)
				if !bytes.Equal(a, b) {
					t.Errorf("%s: two renderings of the same request differ", format)
				}
			}
		})
	}
}

// shows reports whether the SVG shows s, perhaps wrapped: on one text, or on a few consecutive
// texts (written top down or bottom up).
func shows(svg []byte, s string) bool {
	var lines []string
	for _, m := range regexp.MustCompile(`<text[^>]*>([^<]*)</text>`).FindAllSubmatch(svg, -1) {
		lines = append(lines, html.UnescapeString(string(m[1])))
	}
	for i := range lines {
		for j := i; j < min(i+6, len(lines)); j++ {
			run := slices.Clone(lines[i : j+1])
			if strings.Join(run, " ") == s {
				return true
			}
			slices.Reverse(run)
			if strings.Join(run, " ") == s {
				return true
			}
		}
	}
	return false
}

// TestEconomyPointsAreItsObservations: an economy's line is its observations in the years asked,
// no more (nothing interpolated, so a missing year is a gap), and its estimated points are those
// its producer flags as estimates.
func TestEconomyPointsAreItsObservations(t *testing.T) {
	db := computetest.Open(t)
	for _, tc := range []struct{ indicator, economy string }{
		{"internet_use_pct", "SOM"}, // years missing in the middle
		{"households_internet_pct", "KEN"},
	} {
		c := build(t, db, figures.Request{Kind: figures.Trend, Indicator: tc.indicator, Entities: []string{tc.economy}, From: 2005, To: 2024}).(chart.Trend)
		rows, err := db.QueryContext(ctx, `SELECT year, value, flag FROM observations WHERE indicator = ? AND economy = ?
			AND sex = 'total' AND area = 'total' AND age = 'total' AND year BETWEEN 2005 AND 2024 ORDER BY year`, tc.indicator, tc.economy)
		if err != nil {
			t.Fatal(err)
		}
		var want []chart.Point
		for rows.Next() {
			var year int
			var value float64
			var flag string
			if err := rows.Scan(&year, &value, &flag); err != nil {
				t.Fatal(err)
			}
			want = append(want, chart.Point{X: float64(year), Y: value, Estimated: flag == "E" || flag == "M" || flag == "F" || flag == "G"})
		}
		rows.Close()
		if len(c.Lines) != 1 || len(want) == 0 {
			t.Fatalf("%s %s: %d lines, %d observations", tc.economy, tc.indicator, len(c.Lines), len(want))
		}
		got := c.Lines[0].Points
		if len(got) != len(want) {
			t.Fatalf("%s %s: %d points, %d observations", tc.economy, tc.indicator, len(got), len(want))
		}
		estimated, gaps := 0, 0
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s %s point %d: %+v, observation %+v", tc.economy, tc.indicator, i, got[i], want[i])
			}
			if want[i].Estimated {
				estimated++
			}
			if i > 0 && want[i].X-want[i-1].X > 1 {
				gaps++
			}
		}
		t.Logf("%s %s: %d points, %d estimated, %d gaps", tc.economy, tc.indicator, len(got), estimated, gaps)
		if tc.economy == "SOM" && gaps == 0 {
			t.Error("Somalia's internet use was expected to have gaps")
		}
		if tc.economy == "KEN" && estimated == 0 {
			t.Error("Kenya's households with internet were expected to have estimates")
		}
	}
}

// TestProjectionEndsAtTheAnticipatedValue: a trend's projection is the progress engine's fit, so
// at the deadline it is the value, and the interval, that the progress view anticipates.
func TestProjectionEndsAtTheAnticipatedValue(t *testing.T) {
	db := computetest.Open(t)
	for _, e := range []string{"WLD", "ITU_AFR", "KEN", "BRA"} {
		c := build(t, db, figures.Request{Kind: figures.Trend, Indicator: "internet_use_pct", Entities: []string{e}, Target: "umc_2030:UMC.1", Intervals: "all"}).(chart.Trend)
		var ant, lo, hi sql.NullFloat64
		err := db.QueryRowContext(ctx, `SELECT anticipated, anticipated_low, anticipated_high FROM progress
			WHERE framework = 'umc_2030' AND target = 'UMC.1' AND entity = ?`, e).Scan(&ant, &lo, &hi)
		if err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		if len(c.Lines) != 2 || !c.Lines[1].Dashed {
			t.Fatalf("%s: want a line and its projection, have %d lines", e, len(c.Lines))
		}
		proj := c.Lines[1]
		end, band := proj.Points[len(proj.Points)-1], proj.Band[len(proj.Band)-1]
		same := func(a float64, b sql.NullFloat64) bool {
			return math.Abs(a-b.Float64) < 1e-9 || (math.IsNaN(a) && !b.Valid)
		}
		if end.X != 2030 || !same(end.Y, ant) || !same(band.Low, lo) || !same(band.High, hi) {
			t.Errorf("%s: projection ends at %v: %v [%v, %v]; progress anticipates %v [%v, %v]", e, end.X, end.Y, band.Low, band.High, ant, lo, hi)
		}
		// The projection starts at the last year assessed: for a group, the last not published on
		// nowcasts.
		var last chart.Point
		for _, p := range c.Lines[0].Points {
			var status string
			db.QueryRowContext(ctx, `SELECT status FROM aggregates WHERE group_code = ? AND indicator = 'internet_use_pct'
				AND sex = 'total' AND area = 'total' AND age = 'total' AND year = ?`, e, int(p.X)).Scan(&status)
			if status != "nowcast" {
				last = p
			}
		}
		if proj.Points[0].X != last.X || math.Abs(proj.Points[0].Y-last.Y) > 15 {
			t.Errorf("%s: projection starts at %+v, the series ends at %+v", e, proj.Points[0], last)
		}
	}
	// With more than three projected lines, intervals are left out unless asked for.
	c := build(t, db, figures.Request{Kind: figures.Trend, Indicator: "internet_use_pct", Entities: []string{"WLD", "ITU_AFR", "ITU_EUR", "ITU_AMS"}, Target: "umc_2030:UMC.1"}).(chart.Trend)
	for _, l := range c.Lines {
		if len(l.Band) > 0 {
			t.Error("four projections with their intervals by default")
		}
	}
}

// TestGroupValuesAreTheAggregates: a group's line is ictstat's published aggregate, estimated
// where less than half of the population reported.
func TestGroupValuesAreTheAggregates(t *testing.T) {
	db := computetest.Open(t)
	c := build(t, db, figures.Request{Kind: figures.Trend, Indicator: "internet_use_pct", Entities: []string{"WLD"}, From: 2005, To: 2024}).(chart.Trend)
	pts := c.Lines[0].Points
	if len(pts) != 20 {
		t.Fatalf("world 2005–2024: %d points", len(pts))
	}
	for _, p := range pts {
		var v, reported float64
		if err := db.QueryRowContext(ctx, `SELECT value, coverage_reported FROM aggregates WHERE group_code = 'WLD' AND indicator = 'internet_use_pct'
			AND sex = 'total' AND area = 'total' AND age = 'total' AND year = ?`, int(p.X)).Scan(&v, &reported); err != nil {
			t.Fatal(err)
		}
		if p.Y != v || p.Estimated != (reported < 0.5) {
			t.Errorf("%v: %+v, aggregate %v with %.0f%% reported", p.X, p, v, 100*reported)
		}
	}
	if math.Abs(pts[0].Y-15.47) > 0.01 {
		t.Errorf("world 2005 %.2f, want 15.47", pts[0].Y)
	}
	// Nowcasts enter 2024: drawn with its interval, near ITU's 71% (2025 edition).
	bars := c.Lines[0].ErrorBars
	if len(bars) == 0 || bars[len(bars)-1].X != 2024 || pts[19].Y < bars[len(bars)-1].Low ||
		pts[19].Y > bars[len(bars)-1].High || pts[19].Y < 68 || pts[19].Y > 74 {
		t.Errorf("world 2024: %+v, intervals %+v", pts[19], bars)
	}
	if !strings.Contains(c.Source, "Group values: ictstat aggregates (means weighted by population") {
		t.Errorf("source line %q does not say how group values were formed", c.Source)
	}
}

// TestSourceLineNamesTheEditionsDrawn: the source line cites exactly the editions of the
// observations drawn.
func TestSourceLineNamesTheEditionsDrawn(t *testing.T) {
	db := computetest.Open(t)
	for _, tc := range []struct {
		req  figures.Request
		want string
	}{
		{figures.Request{Kind: figures.Trend, Indicator: "internet_use_pct", Entities: []string{"KEN"}, From: 2023, To: 2024},
			"Source: ITU, via World Bank WDI (2025 edition)."},
		{figures.Request{Kind: figures.Gap, Indicator: "internet_use_pct", Entities: []string{"KEN"}, From: 2005, To: 2024},
			"Source: ITU, via the UN SDG Global Database (2023-12 edition)."},
		{figures.Request{Kind: figures.Ranking, Indicator: "coverage_4g_pct", Entities: []string{"KEN", "UGA"}},
			"Source: ITU, via ITU DataHub (December 2025 export)."},
		{figures.Request{Kind: figures.Trend, Indicator: "population", Entities: []string{"KEN"}},
			"Source: UN DESA, via World Bank WDI (2025 edition)."},
	} {
		var editions []string
		rows, err := db.QueryContext(ctx, `SELECT DISTINCT edition FROM observations WHERE indicator = ? AND economy = ? AND sex = 'total'
			AND area = 'total' AND age = 'total' AND year BETWEEN ? AND ?`, tc.req.Indicator, tc.req.Entities[0], max(tc.req.From, 1960), max(tc.req.To, 2100)*1)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var e string
			rows.Scan(&e)
			editions = append(editions, e)
		}
		rows.Close()
		c := build(t, db, tc.req)
		if got := c.Text().Source; got != tc.want {
			t.Errorf("%s %v %d–%d (editions %v): source %q, want %q", tc.req.Indicator, tc.req.Entities, tc.req.From, tc.req.To, editions, got, tc.want)
		}
	}
}

// TestRequestErrors: what a request gets wrong is an ErrRequest naming the problem.
func TestRequestErrors(t *testing.T) {
	db := computetest.Open(t)
	for _, tc := range []struct {
		req  figures.Request
		want string
	}{
		{figures.Request{Kind: "pie", Indicator: "internet_use_pct"}, `unknown kind of chart "pie"`},
		{figures.Request{Kind: figures.Trend, Indicator: "internet_use", Entities: []string{"KEN"}}, `no indicator "internet_use"; the closest are internet_use_pct`},
		{figures.Request{Kind: figures.Trend, Indicator: "internet_use_pct", Entities: []string{"Kenia"}}, `no economy or group "Kenia"`},
		{figures.Request{Kind: figures.Trend, Indicator: "internet_use_pct", Entities: []string{"KEN"}, From: 1960, To: 1970}, "no data on internet_use_pct for KEN, 1960–1970"},
		{figures.Request{Kind: figures.Trend, Indicator: "internet_use_pct", Entities: []string{"KEN"}, From: 2020, To: 2010}, "--from must not be after --to"},
		{figures.Request{Kind: figures.Trend, Indicator: "internet_use_pct"}, "a trend shows 1 to 7 economies or groups"},
		{figures.Request{Kind: figures.Trend, Indicator: "internet_use_pct", Entities: []string{"KEN"}, Target: "umc_2030:UMC.2"}, "measures households_internet_pct, not internet_use_pct"},
		{figures.Request{Kind: figures.Trend, Indicator: "internet_use_pct", Entities: []string{"KEN"}, Target: "T99"}, `no measurable target "T99"`},
		{figures.Request{Kind: figures.SmallMultiples, Indicator: "internet_use_pct", Group: "KEN"}, "KEN is an economy, not a group"},
		{figures.Request{Kind: figures.Gap, Indicator: "coverage_4g_pct", Entities: []string{"KEN"}}, "KEN has no values of coverage_4g_pct for women"},
		{figures.Request{Kind: figures.Ranking, Indicator: "internet_use_pct", Group: "WLD"}, "bars are too many to read"},
	} {
		_, err := figures.Build(ctx, db, tc.req)
		if err == nil || !errors.Is(err, figures.ErrRequest) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want ErrRequest with %q", tc.req, err, tc.want)
		}
	}
	// A WDI code names its indicator.
	c := build(t, db, figures.Request{Kind: figures.Trend, Indicator: "IT.NET.USER.ZS", Entities: []string{"ken"}})
	if l := c.(chart.Trend).Lines; len(l) != 1 || l[0].Label != "Kenya" {
		t.Errorf("IT.NET.USER.ZS for ken: %+v", l)
	}
}

// A parity chart's lines are scores, which have no interval: the error bars of the indicator's
// values (nowcast years of a group, survey estimates of an economy) are not drawn on them.
func TestParityHasNoErrorBars(t *testing.T) {
	db := computetest.Open(t)
	c := build(t, db, figures.Request{Kind: figures.Gap, Parity: true, Indicator: "internet_use_pct", Entities: []string{"WLD", "TUR"}}).(chart.Parity)
	if len(c.Lines) == 0 {
		t.Fatal("no lines")
	}
	for _, l := range c.Lines {
		if len(l.ErrorBars) > 0 {
			t.Errorf("%s: %d error bars on parity scores", l.Label, len(l.ErrorBars))
		}
	}
}

// TestTitlesSayTheYearsDrawn: a title's years are the first and last with a point drawn, not the
// years asked: Indonesia's values by sex end in 2021, and so does the title of its gap chart
// asked for 2005–2024; small multiples' panels start at the first year with data, whatever the
// years asked.
func TestTitlesSayTheYearsDrawn(t *testing.T) {
	db := computetest.Open(t)
	first := one[int](t, db, `SELECT min(year) FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'IDN'
		AND sex IN ('female', 'male') AND area = 'total' AND age = 'total' AND year BETWEEN 2005 AND 2024`)
	last := one[int](t, db, `SELECT max(year) FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'IDN'
		AND sex IN ('female', 'male') AND area = 'total' AND age = 'total' AND year BETWEEN 2005 AND 2024`)
	if last != 2021 {
		t.Fatalf("Indonesia's values by sex end in %d: the test wants a series ending in 2021", last)
	}
	gap := build(t, db, figures.Request{Kind: figures.Gap, Indicator: "internet_use_pct", Entities: []string{"IDN"}, From: 2005, To: 2024})
	if want := fmt.Sprintf(", %d–2021", first); !strings.HasSuffix(gap.Text().Title, want) || strings.Contains(gap.Text().Title, "2024") {
		t.Errorf("title %q, want it to end %q", gap.Text().Title, want)
	}
	for _, req := range []figures.Request{
		{Kind: figures.Trend, Indicator: "internet_use_pct", Entities: []string{"IDN", "KEN"}, From: 1990, To: 2024},
		{Kind: figures.SmallMultiples, Indicator: "internet_use_pct", Entities: []string{"IDN", "KEN"}, Split: "sex", From: 1990, To: 2024},
	} {
		c := build(t, db, req)
		var lines []chart.Line
		switch c := c.(type) {
		case chart.Trend:
			lines = c.Lines
		case chart.SmallMultiples:
			if c.Years.From != 0 && c.Years.From < 2000 {
				t.Errorf("small multiples widened to the years asked: %+v", c.Years)
			}
			for _, p := range c.Panels {
				lines = append(lines, p.Lines...)
			}
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, l := range lines {
			for _, p := range l.Points {
				if !l.Dashed {
					lo, hi = math.Min(lo, p.X), math.Max(hi, p.X)
				}
			}
		}
		if want := fmt.Sprintf(", %d–%d", int(lo), int(hi)); !strings.HasSuffix(c.Text().Title, want) {
			t.Errorf("%s: title %q, want it to end %q", req.Kind, c.Text().Title, want)
		}
	}
}

// TestScorecardOnOneScale: the WSIS targets are measured in % of population and in
// subscriptions per 100 inhabitants, so the scorecard draws each value as a share of its
// target's level, and writes the values in their units.
func TestScorecardOnOneScale(t *testing.T) {
	db := computetest.Open(t)
	sc, ok := build(t, db, figures.Request{Kind: figures.Scorecard}).(chart.Scorecard)
	if !ok {
		t.Fatal("not a scorecard")
	}
	if !sc.ShareOfTarget || !strings.Contains(sc.XLabel, "target") {
		t.Errorf("share of target %v, axis %q", sc.ShareOfTarget, sc.XLabel)
	}
	units := map[string]string{}
	for _, r := range sc.Rows {
		units[r.Label] = r.Unit
	}
	for label, want := range map[string]string{"T10 Individuals using the Internet": "%", "T10 Mobile-cellular telephone subscriptions per 100 inhabitants": " per 100",
		"T1 Rural population covered by at least a 2G mobile network": "%"} {
		if got, ok := units[label]; !ok || got != want {
			t.Errorf("row %q: unit %q (present %v), want %q", label, got, ok, want)
		}
	}
}

// TestParityNowcastsAndMissing: a group's parity scores that rest on nowcasts are drawn hollow,
// and the source line says so; an entity asked for without published scores (ITU_AFR, whose
// values by sex are withheld) is named in the subtitle, not silently left out.
func TestParityNowcastsAndMissing(t *testing.T) {
	db := computetest.Open(t)
	if n := one[int](t, db, `SELECT count(*) FROM gaps WHERE measure = 'gender_parity_score' AND indicator = 'internet_use_pct'
		AND entity = 'ITU_AFR' AND area = 'total' AND age = 'total'`); n != 0 {
		t.Fatalf("ITU_AFR has %d parity scores: the test wants an entity without", n)
	}
	c := build(t, db, figures.Request{Kind: figures.Gap, Parity: true, Indicator: "internet_use_pct", Entities: []string{"WLD", "KEN", "ITU_AFR"}}).(chart.Parity)
	if !strings.Contains(c.Subtitle, "Africa") || !strings.Contains(c.Subtitle, "no published parity scores") {
		t.Errorf("subtitle %q does not name the entity left out", c.Subtitle)
	}
	nowcasts := 0
	for _, p := range c.Lines[0].Points {
		nowcast := one[bool](t, db, `SELECT nowcast FROM gaps WHERE measure = 'gender_parity_score' AND indicator = 'internet_use_pct'
			AND entity = 'WLD' AND area = 'total' AND age = 'total' AND year = ?`, int(p.X))
		if p.Estimated != nowcast {
			t.Errorf("WLD %g: estimated %v, nowcast %v", p.X, p.Estimated, nowcast)
		}
		if nowcast {
			nowcasts++
		}
	}
	if nowcasts == 0 {
		t.Fatal("no nowcast year of WLD: the test wants some")
	}
	if !strings.Contains(c.Source, "the years after members' last reports nowcast") || strings.Contains(c.Source, "bars:") {
		t.Errorf("source %q: want the nowcasts named, and no error bars", c.Source)
	}
}

// TestScorecardDefaultSize: a scorecard drawn with no size asked is as wide as the default and
// taller, for its rows; with a size asked (a spec file's default), it is drawn at that size.
func TestScorecardDefaultSize(t *testing.T) {
	db := computetest.Open(t)
	src := figures.NewSource(db)
	heights := map[string]int{}
	for _, def := range []string{"", "16x10cm"} {
		b, err := src.Draw(ctx, figures.Spec{Kind: figures.Scorecard, Group: "LDC", File: "sc.png"}, def, 0)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if w, _ := chart.DefaultSize.Pixels(); cfg.Width != w {
			t.Errorf("size %q: %d px wide, want %d", def, cfg.Width, w)
		}
		heights[def] = cfg.Height
	}
	if _, h := chart.DefaultSize.Pixels(); heights[""] <= h || heights["16x10cm"] != h {
		t.Errorf("heights %v: want taller than %d px with no size asked, %d at 16x10cm", heights, h, h)
	}
}
