package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The parts of a minimal workbook with one sheet, "Data", in xl/worksheets/sheet1.xml.
var workbookParts = []struct{ name, content string }{
	{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
	{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
	{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`},
	{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
}

const (
	sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sheetTail = `</sheetData></worksheet>`
	sheetPath = "xl/worksheets/sheet1.xml"
)

// xlRow is spreadsheet row n with cells A, B, ... holding texts, except those that are numbers.
func xlRow(n int, cells ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, n)
	for i, c := range cells {
		ref := fmt.Sprintf("%c%d", 'A'+i, n)
		if _, err := fmt.Sscanf(c, "%g", new(float64)); err == nil {
			fmt.Fprintf(&b, `<c r="%s"><v>%s</v></c>`, ref, c)
		} else {
			fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, c)
		}
	}
	b.WriteString("</row>")
	return b.String()
}

// xlRows writes rows from to to of a long sheet: internet users of Kenya, one year a row.
func xlRows(w io.Writer, from, to int) {
	for n := from; n <= to; n++ {
		io.WriteString(w, xlRow(n, "internet_use_pct", "KEN", fmt.Sprint(1960+n), fmt.Sprint(n%100)))
	}
}

// longSheet is a well-formed long sheet of a header and rows 2 to 120.
func longSheet(w io.Writer) {
	io.WriteString(w, sheetHead+xlRow(1, "indicator", "economy", "year", "value"))
	xlRows(w, 2, 120)
	io.WriteString(w, sheetTail)
}

// writeRawWorkbook writes a workbook built by hand, as a damaged or hostile file would be: the
// minimal parts, the sheet written by sheet (deflated), then whatever extra adds to the zip.
func writeRawWorkbook(t testing.TB, sheet func(w io.Writer), extra ...func(z *zip.Writer) error) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "book.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z := zip.NewWriter(f)
	z.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for _, p := range workbookParts {
		w, err := z.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p.content)
	}
	if sheet != nil {
		w, err := z.Create(sheetPath)
		if err != nil {
			t.Fatal(err)
		}
		sheet(w)
	}
	for _, add := range extra {
		if err := add(z); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// rawPart adds a part stored as is under a header that says what the test wants: a CRC or a size
// the data does not have.
func rawPart(name string, data []byte, crc uint32, size uint64) func(z *zip.Writer) error {
	return func(z *zip.Writer) error {
		w, err := z.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store, CRC32: crc,
			CompressedSize64: uint64(len(data)), UncompressedSize64: size})
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
}

// storedPart adds a part stored as is, with a true header.
func storedPart(name, content string) func(z *zip.Writer) error {
	return rawPart(name, []byte(content), crc32.ChecksumIEEE([]byte(content)), uint64(len(content)))
}

// xlsxFails opens path and reads it to the end, which must fail with a FormatError containing
// every one of wants, at Open or while reading.
func xlsxFails(t *testing.T, path string, wants ...string) {
	t.Helper()
	src, err := Open(path, Options{})
	if err == nil {
		defer src.Close()
		var d decoded
		d, err = readAll(src, memory.NewGoAllocator())
		if err == nil {
			t.Fatalf("the workbook was read: %d rows, %d rejects", len(d.rows), len(d.rejects))
		}
	}
	checkFormatError(t, err, wants...)
}

// TestXLSXDamagedWorkbooksAreRefused checks that damage anywhere in a workbook refuses it whole,
// where the spreadsheet library would stop at the damage and hand out the rows before it.
func TestXLSXDamagedWorkbooksAreRefused(t *testing.T) {
	var sheet bytes.Buffer
	longSheet(&sheet)
	good := sheet.Bytes()
	damaged := "the workbook is damaged: part " + sheetPath + ": "
	tests := []struct {
		name  string
		sheet func(w io.Writer)
		extra []func(z *zip.Writer) error
		wants []string
	}{
		{"an end tag that does not match", func(w io.Writer) {
			io.WriteString(w, sheetHead+xlRow(1, "indicator", "economy", "year", "value"))
			xlRows(w, 2, 60)
			io.WriteString(w, `<row r="61"><c r="A61" t="inlineStr"><is><t>x</t></is></c></roww>`)
			xlRows(w, 62, 120)
			io.WriteString(w, sheetTail)
		}, nil, []string{damaged, "XML syntax error", "roww"}},
		{"cut off in a row", func(w io.Writer) {
			io.WriteString(w, sheetHead+xlRow(1, "indicator", "economy", "year", "value"))
			xlRows(w, 2, 60)
			io.WriteString(w, `<row r="61"><c r="A61" t="inlineStr"><is><t>internet_u`)
		}, nil, []string{damaged, "unexpected EOF"}},
		{"cut off between rows", func(w io.Writer) {
			io.WriteString(w, sheetHead+xlRow(1, "indicator", "economy", "year", "value"))
			xlRows(w, 2, 60)
		}, nil, []string{damaged, "unexpected EOF"}},
		{"data that does not match its checksum", nil,
			[]func(z *zip.Writer) error{rawPart(sheetPath, good, crc32.ChecksumIEEE(good)^1, uint64(len(good)))},
			[]string{damaged, "checksum error"}},
		{"more data than its size says", nil,
			[]func(z *zip.Writer) error{rawPart(sheetPath, good, crc32.ChecksumIEEE(good), uint64(len(good)/2))},
			[]string{damaged, "zip: not a valid zip file"}},
		{"a damaged part the sheet does not need", longSheet,
			[]func(z *zip.Writer) error{storedPart("docProps/app.xml", `<Properties><Pages></Properties>`)},
			[]string{"the workbook is damaged: part docProps/app.xml: ", "XML syntax error", "element <Pages> closed by </Properties>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			xlsxFails(t, writeRawWorkbook(t, tc.sheet, tc.extra...), tc.wants...)
		})
	}
	// The same workbook undamaged reads whole.
	_, d := decodeFile(t, writeRawWorkbook(t, longSheet), Options{})
	if len(d.rows) != 119 || len(d.rejects) != 0 {
		t.Errorf("the undamaged workbook gives %d rows and %d rejects, want 119 and 0", len(d.rows), len(d.rejects))
	}
}

// TestXLSXReadErrorsRefuseTheFile checks that an error the spreadsheet library reports while rows
// are read refuses the file rather than failing as the machine's fault.
func TestXLSXReadErrorsRefuseTheFile(t *testing.T) {
	path := writeRawWorkbook(t, func(w io.Writer) {
		io.WriteString(w, sheetHead+xlRow(1, "indicator", "economy", "year", "value"))
		xlRows(w, 2, 40)
		io.WriteString(w, xlRow(1048577, "internet_use_pct", "KEN", "2020", "5")+sheetTail)
	})
	xlsxFails(t, path, `sheet "Data", row 40: row number exceeds maximum limit`)
}

// TestXLSXSizeBounds checks that a workbook past its bounds is refused from its zip directory,
// before its parts are unpacked, and that a cell too long to read in bounded memory refuses it
// as it is checked.
func TestXLSXSizeBounds(t *testing.T) {
	small := []byte(sheetHead + sheetTail)
	crc := crc32.ChecksumIEEE(small)
	tests := []struct {
		name  string
		sheet func(w io.Writer)
		extra []func(z *zip.Writer) error
		wants []string
	}{
		{"a sheet that says it expands to 1 GiB", nil,
			[]func(z *zip.Writer) error{rawPart(sheetPath, small, crc, 1<<30)},
			[]string{"the workbook's part xl/worksheets/sheet1.xml expands to 1 GiB, more than the 512 MiB a workbook may have; save the sheet as CSV"}},
		{"two sheets that together expand to 600 MiB", nil,
			[]func(z *zip.Writer) error{rawPart(sheetPath, small, crc, 300<<20), rawPart("xl/worksheets/sheet2.xml", small, crc, 300<<20)},
			[]string{"the workbook expands to 600.0 MiB, more than the 512 MiB a workbook may have"}},
		{"styles of 65 MiB, held in memory", longSheet,
			[]func(z *zip.Writer) error{rawPart("xl/styles.xml", small, crc, 65<<20)},
			[]string{"the workbook's parts other than large sheets and shared strings expand to 65.0 MiB, more than the 64 MiB they may have"}},
		{"a cell of 17 MiB", func(w io.Writer) {
			io.WriteString(w, sheetHead+xlRow(1, "indicator", "economy", "year", "value", "note"))
			io.WriteString(w, `<row r="2"><c r="E2" t="inlineStr"><is><t>`)
			chunk := strings.Repeat("n", 1<<20)
			for range 17 {
				io.WriteString(w, chunk)
			}
			io.WriteString(w, `</t></is></c></row>`+sheetTail)
		}, nil, []string{"the workbook's part xl/worksheets/sheet1.xml holds a text or tag of more than 16 MiB (from byte 451), more than a cell may hold"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			xlsxFails(t, writeRawWorkbook(t, tc.sheet, tc.extra...), tc.wants...)
		})
	}
}

// TestXLSXChunksAreBoundedInBytes checks that rows wide in cells are handed out in chunks of about
// blockSize bytes, not BatchRows rows: 2,000 rows of 16,384 cells would take 0.5 GiB at once.
func TestXLSXChunksAreBoundedInBytes(t *testing.T) {
	path := writeRawWorkbook(t, func(w io.Writer) {
		io.WriteString(w, sheetHead+xlRow(1, "indicator", "economy", "year", "value"))
		for n := 2; n <= 2001; n++ {
			fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c><c r="XFD%d"><v>1</v></c></row>`, n, n, n)
		}
		io.WriteString(w, sheetTail)
	})
	src := openSource(t, path, Options{})
	chunks, rejects := 0, 0
	for {
		c, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		chunks++
		if n := len(c.(*rowsChunk).rows); n > blockSize/(16384*16)+1 {
			t.Fatalf("a chunk of %d rows of 16,384 cells", n)
		}
		b, err := c.Decode(memory.NewGoAllocator())
		if err != nil {
			t.Fatal(err)
		}
		rejects += len(b.Rejects)
		b.Release()
	}
	if rejects != 2000 || chunks < 2000/(blockSize/(16384*16)+1) {
		t.Errorf("%d rejects in %d chunks, want 2000 rows rejected for their width in chunks of at most %d rows", rejects, chunks, blockSize/(16384*16)+1)
	}
}

