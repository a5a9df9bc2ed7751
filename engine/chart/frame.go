package chart

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// figure is the canvas of one chart and the styles sized for it.
type figure struct {
	canvas draw.Canvas
	st     styles
	trace  *trace // nil but in tests and layouts tried before drawing
}

// trace records where a figure put what tests check: the annotation labels, the plots of small
// multiples' panels and of a scorecard, the scorecard's area of dots.
type trace struct {
	labels []tracedLabel
	plots  []*plot.Plot
	dots   vg.Rectangle // the scorecard's, within
	body   vg.Rectangle // the canvas left for the plot
	// the scorecard's row labels: their boxes and their font size
	rowLabels []vg.Rectangle
	rowFont   vg.Length
}

// tracedLabel is a label's box, the obstacles (data, labels placed before) it was to avoid, and
// whether it was drawn on a backing.
type tracedLabel struct {
	text   string
	box    vg.Rectangle
	data   obstacles
	backed bool
}

func newFigure(c vg.CanvasSizer, size Size) *figure {
	w, h := size.cm()
	f := &figure{canvas: draw.New(c), st: newStyles(w, h)}
	f.canvas.SetColor(color.White)
	f.canvas.Fill(f.canvas.Rectangle.Path())
	return f
}

// legendEntry is a label and the icon drawn before it (nil: the label alone, e.g. a note).
type legendEntry struct {
	label  string
	icon   func(c draw.Canvas, r vg.Rectangle)
	narrow bool // a marker's icon, not a line's
}

// frame draws the text around a plot — title, subtitle and legend at the top, the y axis label
// above the plot, the source line at the bottom left — and returns the canvas left for the plot.
func (f *figure) frame(m Meta, legend []legendEntry) draw.Canvas {
	st := f.st
	c := draw.Crop(f.canvas, st.pad, -st.pad, st.pad, -st.pad)
	width := c.Max.X - c.Min.X
	top := c.Max.Y
	// Text starts at the left, or at the right in a language written right to left.
	start := c.Min.X
	aligned := func(sty text.Style) text.Style { return sty }
	if st.rtl {
		start = c.Max.X
		aligned = func(sty text.Style) text.Style { sty.XAlign = draw.XRight; return sty }
	}
	drawLines := func(sty text.Style, s string) {
		for _, line := range wrap(sty, s, width) {
			fillText(c, aligned(sty), start, top-ascent(sty), line)
			top -= lineHeight(sty)
		}
	}
	drawLines(st.title, m.Title)
	if m.Subtitle != "" {
		top -= st.gap / 2
		drawLines(st.subtitle, m.Subtitle)
	}
	if m.Title != "" || m.Subtitle != "" {
		top -= st.gap * 1.5
	}
	if len(legend) > 0 {
		top = f.drawLegend(c, top, legend) - st.gap*1.5
	}
	bottom := c.Min.Y
	if m.Source != "" {
		lines := wrap(st.source, m.Source, width)
		for i := len(lines) - 1; i >= 0; i-- {
			fillText(c, aligned(st.source), start, bottom+st.source.FontExtents().Descent, lines[i])
			bottom += lineHeight(st.source)
		}
		bottom += st.gap * 2
	}
	if m.YLabel != "" {
		fillText(c, st.axis, c.Min.X, top-ascent(st.axis), truncate(st.axis, m.YLabel, width))
		top -= lineHeight(st.axis) + st.gap
	}
	return draw.Crop(c, 0, 0, bottom-c.Min.Y, top-c.Max.Y)
}

// drawLegend lays the entries out in rows from top down, wrapping at c's width, and returns the
// y below the last row. The entries read from left to right, each icon before its label, or from
// right to left in a language written so.
func (f *figure) drawLegend(c draw.Canvas, top vg.Length, entries []legendEntry) vg.Length {
	st := f.st
	rowH := lineHeight(st.legend) * 1.25
	width := c.Max.X - c.Min.X
	x := vg.Length(0) // from the start of the row: the left, or the right when right to left
	baseline := top - ascent(st.legend)
	for _, e := range entries {
		icon := 18 * vg.Length(st.scale)
		if e.narrow {
			icon = 7 * vg.Length(st.scale)
		}
		w := st.legend.Width(e.label)
		if e.icon != nil {
			w += icon + st.gap
		}
		if x > 0 && x+w > width {
			x = 0
			baseline -= rowH
		}
		// The entry's box spans from..from+w from the left.
		from := c.Min.X + x
		if st.rtl {
			from = c.Max.X - x - w
		}
		iconAt, tx := from, from
		if e.icon != nil {
			if st.rtl {
				iconAt = from + w - icon
			} else {
				tx += icon + st.gap
			}
			mid := baseline + ascent(st.legend)*0.35
			h := ascent(st.legend)
			e.icon(c, vg.Rectangle{Min: vg.Point{X: iconAt, Y: mid - h/2}, Max: vg.Point{X: iconAt + icon, Y: mid + h/2}})
		}
		fillText(c, st.legend, tx, baseline, e.label)
		x += w + 3*st.gap
	}
	return baseline - st.legend.FontExtents().Descent
}

