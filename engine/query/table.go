package query

import (
	"database/sql/driver"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
)

// tableWriter writes an aligned text table for a terminal, numbers right-aligned, with the row
// count at the end. It keeps the rows it shows until End; past maxShown rows (0: all) it only
// counts them.
type tableWriter struct {
	w        io.Writer
	maxShown int
	cols     []Column
	cells    [][]string
	rows     int64
}

// NewTableWriter returns a table writer that shows at most maxShown rows (0: all) and counts the
// rest.
func NewTableWriter(w io.Writer, maxShown int) Writer { return &tableWriter{w: w, maxShown: maxShown} }

func (t *tableWriter) Begin(cols []Column) error {
	t.cols = cols
	return nil
}

func (t *tableWriter) Row(vals []driver.Value) error {
	t.rows++
	if t.maxShown > 0 && len(t.cells) >= t.maxShown {
		return nil
	}
	r := make([]string, len(vals))
	for i, v := range vals {
		s := Text(v, t.cols[i].DuckDBType)
		if v == nil {
			s = "NULL"
		}
		r[i] = strings.ReplaceAll(s, "\n", `\n`)
	}
	t.cells = append(t.cells, r)
	return nil
}

func (t *tableWriter) End(e *Error) error {
	width := make([]int, len(t.cols))
	right := make([]bool, len(t.cols))
	for i, c := range t.cols {
		width[i] = utf8.RuneCountInString(c.Name)
		right[i] = numeric(c.Arrow)
	}
	for _, r := range t.cells {
		for i, s := range r {
			width[i] = max(width[i], utf8.RuneCountInString(s))
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		for i, s := range cells {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(s))
			if i > 0 {
				b.WriteString("  ")
			}
			if right[i] {
				b.WriteString(pad + s)
			} else if i < len(cells)-1 {
				b.WriteString(s + pad)
			} else {
				b.WriteString(s)
			}
		}
		b.WriteString("\n")
	}
	names := make([]string, len(t.cols))
	rules := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.Name
		rules[i] = strings.Repeat("-", width[i])
	}
	if len(t.cols) > 0 {
		line(names)
		line(rules)
	}
	for _, r := range t.cells {
		line(r)
	}
	switch shown := int64(len(t.cells)); {
	case shown < t.rows:
		fmt.Fprintf(&b, "(%d rows, the first %d shown)\n", t.rows, shown)
	case t.rows == 1:
		b.WriteString("(1 row)\n")
	default:
		fmt.Fprintf(&b, "(%d rows)\n", t.rows)
	}
	if e != nil {
		fmt.Fprintf(&b, "stopped: %s\n", e.Message)
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

func numeric(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT32, arrow.FLOAT64:
		return true
	}
	return false
}
