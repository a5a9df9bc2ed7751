package chart

import (
	"cmp"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// series is a line ready to draw: its colour resolved, its points split where the data has gaps.
type series struct {
	Line
	color color.Color
	runs  [][]Point
	bands [][]Interval
}

func (l Line) step() float64 {
	if l.Step > 0 {
		return l.Step
	}
	return 1
}

// segments splits points into the runs a line joins: sorted by X, NaN skipped, and a new run
// wherever two neighbours are more than step apart.
func segments(pts []Point, step float64) [][]Point {
	var ok []Point
	for _, p := range pts {
		if !math.IsNaN(p.X) && !math.IsNaN(p.Y) && !math.IsInf(p.X, 0) && !math.IsInf(p.Y, 0) {
			ok = append(ok, p)
		}
	}
	slices.SortStableFunc(ok, func(a, b Point) int { return cmp.Compare(a.X, b.X) })
	return splitRuns(ok, func(p Point) float64 { return p.X }, step)
}

// bandRuns splits a band the same way.
func bandRuns(band []Interval, step float64) [][]Interval {
	var ok []Interval
	for _, b := range band {
		if !math.IsNaN(b.X) && !math.IsNaN(b.Low) && !math.IsNaN(b.High) {
			ok = append(ok, b)
		}
	}
	slices.SortStableFunc(ok, func(a, b Interval) int { return cmp.Compare(a.X, b.X) })
	return splitRuns(ok, func(b Interval) float64 { return b.X }, step)
}

func splitRuns[T any](sorted []T, x func(T) float64, step float64) [][]T {
	var runs [][]T
	for i, v := range sorted {
		if i == 0 || x(v)-x(sorted[i-1]) > step*(1+1e-9) {
			runs = append(runs, nil)
		}
		runs[len(runs)-1] = append(runs[len(runs)-1], v)
	}
	return runs
}

// resolve gives each line its colour — its own index, or for -1 the next index no line claims —
// and its runs.
func resolve(lines []Line) []series {
	used := map[int]bool{}
	for _, l := range lines {
		if l.Color >= 0 {
			used[l.Color%len(Palette)] = true
		}
	}
	next := 0
	out := make([]series, 0, len(lines))
	for _, l := range lines {
		idx := l.Color
		if idx < 0 {
			for used[next%len(Palette)] && next < 2*len(Palette) {
				next++
			}
			idx = next
			used[idx%len(Palette)] = true
		}
		out = append(out, series{Line: l, color: paletteColor(idx), runs: segments(l.Points, l.step()), bands: bandRuns(l.Band, l.step())})
	}
	return out
}

// empty reports whether no series has a point.
func empty(ss []series) bool {
	for _, s := range ss {
		if len(s.runs) > 0 {
			return false
		}
	}
	return true
}

// extent is the range of the data in x and y.
type extent struct{ x0, x1, y0, y1 float64 }

func newExtent() extent { return extent{math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)} }

func (e *extent) add(x, y float64) {
	if !math.IsNaN(x) && !math.IsInf(x, 0) {
		e.x0, e.x1 = math.Min(e.x0, x), math.Max(e.x1, x)
	}
	if !math.IsNaN(y) && !math.IsInf(y, 0) {
		e.y0, e.y1 = math.Min(e.y0, y), math.Max(e.y1, y)
	}
}

func (e *extent) addSeries(ss []series) {
	for _, s := range ss {
		for _, r := range s.runs {
			for _, p := range r {
				e.add(p.X, p.Y)
			}
		}
		for _, r := range s.bands {
			for _, b := range r {
				e.add(b.X, b.Low)
				e.add(b.X, b.High)
			}
		}
		for _, b := range s.ErrorBars {
			e.add(b.X, b.Low)
			e.add(b.X, b.High)
		}
	}
}

// addRef widens the y range to a horizontal reference and the x range to a vertical one.
func (e *extent) addRef(h, v *Reference) {
	if h != nil {
		e.add(math.NaN(), h.Value)
	}
	if v != nil {
		e.add(v.Value, math.NaN())
	}
}

// yBounds are the y axis bounds a chart asks for: NaN (or both 0, the zero value) is automatic.
func yBounds(lo, hi float64, e extent) (l, h float64, autoLo, autoHi bool) {
	if lo == 0 && hi == 0 {
		lo, hi = math.NaN(), math.NaN()
	}
	l, h = e.y0, e.y1
	autoLo, autoHi = math.IsNaN(lo), math.IsNaN(hi)
	if !autoLo {
		l = lo
	}
	if !autoHi {
		h = hi
	}
	if h <= l {
		if autoHi {
			h = l + 1
		} else {
			l = h - 1
		}
	}
	return l, h, autoLo, autoHi
}

// hollowCircle is an estimated point's marker: a ring around white, so that the line through it
// does not fill it.
type hollowCircle struct{ width vg.Length }

