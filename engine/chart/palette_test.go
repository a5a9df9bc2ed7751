package chart

import (
	"image/color"
	"math"
	"testing"
)

// lab is c in CIELAB (D65 white).
func lab(c color.Color) [3]float64 {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	lin := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	r, g, b := lin(n.R), lin(n.G), lin(n.B)
	x := (0.4124*r + 0.3576*g + 0.1805*b) / 0.95047
	y := 0.2126*r + 0.7152*g + 0.0722*b
	z := (0.0193*r + 0.1192*g + 0.9505*b) / 1.08883
	f := func(t float64) float64 {
		if t > 0.008856 {
			return math.Cbrt(t)
		}
		return 7.787*t + 16.0/116
	}
	return [3]float64{116*f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))}
}

// deltaE is the CIE76 colour difference of a and b.
func deltaE(a, b color.Color) float64 {
	p, q := lab(a), lab(b)
	return math.Sqrt((p[0]-q[0])*(p[0]-q[0]) + (p[1]-q[1])*(p[1]-q[1]) + (p[2]-q[2])*(p[2]-q[2]))
}

// seriesOK reports the first property of the colours series take in order that fails: each
// differs from the one before it by ΔE 65 or more, and the first five pairwise by 50 or more.
func seriesOK(colors []color.Color) (ok bool, i, j int, d float64) {
	for i := 1; i < len(colors); i++ {
		if d := deltaE(colors[i-1], colors[i]); d < 65 {
			return false, i - 1, i, d
		}
	}
	for i := 0; i < 5; i++ {
		for j := i + 1; j < 5; j++ {
			if d := deltaE(colors[i], colors[j]); d < 50 {
				return false, i, j, d
			}
		}
	}
	return true, 0, 0, 0
}

// TestSeriesColorsAreDistinct: neighbouring series get well-separated colours, and so do all of
// the first five; the palette in its own order (orange beside sky blue, sky blue beside bluish
// green, orange and vermillion both among the first five) does not.
func TestSeriesColorsAreDistinct(t *testing.T) {
	if len(SeriesColors) != len(Palette) {
		t.Fatalf("SeriesColors has %d colours, Palette %d", len(SeriesColors), len(Palette))
	}
	seen := map[int]bool{}
	var ordered []color.Color
	for i := range SeriesColors {
		seen[SeriesColor(i)] = true
		ordered = append(ordered, Palette[SeriesColor(i)])
	}
	if len(seen) != len(Palette) {
		t.Errorf("SeriesColors %v is not an order of the whole palette", SeriesColors)
	}
	if ok, i, j, d := seriesOK(ordered); !ok {
		t.Errorf("series %d and %d have colours %v and %v, ΔE %.1f apart", i, j, ordered[i], ordered[j], d)
	}
	if ok, _, _, _ := seriesOK(Palette); ok {
		t.Error("the test passes the palette in its own order, whose neighbours it was written to tell apart")
	}
	if SeriesColor(len(Palette)) != SeriesColor(0) || SeriesColor(-1) != SeriesColors[len(SeriesColors)-1] {
		t.Error("SeriesColor does not wrap around")
	}
	// The faint yellow comes last, only with an eighth series.
	if Palette[SeriesColor(len(Palette)-1)] != rgb(0xF0E442) {
		t.Error("yellow is not the last series colour")
	}
}

// TestTargetLineIsNotAProjection: a target line differs from every projection (a dashed series)
// in colour, width and dashes, so that a black projection does not merge into it.
func TestTargetLineIsNotAProjection(t *testing.T) {
	f := &figure{st: stylesAt(1)}
	target := f.refStyle(false)
	for i := range Palette {
		proj := f.lineStyle(series{Line: Line{Dashed: true}, color: Palette[i]})
		if deltaE(target.Color, proj.Color) < 20 && target.Width > proj.Width*0.8 {
			t.Errorf("the target line and the projection in %v have close colours and widths", Palette[i])
		}
		if len(target.Dashes) == len(proj.Dashes) {
			t.Errorf("the target line's dashes %v are a projection's pattern %v", target.Dashes, proj.Dashes)
		}
	}
}
