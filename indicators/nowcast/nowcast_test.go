package nowcast

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/ictstat/ictstat/engine/store"
)

func expit(z float64) float64 { return inverse(Logit, z) }

// curve is 100·expit(a + b·(t − 2000)).
func curve(a, b float64, t int) float64 { return expit(a + b*float64(t-2000)) }

// synthetic generates n economies in four groups whose logit slopes are 0.08–0.23 per year with
// an economy's own deviation (sd 0.02), from 0.7–12% in 2000, observed 2000–2024 with logit noise
// of sd noise and one year in five missing; few reach the 99.5% clamp. truth holds each economy's
// (a, b).
func synthetic(n int, noise float64, seed uint64) (series []Series, truth map[string][2]float64) {
	r := rand.New(rand.NewPCG(seed, 7))
	truth = map[string][2]float64{}
	for i := range n {
		g := i % 4
		b := 0.08 + 0.05*float64(g) + 0.02*r.NormFloat64()
		a := -5 + 3*r.Float64()
		s := Series{Economy: fmt.Sprintf("E%03d", i), Group: fmt.Sprintf("G%d", g)}
		for y := 2000; y <= 2024; y++ {
			if r.Float64() < 0.2 {
				continue
			}
			s.Years = append(s.Years, y)
			s.Values = append(s.Values, expit(a+b*float64(y-2000)+noise*r.NormFloat64()))
		}
		series = append(series, s)
		truth[s.Economy] = [2]float64{a, b}
	}
	return series, truth
}

// cutSeries keeps the years ≤ year.
func cutSeries(series []Series, year int) []Series {
	var out []Series
	for _, s := range series {
		c := Series{Economy: s.Economy, Group: s.Group}
		for i, y := range s.Years {
			if y <= year {
				c.Years = append(c.Years, y)
				c.Values = append(c.Values, s.Values[i])
			}
		}
		out = append(out, c)
	}
	return out
}

// A logistic curve whose group shares its slope is a straight line on the logit scale: the
// nowcast is exact whatever k, and the intervals (no error in the past) have no width.
func TestExactOnLogistic(t *testing.T) {
	var series []Series
	for i := range 12 {
		b := 0.2 + 0.1*float64(i%3)
		a := -5 + 0.2*float64(i)
		s := Series{Economy: fmt.Sprintf("E%d", i), Group: fmt.Sprintf("G%d", i%3)}
		for y := 2004; y <= 2016; y++ {
			s.Years = append(s.Years, y)
			s.Values = append(s.Values, curve(a, b, y))
		}
		series = append(series, s)
	}
	m := Fit(series, Options{})
	for i, s := range series {
		b := 0.2 + 0.1*float64(i%3)
		a := -5 + 0.2*float64(i)
		for y := 2017; y <= 2020; y++ {
			want := curve(a, b, y)
			if want > 99.4 {
				continue // beyond the clamp
			}
			e, ok := m.Nowcast(s.Economy, y)
			if !ok || math.Abs(e.Value-want) > 1e-6 {
				t.Fatalf("%s %d: got %+v, %v; want %.6f", s.Economy, y, e, ok, want)
			}
			if e.Horizon != y-2016 || math.Abs(e.Low95-want) > 1e-6 || math.Abs(e.High95-want) > 1e-6 {
				t.Fatalf("%s %d: horizon or interval %+v", s.Economy, y, e)
			}
		}
	}
}

func TestNowcastCases(t *testing.T) {
	series := []Series{
		{Economy: "A", Group: "G", Years: []int{2010, 2012, 2011}, Values: []float64{10, 20, 15}},
		{Economy: "B", Group: "G", Years: []int{2010, 2011, 2012}, Values: []float64{30, 35, math.NaN()}},
		{Economy: "C", Group: "G", Years: []int{2011}, Values: []float64{50}},
	}
	m := Fit(series, Options{})
	if _, ok := m.Nowcast("Z", 2015); ok {
		t.Error("unknown economy nowcast")
	}
	if e, ok := m.Nowcast("A", 2012); !ok || e.Value != 20 || e.Method != Observed {
		t.Errorf("observed year: %+v %v", e, ok)
	}
	if _, ok := m.Nowcast("A", 2011); ok {
		t.Error("a year before the last observation is not a nowcast")
	}
	if e, ok := m.Nowcast("B", 2013); !ok || e.Horizon != 2 || !(e.Value > 35 && e.Value < 100) {
		t.Errorf("B 2013 (NaN dropped, last year 2011): %+v %v", e, ok)
	}
	if e, ok := m.Nowcast("C", 2013); !ok || e.Method != Pooled || !(e.Value > 50) {
		t.Errorf("single point takes the pooled slope: %+v %v", e, ok)
	}
}

