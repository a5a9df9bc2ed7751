package chart

import (
	"bytes"
	"html"
	"image"
	"image/color"
	"image/png"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ictstat/ictstat/engine/geo"
)

// sampleMap gives every country of the boundaries a made-up value from its code, leaving every
// seventh without one.
func sampleMap() Map {
	m := Map{Meta: Meta{Title: "Individuals using the Internet, 2023 (synthetic)", YLabel: "% of population", Source: synthetic},
		Values: map[string]float64{}, Low: math.NaN(), High: math.NaN(), Classes: "Quintiles of the 2023 values"}
	cs, _ := geo.Countries()
	for _, c := range cs {
		n, err := strconv.Atoi(c.ID)
		if err != nil || n%7 == 0 {
			continue
		}
		m.Values[c.ID] = float64((n*37)%100) + 0.5
	}
	return m
}

// TestQuantileBreaks: R's type 7, computed by hand: h = (n−1)p, x[⌊h⌋] + (h−⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
// quantile(1:10, c(.2, .4, .6, .8)) is 2.8 4.6 6.4 8.2; of 1, 3, 7, 15, 20 (n = 5): h = 0.8 gives
// 1 + 0.8·2 = 2.6, h = 1.6 gives 3 + 0.6·4 = 5.4, h = 2.4 gives 7 + 0.4·8 = 10.2, h = 3.2 gives
// 15 + 0.2·5 = 16.
func TestQuantileBreaks(t *testing.T) {
	for _, tc := range []struct {
		in, want []float64
	}{
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []float64{2.8, 4.6, 6.4, 8.2}},
		{[]float64{15, 3, math.NaN(), 7, 1, math.Inf(1), 20}, []float64{2.6, 5.4, 10.2, 16}},
		{[]float64{0, 100}, []float64{20, 40, 60, 80}},
		// Ties: a break equal to an earlier one or to the smallest value goes (docs/explorer.md).
		// One value alone: one class, no break.
		{[]float64{4}, []float64{}},
		{[]float64{70, 70, 70}, []float64{}},
		// Nine zeros and a 5: every quintile is 0, the smallest value.
		{[]float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 5}, []float64{}},
		// coverage_5g_pct of the LDCs in 2024, whose quintiles are 0, 0.004, 5 and 15.36 in SQL.
		{[]float64{0, 0, 0, 0, 0, 0, 0.02, 5, 5, 10, 14.9, 16.05, 20, 44.9}, []float64{0.004, 5, 15.36}},
		{[]float64{1, 2, 2, 2, 2, 2, 3, 4, 5, 6}, []float64{2, 2.4, 4.2}},
		{nil, nil},
	} {
		got := QuantileBreaks(tc.in)
		if len(got) != len(tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("QuantileBreaks(%v) = %v, want %v", tc.in, got, tc.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-12 {
				t.Errorf("QuantileBreaks(%v) = %v, want %v", tc.in, got, tc.want)
				break
			}
		}
	}
}

func TestFixedBreaks(t *testing.T) {
	for _, tc := range []struct {
		max  float64
		want []float64
	}{
		{100, []float64{20, 40, 60, 80}},
		{99.2, []float64{20, 40, 60, 80}},
		{143.7, []float64{30, 60, 90, 120}},
		{150, []float64{30, 60, 90, 120}},
		{150.01, []float64{40, 80, 120, 160}},
		{5.05, []float64{1.2, 2.4, 3.6, 4.8}},
		{1, []float64{0.2, 0.4, 0.6, 0.8}},
		{0.07, []float64{0.015, 0.03, 0.045, 0.06}},
		{12345, []float64{2500, 5000, 7500, 10000}},
		{3.2e9, []float64{8e8, 1.6e9, 2.4e9, 3.2e9}},
		{0, []float64{1, 2, 3, 4}},
	} {
		if got := FixedBreaks(tc.max); !slices.Equal(got, tc.want) {
			t.Errorf("FixedBreaks(%g) = %v, want %v", tc.max, got, tc.want)
		}
	}
}

