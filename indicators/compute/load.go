package compute

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/aggregate"
	"github.com/ictstat/ictstat/indicators/nowcast"
)

// key identifies a series across economies: an indicator, or a derived measure, and a breakdown.
type key struct {
	indicator, sex, area, age string
}

func total(indicator string) key { return key{indicator, "total", "total", "total"} }

// points are one economy's or group's reported values of a series, years ascending, with their
// standard errors where the series has any (se is nil otherwise, NaN for a value without one).
type points struct {
	years  []int
	values []float64
	se     []float64
}

func (p *points) add(year int, v float64) { p.addSE(year, v, math.NaN()) }

// addSE adds a value with its standard error (NaN: none).
func (p *points) addSE(year int, v, se float64) {
	if p.se == nil && !math.IsNaN(se) {
		p.se = make([]float64, len(p.years))
		for i := range p.se {
			p.se[i] = math.NaN()
		}
	}
	p.years = append(p.years, year)
	p.values = append(p.values, v)
	if p.se != nil {
		p.se = append(p.se, se)
	}
}

// seAt is the standard error of the value of year, NaN when it has none.
func (p *points) seAt(year int) float64 {
	if p == nil || p.se == nil {
		return math.NaN()
	}
	for i, y := range p.years {
		if y == year {
			return p.se[i]
		}
	}
	return math.NaN()
}

// measure is what computing needs to know of an indicator or derived measure.
type measure struct {
	unitKind    string
	polarity    string
	aggregation aggregate.Method
	weight      string
}

// group is a group with members: economies by year.
type group struct {
	code, kind string
	members    []membership
}

type membership struct {
	economy             int
	firstYear, lastYear int // 0: open
}

func (g group) membersIn(year int) []int {
	var out []int
	for _, m := range g.members {
		if (m.firstYear == 0 || m.firstYear <= year) && (m.lastYear == 0 || year <= m.lastYear) {
			out = append(out, m.economy)
		}
	}
	return out
}

// data is what the store holds, arranged for computing.
type data struct {
	first, last   int // the years of the panel
	economies     []string
	economyIndex  map[string]int
	regions       []string // the economies' ITU regions, "" where none
	measures      map[string]measure
	bounds        map[string][2]float64      // an indicator's valid range (catalogue min_value, max_value), ±Inf where open
	reported      map[key]map[int]*points    // economy index → points
	published     map[key]map[string]*points // group code → points the sources publish
	groups        []group
	filled        map[key][]*aggregate.Row        // economy index → the filled series, nil where none
	models        map[key]*nowcast.Model          // the nowcast model that filled a total series' later years; nil: carried
	breakdowns    map[key]*nowcast.BreakdownModel // the model that filled a breakdown's, from its total
	nowcastModels []store.NowcastModelRow         // every model fitted, used or not
	lastBatch     int
	observations  int64
	scope         scope // what is recomputed
}

