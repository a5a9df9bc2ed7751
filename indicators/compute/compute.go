// Package compute turns the store's observations into the results analysts query: group
// aggregates with their coverage, the values filled in for them, the divides (gender parity,
// urban/rural, usage gap, people offline) and the progress of every economy and group toward
// every target, and writes them to the store in one transaction.
//
// Everything is computed from the current values of the observations (the observations view), so a
// computation is reproducible from the store's content.
package compute

import (
	"context"
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/aggregate"
	"github.com/ictstat/ictstat/indicators/gaps"
	"github.com/ictstat/ictstat/indicators/idi"
	"github.com/ictstat/ictstat/indicators/targets"
	"golang.org/x/sync/errgroup"
)

// Group compositions: which members a group's aggregate of a year is formed from.
const (
	// Current applies the latest composition to every year: income groups by the latest World
	// Bank classification, LDCs as currently listed. The World Bank's WDI aggregates and ITU's Facts
	// and Figures do so, and a group's series is then a trend of the same economies.
	Current = "current"
	// Historical applies each year's composition: income groups by the classification of that
	// year's GNI, LDCs as listed in that year (indicators/README.md gives the rule).
	Historical = "historical"
)

// Options tune a computation.
type Options struct {
	Composition string // Current or Historical; "": Current
	CarryYears  int    // how far gaps are filled past an economy's first and last reported years; 0: the default
	// Fill is how the years after an economy's last report are filled: FillNowcast (""), or
	// FillCarry. NowcastTo is the last year nowcast (0: the year before the store's as-of date,
	// or before today); NowcastYears how far past an economy's last report (0: the default).
	Fill         string
	NowcastTo    int
	NowcastYears int
	Threshold    float64 // the coverage below which an aggregate is withheld; 0: the default (two thirds)
	MinAnchored  float64 // the share of reported or interpolated values below which it is withheld; 0: the default (one third)
	Workers      int     // for the progress fits; 0: one per core
	// Full recomputes everything; otherwise only the indicators whose observations changed since
	// the latest computation are, with what depends on them (everything when the options, the
	// reference data or the tool changed, or the population did).
	Full        bool
	ToolVersion string
	// Progress is called as each step starts, with the part of the computation under way (the
	// pass, from 1, of parts; 0 of 0 outside the passes) and the share of it done (0–1).
	Progress func(step string, part, parts int, done float64)
}

// Summary counts what a computation wrote.
type Summary struct {
	Composition                           string // Current or Historical
	Observations                          int64  // the economies' current observations the results rest on
	Read                                  int64  // of them, those read: all, or those of the indicators recomputed
	Aggregates, Withheld, Estimates, Gaps int
	Progress                              int
	Duration                              time.Duration
	// Scope is what was recomputed (store.computations.scope) and Reason why everything was;
	// Changed lists the indicators whose observations changed (incremental computations).
	Scope, Reason string
	Changed       []string
	// ModelsFitted are the nowcast models fitted, ModelsKept those taken as kept from an earlier
	// computation because their inputs are the same.
	ModelsFitted, ModelsKept int
	// Years are the years an incremental computation rewrote, those whose results could have
	// changed (nil: every year; empty: none).
	Years []int
	Steps []Step // each step's time, in order
}

// Step is one step of a computation and the time it took.
type Step struct {
	Name    string
	Seconds float64
}

