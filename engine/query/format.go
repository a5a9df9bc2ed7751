package query

import (
	"bufio"
	"database/sql/driver"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/duckdb/duckdb-go/v2"
)

// Formats are the output formats, by name.
var Formats = []string{"table", "csv", "json", "ndjson", "parquet", "arrow"}

// Writer writes a result in one format: Begin with its columns, Row for every row, End once.
// End(err) with a non-nil err ends a result cut short by a limit; formats that can say so in
// their output (JSON) record the error.
type Writer interface {
	Begin(cols []Column) error
	Row(vals []driver.Value) error
	End(err *Error) error
}

// WriterOptions tune the writers.
type WriterOptions struct {
	// CSVRaw writes CSV values as they are, for programs that read them. By default a text value
	// that a spreadsheet would take for a formula is escaped (EscapeFormula), headers included.
	CSVRaw bool
}

// NewWriter returns the writer of format onto w, with the default options.
func NewWriter(format string, w io.Writer) (Writer, error) {
	return NewWriterWith(format, w, WriterOptions{})
}

// NewWriterWith returns the writer of format onto w, tuned by opts.
func NewWriterWith(format string, w io.Writer, opts WriterOptions) (Writer, error) {
	switch format {
	case "table":
		return &tableWriter{w: w}, nil
	case "csv":
		return &csvWriter{w: csv.NewWriter(w), raw: opts.CSVRaw}, nil
	case "json":
		return &jsonWriter{w: bufio.NewWriterSize(w, 64<<10)}, nil
	case "ndjson":
		return &jsonWriter{w: bufio.NewWriterSize(w, 64<<10), lines: true}, nil
	case "arrow":
		return &arrowWriter{w: w}, nil
	case "parquet":
		return &arrowWriter{w: w, parquet: true}, nil
	}
	return nil, fmt.Errorf("unknown format %q: use %s", format, strings.Join(Formats, ", "))
}

// ContentType is the media type of format.
func ContentType(format string) string {
	switch format {
	case "csv":
		return "text/csv; charset=utf-8; header=present"
	case "json":
		return "application/json"
	case "ndjson":
		return "application/x-ndjson"
	case "arrow":
		return "application/vnd.apache.arrow.stream"
	case "parquet":
		return "application/vnd.apache.parquet"
	}
	return "text/plain; charset=utf-8"
}

// csvWriter writes RFC 4180 CSV with a header; NULL is an empty field. Unless raw, text that a
// spreadsheet would run as a formula is escaped; numbers are always written as they are.
type csvWriter struct {
	w    *csv.Writer
	raw  bool
	cols []Column
	rec  []string
}

func (c *csvWriter) Begin(cols []Column) error {
	c.cols = cols
	c.rec = make([]string, len(cols))
	for i, col := range cols {
		c.rec[i] = col.Name
		if !c.raw {
			c.rec[i] = EscapeFormula(col.Name)
		}
	}
	return c.w.Write(c.rec)
}

func (c *csvWriter) Row(vals []driver.Value) error {
	for i, v := range vals {
		s := Text(v, c.cols[i].DuckDBType)
		if !c.raw && !IsNumber(v) {
			s = EscapeFormula(s)
		}
		c.rec[i] = s
	}
	return c.w.Write(c.rec)
}

// IsNumber reports whether v is a value of a numeric type, which CSV writers never escape.
func IsNumber(v driver.Value) bool {
	switch v.(type) {
	case int64, int32, int16, int8, uint64, uint32, uint16, uint8:
		return true
	}
	_, ok := number(v)
	return ok
}

// plainNumber is a decimal number as CSV files write them: -12, -0.5, .5, 1e-3.
var plainNumber = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// EscapeFormula makes s safe to open in a spreadsheet, following OWASP's rule against CSV
// injection: a value starting with =, +, -, @, a tab or a carriage return is prefixed with a
// single quote, unless it is a plain number (-12, +3.5, -0.5e-3). Other values are returned as
// they are.
func EscapeFormula(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '+', '-':
		if plainNumber.MatchString(s) {
			return s
		}
	case '=', '@', '\t', '\r':
	default:
		return s
	}
	return "'" + s
}

