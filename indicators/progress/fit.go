package progress

import (
	"fmt"
	"math"
	"strconv"
	"sync"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
	"gonum.org/v1/gonum/stat"
)

const (
	// lastYear ends the search for the year a target is reached.
	lastYear = 2100
	// z95 is the standard normal quantile of a two-sided 95% interval.
	z95 = 1.959963984540054
	// maxRate bounds the logistic growth rate r to (0, 2] (§5.2).
	maxRate = 2
	// earlyShare: below this share of its range a share is early on the S-curve, where saturation
	// is not identified before the inflection (§5.3): the logistic with its saturation at the top
	// of the range, which is the logit-linear trend (§5.5), is the only model then.
	earlyShare = 0.3
	// minLogistic: a logistic with an estimated saturation is tried from this many points on;
	// below, the trend on the measure's scale is used alone (§5.5 item 1: n < 6).
	minLogistic = 6
	// unboundedCap: K of a measure that is not a share is at most this multiple of the largest value.
	unboundedCap = 3
	// startK: the fit starts from K₀ = min(cap, 1.2·max y) (§5.2).
	startK = 1.2
	// atBound: a transformed parameter this close to its bound counts as fixed at it.
	atBound = 1e-6
	// boundRefit: a free fit this close to a bound of K (in the sigmoid) is refitted with K held there.
	boundRefit = 1e-3
)

// transform maps a measure's values to the scale its trend is fitted on and back (see Scale).
type transform struct {
	scale    Scale
	min, max float64
	floor    float64 // Positive: the least distance y − min placed on the log scale (parity); 0: none
}

// share is (y − min)/(max − min) clamped to [0.1%, 99.9%] (§3.8).
func (f *transform) share(y float64) float64 {
	return math.Min(math.Max((y-f.min)/(f.max-f.min), shareLow), shareHigh)
}

// dist is y − min, at least the floor.
func (f *transform) dist(y float64) float64 {
	return math.Max(y-f.min, f.floor)
}

// to maps y to the trend's scale: logit of the share, the log of the distance above the lower
// bound, or y itself.
func (f *transform) to(y float64) float64 {
	switch f.scale {
	case Share:
		u := f.share(y)
		return math.Log(u / (1 - u))
	case Positive:
		return math.Log(f.dist(y))
	}
	return y
}

// from maps a value of the trend's scale back: always inside the valid range (a positive
// quantity capped at its upper bound).
func (f *transform) from(z float64) float64 {
	switch f.scale {
	case Share:
		return f.min + (f.max-f.min)/(1+math.Exp(-z))
	case Positive:
		return math.Min(f.min+math.Exp(z), f.max)
	}
	return z
}

// slope is dz/dy at y, which carries a standard deviation of y to the trend's scale (delta method).
func (f *transform) slope(y float64) float64 {
	switch f.scale {
	case Share:
		u := f.share(y)
		return 1 / ((f.max - f.min) * u * (1 - u))
	case Positive:
		return 1 / f.dist(y)
	}
	return 1
}

// lineKind names the straight-line trend on a scale.
func (f *transform) lineKind() string {
	switch f.scale {
	case Share:
		return LogitLinear
	case Positive:
		return LogLinear
	}
	return Linear
}

// model is a fitted trend. Its values are formed on the trend's scale (tr) and mapped back, so
// that a value and its interval stay inside the measure's valid range.
type model struct {
	kind string // Linear, LogLinear, LogitLinear or Logistic
	tr   transform
	s2   float64
	// line on the trend's scale: z = a + b·t; tbar and sxx are the mean and the sum of squared deviations of t
	a, b, tbar, sxx, n float64
	// logistic on the values' scale: y = K/(1 + exp(−r(t − t0))); cov is σ²(JᵀJ)⁻¹ over the free parameters (K, r, t0)
	k, r, t0 float64
	free     [3]bool
	cov      [3][3]float64
}

