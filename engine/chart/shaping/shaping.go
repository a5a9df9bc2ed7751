// Package shaping is a gonum/plot text handler for scripts that need shaping and
// bidirectional layout: Arabic and Persian (joined letter forms, lam-alef ligatures,
// right-to-left order with numbers and Latin kept left to right) and Chinese, besides
// Latin.
//
// A line is split into bidi runs (Unicode bidi algorithm), each run into pieces of one
// font family, and each piece is shaped with go-text's port of HarfBuzz. Latin uses the
// Liberation face the style names (the fonts gonum/plot embeds); Arabic script uses the
// embedded Noto Sans Arabic (Regular, Bold); Han, kana, Hangul and Bopomofo use the
// embedded Droid Sans Fallback. The Arabic and CJK fonts are parsed on first use.
// Glyphs are drawn as filled outlines with vg.Canvas.Fill, so every vg back end (vgimg,
// vgpdf, vgsvg) draws them the same way.
package shaping

import (
	"math"
	"strings"
	"sync"

	gtfont "github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/language"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// Direction is the base (paragraph) direction of the text a Handler lays out.
type Direction int

const (
	// DirLang makes the base direction right to left for a right-to-left language
	// (see IsRTL) and DirAuto's choice otherwise.
	DirLang Direction = iota
	// DirAuto takes the direction of the first strong character of each line, left to
	// right when there is none.
	DirAuto
	// DirLTR lays out every line as a left-to-right paragraph.
	DirLTR
	// DirRTL lays out every line as a right-to-left paragraph.
	DirRTL
)

// rtlLanguages are the primary language subtags written right to left.
var rtlLanguages = map[string]bool{
	"ar": true, "fa": true, "ur": true, "ps": true, "ckb": true, "sd": true,
	"ug": true, "he": true, "yi": true, "dv": true,
}

// IsRTL reports whether lang, a BCP 47 tag such as "ar", "fa-IR" or "fa_IR" (case
// ignored), names a language written right to left: true for Arabic ("ar"), Persian
// ("fa"), Urdu, Pashto, Sorani Kurdish, Sindhi, Uyghur, Hebrew, Yiddish and Dhivehi,
// and false for anything else, including the empty string.
func IsRTL(lang string) bool {
	return rtlLanguages[primary(lang)]
}

// primary is the lower-cased primary subtag of a language tag.
func primary(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	return lang
}

// Handler is a text.Handler that shapes text with HarfBuzz rules and lays it out with
// the Unicode bidi algorithm. Make one with New, or set its fields directly (with a nil
// Fonts, Cache returns nil and Latin metrics come from the Liberation files). A Handler
// may be used by several goroutines at once.
type Handler struct {
	// Lang is the BCP 47 tag of the text's language. It sets the base direction (see
	// Dir) and the language-specific forms the fonts offer (such as Persian digits).
	Lang string
	// Dir is the base direction of each line.
	Dir Direction
	// Fonts is the cache that Cache returns and from which Latin metrics are taken, so
	// that Latin text measures as it does with gonum's text.Plain.
	Fonts *font.Cache
}

var _ text.Handler = (*Handler)(nil)

var libOnce sync.Once

// New returns a Handler for text in lang (a BCP 47 tag such as "ar", "fa", "zh" or
// "en") with base direction DirLang and gonum/plot's default font cache, to which the
// Liberation fonts are added if they are not there yet.
func New(lang string) *Handler {
	libOnce.Do(func() {
		if !font.DefaultCache.Has(font.Font{Typeface: "Liberation", Variant: "Sans"}) {
			font.DefaultCache.Add(liberation.Collection())
		}
	})
	return &Handler{Lang: lang, Fonts: font.DefaultCache}
}

// Cache returns h.Fonts.
func (h *Handler) Cache() *font.Cache { return h.Fonts }

// Lines splits txt at "\n" after removing trailing newlines, as text.Plain does.
func (h *Handler) Lines(txt string) []string {
	return strings.Split(strings.TrimRight(txt, "\n"), "\n")
}

// primaryFamily is the family whose metrics join Latin's in Extents.
func (h *Handler) primaryFamily() (family, bool) {
	switch primary(h.Lang) {
	case "ar", "fa", "ur", "ps", "ckb", "sd", "ug":
		return famArabic, true
	case "zh", "ja", "ko", "yue", "wuu":
		return famCJK, true
	}
	return famLatin, false
}

// latinExtents are the extents of fnt's Latin face: from h.Fonts when it holds a face
// for fnt (the values text.Plain reports), else from the Liberation file.
func (h *Handler) latinExtents(fnt font.Font, fs *fontSet) font.Extents {
	if h.Fonts != nil {
		if face := h.Fonts.Lookup(fnt, fnt.Size); face.Face != nil {
			return face.Extents()
		}
	}
	a, d := fs.familyExtents(famLatin, fnt.Size)
	return font.Extents{Ascent: a, Descent: d, Height: a + d}
}

// Extents returns the extents of fnt at its size. For a Latin-script language they
// are those of the Latin face (equal to text.Plain's); for Arabic-script and CJK
// languages each of Ascent, Descent and Height is the larger of the Latin face's and
// the script font's, so that lines of either script fit.
func (h *Handler) Extents(fnt font.Font) font.Extents {
	w := workers.Get().(*worker)
	defer workers.Put(w)
	return h.extents(fnt, newFontSet(fnt, w))
}

func (h *Handler) extents(fnt font.Font, fs *fontSet) font.Extents {
	ext := h.latinExtents(fnt, fs)
	if f, ok := h.primaryFamily(); ok {
		a, d := fs.familyExtents(f, fnt.Size)
		gap := ext.Height - ext.Ascent - ext.Descent
		ext.Ascent = max(ext.Ascent, a)
		ext.Descent = max(ext.Descent, d)
		ext.Height = max(ext.Height, ext.Ascent+ext.Descent+gap)
	}
	return ext
}

// paraLevel is the paragraph level (0 or 1) of a line.
func (h *Handler) paraLevel(runes []rune) int {
	switch h.Dir {
	case DirLTR:
		return 0
	case DirRTL:
		return 1
	case DirLang:
		if IsRTL(h.Lang) {
			return 1
		}
	}
	return firstStrong(runes, 0)
}

// layout shapes one line of txt in fnt.
func (h *Handler) layout(line string, fnt font.Font, fs *fontSet) lineLayout {
	runes := []rune(line)
	lay := shapeLine(fs, runes, h.paraLevel(runes), language.NewLanguage(h.Lang), fnt)
	ext := h.extents(fnt, fs)
	lay.ascent, lay.descent = ext.Ascent, ext.Descent
	used := map[family]bool{}
	for _, r := range lay.runs {
		used[r.fam] = true
	}
	if len(lay.runs) == 0 {
		used[famLatin] = true
	}
	for f := range used {
		var a, d vg.Length
		if f == famLatin {
			ext := h.latinExtents(fnt, fs)
			a, d = ext.Ascent, ext.Descent
		} else {
			a, d = fs.familyExtents(f, fnt.Size)
		}
		lay.ascent = max(lay.ascent, a)
		lay.descent = max(lay.descent, d)
	}
	return lay
}

// Box returns the size of txt, a single line, set in fnt: width is the sum of the
// shaped glyph advances; height and depth (positive) are the ascent and descent of
// Extents(fnt), or the larger ascent and descent of a font its runs use. Every line
// of a Handler's own script is thus as high as every other, which keeps the baselines
// of neighbouring labels level.
func (h *Handler) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	w := workers.Get().(*worker)
	defer workers.Put(w)
	lay := h.layout(txt, fnt, newFontSet(fnt, w))
	return lay.width, lay.ascent, lay.descent
}

