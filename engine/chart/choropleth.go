package chart

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"
	"sync"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ictstat/ictstat/engine/geo"
)

// Map is a choropleth world map of one value per economy, in up to five classes, drawn in the
// Equal Earth projection on Natural Earth's boundaries (engine/geo). Economies are identified by
// their UN M49 code, three digits ("404"). Antarctica is not drawn, and the map stops at 60°S.
//
// The classes follow docs/explorer.md, as the browser explorer draws them: a value v in class i
// when Breaks[i-1] <= v < Breaks[i]; k classes take the colours ClassColors(k) of MapColors.
// Economies in Scope without a value (or with NaN) are hatched grey, "no data"; economies outside
// Scope are plain light grey. Borders are white, coastlines grey, the sphere's outline light grey.
// A map with no value in scope has nothing to draw.
type Map struct {
	Meta                          // Title, Subtitle, YLabel (the values' unit) and Source as in the other charts
	Values     map[string]float64 // by M49 code
	Scope      map[string]bool    // the codes shown, e.g. a group's members; nil: every economy
	ScopeLabel string             // the legend's label for the economies outside Scope; "" is "Not in the group"
	// Breaks are the inner breaks, ascending and distinct: four for five classes, fewer where
	// quantiles tie (QuantileBreaks), which the legend notes ("4 classes: values tie"). nil:
	// QuantileBreaks of the values in Scope.
	Breaks []float64
	// Low and High end the first and last classes' ranges in the legend (e.g. 0 and 100, or the
	// smallest and largest value shown); NaN, or both 0: open ranges, "< Breaks[0]" and
	// "≥ Breaks[last]".
	Low, High float64
	Classes   string // the line naming the classes, e.g. "Quintiles of the 2023 values" or "Fixed breaks"
}

// MapColors are a map's five class colours, lowest values first: ColorBrewer's YlGnBu, colour-blind
// safe (Cynthia Brewer, colorbrewer2.org).
var MapColors = []color.Color{rgb(0xffffcc), rgb(0xa1dab4), rgb(0x41b6c4), rgb(0x2c7fb8), rgb(0x253494)}

// classColors are the positions in MapColors of k classes' colours, by k.
var classColors = [][]int{nil, {2}, {1, 3}, {0, 2, 4}, {0, 1, 3, 4}, {0, 1, 2, 3, 4}}

// ClassColors are the positions in MapColors of the colours of k classes (1 to 5), lowest values
// first, as docs/explorer.md gives them: 2 for one class; 1 and 3 for two; 0, 2 and 4 for three;
// 0, 1, 3 and 4 for four; all five for five. Fewer classes keep the ends of the scale apart, so a
// colour means about the same on every map. Other k: nil.
func ClassColors(k int) []int {
	if k < 1 || k >= len(classColors) {
		return nil
	}
	return slices.Clone(classColors[k])
}

// The fills of economies that are not in a class.
var (
	mapNoData  = rgb(0xf2f2f2) // under grey hatching
	mapHatch   = rgb(0x9a9a9a)
	mapOutside = rgb(0xdcdcdc)
	mapBorder  = rgb(0xffffff)
	mapFrame   = rgb(0xbdbdbd)
	mapCoast   = rgb(0xa6a6a6) // coastlines, and the outline of the legend's boxes
)

// UNBoundaries is the United Nations' wording on the boundaries and names of a map, which maps
// carry on the page and in files (docs/explorer.md).
const UNBoundaries = "The boundaries and names shown and the designations used on this map do not imply the expression of any " +
	"opinion whatsoever concerning the legal status of any country, territory, city or area or of its authorities, or " +
	"concerning the delimitation of its frontiers or boundaries."

// MapDisclaimer is what every map carries under its source: where the boundaries come from, and
// the United Nations' wording.
const MapDisclaimer = "Boundaries: Natural Earth. " + UNBoundaries

// Classes of a code that has no class colour.
const (
	ClassNoData  = -1 // in scope without a value: hatched
	ClassOutside = -2 // outside the scope: plain light grey
)