// Over many noisy synthetic economies the nowcast, fitted on data to 2019, is close to the true
// curve in 2020–2023 and far better than carry-forward; its intervals hold the truth at about
// their nominal rates in the backtest.
func TestSyntheticAccuracyAndCoverage(t *testing.T) {
	series, truth := synthetic(400, 0.1, 1)
	m := Fit(cutSeries(series, 2019), Options{})
	var aeModel, aeCarry float64
	var n int
	for _, s := range cutSeries(series, 2019) {
		last := s.Values[len(s.Values)-1]
		for y := 2020; y <= 2023; y++ {
			e, ok := m.Nowcast(s.Economy, y)
			if !ok {
				t.Fatalf("%s %d: no nowcast", s.Economy, y)
			}
			want := curve(truth[s.Economy][0], truth[s.Economy][1], y)
			aeModel += math.Abs(e.Value - want)
			aeCarry += math.Abs(last - want)
			n++
		}
	}
	aeModel, aeCarry = aeModel/float64(n), aeCarry/float64(n)
	t.Logf("2020–2023 against the true curve: MAE model %.3f, carry %.3f (k = %g)", aeModel, aeCarry, m.K)
	if aeModel > 0.4*aeCarry || aeModel > 3 {
		t.Errorf("MAE model %.3f, carry %.3f", aeModel, aeCarry)
	}

	res := Backtest(series, nil, nil, Options{})
	if len(res.Rows) != 3 || len(res.Models) != 10 {
		t.Fatalf("rows %d, origins %d", len(res.Rows), len(res.Models))
	}
	for _, r := range res.Rows {
		t.Logf("h%d n=%d MAE model %.3f carry %.3f linear %.3f bias %+.3f cov80 %.3f cov95 %.3f",
			r.Horizon, r.N, r.Model.MAE, r.Carry.MAE, r.Linear.MAE, r.Model.Bias, r.Coverage80, r.Coverage95)
		if r.N < 1000 {
			t.Errorf("h%d: only %d comparisons", r.Horizon, r.N)
		}
		if r.Model.MAE > 0.6*r.Carry.MAE || r.Model.MAE > r.Linear.MAE {
			t.Errorf("h%d: MAE model %.3f, carry %.3f, linear %.3f", r.Horizon, r.Model.MAE, r.Carry.MAE, r.Linear.MAE)
		}
		if r.Coverage80 < 0.74 || r.Coverage80 > 0.86 || r.Coverage95 < 0.90 || r.Coverage95 > 0.98 {
			t.Errorf("h%d: coverage %.3f / %.3f", r.Horizon, r.Coverage80, r.Coverage95)
		}
	}
}

// The backtest at an origin uses nothing after it: changing the values of later years (other than
// the one compared) leaves its result unchanged.
func TestBacktestNoLeakage(t *testing.T) {
	series, _ := synthetic(120, 0.1, 2)
	a := Backtest(series, []int{2015}, []int{1}, Options{})
	changed := cutSeries(series, 3000)
	for i := range changed {
		for j, y := range changed[i].Years {
			if y > 2016 {
				changed[i].Values[j] = 100 - changed[i].Values[j]
			}
		}
	}
	b := Backtest(changed, []int{2015}, []int{1}, Options{})
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("later years changed the backtest:\n%v\n%v", a, b)
	}
}

