// Package release runs indicator jobs: a job file says which files to load as which editions,
// how strict to be with rejected rows, what to compute, and which tables, charts and scorecards
// to publish. Run checks the whole job before it changes anything, works on a copy of the
// database and a staging folder, and puts both in place only when every step succeeded, with a
// manifest of what went in and what came out. It replaces only an output folder of its own, and
// the job's SQL reads nothing but the database and the files the job allows.
package release

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ictstat/ictstat/engine/export"
	"github.com/ictstat/ictstat/engine/ingest"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators"
	"github.com/ictstat/ictstat/indicators/compute"
	"github.com/ictstat/ictstat/indicators/figures"
	"github.com/ictstat/ictstat/indicators/targets"
	"github.com/ictstat/ictstat/indicators/translations"
)

// ErrInvalid marks a job file that cannot run: unknown keys, missing files, bad values.
var ErrInvalid = errors.New("invalid job")

// Job is a job file, read and checked.
type Job struct {
	Title      string     `yaml:"title"`
	Output     string     `yaml:"output"` // the output folder, relative to the current folder
	Sources    []Source   `yaml:"sources"`
	Validation Validation `yaml:"validation"`
	Select     Selection  `yaml:"select"`
	Compute    *bool      `yaml:"compute"` // recompute aggregates, gaps and progress; default: when sources load
	// Database is the database file the job loads into and reads, relative to the current
	// folder; default the one --db names. When it does not exist, the job starts it as a copy
	// of that database (or builds it from the embedded default data), which stays unchanged.
	Database string `yaml:"database"`
	// AsOf reads the data as published on a date (YYYY-MM-DD, YYYY-MM or YYYY): editions
	// released on or before it. Such a job loads nothing and changes no database: it computes on
	// a scratch copy and publishes its outputs.
	AsOf      string     `yaml:"as_of"`
	Tables    []Table    `yaml:"tables"`
	Charts    yaml.Node  `yaml:"charts"`
	Scorecard *Scorecard `yaml:"scorecard"`
	// AllowFiles are the files and folders, relative to the job file, that the job's SQL may
	// read; it reads nothing but the database otherwise.
	AllowFiles []string `yaml:"allow_files"`
	// CSVRaw writes CSV and SDMX-CSV values as they are, for programs that read them; by default
	// text a spreadsheet would take for a formula is escaped with a leading single quote.
	CSVRaw bool `yaml:"csv_raw"`
	// Indicators is a file, relative to the job file, that defines indicators of the user's
	// (ictstat indicator define): they are added to the catalogue before the sources load.
	Indicators string `yaml:"indicators"`
	// Composition is the groups' membership the aggregates use when the job computes: current
	// (the default: the latest composition in every year) or historical (each year's). A job that
	// does not compute refuses a database computed with the other one.
	Composition string `yaml:"composition"`
	// Fill is how the job's computation fills the years after an economy's last report: nowcast
	// (the default; up to NowcastTo, by default the last full year) or carry.
	Fill      string `yaml:"fill"`
	NowcastTo int    `yaml:"nowcast_to"`
	// Lang is the language of the job's charts and scorecard (en, ar, fa, fr, es, ru or zh;
	// default en); a chart may name its own. Digits: native for the language's own digits.
	Lang   string `yaml:"lang"`
	Digits string `yaml:"digits"`

	Path    string         `yaml:"-"`
	charts  []figures.Spec // decoded from Charts
	files   [][]string     // the files of each source, in order
	allowed []string       // AllowFiles, absolute
	asOf    time.Time      // AsOf, parsed

	indicators string // Indicators, relative to the current folder
}

// Source is a file or a glob of files to load as one edition.
type Source struct {
	Files       string            `yaml:"files"`  // a path or glob, relative to the job file
	Format      string            `yaml:"format"` // one of ingest.Formats; "" tells it from the file
	Edition     string            `yaml:"edition"`
	Released    string            `yaml:"released"` // YYYY-MM-DD; default the first date in the edition's label, else the load date
	Citation    string            `yaml:"citation"`
	Licence     string            `yaml:"licence"` // the terms the edition's data are published under
	Description string            `yaml:"description"`
	Sheet       string            `yaml:"sheet"`
	Indicator   string            `yaml:"indicator"` // for files of one indicator
	Columns     map[string]string `yaml:"columns"`   // raw column → the file's header
	// ReplacesSeries: the files revise whole series; years they omit are withdrawn.
	ReplacesSeries bool `yaml:"replaces_series"`

	line int
}

// Validation is how strict the loads are. Rejected rows are always recorded and left out; the
// columns they were rejected for decide what the job does: rejects for a column in Errors fail
// the job, others make it succeed with warnings.
type Validation struct {
	MaxRejectRate *float64 `yaml:"max_reject_rate"` // per file; default 0.01
	Errors        []string `yaml:"errors"`          // columns: indicator, economy, year, value, sex, area, age, unit, flag, row
}