// ClassOf is the class of v under the ascending breaks: i when breaks[i-1] <= v < breaks[i] (0
// below the first break, len(breaks) from the last), or ClassNoData for NaN.
func ClassOf(v float64, breaks []float64) int {
	if math.IsNaN(v) {
		return ClassNoData
	}
	i := 0
	for i < len(breaks) && breaks[i] <= v {
		i++
	}
	return i
}

// QuantileBreaks are the breaks of the quintile classes of values (NaN and infinities left out):
// the 20th, 40th, 60th and 80th percentiles as R's quantile type 7 and d3.quantile compute them
// (with the n values sorted x[0] ≤ … ≤ x[n−1] and h = (n−1)·p, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] −
// x[⌊h⌋]); Hyndman and Fan 1996, definition 7), less those that equal an earlier one or the
// smallest value, which would leave a class empty (docs/explorer.md). Values that tie thus give
// fewer breaks: one value alone none (one class, an empty slice). Without values, nil.
func QuantileBreaks(values []float64) []float64 {
	var x []float64
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			x = append(x, v)
		}
	}
	if len(x) == 0 {
		return nil
	}
	slices.Sort(x)
	out := make([]float64, 0, 4)
	for _, p := range []float64{0.2, 0.4, 0.6, 0.8} {
		h := float64(len(x)-1) * p
		lo := int(math.Floor(h))
		q := x[lo]
		if lo+1 < len(x) {
			q += (h - float64(lo)) * (x[lo+1] - x[lo])
		}
		if q > x[0] && (len(out) == 0 || q > out[len(out)-1]) {
			out = append(out, q)
		}
	}
	return out
}

// FixedBreaks split 0 to top into five equal classes and return the four inner breaks, where top
// is max rounded up to a round number: five times the smallest step of 1, 1.2, 1.5, 2, 2.5, 3,
// 4, 5, 6 or 8 × 10^k that reaches max/5 (so 100 gives 20, 40, 60, 80; 143.7 gives 30, 60, 90,
// 120 up to 150). The top is the last break plus the first. A max of 0 or less is taken as 5.
func FixedBreaks(max float64) []float64 {
	if !(max > 0) || math.IsInf(max, 0) {
		max = 5
	}
	// Steps are tenths × 10^k, so that the breaks are the decimals they print as.
	tenths := []int64{10, 12, 15, 20, 25, 30, 40, 50, 60, 80}
	k := int(math.Floor(math.Log10(max / 5)))
	for {
		for _, m := range tenths {
			if step := scaled(m, k-1); step*5 >= max*(1-1e-12) {
				out := make([]float64, 4)
				for i := range out {
					out[i] = scaled(m*int64(i+1), k-1)
				}
				return out
			}
		}
		k++
	}
}

// scaled is m × 10^e, correctly rounded.
func scaled(m int64, e int) float64 {
	if e < 0 {
		return float64(m) / math.Pow(10, float64(-e))
	}
	return float64(m) * math.Pow(10, float64(e))
}

// breaks are the map's breaks: given, or the quantiles of the values in scope.
func (m Map) breaks() []float64 {
	if m.Breaks != nil {
		return m.Breaks
	}
	return QuantileBreaks(m.shown())
}

// shown are the values in scope.
func (m Map) shown() []float64 {
	var vs []float64
	for code, v := range m.Values {
		if m.inScope(code) && !math.IsNaN(v) && !math.IsInf(v, 0) {
			vs = append(vs, v)
		}
	}
	slices.Sort(vs) // the same order each time, whatever the map's
	return vs
}

func (m Map) inScope(code string) bool {
	return m.Scope == nil || (code != "" && m.Scope[code])
}

// Class is how the map colours the economy of M49 code: the position in MapColors of its value's
// class's colour (ClassColors), ClassNoData or ClassOutside.
func (m Map) Class(code string) int {
	return m.class(code, m.breaks())
}

func (m Map) class(code string, breaks []float64) int {
	if !m.inScope(code) {
		return ClassOutside
	}
	v, ok := m.Values[code]
	if !ok || math.IsInf(v, 0) {
		return ClassNoData
	}
	cl := ClassOf(v, breaks)
	if cl < 0 || len(breaks) > 4 { // no class, or breaks no map draws
		return cl
	}
	return classColors[len(breaks)+1][cl]
}

