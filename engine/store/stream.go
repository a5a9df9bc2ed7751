package store

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"
)

// rowSchema is the layout of the batches streamed into the observations table: one row per
// observation, keyed by series.
var rowSchema = arrow.NewSchema([]arrow.Field{
	{Name: "line", Type: arrow.PrimitiveTypes.Int32},
	{Name: "series_id", Type: arrow.PrimitiveTypes.Int32},
	{Name: "year", Type: arrow.PrimitiveTypes.Int16},
	{Name: "value", Type: arrow.PrimitiveTypes.Float64},
	{Name: "flag", Type: arrow.PrimitiveTypes.Int16},
	{Name: "source_id", Type: arrow.PrimitiveTypes.Int32}, // 0: none
	{Name: "note_id", Type: arrow.PrimitiveTypes.Int32},   // 0: none
	{Name: "se", Type: arrow.PrimitiveTypes.Float64},      // NaN: none
	{Name: "ci_low", Type: arrow.PrimitiveTypes.Float64},  // NaN: none
	{Name: "ci_high", Type: arrow.PrimitiveTypes.Float64}, // NaN: none
}, nil)

// streamFunction is the name of the table function through which DuckDB pulls a load's batches:
// SELECT * FROM ictstat_stream(handle).
const streamFunction = "ictstat_stream"

// rowStream hands Arrow batches in rowSchema to DuckDB as the table function's output. DuckDB
// threads pull batches from the channel concurrently and copy their columns into vectors.
type rowStream struct {
	ctx     context.Context
	batches chan arrow.RecordBatch
	rows    atomic.Int64

	mu      sync.Mutex
	cursors []*cursor
}

// streams holds the streams of loads in progress.
var streams = &handles[*rowStream]{missing: func(h int64) error { return fmt.Errorf("no load in progress with handle %d", h) }}

func openStream(ctx context.Context) (int64, *rowStream) {
	s := &rowStream{ctx: ctx, batches: make(chan arrow.RecordBatch, 4)}
	return streams.add(s), s
}

func closeStream(handle int64) { streams.remove(handle) }

// registerStream makes the table function known on conn.
func registerStream(conn *sql.Conn) error {
	return registerHandleFunction(conn, streamFunction, streams)
}

// handles holds the sources of rows of the table functions in use, by a handle the SQL passes.
type handles[T duckdb.ParallelChunkTableSource] struct {
	missing func(h int64) error // the error when no source has the handle
	sync.Mutex
	next int64
	m    map[int64]T
}

func (hs *handles[T]) add(s T) int64 {
	hs.Lock()
	defer hs.Unlock()
	if hs.m == nil {
		hs.m = map[int64]T{}
	}
	hs.next++
	hs.m[hs.next] = s
	return hs.next
}

func (hs *handles[T]) remove(h int64) {
	hs.Lock()
	defer hs.Unlock()
	delete(hs.m, h)
}

// registerHandleFunction registers on conn the table function name(handle), whose rows come from
// the source hs holds under the handle. A function registered before is kept.
func registerHandleFunction[T duckdb.ParallelChunkTableSource](conn *sql.Conn, name string, hs *handles[T]) error {
	bigint, err := duckdb.NewTypeInfo(duckdb.TYPE_BIGINT)
	if err != nil {
		return err
	}
	err = duckdb.RegisterTableUDF(conn, name, duckdb.ParallelChunkTableFunction{
		Config: duckdb.TableFunctionConfig{Arguments: []duckdb.TypeInfo{bigint}},
		BindArguments: func(_ map[string]any, args ...any) (duckdb.ParallelChunkTableSource, error) {
			h, _ := args[0].(int64)
			hs.Lock()
			s, ok := hs.m[h]
			hs.Unlock()
			if !ok {
				return nil, hs.missing(h)
			}
			return s, nil
		},
	})
	if err != nil && strings.Contains(err.Error(), "already exists") {
		return nil
	}
	return err
}

func typeInfo(t duckdb.Type) duckdb.TypeInfo {
	ti, err := duckdb.NewTypeInfo(t)
	if err != nil {
		panic(err) // only for the fixed primitive types below
	}
	return ti
}

