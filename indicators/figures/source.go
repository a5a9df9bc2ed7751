package figures

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"

	"github.com/ictstat/ictstat/datasets"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/targets"
)

// Source reads the data of figures from a store and keeps what it has read: the catalogue
// (indicators, economies, groups, editions) and, per indicator, its observations, aggregates
// and parity scores. Figures of the same indicator that follow cost no further query. A Source
// sees the store as it was when it read each part: make a new one to see later loads. It is safe
// for concurrent use.
type Source struct {
	db *sql.DB

	mu         sync.Mutex
	cat        *catalogue
	indicators map[string]*indicatorData
	members    map[membership][][2]string // members' codes and names
}

// membership is a group's membership in one year.
type membership struct {
	group string
	year  int
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
	err = store.ScanRows(ctx, s.db, `SELECT indicator, name, unit, unit_kind, polarity, coalesce(custodian, ''), coalesce(aggregation, ''),
			coalesce(weight, ''), concat_ws('; ', wdi_code, itu_code, sdg_series, ddf_concept),
			coalesce(min_value, 'NaN'::DOUBLE), coalesce(max_value, 'NaN'::DOUBLE)
		FROM main.indicators ORDER BY indicator`, func(r *sql.Rows) error {
		var in indicatorInfo
		var codes string
		if err := r.Scan(&in.code, &in.name, &in.unit, &in.unitKind, &in.polarity, &in.custodian, &in.aggregation, &in.weight, &codes,
			&in.min, &in.max); err != nil {
			return err
		}
		for _, code := range strings.Split(codes, "; ") {
			if _, taken := c.indicators[code]; code != "" && !taken {
				c.indicators[code] = in
			}
		}
		c.indicators[in.code] = in
		return nil
	})
	if err == nil {
		err = store.ScanRows(ctx, s.db, `SELECT economy, name, 'economy', coalesce(lpad(CAST(m49 AS VARCHAR), 3, '0'), '') FROM main.economies
			UNION ALL SELECT group_code, name, 'group', '' FROM main.groups`,
			func(r *sql.Rows) error {
				var e entityInfo
				if err := r.Scan(&e.code, &e.name, &e.kind, &e.m49); err != nil {
					return err
				}
				c.entities[e.code] = e
				return nil
			})
	}
	if err == nil {
		err = c.loadEditions(ctx, s.db)
	}
	if err != nil {
		return nil, err
	}
	s.cat = c
	return c, nil
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

// read reads one part of an indicator's data, unless it has been read.
func (s *Source) read(ctx context.Context, d *indicatorData, indicator string, p part) error {
	into := func(m map[seriesKey][]point) func(*sql.Rows) error {
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
	switch {
	case p == observations && d.observations == nil:
		m := map[seriesKey][]point{}
		if err := store.ScanRows(ctx, s.db, `SELECT economy, sex, area, year, value, flag IN `+estimatedFlags+`, edition, `+intervalColumns+`, false FROM main.observations
			WHERE indicator = ? AND age = 'total' ORDER BY economy, sex, area, year`, into(m), indicator); err != nil {
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
		// A nowcast year (too few members have reported it) is drawn as estimated; a value with a
		// tenth or more of the group's population nowcast, with its 95% interval (the explorer
		// shows the same; below, the interval is too narrow to draw).
		if err := store.ScanRows(ctx, s.db, `SELECT group_code, sex, area, year, value, coverage_reported < 0.5 OR status = 'nowcast', '',
				CASE WHEN status = 'nowcast' OR coverage_nowcast >= 0.1 THEN coalesce(ci_low, 'NaN'::DOUBLE) ELSE 'NaN'::DOUBLE END,
				CASE WHEN status = 'nowcast' OR coverage_nowcast >= 0.1 THEN coalesce(ci_high, 'NaN'::DOUBLE) ELSE 'NaN'::DOUBLE END,
				status = 'nowcast' FROM main.aggregates
			WHERE indicator = ? AND age = 'total' AND status IN ('published', 'nowcast') ORDER BY group_code, sex, area, year`, into(m), indicator); err != nil {
			return err
		}
		d.aggregates = m
	case p == published && d.published == nil:
		m := map[seriesKey][]point{}
		if err := store.ScanRows(ctx, s.db, `SELECT group_code, sex, area, year, value, flag IN `+estimatedFlags+`, edition, `+intervalColumns+`, false FROM main.published_aggregates
			WHERE indicator = ? AND age = 'total' ORDER BY group_code, sex, area, year`, into(m), indicator); err != nil {
			return err
		}
		d.published = m
	case p == parity && d.parity == nil:
		m, basis := map[string][]point{}, map[string]string{}
		if err := store.ScanRows(ctx, s.db, `SELECT entity, year, value, basis FROM main.gaps WHERE measure = 'gender_parity_score'
			AND indicator = ? AND area = 'total' AND age = 'total' ORDER BY entity, year`, func(r *sql.Rows) error {
			var e, b string
			var pt point
			if err := r.Scan(&e, &pt.year, &pt.value, &b); err != nil {
				return err
			}
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
// the date the connection reads the data as of.
func (c *catalogue) loadEditions(ctx context.Context, db *sql.DB) error {
	c.citations, c.republished = map[string]string{}, map[string]bool{}
	if eds, err := datasets.Editions(); err == nil {
		for label := range eds {
			c.republished[label] = true
		}
	}
	// A connection reading the data as of a date has its own observations view; the date is that
	// of the computation made for it.
	var asOf sql.NullTime
	err := db.QueryRowContext(ctx, `SELECT CASE WHEN EXISTS (SELECT 1 FROM duckdb_views() WHERE temporary AND view_name = 'observations')
		THEN (SELECT as_of FROM main.computations ORDER BY computation_id DESC LIMIT 1) END`).Scan(&asOf)
	if err != nil {
		return err
	}
	c.asOf = asOf.Time
	return store.ScanRows(ctx, db, `SELECT edition, coalesce(citation, edition) FROM main.editions`, func(r *sql.Rows) error {
		var e, cite string
		if err := r.Scan(&e, &cite); err != nil {
			return err
		}
		c.citations[e] = cite
		return nil
	})
}

// ScorecardSource is the source line of a scorecard of the Geneva targets drawn from db: ITU's
// data via the editions that republish them, the other editions by their citations.
func ScorecardSource(ctx context.Context, db *sql.DB) (string, error) {
	c := &catalogue{}
	if err := c.loadEditions(ctx, db); err != nil {
		return "", err
	}
	return c.sourceLine("ITU", c.editionsByCitation()), nil
}