func (h hollowCircle) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	var p vg.Path
	p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	p.Arc(pt, sty.Radius, 0, 2*math.Pi)
	p.Close()
	c.SetColor(color.White)
	c.Fill(p)
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: h.width})
	c.Stroke(p)
}

// marker is a point's glyph: filled for a reported value, hollow for an estimate.
func (f *figure) marker(p Point, clr color.Color, r vg.Length) draw.GlyphStyle {
	if p.Estimated {
		return draw.GlyphStyle{Color: clr, Radius: r, Shape: hollowCircle{width: f.st.thin * 1.2}}
	}
	return draw.GlyphStyle{Color: clr, Radius: r, Shape: draw.CircleGlyph{}}
}

// markerRadius is the radius of markers spaced step apart on the x axis: the house size, smaller
// where points crowd (small multiples, long series).
func (f *figure) markerRadius(c *draw.Canvas, p *plot.Plot, step float64) vg.Length {
	tx, _ := p.Transforms(c)
	spacing := tx(p.X.Min+step) - tx(p.X.Min)
	return max(min(f.st.markerRadius, spacing*0.25), f.st.thin*1.2)
}

func (f *figure) lineStyle(s series) draw.LineStyle {
	ls := draw.LineStyle{Color: s.color, Width: f.st.lineWidth}
	if s.Dashed {
		u := vg.Length(f.st.scale)
		ls.Dashes = []vg.Length{5 * u, 2.5 * u}
	} else {
		ls.Dashes = f.pattern(s.Pattern)
	}
	return ls
}

// linePatterns are the dash patterns of Line.Pattern, in units of half a line's width: the
// explorer's page strokes its 2 px lines with "6,3", "2,3", "9,3,2,3" and "1,2".
var linePatterns = [LinePatterns][]float64{nil, {6, 3}, {2, 3}, {9, 3, 2, 3}, {1, 2}}

// pattern is the dashes of pattern i (nil: solid).
func (f *figure) pattern(i int) []vg.Length {
	var out []vg.Length
	for _, d := range linePatterns[((i%LinePatterns)+LinePatterns)%LinePatterns] {
		out = append(out, vg.Length(d)*f.st.lineWidth/2)
	}
	return out
}

// toCanvas maps data points to canvas points.
func toCanvas(c *draw.Canvas, p *plot.Plot, pts []Point) []vg.Point {
	tx, ty := p.Transforms(c)
	out := make([]vg.Point, len(pts))
	for i, q := range pts {
		out[i] = vg.Point{X: tx(q.X), Y: ty(q.Y)}
	}
	return out
}

// bandLayer shades the series' bands in their colours.
func (f *figure) bandLayer(ss []series) layer {
	return func(c draw.Canvas, p *plot.Plot) {
		for _, s := range ss {
			for _, r := range s.bands {
				if len(r) < 2 {
					continue
				}
				c.FillPolygon(tint(s.color, 0.16), c.ClipPolygonXY(toCanvas(&c, p, bandPolygon(r))))
			}
		}
	}
}

// bandPolygon is the outline of a band: along its lows, back along its highs.
func bandPolygon(r []Interval) []Point {
	poly := make([]Point, 0, 2*len(r))
	for _, b := range r {
		poly = append(poly, Point{X: b.X, Y: b.Low})
	}
	for i := len(r) - 1; i >= 0; i-- {
		poly = append(poly, Point{X: r[i].X, Y: r[i].High})
	}
	return poly
}

// lineLayer strokes the runs of the series and puts markers on the solid ones (and on lone
// points of dashed ones, which would otherwise not show).
func (f *figure) lineLayer(ss []series) layer {
	return func(c draw.Canvas, p *plot.Plot) {
		for _, s := range ss {
			for _, r := range s.runs {
				if len(r) > 1 {
					c.StrokeLines(f.lineStyle(s), c.ClipLinesXY(toCanvas(&c, p, r))...)
				}
			}
		}
		for _, s := range ss {
			f.errorBars(c, p, s)
		}
		for _, s := range ss {
			radius := f.markerRadius(&c, p, s.step())
			for _, r := range s.runs {
				if s.Dashed && len(r) > 1 {
					continue
				}
				for i, pt := range toCanvas(&c, p, r) {
					c.DrawGlyph(f.marker(r[i], s.color, radius), pt)
				}
			}
		}
	}
}

// errorBars strokes a series' error bars: thin vertical bars in its colour through its points,
// with caps as wide as a marker. Bars of series close in a year overlap, as their intervals do.
func (f *figure) errorBars(c draw.Canvas, p *plot.Plot, s series) {
	ls := draw.LineStyle{Color: s.color, Width: f.st.thin * 1.5}
	cap := f.markerRadius(&c, p, s.step()) * 1.2
	tx, ty := p.Transforms(&c)
	for _, b := range s.ErrorBars {
		if math.IsNaN(b.Low) || math.IsNaN(b.High) {
			continue
		}
		x, lo, hi := tx(b.X), ty(b.Low), ty(b.High)
		c.StrokeLines(ls, c.ClipLinesXY([]vg.Point{{X: x, Y: lo}, {X: x, Y: hi}})...)
		for _, y := range []vg.Length{lo, hi} {
			// Caps are not clipped at the plot's sides, as markers are not: a bar in the first
			// or last year keeps both halves of its caps.
			if y >= c.Min.Y && y <= c.Max.Y {
				c.StrokeLine2(ls, x-cap, y, x+cap, y)
			}
		}
	}
}

