package nowcast

import (
	"context"
	"database/sql"
)

// ReadSeries reads every economy's totals (all sexes, areas and ages) of an indicator from a
// store's observations view, each economy grouped by its ITU region ("" when it has none), in
// economy and year order.
func ReadSeries(ctx context.Context, db *sql.DB, indicator string) ([]Series, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT o.economy, coalesce(e.itu_region, ''), o.year, avg(o.value)
		FROM observations o LEFT JOIN economies e ON e.economy = o.economy
		WHERE o.indicator = ? AND o.sex = 'total' AND o.area = 'total' AND o.age = 'total'
		  AND o.value IS NOT NULL
		GROUP BY ALL ORDER BY 1, 3`, indicator)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var series []Series
	for rows.Next() {
		var eco, region string
		var year int
		var v float64
		if err := rows.Scan(&eco, &region, &year, &v); err != nil {
			return nil, err
		}
		if n := len(series); n == 0 || series[n-1].Economy != eco {
			series = append(series, Series{Economy: eco, Group: region})
		}
		s := &series[len(series)-1]
		s.Years, s.Values = append(s.Years, year), append(s.Values, v)
	}
	return series, rows.Err()
}
