package explorer

import (
	"encoding/csv"
	"io"
	"iter"
	"math"
	"strconv"
	"time"

	"github.com/ictstat/ictstat/engine/export"
	"github.com/ictstat/ictstat/engine/query"
)

// WriteCSV writes rows as CSV in the columns of Columns, as `ictstat sql` writes the same rows:
// numbers in their shortest form, NULL empty, and text that a spreadsheet would run as a formula
// with a leading single quote.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	rec := make([]string, len(Columns))
	num := func(v float64) string {
		if math.IsNaN(v) {
			return ""
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	for _, r := range rows {
		rec[0], rec[1], rec[2] = query.EscapeFormula(r.Entity), r.Kind, strconv.Itoa(r.Year)
		rec[3], rec[4], rec[5] = query.EscapeFormula(r.Sex), query.EscapeFormula(r.Area), query.EscapeFormula(r.Age)
		rec[6], rec[7], rec[8] = num(r.Value), r.Status, query.EscapeFormula(r.Flag)
		rec[9], rec[10], rec[11] = query.EscapeFormula(r.Edition), query.EscapeFormula(r.Source), query.EscapeFormula(r.Note)
		rec[12], rec[13], rec[14], rec[15] = num(r.Coverage), num(r.SE), num(r.CILow), num(r.CIHigh)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes rows as an XLSX workbook: a sheet named after the data (the columns of
// Columns, numbers as numbers) and a sheet "sources" naming each edition with its citation and
// licence, and the source line. The workbook's date is date, so that the same rows give the same
// bytes.
func WriteXLSX(w io.Writer, title, sheet string, rows []Row, editions []Edition, source string, date time.Time) error {
	wb, err := export.NewWorkbook(title, "ictstat", date)
	if err != nil {
		return err
	}
	seq := func(yield func([]any) bool) {
		for _, r := range rows {
			if !yield([]any{r.Entity, r.Kind, r.Year, r.Sex, r.Area, r.Age, r.Value, r.Status, r.Flag, r.Edition, r.Source, r.Note, r.Coverage,
				r.SE, r.CILow, r.CIHigh}) {
				return
			}
		}
	}
	if _, err := wb.AddRows(sheet, Columns, iter.Seq[[]any](seq)); err != nil {
		return err
	}
	notes := [][]string{{"edition", "citation", "licence"}}
	for _, e := range editions {
		licence := "not recorded"
		if e.Licence != nil {
			licence = *e.Licence
		}
		notes = append(notes, []string{e.Edition, e.Citation, licence})
	}
	notes = append(notes, []string{}, []string{source})
	if err := wb.AddNotes("sources", notes); err != nil {
		return err
	}
	return wb.Write(w)
}

// newWorkbook starts a download's workbook, dated now.
func newWorkbook(title string) (*export.Workbook, error) {
	return export.NewWorkbook(title, "ictstat", time.Now())
}