// LegendLabels are the legend's texts for the classes, lowest first: "a–b" from Low through the
// breaks to High, "< b" and "≥ b" at open ends, the numbers with three significant digits
// (FormatValue); a class of one value alone is that value.
func (m Map) LegendLabels() []string {
	return rangeLabels(m.breaks(), m.Low, m.High)
}

func rangeLabels(breaks []float64, low, high float64) []string {
	if len(breaks) > 4 {
		return nil
	}
	open := math.IsNaN(low) || math.IsNaN(high) || (low == 0 && high == 0)
	edges := append([]float64{low}, breaks...)
	edges = append(edges, high)
	dash := "–"
	if slices.ContainsFunc(edges, func(v float64) bool { return v < 0 }) {
		dash = " to "
	}
	f := FormatValue
	if open {
		if len(breaks) == 0 {
			return []string{"all values"}
		}
		out := []string{"< " + f(breaks[0])}
		for i := 1; i < len(breaks); i++ {
			out = append(out, f(breaks[i-1])+dash+f(breaks[i]))
		}
		return append(out, "≥ "+f(breaks[len(breaks)-1]))
	}
	out := make([]string, len(edges)-1)
	for i := range out {
		if a, b := f(edges[i]), f(edges[i+1]); a == b && len(out) == 1 {
			out[i] = a // one value: "70", not "70–70"
		} else {
			out[i] = a + dash + b
		}
	}
	return out
}

// classesNote is the legend's note on a map of fewer than five classes, "" for five.
func classesNote(breaks []float64, values int) string {
	switch k := len(breaks) + 1; {
	case k >= 5:
		return ""
	case k == 1 && values == 1:
		return "1 class: one value"
	case k == 1:
		return "1 class: the values tie"
	default:
		return fmt.Sprintf("%d classes: values tie", k)
	}
}

// checkBreaks refuses breaks a map cannot draw: more than four, or not strictly ascending.
func checkBreaks(breaks []float64) error {
	if len(breaks) > 4 {
		return fmt.Errorf("chart: a map has at most four breaks between its five classes, not %d", len(breaks))
	}
	for i, b := range breaks {
		if math.IsNaN(b) || math.IsInf(b, 0) || (i > 0 && b <= breaks[i-1]) {
			return fmt.Errorf("chart: a map's breaks must be finite, ascending and distinct, not %v", breaks)
		}
	}
	return nil
}

// mapSouth is the map's southern edge (degrees): it spans the world's width from the North Pole
// down to 60°S, south of every country but Antarctica.
const mapSouth = -60

// mapFeature is a country's rings projected (Equal Earth, unit sphere), x and y interleaved, and
// for each ring's segment (from point i to i+1) the index of the feature on its other side, or
// -1 on a coast (or the map's edge).
type mapFeature struct {
	id        string
	rings     [][]float64
	neighbour [][]int32
}

// mapFeatures are projectFeatures, once per process.
var mapFeatures = sync.OnceValues(projectFeatures)

