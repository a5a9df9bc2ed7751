package chart

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"html"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg/draw"
)

func render(t *testing.T, c Chart, format string, size Size) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(c, format, size, &buf); err != nil {
		t.Fatalf("Render %s: %v", format, err)
	}
	return buf.Bytes()
}

// texts are the strings a chart must show.
func texts(c Chart) []string {
	meta := func(m Meta) []string {
		var out []string
		for _, s := range []string{m.Title, m.Subtitle, m.XLabel, m.YLabel, m.Source} {
			if s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	labels := func(ls []Line) []string {
		var out []string
		for _, l := range ls {
			if l.Label != "" {
				out = append(out, l.Label)
			}
		}
		return out
	}
	switch c := c.(type) {
	case Trend:
		return append(append(meta(c.Meta), labels(c.Lines)...), c.Target.Label, c.Deadline.Label, "estimated")
	case Gap:
		return append(meta(c.Meta), c.First.Label, c.Second.Label, "gap")
	case Parity:
		return append(append(meta(c.Meta), labels(c.Lines)...), "parity 0.98–1.02")
	case SmallMultiples:
		out := append(meta(c.Meta), c.Target.Label)
		for _, p := range c.Panels {
			out = append(out, p.Title)
		}
		return out
	case Ranking:
		out := append(meta(c.Meta), c.Target.Label)
		for _, b := range c.Bars {
			out = append(out, b.Label)
		}
		return out
	case Scorecard:
		out := meta(c.Meta)
		for _, r := range c.Rows {
			out = append(out, r.Label, r.Status)
		}
		return out
	case Map:
		out := []string{c.Title, c.Source, c.YLabel + ":", c.Classes, "No data"}
		return append(out, c.LegendLabels()...)
	}
	panic("unknown chart")
}

func TestSVGShowsEveryText(t *testing.T) {
	for name, c := range samples() {
		svg := string(render(t, c, "svg", DefaultSize))
		for _, s := range texts(c) {
			if !strings.Contains(svg, ">"+html.EscapeString(s)+"</text>") {
				t.Errorf("%s: the SVG has no text %q", name, s)
			}
		}
	}
}

func TestPNGSize(t *testing.T) {
	c := sampleTrend()
	for _, tc := range []struct {
		size Size
		w, h int
	}{
		{Size{Width: 1600, Height: 1000, Unit: "px", DPI: 150}, 1600, 1000},
		{Size{Width: 1600, Height: 1000, Unit: "px", DPI: 96}, 1600, 1000},
		{DefaultSize, int(math.Round(16 / 2.54 * 150)), int(math.Round(10 / 2.54 * 150))}, // 945×591
		{Size{Width: 8, Height: 6, Unit: "cm", DPI: 300}, 945, 709},
	} {
		img, err := png.Decode(bytes.NewReader(render(t, c, "png", tc.size)))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
			t.Errorf("%+v: image is %dx%d, want %dx%d", tc.size, b.Dx(), b.Dy(), tc.w, tc.h)
		}
	}
}

// TestPNGResolution: the PNG records its resolution (pHYs, pixels per metre) before its image data.
func TestPNGResolution(t *testing.T) {
	for _, dpi := range []float64{96, 150, 300} {
		b := render(t, sampleTrend(), "png", Size{Width: 8, Height: 5, Unit: "cm", DPI: dpi})
		i, idat := bytes.Index(b, []byte("pHYs")), bytes.Index(b, []byte("IDAT"))
		if i < 0 || idat < i {
			t.Fatalf("%g dpi: pHYs at %d, IDAT at %d", dpi, i, idat)
		}
		x, y, unit := binary.BigEndian.Uint32(b[i+4:]), binary.BigEndian.Uint32(b[i+8:]), b[i+12]
		if want := uint32(math.Round(dpi / 0.0254)); x != want || y != want || unit != 1 {
			t.Errorf("%g dpi: pHYs %d×%d per unit %d, want %d per metre", dpi, x, y, unit, want)
		}
		if crc := binary.BigEndian.Uint32(b[i+13:]); crc != crc32.ChecksumIEEE(b[i:i+13]) {
			t.Errorf("%g dpi: pHYs CRC %x", dpi, crc)
		}
		if _, err := png.Decode(bytes.NewReader(b)); err != nil {
			t.Errorf("%g dpi: %v", dpi, err)
		}
	}
}

func TestPDFMediaBox(t *testing.T) {
	mediaBox := regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`)
	for _, tc := range []struct {
		size Size
		w, h float64 // points
	}{
		{DefaultSize, 16 / 2.54 * 72, 10 / 2.54 * 72},
		{Size{Width: 1600, Height: 1000, Unit: "px", DPI: 200}, 1600.0 / 200 * 72, 1000.0 / 200 * 72},
	} {
		pdf := render(t, sampleGap(), "pdf", tc.size)
		m := mediaBox.FindSubmatch(pdf)
		if m == nil {
			t.Fatalf("%+v: no MediaBox in the PDF", tc.size)
		}
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		if math.Abs(w-tc.w) > 0.01 || math.Abs(h-tc.h) > 0.01 {
			t.Errorf("%+v: MediaBox %gx%g, want %.2fx%.2f", tc.size, w, h, tc.w, tc.h)
		}
		// The title's bold face is a font of its own, beside the regular one.
		for _, f := range []string{"/BaseFont /utf8liberationsans-bold", "/BaseFont /utf8liberationsans-regular"} {
			if !bytes.Contains(pdf, []byte(f)) {
				t.Errorf("the PDF has no %s", f)
			}
		}
	}
}

func TestSVGViewBox(t *testing.T) {
	svg := string(render(t, sampleParity(), "svg", DefaultSize))
	if !strings.Contains(svg, `width="453.54pt" height="283.46pt"`) {
		t.Errorf("SVG size is not 16x10 cm: %.200s", svg)
	}
}

// TestSVGTextLengths: every SVG text carries its width in Liberation Sans, so that a viewer
// with another font fits it to the same width; the title's is the width the layout measured.
func TestSVGTextLengths(t *testing.T) {
	c := sampleTrend()
	svg := string(render(t, c, "svg", DefaultSize))
	texts := regexp.MustCompile(`<text [^>]*>`).FindAllString(svg, -1)
	lengths := regexp.MustCompile(`<text [^>]*textLength="([0-9.]+)" lengthAdjust="spacingAndGlyphs"[^>]*>` + regexp.QuoteMeta(html.EscapeString(c.Title)) + `<`).FindStringSubmatch(svg)
	if n := strings.Count(svg, `lengthAdjust="spacingAndGlyphs"`); n != len(texts) || n == 0 {
		t.Fatalf("%d texts, %d with a textLength", len(texts), n)
	}
	if lengths == nil {
		t.Fatal("the title has no textLength")
	}
	w, h := DefaultSize.cm()
	want := newStyles(w, h).title.Width(c.Title).Points()
	if got, _ := strconv.ParseFloat(lengths[1], 64); math.Abs(got-want) > 0.01 {
		t.Errorf("title textLength %v, measured %v", got, want)
	}
}

func TestSameBytesEachTime(t *testing.T) {
	for name, c := range samples() {
		for _, format := range []string{"png", "svg", "pdf"} {
			if name != "trend" && format == "png" {
				continue // one PNG suffices: raster output does not depend on the chart type
			}
			a, b := render(t, c, format, DefaultSize), render(t, c, format, DefaultSize)
			if !bytes.Equal(a, b) {
				t.Errorf("%s.%s differs between two renderings", name, format)
			}
		}
	}
}

func TestSegments(t *testing.T) {
	pts := []Point{{X: 2003, Y: 3}, {X: 2000, Y: 0}, {X: 2001, Y: 1}, {X: 2005, Y: 5}, {X: 2004, Y: math.NaN()}, {X: 2006, Y: 6}}
	runs := segments(pts, 1)
	var got [][]float64
	for _, r := range runs {
		var xs []float64
		for _, p := range r {
			xs = append(xs, p.X)
		}
		got = append(got, xs)
	}
	want := [][]float64{{2000, 2001}, {2003}, {2005, 2006}}
	if len(got) != len(want) {
		t.Fatalf("runs %v, want %v", got, want)
	}
	for i := range want {
		if len(got[i]) != len(want[i]) || got[i][0] != want[i][0] {
			t.Errorf("run %d is %v, want %v", i, got[i], want[i])
		}
	}
	if r := segments([]Point{{X: 2000}, {X: 2005}, {X: 2010}}, 5); len(r) != 1 {
		t.Errorf("a step of 5 joins points 5 apart; got %d runs", len(r))
	}
	if r := segments([]Point{{X: 2000}, {X: 2005}}, 1); len(r) != 2 {
		t.Errorf("a step of 1 leaves 2000 and 2005 apart; got %d runs", len(r))
	}
}

// strokes counts the SVG paths stroked in colour hex, e.g. "#E69F00".
func strokes(svg, hex string) int {
	return strings.Count(svg, "fill:none;stroke:"+hex+";")
}

func TestGapLeavesLineUnjoined(t *testing.T) {
	line := func(years ...int) Trend {
		l := Line{Label: "A", Color: 0}
		for _, y := range years {
			l.Points = append(l.Points, Point{X: float64(y), Y: float64(y - 1990)})
		}
		return Trend{Lines: []Line{l}, YMin: math.NaN(), YMax: math.NaN()}
	}
	// The legend draws one more stroke in the line's colour.
	whole := strokes(string(render(t, line(2000, 2001, 2002, 2003, 2004), "svg", DefaultSize)), "#E69F00")
	gap := strokes(string(render(t, line(2000, 2001, 2003, 2004), "svg", DefaultSize)), "#E69F00")
	if whole != 2 || gap != 3 {
		t.Errorf("line strokes: %d without a gap (want 1 + legend), %d with a gap (want 2 + legend)", whole, gap)
	}
}

func TestMarkers(t *testing.T) {
	f := &figure{st: newStyles(16, 10)}
	clr := Palette[0]
	if _, ok := f.marker(Point{Estimated: true}, clr, 2).Shape.(hollowCircle); !ok {
		t.Error("an estimated point's marker is not hollow")
	}
	if _, ok := f.marker(Point{}, clr, 2).Shape.(draw.CircleGlyph); !ok {
		t.Error("a reported point's marker is not a filled circle")
	}
	// In the SVG a hollow marker is a white disc with a coloured ring: one per estimated point.
	tr := Trend{YMin: math.NaN(), YMax: math.NaN(), Lines: []Line{{Color: 2, Points: []Point{
		{X: 2000, Y: 1}, {X: 2001, Y: 2, Estimated: true}, {X: 2002, Y: 3, Estimated: true}, {X: 2003, Y: 4}}}}}
	svg := string(render(t, tr, "svg", DefaultSize))
	if n := len(regexp.MustCompile(`<path d="M[^"]*A[^"]*" style="fill:none;stroke:#009E73;`).FindAllString(svg, -1)); n != 2 {
		t.Errorf("%d hollow markers, want 2", n)
	}
	if n := len(regexp.MustCompile(`<path d="M[^"]*A[^"]*" style="fill:#009E73"`).FindAllString(svg, -1)); n != 2 {
		t.Errorf("%d filled markers, want 2", n)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]Size{
		"16x10cm":     {16, 10, "cm", 150},
		"16x10":       {16, 10, "cm", 150},
		" 12.5X8 cm ": {12.5, 8, "cm", 150},
		"1600x1000px": {1600, 1000, "px", 150},
	} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "16", "16x", "x10", "axbcm", "16x10in", "-16x10", "0x10", "16x10x2", "2x2cm", "200x200cm", "100x100px"} {
		if s, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %+v, want an error", in, s)
		}
	}
}

