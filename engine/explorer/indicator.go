package explorer

import (
	"cmp"
	"context"
	"database/sql"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/progress"
)

// Indicator is an indicator's document: its rows (economies' observations, ictstat's and the
// sources' group values), the projections of every entity's total toward each target on it,
// and the editions the rows come from.
type Indicator struct {
	Indicator   string
	Rows        []Row
	Projections []Projection
	Editions    []Edition
	Source      string
}

// Columns are the columns of an indicator's rows, in the order of Row's fields.
var Columns = []string{"entity", "kind", "year", "sex", "area", "age", "value", "status", "flag", "edition", "source", "note", "coverage",
	"se", "ci_low", "ci_high"}

// Row is one value of an indicator.
type Row struct {
	Entity string
	Kind   string // economy or group
	Year   int
	Sex    string
	Area   string
	Age    string
	Value  float64
	// Status is reported, estimate (an observation flagged E, M, F or G), aggregate (ictstat's
	// group value) or published (a group value its producer published).
	Status  string
	Flag    string
	Edition string
	Source  string
	Note    string
	// Coverage is the share of an aggregate's group weight that reported; NaN for other rows.
	Coverage float64
	// SE is the value's standard error and CILow and CIHigh the bounds of its 95% interval, where
	// its producer gives them (survey estimates; for ictstat's aggregates, the standard error
	// propagated from the members' and no interval); NaN where none.
	SE, CILow, CIHigh float64
}

// HasInterval reports whether the row has both bounds of an interval.
func (r Row) HasInterval() bool { return !math.IsNaN(r.CILow) && !math.IsNaN(r.CIHigh) }

// Hollow reports whether the row is drawn hollow: an estimate, or an aggregate with less than
// half of its group's weight reported.
func (r Row) Hollow() bool {
	return r.Status == "estimate" || (r.Status == "aggregate" && r.Coverage < 0.5)
}

// Projection is an entity's fitted trend toward a target, [year, value, low95, high95] a year
// from its latest year to the deadline.
type Projection struct {
	Entity string
	Target string // framework:code
	Points [][4]float64
}

// estimatedFlags are the flags of observations drawn as estimates, as the charts draw them.
const estimatedFlags = "('E', 'M', 'F', 'G')"

// indicatorData is what a Source keeps of one indicator.
type indicatorData struct {
	mu     sync.Mutex
	loaded bool
	info   *indicatorInfo
	rows   []Row             // sorted by entity, sex, area, age, year, status
	spans  map[string][2]int // each entity's rows
	// memberEditions are the editions of the economies' observations, on which ictstat's
	// aggregates rest.
	memberEditions []string
	targets        []targetInfo            // the targets a projection is drawn toward, one per framework:code
	projections    map[string][]Projection // by entity, once fitted
	whole          []byte                  // the whole document, encoded
}

// data is the indicator's data, read once.
func (s *Source) data(ctx context.Context, code string) (*indicatorData, *meta, error) {
	m, err := s.loadMeta(ctx)
	if err != nil {
		return nil, nil, err
	}
	info, err := m.indicator(code)
	if err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	d := s.indicators[info.code]
	if d == nil {
		d = &indicatorData{info: info}
		s.indicators[info.code] = d
	}
	s.mu.Unlock()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.loaded {
		return d, m, nil
	}
	if err := s.read(ctx, d, m); err != nil {
		return nil, nil, err
	}
	d.loaded = true
	return d, m, nil
}

// NowcastFlag flags a group's aggregate published on nowcasts (aggregates.status 'nowcast'):
// too few members have reported the year. It is drawn with its interval and left out of
// projections, as progress leaves it out.
const NowcastFlag = "nowcast"

// nowcastShareShown is the least share of a group's population nowcast for its value's interval
// to be shown (`ictstat chart` draws the same): below it, the interval of the few nowcasts that
// enter a group value is too narrow to draw.
const nowcastShareShown = "0.1"