// TestRealBacktest runs the backtest on the internet use of a database when ICTSTAT_NOWCAST_DB
// names one (opened read-only), e.g. a copy of the default database.
func TestRealBacktest(t *testing.T) {
	path := os.Getenv("ICTSTAT_NOWCAST_DB")
	if path == "" {
		t.Skip("ICTSTAT_NOWCAST_DB not set")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	series, err := ReadSeries(ctx, st.DB(), "internet_use_pct")
	if err != nil {
		t.Fatal(err)
	}
	if len(series) < 100 {
		t.Fatalf("only %d economies with internet use", len(series))
	}
	for _, r := range Backtest(series, nil, nil, Options{}).Rows {
		t.Logf("h%d n=%d MAE model %.3f carry %.3f linear %.3f cov80 %.3f cov95 %.3f",
			r.Horizon, r.N, r.Model.MAE, r.Carry.MAE, r.Linear.MAE, r.Coverage80, r.Coverage95)
		if r.Model.MAE >= r.Carry.MAE || r.Coverage80 < 0.7 || r.Coverage95 < 0.85 {
			t.Errorf("h%d: model does not beat carry-forward or intervals too narrow", r.Horizon)
		}
	}
}

// Counts per 100 that grow by a constant factor on 1 + v are a straight line on the log scale: the
// nowcast follows them exactly, past 100.
func TestLogScaleExact(t *testing.T) {
	var series []Series
	for i := range 9 {
		s := Series{Economy: fmt.Sprintf("E%d", i), Group: "G"}
		for y := 2008; y <= 2020; y++ { // every origin of the internal backtest (2010–2019) has slopes
			s.Years = append(s.Years, y)
			s.Values = append(s.Values, math.Expm1(1+0.1*float64(i)+0.15*float64(y-2010)))
		}
		series = append(series, s)
	}
	m := Fit(series, Options{Scale: Log})
	for i := range 9 {
		want := math.Expm1(1 + 0.1*float64(i) + 0.15*float64(2023-2010))
		e, ok := m.Nowcast(fmt.Sprintf("E%d", i), 2023)
		if !ok || math.Abs(e.Value-want) > 1e-9*want || e.LastYear != 2020 {
			t.Errorf("E%d 2023: %+v, want %.6f", i, e, want)
		}
	}
	if m.MAE > 1e-9 || m.CarryMAE <= 1 {
		t.Errorf("internal backtest MAE %v, carry %v", m.MAE, m.CarryMAE)
	}
}

// Pooling by level takes the median slope of the n economies whose last level is nearest, worked
// by hand: levels (logit) −2, −1, 0, 1, 3 with slopes 0.1, 0.2, 0.3, 0.4, 0.5; n = 3.
func TestPoolByLevel(t *testing.T) {
	levels := []float64{-2, -1, 0, 1, 3}
	slopes := []float64{0.1, 0.2, 0.3, 0.4, 0.5}
	out := make([]*state, len(levels))
	var recent []int
	for i := range levels {
		out[i] = &state{lastZ: levels[i], own: slopes[i], n: 2}
		recent = append(recent, i)
	}
	poolByLevel(out, recent, 3)
	// −2: {−2, −1, 0}; −1: {−2, −1, 0}; 0: {−1, 0, 1}; 1: {0, 1, −1} (3 is 2 away, −1 is 2 away: either); 3: {1, 0, 3}.
	want := []float64{0.2, 0.2, 0.3, 0.3, 0.4}
	for i, s := range out {
		if i == 3 {
			if s.pooled != 0.3 && s.pooled != 0.4 {
				t.Errorf("level 1: pooled %v, want 0.3 or 0.4", s.pooled)
			}
			continue
		}
		if math.Abs(s.pooled-want[i]) > 1e-12 {
			t.Errorf("level %v: pooled %v, want %v", levels[i], s.pooled, want[i])
		}
	}
}

func TestIndicatorsFile(t *testing.T) {
	scales, err := Indicators()
	if err != nil {
		t.Fatal(err)
	}
	if scales["internet_use_pct"] != Logit || scales["mobile_broadband_per100"] != Log || scales["price_mobile_data_5gb_pct_gni"] != "" {
		t.Errorf("scales %v", scales)
	}
}
