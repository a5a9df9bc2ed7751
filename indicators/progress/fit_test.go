package progress

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// logistic returns K/(1 + exp(−r(t − t0))) + noise(i) for the years from..to.
func logistic(k, r, t0 float64, from, to int, noise func(i int) float64) Series {
	var s Series
	for y := from; y <= to; y++ {
		v := k / (1 + math.Exp(-r*(float64(y)-t0)))
		if noise != nil {
			v += noise(y - from)
		}
		s.Years, s.Values = append(s.Years, y), append(s.Values, v)
	}
	return s
}

// line returns a + b·(t − from) + noise(i) for the years from..to.
func line(a, b float64, from, to int, noise func(i int) float64) Series {
	var s Series
	for y := from; y <= to; y++ {
		v := a + b*float64(y-from)
		if noise != nil {
			v += noise(y - from)
		}
		s.Years, s.Values = append(s.Years, y), append(s.Values, v)
	}
	return s
}

// wiggle is small deterministic noise of amplitude a.
func wiggle(a float64) func(int) float64 {
	return func(i int) float64 { return a * math.Sin(2.3*float64(i)+0.7) }
}

// rangeOf is a percentage's range when bounded, else the unbounded range.
func rangeOf(bounded bool) Range {
	if bounded {
		return Percent
	}
	return Range{}
}

// transformOf is the transform of a range, as a goal on it resolves it.
func transformOf(rng Range) transform {
	g, _ := resolve(Goal{Comparator: "ge", Range: rng})
	return g.tr
}

// fit runs the model choice on a series and returns the chosen model and the logistic fits run.
func fit(s Series, rng Range) (model, int) {
	w := pool.Get().(*workspace)
	defer pool.Put(w)
	w.t, w.y = w.t[:0], w.y[:0]
	for i, y := range s.Years {
		w.t, w.y = append(w.t, float64(y)), append(w.y, s.Values[i])
	}
	var m model
	n := w.choose(transformOf(rng), &m)
	return m, n
}

func relNear(t *testing.T, what string, got, want, rel float64) {
	t.Helper()
	if !(math.Abs(got-want) <= rel*math.Abs(want)) {
		t.Errorf("%s = %.9g, want %.9g (±%g relative)", what, got, want, rel)
	}
}

// exact checks the fitted fields of the assessment of a series without noise: the model, and the
// anticipated value and projected year (a whole year, compared exactly), each with an interval of
// no width.
func exact(t *testing.T, r Result, model string, anticipated, year, tol float64) {
	t.Helper()
	if r.Model != model {
		t.Fatalf("model %q, want %q", r.Model, model)
	}
	near(t, "Anticipated", r.Anticipated, anticipated, tol)
	near(t, "AnticipatedLow", r.AnticipatedLow, anticipated, tol)
	near(t, "AnticipatedHigh", r.AnticipatedHigh, anticipated, tol)
	near(t, "ProjectedYear", r.ProjectedYear, year, 0)
	near(t, "ProjectedLow", r.ProjectedLow, year, 0)
	near(t, "ProjectedHigh", r.ProjectedHigh, year, 0)
}

func TestLinearTrend(t *testing.T) {
	// y = 10 + 2(t − 2015): 40 in 2030, 50 in 2035; no residuals, so no width.
	r := Assess(line(10, 2, 2015, 2024, nil), Goal{Comparator: "ge", Level: 50, BaselineYear: 2015, Deadline: 2030})
	exact(t, r, Linear, 40, 2035, 1e-6)

	// Values before the baseline are not fitted either.
	s := line(10, 2, 2015, 2024, nil)
	s.Years = append([]int{2005, 2010}, s.Years...)
	s.Values = append([]float64{90, 0}, s.Values...)
	r = Assess(s, Goal{Comparator: "ge", Level: 50, BaselineYear: 2015, Deadline: 2030})
	near(t, "Anticipated, earlier values present", r.Anticipated, 40, 1e-9)
}

