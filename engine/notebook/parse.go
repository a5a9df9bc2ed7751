// Package notebook runs executable Markdown reports: prose, ```sql blocks that produce tables and
// ```chart blocks that produce figures, with parameters declared in the front matter. Query
// results can be named, queried by later blocks as tables, and quoted in the prose. A notebook
// renders to one self-contained HTML file, or to Markdown with PNG figures beside it.
//
// References, in prose, SQL and chart specs:
//
//	{{economy}}            a parameter (in SQL it is bound as a parameter, never pasted in)
//	{{latest.value}}       the column value of the first row of the result named latest
//	{{latest.value | 1}}   ... with 1 decimal
//	{{latest.rows}}        the number of rows of the result
package notebook

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Notebook is a parsed notebook file.
type Notebook struct {
	Path   string
	Title  string
	Params map[string]string // defaults from the front matter
	Blocks []Block
}

// Block is a run of prose, a query or a chart.
type Block struct {
	Kind string // "markdown", "sql" or "chart"
	Text string
	Line int    // of the block's first line in the file
	Name string // sql: the name its result is kept under
	Rows int    // sql: rows shown (default 20; 0 hides the table)
	// Decimals is, for sql, the decimals of every FLOAT and DOUBLE column of the table
	// (decimals=N); -1, the default, gives each such column as many as its values need, at most 2.
	Decimals int
}

var fence = regexp.MustCompile("^```\\s*(sql|chart)\\b(.*)$")

// Parse reads a notebook from src; path names it in errors.
func Parse(path string, src []byte) (*Notebook, error) {
	nb := &Notebook{Path: path, Params: map[string]string{}}
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	start := 0
	if len(lines) > 0 && strings.TrimSpace(lines[0]) == "---" {
		end := -1
		for i := 1; i < len(lines); i++ {
			if strings.TrimSpace(lines[i]) == "---" {
				end = i
				break
			}
		}
		if end < 0 {
			return nil, fmt.Errorf("%s, line 1: the front matter has no closing ---", path)
		}
		if err := nb.frontMatter(strings.Join(lines[1:end], "\n")); err != nil {
			return nil, fmt.Errorf("%s, front matter: %v", path, err)
		}
		start = end + 1
	}
	var prose []string
	proseLine := start + 1
	flush := func() {
		if strings.TrimSpace(strings.Join(prose, "\n")) != "" {
			nb.Blocks = append(nb.Blocks, Block{Kind: "markdown", Text: strings.Join(prose, "\n"), Line: proseLine})
		}
		prose = nil
	}
	for i := start; i < len(lines); i++ {
		m := fence.FindStringSubmatch(lines[i])
		if m == nil {
			if len(prose) == 0 {
				proseLine = i + 1
			}
			prose = append(prose, lines[i])
			continue
		}
		flush()
		b := Block{Kind: m[1], Line: i + 1, Rows: 20, Decimals: -1}
		if err := b.options(m[2]); err != nil {
			return nil, fmt.Errorf("%s, line %d: %v", path, i+1, err)
		}
		var body []string
		closed := false
		for i++; i < len(lines); i++ {
			if strings.TrimSpace(lines[i]) == "```" {
				closed = true
				break
			}
			body = append(body, lines[i])
		}
		if !closed {
			return nil, fmt.Errorf("%s, line %d: the %s block is not closed with ```", path, b.Line, b.Kind)
		}
		b.Text = strings.Join(body, "\n")
		if strings.TrimSpace(b.Text) == "" {
			return nil, fmt.Errorf("%s, line %d: the %s block is empty", path, b.Line, b.Kind)
		}
		nb.Blocks = append(nb.Blocks, b)
	}
	flush()
	for _, g := range reference.FindAllStringSubmatch(nb.Title, -1) {
		if _, ok := nb.Params[g[1]]; g[2] != "" || !ok {
			return nil, fmt.Errorf("%s, front matter: the title quotes %s: a title may quote the parameters only", path, g[0])
		}
	}
	names := map[string]int{}
	for _, b := range nb.Blocks {
		if b.Name == "" {
			continue
		}
		if prev, dup := names[b.Name]; dup {
			return nil, fmt.Errorf("%s, line %d: the name %s is also given on line %d", path, b.Line, b.Name, prev)
		}
		if _, clash := nb.Params[b.Name]; clash {
			return nil, fmt.Errorf("%s, line %d: %s is a parameter's name", path, b.Line, b.Name)
		}
		names[b.Name] = b.Line
	}
	return nb, nil
}

// frontMatter reads the title and the parameters.
func (nb *Notebook) frontMatter(s string) error {
	var fm struct {
		Title  string               `yaml:"title"`
		Params map[string]yaml.Node `yaml:"params"`
	}
	dec := yaml.NewDecoder(bytes.NewReader([]byte(s)))
	dec.KnownFields(true)
	if err := dec.Decode(&fm); err != nil && err.Error() != "EOF" {
		return fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	nb.Title = fm.Title
	for k, v := range fm.Params {
		if !identifier.MatchString(k) {
			return fmt.Errorf("line %d: parameter %q: use letters, digits and _", v.Line, k)
		}
		if v.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: parameter %s must be a single value", v.Line, k)
		}
		nb.Params[k] = v.Value
	}
	return nil
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// options reads a fence's options: name=NAME, rows=N, decimals=N.
func (b *Block) options(s string) error {
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Split(bufio.ScanWords)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			return fmt.Errorf("option %q: write key=value", sc.Text())
		}
		switch {
		case k == "name" && b.Kind == "sql":
			if !identifier.MatchString(v) {
				return fmt.Errorf("name %q: use letters, digits and _", v)
			}
			b.Name = v
		case k == "rows" && b.Kind == "sql":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return fmt.Errorf("rows=%s: a number of rows to show, 0 to show none", v)
			}
			b.Rows = n
		case k == "decimals" && b.Kind == "sql":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 9 {
				return fmt.Errorf("decimals=%s: the decimals of the table's numbers, 0 to 9", v)
			}
			b.Decimals = n
		default:
			return fmt.Errorf("unknown option %q for a %s block", k, b.Kind)
		}
	}
	return nil
}

// ParamNames are the notebook's parameters, sorted.
func (nb *Notebook) ParamNames() []string {
	names := make([]string, 0, len(nb.Params))
	for k := range nb.Params {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
