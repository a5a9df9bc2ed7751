package main

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/term"
	"golang.org/x/text/width"

	"github.com/ictstat/ictstat/engine/query"
	"github.com/ictstat/ictstat/indicators/translations"
)

// column is one column of a result table: its name and how a cell reads in a terminal.
type column struct {
	name string
	text func(v any) string // nil: fmt's default
	// drop orders the columns left out of a table too wide for the terminal: the highest first,
	// and of equal ones the rightmost first; 0 (the default) last.
	drop int
	// whole: the column's texts are never cut (a category such as a class, short enough).
	whole bool
	// cutFirst: the column, when first, may be cut like the others (it does not name the row).
	cutFirst bool
}

// resultTable is a table of results to print as a table, CSV or JSON.
type resultTable struct {
	columns []column
	rows    [][]any
	// words translate a table's column names and notes (not CSV's and JSON's names, which are
	// identifiers); nil: English.
	words *translations.Words
}

// name is column j's name as a table heads it.
func (r resultTable) name(j int) string { return r.words.UI(r.columns[j].name) }

var formats = []string{"table", "csv", "json"}

func checkFormat(f string) error {
	for _, x := range formats {
		if f == x {
			return nil
		}
	}
	return usageError("--format must be table, csv or json")
}

// tableHelp says, in a command's help, how a table fits the terminal.
const tableHelp = `In a terminal the table fits its width: column names break at an underscore, long texts are cut
with "…" (those of the last column wrap instead), and the columns that still do not fit are left
out, as a note under the table says; --format csv or json gives every column in full. The width is
the COLUMNS environment variable when set, else the terminal's; printed to a pipe or a file, the
table is not cut.`

// formatHelp is the help of a --format flag of table, csv or json.
const formatHelp = "table, csv or json; a table fits the terminal's width (COLUMNS, else the terminal's; " +
	"not cut when printed to a pipe or file), CSV and JSON always hold every column in full"

// write prints the result. Missing numbers (NaN) and zero years are empty in tables and CSV and
// null in JSON. A table fits the width tableWidth gives for w (see fit); CSV and JSON are never
// shortened.
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
	return r.writeTable(w, tableWidth(w))
}

// writeTable prints the result as a table of at most width terminal cells a line (0: no limit), as fit
// lays it out: columns two spaces apart, then footnotes saying what was cut or left out.
func (r resultTable) writeTable(w io.Writer, width int) error {
	cells := make([][]string, len(r.rows))
	for i, row := range r.rows {
		cells[i] = make([]string, len(row))
		for j, v := range row {
			cells[i][j] = r.columns[j].cell(v)
		}
	}
	l := r.fit(cells, width)
	var buf bytes.Buffer
	line := func(cs []string) { // each cell but the last padded to its column's width in cells
		for k, c := range cs {
			buf.WriteString(c)
			if k < len(cs)-1 {
				buf.WriteString(strings.Repeat(" ", max(l.width[k]-cellWidth(c), 0)+columnGap))
			}
		}
		buf.WriteByte('\n')
	}
	for h := range l.headerLines() {
		header := make([]string, len(l.shown))
		for k := range l.shown {
			if h < len(l.head[k]) {
				header[k] = cut(l.head[k][h], l.width[k])
			}
		}
		line(header)
	}
	cut1 := false
	for _, row := range cells {
		out := make([]string, len(l.shown))
		var more []string // the wrapped last cell's further lines
		for k, j := range l.shown {
			c := row[j]
			switch {
			case k == len(l.shown)-1 && l.wrapLast:
				ls := wrap(c, l.width[k])
				c, more = ls[0], ls[1:]
			case cellWidth(c) > l.width[k]:
				c, cut1 = cut(c, l.width[k]), true
			}
			out[k] = c
		}
		line(out)
		for _, m := range more {
			out = make([]string, len(l.shown))
			out[len(out)-1] = m
			line(out)
		}
	}
	// The padding of empty last cells is left off.
	for _, l := range strings.SplitAfter(buf.String(), "\n") {
		if l == "" {
			continue
		}
		if _, err := io.WriteString(w, strings.TrimRight(l, " \n")+"\n"); err != nil {
			return err
		}
	}
	var notes []string
	if cut1 {
		notes = append(notes, r.words.UI("Texts ending in … are cut to fit the terminal's width."))
	}
	var names []string // the columns left out that vary from row to row
	for _, j := range l.hidden {
		if !l.same[j] {
			names = append(names, r.name(j))
			continue
		}
		v := r.words.UI("empty")
		if c := cells[0][j]; c != "" {
			v = c
		}
		notes = append(notes, fmt.Sprintf(r.words.UI("%s: %s on every row."), r.name(j), v))
	}
	if len(names) > 0 {
		notes = append(notes, fmt.Sprintf(r.words.UI("%s not shown for the terminal's width: %s."),
			plural(len(names), r.words.UI("column"), r.words.UI("columns")), strings.Join(names, translations.Comma(r.words.Language()))))
	}
	if len(notes) > 0 {
		notes = append(notes, r.words.UI("--format csv or json gives every column in full."))
	}
	if n := r.words.Unreviewed(); n > 0 {
		notes = append(notes, fmt.Sprintf(r.words.UI("%d of the table's words are translations nobody has reviewed."), n))
	}
	if len(notes) > 0 {
		for _, l := range wrap(strings.Join(notes, " "), width) {
			if _, err := fmt.Fprintln(w, l); err != nil {
				return err
			}
		}
	}
	return nil
}

