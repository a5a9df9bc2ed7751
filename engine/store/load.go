package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/ictstat/ictstat/engine/ingest"
	"github.com/ictstat/ictstat/engine/validate"
)

// Edition names a vintage of published data.
type Edition struct {
	Label       string
	Released    time.Time // orders editions: the newest is the default
	Description string
	Citation    string // how a source line names it, e.g. "World Bank WDI (2025 edition)"; "": its label
	Licence     string // the terms its data are published under, e.g. "CC BY 4.0"; "": not known
}

// LoadSpec describes a file about to be loaded.
type LoadSpec struct {
	File          string
	Bytes         int64
	Format        string
	Options       string // the reader options, as JSON, kept with the batch
	EconomyScheme string // scheme of the file's economy codes; qualifies the codes of aggregates it adds
	ValueColumn   string // the file's name for the value column, for rejects
	Edition       Edition
	ToolVersion   string
	MaxRejectRate float64 // share of rows read that may be rejected before the whole file is refused; 0: none
	// ReplacesSeries says the file revises whole series: for every series it carries, the years
	// it omits are withdrawn from older editions instead of showing through.
	ReplacesSeries bool
}

// Result is what a load did. RowsRead = RowsLoaded + RowsUnchanged + RowsRejected.
type Result struct {
	Batch         int
	Edition       string
	Released      time.Time // the edition's release date, which orders it among the others
	RowsRead      int64
	RowsLoaded    int64
	RowsUnchanged int64 // rows equal to what the store already held for the edition
	RowsRejected  int64
	NewSeries     int
	FirstRejects  []ingest.Reject // the first rejects by line, for display
	Steps         []Step          // how long each step of the load took
}

// Step is a timed step of a load.
type Step struct {
	Name     string
	Duration time.Duration
}

// ErrTooManyRejects is returned by Finish when the file's reject share passes the limit; nothing
// of the file has landed then.
var ErrTooManyRejects = errors.New("too many rejected rows")

// Bounds on what a load holds in memory until the file's end, past which the file is refused as it
// is read (ErrTooManyRejects, ErrTooMuchText), whatever its size: the rejects of row rules, and the
// text of the notes and sources it adds (DuckDB, with the memory a load may use, cannot commit
// much more than this of long texts).
const (
	MaxRejectedRows = 1_000_000
	MaxNewTextBytes = 16 << 20
)

// ErrTooMuchText is returned by Append when the notes and sources a file adds pass
// MaxNewTextBytes; nothing of the file has landed then.
var ErrTooMuchText = errors.New("too much note and source text")

// ErrNoDataRows is returned by Finish for a file with nothing under its header: it is refused,
// so that it creates no batch and no edition.
var ErrNoDataRows = errors.New("no data rows")

// Load is a file's load in progress: one transaction on one connection. Batches are appended in
// file order from one goroutine while DuckDB inserts them into the observations table; the rules
// that need the whole file run at Finish, in the same transaction.
type Load struct {
	s        *Store
	ctx      context.Context
	conn     *sql.Conn
	spec     LoadSpec
	batchID  int32
	edition  int32
	released time.Time
	started  time.Time

	series     *seriesIndex
	years      *yearsSeen
	newEdition bool // the edition was created by this load, so the store holds none of its rows
	newest     bool // no other edition ranks above the edition: its rows are current as they land
	ages       *interner
	sources    *interner
	notes      *interner
	groups     *interner
	names      map[string]string // names of the source aggregates the load adds, by code

	handle      int64
	stream      *rowStream
	inserted    chan struct{} // closed when the streaming insert has ended
	insertErr   error         // its error, valid once inserted is closed
	streamEnded bool
	finished    bool
	sha256      string // of the file, known when it has been read

	mem      memory.Allocator
	rowsRead int64
	rejects  []ingest.Reject
	newText  int64 // bytes of the notes and sources the load added, counted up to counted
	counted  [2]int
}

