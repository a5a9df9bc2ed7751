package ingest

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/xuri/excelize/v2"
)

// headerSearchRows is how far down a sheet the header row is looked for; producers often put a
// title and notes above the table.
const headerSearchRows = 30

// openXLSX reads one sheet of a workbook. The header is the first row, among the first
// headerSearchRows, whose cells name a known layout; the rows under it are the records, numbered
// as the spreadsheet numbers them. Cells are read as stored, not as formatted.
func openXLSX(f *os.File, size int64, opts Options) (*Source, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	wb, err := excelize.OpenReader(f, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("not a readable XLSX workbook: %w", err)
	}
	sheet := opts.Sheet
	sheets := wb.GetSheetList()
	if sheet == "" {
		if len(sheets) == 0 {
			wb.Close()
			return nil, fmt.Errorf("the workbook has no sheets")
		}
		sheet = sheets[0]
	} else if idx, _ := wb.GetSheetIndex(sheet); idx < 0 {
		wb.Close()
		return nil, fmt.Errorf("no sheet %q; the workbook has %s", sheet, strings.Join(sheets, ", "))
	}
	rows, err := wb.Rows(sheet)
	if err != nil {
		wb.Close()
		return nil, err
	}
	closeAll := func() error {
		rows.Close()
		wb.Close()
		return f.Close()
	}
	var (
		tl      tableLayout
		format  string
		rowNum  int
		lastErr error
	)
	for found := false; !found; {
		if rowNum >= headerSearchRows || !rows.Next() {
			closeAll()
			if lastErr != nil {
				return nil, fmt.Errorf("sheet %q: no header row in the first %d rows; the last candidate, row %d: %w", sheet, headerSearchRows, rowNum, lastErr)
			}
			return nil, fmt.Errorf("sheet %q: %w", sheet, errNotTabular)
		}
		rowNum++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			closeAll()
			return nil, err
		}
		if nonEmpty(cells) < 2 {
			continue
		}
		header := trimTrailingEmpty(cells)
		format, tl, lastErr = layoutFor("xlsx", header, opts)
		found = lastErr == nil
	}
	src := &Source{
		Format:          "xlsx/" + format,
		IndicatorScheme: tl.indicatorScheme,
		EconomyScheme:   tl.economyScheme,
		Names:           tl.names,
		size:            size,
		close:           closeAll,
	}
	done := false
	src.offset = func() int64 {
		if done {
			return size
		}
		return 0
	}
	src.next = func() (Chunk, error) {
		if done {
			return nil, io.EOF
		}
		c := &rowsChunk{layout: tl.layout}
		for len(c.rows) < BatchRows {
			if !rows.Next() {
				if err := rows.Error(); err != nil {
					return nil, fmt.Errorf("sheet %q, row %d: %w", sheet, rowNum+1, err)
				}
				done = true
				break
			}
			rowNum++
			cells, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				return nil, fmt.Errorf("sheet %q, row %d: %w", sheet, rowNum, err)
			}
			c.rows = append(c.rows, cells)
			c.lines = append(c.lines, int32(rowNum))
		}
		if len(c.rows) == 0 {
			return nil, io.EOF
		}
		return c, nil
	}
	return src, nil
}

// rowsChunk is a run of spreadsheet rows.
type rowsChunk struct {
	layout layout
	rows   [][]string
	lines  []int32
}

// Decode maps the rows through the layout. Rows with no cells are passed over; cells past the
// header's width are accepted only when empty.
func (c *rowsChunk) Decode(mem memory.Allocator) (*Batch, error) {
	b := NewRawBuilder(mem)
	defer b.Release()
	var rejects []Reject
	var fields [][]byte
	for i, row := range c.rows {
		if nonEmpty(row) == 0 {
			continue
		}
		fields = fields[:0]
		for _, cell := range trimTrailingEmpty(row) {
			fields = append(fields, []byte(cell))
		}
		fields = padFields(fields, c.layout)
		if reason := c.layout.appendRecord(b, c.lines[i], fields); reason != "" {
			rejects = append(rejects, Reject{Line: int64(c.lines[i]), Value: recordText([]byte(strings.Join(row, ","))), Reason: reason})
		}
	}
	return &Batch{Record: b.NewBatch(), Rejects: rejects}, nil
}

// padFields pads a spreadsheet row, whose trailing empty cells are not stored, to the header's width.
func padFields(fields [][]byte, l layout) [][]byte {
	n := l.width()
	for len(fields) < n {
		fields = append(fields, nil)
	}
	return fields
}

func nonEmpty(cells []string) int {
	n := 0
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			n++
		}
	}
	return n
}

func trimTrailingEmpty(cells []string) []string {
	for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
		cells = cells[:len(cells)-1]
	}
	return cells
}
