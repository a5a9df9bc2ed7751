package explorer

import (
	"cmp"
	"context"
	"database/sql"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ictstat/ictstat/engine/store"
)

// Progress is a framework's progress document: every economy and group against each target of
// the framework it can be assessed on, at the level that applies to it.
type Progress struct {
	Framework string
	Rows      []ProgressRow
}

// ProgressColumns are the columns of a progress document's rows, in the order of ProgressRow's
// fields. measure is the target's measure: the indicator, or gps:X, rural:X, share_10m:X.
var ProgressColumns = []string{"entity", "target", "indicator", "wording", "baseline_year", "baseline", "latest_year", "latest",
	"level", "deadline", "class", "ratio", "anticipated", "projected_year", "measure"}

// ProgressRow is one row of the progress view; NaN and 0 years are null.
type ProgressRow struct {
	Entity, Target, Indicator, Wording string
	BaselineYear                       int
	Baseline                           float64
	LatestYear                         int
	Latest, Level                      float64
	Deadline                           int
	Class                              string
	Ratio, Anticipated, ProjectedYear  float64
	Measure                            string
}

// ProgressSQL is the query of a framework's progress rows ($1 the framework, $2 an entity or
// NULL for all), in the columns of ProgressColumns, unsorted.
const ProgressSQL = `SELECT p.entity, p.target, coalesce(t.indicator, p.measure), coalesce(t.wording, ''), p.baseline_year, p.baseline,
		p.latest_year, p.latest, p.level, p.deadline, p.class, p.ratio, p.anticipated, p.projected_year, p.measure
	FROM progress p LEFT JOIN targets t
		ON t.framework = p.framework AND t.target = p.target AND t.measure = p.measure AND t.scope = p.scope
	WHERE p.framework = $1 AND p.applies AND ($2::VARCHAR IS NULL OR p.entity = $2)`

// Frameworks lists the codes of the frameworks with targets.
func (s *Source) Frameworks(ctx context.Context) ([]string, error) {
	m, err := s.loadMeta(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range m.frameworks {
		out = append(out, f.code)
	}
	return out, nil
}

// Progress builds a framework's progress document, for every entity or for one; the rows are
// read once per Source and shared: callers must not change them in place. An unknown framework
// or entity is an ErrRequest.
func (s *Source) Progress(ctx context.Context, framework, entity string) (*Progress, error) {
	m, err := s.loadMeta(ctx)
	if err != nil {
		return nil, err
	}
	known := false
	var codes []string
	for _, f := range m.frameworks {
		codes = append(codes, f.code)
		known = known || f.code == framework
	}
	if !known {
		return nil, requestError("framework %q: no such framework; the frameworks are %s", framework, strings.Join(codes, ", "))
	}
	only := ""
	if entity != "" {
		e, err := m.entity(entity)
		if err != nil {
			return nil, requestError("entity %q: %s", entity, strings.TrimPrefix(err.Error(), ErrRequest.Error()+": entities: "))
		}
		only = e.code
	}
	if s.opts.NoDerived {
		return nil, requestError("the progress assessments were computed from the data as they are now, not as of %s: build a site with --as-of, which computes them",
			s.opts.AsOf.Format("2006-01-02"))
	}
	all, err := s.progressOf(ctx, framework)
	if err != nil {
		return nil, err
	}
	doc := &Progress{Framework: framework, Rows: all.Rows}
	if only != "" {
		doc.Rows = []ProgressRow{}
		for _, r := range all.Rows {
			if r.Entity == only {
				doc.Rows = append(doc.Rows, r)
			}
		}
	}
	return doc, nil
}

// progressOf is a framework's progress document for every entity, read once; its rows are
// shared and must not be changed.
func (s *Source) progressOf(ctx context.Context, framework string) (*Progress, error) {
	s.mu.Lock()
	doc := s.progress[framework]
	s.mu.Unlock()
	if doc != nil {
		return doc, nil
	}
	doc = &Progress{Framework: framework, Rows: []ProgressRow{}}
	err := store.ScanRows(ctx, s.q, ProgressSQL, func(r *sql.Rows) error {
		var x ProgressRow
		var by, ly, dl sql.NullInt64
		var base, latest, level, ratio, ant, proj sql.NullFloat64
		var class sql.NullString
		if err := r.Scan(&x.Entity, &x.Target, &x.Indicator, &x.Wording, &by, &base, &ly, &latest, &level, &dl, &class, &ratio,
			&ant, &proj, &x.Measure); err != nil {
			return err
		}
		x.BaselineYear, x.LatestYear, x.Deadline, x.Class = int(by.Int64), int(ly.Int64), int(dl.Int64), class.String
		f := func(v sql.NullFloat64) float64 {
			if v.Valid {
				return v.Float64
			}
			return math.NaN()
		}
		x.Baseline, x.Latest, x.Level, x.Ratio, x.Anticipated, x.ProjectedYear = f(base), f(latest), f(level), f(ratio), f(ant), f(proj)
		doc.Rows = append(doc.Rows, x)
		return nil
	}, framework, nil)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(doc.Rows, func(a, b ProgressRow) int {
		return cmp.Or(strings.Compare(a.Entity, b.Entity), naturalCompare(a.Target, b.Target), strings.Compare(a.Measure, b.Measure))
	})
	s.mu.Lock()
	s.progress[framework] = doc
	s.mu.Unlock()
	return doc, nil
}

// JSON encodes the document as docs/explorer.md shows it: rows as arrays.
func (p *Progress) JSON() []byte {
	b := make([]byte, 0, 128+len(p.Rows)*160)
	b = append(b, `{"framework":`...)
	b = appendString(b, p.Framework)
	b = append(b, `,"columns":`...)
	b = appendStrings(b, ProgressColumns)
	b = append(b, `,"rows":[`...)
	year := func(b []byte, y int) []byte {
		if y == 0 {
			return append(b, "null"...)
		}
		return strconv.AppendInt(b, int64(y), 10)
	}
	str := func(b []byte, s string) []byte {
		if s == "" {
			return append(b, "null"...)
		}
		return appendString(b, s)
	}
	for i, r := range p.Rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendString(b, r.Entity)
		b = append(b, ',')
		b = appendString(b, r.Target)
		b = append(b, ',')
		b = appendString(b, r.Indicator)
		b = append(b, ',')
		b = appendString(b, r.Wording)
		b = append(b, ',')
		b = year(b, r.BaselineYear)
		b = append(b, ',')
		b = appendFloat(b, r.Baseline)
		b = append(b, ',')
		b = year(b, r.LatestYear)
		b = append(b, ',')
		b = appendFloat(b, r.Latest)
		b = append(b, ',')
		b = appendFloat(b, r.Level)
		b = append(b, ',')
		b = year(b, r.Deadline)
		b = append(b, ',')
		b = str(b, r.Class)
		for _, v := range []float64{r.Ratio, r.Anticipated, r.ProjectedYear} {
			b = append(b, ',')
			b = appendFloat(b, v)
		}
		b = append(b, ',')
		b = appendString(b, r.Measure)
		b = append(b, ']')
	}
	return append(b, "]}"...)
}
