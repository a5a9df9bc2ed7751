package progress

import (
	"math"
	"testing"
)

// TestPath checks the projected path against the trend that generated the series: an exact
// linear series 2010–2020 rising 2 points a year from 40 projects 62, 64, ... from 2021.
func TestPath(t *testing.T) {
	var s Series
	for y := 2010; y <= 2020; y++ {
		s.Years = append(s.Years, y)
		s.Values = append(s.Values, 40+2*float64(y-2010))
	}
	g := Goal{Comparator: "ge", Level: 95, BaselineYear: 2010, Deadline: 2030}
	kind, years, mid, low, high := Path(s, g, 2030)
	if len(years) != 11 || years[0] != 2020 || years[10] != 2030 {
		t.Fatalf("years %v", years)
	}
	for i, y := range years {
		want := 40 + 2*float64(y-2010)
		if math.Abs(mid[i]-want) > 1e-6 || low[i] > mid[i]+1e-9 || high[i] < mid[i]-1e-9 {
			t.Errorf("%d: %v [%v, %v], want %v (%s)", y, mid[i], low[i], high[i], want, kind)
		}
	}
	// The path agrees with Assess's anticipated value at the deadline.
	r := Assess(s, g)
	if math.Abs(r.Anticipated-mid[10]) > 1e-9 || r.Model != kind {
		t.Errorf("Assess anticipates %v (%s), the path ends at %v (%s)", r.Anticipated, r.Model, mid[10], kind)
	}
	if _, years, _, _, _ := Path(Series{Years: []int{2020}, Values: []float64{5}}, g, 2030); years != nil {
		t.Error("a path from one point")
	}
}

// TestProjectedWholeYear: the projected year and its interval are the first whole years in which
// the fitted path (Path) and its interval's bounds meet the target: the path does not meet it in
// the year before.
func TestProjectedWholeYear(t *testing.T) {
	cases := []struct {
		name string
		s    Series
		g    Goal
	}{
		// Noisy rises and falls, crossing the level between whole years.
		{"rising share", logitLineNoisy(-1, 0.3, 2010, 2022), Goal{Comparator: "ge", Level: 95, BaselineYear: 2010, Deadline: 2030, Range: Percent}},
		{"linear", line(20, 1.5, 2000, 2024, wiggle(0.3)), Goal{Comparator: "ge", Level: 80, BaselineYear: 2000, Deadline: 2030}},
		{"falling price", line(5, -0.25, 2015, 2023, wiggle(0.05)), Goal{Comparator: "le", Level: 2, BaselineYear: 2015, Deadline: 2030}},
		{"late", line(10, 2, 2015, 2024, wiggle(0.2)), Goal{Comparator: "ge", Level: 71.3, BaselineYear: 2015, Deadline: 2030}},
	}
	for _, c := range cases {
		r := Assess(c.s, c.g)
		if math.IsNaN(r.ProjectedYear) || math.IsNaN(r.ProjectedLow) || math.IsNaN(r.ProjectedHigh) {
			t.Fatalf("%s: projected %v (%v–%v), want all three", c.name, r.ProjectedYear, r.ProjectedLow, r.ProjectedHigh)
		}
		_, years, mid, low, high := Path(c.s, c.g, 2100)
		near, far := high, low // the bounds nearer to and further from the target
		if c.g.Comparator == "le" {
			near, far = low, high
		}
		first := func(v []float64) float64 {
			for i, y := range years {
				if c.g.Meets(v[i]) {
					return float64(y)
				}
			}
			return math.NaN()
		}
		for _, x := range []struct {
			what      string
			got, want float64
		}{{"ProjectedYear", r.ProjectedYear, first(mid)}, {"ProjectedLow", r.ProjectedLow, first(near)}, {"ProjectedHigh", r.ProjectedHigh, first(far)}} {
			if x.got != x.want || x.got != math.Trunc(x.got) || x.got <= float64(r.LatestYear) {
				t.Errorf("%s: %s = %v, want the first whole year the path meets the target, %v (latest year %d)", c.name, x.what, x.got, x.want, r.LatestYear)
			}
		}
	}
}

// logitLineNoisy is logitLine with deterministic noise on the logit scale.
func logitLineNoisy(a, b float64, from, to int) Series {
	s := logitLine(a, b, from, to)
	for i := range s.Values {
		z := math.Log(s.Values[i]/(100-s.Values[i])) + wiggle(0.05)(i)
		s.Values[i] = 100 / (1 + math.Exp(-z))
	}
	return s
}