func TestNothingToDraw(t *testing.T) {
	nan := math.NaN()
	for name, c := range map[string]Chart{
		"nil":            nil,
		"trend":          Trend{},
		"trend no point": &Trend{Lines: []Line{{Label: "A"}}},
		"trend all NaN":  Trend{Lines: []Line{{Label: "A", Points: []Point{{X: 2000, Y: nan}}}}},
		"gap":            Gap{First: Line{Label: "W"}, Second: Line{Label: "M"}},
		"parity":         Parity{BandLow: 0.98, BandHigh: 1.02},
		"multiples":      SmallMultiples{Panels: []Panel{{Title: "A"}}},
		"ranking":        Ranking{Bars: []Bar{{Label: "A", Value: nan}}},
		"scorecard":      Scorecard{},
		"map":            Map{Values: map[string]float64{"404": math.NaN()}},
	} {
		err := Render(c, "svg", DefaultSize, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "nothing to draw") {
			t.Errorf("%s: error %v, want nothing to draw", name, err)
		}
	}
}

func TestPointersAndValues(t *testing.T) {
	tr := sampleTrend()
	for _, c := range []Chart{tr, &tr} {
		if len(render(t, c, "svg", DefaultSize)) == 0 {
			t.Error("empty SVG")
		}
	}
}

