package shaping

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"codeberg.org/go-fonts/liberation/liberationmonobold"
	"codeberg.org/go-fonts/liberation/liberationmonobolditalic"
	"codeberg.org/go-fonts/liberation/liberationmonoitalic"
	"codeberg.org/go-fonts/liberation/liberationmonoregular"
	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansbolditalic"
	"codeberg.org/go-fonts/liberation/liberationsansitalic"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-fonts/liberation/liberationserifbold"
	"codeberg.org/go-fonts/liberation/liberationserifbolditalic"
	"codeberg.org/go-fonts/liberation/liberationserifitalic"
	"codeberg.org/go-fonts/liberation/liberationserifregular"
	gtfont "github.com/go-text/typesetting/font"
	gtshaping "github.com/go-text/typesetting/shaping"
	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot/font"
)

var (
	//go:embed fonts/NotoSansArabic-Regular.ttf
	notoArabicRegular []byte
	//go:embed fonts/NotoSansArabic-Bold.ttf
	notoArabicBold []byte
	//go:embed fonts/DroidSansFallbackFull.ttf
	droidFallback []byte
)

// script classes that pick a font family.
type family int

const (
	famLatin family = iota
	famArabic
	famCJK
)

// lazyFont is a font file parsed on first use. The parsed *gtfont.Font is safe for
// concurrent use; faces made from it are not and are made per layout.
type lazyFont struct {
	name string
	data []byte
	once sync.Once
	fnt  *gtfont.Font

	// design ascent and descent in font units, measured on first use (see
	// fontSet.familyExtents)
	extOnce         sync.Once
	ascent, descent float64
}

func (l *lazyFont) get() *gtfont.Font {
	l.once.Do(func() {
		face, err := gtfont.ParseTTF(bytes.NewReader(l.data))
		if err != nil {
			// The files are embedded and fixed: a parse error is a build defect.
			panic(fmt.Sprintf("shaping: parse %s: %v", l.name, err))
		}
		l.fnt = face.Font
	})
	return l.fnt
}

var (
	arabicRegular = &lazyFont{name: "NotoSansArabic-Regular", data: notoArabicRegular}
	arabicBold    = &lazyFont{name: "NotoSansArabic-Bold", data: notoArabicBold}
	cjkRegular    = &lazyFont{name: "DroidSansFallbackFull", data: droidFallback}
)

// latinKey identifies one of the twelve Liberation faces.
type latinKey struct {
	variant      string // "Sans", "Serif" or "Mono"
	bold, italic bool
}

var latinFonts = map[latinKey]*lazyFont{
	{"Sans", false, false}:  {name: "LiberationSans-Regular", data: liberationsansregular.TTF},
	{"Sans", true, false}:   {name: "LiberationSans-Bold", data: liberationsansbold.TTF},
	{"Sans", false, true}:   {name: "LiberationSans-Italic", data: liberationsansitalic.TTF},
	{"Sans", true, true}:    {name: "LiberationSans-BoldItalic", data: liberationsansbolditalic.TTF},
	{"Serif", false, false}: {name: "LiberationSerif-Regular", data: liberationserifregular.TTF},
	{"Serif", true, false}:  {name: "LiberationSerif-Bold", data: liberationserifbold.TTF},
	{"Serif", false, true}:  {name: "LiberationSerif-Italic", data: liberationserifitalic.TTF},
	{"Serif", true, true}:   {name: "LiberationSerif-BoldItalic", data: liberationserifbolditalic.TTF},
	{"Mono", false, false}:  {name: "LiberationMono-Regular", data: liberationmonoregular.TTF},
	{"Mono", true, false}:   {name: "LiberationMono-Bold", data: liberationmonobold.TTF},
	{"Mono", false, true}:   {name: "LiberationMono-Italic", data: liberationmonoitalic.TTF},
	{"Mono", true, true}:    {name: "LiberationMono-BoldItalic", data: liberationmonobolditalic.TTF},
}

func isBold(fnt font.Font) bool { return fnt.Weight >= xfont.WeightSemiBold }

// latinFont is the Liberation face that gonum/plot's font cache serves for fnt: the
// variant "Sans", "Serif" or "Mono" (empty means Serif, as in gonum's collection; any
// other typeface or variant falls back to Sans), bold from semi-bold up, italic for any
// non-normal style.
func latinFont(fnt font.Font) *lazyFont {
	v := string(fnt.Variant)
	switch v {
	case "Sans", "Serif", "Mono":
	case "":
		v = "Serif"
		if fnt.Typeface != "" && fnt.Typeface != "Liberation" {
			v = "Sans"
		}
	default:
		v = "Sans"
	}
	return latinFonts[latinKey{v, isBold(fnt), fnt.Style != xfont.StyleNormal}]
}

// worker is the state that one goroutine uses at a time: a HarfBuzz shaper and the
// faces it has shaped with. Faces cache glyph data, and the shaper keeps a HarfBuzz
// font bound to the first face it met of each font, so neither may be shared between
// goroutines; a worker is taken from workers for a whole Box or Draw.
type worker struct {
	sh    gtshaping.HarfbuzzShaper
	faces map[*lazyFont]*gtfont.Face
}

var workers = sync.Pool{New: func() any {
	return &worker{faces: map[*lazyFont]*gtfont.Face{}}
}}

// face is the worker's face of l, made (and l parsed) on first use.
func (w *worker) face(l *lazyFont) *gtfont.Face {
	f := w.faces[l]
	if f == nil {
		f = gtfont.NewFace(l.get())
		w.faces[l] = f
	}
	return f
}

// fontSet is the three families resolved for one font.Font, with the faces of one
// worker.
type fontSet struct {
	w    *worker
	bold bool
	lazy [3]*lazyFont
}

func newFontSet(fnt font.Font, w *worker) *fontSet {
	fs := &fontSet{w: w, bold: isBold(fnt)}
	fs.lazy[famLatin] = latinFont(fnt)
	fs.lazy[famArabic] = arabicRegular
	if fs.bold {
		fs.lazy[famArabic] = arabicBold
	}
	fs.lazy[famCJK] = cjkRegular
	return fs
}

// face returns the face of family f, parsing its font on first use.
func (fs *fontSet) face(f family) *gtfont.Face { return fs.w.face(fs.lazy[f]) }

// has reports whether family f's font maps r in its cmap.
func (fs *fontSet) has(f family, r rune) bool {
	_, ok := fs.face(f).NominalGlyph(r)
	return ok
}

// synthBold reports whether glyphs of family f are emboldened by stroking, because
// the bold weight was asked for and the family has no bold font.
func (fs *fontSet) synthBold(f family) bool { return fs.bold && f == famCJK }
