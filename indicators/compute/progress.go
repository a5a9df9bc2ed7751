package compute

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/progress"
	"github.com/ictstat/ictstat/indicators/targets"
)

// assessment is one target to assess for one economy or group.
type assessment struct {
	target  targets.Target
	entity  string
	kind    string
	inScope bool
	applies bool // the target's level is the one that applies to the entity (targets.Applicable)
	series  *points
	basis   string
	rng     progress.Range
}

// progress assesses every economy and group that has data on a target's measure against every
// target the data can measure. Economies are assessed on their reported values; groups on
// ictstat's aggregates, or the aggregates their source publishes where ictstat has none. A
// framework's targets on one measure, comparator and deadline are levels of one target set for
// several scopes (Broadband Commission BB.3: 75% worldwide, 65% in developing countries, 35% in
// LDCs; Connect 2020 1.2, 2.2.A and 2.2.B likewise): each level is assessed, and the row of the
// level that applies to the economy or group says so (targets.Applicable). Only the targets want
// accepts are assessed.
func (d *data) progress(ctx context.Context, fws []targets.Framework, want func(targets.Target) bool, ag groupSeries, gapRows []store.GapRow, workers int) ([]store.ProgressRow, error) {
	parity := map[[2]string]*points{} // (entity, indicator) → gender parity scores, all ages and areas
	parityBasis := map[[2]string]string{}
	for _, g := range gapRows {
		if g.Measure != GenderParityScore || g.Area != "total" || g.Age != "total" {
			continue
		}
		k := [2]string{g.Entity, g.Indicator}
		if parity[k] == nil {
			parity[k] = &points{}
			parityBasis[k] = g.Basis
		}
		parity[k].add(g.Year, g.Value)
	}
	sc := d.scopes()
	var jobs []assessment
	for _, fw := range fws {
		levels := map[string][]string{} // measure, comparator and deadline → the scopes of the levels
		for _, t := range fw.Targets {
			k := targets.LevelsKey(t.Measure, t.Comparator, t.Deadline)
			levels[k] = append(levels[k], t.Scope)
		}
		for _, t := range fw.Targets {
			if !t.Measured() || !want(t) {
				continue
			}
			ind, derivation := t.Indicator()
			m := d.measures[t.Measure]
			if derivation == "" || derivation == "gps" {
				m = d.measures[ind]
			}
			bounds, ok := d.bounds[t.Measure]
			if !ok {
				bounds = [2]float64{math.NaN(), math.NaN()} // a derived measure: the unit kind's range
			}
			rng := progress.MeasureRange(m.unitKind, bounds[0], bounds[1])
			scopes := levels[targets.LevelsKey(t.Measure, t.Comparator, t.Deadline)]
			for e, name := range d.economies {
				a := assessment{target: t, entity: name, kind: "economy", inScope: t.Scope == "economy", rng: rng, basis: "reported",
					applies: targets.Applicable(scopes, func(s string) bool { return sc.economyIn(e, s) }) == t.Scope}
				if derivation == "gps" {
					a.series = parity[[2]string{name, ind}]
				} else {
					a.series = d.reportedPoints(total(t.Measure), e)
				}
				if a.series != nil {
					jobs = append(jobs, a)
				}
			}
			for _, g := range d.groups {
				a := assessment{target: t, entity: g.code, kind: "group", inScope: targets.ScopeGroups[t.Scope] == g.code, rng: rng,
					applies: targets.Applicable(scopes, func(s string) bool { return sc.groupIn(g.code, s) }) == t.Scope}
				if derivation == "gps" {
					k := [2]string{g.code, ind}
					a.series, a.basis = parity[k], parityBasis[k]
				} else {
					a.series, a.basis = d.groupPoints(ag, total(t.Measure), g.code)
				}
				if a.series != nil {
					jobs = append(jobs, a)
				}
			}
		}
	}
	out := make([]store.ProgressRow, len(jobs))
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = assess(jobs[i])
			}
		}()
	}
	var err error
	for i := range jobs {
		if err = ctx.Err(); err != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return out, err
}

// scopeMembers tells which target scopes (developing, ldc, lldc, sids) economies and groups
// belong to, by the groups' current members (targets.ScopeGroups names the group of each scope).
type scopeMembers struct {
	of map[string]map[int]bool // group code → its current members
}

func (d *data) scopes() scopeMembers {
	sc := scopeMembers{of: map[string]map[int]bool{}}
	for _, g := range d.groups {
		set := map[int]bool{}
		for _, m := range g.members {
			if m.lastYear == 0 { // a current member
				set[m.economy] = true
			}
		}
		sc.of[g.code] = set
	}
	return sc
}

// economyIn reports whether economy e belongs to the scope.
func (sc scopeMembers) economyIn(e int, scope string) bool {
	return sc.of[targets.ScopeGroups[scope]][e]
}

