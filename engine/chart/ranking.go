package chart

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// barColor is the colour of ranking bars; estimated bars are a tint of it.
var barColor = Palette[3]

func (rk Ranking) draw(f *figure) error {
	st := f.st
	var bars []Bar
	for _, b := range rk.Bars {
		if !math.IsNaN(b.Value) && !math.IsInf(b.Value, 0) {
			bars = append(bars, b)
		}
	}
	if len(bars) == 0 {
		return errNothing
	}
	slices.SortStableFunc(bars, func(a, b Bar) int {
		if rk.Ascending {
			return cmp.Compare(a.Value, b.Value)
		}
		return cmp.Compare(b.Value, a.Value)
	})
	sharedYear, estimated := bars[0].Year, false
	lo, hi := 0.0, 0.0
	for _, b := range bars {
		if b.Year != sharedYear {
			sharedYear = 0
		}
		estimated = estimated || b.Estimated
		lo, hi = math.Min(lo, b.Value), math.Max(hi, b.Value)
	}
	target := rk.Target
	if target != nil && math.IsNaN(target.Value) {
		target = nil
	}
	if target != nil {
		lo, hi = math.Min(lo, target.Value), math.Max(hi, target.Value)
	}

	var legend []legendEntry
	if estimated {
		legend = append(legend, legendEntry{label: f.st.ui("reported"), icon: swatch(barColor)},
			legendEntry{label: f.st.ui("estimated"), icon: f.estimatedSwatch})
	}
	if sharedYear != 0 {
		legend = append(legend, legendEntry{label: f.st.ui("Year:") + " " + strconv.Itoa(sharedYear)})
	}
	body := f.frame(rk.Meta, legend)

	// Rows: one per bar, the first at the top, and a slot above them for the target's label.
	n := len(bars)
	slot := 0.0
	if target != nil && target.Label != "" {
		slot = 1
	}
	xAxisH := 3*st.tick.Font.Size + st.gap
	if rk.XLabel != "" {
		xAxisH += lineHeight(st.axis)
	}
	pitch := (body.Max.Y - body.Min.Y - xAxisH) / vg.Length(float64(n)+slot)
	labelSty := st.tick
	labelSty.Font.Size = min(labelSty.Font.Size, pitch*0.8)
	if labelSty.Font.Size < 5 {
		need := (vg.Length(float64(n)+slot)*5/0.8 + xAxisH + f.canvas.Max.Y - f.canvas.Min.Y - (body.Max.Y - body.Min.Y)).Points() / vg.Centimeter.Points()
		return fmt.Errorf("chart: %d bars do not fit this figure's height: make it at least %.0f cm high, or show fewer", n, math.Ceil(need))
	}
	valueSty := st.value
	valueSty.Font.Size = min(valueSty.Font.Size, labelSty.Font.Size)

	p := f.newPlot(rk.XLabel)
	p.X.LineStyle.Width = 0
	p.X.Tick.Length = 0
	names := make([]plot.Tick, n)
	nameWidth := vg.Length(0)
	for i, b := range bars {
		names[i] = plot.Tick{Value: float64(n - 1 - i), Label: truncate(labelSty, b.Label, (body.Max.X-body.Min.X)*0.3)}
		nameWidth = max(nameWidth, labelSty.Width(names[i].Label))
	}
	p.Y.Tick.Label = labelSty
	p.Y.Tick.Label.XAlign, p.Y.Tick.Label.YAlign = draw.XRight, draw.YCenter
	p.Y.Tick.Marker = plot.ConstantTicks(names)
	// Right to left, the chart is mirrored: the names on the right, the bars growing from the
	// right to the left on a value axis that runs the same way.
	rtl := st.rtl
	if rtl {
		p.X.Scale = plot.InvertedScale{Normalizer: p.X.Scale}
		blank := make([]plot.Tick, n)
		for i := range names {
			blank[i] = plot.Tick{Value: names[i].Value}
		}
		p.Y.Tick.Marker = plot.ConstantTicks(blank)
		body.Max.X -= nameWidth + st.gap
	}
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5+slot
	width := body.Max.X - body.Min.X
	f.valueAxis(&p.X, lo, hi, lo != 0, true, f.xTicks(width*0.6))
	p.X.Min = math.Min(p.X.Min, lo)
	ticks := p.X.Tick.Marker.(valueTicks)
	ticks.limit = p.X.Max
	p.X.Tick.Marker = ticks

	// Value labels: "87.3", "99.8" (three significant digits: 99.83 is not "100"), with the year
	// when the bars' years differ.
	labels := make([]string, n)
	for i, b := range bars {
		labels[i] = FormatValue(b.Value)
		if sharedYear == 0 && b.Year != 0 {
			labels[i] += " (" + strconv.Itoa(b.Year) + ")"
		}
	}
	// Widen the axis so that the longest label fits after its bar.
	for range 2 {
		dc := p.DataCanvas(body)
		w := dc.Max.X - dc.Min.X
		for i, b := range bars {
			room := w - valueSty.Width(labels[i]) - st.gap*2
			if b.Value > 0 && room > 0 {
				p.X.Max = math.Max(p.X.Max, p.X.Min+(b.Value-p.X.Min)*float64(w/room))
			}
		}
	}
	f.grid(p, false, true)
	p.Add(layer(func(c draw.Canvas, p *plot.Plot) {
		tx, ty := p.Transforms(&c)
		x0 := tx(0)
		half := vg.Length(0.34) * (ty(1) - ty(0))
		for i, b := range bars {
			y := ty(float64(n - 1 - i))
			x1 := tx(b.Value)
			r := vg.Rectangle{Min: vg.Point{X: min(x0, x1), Y: y - half}, Max: vg.Point{X: max(x0, x1), Y: y + half}}
			if b.Estimated {
				f.estimatedSwatch(c, r)
			} else {
				swatch(barColor)(c, r)
			}
		}
		if rtl {
			sty := labelSty
			sty.XAlign = draw.XLeft
			for i := range bars {
				fillText(c, sty, c.Max.X+st.gap, ty(float64(n-1-i))-centre(sty), names[i].Label)
			}
		}
		if target != nil {
			x := tx(target.Value)
			top := ty(float64(n) - 0.5)
			c.StrokeLine2(f.refStyle(false), x, c.Min.Y, x, top)
			if target.Label != "" {
				label := truncate(st.note, target.Label, c.Max.X-c.Min.X)
				sty := st.note
				tx := x + st.gap/2
				switch {
				case rtl && x-st.gap/2-sty.Width(label) >= c.Min.X:
					sty.XAlign = draw.XRight
					tx = x - st.gap/2
				case rtl:
					tx = max(x-st.gap*2, c.Min.X)
				case tx+sty.Width(label) > c.Max.X:
					sty.XAlign = draw.XRight
					tx = min(x+st.gap*2, c.Max.X)
				}
				fillText(c, sty, tx, top+(ty(1)-ty(0))*0.5-centre(sty), label)
				c.StrokeLine2(f.refStyle(false), x, top, x, top+(ty(1)-ty(0))*0.25)
			}
		}
		for i, b := range bars {
			y, x1 := ty(float64(n-1-i)), tx(b.Value)
			sty := valueSty
			x := x1 + st.gap
			if (b.Value < 0) != rtl { // the label past the bar's end, whichever way it grows
				sty.XAlign = draw.XRight
				x = x1 - st.gap
			}
			f.backedText(c, sty, x, y-centre(sty), labels[i])
		}
	}))
	p.Draw(body)
	return nil
}

// estimatedSwatch is an estimated bar: a light tint of the bar colour, outlined.
func (f *figure) estimatedSwatch(c draw.Canvas, r vg.Rectangle) {
	pts := []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}, r.Min}
	c.FillPolygon(lighten(barColor, 0.65), pts[:4])
	c.StrokeLines(draw.LineStyle{Color: barColor, Width: f.st.thin}, pts)
}

// labelDecimals are the decimals a value label of size v needs: none from 100, one from 1, two
// below.
func labelDecimals(v float64) int {
	switch v = math.Abs(v); {
	case v >= 100:
		return 0
	case v >= 1:
		return 1
	}
	return 2
}