func TestSaveErrors(t *testing.T) {
	dir := t.TempDir()
	c := sampleGap()
	bad := filepath.Join(dir, "chart.jpg")
	if err := Save(c, bad, DefaultSize); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("unknown extension: error %v does not name %s", err, bad)
	}
	unwritable := filepath.Join(dir, "no such folder", "chart.png")
	if err := Save(c, unwritable, DefaultSize); err == nil || !strings.Contains(err.Error(), unwritable) {
		t.Errorf("unwritable path: error %v does not name %s", err, unwritable)
	}
	empty := filepath.Join(dir, "empty.png")
	if err := Save(Trend{}, empty, DefaultSize); err == nil || !strings.Contains(err.Error(), empty) {
		t.Errorf("empty chart: error %v does not name %s", err, empty)
	}
	if _, err := os.Stat(empty); err == nil {
		t.Error("an empty chart left a file")
	}
	good := filepath.Join(dir, "gap.PDF")
	if err := Save(c, good, DefaultSize); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(good); !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Error("Save .PDF did not write a PDF")
	}
	if err := Render(c, "gif", DefaultSize, &bytes.Buffer{}); err == nil {
		t.Error("Render gif: no error")
	}
}

func TestTicks(t *testing.T) {
	var labels []string
	for _, tk := range (yearTicks{step: yearStep(2005, 2030, 12)}).Ticks(2005, 2030) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if got := strings.Join(labels, " "); got != "2005 2010 2015 2020 2025 2030" {
		t.Errorf("year ticks %q", got)
	}
	if got := (yearTicks{step: yearStep(2019, 2021, 12)}).Ticks(2019, 2021); len(got) != 3 || got[1].Label != "2020" {
		t.Errorf("year ticks over 3 years: %+v", got)
	}
	lo, hi, step := niceRange(3, 87, 5)
	if lo != 0 || hi != 100 || step != 20 {
		t.Errorf("niceRange(3, 87) = %g, %g, %g", lo, hi, step)
	}
	labels = nil
	for _, tk := range ticksEvery(25000).Ticks(0, 100000) {
		labels = append(labels, tk.Label)
	}
	if got := strings.Join(labels, " "); got != "0 25,000 50,000 75,000 100,000" {
		t.Errorf("value ticks %q", got)
	}
	labels = nil
	for _, tk := range ticksEvery(0.25).Ticks(0, 1) {
		labels = append(labels, tk.Label)
	}
	if got := strings.Join(labels, " "); got != "0.00 0.25 0.50 0.75 1.00" {
		t.Errorf("value ticks %q", got)
	}
	if got := formatNumber(-1234567.891, 1, true); got != "-1,234,567.9" {
		t.Errorf("formatNumber = %q", got)
	}
}

