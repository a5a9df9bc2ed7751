package chart

import (
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// traced draws c at size and returns what it recorded of its layout.
func traced(t *testing.T, c Chart, size Size) *trace {
	t.Helper()
	tr, _ := tracedImage(t, c, size)
	return tr
}

// tracedImage is traced, and the image drawn (at 72 dpi: a pixel is a point).
func tracedImage(t *testing.T, c Chart, size Size) (*trace, *vgimg.Canvas) {
	t.Helper()
	w, h := size.cm()
	img := vgimg.NewWith(vgimg.UseWH(vg.Length(w)*vg.Centimeter, vg.Length(h)*vg.Centimeter), vgimg.UseDPI(72))
	f := newFigure(img, size)
	f.st = f.st.of(c.Text()) // as Render does
	f.trace = &trace{}
	if err := c.draw(f); err != nil {
		t.Fatal(err)
	}
	return f.trace, img
}

// covers reports what of the data (segments and markers, in canvas coordinates) the box r
// covers, by its own geometry.
func covers(r vg.Rectangle, data obstacles) (segments, markers int) {
	for _, s := range data.segs {
		if segmentHits(s[0], s[1], r) {
			segments++
		}
	}
	for _, b := range data.boxes {
		if b.Min.X < r.Max.X && r.Min.X < b.Max.X && b.Min.Y < r.Max.Y && r.Min.Y < b.Max.Y {
			markers++
		}
	}
	return segments, markers
}

func yearLine(label string, from int, ys ...float64) Line {
	l := Line{Label: label, Color: -1}
	for i, y := range ys {
		l.Points = append(l.Points, Point{X: float64(from + i), Y: y})
	}
	return l
}

// regions is internet use in the world and the ITU regions, 2005–2024 (rounded from the embedded
// data), with the WSIS target T10 (more than half online by 2015): the lines cross 50% from 2007
// to 2019, all over the target's line.
func regions() Trend {
	return Trend{
		Meta: Meta{Title: "Individuals using the Internet, world and ITU regions", YLabel: "% of population"},
		Lines: []Line{
			yearLine("World", 2005, 15.5, 17, 20, 22.5, 25, 28, 30.5, 33, 35, 37, 39.5, 42.5, 45, 48, 53, 58, 62, 65, 68, 72),
			yearLine("Africa", 2005, 2, 2.5, 3, 3.5, 4.5, 6, 7.5, 9, 11, 13, 16, 18.5, 20, 22, 24, 27.5, 30.5, 32, 34.5, 37),
			yearLine("Americas", 2005, 36, 39, 42.5, 44, 46, 48.5, 51, 55, 56, 58, 62, 68, 70, 73, 76, 80, 81.5, 82.5, 85, 87),
			yearLine("Arab States", 2005, 8, 10, 13.5, 17, 19.5, 22.5, 25, 28, 31, 34.5, 38, 41, 48, 48.5, 54.5, 60.5, 63.5, 66.5, 68.5, 70.5),
			yearLine("Asia & Pacific", 2005, 9, 10.5, 13, 15.5, 18.5, 22, 24.5, 26.5, 29, 31, 33, 36, 38, 41.5, 48, 56, 60, 64.5, 71, 74),
			yearLine("CIS", 2005, 11, 14, 19, 24.5, 32.5, 39, 47, 54.5, 57, 60.5, 62, 65.5, 68, 72.5, 76, 79, 83, 86, 88, 92),
			yearLine("Europe", 2005, 42.5, 46, 52, 56.5, 59.5, 63, 64.5, 67, 69, 71.5, 72.5, 74.5, 76.5, 80, 81.5, 84, 86.5, 88.5, 90, 91),
		},
		Target:   &Reference{Value: 50, Label: "WSIS Geneva 2003 target T10: more than 50% by 2015"},
		Deadline: &Reference{Value: 2015, Label: "deadline 2015"},
		YMin:     0, YMax: 100,
	}
}

// TestLabelsCoverNoData: a target's and a deadline's labels are put where they cover no line and
// no marker when there is such a place beside their line, even far from the plot's corners; and
// a label that cannot help covering data is drawn without the white backing that would hide it.
func TestLabelsCoverNoData(t *testing.T) {
	// The lines cross the target at both ends of the plot, above and below it, so that none of
	// the four corners beside it is free; the middle is.
	crossing := Trend{
		Meta: Meta{Title: "Crossing at both ends"},
		Lines: []Line{
			yearLine("high", 2005, 46, 52, 58, 64, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 64, 58, 52, 46),
			yearLine("low", 2005, 54, 48, 42, 36, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 36, 42, 48, 54),
		},
		Target: &Reference{Value: 50, Label: "target: 50%"},
		YMin:   0, YMax: 100,
	}
	for _, tc := range []struct {
		name  string
		c     Trend
		clear int // how many of its labels must find a free place
	}{
		{"crossing at both ends", crossing, 1},
		{"world and ITU regions, WSIS T10", regions(), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := traced(t, tc.c, DefaultSize)
			if len(tr.labels) == 0 {
				t.Fatal("no label placed")
			}
			clear := 0
			for _, l := range tr.labels {
				if len(l.data.segs) == 0 {
					t.Fatalf("label %q: no data to avoid were recorded", l.text)
				}
				segs, marks := covers(l.box, l.data)
				if segs == 0 && marks == 0 {
					clear++
				}
				if l.backed && segs+marks > 0 {
					t.Errorf("label %q at %v covers %d line segments and %d markers on an opaque backing", l.text, l.box, segs, marks)
				}
			}
			if clear < tc.clear {
				t.Errorf("%d labels cover no data, want at least %d", clear, tc.clear)
				for _, l := range tr.labels {
					segs, marks := covers(l.box, l.data)
					t.Logf("%q at %v: %d segments, %d markers", l.text, l.box, segs, marks)
				}
			}
		})
	}
}

