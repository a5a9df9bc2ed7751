// Package nowcast estimates an economy's missing recent years of a percentage indicator (internet
// use, % of population) up to a nowcast year, with 80% and 95% predictive intervals.
//
// The model is ictstat's own (ITU's nowcasting method is not published in a form that could be
// followed). On the logit scale z = logit(p), p = v/100 clamped to [0.5%, 99.5%]:
//
//	ẑ(t) = z_last + b·(t − t_last),   b = w·b_own + (1 − w)·b_group,   w = n/(n + k)
//
// where z_last and t_last are the economy's last observation, b_own is the least-squares slope of
// z on the year over the economy's last n ≤ Window points (n ≥ 2; with fewer, w = 0), b_group is
// the median of b_own over the members of the economy's group (its ITU region or income group)
// whose last observation is at most RecentYears before the fit's last year (all economies when the
// group has fewer than three such members), and the estimate is v̂ = 100·expit(ẑ). A logistic
// diffusion curve with its saturation at 100% is a straight line on this scale, so a steady
// S-curve is followed exactly.
//
// k and the intervals are chosen on the fitted data alone, by an internal backtest: for each of
// the last CalibrationOrigins years o before the data's last year, every series is cut to the
// years ≤ o, the model is formed from the cut series and compared with the later observations
// (horizons 1..MaxHorizon years after o). k is the candidate of Ks with the least mean absolute
// error in percentage points; the interval at horizon h = t − t_last is
// [expit(ẑ + q_lo), expit(ẑ + q_hi)] with q the empirical quantiles (10/90% and 2.5/97.5%) of the
// out-of-sample logit errors z_obs − ẑ at that horizon, for h = 1..MaxHorizon. A horizon with fewer
// than MinResiduals errors, and any h beyond MaxHorizon, takes the quantiles of the horizon before
// it scaled by h/(h − 1), growth in proportion to the horizon (horizon 1: the errors per year of
// every horizon, (z_obs − ẑ)/h; no errors at all: NaN bounds). The intervals are
// thus calibrated by construction on the past errors of the same model; they are not guaranteed
// to hold when the future differs from the past.
package nowcast