func TestColours(t *testing.T) {
	ss := resolve([]Line{{Color: 1}, {Color: -1}, {Color: -1}, {Color: 0}, {Color: 9}})
	want := []int{1, 2, 3, 0, 1}
	for i, s := range ss {
		if s.color != Palette[want[i]] {
			t.Errorf("line %d has colour %v, want Palette[%d]", i, s.color, want[i])
		}
	}
	if statusColor("No global data") != StatusColors["no global data"] {
		t.Error("statuses are not matched without regard to case")
	}
}

// TestRankingValueLabels: bars are labelled with three significant digits, so that 99.83 reads
// 99.8, not 100 (the ranking of internet use in 2023: Bahrain 100, Kuwait 99.83, Qatar 99.75,
// Iceland 99.65; the bar of 100 made every label whole).
func TestRankingValueLabels(t *testing.T) {
	rk := Ranking{Meta: Meta{Title: "Individuals using the Internet, 2023", XLabel: "% of population"}, Bars: []Bar{
		{Label: "Bahrain", Value: 100, Year: 2023}, {Label: "Kuwait", Value: 99.83, Year: 2023}, {Label: "Qatar", Value: 99.75, Year: 2023}, {Label: "Iceland", Value: 99.65, Year: 2023},
		{Label: "Kenya", Value: 48.2, Year: 2023}, {Label: "Small", Value: 0.0123, Year: 2023}, {Label: "Whole", Value: 7, Year: 2023}}}
	got := svgTexts(render(t, rk, "svg", DefaultSize))
	for _, want := range []string{"99.8", "99.7", "48.2", "0.0123", "7"} {
		if !slices.Contains(got, want) {
			t.Errorf("no value label %q: %q", want, got)
		}
	}
	if n := count(got, "99.8"); n != 2 {
		t.Errorf("%d labels 99.8, want Kuwait's and Qatar's: %q", n, got)
	}
	if n := count(got, "100"); n > 2 { // Bahrain's and the axis's tick
		t.Errorf("%d labels read 100: %q", n, got)
	}
	big := Ranking{Bars: []Bar{{Label: "A", Value: 1234.4}, {Label: "B", Value: 512.345}}}
	got = svgTexts(render(t, big, "svg", DefaultSize))
	for _, want := range []string{"1,234", "512"} {
		if !slices.Contains(got, want) {
			t.Errorf("no value label %q: %q", want, got)
		}
	}
}

