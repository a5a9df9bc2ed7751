package chart

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	vgrecorder "gonum.org/v1/plot/vg/recorder"
)

var zebra = rgb(0xF4F4F4)

// scoreLayout is where a scorecard's parts go: the body under its frame, the rows' pitch, the
// styles and wrapped labels, the columns' widths and the texts beside the status.
type scoreLayout struct {
	body                            draw.Canvas
	pitch                           vg.Length
	rowSty, statusSty, noteSty      text.Style
	stacked                         bool // the status over the note, not beside it
	wrapped                         [][]string
	notes                           []string
	labelW, statusW, notesW, square vg.Length
}

func (s Scorecard) draw(f *figure) error {
	f.sizeTextToWidth()
	// The subtitle names the values written beside the rows only where they are.
	m, values := s.Meta, s.valuesFit(f)
	if values {
		m.Subtitle = joinNote(m.Subtitle, s.ValuesNote)
	}
	l, err := s.layout(f, m, values)
	if err != nil {
		return err
	}
	st := f.st
	n := len(s.Rows)
	rows := make([]ScoreRow, n) // on the scale drawn
	lo, hi := 0.0, 100.0
	for i, r := range s.Rows {
		rows[i] = s.onScale(r)
		for _, v := range []float64{rows[i].Baseline, rows[i].Latest, rows[i].Target} {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	body, rowSty, statusSty, noteSty := l.body, l.rowSty, l.statusSty, l.noteSty
	labelW, statusW, notesW, square := l.labelW, l.statusW, l.notesW, l.square
	stacked, wrapped, notes := l.stacked, l.wrapped, l.notes
	// Right to left, the scorecard is mirrored: the rows' labels on the right, the statuses on the
	// left, and the value axis running from right to left.
	rtl := st.rtl
	pc := draw.Crop(body, labelW+2*st.gap, -(statusW + notesW + 2*st.gap), 0, 0)
	if rtl {
		pc = draw.Crop(body, statusW+notesW+2*st.gap, -(labelW + 2*st.gap), 0, 0)
	}

	p := f.newPlot(s.XLabel)
	p.HideY()
	if rtl {
		p.X.Scale = plot.InvertedScale{Normalizer: p.X.Scale}
	}
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	if s.ShareOfTarget {
		// Ticks at round shares: every 25, 50 or 100% (so that 100, the target, is one) up to
		// 600%, coarser beyond.
		step := 25.0
		for (hi-lo)/step > 6 {
			step *= 2
		}
		p.X.Min, p.X.Max = math.Floor(lo/step)*step, math.Ceil(hi/step)*step
		p.X.Tick.Marker = ticksEvery(step)
	} else {
		f.valueAxis(&p.X, lo, hi, lo != 0, hi != 100, f.xTicks(pc.Max.X-pc.Min.X))
	}
	f.grid(p, false, true)
	dc := p.DataCanvas(pc)
	if f.trace != nil {
		f.trace.dots, f.trace.body = dc.Rectangle, body.Rectangle
		f.trace.plots = append(f.trace.plots, p)
	}
	rowY := func(i int) vg.Length { return dc.Y(p.Y.Norm(float64(n - 1 - i))) }
	half := (rowY(0) - rowY(min(1, n-1))) / 2
	if n == 1 {
		half = (dc.Max.Y - dc.Min.Y) / 2
	}
	for i := 0; i < n; i += 2 {
		y := rowY(i)
		swatch(zebra)(body, vg.Rectangle{Min: vg.Point{X: body.Min.X, Y: y - half}, Max: vg.Point{X: body.Max.X, Y: y + half}})
	}
	r := min(st.markerRadius*1.7, half*0.55)
	p.Add(layer(func(c draw.Canvas, p *plot.Plot) {
		tx, _ := p.Transforms(&c)
		for i, row := range rows {
			y := rowY(i)
			clr := statusColor(row.Status)
			if !hasData(row) {
				text := f.st.status(row.Status)
				if hasData(s.Rows[i]) {
					text = st.ui("no target level to compare with")
				}
				if rtl {
					sty := st.italic
					sty.XAlign = draw.XRight
					fillText(c, sty, c.Max.X-st.gap, y-centre(sty), text)
					continue
				}
				fillText(c, st.italic, c.Min.X+st.gap, y-centre(st.italic), text)
				continue
			}
			b, l := row.Baseline, row.Latest
			if !math.IsNaN(b) && !math.IsNaN(l) {
				c.StrokeLine2(draw.LineStyle{Color: lighten(clr, 0.45), Width: r * 0.9}, tx(b), y, tx(l), y)
			}
			if !math.IsNaN(b) {
				c.DrawGlyphNoClip(draw.GlyphStyle{Color: clr, Radius: r, Shape: hollowCircle{width: st.thin * 1.6}}, vg.Point{X: tx(b), Y: y})
			}
			if !math.IsNaN(l) {
				c.DrawGlyphNoClip(draw.GlyphStyle{Color: clr, Radius: r, Shape: draw.CircleGlyph{}}, vg.Point{X: tx(l), Y: y})
			}
		}
		// The targets over the dots, so that a dot on its target does not hide it.
		for i, row := range rows {
			if hasData(row) && !math.IsNaN(row.Target) {
				x, y := tx(row.Target), rowY(i)
				c.StrokeLine2(draw.LineStyle{Color: textDark, Width: st.thin * 2}, x, y-half*0.7, x, y+half*0.7)
			}
		}
	}))
	p.Draw(pc)

	// Left to right, the status column starts statusX after the plot; right to left it ends
	// there before the plot, and every text in it and the labels align right.
	statusX, labelX := pc.Max.X+2*st.gap, body.Min.X
	if rtl {
		statusX, labelX = pc.Min.X-2*st.gap, body.Max.X
		rowSty.XAlign, statusSty.XAlign, noteSty.XAlign = draw.XRight, draw.XRight, draw.XRight
	}
	// along is x moved d into the status column, in its reading direction.
	along := func(x, d vg.Length) vg.Length {
		if rtl {
			return x - d
		}
		return x + d
	}
	for i, row := range s.Rows {
		y := rowY(i)
		base := y - centre(rowSty)
		lh := lineHeight(rowSty)
		top := base + lh*vg.Length(len(wrapped[i])-1)/2
		for k, line := range wrapped[i] {
			fillText(body, rowSty, labelX, top-lh*vg.Length(k), line)
		}
		if f.trace != nil {
			e := rowSty.FontExtents()
			w := widest(rowSty, wrapped[i])
			left := labelX
			if rtl {
				left = labelX - w
			}
			f.trace.rowLabels = append(f.trace.rowLabels, vg.Rectangle{Min: vg.Point{X: left, Y: top - lh*vg.Length(len(wrapped[i])-1) - e.Descent},
				Max: vg.Point{X: left + w, Y: top + e.Ascent}})
			f.trace.rowFont = rowSty.Font.Size
		}
		sb, nb, nx := y-centre(statusSty), y-centre(noteSty), along(statusX, statusW+st.gap)
		if stacked && notes[i] != "" {
			sb, nb, nx = y+lineHeight(noteSty)/2-centre(statusSty), y-lineHeight(statusSty)/2-centre(noteSty), statusX
		}
		if hasData(row) {
			x0, x1 := statusX, along(statusX, square)
			swatch(statusColor(row.Status))(body, vg.Rectangle{Min: vg.Point{X: min(x0, x1), Y: sb}, Max: vg.Point{X: max(x0, x1), Y: sb + square}})
			fillText(body, statusSty, along(statusX, square+st.gap), sb, truncate(statusSty, f.st.status(row.Status), statusW-square-st.gap))
		}
		fillText(body, noteSty, nx, nb, notes[i])
	}
	return nil
}

// layout frames the scorecard with m and lays its rows out; with values, the rows' values are
// written under their status where there is room for two lines.
func (s Scorecard) layout(f *figure, m Meta, values bool) (scoreLayout, error) {
	st := f.st
	n := len(s.Rows)
	if n == 0 {
		return scoreLayout{}, errNothing
	}
	grey := textMid
	legend := []legendEntry{
		{label: f.st.ui("baseline"), icon: f.dot(grey, true), narrow: true},
		{label: f.st.ui("latest"), icon: f.dot(grey, false), narrow: true},
		{label: f.st.ui("target"), narrow: true, icon: func(c draw.Canvas, r vg.Rectangle) {
			x := (r.Min.X + r.Max.X) / 2
			c.StrokeLine2(draw.LineStyle{Color: textDark, Width: st.thin * 2}, x, r.Min.Y-st.gap/2, x, r.Max.Y+st.gap/2)
		}},
	}
	l := scoreLayout{body: f.frame(m, legend)}
	width := l.body.Max.X - l.body.Min.X
	xAxisH := 3*st.tick.Font.Size + st.gap
	if s.XLabel != "" {
		xAxisH += lineHeight(st.axis)
	}
	l.pitch = (l.body.Max.Y - l.body.Min.Y - xAxisH) / vg.Length(n)
	l.rowSty, l.statusSty, l.noteSty = st.legend, st.legend, st.value
	l.rowSty.Font.Size = min(l.rowSty.Font.Size, l.pitch*0.7)
	l.statusSty.Font.Size = l.rowSty.Font.Size
	l.noteSty.Font.Size = min(l.noteSty.Font.Size, l.rowSty.Font.Size)
	if l.rowSty.Font.Size < 5 {
		return l, fmt.Errorf("chart: %d scorecard rows do not fit this figure's height: make it taller, or show fewer", n)
	}

	// Columns: labels | dumbbells on the scale | status, and below it (or beside it where the
	// rows are too low for two lines) the years and values.
	l.stacked = l.pitch >= 1.1*(lineHeight(l.statusSty)+lineHeight(l.noteSty))
	var labelW, statusW, notesW vg.Length
	l.notes = make([]string, n)
	labels := make([]string, n)
	for i, r := range s.Rows {
		labels[i] = r.Label
		labelW = max(labelW, l.rowSty.Width(r.Label))
		if hasData(r) {
			statusW = max(statusW, l.statusSty.Width(f.st.status(r.Status)))
		}
		l.notes[i] = s.note(r, values && l.stacked)
		notesW = max(notesW, l.noteSty.Width(l.notes[i]))
	}
	l.square = l.rowSty.FontExtents().Ascent * 0.8
	statusW = min(statusW+l.square+st.gap, width*0.25) + 2*st.gap
	if notesW > 0 {
		notesW += 2 * st.gap
	}
	if l.stacked {
		statusW, notesW = max(statusW, notesW), 0
	}
	// The dots get at least 45% of the width (40% within the axis's margins); the labels what
	// they need of the rest, wrapped over as many lines as they take.
	l.labelW = max(min(labelW, width*0.55-statusW-notesW-4*st.gap), width*0.2)
	l.statusW, l.notesW = statusW, notesW
	l.rowSty, l.wrapped = fitLabels(l.rowSty, labels, l.labelW, l.pitch)
	return l, nil
}

// sizeTextToWidth sizes f's text for its width, as for a figure of the default proportions or
// wider: a scorecard taller than that gives its rows room, not larger text.
func (f *figure) sizeTextToWidth() {
	w := float64((f.canvas.Max.X - f.canvas.Min.X) / vg.Centimeter)
	h := float64((f.canvas.Max.Y - f.canvas.Min.Y) / vg.Centimeter)
	words := f.st.words
	f.st = newStyles(w, math.Min(h, w*DefaultSize.Height/DefaultSize.Width)).in(f.st.lang, f.st.digits)
	f.st.words = words
}

// dry is f on a canvas that draws nothing, to lay a chart out before drawing it.
func (f *figure) dry() *figure {
	return &figure{canvas: draw.Canvas{Canvas: &vgrecorder.Canvas{}, Rectangle: f.canvas.Rectangle}, st: f.st}
}

// valuesFit reports whether, with ShareOfTarget, the rows' values are written under their status:
// where the rows have room for two lines, and the values' column leaves the labels at
// minLabelSize or more, or at the size they would have without it.
func (s Scorecard) valuesFit(f *figure) bool {
	if !s.ShareOfTarget {
		return false
	}
	m := s.Meta
	m.Subtitle = joinNote(m.Subtitle, s.ValuesNote)
	with, err := s.layout(f.dry(), m, true)
	if err != nil || !with.stacked {
		return false
	}
	if with.rowSty.Font.Size >= minLabelSize {
		return true
	}
	without, err := s.layout(f.dry(), s.Meta, false)
	return err != nil || with.rowSty.Font.Size >= without.rowSty.Font.Size
}

// joinNote is subtitle and note as one sentence: "a; b".
func joinNote(subtitle, note string) string {
	if note == "" {
		return subtitle
	}
	if subtitle == "" {
		return note
	}
	return subtitle + "; " + note
}

// minLabelSize is the smallest size at which a scorecard drawn at its default size writes its
// labels.
const minLabelSize = 7

// maxDefaultHeight is the tallest (in cm) a scorecard grows when no size is asked: a page's text
// height.
const maxDefaultHeight = 24

// DefaultSizeFor is the size c is drawn at when none is asked: DefaultSize, but taller for a
// scorecard whose rows would not have room there: tall enough (up to 24 cm) that its labels
// read at 7 pt or more.
func DefaultSizeFor(c Chart) Size {
	s, ok := c.(Scorecard)
	if p, isPtr := c.(*Scorecard); isPtr && p != nil {
		s, ok = *p, true
	}
	size := DefaultSize
	if !ok {
		return size
	}
	for size.Height < maxDefaultHeight && !s.roomy(size) {
		size.Height += 0.5
	}
	return size
}

// roomy reports whether s drawn at size, without its values, writes its labels at minLabelSize
// or more.
func (s Scorecard) roomy(size Size) bool {
	wc, hc := size.cm()
	w, h, _ := size.dimensions()
	f := &figure{canvas: draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}}, st: newStyles(wc, hc).of(s.Meta)}
	f.sizeTextToWidth()
	l, err := s.layout(f.dry(), s.Meta, false)
	return err == nil && l.rowSty.Font.Size >= minLabelSize
}

