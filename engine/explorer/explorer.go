// Package explorer builds the documents the explorer page reads (docs/explorer.md): the
// catalogue, an indicator's rows and projections, a framework's progress and the map's
// boundaries, from a database's views (docs/sql.md); it draws and writes the downloads of a view
// (CSV, XLSX, PNG, SVG, PDF) and serves the page itself, embedded, with its JavaScript.
//
// `ictstat serve` answers the documents as JSON under /v1/explorer/; `ictstat site build` writes
// them as scripts (JS) beside the page. Both go through a Source, which reads each part of the
// database once and keeps it: a Source stands for one state of the database, so a new state (a
// reloaded file) needs a new Source (For keeps one per *sql.DB).
package explorer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ictstat/ictstat/engine/store"
)

// ErrRequest marks an error in what a request asks for (an unknown indicator, entity or
// framework, a bad parameter), as opposed to a failure of the database.
var ErrRequest = errors.New("explorer request")

func requestError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRequest, fmt.Sprintf(format, args...))
}

// Queryer is what a Source reads: a database or one connection of it (a connection that reads
// the data as of a date, say).
type Queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Options tune a Source.
type Options struct {
	// NoDerived: the database's derived results (aggregates, progress) cannot be read, as on a
	// connection reading the data as of a date without computing them: documents leave out
	// ictstat's aggregates, and the progress document is refused.
	NoDerived bool
	// AsOf is the date the data are read as of, for the catalogue's as_of; zero: as they are now.
	AsOf time.Time
	// Indicators and Entities, when given, narrow the catalogue to them (a site built for a few).
	Indicators, Entities []string
	// Now stamps the catalogue's "generated"; zero: the time it is built.
	Now time.Time
}

// Source reads the explorer's documents from one state of a database and keeps what it read:
// the catalogue, and per indicator its rows, its projections (fitted per entity when first
// asked for) and its whole document encoded. It is safe for concurrent use.
type Source struct {
	q    Queryer
	opts Options

	mu         sync.Mutex
	meta       *meta
	years      bool   // the meta's indicators have their years and breakdowns
	catalogue  []byte // the catalogue document, encoded
	indicators map[string]*indicatorData
	progress   map[string]*Progress // every entity's, by framework
}

// NewSource is a Source reading q.
func NewSource(q Queryer, opts Options) *Source {
	return &Source{q: q, opts: opts, indicators: map[string]*indicatorData{}, progress: map[string]*Progress{}}
}

// sources keeps the Source of the database the service answers from; a reloaded database (a new
// *sql.DB) gets a new one, and the previous one goes with its data.
var sources struct {
	mu  sync.Mutex
	db  *sql.DB
	src *Source
}

// For is the Source of db with default options, the same for every call with the same db until
// a call with another db replaces it.
func For(db *sql.DB) *Source {
	sources.mu.Lock()
	defer sources.mu.Unlock()
	if sources.db != db || sources.src == nil {
		sources.db, sources.src = db, NewSource(db, Options{})
	}
	return sources.src
}

// meta is what every document needs of the database: the indicators, economies, groups,
// editions and targets.
type meta struct {
	indicators map[string]*indicatorInfo // by ictstat code
	byCode     map[string]string         // any code of the catalogue (WDI, ITU, SDG, DDF) → ictstat code
	indOrder   []string                  // ictstat codes, sorted
	entities   map[string]*entityInfo
	entOrder   []string // economies then groups, each by code
	groups     map[string][]string
	editions   map[string]editionInfo
	edOrder    []string // by release date, then name
	// republished are the editions that republish the custodians' data (the producers'
	// databases of the embedded default data); a source line names the custodian for those.
	republished map[string]bool
	targets     []targetInfo // in framework, then target order
	frameworks  []frameworkInfo
}

type indicatorInfo struct {
	code, name, unit, unitKind, polarity, custodian, aggregation, weight string
	min, max                                                             sql.NullFloat64
	codes                                                                map[string]string
	hasData                                                              bool
	firstYear, lastYear                                                  int
	breakdowns                                                           []string
}

type entityInfo struct {
	code, name, kind, groupKind  string
	iso2, m49, ituRegion, income string
}

type editionInfo struct {
	edition, citation string
	licence           sql.NullString
}

type targetInfo struct {
	framework, target, measure, indicator, wording, comparator, basis, scope string
	value, metAt, tolerance                                                  sql.NullFloat64
	baselineYear, deadline                                                   int
}

// level is the value that meets the target (met_at when given, as the charts draw it).
func (t targetInfo) level() float64 {
	if t.metAt.Valid {
		return t.metAt.Float64
	}
	return t.value.Float64
}

// key is the target's reference, framework:code.
func (t targetInfo) key() string { return t.framework + ":" + t.target }

type frameworkInfo struct{ code, name string }

// scan runs a query on q and calls each for every row.
func scan(ctx context.Context, q Queryer, query string, each func(*sql.Rows) error, args ...any) error {
	return store.ScanRows(ctx, q, query, each, args...)
}

