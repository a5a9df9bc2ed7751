package ingest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// sheet is a worksheet for writeWorkbook; rows[i] is spreadsheet row i+1, and a nil row is left
// out of the sheet altogether.
type sheet struct {
	name string
	rows [][]any
}

// writeWorkbook saves the sheets, in order, as a workbook called name in a temporary directory.
func writeWorkbook(t *testing.T, name string, sheets ...sheet) string {
	t.Helper()
	wb := excelize.NewFile()
	defer wb.Close()
	for i, sh := range sheets {
		if i == 0 {
			if err := wb.SetSheetName("Sheet1", sh.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := wb.NewSheet(sh.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sh.rows {
			if row == nil {
				continue
			}
			if err := wb.SetSheetRow(sh.name, fmt.Sprintf("A%d", r+1), &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := filepath.Join(t.TempDir(), name)
	if err := wb.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// ictSheets are a long sheet with a title and a blank row above the header, and a wide sheet.
var ictSheets = []sheet{
	{"Data", [][]any{
		{"ICT indicators, 2005-2008"},
		nil,
		{"indicator", "economy", "year", "value", "note"},
		{"IT.NET.USER.ZS", "ABW", 2005, 25.4, "revised"},
		{"IT.NET.USER.ZS", "KEN", 2006, 1234567.0},
		nil,
		{"IT.NET.USER.ZS", "KEN", 2007},
		{"x", "KEN", 2008, 1, "n", "extra"},
	}},
	{"Wide", [][]any{
		{"economy", "indicator", 2019, 2020},
		{"ABW", "x", 1.5},
		{"KEN", "x", "..", 3},
	}},
}

func TestXLSXLongSheetBelowATitle(t *testing.T) {
	path := writeWorkbook(t, "ict.xlsx", ictSheets...)
	src, d := decodeFile(t, path, Options{})
	if src.Format != "xlsx/long" {
		t.Errorf("format %q, want xlsx/long", src.Format)
	}
	checkRows(t, d.rows, []obs{
		{Line: 4, Indicator: "IT.NET.USER.ZS", Economy: "ABW", Year: "2005", Value: "25.4", Note: "revised"},
		{Line: 5, Indicator: "IT.NET.USER.ZS", Economy: "KEN", Year: "2006", Value: "1234567"},
		{Line: 7, Indicator: "IT.NET.USER.ZS", Economy: "KEN", Year: "2007"},
	})
	checkRejects(t, d.rejects, []Reject{
		{Line: 8, Value: "x,KEN,2008,1,n,extra", Reason: "expected 5 fields as in the header, found 6"},
	})
	checkSHA256(t, src, path)
}

func TestXLSXSecondSheet(t *testing.T) {
	path := writeWorkbook(t, "ict.xlsx", ictSheets...)
	src, d := decodeFile(t, path, Options{Sheet: "Wide"})
	if src.Format != "xlsx/wide" {
		t.Errorf("format %q, want xlsx/wide", src.Format)
	}
	checkRows(t, d.rows, []obs{
		{Line: 2, Indicator: "x", Economy: "ABW", Year: "2019", Value: "1.5"},
		{Line: 3, Indicator: "x", Economy: "KEN", Year: "2020", Value: "3"},
	})
}

func TestXLSXFormatGiven(t *testing.T) {
	// The format option reads a workbook whatever its name.
	path := writeWorkbook(t, "ict.xlsx", ictSheets...)
	renamed := path + ".bin"
	if err := os.Rename(path, renamed); err != nil {
		t.Fatal(err)
	}
	path = renamed
	src, d := decodeFile(t, path, Options{Format: "xlsx", Sheet: "Wide"})
	if src.Format != "xlsx/wide" || len(d.rows) != 2 {
		t.Errorf("format %q with %d rows, want xlsx/wide with 2", src.Format, len(d.rows))
	}
}

func TestXLSXErrors(t *testing.T) {
	tests := []struct {
		name   string
		sheets []sheet
		opts   Options
		wants  []string
	}{
		{"unknown sheet", ictSheets, Options{Sheet: "Nope"}, []string{`no sheet "Nope"; the workbook has Data, Wide`}},
		{"no row names a layout", []sheet{{"S", [][]any{{"Title"}, {"foo", "bar"}, {1, 2}}}}, Options{},
			[]string{`sheet "S": no header row in the first 30 rows; the last candidate, row 3`, "cannot tell the format"}},
		{"empty sheet", []sheet{{"S", nil}}, Options{}, []string{`sheet "S": no header row found`}},
		{"header below the rows searched", []sheet{{"S", append(make([][]any, 30), []any{"indicator", "economy", "year", "value"})}},
			Options{}, []string{`sheet "S": no header row found`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, err := Open(writeWorkbook(t, "bad.xlsx", tc.sheets...), tc.opts)
			if err == nil {
				src.Close()
				t.Fatal("Open succeeded")
			}
			checkFormatError(t, err, tc.wants...)
		})
	}
}

func TestXLSXNotAWorkbook(t *testing.T) {
	openFails(t, "fake.xlsx", longFile, Options{}, "fake.xlsx", "not a readable XLSX workbook")
}

// TestPanicsInReadersRefuseTheFile checks the guard around the spreadsheet and Parquet readers.
func TestPanicsInReadersRefuseTheFile(t *testing.T) {
	_, err := guard(func() (*Source, error) { panic("index out of range") })
	var fe *FormatError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "index out of range") {
		t.Errorf("err = %v, want a FormatError naming the panic", err)
	}
}
