// Package export writes the results of queries as files for publication: CSV, Parquet, an XLSX
// workbook with one sheet per table and a notes sheet, and SDMX-CSV, the exchange format of the UN
// SDG database. The same query over the same data gives the same bytes.
package export

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"strings"

	"github.com/ictstat/ictstat/engine/query"
)

// Formats are the file formats of tables.
var Formats = []string{"csv", "parquet", "xlsx", "sdmx-csv"}

// Ext is the file extension of a format.
func Ext(format string) string {
	if format == "sdmx-csv" {
		return ".sdmx.csv"
	}
	return "." + format
}

// Table is a result to export: its name (the file and sheet name) and the query that makes it.
// The query is one statement that reads (query.Policy{SelectOnly: true}); anything else is
// refused with a *query.Error of kind Refused.
type Table struct {
	Name  string
	Title string // the sheet's heading and the notes' description
	SQL   string
	Args  []any
	// CSVRaw writes CSV and SDMX-CSV values as they are, for programs that read them. By default
	// text that a spreadsheet would take for a formula is escaped (query.EscapeFormula).
	CSVRaw bool
}

// Write runs t on conn and writes it to w as CSV or Parquet, returning the rows written.
func Write(ctx context.Context, conn *sql.Conn, t Table, format string, w io.Writer) (int64, error) {
	if format != "csv" && format != "parquet" {
		return 0, fmt.Errorf("export.Write writes csv or parquet, not %s", format)
	}
	return run(ctx, conn, t, func(w io.Writer) query.Writer {
		rw, _ := query.NewWriterWith(format, w, query.WriterOptions{CSVRaw: t.CSVRaw})
		return rw
	}, w)
}

// TableError is the failure of a table's query; Err is a *query.Error.
type TableError struct {
	Table string
	Err   error
}

func (e *TableError) Error() string { return fmt.Sprintf("table %s: %v", e.Table, e.Err) }
func (e *TableError) Unwrap() error { return e.Err }

// run runs t, writing its rows to w through the writer newWriter makes.
func run(ctx context.Context, conn *sql.Conn, t Table, newWriter func(io.Writer) query.Writer, w io.Writer) (int64, error) {
	q := query.Query{SQL: t.SQL, Args: t.Args, Policy: query.Policy{SelectOnly: true}}
	st, err := query.RunWith(ctx, conn, q, newWriter, w)
	if err != nil {
		return st.Rows, &TableError{Table: t.Name, Err: err}
	}
	return st.Rows, nil
}

// SDMX-CSV (version 1.0): a DATAFLOW column, then the dimensions, the observation value and its
// attributes, with SDMX codes (_T for totals). Tables must have the columns indicator, year and
// value, and economy, group_code or entity; sex, area, age, unit and flag are used when present.
type sdmxWriter struct {
	w        io.Writer
	dataflow string
	raw      bool // values as they are; else escaped as query.EscapeFormula does
	idx      map[string]int
	cols     []query.Column
	rec      []string
}

// SDMXHeader is the header row of ictstat's SDMX-CSV files.
var SDMXHeader = []string{"DATAFLOW", "SERIES", "REF_AREA", "SEX", "AGE", "URBANISATION", "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS"}

// WriteSDMX runs t on conn and writes it to w as SDMX-CSV of the dataflow (e.g.
// "ICTSTAT:DF_ICT(1.0)").
func WriteSDMX(ctx context.Context, conn *sql.Conn, t Table, dataflow string, w io.Writer) (int64, error) {
	return run(ctx, conn, t, func(io.Writer) query.Writer { return &sdmxWriter{w: w, dataflow: dataflow, raw: t.CSVRaw} }, io.Discard)
}

func (s *sdmxWriter) Begin(cols []query.Column) error {
	s.cols = cols
	s.idx = map[string]int{}
	for i, c := range cols {
		s.idx[c.Name] = i
	}
	for _, need := range []string{"indicator", "year", "value"} {
		if _, ok := s.idx[need]; !ok {
			return fmt.Errorf("SDMX-CSV needs a column %s", need)
		}
	}
	if _, ok := s.area(); !ok {
		return fmt.Errorf("SDMX-CSV needs a column economy, group_code or entity")
	}
	_, err := io.WriteString(s.w, strings.Join(SDMXHeader, ",")+"\n")
	return err
}

func (s *sdmxWriter) area() (int, bool) {
	for _, c := range []string{"economy", "group_code", "entity"} {
		if i, ok := s.idx[c]; ok {
			return i, true
		}
	}
	return 0, false
}

func (s *sdmxWriter) get(vals []driver.Value, col string) string {
	i, ok := s.idx[col]
	if !ok || vals[i] == nil {
		return ""
	}
	return query.Text(vals[i], s.cols[i].DuckDBType)
}

func (s *sdmxWriter) Row(vals []driver.Value) error {
	if vals[s.idx["value"]] == nil {
		return nil // SDMX has no observation without a value
	}
	ai, _ := s.area()
	rec := []string{s.dataflow, s.get(vals, "indicator"), query.Text(vals[ai], s.cols[ai].DuckDBType),
		sdmxSex(s.get(vals, "sex")), sdmxAge(s.get(vals, "age")), sdmxArea(s.get(vals, "area")),
		s.get(vals, "year"), s.get(vals, "value"), s.get(vals, "unit"), s.get(vals, "flag")}
	// Numbers (TIME_PERIOD and OBS_VALUE, usually) are written as they are, text escaped.
	year, value := query.IsNumber(vals[s.idx["year"]]), query.IsNumber(vals[s.idx["value"]])
	for i, f := range rec {
		asIs := s.raw || (i == 6 && year) || (i == 7 && value)
		if !asIs {
			f = query.EscapeFormula(f)
		}
		rec[i] = csvField(f)
	}
	_, err := io.WriteString(s.w, strings.Join(rec, ",")+"\n")
	return err
}

func (s *sdmxWriter) End(*query.Error) error { return nil }

func sdmxSex(c string) string {
	switch c {
	case "", "total":
		return "_T"
	case "female":
		return "F"
	case "male":
		return "M"
	}
	return c
}

func sdmxArea(c string) string {
	switch c {
	case "", "total":
		return "_T"
	case "urban":
		return "U"
	case "rural":
		return "R"
	}
	return c
}

// sdmxAge turns ictstat's age groups into SDMX codes: 15-24 is Y15T24, 75+ Y_GE75, <15 Y_LT15.
func sdmxAge(c string) string {
	switch {
	case c == "" || c == "total":
		return "_T"
	case strings.HasSuffix(c, "+"):
		return "Y_GE" + strings.TrimSuffix(c, "+")
	case strings.HasPrefix(c, "<"):
		return "Y_LT" + strings.TrimPrefix(c, "<")
	case strings.Contains(c, "-"):
		lo, hi, _ := strings.Cut(c, "-")
		return "Y" + lo + "T" + hi
	}
	return c
}

// csvField quotes a field as RFC 4180 asks.
func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n\r") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
