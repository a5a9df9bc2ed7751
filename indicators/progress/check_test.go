package progress

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/store"
)

// TestCheckResultRandom assesses random series of every kind of measure (shares, positive
// quantities, unbounded ones, parity scores), with gaps, zeros and values at the bounds, against
// random goals: no result breaks a rule.
func TestCheckResultRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 3))
	kinds := []struct {
		rng   Range
		draw  func() float64
		cmps  []string
		level []float64
		tol   []float64
	}{
		{Percent, func() float64 { return []float64{0, 100, 99.99, 0.05}[rng.IntN(4)] }, []string{"ge", "gt", "le"}, []float64{35, 60, 95}, []float64{0, 0.5}},
		{MeasureRange("pct_gni", 0, 100000), func() float64 { return []float64{0, 0.001, 964.29}[rng.IntN(3)] }, []string{"le", "lt"}, []float64{2, 5}, []float64{0, 0.5}},
		{MeasureRange("per100", 0, 1000), func() float64 { return 0 }, []string{"ge", "gt"}, []float64{50, 100}, []float64{0}},
		{Range{}, func() float64 { return -5 }, []string{"ge", "le"}, []float64{-1, 10}, []float64{0, 0.5}},
		{Range{}, func() float64 { return 1 }, []string{"parity"}, []float64{1.02}, []float64{0, 0.005}},
	}
	checked := 0
	for i := range 4000 {
		k := kinds[rng.IntN(len(kinds))]
		s := Series{}
		y := 2000 + rng.IntN(15)
		start := rng.Float64()
		slope := (rng.Float64() - 0.4) * 0.3
		for range rng.IntN(14) {
			y += 1 + rng.IntN(2)
			var v float64
			switch {
			case k.cmps[0] == "parity":
				v = math.Max(0.05, 0.5+start+slope*float64(y-2000)+0.02*rng.NormFloat64())
			case k.rng.Scale == Share:
				v = math.Min(100, math.Max(0, 100*start+30*slope*float64(y-2000)+2*rng.NormFloat64()))
			case k.rng.Scale == Positive:
				v = math.Min(k.rng.Max, (1+50*start)*math.Exp(slope*float64(y-2000))*(1+0.1*rng.NormFloat64()))
			default:
				v = 20*start - 10 + 3*slope*float64(y-2000) + rng.NormFloat64()
			}
			if rng.IntN(8) == 0 {
				v = k.draw()
			}
			if rng.IntN(12) == 0 {
				v = math.NaN()
			}
			s.Years, s.Values = append(s.Years, y), append(s.Values, v)
		}
		g := Goal{Comparator: k.cmps[rng.IntN(len(k.cmps))], Level: k.level[rng.IntN(len(k.level))],
			Tolerance: k.tol[rng.IntN(len(k.tol))], BaselineYear: 2000 + rng.IntN(15), Deadline: 2005 + rng.IntN(30), Range: k.rng}
		r := Assess(s, g)
		for _, v := range CheckResult(r, g) {
			t.Errorf("series %d %+v against %+v: %s", i, s, g, v)
		}
		if r.Model != "" {
			checked++
		}
	}
	if checked < 1000 {
		t.Errorf("only %d results with a fitted trend", checked)
	}
}

