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

// JobsArea is the area of the files of what a job's run says (jobs.<lang>.csv): each row's
// English is a format of release.MessageFormats.
const JobsArea = "jobs"

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

// FormatIn translates with w a text a program made with one of the formats of an area's files
// (RejectsArea, JobsArea), as ErrorIn does a message with the errors files: matched whole, the
// most specific format first, and made again with the translated format, its values kept and the
// messages it holds (%v) translated the same way; a text no format makes whole is kept up to its
// first ": " and the rest translated so. nil w, or English, gives text as it is.
func FormatIn(w *Words, area, text string) string {
	if w == nil || w.Language() == Source {
		return text
	}
	return errorIn(w, w.c.formats(area, w.Language()), text, 0)
}

// ErrorIn translates an error's message with w: the message is matched against the formats of
// the errors files, the most specific first, and made again with the translated format, the
// values it holds kept as they are and the errors it wraps (%w, %v) translated the same way. A
// message no format makes whole is kept up to its first ": " and the rest translated so; one of
// DuckDB's or the operating system's stays as it is. nil w, or English, gives msg as it is.
func ErrorIn(w *Words, msg string) string { return FormatIn(w, ErrorsArea, msg) }

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
