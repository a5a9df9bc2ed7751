// Package nowcast estimates an economy's missing recent years of an indicator up to a nowcast
// year, with 80% and 95% predictive intervals: shares (internet use, coverage, % of population) on
// the logit scale, counts per 100 inhabitants (subscriptions) on the log scale.
//
// The model is ictstat's own (ITU's nowcasting method is not published in a form that could be
// followed). On the model's scale z — z = logit(p), p = v/100 clamped to [0.5%, 99.5%], for
// shares; z = log(1 + v) for counts per 100:
//
//	ẑ(t) = z_last + b·(t − t_last),   b = w·b_own + (1 − w)·b_pool,   w = n/(n + k)
//
// where z_last and t_last are the economy's last observation, b_own is the least-squares slope of
// z on the year over the economy's last n ≤ window points (n ≥ 2; with fewer, w = 0), and b_pool
// is the median of b_own over a pool of similar economies whose last observation is at most
// RecentYears before the fit's last year: either the economy's group (ITU region; all economies
// when the group has fewer than three such members) or the economies nearest to it in level (the
// n whose z_last is closest to its own). The estimate is the inverse of the scale at ẑ. A logistic
// diffusion curve with its saturation at 100% is a straight line on the logit scale, so a steady
// S-curve is followed exactly.
//
// The window, the pool and k are chosen on the fitted data alone, by an internal backtest: for each
// of the last CalibrationOrigins years o before the data's last year, every series is cut to the
// years ≤ o, the model is formed from the cut series and compared with the later observations
// (horizons 1..MaxHorizon years after o). The candidate (window, pool, k) with the least mean
// absolute error in the indicator's unit is chosen; the same comparisons give flat
// carry-forward's error (CarryMAE), so a caller can keep carrying where the model does no better.
// The interval at horizon h = t − t_last is [inverse(ẑ + q_lo), inverse(ẑ + q_hi)] with q the
// empirical quantiles (10/90% and 2.5/97.5%) of the chosen candidate's out-of-sample errors
// z_obs − ẑ at that horizon, for h = 1..MaxHorizon. A horizon with fewer than MinResiduals errors,
// and any h beyond MaxHorizon, takes the quantiles of the horizon before it scaled by h/(h − 1),
// growth in proportion to the horizon (horizon 1: the errors per year of every horizon,
// (z_obs − ẑ)/h; no errors at all: NaN bounds); and a horizon's bounds are kept at least as far
// out as the horizon's before (a later year is no more certain). A last value outside the logit
// clamp (a reported 0) is where values start from: the estimate and its bounds are shifted by the
// distance between the last value and its clamped image. The intervals are thus calibrated by construction
// on the past errors of the same model; they are not guaranteed to hold when the future differs
// from the past.
package nowcast

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// Methods of an Estimate.
const (
	// Observed: the year is observed; the value is the observation and its interval is the value.
	Observed = "observed"
	// Trend: the economy's own slope shrunk toward its pool's.
	Trend = "trend"
	// Pooled: the pool's slope alone (fewer than two points, or k = +Inf).
	Pooled = "pooled slope"
)

// Scales of a model.
const (
	Logit = "logit" // shares in percent, 0–100
	Log   = "log"   // counts per 100 inhabitants, ≥ 0: z = log(1 + v)
)

const (
	clampLow, clampHigh = 0.005, 0.995
	// minGroup: a group with fewer members having a slope takes the slope of all economies.
	minGroup = 3
)

// Series is one economy's observations. Group names the economy's pool (ITU region or income
// group); "" pools it with all economies.
type Series struct {
	Economy, Group string
	Years          []int
	Values         []float64
}

// Options of Fit; zero fields take the defaults.
type Options struct {
	Scale              string    // Logit (default) or Log
	Windows            []int     // candidate numbers of points of an economy's own slope (default 3, 4, 5, 6)
	Pools              []int     // candidate pools: 0 the group, n > 0 the n economies nearest in level (default 0, 30, 60)
	Ks                 []float64 // candidate shrinkage constants (default 0, 1, 2, 4, …, 128, +Inf: the pool's slope alone)
	CalibrationOrigins int       // origins of the internal backtest (default 10)
	MaxHorizon         int       // horizons of the internal backtest, years (default 6)
	RecentYears        int       // economies pooled: last observation at most this many years old (default 5)
	MinResiduals       int       // fewer residuals at a horizon: all horizons' (scaled) are used (default 30)
}