// Selection narrows the built-in tables.
type Selection struct {
	Entities   []string `yaml:"entities"`   // economies and groups; default all
	Indicators []string `yaml:"indicators"` // default all
	Frameworks []string `yaml:"frameworks"` // default all
	From       int      `yaml:"from"`
	To         int      `yaml:"to"`
}

// Table is a table to publish: a built-in one by name, or a query of the views.
type Table struct {
	Name    string   `yaml:"name"`
	SQL     string   `yaml:"sql"`
	Title   string   `yaml:"title"`
	Formats []string `yaml:"formats"`

	line int
}

// Scorecard is the Geneva-targets scorecard in Markdown, for each entity.
type Scorecard struct {
	File     string   `yaml:"file"`
	Entities []string `yaml:"entities"`
}

// RejectColumns are the columns rejects are classed by; "row" is a record rejected whole.
var RejectColumns = []string{"indicator", "economy", "year", "value", "sex", "area", "age", "unit", "flag", "source", "note", "row"}

// DefaultMaxRejectRate is the share of a source file's rows that may be rejected.
const DefaultMaxRejectRate = 0.01

// Read reads and checks the job file at path: unknown keys, missing files and bad values are
// refused with their line, wrapping ErrInvalid.
func Read(path string) (*Job, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%w: %s: %s", ErrInvalid, path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	j := &Job{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(j); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  ")
		return nil, fmt.Errorf("%w: %s: %s", ErrInvalid, path, strings.ReplaceAll(msg, "in type release.", "in "))
	}
	j.Path = path
	lines := nodeLines(&root)
	if err := j.check(lines); err != nil {
		return nil, fmt.Errorf("%w: %s, %v", ErrInvalid, path, err)
	}
	return j, nil
}

// nodeLines maps paths such as "sources.1" and "tables.0.formats" to their lines.
func nodeLines(root *yaml.Node) map[string]int {
	out := map[string]int{}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		out[path] = n.Line
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				p := k
				if path != "" {
					p = path + "." + k
				}
				out[p] = n.Content[i].Line
				walk(n.Content[i+1], p)
				out[p] = n.Content[i].Line
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s.%d", path, i))
			}
		}
	}
	walk(root, "")
	return out
}

func (j *Job) dir() string { return filepath.Dir(j.Path) }

// OutputDir is the output folder: out when given, else the job's output (relative to the
// current folder; sources are relative to the job file).
func (j *Job) OutputDir(out string) string {
	if out != "" {
		return out
	}
	return j.Output
}