// load reads the newest edition of every series, the groups in the composition asked for and the
// catalogue. The current composition is the memberships without a last year, applied to every
// year; the historical one is every membership for its years. With only, it reads the series of
// those indicators and the totals of the indicators in totals; nil reads every series.
func load(ctx context.Context, db *sql.DB, composition string, only, totals map[string]bool) (*data, error) {
	d := &data{
		economyIndex: map[string]int{},
		measures:     map[string]measure{},
		bounds:       map[string][2]float64{},
		reported:     map[key]map[int]*points{},
		published:    map[key]map[string]*points{},
		filled:       map[key][]*aggregate.Row{},
		models:       map[key]*nowcast.Model{},
		breakdowns:   map[key]*nowcast.BreakdownModel{},
	}
	err := store.ScanRows(ctx, db, `SELECT indicator, unit_kind, polarity, aggregation, coalesce(weight, ''),
			coalesce(min_value, -'Infinity'::DOUBLE), coalesce(max_value, 'Infinity'::DOUBLE) FROM main.indicators`,
		func(r *sql.Rows) error {
			var code, method string
			var m measure
			var lo, hi float64
			if err := r.Scan(&code, &m.unitKind, &m.polarity, &method, &m.weight, &lo, &hi); err != nil {
				return err
			}
			m.aggregation = aggregate.Method(method)
			d.measures[code] = m
			d.bounds[code] = [2]float64{lo, hi}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("reading the catalogue: %w", err)
	}
	err = store.ScanRows(ctx, db, `SELECT economy, coalesce(itu_region, '') FROM main.economies ORDER BY economy`, func(r *sql.Rows) error {
		var e, region string
		if err := r.Scan(&e, &region); err != nil {
			return err
		}
		d.economyIndex[e] = len(d.economies)
		d.economies = append(d.economies, e)
		d.regions = append(d.regions, region)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var cur *group
	err = store.ScanRows(ctx, db, `SELECT g.group_code, g.kind, m.economy, coalesce(m.first_year, 0), coalesce(m.last_year, 0)
		FROM main.groups g JOIN main.group_members m USING (group_code) ORDER BY g.group_code`, func(r *sql.Rows) error {
		var code, kind, economy string
		var m membership
		if err := r.Scan(&code, &kind, &economy, &m.firstYear, &m.lastYear); err != nil {
			return err
		}
		if cur == nil || cur.code != code {
			d.groups = append(d.groups, group{code: code, kind: kind})
			cur = &d.groups[len(d.groups)-1]
		}
		if composition == Current {
			if m.lastYear != 0 {
				return nil // a former member: not in the current composition
			}
			m.firstYear = 0
		}
		m.economy = d.economyIndex[economy]
		cur.members = append(cur.members, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.first, d.last = 9999, 0
	// One indicator at a time: the driver holds a query's whole result, so that a store of many
	// millions of observations is read in parts of a few hundred thousand.
	var indicators []string
	err = store.ScanRows(ctx, db, `SELECT indicator FROM main.indicators ORDER BY indicator`, func(r *sql.Rows) error {
		var ind string
		if err := r.Scan(&ind); err != nil {
			return err
		}
		indicators = append(indicators, ind)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, ind := range indicators {
		if only != nil && !only[ind] && !totals[ind] {
			continue
		}
		if err := d.loadIndicator(ctx, db, ind, only != nil && !only[ind]); err != nil {
			return nil, err
		}
	}
	err = store.ScanRows(ctx, db, `SELECT indicator, sex, area, age, group_code, year, value FROM main.published_aggregates
		ORDER BY indicator, sex, area, age, group_code, year`, func(r *sql.Rows) error {
		var k key
		var code string
		var year int
		var v float64
		if err := r.Scan(&k.indicator, &k.sex, &k.area, &k.age, &code, &year, &v); err != nil {
			return err
		}
		byGroup := d.published[k]
		if byGroup == nil {
			byGroup = map[string]*points{}
			d.published[k] = byGroup
		}
		p := byGroup[code]
		if p == nil {
			p = &points{}
			byGroup[code] = p
		}
		p.add(year, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(batch), 0) FROM main.batches`).Scan(&d.lastBatch); err != nil {
		return nil, err
	}
	return d, nil
}

// loadIndicator reads the newest observations of one indicator, or of its totals only.
func (d *data) loadIndicator(ctx context.Context, db *sql.DB, indicator string, totalsOnly bool) error {
	q := `SELECT indicator, sex, area, age, economy, year, value, coalesce(se, 'NaN'::DOUBLE) FROM main.observations
		WHERE indicator = ? ORDER BY sex, area, age, economy, year`
	if totalsOnly {
		q = strings.Replace(q, "WHERE", "WHERE sex = 'total' AND area = 'total' AND age = 'total' AND", 1)
	}
	return store.ScanRows(ctx, db, q, func(r *sql.Rows) error {
		var k key
		var economy string
		var year int
		var v, se float64
		if err := r.Scan(&k.indicator, &k.sex, &k.area, &k.age, &economy, &year, &v, &se); err != nil {
			return err
		}
		byEconomy := d.reported[k]
		if byEconomy == nil {
			byEconomy = map[int]*points{}
			d.reported[k] = byEconomy
		}
		e := d.economyIndex[economy]
		p := byEconomy[e]
		if p == nil {
			p = &points{}
			byEconomy[e] = p
		}
		p.addSE(year, v, se)
		d.first, d.last = min(d.first, year), max(d.last, year)
		d.observations++
		return nil
	}, indicator)
}
