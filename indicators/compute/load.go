package compute

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

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
	fits          []store.NowcastFit              // the nowcast models fitted, to be kept
	breakdowns    map[key]*nowcast.BreakdownModel // the model that filled a breakdown's, from its total
	nowcastModels []store.NowcastModelRow         // every model fitted, used or not
	lastBatch     int
	observations  int64
	scope         scope // what is recomputed
}

// load reads the newest edition of the series of the indicators in only and of the totals of
// those in totals (a pass's: a million observations or so, in one query), the groups in the
// composition asked for and the catalogue. The current composition is the memberships without a
// last year, applied to every year; the historical one is every membership for its years.
func load(ctx context.Context, db *sql.DB, asOf time.Time, composition string, only, totals map[string]bool) (*data, error) {
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
	series, tot := map[string]bool{}, map[string]bool{}
	for code := range d.measures {
		switch {
		case only[code]:
			series[code] = true
		case totals[code]:
			tot[code] = true
		}
	}
	if err := d.loadObservations(ctx, db, asOf, series, tot); err != nil {
		return nil, err
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

// loadObservations reads the newest observations of the series of the indicators in series, and
// the totals of those in totals. Each series comes as one row, its years and
// values as lists, from one query: a query per indicator would scan every observation each time
// (the indicator is a label the view joins on), and one row per observation is several times
// slower to read than a row of lists per series. The lists are not ordered in the query (ordered
// aggregates are many times slower); the aggregates of a group take its rows in the same order,
// so the years, values and standard errors correspond, and they are sorted by year here.
//
// The current observations are grouped by series in the store's own table and labelled after,
// series by series (half the time of grouping the labelled view's rows); as of a date, through
// the date's view.
func (d *data) loadObservations(ctx context.Context, db *sql.DB, asOf time.Time, series, totals map[string]bool) error {
	where := fmt.Sprintf("indicator IN (%s) OR indicator IN (%s) AND sex = 'total' AND area = 'total' AND age = 'total'",
		literals(series), literals(totals))
	q := `WITH labels AS (SELECT series_id, indicator, sex, area, age, economy FROM store.series_labels
			WHERE economy IS NOT NULL AND (` + where + `))
		SELECT l.indicator, l.sex, l.area, l.age, l.economy, o.years, o.vals, o.ses
		FROM (SELECT series_id, list(year) AS years, list(value) AS vals,
				CASE WHEN count(se) > 0 THEN list(coalesce(se, 'NaN'::DOUBLE)) END AS ses
			FROM store.observations WHERE current AND series_id IN (SELECT series_id FROM labels) GROUP BY series_id) o
		JOIN labels l USING (series_id)`
	if !asOf.IsZero() {
		q = `SELECT indicator, sex, area, age, economy, list(year), list(value),
			CASE WHEN count(se) > 0 THEN list(coalesce(se, 'NaN'::DOUBLE)) END
		FROM main.observations WHERE ` + where + ` GROUP BY ALL`
	}
	return store.ScanRows(ctx, db, q, func(r *sql.Rows) error {
		var k key
		var economy string
		var years, values, ses any
		if err := r.Scan(&k.indicator, &k.sex, &k.area, &k.age, &economy, &years, &values, &ses); err != nil {
			return err
		}
		ys, vs := years.([]any), values.([]any)
		byEconomy := d.reported[k]
		if byEconomy == nil {
			byEconomy = map[int]*points{}
			d.reported[k] = byEconomy
		}
		p := &points{years: make([]int, len(ys)), values: make([]float64, len(vs))}
		for i := range ys {
			p.years[i], p.values[i] = toInt(ys[i]), vs[i].(float64)
		}
		if ses != nil {
			ss := ses.([]any)
			p.se = make([]float64, len(ss))
			for i, x := range ss {
				p.se[i] = x.(float64)
			}
		}
		if !sort.IntsAreSorted(p.years) {
			sort.Sort(byYear{p})
		}
		byEconomy[d.economyIndex[economy]] = p
		d.first, d.last = min(d.first, p.years[0]), max(d.last, p.years[len(p.years)-1])
		d.observations += int64(len(ys))
		return nil
	})
}

// byYear sorts points by year.
type byYear struct{ *points }

func (p byYear) Len() int           { return len(p.years) }
func (p byYear) Less(i, j int) bool { return p.years[i] < p.years[j] }
func (p byYear) Swap(i, j int) {
	p.years[i], p.years[j] = p.years[j], p.years[i]
	p.values[i], p.values[j] = p.values[j], p.values[i]
	if p.se != nil {
		p.se[i], p.se[j] = p.se[j], p.se[i]
	}
}

// literals lists codes as SQL string literals, "NULL" when there are none.
func literals(codes map[string]bool) string {
	if len(codes) == 0 {
		return "NULL"
	}
	var out []string
	for _, c := range slices.Sorted(maps.Keys(codes)) {
		out = append(out, "'"+strings.ReplaceAll(c, "'", "''")+"'")
	}
	return strings.Join(out, ", ")
}

// toInt converts a year as the driver gives it.
func toInt(v any) int {
	switch x := v.(type) {
	case int16:
		return int(x)
	case int32:
		return int(x)
	case int64:
		return int(x)
	}
	panic(fmt.Sprintf("a year of type %T", v))
}
