package aggregate

import (
	"math"
	"testing"
)

func TestFill(t *testing.T) {
	// Reported 2001 = 10 and 2005 = 30; the panel covers 1995–2012 with a carry of 3 years.
	r := Fill([]int{2001, 2005}, []float64{10, 30}, 1995, 2012, 3)
	want := map[int]struct {
		v float64
		s Status
	}{
		1997: {math.NaN(), Missing},
		1998: {10, CarriedBackward},
		2000: {10, CarriedBackward},
		2001: {10, Reported},
		2002: {15, Interpolated},
		2003: {20, Interpolated},
		2004: {25, Interpolated},
		2005: {30, Reported},
		2008: {30, CarriedForward},
		2009: {math.NaN(), Missing},
	}
	for y, w := range want {
		v, s := r.Values[y-1995], r.Status[y-1995]
		if s != w.s || !(v == w.v || math.IsNaN(v) && math.IsNaN(w.v)) {
			t.Errorf("%d: %v %v, want %v %v", y, v, s, w.v, w.s)
		}
	}
	// A reported point before the panel still anchors the interpolation into it.
	r = Fill([]int{1990, 2000}, []float64{0, 100}, 1995, 2000, 0)
	if r.Values[0] != 50 || r.Status[0] != Interpolated {
		t.Errorf("1995 between 1990 and 2000: %v %v", r.Values[0], r.Status[0])
	}
	if r = Fill(nil, nil, 2000, 2001, 3); r.Status[0] != Missing || !math.IsNaN(r.Values[1]) {
		t.Errorf("no points: %+v", r)
	}
}

func TestGroup(t *testing.T) {
	nan := math.NaN()
	members := []Member{
		{Value: 50, Status: Reported, Weight: 100, People: 100},
		{Value: 20, Status: Interpolated, Weight: 300, People: 300},
		{Value: nan, Status: Missing, Weight: 500, People: 500},
		{Value: 90, Status: Reported, Weight: nan, People: nan}, // population unknown
	}
	// Weighted mean over the members with value and weight: (50·100 + 20·300) / 400 = 27.5.
	// Coverage: reported 100/900, with filled values 400/900.
	v := Group(WeightedMean, members, Rule{0.5, 0})
	if v.Published || !math.IsNaN(v.Value) {
		t.Errorf("coverage 0.444 is below 0.5, yet published %v value %v", v.Published, v.Value)
	}
	v = Group(WeightedMean, members, Rule{0.4, 0})
	if math.Abs(v.Coverage-400.0/900) > 1e-12 || math.Abs(v.CoverageReported-100.0/900) > 1e-12 || math.Abs(v.CoverageAnchored-400.0/900) > 1e-12 {
		t.Errorf("coverage %v / %v / %v", v.Coverage, v.CoverageReported, v.CoverageAnchored)
	}
	// The anchored share (reported or interpolated) is 400/900; a minimum above it withholds.
	if v = Group(WeightedMean, members, Rule{0.3, 0.45}); v.Published {
		t.Error("published below the minimum anchored share")
	}
	v = Group(WeightedMean, members, Rule{0.3, 0.3})
	if !v.Published || v.Value != 27.5 || v.Members != 4 || v.Reporting != 2 || v.Estimated != 1 {
		t.Errorf("weighted mean: %+v", v)
	}
	// Sum and median count every member with a value, weight or not: 50 + 20 + 90; median of 20, 50, 90.
	loose := Rule{0.3, 0}
	if v = Group(Sum, members, loose); v.Value != 160 {
		t.Errorf("sum %v", v.Value)
	}
	if v = Group(Median, members, loose); v.Value != 50 {
		t.Errorf("median %v", v.Value)
	}
	if v = Group(Median, members[:2], Rule{}); v.Value != 35 {
		t.Errorf("median of two %v", v.Value)
	}
	// Carried values alone are not published, however complete.
	carried := []Member{{Value: 10, Status: CarriedForward, Weight: 1, People: 1}}
	if v = Group(WeightedMean, carried, DefaultRule); v.Published {
		t.Error("a value of carried values only was published")
	}
	if v = Group(WeightedMean, nil, Rule{}); v.Published {
		t.Error("an empty group was published")
	}
}

// TestGroupSE checks the propagated standard error by hand: a weighted mean of three members,
// two of them with a standard error, and a sum.
func TestGroupSE(t *testing.T) {
	members := []Member{
		{Value: 40, Status: Reported, Weight: 10, People: 10, SE: 2, HasSE: true},
		{Value: 60, Status: Reported, Weight: 30, People: 30, SE: 1, HasSE: true},
		{Value: 50, Status: Reported, Weight: 60, People: 60},
	}
	v := Group(WeightedMean, members, DefaultRule)
	// √(10²·2² + 30²·1²) / 100 = √1300 / 100
	if want := math.Sqrt(1300) / 100; math.Abs(v.SE-want) > 1e-15 || v.SEMembers != 2 {
		t.Errorf("weighted mean: se %v from %d members, want %v from 2", v.SE, v.SEMembers, want)
	}
	if v := Group(Sum, members, DefaultRule); math.Abs(v.SE-math.Sqrt(5)) > 1e-15 {
		t.Errorf("sum: se %v, want √5", v.SE)
	}
	if v := Group(Median, members, DefaultRule); !math.IsNaN(v.SE) {
		t.Errorf("median: se %v, want none", v.SE)
	}
	for i := range members {
		members[i].HasSE = false
	}
	if v := Group(WeightedMean, members, DefaultRule); !math.IsNaN(v.SE) || v.SEMembers != 0 {
		t.Errorf("no member with a standard error: se %v from %d", v.SE, v.SEMembers)
	}
}

// The interval of a weighted mean of two nowcasts, worked by hand: weights 1 and 3, values 10 and
// 20, lower 80% bounds 8 and 17 (distances −2 and −3 weighted −2 and −9): x = 17.5 and the lower
// bound 17.5 − √(ρ·11² + (1 − ρ)·85)/4: 14.75 with ρ = 1 (the weighted mean of the bounds),
// 17.5 − √103/4 with ρ = 0.5, 17.5 − √85/4 with ρ = 0. A reported member adds no width.
func TestNowcastInterval(t *testing.T) {
	for _, c := range []struct{ rho, want float64 }{{1, 14.75}, {0.5, 17.5 - math.Sqrt(103)/4}, {0, 17.5 - math.Sqrt(85)/4}} {
		members := []Member{
			{Value: 10, Status: Nowcast, Weight: 1, People: 1, Bounds: [4]float64{8, 11, 7, 12}, Correlation: c.rho},
			{Value: 20, Status: Nowcast, Weight: 3, People: 3, Bounds: [4]float64{17, 22, 16, 23}, Correlation: c.rho},
			{Value: 30, Status: Reported, Weight: 0, People: 0},
		}
		v := Group(WeightedMean, members, DefaultRule)
		if !v.Published || math.Abs(v.Value-17.5) > 1e-12 || math.Abs(v.Bounds[0]-c.want) > 1e-12 || v.Nowcasts != 2 {
			t.Errorf("ρ = %v: %+v, want the lower 80%% bound %v", c.rho, v, c.want)
		}
		if !(v.Bounds[2] < v.Bounds[0] && v.Bounds[1] < v.Bounds[3] && v.Bounds[0] < v.Value && v.Value < v.Bounds[1]) {
			t.Errorf("ρ = %v: bounds %v not nested around %v", c.rho, v.Bounds, v.Value)
		}
	}
}
