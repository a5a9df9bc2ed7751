package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// measured is a run of ictstat with its wall time and peak resident memory.
type measured struct {
	result
	wall time.Duration
	rss  int64 // bytes
}

// ictstatMeasured runs ictstat as a separate process and measures it.
func ictstatMeasured(t *testing.T, args ...string) measured {
	t.Helper()
	cmd := command(args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	started := time.Now()
	err := cmd.Run()
	wall := time.Since(started)
	if err != nil && !errors.As(err, new(*exec.ExitError)) {
		t.Fatal(err)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return measured{result{cmd.ProcessState.ExitCode(), out.String(), errb.String()}, wall, ru.Maxrss * 1024} // Maxrss is in KiB on Linux
}

// writeRepeated writes a file of head, then body times times, then tail.
func writeRepeated(t *testing.T, dir, name, head, body string, times int, tail string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(head)
	for range times {
		w.WriteString(body)
	}
	w.WriteString(tail)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeWorkbookXML writes a workbook of one sheet whose XML, after <sheetData>, sheet writes,
// deflated as a spreadsheet program would: a few bytes on disk for gigabytes of repeated XML.
func writeWorkbookXML(t *testing.T, dir, name string, sheet func(w io.Writer)) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	z := zip.NewWriter(f)
	z.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for _, p := range [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
	} {
		w, err := z.Create(p[0])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p[1])
	}
	w, err := z.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	sheet(bw)
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// sheetEnd ends a sheet's XML.
const sheetEnd = `</sheetData></worksheet>`

// headerRow is the first row of a long sheet, with a note column.
const headerRow = `<row r="1"><c r="A1" t="inlineStr"><is><t>indicator</t></is></c><c r="B1" t="inlineStr"><is><t>economy</t></is></c><c r="C1" t="inlineStr"><is><t>year</t></is></c><c r="D1" t="inlineStr"><is><t>value</t></is></c><c r="E1" t="inlineStr"><is><t>note</t></is></c></row>`

// TestIngestRefusesHostileFiles runs `ictstat ingest` on files built to hurt a loader and checks
// that each is refused with exit code 3 and a short reason, in bounded time and memory, leaving
// the database as it was.
func TestIngestRefusesHostileFiles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.duckdb")
	if r := ictstat(t, "--db", db, "init", "--empty"); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}
	before := fingerprint(t, db)
	row := `<row><c t="inlineStr"><is><t>internet_use_pct</t></is></c><c t="inlineStr"><is><t>KEN</t></is></c><c><v>2020</v></c><c><v>50</v></c></row>`
	cases := []struct {
		name, path, says string
	}{
		{"header only", writeFile(t, dir, "header.csv", "indicator,economy,year,value\n"), "header.csv: no data rows: nothing under the header to load"},
		{"lines ended by CR alone", writeFile(t, dir, "mac.csv", "indicator,economy,year,value\rinternet_use_pct,KEN,2020,29.5\r"),
			"lines end with CR only; save the file with LF or CRLF line endings"},
		{"a workbook cut off after 60 rows", writeWorkbookXML(t, dir, "cut.xlsx", func(w io.Writer) {
			io.WriteString(w, headerRow)
			for n := 2; n <= 61; n++ {
				fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>internet_use_pct</t></is></c><c r="B%d" t="inlineStr"><is><t>KEN</t></is></c><c r="C%d"><v>%d</v></c><c r="D%d"><v>5</v></c></row>`, n, n, n, n, 1958+n, n)
			}
			io.WriteString(w, `<row r="62"><c r="A62" t="inlineStr"><is><t>internet_u`)
		}), "cut.xlsx: the workbook is damaged: part xl/worksheets/sheet1.xml: XML syntax error on line 1: unexpected EOF"},
		{"a field of 300 MB", writeRepeated(t, dir, "field.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2020,",
			strings.Repeat("9", 1<<20), 300, "\ninternet_use_pct,KEN,2021,5\n"), "field.csv: line 2: a record longer than 16 MiB"},
		{"a header of 16 MiB of commas", writeRepeated(t, dir, "commas.csv", "", strings.Repeat(",", 1<<20), 16, "\ninternet_use_pct,KEN,2021,5\n"),
			"commas.csv: line 1: no end of the header line in the first 1 MiB"},
		{"a note of 50 MB", writeRepeated(t, dir, "note.csv", "indicator,economy,year,value,note\ninternet_use_pct,KEN,2020,5,",
			strings.Repeat("n", 1<<20), 50, "\ninternet_use_pct,KEN,2021,5,x\n"), "note.csv: line 2: a record longer than 16 MiB"},
		{"a workbook of 1 MB holding a cell of 1 GiB", writeWorkbookXML(t, dir, "cell.xlsx", func(w io.Writer) {
			io.WriteString(w, headerRow+`<row r="2"><c r="A2" t="inlineStr"><is><t>internet_use_pct</t></is></c><c r="E2" t="inlineStr"><is><t>`)
			chunk := strings.Repeat("n", 1<<20)
			for range 1024 {
				io.WriteString(w, chunk)
			}
			io.WriteString(w, `</t></is></c></row>`+sheetEnd)
		}), "cell.xlsx: the workbook's part xl/worksheets/sheet1.xml expands to 1.0 GiB, more than the 512 MiB a workbook may have; save the sheet as CSV"},
		{"a workbook expanding to 1 GiB of rows", writeWorkbookXML(t, dir, "rows.xlsx", func(w io.Writer) {
			io.WriteString(w, headerRow)
			for range (1 << 30) / len(row) {
				io.WriteString(w, row)
			}
			io.WriteString(w, sheetEnd)
		}), "rows.xlsx: the workbook's part xl/worksheets/sheet1.xml expands to 1.0 GiB, more than the 512 MiB a workbook may have"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			info, err := os.Stat(c.path)
			if err != nil {
				t.Fatal(err)
			}
			r := ictstatMeasured(t, "--db", db, "ingest", c.path)
			t.Logf("%s (%d bytes): exit %d in %.2fs, peak RSS %d MB, %d bytes on stderr", filepath.Base(c.path), info.Size(), r.code, r.wall.Seconds(), r.rss>>20, len(r.stderr))
			if r.code != exitRefused || !strings.Contains(r.stderr, c.says) || !strings.Contains(r.stderr, "1 of 1 files refused") {
				t.Errorf("exit %d, want 3 saying %q\nstderr: %.2000s", r.code, c.says, r.stderr)
			}
			if len(r.stderr) > 1000 {
				t.Errorf("%d bytes on stderr", len(r.stderr))
			}
			if r.rss > 400<<20 || r.wall > 30*time.Second {
				t.Errorf("took %s and %d MB at the peak", r.wall, r.rss>>20)
			}
		})
	}
	if after := fingerprint(t, db); after != before {
		t.Errorf("the database changed:\n%s\n%s", before, after)
	}
}

// TestIngestRejectsOddValuesAndLongFields: rows whose values or years are written oddly, or with a
// field past the bound, are rejected and quoted cut; the file loads with its other rows.
func TestIngestRejectsOddValuesAndLongFields(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.duckdb")
	if r := ictstat(t, "--db", db, "init", "--empty"); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}
	long := strings.Repeat("n", 100000)
	path := writeFile(t, dir, "odd.csv", "indicator,economy,year,value,note\n"+
		"internet_use_pct,KEN,2019,29.5,\n"+
		"internet_use_pct,KEN,2020,-0,\n"+
		"internet_use_pct,KEN,2021,1e-400,\n"+
		"internet_use_pct,KEN,02022,5,\n"+
		"internet_use_pct,KEN,\"2023 \",5,\n"+
		"internet_use_pct,KEN,+2024,5,\n"+
		"internet_use_pct,UGA,2020,5,"+long+"\n")
	r := ictstat(t, "--db", db, "ingest", "--max-reject-rate", "1", path)
	if r.code != 0 || !strings.Contains(r.stdout, "7 rows read, 2 loaded, 0 unchanged, 5 rejected") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		`line 3, column value, value "-0": negative zero; write 0`,
		`line 4, column value, value "1e-400": number too close to 0 to be stored`,
		`line 5, column year, value "02022": year not written plainly as digits`,
		`line 7, column year, value "+2024": year not written plainly as digits`,
		`line 8, column note, value "` + long[:200] + `… (100000 bytes)": field of 100000 bytes, longer than the 65536 a field may hold`,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	if len(r.stderr) > 2000 {
		t.Errorf("%d bytes on stderr", len(r.stderr))
	}
}
