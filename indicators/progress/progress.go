// Package progress assesses one series of an ICT measure against one target: is the economy or
// group on track to reach the target by its deadline?
//
// Metrics computes the CAGR-ratio measure of Eurostat's SDG monitoring report, as Statistics
// Canada implements it in Open SDG (sdg-build, ProgressMeasure.py), and classes the series in the
// Open SDG bands. Assess adds fitted trends in the manner of UN ESCAP's Anticipated Progress
// Index: a linear and a bounded logistic (diffusion) model, chosen by out-of-sample error, give the
// anticipated value at the deadline and the projected year the target is reached, with 95%
// intervals. Section numbers (§) refer to the project's reference
// shared/reference/targets-and-progress-methods.md.
//
// The functions are pure and safe for concurrent use.
package progress

import (
	"math"
	"strconv"
)

// Series is one economy's or group's yearly values of a measure: Years ascending and distinct, Values the same length.
// A NaN or infinite value counts as missing.
type Series struct {
	Years  []int
	Values []float64
}

// Goal is what the series is assessed against.
type Goal struct {
	Comparator   string  // "ge", "gt", "le", "lt" or "parity"
	Level        float64 // the value at which the target counts as met; for parity the largest max(x, 1/x) that counts (e.g. 1.02)
	BaselineYear int     // the first year of the assessment; if the series lacks it, the first later year is used
	Deadline     int
	Bounded      bool // the measure is a percentage bounded by 0 and 100
}

// Classes.
const (
	TargetMet          = "target met"
	OnTrack            = "on track"
	AccelerationNeeded = "acceleration needed"
	LimitedProgress    = "limited progress"
	Deterioration      = "deterioration"
	UnableToAssess     = "unable to assess"
)

// Models Assess chooses between.
const (
	Linear   = "linear"
	Logistic = "logistic"
)

// Result is the assessment of one series against one goal. Fields that cannot be computed are NaN (years: 0).
//
// For a parity goal every value (Baseline, Latest, Change, Anticipated and its interval) is on the
// transformed scale max(x, 1/x).
type Result struct {
	BaselineYear int
	Baseline     float64
	LatestYear   int
	Latest       float64
	Points       int     // observations from the baseline year to the latest
	Change       float64 // Latest − Baseline
	CAGR         float64 // observed compound annual growth rate, baseline to latest
	RequiredCAGR float64 // the CAGR that reaches Level from the baseline by the deadline
	Ratio        float64 // d·CAGR/|RequiredCAGR| (Eurostat / Open SDG), or its logit-space counterpart for bounded measures (see below)
	Class        string
	Note         string // why a result is unable to assess, or an adjustment made (zero base replaced, base year moved)
	MetYear      int    // the first year from the baseline on whose value met the target; 0 if none
	// From fitted trends (Assess only; NaN/0 in Metrics):
	Model                           string  // "linear" or "logistic", chosen by out-of-sample error
	Anticipated                     float64 // the model's value at the deadline (the observed value when the deadline year is observed)
	AnticipatedLow, AnticipatedHigh float64 // a 95% interval for it
	ProjectedYear                   float64 // the (fractional) year the model reaches Level; NaN if it does not by 2100 or the target is already met
	ProjectedLow, ProjectedHigh     float64 // the years the interval bounds reach Level (NaN where they do not by 2100)
}

// Thresholds of the ratio bands: Eurostat's 95/60/0, as Open SDG uses them (§3.2, §3.3).
const (
	onTrackRatio      = 0.95
	accelerationRatio = 0.60
)

// zeroSubstitute replaces a zero base or target value before the CAGRs are taken (Open SDG, §3.3).
const zeroSubstitute = 0.001

// Bounded measures are clamped to [logitLow, logitHigh] percent before the logit (§3.8).
const (
	logitLow  = 0.1
	logitHigh = 99.9
)

// goal is a Goal resolved for computation.
type goal struct {
	Goal
	cmp    byte    // 'g' ≥, 'G' >, 'l' ≤, 'L' <
	dir    float64 // d: +1 when higher is better, −1 when lower is better (§3.1)
	parity bool
}

