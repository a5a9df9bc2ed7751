package compute

import (
	"context"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/targets"
)

// scope is what a computation recomputes: every series (full), or the series of some indicators,
// the measures derived from them, their gaps and the progress toward the targets on them.
type scope struct {
	full    bool
	reason  string          // why a computation is full
	changed []string        // the indicators whose observations changed
	series  map[string]bool // the indicators and derived measures recomputed (nil: all)
	load    map[string]bool // the indicators read: series, and the totals they depend on
	// An incremental computation rewrites only the years whose results can have changed
	// (changedYears): since is the last batch the latest computation read, and dropped says
	// that editions were dropped after it, so that every year is rewritten.
	incremental bool
	since       int
	dropped     bool
}

// String says what a computation recomputed, as store.computations.scope records it.
func (s scope) String() string {
	if s.full {
		return "full"
	}
	if len(s.series) == 0 {
		return "incremental: nothing changed"
	}
	return "incremental: " + strings.Join(slices.Sorted(maps.Keys(s.series)), ", ")
}

// has says whether the indicator or derived measure is recomputed.
func (s scope) has(code string) bool { return s.series == nil || s.series[code] }

// target says whether progress toward t is recomputed: its measure, or the indicator it is
// derived from, is.
func (s scope) target(t targets.Target) bool {
	ind, _ := t.Indicator()
	return s.has(t.Measure) || s.has(ind)
}

// dependents are, for an indicator, the indicators recomputed with it: their results depend on
// its values. The usage gap is 3G coverage less internet use; rural coverage is formed from each
// generation's coverage and the rural population's share; the share of fixed broadband at 10
// Mbit/s and above from both fixed-broadband series. The population weighs everything: a change
// to it recomputes everything.
var dependents = map[string][]string{
	"internet_use_pct":                {"coverage_3g_pct"},
	"coverage_3g_pct":                 {"internet_use_pct"},
	"rural_population_pct":            ruralCoverage,
	"fixed_broadband_10m_plus_per100": {"fixed_broadband_per100"},
	"fixed_broadband_per100":          {"fixed_broadband_10m_plus_per100"},
}

// planScope compares the store with the latest computation and decides what to recompute: only
// the indicators whose observations changed, with their dependents, when the options, the
// reference data and the tool are the same and the population did not change; else everything.
func planScope(ctx context.Context, st *store.Store, opts Options, fws []targets.Framework) (scope, map[string]store.InputState, string, error) {
	inputs, err := st.Inputs(ctx)
	if err != nil {
		return scope{}, nil, "", err
	}
	ref, err := st.ReferenceFingerprint(ctx)
	if err != nil {
		return scope{}, nil, "", err
	}
	ref += " targets " + targetsFingerprint(fws)
	full := func(reason string) (scope, map[string]store.InputState, string, error) {
		return scope{full: true, reason: reason}, inputs, ref, nil
	}
	prev, _, ok, err := st.LastComputation(ctx)
	if err != nil {
		return scope{}, nil, "", err
	}
	switch {
	case opts.Full:
		return full("--full")
	case !ok:
		return full("no earlier computation")
	case !st.AsOf().IsZero():
		return full("computed as of a date")
	case !prev.AsOf.IsZero():
		return full("the latest computation was as of a date")
	case prev.Reference == "":
		return full("the earlier computation did not record its inputs")
	case prev.ToolVersion != opts.ToolVersion:
		return full(fmt.Sprintf("ictstat %s computed the earlier results", prev.ToolVersion))
	case prev.Reference != ref:
		return full("the catalogue, economies, groups or targets changed")
	case prev.Composition != opts.Composition || prev.CarryYears != opts.CarryYears || prev.CoverageThreshold != opts.Threshold ||
		prev.MinAnchored != opts.MinAnchored || prev.Fill != opts.Fill || prev.NowcastTo != opts.NowcastTo || prev.NowcastYears != opts.NowcastYears:
		return full("the options differ from the earlier computation's")
	}
	before, err := st.ComputedInputs(ctx)
	if err != nil {
		return scope{}, nil, "", err
	}
	s := scope{series: map[string]bool{}, load: map[string]bool{}, incremental: true, since: prev.LastBatch}
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*) > 0 FROM store.edition_drops WHERE dropped_at > ?`, prev.ComputedAt).
		Scan(&s.dropped); err != nil {
		return scope{}, nil, "", err
	}
	for _, code := range slices.Sorted(maps.Keys(inputs)) {
		if before[code] != inputs[code] {
			s.changed = append(s.changed, code)
		}
	}
	for code := range before {
		if _, ok := inputs[code]; !ok {
			s.changed = append(s.changed, code)
		}
	}
	for _, code := range s.changed {
		if code == "population" {
			return full("the population changed")
		}
		s.series[code] = true
	}
	for todo := slices.Clone(s.changed); len(todo) > 0; todo = todo[1:] {
		for _, c := range dependents[todo[0]] {
			if !s.series[c] {
				s.series[c] = true
				todo = append(todo, c)
			}
		}
	}
	for c := range s.series {
		s.load[c] = true
	}
	s.addDerived()
	return s, inputs, ref, nil
}

// targetsFingerprint is a fingerprint of the targets the computation assesses.
func targetsFingerprint(fws []targets.Framework) string {
	h := fnv.New64a()
	for _, r := range targetRows(fws) {
		fmt.Fprintf(h, "%v\n", r)
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

// dependencies are the indicators whose totals a computation of scope s reads without
// recomputing them: the population, which weighs every group value and counts the people
// offline, and the rural population's share where rural coverage is recomputed.
func dependencies(s scope) map[string]bool {
	if s.full || len(s.series) == 0 {
		return nil
	}
	out := map[string]bool{"population": true}
	for _, cov := range ruralCoverage {
		if s.series[cov] {
			out["rural_population_pct"] = true
		}
	}
	return out
}