// HasBatchOfSize reports whether a file of this many bytes has been loaded.
func (s *Store) HasBatchOfSize(ctx context.Context, bytes int64) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM store.batches WHERE bytes = ?`, bytes).Scan(&n)
	return n > 0, err
}

// FindBatch returns the batch that loaded a file with this content into this edition, or into any
// edition when anyEdition is set.
func (s *Store) FindBatch(ctx context.Context, sha256, edition string, anyEdition bool) (int, bool, error) {
	var id int
	err := s.db.QueryRowContext(ctx, `SELECT b.batch_id FROM store.batches b JOIN store.editions e USING (edition_id)
		WHERE b.sha256 = ? AND (e.edition = ? OR ?) ORDER BY b.batch_id LIMIT 1`, sha256, edition, anyEdition).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// BeginLoad starts loading a file: it opens the transaction, finds or creates the edition and
// starts the insert that consumes appended batches.
func (s *Store) BeginLoad(ctx context.Context, spec LoadSpec) (l *Load, err error) {
	if s.readOnly {
		return nil, errors.New("the database is open read-only")
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	l = &Load{s: s, ctx: ctx, conn: conn, spec: spec, started: time.Now(), mem: memory.DefaultAllocator, names: map[string]string{}}
	defer func() {
		if err != nil {
			conn.ExecContext(context.Background(), "ROLLBACK")
			conn.Close()
		}
	}()
	if err := registerStream(conn); err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return nil, err
	}
	if err := l.findEdition(); err != nil {
		return nil, err
	}
	// Batch numbers are never given twice, not even those of dropped editions.
	if err := conn.QueryRowContext(ctx, `SELECT greatest((SELECT coalesce(max(batch_id), 0) FROM store.batches),
		(SELECT coalesce(max(last_batch), 0) FROM store.edition_drops)) + 1`).Scan(&l.batchID); err != nil {
		return nil, err
	}
	if l.series, err = loadSeriesIndex(ctx, conn); err != nil {
		return nil, err
	}
	if l.ages, err = loadInterner(ctx, conn, `SELECT code_id, code FROM store.codes WHERE dimension = 'age'`); err != nil {
		return nil, err
	}
	if l.sources, err = loadInterner(ctx, conn, `SELECT source_id, name FROM store.sources`); err != nil {
		return nil, err
	}
	if l.notes, err = loadInterner(ctx, conn, `SELECT note_id, text FROM store.notes`); err != nil {
		return nil, err
	}
	if l.groups, err = loadInterner(ctx, conn, `SELECT group_id, code FROM store.groups`); err != nil {
		return nil, err
	}
	l.years = newYearsSeen()
	// Rows stream straight into the observations table; the rules that need the whole file run
	// afterwards, inside the same transaction, and take out what they reject.
	l.handle, l.stream = openStream(ctx)
	l.inserted = make(chan struct{})
	go func() {
		_, l.insertErr = conn.ExecContext(ctx, `INSERT INTO store.observations
			(series_id, edition_id, year, value, flag, source_id, note_id, batch_id, line, current, se, ci_low, ci_high)
			SELECT series_id, ?, year, value, flag, nullif(source_id, 0), nullif(note_id, 0), ?, line, ?,
			       CASE WHEN NOT isnan(se) THEN se END, CASE WHEN NOT isnan(ci_low) THEN ci_low END, CASE WHEN NOT isnan(ci_high) THEN ci_high END
			FROM `+streamFunction+`(?)`, l.edition, l.batchID, l.newest, l.handle)
		close(l.inserted)
	}()
	return l, nil
}

// findEdition looks the edition up by label, creating it when new.
func (l *Load) findEdition() error {
	e := l.spec.Edition
	if e.Label == "" {
		return errors.New("no edition given")
	}
	err := l.conn.QueryRowContext(l.ctx, `SELECT edition_id, released FROM store.editions WHERE edition = ?`, e.Label).Scan(&l.edition, &l.released)
	if err == nil {
		if err := l.keepLicence(); err != nil {
			return err
		}
		return l.findRank()
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	l.newEdition = true
	if err := l.conn.QueryRowContext(l.ctx, `SELECT coalesce(max(edition_id), 0) + 1 FROM store.editions`).Scan(&l.edition); err != nil {
		return err
	}
	l.released = e.Released
	_, err = l.conn.ExecContext(l.ctx, `INSERT INTO store.editions (edition_id, edition, released, description, citation, licence, created_at)
		VALUES (?, ?, ?, ?, ?, ?, now())`, l.edition, e.Label, e.Released.Format("2006-01-02"), nullable(e.Description), nullable(e.Citation), nullable(e.Licence))
	if err != nil {
		return err
	}
	return l.findRank()
}

// findRank finds whether the load's edition is the newest: released last, or loaded last of
// the editions released on its day.
func (l *Load) findRank() error {
	var above int
	err := l.conn.QueryRowContext(l.ctx, `SELECT count(*) FROM store.editions
		WHERE released > ?::DATE OR (released = ?::DATE AND edition_id > ?)`,
		l.released.Format("2006-01-02"), l.released.Format("2006-01-02"), l.edition).Scan(&above)
	l.newest = above == 0
	return err
}

// Append adds one validated batch (validate.Schema) and the rejects of the raw batch it came
// from. Batches must be appended in file order. Append does not keep rec.
func (l *Load) Append(rec arrow.RecordBatch, rejects []ingest.Reject) error {
	l.rowsRead += rec.NumRows() + int64(len(rejects))
	if len(l.rejects)+len(rejects) > MaxRejectedRows {
		return fmt.Errorf("%w: more than %d, the most a file may have; nothing loaded", ErrTooManyRejects, MaxRejectedRows)
	}
	l.rejects = append(l.rejects, rejects...)
	if rec.NumRows() == 0 {
		return nil
	}
	out := l.keyRows(rec)
	for i, in := range []*interner{l.notes, l.sources} {
		for _, text := range in.added[l.counted[i]:] {
			l.newText += int64(len(text))
		}
		l.counted[i] = len(in.added)
	}
	if l.newText > MaxNewTextBytes {
		out.Release()
		return fmt.Errorf("%w: the file's notes and sources add more than %d MiB of text, the most a file may add; nothing loaded", ErrTooMuchText, MaxNewTextBytes>>20)
	}
	select {
	case l.stream.batches <- out:
		return nil
	case <-l.inserted:
		out.Release()
		if l.insertErr != nil {
			return l.insertErr
		}
		return errors.New("the streaming insert ended early")
	case <-l.ctx.Done():
		out.Release()
		return l.ctx.Err()
	}
}

// keyRows turns a validated batch into rows for the store: texts of open lists become IDs and each row
// gets its series.
func (l *Load) keyRows(rec arrow.RecordBatch) arrow.RecordBatch {
	n := int(rec.NumRows())
	col := func(i int) arrow.Array { return rec.Column(i) }
	// Texts of open lists get IDs when a row uses them: a batch's dictionaries may also hold
	// texts of rows that were rejected, which must not reach the store.
	lazy := func(i int, in *interner, code func(string) string) (*array.Dictionary, func(int) int32) {
		d := col(i).(*array.Dictionary)
		dict := d.Dictionary().(*array.String)
		ids := make([]int32, dict.Len())
		return d, func(e int) int32 {
			if ids[e] == 0 {
				ids[e] = in.id(code(dict.Value(e))) + 1
			}
			return ids[e] - 1
		}
	}
	same := func(s string) string { return s }
	ageArr, ageID := lazy(validate.OutAge, l.ages, same)
	srcArr, srcID := lazy(validate.OutSource, l.sources, same)
	noteArr, noteID := lazy(validate.OutNote, l.notes, same)
	// Aggregates the source declares and the store lacks become groups of kind "source", coded
	// by the file's scheme: owid:Africa.
	scheme := l.spec.EconomyScheme
	if scheme == "" {
		scheme = "source"
	}
	newGrpCode := func(code string) string { return scheme + ":" + code }
	newGrpArr, newGrpID := lazy(validate.OutNewGroup, l.groups, newGrpCode)
	newGrpName := col(validate.OutNewGroupName).(*array.Dictionary)

	lines := col(validate.OutLine).(*array.Int32).Int32Values()
	inds := col(validate.OutIndicator).(*array.Int32).Int32Values()
	econ := col(validate.OutEconomy).(*array.Int32).Int32Values()
	grp := col(validate.OutGroup).(*array.Int32).Int32Values()
	sex := col(validate.OutSex).(*array.Uint8).Uint8Values()
	area := col(validate.OutArea).(*array.Uint8).Uint8Values()
	years := col(validate.OutYear).(*array.Int16).Int16Values()
	values := col(validate.OutValue).(*array.Float64).Float64Values()
	flags := col(validate.OutFlag).(*array.Uint8).Uint8Values()

	series := make([]int32, n)
	flag16 := make([]int16, n)
	source := make([]int32, n)
	note := make([]int32, n)
	for r := 0; r < n; r++ {
		g := grp[r]
		if newGrpArr.IsValid(r) {
			e := newGrpArr.GetValueIndex(r)
			g = newGrpID(e)
			if code := newGrpCode(newGrpArr.Dictionary().(*array.String).Value(e)); g >= l.groups.firstNew && l.names[code] == "" {
				l.names[code] = code
				if newGrpName.IsValid(r) {
					l.names[code] = newGrpName.Dictionary().(*array.String).Value(newGrpName.GetValueIndex(r))
				}
			}
		}
		series[r] = l.series.id(seriesKey{
			indicator: inds[r], economy: econ[r], group: g,
			sex: sex[r], area: area[r], age: int16(ageID(ageArr.GetValueIndex(r))),
		})
		l.years.add(series[r], years[r])
		flag16[r] = int16(flags[r])
		if srcArr.IsValid(r) {
			source[r] = srcID(srcArr.GetValueIndex(r))
		}
		if noteArr.IsValid(r) {
			note[r] = noteID(noteArr.GetValueIndex(r))
		}
	}
	b := array.NewRecordBuilder(l.mem, rowSchema)
	defer b.Release()
	b.Field(0).(*array.Int32Builder).AppendValues(lines, nil)
	b.Field(1).(*array.Int32Builder).AppendValues(series, nil)
	b.Field(2).(*array.Int16Builder).AppendValues(years, nil)
	b.Field(3).(*array.Float64Builder).AppendValues(values, nil)
	b.Field(4).(*array.Int16Builder).AppendValues(flag16, nil)
	b.Field(5).(*array.Int32Builder).AppendValues(source, nil)
	b.Field(6).(*array.Int32Builder).AppendValues(note, nil)
	for i, out := range []int{validate.OutStdErr, validate.OutLower, validate.OutUpper} {
		b.Field(7+i).(*array.Float64Builder).AppendValues(nanForNull(col(out).(*array.Float64)), nil)
	}
	return b.NewRecordBatch()
}

// nans is a batch's worth of NaN, shared read-only: the uncertainty of files that give none.
var nans = func() []float64 {
	out := make([]float64, ingest.BatchRows)
	for i := range out {
		out[i] = math.NaN()
	}
	return out
}()

// nanForNull is the values of a, NaN where a is null.
func nanForNull(a *array.Float64) []float64 {
	if a.NullN() == a.Len() && a.Len() <= len(nans) {
		return nans[:a.Len()]
	}
	out := make([]float64, a.Len())
	copy(out, a.Float64Values())
	for i := range out {
		if a.IsNull(i) {
			out[i] = math.NaN()
		}
	}
	return out
}

// endStream tells DuckDB the file has ended and waits for the insert to finish.
func (l *Load) endStream() error {
	if !l.streamEnded {
		l.streamEnded = true
		close(l.stream.batches)
		<-l.inserted
		l.stream.release()
		closeStream(l.handle)
	}
	return l.insertErr
}

// Abort rolls the load back. It is safe to call after Finish.
func (l *Load) Abort() {
	if l.finished {
		return
	}
	l.finished = true
	l.endStream()
	l.conn.ExecContext(context.Background(), "ROLLBACK")
	l.conn.Close()
}

// Finish records the file's SHA-256, ends the stream, applies the rules that need the whole file (a series and year repeated
// within the file, a value differing from the one stored for the edition), and commits, unless
// the share of rejected rows passes spec.MaxRejectRate, in which case it rolls back and returns
// ErrTooManyRejects with the result that was refused, or the file had no rows at all, in which
// case it rolls back and returns ErrNoDataRows.
func (l *Load) Finish(sha256 string) (Result, error) {
	l.sha256 = sha256
	if l.finished {
		return Result{}, errors.New("load already finished")
	}
	if l.rowsRead == 0 {
		l.Abort()
		return Result{Edition: l.spec.Edition.Label}, fmt.Errorf("%w: nothing under the header to load", ErrNoDataRows)
	}
	if err := l.endStream(); err != nil {
		l.Abort()
		return Result{}, err
	}
	res, err := l.finish()
	if err != nil {
		l.Abort()
		return res, err
	}
	l.finished = true
	l.conn.Close()
	return res, nil
}

func (l *Load) finish() (Result, error) {
	ctx, conn := l.ctx, l.conn
	exec := func(query string, args ...any) error {
		_, err := conn.ExecContext(ctx, query, args...)
		return err
	}
	res := Result{Batch: int(l.batchID), Edition: l.spec.Edition.Label, Released: l.released, RowsRead: l.rowsRead, NewSeries: len(l.series.added)}
	stepStart := time.Now()
	step := func(name string) {
		res.Steps = append(res.Steps, Step{name, time.Since(stepStart)})
		stepStart = time.Now()
	}
	if err := l.suggestEconomies(); err != nil {
		return res, err
	}
	staged := l.stream.rows.Load()
	if res.RowsRead != staged+int64(len(l.rejects)) {
		return res, fmt.Errorf("internal error: %d rows read but %d streamed and %d rejected", res.RowsRead, staged, len(l.rejects))
	}
	// number_text writes a value the way files write it: 20 rather than 20.0.
	if err := exec(`CREATE OR REPLACE TEMP MACRO number_text(v) AS regexp_replace(CAST(v AS VARCHAR), '\.0$', '');
		CREATE OR REPLACE TEMP TABLE ingest_excluded (line INTEGER, series_id INTEGER, year SMALLINT,
		value VARCHAR, rejected BOOLEAN, reason VARCHAR)`); err != nil {
		return res, err
	}
	// A series and year given twice in the file: every row of a key with differing values is
	// rejected; of a key repeated with one value, the first row stays.
	if len(l.years.repeated) > 0 {
		if err := l.putRepeated(); err != nil {
			return res, err
		}
		if err := exec(`INSERT INTO ingest_excluded
			WITH repeated AS (
				SELECT o.line, o.series_id, o.year, o.value FROM store.observations o
				SEMI JOIN ingest_repeated k ON k.series_id = o.series_id AND k.year = o.year
				WHERE o.batch_id = ?),
			keys AS (
				SELECT series_id, year, min(line) AS first_line, count(DISTINCT value) AS n_values,
				       array_to_string(list(line ORDER BY line)[1:5], ', ') || CASE WHEN count(*) > 5 THEN ', …' ELSE '' END AS lines
				FROM repeated GROUP BY series_id, year)
			SELECT r.line, r.series_id, r.year, number_text(r.value), true,
			       CASE WHEN k.n_values > 1
			            THEN 'conflicting values for the same indicator, economy, breakdown and year on lines ' || k.lines
			            ELSE 'repeats line ' || k.first_line END
			FROM repeated r JOIN keys k USING (series_id, year)
			WHERE k.n_values > 1 OR r.line <> k.first_line`, l.batchID); err != nil {
			return res, err
		}
	}
	// Against the store: a row equal to the value stored for the edition is unchanged; a
	// different value is rejected (a revision belongs in a new edition). Only series the store
	// already had, in an edition it already had, can hold stored values.
	if l.series.existing && !l.newEdition {
		if err := exec(`INSERT INTO ingest_excluded
			SELECT r.line, r.series_id, r.year, number_text(r.value),
			       r.value <> o.value OR (r.se, r.ci_low, r.ci_high) IS DISTINCT FROM (o.se, o.ci_low, o.ci_high),
			       CASE WHEN r.value <> o.value THEN 'conflicts with the value ' || number_text(o.value)
			            ELSE 'conflicts with the standard error or interval (' || coalesce(number_text(o.se), 'none') || ', ' ||
			                 coalesce(number_text(o.ci_low), 'none') || ' to ' || coalesce(number_text(o.ci_high), 'none') || ')' END ||
			       ' stored for edition ' || ? ||
			       ' by batch ' || o.batch_id || ' (line ' || o.line || '); load a revision as a new edition'
			FROM store.observations r
			JOIN store.observations o ON o.series_id = r.series_id AND o.year = r.year AND o.edition_id = r.edition_id
			ANTI JOIN ingest_excluded x ON x.line = r.line AND x.series_id = r.series_id AND x.year = r.year
			WHERE r.batch_id = ? AND o.batch_id <> ?`,
			l.spec.Edition.Label, l.batchID, l.batchID); err != nil {
			return res, err
		}
	}
	step("file rules")
	var setRejected, unchanged int64
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE rejected), count(*) FILTER (WHERE NOT rejected) FROM ingest_excluded`).
		Scan(&setRejected, &unchanged); err != nil {
		return res, err
	}
	res.RowsUnchanged = unchanged
	res.RowsRejected = int64(len(l.rejects)) + setRejected
	res.RowsLoaded = staged - setRejected - unchanged
	var err error
	if res.FirstRejects, err = l.firstRejects(setRejected); err != nil {
		return res, err
	}
	if res.RowsRead > 0 && float64(res.RowsRejected)/float64(res.RowsRead) > l.spec.MaxRejectRate {
		return res, fmt.Errorf("%w: %d of %d rows (%.1f%%), more than the %.1f%% allowed",
			ErrTooManyRejects, res.RowsRejected, res.RowsRead, 100*float64(res.RowsRejected)/float64(res.RowsRead), 100*l.spec.MaxRejectRate)
	}
	if setRejected+unchanged > 0 {
		if err := exec(`DELETE FROM store.observations o USING ingest_excluded x
			WHERE o.batch_id = ? AND o.line = x.line AND o.series_id = x.series_id AND o.year = x.year`, l.batchID); err != nil {
			return res, err
		}
	}
	step("count and take out rejects")
	if err := l.putOpenLists(); err != nil {
		return res, err
	}
	step("series, sources, rejects")
	if err := l.layer(); err != nil {
		return res, err
	}
	// The series record the newest edition that holds observations of them.
	if l.series.existing {
		if err := exec(`UPDATE store.series s SET edition_id = ?
			FROM store.editions cur
			WHERE cur.edition_id = s.edition_id
			  AND (cur.released < ?::DATE OR (cur.released = ?::DATE AND cur.edition_id < ?))
			  AND s.series_id IN (SELECT DISTINCT series_id FROM store.observations WHERE batch_id = ?)`,
			l.edition, l.released.Format("2006-01-02"), l.released.Format("2006-01-02"), l.edition, l.batchID); err != nil {
			return res, err
		}
	}
	// New series with no observation left (all their rows rejected) are not kept.
	if res.NewSeries > 0 && setRejected > 0 {
		if err := exec(`DELETE FROM store.series WHERE series_id >= ? AND series_id NOT IN
			(SELECT DISTINCT series_id FROM store.observations WHERE batch_id = ?)`, l.series.firstNew, l.batchID); err != nil {
			return res, err
		}
	}
	if err := refreshLabels(l.ctx, l.conn, int(l.batchID)); err != nil {
		return res, err
	}
	if err := exec(`INSERT INTO store.rejects SELECT ?, line, ?, value, reason FROM ingest_excluded WHERE rejected`,
		l.batchID, nullable(l.spec.ValueColumn)); err != nil {
		return res, err
	}
	if err := l.putBatch(res); err != nil {
		return res, err
	}
	if err := exec(`DROP TABLE ingest_excluded; DROP TABLE IF EXISTS ingest_repeated`); err != nil {
		return res, err
	}
	step("editions and batch")
	// Past this check the load commits: COMMIT is not interrupted, so that a load reported as
	// failed has never landed.
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if _, err := conn.ExecContext(context.Background(), "COMMIT"); err != nil {
		return res, err
	}
	step("commit")
	return res, nil
}

