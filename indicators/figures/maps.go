package figures

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/ictstat/ictstat/engine/chart"
	"github.com/ictstat/ictstat/indicators"
	"github.com/ictstat/ictstat/indicators/translations"
)

// checkMap checks what is a map's alone: the year and classes go with a map only, and a map takes
// a group, not economies, and one year, not a span.
func (b *builder) checkMap() error {
	r := b.req
	if r.Kind != Map {
		switch {
		case r.Year != 0:
			return requestError("a %s chart takes no year (--year is the year of a map; use --from and --to)", r.Kind)
		case r.Classes != "":
			return requestError("a %s chart takes no classes (--classes is a map's)", r.Kind)
		}
		return nil
	}
	switch {
	case len(r.Entities) > 0:
		return requestError("a map shows every economy, or the members of --group, not --economies")
	case r.From != 0 || r.To != 0:
		return requestError("a map shows one year: give --year, not --from or --to")
	case r.Year != 0 && (r.Year < 1960 || r.Year > 2100):
		return requestError("year %d is outside 1960–2100", r.Year)
	}
	switch r.Classes {
	case "", "quantile", "fixed":
	default:
		return requestError("classes %q: want quantile or fixed", r.Classes)
	}
	return nil
}

// worldMap: each economy's value of the indicator (all ages, both sexes, all areas) in exactly
// the year asked, from its current observations, on a world map in five classes. Economies are
// matched to the boundaries by their M49 code; those without one are not drawn and do not count.
// With a group, its members (in the year's composition, as the aggregates use it) are in scope
// and the others drawn plain grey; quantile classes are the quintiles of the values in scope,
// fewer where they tie (chart.QuantileBreaks), fixed classes equal steps from 0 to 100 for an
// indicator whose valid maximum is 100, else to its largest value of any year, rounded up.
func (b *builder) worldMap() (chart.Chart, error) {
	r := b.req
	d, err := b.src.data(b.ctx, b.ind.code, observations)
	if err != nil {
		return nil, err
	}
	var scope map[string]bool // economies' codes; nil: every economy
	var members int
	inScope := func(year int) error {
		if r.Group == "" {
			return nil
		}
		ms, err := b.src.groupMembers(b.ctx, r.Group, year)
		if err != nil {
			return err
		}
		scope, members = map[string]bool{}, 0
		for _, m := range ms {
			if b.cat.entities[m[0]].m49 != "" {
				scope[m[0]] = true
				members++
			}
		}
		if members == 0 {
			return requestError("group %s has no members on the map", r.Group)
		}
		return nil
	}
	// Each economy on the map with its values by year.
	type series struct {
		code, m49 string
		points    []point
	}
	var all []series
	top := math.Inf(-1) // the largest value of any economy in any year
	for _, code := range slices.Sorted(maps.Keys(b.cat.entities)) {
		e := b.cat.entities[code]
		if e.kind != "economy" {
			continue
		}
		pts := d.observations[seriesKey{code, "total", "total"}]
		for _, p := range pts {
			top = math.Max(top, p.value)
		}
		if e.m49 != "" && len(pts) > 0 {
			all = append(all, series{code, e.m49, pts})
		}
	}
	counts := func() map[int]int {
		n := map[int]int{}
		for _, s := range all {
			if scope == nil || scope[s.code] {
				for _, p := range s.points {
					n[p.year]++
				}
			}
		}
		return n
	}

	year := r.Year
	if year == 0 {
		// The year is chosen among the members of the latest composition.
		if err := inScope(2100); err != nil {
			return nil, err
		}
		n, reporting := counts(), 0
		for _, s := range all {
			if scope == nil || scope[s.code] {
				reporting++
			}
		}
		best := 0
		for y, c := range n {
			if 2*c > reporting && y > year {
				year = y
			}
			if c > n[best] || (c == n[best] && y > best) {
				best = y
			}
		}
		if year == 0 {
			year = best
		}
		if year == 0 {
			return nil, requestError("no economy%s has a value of %s", b.inGroup(), b.ind.code)
		}
	}
	if err := inScope(year); err != nil {
		return nil, err
	}
	values := map[string]float64{}
	var shown []float64
	for _, s := range all {
		if scope != nil && !scope[s.code] {
			continue
		}
		i, ok := slices.BinarySearchFunc(s.points, year, func(p point, y int) int { return p.year - y })
		if !ok {
			continue
		}
		p := s.points[i]
		values[s.m49] = p.value
		shown = append(shown, p.value)
		b.editions[p.edition] = true
	}
	if len(values) == 0 {
		return nil, requestError("no economy%s has a value of %s in %d; the years with values: %s", b.inGroup(), b.ind.code, year, indicators.YearRuns(slices.Collect(maps.Keys(counts()))))
	}

	c := chart.Map{Values: values}
	if r.Classes == "fixed" {
		// 0 to 100 for an indicator whose valid maximum is 100 (docs/explorer.md), else 0 to its
		// largest value over all years, rounded up.
		hi := 100.0
		if b.ind.max != 100 {
			hi = top
		}
		c.Breaks = chart.FixedBreaks(hi)
		c.Low, c.High = 0, c.Breaks[3]+c.Breaks[0]
		c.Classes = b.ui("Fixed breaks, the same for every year")
	} else {
		c.Breaks = chart.QuantileBreaks(shown)
		c.Low, c.High = slices.Min(shown), slices.Max(shown)
		c.Classes = fmt.Sprintf(b.ui("Quintiles of the %d values"), year)
	}
	c.Meta = b.meta(fmt.Sprintf("%s%s%d", b.indName(), translations.Comma(b.req.Lang), year))
	c.XLabel = ""
	if r.Group != "" {
		c.Scope = map[string]bool{}
		for code := range scope {
			c.Scope[b.cat.entities[code].m49] = true
		}
		c.ScopeLabel = b.ui("Not a member")
		c.Subtitle = fmt.Sprintf(b.ui("%s: %d of %s with a value in %d"), b.name(r.Group), len(values), plural(members, b.ui("member"), b.ui("members")), year)
	} else {
		c.Subtitle = fmt.Sprintf(b.ui("%s with a value in %d"), plural(len(values), b.ui("economy"), b.ui("economies")), year)
	}
	return c, nil
}

// plural is n and the noun, singular for 1: "1 economy", "14 economies".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// inGroup is " in GROUP" for a map of a group's members, else "".
func (b *builder) inGroup() string {
	if b.req.Group != "" {
		return " in " + b.req.Group
	}
	return ""
}
