package translations

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// verb matches a format verb of fmt: %s, %q, %d, %.1f, %[2]s, %w, and %% (a percent sign).
var verb = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*\d*(\.\d+)?([a-zA-Z%])`)

// textFormat is a Go format a program makes a text with (a sentence of a note, an error message),
// with the pattern of the texts it makes, so that such a text can be made again in another
// language with the values it holds.
type textFormat struct {
	format  string
	pattern *regexp.Regexp // each verb's text a group
	verbs   []byte         // the verb of each group: 'w' and 'v' may hold an error
	literal int            // the length of its text outside the verbs: the longer, the more specific
}

// newTextFormat is the textFormat of format. Whole, its pattern is the whole text; otherwise it
// is the start of a text, up to the space after it. A verb that ends the format takes the rest of
// the text.
func newTextFormat(format string, whole bool) textFormat {
	f := textFormat{format: format}
	var pat strings.Builder
	pat.WriteString("(?s)^")
	last, open := 0, !whole
	matches := verb.FindAllStringSubmatchIndex(format, -1)
	for k, m := range matches {
		text := format[last:m[0]]
		pat.WriteString(regexp.QuoteMeta(text))
		f.literal += len(text)
		last = m[1]
		v := format[m[8]:m[9]]
		if v == "%" {
			pat.WriteString("%")
			f.literal++
			continue
		}
		if k == len(matches)-1 && m[1] == len(format) {
			pat.WriteString("(.+)")
			open = false
		} else {
			pat.WriteString("(.+?)")
		}
		f.verbs = append(f.verbs, v[0])
	}
	pat.WriteString(regexp.QuoteMeta(format[last:]))
	f.literal += len(format) - last
	if open {
		pat.WriteString("(?: |$)")
	} else {
		pat.WriteString("$")
	}
	f.pattern = regexp.MustCompile(pat.String())
	return f
}

// remake makes the text m (a match of f's pattern) again with w's translation of the format, its
// values as the text held them, each passed through arg with its verb.
func (f textFormat) remake(w *Words, m []string, arg func(verb byte, s string) string) string {
	args := make([]any, len(m)-1)
	for i, a := range m[1:] {
		args[i] = arg(f.verbs[i], a)
	}
	return fmt.Sprintf(asStrings(w.UI(f.format)), args...)
}

// asStrings rewrites a format's verbs as %[n]s, n the argument each formats, so that it takes
// the texts the English held in their place.
func asStrings(format string) string {
	next := 1
	return verb.ReplaceAllStringFunc(format, func(v string) string {
		m := verb.FindStringSubmatch(v)
		if m[4] == "%" {
			return v
		}
		if m[2] != "" {
			next, _ = strconv.Atoi(m[2])
		}
		s := fmt.Sprintf("%%[%d]s", next)
		next++
		return s
	})
}
