package compute

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/aggregate"
)

// years are the years an incremental pass rewrites; nil: every year.
type years map[int]bool

func (y years) has(year int) bool { return y == nil || y[year] }

// list is the years in order; nil for every year.
func (y years) list() []int {
	if y == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(y))
}

// changedYears are the years whose results pass p can change since the latest computation: the
// years of the observations loaded since (every year of a series an edition replaced whole),
// those in which a filled value differs from the one the store holds, and, for a series whose
// nowcast errors are now correlated differently across economies, the years it has nowcasts in
// (group intervals rest on that correlation). Every figure of a year rests on that year's values
// alone (a group's value on its members' values and weights of the year, a divide on the two
// values it compares, a filled value is one of the values compared), so the results of the other
// years stand. It returns nil, every year, when editions were dropped since: the years they
// withdrew are not recorded.
func (d *data) changedYears(ctx context.Context, db *sql.DB, p scope) (years, error) {
	if !p.incremental || p.dropped {
		return nil, nil
	}
	in := literals(p.series)
	out := years{}
	err := store.ScanRows(ctx, db, fmt.Sprintf(`SELECT DISTINCT o.year FROM store.observations o JOIN store.series_labels l USING (series_id)
		WHERE l.indicator IN (%[1]s) AND (o.batch_id > %[2]d
			OR o.series_id IN (SELECT series_id FROM store.series_replacements WHERE batch_id > %[2]d))`, in, p.since),
		func(r *sql.Rows) error {
			var y int
			err := r.Scan(&y)
			out[y] = true
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("finding the years loaded since the latest computation: %w", err)
	}
	// The filled values: each economy's series read from the store as lists, compared year by
	// year with the series filled now.
	nowcastYears := map[key]map[int]bool{} // the years each series has nowcasts in, before or now
	addNowcast := func(k key, year int) {
		if nowcastYears[k] == nil {
			nowcastYears[k] = map[int]bool{}
		}
		nowcastYears[k][year] = true
	}
	type series struct {
		k key
		e int
	}
	compared := map[series]bool{}
	methods := map[key]string{} // how each series' nowcasts were made
	err = store.ScanRows(ctx, db, `SELECT economy, indicator, sex, area, age, list(year), list(value), list(status),
			list(coalesce(last_reported, 0)), list(coalesce(ci80_low, 'NaN')), list(coalesce(ci80_high, 'NaN')),
			list(coalesce(ci_low, 'NaN')), list(coalesce(ci_high, 'NaN')), any_value(method) FILTER (WHERE status = 'nowcast')
		FROM main.estimates WHERE indicator IN (`+in+`) GROUP BY ALL`, func(r *sql.Rows) error {
		var economy string
		var k key
		var ys, vs, ss, ls, b0, b1, b2, b3 any
		var method sql.NullString
		if err := r.Scan(&economy, &k.indicator, &k.sex, &k.area, &k.age, &ys, &vs, &ss, &ls, &b0, &b1, &b2, &b3, &method); err != nil {
			return err
		}
		if method.Valid {
			methods[k] = method.String
		}
		e, ok := d.economyIndex[economy]
		var row *aggregate.Row
		if ok && d.filled[k] != nil {
			row = d.filled[k][e]
			compared[series{k, e}] = true
		}
		before := map[int]bool{}
		for i, y := range ys.([]any) {
			year := toInt(y)
			before[year] = true
			status := ss.([]any)[i].(string)
			if status == aggregate.Nowcast.String() {
				addNowcast(k, year)
			}
			old := store.EstimateRow{Value: vs.([]any)[i].(float64), Status: status, LastReported: toInt(ls.([]any)[i]),
				Low80: b0.([]any)[i].(float64), High80: b1.([]any)[i].(float64), Low95: b2.([]any)[i].(float64), High95: b3.([]any)[i].(float64)}
			if n, ok := d.estimateAt(row, k, e, year); !ok || !sameEstimate(n, old) {
				out[year] = true
			}
		}
		for i, st := range rowStatuses(row) {
			if st.Estimated() && !before[d.first+i] {
				out[d.first+i] = true // filled now, not before
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("comparing the filled values with the stored ones: %w", err)
	}
	for k, rows := range d.filled {
		if strings.Contains(k.indicator, ":") || !p.has(k.indicator) {
			continue // derived measures are not observations
		}
		for e, r := range rows {
			for i, st := range rowStatuses(r) {
				if st == aggregate.Nowcast {
					addNowcast(k, d.first+i)
				}
				if st.Estimated() && !compared[series{k, e}] {
					out[d.first+i] = true
				}
			}
		}
	}
	for k, ys := range nowcastYears {
		if methods[k] != d.nowcastMethod(k) {
			maps.Copy(out, ys) // the nowcasts' method, which every one of them states
		}
	}
	correlations := map[key]float64{}
	err = store.ScanRows(ctx, db, `SELECT indicator, sex, area, age, correlation FROM store.nowcast_models
		WHERE used AND indicator IN (`+in+`)`, func(r *sql.Rows) error {
		var k key
		var c float64
		err := r.Scan(&k.indicator, &k.sex, &k.area, &k.age, &c)
		correlations[k] = c
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the nowcast models: %w", err)
	}
	for k, ys := range nowcastYears {
		before, ok := correlations[k]
		if !ok {
			before = 1 // a breakdown's, or none
		}
		if before != d.correlation(k) {
			maps.Copy(out, ys)
		}
	}
	return out, nil
}

// rowStatuses are a filled row's statuses; none for no row.
func rowStatuses(r *aggregate.Row) []aggregate.Status {
	if r == nil {
		return nil
	}
	return r.Status
}

// estimateAt is the value filled in row r (economy e's of series k) for year, as the store's
// estimates hold it but for its series, economy, year and method; false where the value is not
// filled.
func (d *data) estimateAt(r *aggregate.Row, k key, e, year int) (store.EstimateRow, bool) {
	i := year - d.first
	if r == nil || i < 0 || i >= len(r.Status) || !r.Status[i].Estimated() {
		return store.EstimateRow{}, false
	}
	s := r.Status[i]
	b := boundsAt(r, i)
	row := store.EstimateRow{Value: r.Values[i], Status: s.String(), Low80: b[0], High80: b[1], Low95: b[2], High95: b[3]}
	if p := d.reported[k][e]; (s == aggregate.Nowcast || s == aggregate.CarriedForward) && p != nil {
		row.LastReported = p.years[len(p.years)-1]
	}
	return row, true
}

// nowcastMethod is how series k's nowcasts are made, as estimates state it; "" without a model.
func (d *data) nowcastMethod(k key) string {
	if m := d.models[k]; m != nil {
		return m.Describe()
	}
	if b := d.breakdowns[k]; b != nil {
		return b.Describe()
	}
	return ""
}

// sameEstimate says whether two filled values are the same, an interval bound missing (NaN) in
// both counting as the same.
func sameEstimate(a, b store.EstimateRow) bool {
	same := func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }
	return a.Value == b.Value && a.Status == b.Status && a.Method == b.Method && a.LastReported == b.LastReported &&
		same(a.Low80, b.Low80) && same(a.High80, b.High80) && same(a.Low95, b.Low95) && same(a.High95, b.High95)
}

// gapYears are the years whose divides pass p rewrites: the changed years, or every year when a
// group's series may have changed basis. A group's divide rests on ictstat's aggregates of the
// series where it has any published, else on the source's published aggregates; a series whose
// published aggregates all fall in changed years may have gained or lost them, and with them the
// basis of the divides of every year. A group ictstat forms no aggregates of keeps the source's.
func (d *data) gapYears(changed years, ix aggregateIndex) years {
	if changed == nil {
		return nil
	}
	formed := map[string]bool{} // the groups ictstat forms aggregates of
	for _, g := range d.groups {
		formed[g.code] = len(g.members) > 0
	}
	for k, byGroup := range d.published {
		if !d.scope.has(k.indicator) {
			continue
		}
		for code := range byGroup {
			if !formed[code] {
				continue // the source's aggregates are its basis in every year
			}
			p := ix.withNowcasts[k][code]
			outside := false
			for i := 0; p != nil && i < len(p.years) && !outside; i++ {
				outside = !changed[p.years[i]]
			}
			if !outside {
				return nil
			}
		}
	}
	return changed
}