// onScale is r on the scale drawn: as it is, or with ShareOfTarget each value as a percentage of
// the row's target level (the target at 100); a row with no positive target level then has no
// values to draw.
func (s Scorecard) onScale(r ScoreRow) ScoreRow {
	if !s.ShareOfTarget {
		return r
	}
	t := r.Target
	if math.IsNaN(t) || math.IsInf(t, 0) || t <= 0 {
		r.Baseline, r.Latest, r.Target = math.NaN(), math.NaN(), math.NaN()
		return r
	}
	r.Baseline, r.Latest, r.Target = r.Baseline/t*100, r.Latest/t*100, 100
	return r
}

// note is the text beside a row's status: its years ("2005–2024"), or with ShareOfTarget and
// room its values in its unit with their years ("2005: 47.8% → 2024: 95.1%", "2005: 33.3 → 2023:
// 110 per 100").
func (s Scorecard) note(r ScoreRow, room bool) string {
	years := yearSpan(r)
	if years == "" || !s.ShareOfTarget || !room {
		return years
	}
	var vals []string
	for _, v := range []struct {
		value float64
		year  int
	}{{r.Baseline, r.BaselineYear}, {r.Latest, r.LatestYear}} {
		if !math.IsNaN(v.value) {
			vals = append(vals, strconv.Itoa(v.year)+": "+FormatValue(v.value))
		}
	}
	if strings.HasPrefix(r.Unit, " ") { // a unit in words once, at the end
		return strings.Join(vals, " → ") + r.Unit
	}
	return strings.Join(vals, r.Unit+" → ") + r.Unit
}