func resolve(g Goal) (goal, bool) {
	r := goal{Goal: g, dir: 1}
	switch g.Comparator {
	case "ge":
		r.cmp = 'g'
	case "gt":
		r.cmp = 'G'
	case "le":
		r.cmp, r.dir = 'l', -1
	case "lt":
		r.cmp, r.dir = 'L', -1
	case "parity":
		// Parity ("Goldilocks") indicators: x → max(x, 1/x), then lower is better towards 1
		// (Open SDG, §3.3; ITU's parity band 0.98–1.02, §3.8 and §4).
		r.cmp, r.dir, r.parity = 'l', -1, true
	default:
		return r, false
	}
	return r, true
}

// value returns x on the scale the goal is assessed on; NaN when x counts as missing.
func (g *goal) value(x float64) float64 {
	if g.parity {
		if !(x > 0) || math.IsInf(x, 0) {
			return math.NaN()
		}
		return math.Max(x, 1/x)
	}
	if math.IsInf(x, 0) {
		return math.NaN()
	}
	return x
}

// meets reports whether a value (on the assessed scale) meets the goal.
func (g *goal) meets(v float64) bool {
	switch g.cmp {
	case 'g':
		return v >= g.Level
	case 'G':
		return v > g.Level
	case 'l':
		return v <= g.Level
	case 'L':
		return v < g.Level
	}
	return false
}

// logitPct is ln(p/(1−p)) of a percentage clamped to [0.1, 99.9].
func logitPct(x float64) float64 {
	p := math.Min(math.Max(x, logitLow), logitHigh) / 100
	return math.Log(p / (1 - p))
}

func nanResult() Result {
	n := math.NaN()
	return Result{Baseline: n, Latest: n, Change: n, CAGR: n, RequiredCAGR: n, Ratio: n,
		Anticipated: n, AnticipatedLow: n, AnticipatedHigh: n, ProjectedYear: n, ProjectedLow: n, ProjectedHigh: n}
}

func addNote(r *Result, note string) {
	if r.Note == "" {
		r.Note = note
	} else {
		r.Note += "; " + note
	}
}

func unable(r *Result, note string) {
	r.Class = UnableToAssess
	addNote(r, note)
}

// span is the part of a series from the baseline on: indices first and last hold the baseline and
// the latest value.
type span struct {
	first, last, points int
}

// Metrics computes the CAGR-based measures and the class only (fast path).
//
// Values before BaselineYear are ignored. The measures are those of Eurostat's SDG monitoring
// report as implemented in Open SDG (Method 2, §3.1–§3.3):
//
//	CAGR_o = (y_t/y_0)^(1/(t−t0)) − 1                       observed CAGR (§3.1)
//	CAGR_r = (T/y_0)^(1/(deadline−t0)) − 1                  required CAGR, T = Level (§3.1)
//	R = d·sign(y_0)·CAGR_o/|CAGR_r|                         d = +1 for ge/gt, −1 for le/lt (§3.1)
//	R ≥ 0.95 on track; 0.60–0.95 acceleration needed; 0–0.60 limited progress; < 0 deterioration (§3.2, §3.3)
//
// A latest value that meets the goal classes the series as TargetMet whatever R is (Open SDG,
// §3.3); a baseline that met it while the latest does not is Deterioration. A zero base or target
// is replaced by 0.001 for the CAGRs only (Open SDG); whether a value meets the goal always uses
// Level itself.
//
// Bounded measures (Bounded, d = +1) are assessed in logit space instead (§3.8: a CAGR near 100%
// makes "on track" impossible, since the required growth shrinks while the observed one slows
// along the S-curve), with values clamped to [0.1, 99.9] percent:
//
//	g_o = (logit(y_t/100) − logit(y_0/100))/(t−t0)           observed logit growth (§3.8)
//	g_r = (logit(T/100) − logit(y_0/100))/(deadline−t0)      required logit growth (§3.8)
//	R = g_o/|g_r|                                            ratio, same bands
//
// CAGR and RequiredCAGR then still hold the plain CAGRs, for reference. A bounded measure with a
// lower-is-better goal is assessed on the CAGRs: falling towards 0 the CAGR is the natural scale.
func Metrics(s Series, g Goal) Result {
	r, _, _ := metrics(s, g)
	return r
}

