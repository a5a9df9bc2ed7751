package store

import (
	"context"
	"database/sql"
)

// Editions layer per observation (migration 0008): the current value of an observation is the
// value of the newest edition that has one, by release date and then load order, unless an
// edition replaced the whole series; then only that edition and newer ones count for the series,
// and the years they omit are withdrawn. store.observations.current holds the result, kept up to
// date here for the observations a load or a drop touches, so that no query resolves editions.

// layer brings the current flags up to date for what the load's batch touched. The batch's rows
// landed current when its edition is the newest; then only the rows they supersede change.
func (l *Load) layer() error {
	exec := func(q string, args ...any) error {
		_, err := l.conn.ExecContext(l.ctx, q, args...)
		return err
	}
	if l.spec.ReplacesSeries {
		if err := exec(`INSERT INTO store.series_replacements
			SELECT DISTINCT series_id, ?, ? FROM store.observations WHERE batch_id = ?`, l.edition, l.batchID, l.batchID); err != nil {
			return err
		}
	}
	if l.newest && !l.series.existing {
		return nil // only new series: no other edition holds their observations
	}
	switch {
	case l.newest && l.spec.ReplacesSeries:
		return exec(`UPDATE store.observations SET current = false
			WHERE current AND edition_id <> ? AND series_id IN (SELECT DISTINCT series_id FROM store.observations WHERE batch_id = ?)`,
			l.edition, l.batchID)
	case l.newest:
		return exec(`UPDATE store.observations o SET current = false
			FROM (SELECT series_id, year FROM store.observations WHERE batch_id = ?) k
			WHERE o.current AND o.edition_id <> ? AND o.series_id = k.series_id AND o.year = k.year`,
			l.batchID, l.edition)
	case l.spec.ReplacesSeries:
		return relayer(l.ctx, l.conn, `SELECT DISTINCT series_id, NULL::SMALLINT AS year FROM store.observations WHERE batch_id = ?`, l.batchID)
	default:
		return relayer(l.ctx, l.conn, `SELECT series_id, year FROM store.observations WHERE batch_id = ?`, l.batchID)
	}
}

// relayer resolves the current value of the observations that affected selects (series_id and
// year; a NULL year stands for every year of the series) from all the editions that hold them.
func relayer(ctx context.Context, conn *sql.Conn, affected string, args ...any) error {
	exec := func(q string, args ...any) error {
		_, err := conn.ExecContext(ctx, q, args...)
		return err
	}
	if err := exec(`CREATE OR REPLACE TEMP TABLE layer_affected AS `+affected, args...); err != nil {
		return err
	}
	touches := `EXISTS (SELECT 1 FROM layer_affected a WHERE a.series_id = o.series_id AND (a.year IS NULL OR a.year = o.year))`
	if err := exec(`CREATE OR REPLACE TEMP TABLE layer_current AS
		WITH floor AS (
			SELECT x.series_id, max(e.rank) AS rank
			FROM store.series_replacements x JOIN store.edition_order e USING (edition_id)
			WHERE x.series_id IN (SELECT series_id FROM layer_affected)
			GROUP BY x.series_id)
		SELECT o.series_id, o.year, arg_max(o.edition_id, e.rank) AS edition_id
		FROM store.observations o
		JOIN store.edition_order e USING (edition_id)
		LEFT JOIN floor f USING (series_id)
		WHERE (` + touches + `) AND e.rank >= coalesce(f.rank, 0)
		GROUP BY o.series_id, o.year`); err != nil {
		return err
	}
	if err := exec(`UPDATE store.observations o SET current = false WHERE current AND (` + touches + `)`); err != nil {
		return err
	}
	if err := exec(`UPDATE store.observations o SET current = true FROM layer_current c
		WHERE o.series_id = c.series_id AND o.year = c.year AND o.edition_id = c.edition_id`); err != nil {
		return err
	}
	return exec(`DROP TABLE layer_affected; DROP TABLE layer_current`)
}
