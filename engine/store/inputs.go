package store

import (
	"context"
	"database/sql"
	"fmt"
)

// InputState is the state of one indicator's observations, every edition's: how many there are
// and the sum of their batch numbers. Batch numbers are never given twice and a batch's rows do
// not change once loaded, so any load or edition drop that touches the indicator changes it.
type InputState struct {
	Observations int64
	BatchSum     int64
}

// Inputs returns the state of every indicator's observations now.
func (s *Store) Inputs(ctx context.Context) (map[string]InputState, error) {
	return s.inputStates(ctx, `SELECT i.code, count(*), sum(o.batch_id)::BIGINT
		FROM store.observations o JOIN store.series x USING (series_id) JOIN store.indicators i USING (indicator_id)
		GROUP BY i.code`)
}

// ComputedInputs returns the state of every indicator's observations as the latest computation
// read them; empty before the first computation that recorded it.
func (s *Store) ComputedInputs(ctx context.Context) (map[string]InputState, error) {
	return s.inputStates(ctx, `SELECT indicator, observations, batch_sum FROM store.computation_inputs`)
}

// inputStates reads rows of indicator, observations and batch sum.
func (s *Store) inputStates(ctx context.Context, query string) (map[string]InputState, error) {
	out := map[string]InputState{}
	err := ScanRows(ctx, s.db, query, func(r *sql.Rows) error {
		var code string
		var st InputState
		if err := r.Scan(&code, &st.Observations, &st.BatchSum); err != nil {
			return err
		}
		out[code] = st
		return nil
	})
	return out, err
}

// ReferenceFingerprint is a fingerprint of the reference data a computation reads: the
// catalogue, the economies, the groups and their members. It changes when any row does.
func (s *Store) ReferenceFingerprint(ctx context.Context) (string, error) {
	var a, b, c, d string
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT coalesce(sum(hash(x)), 0)::VARCHAR || '/' || count(*) FROM main.indicators x),
		(SELECT coalesce(sum(hash(x)), 0)::VARCHAR || '/' || count(*) FROM main.economies x),
		(SELECT coalesce(sum(hash(x)), 0)::VARCHAR || '/' || count(*) FROM main.groups x),
		(SELECT coalesce(sum(hash(x)), 0)::VARCHAR || '/' || count(*) FROM main.group_members x)`).Scan(&a, &b, &c, &d)
	if err != nil {
		return "", fmt.Errorf("reading the reference data: %w", err)
	}
	return a + " " + b + " " + c + " " + d, nil
}

// EconomyObservations returns the number of the economies' current observations and their first
// and last year (0, 0 with none).
func (s *Store) EconomyObservations(ctx context.Context) (n int64, first, last int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(min(o.year), 0), coalesce(max(o.year), 0)
		FROM store.observations o JOIN store.series x USING (series_id)
		WHERE o.current AND x.economy_id IS NOT NULL`).Scan(&n, &first, &last)
	return n, first, last, err
}