func TestClassOf(t *testing.T) {
	b := []float64{20, 40, 60, 80}
	for v, want := range map[float64]int{-5: 0, 0: 0, 19.999: 0, 20: 1, 39.9: 1, 40: 2, 60: 3, 79.99: 3, 80: 4, 100: 4, 1e9: 4} {
		if got := ClassOf(v, b); got != want {
			t.Errorf("ClassOf(%g) = %d, want %d", v, got, want)
		}
	}
	if ClassOf(math.NaN(), b) != ClassNoData {
		t.Error("NaN has a class")
	}
	m := Map{Values: map[string]float64{"404": 45, "800": math.NaN(), "834": 90}, Breaks: b, Scope: map[string]bool{"404": true, "800": true, "566": true}}
	for code, want := range map[string]int{"404": 2, "800": ClassNoData, "566": ClassNoData, "834": ClassOutside, "": ClassOutside} {
		if got := m.Class(code); got != want {
			t.Errorf("Class(%q) = %d, want %d", code, got, want)
		}
	}
	// Without breaks, the quintiles of the values in scope: 45 alone, one class, coloured in
	// the middle of the scale.
	m.Breaks = nil
	if got := m.breaks(); got == nil || len(got) != 0 {
		t.Errorf("breaks of the values in scope: %v", got)
	}
	if got := m.Class("404"); got != 2 {
		t.Errorf("one value alone: class colour %d, want 2", got)
	}
}

// TestClassColors: k classes take the colours at docs/explorer.md's positions, and a map of
// fewer classes colours each value by its class's position.
func TestClassColors(t *testing.T) {
	want := map[int][]int{1: {2}, 2: {1, 3}, 3: {0, 2, 4}, 4: {0, 1, 3, 4}, 5: {0, 1, 2, 3, 4}}
	for k := 0; k <= 6; k++ {
		if got := ClassColors(k); !slices.Equal(got, want[k]) {
			t.Errorf("ClassColors(%d) = %v, want %v", k, got, want[k])
		}
	}
	// The LDCs' 5G coverage in 2024: the zeros in the first class (the lightest colour), not the
	// second; four classes coloured 0, 1, 3, 4.
	m := Map{Values: map[string]float64{}}
	for i, v := range []float64{0, 0, 0, 0, 0, 0, 0.02, 5, 5, 10, 14.9, 16.05, 20, 44.9} {
		m.Values[strconv.Itoa(i)] = v
	}
	for code, want := range map[string]int{"0": 0, "5": 0, "6": 1, "7": 3, "10": 3, "11": 4, "13": 4} {
		if got := m.Class(code); got != want {
			t.Errorf("value %g: colour %d, want %d", m.Values[code], got, want)
		}
	}
	m.Low, m.High = 0, 44.9
	if got := strings.Join(m.LegendLabels(), " | "); got != "0–0.004 | 0.004–5 | 5–15.4 | 15.4–44.9" {
		t.Errorf("legend %q", got)
	}
}

// TestMapTies: a map whose values tie has fewer classes, and its legend says so; a single value
// is one class, labelled by the value, not "70.0–70.0" five times.
func TestMapTies(t *testing.T) {
	one := Map{Meta: Meta{Title: "One economy"}, Values: map[string]float64{"404": 70}, Low: 70, High: 70}
	texts := svgTexts(render(t, one, "svg", DefaultSize))
	if n := count(texts, "70"); n != 1 || !slices.Contains(texts, "(1 class: one value)") || slices.Contains(texts, "70–70") {
		t.Errorf("one value: %d labels \"70\", texts %q", n, texts)
	}
	img, err := png.Decode(bytes.NewReader(render(t, one, "png", DefaultSize)))
	if err != nil {
		t.Fatal(err)
	}
	if px := pixels(t, one, img, DefaultSize, 38, 0.5); px[12] != color.NRGBAModel.Convert(MapColors[2]).(color.NRGBA) {
		t.Errorf("Kenya, alone, is drawn %v, want the middle colour", px[12])
	}
	tie := Map{Meta: Meta{Title: "Ties"}, Values: map[string]float64{"404": 0, "800": 0, "834": 0, "566": 10, "076": 20, "036": 30}, Low: 0, High: 30}
	texts = svgTexts(render(t, tie, "svg", DefaultSize))
	if !slices.Contains(texts, "(3 classes: values tie)") {
		t.Errorf("no note of the ties: %q", texts)
	}
	if full := svgTexts(render(t, sampleMap(), "svg", DefaultSize)); slices.ContainsFunc(full, func(s string) bool { return strings.Contains(s, "classes:") }) {
		t.Errorf("a map of five classes notes ties: %q", full)
	}
}

