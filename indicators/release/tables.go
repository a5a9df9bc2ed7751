package release

import (
	"fmt"
	"strings"

	"github.com/ictstat/ictstat/engine/export"
)

// BuiltinTables are the tables a job can publish by name.
var BuiltinTables = []string{"progress", "targets", "aggregates", "observations", "gaps", "changes"}

// observationTables are the built-in tables with one value per indicator, area and year, which
// SDMX-CSV can carry.
var observationTables = []string{"aggregates", "observations", "changes"}

// builtin is the query of a built-in table, narrowed by the selection. loaded are the editions
// this run loaded (for changes).
func (j *Job) builtin(name string, loaded []string) export.Table {
	s := j.Select
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	in := func(col string, vals []string) {
		if len(vals) > 0 {
			where = append(where, fmt.Sprintf("list_contains(%s::VARCHAR[], %s)", arg(vals), col))
		}
	}
	years := func(col string) {
		if s.From != 0 {
			where = append(where, fmt.Sprintf("%s >= %s", col, arg(s.From)))
		}
		if s.To != 0 {
			where = append(where, fmt.Sprintf("%s <= %s", col, arg(s.To)))
		}
	}
	cond := func() string {
		if len(where) == 0 {
			return ""
		}
		return " WHERE " + strings.Join(where, " AND ")
	}
	t := export.Table{Name: name}
	switch name {
	case "progress":
		in("framework", s.Frameworks)
		in("entity", s.Entities)
		t.Title = "Progress toward the targets"
		t.SQL = `SELECT framework, target, measure, entity, entity_kind, scope, applies, in_scope, comparator, level, tolerance,
			deadline, baseline_year, baseline, latest_year, latest, points, change, cagr, required_cagr, growth_scale, growth,
			required_growth, ratio, class, met_year, model, anticipated, anticipated_low, anticipated_high, projected_year,
			projected_low, projected_high, valid_min, valid_max, basis, verification, note FROM progress` + cond() +
			` ORDER BY framework, target, measure, entity_kind DESC, entity`
	case "targets":
		in("framework", s.Frameworks)
		t.Title = "The targets"
		t.SQL = `SELECT * FROM targets` + cond() + ` ORDER BY framework, target`
	case "aggregates":
		in("a.group_code", s.Entities)
		in("a.indicator", s.Indicators)
		years("a.year")
		t.Title = "Group values computed by ictstat"
		t.SQL = `SELECT a.group_code, a.indicator, a.sex, a.area, a.age, a.year, a.value, i.unit, a.method, a.weight,
			a.members, a.reporting, a.estimated, a.coverage_reported, a.coverage_anchored, a.coverage, a.status
			FROM aggregates a LEFT JOIN indicators i USING (indicator)` + cond() +
			` ORDER BY a.group_code, a.indicator, a.sex, a.area, a.age, a.year`
	case "observations":
		in("economy", s.Entities)
		in("indicator", s.Indicators)
		years("year")
		t.Title = "Observations, current values"
		t.SQL = `SELECT indicator, economy, year, sex, area, age, value, unit, flag, source, note, edition FROM observations` +
			cond() + ` ORDER BY indicator, economy, sex, area, age, year`
	case "gaps":
		in("entity", s.Entities)
		in("indicator", s.Indicators)
		years("year")
		t.Title = "Divides: parity scores, urban/rural ratios, usage gaps"
		t.SQL = `SELECT * FROM gaps` + cond() + ` ORDER BY measure, indicator, entity_kind DESC, entity, area, age, year`
	case "changes":
		// The same selection on the series touched and on the observations ranked.
		var selArgs []string
		selection := func(prefix string) string {
			conds := []string{"TRUE"}
			i := 0
			next := func(v any) string {
				if i == len(selArgs) {
					selArgs = append(selArgs, arg(v))
				}
				i++
				return selArgs[i-1]
			}
			if len(s.Entities) > 0 {
				conds = append(conds, fmt.Sprintf("list_contains(%s::VARCHAR[], %seconomy)", next(s.Entities), prefix))
			}
			if len(s.Indicators) > 0 {
				conds = append(conds, fmt.Sprintf("list_contains(%s::VARCHAR[], %sindicator)", next(s.Indicators), prefix))
			}
			if s.From != 0 {
				conds = append(conds, fmt.Sprintf("%syear >= %s", prefix, next(s.From)))
			}
			if s.To != 0 {
				conds = append(conds, fmt.Sprintf("%syear <= %s", prefix, next(s.To)))
			}
			return strings.Join(conds, " AND ")
		}
		sel, oSel := selection(""), selection("o.")
		ed := arg(loaded)
		t.Title = "What the editions loaded by this run changed against the previous edition"
		// For every observation of an edition loaded by this run, the value of the same series and
		// year in the edition released just before it, if any and if an edition replacing the
		// series had not withdrawn it (revisions). Only the series those editions touched are ranked.
		t.SQL = `WITH touched AS (
				SELECT DISTINCT indicator, economy, sex, area, age FROM observations_all_editions
				WHERE list_contains(` + ed + `::VARCHAR[], edition) AND ` + sel + `),
			ranked AS (
				SELECT o.*, e.released, row_number() OVER (PARTITION BY o.indicator, o.economy, o.sex, o.area, o.age, o.year
					ORDER BY e.released, e.created_at) AS k
				FROM observations_all_editions o JOIN editions e USING (edition)
				SEMI JOIN touched t ON t.indicator = o.indicator AND t.economy = o.economy AND t.sex = o.sex
					AND t.area = o.area AND t.age = o.age
				WHERE ` + oSel + `)
			SELECT n.indicator, n.economy, n.year, n.sex, n.area, n.age, n.unit, p.edition AS previous_edition,
				p.value AS previous_value, n.edition, n.value, round(n.value - p.value, 8) AS change,
				CASE WHEN p.value IS NULL THEN 'new' WHEN n.value = p.value THEN 'unchanged' ELSE 'revised' END AS status
			FROM ranked n LEFT JOIN (SELECT r.* FROM ranked r ANTI JOIN revisions w ON w.kind = 'withdrawn'
					AND w.indicator = r.indicator AND w.economy = r.economy AND w.sex = r.sex AND w.area = r.area
					AND w.age = r.age AND w.year = r.year AND w.edition_before = r.edition) p
				ON p.indicator = n.indicator AND p.economy = n.economy AND p.sex = n.sex
				AND p.area = n.area AND p.age = n.age AND p.year = n.year AND p.k = n.k - 1
			WHERE list_contains(` + ed + `::VARCHAR[], n.edition)
			ORDER BY n.indicator, n.economy, n.sex, n.area, n.age, n.year, n.edition`
	}
	t.Args = args
	return t
}
