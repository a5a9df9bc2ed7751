package indicators

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/ictstat/ictstat/engine/ingest"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/engine/validate"
)

// Users define indicators of their own in a CSV file with the catalogue's columns, the codes other
// producers give them, and nothing else:
//
//	code, name, unit, unit_kind, polarity, aggregation    required
//	min, max                                              the valid range; empty: open (a percentage: 0 and 100)
//	weight                                                population or households, for a weighted_mean only
//	custodian, sdg_indicator, core_code, description      optional
//	itu_code, wdi_code, sdg_series, ddf_concept           optional: codes of files that name the indicator so,
//	                                                      several separated by ";"
//	defined_by                                            ignored, so that 'ictstat indicator list --format csv'
//	                                                      reads back
//
// The columns are those of the indicators view, with code, min and max for indicator,
// min_value and max_value (which are accepted too).

// DefinitionColumns are the columns of a definitions file: the required ones first.
var DefinitionColumns = []string{"code", "name", "unit", "unit_kind", "polarity", "aggregation", "min", "max", "weight",
	"custodian", "sdg_indicator", "core_code", "description", "itu_code", "wdi_code", "sdg_series", "ddf_concept", "defined_by"}

const requiredColumns = 6

// columnAliases are the indicators view's names of definition columns.
var columnAliases = map[string]string{"indicator": "code", "min_value": "min", "max_value": "max"}

// codeColumns are the columns that hold other producers' codes, by scheme.
var codeColumns = []struct{ column, scheme string }{{"itu_code", "itu"}, {"wdi_code", "wdi"}, {"sdg_series", "sdg"}, {"ddf_concept", "ddf"}}

// Definition is an indicator defined in a file, with its codes and the line it is on.
type Definition struct {
	Indicator
	Codes []Code
	Line  int
}

// FieldError is a field of a definitions file that breaks a rule: where it is, its value and why.
// Line 0 is the whole file; an empty Column, the whole line.
type FieldError struct {
	File   string
	Line   int
	Column string
	Value  string
	Reason string
}

func (e FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ", line %d", e.Line)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, ", column %s", e.Column)
	}
	if e.Column != "" || e.Value != "" {
		fmt.Fprintf(&b, ", value %q", e.Value)
	}
	return b.String() + ": " + e.Reason
}

// FieldErrors are every error of a definitions file, in line order. A file with any defines
// nothing.
type FieldErrors []FieldError

// MaxFieldErrors is how many errors of a file FieldErrors lists.
const MaxFieldErrors = 50

func (e FieldErrors) Error() string {
	msgs := make([]string, len(e))
	for i, f := range e {
		msgs[i] = f.Error()
	}
	return strings.Join(msgs, "\n")
}

// ErrDefinitions marks a definitions file refused for its content (FieldErrors).
var ErrDefinitions = errors.New("indicator definitions refused")

func (e FieldErrors) Is(target error) bool { return target == ErrDefinitions }

// maxDefinitionBytes bounds a definitions file.
const maxDefinitionBytes = 16 << 20

// ReadDefinitionsFile reads and checks the definitions file at path (ReadDefinitions).
func ReadDefinitionsFile(path string) ([]Definition, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadDefinitions(path, f)
}