// TestSlides: positions from a to b at most step apart, both ends included.
func TestSlides(t *testing.T) {
	got := slides(100, 0, 30)
	if len(got) != 5 || got[0] != 100 || got[len(got)-1] != 0 {
		t.Fatalf("slides(100, 0, 30) = %v", got)
	}
	for i := 1; i < len(got); i++ {
		if d := math.Abs(float64(got[i] - got[i-1])); d > 30 {
			t.Errorf("positions %v are %g apart", got, d)
		}
	}
}

// showsWhole reports whether texts show s whole: on one text, or wrapped over consecutive ones.
func showsWhole(texts []string, s string) bool {
	for i := range texts {
		for j := i; j < min(i+6, len(texts)); j++ {
			if strings.Join(texts[i:j+1], " ") == s {
				return true
			}
		}
	}
	return false
}

// wsisRows are the world's WSIS scorecard rows: long wordings, and measures in % of population
// and in subscriptions per 100 inhabitants.
func wsisRows() []ScoreRow {
	none := func(label string) ScoreRow {
		return ScoreRow{Label: label, Baseline: math.NaN(), Latest: math.NaN(), Target: math.NaN(), Status: "no global data"}
	}
	return []ScoreRow{
		{Label: "T1 Rural population covered by at least a 2G mobile network", Baseline: 47.8, Latest: 95.1, Target: 95,
			BaselineYear: 2005, LatestYear: 2024, Status: "target met", Unit: "%"},
		none("T2 To connect universities, colleges, secondary schools and primary schools with ICTs"),
		none("T3 To connect scientific and research centres with ICTs"),
		none("T4 To connect public libraries, cultural centres, museums, post offices and archives with ICTs"),
		none("T5 To connect health centres and hospitals with ICTs"),
		none("T6 To connect all local and central government departments and establish websites and email addresses"),
		none("T7 To adapt all primary and secondary school curricula to meet the challenges of the Information Society, taking into account national circumstances"),
		none("T8 To ensure that all of the world's population have access to television and radio services"),
		none("T9 To encourage the development of content and to put in place technical conditions in order to facilitate the presence and use of all world languages on the Internet"),
		{Label: "T10 Mobile-cellular telephone subscriptions per 100 inhabitants", Baseline: 33.3, Latest: 110, Target: 50,
			BaselineYear: 2005, LatestYear: 2023, Status: "target met", Unit: " per 100"},
		{Label: "T10 Individuals using the Internet", Baseline: 15.5, Latest: 72, Target: 50,
			BaselineYear: 2005, LatestYear: 2024, Status: "target met", Unit: "%"},
	}
}

