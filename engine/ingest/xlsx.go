package ingest

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/xuri/excelize/v2"
)

// headerSearchRows is how far down a sheet the header row is looked for; producers often put a
// title and notes above the table.
const headerSearchRows = 30

// Bounds on a workbook, checked on its zip directory before anything else is read. The sheets
// larger than unzipXMLSizeLimit, and shared strings as large, are unpacked to temporary files and
// streamed (the shared strings with an index of a few dozen bytes per text); the other parts are
// held in memory whole.
const (
	maxWorkbookBytes      = 512 << 20 // the file, and all its parts together once uncompressed
	maxSharedStringsBytes = 64 << 20  // the table of the texts of the cells
	maxInMemoryBytes      = 64 << 20  // the parts held in memory, together
	unzipXMLSizeLimit     = 1 << 20   // the largest sheet or shared strings part held in memory
)

// openXLSX reads one sheet of a workbook. The header is the first row, among the first
// headerSearchRows, whose cells name a known layout; the rows under it are the records, numbered
// as the spreadsheet numbers them. Cells are read as stored, not as formatted. A workbook past
// the bounds above, or with any part damaged, is refused before a row is read.
func openXLSX(f *os.File, size int64, opts Options) (*Source, error) {
	zr, notes, err := checkWorkbook(f, size)
	if err != nil {
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	wb, err := excelize.OpenReader(f, excelize.Options{RawCellValue: true, UnzipSizeLimit: maxWorkbookBytes, UnzipXMLSizeLimit: unzipXMLSizeLimit})
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
		return nil, fmt.Errorf("no sheet %q; the workbook has %s", sheet, Cut(strings.Join(sheets, ", ")))
	}
	types, err := newCellTypes(zr, wb, sheet, notes)
	if err != nil {
		wb.Close()
		return nil, fmt.Errorf("sheet %q: %w", sheet, err)
	}
	rows, err := wb.Rows(sheet)
	if err != nil {
		types.Close()
		wb.Close()
		return nil, err
	}
	closeAll := func() error {
		rows.Close()
		types.Close()
		wb.Close()
		return f.Close()
	}
	// readRow reads the cells of the next row, numbered rowNum, as a CSV of the sheet would hold them.
	rowNum := 0
	readRow := func() ([]string, error) {
		rowNum++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		if err := types.rewrite(rowNum, cells); err != nil {
			return nil, err
		}
		return cells, nil
	}
	// The header is the first row that gives a layout. Failing that, the first row that names
	// two known columns is reported as the header, else the last row tried.
	var (
		tl                 tableLayout
		format             string
		headerErr, lastErr error
		headerRow, lastRow int
	)
	for found := false; !found; {
		if rowNum >= headerSearchRows || !rows.Next() {
			closeAll()
			switch {
			case headerErr != nil:
				return nil, fmt.Errorf("sheet %q, row %d, the header: %w", sheet, headerRow, headerErr)
			case lastErr != nil:
				return nil, fmt.Errorf("sheet %q: no header row in the first %d rows; the last candidate, row %d: %w", sheet, headerSearchRows, lastRow, lastErr)
			}
			return nil, fmt.Errorf("sheet %q: %w", sheet, errNotTabular)
		}
		cells, err := readRow()
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("sheet %q, row %d: %w", sheet, rowNum, err)
		}
		if nonEmpty(cells) < 2 {
			continue
		}
		header := trimTrailingEmpty(cells)
		format, tl, lastErr = layoutFor("xlsx", header, opts)
		found, lastRow = lastErr == nil, rowNum
		var unknown *unknownColumnsError
		if errors.As(lastErr, &unknown) {
			unknown.letters = true
		}
		if lastErr != nil && headerErr == nil && knownNames(header) >= 2 {
			headerErr, headerRow = lastErr, rowNum
		}
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
	// A chunk holds up to BatchRows rows and about blockSize bytes of cells, whatever the rows.
	next := func() (Chunk, error) {
		if done {
			return nil, io.EOF
		}
		c := &rowsChunk{layout: tl.layout}
		for held := 0; len(c.rows) < BatchRows && held < blockSize; {
			if !rows.Next() {
				if err := rows.Error(); err != nil {
					return nil, contentError(fmt.Errorf("sheet %q, row %d: %w", sheet, rowNum+1, err))
				}
				done = true
				break
			}
			if rowNum >= math.MaxInt32 {
				return nil, &FormatError{errors.New("more than 2,147,483,647 rows: split the file")}
			}
			cells, err := readRow()
			if err != nil {
				return nil, contentError(fmt.Errorf("sheet %q, row %d: %w", sheet, rowNum, err))
			}
			cells = trimTrailingEmpty(cells)
			n := 0
			for _, cell := range cells {
				n += len(cell) + 16
			}
			if n > MaxRecordBytes {
				return nil, &FormatError{fmt.Errorf("sheet %q, row %d: a row longer than %s, the most a record may hold", sheet, rowNum, sizeText(MaxRecordBytes))}
			}
			held += n
			c.rows = append(c.rows, cells)
			c.lines = append(c.lines, int32(rowNum))
		}
		if len(c.rows) == 0 {
			return nil, io.EOF
		}
		return c, nil
	}
	src.next = func() (Chunk, error) { return guard(next) }
	return src, nil
}

