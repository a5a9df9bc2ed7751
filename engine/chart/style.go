package chart

import (
	"image/color"
	"math"
	"strings"
	"sync"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/ictstat/ictstat/engine/chart/shaping"
	"github.com/ictstat/ictstat/indicators/translations"
)

// Palette is the Okabe–Ito colour-blind-safe palette: orange, sky blue, bluish green, blue,
// vermillion, reddish purple, black, yellow. Line.Color indexes it, modulo its length; the
// explorer's page gives its lines the same colours by the same indices.
var Palette = []color.Color{
	rgb(0xE69F00), rgb(0x56B4E9), rgb(0x009E73), rgb(0x0072B2),
	rgb(0xD55E00), rgb(0xCC79A7), rgb(0x000000), rgb(0xF0E442),
}

// SeriesColors is the order in which a figure's series take Palette's colours (Line.Color =
// SeriesColor(i) for the i-th): blue, orange, bluish green, reddish purple, black, vermillion, sky
// blue, and the faint yellow last. Each colour is far from the one before it (CIELAB ΔE above 70),
// and the first five are all far apart (above 50): the pairs that look alike, orange and
// vermillion, blue and sky blue, come only with six and seven series; black, the colour of
// reference lines, only with five.
var SeriesColors = []int{3, 0, 2, 5, 6, 4, 1, 7}

// SeriesColor is the Palette index of a figure's i-th series (i ≥ 0), wrapping around.
func SeriesColor(i int) int {
	return SeriesColors[((i%len(SeriesColors))+len(SeriesColors))%len(SeriesColors)]
}

// StatusColors maps a scorecard row's status to its colour (colour-blind safe; statuses are
// matched without regard to case; an unknown status is dark grey).
var StatusColors = map[string]color.Color{
	"target met":          rgb(0x009E73),
	"on track":            rgb(0x0072B2),
	"acceleration needed": rgb(0xE69F00),
	"limited progress":    rgb(0xCC79A7),
	"deterioration":       rgb(0xD55E00),
	"unable to assess":    rgb(0x888888),
	"no global data":      rgb(0xBBBBBB),
}

func statusColor(status string) color.Color {
	if c, ok := StatusColors[strings.ToLower(strings.TrimSpace(status))]; ok {
		return c
	}
	return rgb(0x555555)
}

func rgb(v uint32) color.NRGBA {
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 255}
}

// tint is c at opacity a (0–1).
func tint(c color.Color, a float64) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = uint8(math.Round(a * 255))
	return n
}

// lighten mixes c with white: f 0 is c, 1 is white. Unlike tint it is opaque.
func lighten(c color.Color, f float64) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	mix := func(v uint8) uint8 { return uint8(math.Round(float64(v) + (255-float64(v))*f)) }
	return color.NRGBA{R: mix(n.R), G: mix(n.G), B: mix(n.B), A: 255}
}

// paletteColor is Palette[i], wrapping around.
func paletteColor(i int) color.Color {
	n := len(Palette)
	return Palette[((i%n)+n)%n]
}

// Greys of the chart furniture.
var (
	textDark  = rgb(0x222222)
	textMid   = rgb(0x555555)
	textLight = rgb(0x767676)
	axisGrey  = rgb(0x888888)
	gridGrey  = rgb(0xE3E3E3)
	refGrey   = rgb(0x333333)
	// targetGrey is a target line's: lighter than black series and their projections.
	targetGrey = rgb(0x666666)
)

// styles are the fonts and line widths of one figure, scaled to its size, and the language of
// its text.
type styles struct {
	lang, digits                            string
	rtl                                     bool                // the language is written right to left
	words                                   *translations.Words // the chart's own words in lang; nil: English
	scale                                   float64
	title, subtitle, legend, axis, tick     text.Style
	source, note, panelTitle, italic, value text.Style
	lineWidth, markerRadius, thin, gap, pad vg.Length
}

// newStyles sizes the text for a figure of w×h cm. At 16×10 cm the title is 11 pt and the tick
// labels 7.5 pt; larger figures get larger text, less than in proportion, so that a full-page
// figure is not shouting and a web figure in pixels still reads.
func newStyles(wcm, hcm float64) styles {
	s := math.Pow(wcm*hcm/160, 0.3)
	return stylesAt(math.Max(0.85, math.Min(s, 1.8)))
}

// stylesAt is the house styles at scale s (1 at 16×10 cm).
func stylesAt(s float64) styles {
	hdlr := plot.DefaultTextHandler
	mk := func(size float64, c color.Color, bold, italic bool) text.Style {
		f := font.Font{Typeface: "Liberation", Variant: "Sans"}
		if bold {
			f.Weight = xfont.WeightBold
		}
		if italic {
			f.Style = xfont.StyleItalic
		}
		return text.Style{Color: c, Font: font.From(f, vg.Length(size*s)), Handler: hdlr}
	}
	return styles{
		scale:        s,
		title:        mk(11, textDark, true, false),
		subtitle:     mk(8.5, textMid, false, false),
		legend:       mk(8, textDark, false, false),
		axis:         mk(8, textMid, false, false),
		tick:         mk(7.5, textMid, false, false),
		source:       mk(6.5, textLight, false, false),
		note:         mk(7, refGrey, false, false),
		panelTitle:   mk(7.5, textDark, true, false),
		italic:       mk(7.5, textLight, false, true),
		value:        mk(7, textMid, false, false),
		lineWidth:    vg.Points(math.Min(2, 1.6*math.Sqrt(s))),
		markerRadius: vg.Points(1.9 * math.Sqrt(s)),
		thin:         vg.Points(0.8 * math.Sqrt(s)),
		gap:          vg.Points(4 * s),
		pad:          vg.Points(9 * s),
	}
}

