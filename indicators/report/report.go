// Package report reads the computed results back for people: progress toward targets, and the
// Geneva (WSIS) targets scorecard in the form of the WSIS+20 review's table, each target with its
// indicator, its 2005 baseline, its latest value and year, its status and the data coverage behind
// it.
package report

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/targets"
)

// Filter selects progress rows. Empty fields select everything.
type Filter struct {
	Entity    string // an economy (ISO3) or a group code
	Framework string
	Target    string
	InScope   bool // only the economies and groups each target is set for
	// Applicable keeps, of a target set at several levels (worldwide, developing countries,
	// LDCs), only the level that applies to each economy or group (the progress view's applies).
	Applicable bool
}

// Progress reads progress rows, ordered by framework, target (NaturalCompare), measure and entity.
func Progress(ctx context.Context, db *sql.DB, f Filter) ([]store.ProgressRow, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.Entity != "" {
		add("entity = ?", f.Entity)
	}
	if f.Framework != "" {
		add("framework = ?", f.Framework)
	}
	if f.Target != "" {
		add("target = ?", f.Target)
	}
	if f.InScope {
		where = append(where, "in_scope")
	}
	if f.Applicable {
		where = append(where, "applies")
	}
	q := `SELECT framework, target, measure, entity, entity_kind, in_scope, comparator, level, deadline,
		baseline_year, baseline, latest_year, latest, points, change, cagr, required_cagr, ratio, class,
		met_year, model, anticipated, anticipated_low, anticipated_high, projected_year, projected_low,
		projected_high, basis, verification, note, coalesce(scope, ''), coalesce(applies, true), coalesce(tolerance, 0),
		coalesce(growth_scale, ''), growth, required_growth, valid_min, valid_max,
		baseline_se, latest_se, coalesce(vs_target, ''), coalesce(vs_baseline, '') FROM main.progress`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY framework, target, measure, entity_kind DESC, entity"
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.ProgressRow
	for rows.Next() {
		var p store.ProgressRow
		var level, baseline, latest, change, cagr, req, ratio, ant, antLo, antHi, proj, projLo, projHi sql.NullFloat64
		var growth, reqGrowth, validMin, validMax, baseSE, latestSE sql.NullFloat64
		var baseYear, latestYear, metYear sql.NullInt64
		var model, note sql.NullString
		if err := rows.Scan(&p.Framework, &p.Target, &p.Measure, &p.Entity, &p.EntityKind, &p.InScope, &p.Comparator, &level,
			&p.Deadline, &baseYear, &baseline, &latestYear, &latest, &p.Points, &change, &cagr, &req, &ratio, &p.Class,
			&metYear, &model, &ant, &antLo, &antHi, &proj, &projLo, &projHi, &p.Basis, &p.Verification, &note,
			&p.Scope, &p.Applies, &p.Tolerance, &p.GrowthScale, &growth, &reqGrowth, &validMin, &validMax,
			&baseSE, &latestSE, &p.VsTarget, &p.VsBaseline); err != nil {
			return nil, err
		}
		p.Level, p.Baseline, p.Latest, p.Change = orNaN(level), orNaN(baseline), orNaN(latest), orNaN(change)
		p.CAGR, p.RequiredCAGR, p.Ratio = orNaN(cagr), orNaN(req), orNaN(ratio)
		p.Anticipated, p.AnticipatedLow, p.AnticipatedHigh = orNaN(ant), orNaN(antLo), orNaN(antHi)
		p.ProjectedYear, p.ProjectedLow, p.ProjectedHigh = orNaN(proj), orNaN(projLo), orNaN(projHi)
		p.BaselineYear, p.LatestYear, p.MetYear = int(baseYear.Int64), int(latestYear.Int64), int(metYear.Int64)
		p.Model, p.Note = model.String, note.String
		p.Growth, p.RequiredGrowth = orNaN(growth), orNaN(reqGrowth)
		p.ValidMin, p.ValidMax = orInf(validMin, -1), orInf(validMax, 1)
		p.BaselineSE, p.LatestSE = orNaN(baseSE), orNaN(latestSE)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Target codes in their natural order: UMC.2 before UMC.10.
	slices.SortStableFunc(out, func(a, b store.ProgressRow) int {
		return cmp.Or(strings.Compare(a.Framework, b.Framework), NaturalCompare(a.Target, b.Target))
	})
	return out, nil
}

// NaturalCompare compares codes such as target codes with their runs of digits as numbers:
// "UMC.2" before "UMC.10", "2.1.A" before "2.10".
func NaturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Or(cmp.Compare(len(na), len(nb)), strings.Compare(na, nb)); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

// digits is the length of the run of ASCII digits s starts with.
func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// orInf is an open bound: ±Inf (sign) for NULL.
func orInf(v sql.NullFloat64, sign int) float64 {
	if !v.Valid {
		return math.Inf(sign)
	}
	return v.Float64
}

func orNaN(v sql.NullFloat64) float64 {
	if !v.Valid {
		return math.NaN()
	}
	return v.Float64
}

// ScorecardRow is one line of the Geneva-targets scorecard.
type ScorecardRow struct {
	Target       string
	Wording      string
	Measure      string // the indicator or derived measure; "" for a target without global data
	Indicator    string // its name
	Comparator   string
	Level        float64 // the value that meets the target
	BaselineYear int
	Baseline     float64
	LatestYear   int
	Latest       float64
	Status       string // the progress class, or "no global data"
	MetYear      int
	// Coverage of the latest value: for a group, the share of its population with a value
	// (reported or filled) and with a reported value; NaN for an economy.
	Coverage, CoverageReported float64
	Basis                      string
	Verification               string
	Note                       string
}

// wsisFramework is the WSIS Geneva targets' framework, the scorecard's.
func wsisFramework() (targets.Framework, error) {
	fws, err := targets.Frameworks()
	if err != nil {
		return targets.Framework{}, err
	}
	wsis, ok := targets.Find(fws, "wsis_geneva_2003")
	if !ok {
		return targets.Framework{}, fmt.Errorf("no WSIS framework")
	}
	return wsis, nil
}

// NoGlobalData is the status of a target the data cannot measure.
const NoGlobalData = "no global data"

// Scorecard is the WSIS Geneva targets scorecard for one economy or group (WLD for the world).
func Scorecard(ctx context.Context, db *sql.DB, entity string) ([]ScorecardRow, error) {
	wsis, err := wsisFramework()
	if err != nil {
		return nil, err
	}
	prog, err := Progress(ctx, db, Filter{Entity: entity, Framework: wsis.Code, Applicable: true})
	if err != nil {
		return nil, err
	}
	byKey := map[[2]string]store.ProgressRow{}
	for _, p := range prog {
		byKey[[2]string{p.Target, p.Measure}] = p
	}
	names := map[string]string{}
	if err := queryPairs(ctx, db, `SELECT indicator, name FROM main.indicators`, names); err != nil {
		return nil, err
	}
	var out []ScorecardRow
	for _, t := range wsis.Targets {
		row := ScorecardRow{Target: t.Code, Wording: t.Wording, Measure: t.Measure, Comparator: t.Comparator,
			Status: NoGlobalData, Verification: t.Verification, Note: t.Note, Coverage: math.NaN(), CoverageReported: math.NaN(),
			Level: math.NaN(), Baseline: math.NaN(), Latest: math.NaN()}
		if t.Measured() {
			ind, derivation := t.Indicator()
			row.Indicator = names[ind]
			if derivation == "rural" {
				// "Population covered by ..." of the rural population: "Rural population covered by ..."
				row.Indicator = "Rural " + strings.ToLower(names[ind][:1]) + names[ind][1:]
			}
			row.Status = "no data for " + entity
			if p, ok := byKey[[2]string{t.Code, t.Measure}]; ok {
				row.Level, row.BaselineYear, row.Baseline = p.Level, p.BaselineYear, p.Baseline
				row.LatestYear, row.Latest, row.Status, row.MetYear, row.Basis = p.LatestYear, p.Latest, p.Class, p.MetYear, p.Basis
				row.Note = p.Note
				if p.EntityKind == "group" && p.Basis == "ictstat aggregate" {
					err := db.QueryRowContext(ctx, `SELECT coverage, coverage_reported FROM main.aggregates WHERE group_code = ?
						AND indicator = ? AND sex = 'total' AND area = 'total' AND age = 'total' AND year = ?`,
						entity, t.Measure, p.LatestYear).Scan(&row.Coverage, &row.CoverageReported)
					if err != nil && err != sql.ErrNoRows {
						return nil, err
					}
				}
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// ScorecardIndicators are the indicators the scorecard's assessed series rest on: those of the
// WSIS targets with data, the population that weights groups' aggregates, and the rural share of
// the population behind rural coverage.
func ScorecardIndicators() ([]string, error) {
	wsis, err := wsisFramework()
	if err != nil {
		return nil, err
	}
	out := []string{"population"}
	for _, t := range wsis.Targets {
		if !t.Measured() {
			continue
		}
		ind, derivation := t.Indicator()
		out = append(out, ind)
		if derivation == "rural" {
			out = append(out, "rural_population_pct")
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func queryPairs(ctx context.Context, db *sql.DB, q string, into map[string]string) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		into[k] = v
	}
	return rows.Err()
}
