package progress

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/targets"
)

// The rules a progress figure keeps, by the name CheckResult and CheckRows give a broken one.
const (
	// RuleRange: the baseline, the latest value, the anticipated value and its interval lie in
	// the valid range of the values assessed (no negative price, no percentage above 100).
	RuleRange = "range"
	// RuleInterval: an interval holds its point estimate, low ≤ anticipated ≤ high, and has both
	// bounds or neither, and none without the estimate.
	RuleInterval = "interval"
	// RuleProjection: a projected year exists, at or before the deadline, exactly when the
	// anticipated value meets the target (for a deadline after the latest year, the target not
	// yet met); it and its interval's bounds are whole years, not before the latest year nor
	// after 2100; its interval comes only with it and holds it, low ≤ year ≤ high, and agrees
	// with the anticipated value's interval (a bound of that interval meets the target exactly
	// when the matching bound of the year's interval is at or before the deadline); a target met
	// has no projected year.
	RuleProjection = "projection"
	// RuleGrowth: the growth shown follows from the baseline and latest values shown, on the scale
	// named (CAGR, or logit growth); for CAGRs it is the cagr column; and the ratio is
	// d·sign(y₀)·growth/|required growth|.
	RuleGrowth = "growth"
	// RuleClass: the class follows from the numbers shown: target met exactly when the latest
	// value meets the target (within its tolerance); else deterioration when the baseline met
	// it; else the Eurostat band of the ratio, or unable to assess with a note saying why. A
	// year met lies between the baseline and latest years.
	RuleClass = "class"
	// RuleTolerance: a target counted as met only within its tolerance says so in the note.
	RuleTolerance = "tolerance"
	// RuleScope: each row names its scope, and of a target's levels (a framework's targets on one
	// measure, comparator and deadline: targets.LevelsKey) one at most applies to an economy or
	// group, exactly one when the target has a worldwide or economy level; a scope's own group (WLD
	// for world, LMY for developing, LDC, LLDC, SIDS) takes its scope's level.
	RuleScope = "scope"
	// RuleNote: a note is made of full sentences: it opens with a capital letter or a digit, ends
	// with a full stop, and every sentence after a full stop opens so too.
	RuleNote = "note"
)

// Rules lists the rules in the order they are checked.
var Rules = []string{RuleRange, RuleInterval, RuleProjection, RuleGrowth, RuleClass, RuleTolerance, RuleScope, RuleNote}

// Violation is a rule that a progress result or row breaks.
type Violation struct {
	Row    int // the index of the row in CheckRows; -1 in CheckResult
	Rule   string
	Detail string
}

func (v Violation) String() string {
	if v.Row < 0 {
		return v.Rule + ": " + v.Detail
	}
	return fmt.Sprintf("row %d: %s: %s", v.Row, v.Rule, v.Detail)
}

// CheckResult checks one assessment of a series against the goal it was assessed on, by every
// rule that concerns a single result (all but RuleScope).
func CheckResult(r Result, g Goal) []Violation {
	var out []Violation
	check(r, g, func(rule, format string, args ...any) {
		out = append(out, Violation{Row: -1, Rule: rule, Detail: fmt.Sprintf(format, args...)})
	})
	return out
}

