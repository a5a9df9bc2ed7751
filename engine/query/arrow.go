package query

import (
	"database/sql/driver"
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// batchRows is the number of rows per Arrow record batch (and Parquet write).
const batchRows = 16384

// arrowWriter writes an Arrow IPC stream, or a Parquet file (zstd) of the same columns. The
// column metadata carries DuckDB's type name under "duckdb.type".
type arrowWriter struct {
	w       io.Writer
	parquet bool

	mem    memory.Allocator
	schema *arrow.Schema
	b      *array.RecordBuilder
	cols   []Column
	n      int
	ipc    *ipc.Writer
	pq     *pqarrow.FileWriter
}

func (a *arrowWriter) Begin(cols []Column) error {
	a.cols = cols
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.Name, Type: c.Arrow, Nullable: true,
			Metadata: arrow.NewMetadata([]string{"duckdb.type"}, []string{c.DuckDBType})}
	}
	a.schema = arrow.NewSchema(fields, nil)
	a.mem = memory.DefaultAllocator
	a.b = array.NewRecordBuilder(a.mem, a.schema)
	if a.parquet {
		props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd),
			parquet.WithMaxRowGroupLength(1<<20), parquet.WithAllocator(a.mem))
		fw, err := pqarrow.NewFileWriter(a.schema, a.w, props, pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(a.mem), pqarrow.WithStoreSchema()))
		if err != nil {
			return err
		}
		a.pq = fw
		return nil
	}
	a.ipc = ipc.NewWriter(a.w, ipc.WithSchema(a.schema), ipc.WithAllocator(a.mem))
	return nil
}

func (a *arrowWriter) Row(vals []driver.Value) error {
	for i, v := range vals {
		if err := appendArrow(a.b.Field(i), v, a.cols[i].DuckDBType); err != nil {
			return fmt.Errorf("column %s: %w", a.cols[i].Name, err)
		}
	}
	a.n++
	if a.n >= batchRows {
		return a.flush()
	}
	return nil
}

func (a *arrowWriter) flush() error {
	if a.n == 0 {
		return nil
	}
	rec := a.b.NewRecordBatch()
	defer rec.Release()
	a.n = 0
	if a.pq != nil {
		return a.pq.WriteBuffered(rec)
	}
	return a.ipc.Write(rec)
}

// End writes the last batch and closes the stream or file; a result cut short by a limit is
// still a well-formed stream of the rows written.
func (a *arrowWriter) End(*Error) error {
	err := a.flush()
	a.b.Release()
	var cerr error
	if a.pq != nil {
		cerr = a.pq.Close()
	} else {
		cerr = a.ipc.Close()
	}
	if err == nil {
		err = cerr
	}
	return err
}

func appendArrow(b array.Builder, v driver.Value, duck string) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	switch x := b.(type) {
	case *array.StringBuilder:
		x.Append(Text(v, duck))
		return nil
	case *array.Float64Builder:
		f, ok := number(v)
		if !ok {
			return fmt.Errorf("%T is not a number", v)
		}
		x.Append(f)
		return nil
	case *array.Float32Builder:
		return put(x.Append, v)
	case *array.Int64Builder:
		return put(x.Append, v)
	case *array.Int32Builder:
		return put(x.Append, v)
	case *array.Int16Builder:
		return put(x.Append, v)
	case *array.Int8Builder:
		return put(x.Append, v)
	case *array.Uint64Builder:
		return put(x.Append, v)
	case *array.Uint32Builder:
		return put(x.Append, v)
	case *array.Uint16Builder:
		return put(x.Append, v)
	case *array.Uint8Builder:
		return put(x.Append, v)
	case *array.BooleanBuilder:
		return put(x.Append, v)
	case *array.BinaryBuilder:
		return put(x.Append, v)
	case *array.Date32Builder:
		return put(func(t time.Time) { x.Append(arrow.Date32FromTime(t)) }, v)
	case *array.TimestampBuilder:
		return put(func(t time.Time) { x.Append(arrow.Timestamp(t.UnixMicro())) }, v)
	}
	return fmt.Errorf("no Arrow builder for %T", v)
}

// put appends v to a builder of T, or says why it cannot.
func put[T any](appendValue func(T), v driver.Value) error {
	t, ok := v.(T)
	if !ok {
		var zero T
		return fmt.Errorf("value of type %T in a column of %T", v, zero)
	}
	appendValue(t)
	return nil
}