// projectFeatures are the countries but Antarctica, projected. A segment is a border when
// another ring has it the other way round (neighbours share TopoJSON arcs, so their points are
// the same numbers).
func projectFeatures() ([]mapFeature, error) {
	cs, err := geo.Countries()
	if err != nil {
		return nil, err
	}
	// A segment by its ends' coordinates' bits.
	type segment [4]uint64
	seg := func(a, b geo.Point) segment {
		return segment{math.Float64bits(a.Lon), math.Float64bits(a.Lat), math.Float64bits(b.Lon), math.Float64bits(b.Lat)}
	}
	n := 0
	for _, c := range cs {
		for _, p := range c.Polygons {
			for _, r := range p {
				n += len(r)
			}
		}
	}
	owner := make(map[segment]int32, n)
	var feats []mapFeature
	var rings [][]geo.Ring
	for _, c := range cs {
		if c.ID == "010" { // Antarctica
			continue
		}
		i := int32(len(feats))
		f := mapFeature{id: c.ID}
		var rs []geo.Ring
		for _, p := range c.Polygons {
			for _, r := range p {
				xy := make([]float64, 0, 2*len(r))
				for j, pt := range r {
					x, y := geo.EqualEarth(pt.Lon, pt.Lat)
					xy = append(xy, x, y)
					if j > 0 {
						owner[seg(r[j-1], pt)] = i
					}
				}
				f.rings = append(f.rings, xy)
				rs = append(rs, r)
			}
		}
		feats = append(feats, f)
		rings = append(rings, rs)
	}
	for i, rs := range rings {
		for _, r := range rs {
			nb := make([]int32, len(r)-1)
			for j := range nb {
				nb[j] = -1
				if o, ok := owner[seg(r[j+1], r[j])]; ok {
					nb[j] = o
				}
			}
			feats[i].neighbour = append(feats[i].neighbour, nb)
		}
	}
	return feats, nil
}

// mapOutline is the map's frame: the Equal Earth outline of the sphere from the North Pole down
// to mapSouth, closed along that parallel.
var mapOutline = sync.OnceValue(func() []float64 {
	var xy []float64
	add := func(lon, lat float64) {
		x, y := geo.EqualEarth(lon, lat)
		xy = append(xy, x, y)
	}
	for lat := float64(mapSouth); lat <= 90; lat++ {
		add(-180, lat)
	}
	for lat := 90.0; lat >= mapSouth; lat-- {
		add(180, lat)
	}
	return append(xy, xy[0], xy[1])
})

// mapLayout places projected points on the figure: x·k + ox, y·k + oy, snapped to a grid finer
// than a pixel, with repeats dropped. The same point of two neighbours' shared border lands on the
// same spot, so borders stay shared, and the many points closer together than the grid are drawn
// once.
type mapLayout struct {
	k, ox, oy, grid float64
}

// ring is the projected ring xy placed, and for each of its segments the index of the original
// segment it ends with (to look up its neighbour).
func (l mapLayout) ring(xy []float64, pts []vg.Point, seg []int) ([]vg.Point, []int) {
	pts, seg = pts[:0], seg[:0]
	lx, ly := math.NaN(), math.NaN()
	for i := 0; i < len(xy); i += 2 {
		gx, gy := math.Round(l.k*xy[i]/l.grid), math.Round(l.k*xy[i+1]/l.grid)
		if gx == lx && gy == ly {
			continue
		}
		lx, ly = gx, gy
		if len(pts) > 0 {
			seg = append(seg, i/2-1)
		}
		pts = append(pts, vg.Point{X: vg.Length(l.ox + gx*l.grid), Y: vg.Length(l.oy + gy*l.grid)})
	}
	return pts, seg
}

// layout draws the text around the map (title, legend, classes, source and disclaimer) and
// places the map in the room left, centred.
func (m Map) layout(f *figure, breaks []float64) (mapLayout, error) {
	st := f.st
	if err := checkBreaks(breaks); err != nil {
		return mapLayout{}, err
	}
	labels := rangeLabels(breaks, m.Low, m.High)
	var legend []legendEntry
	if m.YLabel != "" {
		legend = append(legend, legendEntry{label: m.YLabel + ":"})
	}
	colors := classColors[len(breaks)+1]
	for i, l := range labels {
		legend = append(legend, legendEntry{label: l, icon: f.mapSwatch(MapColors[colors[i]]), narrow: true})
	}
	if note := classesNote(breaks, len(m.shown())); note != "" {
		legend = append(legend, legendEntry{label: "(" + note + ")"})
	}
	legend = append(legend, legendEntry{label: f.st.ui("No data"), icon: f.hatchSwatch, narrow: true})
	if m.Scope != nil {
		label := m.ScopeLabel
		if label == "" {
			label = f.st.ui("Not in the group")
		}
		legend = append(legend, legendEntry{label: label, icon: f.mapSwatch(mapOutside), narrow: true})
	}
	meta := m.Meta
	meta.XLabel, meta.YLabel = "", m.Classes
	meta.Source = strings.TrimSpace(m.Source + "\n" + f.st.ui("Boundaries: Natural Earth.") + " " + f.st.ui(UNBoundaries))
	body := f.frame(meta, legend)

	xmax, _ := geo.EqualEarth(180, 0)
	_, ytop := geo.EqualEarth(0, 90)
	_, ybot := geo.EqualEarth(0, mapSouth)
	w, h := float64(body.Max.X-body.Min.X), float64(body.Max.Y-body.Min.Y)
	k := math.Min(w/(2*xmax), h/(ytop-ybot))
	if k < 15 { // points per unit: a map less than 3 cm wide
		return mapLayout{}, fmt.Errorf("chart: the map does not fit this figure: make it larger, or its text shorter")
	}
	return mapLayout{k: k, ox: float64(body.Min.X) + w/2, oy: float64(body.Min.Y) + (h-k*(ytop-ybot))/2 - k*ybot, grid: 0.2 * st.scale}, nil
}