func count(texts []string, s string) int {
	n := 0
	for _, t := range texts {
		if t == s {
			n++
		}
	}
	return n
}

// TestFormatValue: three significant digits below 1000, whole numbers with commas above, as the
// explorer's page writes numbers (d3.format(",.3~r") and ",.0f").
func TestFormatValue(t *testing.T) {
	for v, want := range map[float64]string{
		99.83: "99.8", 99.75: "99.8", 99.65: "99.7", 92.5: "92.5", 0.004: "0.004", 0.0040000000000000036: "0.004", 15.36: "15.4",
		121: "121", 121.4: "121", 5: "5", 0: "0", 1234: "1,234", 1234.5: "1,235", 999.7: "1,000", 999.4: "999",
		-2.25: "-2.25", -0.0001234: "-0.000123", 1.125: "1.13", -1.125: "-1.13", 0.0625: "0.0625", 100: "100", 12345678: "12,345,678",
		math.Copysign(0, -1): "0", 0.1 + 0.2: "0.3",
	} {
		if got := FormatValue(v); got != want {
			t.Errorf("FormatValue(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestLegendLabels(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		breaks    []float64
		low, high float64
		want      string
	}{
		{[]float64{20, 40, 60, 80}, 0, 100, "0–20 | 20–40 | 40–60 | 60–80 | 80–100"},
		{[]float64{1.2, 2.4, 3.6, 4.8}, 0, 6, "0–1.2 | 1.2–2.4 | 2.4–3.6 | 3.6–4.8 | 4.8–6"},
		{[]float64{50000, 100000, 150000, 200000}, 0, 250000, "0–50,000 | 50,000–100,000 | 100,000–150,000 | 150,000–200,000 | 200,000–250,000"},
		{[]float64{21.34, 46.5, 60.5, 84.5}, 0.5, 99.5, "0.5–21.3 | 21.3–46.5 | 46.5–60.5 | 60.5–84.5 | 84.5–99.5"},
		{[]float64{21.34, 46.5, 60.5, 84.5}, nan, nan, "< 21.3 | 21.3–46.5 | 46.5–60.5 | 60.5–84.5 | ≥ 84.5"},
		{[]float64{1.01, 1.02, 1.03, 1.04}, 1, 1.05, "1–1.01 | 1.01–1.02 | 1.02–1.03 | 1.03–1.04 | 1.04–1.05"},
		{[]float64{0.5, 1.5, 2.5, 3.5}, -2.25, 4.75, "-2.25 to 0.5 | 0.5 to 1.5 | 1.5 to 2.5 | 2.5 to 3.5 | 3.5 to 4.75"},
		// Three significant digits: a break at 92.5 is not "92" (docs/explorer.md).
		{[]float64{50.3, 71.26, 86.04, 92.5}, 0.89, 100, "0.89–50.3 | 50.3–71.3 | 71.3–86 | 86–92.5 | 92.5–100"},
		{[]float64{0.004, 5, 15.36}, 0, 44.9, "0–0.004 | 0.004–5 | 5–15.4 | 15.4–44.9"},
		{[]float64{0.004, 5, 15.36}, nan, nan, "< 0.004 | 0.004–5 | 5–15.4 | ≥ 15.4"},
		{[]float64{}, 70, 70, "70"},
		{[]float64{}, 0, 5, "0–5"},
		{[]float64{1234.5, 2000}, 12, 123456, "12–1,235 | 1,235–2,000 | 2,000–123,456"},
	} {
		m := Map{Breaks: tc.breaks, Low: tc.low, High: tc.high}
		if got := strings.Join(m.LegendLabels(), " | "); got != tc.want {
			t.Errorf("%v from %g to %g: %q, want %q", tc.breaks, tc.low, tc.high, got, tc.want)
		}
	}
}

// svgTexts are the texts an SVG shows, in order.
func svgTexts(svg []byte) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<text[^>]*>([^<]*)</text>`).FindAllSubmatch(svg, -1) {
		out = append(out, html.UnescapeString(string(m[1])))
	}
	return out
}

// unWording is the United Nations' wording on maps' boundaries, as docs/explorer.md gives it.
const unWording = "The boundaries and names shown and the designations used on this map do not imply the expression of any opinion " +
	"whatsoever concerning the legal status of any country, territory, city or area or of its authorities, or concerning the " +
	"delimitation of its frontiers or boundaries."

// TestMapText: the title, the unit and the class legend with its ranges, "no data", the classes
// line, the source and the disclaimer on the boundaries; with a scope, its label.
func TestMapText(t *testing.T) {
	m := sampleMap()
	m.Scope = map[string]bool{"404": true, "800": true, "834": true}
	m.ScopeLabel = "Not in the EAC"
	texts := svgTexts(render(t, m, "svg", DefaultSize))
	want := append([]string{m.Title, "% of population:", "No data", "Not in the EAC", "Quintiles of the 2023 values", synthetic}, m.LegendLabels()...)
	for _, s := range want {
		if !slices.Contains(texts, s) {
			t.Errorf("the SVG has no text %q: %q", s, texts)
		}
	}
	if !shown(texts, MapDisclaimer) || !strings.Contains(MapDisclaimer, "Boundaries: Natural Earth.") || !strings.Contains(MapDisclaimer, unWording) {
		t.Errorf("the disclaimer %q is not shown whole: %q", MapDisclaimer, texts)
	}
	m.Scope = nil
	if texts := svgTexts(render(t, m, "svg", DefaultSize)); slices.Contains(texts, "Not in the group") || slices.Contains(texts, "Not in the EAC") {
		t.Error("a map without a scope has a legend entry for economies outside it")
	}
}

// shown reports whether s is one of the texts, or a few consecutive ones (a wrapped line,
// written top down or bottom up).
func shown(texts []string, s string) bool {
	for i := range texts {
		for j := i; j < min(i+6, len(texts)); j++ {
			run := slices.Clone(texts[i : j+1])
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

// place is a point on land of a country, well inside it, and the country's code.
type place struct {
	code     string
	lon, lat float64
}

var inland = []place{{"076", -52, -10}, {"124", -100, 58}, {"036", 134, -25}, {"398", 67, 48}, {"012", 3, 28},
	{"643", 100, 62}, {"156", 103, 35}, {"840", -99, 39}, {"032", -65, -35}, {"356", 78, 22}, {"180", 23, -2},
	{"404", 38, 0.5}, {"484", -102, 24}, {"566", 8, 9}}

// pixels is the colours of the 5×5 pixels around where (lon, lat) lands.
func pixels(t *testing.T, m Map, img image.Image, size Size, lon, lat float64) []color.NRGBA {
	t.Helper()
	x, y, err := m.Pixel(size, lon, lat)
	if err != nil {
		t.Fatal(err)
	}
	var out []color.NRGBA
	for dy := -2; dy <= 2; dy++ {
		for dx := -2; dx <= 2; dx++ {
			out = append(out, color.NRGBAModel.Convert(img.At(int(x)+dx, int(y)+dy)).(color.NRGBA))
		}
	}
	return out
}

// TestMapColoursAreClasses reads the PNG: inside each country the colour of its value's class;
// no data hatched grey (a light grey ground crossed by darker lines); outside the scope plain light
// grey; the ocean white where Russia and Fiji would smear across the map if they were not cut at
// the antimeridian; nothing south of 60°S.
func TestMapColoursAreClasses(t *testing.T) {
	m := Map{Meta: Meta{Title: "Classes"}, Values: map[string]float64{}, Breaks: []float64{20, 40, 60, 80}, Low: 0, High: 100}
	for i, p := range inland {
		m.Values[p.code] = float64(i*97%100) + 0.25
	}
	delete(m.Values, "840")
	m.Values["124"] = math.NaN()
	size := DefaultSize
	check := func(m Map, outside map[string]bool) {
		img, err := png.Decode(bytes.NewReader(render(t, m, "png", size)))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range inland {
			px := pixels(t, m, img, size, p.lon, p.lat)
			switch cl := m.Class(p.code); {
			case outside[p.code]:
				if cl != ClassOutside {
					t.Errorf("%s: class %d, want outside", p.code, cl)
				}
				for _, c := range px {
					if c != mapOutside {
						t.Errorf("%s is outside the scope but drawn %v", p.code, c)
						break
					}
				}
			case cl == ClassNoData:
				dark := false
				for _, c := range px {
					if c.R != c.G || c.G != c.B || c.R < 0x90 {
						t.Errorf("%s has no data but is drawn %v", p.code, c)
						break
					}
					dark = dark || c.R < 0xd8
				}
				if !dark {
					t.Errorf("%s has no data but is not hatched: %v", p.code, px)
				}
			default:
				if want := color.NRGBAModel.Convert(MapColors[cl]).(color.NRGBA); px[12] != want || px[0] != want || px[24] != want {
					t.Errorf("%s (value %g, class %d) is drawn %v, want %v", p.code, m.Values[p.code], cl, px[12], want)
				}
			}
		}
		for _, sea := range [][2]float64{{0, 67}, {-100, -16.5}, {-160, 45}} {
			for _, c := range pixels(t, m, img, size, sea[0], sea[1]) {
				if c != (color.NRGBA{255, 255, 255, 255}) {
					t.Errorf("the sea at %v is drawn %v", sea, c)
					break
				}
			}
		}
		_, y, _ := m.Pixel(size, 0, -61)
		_, bottom, _ := m.Pixel(size, 0, -60)
		if y < bottom+1 || y > float64(img.Bounds().Dy()) {
			t.Errorf("61°S is at y %.0f, 60°S at %.0f", y, bottom)
		}
	}
	check(m, nil)
	m.Scope = map[string]bool{"076": true, "036": true, "840": true, "404": true}
	outside := map[string]bool{}
	for _, p := range inland {
		outside[p.code] = !m.Scope[p.code]
	}
	check(m, outside)
}

// recorder is a canvas that keeps the paths stroked.
type recorder struct{ strokes []vg.Path }

func (r *recorder) Size() (vg.Length, vg.Length)           { return 500, 500 }
func (r *recorder) SetLineWidth(vg.Length)                 {}
func (r *recorder) SetLineDash([]vg.Length, vg.Length)     {}
func (r *recorder) SetColor(color.Color)                   {}
func (r *recorder) Rotate(float64)                         {}
func (r *recorder) Translate(vg.Point)                     {}
func (r *recorder) Scale(float64, float64)                 {}
func (r *recorder) Push()                                  {}
func (r *recorder) Pop()                                   {}
func (r *recorder) Stroke(p vg.Path)                       { r.strokes = append(r.strokes, p) }
func (r *recorder) Fill(vg.Path)                           {}
func (r *recorder) FillString(font.Face, vg.Point, string) {}
func (r *recorder) DrawImage(vg.Rectangle, image.Image)    {}

// TestHatch: the hatching of a square with a square hole lies inside the square and outside the
// hole, and covers it as lines 2.4 pt apart cover an area: length × spacing = area.
func TestHatch(t *testing.T) {
	rec := &recorder{}
	f := &figure{canvas: draw.New(rec), st: stylesAt(1)}
	sq := func(x0, y0, s vg.Length) []vg.Point {
		return []vg.Point{{X: x0, Y: y0}, {X: x0 + s, Y: y0}, {X: x0 + s, Y: y0 + s}, {X: x0, Y: y0 + s}}
	}
	outer, hole := sq(100, 100, 200), sq(150, 150, 50)
	f.hatch([][]vg.Point{outer, hole}, draw.LineStyle{Width: 1})
	if len(rec.strokes) != 1 {
		t.Fatalf("%d strokes", len(rec.strokes))
	}
	length := 0.0
	p := rec.strokes[0]
	for i := 0; i+1 < len(p); i += 2 {
		a, b := p[i].Pos, p[i+1].Pos
		if p[i].Type != vg.MoveComp || p[i+1].Type != vg.LineComp {
			t.Fatalf("component %d is not a move then a line", i)
		}
		if math.Abs(float64((b.X-a.X)-(b.Y-a.Y))) > 1e-9 {
			t.Errorf("segment %v–%v is not at 45°", a, b)
		}
		mid := vg.Point{X: (a.X + b.X) / 2, Y: (a.Y + b.Y) / 2}
		in := func(r []vg.Point) bool { return mid.X > r[0].X && mid.X < r[1].X && mid.Y > r[0].Y && mid.Y < r[2].Y }
		if !in(outer) || in(hole) {
			t.Errorf("segment %v–%v is not between the square and its hole", a, b)
		}
		length += math.Hypot(float64(b.X-a.X), float64(b.Y-a.Y))
	}
	area := 200.0*200 - 50*50
	if cover := length * 2.4; math.Abs(cover-area) > 0.03*area {
		t.Errorf("hatching %g pt long covers %g pt², the shape is %g", length, cover, area)
	}
}

// TestMapSmall: a map drawn at the smallest sizes still fits, or says it does not.
func TestMapSmall(t *testing.T) {
	if err := Render(sampleMap(), "png", Size{Width: 12, Height: 8, Unit: "cm", DPI: 150}, &bytes.Buffer{}); err != nil {
		t.Errorf("12x8 cm: %v", err)
	}
	err := Render(sampleMap(), "png", Size{Width: 5, Height: 3.5, Unit: "cm", DPI: 150}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "the map does not fit") {
		t.Errorf("5x3.5 cm: %v", err)
	}
}

// TestMapExtent: every country drawn lies north of the map's southern edge, and Antarctica is
// not drawn; a map with other than four breaks is refused.
func TestMapExtent(t *testing.T) {
	feats, err := mapFeatures()
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := geo.Countries()
	if len(feats) != len(cs)-1 {
		t.Errorf("%d features drawn of %d", len(feats), len(cs))
	}
	_, south := geo.EqualEarth(0, mapSouth)
	for _, f := range feats {
		if f.id == "010" {
			t.Error("Antarctica is drawn")
		}
		for _, r := range f.rings {
			for i := 1; i < len(r); i += 2 {
				if r[i] < south {
					t.Fatalf("%s reaches south of %d°", f.id, mapSouth)
				}
			}
		}
	}
	m := sampleMap()
	m.Breaks = []float64{1, 2, 3, 4, 5}
	if err := Render(m, "svg", DefaultSize, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "at most four breaks") {
		t.Errorf("five breaks: %v", err)
	}
	m.Breaks = []float64{1, 2, 2, 3}
	if err := Render(m, "svg", DefaultSize, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "ascending and distinct") {
		t.Errorf("breaks that tie: %v", err)
	}
	m.Breaks = []float64{20, 50, 80}
	if err := Render(m, "svg", DefaultSize, &bytes.Buffer{}); err != nil {
		t.Errorf("three breaks, four classes: %v", err)
	}
}

// TestMapDisclaimerFits: the United Nations' wording on boundaries is shown whole, wrapped within
// the figure, at the default size and at 12x8 cm; no text runs past the edge.
func TestMapDisclaimerFits(t *testing.T) {
	m := sampleMap()
	m.Source = "Source: ITU, via World Bank WDI (2025 edition), the UN SDG Global Database (2023-12 edition) and ITU DataHub (December 2025 export)."
	for _, size := range []Size{DefaultSize, {Width: 12, Height: 8, Unit: "cm", DPI: 150}} {
		svg := render(t, m, "svg", size)
		texts := svgTexts(svg)
		if !shown(texts, MapDisclaimer) {
			t.Errorf("%gx%g cm: the disclaimer is not shown whole: %q", size.Width, size.Height, texts)
		}
		vb := regexp.MustCompile(`viewBox="0 0 ([0-9.]+) ([0-9.]+)"`).FindSubmatch(svg)
		width, _ := strconv.ParseFloat(string(vb[1]), 64)
		lines := 0
		for _, tm := range regexp.MustCompile(`<text x="([0-9.-]+)" y="[0-9.-]+" textLength="([0-9.]+)"[^>]*>([^<]*)</text>`).FindAllSubmatch(svg, -1) {
			x, _ := strconv.ParseFloat(string(tm[1]), 64)
			w, _ := strconv.ParseFloat(string(tm[2]), 64)
			if x < 0 || x+w > width-5 {
				t.Errorf("%gx%g cm: %q runs from %.1f to %.1f of %.1f pt", size.Width, size.Height, tm[3], x, x+w, width)
			}
			if strings.Contains(MapDisclaimer, html.UnescapeString(string(tm[3]))) {
				lines++
			}
		}
		if lines < 2 {
			t.Errorf("%gx%g cm: the disclaimer is on %d lines", size.Width, size.Height, lines)
		}
	}
	if !strings.HasPrefix(MapDisclaimer, "Boundaries: Natural Earth. ") || !strings.HasSuffix(MapDisclaimer, unWording) {
		t.Errorf("the disclaimer %q", MapDisclaimer)
	}
}
