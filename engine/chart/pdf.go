package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// pdfCanvas is a vg.Canvas drawing with fpdf directly. gonum's vgpdf stores every font under
// one file name, so a bold title comes out in the regular face, and it writes text in
// Windows-1252 and premultiplied colours; this canvas embeds each face as a UTF-8 font of its
// own (subset), so that "≥" and bold print, and gives fpdf straight colours.
type pdfCanvas struct {
	doc   *fpdf.Fpdf
	w, h  vg.Length
	stack []pdfState
	fonts map[string]string // face → fpdf family
}

// pdfState is what Push saves: the drawing style and the transform from chart coordinates
// (origin bottom left, y up) to chart coordinates after Translate, Rotate and Scale.
type pdfState struct {
	color  color.NRGBA
	width  vg.Length
	dashes []float64
	offset float64
	m      affine
}

// affine maps (x, y) to (a·x + b·y + e, c·x + d·y + f).
type affine struct{ a, b, c, d, e, f float64 }

func (m affine) apply(x, y float64) (float64, float64) {
	return m.a*x + m.b*y + m.e, m.c*x + m.d*y + m.f
}

// then is m applied after n.
func (m affine) then(n affine) affine {
	return affine{
		a: m.a*n.a + m.b*n.c, b: m.a*n.b + m.b*n.d,
		c: m.c*n.a + m.d*n.c, d: m.c*n.b + m.d*n.d,
		e: m.a*n.e + m.b*n.f + m.e, f: m.c*n.e + m.d*n.f + m.f,
	}
}

var fixPDFMetadata sync.Once

func newPDFCanvas(w, h vg.Length) *pdfCanvas {
	fixPDFMetadata.Do(func() {
		// Fixed dates and a sorted catalogue make the same chart give the same bytes.
		epoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
		fpdf.SetDefaultCreationDate(epoch)
		fpdf.SetDefaultModificationDate(epoch)
		fpdf.SetDefaultCatalogSort(true)
	})
	doc := fpdf.NewCustom(&fpdf.InitType{UnitStr: "pt", Size: fpdf.SizeType{Wd: w.Points(), Ht: h.Points()}})
	doc.SetMargins(0, 0, 0)
	doc.SetAutoPageBreak(false, 0)
	doc.SetCreator("ictstat engine/chart", true)
	doc.AddPage()
	doc.SetLineCapStyle("butt")
	c := &pdfCanvas{doc: doc, w: w, h: h, fonts: map[string]string{}}
	c.stack = []pdfState{{color: color.NRGBA{A: 255}, width: 1, m: affine{a: 1, d: 1}}}
	vg.Initialize(c)
	return c
}

func (c *pdfCanvas) top() *pdfState { return &c.stack[len(c.stack)-1] }

func (c *pdfCanvas) Size() (w, h vg.Length) { return c.w, c.h }

func (c *pdfCanvas) SetLineWidth(w vg.Length) { c.top().width = w }

func (c *pdfCanvas) SetLineDash(dashes []vg.Length, offs vg.Length) {
	s := c.top()
	s.dashes = make([]float64, len(dashes))
	for i, d := range dashes {
		s.dashes[i] = d.Points()
	}
	s.offset = offs.Points()
}

func (c *pdfCanvas) SetColor(clr color.Color) {
	if clr == nil {
		clr = color.Black
	}
	c.top().color = color.NRGBAModel.Convert(clr).(color.NRGBA)
}

func (c *pdfCanvas) Rotate(rad float64) {
	sin, cos := math.Sincos(rad)
	s := c.top()
	s.m = s.m.then(affine{a: cos, b: -sin, c: sin, d: cos})
}

func (c *pdfCanvas) Translate(pt vg.Point) {
	s := c.top()
	s.m = s.m.then(affine{a: 1, d: 1, e: pt.X.Points(), f: pt.Y.Points()})
}

func (c *pdfCanvas) Scale(x, y float64) {
	s := c.top()
	s.m = s.m.then(affine{a: x, d: y})
}

func (c *pdfCanvas) Push() {
	s := *c.top()
	s.dashes = append([]float64(nil), s.dashes...)
	c.stack = append(c.stack, s)
}

func (c *pdfCanvas) Pop() {
	if len(c.stack) > 1 {
		c.stack = c.stack[:len(c.stack)-1]
	}
}

// point is pt in fpdf's coordinates (origin top left, y down).
func (c *pdfCanvas) point(pt vg.Point) (float64, float64) {
	x, y := c.top().m.apply(pt.X.Points(), pt.Y.Points())
	return x, c.h.Points() - y
}

// setColor gives fpdf the current colour for strokes, fills and text.
func (c *pdfCanvas) setColor() {
	k := c.top().color
	c.doc.SetDrawColor(int(k.R), int(k.G), int(k.B))
	c.doc.SetFillColor(int(k.R), int(k.G), int(k.B))
	c.doc.SetTextColor(int(k.R), int(k.G), int(k.B))
	c.doc.SetAlpha(float64(k.A)/255, "Normal")
}