// of is s for the text of a chart with meta m: its language, digits and words.
func (s styles) of(m Meta) styles {
	s = s.in(m.Lang, m.Digits)
	s.words = m.Words
	if s.words == nil && m.Lang != "" && m.Lang != translations.Source {
		if cat, err := translations.Default(); err == nil {
			s.words = cat.For(m.Lang)
		}
	}
	return s
}

// status is a scorecard status as the chart writes it, in the chart's language.
func (s styles) status(status string) string {
	return s.words.Key(translations.StatusKey(status), status)
}

// ui is the chart's own word english in the chart's language.
func (s styles) ui(english string) string { return s.words.UI(english) }

// in is s for text in lang ("" or "en": English) with digits ("native": the language's own):
// Arabic, Persian and Chinese text is shaped (engine/chart/shaping), Arabic and Persian set
// right to left; the other languages are drawn as gonum/plot draws Latin and Cyrillic text.
func (s styles) in(lang, digits string) styles {
	s.lang, s.digits, s.rtl = lang, digits, shaping.IsRTL(lang)
	h := handlerFor(lang, digits)
	for _, t := range []*text.Style{&s.title, &s.subtitle, &s.legend, &s.axis, &s.tick, &s.source, &s.note,
		&s.panelTitle, &s.italic, &s.value} {
		t.Handler = h
	}
	return s
}

// handlers are the text handlers of the languages and digits drawn so far.
var handlers sync.Map // [2]string{lang, digits} → text.Handler

// handlerFor is the text handler for lang and digits, made once.
func handlerFor(lang, digits string) text.Handler {
	native := digits == "native" && translations.Digits(lang, "0") != "0"
	if !native && !shaped[lang] {
		return plot.DefaultTextHandler
	}
	k := [2]string{lang, digits}
	if h, ok := handlers.Load(k); ok {
		return h.(text.Handler)
	}
	var h text.Handler = plot.DefaultTextHandler
	if shaped[lang] {
		h = shaping.New(lang)
	}
	if native {
		h = nativeDigits{h, lang}
	}
	stored, _ := handlers.LoadOrStore(k, h)
	return stored.(text.Handler)
}

// shaped are the languages whose text the shaping handler draws: scripts gonum/plot's fonts do
// not cover, or whose letters join.
var shaped = map[string]bool{"ar": true, "fa": true, "zh": true}

// nativeDigits draws the digits of text in the language's own (translations.Digits).
type nativeDigits struct {
	text.Handler
	lang string
}

func (n nativeDigits) Lines(txt string) []string {
	return n.Handler.Lines(translations.Digits(n.lang, txt))
}

func (n nativeDigits) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	return n.Handler.Box(translations.Digits(n.lang, txt), fnt)
}

func (n nativeDigits) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	n.Handler.Draw(c, translations.Digits(n.lang, txt), sty, pt)
}

// lineHeight is the distance between the baselines of two lines of sty.
func lineHeight(sty text.Style) vg.Length {
	return sty.Font.Size * 1.2
}

// ascent is the height of sty's capitals above the baseline.
func ascent(sty text.Style) vg.Length {
	return sty.FontExtents().Ascent
}

// fillText draws one line of s with its baseline at y; x is its left, centre or right as
// sty.XAlign says.
func fillText(c draw.Canvas, sty text.Style, x, y vg.Length, s string) {
	if s == "" {
		return
	}
	sty.YAlign = draw.YBottom
	sty.Rotation = 0
	// Plain puts a single line's baseline at pt.Y + size - ascent.
	c.FillText(sty, vg.Point{X: x, Y: y - sty.Font.Size + ascent(sty)}, s)
}

// wrap breaks s into lines no wider than w.
func wrap(sty text.Style, s string, w vg.Length) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			continue
		}
		line := words[0]
		for _, word := range words[1:] {
			if sty.Width(line+" "+word) <= w {
				line += " " + word
				continue
			}
			lines = append(lines, line)
			line = word
		}
		lines = append(lines, line)
	}
	return lines
}

// truncate shortens s with an ellipsis to fit w.
func truncate(sty text.Style, s string, w vg.Length) string {
	if sty.Width(s) <= w {
		return s
	}
	r := []rune(s)
	for n := len(r) - 1; n > 0; n-- {
		t := strings.TrimRight(string(r[:n]), " ,.;:-(") + "…"
		if sty.Width(t) <= w {
			return t
		}
	}
	return "…"
}

// centre is how far below a line's middle its baseline goes: half the capitals' height.
func centre(sty text.Style) vg.Length {
	return sty.Font.Size * 0.35
}
