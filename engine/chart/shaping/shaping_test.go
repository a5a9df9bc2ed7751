package shaping

import (
	"bytes"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gtfont "github.com/go-text/typesetting/font"
	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

func sans(size vg.Length) font.Font {
	return font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
}

// shapeOne lays out a single line with a handler for lang.
func shapeOne(t *testing.T, lang, s string) (lineLayout, []rune, *fontSet) {
	t.Helper()
	h := New(lang)
	fnt := sans(12)
	fs := newFontSet(fnt, &worker{faces: map[*lazyFont]*gtfont.Face{}})
	return h.layout(s, fnt, fs), []rune(s), fs
}

// clusters groups the glyph IDs of an Arabic run by the index of the first rune of
// their cluster.
func clusters(lay lineLayout) map[int][]uint32 {
	m := map[int][]uint32{}
	for _, r := range lay.runs {
		if r.fam != famArabic {
			continue
		}
		for _, g := range r.out.Glyphs {
			m[g.TextIndex()] = append(m[g.TextIndex()], uint32(g.GlyphID))
		}
	}
	return m
}

func TestShapingChoosesJoinedForms(t *testing.T) {
	for _, tc := range []struct {
		lang, word string
		// isolated lists the rune indices whose letter stands in its isolated form,
		// so that the shaper keeps the cmap glyph.
		isolated map[int]bool
	}{
		{"ar", "الإنترنت", map[int]bool{0: true}},
		{"fa", "اینترنت", map[int]bool{0: true}},
		{"fa", "پژوهشگر", map[int]bool{2: true}}, // و follows ژ, which joins on one side only
	} {
		lay, runes, fs := shapeOne(t, tc.lang, tc.word)
		if len(lay.runs) != 1 || lay.runs[0].fam != famArabic {
			t.Fatalf("%s: want one Arabic run, got %d runs", tc.word, len(lay.runs))
		}
		face := fs.face(famArabic)
		cl := clusters(lay)
		for i, r := range runes {
			nominal, ok := face.NominalGlyph(r)
			if !ok {
				t.Fatalf("%s: font lacks %U", tc.word, r)
			}
			gids, ok := cl[i]
			if !ok {
				continue // part of a ligature cluster that starts earlier
			}
			if gids[0] == 0 {
				t.Errorf("%s: rune %d (%U) shaped to .notdef", tc.word, i, r)
			}
			same := len(gids) == 1 && gids[0] == uint32(nominal)
			if tc.isolated[i] != same {
				t.Errorf("%s: rune %d (%U): glyphs %v, cmap glyph %d; want joined form %v",
					tc.word, i, r, gids, nominal, !tc.isolated[i])
			}
		}
	}
}

func TestLamAlefLigature(t *testing.T) {
	for _, s := range []string{"لا", "الإنترنت"} {
		lay, runes, fs := shapeOne(t, "ar", s)
		face := fs.face(famArabic)
		lam, _ := face.NominalGlyph('ل')
		lamAt := -1
		for i, r := range runes {
			if r == 'ل' {
				lamAt = i
				break
			}
		}
		gids := clusters(lay)[lamAt]
		if len(gids) != 1 {
			t.Fatalf("%q: lam-alef cluster has glyphs %v, want one ligature glyph", s, gids)
		}
		if _, ok := clusters(lay)[lamAt+1]; ok {
			t.Errorf("%q: alef after lam has its own glyph, want it in the ligature", s)
		}
		alef, _ := face.NominalGlyph(runes[lamAt+1])
		if gids[0] == uint32(lam) || gids[0] == uint32(alef) {
			t.Errorf("%q: ligature glyph %d is a cmap glyph (lam %d, alef %d)", s, gids[0], lam, alef)
		}
	}
	lay, _, _ := shapeOne(t, "ar", "لا")
	if n := len(lay.runs[0].out.Glyphs); n != 1 {
		t.Errorf("لا: %d glyphs, want 1", n)
	}
}

// visualRuns is the line's text in visual order, run by run, with each run's runes in
// the order the glyphs are drawn (left to right).
func visualRuns(lay lineLayout, runes []rune) []string {
	var out []string
	for _, r := range lay.runs {
		seg := runes[r.start:r.end]
		if r.level%2 == 1 {
			rev := make([]rune, len(seg))
			for i, c := range seg {
				rev[len(seg)-1-i] = c
			}
			seg = rev
		}
		out = append(out, string(seg))
	}
	return out
}

func TestBidiKeepsNumbersLeftToRight(t *testing.T) {
	const s = "استخدام الإنترنت 2024 (%)"
	lay, runes, fs := shapeOne(t, "ar", s)
	vis := visualRuns(lay, runes)
	// The digits' run must be drawn left to right, with the glyphs of 2, 0, 2, 4.
	found := -1
	for k, r := range lay.runs {
		if string(runes[r.start:r.end]) != "2024" {
			continue
		}
		found = k
		if r.level%2 != 0 {
			t.Errorf("2024 at level %d, want an even (left-to-right) level", r.level)
		}
		face := fs.face(r.fam)
		var got []uint32
		for _, g := range r.out.Glyphs {
			got = append(got, uint32(g.GlyphID))
		}
		var want []uint32
		for _, c := range "2024" {
			gid, _ := face.NominalGlyph(c)
			want = append(want, uint32(gid))
		}
		if len(got) != 4 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
			t.Errorf("2024 glyphs left to right %v, want %v", got, want)
		}
	}
	if found < 0 {
		t.Fatalf("no run holds exactly 2024; runs %q", vis)
	}
	// Right-to-left paragraph: "(%)" is leftmost, then 2024, then the two words, the
	// first word rightmost.
	pos := func(sub string) int {
		for k, r := range lay.runs {
			if bytes.Contains([]byte(string(runes[r.start:r.end])), []byte(sub)) {
				return k
			}
		}
		t.Fatalf("%q not in runs %q", sub, vis)
		return -1
	}
	if !(pos("%") < pos("2024") && pos("2024") < pos("الإنترنت") && pos("الإنترنت") <= pos("استخدام")) {
		t.Errorf("visual run order %q, want (%%) 2024 الإنترنت استخدام from left to right", vis)
	}
}

