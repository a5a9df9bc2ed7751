package export_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/xuri/excelize/v2"

	"github.com/ictstat/ictstat/engine/export"
	"github.com/ictstat/ictstat/engine/query"
)

// conn is a connection to a new in-memory database.
func conn(t *testing.T) *sql.Conn {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// hostile is a table whose text a spreadsheet would run as formulas, with negative numbers.
var hostile = export.Table{Name: "hostile", SQL: `SELECT * FROM (VALUES
	('=cmd|'' /C calc''!A0', '@KEN', 2024, -0.5::DOUBLE, '+x', 'total'),
	('internet_use_pct', 'KEN', 2023, -12::DOUBLE, '-', 'female')
) AS t(indicator, economy, year, value, unit, sex)`}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	return recs
}

// TestCSVFormulas: CSV and SDMX-CSV files escape text a spreadsheet would run, leave numbers as
// they are, and write everything as it is with CSVRaw.
func TestCSVFormulas(t *testing.T) {
	c := conn(t)
	ctx := context.Background()
	var buf bytes.Buffer
	if _, err := export.Write(ctx, c, hostile, "csv", &buf); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, buf.Bytes())
	if got := strings.Join(recs[1], "|"); got != "'=cmd|' /C calc'!A0|'@KEN|2024|-0.5|'+x|total" {
		t.Errorf("CSV row 1: %s", got)
	}
	if got := strings.Join(recs[2], "|"); got != "internet_use_pct|KEN|2023|-12|'-|female" {
		t.Errorf("CSV row 2: %s", got)
	}

	buf.Reset()
	if _, err := export.WriteSDMX(ctx, c, hostile, "ICTSTAT:DF_ICT(1.0)", &buf); err != nil {
		t.Fatal(err)
	}
	recs = readCSV(t, buf.Bytes())
	if got := strings.Join(recs[1], "|"); got != "ICTSTAT:DF_ICT(1.0)|'=cmd|' /C calc'!A0|'@KEN|_T|_T|_T|2024|-0.5|'+x|" {
		t.Errorf("SDMX-CSV row 1: %s", got)
	}
	if got := strings.Join(recs[2], "|"); got != "ICTSTAT:DF_ICT(1.0)|internet_use_pct|KEN|F|_T|_T|2023|-12|'-|" {
		t.Errorf("SDMX-CSV row 2: %s", got)
	}

	raw := hostile
	raw.CSVRaw = true
	buf.Reset()
	if _, err := export.Write(ctx, c, raw, "csv", &buf); err != nil {
		t.Fatal(err)
	}
	if recs := readCSV(t, buf.Bytes()); recs[1][0] != "=cmd|' /C calc'!A0" || recs[1][1] != "@KEN" {
		t.Errorf("raw CSV: %q", recs[1])
	}
	buf.Reset()
	if _, err := export.WriteSDMX(ctx, c, raw, "ICTSTAT:DF_ICT(1.0)", &buf); err != nil {
		t.Fatal(err)
	}
	if recs := readCSV(t, buf.Bytes()); recs[1][1] != "=cmd|' /C calc'!A0" || recs[1][8] != "+x" {
		t.Errorf("raw SDMX-CSV: %q", recs[1])
	}
}

// TestXLSXHoldsText: text that looks like a formula is a text cell in a workbook, never a
// formula, so spreadsheets need no escaping there; numbers are numbers.
func TestXLSXHoldsText(t *testing.T) {
	c := conn(t)
	b, err := export.NewWorkbook("t", "ictstat", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.AddTable(context.Background(), c, hostile); err != nil {
		t.Fatal(err)
	}
	if err := b.AddNotes("Notes", [][]string{{"a", "b"}, {"=1+1", "@x"}}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, cell := range []struct{ sheet, ref, value string }{
		{"hostile", "A2", "=cmd|' /C calc'!A0"}, {"hostile", "B2", "@KEN"}, {"hostile", "E2", "+x"}, {"Notes", "A2", "=1+1"},
	} {
		formula, _ := f.GetCellFormula(cell.sheet, cell.ref)
		v, _ := f.GetCellValue(cell.sheet, cell.ref)
		typ, _ := f.GetCellType(cell.sheet, cell.ref)
		if formula != "" || v != cell.value || (typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString) {
			t.Errorf("%s!%s: formula %q, value %q, type %v", cell.sheet, cell.ref, formula, v, typ)
		}
	}
	if v, _ := f.GetCellValue("hostile", "D2"); v != "-0.5" {
		t.Errorf("D2 = %q, want the number -0.5", v)
	}
	if typ, _ := f.GetCellType("hostile", "D2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("D2 is text, want a number")
	}
}

// TestTablesOnlyRead: a table's query is one statement that reads; one that writes a file is
// refused before it runs.
func TestTablesOnlyRead(t *testing.T) {
	c := conn(t)
	target := filepath.Join(t.TempDir(), "x.csv")
	for _, q := range []string{
		"COPY (SELECT 1 AS x) TO '" + target + "'",
		"SELECT 1 AS x; COPY (SELECT 1 AS x) TO '" + target + "'",
	} {
		_, err := export.Write(context.Background(), c, export.Table{Name: "t", SQL: q}, "csv", &bytes.Buffer{})
		var qe *query.Error
		if !errors.As(err, &qe) || qe.Kind != query.Refused {
			t.Errorf("%s: %v, want refused", q, err)
		}
		if _, err := os.Stat(target); err == nil {
			t.Fatalf("%s wrote %s", q, target)
		}
	}
}