// ColumnInfos is the layout of the rows the function returns.
func (s *rowStream) ColumnInfos() []duckdb.ColumnInfo {
	return []duckdb.ColumnInfo{
		{Name: "line", T: typeInfo(duckdb.TYPE_INTEGER)},
		{Name: "series_id", T: typeInfo(duckdb.TYPE_INTEGER)},
		{Name: "year", T: typeInfo(duckdb.TYPE_SMALLINT)},
		{Name: "value", T: typeInfo(duckdb.TYPE_DOUBLE)},
		{Name: "flag", T: typeInfo(duckdb.TYPE_SMALLINT)},
		{Name: "source_id", T: typeInfo(duckdb.TYPE_INTEGER)},
		{Name: "note_id", T: typeInfo(duckdb.TYPE_INTEGER)},
		{Name: "se", T: typeInfo(duckdb.TYPE_DOUBLE)},
		{Name: "ci_low", T: typeInfo(duckdb.TYPE_DOUBLE)},
		{Name: "ci_high", T: typeInfo(duckdb.TYPE_DOUBLE)},
	}
}

// Cardinality is unknown until the file has been read.
func (s *rowStream) Cardinality() *duckdb.CardinalityInfo { return nil }

// Init lets DuckDB pull with as many threads as there are cores.
func (s *rowStream) Init() duckdb.ParallelTableSourceInfo {
	return duckdb.ParallelTableSourceInfo{MaxThreads: runtime.NumCPU()}
}

// cursor is one DuckDB thread's position in the batch it is copying.
type cursor struct {
	rec    arrow.RecordBatch
	pos    int
	line   []int32
	series []int32
	year   []int16
	value  []float64
	flag   []int16
	source []int32
	note   []int32
	se     []float64
	lower  []float64
	upper  []float64
}

// NewLocalState returns a thread's cursor.
func (s *rowStream) NewLocalState() any {
	c := &cursor{}
	s.mu.Lock()
	s.cursors = append(s.cursors, c)
	s.mu.Unlock()
	return c
}

// FillChunk copies up to one vector's worth of rows from the thread's current batch, taking the
// next batch from the channel when it is used up. A closed channel ends the stream.
func (s *rowStream) FillChunk(local any, chunk duckdb.DataChunk) error {
	c := local.(*cursor)
	if c.rec == nil || c.pos == len(c.line) {
		if c.rec != nil {
			c.rec.Release()
			c.rec = nil
		}
		select {
		case rec, ok := <-s.batches:
			if !ok {
				return chunk.SetSize(0)
			}
			c.set(rec)
		case <-s.ctx.Done():
			return s.ctx.Err()
		}
	}
	n := min(duckdb.GetDataChunkCapacity(), len(c.line)-c.pos)
	for i := 0; i < n; i++ {
		r := c.pos + i
		if err := duckdb.SetChunkValue(chunk, 0, i, c.line[r]); err != nil {
			return err
		}
		duckdb.SetChunkValue(chunk, 1, i, c.series[r])
		duckdb.SetChunkValue(chunk, 2, i, c.year[r])
		duckdb.SetChunkValue(chunk, 3, i, c.value[r])
		duckdb.SetChunkValue(chunk, 4, i, c.flag[r])
		duckdb.SetChunkValue(chunk, 5, i, c.source[r])
		duckdb.SetChunkValue(chunk, 6, i, c.note[r])
		duckdb.SetChunkValue(chunk, 7, i, c.se[r])
		duckdb.SetChunkValue(chunk, 8, i, c.lower[r])
		duckdb.SetChunkValue(chunk, 9, i, c.upper[r])
	}
	c.pos += n
	s.rows.Add(int64(n))
	return chunk.SetSize(n)
}

func (c *cursor) set(rec arrow.RecordBatch) {
	c.rec, c.pos = rec, 0
	c.line = rec.Column(0).(*array.Int32).Int32Values()
	c.series = rec.Column(1).(*array.Int32).Int32Values()
	c.year = rec.Column(2).(*array.Int16).Int16Values()
	c.value = rec.Column(3).(*array.Float64).Float64Values()
	c.flag = rec.Column(4).(*array.Int16).Int16Values()
	c.source = rec.Column(5).(*array.Int32).Int32Values()
	c.note = rec.Column(6).(*array.Int32).Int32Values()
	c.se = rec.Column(7).(*array.Float64).Float64Values()
	c.lower = rec.Column(8).(*array.Float64).Float64Values()
	c.upper = rec.Column(9).(*array.Float64).Float64Values()
}

// release frees the batches the stream still holds once DuckDB has stopped pulling: those the
// threads were copying and those left in the channel.
func (s *rowStream) release() {
	s.mu.Lock()
	for _, c := range s.cursors {
		if c.rec != nil {
			c.rec.Release()
			c.rec = nil
		}
	}
	s.mu.Unlock()
	s.drain()
}

// drain releases batches left in the channel.
func (s *rowStream) drain() {
	for {
		select {
		case rec, ok := <-s.batches:
			if !ok {
				return
			}
			rec.Release()
		default:
			return
		}
	}
}
