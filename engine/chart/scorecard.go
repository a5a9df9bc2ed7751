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
)

var zebra = rgb(0xF4F4F4)

func (s Scorecard) draw(f *figure) error {
	st := f.st
	n := len(s.Rows)
	if n == 0 {
		return errNothing
	}
	lo, hi := 0.0, 100.0
	for _, r := range s.Rows {
		for _, v := range []float64{r.Baseline, r.Latest, r.Target} {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	grey := textMid
	legend := []legendEntry{
		{label: "baseline", icon: f.dot(grey, true), narrow: true},
		{label: "latest", icon: f.dot(grey, false), narrow: true},
		{label: "target", narrow: true, icon: func(c draw.Canvas, r vg.Rectangle) {
			x := (r.Min.X + r.Max.X) / 2
			c.StrokeLine2(draw.LineStyle{Color: textDark, Width: st.thin * 2}, x, r.Min.Y-st.gap/2, x, r.Max.Y+st.gap/2)
		}},
	}
	body := f.frame(s.Meta, legend)
	width := body.Max.X - body.Min.X
	xAxisH := 3*st.tick.Font.Size + st.gap
	if s.XLabel != "" {
		xAxisH += lineHeight(st.axis)
	}
	pitch := (body.Max.Y - body.Min.Y - xAxisH) / vg.Length(n)
	rowSty, statusSty, yearSty := st.legend, st.legend, st.value
	rowSty.Font.Size = min(rowSty.Font.Size, pitch*0.7)
	statusSty.Font.Size = rowSty.Font.Size
	yearSty.Font.Size = min(yearSty.Font.Size, rowSty.Font.Size)
	if rowSty.Font.Size < 5 {
		return fmt.Errorf("chart: %d scorecard rows do not fit this figure's height: make it taller, or show fewer", n)
	}

	// Columns: labels | dumbbells on the scale | status and years.
	var labelW, statusW, yearsW vg.Length
	years := make([]string, n)
	for i, r := range s.Rows {
		labelW = max(labelW, rowSty.Width(r.Label))
		if hasData(r) {
			statusW = max(statusW, statusSty.Width(r.Status))
		}
		years[i] = yearSpan(r)
		yearsW = max(yearsW, yearSty.Width(years[i]))
	}
	labelW = min(labelW, width*0.38)
	square := rowSty.FontExtents().Ascent * 0.8
	statusW = min(statusW+square+st.gap, width*0.25) + 2*st.gap
	if yearsW > 0 {
		yearsW += 2 * st.gap
	}
	pc := draw.Crop(body, labelW+2*st.gap, -(statusW + yearsW + 2*st.gap), 0, 0)

	p := f.newPlot(s.XLabel)
	p.HideY()
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	f.valueAxis(&p.X, lo, hi, lo != 0, hi != 100, f.xTicks(pc.Max.X-pc.Min.X))
	f.grid(p, false, true)
	dc := p.DataCanvas(pc)
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
		for i, row := range s.Rows {
			y := rowY(i)
			clr := statusColor(row.Status)
			if !hasData(row) {
				fillText(c, st.italic, c.Min.X+st.gap, y-centre(st.italic), row.Status)
				continue
			}
			b, l := row.Baseline, row.Latest
			if !math.IsNaN(b) && !math.IsNaN(l) {
				c.StrokeLine2(draw.LineStyle{Color: lighten(clr, 0.45), Width: r * 0.9}, tx(b), y, tx(l), y)
			}
			if !math.IsNaN(row.Target) {
				x := tx(row.Target)
				c.StrokeLine2(draw.LineStyle{Color: textDark, Width: st.thin * 2}, x, y-half*0.7, x, y+half*0.7)
			}
			if !math.IsNaN(b) {
				c.DrawGlyphNoClip(draw.GlyphStyle{Color: clr, Radius: r, Shape: hollowCircle{width: st.thin * 1.6}}, vg.Point{X: tx(b), Y: y})
			}
			if !math.IsNaN(l) {
				c.DrawGlyphNoClip(draw.GlyphStyle{Color: clr, Radius: r, Shape: draw.CircleGlyph{}}, vg.Point{X: tx(l), Y: y})
			}
		}
	}))
	p.Draw(pc)

	statusX := pc.Max.X + 2*st.gap
	for i, row := range s.Rows {
		y := rowY(i)
		base := y - centre(rowSty)
		f.rowLabel(body, rowSty, body.Min.X, base, row.Label, labelW, pitch)
		if hasData(row) {
			swatch(statusColor(row.Status))(body, vg.Rectangle{Min: vg.Point{X: statusX, Y: base}, Max: vg.Point{X: statusX + square, Y: base + square}})
			fillText(body, statusSty, statusX+square+st.gap, base, truncate(statusSty, row.Status, statusW-square-st.gap))
		}
		fillText(body, yearSty, statusX+statusW+st.gap, base, years[i])
	}
	return nil
}

// rowLabel writes a row's label with its (first) baseline at base, on two lines when it is wider
// than w and the row has room for them, else truncated.
func (f *figure) rowLabel(c draw.Canvas, sty text.Style, x, base vg.Length, label string, w, pitch vg.Length) {
	lh := lineHeight(sty)
	lines := wrap(sty, label, w)
	if len(lines) < 2 || pitch < 2.3*lh {
		fillText(c, sty, x, base, truncate(sty, label, w))
		return
	}
	second := truncate(sty, strings.Join(lines[1:], " "), w)
	fillText(c, sty, x, base+lh/2, lines[0])
	fillText(c, sty, x, base-lh/2, second)
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
