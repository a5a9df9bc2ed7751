package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Computation describes one run of `ictstat compute`.
type Computation struct {
	ComputedAt        time.Time
	LastBatch         int // the newest batch the results include; 0 with none
	Observations      int64
	CarryYears        int
	CoverageThreshold float64
	MinAnchored       float64
	ToolVersion       string
	// Composition is the groups' membership the aggregates apply: "current" (the latest
	// composition in every year) or "historical" (each year's).
	Composition string
	AsOf        time.Time // the data as published on this date; zero: as they are now
	// Fill is how the years after an economy's last report were filled: "nowcast" (up to
	// NowcastTo) or "carry".
	Fill         string
	NowcastTo    int // 0 when Fill is "carry"
	NowcastYears int // how far past an economy's last report it nowcast
	// Scope says what was recomputed: "full", or "incremental: " and the indicators.
	Scope string
	// Reference is the fingerprint of the reference data read (ReferenceFingerprint and the
	// targets); Inputs the state of every indicator's observations.
	Reference string
	Inputs    map[string]InputState
}

// Recompute limits a computation to some indicators: the nowcast models of these and the progress
// rows of some targets are replaced; their aggregates, estimates and gaps are replaced by year,
// as the computation clears them (Clear); the others stay. The targets and the ICT Development
// Index are replaced whole.
type Recompute struct {
	Indicators []string    // nowcast models of these indicators
	Targets    [][3]string // progress toward these (framework, target, measure)
}

// AggregateRow is a group's value for one indicator, breakdown and year.
type AggregateRow struct {
	Group, Indicator, Sex, Area, Age string
	Year                             int
	Value                            float64 // NaN when withheld
	Method, Weight                   string
	Members, Reporting, Estimated    int
	CoverageReported                 float64
	CoverageAnchored                 float64
	Coverage                         float64
	Published                        bool
	SE                               float64 // propagated from members' standard errors (aggregate.Value.SE); NaN: none
	SEMembers                        int     // members whose standard error it propagates
	// Nowcast: the value is published on nowcasts, too few members having reported the year
	// (aggregate.Value.RestsOnNowcasts; status "nowcast"); CoverageNowcast is the share of the members' population whose value is one, and
	// the bounds are the value's 80% and 95% intervals where any member's value is one (NaN
	// otherwise).
	Nowcast                      bool
	CoverageNowcast              float64
	Low80, High80, Low95, High95 float64
}

// EstimateRow is a value filled in for an economy.
type EstimateRow struct {
	Economy, Indicator, Sex, Area, Age string
	Year                               int
	Value                              float64
	Status                             string
	// Method says how the value was estimated (for nowcasts: the model's form and parameters);
	// LastReported is the economy's last reported year before it (0: none); the bounds are a
	// nowcast's 80% and 95% predictive intervals (NaN otherwise).
	Method                       string
	LastReported                 int
	Low80, High80, Low95, High95 float64
}

// GapRow is one divide measure for an economy or group.
type GapRow struct {
	Entity, EntityKind, Measure, Indicator, Area, Age string
	Year                                              int
	Value, First, Second                              float64
	Status, Basis                                     string
	Nowcast                                           bool    // computed from nowcast aggregates
	Low95, High95                                     float64 // the 95% interval where the measure has one; NaN otherwise
}

// ProgressRow is the progress of one economy or group toward one target.
type ProgressRow struct {
	Framework, Target, Measure, Entity, EntityKind string
	InScope                                        bool
	Comparator                                     string
	Level                                          float64
	Deadline                                       int
	BaselineYear                                   int
	Baseline                                       float64
	LatestYear                                     int
	Latest                                         float64
	Points                                         int
	Change, CAGR, RequiredCAGR, Ratio              float64
	Class                                          string
	MetYear                                        int
	Model                                          string
	Anticipated, AnticipatedLow, AnticipatedHigh   float64
	ProjectedYear, ProjectedLow, ProjectedHigh     float64
	Basis, Verification, Note                      string
	// Scope is the target level's scope (world, developing, ldc, lldc, sids or economy); Applies
	// says that it is the level of the target that applies to the entity.
	Scope     string
	Applies   bool
	Tolerance float64 // the target's measurement tolerance; 0: none
	// GrowthScale (cagr or logit) is the scale of Growth and RequiredGrowth, the rates Ratio is
	// computed from.
	GrowthScale            string
	Growth, RequiredGrowth float64
	ValidMin, ValidMax     float64 // the valid range of the values assessed; ±Inf where open (NULL in the table)
	// Standard errors of the baseline and latest values where they have one (survey estimates,
	// aggregates of them), NaN otherwise, and whether the latest value differs from the target's
	// level and from the baseline beyond them (see indicators/compute: "above", "below",
	// "within uncertainty"; "" when the latest value has no standard error).
	BaselineSE, LatestSE float64
	VsTarget, VsBaseline string
}