// predict returns the model's value at t on the trend's scale and the delta-method standard
// deviation of that value.
func (m *model) predict(t float64) (z, sd float64) {
	if m.kind != Logistic {
		// Var(â + b̂t) = σ²(1/n + (t − t̄)²/Sxx), the OLS prediction variance of the mean.
		d := t - m.tbar
		return m.a + m.b*t, math.Sqrt(m.s2 * (1/m.n + d*d/m.sxx))
	}
	// y = K/(1 + exp(−r(t − t0))) (Verhulst / Fisher–Pry, §5.1); Var = gᵀ·σ²(JᵀJ)⁻¹·g, g = ∇_θ y
	// (delta method), carried to the trend's scale by dz/dy (delta method again).
	dt := t - m.t0
	s := 1 / (1 + math.Exp(-m.r*dt))
	ds := m.k * s * (1 - s)
	g := [3]float64{s, ds * dt, -ds * m.r}
	var v float64
	for i := range 3 {
		for j := range 3 {
			v += g[i] * m.cov[i][j] * g[j]
		}
	}
	y := m.k * s
	return m.tr.to(y), math.Sqrt(v) * m.tr.slope(y)
}

// at is the model's value at t shifted by k standard deviations on the trend's scale, mapped back
// to the values' scale: inside the valid range, and monotone in k.
func (m *model) at(t, k float64) float64 {
	z, sd := m.predict(t)
	if k != 0 {
		z += k * sd
	}
	return m.tr.from(z)
}

// rmse is the root mean squared error of the model's predictions at the points (t, y).
func (m *model) rmse(t, y []float64) float64 {
	var sse float64
	for i := range t {
		e := m.at(t[i], 0) - y[i]
		sse += e * e
	}
	return math.Sqrt(sse / float64(len(t)))
}

// fitLine fits z = a + b·t by ordinary least squares on the trend's scale, z = tr.to(y): on the
// logit scale the logistic with its saturation at the top of the range (§5.2 item 4, §5.5), on
// the log scale a constant rate of growth (§3.1, §5.5), else a straight line.
func (w *workspace) fitLine(t, y []float64, tr transform, m *model) {
	z := grow(w.zs, len(y))
	w.zs = z
	for i, v := range y {
		z[i] = tr.to(v)
	}
	a, b := stat.LinearRegression(t, z, nil, false)
	tbar := stat.Mean(t, nil)
	var sxx, sse float64
	for i := range t {
		d, e := t[i]-tbar, z[i]-a-b*t[i]
		sxx += d * d
		sse += e * e
	}
	n := float64(len(t))
	*m = model{kind: tr.lineKind(), tr: tr, a: a, b: b, tbar: tbar, sxx: sxx, n: n, s2: math.NaN()}
	if len(t) > 2 {
		m.s2 = sse / (n - 2) // σ² = SSE/(n − 2)
	}
}

// workspace holds the buffers of one Assess; workspaces are pooled.
type workspace struct {
	t, y []float64 // the points from the baseline on
	zs   []float64 // the points on the trend's scale
	// logistic fit state
	ft, fy   []float64 // the points being fitted, y divided by max y
	tt, z    []float64 // start: centred times and logits
	jac, res []float64 // Jacobian (n×3, columns K, r, t0 in the optimiser's parameters) and residuals
	x0       []float64
	xbest    [3]float64
	klo, khi float64 // bounds of K (divided by max y)
	kfix     float64 // K when fixed (divided by max y)
	fixedK   bool
	stalled  bool    // the last fit stopped at an iteration or evaluation limit
	tm       float64 // t0 = tm + c
	cx       [3]float64
	cached   bool
	half     float64 // SSE/2 at cx
	// the optimiser: gonum's Newton direction and backtracking line search, driven by run
	loc    optimize.Location
	hess   [4]*mat.SymDense // by dimension
	search optimize.LinesearchMethod
	newton optimize.Newton
	line   optimize.Backtracking
	conv   optimize.FunctionConverge
}