func TestLinearNoisy(t *testing.T) {
	// A clearly linear series: the held-out points favour the line, whose slope is recovered.
	s := line(20, 1.5, 2000, 2024, wiggle(0.3))
	m, fits := fit(s, Range{})
	if m.kind != Linear || fits != 1 {
		t.Fatalf("model %q after %d logistic fits, want linear after 1", m.kind, fits)
	}
	near(t, "slope", m.b, 1.5, 0.02)
	r := Assess(s, Goal{Comparator: "ge", Level: 80, BaselineYear: 2000, Deadline: 2030})
	// 20 + 1.5·30 = 65 in 2030; 80 is reached in 2040: with the noise, the fitted line meets it
	// in 2040 or the whole year after.
	near(t, "Anticipated", r.Anticipated, 65, 0.5)
	near(t, "ProjectedYear", r.ProjectedYear, 2040.5, 0.5)
	if !(r.AnticipatedLow < r.Anticipated && r.Anticipated < r.AnticipatedHigh) ||
		!(r.ProjectedLow <= r.ProjectedYear && r.ProjectedYear <= r.ProjectedHigh && r.ProjectedLow < r.ProjectedHigh) {
		t.Errorf("intervals out of order: %+v", r)
	}
}

func TestFallingPrice(t *testing.T) {
	// 5 − 0.25(t − 2015) reaches 2 in 2027 and is 1.25 in 2030. A falling series gets no logistic.
	s := line(5, -0.25, 2015, 2023, nil)
	r, fits := assess(s, Goal{Comparator: "le", Level: 2, BaselineYear: 2015, Deadline: 2030})
	if r.Model != Linear || fits != 0 {
		t.Fatalf("model %q after %d logistic fits, want linear after none", r.Model, fits)
	}
	near(t, "Anticipated", r.Anticipated, 1.25, 1e-9)
	near(t, "ProjectedYear", r.ProjectedYear, 2027, 1e-6)

	// With noise the optimistic bound (the lower one, for a price) gets there first.
	r = Assess(line(5, -0.25, 2015, 2023, wiggle(0.05)), Goal{Comparator: "le", Level: 2, BaselineYear: 2015, Deadline: 2030})
	near(t, "ProjectedYear (noisy)", r.ProjectedYear, 2027, 0)
	if !(r.ProjectedLow <= r.ProjectedYear && r.ProjectedYear <= r.ProjectedHigh && r.ProjectedLow < r.ProjectedHigh) {
		t.Errorf("projected %v, interval %v–%v", r.ProjectedYear, r.ProjectedLow, r.ProjectedHigh)
	}
	if !(r.AnticipatedLow < r.Anticipated && r.Anticipated < r.AnticipatedHigh) {
		t.Errorf("anticipated %v, interval %v–%v", r.Anticipated, r.AnticipatedLow, r.AnticipatedHigh)
	}
}

func TestLogisticRecovery(t *testing.T) {
	for _, bounded := range []bool{true, false} {
		// K = 80, r = 0.4, t0 = 2012, no noise: K in [79.3, 100] (bounded) or [79.3, 238].
		s := logistic(80, 0.4, 2012, 2000, 2024, nil)
		w := pool.Get().(*workspace)
		w.t, w.y = w.t[:0], w.y[:0]
		for i, y := range s.Years {
			w.t, w.y = append(w.t, float64(y)), append(w.y, s.Values[i])
		}
		var m model
		if !w.fitLogistic(w.t, w.y, transformOf(rangeOf(bounded)), &m) {
			t.Fatal("the fit failed")
		}
		pool.Put(w)
		relNear(t, "K", m.k, 80, 1e-3)
		relNear(t, "r", m.r, 0.4, 1e-3)
		near(t, "t0", m.t0, 2012, 1e-3)

		// Through Assess with data to 2014 (55.2%): 80/(1 + e^−7.2) = 79.940318 in 2030;
		// 75 reached at t0 − ln(80/75 − 1)/r = 2012 + ln(15)/0.4 = 2018.770126, so first met in the
		// whole year 2019.
		s = logistic(80, 0.4, 2012, 2000, 2014, nil)
		r := Assess(s, Goal{Comparator: "ge", Level: 75, BaselineYear: 2000, Deadline: 2030, Range: rangeOf(bounded)})
		exact(t, r, Logistic, 79.940318, 2019, 1e-3)
	}
}

