package compute

import (
	"context"
	"math"
	"runtime"
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
	series  *points
	basis   string
	bounded bool
}

// progress assesses every economy and group that has data on a target's measure against every
// target the data can measure. Economies are assessed on their reported values; groups on
// ictstat's aggregates, or the aggregates their source publishes where ictstat has none.
func (d *data) progress(ctx context.Context, fws []targets.Framework, ag groupSeries, gapRows []store.GapRow, workers int) ([]store.ProgressRow, error) {
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
	var jobs []assessment
	for _, fw := range fws {
		for _, t := range fw.Targets {
			if !t.Measured() {
				continue
			}
			ind, derivation := t.Indicator()
			m := d.measures[t.Measure]
			if derivation == "" || derivation == "gps" {
				m = d.measures[ind]
			}
			bounded := m.unitKind == "percent" && derivation != "gps"
			for e, name := range d.economies {
				a := assessment{target: t, entity: name, kind: "economy", inScope: t.Scope == "economy", bounded: bounded, basis: "reported"}
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
				a := assessment{target: t, entity: g.code, kind: "group", inScope: targets.ScopeGroups[t.Scope] == g.code, bounded: bounded}
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

// baselineOf is the value a baseline_ratio target multiplies: the series' value in the baseline
// year, or in the first later year it has (Open SDG's rule).
func baselineOf(p *points, year int) float64 {
	for i, y := range p.years {
		if y >= year {
			return p.values[i]
		}
	}
	return math.NaN()
}

// assess runs the progress engine on one assessment.
func assess(a assessment) store.ProgressRow {
	t := a.target
	level := t.Level(baselineOf(a.series, t.BaselineYear))
	r := progress.Assess(progress.Series{Years: a.series.years, Values: a.series.values}, progress.Goal{
		Comparator: t.Comparator, Level: level, BaselineYear: t.BaselineYear, Deadline: t.Deadline, Bounded: a.bounded,
	})
	parts := []string{r.Note}
	if t.Comparator == "parity" {
		parts = append(parts, "Baseline, latest and anticipated values are max(GPS, 1/GPS), 1 being parity.")
	}
	if a.bounded && t.Comparator != "parity" && (t.Comparator == "ge" || t.Comparator == "gt") {
		parts = append(parts, "Ratio in logit space (a percentage's growth slows near 100).")
	}
	if t.Note != "" && !strings.HasPrefix(t.Note, "no global data") {
		parts = append(parts, t.Note)
	}
	note := strings.TrimSpace(strings.Join(parts, " "))
	return store.ProgressRow{
		Framework: t.Framework, Target: t.Code, Measure: t.Measure, Entity: a.entity, EntityKind: a.kind, InScope: a.inScope,
		Comparator: t.Comparator, Level: level, Deadline: t.Deadline, BaselineYear: r.BaselineYear, Baseline: r.Baseline,
		LatestYear: r.LatestYear, Latest: r.Latest, Points: r.Points, Change: r.Change, CAGR: r.CAGR,
		RequiredCAGR: r.RequiredCAGR, Ratio: r.Ratio, Class: r.Class, MetYear: r.MetYear, Model: r.Model,
		Anticipated: r.Anticipated, AnticipatedLow: r.AnticipatedLow, AnticipatedHigh: r.AnticipatedHigh,
		ProjectedYear: r.ProjectedYear, ProjectedLow: r.ProjectedLow, ProjectedHigh: r.ProjectedHigh,
		Basis: a.basis, Verification: t.Verification, Note: note,
	}
}
