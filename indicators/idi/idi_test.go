package idi

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func method(t testing.TB) *Method {
	t.Helper()
	m, err := Load(2024)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func close(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.6f, want %.6f", what, got, want)
	}
}

// example are raw values giving the scores of the report's worked example (Box A1.1): universal
// 92.0, 94.0, 70.5; coverage 98.8 (3G 100, 4G 98), traffic about 77.6 and 86.6, baskets 100 and
// 98.8, ownership 98.8.
func example() map[string]Value {
	v := func(x float64) Value { return Value{Value: x, Year: 2022} }
	return map[string]Value{
		"internet_use":        v(87.4),   // 87.4 / 95 = 92.0
		"households_internet": v(89.3),   // 89.3 / 95 = 94.0
		"mobile_broadband":    v(105.75), // 105.75 / 150 = 70.5
		"coverage_3g":         v(100),
		"coverage_4g":         v(98),     // 0.4 × 100 + 0.6 × 98 = 98.8
		"mobile_traffic":      v(124),    // ln 125 / ln 501 = 77.668
		"fixed_traffic":       v(2900),   // ln 2901 / ln 10001 = 86.563
		"mobile_basket":       v(0.8),    // below the goalpost of 1: clipped to 100
		"fixed_basket":        v(1.3876), // (33.30 − 1.3876) / (33.30 − 1) = 98.8
		"mobile_ownership":    v(93.86),  // 93.86 / 95 = 98.8
	}
}

func TestWorkedExample(t *testing.T) {
	m := method(t)
	r := m.Score(example())
	if !r.Scored {
		t.Fatalf("not scored: %s", r.Reason)
	}
	close(t, "internet_use", r.Normalized["internet_use"], 92.0, 1e-9)
	close(t, "households_internet", r.Normalized["households_internet"], 94.0, 1e-9)
	close(t, "mobile_broadband", r.Normalized["mobile_broadband"], 70.5, 1e-9)
	close(t, "coverage", r.Scores["coverage"], 98.8, 1e-9)
	close(t, "mobile_traffic", r.Normalized["mobile_traffic"], 77.66800178, 1e-6)
	close(t, "fixed_traffic", r.Normalized["fixed_traffic"], 86.56275342, 1e-6)
	close(t, "mobile_basket", r.Normalized["mobile_basket"], 100, 0)
	close(t, "fixed_basket", r.Normalized["fixed_basket"], 98.8, 1e-9)
	close(t, "mobile_ownership", r.Normalized["mobile_ownership"], 98.8, 1e-9)
	close(t, "universal", r.Universal, 85.5, 1e-9)
	close(t, "meaningful", r.Meaningful, 93.43845920, 1e-6)
	close(t, "IDI", r.IDI, 89.46922960, 1e-6)
	// As published, to one decimal.
	if got := fmt.Sprintf("%.1f %.1f %.1f", r.Universal, r.Meaningful, r.IDI); got != "85.5 93.4 89.5" {
		t.Errorf("pillars and IDI %s, want 85.5 93.4 89.5", got)
	}
}

func TestNormalize(t *testing.T) {
	m := method(t)
	in := map[string]Input{}
	for _, x := range m.Inputs {
		in[x.Code] = x
	}
	for _, tc := range []struct {
		code  string
		value float64
		want  float64
	}{
		{"internet_use", 47.5, 50},          // 47.5 / 95
		{"internet_use", 99, 100},           // above the goalpost: clipped
		{"mobile_broadband", 180, 100},      // above 150: clipped
		{"mobile_broadband", 75, 50},        // 75 / 150
		{"mobile_basket", 5, 80.3246433842}, // (21.33 − 5) / (21.33 − 1)
		{"mobile_basket", 30, 0},            // above the threshold: clipped to 0
		{"mobile_basket", 1, 100},
		{"fixed_basket", 33.30, 0},
		{"fixed_basket", 17.15, 50},                // halfway between 33.30 and 1
		{"mobile_traffic", 0, 0},                   // ln 1 = 0
		{"mobile_traffic", 500, 100},               // the goalpost
		{"mobile_traffic", math.Sqrt(501) - 1, 50}, // ln √501 / ln 501
		{"fixed_traffic", 99, 49.9994572},          // ln 100 / ln 10001 = 4.605170 / 9.210440
		{"coverage_3g", 64, 64},
	} {
		close(t, fmt.Sprintf("%s(%g)", tc.code, tc.value), in[tc.code].Normalize(tc.value), tc.want, 1e-6)
	}
	// The coverage score weighs 3G by 0.4 and 4G by 0.6.
	v := example()
	v["coverage_3g"], v["coverage_4g"] = Value{Value: 50, Year: 2022}, Value{Value: 0, Year: 2022}
	close(t, "coverage 3G 50, 4G 0", m.Score(v).Scores["coverage"], 20, 1e-9)
	v["coverage_3g"], v["coverage_4g"] = Value{Value: 0, Year: 2022}, Value{Value: 50, Year: 2022}
	close(t, "coverage 3G 0, 4G 50", m.Score(v).Scores["coverage"], 30, 1e-9)
}