// TargetRow is one target of a framework as the computation read it.
type TargetRow struct {
	Framework, FrameworkName, Target, Goal, Wording, Measure, Indicator string
	Comparator                                                          string
	Value                                                               float64 // NaN: none
	Basis                                                               string
	MetAt                                                               float64 // NaN: the value itself
	BaselineYear, Deadline                                              int
	Scope, Verification, Note, Source                                   string
	Tolerance                                                           float64 // 0: none
}

// DerivedWriter replaces the derived tables in one transaction, table by table, so that a
// computation can hand rows over as it makes them and need not hold them all. Nothing is visible
// until Commit; Abort, or a failed step, leaves the previous results.
type DerivedWriter struct {
	ctx         context.Context
	conn        *sql.Conn
	done        bool
	composition string // of the computation, for every aggregate
	terms       *terms // store.terms, with the texts written since it was last saved
	referenced  bool   // the reference tables' codes are numbered in terms
}

// BeginDerived starts replacing the derived tables with the results of computation c: all of
// them when only is nil, else the rows only says.
func (s *Store) BeginDerived(ctx context.Context, c Computation, only *Recompute) (*DerivedWriter, error) {
	if c.Composition != "current" && c.Composition != "historical" {
		return nil, fmt.Errorf("composition %q: want current or historical", c.Composition)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	w := &DerivedWriter{ctx: ctx, conn: conn, composition: c.Composition}
	err = w.exec("BEGIN TRANSACTION")
	if err == nil {
		err = w.clear(only)
	}
	if err == nil {
		w.terms, err = readTerms(ctx, conn)
	}
	var id int
	if err == nil {
		err = conn.QueryRowContext(ctx, `SELECT coalesce(max(computation_id), 0) + 1 FROM store.computations`).Scan(&id)
	}
	if err == nil {
		var asOf driver.Value
		if !c.AsOf.IsZero() {
			asOf = c.AsOf.Format(time.DateOnly)
		}
		err = w.exec(`INSERT INTO store.computations (computation_id, computed_at, last_batch, observations, carry_years,
			coverage_threshold, min_anchored, tool_version, composition, as_of, fill, nowcast_to, scope, nowcast_years, reference)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, c.ComputedAt, nullInt(c.LastBatch), c.Observations, c.CarryYears, c.CoverageThreshold, c.MinAnchored, c.ToolVersion,
			c.Composition, asOf, nullable(c.Fill), year(c.NowcastTo), nullable(c.Scope), year(c.NowcastYears), nullable(c.Reference))
	}
	if err == nil {
		err = w.inputs(c.Inputs)
	}
	if err != nil {
		w.Abort()
		return nil, err
	}
	return w, nil
}

// clear deletes the derived rows a computation replaces (a full computation numbers the terms
// again).
func (w *DerivedWriter) clear(only *Recompute) error {
	tables := []string{"aggregates", "estimates", "gaps", "progress", "targets", "idi", "idi_inputs", "nowcast_models", "nowcast_fits", "terms"}
	if only == nil {
		for _, t := range tables {
			if err := w.exec("DELETE FROM store." + t); err != nil {
				return err
			}
		}
		return nil
	}
	for _, t := range []string{"targets", "idi", "idi_inputs"} {
		if err := w.exec("DELETE FROM store." + t); err != nil {
			return err
		}
	}
	if err := w.Clear("nowcast_models", only.Indicators, nil); err != nil {
		return err
	}
	pairs := make([]string, len(only.Targets))
	for i, t := range only.Targets {
		pairs[i] = t[0] + "\x1e" + t[1] + "\x1e" + t[2]
	}
	return w.exec("DELETE FROM store.progress WHERE list_contains(string_split(?, chr(31)), framework || chr(30) || target || chr(30) || measure)",
		strings.Join(pairs, "\x1f"))
}

// Clear deletes, in an incremental computation, the rows of the indicators (and derived
// measures) listed that table (aggregates, estimates, gaps or nowcast_models) holds for the years
// listed (nil: every year), before the computation writes them again.
func (w *DerivedWriter) Clear(table string, indicators []string, years []int) error {
	if !slices.Contains([]string{"aggregates", "estimates", "gaps", "nowcast_models"}, table) {
		return fmt.Errorf("clearing %s: not a table of series results", table)
	}
	q := "DELETE FROM store." + table + " WHERE list_contains(string_split(?, chr(31)), indicator)"
	if table != "nowcast_models" {
		q = "DELETE FROM store." + table +
			" WHERE indicator_term IN (SELECT term_id FROM store.terms WHERE list_contains(string_split(?, chr(31)), term))"
	}
	args := []any{strings.Join(indicators, "\x1f")}
	if years != nil {
		list := make([]string, len(years))
		for i, y := range years {
			list[i] = strconv.Itoa(y)
		}
		q += " AND list_contains(string_split(?, ',')::SMALLINT[], year)"
		args = append(args, strings.Join(list, ","))
	}
	if err := w.exec(q, args...); err != nil {
		w.Abort()
		return err
	}
	return nil
}

// inputs replaces the state of the observations the latest computation read.
func (w *DerivedWriter) inputs(in map[string]InputState) error {
	if err := w.exec("DELETE FROM store.computation_inputs"); err != nil {
		return err
	}
	return w.append(func(drv driver.Conn) error {
		codes := make([]string, 0, len(in))
		for c := range in {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		return appendEach(drv, "computation_inputs", len(codes), 3, func(i int, r []driver.Value) {
			st := in[codes[i]]
			r[0], r[1], r[2] = codes[i], st.Observations, st.BatchSum
		})
	})
}

func (w *DerivedWriter) exec(q string, args ...any) error {
	_, err := w.conn.ExecContext(w.ctx, q, args...)
	return err
}

// append runs fn with the driver connection, aborting the transaction when it fails.
func (w *DerivedWriter) append(fn func(drv driver.Conn) error) error {
	if w.done {
		return errors.New("the derived results were already committed or aborted")
	}
	if err := withDriverConn(w.conn, fn); err != nil {
		w.Abort()
		return err
	}
	return nil
}

// Aggregates writes the groups' values produce emits, one at a time, and returns how many there
// were. produce must not use the store.
func (w *DerivedWriter) Aggregates(produce func(emit func(AggregateRow) error) error) (int, error) {
	return insertFrom(w, "aggregates", produce, func(x AggregateRow, r *Row) {
		status := "withheld"
		switch {
		case x.Published && x.Nowcast:
			status = "nowcast"
		case x.Published:
			status = "published"
		}
		r.Text(x.Group)
		r.Text(x.Indicator)
		r.Text(x.Sex)
		r.Text(x.Area)
		r.Text(x.Age)
		r.Int(x.Year)
		r.Number(x.Value)
		r.Text(x.Method)
		r.TextOrNull(x.Weight)
		r.Int(x.Members)
		r.Int(x.Reporting)
		r.Int(x.Estimated)
		r.Number(x.CoverageReported)
		r.Number(x.CoverageAnchored)
		r.Number(x.Coverage)
		r.Text(status)
		r.Text(w.composition)
		r.Number(x.SE) // migration 0012
		r.Int(x.SEMembers)
		r.Number(x.CoverageNowcast) // migration 0013
		r.Number(x.Low80)
		r.Number(x.High80)
		r.Number(x.Low95)
		r.Number(x.High95)
	})
}

// insertFrom inserts into table the rows produce emits, each set out by fill, and returns how
// many there were.
func insertFrom[T any](w *DerivedWriter, table string, produce func(emit func(T) error) error, fill func(T, *Row)) (int, error) {
	if w.done {
		return 0, errors.New("the derived results were already committed or aborted")
	}
	n, err := insertRows(w.ctx, w.conn, table, w.terms, produce, fill)
	if err == nil {
		err = withDriverConn(w.conn, w.terms.save)
	}
	if err != nil {
		w.Abort()
		return 0, err
	}
	return n, nil
}

// Term is the term_id of text in store.terms (migration 0018), for the INSERT … SELECT of
// InsertSelect; it is numbered if it has none.
func (w *DerivedWriter) Term(text string) int32 { return w.terms.id(text) }

// Estimates writes the values filled in for economies that produce emits, one at a time, and
// returns how many there were. produce must not use the store.
func (w *DerivedWriter) Estimates(produce func(emit func(EstimateRow) error) error) (int, error) {
	return insertFrom(w, "estimates", produce, func(e EstimateRow, r *Row) {
		r.Text(e.Economy)
		r.Text(e.Indicator)
		r.Text(e.Sex)
		r.Text(e.Area)
		r.Text(e.Age)
		r.Int(e.Year)
		r.Number(e.Value)
		r.Text(e.Status)
		r.TextOrNull(e.Method) // migration 0013
		r.Year(e.LastReported)
		r.Number(e.Low80)
		r.Number(e.High80)
		r.Number(e.Low95)
		r.Number(e.High95)
	})
}

// Gaps writes the divides produce emits, one at a time, and returns how many there were.
// produce must not use the store.
func (w *DerivedWriter) Gaps(produce func(emit func(GapRow) error) error) (int, error) {
	return insertFrom(w, "gaps", produce, func(g GapRow, r *Row) {
		r.Text(g.Entity)
		r.Text(g.EntityKind)
		r.Text(g.Measure)
		r.Text(g.Indicator)
		r.Text(g.Area)
		r.Text(g.Age)
		r.Int(g.Year)
		r.Number(g.Value)
		r.Number(g.First)
		r.Number(g.Second)
		r.TextOrNull(g.Status)
		r.Text(g.Basis)
		r.Bool(g.Nowcast) // migration 0013
		r.Number(g.Low95)
		r.Number(g.High95)
	})
}

// InsertSelect runs an INSERT … SELECT into a derived table inside the computation's
// transaction, for the results a set-based query forms faster than rows handed over one by one,
// and returns the number of rows inserted. The query finds in store.terms the texts Term
// numbered and every code of the reference tables: economies, groups, indicators and the
// breakdowns (store.codes).
func (w *DerivedWriter) InsertSelect(query string, args ...any) (int64, error) {
	if w.done {
		return 0, errors.New("the derived results were already committed or aborted")
	}
	err := w.referenceTerms()
	if err == nil {
		err = withDriverConn(w.conn, w.terms.save)
	}
	if err != nil {
		w.Abort()
		return 0, err
	}
	res, err := w.conn.ExecContext(w.ctx, query, args...)
	if err != nil {
		w.Abort()
		return 0, err
	}
	return res.RowsAffected()
}

// referenceTerms numbers every code of the reference tables, once a computation.
func (w *DerivedWriter) referenceTerms() error {
	if w.referenced {
		return nil
	}
	w.referenced = true
	return ScanRows(w.ctx, w.conn, `SELECT iso3 FROM store.economies UNION ALL SELECT code FROM store.groups
		UNION ALL SELECT code FROM store.indicators UNION ALL SELECT code FROM store.codes`, func(r *sql.Rows) error {
		var code string
		if err := r.Scan(&code); err != nil {
			return err
		}
		w.terms.id(code)
		return nil
	})
}

// NowcastModelRow is a nowcast model fitted to one series (see migration 0015).
type NowcastModelRow struct {
	Indicator, Sex, Area, Age, Model, Scale string
	Window                                  int     // 0: none (a breakdown model)
	Pool                                    string  // "": none
	K                                       float64 // NaN: none
	Correlation                             float64
	Comparisons                             int
	MAE, CarryMAE                           float64 // NaN when the backtest had no comparisons
	Used                                    bool
	Method                                  string
}

// NowcastModels writes the nowcast models.
func (w *DerivedWriter) NowcastModels(rows []NowcastModelRow) error {
	return w.append(func(drv driver.Conn) error {
		return appendEach(drv, "nowcast_models", len(rows), 15, func(i int, r []driver.Value) {
			m := &rows[i]
			var window, k driver.Value
			if m.Window > 0 {
				window = int16(m.Window)
			}
			if !math.IsNaN(m.K) {
				k = m.K // +Inf: the pool's slope alone
			}
			copy(r, []driver.Value{m.Indicator, m.Sex, m.Area, m.Age, m.Model, m.Scale, window, nullable(m.Pool), k,
				m.Correlation, int32(m.Comparisons), nullFloat(m.MAE), nullFloat(m.CarryMAE), m.Used, m.Method})
		})
	})
}

// NowcastFit is a fitted nowcast model kept for later computations, with the digest of the
// inputs it was fitted to (see migration 0017).
type NowcastFit struct {
	Indicator, Sex, Area, Age string
	Inputs, Model             []byte
}

// NowcastFits replaces the kept models of the series fits has.
func (w *DerivedWriter) NowcastFits(fits []NowcastFit) error {
	if len(fits) == 0 {
		return nil
	}
	keys := make([]string, len(fits))
	for i, f := range fits {
		keys[i] = f.Indicator + "\x1e" + f.Sex + "\x1e" + f.Area + "\x1e" + f.Age
	}
	if err := w.exec(`DELETE FROM store.nowcast_fits WHERE list_contains(string_split(?, chr(31)),
		indicator || chr(30) || sex || chr(30) || area || chr(30) || age)`, strings.Join(keys, "\x1f")); err != nil {
		w.Abort()
		return err
	}
	return w.append(func(drv driver.Conn) error {
		return appendEach(drv, "nowcast_fits", len(fits), 6, func(i int, r []driver.Value) {
			f := &fits[i]
			r[0], r[1], r[2], r[3], r[4], r[5] = f.Indicator, f.Sex, f.Area, f.Age, f.Inputs, f.Model
		})
	})
}

// NowcastFits reads the kept nowcast models.
func (s *Store) NowcastFits(ctx context.Context) ([]NowcastFit, error) {
	var out []NowcastFit
	err := ScanRows(ctx, s.db, `SELECT indicator, sex, area, age, inputs, model FROM store.nowcast_fits`, func(r *sql.Rows) error {
		var f NowcastFit
		if err := r.Scan(&f.Indicator, &f.Sex, &f.Area, &f.Age, &f.Inputs, &f.Model); err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	return out, err
}

// Targets writes the frameworks' targets.
func (w *DerivedWriter) Targets(rows []TargetRow) error {
	return w.append(func(drv driver.Conn) error {
		return appendEach(drv, "targets", len(rows), 18, func(i int, r []driver.Value) {
			t := &rows[i]
			copy(r, []driver.Value{t.Framework, t.FrameworkName, t.Target, nullable(t.Goal), t.Wording,
				nullable(t.Measure), nullable(t.Indicator), nullable(t.Comparator), nullFloat(t.Value), nullable(t.Basis),
				nullFloat(t.MetAt), year(t.BaselineYear), int16(t.Deadline), t.Scope, t.Verification, nullable(t.Note),
				nullable(t.Source), t.Tolerance})
		})
	})
}

// Progress writes the progress assessments.
func (w *DerivedWriter) Progress(rows []ProgressRow) error {
	return w.append(func(drv driver.Conn) error {
		return appendEach(drv, "progress", len(rows), 42, func(i int, r []driver.Value) {
			p := &rows[i]
			copy(r, []driver.Value{p.Framework, p.Target, p.Measure, p.Entity, p.EntityKind, p.InScope, p.Comparator,
				nullFloat(p.Level), int16(p.Deadline), year(p.BaselineYear), nullFloat(p.Baseline), year(p.LatestYear),
				nullFloat(p.Latest), int32(p.Points), nullFloat(p.Change), nullFloat(p.CAGR), nullFloat(p.RequiredCAGR),
				nullFloat(p.Ratio), p.Class, year(p.MetYear), nullable(p.Model), nullFloat(p.Anticipated),
				nullFloat(p.AnticipatedLow), nullFloat(p.AnticipatedHigh), nullFloat(p.ProjectedYear), nullFloat(p.ProjectedLow),
				nullFloat(p.ProjectedHigh), p.Basis, p.Verification, nullable(p.Note),
				// migration 0010
				p.Scope, p.Applies, p.Tolerance, nullable(p.GrowthScale), nullFloat(p.Growth), nullFloat(p.RequiredGrowth),
				nullFloat(p.ValidMin), nullFloat(p.ValidMax),
				// migration 0012
				nullFloat(p.BaselineSE), nullFloat(p.LatestSE), nullable(p.VsTarget), nullable(p.VsBaseline)})
		})
	})
}

// IDIRow is the index of an economy or a group in one edition.
type IDIRow struct {
	Edition, DataYear          int
	Entity, EntityKind, Name   string
	Scored                     bool
	Universal, Meaningful, IDI float64 // NaN without a score
	Members, ScoredMembers     int     // groups
	Reason                     string
}

// IDIInputRow is one input value of an economy's index.
type IDIInputRow struct {
	Edition                   int
	Economy, Input, Indicator string
	Year                      int
	Value                     float64
	Estimated                 bool
	Score                     float64
}

// IDI writes the index and its inputs.
func (w *DerivedWriter) IDI(rows []IDIRow, inputs []IDIInputRow) error {
	return w.append(func(drv driver.Conn) error {
		err := appendEach(drv, "idi", len(rows), 12, func(i int, r []driver.Value) {
			x := &rows[i]
			var members, scored driver.Value
			if x.EntityKind == "group" {
				members, scored = int32(x.Members), int32(x.ScoredMembers)
			}
			copy(r, []driver.Value{int16(x.Edition), int16(x.DataYear), x.Entity, x.EntityKind, x.Name, x.Scored,
				nullFloat(x.Universal), nullFloat(x.Meaningful), nullFloat(x.IDI), members, scored, nullable(x.Reason)})
		})
		if err != nil {
			return err
		}
		return appendEach(drv, "idi_inputs", len(inputs), 8, func(i int, r []driver.Value) {
			x := &inputs[i]
			copy(r, []driver.Value{int16(x.Edition), x.Economy, x.Input, x.Indicator, int16(x.Year), x.Value, x.Estimated, x.Score})
		})
	})
}

// Commit makes the new results visible in place of the previous ones.
func (w *DerivedWriter) Commit() error {
	if w.done {
		return errors.New("the derived results were already committed or aborted")
	}
	w.done = true
	defer w.conn.Close()
	return w.exec("COMMIT")
}

// Abort drops what was written; the previous results stay.
func (w *DerivedWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.conn.ExecContext(context.Background(), "ROLLBACK")
	w.conn.Close()
}

// LastComputation returns the latest computation, and the number of changes made after it:
// batches loaded and editions dropped.
func (s *Store) LastComputation(ctx context.Context) (c Computation, batchesSince int, ok bool, err error) {
	var last sql.NullInt64
	var asOf sql.NullTime
	var nowcastTo, nowcastYears sql.NullInt64
	err = s.db.QueryRowContext(ctx, `SELECT computed_at, last_batch, observations, carry_years, coverage_threshold, min_anchored,
		tool_version, coalesce(composition, 'historical'), as_of, coalesce(fill, 'carry'), nowcast_to, nowcast_years,
		coalesce(scope, 'full'), coalesce(reference, '')
		FROM store.computations ORDER BY computation_id DESC LIMIT 1`).
		Scan(&c.ComputedAt, &last, &c.Observations, &c.CarryYears, &c.CoverageThreshold, &c.MinAnchored, &c.ToolVersion, &c.Composition,
			&asOf, &c.Fill, &nowcastTo, &nowcastYears, &c.Scope, &c.Reference)
	c.AsOf, c.NowcastTo, c.NowcastYears = asOf.Time, int(nowcastTo.Int64), int(nowcastYears.Int64)
	if errors.Is(err, sql.ErrNoRows) {
		return c, 0, false, nil
	}
	if err != nil {
		return c, 0, false, err
	}
	c.LastBatch = int(last.Int64)
	err = s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM store.batches WHERE batch_id > ?)
		+ (SELECT count(*) FROM store.edition_drops WHERE dropped_at > ?)`, c.LastBatch, c.ComputedAt).Scan(&batchesSince)
	return c, batchesSince, true, err
}

func nullFloat(v float64) driver.Value {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

func nullInt(v int) driver.Value {
	if v == 0 {
		return nil
	}
	return int32(v)
}
