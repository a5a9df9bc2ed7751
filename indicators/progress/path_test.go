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