// Run computes everything from the store and replaces the derived tables.
func Run(ctx context.Context, st *store.Store, opts Options) (Summary, error) {
	started := time.Now()
	if opts.CarryYears == 0 {
		opts.CarryYears = aggregate.DefaultCarryYears
	}
	if opts.Threshold == 0 {
		opts.Threshold = aggregate.DefaultThreshold
	}
	if opts.MinAnchored == 0 {
		opts.MinAnchored = aggregate.DefaultMinAnchored
	}
	if opts.Composition == "" {
		opts.Composition = Current
	}
	if opts.Fill == "" {
		opts.Fill = FillNowcast
	}
	if opts.Fill != FillNowcast && opts.Fill != FillCarry {
		return Summary{}, fmt.Errorf("fill %q: use %s or %s", opts.Fill, FillNowcast, FillCarry)
	}
	if opts.NowcastTo == 0 {
		opts.NowcastTo = time.Now().Year() - 1
		if !st.AsOf().IsZero() {
			opts.NowcastTo = st.AsOf().Year() - 1
		}
	}
	if opts.NowcastYears <= 0 {
		opts.NowcastYears = DefaultNowcastYears
	}
	if opts.Fill == FillCarry {
		opts.NowcastTo = 0
	}
	if opts.Composition != Current && opts.Composition != Historical {
		return Summary{}, fmt.Errorf("composition %q: use %s or %s", opts.Composition, Current, Historical)
	}
	t := newStepTimer(opts.Progress)
	fws, err := targets.Frameworks()
	if err != nil {
		return Summary{}, err
	}
	// The index rests on the observations alone, not on the results being written: it is
	// computed meanwhile, from the store as it stands.
	ctx, cancel := context.WithCancel(ctx)
	var index struct {
		rows   []store.IDIRow
		inputs []store.IDIInputRow
		err    error
	}
	indexed := make(chan struct{})
	go func() {
		defer close(indexed)
		index.rows, index.inputs, index.err = idiRows(ctx, st)
	}()
	defer func() {
		cancel()
		<-indexed
	}()
	t.step("finding what changed", 0)
	sc, state, reference, err := planScope(ctx, st, opts, fws)
	if err != nil {
		return Summary{}, err
	}
	observations, first, last, err := panel(ctx, st)
	if err != nil {
		return Summary{}, err
	}
	if observations == 0 {
		return Summary{}, fmt.Errorf("the database holds no observations to compute from")
	}
	var lastBatch int
	if err := st.DB().QueryRowContext(ctx, `SELECT coalesce(max(batch), 0) FROM main.batches`).Scan(&lastBatch); err != nil {
		return Summary{}, err
	}
	// The results go into the store as they are made, in one transaction, so that the gap
	// figures, the largest part, are never all held at once.
	var only *store.Recompute
	if !sc.full {
		only = &store.Recompute{Indicators: slices.Sorted(maps.Keys(sc.series))}
		for _, fw := range fws {
			for _, t := range fw.Targets {
				if t.Measured() && sc.target(t) {
					only.Targets = append(only.Targets, [3]string{fw.Code, t.Code, t.Measure})
				}
			}
		}
	}
	w, err := st.BeginDerived(ctx, store.Computation{
		ComputedAt: started, LastBatch: lastBatch, Observations: observations,
		CarryYears: opts.CarryYears, CoverageThreshold: opts.Threshold, MinAnchored: opts.MinAnchored, ToolVersion: opts.ToolVersion,
		Composition: opts.Composition, AsOf: st.AsOf(), Fill: opts.Fill, NowcastTo: opts.NowcastTo, NowcastYears: opts.NowcastYears,
		Scope: sc.String(), Reference: reference, Inputs: state,
	}, only)
	if err != nil {
		return Summary{}, err
	}
	fail := func(err error) (Summary, error) {
		w.Abort()
		return Summary{}, err
	}
	sum := Summary{Composition: opts.Composition, Observations: observations, Scope: sc.String(), Reason: sc.reason, Changed: sc.changed}
	var prog []store.ProgressRow
	passes := sc.passes(state, passObservations)
	kept := &keptTotals{filled: map[key][]*aggregate.Row{}}
	rewritten, every := years{}, sc.full
	for i, p := range passes {
		t.pass, t.passes = i+1, len(passes)
		r, err := computePass(ctx, st, w, p, opts, fws, first, last, kept, t)
		if err != nil {
			return fail(err)
		}
		sum.Read += r.read
		sum.Aggregates += r.aggregates
		sum.Withheld += r.withheld
		sum.Estimates += r.estimates
		sum.Gaps += r.gaps
		sum.ModelsFitted += r.fitted
		sum.ModelsKept += r.kept
		prog = append(prog, r.progress...)
		maps.Copy(rewritten, r.years)
		every = every || r.years == nil
	}
	if !every {
		sum.Years = rewritten.list()
	}
	t.pass, t.passes = 0, 0
	if sc.full {
		sum.Read = observations
	}
	if err := w.Targets(targetRows(fws)); err != nil {
		return fail(err)
	}
	if sc.full {
		t.step("computing gaps", 1)
		n, err := w.InsertSelect(economyGaps(st.AsOf(), nil, nil, w.Term))
		if err != nil {
			return Summary{}, fmt.Errorf("forming the economies' parity scores and urban/rural ratios: %w", err)
		}
		sum.Gaps += int(n)
	}
	t.step("writing results", 1)
	if err := w.Progress(prog); err != nil {
		return fail(err)
	}
	sum.Progress = len(prog)
	t.step("computing the ICT Development Index", 1)
	<-indexed
	if index.err != nil {
		return fail(index.err)
	}
	if err := w.IDI(index.rows, index.inputs); err != nil {
		return fail(err)
	}
	t.step("committing", 1)
	if err := w.Commit(); err != nil {
		return Summary{}, err
	}
	sum.Steps = t.done()
	sum.Duration = time.Since(started)
	return sum, nil
}