// check checks the values of the job, naming the line of the first bad one.
func (j *Job) check(lines map[string]int) error {
	at := func(path string, format string, args ...any) error {
		return fmt.Errorf("line %d: %s", lines[path], fmt.Sprintf(format, args...))
	}
	if j.Output == "" {
		return at("", "the job needs an output folder (output: DIR)")
	}
	if j.Indicators != "" {
		j.indicators = j.Indicators
		if !filepath.IsAbs(j.indicators) {
			j.indicators = filepath.Join(j.dir(), j.indicators)
		}
		if _, err := indicators.ReadDefinitionsFile(j.indicators); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return at("indicators", "no file %s (paths are relative to the job file)", j.Indicators)
			}
			return at("indicators", "%v", err)
		}
	}
	if j.AsOf != "" {
		d, err := store.ParseAsOf(j.AsOf)
		if err != nil {
			return at("as_of", "%v", err)
		}
		if len(j.Sources) > 0 {
			return at("as_of", "a job as of a date publishes the data as they were then and loads nothing: move its sources to a job of their own")
		}
		j.asOf = d
	}
	if _, err := j.words(); err != nil {
		return at("lang", "%v", err)
	}
	if err := translations.CheckDigits(j.Digits); err != nil {
		return at("digits", "%v", err)
	}
	if j.Composition != "" && j.Composition != compute.Current && j.Composition != compute.Historical {
		return at("composition", "composition %q: use %s (the latest composition in every year) or %s (each year's)",
			j.Composition, compute.Current, compute.Historical)
	}
	if j.Fill != "" && j.Fill != compute.FillNowcast && j.Fill != compute.FillCarry {
		return at("fill", "fill %q: use %s (the model's estimates up to nowcast_to) or %s (the last value, three years)",
			j.Fill, compute.FillNowcast, compute.FillCarry)
	}
	if j.NowcastTo != 0 && (j.NowcastTo < 1990 || j.NowcastTo > 2100) {
		return at("nowcast_to", "nowcast_to %d: give a year between 1990 and 2100", j.NowcastTo)
	}
	for i := range j.Sources {
		s := &j.Sources[i]
		p := fmt.Sprintf("sources.%d", i)
		s.line = lines[p]
		if s.Files == "" {
			return at(p, "a source needs files (a path or a glob)")
		}
		if s.Edition == "" {
			return at(p, "a source needs an edition, the release its files are")
		}
		if s.Format != "" && !knownFormat(s.Format) {
			var names []string
			for _, f := range ingest.Formats {
				names = append(names, f.Name)
			}
			return at(p+".format", "unknown format %q: use one of %s", s.Format, strings.Join(names, ", "))
		}
		if s.Released != "" {
			if _, err := time.Parse(time.DateOnly, s.Released); err != nil {
				return at(p+".released", "released %q must be a date, YYYY-MM-DD", s.Released)
			}
		}
		pattern := s.Files
		if !filepath.IsAbs(pattern) {
			pattern = filepath.Join(j.dir(), pattern)
		}
		files, err := filepath.Glob(pattern)
		if err != nil {
			return at(p+".files", "bad pattern %q: %v", s.Files, err)
		}
		if len(files) == 0 {
			return at(p+".files", "no file matches %s", s.Files)
		}
		j.files = append(j.files, files)
	}
	for k, f := range j.AllowFiles {
		p := f
		if !filepath.IsAbs(p) {
			p = filepath.Join(j.dir(), p)
		}
		abs, err := filepath.Abs(p)
		if err == nil {
			_, err = os.Stat(abs)
		}
		if err != nil {
			return at(fmt.Sprintf("allow_files.%d", k), "allow_files: no file or folder %s (paths are relative to the job file)", f)
		}
		j.allowed = append(j.allowed, abs)
	}
	if r := j.Validation.MaxRejectRate; r != nil && (*r < 0 || *r >= 1) {
		return at("validation.max_reject_rate", "max_reject_rate must be from 0 to below 1, not %g", *r)
	}
	for k, c := range j.Validation.Errors {
		if !slices.Contains(RejectColumns, c) {
			return at(fmt.Sprintf("validation.errors.%d", k), "unknown column %q: use %s", c, strings.Join(RejectColumns, ", "))
		}
	}
	if fws, err := targets.Frameworks(); err == nil {
		for k, f := range j.Select.Frameworks {
			if _, ok := targets.Find(fws, f); !ok {
				return at(fmt.Sprintf("select.frameworks.%d", k), "unknown framework %q", f)
			}
		}
	}
	if j.Select.From != 0 && j.Select.To != 0 && j.Select.From > j.Select.To {
		return at("select.from", "from %d is after to %d", j.Select.From, j.Select.To)
	}
	names := map[string]int{}
	for i := range j.Tables {
		t := &j.Tables[i]
		p := fmt.Sprintf("tables.%d", i)
		t.line = lines[p]
		if t.Name == "" {
			return at(p, "a table needs a name")
		}
		if strings.ContainsAny(t.Name, `/\ `) {
			return at(p+".name", "table name %q: use letters, digits, - and _", t.Name)
		}
		if prev, dup := names[t.Name]; dup {
			return at(p+".name", "table %s is also on line %d", t.Name, prev)
		}
		names[t.Name] = t.line
		if t.SQL == "" && !slices.Contains(BuiltinTables, t.Name) {
			return at(p+".name", "%q is not a built-in table (%s): give its sql", t.Name, strings.Join(BuiltinTables, ", "))
		}
		if len(t.Formats) == 0 {
			return at(p, "table %s needs formats (%s)", t.Name, strings.Join(export.Formats, ", "))
		}
		for k, f := range t.Formats {
			if !slices.Contains(export.Formats, f) {
				return at(fmt.Sprintf("%s.formats.%d", p, k), "unknown format %q: use %s", f, strings.Join(export.Formats, ", "))
			}
			if f == "sdmx-csv" && t.SQL == "" && !slices.Contains(observationTables, t.Name) {
				return at(fmt.Sprintf("%s.formats.%d", p, k), "table %s has no observations to write as SDMX-CSV (%s do)", t.Name, strings.Join(observationTables, ", "))
			}
		}
	}
	if j.Charts.Kind != 0 {
		if j.Charts.Kind != yaml.SequenceNode {
			return at("charts", "charts is a list")
		}
		var nodes []yaml.Node
		for _, n := range j.Charts.Content {
			nodes = append(nodes, *n)
		}
		specs, err := figures.DecodeSpecs(nodes)
		if err != nil {
			return err
		}
		for i := range specs {
			if specs[i].Lang == "" {
				specs[i].Lang = j.Lang
			}
			if specs[i].Digits == "" {
				specs[i].Digits = j.Digits
			}
		}
		for _, c := range specs {
			if _, err := c.Format(); err != nil {
				return fmt.Errorf("line %d: %v", c.Line, err)
			}
			if strings.HasPrefix(filepath.Clean(c.File), "..") || filepath.IsAbs(c.File) {
				return fmt.Errorf("line %d: chart file %s must be inside the output folder", c.Line, c.File)
			}
		}
		j.charts = specs
	}
	if sc := j.Scorecard; sc != nil {
		if sc.File == "" || len(sc.Entities) == 0 {
			return at("scorecard", "a scorecard needs a file and entities")
		}
	}
	return nil
}

func knownFormat(f string) bool {
	for _, x := range ingest.Formats {
		if x.Name == f {
			return true
		}
	}
	return false
}

// words are the words of the job's language (nil for English); an error names the languages
// when ictstat has none of it.
func (j *Job) words() (*translations.Words, error) {
	w, err := translations.WordsOf(j.Lang)
	if err != nil {
		return nil, fmt.Errorf("lang %v", err)
	}
	return w, nil
}
