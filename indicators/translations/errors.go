package translations

import (
	"slices"
	"strings"
	"sync"
)

// ErrorsArea is the area of the files of error messages (errors.<lang>.csv): each row's English
// is a Go format an error is made with (fmt.Errorf, errors.New), its key the format as an
// interface string.
const ErrorsArea = "errors"

// RejectsArea is the area of the files of the reasons rows are rejected for
// (rejects.<lang>.csv): each row's English is a format of ingest.RejectReasons.
const RejectsArea = "rejects"

// areaFormats are the formats of an area's files of a catalogue's language, the most specific
// first, by catalogue, area and language.
var areaFormats sync.Map // [3]any{*Catalogue, area, lang} → []textFormat

func (c *Catalogue) formats(area, lang string) []textFormat {
	k := [3]any{c, area, lang}
	if fs, ok := areaFormats.Load(k); ok {
		return fs.([]textFormat)
	}
	var fs []textFormat
	for _, e := range c.Entries(lang) {
		if strings.HasPrefix(e.File, area+".") {
			fs = append(fs, newTextFormat(e.English, true))
		}
	}
	slices.SortStableFunc(fs, func(a, b textFormat) int { return b.literal - a.literal })
	stored, _ := areaFormats.LoadOrStore(k, fs)
	return stored.([]textFormat)
}

// RejectIn translates with w the reason a row was rejected for: the reason is matched against
// the formats of the rejects files, the most specific first, and made again with the translated
// format, its values kept as they are. A reason no format makes stays as it is; nil w, or
// English, gives reason as it is.
func RejectIn(w *Words, reason string) string {
	if w == nil || w.Language() == Source {
		return reason
	}
	for _, f := range w.c.formats(RejectsArea, w.Language()) {
		if m := f.pattern.FindStringSubmatch(reason); m != nil {
			return f.remake(w, m, func(_ byte, s string) string { return s })
		}
	}
	return reason
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
	return errorIn(w, w.c.formats(ErrorsArea, w.Language()), msg, 0)
}

func errorIn(w *Words, formats []textFormat, msg string, depth int) string {
	if depth > 8 || msg == "" {
		return msg
	}
	for _, f := range formats {
		m := f.pattern.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		return f.remake(w, m, func(v byte, s string) string {
			if v == 'w' || v == 'v' {
				return errorIn(w, formats, s, depth+1)
			}
			return s
		})
	}
	// A message no format makes whole may still wrap one: "FILE: message".
	if i := strings.Index(msg, ": "); i >= 0 {
		return msg[:i+2] + errorIn(w, formats, msg[i+2:], depth+1)
	}
	return msg
}