func (c *csvWriter) End(*Error) error {
	c.w.Flush()
	return c.w.Error()
}

// jsonWriter writes {"columns": [...], "rows": [{...}, ...], "row_count": n} or, for NDJSON, one
// object per row and line. NaN and infinities are null; dates are ISO 8601 strings.
type jsonWriter struct {
	w     *bufio.Writer
	lines bool
	cols  []Column
	keys  [][]byte
	rows  int64
	buf   []byte
}

func (j *jsonWriter) Begin(cols []Column) error {
	j.cols = cols
	j.keys = make([][]byte, len(cols))
	for i, c := range cols {
		k, _ := json.Marshal(c.Name)
		j.keys[i] = k
	}
	if j.lines {
		return nil
	}
	type colJSON struct {
		Name string `json:"name"`
		Type string `json:"type"`
	}
	meta := make([]colJSON, len(cols))
	for i, c := range cols {
		meta[i] = colJSON{c.Name, c.DuckDBType}
	}
	b, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	j.w.WriteString(`{"columns":`)
	j.w.Write(b)
	_, err = j.w.WriteString(`,"rows":[`)
	return err
}

func (j *jsonWriter) Row(vals []driver.Value) error {
	b := j.buf[:0]
	if !j.lines && j.rows > 0 {
		b = append(b, ',')
	}
	if !j.lines {
		b = append(b, '\n')
	}
	b = append(b, '{')
	for i, v := range vals {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, j.keys[i]...)
		b = append(b, ':')
		var err error
		if b, err = appendJSON(b, v, j.cols[i].DuckDBType); err != nil {
			return fmt.Errorf("column %s: %w", j.cols[i].Name, err)
		}
	}
	b = append(b, '}')
	if j.lines {
		b = append(b, '\n')
	}
	j.buf = b
	j.rows++
	_, err := j.w.Write(b)
	return err
}

func (j *jsonWriter) End(e *Error) error {
	if !j.lines {
		fmt.Fprintf(j.w, "\n],\"row_count\":%d", j.rows)
		if e != nil {
			msg, _ := json.Marshal(e.Message)
			fmt.Fprintf(j.w, `,"truncated":true,"error":%s`, msg)
		}
		j.w.WriteString("}\n")
	}
	return j.w.Flush()
}

func appendJSON(b []byte, v driver.Value, duck string) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case string:
		return appendJSONString(b, x), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int8:
		return strconv.AppendInt(b, int64(x), 10), nil
	case uint64:
		return strconv.AppendUint(b, x, 10), nil
	case uint32:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint16:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint8:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case time.Time:
		return appendJSONString(b, formatTime(x, duck)), nil
	case duckdb.Decimal, *big.Int:
		// Exact, as JSON numbers may be: DECIMAL(38,8) and HUGEINT have more digits than a double.
		return append(b, Text(x, duck)...), nil
	case duckdb.Union:
		return appendJSON(b, x.Value, "")
	}
	if f, ok := number(v); ok {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return append(b, "null"...), nil
		}
		return strconv.AppendFloat(b, f, 'g', -1, 64), nil
	}
	switch v.(type) {
	case []any, map[string]any, duckdb.OrderedMap, *duckdb.OrderedMap:
		enc, err := json.Marshal(plain(v))
		if err == nil {
			return append(b, enc...), nil
		}
	}
	return appendJSONString(b, Text(v, duck)), nil
}

func appendJSONString(b []byte, s string) []byte {
	if simple(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	enc, _ := json.Marshal(s)
	return append(b, enc...)
}

// simple reports whether s needs no escaping in JSON.
func simple(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}
