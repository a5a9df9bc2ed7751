package chart

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The charts below are drawn from made-up numbers (smooth curves, not data) for the tests and for
// looking at: CHARTCHECK=/tmp/chartcheck go test ./engine/chart/ -run Samples writes them as PNG,
// SVG and PDF to that folder.

const synthetic = "Source: synthetic data for testing (not real statistics)"

// rise is a logistic curve from about lo toward hi, half way in year mid.
func rise(year, mid, speed, lo, hi float64) float64 {
	return lo + (hi-lo)/(1+math.Exp(-speed*(year-mid)))
}

func sampleTrend() Trend {
	regions := []string{"Africa", "Arab States", "Asia-Pacific", "CIS", "Europe", "The Americas"}
	mids := []float64{2022, 2015, 2014, 2011, 2006, 2009}
	t := Trend{
		Meta: Meta{
			Title:    "Individuals using the Internet, by region, 2005–2024",
			Subtitle: "Dashed: projected trend to 2030 with its 95% interval",
			XLabel:   "Year", YLabel: "% of population",
			Source: synthetic + "; in the style of ITU, via World Bank WDI (2025 edition)",
		},
		Target:   &Reference{Value: 95, Label: "target ≥ 95 by 2030"},
		Deadline: &Reference{Value: 2030, Label: "deadline 2030"},
		YMin:     0, YMax: 100,
	}
	for i, name := range regions {
		l := Line{Label: name, Color: i}
		for y := 2005; y <= 2024; y++ {
			if i == 0 && (y == 2012 || y == 2013) {
				continue // a gap in the data
			}
			v := rise(float64(y), mids[i], 0.25, 2, 92)
			l.Points = append(l.Points, Point{X: float64(y), Y: v, Estimated: y >= 2023 && i%2 == 0})
		}
		t.Lines = append(t.Lines, l)
		if i == 0 || i == 2 {
			proj := Line{Dashed: true, Color: i}
			last := l.Points[len(l.Points)-1]
			for y := 2024; y <= 2030; y++ {
				v := rise(float64(y), mids[i], 0.25, 2, 92)
				w := 1.2 * float64(y-2024)
				proj.Points = append(proj.Points, Point{X: float64(y), Y: v + (last.Y - rise(2024, mids[i], 0.25, 2, 92)), Estimated: true})
				proj.Band = append(proj.Band, Interval{X: float64(y), Low: v - w, High: math.Min(100, v+w)})
			}
			t.Lines = append(t.Lines, proj)
		}
	}
	return t
}

func sampleGap() Gap {
	g := Gap{
		Meta: Meta{Title: "Least developed countries: Internet use by sex, 2008–2024",
			XLabel: "Year", YLabel: "% of population", Source: synthetic},
		YMin: 0, YMax: math.NaN(),
	}
	g.First = Line{Label: "Women", Color: 0}
	g.Second = Line{Label: "Men", Color: 1}
	for y := 2008; y <= 2024; y++ {
		if y == 2016 {
			continue
		}
		g.First.Points = append(g.First.Points, Point{X: float64(y), Y: rise(float64(y), 2024, 0.22, 1, 70)})
		g.Second.Points = append(g.Second.Points, Point{X: float64(y), Y: rise(float64(y), 2021, 0.22, 2, 75), Estimated: y == 2024})
	}
	return g
}

func sampleParity() Parity {
	q := Parity{
		Meta: Meta{Title: "Gender parity score: Internet use, 2010–2024", Subtitle: "Parity: 0.98–1.02 (shaded); below, women are behind",
			XLabel: "Year", YLabel: "female % / male %", Source: synthetic},
		BandLow: 0.98, BandHigh: 1.02,
	}
	for i, name := range []string{"World", "Africa", "Europe", "Arab States"} {
		l := Line{Label: name, Color: i}
		for y := 2010; y <= 2024; y++ {
			l.Points = append(l.Points, Point{X: float64(y), Y: rise(float64(y), 2012+3*float64(i), 0.2, 0.55+0.1*float64(i), 1.0)})
		}
		q.Lines = append(q.Lines, l)
	}
	return q
}

