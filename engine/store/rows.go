package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"runtime"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// The derived tables take millions of rows from Go. They reach DuckDB through one INSERT …
// SELECT per table that reads them from the table function rowsFunction while they are being
// made: batches of rows, column by column, a number as a float64 (NaN for NULL) that the INSERT
// casts to the column's type, a text as a string. Every core copies batches into the table, in
// no particular order: a derived table is a set of rows.

// rowsFunction is the name of the table function through which an INSERT reads the rows handed
// over: SELECT * FROM ictstat_rows(handle).
const rowsFunction = "ictstat_rows"

// batchRows is the size of a batch.
const batchRows = 16 * 2048

// rowBatch is a batch of rows, column by column: numbers[c] for a numeric column c, texts[c]
// (with nulls[c]) for a text column.
type rowBatch struct {
	numbers [][]float64
	texts   [][]string
	nulls   [][]bool
	n       int
}

// rowSource hands the batches a producer sends to the DuckDB threads that read them.
type rowSource struct {
	ctx   context.Context
	text  []bool // by column
	term  []bool // by column: a text stored as its term_id (migration 0018)
	terms *terms
	full  chan *rowBatch
	free  chan *rowBatch
}

// rowCursor is one DuckDB thread's position in the batch it is copying.
type rowCursor struct {
	b   *rowBatch
	pos int
}

// sources holds the sources of inserts in progress.
var sources = &handles[*rowSource]{missing: func(h int64) error { return fmt.Errorf("no rows being inserted with handle %d", h) }}

// ColumnInfos: c1, c2, …, VARCHAR for a text and DOUBLE for a number.
func (s *rowSource) ColumnInfos() []duckdb.ColumnInfo {
	cols := make([]duckdb.ColumnInfo, len(s.text))
	for i, text := range s.text {
		t := duckdb.TYPE_DOUBLE
		if text {
			t = duckdb.TYPE_VARCHAR
		}
		cols[i] = duckdb.ColumnInfo{Name: fmt.Sprintf("c%d", i+1), T: typeInfo(t)}
	}
	return cols
}

// Cardinality is unknown until the rows have been made.
func (s *rowSource) Cardinality() *duckdb.CardinalityInfo { return nil }

// Init lets DuckDB read with as many threads as there are cores.
func (s *rowSource) Init() duckdb.ParallelTableSourceInfo {
	return duckdb.ParallelTableSourceInfo{MaxThreads: runtime.NumCPU()}
}

// NewLocalState returns a thread's cursor.
func (s *rowSource) NewLocalState() any { return &rowCursor{} }

// FillChunk copies up to one vector's worth of rows from the thread's batch, taking the next
// batch when it is used up and giving the used one back. The end of the rows ends the stream.
func (s *rowSource) FillChunk(local any, chunk duckdb.DataChunk) error {
	c := local.(*rowCursor)
	if c.b == nil || c.pos == c.b.n {
		if c.b != nil {
			s.free <- c.b
			c.b = nil
		}
		select {
		case b, ok := <-s.full:
			if !ok {
				return chunk.SetSize(0)
			}
			c.b, c.pos = b, 0
		case <-s.ctx.Done():
			return s.ctx.Err()
		}
	}
	n := min(duckdb.GetDataChunkCapacity(), c.b.n-c.pos)
	for col, text := range s.text {
		var err error
		if text {
			nulls := c.b.nulls[col][c.pos : c.pos+n]
			for i, v := range c.b.texts[col][c.pos : c.pos+n] {
				if nulls[i] {
					err = duckdb.SetChunkValue[any](chunk, col, i, nil)
				} else {
					err = duckdb.SetChunkValue(chunk, col, i, v)
				}
				if err != nil {
					return err
				}
			}
			continue
		}
		for i, v := range c.b.numbers[col][c.pos : c.pos+n] {
			if err = duckdb.SetChunkValue(chunk, col, i, v); err != nil {
				return err
			}
		}
	}
	c.pos += n
	return chunk.SetSize(n)
}

// Row is one row being set out for a derived table, its columns in the table's order.
type Row struct {
	s   *rowSource
	b   *rowBatch
	col int
}

func (r *Row) number(v float64) {
	if r.col < len(r.s.text) && !r.s.text[r.col] {
		r.b.numbers[r.col][r.b.n] = v
	}
	r.col++
}

func (r *Row) text(s string, null bool) {
	switch {
	case r.col >= len(r.s.text):
	case r.s.text[r.col]:
		r.b.texts[r.col][r.b.n], r.b.nulls[r.col][r.b.n] = s, null
	case r.s.term[r.col] && null:
		r.b.numbers[r.col][r.b.n] = math.NaN()
	case r.s.term[r.col]:
		r.b.numbers[r.col][r.b.n] = float64(r.s.terms.id(s))
	}
	r.col++
}

// Text sets a text column.
func (r *Row) Text(s string) { r.text(s, false) }

// TextOrNull sets a text column, NULL when s is empty.
func (r *Row) TextOrNull(s string) { r.text(s, s == "") }

