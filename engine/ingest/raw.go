// Package ingest reads the files statistical producers publish and turns them into Arrow record
// batches in one raw observation layout, whatever the source format.
//
// Readers do syntax only: they find records and fields and say which field is which. Every field
// stays text as written in the file, so that validation (engine/validate) can quote it back in a
// reject. Low-cardinality fields are dictionary-encoded per batch, so checking a code costs one
// lookup per distinct value rather than one per row.
package ingest

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Column positions of the raw observation layout.
const (
	ColLine      = iota // int32: line (or spreadsheet row) where the record starts, 1-based
	ColIndicator        // indicator code as written
	ColEconomy          // economy or aggregate code as written
	ColAggregate        // name of an aggregate the source declares as such (OWID regions), else null
	ColYear             // year as written
	ColSex              // sex as written, null when the file has no such field
	ColArea             // area (urban/rural) as written
	ColAge              // age group as written
	ColValue            // value as written (plain utf8, not dictionary-encoded)
	ColUnit             // unit as written
	ColFlag             // observation flag as written
	ColSource           // source text
	ColNote             // note text
	ColStdErr           // standard error of the value as written (plain utf8)
	ColLower            // lower bound of the value's interval as written (plain utf8)
	ColUpper            // upper bound of the value's interval as written (plain utf8)
	numColumns
)

// Numeric reports whether raw column col holds numbers as written, kept as plain text rather
// than dictionary-encoded: the value and its uncertainty.
func Numeric(col int) bool {
	return col == ColValue || col == ColStdErr || col == ColLower || col == ColUpper
}

// ColumnNames are the names of the raw columns, in ColLine..ColUpper order. Rejects name a column
// by the header the file used when there is one; these names are the fallback.
var ColumnNames = [numColumns]string{
	"line", "indicator", "economy", "aggregate", "year", "sex", "area", "age",
	"value", "unit", "flag", "source", "note", "se", "ci_low", "ci_high",
}

var dictType = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// Schema is the raw observation layout every reader produces.
var Schema = func() *arrow.Schema {
	fields := make([]arrow.Field, numColumns)
	for i, name := range ColumnNames {
		t := arrow.DataType(dictType)
		switch {
		case i == ColLine:
			t = arrow.PrimitiveTypes.Int32
		case Numeric(i):
			t = arrow.BinaryTypes.String
		}
		fields[i] = arrow.Field{Name: name, Type: t, Nullable: i != ColLine}
	}
	return arrow.NewSchema(fields, nil)
}()

// BatchRows is how many records a reader puts in one batch.
const BatchRows = 1 << 16

// RawBuilder accumulates records in the raw layout. Fields are passed as byte slices that may be
// reused by the caller after the call returns.
type RawBuilder struct {
	mem   memory.Allocator
	lines []int32
	dicts [numColumns]*dictColumn
	nums  [numColumns]*array.StringBuilder // the Numeric columns
	rows  int
}

// NewRawBuilder returns a builder whose batches are allocated from mem.
func NewRawBuilder(mem memory.Allocator) *RawBuilder {
	b := &RawBuilder{mem: mem}
	for i := range b.dicts {
		switch {
		case Numeric(i):
			b.nums[i] = array.NewStringBuilder(mem)
		case i != ColLine:
			b.dicts[i] = newDictColumn()
		}
	}
	b.lines = make([]int32, 0, BatchRows)
	return b
}

// StartRow begins a record that starts at the given line. Every column the caller does not set
// before the next StartRow or NewBatch is null.
func (b *RawBuilder) StartRow(line int32) {
	b.lines = append(b.lines, line)
	b.rows++
}

// Set stores field as column col of the current record. An empty field is null, except in the
// numeric columns, which keep it as written for validation to report.
func (b *RawBuilder) Set(col int, field []byte) {
	if nb := b.nums[col]; nb != nil {
		fillTo(nb, b.rows-1)
		nb.BinaryBuilder.Append(field)
		return
	}
	b.dicts[col].set(b.rows-1, field)
}

// SetString is Set for a field the reader already holds as a string.
func (b *RawBuilder) SetString(col int, field string) {
	if nb := b.nums[col]; nb != nil {
		fillTo(nb, b.rows-1)
		nb.Append(field)
		return
	}
	b.dicts[col].setString(b.rows-1, field)
}