func sampleMultiples() SmallMultiples {
	names := []string{"Benin", "Burkina Faso", "Côte d'Ivoire", "Ghana", "Guinea", "Liberia", "Mali", "Niger",
		"Nigeria", "Senegal", "Sierra Leone", "Togo"}
	m := SmallMultiples{
		Meta: Meta{Title: "ECOWAS members: individuals using the Internet, 2005–2024",
			XLabel: "Year", YLabel: "% of population", Source: synthetic},
		Target: &Reference{Value: 70, Label: "target ≥ 70 by 2030"},
		YMin:   0, YMax: 100,
	}
	for i, name := range names {
		l := Line{Label: name, Color: 3}
		for y := 2005; y <= 2024; y++ {
			if i == 4 && y > 2010 && y < 2015 {
				continue
			}
			l.Points = append(l.Points, Point{X: float64(y), Y: rise(float64(y), 2016+float64(i%5), 0.3, 1, 40+4*float64(i)), Estimated: y == 2024})
		}
		m.Panels = append(m.Panels, Panel{Title: name, Lines: []Line{l}})
	}
	return m
}

func sampleRanking() Ranking {
	r := Ranking{
		Meta:   Meta{Title: "Africa: individuals using the Internet, latest value", XLabel: "% of population", Source: synthetic},
		Target: &Reference{Value: 70, Label: "target ≥ 70 by 2030"},
	}
	for i := range 20 {
		r.Bars = append(r.Bars, Bar{Label: fmt.Sprintf("Economy %c (synthetic)", 'A'+i), Value: 8 + float64((i*37)%85),
			Year: 2024 - i%3, Estimated: i%7 == 3})
	}
	r.Bars[5].Label = "United Republic of Tanzania (synthetic)"
	return r
}

func sampleScorecard() Scorecard {
	statuses := []string{"target met", "on track", "acceleration needed", "limited progress", "deterioration",
		"unable to assess", "no global data", "on track", "no global data", "acceleration needed"}
	s := Scorecard{Meta: Meta{Title: "WSIS targets scorecard: World (synthetic)",
		Subtitle: "Baseline 2005 (hollow) to the latest year (filled); target marked", Source: synthetic}}
	for i, st := range statuses {
		row := ScoreRow{Label: fmt.Sprintf("T%d Indicator %d", i+1, i+1), Status: st, Baseline: math.NaN(), Latest: math.NaN(), Target: math.NaN()}
		if st != "no global data" {
			row.Baseline, row.Latest, row.Target = 5+float64(i*7), 30+float64(i*6), 100
			row.BaselineYear, row.LatestYear = 2005, 2023-i%3
			if st == "deterioration" {
				row.Latest = 12
			}
			if st == "unable to assess" {
				row.Baseline = math.NaN()
			}
		}
		s.Rows = append(s.Rows, row)
	}
	return s
}

func samples() map[string]Chart {
	return map[string]Chart{
		"trend": sampleTrend(), "gap": sampleGap(), "parity": sampleParity(),
		"multiples": sampleMultiples(), "ranking": sampleRanking(), "scorecard": sampleScorecard(),
		"map": sampleMap(),
	}
}