// Number sets a numeric column, NULL when v is NaN.
func (r *Row) Number(v float64) { r.number(v) }

// Int sets an integer column.
func (r *Row) Int(v int) { r.number(float64(v)) }

// Year sets a year column, NULL when y is 0.
func (r *Row) Year(y int) {
	if y == 0 {
		r.number(math.NaN())
		return
	}
	r.Int(y)
}

// Bool sets a boolean column.
func (r *Row) Bool(v bool) {
	if v {
		r.number(1)
		return
	}
	r.number(0)
}

// insertRows inserts into store.table the rows produce emits, each set out by fill in the
// table's columns, and returns how many there were. The rows are inserted as they are made; the
// texts of _term columns are numbered in ts, which gains the texts it lacked.
func insertRows[T any](ctx context.Context, conn *sql.Conn, table string, ts *terms, produce func(emit func(T) error) error, fill func(T, *Row)) (int, error) {
	if err := registerHandleFunction(conn, rowsFunction, sources); err != nil {
		return 0, err
	}
	names, types, err := columns(ctx, conn, table)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &rowSource{ctx: ctx, text: make([]bool, len(types)), term: make([]bool, len(types)), terms: ts, full: make(chan *rowBatch, 1)}
	exprs := make([]string, len(types))
	for i, t := range types {
		s.text[i] = t == "VARCHAR"
		s.term[i] = t == "INTEGER" && strings.HasSuffix(names[i], "_term")
		switch t {
		case "VARCHAR":
			exprs[i] = fmt.Sprintf("c%d", i+1)
		case "DOUBLE":
			exprs[i] = fmt.Sprintf("nullif(c%d, 'NaN'::DOUBLE)", i+1)
		default:
			exprs[i] = fmt.Sprintf("nullif(c%d, 'NaN'::DOUBLE)::%s", i+1, t)
		}
	}
	// A batch for each thread, one being filled and one waiting.
	workers := runtime.NumCPU()
	s.free = make(chan *rowBatch, workers+2)
	for range workers + 2 {
		b := &rowBatch{numbers: make([][]float64, len(types)), texts: make([][]string, len(types)), nulls: make([][]bool, len(types))}
		for i, text := range s.text {
			if text {
				b.texts[i], b.nulls[i] = make([]string, batchRows), make([]bool, batchRows)
			} else {
				b.numbers[i] = make([]float64, batchRows)
			}
		}
		s.free <- b
	}
	h := sources.add(s)
	defer sources.remove(h)
	inserted := make(chan error, 1)
	go func() {
		// The rows' order is not kept: each thread stores what it copies (where the store's
		// configuration is locked, they are stored in order).
		var locked bool
		err := conn.QueryRowContext(ctx, "SELECT current_setting('lock_configuration')").Scan(&locked)
		unordered := err == nil && !locked
		if unordered {
			_, err = conn.ExecContext(ctx, "SET preserve_insertion_order = false")
		}
		if err == nil {
			_, err = conn.ExecContext(ctx, fmt.Sprintf("INSERT INTO store.%s SELECT %s FROM %s(?)", table, strings.Join(exprs, ", "), rowsFunction), h)
		}
		if unordered {
			if _, rerr := conn.ExecContext(context.Background(), "RESET preserve_insertion_order"); err == nil {
				err = rerr
			}
		}
		if err != nil {
			cancel() // the producer stops at its next batch
		}
		inserted <- err
	}()
	n := 0
	r := &Row{s: s}
	take := func() error {
		select {
		case r.b = <-s.free:
			r.b.n = 0
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	send := func() error {
		select {
		case s.full <- r.b:
			r.b = nil
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	err = take()
	if err == nil {
		err = produce(func(x T) error {
			r.col = 0
			fill(x, r)
			if r.col != len(types) {
				return fmt.Errorf("store.%s has %d columns; the row set out %d", table, len(types), r.col)
			}
			r.b.n++
			n++
			if r.b.n < batchRows {
				return nil
			}
			if err := send(); err != nil {
				return err
			}
			return take()
		})
	}
	if err == nil && r.b != nil && r.b.n > 0 {
		err = send()
	}
	if err != nil {
		cancel()
	}
	close(s.full)
	ierr := <-inserted
	s.release()
	if ierr != nil && (err == nil || err == context.Canceled) {
		err = ierr // the insert's own failure, rather than the cancellation it caused
	}
	if err != nil {
		return 0, fmt.Errorf("append to %s: %w", table, err)
	}
	return n, nil
}

// release lets go of the batches once DuckDB has stopped reading.
func (s *rowSource) release() {
	for range s.full { // batches never read after a failure
	}
}

// columns lists the names and types of store.table's columns in order.
func columns(ctx context.Context, conn *sql.Conn, table string) (names, types []string, err error) {
	rs, err := conn.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'store' AND table_name = ? ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, nil, err
	}
	defer rs.Close()
	for rs.Next() {
		var n, t string
		if err := rs.Scan(&n, &t); err != nil {
			return nil, nil, err
		}
		names, types = append(names, n), append(types, t)
	}
	return names, types, rs.Err()
}
