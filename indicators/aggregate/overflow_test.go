package aggregate

import (
	"math"
	"testing"
)

// TestValuesPastTheLargestNumberAreWithheld: a group value whose sum or weighted sum passes the
// largest float64 is withheld with a reason, never published as a value that is not a number.
func TestValuesPastTheLargestNumberAreWithheld(t *testing.T) {
	huge := math.MaxFloat64 / 2
	for _, c := range []struct {
		name    string
		method  Method
		members []Member
	}{
		{"sum", Sum, []Member{
			{Value: huge, Status: Reported, People: 1},
			{Value: huge, Status: Reported, People: 1},
			{Value: huge, Status: Reported, People: 1},
		}},
		{"weighted mean, value times weight", WeightedMean, []Member{
			{Value: 50, Status: Reported, Weight: 1e308, People: 1},
			{Value: 20, Status: Reported, Weight: 1e6, People: 1},
		}},
		{"weighted mean, weights", WeightedMean, []Member{
			{Value: 0.5, Status: Reported, Weight: 1e308, People: 1},
			{Value: 0.5, Status: Reported, Weight: 1e308, People: 1},
		}},
		{"median", Median, []Member{
			{Value: math.MaxFloat64, Status: Reported, People: 1},
			{Value: math.MaxFloat64, Status: Reported, People: 1},
		}},
		{"population", Sum, []Member{
			{Value: 5, Status: Reported, People: 1e308},
			{Value: 5, Status: Reported, People: 1e308},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := Group(c.method, c.members, Rule{})
			if v.Published || !math.IsNaN(v.Value) || v.Reason == "" {
				t.Errorf("published %v, value %v, reason %q; want withheld with a reason", v.Published, v.Value, v.Reason)
			}
			if math.IsNaN(v.Coverage) || math.IsInf(v.Coverage, 0) {
				t.Errorf("coverage %v", v.Coverage)
			}
		})
	}
	// Large but finite sums are published.
	v := Group(Sum, []Member{{Value: 1e300, Status: Reported, People: 1}, {Value: 1e300, Status: Reported, People: 1}}, Rule{})
	if !v.Published || v.Value != 2e300 || v.Reason != "" {
		t.Errorf("sum of 1e300 and 1e300: %+v", v)
	}
}

// TestWithheldValuesSayWhy: every withheld value has a reason, and a published one none.
func TestWithheldValuesSayWhy(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		name    string
		members []Member
		rule    Rule
		reason  string
	}{
		{"no weight", []Member{{Value: 5, Status: Reported, Weight: nan, People: nan}}, Rule{}, "no member has a value"},
		{"low coverage", []Member{{Value: 5, Status: Reported, Weight: 1, People: 1}, {Value: nan, People: 3}}, DefaultRule, "coverage below the threshold"},
		{"carried only", []Member{{Value: 5, Status: CarriedForward, Weight: 1, People: 1}}, DefaultRule, "too few reported or interpolated values"},
		{"zero weights", []Member{{Value: 5, Status: Reported, Weight: 0, People: 1}}, DefaultRule, "no member has a weight"},
		{"published", []Member{{Value: 5, Status: Reported, Weight: 1, People: 1}}, DefaultRule, ""},
	} {
		v := Group(WeightedMean, c.members, c.rule)
		if v.Reason != c.reason || v.Published != (c.reason == "") {
			t.Errorf("%s: published %v, reason %q; want %q", c.name, v.Published, v.Reason, c.reason)
		}
	}
}
