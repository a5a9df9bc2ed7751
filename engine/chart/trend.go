package chart

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// lineSeries resolves the lines of a chart and measures them; no point is errNothing.
func lineSeries(lines []Line) ([]series, extent, error) {
	ss := resolve(lines)
	e := newExtent()
	e.addSeries(ss)
	if empty(ss) {
		return nil, e, errNothing
	}
	return ss, e, nil
}

// linePlot frames a line chart and sets up its plot for the data in e: axes, grid lines.
func (f *figure) linePlot(m Meta, legend []legendEntry, e extent, ymin, ymax float64) (*plot.Plot, draw.Canvas) {
	body := f.frame(m, legend)
	p := f.newPlot(m.XLabel)
	f.axes(p, body, e, ymin, ymax)
	f.grid(p, true, false)
	return p, body
}

func (t Trend) draw(f *figure) error {
	ss, e, err := lineSeries(t.Lines)
	if err != nil {
		return err
	}
	e.addRef(t.Target, t.Deadline)
	t.widen(&e)
	legend := f.patternLegend(ss, t.Patterns)
	target := t.Target
	if target != nil && target.Label != "" && !t.targetLabelClear(f, ss, e, legend) {
		// No place beside its line covers none of the data: the legend names the target.
		legend = beforeMarkers(legend, f.targetEntry(target.Label))
		target = &Reference{Value: target.Value}
	}
	p, body := f.linePlot(t.Meta, legend, e, t.YMin, t.YMax)
	p.Add(f.bandLayer(ss), f.refLines(target, t.Deadline), f.lineLayer(ss), f.refLabels(target, t.Deadline, ss))
	p.Draw(body)
	return nil
}

// targetLabelClear reports whether the target's label, laid out on a figure that draws nothing,
// finds a place beside its line that covers none of the data.
func (t Trend) targetLabelClear(f *figure, ss []series, e extent, legend []legendEntry) bool {
	d := f.dry()
	d.trace = &trace{}
	p, body := d.linePlot(t.Meta, legend, e, t.YMin, t.YMax)
	p.Add(d.refLabels(t.Target, nil, ss))
	p.Draw(body)
	for _, l := range d.trace.labels {
		if l.text == t.Target.Label {
			return l.backed
		}
	}
	return true // not drawn (outside the axis): nothing to move
}

// targetEntry is a legend entry of a target line: its label beside a stretch of the line.
func (f *figure) targetEntry(label string) legendEntry {
	return legendEntry{label: label, icon: func(c draw.Canvas, r vg.Rectangle) {
		mid := (r.Min.Y + r.Max.Y) / 2
		c.StrokeLine2(f.refStyle(false), r.Min.X, mid, r.Max.X, mid)
	}}
}

// beforeMarkers is legend with e after the lines' entries, before the markers' key.
func beforeMarkers(legend []legendEntry, e legendEntry) []legendEntry {
	n := len(legend)
	for n > 0 && legend[n-1].narrow {
		n--
	}
	return slices.Insert(legend, n, e)
}

// axes sets a line chart's axes for the data in e drawn on body: years (or round values) on x,
// round values on y within the bounds asked.
func (f *figure) axes(p *plot.Plot, body draw.Canvas, e extent, ymin, ymax float64) {
	width, height := body.Max.X-body.Min.X, body.Max.Y-body.Min.Y
	if wholeNumbers(e.x0, e.x1) {
		f.yearAxis(p, e.x0, e.x1, width*0.88)
	} else {
		f.valueAxis(&p.X, e.x0, e.x1, true, true, f.xTicks(width*0.88))
	}
	lo, hi, autoLo, autoHi := yBounds(ymin, ymax, e)
	f.valueAxis(&p.Y, lo, hi, autoLo, autoHi, f.yTicks(height))
}

func wholeNumbers(xs ...float64) bool {
	for _, x := range xs {
		if x != math.Trunc(x) {
			return false
		}
	}
	return true
}

func (g Gap) draw(f *figure) error {
	ss, e, err := lineSeries([]Line{g.First, g.Second})
	if err != nil {
		return err
	}
	g.widen(&e)
	legend := f.seriesLegend(ss)
	between := gapRuns(ss[0], ss[1])
	if len(between) > 0 {
		legend = append(legend, legendEntry{label: f.st.ui("gap"), icon: swatch(gapFill)})
	}
	p, body := f.linePlot(g.Meta, legend, e, g.YMin, g.YMax)
	p.Add(layer(func(c draw.Canvas, p *plot.Plot) {
		for _, r := range between {
			c.FillPolygon(gapFill, c.ClipPolygonXY(toCanvas(&c, p, bandPolygon(r))))
		}
	}))
	p.Add(f.bandLayer(ss), f.lineLayer(ss), f.gapNote(ss, between, g.Unit))
	p.Draw(body)
	return nil
}