// TestCSVHeaderBounds checks that a header past MaxHeaderBytes or MaxColumns is refused after
// reading at most MaxHeaderBytes, whatever follows.
func TestCSVHeaderBounds(t *testing.T) {
	commas := strings.Repeat(",", 16<<20) + "\ninternet_use_pct,KEN,2021,5\n"
	started := time.Now()
	openFails(t, "commas.csv", commas, Options{}, "commas.csv", "line 1: no end of the header line in the first 1 MiB, the most a header may hold")
	if d := time.Since(started); d > 2*time.Second {
		t.Errorf("refusing a 16 MiB header took %s", d)
	}
	openFails(t, "wide.csv", strings.Repeat("a,", 20000)+"b\nx\n", Options{}, "line 1: header: more than 16384 fields")
	// At the bounds, a header reads.
	_, d := decodeText(t, "ok.csv", "indicator,economy,year,value"+strings.Repeat(",", MaxColumns-4)+"\nx,ABW,2000,1"+strings.Repeat(",", MaxColumns-4)+"\n",
		Options{Format: "long", Ignore: []string{""}})
	if len(d.rows) != 1 {
		t.Errorf("a header of %d fields gives %d rows, want 1", MaxColumns, len(d.rows))
	}
}

// TestCSVRecordBounds checks that a record longer than MaxRecordBytes refuses the file, and that
// one with more than MaxColumns fields is rejected with its text cut.
func TestCSVRecordBounds(t *testing.T) {
	long := "indicator,economy,year,value\nx,ABW,2000,1\nx,ABW,2001," + strings.Repeat("9", MaxRecordBytes) + "\nx,ABW,2002,1\n"
	src := openSource(t, writeTemp(t, "long.csv", long), Options{})
	if _, err := readAll(src, memory.NewGoAllocator()); err == nil {
		t.Error("a record of 16 MiB was read")
	} else {
		checkFormatError(t, err, "line 3: a record longer than 16 MiB, the most a record may hold")
	}

	wide := "indicator,economy,year,value\n" + strings.Repeat("9,", MaxColumns) + "9\nx,ABW,2002,1\n"
	_, d := decodeText(t, "wide.csv", wide, Options{})
	checkRows(t, d.rows, []obs{{Line: 3, Indicator: "x", Economy: "ABW", Year: "2002", Value: "1"}})
	checkRejects(t, d.rejects, []Reject{{Line: 2, Value: Cut(strings.Repeat("9,", MaxColumns) + "9"), Reason: "more than 16384 fields"}})

	quoted := "indicator,economy,year,value\n\"9\"" + strings.Repeat(",9", MaxColumns) + "\n"
	_, d = decodeText(t, "quoted.csv", quoted, Options{})
	checkRejects(t, d.rejects, []Reject{{Line: 2, Value: Cut(quoted[29 : len(quoted)-1]), Reason: "more than 16384 fields"}})
}