// suggestEconomies adds to the reason of each row rejected for an unknown economy the closest
// economies and groups the store knows, by code or name (Jaro-Winkler similarity of at least
// 0.8), for the first 100 distinct codes.
func (l *Load) suggestEconomies() error {
	const unknown = "unknown economy or group"
	closest := map[string]string{}
	for _, r := range l.rejects {
		if _, seen := closest[r.Value]; r.Reason != unknown || seen || len(closest) == 100 {
			continue
		}
		var names sql.NullString
		err := l.conn.QueryRowContext(l.ctx, `SELECT string_agg(code || ' (' || name || ')', ', ' ORDER BY similarity DESC, code)
			FROM (SELECT code, name, greatest(jaro_winkler_similarity(lower(name), lower($1)), jaro_winkler_similarity(lower(code), lower($1))) AS similarity
			      FROM (SELECT iso3 AS code, name FROM store.economies UNION ALL SELECT code, name FROM store.groups WHERE kind <> 'source')
			      ORDER BY similarity DESC, code LIMIT 3)
			WHERE similarity >= 0.8`, strings.TrimSpace(r.Value)).Scan(&names)
		if err != nil {
			return err
		}
		closest[r.Value] = ""
		if names.Valid {
			closest[r.Value] = "; the closest are " + names.String
		}
	}
	for i := range l.rejects {
		if r := &l.rejects[i]; r.Reason == unknown {
			r.Reason += closest[r.Value]
		}
	}
	return nil
}