// passResult is what one pass wrote.
type passResult struct {
	years                                 years // the years rewritten; nil: all
	read                                  int64
	aggregates, withheld, estimates, gaps int
	fitted, kept                          int // nowcast models
	progress                              []store.ProgressRow
}

// computePass computes the series of pass p (a scope of indicators with everything they depend
// on) over the panel first..last and writes them with w: the filled series, the aggregates of
// every group, the nowcast models, the divides formed in Go and the progress toward the targets
// on them, which it returns to be written with the others.
func computePass(ctx context.Context, st *store.Store, w *store.DerivedWriter, p scope, opts Options, fws []targets.Framework,
	first, last int, kept *keptTotals, t *stepTimer) (passResult, error) {
	var r passResult
	t.step("reading observations", 0)
	totals := dependencies(p)
	for k := range kept.filled {
		delete(totals, k.indicator)
	}
	d, err := load(ctx, st.DB(), st.AsOf(), opts.Composition, p.load, totals)
	if err != nil {
		return r, err
	}
	d.scope = p
	kept.into(d)
	r.read = d.observations
	// The panel's years are the whole store's, whatever part of it the pass reads.
	d.first, d.last = first, last
	if opts.Fill == FillNowcast {
		t.step("fitting nowcasts", 0.1)
		var saved []store.NowcastFit
		if p.incremental {
			if saved, err = st.NowcastFits(ctx); err != nil {
				return r, err
			}
		}
		if r.kept, err = d.fitNowcasts(ctx, opts.Workers, saved); err != nil {
			return r, err
		}
		r.fitted = len(d.fits)
		d.last = max(d.last, opts.NowcastTo)
	}
	t.step("filling gaps", 0.2)
	d.fill(opts.CarryYears, opts.NowcastTo, opts.NowcastYears)
	d.derive()
	kept.from(d)
	// An incremental pass rewrites only the years whose results can have changed.
	changed, err := d.changedYears(ctx, st.DB(), p)
	if err != nil {
		return r, err
	}
	clear := func(table string, ys years) error {
		if !p.incremental {
			return nil // a full computation cleared every table
		}
		return w.Clear(table, slices.Sorted(maps.Keys(p.series)), ys.list())
	}
	if err := clear("aggregates", changed); err != nil {
		return r, err
	}
	if err := clear("estimates", changed); err != nil {
		return r, err
	}
	t.step("aggregating groups", 0.25)
	// The aggregates go to the store as they are formed; the published values are kept for the
	// gaps and progress. Those of the totals read only as dependencies (the population) serve
	// the gaps but are not replaced.
	//
	// An incremental pass forms a breakdown by area or age only in the years whose divides it
	// rewrites: it serves no target, and the divides of the other years stand. The totals, the
	// breakdowns by sex (the parity targets') and the series the sources publish group values
	// of are formed whole, first: whether every year's divides are rewritten rests on them
	// (gapYears).
	whole := func(k key) bool { return k.area == "total" && k.age == "total" || d.published[k] != nil }
	rule := aggregate.Rule{Threshold: opts.Threshold, MinAnchored: opts.MinAnchored}
	ix := aggregateIndex{published: groupSeries{}, withNowcasts: groupSeries{}, nowcast: nowcastAggregates{}}
	var gy years
	r.aggregates, err = w.Aggregates(func(emit func(store.AggregateRow) error) error {
		write := func(a store.AggregateRow) error {
			ix.add(a)
			if !p.has(a.Indicator) || !changed.has(a.Year) {
				return nil
			}
			if !a.Published {
				r.withheld++
			}
			return emit(a)
		}
		if err := d.aggregates(rule, opts.Workers, func(k key, _ int) bool { return whole(k) }, write); err != nil {
			return err
		}
		gy = d.gapYears(changed, ix)
		return d.aggregates(rule, opts.Workers, func(k key, year int) bool { return !whole(k) && gy.has(year) }, write)
	})
	if err != nil {
		return r, err
	}
	r.estimates, err = w.Estimates(func(emit func(store.EstimateRow) error) error {
		return d.estimates(func(e store.EstimateRow) error {
			if !changed.has(e.Year) {
				return nil
			}
			return emit(e)
		})
	})
	if err != nil {
		return r, err
	}
	if err := w.NowcastModels(d.nowcastModels); err != nil {
		return r, err
	}
	if err := w.NowcastFits(d.fits); err != nil {
		return r, err
	}
	t.step("computing gaps", 0.7)
	// Progress is assessed on the reported years and their aggregates; the divides also have the
	// nowcast years'.
	parity := d.economyParity() // what progress needs of the gaps
	if err := clear("gaps", gy); err != nil {
		return r, err
	}
	r.gaps, err = w.Gaps(func(emit func(store.GapRow) error) error {
		return d.gaps(ix.withNowcasts, ix.nowcast, func(g store.GapRow) error {
			if g.Measure == GenderParityScore && g.Area == "total" && g.Age == "total" && !g.Nowcast {
				parity = append(parity, g)
			}
			if !gy.has(g.Year) {
				return nil
			}
			return emit(g)
		})
	})
	if err != nil {
		return r, err
	}
	if p.incremental {
		// The economies' parity scores and urban/rural ratios, formed in the store (a full
		// computation forms them all at once after its passes).
		n, err := w.InsertSelect(economyGaps(st.AsOf(), p.series, gy, w.Term))
		if err != nil {
			return r, fmt.Errorf("forming the economies' parity scores and urban/rural ratios: %w", err)
		}
		r.gaps += int(n)
	}
	r.years = changed
	t.step("assessing progress", 0.95)
	r.progress, err = d.progress(ctx, fws, p.target, ix.published, parity, opts.Workers)
	return r, err
}