// newPlot is a plot in the house style: no title (the frame draws it), light horizontal grid
// lines, no y axis line, grey x axis, tick labels in the tick font.
func (f *figure) newPlot(xlabel string) *plot.Plot {
	st := f.st
	p := plot.New()
	p.BackgroundColor = nil
	axis := draw.LineStyle{Color: axisGrey, Width: st.thin}
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.LineStyle = axis
		a.Tick.LineStyle = axis
		a.Tick.Length = 3 * vg.Length(st.scale)
		a.Tick.Label = st.tick
		a.Label.TextStyle = st.axis
		a.Label.Padding = st.gap
		a.Padding = 0
	}
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XCenter, draw.YTop
	p.X.Label.TextStyle.XAlign, p.X.Label.TextStyle.YAlign = draw.XCenter, draw.YBottom
	p.Y.Tick.Label.XAlign, p.Y.Tick.Label.YAlign = draw.XRight, draw.YCenter
	p.Y.LineStyle.Width = 0
	p.Y.Tick.Length = 0
	p.X.Label.Text = xlabel
	return p
}

// grid adds grid lines at the labelled y ticks (horizontal) and x ticks (vertical) of the axes
// as they are now, so that hiding the labels later keeps the lines.
func (f *figure) grid(p *plot.Plot, horizontal, vertical bool) {
	ys, xs := p.Y.Tick.Marker, p.X.Tick.Marker
	ls := draw.LineStyle{Color: gridGrey, Width: f.st.thin}
	p.Add(layer(func(c draw.Canvas, p *plot.Plot) {
		tx, ty := p.Transforms(&c)
		if horizontal {
			for _, t := range ys.Ticks(p.Y.Min, p.Y.Max) {
				if y := ty(t.Value); !t.IsMinor() && c.ContainsY(y) {
					c.StrokeLine2(ls, c.Min.X, y, c.Max.X, y)
				}
			}
		}
		if vertical {
			for _, t := range xs.Ticks(p.X.Min, p.X.Max) {
				if x := tx(t.Value); !t.IsMinor() && c.ContainsX(x) {
					c.StrokeLine2(ls, x, c.Min.Y, x, c.Max.Y)
				}
			}
		}
	}))
}

// yearAxis sets the x axis to the years lo–hi, labelled as often as fits width.
func (f *figure) yearAxis(p *plot.Plot, lo, hi float64, width vg.Length) {
	label := f.st.tick.Width("2030") + 3*f.st.gap
	n := int(math.Max(2, math.Floor(float64(width/label))))
	p.X.Min, p.X.Max = lo, hi
	if hi-lo < 1 {
		p.X.Min, p.X.Max = lo-1, hi+1
	}
	p.X.Tick.Marker = yearTicks{step: yearStep(p.X.Min, p.X.Max, n)}
}

// yTicks is how many intervals between labelled ticks fit a vertical axis of length h.
func (f *figure) yTicks(h vg.Length) int {
	return int(math.Max(2, math.Min(8, math.Floor(float64(h/(f.st.tick.Font.Size*3.2))))))
}

// xTicks is how many intervals between labelled ticks fit a horizontal axis of length w.
func (f *figure) xTicks(w vg.Length) int {
	return int(math.Max(2, math.Min(8, math.Floor(float64(w/(f.st.tick.Font.Size*7))))))
}

// valueAxis sets a to [lo, hi], widened to round ticks where auto, with about n intervals.
func (f *figure) valueAxis(a *plot.Axis, lo, hi float64, autoLo, autoHi bool, n int) {
	l, h, step := niceRange(lo, hi, n)
	if !autoLo {
		l = lo
	}
	if !autoHi {
		h = hi
	}
	if !autoLo || !autoHi {
		_, _, step = niceRange(l, h, n)
	}
	a.Min, a.Max = l, h
	a.Tick.Marker = ticksEvery(step)
}

// layer is a plotter drawn by a function.
type layer func(c draw.Canvas, p *plot.Plot)

func (l layer) Plot(c draw.Canvas, p *plot.Plot) { l(c, p) }