// checkWorkbook refuses a workbook past the bounds on its size, or with a part that cannot be
// read whole: a zip entry whose data does not match its checksum or size, an XML part cut off or
// not well formed, a text or tag in the XML longer than MaxRecordBytes. It reads every part once,
// in bounded memory, as the libraries that read workbooks stop silently at such damage.
func checkWorkbook(f io.ReaderAt, size int64) (*zip.Reader, *cellNotes, error) {
	notes := &cellNotes{}
	zr, err := checkParts(f, size, notes)
	return zr, notes, err
}

// checkParts is checkWorkbook, noting the worksheets' cells in notes.
func checkParts(f io.ReaderAt, size int64, notes *cellNotes) (*zip.Reader, error) {
	const advice = "; save the sheet as CSV"
	if size > maxWorkbookBytes {
		return nil, fmt.Errorf("the workbook is %s, more than the %s a workbook may have%s", sizeText(size), sizeText(maxWorkbookBytes), advice)
	}
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return nil, fmt.Errorf("not a readable XLSX workbook: %w", err)
	}
	var total, inMemory uint64
	for _, e := range zr.File {
		n := e.UncompressedSize64
		if n > maxWorkbookBytes {
			return nil, fmt.Errorf("the workbook's part %s expands to %s, more than the %s a workbook may have%s", Cut(e.Name), sizeText(int64(min(n, 1<<62))), sizeText(maxWorkbookBytes), advice)
		}
		total += n
		name := strings.ToLower(strings.ReplaceAll(e.Name, "\\", "/")) // as the spreadsheet library names parts
		if name == "xl/sharedstrings.xml" && n > maxSharedStringsBytes {
			return nil, fmt.Errorf("the workbook's shared strings expand to %s, more than the %s they may have%s", sizeText(int64(n)), sizeText(maxSharedStringsBytes), advice)
		}
		if n <= unzipXMLSizeLimit || !strings.HasPrefix(name, "xl/worksheets/sheet") && name != "xl/sharedstrings.xml" {
			inMemory += n
		}
	}
	if total > maxWorkbookBytes {
		return nil, fmt.Errorf("the workbook expands to %s, more than the %s a workbook may have%s", sizeText(int64(total)), sizeText(maxWorkbookBytes), advice)
	}
	if inMemory > maxInMemoryBytes {
		return nil, fmt.Errorf("the workbook's parts other than large sheets and shared strings expand to %s, more than the %s they may have%s", sizeText(int64(inMemory)), sizeText(maxInMemoryBytes), advice)
	}
	for _, e := range zr.File {
		err := checkPart(e, notes)
		var long *longRun
		switch {
		case errors.As(err, &long):
			return nil, fmt.Errorf("the workbook's part %s holds a text or tag of more than %s (from byte %d), more than a cell may hold", Cut(e.Name), sizeText(MaxRecordBytes), long.from)
		case err != nil:
			return nil, fmt.Errorf("the workbook is damaged: part %s: %w", Cut(e.Name), err)
		}
	}
	return zr, nil
}

// checkPart reads one part of a workbook to its end, checking its XML when it is XML and noting
// its cells in notes (a worksheet may be in any part the workbook names).
func checkPart(e *zip.File, notes *cellNotes) error {
	rc, err := e.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	r := &runLimit{r: rc}
	if name := strings.ToLower(e.Name); strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
		if err := checkXML(r, notes.note); err != nil {
			return err
		}
	}
	_, err = io.Copy(io.Discard, r)
	return err
}

// checkXML reads XML to its end and reports the first error that would stop the spreadsheet
// library's decoder: a syntax error, an element closed by another's end tag, the XML ending with
// elements open. XML in another encoding than UTF-8 is passed over. It takes the decoder's raw
// tokens and matches elements itself, which is about half as costly as the decoder doing it.
// note, when not nil, is given every start element.
func checkXML(r io.Reader, note func(xml.StartElement)) error {
	d := xml.NewDecoder(r)
	otherEncoding := false
	d.CharsetReader = func(string, io.Reader) (io.Reader, error) {
		otherEncoding = true
		return nil, errors.New("not UTF-8")
	}
	var open []xml.Name
	for {
		tok, err := d.RawToken()
		line, _ := d.InputPos()
		switch {
		case otherEncoding:
			return nil
		case err == io.EOF && len(open) > 0:
			return &xml.SyntaxError{Msg: "unexpected EOF", Line: line}
		case err == io.EOF:
			return nil
		case err != nil:
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			open = append(open, t.Name)
			if note != nil {
				note(t)
			}
		case xml.EndElement:
			if len(open) == 0 {
				return &xml.SyntaxError{Msg: "unexpected end element </" + t.Name.Local + ">", Line: line}
			}
			if top := open[len(open)-1]; top != t.Name {
				return &xml.SyntaxError{Msg: "element <" + top.Local + "> closed by </" + t.Name.Local + ">", Line: line}
			}
			open = open[:len(open)-1]
		}
	}
}

// runLimit passes a part's XML through, failing at a run of more than MaxRecordBytes bytes
// without a '<' or '>': a cell's text or a tag too long to be read in bounded memory.
type runLimit struct {
	r   io.Reader
	run int // bytes since the last '<' or '>'
	off int64
}

// longRun is the error of a run past MaxRecordBytes, starting at byte from of the part.
type longRun struct{ from int64 }

func (e *longRun) Error() string {
	return fmt.Sprintf("a text or tag of more than %s", sizeText(MaxRecordBytes))
}

func (l *runLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		if c == '<' || c == '>' {
			l.run = 0
			continue
		}
		if l.run++; l.run > MaxRecordBytes {
			return i, &longRun{l.off + int64(i) - MaxRecordBytes}
		}
	}
	l.off += int64(n)
	return n, err
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
