package chart

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

func (m SmallMultiples) draw(f *figure) error {
	st := f.st
	panels := make([][]series, len(m.Panels))
	e := newExtent()
	var all []series
	multi := false
	for i, pn := range m.Panels {
		panels[i] = resolve(pn.Lines)
		e.addSeries(panels[i])
		all = append(all, panels[i]...)
		multi = multi || len(pn.Lines) > 1
	}
	if empty(all) {
		return errNothing
	}
	e.addRef(m.Target, nil)
	m.widen(&e)

	// One line per panel is named by the panel's title; a legend is needed only to tell lines
	// within a panel apart.
	var legend []legendEntry
	if multi {
		legend = f.seriesLegend(all)
	} else {
		for _, s := range all {
			for _, r := range s.runs {
				for _, p := range r {
					if p.Estimated && !s.Dashed && len(legend) == 0 {
						legend = f.markerKey()
					}
				}
			}
		}
	}
	if m.Target != nil && m.Target.Label != "" {
		legend = append(legend, f.targetEntry(m.Target.Label))
	}
	meta := m.Meta
	xlabel := meta.XLabel
	body := f.frame(meta, legend)
	if xlabel != "" {
		fillTextCentered(body, st.axis, (body.Min.X+body.Max.X)/2, body.Min.Y+st.axis.FontExtents().Descent, xlabel)
		body = draw.Crop(body, 0, 0, lineHeight(st.axis)+st.gap, 0)
	}

	n := len(m.Panels)
	bw, bh := body.Max.X-body.Min.X, body.Max.Y-body.Min.Y
	cols := m.Columns
	if cols <= 0 {
		cols = chooseColumns(n, float64(bw), float64(bh))
	}
	cols = min(cols, n)
	rows := (n + cols - 1) / cols
	// A panel is a small chart: its text does not grow with the figure as the frame's does.
	pf := &figure{canvas: f.canvas, st: stylesAt(min(st.scale, 1)).in(st.lang, st.digits)}
	pf.st.words = st.words
	pst := pf.st
	// Panel titles wrap, at the width of a tile less a y axis's labels, over up to two lines, in a
	// smaller font (down to 5.5 pt) where two lines of the panels' font do not hold them.
	tileW := (bw - 2.5*pst.gap*vg.Length(cols-1)) / vg.Length(cols)
	titleW := tileW - pst.tick.Width("100") - 2*pst.gap
	titles := make([][]string, n)
	titleSty := make([]text.Style, n)
	most := 1
	for i, pn := range m.Panels {
		titleSty[i], titles[i] = fitTitle(pst.panelTitle, pn.Title, titleW, 2)
		most = max(most, len(titles[i]))
	}
	titleH := vg.Length(most)*lineHeight(pst.panelTitle) + pst.gap/2

	plots := make([][]*plot.Plot, rows)
	for r := range plots {
		plots[r] = make([]*plot.Plot, cols)
	}
	for i := range m.Panels {
		r, c := i/cols, i%cols
		p := pf.newPlot("")
		pw, ph := bw/vg.Length(cols), bh/vg.Length(rows)
		// Year labels spaced for a narrower panel than the tile, so that the first label of a
		// panel stays clear of the last of its neighbour.
		pf.axes(p, draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: pw * 0.65, Y: ph}}}, e, m.YMin, m.YMax)
		if t, ok := p.X.Tick.Marker.(yearTicks); ok {
			t.sparse = true // a small panel's axis has its labelled years alone
			p.X.Tick.Marker = t
		}
		pf.grid(p, true, false)
		if c > 0 {
			p.Y.Tick.Marker = hiddenLabels{p.Y.Tick.Marker}
		}
		if i+cols < n { // a panel below carries the years
			p.X.Tick.Marker = hiddenLabels{p.X.Tick.Marker}
		}
		p.Add(pf.bandLayer(panels[i]), pf.refLines(m.Target, nil), pf.lineLayer(panels[i]))
		if empty(panels[i]) {
			p.Add(layer(func(c draw.Canvas, _ *plot.Plot) {
				fillTextCentered(c, pst.italic, (c.Min.X+c.Max.X)/2, (c.Min.Y+c.Max.Y)/2, pst.ui("no data"))
			}))
		}
		plots[r][c] = p
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadTop: titleH, PadX: 2.5 * pst.gap, PadY: titleH + pst.gap}
	canvases := plot.Align(plots, tiles, body)
	// Every panel's data area must be large enough to read: 1.2×0.7 cm at the least.
	for i := range m.Panels {
		dc := plots[i/cols][i%cols].DataCanvas(canvases[i/cols][i%cols])
		if dc.Max.X-dc.Min.X < 1.2*vg.Centimeter || dc.Max.Y-dc.Min.Y < 0.7*vg.Centimeter {
			w, h := f.canvas.Max.X-f.canvas.Min.X, f.canvas.Max.Y-f.canvas.Min.Y
			return fmt.Errorf("chart: %d panels in %d columns do not fit a %.1fx%.1f cm figure: choose a larger size, other columns or fewer panels",
				n, cols, w.Points()/vg.Centimeter.Points(), h.Points()/vg.Centimeter.Points())
		}
	}
	for i := range m.Panels {
		p, c := plots[i/cols][i%cols], canvases[i/cols][i%cols]
		p.Draw(c)
		dc := p.DataCanvas(c)
		sty := titleSty[i]
		base := dc.Max.Y + pst.gap/2 + sty.FontExtents().Descent
		for k, line := range titles[i] {
			fillText(c, sty, dc.Min.X, base+vg.Length(len(titles[i])-1-k)*lineHeight(sty), line)
		}
		if f.trace != nil {
			f.trace.plots = append(f.trace.plots, p)
		}
	}
	return nil
}

// fitTitle wraps s at w over at most lines lines, in sty or the largest smaller size down to
// 5.5 pt that holds it; only a title too long for that is cut.
func fitTitle(sty text.Style, s string, w vg.Length, lines int) (text.Style, []string) {
	for {
		out := wrap(sty, s, w)
		if len(out) <= lines && widest(sty, out) <= w {
			return sty, out
		}
		if sty.Font.Size <= 5.5 {
			out = append(out[:min(lines, len(out))-1], strings.Join(out[min(lines, len(out))-1:], " "))
			for i := range out {
				out[i] = truncate(sty, out[i], w)
			}
			return sty, out
		}
		sty.Font.Size = max(5.5, sty.Font.Size-0.25)
	}
}

// widest is the width of the widest of lines in sty.
func widest(sty text.Style, lines []string) vg.Length {
	var w vg.Length
	for _, l := range lines {
		w = max(w, sty.Width(l))
	}
	return w
}

// chooseColumns picks the columns for n panels in a w×h area that make the panels closest to 3:2
// with the fewest empty cells.
func chooseColumns(n int, w, h float64) int {
	best, bestScore := 1, math.Inf(1)
	for cols := 1; cols <= n; cols++ {
		rows := (n + cols - 1) / cols
		aspect := (w / float64(cols)) / (h / float64(rows))
		score := math.Abs(math.Log(aspect/1.5)) + 0.5*float64(cols*rows-n)/float64(n)
		if score < bestScore-1e-9 {
			best, bestScore = cols, score
		}
	}
	return best
}

// fillTextCentered draws one line of s centred on x with its baseline at y.
func fillTextCentered(c draw.Canvas, sty text.Style, x, y vg.Length, s string) {
	sty.XAlign = draw.XCenter
	fillText(c, sty, x, y, s)
}