// loadMeta reads the meta once.
func (s *Source) loadMeta(ctx context.Context) (*meta, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.meta != nil {
		return s.meta, nil
	}
	m := &meta{indicators: map[string]*indicatorInfo{}, byCode: map[string]string{}, entities: map[string]*entityInfo{},
		groups: map[string][]string{}, editions: map[string]editionInfo{}, republished: map[string]bool{}}
	steps := []func(context.Context, *meta) error{s.readIndicators, s.readEntities, s.readEditions, s.readTargets}
	for _, step := range steps {
		if err := step(ctx, m); err != nil {
			return nil, err
		}
	}
	s.meta = m
	return m, nil
}

func (s *Source) readIndicators(ctx context.Context, m *meta) error {
	return scan(ctx, s.q, `SELECT indicator, name, coalesce(unit, ''), coalesce(unit_kind, ''), coalesce(polarity, ''),
			coalesce(custodian, ''), coalesce(aggregation, ''), coalesce(weight, ''), min_value, max_value,
			coalesce(itu_code, ''), coalesce(wdi_code, ''), coalesce(sdg_indicator, ''), coalesce(sdg_series, ''),
			coalesce(core_code, ''), coalesce(ddf_concept, '')
		FROM indicators ORDER BY indicator`, func(r *sql.Rows) error {
		in := &indicatorInfo{codes: map[string]string{}}
		var codes [6]string
		if err := r.Scan(&in.code, &in.name, &in.unit, &in.unitKind, &in.polarity, &in.custodian, &in.aggregation, &in.weight,
			&in.min, &in.max, &codes[0], &codes[1], &codes[2], &codes[3], &codes[4], &codes[5]); err != nil {
			return err
		}
		for i, k := range []string{"itu", "wdi", "sdg_indicator", "sdg_series", "core", "ddf"} {
			if codes[i] != "" {
				in.codes[k] = codes[i]
			}
		}
		for _, i := range []int{0, 1, 3, 5} { // codes that name this indicator in other schemes
			for _, c := range strings.Split(codes[i], "; ") {
				if c = strings.TrimSpace(c); c != "" {
					if _, taken := m.byCode[c]; !taken {
						m.byCode[c] = in.code
					}
				}
			}
		}
		m.indicators[in.code] = in
		m.indOrder = append(m.indOrder, in.code)
		return nil
	})
}

// readYears reads which indicators have data, their first and last years and their breakdowns.
func (s *Source) readYears(ctx context.Context, m *meta) error {
	aggregates := `UNION ALL SELECT indicator, year, sex, area, age FROM aggregates WHERE status IN ('published', 'nowcast')`
	if s.opts.NoDerived {
		aggregates = ""
	}
	return scan(ctx, s.q, `SELECT indicator, min(year), max(year), bool_or(sex <> 'total'), bool_or(area <> 'total'), bool_or(age <> 'total')
		FROM (SELECT indicator, year, sex, area, age FROM observations
			UNION ALL SELECT indicator, year, sex, area, age FROM published_aggregates `+aggregates+`)
		GROUP BY indicator`, func(r *sql.Rows) error {
		var code string
		var first, last int
		var sex, area, age bool
		if err := r.Scan(&code, &first, &last, &sex, &area, &age); err != nil {
			return err
		}
		in := m.indicators[code]
		if in == nil { // a derived measure of the aggregates, such as rural:coverage_3g_pct
			return nil
		}
		in.hasData, in.firstYear, in.lastYear = true, first, last
		for i, b := range []bool{sex, area, age} {
			if b {
				in.breakdowns = append(in.breakdowns, Breakdowns[i+1])
			}
		}
		return nil
	})
}

// readEntities reads the economies with their ITU region and income group, and the groups with
// their current members.
func (s *Source) readEntities(ctx context.Context, m *meta) error {
	err := scan(ctx, s.q, `SELECT economy, name, coalesce(iso2, ''), coalesce(lpad(m49::VARCHAR, 3, '0'), '') FROM economies ORDER BY economy`,
		func(r *sql.Rows) error {
			e := &entityInfo{kind: "economy"}
			if err := r.Scan(&e.code, &e.name, &e.iso2, &e.m49); err != nil {
				return err
			}
			m.entities[e.code] = e
			m.entOrder = append(m.entOrder, e.code)
			return nil
		})
	if err != nil {
		return err
	}
	err = scan(ctx, s.q, `SELECT group_code, name, kind FROM groups ORDER BY group_code`, func(r *sql.Rows) error {
		e := &entityInfo{kind: "group"}
		if err := r.Scan(&e.code, &e.name, &e.groupKind); err != nil {
			return err
		}
		if _, dup := m.entities[e.code]; dup {
			return nil
		}
		m.entities[e.code] = e
		m.entOrder = append(m.entOrder, e.code)
		return nil
	})
	if err != nil {
		return err
	}
	return scan(ctx, s.q, `SELECT m.group_code, m.economy, g.kind FROM group_members m JOIN groups g USING (group_code)
		WHERE m.current ORDER BY m.group_code, m.economy`, func(r *sql.Rows) error {
		var group, economy, kind string
		if err := r.Scan(&group, &economy, &kind); err != nil {
			return err
		}
		m.groups[group] = append(m.groups[group], economy)
		if e := m.entities[economy]; e != nil {
			switch {
			case kind == "itu_region":
				e.ituRegion = group
			case kind == "income" && group != "LMY":
				e.income = group
			}
		}
		return nil
	})
}