func TestLogisticNoisy(t *testing.T) {
	// K = 80, r = 0.4, t0 = 2012 with deterministic noise of ±0.5 points.
	m, _ := fit(logistic(80, 0.4, 2012, 2000, 2024, wiggle(0.5)), Percent)
	if m.kind != Logistic {
		t.Fatalf("model %q, want logistic", m.kind)
	}
	relNear(t, "K", m.k, 80, 0.03)
	relNear(t, "r", m.r, 0.4, 0.05)
	near(t, "t0", m.t0, 2012, 0.3)
}

func TestEarlySCurve(t *testing.T) {
	// max y = 100/(1 + e^1.5) = 18.2% < 30% of the range: no logistic is tried, and the
	// logit-linear trend is the logistic with K at 100: logit(y/100) = r(t − t0), so the slope is
	// r = 0.3 and the intercept −r·t0 = −607.5.
	s := logistic(100, 0.3, 2025, 2005, 2020, nil)
	m, fits := fit(s, Percent)
	if m.kind != LogitLinear || fits != 0 {
		t.Fatalf("model %q after %d logistic fits, want logit-linear after none", m.kind, fits)
	}
	near(t, "r", m.b, 0.3, 1e-9)
	near(t, "t0", -m.a/m.b, 2025, 1e-6)

	// Even when the true saturation is lower (60): early on it cannot be told from the range's top.
	m, _ = fit(logistic(60, 0.3, 2020, 2005, 2015, nil), Percent)
	if m.kind != LogitLinear {
		t.Errorf("model %q with K = %v, want logit-linear", m.kind, m.k)
	}
}

func TestModelChoice(t *testing.T) {
	// Clearly logistic: saturating at 90 from 2015.
	m, fits := fit(logistic(90, 0.5, 2010, 2000, 2024, wiggle(0.3)), Percent)
	if m.kind != Logistic || fits != 2 {
		t.Errorf("saturating series: model %q after %d logistic fits, want logistic after 2 (hold-out, refit)", m.kind, fits)
	}
	// Clearly linear, unbounded.
	m, _ = fit(line(20, 1.5, 2000, 2024, wiggle(0.3)), Range{})
	if m.kind != Linear {
		t.Errorf("linear series: model %q", m.kind)
	}
	// Fewer than 6 points: the trend on the share's scale, no logistic tried (§5.5).
	r, fits := assess(logistic(90, 0.5, 2010, 2005, 2009, nil), Goal{Comparator: "ge", Level: 95, BaselineYear: 2005, Deadline: 2030, Range: Percent})
	if r.Model != LogitLinear || fits != 0 {
		t.Errorf("5 points: model %q after %d logistic fits, want logit-linear after none", r.Model, fits)
	}
}