// edgeSamples stress the layout: large values, long text, crowded or odd data.
func edgeSamples() map[string]Chart {
	big := Trend{Meta: Meta{
		Title:  "Mobile-cellular telephone subscriptions in the largest economies of each region, a long title that has to wrap onto a second line",
		XLabel: "Year", YLabel: "subscriptions (thousands)",
		Source: synthetic + ". A long source line that names several databases, editions and the method of imputation, so long that it wraps.",
	}, YMin: math.NaN(), YMax: math.NaN(), Target: &Reference{Value: 1500000, Label: "target 1.5 million"}}
	for i := range 7 {
		l := Line{Label: fmt.Sprintf("Economy %d", i+1), Color: -1}
		for y := 2000; y <= 2024; y++ {
			l.Points = append(l.Points, Point{X: float64(y), Y: rise(float64(y), 2008+float64(i), 0.3, 1000, 300000*float64(i+1))})
		}
		big.Lines = append(big.Lines, l)
	}
	big.Lines = append(big.Lines, Line{Label: "One point", Color: -1, Points: []Point{{X: 2012, Y: 900000, Estimated: true}}})
	neg := Ranking{Meta: Meta{Title: "GDP growth, latest year", XLabel: "% per year", Source: synthetic}}
	for i := range 12 {
		neg.Bars = append(neg.Bars, Bar{Label: fmt.Sprintf("Economy %d", i+1), Value: float64(i*3) - 11.5, Year: 2024})
	}
	many := Ranking{Meta: Meta{Title: "Forty economies", XLabel: "% of population", Source: synthetic}, Ascending: true}
	for i := range 40 {
		many.Bars = append(many.Bars, Bar{Label: fmt.Sprintf("Economy number %d", i+1), Value: float64((i*53)%97) + 0.5, Year: 2020 + i%4})
	}
	sm := SmallMultiples{Meta: Meta{Title: "Internet use by sex", YLabel: "% of population", Source: synthetic}, YMin: math.NaN(), YMax: math.NaN()}
	for i := range 5 {
		w, m := Line{Label: "Women", Color: 0}, Line{Label: "Men", Color: 1}
		for y := 2010; y <= 2024; y++ {
			w.Points = append(w.Points, Point{X: float64(y), Y: rise(float64(y), 2016+float64(i), 0.3, 1, 60)})
			m.Points = append(m.Points, Point{X: float64(y), Y: rise(float64(y), 2015+float64(i), 0.3, 1, 70)})
		}
		sm.Panels = append(sm.Panels, Panel{Title: fmt.Sprintf("Economy with a long name number %d", i+1), Lines: []Line{w, m}})
	}
	cross := sampleGap()
	cross.Second.Points = cross.Second.Points[:8]
	for y := 2017; y <= 2024; y++ {
		cross.Second.Points = append(cross.Second.Points, Point{X: float64(y), Y: rise(float64(y), 2026, 0.22, 1, 70)})
	}
	return map[string]Chart{"edge-big": big, "edge-negative": neg, "edge-many": many, "edge-sm": sm, "edge-cross": cross,
		"edge-parity": Parity{Meta: Meta{Title: "No band"}, Lines: sampleParity().Lines[:1]}}
}

// TestSamples draws every sample at three sizes, each format at the default size, and checks
// that each is drawn, or refused for not fitting (forty bars in less than 12 cm of height). Set
// CHARTCHECK to a folder to keep the files there and look at them.
func TestSamples(t *testing.T) {
	dir := os.Getenv("CHARTCHECK")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sizes := map[string]Size{"": DefaultSize, "-big": {Width: 1600, Height: 1000, Unit: "px", DPI: 150}, "-small": {Width: 12, Height: 8, Unit: "cm", DPI: 150}}
	all := samples()
	for name, c := range edgeSamples() {
		all[name] = c
	}
	for name, c := range all {
		for suffix, size := range sizes {
			for _, ext := range []string{".png", ".svg", ".pdf"} {
				if suffix != "" && ext != ".png" {
					continue
				}
				path := filepath.Join(dir, name+suffix+ext)
				err := Save(c, path, size)
				_, h := size.cm()
				switch {
				case name == "edge-many" && h < 12:
					if err == nil || !strings.Contains(err.Error(), "40 bars do not fit this figure's height: make it at least 12 cm high") {
						t.Errorf("%s: %v, want the bars refused", path, err)
					}
				case err != nil:
					t.Errorf("%s: %v", path, err)
				default:
					if fi, err := os.Stat(path); err != nil || fi.Size() < 1000 {
						t.Errorf("%s: %v", path, err)
					}
				}
			}
		}
	}
}
