package notebook

import (
	"fmt"
	"html"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"

	"github.com/ictstat/ictstat/indicators/translations"
)

// Language is the language a notebook is rendered in: lang must be one of
// translations.Languages ("" is English). The error lists the languages.
func Language(lang string) (translations.Language, error) {
	if lang == "" {
		lang = translations.Source
	}
	if l, ok := translations.Lookup(lang); ok {
		return l, nil
	}
	var known []string
	for _, l := range translations.Languages {
		known = append(known, l.Code+" ("+l.Name+")")
	}
	return translations.Language{}, fmt.Errorf("unknown language %q: use one of %s", lang, strings.Join(known, ", "))
}

// TranslationPath is the file of the translation of the notebook at path into lang: the same
// name with .<lang> before .md, e.g. notebooks/wsis20.fa.md for notebooks/wsis20.md.
func TranslationPath(path, lang string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "." + lang + ext
}

// ProseLanguage is the language of the prose of the notebook at path: lang when its name ends
// in .<lang>.md for a language of translations.Languages, else English.
func ProseLanguage(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if ext := filepath.Ext(base); ext != "" {
		if l, err := Language(ext[1:]); err == nil {
			return l.Code
		}
	}
	return translations.Source
}

// SameDirectives checks that tr, a translation of nb, has nb's parameters and the same sql and
// chart blocks (text and options) in the same order: a translation changes the prose and the
// title only.
func SameDirectives(nb, tr *Notebook) error {
	if !maps(nb.Params, tr.Params) {
		return fmt.Errorf("%s: its parameters differ from those of %s", tr.Path, nb.Path)
	}
	code := func(n *Notebook) []Block {
		var out []Block
		for _, b := range n.Blocks {
			if b.Kind != "markdown" {
				b.Line = 0
				out = append(out, b)
			}
		}
		return out
	}
	a, b := code(nb), code(tr)
	for i := range max(len(a), len(b)) {
		if i >= len(a) || i >= len(b) || a[i] != b[i] {
			line := 0
			for _, x := range tr.Blocks {
				if x.Kind != "markdown" {
					if i == 0 {
						line = x.Line
						break
					}
					i--
				}
			}
			return fmt.Errorf("%s, line %d: its sql and chart blocks must be those of %s, unchanged and in the same order", tr.Path, line, nb.Path)
		}
	}
	return nil
}

func maps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// language is what a render needs to know of its language: the words, the direction, the
// digits, and the catalogue's names by their English text, to translate the names a query
// returns.
type language struct {
	code   string
	dir    string // "rtl" or "ltr"
	native bool   // the language's own digits
	words  *translations.Words
	names  map[string]string // English text → key
	prose  string            // the language of the notebook's prose
}

func newLanguage(opts Options, prose string) (*language, error) {
	l, err := Language(opts.Lang)
	if err != nil {
		return nil, err
	}
	if err := translations.CheckDigits(opts.Digits); err != nil {
		return nil, err
	}
	lg := &language{code: l.Code, dir: l.Direction, native: opts.Digits == "native", words: opts.Words, prose: prose}
	if lg.english() {
		return lg, nil
	}
	cat, err := translations.Default()
	if err != nil {
		return nil, err
	}
	if lg.words == nil {
		lg.words = cat.For(l.Code)
	}
	lg.names = map[string]string{}
	// Names of things first, then the interface words: an English text that is both (World)
	// is translated as the name.
	for _, pass := range []func(kind string) bool{
		func(k string) bool { return k != "ui" && k != "target" && k != "framework" },
		func(k string) bool { return k == "ui" },
	} {
		for _, e := range cat.Entries(l.Code) {
			if _, dup := lg.names[e.English]; !dup && pass(e.Kind) && !strings.Contains(e.English, "%") {
				lg.names[e.English] = e.Key
			}
		}
	}
	return lg, nil
}

func (l *language) english() bool { return l == nil || l.code == translations.Source }

// ui is the translation of an interface string of the page.
func (l *language) ui(english string) string {
	if l.english() {
		return english
	}
	return l.words.UI(english)
}

// name translates a text a query returned when it is, as a whole, a name or an interface word of
// the catalogue (an indicator, economy, group or status), or such a word followed by a number or
// a code ("Target 10"); any other text is kept.
func (l *language) name(s string) string {
	if l.english() || s == "" {
		return s
	}
	if key, ok := l.names[s]; ok {
		return l.words.Key(key, s)
	}
	if i := strings.LastIndexByte(s, ' '); i > 0 && codeLike.MatchString(s[i+1:]) {
		if key, ok := l.names[s[:i]]; ok {
			return l.words.Key(key, s[:i]) + "\u00a0" + l.number(s[i+1:]) // kept on one line
		}
	}
	return s
}