// ReadDefinitions reads indicator definitions from r, the file name, and checks every field of
// every line: the rules of the catalogue (parseIndicator), codes, and that no code, in any case
// and column, is given twice. Every error is returned (FieldErrors, up to MaxFieldErrors), naming
// file, line, column, value and reason, with the definitions of the lines that have none, so
// that they can be checked further; a file with any error defines nothing.
func ReadDefinitions(name string, r io.Reader) ([]Definition, error) {
	br := bufio.NewReader(io.LimitReader(r, maxDefinitionBytes+1))
	if bom, err := br.Peek(3); err == nil && string(bom) == "\uFEFF" {
		br.Discard(3)
	}
	counted := &countingReader{r: br}
	cr := csv.NewReader(counted)
	cr.FieldsPerRecord = -1
	var errs FieldErrors
	fail := func(line int, column, value, format string, args ...any) {
		if len(errs) < MaxFieldErrors {
			errs = append(errs, FieldError{name, line, column, value, fmt.Sprintf(format, args...)})
		}
	}
	header, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return nil, FieldErrors{{name, 0, "", "", "the file is empty; its first line names the columns: " + strings.Join(DefinitionColumns, ",")}}
	case err != nil:
		return nil, FieldErrors{csvError(name, err)}
	}
	pos := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if a, ok := columnAliases[h]; ok {
			h = a
		}
		switch {
		case !slices.Contains(DefinitionColumns, h):
			fail(1, h, header[i], "unknown column; the columns are %s", strings.Join(DefinitionColumns, ", "))
		case pos[h] > 0:
			fail(1, h, header[i], "the column is given twice")
		}
		pos[h] = i + 1
	}
	for _, c := range DefinitionColumns[:requiredColumns] {
		if pos[c] == 0 {
			fail(1, c, "", "the column is missing; the required columns are %s", strings.Join(DefinitionColumns[:requiredColumns], ", "))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	var defs []Definition
	firstLine := map[string]int{} // folded code → the line that gives it first
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fe := csvError(name, err)
			fail(fe.Line, "", "", "%s", fe.Reason)
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			fail(line, "", strings.Join(rec, ","), "%d fields where the header has %d", len(rec), len(header))
			continue
		}
		field := func(column string) string {
			if p := pos[column]; p > 0 {
				return strings.TrimSpace(rec[p-1])
			}
			return ""
		}
		ind, problems := parseIndicator(field, true)
		for _, p := range problems {
			fail(line, p.column, p.value, "%s", p.reason)
		}
		valid := len(problems) == 0
		d := Definition{Indicator: ind, Line: line}
		claim := func(column, code string) {
			k := strings.ToLower(code)
			if first, dup := firstLine[k]; dup && first == line && strings.EqualFold(code, ind.Code) && column != "code" {
				return // another producer's code that is the indicator's own, as DDF concepts can be
			} else if dup {
				fail(line, column, code, "the code is also given on line %d; codes match in any case", first)
				valid = false
				return
			}
			firstLine[k] = line
		}
		if ind.Code != "" {
			claim("code", ind.Code)
		}
		for _, cc := range codeColumns {
			for _, c := range strings.Split(field(cc.column), ";") {
				c = strings.TrimSpace(c)
				switch {
				case c == "":
					continue
				case len(c) > 128 || strings.ContainsFunc(c, func(r rune) bool { return r == ' ' || r == ',' || r < 0x20 }):
					fail(line, cc.column, c, "a code has no spaces or commas and at most 128 characters; separate several with ;")
					valid = false
					continue
				}
				claim(cc.column, c)
				d.Codes = append(d.Codes, Code{Indicator: ind.Code, Scheme: cc.scheme, Code: c})
			}
		}
		if valid {
			defs = append(defs, d)
		}
	}
	if counted.n > maxDefinitionBytes {
		return nil, FieldErrors{{name, 0, "", "", fmt.Sprintf("larger than %d MiB; a definitions file lists indicators, not data", maxDefinitionBytes>>20)}}
	}
	if len(errs) > 0 {
		return defs, errs
	}
	if len(defs) == 0 {
		return nil, FieldErrors{{name, 0, "", "", "no definitions under the header"}}
	}
	return defs, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func csvError(name string, err error) FieldError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return FieldError{File: name, Line: pe.Line, Reason: "not CSV: " + pe.Err.Error()}
	}
	return FieldError{File: name, Reason: err.Error()}
}

// Store is the definition as the store takes it.
func (d Definition) Store() store.Definition {
	sd := store.Definition{Indicator: store.Indicator{
		Code: d.Code, Name: d.Name, Unit: d.Unit, UnitKind: d.UnitKind, Min: d.Min, Max: d.Max,
		Polarity: d.Polarity, Aggregation: d.Aggregation, Weight: d.Weight,
		Custodian: d.Custodian, SDGIndicator: d.SDGIndicator, CoreCode: d.CoreCode, Description: d.Description,
	}}
	for _, c := range d.Codes {
		sd.Codes = append(sd.Codes, store.Alias{Scheme: c.Scheme, Code: c.Code, Target: d.Code})
	}
	return sd
}

// Define reads the definitions file at path and adds its indicators to the store's catalogue,
// all or none (store.DefineIndicators, which says what replace does). Errors of the file, and
// definitions the store refuses, are FieldErrors naming file, line, column, value and reason.
func Define(ctx context.Context, st *store.Store, path string, replace bool) (store.Defined, error) {
	defs, err := ReadDefinitionsFile(path)
	var errs FieldErrors
	if err != nil && !errors.As(err, &errs) {
		return store.Defined{}, err
	}
	sd := make([]store.Definition, len(defs))
	lines := map[string]int{}
	for i, d := range defs {
		sd[i] = d.Store()
		lines[d.Code] = d.Line
	}
	// A file with errors defines nothing, but its other lines are checked against the store all
	// the same, so that one run lists every error.
	var done store.Defined
	if len(errs) > 0 {
		err = st.CheckDefinitions(ctx, sd, replace)
	} else {
		done, err = st.DefineIndicators(ctx, sd, path, replace)
	}
	var refused store.DefinitionErrors
	if errors.As(err, &refused) {
		for _, r := range refused {
			if len(errs) < MaxFieldErrors {
				errs = append(errs, FieldError{path, lines[r.Code], r.Column, r.Value, r.Reason})
			}
		}
	} else if err != nil {
		return done, err
	}
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b FieldError) int { return a.Line - b.Line })
		return store.Defined{}, errs
	}
	return done, nil
}

// UnknownHint says how to add the indicators that rows were rejected for to the catalogue, or
// "" when no reject names an unknown indicator.
func UnknownHint(rejects []ingest.Reject) string {
	var codes []string
	for _, r := range rejects {
		if r.Reason == validate.UnknownIndicator && !slices.Contains(codes, r.Value) && len(codes) < 5 {
			codes = append(codes, r.Value)
		}
	}
	if len(codes) == 0 {
		return ""
	}
	return fmt.Sprintf("%s %s not in the catalogue: define new indicators first with 'ictstat indicator define FILE' "+
		"('ictstat indicator define --help' gives the columns, 'ictstat indicator list' the catalogue)",
		strings.Join(codes, ", "), map[bool]string{true: "is", false: "are"}[len(codes) == 1])
}
