package ingest

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The spreadsheet library reads a TRUE/FALSE cell as 1 or 0, and a number shown as a date as
// its serial number (45292 for 2024-01-01); its rows do not say a cell's type or style. A CSV
// saved from the sheet holds TRUE, FALSE and the date, which are not numbers. So, when a
// workbook has such cells at all, the sheet's XML is read beside the library's rows, row for
// row, and those cells are handed out as TRUE, FALSE and the date (2024-01-01).

// maxNotedStyles bounds the styles noted while a workbook is checked: Excel has at most 64,000.
const maxNotedStyles = 1 << 16

// cellNotes is what checking a workbook notes of its worksheets' cells.
type cellNotes struct {
	bools  bool            // a cell of type b, TRUE or FALSE
	styles map[string]bool // the styles of number cells
	many   bool            // more styles than maxNotedStyles
	last   string          // the style noted last, which most cells repeat
}

// note notes one element of a worksheet's XML.
func (n *cellNotes) note(e xml.StartElement) {
	if e.Name.Local != "c" {
		return
	}
	typ, style := "", ""
	for _, a := range e.Attr {
		switch a.Name.Local {
		case "t":
			typ = a.Value
		case "s":
			style = a.Value
		}
	}
	switch {
	case typ == "b":
		n.bools = true
	case typ != "" && typ != "n":
		// Text, errors and dates stored as text read as what they hold.
	case style == "" || style == "0" || style == n.last || n.many:
	case len(n.styles) == maxNotedStyles:
		n.many = true
	default:
		if n.styles == nil {
			n.styles = map[string]bool{}
		}
		n.styles[style], n.last = true, style
	}
}

// cellTypes reads a sheet's cells' types and styles beside the library's rows.
type cellTypes struct {
	d        *xml.Decoder
	part     io.Closer
	wb       *excelize.File
	dates    map[string]bool // whether a style shows a date, as far as looked up
	date1904 bool
	pending  int // the number of a row read and not yet handed out, 0 when none
	last     int // the number of the last row read
	done     bool
}

// newCellTypes returns the reader of sheet's cell types, or nil when the notes show no cell
// that needs one.
func newCellTypes(zr *zip.Reader, wb *excelize.File, sheet string, notes *cellNotes) (*cellTypes, error) {
	c := &cellTypes{wb: wb, dates: map[string]bool{}}
	needed := notes.bools || notes.many
	for s := range notes.styles {
		needed = needed || c.isDate(s)
	}
	if !needed {
		return nil, nil
	}
	props, err := wb.GetWorkbookProps()
	if err != nil {
		return nil, err
	}
	c.date1904 = props.Date1904 != nil && *props.Date1904
	e, err := sheetPart(zr, sheet)
	if err != nil {
		return nil, err
	}
	rc, err := e.Open()
	if err != nil {
		return nil, err
	}
	c.d, c.part = xml.NewDecoder(rc), rc
	return c, nil
}

// Close releases the sheet's part.
func (c *cellTypes) Close() error {
	if c == nil {
		return nil
	}
	return c.part.Close()
}

// rewrite rewrites the cells of row n, as the library handed them out, to what a CSV would hold:
// TRUE or FALSE for a boolean, the date for a number shown as a date. Rows are matched as the
// library matches them: the next row of the XML is row n when its number is n or less.
func (c *cellTypes) rewrite(n int, cells []string) error {
	if c == nil {
		return nil
	}
	if c.pending == 0 && !c.done {
		if err := c.nextRow(); err != nil {
			return err
		}
	}
	if c.pending == 0 || c.pending > n {
		return nil
	}
	c.pending = 0
	col, prev := 0, 0
	for {
		tok, err := c.token()
		if tok == nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Local == "row" {
				return nil
			}
		case xml.StartElement:
			if t.Name.Local != "c" {
				continue
			}
			col++
			typ, style := "", ""
			for _, a := range t.Attr {
				switch a.Name.Local {
				case "r":
					if x, _, err := excelize.CellNameToCoordinates(a.Value); err == nil {
						col = x
					}
				case "t":
					typ = a.Value
				case "s":
					style = a.Value
				}
			}
			// The library places cells out of order where this reader would not look for them.
			if col <= prev {
				return fmt.Errorf("row %d: cell %s%d after %s%d: cells out of order", n, columnLetters(col), n, columnLetters(prev), n)
			}
			prev = col
			i := col - 1
			if i >= len(cells) || cells[i] == "" {
				continue
			}
			switch {
			case typ == "b":
				cells[i] = boolText(cells[i])
			case (typ == "" || typ == "n") && style != "" && c.isDate(style):
				cells[i] = dateText(cells[i], c.date1904)
			}
		}
	}
}