var gapFill = rgb(0xDCDCDC)

// gapRuns are the stretches where both series have values, as intervals from the first to the
// second, split where either series has a gap.
func gapRuns(a, b series) [][]Interval {
	other := map[float64]float64{}
	for _, r := range b.runs {
		for _, p := range r {
			other[p.X] = p.Y
		}
	}
	var common []Interval
	for _, r := range a.runs {
		for _, p := range r {
			if y, ok := other[p.X]; ok {
				common = append(common, Interval{X: p.X, Low: p.Y, High: y})
			}
		}
	}
	var out [][]Interval
	for _, run := range bandRuns(common, math.Max(a.step(), b.step())) {
		if len(run) > 1 {
			out = append(out, run)
		}
	}
	return out
}

// gapNote labels the gap in the last year both series have: "gap 2024: 7.9 percentage points".
func (f *figure) gapNote(ss []series, between [][]Interval, unit string) layer {
	return func(c draw.Canvas, p *plot.Plot) {
		if len(between) == 0 {
			return
		}
		run := between[len(between)-1]
		last := run[len(run)-1]
		d := math.Abs(last.High - last.Low)
		label := strings.TrimSpace(fmt.Sprintf(f.st.ui("gap %s: %s %s"), formatNumber(last.X, 0, false), formatNumber(d, labelDecimals(d), d >= 1000), unit))
		var o obstacles
		o.addSeries(&c, p, ss, f.st.markerRadius)
		tx, ty := p.Transforms(&c)
		x, y0, y1 := tx(last.X), ty(math.Min(last.Low, last.High)), ty(math.Max(last.Low, last.High))
		w, h := f.labelBox(f.st.note, label)
		g := f.st.gap
		mid := (y0+y1)/2 - h/2
		box := func(x, y vg.Length) vg.Rectangle {
			return vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + w, Y: y + h}}
		}
		// Beside the bracket if there is room, else above or below the pair.
		cands := []vg.Rectangle{box(x-g-w, mid), box(x+g, mid), box(x-w, y1+g), box(x-w, y0-g-h)}
		f.label(c, &o, f.st.note, cands, label)
	}
}

// swatch is a legend icon: a filled square.
func swatch(clr color.Color) func(draw.Canvas, vg.Rectangle) {
	return func(c draw.Canvas, r vg.Rectangle) {
		c.FillPolygon(clr, []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}})
	}
}

func (q Parity) draw(f *figure) error {
	ss, e, err := lineSeries(q.Lines)
	if err != nil {
		return err
	}
	e.add(math.NaN(), 1)
	q.widen(&e)
	band := q.BandLow < q.BandHigh && !math.IsNaN(q.BandLow) && !math.IsNaN(q.BandHigh)
	legend := f.seriesLegend(ss)
	bandLabel := ""
	if band {
		e.add(math.NaN(), q.BandLow)
		e.add(math.NaN(), q.BandHigh)
		bandLabel = fmt.Sprintf(f.st.ui("parity %s–%s"), trimNumber(q.BandLow), trimNumber(q.BandHigh))
	}
	p, body := f.linePlot(q.Meta, legend, e, math.NaN(), math.NaN())
	fill := tint(Palette[2], 0.14)
	p.Add(layer(func(c draw.Canvas, p *plot.Plot) {
		_, ty := p.Transforms(&c)
		if band {
			lo, hi := max(ty(q.BandLow), c.Min.Y), min(ty(q.BandHigh), c.Max.Y)
			c.FillPolygon(fill, []vg.Point{{X: c.Min.X, Y: lo}, {X: c.Max.X, Y: lo}, {X: c.Max.X, Y: hi}, {X: c.Min.X, Y: hi}})
		}
		c.StrokeLine2(draw.LineStyle{Color: refGrey, Width: f.st.thin}, c.Min.X, ty(1), c.Max.X, ty(1))
	}))
	p.Add(f.lineLayer(ss))
	if band {
		p.Add(layer(func(c draw.Canvas, p *plot.Plot) {
			var o obstacles
			o.addSeries(&c, p, ss, f.st.markerRadius)
			_, ty := p.Transforms(&c)
			w, h := f.labelBox(f.st.note, bandLabel)
			f.label(c, &o, f.st.note, f.hCandidates(c, ty(q.BandLow), ty(q.BandHigh), w, h), bandLabel)
		}))
	}
	p.Draw(body)
	return nil
}

// trimNumber prints v with no trailing zeros: 0.98, 1, 1.02.
func trimNumber(v float64) string {
	return formatNumber(v, decimalsFor(v), math.Abs(v) >= 1000)
}