func (c *pdfCanvas) Stroke(p vg.Path) {
	s := c.top()
	if s.width <= 0 {
		return
	}
	c.setColor()
	// The transforms in use scale uniformly, if at all.
	scale := math.Hypot(s.m.a, s.m.c)
	c.doc.SetLineWidth(s.width.Points() * scale)
	dashes := make([]float64, len(s.dashes))
	for i, d := range s.dashes {
		dashes[i] = d * scale
	}
	c.doc.SetDashPattern(dashes, s.offset*scale)
	c.path(p, "D")
}

func (c *pdfCanvas) Fill(p vg.Path) {
	c.setColor()
	c.path(p, "F")
}

func (c *pdfCanvas) path(p vg.Path, style string) {
	var start, cur vg.Point
	for _, comp := range p {
		switch comp.Type {
		case vg.MoveComp:
			start, cur = comp.Pos, comp.Pos
			c.doc.MoveTo(c.point(cur))
		case vg.LineComp:
			cur = comp.Pos
			c.doc.LineTo(c.point(cur))
		case vg.ArcComp:
			cur = c.arc(comp)
		case vg.CurveComp:
			switch len(comp.Control) {
			case 1: // a quadratic, raised to a cubic
				q := comp.Control[0]
				c0 := vg.Point{X: cur.X + (q.X-cur.X)*2/3, Y: cur.Y + (q.Y-cur.Y)*2/3}
				c1 := vg.Point{X: comp.Pos.X + (q.X-comp.Pos.X)*2/3, Y: comp.Pos.Y + (q.Y-comp.Pos.Y)*2/3}
				c.curve(c0, c1, comp.Pos)
			case 2:
				c.curve(comp.Control[0], comp.Control[1], comp.Pos)
			}
			cur = comp.Pos
		case vg.CloseComp:
			c.doc.ClosePath()
			cur = start
		}
	}
	c.doc.DrawPath(style)
}

func (c *pdfCanvas) curve(c0, c1, to vg.Point) {
	x0, y0 := c.point(c0)
	x1, y1 := c.point(c1)
	x, y := c.point(to)
	c.doc.CurveBezierCubicTo(x0, y0, x1, y1, x, y)
}

// arc draws an arc as cubic Bézier pieces of at most a quarter turn, joined to the current point
// by a line as vg.Path arcs are, and returns where it ends.
func (c *pdfCanvas) arc(comp vg.PathComp) vg.Point {
	at := func(t float64) vg.Point {
		sin, cos := math.Sincos(t)
		return vg.Point{X: comp.Pos.X + comp.Radius*vg.Length(cos), Y: comp.Pos.Y + comp.Radius*vg.Length(sin)}
	}
	c.doc.LineTo(c.point(at(comp.Start)))
	n := int(math.Ceil(math.Abs(comp.Angle) / (math.Pi / 2)))
	step := comp.Angle / float64(max(n, 1))
	k := 4.0 / 3 * math.Tan(step/4) * float64(comp.Radius)
	for i := range n {
		t0, t1 := comp.Start+float64(i)*step, comp.Start+float64(i+1)*step
		p0, p1 := at(t0), at(t1)
		s0, c0 := math.Sincos(t0)
		s1, c1 := math.Sincos(t1)
		c.curve(vg.Point{X: p0.X - vg.Length(k*s0), Y: p0.Y + vg.Length(k*c0)},
			vg.Point{X: p1.X + vg.Length(k*s1), Y: p1.Y - vg.Length(k*c1)}, p1)
	}
	return at(comp.Start + comp.Angle)
}

// FillString writes s with its baseline starting at pt, in f's face embedded as a font of its own.
func (c *pdfCanvas) FillString(f font.Face, pt vg.Point, s string) {
	key := f.Name()
	name, ok := c.fonts[key]
	if !ok {
		var raw bytes.Buffer
		if _, err := f.Face.WriteSourceTo(nil, &raw); err != nil {
			c.doc.SetError(fmt.Errorf("chart: font %s: %w", key, err))
			return
		}
		// Each face is a family of its own, in its regular style: fpdf then needs no bold or
		// italic variant of it.
		name = key
		c.doc.AddUTF8FontFromBytes(name, "", raw.Bytes())
		c.fonts[key] = name
	}
	c.setColor()
	c.doc.SetFont(name, "", f.Font.Size.Points()*math.Hypot(c.top().m.a, c.top().m.c))
	x, y := c.point(pt)
	if rot := math.Atan2(c.top().m.c, c.top().m.a); rot != 0 {
		c.doc.TransformBegin()
		c.doc.TransformRotate(rot*180/math.Pi, x, y)
		c.doc.Text(x, y, s)
		c.doc.TransformEnd()
		return
	}
	c.doc.Text(x, y, s)
}

func (c *pdfCanvas) DrawImage(vg.Rectangle, image.Image) {
	c.doc.SetError(fmt.Errorf("chart: images are not drawn in PDF"))
}

func (c *pdfCanvas) WriteTo(w io.Writer) (int64, error) {
	var buf bytes.Buffer
	if err := c.doc.Output(&buf); err != nil {
		return 0, err
	}
	return buf.WriteTo(w)
}