// fitLabels wraps every label at w, in sty or, where the lines of some label are too many for
// the row's height (or a word is wider than w), in the largest smaller size (down to 5 pt) at
// which they fit. At 5 pt, a word wider than w is cut and a label of more lines than its row
// holds runs over it.
func fitLabels(sty text.Style, labels []string, w, pitch vg.Length) (text.Style, [][]string) {
	out := make([][]string, len(labels))
	for {
		most, wide := 1, vg.Length(0)
		for i, l := range labels {
			out[i] = wrap(sty, l, w)
			most, wide = max(most, len(out[i])), max(wide, widest(sty, out[i]))
		}
		if vg.Length(most)*lineHeight(sty) <= pitch*0.95 && wide <= w {
			return sty, out
		}
		if sty.Font.Size <= 5 {
			for _, lines := range out {
				for k := range lines {
					lines[k] = truncate(sty, lines[k], w)
				}
			}
			return sty, out
		}
		sty.Font.Size = max(5, sty.Font.Size-0.25)
	}
}

// dot is a legend icon: a hollow or filled marker.
func (f *figure) dot(clr color.Color, hollow bool) func(draw.Canvas, vg.Rectangle) {
	return func(c draw.Canvas, r vg.Rectangle) {
		c.DrawGlyphNoClip(f.marker(Point{Estimated: hollow}, clr, f.st.markerRadius), vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: (r.Min.Y + r.Max.Y) / 2})
	}
}

func hasData(r ScoreRow) bool {
	return !math.IsNaN(r.Baseline) || !math.IsNaN(r.Latest)
}

// yearSpan is "2005–2023", or the one year a row has.
func yearSpan(r ScoreRow) string {
	switch {
	case !hasData(r):
		return ""
	case r.BaselineYear > 0 && r.LatestYear > 0 && !math.IsNaN(r.Baseline) && !math.IsNaN(r.Latest):
		return strconv.Itoa(r.BaselineYear) + "–" + strconv.Itoa(r.LatestYear)
	case r.LatestYear > 0 && !math.IsNaN(r.Latest):
		return strconv.Itoa(r.LatestYear)
	case r.BaselineYear > 0 && !math.IsNaN(r.Baseline):
		return strconv.Itoa(r.BaselineYear)
	}
	return ""
}