// Draw fills the shaped outlines of txt with sty.Color on c, placing the lines as
// text.Plain places them, so that gonum/plot's layout (which measures with
// text.Style.Height and Rectangle) puts them where it expects:
//   - sty.XAlign is a fraction of each line's shaped width: with text.XRight a line
//     ends exactly at pt.X, with text.XLeft it starts there;
//   - sty.YAlign is a fraction of the block's height ht (each line's Box height and
//     depth plus Extents' line gap between lines), and the last line's baseline is at
//     pt.Y + YAlign·ht + size − ascent, where ascent is that line's Box height; for
//     Latin text with a Handler of a Latin-script language this is exactly
//     text.Plain's position;
//   - lines are one font size apart, times the ratio of Extents' height to the Latin
//     face's (so Arabic lines get the extra room their letters need);
//   - sty.Rotation turns the whole block about pt.
//
// Draw leaves c's colour, line width and transforms as it found them.
func (h *Handler) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	txt = strings.TrimRight(txt, "\n")
	if txt == "" || sty.Font.Size <= 0 {
		return
	}
	w := workers.Get().(*worker)
	defer workers.Put(w)
	fs := newFontSet(sty.Font, w)
	lines := h.Lines(txt)
	lays := make([]lineLayout, len(lines))
	ext := h.extents(sty.Font, fs)
	gap := ext.Height - ext.Ascent - ext.Descent
	pitch := sty.Font.Size
	if lat := h.latinExtents(sty.Font, fs); lat.Height > 0 && ext.Height > lat.Height {
		pitch *= ext.Height / lat.Height
	}
	var ht vg.Length
	for i, line := range lines {
		lays[i] = h.layout(line, sty.Font, fs)
		ht += lays[i].ascent + lays[i].descent
		if i > 0 {
			ht += gap
		}
	}

	sin, cos := math.Sincos(sty.Rotation)
	// world maps a point relative to pt, before rotation, to canvas coordinates.
	world := func(x, y float64) vg.Point {
		return vg.Point{
			X: pt.X + vg.Length(x*cos-y*sin),
			Y: pt.Y + vg.Length(x*sin+y*cos),
		}
	}

	c.Push()
	defer c.Pop()
	c.SetColor(sty.Color)
	c.SetLineDash(nil, 0)

	n := len(lays)
	last := vg.Length(sty.YAlign)*ht + sty.Font.Size - lays[n-1].ascent // baseline of the last line
	for i, lay := range lays {
		y := last + vg.Length(n-1-i)*pitch
		x := vg.Length(sty.XAlign) * lay.width
		for _, run := range lay.runs {
			drawRun(c, &run, fs, float64(x), float64(y), float64(sty.Font.Size), world)
			x += run.advance()
		}
	}
}

