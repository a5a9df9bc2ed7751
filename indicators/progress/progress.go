// Package progress assesses one series of an ICT measure against one target: is the economy or
// group on track to reach the target by its deadline?
//
// Metrics computes the CAGR-ratio measure of Eurostat's SDG monitoring report, as Statistics
// Canada implements it in Open SDG (sdg-build, ProgressMeasure.py), and classes the series in the
// Open SDG bands. Assess adds fitted trends in the manner of UN ESCAP's Anticipated Progress
// Index: a trend fitted on a scale that keeps every value inside the measure's valid range (logit
// for shares, log for positive quantities) and, for rising series with enough points, a logistic
// diffusion curve, chosen by out-of-sample error, give the anticipated value at the deadline and
// the projected year the target is reached, with 95% intervals. Section numbers (§) refer to the
// project's reference shared/reference/targets-and-progress-methods.md.
//
// The functions are pure and safe for concurrent use.
package progress

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Series is one economy's or group's yearly values of a measure: Years ascending and distinct, Values the same length.
// A NaN or infinite value counts as missing.
type Series struct {
	Years  []int
	Values []float64
}

// Scale is the space in which a measure's trend is fitted and its intervals are formed. It follows
// from the measure's valid range, so that every value a model gives (the anticipated value, the
// projected path and their intervals) stays inside that range by construction, not by clipping.
type Scale uint8

const (
	// Unbounded: the values themselves, for a measure with no lower bound.
	Unbounded Scale = iota
	// Positive: ln(y − Min), for a quantity above a lower bound (prices, subscriptions, counts); a
	// trend on it is a constant rate of growth (the CAGR extrapolation of §3.1 and §5.5). A value
	// at or below Min cannot be placed on it and counts as missing. Model values are capped at Max.
	Positive
	// Share: logit((y − Min)/(Max − Min)), for a share between two bounds (percentages); a trend on
	// it is a logistic curve with its saturation at Max (§5.1, §5.3, §5.5). Values are clamped to
	// 0.1%–99.9% of the range before the logit (§3.8).
	Share
)

// Range is the valid range of a measure (the catalogue's min_value and max_value) and the scale
// its trend is fitted on. The zero Range is unbounded.
type Range struct {
	Scale    Scale
	Min, Max float64 // ±Inf where open
}

// Percent is the range of a percentage.
var Percent = Range{Scale: Share, Min: 0, Max: 100}

// MeasureRange is the range of a measure with the catalogue's unit kind and bounds (NaN or ±Inf
// where open): a percentage (unit kind "percent") is a share between its bounds, 0 and 100 when
// not given; any other measure with a lower bound is a positive quantity above it (prices,
// subscriptions, counts; capped at the upper bound); a measure without one is unbounded.
func MeasureRange(unitKind string, min, max float64) Range {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if unitKind == "percent" {
		if !finite(min) {
			min = 0
		}
		if !finite(max) {
			max = 100
		}
		if min < max {
			return Range{Scale: Share, Min: min, Max: max}
		}
	}
	if finite(min) {
		if !(max > min) {
			max = math.Inf(1)
		}
		return Range{Scale: Positive, Min: min, Max: max}
	}
	return Range{Min: math.Inf(-1), Max: math.Inf(1)}
}

// normal is r with open bounds as ±Inf, and false when a Share has no finite interval.
func (r Range) normal() (Range, bool) {
	switch r.Scale {
	case Share:
		ok := !math.IsInf(r.Min, 0) && !math.IsInf(r.Max, 0) && r.Min < r.Max
		return r, ok
	case Positive:
		if math.IsNaN(r.Min) || math.IsInf(r.Min, 0) {
			return Range{Min: math.Inf(-1), Max: math.Inf(1)}, true
		}
		if !(r.Max > r.Min) {
			r.Max = math.Inf(1)
		}
		return r, true
	}
	return Range{Min: math.Inf(-1), Max: math.Inf(1)}, true
}