func (o Options) withDefaults() Options {
	if o.Scale == "" {
		o.Scale = Logit
	}
	if len(o.Windows) == 0 {
		o.Windows = []int{3, 4, 5, 6}
	}
	if len(o.Pools) == 0 {
		o.Pools = []int{0, 30, 60}
	}
	if len(o.Ks) == 0 {
		o.Ks = []float64{0, 1, 2, 4, 8, 16, 32, 64, 128, math.Inf(1)}
	}
	if o.CalibrationOrigins <= 0 {
		o.CalibrationOrigins = 10
	}
	if o.MaxHorizon <= 0 {
		o.MaxHorizon = 6
	}
	if o.RecentYears <= 0 {
		o.RecentYears = 5
	}
	if o.MinResiduals <= 0 {
		o.MinResiduals = 30
	}
	return o
}

// Estimate is a nowcast. Horizon is the year minus the economy's last observed year. The bounds
// are NaN when the internal backtest left no residuals to calibrate them.
type Estimate struct {
	Value, Low80, High80, Low95, High95 float64
	Method                              string
	Horizon                             int
	LastYear                            int // the economy's last observed year
}

// Model is a fitted nowcast model.
type Model struct {
	Scale     string
	Window    int     // points of an economy's own slope, chosen by the internal backtest
	Pool      int     // 0: the group's median slope; n: the median of the n economies nearest in level
	K         float64 // shrinkage constant chosen by the internal backtest
	LastYear  int     // last year in the data
	Residuals int     // out-of-sample comparisons of the internal backtest
	MAE       float64 // the chosen model's mean absolute error in the internal backtest, in the series' unit
	CarryMAE  float64 // flat carry-forward's on the same comparisons
	// Correlation is the average correlation between the errors of different economies nowcast
	// from the same origin for the same year, in the internal backtest (see correlation): what
	// a group's interval takes for its members' (indicators/aggregate).
	Correlation float64
	states      map[string]state
	// q[h−1] holds the error quantiles 2.5, 10, 90, 97.5% at horizon h = 1..MaxHorizon.
	q [][4]float64
}

// PoolName says in words how the model pools slopes.
func (m Model) PoolName() string {
	if m.Pool == 0 {
		return "region"
	}
	return fmt.Sprintf("%d nearest in level", m.Pool)
}

var levels = [4]float64{0.025, 0.10, 0.90, 0.975}

// prepared is a series sorted by year, NaNs dropped, with its values on the model's scale.
type prepared struct {
	economy, group string
	years          []int
	v, z           []float64
}

// state is one economy's model at a cut.
type state struct {
	lastYear     int
	lastV, lastZ float64
	own          float64 // own slope (valid when n ≥ 2)
	n            int
	pooled       float64
}

func (s state) slope(k float64) float64 {
	if s.n < 2 {
		return s.pooled
	}
	w := float64(s.n) / (float64(s.n) + k)
	return w*s.own + (1-w)*s.pooled
}

func (s state) predict(year int, k float64) float64 {
	return s.lastZ + s.slope(k)*float64(year-s.lastYear)
}

// transform maps a value to the model's scale; inverse maps back.
func transform(scale string, v float64) float64 {
	if scale == Log {
		return math.Log1p(math.Max(v, 0))
	}
	p := math.Min(math.Max(v/100, clampLow), clampHigh)
	return math.Log(p / (1 - p))
}

func inverse(scale string, z float64) float64 {
	if scale == Log {
		return math.Max(math.Expm1(z), 0)
	}
	return 100 / (1 + math.Exp(-z))
}