// TestCoverage checks the 95% intervals against the truth on 200 series generated from known
// parameters with Gaussian noise: about 95% of intervals should hold it (1.96 rather than a t
// quantile and the delta method's approximation make it a little less).
func TestCoverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	const n = 200
	check := func(what string, in, all int) {
		if f := float64(in) / float64(all); f < 0.85 || f > 1 {
			t.Errorf("%s: %d of %d intervals (%.1f%%) hold the truth", what, in, all, 100*f)
		} else {
			t.Logf("%s: %.1f%% coverage over %d series", what, 100*f, all)
		}
	}
	// Logistic K = 85, r = 0.3, t0 = 2012, 2000–2022: 85/(1 + e^−5.4) = 84.617817 in 2030. With
	// noise of sd 2 the largest value often exceeds K, so K ends at its lower bound max y.
	for _, sd := range []float64{1, 2} {
		gauss := func(int) float64 { return sd * rng.NormFloat64() }
		logi, in := 0, 0
		for range n {
			r := Assess(logistic(85, 0.3, 2012, 2000, 2022, gauss), Goal{Comparator: "ge", Level: 95, BaselineYear: 2000, Deadline: 2030, Range: Percent})
			if r.Model == Logistic {
				logi++
				if r.AnticipatedLow <= 84.617817 && 84.617817 <= r.AnticipatedHigh {
					in++
				}
			}
		}
		if logi < 0.75*n {
			t.Fatalf("sd %v: the logistic was chosen for %d series of %d", sd, logi, n)
		}
		check(fmt.Sprintf("logistic anticipated value, sd %v", sd), in, logi)
	}
	// Linear 10 + 2(t − 2000), 2000–2019: 70 in 2030, 80 in 2035.
	gauss := func(int) float64 { return rng.NormFloat64() }
	lin, in, yearIn := 0, 0, 0
	for range n {
		r := Assess(line(10, 2, 2000, 2019, gauss), Goal{Comparator: "ge", Level: 80, BaselineYear: 2000, Deadline: 2030})
		if r.Model == Linear {
			lin++
			if r.AnticipatedLow <= 70 && 70 <= r.AnticipatedHigh {
				in++
			}
			if r.ProjectedLow <= 2035 && 2035 <= r.ProjectedHigh {
				yearIn++
			}
		}
	}
	if lin < 0.75*n {
		t.Fatalf("the line was chosen for %d series of %d", lin, n)
	}
	check("linear anticipated value", in, lin)
	check("linear projected year", yearIn, lin)
}

// logitLine returns 100/(1 + exp(−(a + b·(t − from)))) for the years from..to: a straight line on
// the logit scale of a percentage.
func logitLine(a, b float64, from, to int) Series {
	var s Series
	for y := from; y <= to; y++ {
		s.Years, s.Values = append(s.Years, y), append(s.Values, 100/(1+math.Exp(-(a+b*float64(y-from)))))
	}
	return s
}

func TestAnticipated(t *testing.T) {
	g := Goal{Comparator: "ge", Level: 99, BaselineYear: 2015, Deadline: 2030, Range: Percent}
	// logit(y/100) = −0.5 + 0.4(t − 2015), 2015–2019 (37.8% to 75.0%; five points, so no
	// logistic is tried): 5.5 in 2030, that is
	// 100/(1 + e^−5.5) = 99.592986%, below 100 where a straight line in percent would pass 135;
	// 99 is reached at logit(0.99) = 4.595120, in 2015 + 5.095120/0.4 = 2027.737800: first met in
	// the whole year 2028.
	r := Assess(logitLine(-0.5, 0.4, 2015, 2019), g)
	exact(t, r, LogitLinear, 99.592986, 2028, 1e-6)

	// A steep straight rise in percent: the anticipated value and its interval stay below 100
	// and hold each other in order.
	r = Assess(line(60, 5, 2015, 2022, wiggle(0.5)), g)
	if !(r.AnticipatedLow <= r.Anticipated && r.Anticipated <= r.AnticipatedHigh && r.AnticipatedHigh < 100 && r.AnticipatedLow > 0) {
		t.Errorf("anticipated %v (%v–%v), want inside 0–100 and in order", r.Anticipated, r.AnticipatedLow, r.AnticipatedHigh)
	}

	// A deadline inside the data: the observed value, with no interval.
	r = Assess(line(20, 2, 2010, 2024, wiggle(1)), Goal{Comparator: "ge", Level: 90, BaselineYear: 2010, Deadline: 2020})
	want := 20 + 2*10 + wiggle(1)(10)
	if r.Anticipated != want || r.AnticipatedLow != want || r.AnticipatedHigh != want {
		t.Errorf("anticipated %v (%v–%v), want the observed %v", r.Anticipated, r.AnticipatedLow, r.AnticipatedHigh, want)
	}

	// Target met: no projected year, but an anticipated value (99.592986 as above).
	r = Assess(logitLine(-0.5, 0.4, 2015, 2019), Goal{Comparator: "ge", Level: 75, BaselineYear: 2015, Deadline: 2030, Range: Percent})
	if r.Class != TargetMet || !math.IsNaN(r.ProjectedYear) || !math.IsNaN(r.ProjectedLow) || !math.IsNaN(r.ProjectedHigh) {
		t.Errorf("target met: %+v", r)
	}
	near(t, "Anticipated (target met)", r.Anticipated, 99.592986, 1e-6)

	// A trend away from the target never reaches it.
	r = Assess(line(60, -1, 2015, 2022, nil), Goal{Comparator: "ge", Level: 90, BaselineYear: 2015, Deadline: 2030})
	if !math.IsNaN(r.ProjectedYear) {
		t.Errorf("falling series, higher is better: projected %v", r.ProjectedYear)
	}
	// Reaching it only after 2100: 10 + 0.5(t − 2015) = 90 in 2175.
	r = Assess(line(10, 0.5, 2015, 2022, nil), Goal{Comparator: "ge", Level: 90, BaselineYear: 2015, Deadline: 2030})
	if !math.IsNaN(r.ProjectedYear) {
		t.Errorf("slow series: projected %v, want NaN (after 2100)", r.ProjectedYear)
	}

	// Two points: a line through them, with no residual variance for an interval.
	r = Assess(series(yrs(2015, 2020), 50, 60), Goal{Comparator: "ge", Level: 90, BaselineYear: 2015, Deadline: 2030})
	near(t, "Anticipated (2 points)", r.Anticipated, 80, 1e-9)
	near(t, "ProjectedYear (2 points)", r.ProjectedYear, 2035, 1e-6)
	near(t, "AnticipatedLow (2 points)", r.AnticipatedLow, math.NaN(), 0)
	near(t, "ProjectedHigh (2 points)", r.ProjectedHigh, math.NaN(), 0)
}

