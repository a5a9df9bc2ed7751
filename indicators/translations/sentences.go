package translations

import (
	"slices"
	"strings"
)

// Sentences translates texts a program writes by joining known sentences: the notes of a
// computation, the reasons of a result. Each sentence is an interface string, translated by its
// key: a format whose verbs are all %s (numbers, years, codes or lists the text holds, kept as they
// are), or a literal text (a note from a data file, taken whole).
type Sentences struct {
	formats  []textFormat
	literals []string // the longest first, so that a text that begins with another is taken whole
}

// NewSentences is the Sentences of formats (their verbs %s; %% a percent sign) and literals.
func NewSentences(formats, literals []string) *Sentences {
	s := &Sentences{literals: slices.Clone(literals)}
	for _, f := range formats {
		s.formats = append(s.formats, newTextFormat(f, false))
	}
	slices.SortStableFunc(s.literals, func(a, b string) int { return len(b) - len(a) })
	return s
}

// In translates text with w, sentence by sentence; the sentences are joined by a space (none
// after a Chinese full stop). A sentence it does not recognise (to the next full stop and space)
// stays as it is. nil w, or English, gives text as it is.
func (s *Sentences) In(w *Words, text string) string {
	if w == nil || w.Language() == Source || text == "" {
		return text
	}
	var out []string
	for rest := text; rest != ""; {
		part := ""
		for _, l := range s.literals {
			if strings.HasPrefix(rest, l) && (len(rest) == len(l) || rest[len(l)] == ' ') {
				part, rest = w.UI(l), strings.TrimPrefix(rest[len(l):], " ")
				break
			}
		}
		for _, f := range s.formats {
			if part != "" {
				break
			}
			if m := f.pattern.FindStringSubmatch(rest); m != nil {
				part, rest = f.remake(w, m, func(_ byte, s string) string { return s }), rest[len(m[0]):]
			}
		}
		if part == "" { // not known: as it is, to the end of its sentence
			part, rest = rest, ""
			if i := strings.Index(part, ". "); i >= 0 {
				part, rest = part[:i+1], part[i+2:]
			}
		}
		out = append(out, part)
	}
	var b strings.Builder
	for i, p := range out {
		if i > 0 && !(w.Language() == "zh" && strings.HasSuffix(out[i-1], "。")) {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}
