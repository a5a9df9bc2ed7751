package chart

import (
	"bytes"
	"image/png"
	"math"
	"testing"
)

// inkColumns are the leftmost and rightmost columns of a PNG's rows y0..y1 with a dark pixel.
func inkColumns(t *testing.T, b []byte, y0, y1 int) (left, right int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	left, right = math.MaxInt, -1
	bounds := img.Bounds()
	for y := max(y0, bounds.Min.Y); y < min(y1, bounds.Max.Y); y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r+g+bl < 3*0x8000 {
				left, right = min(left, x), max(right, x)
			}
		}
	}
	return left, right
}

// TestRightToLeftFrame draws one trend with an Arabic and a Persian title and legend, and checks
// that the title ends at the right margin where the English one starts at the left, and that the
// shaped text is drawn at all.
func TestRightToLeftFrame(t *testing.T) {
	line := Line{Label: "العالم", Color: 0, Points: []Point{{X: 2005, Y: 16}, {X: 2024, Y: 68}}}
	size := Size{Width: 800, Height: 500, Unit: "px", DPI: 150}
	draw := func(lang, title string) []byte {
		var buf bytes.Buffer
		c := Trend{Meta: Meta{Title: title, Lang: lang}, Lines: []Line{line}, YMin: math.NaN(), YMax: math.NaN()}
		if err := Render(c, "png", size, &buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	w, _ := size.Pixels()
	pad := int(math.Ceil(float64(stylesAt(1).pad.Points()) / 72 * size.DPI))
	for _, tc := range []struct{ lang, title string }{{"ar", "الأفراد الذين يستخدمون الإنترنت"}, {"fa", "افراد استفاده‌کننده از اینترنت"}} {
		left, right := inkColumns(t, draw(tc.lang, tc.title), 0, 45)
		if right < w-pad-4 || right > w-pad+2 {
			t.Errorf("%s: the title ends at x=%d, want the right margin %d", tc.lang, right, w-pad)
		}
		if left < 2*pad {
			t.Errorf("%s: the title starts at x=%d, at the left margin", tc.lang, left)
		}
	}
	left, right := inkColumns(t, draw("en", "Individuals using the Internet"), 0, 45)
	if left > pad+2 || right > w/2+w/4 {
		t.Errorf("en: the title spans x=%d–%d, want it from the left margin %d", left, right, pad)
	}
}

// TestNativeDigits checks that the tick labels of a chart with native digits are drawn in the
// language's digits: the chart's text then measures as the native digits do.
func TestNativeDigits(t *testing.T) {
	st := stylesAt(1).in("fa", "native")
	western := stylesAt(1).in("fa", "western")
	if st.tick.Handler == western.tick.Handler {
		t.Fatal("native and western digits share a text handler")
	}
	if got, want := st.tick.Width("2024"), western.tick.Width("۲۰۲۴"); math.Abs(float64(got-want)) > 0.01 {
		t.Errorf("native 2024 measures %v, Persian ۲۰۲۴ %v", got, want)
	}
	if stylesAt(1).in("en", "").tick.Handler != stylesAt(1).tick.Handler {
		t.Error("English text does not use gonum/plot's handler")
	}
}

// TestRightToLeftRowsMirrored checks that ranking and scorecard charts are mirrored right to
// left: the bars grow from the right, and the rows' labels stand right of the plot, where left to
// right they stand left of it.
func TestRightToLeftRowsMirrored(t *testing.T) {
	size := Size{Width: 800, Height: 400, Unit: "px", DPI: 96}
	// bars are the extents of the bars, one [left, right] per bar (rows of the bar's colour).
	bars := func(lang string) map[[2]int]bool {
		c := Ranking{Meta: Meta{Title: "t", Lang: lang}, Bars: []Bar{{Label: "مصر", Value: 72}, {Label: "تونس", Value: 35}}}
		var buf bytes.Buffer
		if err := Render(c, "png", size, &buf); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		br, bg, bb, _ := barColor.RGBA()
		out := map[[2]int]bool{}
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
			left, right := math.MaxInt, -1
			for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
				if r, g, b, _ := img.At(x, y).RGBA(); r == br && g == bg && b == bb {
					left, right = min(left, x), max(right, x)
				}
			}
			if right-left > 20 {
				out[[2]int{left, right}] = true
			}
		}
		return out
	}
	for lang, end := range map[string]int{"ar": 1, "en": 0} { // the end of the bars they share
		ext := bars(lang)
		var shared, other []int
		for e := range ext {
			shared, other = append(shared, e[end]), append(other, e[1-end])
		}
		if len(ext) != 2 || shared[0] != shared[1] || other[0] == other[1] {
			t.Errorf("%s: the bars span %v, want them to share their %s end", lang, ext, map[int]string{0: "left", 1: "right"}[end])
		}
	}
	score := Scorecard{Rows: []ScoreRow{{Label: "T10 الأفراد الذين يستخدمون الإنترنت", Baseline: 16, Latest: 68, Target: 50, Status: "target met"},
		{Label: "T2 توصيل الجامعات", Baseline: math.NaN(), Latest: math.NaN(), Target: math.NaN(), Status: "no global data"}}}
	for _, lang := range []string{"ar", "en"} {
		score.Meta = Meta{Title: "t", Lang: lang}
		tr := traced(t, score, size)
		for i, r := range tr.rowLabels {
			if lang == "ar" && r.Min.X < tr.dots.Max.X || lang == "en" && r.Max.X > tr.dots.Min.X {
				t.Errorf("%s: row %d's label spans x=%.0f–%.0f, the dots x=%.0f–%.0f", lang, i, r.Min.X, r.Max.X, tr.dots.Min.X, tr.dots.Max.X)
			}
		}
	}
}
