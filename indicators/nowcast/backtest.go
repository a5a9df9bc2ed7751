package nowcast

import (
	"math"

	"github.com/ictstat/ictstat/indicators/aggregate"
)

// Score is the error of one method at one horizon: mean absolute error and mean error
// (estimate − observation), in percentage points.
type Score struct {
	MAE, Bias float64
}

// Row is the backtest at one horizon (years after the origin): N comparisons; the model, flat
// carry-forward of the last value and linear extrapolation (least squares on the last three
// points, in the series' unit); the share of observations inside the model's 80% and 95%
// intervals.
type Row struct {
	Horizon                int
	N                      int
	Model, Carry, Linear   Score
	Coverage80, Coverage95 float64
	// Means checks the intervals of group values formed as aggregates are (see Backtest).
	Means MeanCheck
}

// MeanCheck compares, for each origin and group with at least MinMeanMembers economies compared at
// the horizon, the unweighted mean of their nowcasts with the mean of their later observations:
// how many such means, their mean absolute error against carry-forward's, and the share inside
// the mean's 80% and 95% intervals formed by aggregate.Group, as a group's are (the errors equally
// correlated with the model's Correlation), and formed as the mean of the bounds (the errors fully
// correlated, the widest).
type MeanCheck struct {
	N                              int
	Model, Carry                   float64
	Coverage80, Coverage95         float64
	FullCoverage80, FullCoverage95 float64
}

// MinMeanMembers is the least number of economies in a group mean of MeanCheck.
const MinMeanMembers = 5

// Result is a backtest: one row per horizon, the same per group of the series (ITU region), and
// the model chosen at each origin.
type Result struct {
	Rows    []Row
	ByGroup map[string][]Row
	Models  map[int]Model
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
	o := opts.withDefaults()
	ps := prepare(series, o.Scale)
	accs := make([]acc, len(horizons))
	byGroup := map[string][]acc{}
	means := make([]meanAcc, len(horizons))
	res := Result{Models: map[int]Model{}, ByGroup: map[string][]Row{}}
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
		kept := m
		kept.states = nil // only its parameters are kept
		res.Models[t] = kept
		sums := make([]map[string]*groupSum, len(horizons))
		for hi := range sums {
			sums[hi] = map[string]*groupSum{}
		}
		for _, p := range ps {
			c := p.cut(t)
			if c == 0 {
				continue
			}
			carry := p.v[c-1]
			linear := linearAt(p.years[max(0, c-3):c], p.v[max(0, c-3):c], o.Scale)
			for hi, h := range horizons {
				j := p.cut(t+h) - 1
				if j < 0 || p.years[j] != t+h {
					continue
				}
				est, ok := m.Nowcast(p.economy, t+h)
				if !ok {
					continue
				}
				if byGroup[p.group] == nil {
					byGroup[p.group] = make([]acc, len(horizons))
				}
				ests := [3]float64{est.Value, carry, linear(t + h)}
				accs[hi].add(ests, est, p.v[j])
				byGroup[p.group][hi].add(ests, est, p.v[j])
				gs := sums[hi][p.group]
				if gs == nil {
					gs = &groupSum{}
					sums[hi][p.group] = gs
				}
				gs.add(est, carry, p.v[j])
			}
		}
		for hi := range horizons {
			for _, gs := range sums[hi] {
				means[hi].add(gs, m.Correlation)
			}
		}
	}
	res.Rows = rows(accs, horizons)
	for hi := range res.Rows {
		res.Rows[hi].Means = means[hi].check()
	}
	for g, a := range byGroup {
		res.ByGroup[g] = rows(a, horizons)
	}
	return res
}

// acc accumulates the comparisons at one horizon.
type acc struct {
	n                     int
	ae, e                 [3]float64 // model, carry, linear
	in80, in95, intervals int
}

func (a *acc) add(ests [3]float64, est Estimate, obs float64) {
	a.n++
	for mi, v := range ests {
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

func rows(accs []acc, horizons []int) []Row {
	var out []Row
	for hi, h := range horizons {
		a := accs[hi]
		r := Row{Horizon: h, N: a.n}
		n := float64(a.n)
		sc := func(i int) Score { return Score{MAE: a.ae[i] / n, Bias: a.e[i] / n} }
		r.Model, r.Carry, r.Linear = sc(0), sc(1), sc(2)
		r.Coverage80 = float64(a.in80) / float64(a.intervals)
		r.Coverage95 = float64(a.in95) / float64(a.intervals)
		out = append(out, r)
	}
	return out
}

// linearAt is the least-squares line through the points, in the series' unit, clamped to 0–100
// for shares and to ≥ 0 for counts; a single point is carried flat.
func linearAt(years []int, v []float64, scale string) func(int) float64 {
	var tb, vb float64
	for i := range years {
		tb += float64(years[i])
		vb += v[i]
	}
	n := float64(len(years))
	tb, vb, b := tb/n, vb/n, olsSlope(years, v) // the line passes through the means
	return func(t int) float64 {
		x := math.Max(vb+b*(float64(t)-tb), 0)
		if scale == Logit {
			x = math.Min(x, 100)
		}
		return x
	}
}

// groupSum sums a group's comparisons at one origin and horizon.
type groupSum struct {
	n               int
	est, carry, obs float64
	bounds          [4]float64
	members         []aggregate.Member // the nowcasts, as a group's aggregate takes them
	noBounds        bool
}

func (g *groupSum) add(est Estimate, carry, obs float64) {
	g.n++
	g.est += est.Value
	g.carry += carry
	g.obs += obs
	b := [4]float64{est.Low80, est.High80, est.Low95, est.High95}
	for i := range b {
		g.bounds[i] += b[i]
		g.noBounds = g.noBounds || math.IsNaN(b[i])
	}
	g.members = append(g.members, aggregate.Member{Value: est.Value, Status: aggregate.Nowcast, Weight: 1, People: 1, Bounds: b})
}

// meanAcc accumulates the group means of MeanCheck.
type meanAcc struct {
	n, in80, in95, full80, full95 int
	ae, aeCarry                   float64
}

func (m *meanAcc) add(g *groupSum, rho float64) {
	if g.n < MinMeanMembers || g.noBounds {
		return
	}
	n := float64(g.n)
	obs, est := g.obs/n, g.est/n
	m.n++
	m.ae += math.Abs(est - obs)
	m.aeCarry += math.Abs(g.carry/n - obs)
	inside := func(lo, hi float64) int {
		if lo <= obs && obs <= hi {
			return 1
		}
		return 0
	}
	m.full80 += inside(g.bounds[0]/n, g.bounds[1]/n)
	m.full95 += inside(g.bounds[2]/n, g.bounds[3]/n)
	for i := range g.members {
		g.members[i].Correlation = rho
	}
	b := aggregate.Group(aggregate.WeightedMean, g.members, aggregate.Rule{}).Bounds
	m.in80 += inside(b[0], b[1])
	m.in95 += inside(b[2], b[3])
}

func (m meanAcc) check() MeanCheck {
	n := float64(m.n)
	return MeanCheck{N: m.n, Model: m.ae / n, Carry: m.aeCarry / n, Coverage80: float64(m.in80) / n, Coverage95: float64(m.in95) / n,
		FullCoverage80: float64(m.full80) / n, FullCoverage95: float64(m.full95) / n}
}