// TestLinePatterns: a breakdown's values are dash patterns of the entities' colours, as the
// explorer's page strokes them ("6,3", "2,3", ... for lines 2 wide): a label once in the legend,
// then each pattern's name; patterned lines keep their markers, which a Dashed projection has not.
func TestLinePatterns(t *testing.T) {
	tr := Trend{Meta: Meta{Title: "By age"}, YMin: math.NaN(), YMax: math.NaN(), Patterns: []string{"aged 15-24", "aged 25-74", "aged 75+"}}
	for i := range 3 {
		l := Line{Label: "Kenya", Color: 1, Pattern: i}
		for y := 2015; y <= 2020; y++ {
			l.Points = append(l.Points, Point{X: float64(y), Y: float64(10*i + y - 2000)})
		}
		tr.Lines = append(tr.Lines, l)
	}
	svg := render(t, tr, "svg", DefaultSize)
	for _, want := range []string{"stroke:#56B4E9;stroke-width:1.6\"", "stroke:#56B4E9;stroke-width:1.6;stroke-dasharray:4.8,2.4\"",
		"stroke:#56B4E9;stroke-width:1.6;stroke-dasharray:1.6,2.4\"", "stroke:#555555;stroke-width:1.6;stroke-dasharray:1.6,2.4\""} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("the SVG has no stroke %s", want)
		}
	}
	got := svgTexts(svg)
	if count(got, "Kenya") != 1 || !slices.Contains(got, "aged 15-24") || !slices.Contains(got, "aged 75+") {
		t.Errorf("legend %q", got)
	}
	// Markers: 6 per line, 18 in all, and one in the legend's entry of Kenya.
	if n := bytes.Count(svg, []byte("style=\"fill:#56B4E9\"")); n != 19 {
		t.Errorf("%d markers, want 19", n)
	}
}