// columnGap is the number of spaces between the columns of a table.
const columnGap = 2

// layout is how a table is printed: the columns shown (indices, in order) with their header
// lines and widths in terminal cells, those left out, whether the last column shown wraps onto further
// lines, and which columns (by index) hold the same value on every row of two or more.
type layout struct {
	shown, hidden []int
	head          [][]string
	width         []int
	wrapLast      bool
	same          []bool
}

func (l layout) headerLines() int {
	n := 1
	for _, h := range l.head {
		n = max(n, len(h))
	}
	return n
}

// splitName breaks a column name over two header lines after the underscore (or, in a
// translated name, at the space) that makes the wider part narrowest ("baseline_", "year"); a
// name without one stays on one line.
func splitName(name string) []string {
	best := []string{name}
	width := cellWidth(name)
	for i, r := range name {
		if r != '_' && r != ' ' || i == len(name)-1 {
			continue
		}
		a, b := name[:i+1], name[i+1:]
		if r == ' ' {
			a = name[:i]
		}
		if w := max(cellWidth(a), cellWidth(b)); w < width {
			best, width = []string{a, b}, w
		}
	}
	return best
}

// Table fitting. A text column is narrowed no further than minText cells or its header, whichever
// is wider: below that a text says too little to be worth its place; a last column that wraps,
// no further than minWrap, so that it does not run down the screen a word a line.
const (
	minText = 12
	minWrap = 30
)

// fit lays out a table of the given cells for a line width (0: no limit). A table that fits is
// printed as it is. Otherwise the column names break over two header lines at an underscore
// (splitName), and the text columns are narrowed: those holding text values, except the first
// column (it names the row; unless column.cutFirst), a column.whole and a column with a value that starts with a digit
// (a number, perhaps with its interval, is not to be cut). They are narrowed the widest first,
// all to a common width if need be, none below its minimum (minText); the last column shown,
// when a text column, wraps onto further lines, any other's texts are cut with "…". When the
// table still does not fit, columns are left out (column.drop; all but one at most), and the
// text columns widened again into the room this makes: first those with the same value on every
// row (of two or more; a note gives the value), which say nothing of any row. Every line is then
// at most width cells long.
func (r resultTable) fit(cells [][]string, width int) layout {
	n := len(r.columns)
	text := make([]bool, n) // the column may be narrowed
	content := make([]int, n)
	for j := range r.columns {
		number := false // a cell reads as a number
		for i, row := range cells {
			content[j] = max(content[j], cellWidth(row[j]))
			if _, ok := r.rows[i][j].(string); ok {
				text[j] = true
			}
			if c, _ := utf8.DecodeRuneInString(row[j]); unicode.IsDigit(c) {
				number = true
			}
		}
		text[j] = text[j] && !number && !r.columns[j].whole && (j > 0 || r.columns[j].cutFirst)
	}
	head := make([][]string, n)
	natural := make([]int, n) // the width of each column in full
	minimum := make([]int, n) // the width a column may be narrowed to
	measure := func(split bool) {
		for j := range r.columns {
			head[j] = []string{r.name(j)}
			if split {
				head[j] = splitName(r.name(j))
			}
			name := 0
			for _, h := range head[j] {
				name = max(name, cellWidth(h))
			}
			natural[j] = max(name, content[j])
			minimum[j] = natural[j]
			if text[j] {
				minimum[j] = min(natural[j], max(minText, name))
			}
		}
	}
	shown := make([]int, n)
	for j := range shown {
		shown[j] = j
	}
	measure(false)
	if l, ok := narrow(shown, text, natural, natural, width); ok {
		l.head = head
		return l
	}
	measure(true)
	// order: the columns in the order they are left out.
	order := make([]int, 0, n)
	for j := n - 1; j >= 0; j-- {
		order = append(order, j)
	}
	same := make([]bool, n)
	for j := range same {
		same[j] = len(cells) > 1
		for _, row := range cells {
			same[j] = same[j] && row[j] == cells[0][j]
		}
	}
	rank := func(j int) int { // the higher, the sooner left out
		if same[j] {
			return math.MaxInt
		}
		return r.columns[j].drop
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rank(b), rank(a)) })
	var hidden []int
	for {
		l, ok := narrow(shown, text, natural, minimum, width)
		if ok || len(shown) == 1 {
			l.hidden, l.same = hidden, same
			for _, j := range l.shown {
				l.head = append(l.head, head[j])
			}
			return l
		}
		gone := order[0]
		order = order[1:]
		shown = slices.DeleteFunc(shown, func(j int) bool { return j == gone })
		hidden = append(hidden, gone)
		slices.Sort(hidden)
	}
}