// putRepeated writes the series and years the file gave more than once into a temporary table.
func (l *Load) putRepeated() error {
	if _, err := l.conn.ExecContext(l.ctx, `CREATE OR REPLACE TEMP TABLE ingest_repeated (series_id INTEGER, year SMALLINT)`); err != nil {
		return err
	}
	return withDriverConn(l.conn, func(drv driver.Conn) error {
		a, err := duckdb.NewAppender(drv, "temp", "main", "ingest_repeated")
		if err != nil {
			return err
		}
		for _, k := range l.years.repeated {
			if err := a.AppendRow(k.series, k.year); err != nil {
				a.Close()
				return err
			}
		}
		return a.Close()
	})
}

// firstRejects returns up to ten rejects by line, from both the row rules and the file rules.
func (l *Load) firstRejects(setRejected int64) ([]ingest.Reject, error) {
	const n = 10
	sort.SliceStable(l.rejects, func(i, j int) bool { return l.rejects[i].Line < l.rejects[j].Line })
	out := append([]ingest.Reject(nil), l.rejects[:min(n, len(l.rejects))]...)
	if setRejected > 0 {
		err := ScanRows(l.ctx, l.conn, fmt.Sprintf(`SELECT line, value, reason FROM ingest_excluded WHERE rejected ORDER BY line LIMIT %d`, n),
			func(r *sql.Rows) error {
				var rj ingest.Reject
				if err := r.Scan(&rj.Line, &rj.Value, &rj.Reason); err != nil {
					return err
				}
				out = append(out, rj)
				return nil
			})
		if err != nil {
			return nil, err
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	}
	return out[:min(n, len(out))], nil
}

// putOpenLists writes the sources, notes, age groups, source aggregates and series this load
// added.
func (l *Load) putOpenLists() error {
	return withDriverConn(l.conn, func(drv driver.Conn) error {
		texts := func(in *interner, table string, prefix ...driver.Value) error {
			rows := make([][]driver.Value, 0, len(in.added))
			for i, t := range in.added {
				id := in.firstNew + int32(i)
				row := append(append([]driver.Value{}, prefix...), driver.Value(id), t)
				if table == "codes" {
					row = []driver.Value{"age", int16(id), t, t}
				}
				rows = append(rows, row)
			}
			return appendRows(drv, table, rows)
		}
		if err := texts(l.sources, "sources"); err != nil {
			return err
		}
		if err := texts(l.notes, "notes"); err != nil {
			return err
		}
		if err := texts(l.ages, "codes"); err != nil {
			return err
		}
		var groups, groupCodes [][]driver.Value
		for i, code := range l.groups.added {
			id := l.groups.firstNew + int32(i)
			groups = append(groups, []driver.Value{id, code, l.names[code], "source", l.spec.File})
			scheme, raw, _ := strings.Cut(code, ":")
			groupCodes = append(groupCodes, []driver.Value{scheme, raw, id})
		}
		if err := appendRows(drv, "groups", groups); err != nil {
			return err
		}
		if err := appendRows(drv, "group_codes", groupCodes); err != nil {
			return err
		}
		series := make([][]driver.Value, 0, len(l.series.added))
		for i, k := range l.series.added {
			var econ, grp driver.Value
			if k.economy != 0 {
				econ = k.economy
			}
			if k.group != 0 {
				grp = k.group
			}
			series = append(series, []driver.Value{l.series.firstNew + int32(i), k.indicator, econ, grp,
				int16(k.sex), int16(k.area), k.age, l.edition})
		}
		if err := appendRows(drv, "series", series); err != nil {
			return err
		}
		rejects := make([][]driver.Value, 0, len(l.rejects))
		for _, r := range l.rejects {
			var line driver.Value
			if r.Line > 0 {
				line = r.Line
			}
			rejects = append(rejects, []driver.Value{l.batchID, line, nullable(clean(r.Column)), nullable(clean(r.Value)), clean(r.Reason)})
		}
		return appendRows(drv, "rejects", rejects)
	})
}

func (l *Load) putBatch(res Result) error {
	_, err := l.conn.ExecContext(l.ctx, `INSERT INTO store.batches (batch_id, file, sha256, bytes, format, edition_id,
		rows_read, rows_loaded, rows_unchanged, rows_rejected, started_at, finished_at, tool_version, options, replaces_series)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?, ?)`,
		l.batchID, l.spec.File, l.sha256, l.spec.Bytes, l.spec.Format, l.edition,
		res.RowsRead, res.RowsLoaded, res.RowsUnchanged, res.RowsRejected, l.started, l.spec.ToolVersion, nullable(l.spec.Options),
		l.spec.ReplacesSeries)
	return err
}

// clean makes text from a file safe to store: valid UTF-8 without NUL bytes.
func clean(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
