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