// narrow gives the shown columns their widths within the line width: their natural widths if
// they fit; else, the last column wrapping when it is a text column (at no fewer than minWrap
// cells), the other text columns capped at the largest common width that fits, none below its
// minimum, and the room left to the wrapping column. It reports false when even the minimums do
// not fit.
func narrow(shown []int, text []bool, natural, minimum []int, width int) (layout, bool) {
	l := layout{shown: shown, width: make([]int, len(shown))}
	end := len(shown) - 1
	last := shown[end]
	l.wrapLast = text[last] && minimum[last] < natural[last]
	lastMin := minimum[last]
	if l.wrapLast {
		lastMin = min(natural[last], max(minimum[last], minWrap))
	}
	// total sets the widths for the cap c, the wrapping column at its least, and sums them.
	total := func(c int) int {
		t := columnGap * end
		for k, j := range shown {
			l.width[k] = max(minimum[j], min(natural[j], c))
			if k == end && l.wrapLast {
				l.width[k] = lastMin
			}
			t += l.width[k]
		}
		return t
	}
	full := columnGap * end
	for k, j := range shown {
		l.width[k] = natural[j]
		full += natural[j]
	}
	if width <= 0 || full <= width {
		l.wrapLast = false
		return l, true
	}
	c := slices.Max(natural)
	for c > 0 && total(c) > width {
		c--
	}
	t := total(c)
	if l.wrapLast {
		l.width[end] = min(natural[last], lastMin+width-t)
		l.wrapLast = l.width[end] < natural[last]
	}
	if end == 0 && t > width { // the first column alone: cut to the line
		l.width[0], l.wrapLast, t = width, false, width
	}
	return l, t <= width
}

// cut shortens s to at most n terminal cells, ending in "…" when it is cut.
func cut(s string, n int) string {
	if cellWidth(s) <= n {
		return s
	}
	if n <= 1 {
		return prefix(s, max(n, 0))
	}
	return strings.TrimRight(prefix(s, n-1), " ") + "…"
}

// prefix is the longest start of s at most n cells wide.
func prefix(s string, n int) string {
	w := 0
	for i, r := range s {
		if w += runeWidth(r); w > n {
			return s[:i]
		}
	}
	return s
}

// wrap breaks s into lines of at most n terminal cells at spaces, cutting a word longer than a
// line (a run of Chinese has no spaces) (n ≤ 0: one line). It returns at least one line.
func wrap(s string, n int) []string {
	if n <= 0 {
		return []string{s}
	}
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		for cellWidth(w) > n { // a word longer than a line
			if cur != "" {
				lines, cur = append(lines, cur), ""
			}
			head := prefix(w, n)
			if head == "" { // a character wider than the line
				_, size := utf8.DecodeRuneInString(w)
				head = w[:size]
			}
			lines, w = append(lines, head), w[len(head):]
		}
		switch {
		case cur == "":
			cur = w
		case cellWidth(cur)+1+cellWidth(w) <= n:
			cur += " " + w
		default:
			lines, cur = append(lines, cur), w
		}
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

// cellWidth is how many terminal cells s takes (see runeWidth).
func cellWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// runeWidth is how many terminal cells r takes, by Unicode's East Asian Width (UAX #11): two for
// a wide or fullwidth character (Chinese characters and punctuation), none for a combining mark
// (Arabic vowel signs) or a format character (the zero-width non-joiner of Persian), one otherwise.
func runeWidth(r rune) int {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	case r < 0x1100:
		return 1
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// defaultWidth is the width of a terminal whose size cannot be read.
const defaultWidth = 100

// tableWidth is the line width a table printed to w must fit, in terminal cells: the COLUMNS environment
// variable when it is a positive number (as GNU ls reads it), else the width of the terminal when
// w is one (100 when its size cannot be read), else 0, no limit, so that a table printed to a
// pipe or file keeps every column in full.
func tableWidth(w io.Writer) int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	if n, _, err := term.GetSize(int(f.Fd())); err == nil && n > 0 {
		return n
	}
	return defaultWidth
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

// wholeYear is a year held as a number (progress.Result.ProjectedYear), printed as a whole year.
func wholeYear(v any) string { return strconv.FormatFloat(v.(float64), 'f', 0, 64) }