func prepare(series []Series, scale string) []prepared {
	out := make([]prepared, 0, len(series))
	for _, s := range series {
		idx := make([]int, 0, len(s.Years))
		for i := range s.Years {
			if i < len(s.Values) && !math.IsNaN(s.Values[i]) && !math.IsInf(s.Values[i], 0) {
				idx = append(idx, i)
			}
		}
		sort.SliceStable(idx, func(a, b int) bool { return s.Years[idx[a]] < s.Years[idx[b]] })
		p := prepared{economy: s.Economy, group: s.Group}
		for _, i := range idx {
			if n := len(p.years); n > 0 && p.years[n-1] == s.Years[i] {
				continue // a repeated year keeps its first value
			}
			p.years = append(p.years, s.Years[i])
			p.v = append(p.v, s.Values[i])
			p.z = append(p.z, transform(scale, s.Values[i]))
		}
		if len(p.years) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// cut is the number of a series' points in years ≤ year.
func (p *prepared) cut(year int) int {
	return sort.SearchInts(p.years, year+1)
}

// spec is one candidate form of the model.
type spec struct{ window, pool int }

// states forms every economy's model from its points in years ≤ origin (nil entries: no points).
func states(ps []prepared, origin int, sp spec, o Options) []*state {
	out := make([]*state, len(ps))
	var recent []int // economies whose slope is pooled
	for i := range ps {
		p := &ps[i]
		c := p.cut(origin)
		if c == 0 {
			continue
		}
		s := &state{lastYear: p.years[c-1], lastV: p.v[c-1], lastZ: p.z[c-1]}
		from := max(0, c-sp.window)
		if c-from >= 2 {
			s.own, s.n = olsSlope(p.years[from:c], p.z[from:c]), c-from
			if s.lastYear >= origin-o.RecentYears {
				recent = append(recent, i)
			}
		}
		out[i] = s
	}
	if sp.pool > 0 {
		poolByLevel(out, recent, sp.pool)
	} else {
		poolByGroup(ps, out, recent)
	}
	return out
}

// poolByGroup gives every economy the median slope of its group's recent economies, or of all
// recent economies when its group has fewer than minGroup.
func poolByGroup(ps []prepared, out []*state, recent []int) {
	groups := map[string][]float64{}
	all := make([]float64, 0, len(recent))
	for _, i := range recent {
		groups[ps[i].group] = append(groups[ps[i].group], out[i].own)
		all = append(all, out[i].own)
	}
	global := median(all)
	medians := map[string]float64{}
	for g, b := range groups {
		if g != "" && len(b) >= minGroup {
			medians[g] = median(b)
		}
	}
	for i, s := range out {
		if s == nil {
			continue
		}
		if m, ok := medians[ps[i].group]; ok {
			s.pooled = m
		} else {
			s.pooled = global
		}
	}
}

// poolByLevel gives every economy the median slope of the n recent economies whose last level is
// nearest its own (itself included when it is one of them).
func poolByLevel(out []*state, recent []int, n int) {
	byZ := slices.Clone(recent)
	slices.SortFunc(byZ, func(a, b int) int { return cmp.Compare(out[a].lastZ, out[b].lastZ) })
	zs := make([]float64, len(byZ))
	for j, i := range byZ {
		zs[j] = out[i].lastZ
	}
	near := make([]float64, 0, n)
	for _, s := range out {
		if s == nil {
			continue
		}
		// Grow a window [lo, hi) around the economy's level to the n nearest.
		hi, _ := slices.BinarySearch(zs, s.lastZ)
		lo := hi
		for hi-lo < n && (lo > 0 || hi < len(zs)) {
			if lo == 0 || hi < len(zs) && zs[hi]-s.lastZ < s.lastZ-zs[lo-1] {
				hi++
			} else {
				lo--
			}
		}
		near = near[:0]
		for _, i := range byZ[lo:hi] {
			near = append(near, out[i].own)
		}
		s.pooled = median(near)
	}
}

func olsSlope(years []int, z []float64) float64 {
	var tb, zb float64
	for i := range years {
		tb += float64(years[i])
		zb += z[i]
	}
	n := float64(len(years))
	tb, zb = tb/n, zb/n
	var sxy, sxx float64
	for i := range years {
		d := float64(years[i]) - tb
		sxy += d * (z[i] - zb)
		sxx += d * d
	}
	if sxx == 0 {
		return 0
	}
	return sxy / sxx
}

func median(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	s := slices.Clone(x)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// residual is one out-of-sample comparison of the internal backtest.
type residual struct {
	origin  int
	horizon int // year − last observed year
	state   state
	year    int
	obsV    float64
	obsZ    float64
}

// Fit fits the model to the series (see the package comment): the window, pool, k and the
// intervals by the internal backtest on the series themselves, the economies' levels and slopes on
// all their points.
func Fit(series []Series, opts Options) Model {
	o := opts.withDefaults()
	ps := prepare(series, o.Scale)
	m := Model{Scale: o.Scale, states: map[string]state{}, K: o.Ks[0], Window: o.Windows[0], Pool: o.Pools[0]}
	for _, p := range ps {
		m.LastYear = max(m.LastYear, p.years[len(p.years)-1])
	}
	var chosen []residual
	m.MAE = math.Inf(1)
	for _, w := range o.Windows {
		for _, pool := range o.Pools {
			sp := spec{w, pool}
			res := calibration(ps, sp, m.LastYear, o)
			if len(res) == 0 {
				continue
			}
			for _, k := range o.Ks {
				var sum float64
				for _, r := range res {
					sum += math.Abs(r.state.value(o.Scale, r.state.predict(r.year, k)) - r.obsV)
				}
				if mae := sum / float64(len(res)); mae < m.MAE {
					m.MAE, m.K, m.Window, m.Pool, chosen = mae, k, w, pool, res
				}
			}
		}
	}
	if math.IsInf(m.MAE, 1) {
		m.MAE = math.NaN()
	}
	m.Residuals = len(chosen)
	var carry float64
	for _, r := range chosen {
		carry += math.Abs(r.state.lastV - r.obsV)
	}
	m.CarryMAE = carry / float64(len(chosen))
	m.q = quantiles(chosen, m.K, o)
	m.Correlation = correlation(chosen, m.K, m.q)
	for i, s := range states(ps, m.LastYear, spec{m.Window, m.Pool}, o) {
		if s != nil {
			m.states[ps[i].economy] = *s
		}
	}
	return m
}

// calibration is the internal backtest of one candidate form: origins LastYear−CalibrationOrigins
// .. LastYear−1, each compared with the observations up to MaxHorizon years later.
func calibration(ps []prepared, sp spec, lastYear int, o Options) []residual {
	var res []residual
	for origin := lastYear - o.CalibrationOrigins; origin < lastYear; origin++ {
		st := states(ps, origin, sp, o)
		for i := range ps {
			if st[i] == nil {
				continue
			}
			p := &ps[i]
			for j := p.cut(origin); j < len(p.years) && p.years[j] <= origin+o.MaxHorizon; j++ {
				res = append(res, residual{origin: origin, horizon: p.years[j] - st[i].lastYear, state: *st[i], year: p.years[j],
					obsV: p.v[j], obsZ: p.z[j]})
			}
		}
	}
	return res
}

// correlation estimates the intraclass correlation of the internal backtest's errors within the
// cells of one origin and one year, the errors that common shocks (a year's revisions, a
// pandemic) move together: each error e standardised as z = (e − m_h)/s_h by its horizon's
// (m_h the midpoint of the 2.5% and 97.5% quantiles, s_h their distance / 3.92, the normal
// 95% width), ρ = [Σ_cells Σ_{i≠j} z_i z_j / Σ_cells n(n − 1)] / [Σ z² / N], the mean product of
// two errors of one cell over the mean square (a moment estimator), clamped to 0–1; 1 when no cell
// has two errors.
func correlation(res []residual, k float64, q [][4]float64) float64 {
	type cell struct{ origin, year int }
	sums := map[cell][2]float64{} // Σz and Σz² per cell
	counts := map[cell]int{}
	var sq float64
	for _, r := range res {
		b := atHorizon(q, max(r.horizon, 1))
		s := (b[3] - b[0]) / 3.92
		if !(s > 0) {
			continue
		}
		z := (r.obsZ - r.state.predict(r.year, k) - (b[0]+b[3])/2) / s
		c := cell{r.origin, r.year}
		v := sums[c]
		sums[c] = [2]float64{v[0] + z, v[1] + z*z}
		counts[c]++
		sq += z * z
	}
	var cross, pairs float64
	n := 0
	cells := make([]cell, 0, len(sums))
	for c := range sums {
		cells = append(cells, c)
	}
	// In a fixed order, so that the sums, and ρ, do not depend on the map's.
	slices.SortFunc(cells, func(a, b cell) int { return cmp.Or(cmp.Compare(a.origin, b.origin), cmp.Compare(a.year, b.year)) })
	for _, c := range cells {
		v := sums[c]
		m := float64(counts[c])
		n += counts[c]
		cross += v[0]*v[0] - v[1]
		pairs += m * (m - 1)
	}
	if pairs == 0 || sq == 0 {
		return 1
	}
	return math.Min(math.Max(cross/pairs/(sq/float64(n)), 0), 1)
}

// quantiles are the error quantiles by horizon (see the package comment).
func quantiles(res []residual, k float64, o Options) [][4]float64 {
	var errs errorsByHorizon
	for _, r := range res {
		errs.add(r.horizon, r.obsZ-r.state.predict(r.year, k), o)
	}
	return errs.quantiles(o)
}

// errorsByHorizon collects out-of-sample errors by horizon, and per year of horizon.
type errorsByHorizon struct {
	byH     [][]float64
	perYear []float64
}

func (x *errorsByHorizon) add(horizon int, e float64, o Options) {
	if x.byH == nil {
		x.byH = make([][]float64, o.MaxHorizon)
	}
	h := max(horizon, 1)
	x.perYear = append(x.perYear, e/float64(h))
	if h <= o.MaxHorizon {
		x.byH[h-1] = append(x.byH[h-1], e)
	}
}

func (x *errorsByHorizon) quantiles(o Options) [][4]float64 {
	if x.byH == nil {
		x.byH = make([][]float64, o.MaxHorizon)
	}
	// Sorted once each, here, for the four levels' quantiles: the errors are the receiver's own.
	byH, perYear := x.byH, x.perYear
	for _, e := range byH {
		slices.Sort(e)
	}
	slices.Sort(perYear)
	q := make([][4]float64, o.MaxHorizon)
	for i := range q {
		for l, p := range levels {
			switch {
			case len(byH[i]) >= o.MinResiduals:
				q[i][l] = quantile(p, byH[i])
			case i > 0:
				q[i][l] = q[i-1][l] * float64(i+1) / float64(i)
			default:
				q[i][l] = quantile(p, perYear)
			}
		}
	}
	// A later year is no more certain than an earlier one: the bounds never narrow.
	for i := 1; i < len(q); i++ {
		q[i][0], q[i][1] = min(q[i][0], q[i-1][0]), min(q[i][1], q[i-1][1])
		q[i][2], q[i][3] = max(q[i][2], q[i-1][2]), max(q[i][3], q[i-1][3])
	}
	return q
}

// quantile is the empirical quantile (linear interpolation) of x, sorted, NaN for no x.
func quantile(p float64, x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	return stat.Quantile(p, stat.LinInterp, x, nil)
}

// Nowcast estimates the economy's value in year. It returns false for an economy without data
// and for a year before the economy's last observation that is not itself observed (filling gaps
// between observations is interpolation, not a nowcast). The last observed year returns its
// observation (method Observed).
func (m Model) Nowcast(economy string, year int) (Estimate, bool) {
	s, ok := m.states[economy]
	if !ok {
		return Estimate{}, false
	}
	if year <= s.lastYear {
		if year == s.lastYear {
			v := s.lastV
			return Estimate{Value: v, Low80: v, High80: v, Low95: v, High95: v, Method: Observed, LastYear: s.lastYear}, true
		}
		return Estimate{}, false
	}
	h := year - s.lastYear
	z := s.predict(year, m.K)
	q := atHorizon(m.q, h)
	method := Trend
	if s.n < 2 || math.IsInf(m.K, 1) {
		method = Pooled
	}
	f := func(z float64) float64 { return s.value(m.Scale, z) }
	return Estimate{
		Value: f(z),
		Low95: f(z + q[0]), Low80: f(z + q[1]),
		High80: f(z + q[2]), High95: f(z + q[3]),
		Method: method, Horizon: h, LastYear: s.lastYear,
	}, true
}

// value maps z back to the indicator's unit, moved by the distance between the economy's last
// value and its image on the scale, so that a last value outside the logit clamp (a reported 0 or
// 100) is where the nowcast starts from, not 0.5% or 99.5%: v = inverse(z) + (v_last −
// inverse(z_last)), kept within 0–100 (shares) or ≥ 0 (counts). Elsewhere the shift is 0.
func (s state) value(scale string, z float64) float64 {
	v := inverse(scale, z) + s.lastV - inverse(scale, s.lastZ)
	if scale == Logit {
		v = math.Min(v, 100)
	}
	return math.Max(v, 0)
}

// atHorizon is the error quantiles at horizon h ≥ 1: q[h−1], or beyond the last horizon H the
// last one scaled by h/H.
func atHorizon(q [][4]float64, h int) [4]float64 {
	if h <= len(q) {
		return q[max(h, 1)-1]
	}
	out := q[len(q)-1]
	for i := range out {
		out[i] *= float64(h) / float64(len(q))
	}
	return out
}

// Economies lists the economies the model can nowcast, sorted.
func (m Model) Economies() []string {
	out := make([]string, 0, len(m.states))
	for e := range m.states {
		out = append(out, e)
	}
	slices.Sort(out)
	return out
}