// Goal is what the series is assessed against.
type Goal struct {
	Comparator string  // "ge", "gt", "le", "lt" or "parity"
	Level      float64 // the value at which the target counts as met; for parity the largest max(x, 1/x) that counts (e.g. 1.02)
	// Tolerance is the target's measurement tolerance: a value that misses Level by no more than
	// this meets the goal (the level is stated to a precision, e.g. 0.5 for a whole percentage, so
	// 94.9 reads as 95). The targets files give it; 0 is none.
	Tolerance    float64
	BaselineYear int // the first year of the assessment; if the series lacks it, the first later year is used
	Deadline     int
	Range        Range // the measure's valid range; ignored for parity, assessed on max(x, 1/x) ≥ 1
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

// Models Assess chooses between: a straight line on the measure's scale (named by that scale) and
// the logistic diffusion curve.
const (
	Linear      = "linear"       // y = a + b·t, an unbounded measure
	LogLinear   = "log-linear"   // ln(y − Min) = a + b·t: a constant rate of growth (or, for parity, of closing the gap)
	LogitLinear = "logit-linear" // logit of the share = a + b·t: a logistic with its saturation at the range's top
	Logistic    = "logistic"     // y = K/(1 + exp(−r(t − t0))) with K estimated
)

// Scales of the growth rates the ratio is computed from.
const (
	GrowthCAGR  = "cagr"  // compound annual growth rates (Eurostat, Open SDG)
	GrowthLogit = "logit" // yearly changes of the logit of the share (§3.8)
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
	// GrowthScale is the scale of Growth and RequiredGrowth, the rates Ratio is computed from:
	// GrowthCAGR (then they equal CAGR and RequiredCAGR) or GrowthLogit for rising shares.
	GrowthScale            string
	Growth, RequiredGrowth float64
	Ratio                  float64 // d·sign(y₀)·Growth/|RequiredGrowth| (Eurostat / Open SDG; sign(y₀) = 1 in logit space)
	Class                  string
	Note                   string // full sentences: why a result is unable to assess, adjustments made (base year moved, values left out), a tolerance applied
	MetYear                int    // the first year from the baseline on whose value met the target; 0 if none
	Range                  Range  // the valid range of the values assessed (for parity, [1, +Inf))
	// From fitted trends (Assess only; NaN/0 in Metrics):
	Model                           string  // Linear, LogLinear, LogitLinear or Logistic, chosen by out-of-sample error
	Anticipated                     float64 // the model's value at the deadline (the observed value when the deadline year is observed)
	AnticipatedLow, AnticipatedHigh float64 // a 95% interval for it
	ProjectedYear                   float64 // the first whole year whose model value meets the goal, through a later deadline; NaN if not by 2100 or the target is already met
	ProjectedLow, ProjectedHigh     float64 // the whole years the interval's bounds first meet it; NaN without ProjectedYear, or where a bound does not by 2100
}

// Thresholds of the ratio bands: Eurostat's 95/60/0, as Open SDG uses them (§3.2, §3.3).
const (
	onTrackRatio      = 0.95
	accelerationRatio = 0.60
)

// zeroSubstitute replaces a zero base or target value before the CAGRs are taken (Open SDG, §3.3).
const zeroSubstitute = 0.001

// Shares are clamped to [shareLow, shareHigh] of their range before the logit (§3.8: 0.1% and 99.9%).
const (
	shareLow  = 0.001
	shareHigh = 0.999
)

// parityFloor is the least distance from parity, max(x, 1/x) − 1, placed on the log scale: exact
// parity is a value of the series, so it is kept, at the distance Open SDG substitutes for a zero
// (§3.3).
const parityFloor = zeroSubstitute

// goal is a Goal resolved for computation.
type goal struct {
	Goal
	cmp    byte    // 'g' ≥, 'G' >, 'l' ≤, 'L' <
	dir    float64 // d: +1 when higher is better, −1 when lower is better (§3.1)
	parity bool
	rng    Range     // the valid range of the values assessed
	tr     transform // to the scale of the trend
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
		// (Open SDG, §3.3; ITU's parity band 0.98–1.02, §3.8 and §4). The distance from parity,
		// max(x, 1/x) − 1, is positive: its trend is fitted on the log scale, so that the gap
		// closes at a constant rate and the path never crosses parity.
		r.cmp, r.dir, r.parity = 'l', -1, true
	default:
		return r, false
	}
	if math.IsNaN(r.Tolerance) || r.Tolerance < 0 {
		r.Tolerance = 0
	}
	if r.parity {
		r.rng = Range{Scale: Positive, Min: 1, Max: math.Inf(1)}
		r.tr = transform{scale: Positive, min: 1, max: math.Inf(1), floor: parityFloor}
		return r, true
	}
	rng, ok := g.Range.normal()
	r.rng = rng
	r.tr = transform{scale: rng.Scale, min: rng.Min, max: rng.Max}
	return r, ok
}

// value returns x on the scale the goal is assessed on; NaN when x counts as missing: not finite,
// a parity score not above 0, or a positive quantity not above its lower bound.
func (g *goal) value(x float64) float64 {
	if g.parity {
		if !(x > 0) || math.IsInf(x, 0) {
			return math.NaN()
		}
		return math.Max(x, 1/x)
	}
	if math.IsInf(x, 0) || g.rng.Scale == Positive && !(x > g.rng.Min) {
		return math.NaN()
	}
	return x
}