// fill gap-fills every economy series over the panel's years: interpolation, carrying, and the
// nowcasts of the series that have a model up to the year nowcastTo.
func (d *data) fill(carry, nowcastTo, nowcastYears int) {
	// The totals first: a breakdown's nowcasts are formed from its total's values.
	for _, totals := range []bool{true, false} {
		for k, byEconomy := range d.reported {
			if (k == total(k.indicator)) != totals || d.filled[k] != nil {
				continue // a total kept from an earlier pass is filled already
			}
			rows := make([]*aggregate.Row, len(d.economies))
			m, b, tr := d.models[k], d.breakdowns[k], d.filled[total(k.indicator)]
			for e, p := range byEconomy {
				r := aggregate.Fill(p.years, p.values, d.first, d.last, carry)
				last := p.years[len(p.years)-1]
				switch {
				case m != nil:
					d.nowcastRow(m, &r, e, last, nowcastTo, nowcastYears)
				case b != nil && tr != nil:
					d.nowcastBreakdown(b, &r, tr[e], e, last, nowcastTo, nowcastYears)
				}
				rows[e] = &r
			}
			d.filled[k] = rows
		}
	}
}

// Derived measures: computed from other series, year by year, for every economy.
var (
	ruralCoverage = []string{"coverage_2g_pct", "coverage_3g_pct", "coverage_4g_pct", "coverage_5g_pct"}
	share10m      = "share_10m:fixed_broadband_per100"
)