// errorBarIcon is the legend's icon of error bars: a capped vertical bar.
func (f *figure) errorBarIcon(c draw.Canvas, r vg.Rectangle) {
	ls := draw.LineStyle{Color: textMid, Width: f.st.thin * 1.5}
	x, w := (r.Min.X+r.Max.X)/2, f.st.markerRadius*1.2
	c.StrokeLine2(ls, x, r.Min.Y, x, r.Max.Y)
	c.StrokeLine2(ls, x-w, r.Min.Y, x+w, r.Min.Y)
	c.StrokeLine2(ls, x-w, r.Max.Y, x+w, r.Max.Y)
}

// lineIcon is a legend icon: a short line in the series' style with a marker in its middle.
func (f *figure) lineIcon(s series, estimated bool) func(draw.Canvas, vg.Rectangle) {
	return func(c draw.Canvas, r vg.Rectangle) {
		mid := (r.Min.Y + r.Max.Y) / 2
		if len(s.bands) > 0 {
			c.FillPolygon(tint(s.color, 0.16), []vg.Point{{X: r.Min.X, Y: r.Min.Y}, {X: r.Max.X, Y: r.Min.Y}, {X: r.Max.X, Y: r.Max.Y}, {X: r.Min.X, Y: r.Max.Y}})
		}
		c.StrokeLine2(f.lineStyle(s), r.Min.X, mid, r.Max.X, mid)
		if !s.Dashed {
			c.DrawGlyphNoClip(f.marker(Point{Estimated: estimated}, s.color, f.st.markerRadius), vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: mid})
		}
	}
}

// seriesLegend is a legend entry per labelled series (one per label and colour), and a key to
// the markers if some solid line has estimated points.
func (f *figure) seriesLegend(ss []series) []legendEntry {
	return f.patternLegend(ss, nil)
}

// patternLegend is seriesLegend, and with patterns the lines' labels drawn solid, followed by an
// entry per pattern used: its name beside a grey line of its dashes.
func (f *figure) patternLegend(ss []series, patterns []string) []legendEntry {
	if len(patterns) > 0 {
		solid := make([]series, len(ss))
		for i, s := range ss {
			solid[i] = s
			if !s.Dashed {
				solid[i].Pattern = 0
			}
		}
		out := f.patternLegend(solid, nil)
		used := map[int]bool{}
		for _, s := range ss {
			if !s.Dashed && len(s.runs) > 0 {
				used[s.Pattern] = true
			}
		}
		var key []legendEntry
		for i, name := range patterns {
			if used[i] && name != "" {
				ls := draw.LineStyle{Color: textMid, Width: f.st.lineWidth, Dashes: f.pattern(i)}
				key = append(key, legendEntry{label: name, icon: func(c draw.Canvas, r vg.Rectangle) {
					mid := (r.Min.Y + r.Max.Y) / 2
					c.StrokeLine2(ls, r.Min.X, mid, r.Max.X, mid)
				}})
			}
		}
		// The patterns' key after the lines, before the markers' key.
		n := len(out)
		for n > 0 && out[n-1].narrow {
			n--
		}
		return append(append(out[:n:n], key...), out[n:]...)
	}
	var out []legendEntry
	seen := map[string]bool{}
	estimated := false
	for _, s := range ss {
		for _, r := range s.runs {
			for _, p := range r {
				estimated = estimated || (p.Estimated && (!s.Dashed || len(r) == 1))
			}
		}
		key := s.Label + "\x00" + colorKey(s.color)
		if s.Label == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, legendEntry{label: s.Label, icon: f.lineIcon(s, false)})
	}
	for _, s := range ss {
		if len(s.ErrorBars) > 0 {
			out = append(out, legendEntry{label: f.st.ui(ErrorBarLabel), icon: f.errorBarIcon, narrow: true})
			break
		}
	}
	if estimated {
		out = append(out, f.markerKey()...)
	}
	return out
}

// markerKey explains filled and hollow markers.
func (f *figure) markerKey() []legendEntry {
	return []legendEntry{{label: f.st.ui("reported"), icon: f.dot(textMid, false), narrow: true},
		{label: f.st.ui("estimated"), icon: f.dot(textMid, true), narrow: true}}
}

func colorKey(c color.Color) string {
	r, g, b, a := c.RGBA()
	return string([]byte{byte(r >> 8), byte(g >> 8), byte(b >> 8), byte(a >> 8)})
}