// groupIn reports whether a group belongs to the scope: it is the scope's group, or all its
// current members belong to it (the low-income economies are developing; ITU's Africa region,
// with high-income members, is not).
func (sc scopeMembers) groupIn(code, scope string) bool {
	sg := targets.ScopeGroups[scope]
	if code == sg {
		return true
	}
	members, in := sc.of[code], sc.of[sg]
	if len(members) == 0 || len(in) == 0 {
		return false
	}
	for e := range members {
		if !in[e] {
			return false
		}
	}
	return true
}

// baselineValue is the value a baseline_ratio target multiplies: the series' value in the
// baseline year; false when the series has none for that year.
func baselineValue(p *points, year int) (float64, bool) {
	for i, y := range p.years {
		if y == year && !math.IsNaN(p.values[i]) && !math.IsInf(p.values[i], 0) {
			return p.values[i], true
		}
	}
	return math.NaN(), false
}

// assess runs the progress engine on one assessment.
func assess(a assessment) store.ProgressRow {
	t := a.target
	s := progress.Series{Years: a.series.years, Values: a.series.values}
	var level float64
	var r progress.Result
	base, ok := baselineValue(a.series, t.BaselineYear)
	if t.Basis == "baseline_ratio" && !ok {
		// A target relative to the baseline year's value cannot be assessed without it: moving
		// the baseline (Open SDG's rule for the growth rates) would move the target itself.
		level = math.NaN()
		r = progress.Metrics(s, progress.Goal{Comparator: t.Comparator, Level: level, Tolerance: t.Tolerance,
			BaselineYear: t.BaselineYear, Deadline: t.Deadline, Range: a.rng})
		r.Class = progress.UnableToAssess
		r.Ratio, r.RequiredCAGR, r.RequiredGrowth, r.MetYear = math.NaN(), math.NaN(), math.NaN(), 0
		r.Note = fmt.Sprintf(noteNoBaselineValue, strconv.Itoa(t.BaselineYear))
	} else {
		level = t.Level(base)
		r = progress.Assess(s, progress.Goal{Comparator: t.Comparator, Level: level, Tolerance: t.Tolerance,
			BaselineYear: t.BaselineYear, Deadline: t.Deadline, Range: a.rng})
	}
	parts := []string{r.Note}
	if t.Comparator == "parity" {
		parts = append(parts, noteParity)
	}
	if r.GrowthScale == progress.GrowthLogit && r.Class != progress.UnableToAssess {
		parts = append(parts, noteLogit)
	}
	if t.Note != "" && !strings.HasPrefix(t.Note, "no global data") {
		parts = append(parts, t.Note)
	}
	note := strings.TrimSpace(strings.Join(parts, " "))
	baseSE, latestSE := a.series.seAt(r.BaselineYear), a.series.seAt(r.LatestYear)
	vsTarget, vsBaseline := "", ""
	if !math.IsNaN(latestSE) && t.Comparator != "parity" {
		vsTarget = beyondUncertainty(r.Latest-level, latestSE)
		if r.BaselineYear != 0 && r.BaselineYear != r.LatestYear {
			vsBaseline = beyondUncertainty(r.Latest-r.Baseline, math.Hypot(latestSE, zeroIfNaN(baseSE)))
		}
	}
	return store.ProgressRow{
		BaselineSE: baseSE, LatestSE: latestSE, VsTarget: vsTarget, VsBaseline: vsBaseline,
		Framework: t.Framework, Target: t.Code, Measure: t.Measure, Entity: a.entity, EntityKind: a.kind, InScope: a.inScope,
		Comparator: t.Comparator, Level: level, Deadline: t.Deadline, BaselineYear: r.BaselineYear, Baseline: r.Baseline,
		LatestYear: r.LatestYear, Latest: r.Latest, Points: r.Points, Change: r.Change, CAGR: r.CAGR,
		RequiredCAGR: r.RequiredCAGR, Ratio: r.Ratio, Class: r.Class, MetYear: r.MetYear, Model: r.Model,
		Anticipated: r.Anticipated, AnticipatedLow: r.AnticipatedLow, AnticipatedHigh: r.AnticipatedHigh,
		ProjectedYear: r.ProjectedYear, ProjectedLow: r.ProjectedLow, ProjectedHigh: r.ProjectedHigh,
		Basis: a.basis, Verification: t.Verification, Note: note,
		Scope: t.Scope, Applies: a.applies, Tolerance: t.Tolerance,
		GrowthScale: r.GrowthScale, Growth: r.Growth, RequiredGrowth: r.RequiredGrowth,
		ValidMin: r.Range.Min, ValidMax: r.Range.Max,
	}
}

// beyondUncertainty says whether a difference d with standard error se differs from 0 at the 5%
// level (|d| > 1.96 se, a two-sided z-test): "above" or "below", else "within uncertainty";
// "" when it cannot be told (d or se not a number).
func beyondUncertainty(d, se float64) string {
	switch {
	case math.IsNaN(d) || math.IsNaN(se):
		return ""
	case d > 1.959963984540054*se:
		return "above"
	case d < -1.959963984540054*se:
		return "below"
	}
	return "within uncertainty"
}

func zeroIfNaN(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return x
}
