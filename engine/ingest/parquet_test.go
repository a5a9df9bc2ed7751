package ingest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// parquetRow is a row of the long Parquet test files. A nil value and an empty note are null.
type parquetRow struct {
	indicator, economy string
	year               int64
	value              *float64
	note               string
}

func num(x float64) *float64 { return &x }

var parquetSchema = arrow.NewSchema([]arrow.Field{
	{Name: "indicator", Type: arrow.BinaryTypes.String},
	{Name: "economy", Type: arrow.BinaryTypes.String},
	{Name: "year", Type: arrow.PrimitiveTypes.Int64},
	{Name: "value", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "note", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// writeParquet writes a Parquet file called name with one row group per group of rows.
func writeParquet(t *testing.T, name string, groups ...[]parquetRow) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fw, err := pqarrow.NewFileWriter(parquetSchema, f, parquet.NewWriterProperties(), pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.NewGoAllocator(), parquetSchema)
	defer b.Release()
	for _, rows := range groups {
		for _, r := range rows {
			b.Field(0).(*array.StringBuilder).Append(r.indicator)
			b.Field(1).(*array.StringBuilder).Append(r.economy)
			b.Field(2).(*array.Int64Builder).Append(r.year)
			if r.value == nil {
				b.Field(3).AppendNull()
			} else {
				b.Field(3).(*array.Float64Builder).Append(*r.value)
			}
			if r.note == "" {
				b.Field(4).AppendNull()
			} else {
				b.Field(4).(*array.StringBuilder).Append(r.note)
			}
		}
		rec := b.NewRecordBatch()
		err := fw.Write(rec)
		rec.Release()
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestParquetValuesAsText(t *testing.T) {
	const ind = "IT.NET.USER.ZS"
	path := writeParquet(t, "ict.parquet", []parquetRow{
		{ind, "ABW", 2005, num(25.4), "revised"},
		{ind, "KEN", 2006, num(0.1), ""},
		{ind, "KEN", 2007, num(1234567), ""},
		{ind, "KEN", 2008, nil, ""},
		{ind, "KEN", 2009, num(-0.000012), ""},
		{ind, "KEN", 2010, num(1e21), ""},
		{ind, "KEN", 2011, num(100), ""},
		{ind, "KEN", 2012, num(0.30000000000000004), ""},
	})
	src, d := decodeFile(t, path, Options{})
	if src.Format != "parquet/long" {
		t.Errorf("format %q, want parquet/long", src.Format)
	}
	row := func(line int32, year, value string) obs {
		return obs{Line: line, Indicator: ind, Economy: "KEN", Year: year, Value: value}
	}
	checkRows(t, d.rows, []obs{
		{Line: 1, Indicator: ind, Economy: "ABW", Year: "2005", Value: "25.4", Note: "revised"},
		row(2, "2006", "0.1"),
		row(3, "2007", "1.234567e+06"),
		row(4, "2008", ""),
		row(5, "2009", "-1.2e-05"),
		row(6, "2010", "1e+21"),
		row(7, "2011", "100"),
		row(8, "2012", "0.30000000000000004"),
	})
	if d.nulls[ColNote] != 7 {
		t.Errorf("note column has %d nulls, want 7", d.nulls[ColNote])
	}
	checkSHA256(t, src, path)
}

func TestParquetLinesAcrossRowGroupsAndChunks(t *testing.T) {
	// 70,000 rows in row groups of 50,000 and 20,000, read in chunks of BatchRows.
	var groups [2][]parquetRow
	for i := range 70000 {
		g := 0
		if i >= 50000 {
			g = 1
		}
		groups[g] = append(groups[g], parquetRow{"x", fmt.Sprintf("E%05d", i), 2000, num(1), ""})
	}
	path := writeParquet(t, "many.pq", groups[:]...)
	_, d := decodeFile(t, path, Options{})
	if d.chunks < 2 {
		t.Errorf("%d chunks, want at least 2", d.chunks)
	}
	if len(d.rows) != 70000 {
		t.Fatalf("%d rows, want 70000", len(d.rows))
	}
	for i, r := range d.rows {
		if r.Line != int32(i+1) || r.Economy != fmt.Sprintf("E%05d", i) {
			t.Fatalf("row %d: line %d, economy %s; want line %d, economy E%05d", i, r.Line, r.Economy, i+1, i)
		}
	}
}

func TestParquetColumnOfAnUnreadableType(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "indicator", Type: arrow.BinaryTypes.String},
		{Name: "when", Type: arrow.FixedWidthTypes.Date32},
	}, nil)
	path := filepath.Join(t.TempDir(), "dates.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.NewGoAllocator(), schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).Append("x")
	b.Field(1).(*array.Date32Builder).Append(arrow.Date32(19000))
	rec := b.NewRecordBatch()
	defer rec.Release()
	if err := pqarrow.WriteTable(array.NewTableFromRecords(schema, []arrow.RecordBatch{rec}), f, 10,
		parquet.NewWriterProperties(), pqarrow.DefaultWriterProps()); err != nil {
		t.Fatal(err)
	}
	f.Close()
	src, err := Open(path, Options{})
	if err == nil {
		src.Close()
		t.Fatal("Open succeeded")
	}
	checkFormatError(t, err, "dates.parquet", `column "when" has type date32`)
}

func TestParquetNotAParquetFile(t *testing.T) {
	openFails(t, "fake.parquet", longFile, Options{}, "not a readable Parquet file")
}

// TestParquetDamagedPageRefusesTheFile checks that a page the Parquet reader cannot read, found
// after the file opened, refuses the file rather than failing as the machine's fault.
func TestParquetDamagedPageRefusesTheFile(t *testing.T) {
	var rows []parquetRow
	for i := range 1000 {
		rows = append(rows, parquetRow{"x", fmt.Sprintf("E%04d", i), 2000, num(1), ""})
	}
	path := writeParquet(t, "damaged.parquet", rows)
	// Overwrite the header of the first data page of the economy column.
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := pf.MetaData().RowGroup(0).ColumnChunk(1)
	if err != nil {
		t.Fatal(err)
	}
	offset := cc.DataPageOffset()
	if d := cc.DictionaryPageOffset(); d > 0 {
		offset = d
	}
	pf.Close()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xFF}, 24), offset); err != nil {
		t.Fatal(err)
	}
	f.Close()

	src := openSource(t, path, Options{})
	_, err = readAll(src, memory.NewGoAllocator())
	if err == nil {
		t.Fatal("the damaged file was read")
	}
	checkFormatError(t, err, "row 1: parquet: ")
}
