// Package translations is the catalogue of translations of ictstat's strings into the languages
// its reports, charts and tables are produced in: Arabic, Persian, French, Spanish, Russian and
// Chinese (simplified), from the English source.
//
// The catalogue is data: one CSV file per target language (ar.csv, fa.csv, fr.csv, es.csv,
// ru.csv, zh.csv), and files of the strings of one part of ictstat beside them
// (<area>.<lang>.csv), embedded in the binary. Each row holds a key, the English text it was
// translated from, the translation, and how far the translation can be trusted (its Status).
// Adding or correcting a translation is an edit to those files; see README.md.
package translations

import (
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed *.csv
var files embed.FS

// Language is one language output can be produced in.
type Language struct {
	Code      string `json:"code"` // ISO 639-1 code, e.g. "fr"; "zh" is simplified Chinese
	Name      string `json:"name"` // the language's name in the language itself, e.g. "Français"
	Direction string `json:"dir"`  // "rtl" for a language written right to left, otherwise "ltr"
}

// Languages are the seven languages of output, English (the source) first, then the target
// languages in the order ar, fa, fr, es, ru, zh. Every target language has a file <code>.csv.
var Languages = []Language{
	{"en", "English", "ltr"},
	{"ar", "العربية", "rtl"},
	{"fa", "فارسی", "rtl"},
	{"fr", "Français", "ltr"},
	{"es", "Español", "ltr"},
	{"ru", "Русский", "ltr"},
	{"zh", "中文（简体）", "ltr"},
}

// Source is the code of the source language: its strings are the keys' English texts and have
// no file of their own.
const Source = "en"

// Status is how far a translation can be trusted.
type Status string

const (
	// Official is the text of an official UN or ITU translation of the same English text; the
	// row's source column names the document symbol or URL it was taken from.
	Official Status = "official"
	// Reviewed is a translation a person has checked against the English.
	Reviewed Status = "reviewed"
	// Unreviewed is a translation no person has checked yet.
	Unreviewed Status = "unreviewed"
	// SourceText is the status Text reports for the English source itself; it never appears in
	// a file.
	SourceText Status = "source"
)

// Statuses are the statuses a row of a file can have, from the most to the least trusted.
var Statuses = []Status{Official, Reviewed, Unreviewed}

// Kinds are the kinds of string a key can identify; a key starts with its kind and a colon.
//
//	indicator:<code>:name, indicator:<code>:unit            (indicators/catalogue.csv)
//	framework:<code>:name, framework:<code>:short_name      (indicators/targets/data/frameworks.csv)
//	target:<framework>:<code>:wording                       (indicators/targets/data/<framework>.csv)
//	group:<code>:name                                       (datasets/default: groups.csv, M49 and SDG regions)
//	economy:<ISO3>:name                                     (datasets/default: M49 table and economies_extra.csv)
//	status:<scorecard status>                               (engine/chart.StatusColors)
//	ui:<English text>                                       (words drawn on charts and reports)
//	help:<command path>:short, help:<command path>:long     (the command line's help, cmd/ictstat)
//	help:<command path> --<flag>
var Kinds = []string{"indicator", "framework", "target", "group", "economy", "status", "ui", "help"}

// Header is the header every file must have, in this order.
var Header = []string{"key", "kind", "english", "text", "status", "source"}

// Entry is one row of a language file.
type Entry struct {
	Key     string
	Kind    string // one of Kinds, the key's prefix
	English string // the English text the translation was made from
	Text    string // the translation
	Status  Status
	Source  string // for Official, the document symbol or URL of the translation; otherwise free, may be empty
	File    string // the file it is in, e.g. ar.csv or notebook.ar.csv
	Line    int    // the line of the file the row starts on
}

// IndicatorKey is the key of an indicator's field, "name" or "unit".
func IndicatorKey(code, field string) string { return "indicator:" + code + ":" + field }

// FrameworkKey is the key of a framework's field, "name" or "short_name".
func FrameworkKey(code, field string) string { return "framework:" + code + ":" + field }

// TargetKey is the key of a target's wording. A framework can list one target code on several
// rows (one per measure or scope, each with its own wording); n is the row's 1-based occurrence
// among the framework's rows with that code. The first occurrence's key is
// target:<framework>:<code>:wording, a later one's target:<framework>:<code>#<n>:wording.
func TargetKey(framework, code string, n int) string {
	if n > 1 {
		code += "#" + strconv.Itoa(n)
	}
	return "target:" + framework + ":" + code + ":wording"
}

// GroupKey is the key of a group's name, by its code in the reference data (e.g. LDC, M49_002).
func GroupKey(code string) string { return "group:" + code + ":name" }

// EconomyKey is the key of an economy's name, by its ISO 3166-1 alpha-3 code as ictstat's
// reference data gives it (e.g. AFG; XKX, CHI, ANT and ASC for the economies of
// datasets/default/economies_extra.csv).
func EconomyKey(iso3 string) string { return "economy:" + iso3 + ":name" }

// StatusKey is the key of a scorecard status, e.g. "target met" (matched without regard to case
// or surrounding spaces, as the charts match it).
func StatusKey(status string) string { return "status:" + strings.ToLower(strings.TrimSpace(status)) }

// UIKey is the key of an interface string: its English text.
func UIKey(english string) string { return "ui:" + english }

// Catalogue holds the translations of every target language.
type Catalogue struct {
	entries map[string]map[string]Entry // language → key → entry
	order   map[string][]string         // language → keys in file order
}

// ParseError is an error in a language file: where it is and why. Line and Column are 0 for an
// error about the whole file (a missing file).
type ParseError struct {
	File   string
	Line   int // 1-based line of the field in error
	Column int // 1-based field number (for a CSV syntax error, the 1-based byte column csv reports)
	Reason string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s, line %d, column %d: %s", e.File, e.Line, e.Column, e.Reason)
}

// Load parses and validates the embedded files of every target language: <lang>.csv and any
// <area>.<lang>.csv beside it (e.g. notebook.ar.csv, the strings of one part of ictstat). It
// succeeds only if every language has its <lang>.csv, every file has the header Header and rows
// with six columns, a known kind matching the key's prefix, a non-empty key, English and text, a
// status from Statuses (Official with a source), and no key twice in a language. An error is a
// *ParseError, naming the file, line, column and reason.
func Load() (*Catalogue, error) {
	c := &Catalogue{entries: map[string]map[string]Entry{}, order: map[string][]string{}}
	all, err := fs.Glob(files, "*.csv")
	if err != nil {
		return nil, err
	}
	for _, l := range Languages[1:] {
		main := l.Code + ".csv"
		if !slices.Contains(all, main) {
			return nil, &ParseError{File: main, Line: 0, Column: 0, Reason: "no file for language " + l.Code}
		}
		m, where := map[string]Entry{}, map[string]string{}
		for _, name := range all {
			if name != main && !strings.HasSuffix(name, "."+main) {
				continue
			}
			f, err := files.Open(name)
			if err != nil {
				return nil, err
			}
			entries, err := Parse(name, f)
			f.Close()
			if err != nil {
				return nil, err
			}
			for _, e := range entries {
				if first, ok := m[e.Key]; ok {
					return nil, &ParseError{File: name, Line: e.Line, Column: 1,
						Reason: fmt.Sprintf("duplicate key %q (first in %s, line %d)", e.Key, where[e.Key], first.Line)}
				}
				m[e.Key], where[e.Key] = e, name
				c.order[l.Code] = append(c.order[l.Code], e.Key)
			}
		}
		c.entries[l.Code] = m
	}
	return c, nil
}

var defaultCatalogue = sync.OnceValues(Load)

// Lookup is the Language of code, and whether it is one of Languages.
func Lookup(code string) (Language, bool) {
	for _, l := range Languages {
		if l.Code == code {
			return l, true
		}
	}
	return Language{}, false
}

// Codes are the codes of Languages, in order.
func Codes() []string {
	out := make([]string, len(Languages))
	for i, l := range Languages {
		out[i] = l.Code
	}
	return out
}

// WordsOf is the Words of lang from the embedded catalogue: nil for English ("" or "en"), an
// error naming the languages when lang is none of them.
func WordsOf(lang string) (*Words, error) {
	if lang == "" || lang == Source {
		return nil, nil
	}
	if !slices.Contains(Codes(), lang) {
		return nil, fmt.Errorf("%q: use one of %s", lang, strings.Join(Codes(), ", "))
	}
	c, err := Default()
	if err != nil {
		return nil, err
	}
	return c.For(lang), nil
}

// Default is the embedded catalogue, loaded once.
func Default() (*Catalogue, error) { return defaultCatalogue() }

// Words translates the strings of one chart, table or report into one language and remembers the
// status of each translation it gave, so that the output can say when it holds unreviewed
// translations. A string without a translation stays in English (and counts as unreviewed). Its
// methods may be called from several goroutines.
type Words struct {
	Lang string
	c    *Catalogue
	mu   sync.Mutex
	used map[string]Status
}

// For is the Words of lang ("" or "en": English, every string as it is).
func (c *Catalogue) For(lang string) *Words {
	if lang == "" {
		lang = Source
	}
	return &Words{Lang: lang, c: c, used: map[string]Status{}}
}

// Key is the translation of the string key identifies, english when the language is English or
// has no translation of it, or when the translation is of other English than english (the
// English text changed since).
func (w *Words) Key(key, english string) string {
	if w == nil || w.Lang == Source {
		return english
	}
	e, ok := w.c.entries[w.Lang][key]
	text, status := e.Text, e.Status
	if !ok || e.English != english {
		// No translation, or one of an English text since changed: the English, as unreviewed.
		text, status = english, Unreviewed
	}
	w.mu.Lock()
	w.used[key] = status
	w.mu.Unlock()
	return text
}

// Language is the code of w's language ("en" for nil).
func (w *Words) Language() string {
	if w == nil {
		return Source
	}
	return w.Lang
}

// UI is the translation of the interface string english.
func (w *Words) UI(english string) string { return w.Key(UIKey(english), english) }

// Unreviewed is how many of the distinct strings translated so far are not official or reviewed
// translations (missing ones included).
func (w *Words) Unreviewed() int {
	if w == nil {
		return 0
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, s := range w.used {
		if s == Unreviewed {
			n++
		}
	}
	return n
}

// Parse reads one language file; name is used in errors. It applies the checks Load lists and
// returns the rows in file order, or the first error as a *ParseError.
func Parse(name string, r io.Reader) ([]Entry, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	fail := func(line, col int, format string, args ...any) error {
		return &ParseError{File: name, Line: line, Column: col, Reason: fmt.Sprintf(format, args...)}
	}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fail(1, 1, "empty file: the header must be %s", strings.Join(Header, ","))
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	if !slices.Equal(header, Header) {
		return nil, fail(1, 1, "the header must be %s, not %s", strings.Join(Header, ","), strings.Join(header, ","))
	}
	var out []Entry
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(Header) {
			col := min(len(rec), len(Header)) + 1
			return nil, fail(line, col, "%d columns, want %d (%s)", len(rec), len(Header), strings.Join(Header, ","))
		}
		pos := func(i int) int { l, _ := cr.FieldPos(i); return l }
		e := Entry{Key: rec[0], Kind: rec[1], English: rec[2], Text: rec[3], Status: Status(rec[4]), Source: rec[5], File: name, Line: line}
		for i, v := range rec[:4] {
			if strings.TrimSpace(v) == "" {
				return nil, fail(pos(i), i+1, "empty %s", Header[i])
			}
			if v != strings.TrimSpace(v) {
				return nil, fail(pos(i), i+1, "%s %q has leading or trailing spaces", Header[i], v)
			}
		}
		if !slices.Contains(Kinds, e.Kind) {
			return nil, fail(pos(1), 2, "unknown kind %q (want one of %s)", e.Kind, strings.Join(Kinds, ", "))
		}
		if !strings.HasPrefix(e.Key, e.Kind+":") || len(e.Key) == len(e.Kind)+1 {
			return nil, fail(pos(0), 1, "key %q does not start with its kind %q and a colon", e.Key, e.Kind)
		}
		if e.Kind == "ui" && e.Key != UIKey(e.English) {
			return nil, fail(pos(2), 3, "the English of an interface string must be its key without \"ui:\", not %q", e.English)
		}
		if !slices.Contains(Statuses, e.Status) {
			return nil, fail(pos(4), 5, "unknown status %q (want official, reviewed or unreviewed)", rec[4])
		}
		if e.Status == Official && strings.TrimSpace(e.Source) == "" {
			return nil, fail(pos(5), 6, "an official translation needs its source (document symbol or URL)")
		}
		if first, ok := seen[e.Key]; ok {
			return nil, fail(pos(0), 1, "duplicate key %q (first on line %d)", e.Key, first)
		}
		seen[e.Key] = line
		out = append(out, e)
	}
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: name, Line: pe.Line, Column: pe.Column, Reason: pe.Err.Error()}
	}
	return &ParseError{File: name, Reason: err.Error()}
}