func TestDataYearAndMissingData(t *testing.T) {
	m := method(t)
	series := []Point{{2020, 10, false}, {2021, 11, false}, {2023, 13, false}}
	if v, ok := m.Pick(series); !ok || v.Year != 2021 || v.Value != 11 {
		t.Errorf("no 2022 value: picked %+v %v, want the 2021 value", v, ok)
	}
	series = append(series, Point{2022, 12, false})
	if v, _ := m.Pick(series); v.Year != 2022 {
		t.Errorf("picked %d, want 2022", v.Year)
	}
	if _, ok := m.Pick([]Point{{2019, 9, false}, {2023, 13, false}}); ok {
		t.Error("a 2019 or 2023 value was used for IDI 2024")
	}

	v := example()
	delete(v, "fixed_traffic")
	r := m.Score(v)
	if r.Scored || !strings.Contains(r.Reason, "no value for fixed_traffic") {
		t.Errorf("a missing input: %+v", r)
	}
	v = example()
	n := 0
	for code, x := range v {
		if n < 6 {
			x.Estimated = true
			v[code] = x
			n++
		}
	}
	if r := m.Score(v); r.Scored || !strings.Contains(r.Reason, "4 of 10 inputs have an official 2022 or 2021 value") {
		t.Errorf("6 estimates: %+v", r.Reason)
	}
}

func TestWhatIfAndLifts(t *testing.T) {
	m := method(t)
	v := example()
	base := m.Score(v)
	r, err := m.WhatIf(v, map[string]float64{"mobile_broadband": 150})
	if err != nil {
		t.Fatal(err)
	}
	// The universal pillar gains (100 − 70.5) / 3; the IDI half of that.
	close(t, "IDI with mobile broadband at 150", r.IDI-base.IDI, (100-70.5)/3/2, 1e-9)
	if v["mobile_broadband"].Value != 105.75 {
		t.Error("WhatIf changed its input")
	}
	if _, err := m.WhatIf(v, map[string]float64{"colour": 1}); err == nil {
		t.Error("an unknown input was accepted")
	}
	lifts := m.Lifts(v)
	// One more point of internet use: 1/95 × 100 / 3 / 2 points of IDI, the most of any input.
	if len(lifts) != 10 || lifts[0].Code != "internet_use" {
		t.Errorf("lifts %+v", lifts)
	}
	close(t, "lift of internet use", lifts[0].Gain, 100.0/95/3/2, 1e-9)
	for _, l := range lifts {
		if l.Code == "mobile_broadband" {
			close(t, "lift of mobile broadband", l.Gain, 100.0/150/3/2, 1e-9)
		}
		if l.Code == "mobile_basket" && l.Gain != 0 {
			t.Errorf("the basket is at 100 already, yet gains %g", l.Gain)
		}
	}
}

func TestAverage(t *testing.T) {
	m := method(t)
	a := m.Score(example())
	v := example()
	v["internet_use"] = Value{Value: 47.5, Year: 2022}
	b := m.Score(v)
	missing := m.Score(map[string]Value{})
	g := Average([]Result{a, b, missing})
	if g.Economies != 3 || g.Scored != 2 {
		t.Errorf("%+v", g)
	}
	close(t, "group IDI", g.IDI, (a.IDI+b.IDI)/2, 1e-12)
}

func TestEditions(t *testing.T) {
	if got := fmt.Sprint(Editions()); got != "[2023 2024]" {
		t.Errorf("editions %s", got)
	}
	if _, err := Load(2019); err == nil {
		t.Error("an edition without a file loaded")
	}
}

// BenchmarkScore10000 scores 10,000 synthetic economies.
func BenchmarkScore10000(b *testing.B) {
	m := method(b)
	rng := rand.New(rand.NewPCG(1, 2))
	economies := make([]map[string]Value, 10000)
	for i := range economies {
		v := map[string]Value{}
		for _, in := range m.Inputs {
			lo, hi := math.Min(in.Threshold, in.Goalpost), math.Max(in.Threshold, in.Goalpost)
			v[in.Code] = Value{Value: lo + rng.Float64()*(hi-lo)*1.2, Year: 2022}
		}
		economies[i] = v
	}
	for b.Loop() {
		results := make([]Result, len(economies))
		for i, v := range economies {
			results[i] = m.Score(v)
		}
		Average(results)
	}
}
