package export

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"math"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/ictstat/ictstat/engine/query"
)

// Workbook is an XLSX file being written: one sheet per table, then a sheet of notes. Its
// document properties carry a fixed date, so that the same tables give the same bytes.
type Workbook struct {
	f      *excelize.File
	bold   int
	sheets map[string]bool
}

// NewWorkbook starts a workbook whose properties name its title and creator and carry date.
func NewWorkbook(title, creator string, date time.Time) (*Workbook, error) {
	f := excelize.NewFile()
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter { return &sortedZip{w: w, parts: map[string]*bytes.Buffer{}} })
	stamp := date.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Title: title, Creator: creator, LastModifiedBy: creator,
		Created: stamp, Modified: stamp}); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	return &Workbook{f: f, bold: bold, sheets: map[string]bool{}}, nil
}

// sheetName makes name a valid, unused sheet name: at most 31 characters, none of []:*?/\.
func (b *Workbook) sheetName(name string) string {
	clean := []rune{}
	for _, r := range name {
		switch r {
		case '[', ']', ':', '*', '?', '/', '\\':
			r = '_'
		}
		clean = append(clean, r)
	}
	if len(clean) > 31 {
		clean = clean[:31]
	}
	s := string(clean)
	for i := 2; b.sheets[s]; i++ {
		suffix := fmt.Sprintf(" (%d)", i)
		s = string(clean[:min(len(clean), 31-len(suffix))]) + suffix
	}
	b.sheets[s] = true
	return s
}

// AddTable runs t on conn and writes its rows to a new sheet, with a bold header row. It
// returns the rows written.
func (b *Workbook) AddTable(ctx context.Context, conn *sql.Conn, t Table) (int64, error) {
	name := b.sheetName(t.Name)
	first := len(b.sheets) == 1
	if first {
		if err := b.f.SetSheetName("Sheet1", name); err != nil {
			return 0, err
		}
	} else if _, err := b.f.NewSheet(name); err != nil {
		return 0, err
	}
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return 0, err
	}
	n, err := run(ctx, conn, t, func(io.Writer) query.Writer { return &sheetWriter{sw: sw, bold: b.bold} }, io.Discard)
	if err != nil {
		return n, err
	}
	return n, sw.Flush()
}

// AddRows writes rows of values to a new sheet under a bold header row: numbers as numbers
// (NaN and infinities empty), text as text, nil empty. It returns the rows written.
func (b *Workbook) AddRows(name string, header []string, rows iter.Seq[[]any]) (int64, error) {
	name = b.sheetName(name)
	if len(b.sheets) == 1 {
		if err := b.f.SetSheetName("Sheet1", name); err != nil {
			return 0, err
		}
	} else if _, err := b.f.NewSheet(name); err != nil {
		return 0, err
	}
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return 0, err
	}
	vals := make([]any, len(header))
	for i, h := range header {
		sw.SetColWidth(i+1, i+1, math.Max(10, float64(len(h))+2))
		vals[i] = excelize.Cell{StyleID: b.bold, Value: h}
	}
	if err := sw.SetRow("A1", vals); err != nil {
		return 0, err
	}
	var n int64
	for r := range rows {
		n++
		if n+1 > maxSheetRows {
			return n, fmt.Errorf("an XLSX sheet holds at most %d rows with its header", maxSheetRows)
		}
		for i, v := range r {
			if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
				v = nil
			}
			r[i] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, int(n)+1)
		if err := sw.SetRow(cell, r); err != nil {
			return n, err
		}
	}
	return n, sw.Flush()
}

// AddNotes writes a sheet of notes: rows of text under a bold first row.
func (b *Workbook) AddNotes(name string, rows [][]string) error {
	name = b.sheetName(name)
	if _, err := b.f.NewSheet(name); err != nil {
		return err
	}
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	widths := map[int]int{}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for i := 0; i < len(widths); i++ {
		sw.SetColWidth(i+1, i+1, math.Min(80, float64(widths[i])+2))
	}
	for i, r := range rows {
		vals := make([]any, len(r))
		for j, c := range r {
			if i == 0 {
				vals[j] = excelize.Cell{StyleID: b.bold, Value: c}
			} else {
				vals[j] = c
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// Write writes the workbook to w.
func (b *Workbook) Write(w io.Writer) error {
	_, err := b.f.WriteTo(w)
	if cerr := b.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// sheetWriter writes a query's rows into a sheet: numbers as numbers, text as text, NULL empty.
type sheetWriter struct {
	sw   *excelize.StreamWriter
	bold int
	cols []query.Column
	row  int
	vals []any
}

func (s *sheetWriter) Begin(cols []query.Column) error {
	s.cols = cols
	s.vals = make([]any, len(cols))
	for i, c := range cols {
		s.sw.SetColWidth(i+1, i+1, math.Max(10, float64(len(c.Name))+2))
		s.vals[i] = excelize.Cell{StyleID: s.bold, Value: c.Name}
	}
	s.row = 1
	return s.sw.SetRow("A1", s.vals)
}

// maxSheetRows is the most rows a worksheet holds.
const maxSheetRows = 1 << 20

func (s *sheetWriter) Row(vals []driver.Value) error {
	s.row++
	if s.row > maxSheetRows {
		return fmt.Errorf("an XLSX sheet holds at most %d rows with its header: narrow the table, or write it as CSV or Parquet", maxSheetRows)
	}
	for i, v := range vals {
		switch x := v.(type) {
		case nil:
			s.vals[i] = nil
		case string, bool, int64, int32, int16, int8, uint64, uint32, uint16, uint8:
			s.vals[i] = x
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				s.vals[i] = nil
			} else {
				s.vals[i] = x
			}
		default:
			s.vals[i] = query.Text(v, s.cols[i].DuckDBType)
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return err
	}
	return s.sw.SetRow(cell, s.vals)
}

func (s *sheetWriter) End(*query.Error) error { return nil }

// sortedZip writes the parts of a workbook in the order of their names, so that the same
// workbook gives the same bytes (excelize hands them over in no fixed order).
type sortedZip struct {
	w     io.Writer
	parts map[string]*bytes.Buffer
}

func (z *sortedZip) Create(name string) (io.Writer, error) {
	if _, dup := z.parts[name]; dup {
		return nil, fmt.Errorf("workbook part %s written twice", name)
	}
	b := &bytes.Buffer{}
	z.parts[name] = b
	return b, nil
}

func (z *sortedZip) AddFS(fs.FS) error { return errors.New("a workbook adds no file system") }

func (z *sortedZip) Close() error {
	names := make([]string, 0, len(z.parts))
	for n := range z.parts {
		names = append(names, n)
	}
	sort.Strings(names)
	zw := zip.NewWriter(z.w)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			return err
		}
		if _, err := z.parts[n].WriteTo(w); err != nil {
			return err
		}
	}
	return zw.Close()
}