// derive adds the derived measures targets use: rural coverage (ITU's method) and the share of
// fixed-broadband subscriptions at 10 Mbit/s and above. A derived value is as reported as the
// least reported of its parts.
func (d *data) derive() {
	pop, rural := d.filled[total("population")], d.filled[total("rural_population_pct")]
	for _, cov := range ruralCoverage {
		d.derived("rural:"+cov, measure{"percent", "higher", aggregate.WeightedMean, "rural population"},
			[][]*aggregate.Row{d.filled[total(cov)], pop, rural},
			func(v []float64) float64 { return gaps.RuralCoverage(v[0], v[1], v[2]) })
	}
	d.derived(share10m, measure{"percent", "higher", aggregate.WeightedMean, "fixed-broadband subscriptions"},
		[][]*aggregate.Row{d.filled[total("fixed_broadband_10m_plus_per100")], d.filled[total("fixed_broadband_per100")]},
		func(v []float64) float64 {
			if v[1] <= 0 {
				return math.NaN()
			}
			// A share is at most 100%: where the subscriptions at 10 Mbit/s and above exceed
			// the total (the two series come from different returns), all are counted.
			return math.Min(v[0]/v[1]*100, 100)
		})
}

func (d *data) derived(code string, m measure, parts [][]*aggregate.Row, f func([]float64) float64) {
	for _, p := range parts {
		if p == nil {
			return
		}
	}
	d.measures[code] = m
	rows := make([]*aggregate.Row, len(d.economies))
	n := d.last - d.first + 1
	vals := make([]float64, len(parts))
	for e := range d.economies {
		var row *aggregate.Row
		for i := 0; i < n; i++ {
			worst := aggregate.Reported
			ok := true
			for j, p := range parts {
				if p[e] == nil || p[e].Status[i] == aggregate.Missing {
					ok = false
					break
				}
				vals[j] = p[e].Values[i]
				worst = max(worst, p[e].Status[i])
			}
			if !ok {
				continue
			}
			v := f(vals)
			if math.IsNaN(v) {
				continue
			}
			if row == nil {
				r := aggregate.Fill(nil, nil, d.first, d.last, 0)
				row = &r
			}
			row.Values[i], row.Status[i] = v, worst
		}
		rows[e] = row
	}
	d.filled[total(code)] = rows
}

// weightRows returns, for a weighted mean whose weight is a share of the population (the rural
// population, fixed-broadband subscriptions), the series of that share per 100 people; nil when
// the weight is the population itself.
func (d *data) weightRows(m measure) []*aggregate.Row {
	switch m.weight {
	case "rural population":
		return d.filled[total("rural_population_pct")]
	case "fixed-broadband subscriptions":
		return d.filled[total("fixed_broadband_per100")]
	}
	return nil
}