// IndicatorSQL is the query whose rows, sorted by entity, sex, area, age, year and status, are
// an indicator's rows ($1 the indicator), the columns of Columns; derived says whether
// ictstat's aggregates are read.
func IndicatorSQL(derived bool) string {
	q := `SELECT economy AS entity, 'economy' AS kind, year::INTEGER AS year, sex, area, age, value,
			CASE WHEN flag IN ` + estimatedFlags + ` THEN 'estimate' ELSE 'reported' END AS status,
			coalesce(flag, '') AS flag, edition, coalesce(source, '') AS source, coalesce(note, '') AS note, NULL::DOUBLE AS coverage,
			se, ci_low, ci_high
		FROM observations WHERE indicator = $1
		UNION ALL
		SELECT group_code, 'group', year::INTEGER, sex, area, age, value, 'published', coalesce(flag, ''), edition,
			coalesce(source, ''), coalesce(note, ''), NULL::DOUBLE, se, ci_low, ci_high
		FROM published_aggregates WHERE indicator = $1`
	if derived {
		q += `
		UNION ALL
		SELECT group_code, 'group', year::INTEGER, sex, area, age, value, 'aggregate',
			CASE WHEN status = 'nowcast' THEN '` + NowcastFlag + `' ELSE '' END, '', '',
			CASE WHEN status = 'nowcast' THEN 'nowcast: too few members have reported the year; nowcasts fill it' ELSE '' END,
			coverage_reported, se,
			CASE WHEN status = 'nowcast' OR coverage_nowcast >= ` + nowcastShareShown + ` THEN ci_low END,
			CASE WHEN status = 'nowcast' OR coverage_nowcast >= ` + nowcastShareShown + ` THEN ci_high END
		FROM aggregates WHERE indicator = $1 AND status IN ('published', 'nowcast') AND value IS NOT NULL`
	}
	return q
}

// read reads the indicator's rows.
func (s *Source) read(ctx context.Context, d *indicatorData, m *meta) error {
	var rows []Row
	editions := map[string]bool{}
	err := store.ScanRows(ctx, s.q, IndicatorSQL(!s.opts.NoDerived), func(r *sql.Rows) error {
		var x Row
		var coverage, se, low, high sql.NullFloat64
		var edition sql.NullString
		if err := r.Scan(&x.Entity, &x.Kind, &x.Year, &x.Sex, &x.Area, &x.Age, &x.Value, &x.Status, &x.Flag, &edition,
			&x.Source, &x.Note, &coverage, &se, &low, &high); err != nil {
			return err
		}
		x.Edition = edition.String
		x.Coverage, x.SE, x.CILow, x.CIHigh = orNaN(coverage), orNaN(se), orNaN(low), orNaN(high)
		if x.Kind == "economy" && x.Edition != "" {
			editions[x.Edition] = true
		}
		rows = append(rows, x)
		return nil
	}, d.info.code)
	if err != nil {
		return err
	}
	slices.SortFunc(rows, compareRows)
	d.rows = rows
	d.spans = map[string][2]int{}
	for i := 0; i < len(rows); {
		j := i
		for j < len(rows) && rows[j].Entity == rows[i].Entity {
			j++
		}
		d.spans[rows[i].Entity] = [2]int{i, j}
		i = j
	}
	d.memberEditions = m.inEditionOrder(editions)
	seen := map[string]bool{}
	for _, t := range m.targets {
		if t.measure != d.info.code || t.basis != "absolute" || t.comparator == "parity" || seen[t.key()] {
			continue
		}
		seen[t.key()] = true
		d.targets = append(d.targets, t)
	}
	d.projections = map[string][]Projection{}
	return nil
}

// orNaN is v's value, or NaN when NULL.
func orNaN(v sql.NullFloat64) float64 {
	if v.Valid {
		return v.Float64
	}
	return math.NaN()
}

func compareRows(a, b Row) int {
	return cmp.Or(strings.Compare(a.Entity, b.Entity), strings.Compare(a.Sex, b.Sex), strings.Compare(a.Area, b.Area),
		strings.Compare(a.Age, b.Age), cmp.Compare(a.Year, b.Year), strings.Compare(a.Status, b.Status))
}