// meets reports whether a value (on the assessed scale) meets the goal within its tolerance.
func (g *goal) meets(v float64) bool {
	return g.meetsWithin(v, g.Tolerance)
}

func (g *goal) meetsWithin(v, tol float64) bool {
	switch g.cmp {
	case 'g':
		return v >= g.Level-tol
	case 'G':
		return v > g.Level-tol
	case 'l':
		return v <= g.Level+tol
	case 'L':
		return v < g.Level+tol
	}
	return false
}

// Meets reports whether v (on the assessed scale: max(x, 1/x) for parity) meets the goal within
// its tolerance, as Metrics and Assess decide it.
func (g Goal) Meets(v float64) bool {
	gl, ok := resolve(g)
	return ok && !math.IsNaN(v) && gl.meets(v)
}

func nanResult() Result {
	n := math.NaN()
	return Result{Baseline: n, Latest: n, Change: n, CAGR: n, RequiredCAGR: n, Growth: n, RequiredGrowth: n, Ratio: n,
		Anticipated: n, AnticipatedLow: n, AnticipatedHigh: n, ProjectedYear: n, ProjectedLow: n, ProjectedHigh: n}
}

// addNote appends a sentence to the note.
func addNote(r *Result, sentence string) {
	if r.Note == "" {
		r.Note = sentence
	} else {
		r.Note += " " + sentence
	}
}

func unable(r *Result, sentence string) {
	r.Class = UnableToAssess
	addNote(r, sentence)
}

