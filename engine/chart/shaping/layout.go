package shaping

import (
	"math"

	"github.com/go-text/typesetting/di"
	gtfont "github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
	gtshaping "github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// item is a range of a line's runes with one embedding level, one font family and one
// script, shaped as a unit.
type item struct {
	start, end int
	level      int
	fam        family
	script     language.Script
}

// shapedRun is an item after shaping. Glyphs are in visual order, left to right, with
// positions in 26.6 font units (the run is shaped at a size of one em).
type shapedRun struct {
	item
	face  *gtfont.Face
	out   gtshaping.Output
	scale float64 // points per 26.6 font unit at the requested size
}

// advance is the run's width in points.
func (r *shapedRun) advance() vg.Length { return vg.Length(float64(r.out.Advance) * r.scale) }

// lineLayout is one shaped line: its runs in visual order and its measures in points.
type lineLayout struct {
	runs            []shapedRun
	width           vg.Length
	ascent, descent vg.Length
}

// scriptFamily is the font family that a rune of script sc needs, or false for the
// scripts Common and Inherited that take the family of their neighbours.
func scriptFamily(sc language.Script) (family, bool) {
	switch sc {
	case language.Common, language.Inherited, language.Unknown:
		return 0, false
	case language.Arabic:
		return famArabic, true
	case language.Han, language.Hiragana, language.Katakana, language.Katakana_Or_Hiragana,
		language.Hangul, language.Bopomofo:
		return famCJK, true
	}
	return famLatin, true
}

// coverage is the first family, in the order Latin, Arabic, CJK, whose font maps r;
// Latin when none does.
func (fs *fontSet) coverage(r rune) family {
	for _, f := range []family{famLatin, famArabic, famCJK} {
		if fs.has(f, r) {
			return f
		}
	}
	return famLatin
}

// itemize splits a level run text[lr.start:lr.end] by font family and script.
func (fs *fontSet) itemize(text []rune, lr levelRun) []item {
	n := lr.end - lr.start
	fams := make([]family, n)
	scripts := make([]language.Script, n)
	strong := make([]bool, n)
	for i := 0; i < n; i++ {
		r := text[lr.start+i]
		sc := language.LookupScript(r)
		f, ok := scriptFamily(sc)
		if ok && f == famLatin && !fs.has(famLatin, r) {
			f = fs.coverage(r)
		}
		fams[i], scripts[i], strong[i] = f, sc, ok
	}
	// Runes of Common or Inherited script keep the family (and script) of the rune
	// before them when that font has them, else take the next strong rune's family,
	// else the first family that covers them.
	for i := 0; i < n; i++ {
		if strong[i] {
			continue
		}
		r := text[lr.start+i]
		if i > 0 && (scripts[i] == language.Inherited || fs.has(fams[i-1], r)) {
			fams[i], scripts[i] = fams[i-1], scripts[i-1]
			continue
		}
		next := -1
		for j := i + 1; j < n; j++ {
			if strong[j] {
				next = j
				break
			}
		}
		if next >= 0 && fs.has(fams[next], r) {
			fams[i], scripts[i] = fams[next], scripts[next]
			continue
		}
		fams[i] = fs.coverage(r)
	}
	var items []item
	for i := 0; i < n; i++ {
		if i > 0 && fams[i] == fams[i-1] && (scripts[i] == scripts[i-1] || !isReal(scripts[i]) || !isReal(scripts[i-1])) {
			last := &items[len(items)-1]
			last.end = lr.start + i + 1
			if !isReal(last.script) {
				last.script = scripts[i]
			}
			continue
		}
		items = append(items, item{start: lr.start + i, end: lr.start + i + 1, level: lr.level, fam: fams[i], script: scripts[i]})
	}
	for k := range items {
		if !isReal(items[k].script) {
			switch items[k].fam {
			case famArabic:
				items[k].script = language.Arabic
			case famCJK:
				items[k].script = language.Han
			default:
				items[k].script = language.Latin
			}
		}
	}
	return items
}

func isReal(sc language.Script) bool {
	return sc != language.Common && sc != language.Inherited && sc != language.Unknown
}

// shapeLine lays out one line of text (no line breaks) at the size of fnt, for a
// paragraph of level para (0 left to right, 1 right to left).
func shapeLine(fs *fontSet, text []rune, para int, lang language.Language, fnt font.Font) lineLayout {
	var lay lineLayout
	var items []item
	for _, lr := range bidiRuns(text, para) {
		items = append(items, fs.itemize(text, lr)...)
	}
	levels := make([]levelRun, len(items))
	for i, it := range items {
		levels[i] = levelRun{it.start, it.end, it.level}
	}
	size := float64(fnt.Size.Points())
	for _, k := range visualOrder(levels) {
		it := items[k]
		face := fs.face(it.fam)
		upem := float64(face.Upem())
		dir := di.DirectionLTR
		if it.level%2 == 1 {
			dir = di.DirectionRTL
		}
		out := fs.w.sh.Shape(gtshaping.Input{
			Text:      text,
			RunStart:  it.start,
			RunEnd:    it.end,
			Direction: dir,
			Face:      face,
			Size:      fixed.I(int(upem)),
			Script:    it.script,
			Language:  lang,
		})
		run := shapedRun{item: it, face: face, out: out, scale: size / upem / 64}
		lay.width += run.advance()
		lay.runs = append(lay.runs, run)
	}
	return lay
}

// Sample letters from which the design ascent and descent of the Arabic and CJK fonts
// are measured: the tallest and the deepest common letters of each script.
const (
	arabicTall = "آأإالكطظﻷﻹﻵﻻ"
	arabicDeep = "جحخعغقيىمرزوںپچژگکیےۀ"
	cjkSample  = "国永鬱龍體あアがパ한（）"
)

// familyExtents is the ascent and descent, in points, of family f's font at size.
// For Latin they are the font's own (hhea) values. Noto Sans Arabic's declared values
// (1.374 and 0.738 em) make room for stacked marks and would make every label half as
// tall again, so for Arabic and CJK they are measured once from the outlines of sample
// letters (see arabicTall, arabicDeep, cjkSample): the descent is the deepest letter's,
// the ascent halfway between the tallest letter's height and one em.
func (fs *fontSet) familyExtents(f family, size vg.Length) (ascent, descent vg.Length) {
	face := fs.face(f)
	upem := vg.Length(face.Upem())
	if f == famLatin {
		ext, ok := face.FontHExtents()
		if !ok {
			return size * 0.8, size * 0.2
		}
		return vg.Length(ext.Ascender) * size / upem, vg.Length(math.Abs(float64(ext.Descender))) * size / upem
	}
	l := fs.lazy[f]
	l.extOnce.Do(func() {
		tall, deep := arabicTall, arabicDeep
		if f == famCJK {
			tall, deep = cjkSample, cjkSample
		}
		measure := func(s string, fn func(e gtfont.GlyphExtents)) {
			for _, r := range s {
				if gid, ok := face.NominalGlyph(r); ok {
					if e, ok := face.GlyphExtents(gid); ok {
						fn(e)
					}
				}
			}
		}
		var ink float64
		measure(tall, func(e gtfont.GlyphExtents) { ink = max(ink, float64(e.YBearing)) })
		measure(deep, func(e gtfont.GlyphExtents) { l.descent = max(l.descent, -float64(e.YBearing+e.Height)) })
		// text.Plain puts a baseline one size minus the ascent above the bottom of
		// the box gonum/plot reserves for a line, and gonum/plot raises that box by
		// the descent: letters clear the box's top only if the ascent is at least
		// halfway between their height and one em (as Liberation's is for capitals).
		l.ascent = max(ink, (ink+float64(upem))/2)
		if ink == 0 {
			l.ascent = 0.9 * float64(upem)
		}
	})
	return vg.Length(l.ascent) * size / upem, vg.Length(l.descent) * size / upem
}