// TestScorecardReadsWhole: the WSIS scorecard shows every label whole, wrapped rather than cut;
// its dots have at least 40% of the width; on the common scale of shares of the target its
// ticks include 100 and each row's values are written in their own unit; and a latest value on
// its target does not hide the target's tick.
func TestScorecardReadsWhole(t *testing.T) {
	size := Size{Width: 24, Height: 16, Unit: "cm"} // wide enough for the values beside labels of 7 pt
	sc := Scorecard{Meta: Meta{Title: "WSIS Geneva targets: World", XLabel: "% of the target level"}, Rows: wsisRows(), ShareOfTarget: true}
	got := svgTexts(render(t, sc, "svg", size))
	for _, r := range sc.Rows {
		if !showsWhole(got, r.Label) {
			t.Errorf("the label %q is not shown whole", r.Label)
		}
	}
	for _, s := range got {
		if strings.Contains(s, "…") {
			t.Errorf("a text is cut: %q", s)
		}
	}
	for _, want := range []string{"100", "2005: 47.8% → 2024: 95.1%", "2005: 33.3 → 2023: 110 per 100", "2005: 15.5% → 2024: 72%"} {
		if !slices.Contains(got, want) {
			t.Errorf("no text %q in %q", want, got)
		}
	}

	tr, img := tracedImage(t, sc, size)
	if dw, bw := tr.dots.Max.X-tr.dots.Min.X, tr.body.Max.X-tr.body.Min.X; dw < 0.4*bw {
		t.Errorf("the dots have %.0f of %.0f pt, less than 40%% of the width", dw, bw)
	}
	// T1's latest value, 95.1, is on its target, 95: the pixel at the tick's middle is the tick's
	// dark grey, not the dot's green.
	p := tr.plots[0]
	d := tr.dots
	x := d.Min.X + vg.Length((100-p.X.Min)/(p.X.Max-p.X.Min))*(d.Max.X-d.Min.X)
	n := float64(len(sc.Rows))
	y := d.Min.Y + vg.Length((n-1+0.5)/n)*(d.Max.Y-d.Min.Y)
	h := img.Image().Bounds().Dy()
	r, g, b, _ := img.Image().At(int(x.Points()), h-int(y.Points())).RGBA()
	if r>>8 > 0x60 || g>>8 > 0x60 || b>>8 > 0x60 {
		t.Errorf("at T1's target the pixel is #%02X%02X%02X, not the tick's dark grey", r>>8, g>>8, b>>8)
	}
}

// TestSmallMultiplesTitlesAndYears: long panel names wrap, not cut; the panels' years run from
// the first to the last year with data, with ticks at the labelled years alone.
func TestSmallMultiplesTitlesAndYears(t *testing.T) {
	names := []string{"United Republic of Tanzania", "Democratic Republic of the Congo", "Lao People's Democratic Republic",
		"Central African Republic", "Sao Tome and Principe", "Kenya", "Saint Vincent and the Grenadines", "Guinea-Bissau"}
	m := SmallMultiples{Meta: Meta{Title: "Internet use", YLabel: "% of population", XLabel: "Year"}, YMin: 0, YMax: 100}
	for i, name := range names {
		var ys []float64
		for y := 2007 + i%3; y <= 2023-i%2; y++ {
			ys = append(ys, float64(y-2000)*3)
		}
		m.Panels = append(m.Panels, Panel{Title: name, Lines: []Line{yearLine("", 2007+i%3, ys...)}})
	}
	got := svgTexts(render(t, m, "svg", Size{Width: 16, Height: 10, Unit: "cm"}))
	for _, name := range names {
		if !showsWhole(got, name) {
			t.Errorf("the panel title %q is not shown whole: %q", name, got)
		}
	}
	tr := traced(t, m, Size{Width: 16, Height: 10, Unit: "cm"})
	if len(tr.plots) != len(names) {
		t.Fatalf("%d panels traced", len(tr.plots))
	}
	for i, p := range tr.plots {
		if p.X.Min != 2007 || p.X.Max != 2023 {
			t.Errorf("panel %d: years %g–%g, want the data's 2007–2023", i, p.X.Min, p.X.Max)
		}
		ticker := p.X.Tick.Marker
		if h, ok := ticker.(hiddenLabels); ok {
			ticker = h.Ticker
		}
		for _, tk := range ticker.Ticks(p.X.Min, p.X.Max) {
			if tk.Label == "" {
				t.Errorf("panel %d: a minor tick at %g", i, tk.Value)
			}
		}
	}
}