// Pixel is where the point lon, lat (degrees) lands on m rendered as PNG at size: x from the
// left and y from the top, in pixels.
func (m Map) Pixel(size Size, lon, lat float64) (x, y float64, err error) {
	if err := size.check(); err != nil {
		return 0, 0, fmt.Errorf("chart: %w", err)
	}
	out, err := newOutput("png", size)
	if err != nil {
		return 0, 0, err
	}
	f := newFigure(out.canvas, size)
	f.st = f.st.of(m.Meta)
	l, err := m.layout(f, m.breaks())
	if err != nil {
		return 0, 0, err
	}
	ux, uy := geo.EqualEarth(lon, lat)
	_, h, dpi := size.dimensions()
	px := vg.Length(l.ox + l.k*ux).Dots(float64(dpi))
	py := (h - vg.Length(l.oy+l.k*uy)).Dots(float64(dpi))
	return px, py, nil
}

func (m Map) draw(f *figure) error {
	st := f.st
	breaks := m.breaks()
	if len(m.shown()) == 0 {
		return errNothing
	}
	feats, err := mapFeatures()
	if err != nil {
		return fmt.Errorf("chart: map boundaries: %w", err)
	}
	l, err := m.layout(f, breaks)
	if err != nil {
		return err
	}

	c := f.canvas
	hatch := draw.LineStyle{Color: mapHatch, Width: 0.4 * vg.Length(st.scale)}
	// The paths' room, for as many points as the boundaries have, once (a path grows by copying).
	n := 0
	for _, ft := range feats {
		for _, r := range ft.rings {
			n += len(r)/2 + 1
		}
	}
	borders, coast := make(vg.Path, 0, n/2), make(vg.Path, 0, n)
	var fill vg.Path
	var pts []vg.Point
	var seg []int
	for i, ft := range feats {
		fill = fill[:0]
		var hatched [][]vg.Point
		cl := m.class(ft.id, breaks)
		for j, xy := range ft.rings {
			pts, seg = l.ring(xy, pts, seg)
			if len(pts) < 4 {
				continue
			}
			fill.Move(pts[0])
			for _, pt := range pts[1:] {
				fill.Line(pt)
			}
			fill.Close()
			if cl == ClassNoData {
				hatched = append(hatched, slices.Clone(pts))
			}
			// Each border once, from the feature of the lower index; each coast.
			var open *vg.Path
			for s, orig := range seg {
				nb := ft.neighbour[j][orig]
				var to *vg.Path
				switch {
				case nb < 0:
					to = &coast
				case int(nb) > i:
					to = &borders
				}
				if to != open || to == nil {
					if to != nil {
						to.Move(pts[s])
					}
					open = to
				}
				if to != nil {
					to.Line(pts[s+1])
				}
			}
		}
		if len(fill) == 0 {
			continue
		}
		switch cl {
		case ClassOutside:
			c.SetColor(mapOutside)
		case ClassNoData:
			c.SetColor(mapNoData)
		default:
			c.SetColor(MapColors[cl])
		}
		c.Fill(fill)
		if cl == ClassNoData {
			f.hatch(hatched, hatch)
		}
	}
	c.SetLineStyle(draw.LineStyle{Color: mapBorder, Width: 0.35 * vg.Length(st.scale)})
	c.Stroke(borders)
	c.SetLineStyle(draw.LineStyle{Color: mapCoast, Width: 0.3 * vg.Length(st.scale)})
	c.Stroke(coast)
	outline, _ := l.ring(mapOutline(), nil, nil)
	var frame vg.Path
	frame.Move(outline[0])
	for _, pt := range outline[1:] {
		frame.Line(pt)
	}
	c.SetLineStyle(draw.LineStyle{Color: mapFrame, Width: st.thin})
	c.Stroke(frame)
	return nil
}

