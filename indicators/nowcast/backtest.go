package nowcast

import "math"

// Score is the error of one method at one horizon: mean absolute error and mean error
// (estimate − observation), in percentage points.
type Score struct {
	MAE, Bias float64
}

// Row is the backtest at one horizon (years after the origin): N comparisons; the model, flat
// carry-forward of the last value and linear extrapolation (least squares on the last three
// points, in percentage points, clamped to 0–100); the share of observations inside the model's
// 80% and 95% intervals.
type Row struct {
	Horizon                int
	N                      int
	Model, Carry, Linear   Score
	Coverage80, Coverage95 float64
}

// Result is a backtest: one row per horizon, and the k the model chose at each origin.
type Result struct {
	Rows []Row
	K    map[int]float64
}

// DefaultOrigins are the backtest's origin years, 2012–2021.
func DefaultOrigins() []int {
	var o []int
	for y := 2012; y <= 2021; y++ {
		o = append(o, y)
	}
	return o
}

// Backtest measures the model out of sample. For each origin t every series is cut to its years
// ≤ t and Fit on the cut series alone; so k and the intervals come from Fit's internal backtest
// on origins before t whose outcomes are at most t (no leakage of years after t). Each economy with
// a point at or before t and an observation in year t + h is then nowcast for t + h and compared
// with the observation, for each horizon h. Horizons default to 1, 2, 3 and origins to
// DefaultOrigins.
func Backtest(series []Series, origins, horizons []int, opts Options) Result {
	if len(origins) == 0 {
		origins = DefaultOrigins()
	}
	if len(horizons) == 0 {
		horizons = []int{1, 2, 3}
	}
	ps := prepare(series)
	type acc struct {
		n                     int
		ae, e                 [3]float64 // model, carry, linear
		in80, in95, intervals int
	}
	accs := make([]acc, len(horizons))
	res := Result{K: map[int]float64{}}
	for _, t := range origins {
		cut := make([]Series, 0, len(ps))
		for _, p := range ps {
			c := p.cut(t)
			if c == 0 {
				continue
			}
			cut = append(cut, Series{Economy: p.economy, Group: p.group, Years: p.years[:c], Values: p.v[:c]})
		}
		m := Fit(cut, opts)
		res.K[t] = m.K
		for _, p := range ps {
			c := p.cut(t)
			if c == 0 {
				continue
			}
			carry := p.v[c-1]
			linear := linearAt(p.years[max(0, c-3):c], p.v[max(0, c-3):c])
			for hi, h := range horizons {
				j := p.cut(t+h) - 1
				if j < 0 || p.years[j] != t+h {
					continue
				}
				est, ok := m.Nowcast(p.economy, t+h)
				if !ok {
					continue
				}
				obs := p.v[j]
				a := &accs[hi]
				a.n++
				for mi, v := range [3]float64{est.Value, carry, linear(t + h)} {
					a.ae[mi] += math.Abs(v - obs)
					a.e[mi] += v - obs
				}
				if !math.IsNaN(est.Low80) {
					a.intervals++
					if est.Low80 <= obs && obs <= est.High80 {
						a.in80++
					}
					if est.Low95 <= obs && obs <= est.High95 {
						a.in95++
					}
				}
			}
		}
	}
	for hi, h := range horizons {
		a := accs[hi]
		r := Row{Horizon: h, N: a.n}
		n := float64(a.n)
		sc := func(i int) Score { return Score{MAE: a.ae[i] / n, Bias: a.e[i] / n} }
		r.Model, r.Carry, r.Linear = sc(0), sc(1), sc(2)
		r.Coverage80 = float64(a.in80) / float64(a.intervals)
		r.Coverage95 = float64(a.in95) / float64(a.intervals)
		res.Rows = append(res.Rows, r)
	}
	return res
}

// linearAt is the least-squares line through the points, in percentage points, clamped to 0–100;
// a single point is carried flat.
func linearAt(years []int, v []float64) func(int) float64 {
	n := float64(len(years))
	var tb, vb float64
	for i := range years {
		tb += float64(years[i])
		vb += v[i]
	}
	tb, vb = tb/n, vb/n
	var sxy, sxx float64
	for i := range years {
		d := float64(years[i]) - tb
		sxy += d * (v[i] - vb)
		sxx += d * d
	}
	b := 0.0
	if sxx > 0 {
		b = sxy / sxx
	}
	return func(t int) float64 {
		return math.Min(math.Max(vb+b*(float64(t)-tb), 0), 100)
	}
}