var pool = sync.Pool{New: func() any {
	w := &workspace{}
	w.newton.Increase = 5 // gonum's default, which only Minimize would set
	w.search = optimize.LinesearchMethod{NextDirectioner: &w.newton, Linesearcher: &w.line}
	w.conv = optimize.FunctionConverge{Absolute: 1e-16, Relative: 1e-10, Iterations: 1}
	for d := 2; d <= 3; d++ {
		w.hess[d] = mat.NewSymDense(d, nil)
	}
	return w
}}

// Limits of one least-squares run.
const (
	gradientThreshold = 1e-12 // on the infinity norm of the gradient of SSE/2, y divided by max y
	maxIterations     = 30
	maxEvaluations    = 120
)

// run minimises SSE/2 from x0 with gonum's Newton direction (on the Gauss–Newton Hessian) and
// backtracking line search, as optimize.Minimize would, but in the calling goroutine: Minimize
// runs every evaluation through three goroutines and their channels, which with one fit per core
// cost several times the fit itself in scheduler wake-ups. It leaves the last accepted location in
// w.loc, with w.stalled set when an iteration or evaluation limit stopped it, and reports false
// when the objective is not finite at the start.
func (w *workspace) run(x0 []float64) bool {
	dim := len(x0)
	loc := &w.loc
	loc.X, loc.Gradient, loc.Hessian = grow(loc.X, dim), grow(loc.Gradient, dim), w.hess[dim]
	copy(loc.X, x0)
	all := optimize.FuncEvaluation | optimize.GradEvaluation | optimize.HessEvaluation
	w.evaluate(all)
	if math.IsNaN(loc.F) || math.IsInf(loc.F, 0) {
		return false
	}
	best, bestF := w.xbest[:dim], loc.F
	copy(best, loc.X)
	w.conv.Init(dim)
	w.conv.Converged(loc)
	w.stalled = false
	op, err := w.search.Init(loc)
	for iter, evals := 0, 1; err == nil; op, err = w.search.Iterate(loc) {
		if op != optimize.MajorIteration {
			if evals >= maxEvaluations {
				w.stalled = true
				break
			}
			w.evaluate(op)
			evals++
			continue
		}
		copy(best, loc.X)
		bestF = loc.F
		if iter++; floats.Norm(loc.Gradient, math.Inf(1)) < gradientThreshold || w.conv.Converged(loc) != optimize.NotTerminated {
			break
		}
		if iter >= maxIterations {
			w.stalled = true
			break
		}
	}
	// A line search that can make no more progress ends the run at the last accepted location.
	copy(loc.X, best)
	loc.F = bestF
	return true
}

// evaluate fills the parts of w.loc that op asks for.
func (w *workspace) evaluate(op optimize.Operation) {
	loc := &w.loc
	if op&optimize.FuncEvaluation != 0 {
		loc.F = w.objective(loc.X)
	}
	if op&optimize.GradEvaluation != 0 {
		w.gradient(loc.Gradient, loc.X)
	}
	if op&optimize.HessEvaluation != 0 {
		w.hessian(loc.Hessian, loc.X)
	}
}