// Text returns the translation of key into lang, its status and true; or "", "", false when
// lang has no translation of key. For lang "en" it returns the English source text that the
// target languages' files record for key, with status SourceText.
func (c *Catalogue) Text(lang, key string) (text string, status Status, ok bool) {
	if lang == Source {
		for _, l := range Languages[1:] {
			if e, ok := c.entries[l.Code][key]; ok {
				return e.English, SourceText, true
			}
		}
		return "", "", false
	}
	e, ok := c.entries[lang][key]
	if !ok {
		return "", "", false
	}
	return e.Text, e.Status, true
}

// UI returns the translation into lang of the interface string whose English text is english.
// It returns english itself when lang is "en" and, so that output never loses a label, when
// lang has no translation of it (Text with UIKey tells the two apart).
func (c *Catalogue) UI(lang, english string) string {
	if lang == Source {
		return english
	}
	if e, ok := c.entries[lang][UIKey(english)]; ok {
		return e.Text
	}
	return english
}

// Entries returns the rows of lang's file in file order (nil for "en" or an unknown language).
func (c *Catalogue) Entries(lang string) []Entry {
	var out []Entry
	for _, k := range c.order[lang] {
		out = append(out, c.entries[lang][k])
	}
	return out
}

// Counts returns how many of lang's translations have each status of Statuses (every status is
// present in the map, with 0 when none has it). The counts add up to len(Entries(lang)).
func (c *Catalogue) Counts(lang string) map[Status]int {
	out := map[Status]int{}
	for _, s := range Statuses {
		out[s] = 0
	}
	for _, e := range c.entries[lang] {
		out[e.Status]++
	}
	return out
}