// Rows is the number of records in the batch being built.
func (b *RawBuilder) Rows() int { return b.rows }

// fillTo pads a numeric column with nulls up to n rows.
func fillTo(nb *array.StringBuilder, n int) {
	for nb.Len() < n {
		nb.AppendNull()
	}
}

func (b *RawBuilder) fillNulls() {
	for _, nb := range b.nums {
		if nb != nil {
			fillTo(nb, b.rows)
		}
	}
	for _, d := range b.dicts {
		if d != nil {
			d.pad(b.rows)
		}
	}
}

// NewBatch returns the records built so far as one batch and resets the builder. The caller owns
// the batch and must Release it.
func (b *RawBuilder) NewBatch() arrow.RecordBatch {
	b.fillNulls()
	cols := make([]arrow.Array, numColumns)
	lines := array.NewInt32Builder(b.mem)
	lines.AppendValues(b.lines, nil)
	cols[ColLine] = lines.NewArray()
	lines.Release()
	for i, nb := range b.nums {
		if nb != nil {
			cols[i] = nb.NewArray()
		}
	}
	for i, d := range b.dicts {
		if d != nil {
			cols[i] = d.newArray(b.mem)
		}
	}
	rec := array.NewRecordBatch(Schema, cols, int64(b.rows))
	for _, c := range cols {
		c.Release()
	}
	b.lines = b.lines[:0]
	b.rows = 0
	return rec
}

// Release frees the builder's buffers.
func (b *RawBuilder) Release() {
	for _, nb := range b.nums {
		if nb != nil {
			nb.Release()
		}
	}
}

// dictColumn dictionary-encodes one column. Consecutive equal values are common in long files
// (a series is written year after year), so the previous value is checked before the map.
type dictColumn struct {
	memo    map[string]int32
	values  []string
	indices []int32 // -1 for null
	nulls   int
	lastKey []byte
	lastIdx int32
}

func newDictColumn() *dictColumn {
	return &dictColumn{memo: make(map[string]int32), lastIdx: -1}
}

func (d *dictColumn) pad(n int) {
	for len(d.indices) < n {
		d.indices = append(d.indices, -1)
		d.nulls++
	}
}

func (d *dictColumn) set(row int, field []byte) {
	d.pad(row)
	if len(field) == 0 {
		return
	}
	idx := d.lastIdx
	if idx < 0 || string(field) != string(d.lastKey) {
		var ok bool
		idx, ok = d.memo[string(field)]
		if !ok {
			idx = int32(len(d.values))
			s := string(field)
			d.values = append(d.values, s)
			d.memo[s] = idx
		}
		d.lastKey = append(d.lastKey[:0], field...)
		d.lastIdx = idx
	}
	d.indices = append(d.indices, idx)
}

func (d *dictColumn) setString(row int, field string) {
	d.pad(row)
	if field == "" {
		return
	}
	idx, ok := d.memo[field]
	if !ok {
		idx = int32(len(d.values))
		d.values = append(d.values, field)
		d.memo[field] = idx
	}
	d.indices = append(d.indices, idx)
}

func (d *dictColumn) newArray(mem memory.Allocator) arrow.Array {
	ib := array.NewInt32Builder(mem)
	defer ib.Release()
	if d.nulls == 0 {
		ib.AppendValues(d.indices, nil)
	} else {
		valid := make([]bool, len(d.indices))
		for i, x := range d.indices {
			if x >= 0 {
				valid[i] = true
			} else {
				d.indices[i] = 0
			}
		}
		ib.AppendValues(d.indices, valid)
	}
	indices := ib.NewArray()
	defer indices.Release()
	sb := array.NewStringBuilder(mem)
	defer sb.Release()
	sb.AppendValues(d.values, nil)
	dict := sb.NewArray()
	defer dict.Release()
	arr := array.NewDictionaryArray(dictType, indices, dict)
	clear(d.memo)
	d.values = d.values[:0]
	d.indices = d.indices[:0]
	d.nulls = 0
	d.lastIdx = -1
	return arr
}
