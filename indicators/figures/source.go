package figures

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ictstat/ictstat/datasets"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/report"
	"github.com/ictstat/ictstat/indicators/targets"
	"github.com/ictstat/ictstat/indicators/translations"
)

// Source reads the data of figures from a store and keeps what it has read: the catalogue
// (indicators, economies, groups, editions) and, per indicator, its observations, aggregates
// and parity scores. Figures of the same indicator that follow cost no further query. A Source
// sees the store as it was when it read each part: make a new one to see later loads. It is safe
// for concurrent use.
//
// It reads the store's tables (schema store) with queries written for what figures need, which
// DuckDB plans in a fraction of the time it takes to plan the views of main, and returns exactly
// what the views hold (source_test.go compares them). On a connection that reads the data as of a
// date, whose temporary views stand in for main's observation views, it reads the views.
type Source struct {
	db *sql.DB
	// views: read the editions, observations and published aggregates through the views of main.
	// Set when the catalogue finds the connection reading the data as of a date (tests set it to
	// compare both ways).
	views bool

	mu         sync.Mutex
	cat        *catalogue
	indicators map[string]*indicatorData
	members    map[membership][][2]string     // members' codes and names
	words      map[string]*translations.Words // by language, shared by the figures built
}

// membership is a group's membership in one year.
type membership struct {
	group string
	year  int
}

// wordsFor is the words of w's language for the figures built from s: the first Words of the
// language s was given, so that its count of unreviewed words is the figures'.
func (s *Source) wordsFor(w *translations.Words) *translations.Words {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.words == nil {
		s.words = map[string]*translations.Words{}
	}
	if kept := s.words[w.Lang]; kept != nil {
		return kept
	}
	s.words[w.Lang] = w
	return w
}

// Unreviewed is how many distinct strings the figures built in lang so far show in
// translations nobody has reviewed (or in English, for want of a translation).
func (s *Source) Unreviewed(lang string) int {
	s.mu.Lock()
	w := s.words[lang]
	s.mu.Unlock()
	return w.Unreviewed()
}

// NewSource is a Source reading db.
func NewSource(db *sql.DB) *Source {
	return &Source{db: db, indicators: map[string]*indicatorData{}, members: map[membership][][2]string{}}
}

// catalogue is what the store knows of indicators, economies, groups and editions.
type catalogue struct {
	indicators map[string]indicatorInfo // by every code: ictstat's, WDI, ITU, SDG, DDF
	entities   map[string]entityInfo    // economies by ISO3, groups by code
	citations  map[string]string        // edition → how a source line names it
	editionIDs map[int32]string         // store.editions' keys → editions; nil when read through the views
	// republished are the editions that republish the custodians' data (the producers' databases
	// of the embedded default data: WDI, the SDG database, the ITU DataHub); a source line names
	// the custodian, "ITU, via ...", only for those.
	republished map[string]bool
	asOf        time.Time // the data are read as published on this date; zero: as they are now
	frameworks  []targets.Framework
}

type indicatorInfo struct {
	code, name, unit, unitKind, polarity, custodian, aggregation, weight string
	min, max                                                             float64 // the valid range; NaN where open
}

type entityInfo struct {
	code, name, kind string // kind: economy or group
	m49              string // an economy's UN M49 code, three digits; "" if it has none
}

// point is one value of a series as a figure draws it.
type point struct {
	year      int
	value     float64
	estimated bool
	edition   string  // "" for ictstat's aggregates and parity scores
	low, high float64 // the value's interval where its producer gives one, else NaN
	nowcast   bool    // a group's value published on nowcasts (status nowcast)
}

// intervalColumns select an observation's interval bounds, NaN where it has none.
const intervalColumns = `coalesce(ci_low, 'NaN'::DOUBLE), coalesce(ci_high, 'NaN'::DOUBLE)`

// seriesKey names one breakdown (all ages) of an indicator for an economy or group.
type seriesKey struct{ entity, sex, area string }

// indicatorData is what figures draw of one indicator, each series sorted by year. Each part is
// read when a figure first needs it.
type indicatorData struct {
	observations map[seriesKey][]point // economies, newest editions
	aggregates   map[seriesKey][]point // ictstat's published aggregates
	published    map[seriesKey][]point // the aggregates sources publish
	parity       map[string][]point    // gender parity scores by entity
	parityBasis  map[string]string     // reported, ictstat aggregate or published aggregate
	// editions of the economies' observations per breakdown: what ictstat's aggregates rest on
	memberEditions map[[2]string]map[string]bool
}

// The parts of an indicator's data.
type part int

