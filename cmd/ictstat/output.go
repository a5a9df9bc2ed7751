package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/ictstat/ictstat/engine/query"
)

// column is one column of a result table: its name and how a cell reads in a terminal.
type column struct {
	name string
	text func(v any) string // nil: fmt's default
}

// resultTable is a table of results to print as a table, CSV or JSON.
type resultTable struct {
	columns []column
	rows    [][]any
}

var formats = []string{"table", "csv", "json"}

func checkFormat(f string) error {
	for _, x := range formats {
		if f == x {
			return nil
		}
	}
	return usageError("--format must be table, csv or json")
}

// write prints the result. Missing numbers (NaN) and zero years are empty in tables and CSV and
// null in JSON.
func (r resultTable) write(w io.Writer, format string) error {
	switch format {
	case "json":
		return writeJSON(w, r.maps())
	case "csv":
		cw := csv.NewWriter(w)
		header := make([]string, len(r.columns))
		for i, c := range r.columns {
			header[i] = query.EscapeFormula(c.name)
		}
		cw.Write(header)
		for _, row := range r.rows {
			rec := make([]string, len(row))
			for j, v := range row {
				rec[j] = csvValue(v)
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, c := range r.columns {
		if i > 0 {
			fmt.Fprint(tw, "\t")
		}
		fmt.Fprint(tw, c.name)
	}
	fmt.Fprintln(tw)
	for _, row := range r.rows {
		for j, v := range row {
			if j > 0 {
				fmt.Fprint(tw, "\t")
			}
			fmt.Fprint(tw, r.columns[j].cell(v))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

func (c column) cell(v any) string {
	if missing(v) {
		return ""
	}
	if c.text != nil {
		return c.text(v)
	}
	return fmt.Sprint(v)
}

func missing(v any) bool {
	switch x := v.(type) {
	case float64:
		return math.IsNaN(x) || math.IsInf(x, 0)
	case int:
		return x == 0
	}
	return v == nil
}

func jsonValue(v any) any {
	if missing(v) {
		return nil
	}
	return v
}

// csvValue is v in a CSV cell: numbers as they are, text a spreadsheet would run as a formula
// escaped (query.EscapeFormula).
func csvValue(v any) string {
	if missing(v) {
		return ""
	}
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return query.EscapeFormula(fmt.Sprint(v))
}

// Cell formats for terminals.
func decimals(n int) func(any) string {
	return func(v any) string { return strconv.FormatFloat(v.(float64), 'f', n, 64) }
}

func percent(v any) string { return strconv.FormatFloat(100*v.(float64), 'f', 1, 64) + "%" }

func fractionalYear(v any) string { return strconv.FormatFloat(v.(float64), 'f', 0, 64) }