func TestParityFit(t *testing.T) {
	// GPS x(t) = 1/(1 + 0.25·e^(−0.1(t − 2015))): the distance from parity max(x, 1/x) − 1 falls by
	// 10% a year on the log scale. In 2030 max(x, 1/x) = 1 + 0.25·e^−1.5 = 1.055783; 1.02 is
	// reached when e^(−0.1d) = 0.08, d = ln(12.5)/0.1 = 25.257286, in 2040.257286: first met in the
	// whole year 2041.
	var s Series
	for y := 2015; y <= 2022; y++ {
		s.Years, s.Values = append(s.Years, y), append(s.Values, 1/(1+0.25*math.Exp(-0.1*float64(y-2015))))
	}
	r := Assess(s, Goal{Comparator: "parity", Level: 1.02, BaselineYear: 2015, Deadline: 2030})
	exact(t, r, LogLinear, 1.055783, 2041, 1e-6)
	if r.Range.Min != 1 || !math.IsInf(r.Range.Max, 1) {
		t.Errorf("range %+v, want [1, +Inf)", r.Range)
	}

	// A straight fall in max(x, 1/x) that would cross parity: the path approaches 1 but stays above.
	s = Series{}
	for y := 2015; y <= 2022; y++ {
		s.Years, s.Values = append(s.Years, y), append(s.Values, 1/(1.25-0.03*float64(y-2015)))
	}
	r = Assess(s, Goal{Comparator: "parity", Level: 1.02, BaselineYear: 2015, Deadline: 2030})
	if !(r.AnticipatedLow > 1 && r.AnticipatedLow <= r.Anticipated && r.Anticipated <= r.AnticipatedHigh) {
		t.Errorf("anticipated %v (%v–%v), want above 1 and in order", r.Anticipated, r.AnticipatedLow, r.AnticipatedHigh)
	}
}