var codeLike = regexp.MustCompile(`^[A-Z]*[0-9][0-9A-Za-z.]*$`)

// number writes the digits of s (a year, a count, a message with numbers) in the language's
// digits when they are native.
func (l *language) number(s string) string {
	if l == nil || !l.native {
		return s
	}
	return translations.Digits(l.code, s)
}

// decimal writes s, a number with decimals as strconv writes it, with the language's decimal
// and thousands separators and digits (translations.FormatNumber), keeping its decimals; any
// other text as number does.
func (l *language) decimal(s string) string {
	if l.english() {
		return s
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.ContainsAny(s, "eEnN") {
		return l.number(s)
	}
	places := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		places = len(s) - i - 1
	}
	return translations.FormatNumber(l.code, v, places, l.native)
}

// value is a value the prose quotes: a number with decimals in the language's separators, an
// integer (a year, a count) in its digits, a name translated.
func (l *language) value(s string) string {
	if l.english() {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		if strings.Contains(s, ".") {
			return l.decimal(s)
		}
		return l.number(s)
	}
	return l.name(s)
}

// ltrRun is a run of left-to-right text inside right-to-left text: words in Latin letters,
// numbers, years, codes (17.8.1, 4G, PP-14), units (%, Mbit/s), and phrases of them with the
// spaces and ASCII punctuation between them (an English citation is one run).
var ltrRun = func() *regexp.Regexp {
	const first = `[\p{Latin}0-9٠-٩۰-۹%]`
	const char = `[\p{Latin}0-9٠-٩۰-۹%+_'’٫]`
	const token = first + char + `*`
	return regexp.MustCompile(token + `(?:[ .,;:/()=&"'\-–]+` + token + `)*`)
}()

// isolateSkip are the elements whose text isolate leaves as it is.
var isolateSkip = []string{"svg", "code", "pre", "script", "style", "title", "bdi"}

// isolate wraps the left-to-right runs of the text of h, an HTML fragment, in <bdi dir="ltr">,
// so that numbers, years, codes and units keep their order inside right-to-left text. Tags and
// attributes are left as they are, and the text of the elements of isolateSkip.
func isolate(h string) string {
	var b strings.Builder
	depth := 0 // inside how many skipped elements
	for len(h) > 0 {
		i := strings.IndexByte(h, '<')
		if i < 0 {
			i = len(h)
		}
		if i > 0 {
			text := h[:i]
			if depth > 0 {
				b.WriteString(text)
			} else {
				isolateText(&b, text)
			}
			h = h[i:]
			continue
		}
		j := strings.IndexByte(h, '>')
		if j < 0 {
			b.WriteString(h)
			break
		}
		tag := h[:j+1]
		name := strings.TrimPrefix(tag[1:], "/")
		if k := strings.IndexAny(name, " \t\n/>"); k >= 0 {
			name = name[:k]
		}
		name = strings.ToLower(name)
		if slices.Contains(isolateSkip, name) && !strings.HasSuffix(tag, "/>") {
			if strings.HasPrefix(tag, "</") {
				depth = max(depth-1, 0)
			} else {
				depth++
			}
		}
		b.WriteString(tag)
		h = h[j+1:]
	}
	return b.String()
}

func isolateText(b *strings.Builder, text string) {
	s := html.UnescapeString(text)
	last := 0
	for _, m := range ltrRun.FindAllStringIndex(s, -1) {
		if m[0] < last {
			continue
		}
		// A bracket the run opened is closed inside it, so that it is not mirrored.
		for strings.Count(s[m[0]:m[1]], "(") > strings.Count(s[m[0]:m[1]], ")") && m[1] < len(s) && s[m[1]] == ')' {
			m[1]++
		}
		b.WriteString(html.EscapeString(s[last:m[0]]))
		b.WriteString(`<bdi dir="ltr">` + html.EscapeString(s[m[0]:m[1]]) + `</bdi>`)
		last = m[1]
	}
	b.WriteString(html.EscapeString(s[last:]))
}

// headingIDs give the headings of prose in a language other than English their ids: the
// heading's letters and digits in any script, lower case, words joined by hyphens, unique on the
// page (a second "Progress" is progress-1).
type headingIDs struct{ used map[string]bool }

func (h *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(string(value)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		case r == '\u200c': // zero-width non-joiner, part of Persian words
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	id := b.String()
	if id == "" {
		id = "section"
	}
	base := id
	for n := 1; h.used[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	h.used[id] = true
	return []byte(id)
}

func (h *headingIDs) Put(value []byte) { h.used[string(value)] = true }
