package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// As of a date, the database shows the data as published then: the editions released on or
// before it, layered by the rule of layer.go. Temporary views of the same names stand in for the
// observation views on every connection (DuckDB looks temporary objects up first), so that
// every reader — ictstat's own and the analysts' SQL — sees the same thing.

// asOfViews returns the statements that make a connection read the database in catalog as of
// date. The derived results (aggregates, estimates, gaps, progress, IDI) are computed from the
// data of their last computation: unless derived says that was as of the same date, their views
// refuse to be read, naming the command that computes them as of the date.
func asOfViews(catalog string, date time.Time, derived bool) []string {
	cat := `"` + strings.ReplaceAll(catalog, `"`, `""`) + `"`
	d := "DATE '" + date.Format(time.DateOnly) + "'"
	released := "(SELECT edition FROM " + cat + ".store.editions WHERE released <= " + d + ")"
	views := [][2]string{
		{"observations", "SELECT * FROM " + cat + ".main.observations_as_of(" + d + ")"},
		{"observations_all_editions", "SELECT * FROM " + cat + ".main.observations_all_editions_as_of(" + d + ")"},
		{"published_aggregates", "SELECT * FROM " + cat + ".main.published_aggregates_as_of(" + d + ")"},
		{"published_aggregates_all_editions", "SELECT * FROM " + cat + ".main.published_aggregates_all_editions_as_of(" + d + ")"},
		{"revisions", "SELECT * FROM " + cat + ".main.revisions_as_of(" + d + ")"},
		{"editions", "SELECT * FROM " + cat + ".main.editions WHERE released <= " + d},
		{"batches", "SELECT * FROM " + cat + ".main.batches WHERE edition IN " + released},
		{"rejects", "SELECT * FROM " + cat + ".main.rejects WHERE batch IN (SELECT batch FROM temp.main.batches)"},
		{"series", `SELECT indicator, economy, sex, area, age, unit, arg_max(edition, year) AS edition,
			count(*) AS observations, min(year) AS first_year, max(year) AS last_year
			FROM temp.main.observations GROUP BY indicator, economy, sex, area, age, unit`},
		{"latest", `SELECT * FROM temp.main.observations
			QUALIFY row_number() OVER (PARTITION BY indicator, economy, sex, area, age ORDER BY year DESC) = 1`},
	}
	if !derived {
		msg := fmt.Sprintf("%%s were computed from the data as they are now, not as of %s: run `ictstat compute --as-of %s` on a copy of the database, or use chart, scorecard or progress with --as-of, which compute them",
			date.Format(time.DateOnly), date.Format(time.DateOnly))
		for _, v := range []string{"aggregates", "estimates", "gaps", "progress", "idi", "idi_inputs", "nowcast_models"} {
			views = append(views, [2]string{v, "SELECT * FROM " + cat + ".main." + v + " WHERE (SELECT error(" + quote(fmt.Sprintf(msg, v)) + ")) IS NULL"})
		}
	}
	out := make([]string, len(views))
	for i, v := range views {
		out[i] = "CREATE OR REPLACE TEMP VIEW " + v[0] + " AS " + v[1]
	}
	return out
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// AsOfViews returns the statements that make one connection to the database read it as of date
// (query.Query.Setup), the derived results refusing to be read.
func AsOfViews(ctx context.Context, db *sql.DB, date time.Time) ([]string, error) {
	catalog, err := asOfCatalog(ctx, db, date)
	if err != nil {
		return nil, err
	}
	return asOfViews(catalog, date, false), nil
}

// asOfCatalog is the name of db's catalog, for the views of date; a date before the first
// edition's release is refused (ErrBeforeEditions).
func asOfCatalog(ctx context.Context, db *sql.DB, date time.Time) (string, error) {
	var catalog string
	var first sql.NullTime
	var before int
	if err := db.QueryRowContext(ctx, `SELECT current_database(), (SELECT min(released) FROM store.editions),
		(SELECT count(*) FROM store.editions WHERE released <= ?::DATE)`, date.Format(time.DateOnly)).Scan(&catalog, &first, &before); err != nil {
		return "", err
	}
	if first.Valid && before == 0 {
		return "", fmt.Errorf("%w: no edition was released on or before %s; the first was released on %s",
			ErrBeforeEditions, date.Format(time.DateOnly), first.Time.Format(time.DateOnly))
	}
	return catalog, nil
}

// dateShape is text written as a date, whether or not the calendar has that day.
var dateShape = regexp.MustCompile(`^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$`)

// ParseAsOf reads an as-of date: YYYY-MM-DD, YYYY-MM (its last day) or YYYY (31 December).
func ParseAsOf(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01", s); err == nil {
		return t.AddDate(0, 1, -1), nil
	}
	if t, err := time.Parse("2006", s); err == nil {
		return t.AddDate(1, 0, -1), nil
	}
	if dateShape.MatchString(s) {
		return time.Time{}, fmt.Errorf("as-of date %q is not a day of the calendar", s)
	}
	return time.Time{}, fmt.Errorf("as-of date %q: write it as YYYY-MM-DD, YYYY-MM or YYYY", s)
}