func TestBidiNumbersAfterArabicInLatinLine(t *testing.T) {
	// In a left-to-right line, a number after Arabic text goes with it (level 2):
	// ICT ‹2024 Arabic› report.
	const s = "ICT الإنترنت 2024 report"
	lay, runes, _ := shapeOne(t, "en", s)
	var order []string
	for _, r := range lay.runs {
		order = append(order, string(runes[r.start:r.end]))
	}
	idx := func(sub string) int {
		for k, o := range order {
			if bytes.Contains([]byte(o), []byte(sub)) {
				return k
			}
		}
		t.Fatalf("%q not in runs %q", sub, order)
		return -1
	}
	if !(idx("ICT") < idx("2024") && idx("2024") < idx("الإنترنت") && idx("الإنترنت") < idx("report")) {
		t.Errorf("visual run order %q, want ICT 2024 الإنترنت report", order)
	}
}

func TestIsRTL(t *testing.T) {
	for lang, want := range map[string]bool{
		"ar": true, "fa": true, "fa-IR": true, "AR_eg": true,
		"en": false, "zh": false, "zh-Hans": false, "": false, "fr": false,
	} {
		if got := IsRTL(lang); got != want {
			t.Errorf("IsRTL(%q) = %v, want %v", lang, got, want)
		}
	}
}

var samples = []struct {
	lang, title string
}{
	{"ar", "استخدام الإنترنت 2024 (%) لا"},
	{"fa", "کاربران اینترنت پژوهشگر چاپ گزارش ۱۴۰۳ (ICT)"},
	{"zh", "互联网使用情况（%）2024 年统计"},
}

