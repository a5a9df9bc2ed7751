package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// EditionInfo is an edition with what it holds.
type EditionInfo struct {
	Edition        string    `json:"edition"`
	Released       time.Time `json:"released"`
	Citation       string    `json:"citation,omitempty"`
	Licence        string    `json:"licence,omitempty"`
	Batches        int       `json:"batches"`
	Observations   int64     `json:"observations"`
	Current        int64     `json:"current"` // observations whose value is the current one
	ReplacesSeries bool      `json:"replaces_series"`
}

// Editions lists the editions in the order that layers them, oldest first.
func (s *Store) Editions(ctx context.Context) ([]EditionInfo, error) {
	var out []EditionInfo
	err := ScanRows(ctx, s.db, `SELECT e.edition, e.released, coalesce(e.citation, ''), coalesce(e.licence, ''),
			(SELECT count(*) FROM store.batches b WHERE b.edition_id = e.edition_id),
			(SELECT count(*) FROM store.observations o WHERE o.edition_id = e.edition_id),
			(SELECT count(*) FROM store.observations o WHERE o.edition_id = e.edition_id AND o.current),
			(SELECT count(*) FROM store.batches b WHERE b.edition_id = e.edition_id AND b.replaces_series) > 0
		FROM store.editions e JOIN store.edition_order r USING (edition_id) ORDER BY r.rank`, func(r *sql.Rows) error {
		var e EditionInfo
		if err := r.Scan(&e.Edition, &e.Released, &e.Citation, &e.Licence, &e.Batches, &e.Observations, &e.Current, &e.ReplacesSeries); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// ErrNoEdition is returned by DropEdition for an edition the store does not have.
var ErrNoEdition = errors.New("no such edition")

// DropEdition takes an edition out of the store, in one transaction: its observations, batches
// and their rejects, and the series replacements it made. The values it held give way to the
// newest edition below it (layer.go); the drop is recorded in store.edition_drops, so that the
// derived results count as due for recomputing (LastComputation).
func (s *Store) DropEdition(ctx context.Context, label string) (EditionInfo, error) {
	if s.readOnly {
		return EditionInfo{}, errors.New("the database is open read-only")
	}
	var info EditionInfo
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return info, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return info, err
	}
	done := false
	defer func() {
		if !done {
			conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	var id int
	var lastBatch sql.NullInt64
	err = conn.QueryRowContext(ctx, `SELECT edition_id, edition, released,
			(SELECT max(batch_id) FROM store.batches b WHERE b.edition_id = e.edition_id),
			(SELECT count(*) FROM store.batches b WHERE b.edition_id = e.edition_id),
			(SELECT count(*) FROM store.observations o WHERE o.edition_id = e.edition_id)
		FROM store.editions e WHERE edition = ?`, label).Scan(&id, &info.Edition, &info.Released, &lastBatch, &info.Batches, &info.Observations)
	if errors.Is(err, sql.ErrNoRows) {
		var closest sql.NullString
		conn.QueryRowContext(ctx, `SELECT string_agg('"' || edition || '"', ', ' ORDER BY s DESC, edition) FROM (
			SELECT edition, jaro_winkler_similarity(lower(edition), lower(?)) AS s FROM store.editions ORDER BY s DESC, edition LIMIT 3)`, label).Scan(&closest)
		hint := "ictstat edition list shows them"
		if closest.Valid {
			hint = "the closest are " + closest.String
		}
		return info, fmt.Errorf("%w %q (%s)", ErrNoEdition, label, hint)
	}
	if err != nil {
		return info, err
	}
	steps := []struct {
		q    string
		args []any
	}{
		{`CREATE OR REPLACE TEMP TABLE drop_series AS SELECT DISTINCT series_id, NULL::SMALLINT AS year FROM store.observations WHERE edition_id = ?`, []any{id}},
		{`DELETE FROM store.rejects WHERE batch_id IN (SELECT batch_id FROM store.batches WHERE edition_id = ?)`, []any{id}},
		{`DELETE FROM store.observations WHERE edition_id = ?`, []any{id}},
		{`DELETE FROM store.series_replacements WHERE edition_id = ?`, []any{id}},
		{`DELETE FROM store.batches WHERE edition_id = ?`, []any{id}},
		{`DELETE FROM store.editions WHERE edition_id = ?`, []any{id}},
	}
	for _, st := range steps {
		if _, err := conn.ExecContext(ctx, st.q, st.args...); err != nil {
			return info, err
		}
	}
	if err := relayer(ctx, conn, `SELECT * FROM drop_series`); err != nil {
		return info, err
	}
	for _, q := range []string{
		// The series record the newest edition left that holds them; those left empty go.
		`UPDATE store.series s SET edition_id = n.edition_id
			FROM (SELECT o.series_id, arg_max(o.edition_id, e.rank) AS edition_id
			      FROM store.observations o JOIN store.edition_order e USING (edition_id)
			      WHERE o.series_id IN (SELECT series_id FROM drop_series) GROUP BY o.series_id) n
			WHERE s.series_id = n.series_id`,
		`DELETE FROM store.series WHERE series_id IN (SELECT series_id FROM drop_series)
			AND series_id NOT IN (SELECT DISTINCT series_id FROM store.observations WHERE series_id IN (SELECT series_id FROM drop_series))`,
		`DROP TABLE drop_series`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return info, err
		}
	}
	if err := refreshLabels(ctx, conn, 0); err != nil {
		return info, err
	}
	// The time as Go writes it, as computations record theirs, so that the two compare.
	if _, err := conn.ExecContext(ctx, `INSERT INTO store.edition_drops VALUES (?, ?, ?, ?, ?, ?)`,
		info.Edition, info.Released.Format(time.DateOnly), info.Batches, info.Observations, time.Now(), lastBatch); err != nil {
		return info, err
	}
	if err := ctx.Err(); err != nil {
		return info, err
	}
	if _, err := conn.ExecContext(context.Background(), "COMMIT"); err != nil {
		return info, err
	}
	done = true
	return info, nil
}

// releaseInLabel finds a date in an edition's label: the first YYYY-MM-DD or YYYY-MM standing
// apart from other digits ("UBOS 2026-10", "ITU DataHub 2025-12-28"). A year alone is not taken:
// in "NSO IDI inputs 2022" it is the year the data refer to.
var releaseInLabel = regexp.MustCompile(`(?:^|[^0-9])([0-9]{4}-[0-9]{2}(?:-[0-9]{2})?)(?:[^0-9]|$)`)

// ReleaseFromLabel is the release date an edition's label gives, read as releaseInLabel says (a
// month stands for its first day), and whether it gives one.
func ReleaseFromLabel(label string) (time.Time, bool) {
	m := releaseInLabel.FindStringSubmatch(label)
	if m == nil {
		return time.Time{}, false
	}
	for _, layout := range []string{time.DateOnly, "2006-01"} {
		if t, err := time.Parse(layout, m[1]); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