func (s *Source) readEditions(ctx context.Context, m *meta) error {
	if eds, err := defaultEditions(); err == nil {
		for label := range eds {
			m.republished[label] = true
		}
	}
	return scan(ctx, s.q, `SELECT edition, coalesce(citation, edition), licence FROM editions ORDER BY released, edition`, func(r *sql.Rows) error {
		var e editionInfo
		if err := r.Scan(&e.edition, &e.citation, &e.licence); err != nil {
			return err
		}
		m.editions[e.edition] = e
		m.edOrder = append(m.edOrder, e.edition)
		return nil
	})
}

func (s *Source) readTargets(ctx context.Context, m *meta) error {
	names := map[string]string{}
	err := scan(ctx, s.q, `SELECT framework, coalesce(framework_name, framework), target, coalesce(measure, ''), coalesce(indicator, ''),
			coalesce(wording, ''), coalesce(comparator, ''), coalesce(basis, ''), coalesce(scope, ''), value, met_at, tolerance,
			coalesce(baseline_year, 0), coalesce(deadline, 0)
		FROM targets`, func(r *sql.Rows) error {
		var t targetInfo
		var name string
		if err := r.Scan(&t.framework, &name, &t.target, &t.measure, &t.indicator, &t.wording, &t.comparator, &t.basis, &t.scope,
			&t.value, &t.metAt, &t.tolerance, &t.baselineYear, &t.deadline); err != nil {
			return err
		}
		if _, ok := names[t.framework]; !ok {
			names[t.framework] = name
		}
		m.targets = append(m.targets, t)
		return nil
	})
	if err != nil {
		return err
	}
	order := frameworkOrder()
	rank := func(fw string) int {
		if i := slices.Index(order, fw); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(m.targets, func(a, b targetInfo) int {
		if c := rank(a.framework) - rank(b.framework); c != 0 {
			return c
		}
		if c := strings.Compare(a.framework, b.framework); c != 0 {
			return c
		}
		return naturalCompare(a.target, b.target)
	})
	for _, t := range m.targets {
		if len(m.frameworks) == 0 || m.frameworks[len(m.frameworks)-1].code != t.framework {
			m.frameworks = append(m.frameworks, frameworkInfo{code: t.framework, name: names[t.framework]})
		}
	}
	return nil
}

// indicator is the ictstat code of an indicator given by any of its codes.
func (m *meta) indicator(code string) (*indicatorInfo, error) {
	if in := m.indicators[code]; in != nil {
		return in, nil
	}
	if c, ok := m.byCode[code]; ok {
		return m.indicators[c], nil
	}
	if c, ok := m.byCode[strings.ToUpper(code)]; ok {
		return m.indicators[c], nil
	}
	return nil, requestError("indicator %q: no such indicator; the catalogue lists them (%s)", code, closest(code, m.indOrder))
}

// entity is an economy or group given by its code in any case.
func (m *meta) entity(code string) (*entityInfo, error) {
	if e := m.entities[code]; e != nil {
		return e, nil
	}
	if e := m.entities[strings.ToUpper(strings.TrimSpace(code))]; e != nil {
		return e, nil
	}
	return nil, requestError("entities: no economy or group %q (economies by ISO3 code such as KEN; groups such as WLD, LDC, ITU_AFR, LMC)", code)
}

// closest names up to three of codes most like code (by their shared pairs of letters), for a
// message.
func closest(code string, codes []string) string {
	pairs := func(s string) map[string]int {
		s = strings.ToLower(s)
		out := map[string]int{}
		for i := 0; i+1 < len(s); i++ {
			out[s[i:i+2]]++
		}
		return out
	}
	want := pairs(code)
	score := func(c string) float64 {
		got := pairs(c)
		shared, total := 0, 0
		for p, n := range want {
			shared += min(n, got[p])
			total += n
		}
		for _, n := range got {
			total += n
		}
		if total == 0 {
			return 0
		}
		return 2 * float64(shared) / float64(total)
	}
	ranked := slices.Clone(codes)
	slices.SortStableFunc(ranked, func(a, b string) int {
		sa, sb := score(a), score(b)
		switch {
		case sa > sb:
			return -1
		case sa < sb:
			return 1
		}
		return 0
	})
	if len(ranked) == 0 {
		return "there are none"
	}
	return "the closest: " + strings.Join(ranked[:min(3, len(ranked))], ", ")
}

// naturalCompare orders codes with their digit runs as numbers: T2 before T10, 2.2.A before 2.5.A.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) - len(nb)
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