// inEditionOrder lists the editions of a set in the order of their release; editions the
// editions view does not list come last, by name.
func (m *meta) inEditionOrder(set map[string]bool) []string {
	var out, unknown []string
	for _, e := range m.edOrder {
		if set[e] {
			out = append(out, e)
		}
	}
	for e := range set {
		if _, ok := m.editions[e]; !ok {
			unknown = append(unknown, e)
		}
	}
	slices.Sort(unknown)
	return append(out, unknown...)
}

// entityRows are the rows of one entity.
func (d *indicatorData) entityRows(entity string) []Row {
	sp, ok := d.spans[entity]
	if !ok {
		return nil
	}
	return d.rows[sp[0]:sp[1]]
}

// Series returns the rows of an entity's line for one breakdown (sex, area and age), as the
// explorer and `ictstat chart` draw it: an economy's observations; a group's aggregate rows
// where it has any for that breakdown, else its published rows.
func Series(rows []Row, sex, area, age string) []Row {
	var agg, other []Row
	for _, r := range rows {
		if r.Sex != sex || r.Area != area || r.Age != age {
			continue
		}
		if r.Status == "aggregate" {
			agg = append(agg, r)
		} else {
			other = append(other, r)
		}
	}
	if len(agg) > 0 {
		return agg
	}
	return other
}

// projections are the entity's projections, fitted when first asked for.
func (d *indicatorData) entityProjections(entity string) []Projection {
	d.mu.Lock()
	defer d.mu.Unlock()
	if p, ok := d.projections[entity]; ok {
		return p
	}
	var out []Projection
	if len(d.targets) > 0 {
		line := Series(d.entityRows(entity), "total", "total", "total")
		var s progress.Series
		for _, r := range line {
			if r.Flag == NowcastFlag {
				continue // progress is assessed on the years not published on nowcasts
			}
			s.Years = append(s.Years, r.Year)
			s.Values = append(s.Values, r.Value)
		}
		for _, t := range d.targets {
			if pts := project(s, d.info, t); len(pts) > 0 {
				out = append(out, Projection{Entity: entity, Target: t.key(), Points: pts})
			}
		}
	}
	d.projections[entity] = out
	return out
}

// project is the series' fitted trend from its latest year to the target's deadline, as the
// progress engine fits it and `ictstat chart` draws it: nil when there are fewer than two points
// from the baseline year on, or the latest of them is not before the deadline.
func project(s progress.Series, in *indicatorInfo, t targetInfo) [][4]float64 {
	if len(s.Years) < 2 {
		return nil
	}
	g := progress.Goal{Comparator: t.comparator, Level: t.level(), Tolerance: orNaN(t.tolerance), BaselineYear: t.baselineYear,
		Deadline: t.deadline, Range: progress.MeasureRange(in.unitKind, orNaN(in.min), orNaN(in.max))}
	if math.IsNaN(g.Tolerance) {
		g.Tolerance = 0
	}
	// The fast path of the assessment says when Path would fit nothing, without fitting.
	if r := progress.Metrics(s, g); r.Points < 2 || r.LatestYear >= t.deadline {
		return nil
	}
	_, years, mid, low, high := progress.Path(s, g, t.deadline)
	out := make([][4]float64, len(years))
	for i, y := range years {
		out[i] = [4]float64{float64(y), mid[i], low[i], high[i]}
	}
	return out
}

