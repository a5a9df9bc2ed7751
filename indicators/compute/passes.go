package compute

import (
	"cmp"
	"context"
	"maps"
	"slices"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/aggregate"
	"github.com/ictstat/ictstat/indicators/nowcast"
)

// passObservations is about how many observations one pass of a full computation reads and
// holds: a full computation goes through the indicators a few at a time, so that its memory is
// that of the largest pass, not of the whole store.
var passObservations int64 = 1_000_000

// passes divides what scope s recomputes into passes, each computed on its own, in turn: the
// indicators that have observations (sizes), for a full computation, or the scope's, a family at a
// time. A family is the indicators whose results depend on one another (dependents, read both
// ways): its members are always in the same pass, so that a pass is an incremental computation of
// its indicators, which TestIncrementalEqualsFull checks equals a full one's. Families are put
// together in code order into passes of about size observations (a larger family is a pass of its
// own), so that a load that changed every indicator is recomputed a part at a time too.
func (s scope) passes(sizes map[string]store.InputState, size int64) []scope {
	codes := slices.Sorted(maps.Keys(sizes))
	if !s.full {
		codes = slices.Sorted(maps.Keys(s.load))
	}
	if len(codes) == 0 {
		return nil
	}
	in := map[string]bool{}
	for _, c := range codes {
		in[c] = true
	}
	family := map[string]string{} // indicator → the first code of its family
	var find func(string) string
	find = func(c string) string {
		if r, ok := family[c]; ok && r != c {
			r = find(r)
			family[c] = r
			return r
		}
		family[c] = c
		return c
	}
	for _, c := range codes {
		for _, d := range dependents[c] {
			if !in[d] {
				continue
			}
			a, b := find(c), find(d)
			if a > b {
				a, b = b, a
			}
			family[b] = a
		}
	}
	members := map[string][]string{}
	for _, c := range codes {
		r := find(c)
		members[r] = append(members[r], c)
	}
	var out []scope
	var n int64
	for _, r := range slices.Sorted(maps.Keys(members)) {
		var m int64
		for _, c := range members[r] {
			m += sizes[c].Observations
		}
		if len(out) == 0 || n+m > size && n > 0 {
			out, n = append(out, scope{series: map[string]bool{}, load: map[string]bool{}, incremental: s.incremental, since: s.since, dropped: s.dropped}), 0
		}
		p := out[len(out)-1]
		for _, c := range members[r] {
			p.series[c], p.load[c] = true, true
		}
		n += m
	}
	for _, p := range out {
		p.addDerived()
	}
	// The population's pass first: the others keep its filled totals (keptTotals).
	rank := func(s scope) int {
		if s.series["population"] {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(out, func(a, b scope) int { return cmp.Compare(rank(a), rank(b)) })
	return out
}

// addDerived adds to the series recomputed the measures derived from them: rural coverage from
// each generation's coverage, the share at 10 Mbit/s and above from the fixed-broadband
// subscriptions.
func (s scope) addDerived() {
	for _, cov := range ruralCoverage {
		if s.series[cov] {
			s.series["rural:"+cov] = true
		}
	}
	if s.series["fixed_broadband_per100"] {
		s.series[share10m] = true
	}
}

// panel is the number of the economies' current observations and the years they span: the panel
// every series is filled over, whatever part of the store a pass reads. As of a date, it is
// read through the date's views.
func panel(ctx context.Context, st *store.Store) (n int64, first, last int, err error) {
	if st.AsOf().IsZero() {
		return st.EconomyObservations(ctx)
	}
	err = st.DB().QueryRowContext(ctx, `SELECT count(*), coalesce(min(year), 0), coalesce(max(year), 0) FROM main.observations`).
		Scan(&n, &first, &last)
	return n, first, last, err
}

// keptTotals are the population's reported, nowcast and filled totals, kept from the first pass
// that has them (recomputing them or reading them as a dependency) for the passes after it,
// which read them as a dependency: they are read, fitted and filled once in a computation. They
// are the same in every pass: the same observations, panel and options.
type keptTotals struct {
	reported map[key]map[int]*points
	filled   map[key][]*aggregate.Row
	models   map[key]*nowcast.Model
}

// from keeps the population's totals of d, unless some are kept already.
func (k *keptTotals) from(d *data) {
	t := total("population")
	if len(k.filled) > 0 || d.filled[t] == nil {
		return
	}
	k.reported = map[key]map[int]*points{t: d.reported[t]}
	k.filled = map[key][]*aggregate.Row{t: d.filled[t]}
	k.models = map[key]*nowcast.Model{t: d.models[t]}
}

// into gives d the totals kept, as filled as if its pass had read and filled them.
func (k *keptTotals) into(d *data) {
	for t, rows := range k.filled {
		if d.scope.series[t.indicator] {
			continue
		}
		d.reported[t], d.filled[t] = k.reported[t], rows
		if m := k.models[t]; m != nil {
			d.models[t] = m
		}
	}
}
