package chart

import (
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// refStyle is the style of target lines (grey, thin, dash-dot: unlike a projection, which is
// dashed in its series' colour at a line's width) and of markers such as deadlines (dotted).
func (f *figure) refStyle(dotted bool) draw.LineStyle {
	u := vg.Length(f.st.scale)
	ls := draw.LineStyle{Color: targetGrey, Width: f.st.thin * 1.2, Dashes: []vg.Length{8 * u, 2.5 * u, 1.5 * u, 2.5 * u}}
	if dotted {
		ls.Color, ls.Dashes = textMid, []vg.Length{1.2 * u, 2 * u}
	}
	return ls
}

// refLines draws a horizontal reference across the plot and a vertical one up it.
func (f *figure) refLines(h, v *Reference) layer {
	return func(c draw.Canvas, p *plot.Plot) {
		tx, ty := p.Transforms(&c)
		if h != nil && !math.IsNaN(h.Value) {
			if y := ty(h.Value); c.ContainsY(y) {
				c.StrokeLine2(f.refStyle(false), c.Min.X, y, c.Max.X, y)
			}
		}
		if v != nil && !math.IsNaN(v.Value) {
			if x := tx(v.Value); c.ContainsX(x) {
				c.StrokeLine2(f.refStyle(true), x, c.Min.Y, x, c.Max.Y)
			}
		}
	}
}

// obstacles are what a label should not cover: the data's line segments and markers, and the
// labels already placed.
type obstacles struct {
	segs  [][2]vg.Point
	boxes []vg.Rectangle
}

func (o *obstacles) addSeries(c *draw.Canvas, p *plot.Plot, ss []series, r vg.Length) {
	for _, s := range ss {
		for _, run := range s.runs {
			pts := toCanvas(c, p, run)
			for i, pt := range pts {
				o.boxes = append(o.boxes, vg.Rectangle{Min: vg.Point{X: pt.X - r, Y: pt.Y - r}, Max: vg.Point{X: pt.X + r, Y: pt.Y + r}})
				if i > 0 {
					o.segs = append(o.segs, [2]vg.Point{pts[i-1], pt})
				}
			}
		}
	}
}

// cost is how much of the obstacles r covers: each crossing segment counts 1, each overlapped
// marker or label 2.
func (o *obstacles) cost(r vg.Rectangle) int {
	n := 0
	for _, s := range o.segs {
		if segmentHits(s[0], s[1], r) {
			n++
		}
	}
	for _, b := range o.boxes {
		if b.Min.X < r.Max.X && r.Min.X < b.Max.X && b.Min.Y < r.Max.Y && r.Min.Y < b.Max.Y {
			n += 2
		}
	}
	return n
}

// segmentHits reports whether the segment a–b passes through r (Liang–Barsky clipping).
func segmentHits(a, b vg.Point, r vg.Rectangle) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := float64(b.X-a.X), float64(b.Y-a.Y)
	for _, e := range [4][2]float64{
		{-dx, float64(a.X - r.Min.X)}, {dx, float64(r.Max.X - a.X)},
		{-dy, float64(a.Y - r.Min.Y)}, {dy, float64(r.Max.Y - a.Y)},
	} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return false
			}
			continue
		}
		t := q / p
		if p < 0 {
			t0 = math.Max(t0, t)
		} else {
			t1 = math.Min(t1, t)
		}
		if t0 > t1 {
			return false
		}
	}
	return true
}

// place picks, among candidate boxes inside c, the first that covers least, and adds it to the
// obstacles; clear says that it covers nothing.
func (o *obstacles) place(c draw.Canvas, cands []vg.Rectangle) (best vg.Rectangle, clear bool) {
	best, bestCost := cands[0], math.MaxInt
	for _, r := range cands {
		if r.Min.X < c.Min.X-0.5 || r.Max.X > c.Max.X+0.5 || r.Min.Y < c.Min.Y-0.5 || r.Max.Y > c.Max.Y+0.5 {
			continue
		}
		if k := o.cost(r); k < bestCost {
			best, bestCost = r, k
		}
	}
	o.boxes = append(o.boxes, best)
	return best, bestCost == 0
}

// label writes s in the first of the candidate boxes (from labelBox) that covers none of the
// obstacles, else in the one that covers least. A label that covers nothing is drawn over a light
// white backing, so that grid lines do not cross it; one that must cover data is drawn without,
// so that the data stay visible through it.
func (f *figure) label(c draw.Canvas, o *obstacles, sty text.Style, cands []vg.Rectangle, s string) {
	data := obstacles{segs: o.segs, boxes: slices.Clone(o.boxes)}
	r, backed := o.place(c, cands)
	if f.trace != nil {
		f.trace.labels = append(f.trace.labels, tracedLabel{text: s, box: r, data: data, backed: backed})
	}
	sty.XAlign = draw.XLeft
	x, baseline := r.Min.X+f.st.gap/2, r.Min.Y+f.st.gap/4+sty.FontExtents().Descent
	if backed {
		f.backedText(c, sty, x, baseline, s)
	} else {
		fillText(c, sty, x, baseline, s)
	}
}