import (
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// Methods of an Estimate.
const (
	// Observed: the year is observed; the value is the observation and its interval is the value.
	Observed = "observed"
	// Trend: the economy's own slope shrunk toward its group's.
	Trend = "logit-trend"
	// Pooled: the group's slope alone (fewer than two points, or k = +Inf).
	Pooled = "pooled-slope"
)

const (
	clampLow, clampHigh = 0.005, 0.995
	// minGroup: a group with fewer members having a slope takes the slope of all economies.
	minGroup = 3
)

// Series is one economy's observations, values in percent (0–100). Group names the economy's pool
// (ITU region or income group); "" pools it with all economies.
type Series struct {
	Economy, Group string
	Years          []int
	Values         []float64
}

// Options of Fit; zero fields take the defaults.
type Options struct {
	Window             int       // points of the economy's own slope (default 6)
	Ks                 []float64 // candidate shrinkage constants (default 0, 1, 2, 4, …, 128, +Inf: the group slope alone)
	CalibrationOrigins int       // origins of the internal backtest (default 10)
	MaxHorizon         int       // horizons of the internal backtest, years (default 6)
	RecentYears        int       // members pooled: last observation at most this many years old (default 5)
	MinResiduals       int       // fewer residuals at a horizon: all horizons' (scaled) are used (default 30)
}

func (o Options) withDefaults() Options {
	if o.Window < 2 {
		o.Window = 6
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
}

// Model is a fitted nowcast model.
type Model struct {
	K         float64 // shrinkage constant chosen by the internal backtest
	LastYear  int     // last year in the data
	Residuals int     // out-of-sample residuals the intervals are calibrated on
	states    map[string]state
	// q[h−1] holds the logit-error quantiles 2.5, 10, 90, 97.5% at horizon h = 1..MaxHorizon.
	q [][4]float64
}

var levels = [4]float64{0.025, 0.10, 0.90, 0.975}

// prepared is a series sorted by year, NaNs dropped, with its logits.
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

func logit(v float64) float64 {
	p := math.Min(math.Max(v/100, clampLow), clampHigh)
	return math.Log(p / (1 - p))
}

func expit(z float64) float64 { return 100 / (1 + math.Exp(-z)) }

func prepare(series []Series) []prepared {
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
			p.z = append(p.z, logit(s.Values[i]))
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

// states forms every economy's model from its points in years ≤ origin (nil entries: no points).
func states(ps []prepared, origin int, o Options) []*state {
	out := make([]*state, len(ps))
	groups := map[string][]float64{}
	var all []float64
	for i := range ps {
		p := &ps[i]
		c := p.cut(origin)
		if c == 0 {
			continue
		}
		s := &state{lastYear: p.years[c-1], lastV: p.v[c-1], lastZ: p.z[c-1]}
		from := max(0, c-o.Window)
		if c-from >= 2 {
			s.own, s.n = olsSlope(p.years[from:c], p.z[from:c]), c-from
			if s.lastYear >= origin-o.RecentYears {
				groups[p.group] = append(groups[p.group], s.own)
				all = append(all, s.own)
			}
		}
		out[i] = s
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
	return out
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
	horizon int // year − last observed year
	state   state
	year    int
	obsV    float64
	obsZ    float64
}

// Fit fits the model to the series (see the package comment): k and the intervals by the internal
// backtest on the series themselves, the economies' levels and slopes on all their points.
func Fit(series []Series, opts Options) Model {
	o := opts.withDefaults()
	ps := prepare(series)
	m := Model{states: map[string]state{}}
	for _, p := range ps {
		m.LastYear = max(m.LastYear, p.years[len(p.years)-1])
	}
	// Internal backtest: origins LastYear−CalibrationOrigins .. LastYear−1.
	var res []residual
	for origin := m.LastYear - o.CalibrationOrigins; origin < m.LastYear; origin++ {
		st := states(ps, origin, o)
		for i := range ps {
			if st[i] == nil {
				continue
			}
			p := &ps[i]
			for j := p.cut(origin); j < len(p.years) && p.years[j] <= origin+o.MaxHorizon; j++ {
				res = append(res, residual{horizon: p.years[j] - st[i].lastYear, state: *st[i], year: p.years[j], obsV: p.v[j], obsZ: p.z[j]})
			}
		}
	}
	m.K = o.Ks[0]
	best := math.Inf(1)
	for _, k := range o.Ks {
		var sum float64
		for _, r := range res {
			sum += math.Abs(expit(r.state.predict(r.year, k)) - r.obsV)
		}
		if len(res) > 0 && sum < best {
			best, m.K = sum, k
		}
	}
	m.Residuals = len(res)
	// Logit errors by horizon; and every residual's error per year of horizon.
	byH := make([][]float64, o.MaxHorizon)
	var perYear []float64
	for _, r := range res {
		e := r.obsZ - r.state.predict(r.year, m.K)
		h := max(r.horizon, 1)
		perYear = append(perYear, e/float64(h))
		if h <= o.MaxHorizon {
			byH[h-1] = append(byH[h-1], e)
		}
	}
	m.q = make([][4]float64, o.MaxHorizon)
	for i := range m.q {
		for l, p := range levels {
			switch {
			case len(byH[i]) >= o.MinResiduals:
				m.q[i][l] = quantile(p, byH[i])
			case i > 0:
				m.q[i][l] = m.q[i-1][l] * float64(i+1) / float64(i)
			default:
				m.q[i][l] = quantile(p, perYear)
			}
		}
	}
	for i, s := range states(ps, m.LastYear, o) {
		if s != nil {
			m.states[ps[i].economy] = *s
		}
	}
	return m
}

// quantile is the empirical quantile (linear interpolation) of x, NaN for no x.
func quantile(p float64, x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := slices.Clone(x)
	slices.Sort(s)
	return stat.Quantile(p, stat.LinInterp, s, nil)
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
			return Estimate{Value: v, Low80: v, High80: v, Low95: v, High95: v, Method: Observed}, true
		}
		return Estimate{}, false
	}
	h := year - s.lastYear
	z := s.predict(year, m.K)
	b, scale := min(h, len(m.q))-1, 1.0
	if h > len(m.q) {
		scale = float64(h) / float64(len(m.q))
	}
	method := Trend
	if s.n < 2 || math.IsInf(m.K, 1) {
		method = Pooled
	}
	q := m.q[b]
	return Estimate{
		Value: expit(z),
		Low95: expit(z + scale*q[0]), Low80: expit(z + scale*q[1]),
		High80: expit(z + scale*q[2]), High95: expit(z + scale*q[3]),
		Method: method, Horizon: h,
	}, true
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
