package shaping

import (
	gtbidi "github.com/go-text/typesetting/bidi"
	xbidi "golang.org/x/text/unicode/bidi"
)

// levelRun is a range of a line's runes at one bidi embedding level.
type levelRun struct {
	start, end int
	level      int
}

func (r levelRun) rtl() bool { return r.level%2 == 1 }

// bidiClass is the Unicode bidi class of r.
func bidiClass(r rune) xbidi.Class {
	p, _ := xbidi.LookupRune(r)
	return p.Class()
}

// firstStrong is the paragraph level given by the first strong character of text
// (rules P2–P3): 0 for L, 1 for R or AL, and def when there is none.
func firstStrong(text []rune, def int) int {
	for _, r := range text {
		switch bidiClass(r) {
		case xbidi.L:
			return 0
		case xbidi.R, xbidi.AL:
			return 1
		}
	}
	return def
}

// bidiRuns splits a line into runs of constant embedding level, in logical order, for
// the paragraph level para (0 or 1).
//
// The Unicode bidi algorithm is run by go-text's bidi package, which reports runs of
// constant direction. Without explicit embeddings a left-to-right run of a
// left-to-right paragraph may still hold two levels: numbers that follow right-to-left
// text are at level 2 and the rest at level 0 (rules W2, W7, I1); such a run is split
// here so that reordering moves the numbers with the right-to-left text before them.
func bidiRuns(text []rune, para int) []levelRun {
	if len(text) == 0 {
		return nil
	}
	def := gtbidi.LeftToRight
	if para == 1 {
		def = gtbidi.RightToLeft
	}
	var p gtbidi.Paragraph
	segs := p.Segment(text, def)
	out := make([]levelRun, 0, segs.NumRuns()+1)
	for i := 0; i < segs.NumRuns(); i++ {
		r := segs.Run(i)
		lr := levelRun{start: r.Start, end: r.End, level: int(r.Level)}
		if para == 0 && lr.level == 2 {
			if cut := numericPrefix(text, lr.start, lr.end); cut < lr.end {
				out = append(out, levelRun{lr.start, cut, 2}, levelRun{cut, lr.end, 0})
				continue
			}
		}
		out = append(out, lr)
	}
	return out
}

// numericPrefix is the end of the number that starts text[start:end]: digits (classes
// EN and AN), their terminators (ET), marks, and separators (CS, ES) that stand
// between two digits.
func numericPrefix(text []rune, start, end int) int {
	i := start
	for i < end {
		switch bidiClass(text[i]) {
		case xbidi.EN, xbidi.AN, xbidi.ET, xbidi.NSM, xbidi.BN:
			i++
			continue
		case xbidi.CS, xbidi.ES:
			if i+1 < end {
				if c := bidiClass(text[i+1]); c == xbidi.EN || c == xbidi.AN {
					i++
					continue
				}
			}
		}
		break
	}
	return i
}

// visualOrder returns the indices of runs in display order, left to right (rule L2:
// from the highest level down to the lowest odd level, reverse every maximal sequence
// of runs at that level or higher).
func visualOrder(runs []levelRun) []int {
	order := make([]int, len(runs))
	hi, lo := 0, 1<<30
	for i, r := range runs {
		order[i] = i
		hi = max(hi, r.level)
		if r.rtl() {
			lo = min(lo, r.level)
		}
	}
	for lvl := hi; lvl >= lo && lvl > 0; lvl-- {
		for i := 0; i < len(order); {
			if runs[order[i]].level < lvl {
				i++
				continue
			}
			j := i
			for j < len(order) && runs[order[j]].level >= lvl {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				order[a], order[b] = order[b], order[a]
			}
			i = j
		}
	}
	return order
}