// num formats a value for a note: four significant digits.
func num(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// span is the part of a series from the baseline on: indices first and last hold the baseline and
// the latest value.
type span struct {
	first, last, points int
}

// Metrics computes the growth measures and the class only (fast path).
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
// §3.3); a baseline that met it while the latest does not is Deterioration. Meeting the goal
// allows for the goal's Tolerance (the precision the target is stated to), and the note says when
// the tolerance decided it. A zero base or target is replaced by 0.001 for the CAGRs only (Open
// SDG); whether a value meets the goal always uses Level itself.
//
// Shares that must rise (Range.Scale Share, d = +1) are assessed in logit space instead (§3.8: a
// CAGR near 100% makes "on track" impossible, since the required growth shrinks while the
// observed one slows along the S-curve), with values clamped to 0.1%–99.9% of the range:
//
//	g_o = (logit(y_t) − logit(y_0))/(t−t0)                   observed logit growth (§3.8)
//	g_r = (logit(T) − logit(y_0))/(deadline−t0)              required logit growth (§3.8)
//	R = g_o/|g_r|                                            ratio, same bands
//
// GrowthScale, Growth and RequiredGrowth say which rates the ratio was computed from; CAGR and
// RequiredCAGR hold the plain CAGRs in either case. A share with a lower-is-better goal is
// assessed on the CAGRs: falling towards 0 the CAGR is the natural scale.
//
// A positive quantity (Range.Scale Positive) at or below its lower bound, such as a price of 0,
// has no place on the log scale its trend is fitted on; it counts as missing, and the note says so.
func Metrics(s Series, g Goal) Result {
	r, _, _ := metrics(s, g)
	return r
}

// metrics is Metrics, also returning the resolved goal and the span from the baseline on
// (points < 2 when the series cannot be fitted either).
func metrics(s Series, g Goal) (Result, goal, span) {
	r := nanResult()
	gl, ok := resolve(g)
	r.Range = gl.rng
	var sp span
	if !ok {
		if gl.cmp == 0 {
			unable(&r, fmt.Sprintf(noteUnknownComparator, strconv.Quote(g.Comparator)))
		} else {
			unable(&r, noteShareRange)
		}
		return r, gl, sp
	}
	if len(s.Years) != len(s.Values) {
		unable(&r, noteLengths)
		return r, gl, sp
	}
	// Base year: the value at BaselineYear, else the first later year with a value (Open SDG, §3.3, §3.8).
	sp.first, sp.last = -1, -1
	var outside []int // years from the baseline on left out as below the log scale
	for i, y := range s.Years {
		if i > 0 && y <= s.Years[i-1] {
			unable(&r, noteYearsOrder)
			return r, gl, span{}
		}
		if y < g.BaselineYear {
			continue
		}
		if math.IsNaN(gl.value(s.Values[i])) {
			if x := s.Values[i]; !gl.parity && gl.rng.Scale == Positive && !math.IsNaN(x) && !math.IsInf(x, 0) {
				outside = append(outside, y)
			}
			continue
		}
		if sp.first < 0 {
			sp.first = i
		}
		sp.last = i
		sp.points++
	}
	if len(outside) > 0 {
		addNote(&r, outsideNote(outside, gl.rng.Min))
	}
	r.Points = sp.points
	if sp.points == 0 {
		unable(&r, noteNoValue)
		return r, gl, sp
	}
	base, latest := gl.value(s.Values[sp.first]), gl.value(s.Values[sp.last])
	r.BaselineYear, r.Baseline = s.Years[sp.first], base
	r.LatestYear, r.Latest = s.Years[sp.last], latest
	r.Change = latest - base
	if r.BaselineYear != g.BaselineYear {
		addNote(&r, fmt.Sprintf(noteBaselineMoved, strconv.Itoa(g.BaselineYear), strconv.Itoa(r.BaselineYear)))
	}
	// Minimum data: at least 2 observations spanning at least a year (Open SDG, ESCAP; §3.3, §3.8).
	if sp.points < 2 {
		unable(&r, noteTooFew)
		return r, gl, sp
	}
	for i := sp.first; i <= sp.last; i++ {
		if v := gl.value(s.Values[i]); !math.IsNaN(v) && gl.meets(v) {
			r.MetYear = s.Years[i]
			break
		}
	}

	// Zero base or target → 0.001 (Open SDG, §3.3, §3.8), for the CAGRs; in logit space values
	// are clamped to 0.1%–99.9% of the range instead.
	logit := gl.rng.Scale == Share && gl.dir > 0 && !gl.parity
	y0, level := base, g.Level
	if y0 == 0 {
		y0 = zeroSubstitute
		if !logit {
			addNote(&r, noteZeroBaseline)
		}
	}
	if level == 0 {
		level = zeroSubstitute
		if !logit {
			addNote(&r, noteZeroTarget)
		}
	}
	if logit && (gl.tr.share(base) != (base-gl.rng.Min)/(gl.rng.Max-gl.rng.Min) || gl.tr.share(g.Level) != (g.Level-gl.rng.Min)/(gl.rng.Max-gl.rng.Min)) {
		addNote(&r, fmt.Sprintf(noteLogitClamp))
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
	ratio := math.NaN()
	if logit {
		// Logit-space growth for rising shares (§3.8).
		r.GrowthScale = GrowthLogit
		lb := gl.tr.to(base)
		r.Growth = (gl.tr.to(latest) - lb) / elapsed
		if horizon > 0 {
			r.RequiredGrowth = (gl.tr.to(g.Level) - lb) / horizon
		}
		ratio = r.Growth / math.Abs(r.RequiredGrowth)
	} else {
		r.GrowthScale = GrowthCAGR
		r.Growth, r.RequiredGrowth = r.CAGR, r.RequiredCAGR
		if !opposite {
			ratio = gl.dir * math.Copysign(1, y0) * r.CAGR / math.Abs(r.RequiredCAGR) // R (§3.1)
		}
	}
	if !math.IsInf(ratio, 0) {
		r.Ratio = ratio + 0 // no −0
	}
	required := r.RequiredGrowth

	switch {
	case gl.meets(latest):
		// Target achieved overrides the bands (Open SDG, §3.3).
		r.Class = TargetMet
		if !gl.meetsWithin(latest, 0) {
			addNote(&r, fmt.Sprintf(noteWithinTolerance, num(latest), num(g.Level), num(gl.Tolerance)))
		}
	case gl.meets(base):
		r.Class = Deterioration
		addNote(&r, noteBaselineMet)
	case opposite:
		unable(&r, noteOppositeSign)
	case horizon <= 0:
		unable(&r, noteDeadline)
	case required == 0 || math.IsNaN(required) || math.IsInf(required, 0):
		unable(&r, noteRequiredZero)
	case math.IsNaN(r.Ratio):
		unable(&r, noteRatioUndefined)
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

// outsideNote says which values were left out as below the log scale of a positive quantity.
func outsideNote(years []int, min float64) string {
	ys := make([]string, len(years))
	for i, y := range years {
		ys[i] = strconv.Itoa(y)
	}
	list := ys[0]
	if len(ys) > 1 {
		list = strings.Join(ys[:len(ys)-1], ", ") + " and " + ys[len(ys)-1]
	}
	if len(ys) > 1 {
		return fmt.Sprintf(noteValuesOutside, list, num(min))
	}
	return fmt.Sprintf(noteValueOutside, list, num(min))
}