func grow(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// params maps the optimiser's parameters to (K, r, t0) in scaled units, with the derivatives of
// K and r with respect to theirs. K = klo + (khi − klo)·σ(a) and r = 2σ(b) keep the bounds of
// §5.2 without a constrained optimiser; t0 = tm + c.
func (w *workspace) params(x []float64) (k, dk, r, dr, t0 float64) {
	k = w.kfix
	if !w.fixedK {
		sa := sigmoid(x[0])
		k, dk = w.klo+(w.khi-w.klo)*sa, (w.khi-w.klo)*sa*(1-sa)
		x = x[1:]
	}
	sb := sigmoid(x[0])
	return k, dk, maxRate * sb, maxRate * sb * (1 - sb), w.tm + x[1]
}

// eval computes the residuals, the Jacobian and SSE/2 at x, once per distinct x.
func (w *workspace) eval(x []float64) {
	if w.cached && w.cx[0] == x[0] && w.cx[1] == x[1] && (len(x) < 3 || w.cx[2] == x[2]) {
		return
	}
	copy(w.cx[:], x)
	w.cached = true
	k, dk, r, dr, t0 := w.params(x)
	var sse float64
	for i, t := range w.ft {
		dt := t - t0
		s := 1 / (1 + math.Exp(-r*dt))
		ds := k * s * (1 - s)
		e := k*s - w.fy[i]
		sse += e * e
		w.res[i] = e
		// ∂y/∂K = s, ∂y/∂r = K·s(1−s)(t − t0), ∂y/∂t0 = −K·s(1−s)·r, chained to the optimiser's parameters.
		j := w.jac[3*i : 3*i+3]
		j[0], j[1], j[2] = s*dk, ds*dt*dr, -ds*r
	}
	w.half = sse / 2
}

// col is the first Jacobian column in use: 1 when K is fixed.
func (w *workspace) col() int {
	if w.fixedK {
		return 1
	}
	return 0
}

func (w *workspace) objective(x []float64) float64 {
	w.eval(x)
	return w.half
}

// gradient of SSE/2: Jᵀe (analytic).
func (w *workspace) gradient(g, x []float64) {
	w.eval(x)
	c := w.col()
	for p := range g {
		var v float64
		for i, e := range w.res {
			v += w.jac[3*i+c+p] * e
		}
		g[p] = v
	}
}

// hessian is the Gauss–Newton approximation JᵀJ of the Hessian of SSE/2, which makes gonum's
// Newton method a damped Gauss–Newton least-squares solver.
func (w *workspace) hessian(h *mat.SymDense, x []float64) {
	w.eval(x)
	c, p := w.col(), len(x)
	for a := range p {
		for b := a; b < p; b++ {
			var v float64
			for i := range w.res {
				v += w.jac[3*i+c+a] * w.jac[3*i+c+b]
			}
			h.SetSym(a, b, v)
		}
	}
}

// fitLogistic fits y = K/(1 + exp(−r(t − t0))) to an increasing series by bounded least squares
// (§5.1, §5.2): K in [max y, top of the range] for a share, else [max y, 3·max y] (and at most the
// range's top); r in (0, 2]; started from OLS on logit(y/K₀), K₀ = min(cap, 1.2·max y); K fixed
// at the cap when max y is below 30% of it (§5.3). The curve rises from 0: it is for measures whose
// range starts at 0, or unbounded ones. It reports false when the fit fails.
func (w *workspace) fitLogistic(t, y []float64, tr transform, m *model) bool {
	n := len(t)
	maxy := math.Inf(-1)
	for _, v := range y {
		maxy = math.Max(maxy, v)
	}
	if !(maxy > 0) {
		return false
	}
	limit := unboundedCap * maxy
	switch {
	case tr.scale == Share:
		limit = tr.max
	case tr.scale == Positive && tr.max < limit:
		limit = math.Max(tr.max, maxy)
	}
	w.klo, w.khi = 1, limit/maxy // K in units of max y
	w.ft, w.fy = t, grow(w.fy, n)
	w.tt, w.z = grow(w.tt, n), grow(w.z, n)
	w.jac, w.res = grow(w.jac, 3*n), grow(w.res, n)
	w.tm = stat.Mean(t, nil)
	for i, v := range y {
		w.fy[i] = v / maxy
	}
	capK := math.Max(w.khi, w.klo)
	early := maxy < earlyShare*limit || w.khi <= w.klo*(1+atBound)
	var x []float64
	if early {
		x = w.minimize(capK, math.NaN(), 0)
	} else {
		x = w.minimize(0, math.NaN(), 0)
		// Towards a bound of K the sigmoid flattens and the free fit crawls along the ridge of
		// K, r and t0: when it ends at a bound or stops short, refit with K held at the nearer
		// bound, from the free fit's r and t0, and keep the better fit.
		if x != nil && (w.stalled || sigmoid(x[0]) > 1-boundRefit || sigmoid(x[0]) < boundRefit) {
			free, f, kb := [3]float64(x), w.half, w.klo
			if x[0] > 0 {
				kb = capK
			}
			if x = w.minimize(kb, free[1], free[2]); x == nil || w.half > f {
				w.fixedK, x = false, free[:]
			}
		}
	}
	if x == nil {
		return false
	}
	k, _, r, _, t0 := w.params(x)
	if !(k > 0) || !(r > 0) || math.IsNaN(t0) || math.IsInf(t0, 0) {
		return false
	}
	*m = model{kind: Logistic, tr: tr, k: k * maxy, r: r, t0: t0}
	// A parameter at a natural bound (K at the cap, r at 2) is held fixed there for the
	// covariance. K at its lower bound max y is not: that bound moves with the noise in the
	// largest observation, and K is as uncertain as that observation.
	m.free = [3]bool{!w.fixedK || w.kfix < capK, true, true}
	if !w.fixedK {
		m.free[0] = sigmoid(x[0]) < 1-atBound
	}
	sb := sigmoid(x[len(x)-2])
	m.free[1] = sb > atBound && sb < 1-atBound
	w.covariance(t, y, m)
	return true
}

// minimize runs the least-squares fit of the points in w.ft, w.fy with K free (kfix 0) or fixed
// at kfix, from the optimiser's parameters b0 (r) and c0 (t0), or when b0 is NaN from OLS on
// logit(y/K₀). It returns the optimiser's parameters at the minimum, with w.half set there, or
// nil.
func (w *workspace) minimize(kfix, b0, c0 float64) []float64 {
	w.fixedK, w.kfix = kfix > 0, kfix
	k0 := kfix
	if !w.fixedK {
		k0 = math.Min(w.khi, startK)
	}
	if math.IsNaN(b0) {
		for i, v := range w.fy {
			p := math.Min(math.Max(v/k0, 1e-4), 1-1e-4)
			w.tt[i], w.z[i] = w.ft[i]-w.tm, math.Log(p/(1-p)) // logit(y/K₀) = r(t − t0) (§5.1)
		}
		alpha, beta := stat.LinearRegression(w.tt, w.z, nil, false)
		r0 := math.Min(math.Max(beta, 0.01), 0.95*maxRate)
		b0, c0 = math.Log(r0/(maxRate-r0)), 0
		if beta > 0 {
			c0 = math.Min(math.Max(-alpha/beta, -200), 200)
		}
	}
	w.x0 = w.x0[:0]
	if !w.fixedK {
		f := math.Min(math.Max((k0-w.klo)/(w.khi-w.klo), 1e-3), 1-1e-3)
		w.x0 = append(w.x0, math.Log(f/(1-f)))
	}
	w.x0 = append(w.x0, b0, c0)
	w.cached = false
	if !w.run(w.x0) {
		return nil
	}
	x := w.xbest[:len(w.x0)]
	w.eval(x)
	return x
}

// covariance sets m.s2 = SSE/(n − p) and m.cov = σ²(JᵀJ)⁻¹ over the free parameters, J the
// Jacobian of the logistic in (K, r, t0) at the fitted values (delta method).
func (w *workspace) covariance(t, y []float64, m *model) {
	var idx [3]int
	p := 0
	for i, f := range m.free {
		if f {
			idx[p] = i
			p++
		}
	}
	var jtj [3][3]float64
	var sse float64
	for i := range t {
		dt := t[i] - m.t0
		s := 1 / (1 + math.Exp(-m.r*dt))
		ds := m.k * s * (1 - s)
		e := m.k*s - y[i]
		sse += e * e
		g := [3]float64{s, ds * dt, -ds * m.r}
		for a := range p {
			for b := range p {
				jtj[a][b] += g[idx[a]] * g[idx[b]]
			}
		}
	}
	m.s2 = math.NaN()
	if len(t) > p {
		m.s2 = sse / float64(len(t)-p)
	}
	inv, ok := invert(jtj, p)
	for a := range p {
		for b := range p {
			v := math.NaN()
			if ok {
				v = m.s2 * inv[a][b]
			}
			m.cov[idx[a]][idx[b]] = v
		}
	}
}

// invert returns the inverse of the leading p×p block (p ≤ 3) of a symmetric matrix by its
// adjugate, and false when the block is not positive definite.
func invert(a [3][3]float64, p int) (inv [3][3]float64, ok bool) {
	var det float64
	switch p {
	case 0:
		return inv, true
	case 1:
		det = a[0][0]
		inv[0][0] = 1
	case 2:
		det = a[0][0]*a[1][1] - a[0][1]*a[1][0]
		inv[0][0], inv[0][1], inv[1][0], inv[1][1] = a[1][1], -a[0][1], -a[1][0], a[0][0]
	case 3:
		c := func(i, j int) float64 { // cofactor of a[i][j]
			i1, i2, j1, j2 := (i+1)%3, (i+2)%3, (j+1)%3, (j+2)%3
			return a[i1][j1]*a[i2][j2] - a[i1][j2]*a[i2][j1]
		}
		for i := range 3 {
			for j := range 3 {
				inv[j][i] = c(i, j)
			}
		}
		det = a[0][0]*inv[0][0] + a[0][1]*inv[1][0] + a[0][2]*inv[2][0]
	}
	if !(det > 0) || math.IsInf(det, 0) || a[0][0] <= 0 || (p == 3 && !(inv[2][2] > 0)) {
		return inv, false
	}
	for i := range p {
		for j := range p {
			inv[i][j] /= det
		}
	}
	return inv, true
}

// choose fits the models to w.t, w.y and sets m to the one with the smaller out-of-sample error:
// the last h = max(1, min(3, n/4)) points are held out, both models are fitted to the rest and
// compared by the RMSE on the held-out points, and the winner is refitted on all points (§5.2
// item 6). The logistic is only tried for a series rising on its scale (OLS slope > 0) of at least
// 6 points (§5.5 item 1) whose range starts at 0 or is open; for a share, only once its largest
// value is 30% of the range or more (§5.3): earlier, the logit-linear trend is the logistic with
// its saturation fixed at the top of the range. It returns how many logistic fits it ran.
func (w *workspace) choose(tr transform, m *model) (fits int) {
	t, y := w.t, w.y
	n := len(t)
	var all model
	w.fitLine(t, y, tr, &all)
	*m = all
	if n < minLogistic || !(all.b > 0) || tr.scale != Unbounded && tr.min != 0 {
		return 0
	}
	if tr.scale == Share && floats.Max(y)-tr.min < earlyShare*(tr.max-tr.min) {
		return 0
	}
	h := max(1, min(3, n/4))
	k := n - h
	var line, logi model
	w.fitLine(t[:k], y[:k], tr, &line)
	fits = 1
	if !w.fitLogistic(t[:k], y[:k], tr, &logi) || !(logi.rmse(t[k:], y[k:]) < line.rmse(t[k:], y[k:])) {
		return fits
	}
	if w.fitLogistic(t, y, tr, &logi) {
		*m = logi
	}
	return fits + 1
}

// reach returns the projected year of the model's value shifted by k standard deviations on the
// trend's scale: the first whole year from `from` (a whole year) on in which it meets the goal and
// still meets it at the deadline, if the deadline is later (so a path that leaves the target before
// the deadline has not reached it); NaN if there is none by 2100. The path is evaluated at whole
// years only, as values are reported for years: the year is the one whose value first meets the
// goal, not the fractional time the continuous path crosses the level (which lies in the year
// before it).
//
// Defined so, the projected year is at or before a later deadline exactly when the value at the
// deadline meets the goal, whatever the path's shape; and since an interval's bound is at least
// as good as the model's value at every t (or at most as good), the bound nearer the target
// reaches it no later than the value, and the further one no earlier.
func reach(m *model, g *goal, k, from, deadline float64) float64 {
	meets := func(t float64) bool {
		v := m.at(t, k)
		return !math.IsNaN(v) && g.meets(v)
	}
	start := from
	if deadline > from && !meets(deadline) {
		start = deadline // before the deadline no year counts: the path does not meet the goal at it
	}
	if k == 0 && start <= lastYear && !meets(start) && !meets(lastYear) {
		return math.NaN() // the model's value is monotone: it meets the goal by 2100 or not at all
	}
	for y := start; y <= lastYear; y++ {
		if meets(y) {
			return y
		}
	}
	return math.NaN()
}

// Assess is Metrics plus the fitted trends, anticipated value and projected year of attainment.
//
// The trends are fitted to the observations from the baseline year on (those Metrics uses; on the
// parity scale for a parity goal), not to earlier ones, on the scale of the measure's valid range
// (Goal.Range; see Scale), so that no value they give leaves it:
//
//	z = a + b·t, z = logit of the share     logit-linear: a logistic with saturation at the range's top (§5.1, §5.5)
//	z = a + b·t, z = ln(y − Min)            log-linear: a constant growth rate, the CAGR extrapolation (§3.1, §5.5)
//	z = a + b·t, z = y                      linear, for an unbounded measure
//	y = K/(1 + exp(−r(t − t0)))             logistic diffusion curve with K estimated (Verhulst / Fisher–Pry, §5.1)
//
// The straight line on the measure's scale is ESCAP's anticipated-value regression (§3.4) on a
// scale that respects the measure's bounds: the logit scale stabilises a share's variance near its
// bounds (§5.2 item 4) and a fixed saturation is the benchmark that is hard to beat (§5.3, Meade
// and Islam). For parity, the distance from parity max(x, 1/x) − 1 is fitted on the log scale.
//
// The logistic is fitted by bounded nonlinear least squares (§5.2; gonum optimize, Newton's method
// on the Gauss–Newton Hessian with analytic derivatives) to rising series of at least 6 points
// only (§5.5): K in [max y, top of the range] for a share, else [max y, 3·max y], r in (0, 2],
// started from OLS on logit(y/K₀) with K₀ = min(cap, 1.2·max y); a share below 30% of its range
// gets no logistic, as K is not identified early on the S-curve (§5.3). The model is chosen by
// out-of-sample error (§5.2 item 6): the last h = max(1, min(3, n/4)) points are held out, both
// models fitted to the rest, the one with the smaller RMSE on the held-out points refitted to all.
//
// Intervals are 95% delta-method intervals for the model's value (the trend, not a new
// observation), formed on the trend's scale and mapped back, so that they lie inside the valid
// range and hold the value: z ± 1.96·sd(z), with sd(z) = sqrt(σ²(1/n + (t − t̄)²/Sxx)) for a line
// (σ² = SSE/(n − 2) on its scale), and for the logistic sd(y) = sqrt(gᵀ·σ²(JᵀJ)⁻¹·g) times dz/dy,
// g the gradient of the value in the parameters (a parameter at a natural bound, K at the cap or r
// at 2, held fixed; not K at max y). They are NaN when n ≤ p. When the deadline year is observed,
// Anticipated and its interval are the observed value.
//
// ProjectedYear is the first year from the latest observation on in which the model's value
// meets the goal and still meets it at a later deadline (the latest year itself when the model
// already meets it there), so that for a deadline after the latest year it is at or before the
// deadline exactly when Anticipated meets the goal. ProjectedLow and ProjectedHigh are the same for
// the interval's bound nearer the target and the one further from it, so that they agree with
// AnticipatedLow and AnticipatedHigh in the same way; they are only given with a ProjectedYear
// (ProjectedHigh stays NaN when the further bound does not meet the goal by 2100). All three are
// NaN when the latest value already meets the goal.
func Assess(s Series, g Goal) Result {
	r, _ := assess(s, g)
	return r
}

// assess is Assess, also returning how many logistic fits it ran.
func assess(s Series, g Goal) (Result, int) {
	var m model
	r, gl, fits, ok := fitTrend(s, g, &m)
	if !ok {
		return r, 0
	}
	r.Model = m.kind
	observed := false
	for i, y := range s.Years {
		if v := gl.value(s.Values[i]); y == g.Deadline && !math.IsNaN(v) {
			r.Anticipated, r.AnticipatedLow, r.AnticipatedHigh = v, v, v
			observed = true
		}
	}
	if !observed {
		d := float64(g.Deadline)
		r.Anticipated, r.AnticipatedLow, r.AnticipatedHigh = m.at(d, 0), m.at(d, -z95), m.at(d, z95)
		if math.IsNaN(r.AnticipatedLow) || math.IsNaN(r.AnticipatedHigh) {
			r.AnticipatedLow, r.AnticipatedHigh = math.NaN(), math.NaN()
		}
	}
	if !gl.meets(r.Latest) {
		from, deadline := float64(r.LatestYear), float64(g.Deadline)
		r.ProjectedYear = reach(&m, &gl, 0, from, deadline)
		switch {
		case !math.IsNaN(r.ProjectedYear):
			r.ProjectedLow = reach(&m, &gl, gl.dir*z95, from, deadline)
			r.ProjectedHigh = reach(&m, &gl, -gl.dir*z95, from, deadline)
		case r.Class == UnableToAssess:
		case deadline > from:
			addNote(&r, fmt.Sprintf(noteNotByDeadline, strconv.Itoa(lastYear)))
		default:
			addNote(&r, fmt.Sprintf(noteNeverMet, strconv.Itoa(lastYear)))
		}
	}
	return r, fits
}

// fitTrend computes the metrics of s and fits its trend to m, as Assess does: it reports the
// number of logistic fits run, and false when there are fewer than two points to fit.
func fitTrend(s Series, g Goal, m *model) (Result, goal, int, bool) {
	r, gl, sp := metrics(s, g)
	if sp.points < 2 {
		return r, gl, 0, false
	}
	w := pool.Get().(*workspace)
	defer pool.Put(w)
	w.t, w.y = w.t[:0], w.y[:0]
	for i := sp.first; i <= sp.last; i++ {
		if v := gl.value(s.Values[i]); !math.IsNaN(v) {
			w.t = append(w.t, float64(s.Years[i]))
			w.y = append(w.y, v)
		}
	}
	fits := w.choose(gl.tr, m)
	return r, gl, fits, true
}

// Path is the trend Assess fits to the series, projected from its latest year to the year to:
// the model and, each year, its value and 95% interval. It is empty when Assess fits no trend
// (fewer than two points) or the latest year is not before to. For a parity goal the values are
// max(x, 1/x).
func Path(s Series, g Goal, to int) (modelKind string, years []int, mid, low, high []float64) {
	var m model
	r, _, _, ok := fitTrend(s, g, &m)
	if !ok || r.LatestYear >= to {
		return "", nil, nil, nil, nil
	}
	for y := r.LatestYear; y <= to; y++ {
		t := float64(y)
		years = append(years, y)
		mid = append(mid, m.at(t, 0))
		low = append(low, m.at(t, -z95))
		high = append(high, m.at(t, z95))
	}
	return m.kind, years, mid, low, high
}