// drawRun fills the glyphs of run, whose origin (left end of the baseline) is at
// (x, y) relative to the alignment point.
func drawRun(c vg.Canvas, run *shapedRun, fs *fontSet, x, y, size float64, world func(x, y float64) vg.Point) {
	var path vg.Path
	pen := 0.0
	upemScale := run.scale * 64 // points per font unit
	for _, g := range run.out.Glyphs {
		gx := x + (pen+float64(g.XOffset))*run.scale
		gy := y + float64(g.YOffset)*run.scale
		pen += float64(g.Advance)
		if g.GlyphID == gtfont.EmptyGlyph {
			continue
		}
		outline, ok := run.face.GlyphData(g.GlyphID).(gtfont.GlyphOutline)
		if !ok {
			continue
		}
		open := false
		pt := func(p gtfont.SegmentPoint) vg.Point {
			return world(gx+float64(p.X)*upemScale, gy+float64(p.Y)*upemScale)
		}
		for _, s := range outline.Segments {
			switch s.Op {
			case ot.SegmentOpMoveTo:
				if open {
					path.Close()
				}
				path.Move(pt(s.Args[0]))
				open = true
			case ot.SegmentOpLineTo:
				path.Line(pt(s.Args[0]))
			case ot.SegmentOpQuadTo:
				path.QuadTo(pt(s.Args[0]), pt(s.Args[1]))
			case ot.SegmentOpCubeTo:
				path.CubeTo(pt(s.Args[0]), pt(s.Args[1]), pt(s.Args[2]))
			}
		}
		if open {
			path.Close()
		}
	}
	if len(path) == 0 {
		return
	}
	c.Fill(path)
	if fs.synthBold(run.fam) {
		c.SetLineWidth(vg.Length(size * 0.04))
		c.Stroke(path)
	}
}