func TestConcurrent(t *testing.T) {
	ss := benchSeries(64)
	want := make([]Result, len(ss))
	for i, s := range ss {
		want[i] = Assess(s, benchGoal(i))
	}
	var wg sync.WaitGroup
	errs := make(chan int, 4*len(ss))
	for range 4 {
		wg.Go(func() {
			for i, s := range ss {
				got := Assess(s, benchGoal(i))
				if !same(got, want[i]) {
					errs <- i
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for i := range errs {
		t.Errorf("series %d: concurrent result differs", i)
	}
}

func same(a, b Result) bool {
	eq := func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }
	return a.Class == b.Class && a.Note == b.Note && a.Model == b.Model && eq(a.Ratio, b.Ratio) &&
		eq(a.Anticipated, b.Anticipated) && eq(a.AnticipatedLow, b.AnticipatedLow) && eq(a.AnticipatedHigh, b.AnticipatedHigh) &&
		eq(a.ProjectedYear, b.ProjectedYear) && eq(a.ProjectedLow, b.ProjectedLow) && eq(a.ProjectedHigh, b.ProjectedHigh)
}

func TestMetricsAllocations(t *testing.T) {
	s := logistic(80, 0.4, 2012, 2005, 2024, nil)
	g := Goal{Comparator: "ge", Level: 95, BaselineYear: 2015, Deadline: 2030, Range: Percent}
	if n := testing.AllocsPerRun(100, func() { Metrics(s, g) }); n != 0 {
		t.Errorf("Metrics allocates %v times", n)
	}
}

func TestInvert(t *testing.T) {
	// [[4 2 0] [2 3 1] [0 1 2]]: determinant 12, inverse [[5 −4 2] [−4 8 −4] [2 −4 8]]/12 (cofactors).
	a := [3][3]float64{{4, 2, 0}, {2, 3, 1}, {0, 1, 2}}
	inv, ok := invert(a, 3)
	want := [3][3]float64{{5, -4, 2}, {-4, 8, -4}, {2, -4, 8}}
	for i := range 3 {
		for j := range 3 {
			if !ok || math.Abs(inv[i][j]-want[i][j]/12) > 1e-15 {
				t.Fatalf("inverse %v (%v), want %v/12", inv, ok, want)
			}
		}
	}
	// The leading 2×2 block [[4 2] [2 3]]: determinant 8, inverse [[3 −2] [−2 4]]/8.
	inv, ok = invert(a, 2)
	if !ok || inv[0][0] != 3.0/8 || inv[0][1] != -2.0/8 || inv[1][1] != 4.0/8 {
		t.Errorf("2×2 inverse %v (%v)", inv, ok)
	}
	if inv, ok = invert(a, 1); !ok || inv[0][0] != 0.25 {
		t.Errorf("1×1 inverse %v (%v)", inv, ok)
	}
	// Not positive definite: [[1 2] [2 1]] (determinant −3); [[−1 0 0] [0 −1 0] [0 0 1]] (determinant 1).
	if _, ok := invert([3][3]float64{{1, 2}, {2, 1}}, 2); ok {
		t.Error("an indefinite 2×2 matrix was inverted")
	}
	if _, ok := invert([3][3]float64{{-1, 0, 0}, {0, -1, 0}, {0, 0, 1}}, 3); ok {
		t.Error("an indefinite 3×3 matrix with a positive determinant was inverted")
	}
}

func TestLogisticAtTheCap(t *testing.T) {
	// True K = 100 = the cap, data to 83.2% (2016): the fit ends at the bound and K is held there,
	// out of the covariance; r and t0 are recovered.
	m, _ := fit(logistic(100, 0.4, 2012, 2000, 2016, nil), Percent)
	if m.kind != Logistic || m.k != 100 || m.free[0] {
		t.Fatalf("model %q with K = %v (free %v), want logistic with K held at 100", m.kind, m.k, m.free[0])
	}
	relNear(t, "r", m.r, 0.4, 1e-3)
	near(t, "t0", m.t0, 2012, 1e-3)
	if m.cov[0][0] != 0 || !(m.cov[1][1] >= 0) {
		t.Errorf("covariance %v: K should not vary", m.cov)
	}
}