// token is the sheet's next XML token; nil with a nil error at its end, which it notes.
func (c *cellTypes) token() (xml.Token, error) {
	tok, err := c.d.RawToken()
	if err == io.EOF {
		c.done = true
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return tok, nil
}

// nextRow reads up to the next row of the sheet and notes its number.
func (c *cellTypes) nextRow() error {
	for {
		tok, err := c.token()
		if tok == nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "row" {
				c.last++
				for _, a := range t.Attr {
					if x, err := strconv.Atoi(a.Value); a.Name.Local == "r" && err == nil && x != 0 {
						c.last = x
					}
				}
				c.pending = c.last
				return nil
			}
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				c.done = true
				return nil
			}
		}
	}
}

// isDate reports whether cell style s shows numbers as dates or times.
func (c *cellTypes) isDate(s string) bool {
	if d, ok := c.dates[s]; ok {
		return d
	}
	d := false
	if idx, err := strconv.Atoi(s); err == nil {
		if st, err := c.wb.GetStyle(idx); err == nil && st != nil {
			if st.CustomNumFmt != nil {
				d = isDateFormat(*st.CustomNumFmt)
			} else {
				d = builtInDate(st.NumFmt)
			}
		}
	}
	c.dates[s] = d
	return d
}

// builtInDate reports whether a built-in number format shows a date or time: 14–22, 45–47 and
// the East Asian and Thai dates.
func builtInDate(id int) bool {
	return id >= 14 && id <= 22 || id >= 27 && id <= 36 || id >= 45 && id <= 47 || id >= 50 && id <= 58 || id >= 71 && id <= 81
}

// isDateFormat reports whether a custom number format shows a date or time: whether it has a
// y, m, d, h or s outside quoted text, escaped characters and brackets ([Red], [$-409]), or an
// elapsed time in brackets ([h]).
func isDateFormat(code string) bool {
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				return false
			}
		case '\\', '_', '*':
			i++
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				return false
			}
			if in := strings.ToLower(code[i+1 : i+j]); in != "" && strings.Trim(in, "hms") == "" {
				return true
			}
			i += j
		default:
			if strings.IndexByte("yYmMdDhHsS", c) >= 0 {
				return true
			}
		}
	}
	return false
}

// boolText is a boolean cell's value as a spreadsheet shows it.
func boolText(v string) string {
	if v == "0" {
		return "FALSE"
	}
	return "TRUE"
}

// dateText is a serial date number as the date it shows, 2024-01-01, with its time of day when
// it has one: 2024-01-01T12:00:00. A value that is no date is kept.
func dateText(v string, date1904 bool) string {
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(x, 0) {
		return v
	}
	t, err := excelize.ExcelDateToTime(x, date1904)
	if err != nil {
		return v
	}
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02T15:04:05")
}

// sheetPart finds the zip entry of the named sheet as the spreadsheet library finds it: through
// the package's and the workbook's relationships.
func sheetPart(zr *zip.Reader, sheet string) (*zip.File, error) {
	workbook := "xl/workbook.xml"
	var rels relationships
	readPartXML(zr, "_rels/.rels", &rels) // without it, the workbook is where it usually is
	for _, r := range rels.Relationship {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			workbook = strings.TrimPrefix(r.Target, "/")
		}
	}
	var wb struct {
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := readPartXML(zr, workbook, &wb); err != nil {
		return nil, err
	}
	dir := path.Dir(workbook)
	rels = relationships{}
	if err := readPartXML(zr, path.Join(dir, "_rels", path.Base(workbook)+".rels"), &rels); err != nil {
		return nil, err
	}
	for _, s := range wb.Sheets {
		if !strings.EqualFold(s.Name, sheet) {
			continue
		}
		for _, a := range s.Attrs {
			if a.Name.Local != "id" {
				continue
			}
			for _, r := range rels.Relationship {
				if r.ID != a.Value {
					continue
				}
				p := strings.TrimPrefix(path.Clean(dir+"/"+r.Target), "/")
				if strings.HasPrefix(r.Target, "/") {
					p = strings.TrimPrefix(path.Clean(r.Target), "/")
				}
				if e := zipEntry(zr, p); e != nil {
					return e, nil
				}
			}
		}
	}
	return nil, fmt.Errorf("the part of sheet %q is not in the workbook", sheet)
}

type relationships struct {
	Relationship []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	}
}

// readPartXML decodes the XML of a part of the workbook into v.
func readPartXML(zr *zip.Reader, name string, v any) error {
	e := zipEntry(zr, name)
	if e == nil {
		return fmt.Errorf("the workbook has no part %s", name)
	}
	rc, err := e.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("part %s: %w", name, err)
	}
	return nil
}

// zipEntry is the entry named name, written with / or \ and in any case; nil when none is.
func zipEntry(zr *zip.Reader, name string) *zip.File {
	var folded *zip.File
	for _, e := range zr.File {
		n := strings.ReplaceAll(e.Name, "\\", "/")
		if n == name {
			return e
		}
		if folded == nil && strings.EqualFold(n, name) {
			folded = e
		}
	}
	return folded
}