const (
	observations part = iota
	aggregates
	published
	parity
)

func (s *Source) catalogue(ctx context.Context) (*catalogue, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cat != nil {
		return s.cat, nil
	}
	c := &catalogue{indicators: map[string]indicatorInfo{}, entities: map[string]entityInfo{}}
	fws, err := targets.Frameworks()
	if err != nil {
		return nil, err
	}
	c.frameworks = fws
	if err := c.loadIndicators(ctx, s.db); err != nil {
		return nil, err
	}
	if err := c.loadEntities(ctx, s.db); err != nil {
		return nil, err
	}
	if err := c.loadEditions(ctx, s.db, s.views); err != nil {
		return nil, err
	}
	s.views = c.editionIDs == nil
	s.cat = c
	return c, nil
}

// schemes are the schemes of the other codes an indicator is known by, in the order of
// main.indicators' columns wdi_code, itu_code, sdg_series and ddf_concept.
var schemes = []string{"wdi", "itu", "sdg", "ddf"}

// loadIndicators reads the indicators by every code, as main.indicators has them, from its
// tables: in the order of the indicators' codes, each takes its other codes (by scheme, then
// code) that no indicator before it took, and its own code.
func (c *catalogue) loadIndicators(ctx context.Context, db *sql.DB) error {
	type code struct {
		scheme int
		code   string
	}
	others := map[int32][]code{}
	err := store.ScanRows(ctx, db, `SELECT indicator_id, scheme, code FROM store.indicator_codes`, func(r *sql.Rows) error {
		var id int32
		var scheme, cd string
		if err := r.Scan(&id, &scheme, &cd); err != nil {
			return err
		}
		if i := slices.Index(schemes, scheme); i >= 0 {
			others[id] = append(others[id], code{i, cd})
		}
		return nil
	})
	if err != nil {
		return err
	}
	type indicator struct {
		id int32
		in indicatorInfo
	}
	var inds []indicator
	err = store.ScanRows(ctx, db, `SELECT indicator_id, code, name, unit, unit_kind, polarity, custodian, aggregation, weight, min_value, max_value
		FROM store.indicators`, func(r *sql.Rows) error {
		var i indicator
		var custodian, aggregation, weight sql.NullString
		var lo, hi sql.NullFloat64
		if err := r.Scan(&i.id, &i.in.code, &i.in.name, &i.in.unit, &i.in.unitKind, &i.in.polarity, &custodian, &aggregation, &weight, &lo, &hi); err != nil {
			return err
		}
		i.in.custodian, i.in.aggregation, i.in.weight = custodian.String, aggregation.String, weight.String
		i.in.min, i.in.max = orNaN(lo), orNaN(hi)
		inds = append(inds, i)
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(inds, func(a, b indicator) int { return strings.Compare(a.in.code, b.in.code) })
	for _, i := range inds {
		codes := others[i.id]
		slices.SortFunc(codes, func(a, b code) int { return cmp.Or(cmp.Compare(a.scheme, b.scheme), strings.Compare(a.code, b.code)) })
		for _, cd := range codes {
			if _, taken := c.indicators[cd.code]; cd.code != "" && !taken {
				c.indicators[cd.code] = i.in
			}
		}
		c.indicators[i.in.code] = i.in
	}
	return nil
}

// loadEntities reads the economies and then the groups, as main.economies and main.groups have
// them, from their tables.
func (c *catalogue) loadEntities(ctx context.Context, db *sql.DB) error {
	err := store.ScanRows(ctx, db, `SELECT iso3, name, m49 FROM store.economies`, func(r *sql.Rows) error {
		e := entityInfo{kind: "economy"}
		var m49 sql.NullInt64
		if err := r.Scan(&e.code, &e.name, &m49); err != nil {
			return err
		}
		if m49.Valid {
			e.m49 = lpad3(strconv.FormatInt(m49.Int64, 10))
		}
		c.entities[e.code] = e
		return nil
	})
	if err != nil {
		return err
	}
	return store.ScanRows(ctx, db, `SELECT code, name FROM store.groups`, func(r *sql.Rows) error {
		e := entityInfo{kind: "group"}
		if err := r.Scan(&e.code, &e.name); err != nil {
			return err
		}
		c.entities[e.code] = e
		return nil
	})
}

// lpad3 is s as DuckDB's lpad(s, 3, '0') makes it: padded with zeros, or cut, to 3 characters.
func lpad3(s string) string {
	if len(s) >= 3 {
		return s[:3]
	}
	return strings.Repeat("0", 3-len(s)) + s
}

func orNaN(f sql.NullFloat64) float64 {
	if f.Valid {
		return f.Float64
	}
	return math.NaN()
}

// data is an indicator's data with the parts asked for read.
func (s *Source) data(ctx context.Context, indicator string, parts ...part) (*indicatorData, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.indicators[indicator]
	if !ok {
		d = &indicatorData{}
		s.indicators[indicator] = d
	}
	for _, p := range parts {
		if err := s.read(ctx, d, indicator, p); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// The queries of the parts of an indicator's data, the indicator their parameter. On the views of
// main, each row is an entity, sex, area, year, value, whether it is estimated, its edition, its
// interval's bounds (NaN where it has none) and whether it is a nowcast, the rows in order.
const (
	observationsViewSQL = `SELECT economy, sex, area, year, value, flag IN ` + estimatedFlags + `, edition, ` + intervalColumns + `, false
		FROM main.observations WHERE indicator = ? AND age = 'total' ORDER BY economy, sex, area, year`
	publishedViewSQL = `SELECT group_code, sex, area, year, value, flag IN ` + estimatedFlags + `, edition, ` + intervalColumns + `, false
		FROM main.published_aggregates WHERE indicator = ? AND age = 'total' ORDER BY group_code, sex, area, year`
	// A nowcast year (too few members have reported it) is drawn as estimated; a value with a
	// tenth or more of the group's population nowcast, with its 95% interval (the explorer shows
	// the same; below, the interval is too narrow to draw). Read from aggregatesView or
	// aggregatesStore.
	aggregatesSQL = `SELECT group_code, sex, area, year, value, coverage_reported < 0.5 OR status = 'nowcast', '',
			CASE WHEN status = 'nowcast' OR coverage_nowcast >= 0.1 THEN coalesce(ci_low, 'NaN'::DOUBLE) ELSE 'NaN'::DOUBLE END,
			CASE WHEN status = 'nowcast' OR coverage_nowcast >= 0.1 THEN coalesce(ci_high, 'NaN'::DOUBLE) ELSE 'NaN'::DOUBLE END,
			status = 'nowcast' FROM (%s)
		WHERE status IN ('published', 'nowcast') ORDER BY group_code, sex, area, year`
	aggregatesView = `SELECT * FROM main.aggregates WHERE indicator = ? AND age = 'total'`
	// paritySQL reads parityView or parityStore.
	paritySQL  = `SELECT entity, year, value, basis, coalesce(nowcast, false) FROM (%s) ORDER BY entity, year`
	parityView = `SELECT * FROM main.gaps WHERE measure = 'gender_parity_score' AND indicator = ? AND area = 'total' AND age = 'total'`
)

// The store's aggregates and gaps with the texts figures need, as the views give them
// (migration 0018: texts as term ids).
const (
	aggregatesStore = `SELECT g.term AS group_code, s.term AS sex, ar.term AS area, a.year, a.value, a.coverage_reported,
			st.term AS status, a.coverage_nowcast, a.ci_low, a.ci_high
		FROM store.aggregates a JOIN store.terms g ON g.term_id = a.group_code_term JOIN store.terms s ON s.term_id = a.sex_term
			JOIN store.terms ar ON ar.term_id = a.area_term JOIN store.terms st ON st.term_id = a.status_term
		WHERE a.indicator_term = (SELECT term_id FROM store.terms WHERE term = ?)
			AND a.age_term = (SELECT term_id FROM store.terms WHERE term = 'total')`
	parityStore = `SELECT e.term AS entity, g.year, g.value, b.term AS basis, g.nowcast
		FROM store.gaps g JOIN store.terms e ON e.term_id = g.entity_term JOIN store.terms b ON b.term_id = g.basis_term
		WHERE g.measure_term = (SELECT term_id FROM store.terms WHERE term = 'gender_parity_score')
			AND g.indicator_term = (SELECT term_id FROM store.terms WHERE term = ?)
			AND g.area_term = (SELECT term_id FROM store.terms WHERE term = 'total')
			AND g.age_term = (SELECT term_id FROM store.terms WHERE term = 'total')`
)

// On the store's tables, observations and published_aggregates are read as the views define them
// (migrations 0008, 0012): the current observations of the series (store.series_labels) of
// economies, or of groups, labelled in Go, with their editions by their keys.
const (
	seriesSQL = `SELECT series_id, %[1]s, sex, area FROM store.series_labels
		WHERE indicator = ? AND age = 'total' AND %[1]s IS NOT NULL`
	currentSQL = `SELECT series_id, year, value, store.flag_code(flag) IN ` + estimatedFlags + `, edition_id, ci_low, ci_high FROM store.observations
		WHERE current AND series_id IN (SELECT series_id FROM store.series_labels WHERE indicator = ? AND age = 'total' AND %s IS NOT NULL)`
)

// read reads one part of an indicator's data, unless it has been read.
func (s *Source) read(ctx context.Context, d *indicatorData, indicator string, p part) error {
	views := s.views || s.cat == nil
	aggregatesFrom, parityFrom := aggregatesStore, parityStore
	if views {
		aggregatesFrom, parityFrom = aggregatesView, parityView
	}
	switch {
	case p == observations && d.observations == nil:
		m, err := s.series(ctx, indicator, views, "economy", observationsViewSQL)
		if err != nil {
			return err
		}
		d.memberEditions = map[[2]string]map[string]bool{}
		for k, pts := range m {
			b := [2]string{k.sex, k.area}
			if d.memberEditions[b] == nil {
				d.memberEditions[b] = map[string]bool{}
			}
			for _, pt := range pts {
				d.memberEditions[b][pt.edition] = true
			}
		}
		d.observations = m
	case p == aggregates && d.aggregates == nil:
		m := map[seriesKey][]point{}
		if err := store.ScanRows(ctx, s.db, fmt.Sprintf(aggregatesSQL, aggregatesFrom), scanPoint(m), indicator); err != nil {
			return err
		}
		d.aggregates = m
	case p == published && d.published == nil:
		m, err := s.series(ctx, indicator, views, "group_code", publishedViewSQL)
		if err != nil {
			return err
		}
		d.published = m
	case p == parity && d.parity == nil:
		m, basis := map[string][]point{}, map[string]string{}
		if err := store.ScanRows(ctx, s.db, fmt.Sprintf(paritySQL, parityFrom), func(r *sql.Rows) error {
			var e, b string
			var pt point
			if err := r.Scan(&e, &pt.year, &pt.value, &b, &pt.nowcast); err != nil {
				return err
			}
			pt.estimated = pt.nowcast // a score resting on nowcasts is drawn hollow
			m[e] = append(m[e], pt)
			basis[e] = b
			return nil
		}, indicator); err != nil {
			return err
		}
		d.parity, d.parityBasis = m, basis
	}
	return nil
}

// scanPoint reads rows of the views' shape into m.
func scanPoint(m map[seriesKey][]point) func(*sql.Rows) error {
	return func(r *sql.Rows) error {
		var k seriesKey
		var pt point
		if err := r.Scan(&k.entity, &k.sex, &k.area, &pt.year, &pt.value, &pt.estimated, &pt.edition, &pt.low, &pt.high, &pt.nowcast); err != nil {
			return err
		}
		m[k] = append(m[k], pt)
		return nil
	}
}

// series are the current observations of an indicator, all ages, of economies or groups (entity
// is the column of series_labels that names them), each series sorted by year: from the store's
// tables, or with views from viewSQL.
func (s *Source) series(ctx context.Context, indicator string, views bool, entity, viewSQL string) (map[seriesKey][]point, error) {
	m := map[seriesKey][]point{}
	if views {
		return m, store.ScanRows(ctx, s.db, viewSQL, scanPoint(m), indicator)
	}
	keys := map[int32]seriesKey{}
	err := store.ScanRows(ctx, s.db, fmt.Sprintf(seriesSQL, entity), func(r *sql.Rows) error {
		var id int32
		var k seriesKey
		if err := r.Scan(&id, &k.entity, &k.sex, &k.area); err != nil {
			return err
		}
		keys[id] = k
		return nil
	}, indicator)
	if err != nil {
		return nil, err
	}
	err = store.ScanRows(ctx, s.db, fmt.Sprintf(currentSQL, entity), func(r *sql.Rows) error {
		var id, edition int32
		var low, high sql.NullFloat64
		var pt point
		if err := r.Scan(&id, &pt.year, &pt.value, &pt.estimated, &edition, &low, &high); err != nil {
			return err
		}
		pt.edition, pt.low, pt.high = s.cat.editionIDs[edition], orNaN(low), orNaN(high)
		if k, ok := keys[id]; ok { // a series loaded between the two queries is left out
			m[k] = append(m[k], pt)
		}
		return nil
	}, indicator)
	for _, pts := range m {
		slices.SortFunc(pts, func(a, b point) int { return cmp.Compare(a.year, b.year) })
	}
	return m, err
}

// groupMembers are a group's economies in a year, with their names, sorted by name: in the
// composition the aggregates were last computed with, the current one (whatever the year) unless
// it was each year's.
func (s *Source) groupMembers(ctx context.Context, group string, year int) ([][2]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := membership{group, year}
	if m, ok := s.members[key]; ok {
		return m, nil
	}
	var out [][2]string
	err := store.ScanRows(ctx, s.db, `SELECT e.economy, e.name FROM main.group_members m JOIN main.economies e USING (economy)
		WHERE m.group_code = ? AND CASE (SELECT composition FROM main.computations ORDER BY computation_id DESC LIMIT 1)
			WHEN 'historical' THEN (m.first_year IS NULL OR m.first_year <= ?) AND (m.last_year IS NULL OR m.last_year >= ?)
			ELSE m.current END
		ORDER BY e.name`, func(r *sql.Rows) error {
		var code, name string
		if err := r.Scan(&code, &name); err != nil {
			return err
		}
		out = append(out, [2]string{code, name})
		return nil
	}, group, year, year)
	if err != nil {
		return nil, err
	}
	s.members[key] = out
	return out, nil
}

// closest lists the codes and names a query returns as "a (name), b (name) and c (name)".
func (s *Source) closest(ctx context.Context, q, arg string) (string, error) {
	var out []string
	err := store.ScanRows(ctx, s.db, q, func(r *sql.Rows) error {
		var code, name string
		if err := r.Scan(&code, &name); err != nil {
			return err
		}
		out = append(out, code+" ("+name+")")
		return nil
	}, arg)
	return joinAnd(out), err
}

// loadEditions reads the editions' citations, which of them republish the custodians' data, and
// the date the connection reads the data as of. It reads store.editions with their keys
// (editionIDs), unless views is set or the connection reads the data as of a date: then the
// editions view, which shows only the editions released by the date, and editionIDs stays nil.
func (c *catalogue) loadEditions(ctx context.Context, db *sql.DB, views bool) error {
	c.citations, c.republished = map[string]string{}, map[string]bool{}
	if eds, err := datasets.Editions(); err == nil {
		for label := range eds {
			c.republished[label] = true
		}
	}
	// A connection reading the data as of a date has its own observations view; the date is that
	// of the computation made for it.
	var asOfViews bool
	err := db.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_views() WHERE temporary AND view_name = 'observations'`).Scan(&asOfViews)
	if err != nil {
		return err
	}
	if asOfViews {
		var asOf sql.NullTime
		if err := db.QueryRowContext(ctx, `SELECT (SELECT as_of FROM main.computations ORDER BY computation_id DESC LIMIT 1)`).Scan(&asOf); err != nil {
			return err
		}
		c.asOf = asOf.Time
	}
	if views || asOfViews {
		return store.ScanRows(ctx, db, `SELECT edition, coalesce(citation, edition) FROM main.editions`, func(r *sql.Rows) error {
			var e, cite string
			if err := r.Scan(&e, &cite); err != nil {
				return err
			}
			c.citations[e] = cite
			return nil
		})
	}
	c.editionIDs = map[int32]string{}
	return store.ScanRows(ctx, db, `SELECT edition_id, edition, coalesce(citation, edition) FROM store.editions`, func(r *sql.Rows) error {
		var id int32
		var e, cite string
		if err := r.Scan(&id, &e, &cite); err != nil {
			return err
		}
		c.citations[e], c.editionIDs[id] = cite, e
		return nil
	})
}

// ScorecardSource is the source line of the Geneva-targets scorecard: the editions of the
// observations its assessed series rest on (report.ScorecardIndicators), not every edition loaded.
func ScorecardSource(ctx context.Context, db *sql.DB) (string, error) {
	return ScorecardSourceIn(ctx, db, nil)
}

// ScorecardSourceIn is ScorecardSource in the language of w (nil: English).
func ScorecardSourceIn(ctx context.Context, db *sql.DB, w *translations.Words) (string, error) {
	c := &catalogue{}
	if err := c.loadEditions(ctx, db, false); err != nil {
		return "", err
	}
	eds, err := c.scorecardEditions(ctx, db)
	if err != nil {
		return "", err
	}
	return c.sourceLine(w, "ITU", eds), nil
}

// scorecardEditions are, in the order of their citations, the editions holding observations of
// the indicators the scorecard's series rest on.
func (c *catalogue) scorecardEditions(ctx context.Context, db *sql.DB) ([]string, error) {
	inds, err := report.ScorecardIndicators()
	if err != nil {
		return nil, err
	}
	used, err := store.EditionsOf(ctx, db, inds)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(c.editionsByCitation(), func(e string) bool { return !slices.Contains(used, e) }), nil
}