// weightOf is the weight of member e's value in year i of a weighted mean.
func weightOf(m measure, share []*aggregate.Row, e, i int, people float64) float64 {
	switch {
	case m.weight == "population" || m.weight == "households":
		return people
	case share != nil && share[e] != nil:
		return people * share[e].Values[i] / 100
	}
	return math.NaN()
}

// weightLabel says what a weighted mean was weighted by. Household numbers are not in the data,
// so household indicators are weighted by population, and say so.
func weightLabel(m measure) string {
	if m.weight == "households" {
		return "population (household numbers not available)"
	}
	return m.weight
}

// aggregates forms every group's value for every series and year in which a member has a value
// and that formed accepts, and hands each to emit in the order of the series, then the groups,
// then the years. Series are formed in parallel, a few at a time, the next few while the last
// are handed over, so that only their rows are held at once.
func (d *data) aggregates(rule aggregate.Rule, workers int, formed func(k key, year int) bool, emit func(store.AggregateRow) error) error {
	keys := sortedKeys(d.filled)
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	n := d.last - d.first + 1
	in := make([][][]int, len(d.groups)) // group → year → members
	for g, grp := range d.groups {
		in[g] = make([][]int, n)
		for i := range n {
			in[g][i] = grp.membersIn(d.first + i)
		}
	}
	batches, stop := make(chan [][]store.AggregateRow, 1), make(chan struct{})
	go func() {
		defer close(batches)
		for from := 0; from < len(keys); from += 2 * workers {
			batch := keys[from:min(from+2*workers, len(keys))]
			rows := make([][]store.AggregateRow, len(batch))
			var g errgroup.Group
			g.SetLimit(workers)
			for i, k := range batch {
				g.Go(func() error {
					rows[i] = d.seriesAggregates(k, in, rule, formed)
					return nil
				})
			}
			g.Wait()
			select {
			case batches <- rows:
			case <-stop:
				return
			}
		}
	}()
	defer func() {
		close(stop)
		for range batches { // let the goroutine end
		}
	}()
	for rows := range batches {
		for _, rs := range rows {
			for _, r := range rs {
				if err := emit(r); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// seriesAggregates forms every group's values of series k in the years formed accepts, the
// groups' members in each year given by in (group → year → economies). Each year, every
// economy's part is set out once, for all the groups it belongs to.
func (d *data) seriesAggregates(k key, in [][][]int, rule aggregate.Rule, formed func(k key, year int) bool) []store.AggregateRow {
	m, ok := d.measures[k.indicator]
	if !ok {
		return nil
	}
	pop := d.filled[total("population")]
	rows, share, corr := d.filled[k], d.weightRows(m), d.correlation(k)
	reported := make([]*points, len(d.economies))
	for e, p := range d.reported[k] {
		reported[e] = p
	}
	var out []store.AggregateRow
	all := make([]aggregate.Member, len(d.economies))
	has := make([]bool, len(d.economies))
	var members []aggregate.Member
	for i := range d.last - d.first + 1 {
		year := d.first + i
		if !formed(k, year) {
			continue
		}
		any := false
		for e := range all {
			mb := aggregate.Member{Value: math.NaN(), Weight: math.NaN(), People: math.NaN()}
			if pop != nil && pop[e] != nil {
				mb.People = pop[e].Values[i]
			}
			has[e] = false
			if r := rows[e]; r != nil && r.Status[i] != aggregate.Missing {
				mb.Value, mb.Status = r.Values[i], r.Status[i]
				mb.Weight = weightOf(m, share, e, i, mb.People)
				mb.Bounds, mb.Correlation = boundsAt(r, i), corr
				has[e], any = true, true
				if mb.Status == aggregate.Reported {
					mb.SE = reported[e].seAt(year)
					mb.HasSE = !math.IsNaN(mb.SE)
				}
			}
			all[e] = mb
		}
		if !any {
			continue
		}
		for g, grp := range d.groups {
			members, any = members[:0], false
			for _, e := range in[g][i] {
				members = append(members, all[e])
				any = any || has[e]
			}
			if !any {
				continue
			}
			out = append(out, d.aggregateRow(grp.code, k, m, year, aggregate.Group(m.aggregation, members, rule)))
		}
	}
	return out
}

// aggregateRow is the row of group's value v of series k in year.
func (d *data) aggregateRow(group string, k key, m measure, year int, v aggregate.Value) store.AggregateRow {
	row := store.AggregateRow{Group: group, Indicator: k.indicator, Sex: k.sex, Area: k.area, Age: k.age,
		Year: year, Value: v.Value, Method: string(m.aggregation), Members: v.Members, Reporting: v.Reporting,
		Estimated: v.Estimated, CoverageReported: v.CoverageReported, CoverageAnchored: v.CoverageAnchored,
		Coverage: v.Coverage, Published: v.Published, SE: v.SE, SEMembers: v.SEMembers,
		Nowcast: v.RestsOnNowcasts, CoverageNowcast: v.CoverageNowcast,
		Low80: math.NaN(), High80: math.NaN(), Low95: math.NaN(), High95: math.NaN()}
	if v.Nowcasts > 0 && v.Published {
		row.Low80, row.High80, row.Low95, row.High95 = v.Bounds[0], v.Bounds[1], v.Bounds[2], v.Bounds[3]
	}
	if m.aggregation == aggregate.WeightedMean {
		row.Weight = weightLabel(m)
	}
	return row
}

// estimates hands the values filled in for economies to emit.
func (d *data) estimates(emit func(store.EstimateRow) error) error {
	for _, k := range sortedKeys(d.filled) {
		if strings.Contains(k.indicator, ":") || !d.scope.has(k.indicator) {
			continue // derived measures are not observations
		}
		method := d.nowcastMethod(k)
		for e, r := range d.filled[k] {
			if r == nil {
				continue
			}
			for i := range r.Status {
				row, ok := d.estimateAt(r, k, e, d.first+i)
				if !ok {
					continue
				}
				row.Economy, row.Indicator, row.Sex, row.Area, row.Age, row.Year = d.economies[e], k.indicator, k.sex, k.area, k.age, d.first+i
				row.Method = estimateMethods[r.Status[i]]
				if r.Status[i] == aggregate.Nowcast {
					row.Method = method
				}
				if err := emit(row); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// estimateMethods say how each kind of filled value was formed.
var estimateMethods = map[aggregate.Status]string{
	aggregate.Interpolated:    "linear interpolation between the reported years on either side",
	aggregate.CarriedForward:  "the last reported value carried forward",
	aggregate.CarriedBackward: "the first reported value carried backward",
}

func sortedKeys[V any](m map[key]V) []key {
	keys := make([]key, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keyLess(keys[i], keys[j]) })
	return keys
}

func keyLess(a, b key) bool {
	if a.indicator != b.indicator {
		return a.indicator < b.indicator
	}
	if a.sex != b.sex {
		return a.sex < b.sex
	}
	if a.area != b.area {
		return a.area < b.area
	}
	return a.age < b.age
}

// groupSeries is a group's published values of one series, by group code.
type groupSeries map[key]map[string]*points

// aggregateIndex keeps of the aggregates what the gaps and progress need: the published values as
// series, without the nowcast ones and with them, and the published values that rest on
// nowcasts.
type aggregateIndex struct {
	published, withNowcasts groupSeries
	nowcast                 nowcastAggregates
}

func (ix aggregateIndex) add(a store.AggregateRow) {
	if !a.Published {
		return
	}
	k := key{a.Indicator, a.Sex, a.Area, a.Age}
	if !a.Nowcast {
		ix.published.add(k, a)
	}
	ix.withNowcasts.add(k, a)
	if a.Nowcast {
		ix.nowcast[nowcastKey{k, a.Group, a.Year}] = a
	}
}

func (s groupSeries) add(k key, a store.AggregateRow) {
	if s[k] == nil {
		s[k] = map[string]*points{}
	}
	p := s[k][a.Group]
	if p == nil {
		p = &points{}
		s[k][a.Group] = p
	}
	p.addSE(a.Year, a.Value, a.SE)
}

// groupPoints is a group's series: ictstat's aggregate, or the source's published aggregate
// where ictstat has none, with the basis it rests on.
func (d *data) groupPoints(ag groupSeries, k key, code string) (*points, string) {
	if p := ag[k][code]; p != nil && len(p.years) > 0 {
		return p, "ictstat aggregate"
	}
	if p := d.published[k][code]; p != nil && len(p.years) > 0 {
		return p, "published aggregate"
	}
	return nil, ""
}

// targetRows are the frameworks' targets as the store's targets table holds them.
func targetRows(fws []targets.Framework) []store.TargetRow {
	var rows []store.TargetRow
	for _, fw := range fws {
		for _, t := range fw.Targets {
			ind, _ := t.Indicator()
			rows = append(rows, store.TargetRow{Framework: fw.Code, FrameworkName: fw.Name, Target: t.Code, Goal: t.Goal,
				Wording: t.Wording, Measure: t.Measure, Indicator: ind, Comparator: t.Comparator, Value: t.Value,
				Basis: t.Basis, MetAt: t.MetAt, BaselineYear: t.BaselineYear, Deadline: t.Deadline, Scope: t.Scope,
				Verification: t.Verification, Note: t.Note, Source: fw.Source, Tolerance: t.Tolerance})
		}
	}
	return rows
}

// idiRows computes every IDI edition for every economy and published group.
func idiRows(ctx context.Context, st *store.Store) ([]store.IDIRow, []store.IDIInputRow, error) {
	var rows []store.IDIRow
	var inputs []store.IDIInputRow
	for _, ed := range idi.Editions() {
		m, err := idi.Load(ed)
		if err != nil {
			return nil, nil, err
		}
		ix, err := idi.Compute(ctx, st.DB(), m, 0)
		if err != nil {
			return nil, nil, err
		}
		for _, e := range ix.Economies {
			rows = append(rows, store.IDIRow{Edition: ed, DataYear: ix.DataYear, Entity: e.Code, EntityKind: "economy", Name: e.Name,
				Scored: e.Scored, Universal: orNaN(e.Universal, e.Scored), Meaningful: orNaN(e.Meaningful, e.Scored),
				IDI: orNaN(e.IDI, e.Scored), Reason: e.Reason})
			for _, in := range m.Inputs {
				if v, ok := e.Values[in.Code]; ok {
					inputs = append(inputs, store.IDIInputRow{Edition: ed, Economy: e.Code, Input: in.Code, Indicator: in.Indicator,
						Year: v.Year, Value: v.Value, Estimated: v.Estimated, Score: in.Normalize(v.Value)})
				}
			}
		}
		groups, err := ix.Groups(ctx, st.DB())
		if err != nil {
			return nil, nil, err
		}
		for _, g := range groups {
			if !idiGroupKinds[g.Kind] {
				continue
			}
			rows = append(rows, store.IDIRow{Edition: ed, DataYear: ix.DataYear, Entity: g.Code, EntityKind: "group", Name: g.Name,
				Scored: g.Scored > 0, Universal: g.Universal, Meaningful: g.Meaningful, IDI: g.IDI,
				Members: g.Economies, ScoredMembers: g.Scored})
		}
	}
	return rows, inputs, nil
}

// idiGroupKinds are the groups ITU publishes IDI averages for.
var idiGroupKinds = map[string]bool{"world": true, "itu_region": true, "income": true, "ldc": true, "lldc": true, "sids": true}

func orNaN(v float64, ok bool) float64 {
	if !ok {
		return math.NaN()
	}
	return v
}
