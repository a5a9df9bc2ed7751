package translations

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// ErrorsArea is the area of the files of error messages (errors.<lang>.csv): each row's English
// is a Go format an error is made with (fmt.Errorf, errors.New), its key the format as an
// interface string.
const ErrorsArea = "errors"

// verb matches a format verb of fmt: %s, %q, %d, %.1f, %[2]s, %w, and %% (a percent sign).
var verb = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*\d*(\.\d+)?([a-zA-Z%])`)

// errorFormat is one format of the errors files with the pattern of the messages it makes.
type errorFormat struct {
	format  string
	pattern *regexp.Regexp // the whole message, each verb's text a group
	verbs   []byte         // the verb of each group: 'w' and 'v' may hold an error
	literal int            // the length of its text outside the verbs: the longer, the more specific
}

// newErrorFormat is the errorFormat of format.
func newErrorFormat(format string) errorFormat {
	e := errorFormat{format: format}
	var pat strings.Builder
	pat.WriteString("^")
	last := 0
	matches := verb.FindAllStringSubmatchIndex(format, -1)
	for k, m := range matches {
		text := format[last:m[0]]
		pat.WriteString(regexp.QuoteMeta(text))
		e.literal += len(text)
		last = m[1]
		v := format[m[8]:m[9]]
		if v == "%" {
			pat.WriteString("%")
			e.literal++
			continue
		}
		if k == len(matches)-1 && m[1] == len(format) {
			pat.WriteString("(.+)") // a verb that ends the format takes the rest
		} else {
			pat.WriteString("(.+?)")
		}
		e.verbs = append(e.verbs, v[0])
	}
	pat.WriteString(regexp.QuoteMeta(format[last:]))
	e.literal += len(format) - last
	pat.WriteString("$")
	e.pattern = regexp.MustCompile("(?s)" + pat.String())
	return e
}

// errorFormats are the formats of the errors files of a catalogue's language, the most specific
// first, by catalogue and language.
var errorFormats sync.Map // [2]any{*Catalogue, lang} → []errorFormat

func (c *Catalogue) errorFormats(lang string) []errorFormat {
	k := [2]any{c, lang}
	if fs, ok := errorFormats.Load(k); ok {
		return fs.([]errorFormat)
	}
	var fs []errorFormat
	for _, e := range c.Entries(lang) {
		if strings.HasPrefix(e.File, ErrorsArea+".") {
			fs = append(fs, newErrorFormat(e.English))
		}
	}
	slices.SortStableFunc(fs, func(a, b errorFormat) int { return b.literal - a.literal })
	stored, _ := errorFormats.LoadOrStore(k, fs)
	return stored.([]errorFormat)
}

// ErrorIn translates an error's message with w: the message is matched against the formats of
// the errors files, the most specific first, and made again with the translated format, the
// values it holds kept as they are and the errors it wraps (%w, %v) translated the same way. A
// message no format makes whole is kept up to its first ": " and the rest translated so; one of
// DuckDB's or the operating system's stays as it is. nil w, or English, gives msg as it is.
func ErrorIn(w *Words, msg string) string {
	if w == nil || w.Language() == Source {
		return msg
	}
	return errorIn(w, w.c.errorFormats(w.Language()), msg, 0)
}

func errorIn(w *Words, formats []errorFormat, msg string, depth int) string {
	if depth > 8 || msg == "" {
		return msg
	}
	for _, f := range formats {
		m := f.pattern.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, a := range m[1:] {
			if f.verbs[i] == 'w' || f.verbs[i] == 'v' {
				a = errorIn(w, formats, a, depth+1)
			}
			args[i] = a
		}
		return fmt.Sprintf(asStrings(w.UI(f.format)), args...)
	}
	// A message no format makes whole may still wrap one: "FILE: message".
	if i := strings.Index(msg, ": "); i >= 0 {
		return msg[:i+2] + errorIn(w, formats, msg[i+2:], depth+1)
	}
	return msg
}

// asStrings rewrites a format's verbs as %[n]s, n the argument each formats, so that it takes
// the texts the English message held in their place.
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
