package ingest

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/xuri/excelize/v2"
)

// stylesPart gives a workbook three cell styles: 0 plain, 1 a date (built-in format 14), 2 a
// number with one decimal (a custom format).
var stylesPart = storedPart("xl/styles.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/></numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>`)

// typedRow is spreadsheet row n of a long sheet for Ethiopia, its year and value cells given as
// the XML of the cells C and D, with @ for the row number.
func typedRow(n int, year, value string) string {
	return fmt.Sprintf(`<row r="%d"><c r="A%d" t="inlineStr"><is><t>internet_use_pct</t></is></c><c r="B%d" t="inlineStr"><is><t>ETH</t></is></c>%s%s</row>`,
		n, n, n, strings.ReplaceAll(year, "@", fmt.Sprint(n)), strings.ReplaceAll(value, "@", fmt.Sprint(n)))
}

// TestXLSXCellsReadAsACSVWouldHoldThem: a TRUE/FALSE cell is read as TRUE or FALSE, not 1 or 0;
// a number shown as a date as the date; error cells, dates stored as text and inline strings as
// their text, spaces kept; a number in another format as the number stored.
func TestXLSXCellsReadAsACSVWouldHoldThem(t *testing.T) {
	path := writeRawWorkbook(t, func(w io.Writer) {
		io.WriteString(w, sheetHead+xlRow(1, "indicator", "economy", "year", "value"))
		for _, r := range []string{
			typedRow(2, `<c r="C@"><v>2020</v></c>`, `<c r="D@" t="b"><v>1</v></c>`),
			typedRow(3, `<c r="C@"><v>2020</v></c>`, `<c r="D@" t="b"><v>0</v></c>`),
			typedRow(4, `<c r="C@"><v>2020</v></c>`, `<c r="D@" t="e"><v>#N/A</v></c>`),
			typedRow(5, `<c r="C@"><v>2020</v></c>`, `<c r="D@" t="d"><v>2024-01-01T00:00:00Z</v></c>`),
			typedRow(6, `<c r="C@"><v>2020</v></c>`, `<c r="D@" t="inlineStr"><is><t> 55.5</t></is></c>`),
			typedRow(7, `<c r="C@" t="b"><v>1</v></c>`, `<c r="D@"><v>20</v></c>`),
			typedRow(8, `<c r="C@" t="e"><v>#VALUE!</v></c>`, `<c r="D@"><v>20</v></c>`),
			typedRow(9, `<c r="C@"><v>2020</v></c>`, `<c r="D@" s="1"><v>45292</v></c>`),
			typedRow(10, `<c r="C@"><v>2020</v></c>`, `<c r="D@" s="1"><v>45292.5</v></c>`),
			typedRow(11, `<c r="C@" s="1"><v>2024</v></c>`, `<c r="D@" s="2"><v>12.25</v></c>`),
			typedRow(12, `<c r="C@" t="inlineStr"><is><t>2021 </t></is></c>`, `<c r="D@"><v>30</v></c>`),
		} {
			io.WriteString(w, r)
		}
		io.WriteString(w, sheetTail)
	}, stylesPart)
	_, d := decodeFile(t, path, Options{})
	row := func(line int32, year, value string) obs {
		return obs{Line: line, Indicator: "internet_use_pct", Economy: "ETH", Year: year, Value: value}
	}
	checkRows(t, d.rows, []obs{
		row(2, "2020", "TRUE"),
		row(3, "2020", "FALSE"),
		row(4, "2020", "#N/A"),
		row(5, "2020", "2024-01-01T00:00:00Z"),
		row(6, "2020", " 55.5"),
		row(7, "TRUE", "20"),
		row(8, "#VALUE!", "20"),
		row(9, "2020", "2024-01-01"),
		row(10, "2020", "2024-01-01T12:00:00"),
		row(11, "1905-07-16", "12.25"),
		row(12, "2021 ", "30"),
	})
}

// TestXLSXCellsOfAWorkbookSavedBySpreadsheetSoftware: the same through the spreadsheet library's
// own writer, with shared strings, booleans and dates as it stores them.
func TestXLSXCellsOfAWorkbookSavedBySpreadsheetSoftware(t *testing.T) {
	path := writeWorkbook(t, "typed.xlsx", sheet{"Data", [][]any{
		{"indicator", "economy", "year", "value"},
		{"internet_use_pct", "ETH", 2020, true},
		{"internet_use_pct", "ETH", 2021, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)},
		{"internet_use_pct", "ETH", 2022, 21.5},
		{"internet_use_pct", "ETH", true, 22},
	}})
	_, d := decodeFile(t, path, Options{})
	checkRows(t, d.rows, []obs{
		{Line: 2, Indicator: "internet_use_pct", Economy: "ETH", Year: "2020", Value: "TRUE"},
		{Line: 3, Indicator: "internet_use_pct", Economy: "ETH", Year: "2021", Value: "2024-03-01"},
		{Line: 4, Indicator: "internet_use_pct", Economy: "ETH", Year: "2022", Value: "21.5"},
		{Line: 5, Indicator: "internet_use_pct", Economy: "ETH", Year: "TRUE", Value: "22"},
	})
}