// ink is the bounding box of the pixels of img that differ from white.
func ink(img image.Image) (image.Rectangle, bool) {
	b := img.Bounds()
	box := image.Rectangle{Min: b.Max, Max: b.Min}
	found := false
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				found = true
				box.Min.X, box.Min.Y = min(box.Min.X, x), min(box.Min.Y, y)
				box.Max.X, box.Max.Y = max(box.Max.X, x+1), max(box.Max.Y, y+1)
			}
		}
	}
	return box, found
}

func TestRenderPNG(t *testing.T) {
	const (
		w, h = 360, 60 // points
		dpi  = 144
		px   = dpi / 72.0
	)
	for _, sm := range samples {
		t.Run(sm.lang, func(t *testing.T) {
			hd := New(sm.lang)
			sty := text.Style{
				Color:   color.Black,
				Font:    font.From(font.Font{Typeface: "Liberation", Variant: "Sans", Weight: xfont.WeightBold}, 16),
				XAlign:  text.XRight,
				YAlign:  text.YCenter,
				Handler: hd,
			}
			c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
			right := vg.Length(340)
			mid := vg.Length(30)
			hd.Draw(c, sm.title, sty, vg.Point{X: right, Y: mid})
			img := c.Image()
			box, ok := ink(img)
			if !ok {
				t.Fatal("nothing drawn")
			}
			width, _, _ := hd.Box(sm.title, sty.Font)
			// Image y grows downwards; the text is centred on y = 30 pt.
			rightPx := float64(right) * px
			if d := rightPx - float64(box.Max.X); d < -1 || d > 0.15*16*px {
				t.Errorf("ink ends at x=%d px, want just left of %.0f px (right-aligned)", box.Max.X, rightPx)
			}
			leftPx := (float64(right) - float64(width)) * px
			if d := float64(box.Min.X) - leftPx; d < -1 || d > 0.15*16*px {
				t.Errorf("ink starts at x=%d px, want just right of %.0f px (width %.1f pt)", box.Min.X, leftPx, width)
			}
			midPx := float64(h-mid) * px
			if float64(box.Min.Y) > midPx || float64(box.Max.Y) < midPx {
				t.Errorf("ink rows %d–%d do not span the centre line %.0f", box.Min.Y, box.Max.Y, midPx)
			}
			if box.Dy() < int(8*px) || box.Dy() > int(40*px) {
				t.Errorf("ink height %d px for 16 pt text", box.Dy())
			}

			var buf bytes.Buffer
			if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			if dir := os.Getenv("SHAPING_PNG_DIR"); dir != "" {
				name := filepath.Join(dir, "shaping-"+sm.lang+".png")
				if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestRenderRotated(t *testing.T) {
	hd := New("ar")
	sty := text.Style{Color: color.Black, Font: sans(14), Rotation: 1.5707963267948966, XAlign: text.XCenter, YAlign: text.YCenter, Handler: hd}
	c := vgimg.NewWith(vgimg.UseWH(60, 300), vgimg.UseDPI(72), vgimg.UseBackgroundColor(color.White))
	hd.Draw(c, samples[0].title, sty, vg.Point{X: 30, Y: 150})
	box, ok := ink(c.Image())
	if !ok {
		t.Fatal("nothing drawn")
	}
	if box.Dy() < 3*box.Dx() {
		t.Errorf("rotated text ink %v is not tall and narrow", box)
	}
	if box.Min.X > 30 || box.Max.X < 30 || box.Min.Y > 150 || box.Max.Y < 150 {
		t.Errorf("rotated text ink %v is not centred on (30, 150)", box)
	}
}

func TestRenderVectorBackends(t *testing.T) {
	for _, sm := range samples {
		hd := New(sm.lang)
		sty := text.Style{Color: color.RGBA{0, 0x72, 0xb2, 0xff}, Font: sans(12), XAlign: text.XCenter, Handler: hd}

		pdf := vgpdf.New(300, 50)
		hd.Draw(pdf, sm.title+"\n"+sm.title, sty, vg.Point{X: 150, Y: 25})
		var pbuf bytes.Buffer
		if _, err := pdf.WriteTo(&pbuf); err != nil {
			t.Fatalf("%s: pdf: %v", sm.lang, err)
		}
		if pbuf.Len() < 1000 {
			t.Errorf("%s: pdf is only %d bytes", sm.lang, pbuf.Len())
		}

		svg := vgsvg.New(300, 50)
		hd.Draw(svg, sm.title, sty, vg.Point{X: 150, Y: 25})
		var sbuf bytes.Buffer
		if _, err := svg.WriteTo(&sbuf); err != nil {
			t.Fatalf("%s: svg: %v", sm.lang, err)
		}
		if n := bytes.Count(sbuf.Bytes(), []byte("<path")); n == 0 {
			t.Errorf("%s: svg has no paths", sm.lang)
		}
	}
}

func TestBoxAndExtents(t *testing.T) {
	hd := New("en")
	fnt := sans(10)
	plain := text.Plain{Fonts: hd.Fonts}
	pw, ph, pd := plain.Box("Internet use (%)", fnt)
	w, h, d := hd.Box("Internet use (%)", fnt)
	if diff := float64(w - pw); diff < -0.5 || diff > 0.5 {
		t.Errorf("Latin width %v, text.Plain %v", w, pw)
	}
	if h != ph || d != pd {
		t.Errorf("Latin height/depth %v/%v, text.Plain %v/%v", h, d, ph, pd)
	}
	if hd.Extents(fnt) != plain.Extents(fnt) {
		t.Errorf("Latin extents %v, text.Plain %v", hd.Extents(fnt), plain.Extents(fnt))
	}
	ar := New("ar")
	w1, _, _ := ar.Box("الإنترنت", fnt)
	w2, _, _ := ar.Box("الإنترنت", sans(20))
	if w1 <= 0 || w2 < 1.9*w1 || w2 > 2.1*w1 {
		t.Errorf("Arabic widths %v at 10 pt and %v at 20 pt", w1, w2)
	}
	if zw, _, _ := (&Handler{Lang: "ar"}).Box("الإنترنت", fnt); zw != w1 {
		t.Errorf("Handler without Fonts: width %v, want %v", zw, w1)
	}
	if e := ar.Extents(fnt); e.Ascent < hd.Extents(fnt).Ascent {
		t.Errorf("Arabic extents %v smaller than Latin %v", e, hd.Extents(fnt))
	}
}

func TestConcurrentUse(t *testing.T) {
	hds := []*Handler{New("ar"), New("fa"), New("zh"), New("en")}
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func(g int) {
			defer func() { done <- true }()
			for i := 0; i < 20; i++ {
				sm := samples[(g+i)%len(samples)]
				hd := hds[(g+i)%len(hds)]
				sty := text.Style{Color: color.Black, Font: sans(9), Handler: hd}
				c := vgimg.New(200, 30)
				hd.Draw(c, sm.title, sty, vg.Point{X: 2, Y: 10})
				hd.Box(sm.title, sty.Font)
				hd.Extents(sty.Font)
			}
		}(g)
	}
	for g := 0; g < 8; g++ {
		<-done
	}
}

func TestDirections(t *testing.T) {
	const s = "GDP (%)"
	for _, tc := range []struct {
		hd   *Handler
		want string // text of the leftmost run
	}{
		{&Handler{Lang: "ar", Dir: DirAuto, Fonts: New("ar").Fonts}, "GDP (%)"},
		{New("ar"), "(%)"},
		{New("en"), "GDP (%)"},
		{&Handler{Lang: "en", Dir: DirRTL, Fonts: New("en").Fonts}, "(%)"},
	} {
		fnt := sans(10)
		w := &worker{faces: map[*lazyFont]*gtfont.Face{}}
		lay := tc.hd.layout(s, fnt, newFontSet(fnt, w))
		runes := []rune(s)
		first := strings.TrimSpace(string(runes[lay.runs[0].start:lay.runs[0].end]))
		if first != tc.want {
			t.Errorf("%s dir %d: leftmost run %q, want %q", tc.hd.Lang, tc.hd.Dir, first, tc.want)
		}
	}
}
