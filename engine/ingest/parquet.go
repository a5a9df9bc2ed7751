package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// openParquet reads a Parquet file whose column names form a layout header (usually long:
// indicator, economy, year, value, ...). Columns of any scalar type are read as their text, so
// that validation treats them like CSV fields; the record number is the line.
func openParquet(f *os.File, size int64, opts Options) (*Source, error) {
	pf, err := file.NewParquetReader(f)
	if err != nil {
		return nil, fmt.Errorf("not a readable Parquet file: %w", err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: BatchRows}, memory.DefaultAllocator)
	if err != nil {
		pf.Close()
		return nil, err
	}
	schema, err := fr.Schema()
	if err != nil {
		pf.Close()
		return nil, err
	}
	header := make([]string, schema.NumFields())
	for i, fld := range schema.Fields() {
		if !textable(fld.Type) {
			pf.Close()
			return nil, fmt.Errorf("column %q has type %s, which cannot hold an observation field", Cut(fld.Name), fld.Type)
		}
		header[i] = fld.Name
	}
	format, tl, err := layoutFor("parquet", header, opts)
	if err != nil {
		pf.Close()
		return nil, err
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		pf.Close()
		return nil, err
	}
	total := pf.NumRows()
	var rowsRead int64
	src := &Source{
		Format:          "parquet/" + format,
		IndicatorScheme: tl.indicatorScheme,
		EconomyScheme:   tl.economyScheme,
		Names:           tl.names,
		size:            size,
		close: func() error {
			rr.Release()
			return pf.Close()
		},
	}
	src.offset = func() int64 {
		if total == 0 {
			return size
		}
		return size * rowsRead / total
	}
	// A read error is the file's fault (a damaged page, a bad encoding) unless the system says
	// otherwise.
	next := func() (Chunk, error) {
		if !rr.Next() {
			if err := rr.Err(); err != nil && err != io.EOF {
				return nil, contentError(fmt.Errorf("row %d: %w", rowsRead+1, err))
			}
			return nil, io.EOF
		}
		rec := rr.RecordBatch()
		rec.Retain()
		c := &parquetChunk{rec: rec, layout: tl.layout, firstRow: rowsRead + 1}
		rowsRead += rec.NumRows()
		return c, nil
	}
	src.next = func() (Chunk, error) { return guard(next) }
	return src, nil
}

// textable reports whether values of type t can be read as text.
func textable(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY, arrow.INT8, arrow.INT16, arrow.INT32,
		arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64, arrow.FLOAT32,
		arrow.FLOAT64, arrow.BOOL:
		return true
	case arrow.DICTIONARY:
		return textable(t.(*arrow.DictionaryType).ValueType)
	}
	return false
}

// parquetChunk is one record batch of a Parquet file.
type parquetChunk struct {
	rec      arrow.RecordBatch
	layout   layout
	firstRow int64
}

// Decode writes each row's columns as text and maps them through the layout.
func (c *parquetChunk) Decode(mem memory.Allocator) (*Batch, error) {
	defer c.rec.Release()
	b := NewRawBuilder(mem)
	defer b.Release()
	ncols := int(c.rec.NumCols())
	fields := make([][]byte, ncols)
	bufs := make([][]byte, ncols)
	var rejects []Reject
	for row := 0; row < int(c.rec.NumRows()); row++ {
		for col := 0; col < ncols; col++ {
			bufs[col] = appendText(bufs[col][:0], c.rec.Column(col), row)
			fields[col] = bufs[col]
		}
		line := c.firstRow + int64(row)
		if line > 1<<31-1 {
			return nil, &FormatError{errors.New("more than 2,147,483,647 rows: split the file")}
		}
		if reason := c.layout.appendRecord(b, int32(line), fields); reason != "" {
			rejects = append(rejects, Reject{Line: line, Reason: reason})
		}
	}
	return &Batch{Record: b.NewBatch(), Rejects: rejects}, nil
}

// appendText appends the text of arr[row] to dst; null is empty. Floats are written in the
// shortest form that reads back to the same value.
func appendText(dst []byte, arr arrow.Array, row int) []byte {
	if arr.IsNull(row) {
		return dst
	}
	switch a := arr.(type) {
	case *array.String:
		return append(dst, a.Value(row)...)
	case *array.LargeString:
		return append(dst, a.Value(row)...)
	case *array.Binary:
		return append(dst, a.Value(row)...)
	case *array.Dictionary:
		return appendText(dst, a.Dictionary(), a.GetValueIndex(row))
	case *array.Float64:
		return strconv.AppendFloat(dst, a.Value(row), 'g', -1, 64)
	case *array.Float32:
		return strconv.AppendFloat(dst, float64(a.Value(row)), 'g', -1, 32)
	case *array.Boolean:
		return strconv.AppendBool(dst, a.Value(row))
	}
	return append(dst, arr.ValueStr(row)...)
}