// TestCheckRowsCatches spoils a good row in the ways the rules forbid: each is reported under its
// rule, and the good row under none.
func TestCheckRowsCatches(t *testing.T) {
	// World internet use against Broadband Commission BB.3 (75% by 2025, logit scale).
	s := logitLine(-0.5, 0.2, 2017, 2023)
	g := Goal{Comparator: "ge", Level: 75, Tolerance: 0.5, BaselineYear: 2017, Deadline: 2025, Range: Percent}
	r := Assess(s, g)
	good := store.ProgressRow{Framework: "broadband_commission_2025", Target: "BB.3", Measure: "internet_use_pct", Entity: "WLD",
		EntityKind: "group", InScope: true, Comparator: g.Comparator, Level: g.Level, Deadline: g.Deadline,
		BaselineYear: r.BaselineYear, Baseline: r.Baseline, LatestYear: r.LatestYear, Latest: r.Latest, Points: r.Points,
		Change: r.Change, CAGR: r.CAGR, RequiredCAGR: r.RequiredCAGR, Ratio: r.Ratio, Class: r.Class, MetYear: r.MetYear,
		Model: r.Model, Anticipated: r.Anticipated, AnticipatedLow: r.AnticipatedLow, AnticipatedHigh: r.AnticipatedHigh,
		ProjectedYear: r.ProjectedYear, ProjectedLow: r.ProjectedLow, ProjectedHigh: r.ProjectedHigh, Basis: "ictstat aggregate",
		Verification: "verified", Note: r.Note, Scope: "world", Applies: true, Tolerance: g.Tolerance, GrowthScale: r.GrowthScale,
		Growth: r.Growth, RequiredGrowth: r.RequiredGrowth, ValidMin: r.Range.Min, ValidMax: r.Range.Max}
	if r.GrowthScale != GrowthLogit || math.IsNaN(r.ProjectedYear) || r.Class == TargetMet {
		t.Fatalf("the good row is not the case meant: %+v", r)
	}
	if v := CheckRows([]store.ProgressRow{good}); len(v) > 0 {
		t.Fatalf("the good row breaks rules: %v", v)
	}
	other := good
	other.Scope, other.Applies = "developing", false
	for name, c := range map[string]struct {
		rule  string
		spoil func(p *store.ProgressRow)
	}{
		"negative anticipated":           {RuleRange, func(p *store.ProgressRow) { p.AnticipatedLow = -1 }},
		"above 100":                      {RuleRange, func(p *store.ProgressRow) { p.AnticipatedHigh = 100.5 }},
		"interval without the point":     {RuleInterval, func(p *store.ProgressRow) { p.AnticipatedLow = p.Anticipated + 1 }},
		"one bound":                      {RuleInterval, func(p *store.ProgressRow) { p.AnticipatedHigh = math.NaN() }},
		"lower bound without a point":    {RuleProjection, func(p *store.ProgressRow) { p.ProjectedYear = math.NaN() }},
		"projected after an anticipated": {RuleProjection, func(p *store.ProgressRow) { p.ProjectedYear, p.ProjectedHigh = 2040, 2041 }},
		"fractional projected year":      {RuleProjection, func(p *store.ProgressRow) { p.ProjectedHigh += 0.5 }},
		"growth on another scale":        {RuleGrowth, func(p *store.ProgressRow) { p.Growth = p.CAGR }},
		"ratio not from the growth":      {RuleGrowth, func(p *store.ProgressRow) { p.Ratio *= 1.5 }},
		"class not from the ratio":       {RuleClass, func(p *store.ProgressRow) { p.Class = OnTrack; p.Ratio = 0.3 }},
		"met without meeting":            {RuleClass, func(p *store.ProgressRow) { p.Class = TargetMet }},
		"tolerance unexplained": {RuleTolerance, func(p *store.ProgressRow) {
			p.Latest, p.Class, p.MetYear, p.ProjectedYear, p.ProjectedLow, p.ProjectedHigh = 74.8, TargetMet, 2023, math.NaN(), math.NaN(), math.NaN()
		}},
		"no scope":           {RuleScope, func(p *store.ProgressRow) { p.Scope = "" }},
		"fragment":           {RuleNote, func(p *store.ProgressRow) { p.Note = "baseline moved to 2018" }},
		"glued sentences":    {RuleNote, func(p *store.ProgressRow) { p.Note = "The baseline moved. read as a ratio." }},
		"no full stop":       {RuleNote, func(p *store.ProgressRow) { p.Note = "Ratio in logit space" }},
		"two levels applied": {RuleScope, func(p *store.ProgressRow) {}},
	} {
		bad, second := good, other
		c.spoil(&bad)
		if name == "two levels applied" {
			second.Applies = true
		}
		vs := CheckRows([]store.ProgressRow{bad, second})
		if !slices.ContainsFunc(vs, func(v Violation) bool { return v.Rule == c.rule }) {
			t.Errorf("%s: not reported under %s (%v)", name, c.rule, vs)
		}
	}
	// No level applies to the world though the target has a worldwide one.
	none := good
	none.Applies = false
	if vs := CheckRows([]store.ProgressRow{none, other}); len(vs) != 1 || !strings.Contains(vs[0].Detail, "no level applies") {
		t.Errorf("no level applies: %v", vs)
	}
}