// TestCSVLineEndingsOfCROnly checks that a file whose lines end with CR alone is refused for that
// reason, not for a header it cannot make sense of; a CR inside a quoted header field is text.
func TestCSVLineEndingsOfCROnly(t *testing.T) {
	const reason = "lines end with CR only; save the file with LF or CRLF line endings"
	openFails(t, "mac.csv", "indicator,economy,year,value\rx,ABW,2000,1\rx,ABW,2001,2\r", Options{}, "mac.csv", reason)
	openFails(t, "mac.csv", "\r\rindicator;economy;year;value\rx;ABW;2000;1", Options{}, reason)
	openFails(t, "mac.csv", "indicator,economy,year,value\r", Options{}, reason)
	big := "indicator,economy,year,value\r" + strings.Repeat("x,ABW,2000,1\r", 200000)
	openFails(t, "mac.csv", big, Options{}, reason)
	_, d := decodeText(t, "quoted.csv", "indicator,economy,year,\"value\rin 2000\"\r\nx,ABW,2000,1\r\n", Options{Columns: map[string]string{"value": "value\rin 2000"}})
	checkRows(t, d.rows, []obs{{Line: 2, Indicator: "x", Economy: "ABW", Year: "2000", Value: "1"}})
}

func TestCut(t *testing.T) {
	long := strings.Repeat("a", 199) + "é" + strings.Repeat("b", 300)
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"short", "short"},
		{strings.Repeat("x", 200), strings.Repeat("x", 200)},
		{strings.Repeat("x", 201), strings.Repeat("x", 200) + "… (201 bytes)"},
		{long, strings.Repeat("a", 199) + "… (501 bytes)"}, // not inside the é
		{"bad \xff byte", "bad \uFFFD byte"},
	} {
		if got := Cut(tc.in); got != tc.want {
			t.Errorf("Cut(%.20q…) = %q, want %q", tc.in, got, tc.want)
		}
		if got := Cut([]byte(tc.in)); got != tc.want {
			t.Errorf("Cut([]byte(%.20q…)) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
