package notebook

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"

	"github.com/ictstat/ictstat/engine/query"
	"github.com/ictstat/ictstat/indicators/translations"
)

// Charts draws the figure a chart block's spec (YAML, references resolved) asks for, as SVG or
// PNG.
type Charts interface {
	Draw(ctx context.Context, spec []byte, format string) ([]byte, error)
}

// Options say how to render.
type Options struct {
	// DB is the database the sql blocks query. Each block is one statement that reads
	// (query.Policy{SelectOnly: true}); for the blocks to reach no file, open DB with DuckDB's
	// external access off (store.Options.NoExternalAccess).
	DB     *sql.DB
	Params map[string]string // override the front matter's defaults
	Charts Charts
	PNG    bool      // draw figures as PNG too, for Markdown output
	Date   time.Time // the render date shown
	Notes  []string  // lines on the data sources and editions, shown at the end
	// Lang is the language of the text the render writes (table headers, names of indicators,
	// economies, groups and statuses, notes): "" or "en" (English), or a target language of
	// indicators/translations. The prose is the notebook's own; a notebook whose file name ends in
	// .<lang>.md is in that language (TranslationPath), any other in English.
	Lang string
	// Digits is "native" for the language's own digits (Arabic and Persian), "" or "western" for
	// 0-9.
	Digits string
	// Words translate the render's text into Lang; nil: the words of the embedded catalogue. Pass
	// the Words that translated Notes so that the report counts their unreviewed strings too.
	Words *translations.Words
}

// Result is one block's output.
type Result struct {
	Block   Block
	HTML    string // the block as HTML
	Table   *Table // sql
	Figure  []byte // chart: SVG
	PNG     []byte // chart, for Markdown output
	Heading []Heading

	resolved string // markdown: the text with its references resolved
}

// Table is a query's result.
type Table struct {
	Columns []query.Column
	Cells   [][]string       // as shown (see cells)
	Values  [][]driver.Value // the first rows' values
	Rows    int64
}

// Heading is a section heading, for the table of contents.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// Report is a rendered notebook.
type Report struct {
	Title   string // with its references to parameters resolved
	Params  map[string]string
	Results []Result
	Date    time.Time
	Notes   []string

	titleMarkdown string    // the title, its references resolved as Markdown text
	lang          *language // the language of the render
}

// Error is a failed block: the notebook, the block's line and the cause.
type Error struct {
	Path string
	Line int
	Kind string
	Err  error
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s, line %d: the %s block failed: %v", e.Path, e.Line, e.Kind, e.Err)
}
func (e *Error) Unwrap() error { return e.Err }