// TestXLSXCellsOutOfOrder: in a workbook whose cells must be read by type, a row whose cells
// are out of order is refused, as its cells could not be matched with their types.
func TestXLSXCellsOutOfOrder(t *testing.T) {
	path := writeRawWorkbook(t, func(w io.Writer) {
		io.WriteString(w, sheetHead+xlRow(1, "indicator", "economy", "year", "value"))
		io.WriteString(w, typedRow(2, `<c r="C@"><v>2020</v></c>`, `<c r="D@" t="b"><v>1</v></c>`))
		io.WriteString(w, `<row r="3"><c r="D3" t="b"><v>1</v></c><c r="C3"><v>2020</v></c></row>`)
		io.WriteString(w, sheetTail)
	})
	xlsxFails(t, path, `sheet "Data", row 3: row 3: cell C3 after D3: cells out of order`)
}

// TestXLSXHeaderWithACellFarRight: a header with a cell in column XFD, the last a sheet has, is
// reported as the header with that cell named, not as "no header row"; a blank cell there is
// passed over.
func TestXLSXHeaderWithACellFarRight(t *testing.T) {
	wb := excelize.NewFile()
	rows := [][]any{{"indicator", "economy", "year", "value"}}
	for y := 2010; y <= 2020; y++ {
		rows = append(rows, []any{"internet_use_pct", "KEN", y, y - 2000})
	}
	for i, r := range rows {
		if err := wb.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := wb.SetCellValue("Sheet1", "XFD1", "checked"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "far.xlsx")
	if err := wb.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	xlsxFails(t, path, `sheet "Sheet1", row 1, the header: long file with unknown column(s) "checked" (column XFD), 16379 columns without a header (columns E to XFC)`)

	if src, d := decodeFile(t, path, Options{Ignore: []string{"checked", ""}}); src.Format != "xlsx/long" || len(d.rows) != 11 {
		t.Errorf("with the cell ignored: %s, %d rows; want xlsx/long, 11 rows", src.Format, len(d.rows))
	}
	for _, cell := range []string{`<c r="XFD1" t="inlineStr"><is><t> </t></is></c>`, `<c r="XFD1" s="0"/>`} {
		path := writeRawWorkbook(t, func(w io.Writer) {
			io.WriteString(w, sheetHead+strings.Replace(xlRow(1, "indicator", "economy", "year", "value"), "</row>", cell+"</row>", 1))
			xlRows(w, 2, 5)
			io.WriteString(w, sheetTail)
		})
		if _, d := decodeFile(t, path, Options{}); len(d.rows) != 4 || len(d.rejects) != 0 {
			t.Errorf("blank XFD1 %s: %d rows, %d rejects; want 4 and 0", cell, len(d.rows), len(d.rejects))
		}
	}
}

// TestCSVLinesEndingWithCRAloneAfterTheHeader: a file whose header ends with LF and whose data
// lines end with CR alone is refused for its line endings, not for its field counts; a CR alone
// after a quoted field too, and in a file whose CR-only lines pass the bound on a record.
func TestCSVLinesEndingWithCRAloneAfterTheHeader(t *testing.T) {
	const reason = "lines end with CR only; save the file with LF or CRLF line endings"
	for _, c := range []struct{ name, content, want string }{
		{"unquoted", "indicator,economy,year,value\nx,ABW,2000,1\rx,ABW,2001,2\rx,ABW,2002,3\n", "line 2: " + reason},
		{"after LF lines", "indicator,economy,year,value\nx,ABW,1999,1\r\nx,ABW,2000,1\rx,ABW,2001,2\r", "line 3: " + reason},
		{"after a quoted field", "indicator,economy,year,value\nx,ABW,2000,\"1\"\rx,ABW,2001,2\n", "line 2: " + reason},
		{"in a quoted record", "indicator,economy,year,value\n\"x\",ABW,2000,1\rx,ABW,2001,2\n", "line 2: " + reason},
		{"past a record's bound", "indicator,economy,year,value\n" + strings.Repeat("x,ABW,2000,1\r", (MaxRecordBytes/13)+1000), reason},
	} {
		t.Run(c.name, func(t *testing.T) {
			src, err := Open(writeTemp(t, "mac.csv", c.content), Options{})
			if err == nil {
				defer src.Close()
				_, err = readAll(src, memory.NewGoAllocator())
			}
			if err == nil {
				t.Fatal("the file was read")
			}
			checkFormatError(t, err, c.want)
		})
	}
	// A CR inside quotes is text, and a CR before LF a line ending.
	_, d := decodeText(t, "ok.csv", "indicator,economy,year,value,note\r\nx,ABW,2000,1,\"a\rb\"\r\nx,ABW,2001,2,\r\n", Options{})
	checkRows(t, d.rows, []obs{
		{Line: 2, Indicator: "x", Economy: "ABW", Year: "2000", Value: "1", Note: "a\rb"},
		{Line: 3, Indicator: "x", Economy: "ABW", Year: "2001", Value: "2"},
	})
}

// TestRecordSplitterCROnly: a CR that no LF follows, outside quotes, is an error wherever it is.
func TestRecordSplitterCROnly(t *testing.T) {
	for _, data := range []string{"a\rb,c\n", "\"a\"\rb,c\nd", "\"a\"b\rc,d\n", "a,b\rc,\"d\"\n"} {
		s := recordSplitter{delim: ','}
		if _, _, _, _, err := s.next([]byte(data), 0); err != errCROnly {
			t.Errorf("%q: error %v, want %v", data, err, errCROnly)
		}
	}
	s := recordSplitter{delim: ','}
	if fields, _, _, _, err := s.next([]byte("a,b\r"), 0); err != nil || len(fields) != 2 {
		t.Errorf("a CR ending the data: %q, %v", fields, err)
	}
}

// TestWideYearHeadersWrittenOddly: year headers with leading zeros, a sign or decimals are
// reported as such, not as unknown columns to map; spaces around a year are passed over.
func TestWideYearHeadersWrittenOddly(t *testing.T) {
	const advice = "not written as a plain year: write 2024, 2024 [YR2024] or YR2024"
	openFails(t, "wide.csv", "economy,indicator,02023,02024\nKEN,x,1,2\n", Options{},
		`wide file with year column header(s) "02023", "02024" `+advice)
	openFails(t, "wide.csv", "Country Code,Series Code,2023,+2024,2025.0\nKEN,x,1,2,3\n", Options{},
		`wide file with year column header(s) "+2024", "2025.0" `+advice)
	openFails(t, "wide.csv", "economy,indicator,2023,colour\nKEN,x,1,red\n", Options{},
		`wide file with unknown column(s) "colour" (column 4)`)
	_, d := decodeText(t, "wide.csv", "economy,indicator, 2023 ,\" 2024\"\nKEN,x,1,2\n", Options{})
	checkRows(t, d.rows, []obs{
		{Line: 2, Indicator: "x", Economy: "KEN", Year: "2023", Value: "1"},
		{Line: 2, Indicator: "x", Economy: "KEN", Year: "2024", Value: "2"},
	})
}

func TestColumnLetters(t *testing.T) {
	for n, want := range map[int]string{1: "A", 26: "Z", 27: "AA", 52: "AZ", 703: "AAA", 16384: "XFD"} {
		if got := columnLetters(n); got != want {
			t.Errorf("columnLetters(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestIsDateFormat(t *testing.T) {
	for code, want := range map[string]bool{
		"yyyy-mm-dd": true, "d/m/yy": true, "[h]:mm": true, "[$-409]mmmm d, yyyy": true, "h:mm AM/PM": true,
		"General": false, "0.0": false, "#,##0": false, `0.0 "days"`: false, "[Red]0.00": false, `0\d`: false, "0.00E+00": false,
	} {
		if got := isDateFormat(code); got != want {
			t.Errorf("isDateFormat(%q) = %v, want %v", code, got, want)
		}
	}
}

// TestNotesOfCells: the check of a workbook notes boolean cells and the styles of number cells.
func TestNotesOfCells(t *testing.T) {
	path := writeRawWorkbook(t, func(w io.Writer) {
		io.WriteString(w, sheetHead+xlRow(1, "indicator", "economy", "year", "value"))
		io.WriteString(w, typedRow(2, `<c r="C@" s="2"><v>2020</v></c>`, `<c r="D@" s="2" t="n"><v>1</v></c>`))
		io.WriteString(w, sheetTail)
	}, stylesPart)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	_, notes, err := checkWorkbook(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	if notes.bools || len(notes.styles) != 1 || !notes.styles["2"] {
		t.Errorf("notes %+v, want style 2 and no booleans", notes)
	}
}

// TestXLSXBooleanInASheetStoredElsewhere: a sheet whose part is not under xl/worksheets, named by
// an absolute target in the workbook's relationships, has its TRUE cell read as TRUE too.
func TestXLSXBooleanInASheetStoredElsewhere(t *testing.T) {
	path := filepath.Join(t.TempDir(), "elsewhere.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	z := zip.NewWriter(f)
	for _, p := range workbookParts {
		content := strings.ReplaceAll(p.content, "/xl/worksheets/sheet1.xml", "/data/ethiopia.xml")
		content = strings.ReplaceAll(content, `Target="worksheets/sheet1.xml"`, `Target="/data/ethiopia.xml"`)
		if err := storedPart(p.name, content)(z); err != nil {
			t.Fatal(err)
		}
	}
	sheetXML := sheetHead + xlRow(1, "indicator", "economy", "year", "value") +
		typedRow(2, `<c r="C@"><v>2020</v></c>`, `<c r="D@" t="b"><v>1</v></c>`) + sheetTail
	if err := storedPart("data/ethiopia.xml", sheetXML)(z); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, d := decodeFile(t, path, Options{})
	checkRows(t, d.rows, []obs{{Line: 2, Indicator: "internet_use_pct", Economy: "ETH", Year: "2020", Value: "TRUE"}})
}