// labelBox is the size of s in sty with a little room around it.
func (f *figure) labelBox(sty text.Style, s string) (w, h vg.Length) {
	e := sty.FontExtents()
	return sty.Width(s) + f.st.gap, e.Ascent + e.Descent + f.st.gap/2
}

// backedText is fillText over a light white backing with a little room around the text.
func (f *figure) backedText(c draw.Canvas, sty text.Style, x, baseline vg.Length, s string) {
	e := sty.FontExtents()
	w := sty.Width(s)
	x0 := x + vg.Length(sty.XAlign)*w - f.st.gap/2
	r := vg.Rectangle{Min: vg.Point{X: x0, Y: baseline - e.Descent - f.st.gap/4}, Max: vg.Point{X: x0 + w + f.st.gap, Y: baseline + e.Ascent + f.st.gap/4}}
	swatch(tint(color.White, 0.85))(c, r)
	fillText(c, sty, x, baseline, s)
}

// slides are n+1 positions from a to b, a and b included, at most step apart.
func slides(a, b, step vg.Length) []vg.Length {
	n := 1
	if step > 0 {
		n = max(1, min(64, int(math.Ceil(math.Abs(float64((b-a)/step))))))
	}
	out := make([]vg.Length, n+1)
	for i := range out {
		out[i] = a + (b-a)*vg.Length(i)/vg.Length(n)
	}
	return out
}

// hCandidates are boxes of w×h just above the band [y0, y1] (canvas) or just below it: first at
// the right or the left of c, then sliding along it from right to left.
func (f *figure) hCandidates(c draw.Canvas, y0, y1, w, h vg.Length) []vg.Rectangle {
	g := f.st.gap / 2
	right, left := c.Max.X-g-w, c.Min.X+g
	box := func(x, y vg.Length) vg.Rectangle {
		return vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + w, Y: y + h}}
	}
	above, below := y1+g, y0-g-h
	out := []vg.Rectangle{box(right, above), box(left, above), box(right, below), box(left, below)}
	for _, x := range slides(right, left, w/4) {
		out = append(out, box(x, above), box(x, below))
	}
	return out
}

// vCandidates are boxes of w×h beside the vertical line at x: first at the top or the bottom of
// c, then sliding down it.
func (f *figure) vCandidates(c draw.Canvas, x, w, h vg.Length) []vg.Rectangle {
	g := f.st.gap / 2
	top, bottom := c.Max.Y-g-h, c.Min.Y+g
	box := func(x, y vg.Length) vg.Rectangle {
		return vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + w, Y: y + h}}
	}
	out := []vg.Rectangle{box(x-g-w, top), box(x+g, top), box(x-g-w, bottom), box(x+g, bottom)}
	for _, y := range slides(top, bottom, h/2) {
		out = append(out, box(x-g-w, y), box(x+g, y))
	}
	return out
}

// refLabels writes the references' labels where they cover the least of the data: the
// horizontal one above or below its line, the vertical one beside its line.
func (f *figure) refLabels(h, v *Reference, ss []series) layer {
	return func(c draw.Canvas, p *plot.Plot) {
		var o obstacles
		o.addSeries(&c, p, ss, f.st.markerRadius)
		tx, ty := p.Transforms(&c)
		if v != nil && c.ContainsX(tx(v.Value)) {
			x := tx(v.Value)
			o.segs = append(o.segs, [2]vg.Point{{X: x, Y: c.Min.Y}, {X: x, Y: c.Max.Y}})
		}
		sty := f.st.note
		if h != nil && h.Label != "" && c.ContainsY(ty(h.Value)) {
			y := ty(h.Value)
			w, ht := f.labelBox(sty, h.Label)
			f.label(c, &o, sty, f.hCandidates(c, y, y, w, ht), h.Label)
			o.segs = append(o.segs, [2]vg.Point{{X: c.Min.X, Y: y}, {X: c.Max.X, Y: y}})
		}
		if v != nil && v.Label != "" && c.ContainsX(tx(v.Value)) {
			w, ht := f.labelBox(sty, v.Label)
			f.label(c, &o, sty, f.vCandidates(c, tx(v.Value), w, ht), v.Label)
		}
	}
}