// CheckRows checks progress rows, as `ictstat compute` writes them to the progress table, by
// every rule. The rows of one economy or group should all be given, for RuleScope.
func CheckRows(rows []store.ProgressRow) []Violation {
	var out []Violation
	type family struct{ entity, framework, levels string }
	applying := map[family][]int{}
	levels := map[family][]string{}
	for i, p := range rows {
		r, g := resultOf(p)
		check(r, g, func(rule, format string, args ...any) {
			out = append(out, Violation{Row: i, Rule: rule, Detail: label(p) + ": " + fmt.Sprintf(format, args...)})
		})
		if !contains(targets.Scopes, p.Scope) {
			out = append(out, Violation{Row: i, Rule: RuleScope, Detail: label(p) + fmt.Sprintf(": scope %q is not one of %s", p.Scope, strings.Join(targets.Scopes, ", "))})
		}
		f := family{p.Entity, p.Framework, targets.LevelsKey(p.Measure, p.Comparator, p.Deadline)}
		levels[f] = append(levels[f], p.Scope)
		if p.Applies {
			applying[f] = append(applying[f], i)
		}
	}
	for f, scopes := range levels {
		rowsOf := applying[f]
		general := contains(scopes, "world") || contains(scopes, "economy")
		own := ""
		for scope, group := range targets.ScopeGroups {
			if group == f.entity && contains(scopes, scope) {
				own = scope
			}
		}
		name := f.framework + " " + f.levels + " " + f.entity
		switch {
		case len(rowsOf) > 1:
			out = append(out, Violation{Row: rowsOf[1], Rule: RuleScope, Detail: fmt.Sprintf("%s: %d levels apply", name, len(rowsOf))})
		case len(rowsOf) == 0 && general:
			out = append(out, Violation{Row: -1, Rule: RuleScope, Detail: name + ": no level applies, though the target has a worldwide or economy level"})
		case own != "" && (len(rowsOf) == 0 || rows[rowsOf[0]].Scope != own):
			out = append(out, Violation{Row: -1, Rule: RuleScope, Detail: name + ": the level of its own scope, " + own + ", does not apply"})
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func label(p store.ProgressRow) string {
	return p.Framework + " " + p.Target + " " + p.Measure + " " + p.Entity + " (" + p.Scope + ")"
}

// resultOf reads a row back as the result and goal it was computed from.
func resultOf(p store.ProgressRow) (Result, Goal) {
	r := Result{BaselineYear: p.BaselineYear, Baseline: p.Baseline, LatestYear: p.LatestYear, Latest: p.Latest,
		Points: p.Points, Change: p.Change, CAGR: p.CAGR, RequiredCAGR: p.RequiredCAGR, GrowthScale: p.GrowthScale,
		Growth: p.Growth, RequiredGrowth: p.RequiredGrowth, Ratio: p.Ratio, Class: p.Class, Note: p.Note, MetYear: p.MetYear,
		Range: Range{Min: p.ValidMin, Max: p.ValidMax}, Model: p.Model, Anticipated: p.Anticipated,
		AnticipatedLow: p.AnticipatedLow, AnticipatedHigh: p.AnticipatedHigh, ProjectedYear: p.ProjectedYear,
		ProjectedLow: p.ProjectedLow, ProjectedHigh: p.ProjectedHigh}
	g := Goal{Comparator: p.Comparator, Level: p.Level, Tolerance: p.Tolerance, BaselineYear: p.BaselineYear, Deadline: p.Deadline}
	return r, g
}

// whole reports whether a year is a whole year, or missing (NaN).
func whole(y float64) bool { return math.IsNaN(y) || y == math.Trunc(y) }

// check applies the rules of a single result, calling fail for each one broken.
func check(r Result, g Goal, fail func(rule, format string, args ...any)) {
	gl, ok := resolve(Goal{Comparator: g.Comparator, Level: g.Level, Tolerance: g.Tolerance})
	if !ok {
		if r.Class != UnableToAssess {
			fail(RuleClass, "comparator %q is unknown, yet the class is %q", g.Comparator, r.Class)
		}
		return
	}
	has := func(v float64) bool { return !math.IsNaN(v) }
	meets := func(v float64) bool { return has(v) && gl.meets(v) }

	// Range.
	lo, hi := r.Range.Min, r.Range.Max
	if math.IsNaN(lo) {
		lo = math.Inf(-1)
	}
	if math.IsNaN(hi) {
		hi = math.Inf(1)
	}
	for _, v := range []struct {
		name string
		v    float64
	}{{"baseline", r.Baseline}, {"latest", r.Latest}, {"anticipated", r.Anticipated},
		{"anticipated_low", r.AnticipatedLow}, {"anticipated_high", r.AnticipatedHigh}} {
		if has(v.v) && !(v.v >= lo && v.v <= hi) {
			fail(RuleRange, "%s %v is outside the valid range [%v, %v]", v.name, v.v, lo, hi)
		}
	}

	// Interval.
	switch {
	case has(r.AnticipatedLow) != has(r.AnticipatedHigh):
		fail(RuleInterval, "the interval has one bound: %v–%v", r.AnticipatedLow, r.AnticipatedHigh)
	case has(r.AnticipatedLow) && !has(r.Anticipated):
		fail(RuleInterval, "an interval %v–%v without an anticipated value", r.AnticipatedLow, r.AnticipatedHigh)
	case has(r.AnticipatedLow) && !(r.AnticipatedLow <= r.Anticipated && r.Anticipated <= r.AnticipatedHigh):
		fail(RuleInterval, "anticipated %v is outside its interval %v–%v", r.Anticipated, r.AnticipatedLow, r.AnticipatedHigh)
	}

	// Projection.
	year, plo, phi := r.ProjectedYear, r.ProjectedLow, r.ProjectedHigh
	deadline := float64(g.Deadline)
	switch {
	case !has(year) && (has(plo) || has(phi)):
		fail(RuleProjection, "an interval %v–%v without a projected year", plo, phi)
	case has(year) && r.Class == TargetMet:
		fail(RuleProjection, "projected year %v for a target met", year)
	case has(year) && (year < float64(r.LatestYear) || year > lastYear):
		fail(RuleProjection, "projected year %v is before the latest year %d or after %d", year, r.LatestYear, lastYear)
	case !whole(year) || !whole(plo) || !whole(phi):
		fail(RuleProjection, "projected year %v or its interval %v–%v is not a whole year", year, plo, phi)
	case has(plo) && plo > year, has(phi) && phi < year:
		fail(RuleProjection, "projected year %v is outside its interval %v–%v", year, plo, phi)
	}
	future := r.Model != "" && r.Class != TargetMet && g.Deadline > r.LatestYear && r.LatestYear > 0
	if future && has(r.Anticipated) {
		by := func(y float64) bool { return has(y) && y <= deadline }
		if meets(r.Anticipated) != by(year) {
			fail(RuleProjection, "anticipated %v (level %v) against projected year %v and deadline %d", r.Anticipated, g.Level, year, g.Deadline)
		}
		if has(year) && has(r.AnticipatedLow) {
			near, far := r.AnticipatedHigh, r.AnticipatedLow // the bounds nearer to and further from the target
			if gl.dir < 0 {
				near, far = far, near
			}
			if meets(near) != by(plo) || meets(far) != by(phi) {
				fail(RuleProjection, "interval %v–%v at the deadline %d against projected interval %v–%v",
					r.AnticipatedLow, r.AnticipatedHigh, g.Deadline, plo, phi)
			}
		}
	}

	// Growth.
	if r.GrowthScale != "" && has(r.Baseline) && has(r.Latest) && r.LatestYear > r.BaselineYear {
		elapsed := float64(r.LatestYear - r.BaselineYear)
		want := math.NaN()
		switch r.GrowthScale {
		case GrowthCAGR:
			if !sameValue(r.Growth, r.CAGR) || !sameValue(r.RequiredGrowth, r.RequiredCAGR) {
				fail(RuleGrowth, "growth %v and required %v on the CAGR scale differ from the CAGRs %v and %v",
					r.Growth, r.RequiredGrowth, r.CAGR, r.RequiredCAGR)
			}
			y0 := r.Baseline
			if y0 == 0 {
				y0 = zeroSubstitute
			}
			if y0*r.Latest >= 0 {
				want = math.Pow(r.Latest/y0, 1/elapsed) - 1
			}
		case GrowthLogit:
			if gl.dir < 0 || !(lo > math.Inf(-1) && hi < math.Inf(1)) {
				fail(RuleGrowth, "logit growth for a %s goal on the range [%v, %v]", g.Comparator, lo, hi)
				break
			}
			tr := transform{scale: Share, min: lo, max: hi}
			want = (tr.to(r.Latest) - tr.to(r.Baseline)) / elapsed
		default:
			fail(RuleGrowth, "growth scale %q is neither %s nor %s", r.GrowthScale, GrowthCAGR, GrowthLogit)
		}
		if has(want) && !agree(r.Growth, want) {
			fail(RuleGrowth, "growth %v does not follow from %v (%d) to %v (%d) on the %s scale: %v",
				r.Growth, r.Baseline, r.BaselineYear, r.Latest, r.LatestYear, r.GrowthScale, want)
		}
		if has(r.Ratio) {
			sign := 1.0
			if r.GrowthScale == GrowthCAGR && r.Baseline < 0 {
				sign = -1
			}
			if want := gl.dir * sign * r.Growth / math.Abs(r.RequiredGrowth); !agree(r.Ratio, want) {
				fail(RuleGrowth, "ratio %v is not the growth %v over the required %v: %v", r.Ratio, r.Growth, r.RequiredGrowth, want)
			}
		}
	}

	// Class.
	switch {
	case !contains([]string{TargetMet, OnTrack, AccelerationNeeded, LimitedProgress, Deterioration, UnableToAssess}, r.Class):
		fail(RuleClass, "class %q is not a class", r.Class)
	case r.Class == UnableToAssess:
		if r.Note == "" {
			fail(RuleClass, "unable to assess without a note")
		}
		if meets(r.Latest) && r.Points >= 2 {
			fail(RuleClass, "unable to assess though the latest value %v meets the level %v", r.Latest, g.Level)
		}
	case meets(r.Latest) != (r.Class == TargetMet):
		fail(RuleClass, "class %q with latest %v against level %v (tolerance %v)", r.Class, r.Latest, g.Level, g.Tolerance)
	case r.Class == TargetMet:
	case meets(r.Baseline):
		if r.Class != Deterioration {
			fail(RuleClass, "class %q though the baseline %v met the level %v and the latest %v does not", r.Class, r.Baseline, g.Level, r.Latest)
		}
	case !has(r.Ratio):
		fail(RuleClass, "class %q without a ratio", r.Class)
	case r.Class != band(r.Ratio):
		fail(RuleClass, "class %q for the ratio %v (%q)", r.Class, r.Ratio, band(r.Ratio))
	}
	if r.MetYear != 0 && (r.MetYear < r.BaselineYear || r.MetYear > r.LatestYear) {
		fail(RuleClass, "year met %d outside %d–%d", r.MetYear, r.BaselineYear, r.LatestYear)
	}
	if r.Class == TargetMet && r.MetYear == 0 {
		fail(RuleClass, "target met without the year it was met")
	}

	// Tolerance.
	if r.Class == TargetMet && has(r.Latest) && !gl.meetsWithin(r.Latest, 0) && !strings.Contains(r.Note, "tolerance") {
		fail(RuleTolerance, "latest %v meets the level %v only within the tolerance %v, and the note does not say so", r.Latest, g.Level, g.Tolerance)
	}

	// Note.
	if err := sentences(r.Note); err != "" {
		fail(RuleNote, "%s: %q", err, r.Note)
	}
}

// band is the class of a ratio (Eurostat, Open SDG; §3.2, §3.3).
func band(ratio float64) string {
	switch {
	case ratio >= onTrackRatio:
		return OnTrack
	case ratio >= accelerationRatio:
		return AccelerationNeeded
	case ratio >= 0:
		return LimitedProgress
	}
	return Deterioration
}

func sameValue(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// agree reports whether a and b agree to 1e-9 relative.
func agree(a, b float64) bool {
	return sameValue(a, b) || math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// sentences says what keeps a note from being full sentences; "" when nothing does.
func sentences(note string) string {
	if note == "" {
		return ""
	}
	first, _ := utf8.DecodeRuneInString(note)
	switch {
	case !unicode.IsUpper(first) && !unicode.IsDigit(first):
		return "it does not open with a capital letter or a digit"
	case !strings.HasSuffix(note, "."):
		return "it does not end with a full stop"
	case strings.Contains(note, "  ") || strings.Contains(note, " .") || strings.Contains(note, ".."):
		return "it has a doubled space or full stop"
	case strings.Contains(note, "; ;") || strings.Contains(note, ";."):
		return "it has an empty clause"
	}
	for rest := note; ; {
		i := strings.Index(rest, ". ")
		if i < 0 {
			break
		}
		rest = rest[i+2:]
		next, _ := utf8.DecodeRuneInString(rest)
		if !unicode.IsUpper(next) && !unicode.IsDigit(next) && next != '(' {
			return "a sentence does not open with a capital letter or a digit"
		}
	}
	return ""
}