// metrics is Metrics, also returning the resolved goal and the span from the baseline on
// (points < 2 when the series cannot be fitted either).
func metrics(s Series, g Goal) (Result, goal, span) {
	r := nanResult()
	gl, ok := resolve(g)
	var sp span
	if !ok {
		unable(&r, "unknown comparator "+strconv.Quote(g.Comparator))
		return r, gl, sp
	}
	if len(s.Years) != len(s.Values) {
		unable(&r, "years and values differ in length")
		return r, gl, sp
	}
	// Base year: the value at BaselineYear, else the first later year with a value (Open SDG, §3.3, §3.8).
	sp.first, sp.last = -1, -1
	for i, y := range s.Years {
		if i > 0 && y <= s.Years[i-1] {
			unable(&r, "years are not ascending and distinct")
			return r, gl, span{}
		}
		if y < g.BaselineYear || math.IsNaN(gl.value(s.Values[i])) {
			continue
		}
		if sp.first < 0 {
			sp.first = i
		}
		sp.last = i
		sp.points++
	}
	r.Points = sp.points
	if sp.points == 0 {
		unable(&r, "no value from the baseline year on")
		return r, gl, sp
	}
	base, latest := gl.value(s.Values[sp.first]), gl.value(s.Values[sp.last])
	r.BaselineYear, r.Baseline = s.Years[sp.first], base
	r.LatestYear, r.Latest = s.Years[sp.last], latest
	r.Change = latest - base
	if r.BaselineYear != g.BaselineYear {
		addNote(&r, "no value for "+strconv.Itoa(g.BaselineYear)+": baseline moved to "+strconv.Itoa(r.BaselineYear))
	}
	// Minimum data: at least 2 observations spanning at least a year (Open SDG, ESCAP; §3.3, §3.8).
	if sp.points < 2 {
		unable(&r, "fewer than two observations from the baseline year on")
		return r, gl, sp
	}
	for i := sp.first; i <= sp.last; i++ {
		if v := gl.value(s.Values[i]); !math.IsNaN(v) && gl.meets(v) {
			r.MetYear = s.Years[i]
			break
		}
	}

	// Zero base or target → 0.001 (Open SDG, §3.3, §3.8).
	y0, level := base, g.Level
	if y0 == 0 {
		y0 = zeroSubstitute
		addNote(&r, "zero baseline replaced by 0.001")
	}
	if level == 0 {
		level = zeroSubstitute
		addNote(&r, "zero target replaced by 0.001")
	}
	elapsed := float64(r.LatestYear - r.BaselineYear)
	horizon := float64(g.Deadline - r.BaselineYear)
	opposite := y0*latest < 0
	if !opposite {
		r.CAGR = math.Pow(latest/y0, 1/elapsed) - 1 // CAGR_o (§3.1)
	}
	if horizon > 0 {
		r.RequiredCAGR = math.Pow(level/y0, 1/horizon) - 1 // CAGR_r (§3.1)
	}
	required, ratio := r.RequiredCAGR, math.NaN()
	if g.Bounded && gl.dir > 0 {
		// Logit-space growth for bounded percentages (§3.8).
		lb := logitPct(base)
		observed := (logitPct(latest) - lb) / elapsed
		required = (logitPct(g.Level) - lb) / horizon
		ratio = observed / math.Abs(required)
	} else if !opposite {
		ratio = gl.dir * math.Copysign(1, y0) * r.CAGR / math.Abs(required) // R (§3.1)
	}
	if !math.IsInf(ratio, 0) {
		r.Ratio = ratio
	}

	switch {
	case gl.meets(latest):
		// Target achieved overrides the bands (Open SDG, §3.3).
		r.Class = TargetMet
	case gl.meets(base):
		r.Class = Deterioration
		addNote(&r, "the baseline met the target and the latest value does not")
	case opposite:
		unable(&r, "baseline and latest values of opposite sign")
	case horizon <= 0:
		unable(&r, "the deadline is not after the baseline year")
	case required == 0 || math.IsNaN(required) || math.IsInf(required, 0):
		unable(&r, "the required growth is zero or undefined")
	case math.IsNaN(r.Ratio):
		unable(&r, "the ratio is undefined")
	case r.Ratio >= onTrackRatio:
		r.Class = OnTrack
	case r.Ratio >= accelerationRatio:
		r.Class = AccelerationNeeded
	case r.Ratio >= 0:
		r.Class = LimitedProgress
	default:
		r.Class = Deterioration
	}
	return r, gl, sp
}
