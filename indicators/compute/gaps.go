package compute

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/aggregate"
	"github.com/ictstat/ictstat/indicators/gaps"
)

// Gap measures.
const (
	GenderParityScore = "gender_parity_score"
	UrbanRuralRatio   = "urban_rural_ratio"
	RuralCoverage     = "rural_coverage_pct"
	UsageGap          = "usage_gap_pct"
	Offline           = "offline_persons"
)

// entitySource gives two series of one economy or group, with the basis they rest on.
type entitySource struct {
	entity, kind string
	pair         func(a, b key) (*points, *points, string)
}

// gaps computes the divides for every economy, from reported values, and every group, from its
// aggregates, and hands each to out.
func (d *data) gaps(ag groupSeries, nowcasts nowcastAggregates, out func(store.GapRow) error) error {
	var err error
	var sources []entitySource
	for e, name := range d.economies {
		sources = append(sources, entitySource{name, "economy", func(a, b key) (*points, *points, string) {
			return d.reportedPoints(a, e), d.reportedPoints(b, e), "reported"
		}})
	}
	for _, g := range d.groups {
		code := g.code
		sources = append(sources, entitySource{code, "group", func(a, b key) (*points, *points, string) {
			pa, ba := d.groupPoints(ag, a, code)
			pb, bb := d.groupPoints(ag, b, code)
			if pa == nil || pb == nil || ba != bb {
				return nil, nil, ""
			}
			return pa, pb, ba
		}})
	}
	for _, k := range sortedKeys(d.filled) {
		for _, s := range sources {
			emit := func(measure, indicator string, a, b key, f func(x, y float64) (float64, string)) {
				pa, pb, basis := s.pair(a, b)
				for _, c := range common(pa, pb) {
					v, status := f(c.a, c.b)
					if !math.IsNaN(v) && err == nil {
						g := store.GapRow{Entity: s.entity, EntityKind: s.kind, Measure: measure, Indicator: indicator,
							Area: a.area, Age: a.age, Year: c.year, Value: v, First: c.a, Second: c.b, Status: status, Basis: basis,
							Low95: math.NaN(), High95: math.NaN()}
						if s.kind == "group" {
							_, oka := nowcasts[nowcastKey{a, s.entity, c.year}]
							nb, okb := nowcasts[nowcastKey{b, s.entity, c.year}]
							g.Nowcast = oka || okb
							if measure == Offline && okb {
								// Fewer people offline at the upper bound of the share online (the population taken as exact).
								g.Low95, g.High95 = gaps.Offline(c.a, nb.High95), gaps.Offline(c.a, nb.Low95)
							}
						}
						err = out(g)
					}
				}
			}
			switch {
			case s.kind == "economy" && (k.sex == "female" || k.area == "urban" && k.sex == "total"):
				// Formed in the store: economyGapsSQL.
			case k.sex == "female":
				emit(GenderParityScore, k.indicator, k, key{k.indicator, "male", k.area, k.age}, func(f, m float64) (float64, string) {
					s := gaps.ParityScore(f, m)
					return s, gaps.ParityStatus(s)
				})
			case k.area == "urban" && k.sex == "total":
				emit(UrbanRuralRatio, k.indicator, k, key{k.indicator, "total", "rural", k.age}, func(u, r float64) (float64, string) {
					return gaps.UrbanRuralRatio(u, r), ""
				})
			case k == total("internet_use_pct"):
				emit(UsageGap, "coverage_3g_pct", total("coverage_3g_pct"), k, func(c, u float64) (float64, string) {
					return gaps.UsageGap(c, u), ""
				})
				emit(Offline, k.indicator, total("population"), k, func(p, u float64) (float64, string) {
					return gaps.Offline(p, u), ""
				})
			case strings.HasPrefix(k.indicator, "rural:"):
				cov := strings.TrimPrefix(k.indicator, "rural:")
				emit(RuralCoverage, cov, k, k, func(v, _ float64) (float64, string) { return v, "" })
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// nowcastKey is a group's value of a series in a year.
type nowcastKey struct {
	series key
	group  string
	year   int
}

// nowcastAggregates are the published aggregates that rest on nowcasts.
type nowcastAggregates map[nowcastKey]store.AggregateRow

// reportedPoints is economy e's series of k, with only the values reported for derived measures
// whose every part was reported.
func (d *data) reportedPoints(k key, e int) *points {
	if p := d.reported[k][e]; p != nil {
		return p
	}
	rows := d.filled[k]
	if rows == nil || rows[e] == nil || !strings.Contains(k.indicator, ":") {
		// The population is complete in the data; where it is not, its filled values stand in.
		if k == total("population") && rows != nil && rows[e] != nil {
			return rowPoints(rows[e], d.first, false)
		}
		return nil
	}
	return rowPoints(rows[e], d.first, true)
}

// rowPoints turns a filled row into points: its reported values only, or every value.
func rowPoints(r *aggregate.Row, first int, reportedOnly bool) *points {
	p := &points{}
	for i, s := range r.Status {
		if s == aggregate.Reported || !reportedOnly && s != aggregate.Missing {
			p.add(first+i, r.Values[i])
		}
	}
	if len(p.years) == 0 {
		return nil
	}
	return p
}

// pairAt is one year both series have.
type pairAt struct {
	year int
	a, b float64
}

// common lists the years both series have, with both values.
func common(a, b *points) []pairAt {
	if a == nil || b == nil {
		return nil
	}
	var out []pairAt
	i, j := 0, 0
	for i < len(a.years) && j < len(b.years) {
		switch {
		case a.years[i] < b.years[j]:
			i++
		case a.years[i] > b.years[j]:
			j++
		default:
			out = append(out, pairAt{a.years[i], a.values[i], b.values[j]})
			i++
			j++
		}
	}
	return out
}

// economyGapsSQL forms the economies' gender parity scores and urban/rural ratios from their
// reported values in the store, as gaps does the groups' from their aggregates (the formulas of
// indicators/gaps: female ÷ male and urban ÷ rural, where the second is above 0; the parity
// band ParityLow–ParityHigh). They are most of the gap figures, and the store joins the two
// series faster than they could be handed over one by one: it pairs the series first, then
// their current observations (the relation %[8]s: series_id, year, value; not materialized, so
// that each side reads only the observations of its series), of the indicators %[9]s selects.
// Its texts are term ids (store.terms): the pairs' codes found there, the measures, statuses,
// entity kind and basis (%[1]d–%[2]d, %[5]d–%[7]d, %[10]d, %[11]d) numbered by the writer. The
// pairs are formed, then coded, each once (materialized), and coded by a map rather than joins:
// DuckDB cannot estimate joins with the terms a computation has just added, and paired the
// observations first, many times slower.
const economyGapsSQL = `INSERT INTO store.gaps (entity_term, entity_kind_term, measure_term, indicator_term, area_term, age_term,
		year, value, first, second, status_term, basis_term, nowcast)
	WITH labels AS (SELECT series_id, indicator, economy, sex, area, age FROM store.series_labels
			WHERE economy IS NOT NULL AND %[9]s),
		pairs AS MATERIALIZED (SELECT a.series_id AS first, b.series_id AS second, a.economy, a.indicator, a.sex, a.area, a.age
			FROM labels a JOIN labels b ON b.indicator = a.indicator AND b.economy = a.economy AND b.age = a.age
				AND (a.sex = 'female' AND b.sex = 'male' AND b.area = a.area
					OR a.sex = 'total' AND a.area = 'urban' AND b.sex = 'total' AND b.area = 'rural')),
		terms AS MATERIALIZED (SELECT map_from_entries(list((term, term_id))) AS id FROM store.terms),
		coded AS MATERIALIZED (SELECT p.first, p.second, p.sex, t.id[p.economy] AS economy, t.id[p.indicator] AS indicator,
				t.id[p.area] AS area, t.id[p.age] AS age
			FROM pairs p, terms t),
		obs AS NOT MATERIALIZED (%[8]s)
	SELECT p.economy, %[10]d, CASE WHEN p.sex = 'female' THEN %[1]d ELSE %[2]d END, p.indicator, p.area, p.age, a.year,
		a.value / b.value, a.value, b.value,
		CASE WHEN p.sex <> 'female' THEN NULL WHEN a.value / b.value < %[3]v THEN %[5]d WHEN a.value / b.value > %[4]v THEN %[6]d
			ELSE %[7]d END,
		%[11]d, false
	FROM coded p JOIN obs a ON a.series_id = p.first JOIN obs b ON b.series_id = p.second AND b.year = a.year
	WHERE b.value > 0`

// economyGaps is economyGapsSQL over the observations current now, or as of a date, for every
// indicator (indicators nil) or those listed, in every year (ys nil) or those listed, with the
// term ids term gives. The list is written into the query, not bound as a parameter: DuckDB then
// plans the join from the few series paired (1 s less on 10 million observations).
func economyGaps(asOf time.Time, indicators map[string]bool, ys years, term func(string) int32) string {
	obs := "SELECT series_id, year, value FROM store.observations WHERE current"
	if !asOf.IsZero() {
		obs = "SELECT series_id, year, value FROM store.observations_at(DATE '" + asOf.Format(time.DateOnly) + "') WHERE current_at"
	}
	which := "true"
	if indicators != nil {
		which = "indicator IN (" + literals(indicators) + ")"
	}
	if ys != nil {
		// A range of years is two comparisons a row, a list one a year: DuckDB tests an IN list
		// as a chain of ORs, which took half of an incremental computation of every indicator.
		list := ys.list()
		if n := len(list); n > 0 && list[n-1]-list[0] == n-1 {
			obs += fmt.Sprintf(" AND year BETWEEN %d AND %d", list[0], list[n-1])
		} else {
			in := []string{"NULL"}
			for _, y := range list {
				in = append(in, strconv.Itoa(y))
			}
			obs += " AND year IN (" + strings.Join(in, ", ") + ")"
		}
	}
	return fmt.Sprintf(economyGapsSQL, term(GenderParityScore), term(UrbanRuralRatio), gaps.ParityLow, gaps.ParityHigh,
		term(gaps.WomenBehind), term(gaps.MenBehind), term(gaps.Parity), obs, which, term("economy"), term("reported"))
}

// economyParity is every economy's gender parity score of every series it reports women's and
// men's values of, both areas and ages total, as economyGapsSQL forms them: what progress
// toward parity targets needs.
func (d *data) economyParity() []store.GapRow {
	var out []store.GapRow
	for _, k := range sortedKeys(d.reported) {
		if k.sex != "female" || k.area != "total" || k.age != "total" {
			continue
		}
		male := d.reported[key{k.indicator, "male", k.area, k.age}]
		for e := range d.economies {
			for _, c := range common(d.reported[k][e], male[e]) {
				if v := gaps.ParityScore(c.a, c.b); !math.IsNaN(v) {
					out = append(out, store.GapRow{Entity: d.economies[e], EntityKind: "economy", Measure: GenderParityScore,
						Indicator: k.indicator, Area: k.area, Age: k.age, Year: c.year, Value: v, Basis: "reported"})
				}
			}
		}
	}
	return out
}
