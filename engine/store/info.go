package store

import (
	"context"
	"database/sql"
	"os"
	"time"
)

// Summary is what a database holds.
type Summary struct {
	Path          string           `json:"path"`
	Bytes         int64            `json:"bytes"`
	SchemaVersion int              `json:"schema_version"`
	Indicators    int              `json:"indicators"`
	Economies     int              `json:"economies"`
	Groups        int              `json:"groups"`
	Series        int64            `json:"series"`
	Observations  int64            `json:"observations"` // all editions
	Rejects       int64            `json:"rejects"`
	Editions      []EditionSummary `json:"editions"`
	Loaded        []SeriesSummary  `json:"indicators_loaded"`
	Batches       []BatchSummary   `json:"batches"`
	Computed      *Computation     `json:"computed,omitempty"` // the last computation of aggregates, gaps and progress
	BatchesSince  int              `json:"batches_since_computed"`
}

// EditionSummary is one edition and how much of the store it holds.
type EditionSummary struct {
	Edition      string    `json:"edition"`
	Released     time.Time `json:"released"`
	Observations int64     `json:"observations"`
	Current      int64     `json:"current_observations"` // observations whose value is the current one
	Licence      string    `json:"licence"`              // "" when not known
}

// SeriesSummary describes one indicator's current observations.
type SeriesSummary struct {
	Indicator    string `json:"indicator"`
	Unit         string `json:"unit"`
	Economies    int    `json:"economies"`
	Groups       int    `json:"groups"`
	FirstYear    int    `json:"first_year"`
	LastYear     int    `json:"last_year"`
	Observations int64  `json:"observations"`
	Breakdowns   int    `json:"breakdowns"` // distinct sex × area × age combinations
	Editions     string `json:"editions"`
}

// BatchSummary is one load.
type BatchSummary struct {
	Batch     int       `json:"batch"`
	File      string    `json:"file"`
	Format    string    `json:"format"`
	Edition   string    `json:"edition"`
	Read      int64     `json:"rows_read"`
	Loaded    int64     `json:"rows_loaded"`
	Unchanged int64     `json:"rows_unchanged"`
	Rejected  int64     `json:"rows_rejected"`
	Finished  time.Time `json:"finished_at"`
}

// Summarize reports what the database holds.
func (s *Store) Summarize(ctx context.Context) (Summary, error) {
	sum := Summary{Path: s.path, SchemaVersion: SchemaVersion()}
	if st, err := os.Stat(s.path); err == nil {
		sum.Bytes = st.Size()
	}
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM store.indicators), (SELECT count(*) FROM store.economies),
		(SELECT count(*) FROM store.groups), (SELECT count(*) FROM store.series),
		(SELECT count(*) FROM store.observations), (SELECT count(*) FROM store.rejects)`).
		Scan(&sum.Indicators, &sum.Economies, &sum.Groups, &sum.Series, &sum.Observations, &sum.Rejects)
	if err != nil {
		return sum, err
	}
	err = ScanRows(ctx, s.db, `SELECT e.edition, e.released,
			(SELECT count(*) FROM store.observations o WHERE o.edition_id = e.edition_id),
			(SELECT count(*) FROM store.observations o WHERE o.edition_id = e.edition_id AND o.current), coalesce(e.licence, '')
		FROM store.editions e ORDER BY e.released, e.edition_id`, func(r *sql.Rows) error {
		var e EditionSummary
		if err := r.Scan(&e.Edition, &e.Released, &e.Observations, &e.Current, &e.Licence); err != nil {
			return err
		}
		sum.Editions = append(sum.Editions, e)
		return nil
	})
	if err != nil {
		return sum, err
	}
	err = ScanRows(ctx, s.db, `SELECT i.code, i.unit,
			count(DISTINCT s.economy_id), count(DISTINCT s.group_id), min(o.year), max(o.year), count(*),
			count(DISTINCT (s.sex, s.area, s.age)), string_agg(DISTINCT e.edition, '; ' ORDER BY e.edition)
		FROM store.observations o
		JOIN store.series s ON s.series_id = o.series_id AND o.current
		JOIN store.indicators i USING (indicator_id)
		JOIN store.editions e ON e.edition_id = o.edition_id
		GROUP BY i.indicator_id, i.code, i.unit ORDER BY i.indicator_id`, func(r *sql.Rows) error {
		var x SeriesSummary
		if err := r.Scan(&x.Indicator, &x.Unit, &x.Economies, &x.Groups, &x.FirstYear, &x.LastYear, &x.Observations, &x.Breakdowns, &x.Editions); err != nil {
			return err
		}
		sum.Loaded = append(sum.Loaded, x)
		return nil
	})
	if err != nil {
		return sum, err
	}
	err = ScanRows(ctx, s.db, `SELECT b.batch_id, b.file, b.format, e.edition, b.rows_read, b.rows_loaded,
			b.rows_unchanged, b.rows_rejected, b.finished_at
		FROM store.batches b JOIN store.editions e USING (edition_id) ORDER BY b.batch_id`, func(r *sql.Rows) error {
		var b BatchSummary
		if err := r.Scan(&b.Batch, &b.File, &b.Format, &b.Edition, &b.Read, &b.Loaded, &b.Unchanged, &b.Rejected, &b.Finished); err != nil {
			return err
		}
		sum.Batches = append(sum.Batches, b)
		return nil
	})
	if err != nil {
		return sum, err
	}
	c, since, ok, err := s.LastComputation(ctx)
	if ok {
		sum.Computed, sum.BatchesSince = &c, since
	}
	return sum, err
}

// EditionSource is an edition as source notes name it: its citation (its label when it has
// none), release date, the files loaded into it and the licence of its data ("" when not known).
type EditionSource struct {
	Edition, Citation string
	Released          time.Time
	Files             int
	Licence           string
}

// LicenceText is the licence of the edition's data as notes give it.
func (e EditionSource) LicenceText() string {
	if e.Licence == "" {
		return "licence not recorded (ictstat ingest --licence)"
	}
	return "licence: " + e.Licence
}

// EditionSources lists the editions by release date.
func EditionSources(ctx context.Context, q Queryer) ([]EditionSource, error) {
	var out []EditionSource
	err := ScanRows(ctx, q, `SELECT e.edition, coalesce(e.citation, e.edition), e.released, count(b.batch), coalesce(e.licence, '')
		FROM editions e LEFT JOIN batches b USING (edition) GROUP BY ALL ORDER BY e.released, e.edition`, func(r *sql.Rows) error {
		var e EditionSource
		if err := r.Scan(&e.Edition, &e.Citation, &e.Released, &e.Files, &e.Licence); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// EditionsOf lists, by name, the editions with observations of any of the indicators.
func EditionsOf(ctx context.Context, q Queryer, indicators []string) ([]string, error) {
	var out []string
	err := ScanRows(ctx, q, `SELECT DISTINCT edition FROM observations WHERE list_contains($1, indicator) ORDER BY edition`,
		func(r *sql.Rows) error {
			var e string
			err := r.Scan(&e)
			out = append(out, e)
			return err
		}, indicators)
	return out, err
}