// Indicator builds an indicator's document: its whole, or with entities only theirs. The
// indicator may be given by any of its codes; an unknown indicator or entity is an ErrRequest.
func (s *Source) Indicator(ctx context.Context, code string, entities []string) (*Indicator, error) {
	d, m, err := s.data(ctx, code)
	if err != nil {
		return nil, err
	}
	var chosen []string
	if entities != nil {
		if chosen, err = m.entityCodes(entities); err != nil {
			return nil, err
		}
	} else {
		for e := range d.spans {
			chosen = append(chosen, e)
		}
		slices.Sort(chosen)
	}
	doc := &Indicator{Indicator: d.info.code, Rows: []Row{}, Projections: []Projection{}}
	sorted := slices.Clone(chosen)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	for _, e := range sorted {
		doc.Rows = append(doc.Rows, d.entityRows(e)...)
	}
	for _, e := range chosen {
		doc.Projections = append(doc.Projections, d.entityProjections(e)...)
	}
	doc.Editions, doc.Source = d.sources(m, doc.Rows)
	return doc, nil
}

// entityCodes checks entities and returns their codes.
func (m *meta) entityCodes(entities []string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, e := range entities {
		if strings.TrimSpace(e) == "" {
			continue
		}
		info, err := m.entity(e)
		if err != nil {
			return nil, err
		}
		if !seen[info.code] {
			seen[info.code] = true
			out = append(out, info.code)
		}
	}
	return out, nil
}

// sources are the editions the rows come from (for ictstat's aggregates, the editions of the
// members' observations) and the source line naming them.
func (d *indicatorData) sources(m *meta, rows []Row) ([]Edition, string) {
	set := map[string]bool{}
	aggregated := false
	for _, r := range rows {
		if r.Edition != "" {
			set[r.Edition] = true
		}
		if r.Status == "aggregate" && !aggregated {
			aggregated = true
			for _, e := range d.memberEditions {
				set[e] = true
			}
		}
	}
	names := m.inEditionOrder(set)
	eds := []Edition{}
	for _, e := range names {
		info, ok := m.editions[e]
		if !ok {
			info = editionInfo{edition: e, citation: e}
		}
		eds = append(eds, info.doc())
	}
	return eds, m.sourceLine(d.info, names, aggregated)
}

// sourceLine names where the data come from, e.g. "Source: ITU, via World Bank WDI (2025
// edition)." for editions that republish the custodian's data, others by their citations, and
// how group values were formed when they are ictstat's aggregates.
func (m *meta) sourceLine(in *indicatorInfo, editions []string, aggregated bool) string {
	custodian, _, _ := strings.Cut(in.custodian, " (")
	var via, own []string
	for _, e := range editions {
		cite := e
		if info, ok := m.editions[e]; ok {
			cite = info.citation
		}
		if custodian != "" && m.republished[e] {
			via = append(via, cite)
		} else {
			own = append(own, cite)
		}
	}
	var parts []string
	if len(via) > 0 {
		parts = append(parts, custodian+", via "+store.JoinAnd(via))
	}
	if len(own) > 0 {
		parts = append(parts, store.JoinAnd(own))
	}
	if len(parts) == 0 {
		return "Source: no data."
	}
	line := "Source: " + strings.Join(parts, "; ") + "."
	if aggregated {
		how := map[string]string{"weighted_mean": "means weighted by " + in.weight, "median": "medians", "sum": "sums"}[in.aggregation]
		if how == "" {
			how = in.aggregation
		}
		line += " Group values: ictstat aggregates (" + how + " of the members' values, gaps filled)."
	}
	return line
}

// IndicatorJSON is an indicator's document encoded; the whole document is encoded once per
// Source.
func (s *Source) IndicatorJSON(ctx context.Context, code string, entities []string) ([]byte, error) {
	if entities == nil {
		d, _, err := s.data(ctx, code)
		if err != nil {
			return nil, err
		}
		d.mu.Lock()
		b := d.whole
		d.mu.Unlock()
		if b != nil {
			return b, nil
		}
		doc, err := s.Indicator(ctx, code, nil)
		if err != nil {
			return nil, err
		}
		b = doc.JSON()
		d.mu.Lock()
		d.whole = b
		d.mu.Unlock()
		return b, nil
	}
	doc, err := s.Indicator(ctx, code, entities)
	if err != nil {
		return nil, err
	}
	return doc.JSON(), nil
}