// hatch strokes lines at 45° inside the rings (even–odd), spaced as the house style says and on
// one grid across the figure, so that the hatching of neighbours runs on.
func (f *figure) hatch(rings [][]vg.Point, ls draw.LineStyle) {
	gap := 2.4 * f.st.scale * math.Sqrt2 // along x − y, between lines 2.4 pt apart
	// Each line is x − y = n·gap; along it, points are placed by x + y.
	cuts := map[int][]float64{}
	for _, r := range rings {
		for i := range r {
			a, b := r[i], r[(i+1)%len(r)]
			ua, ub := float64(a.X-a.Y), float64(b.X-b.Y)
			lo, hi := math.Min(ua, ub), math.Max(ua, ub)
			for n := int(math.Ceil(lo / gap)); float64(n)*gap < hi; n++ {
				u := float64(n) * gap
				if (ua > u) == (ub > u) {
					continue
				}
				t := (u - ua) / (ub - ua)
				va, vb := float64(a.X+a.Y), float64(b.X+b.Y)
				cuts[n] = append(cuts[n], va+t*(vb-va))
			}
		}
	}
	ns := make([]int, 0, len(cuts))
	for n := range cuts {
		ns = append(ns, n)
	}
	slices.Sort(ns)
	var p vg.Path
	for _, n := range ns {
		vs := cuts[n]
		slices.Sort(vs)
		u := float64(n) * gap
		for i := 0; i+1 < len(vs); i += 2 {
			p.Move(vg.Point{X: vg.Length((vs[i] + u) / 2), Y: vg.Length((vs[i] - u) / 2)})
			p.Line(vg.Point{X: vg.Length((vs[i+1] + u) / 2), Y: vg.Length((vs[i+1] - u) / 2)})
		}
	}
	if len(p) > 0 {
		f.canvas.SetLineStyle(ls)
		f.canvas.Stroke(p)
	}
}

// mapSwatch is a legend box of a class colour, outlined so that the lightest shows on white.
func (f *figure) mapSwatch(clr color.Color) func(draw.Canvas, vg.Rectangle) {
	return func(c draw.Canvas, r vg.Rectangle) {
		box := f.legendBox(r)
		c.FillPolygon(clr, box)
		c.StrokeLines(draw.LineStyle{Color: mapCoast, Width: f.st.thin * 0.5}, append(box, box[0]))
	}
}

// hatchSwatch is the legend's "no data" box.
func (f *figure) hatchSwatch(c draw.Canvas, r vg.Rectangle) {
	box := f.legendBox(r)
	c.FillPolygon(mapNoData, box)
	f.hatch([][]vg.Point{box}, draw.LineStyle{Color: mapHatch, Width: 0.4 * vg.Length(f.st.scale)})
	c.StrokeLines(draw.LineStyle{Color: mapCoast, Width: f.st.thin * 0.5}, append(box, box[0]))
}

// legendBox is a square as wide as the icon's room r, centred on r.
func (f *figure) legendBox(r vg.Rectangle) []vg.Point {
	side := r.Max.X - r.Min.X
	mid := (r.Min.Y + r.Max.Y) / 2
	x0 := r.Min.X
	x1 := x0 + side
	return []vg.Point{{X: x0, Y: mid - side/2}, {X: x1, Y: mid - side/2}, {X: x1, Y: mid + side/2}, {X: x0, Y: mid + side/2}}
}