var reference = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?\s*(?:\|\s*(\d+)\s*)?\}\}`)

// Run runs every block in order and returns the report; the first failing block stops it.
func Run(ctx context.Context, nb *Notebook, opts Options) (*Report, error) {
	params := map[string]string{}
	for k, v := range nb.Params {
		params[k] = v
	}
	for k, v := range opts.Params {
		if _, ok := nb.Params[k]; !ok {
			return nil, fmt.Errorf("%s has no parameter %q (it has %s)", nb.Path, k, strings.Join(nb.ParamNames(), ", "))
		}
		params[k] = v
	}
	lang, err := newLanguage(opts, ProseLanguage(nb.Path))
	if err != nil {
		return nil, err
	}
	conn, err := opts.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	// The named results are temporary tables of this connection: dropped at the end, so that the
	// connection goes back to the pool as it came.
	defer func() {
		for _, b := range nb.Blocks {
			if b.Name != "" {
				conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS temp.main."+quoteName(b.Name))
			}
		}
	}()
	r := &runner{ctx: ctx, conn: conn, params: params, results: map[string]*Table{}, opts: opts, lang: lang, ids: &headingIDs{used: map[string]bool{}},
		md: goldmark.New(goldmark.WithExtensions(extension.Table), goldmark.WithParserOptions(parser.WithAutoHeadingID()))}
	rep := &Report{Params: params, Date: opts.Date, Notes: opts.Notes, lang: lang}
	// Parse made sure that the title quotes parameters only.
	rep.Title, _ = r.resolve(nb.Title, lang.value)
	rep.titleMarkdown, _ = r.resolve(nb.Title, func(s string) string { return markdownText(lang.value(s)) })
	for _, b := range nb.Blocks {
		res, err := r.block(b)
		if err != nil {
			return nil, &Error{Path: nb.Path, Line: b.Line, Kind: b.Kind, Err: err}
		}
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

type runner struct {
	ctx     context.Context
	conn    *sql.Conn
	params  map[string]string
	results map[string]*Table
	opts    Options
	md      goldmark.Markdown
	lang    *language
	ids     *headingIDs // the headings' ids, in a language other than English
}

// resolve replaces the references in s, each value as esc makes it.
func (r *runner) resolve(s string, esc func(string) string) (string, error) {
	var err error
	out := reference.ReplaceAllStringFunc(s, func(m string) string {
		g := reference.FindStringSubmatch(m)
		v, e := r.value(g[1], g[2], g[3])
		if e != nil && err == nil {
			err = e
		}
		return esc(v)
	})
	return out, err
}

// value is what a reference stands for.
func (r *runner) value(name, col, decimals string) (string, error) {
	if col == "" {
		if v, ok := r.params[name]; ok {
			return v, nil
		}
		return "", fmt.Errorf("{{%s}}: no parameter %s", name, name)
	}
	t, ok := r.results[name]
	if !ok {
		return "", fmt.Errorf("{{%s.%s}}: no result named %s before this block", name, col, name)
	}
	if col == "rows" {
		return strconv.FormatInt(t.Rows, 10), nil
	}
	for i, c := range t.Columns {
		if c.Name != col {
			continue
		}
		if len(t.Values) == 0 {
			return "", fmt.Errorf("{{%s.%s}}: the result has no rows", name, col)
		}
		v := t.Values[0][i]
		if decimals != "" {
			n, _ := strconv.Atoi(decimals)
			if f, ok := toFloat(v); ok {
				return strconv.FormatFloat(f, 'f', n, 64), nil
			}
		}
		return query.Text(v, c.DuckDBType), nil
	}
	return "", fmt.Errorf("{{%s.%s}}: the result %s has no column %s", name, col, name, col)
}

func toFloat(v driver.Value) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case int16:
		return float64(x), true
	case duckdb.Decimal:
		return x.Float64(), true
	}
	return 0, false
}

func (r *runner) block(b Block) (Result, error) {
	res := Result{Block: b}
	switch b.Kind {
	case "markdown":
		// Values are text, never markup: the same escaped text gives the HTML and the Markdown.
		text, err := r.resolve(b.Text, func(s string) string { return markdownText(r.lang.value(s)) })
		if err != nil {
			return res, err
		}
		var buf bytes.Buffer
		var popts []parser.ParseOption
		if !r.lang.english() {
			popts = append(popts, parser.WithContext(parser.NewContext(parser.WithIDs(r.ids))))
		}
		if err := r.md.Convert([]byte(text), &buf, popts...); err != nil {
			return res, err
		}
		res.HTML, res.resolved = buf.String(), text
		res.Heading = headings(res.HTML)
	case "sql":
		t, err := r.query(b)
		if err != nil {
			return res, err
		}
		res.Table = t
		if b.Name != "" {
			r.results[b.Name] = t
		}
		res.HTML = t.html(b.Rows, r.lang)
	case "chart":
		spec, err := r.resolve(b.Text, yamlQuote)
		if err != nil {
			return res, err
		}
		if r.opts.Charts == nil {
			return res, fmt.Errorf("no chart renderer")
		}
		svg, err := r.opts.Charts.Draw(r.ctx, []byte(spec), "svg")
		if err != nil {
			return res, err
		}
		res.Figure = svg
		if r.opts.PNG {
			if res.PNG, err = r.opts.Charts.Draw(r.ctx, []byte(spec), "png"); err != nil {
				return res, err
			}
		}
		s := string(svg)
		if i := strings.Index(s, "<svg"); i > 0 {
			s = s[i:] // inline: no XML declaration
		}
		res.HTML = `<figure class="chart">` + s + `</figure>`
	}
	return res, nil
}

// query runs a sql block: references to parameters are bound as $name, and a named result is
// kept as a temporary table of that name for later blocks.
func (r *runner) query(b Block) (*Table, error) {
	var args []any
	seen := map[string]bool{}
	var rerr error
	text := reference.ReplaceAllStringFunc(b.Text, func(m string) string {
		g := reference.FindStringSubmatch(m)
		name := g[1]
		if g[2] != "" {
			// A value of an earlier result, bound like a parameter.
			v, err := r.value(g[1], g[2], g[3])
			if err != nil && rerr == nil {
				rerr = err
			}
			name = g[1] + "_" + g[2]
			if !seen[name] {
				seen[name] = true
				args = append(args, sql.Named(name, v))
			}
			return "$" + name
		}
		v, ok := r.params[name]
		if !ok && rerr == nil {
			rerr = fmt.Errorf("{{%s}}: no parameter %s", name, name)
		}
		if !seen[name] {
			seen[name] = true
			args = append(args, sql.Named(name, v))
		}
		return "$" + name
	})
	if rerr != nil {
		return nil, rerr
	}
	text = strings.TrimRight(strings.TrimSpace(text), ";")
	q := query.Query{SQL: text, Args: args, Policy: readOnly}
	if b.Name != "" {
		var n int
		if err := r.conn.QueryRowContext(r.ctx, `SELECT count(*) FROM information_schema.tables WHERE table_catalog <> 'temp' AND table_schema = 'main' AND lower(table_name) = lower(?)`, b.Name).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, fmt.Errorf("name=%s is the name of a view of the database; choose another", b.Name)
		}
		// The block is run once under the policy, which makes sure it is one statement that
		// reads, before it becomes the query of a temporary table.
		if _, err := query.RunWith(r.ctx, r.conn, q, func(io.Writer) query.Writer { return discard{} }, io.Discard); err != nil {
			return nil, err
		}
		if _, err := r.conn.ExecContext(r.ctx, "CREATE OR REPLACE TEMP TABLE "+quoteName(b.Name)+" AS "+text, args...); err != nil {
			var de *duckdb.Error
			if errors.As(err, &de) && de.Type == duckdb.ErrorTypeParser {
				// The block alone parsed: it is a statement that cannot make a table.
				return nil, fmt.Errorf("name=%s: only a SELECT block can be named (SELECT, WITH, FROM, VALUES), not a DESCRIBE, SHOW, SUMMARIZE or EXPLAIN block: remove name=%s", b.Name, b.Name)
			}
			return nil, err
		}
		q = query.Query{SQL: "SELECT * FROM " + quoteName(b.Name), Policy: readOnly}
	}
	t := &Table{}
	_, err := query.RunWith(r.ctx, r.conn, q, func(io.Writer) query.Writer { return &tableCollector{t: t, keep: max(b.Rows, 1), decimals: b.Decimals} }, io.Discard)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// quoteName quotes a block's name (an identifier: letters, digits and _) for SQL, so that a
// name that is also a keyword names the table too.
func quoteName(name string) string { return `"` + name + `"` }

// readOnly is the policy of a notebook's queries: one statement that reads, as the HTTP service
// accepts. What the blocks may read is up to the database: see Options.DB.
var readOnly = query.Policy{SelectOnly: true}

// discard is a result writer that keeps nothing.
type discard struct{}

func (discard) Begin([]query.Column) error { return nil }
func (discard) Row([]driver.Value) error   { return nil }
func (discard) End(*query.Error) error     { return nil }

// tableCollector keeps the first rows of a result, as values; End makes them text.
type tableCollector struct {
	t        *Table
	keep     int
	decimals int // Block.Decimals
}

func (c *tableCollector) Begin(cols []query.Column) error { c.t.Columns = cols; return nil }

func (c *tableCollector) Row(vals []driver.Value) error {
	c.t.Rows++
	if len(c.t.Values) < c.keep {
		c.t.Values = append(c.t.Values, append([]driver.Value(nil), vals...))
	}
	return nil
}

func (c *tableCollector) End(*query.Error) error {
	c.t.Cells = cells(c.t.Columns, c.t.Values, c.decimals)
	return nil
}

// cells are the values as a table shows them, each column's numbers with the same decimals: a
// DECIMAL column's scale; for FLOAT and DOUBLE columns decimals, or when it is -1 as many as the
// column's values need at 2 decimals (0.9 and 1 show as 0.9 and 1.0); NULL empty.
func cells(cols []query.Column, vals [][]driver.Value, decimals int) [][]string {
	places := make([]int, len(cols))
	for j := range cols {
		places[j] = decimals
		if decimals < 0 {
			places[j] = 0
			for _, row := range vals {
				if f, ok := row[j].(float64); ok {
					places[j] = max(places[j], needed(f, 2))
				} else if f, ok := row[j].(float32); ok {
					places[j] = max(places[j], needed(float64(f), 2))
				}
			}
		}
	}
	out := make([][]string, len(vals))
	for i, row := range vals {
		out[i] = make([]string, len(row))
		for j, v := range row {
			out[i][j] = cellText(v, cols[j], places[j])
		}
	}
	return out
}

// decimalText is a DECIMAL with all the decimals of its scale, exactly.
func decimalText(d duckdb.Decimal) string {
	s := new(big.Int).Abs(d.Value).String()
	scale := int(d.Scale)
	if scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if d.Value.Sign() < 0 {
		s = "-" + s
	}
	return s
}

// needed is the decimals f needs when rounded to at most limit decimals.
func needed(f float64, limit int) int {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	s := strconv.FormatFloat(f, 'f', limit, 64)
	trimmed := strings.TrimRight(s, "0")
	return limit - (len(s) - len(trimmed))
}

// cellText is a value as a table shows it: a DECIMAL with its scale, a FLOAT or DOUBLE with
// places decimals, NULL empty.
func cellText(v driver.Value, c query.Column, places int) string {
	switch x := v.(type) {
	case duckdb.Decimal:
		return decimalText(x)
	case float64:
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			return strconv.FormatFloat(x, 'f', places, 64)
		}
	case float32:
		if f := float64(x); !math.IsNaN(f) && !math.IsInf(f, 0) {
			return strconv.FormatFloat(f, 'f', places, 32)
		}
	}
	return query.Text(v, c.DuckDBType)
}

// shown are the table's headers and cells as the language shows them: in English the columns'
// names and Cells; otherwise the headers translated as interface strings, names translated
// (language.name) and numbers in the language's digits.
func (t *Table) shown(l *language) (heads []string, rows [][]string) {
	for _, c := range t.Columns {
		heads = append(heads, c.Name)
	}
	if l.english() {
		return heads, t.Cells
	}
	for j := range heads {
		heads[j] = l.ui(heads[j])
	}
	for _, row := range t.Cells {
		out := make([]string, len(row))
		for j, cell := range row {
			switch c := t.Columns[j]; {
			case c.DuckDBType == "FLOAT" || c.DuckDBType == "DOUBLE" || strings.HasPrefix(c.DuckDBType, "DECIMAL"):
				out[j] = l.decimal(cell)
			case numericType(c):
				out[j] = l.number(cell) // integers: years, counts
			default:
				out[j] = l.name(cell)
			}
		}
		rows = append(rows, out)
	}
	return heads, rows
}

// moreRows says how many rows the table shows of how many, or that it has none; "" when it
// shows them all.
func (t *Table) moreRows(n int, l *language) string {
	if t.Rows > int64(min(n, len(t.Cells))) {
		return l.number(fmt.Sprintf(l.ui("%d rows, the first %d shown"), t.Rows, min(n, len(t.Cells))))
	} else if t.Rows == 0 {
		return l.ui("no rows")
	}
	return ""
}

// html is the table with its first n rows.
func (t *Table) html(n int, l *language) string {
	if n == 0 {
		return ""
	}
	heads, cells := t.shown(l)
	var b strings.Builder
	b.WriteString(`<div class="table"><table><thead><tr>`)
	for _, h := range heads {
		fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(h))
	}
	b.WriteString("</tr></thead><tbody>\n")
	for i, row := range cells {
		if i >= n {
			break
		}
		b.WriteString("<tr>")
		for j, cell := range row {
			class := ""
			if numericType(t.Columns[j]) {
				class = ` class="num"`
			}
			fmt.Fprintf(&b, "<td%s>%s</td>", class, html.EscapeString(cell))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody></table>")
	if more := t.moreRows(n, l); more != "" {
		fmt.Fprintf(&b, `<p class="more">%s</p>`, html.EscapeString(more))
	}
	b.WriteString("</div>")
	return b.String()
}

func numericType(c query.Column) bool {
	switch c.DuckDBType {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE":
		return true
	}
	return strings.HasPrefix(c.DuckDBType, "DECIMAL")
}

var headingTag = regexp.MustCompile(`<h([1-3]) id="([^"]+)">(.*?)</h[1-3]>`)
var tags = regexp.MustCompile(`<[^>]+>`)

func headings(h string) []Heading {
	var out []Heading
	for _, m := range headingTag.FindAllStringSubmatch(h, -1) {
		lvl, _ := strconv.Atoi(m[1])
		out = append(out, Heading{Level: lvl, ID: m[2], Text: html.UnescapeString(tags.ReplaceAllString(m[3], ""))})
	}
	return out
}

// markdownText makes a value text in Markdown, never markup, also inside a table: the
// characters HTML gives a meaning to become entities, backslashes and | are escaped, and line
// breaks become spaces.
func markdownText(s string) string {
	return markdownEscaper.Replace(s)
}

var markdownEscaper = strings.NewReplacer(`&`, "&amp;", `<`, "&lt;", `>`, "&gt;", `\`, `\\`, `|`, `\|`,
	"\r\n", " ", "\n", " ", "\r", " ")

// yamlQuote makes a value a double-quoted YAML scalar, unless it is a plain number.
func yamlQuote(s string) string {
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return s
	}
	return strconv.Quote(s)
}
