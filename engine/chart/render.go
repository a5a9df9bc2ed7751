package chart

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"math"
	"regexp"
	"slices"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// output is a canvas of one format and the writer of its bytes.
type output struct {
	canvas vg.CanvasSizer
	writer io.WriterTo
}

func knownFormat(format string) bool {
	return format == "png" || format == "svg" || format == "pdf"
}

// dimensions are a size's width and height as lengths, and the whole dots per inch of raster
// output (used for px sizes too, so that a px size gives exactly that many pixels).
func (s Size) dimensions() (w, h vg.Length, dpi int) {
	dpi = int(math.Round(s.dpi()))
	if s.Unit == "px" {
		return vg.Length(s.Width/float64(dpi)) * vg.Inch, vg.Length(s.Height/float64(dpi)) * vg.Inch, dpi
	}
	return vg.Length(s.Width) * vg.Centimeter, vg.Length(s.Height) * vg.Centimeter, dpi
}

func newOutput(format string, size Size) (output, error) {
	w, h, dpi := size.dimensions()
	switch format {
	case "png":
		c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi))
		return output{c, pngWriter{c, dpi}}, nil
	case "svg":
		c := &svgCanvas{Canvas: vgsvg.New(w, h)}
		return output{c, c}, nil
	case "pdf":
		c := newPDFCanvas(w, h)
		return output{c, c}, nil
	}
	return output{}, fmt.Errorf("chart: unknown format %q; use png, svg or pdf", format)
}

// pngWriter writes the canvas as a PNG that records its resolution in a pHYs chunk, so that a
// word processor places the image at the size asked. An opaque canvas (every chart's, on its white
// background) is written as 8-bit RGB with unfiltered rows at zlib's fastest level (encodeOpaque):
// on the sample trend chart about 7 ms and 68 KB where image/png, which tries the five filters on
// every row, takes about 15 ms for 79 KB at the same level. Any other image goes through image/png.
type pngWriter struct {
	c   *vgimg.Canvas
	dpi int
}

func (p pngWriter) WriteTo(w io.Writer) (int64, error) {
	var b []byte
	if img, ok := p.c.Image().(*image.RGBA); ok && opaque(img) {
		b = encodeOpaque(img, p.dpi)
	} else {
		var buf bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, p.c.Image()); err != nil {
			return 0, err
		}
		// The signature (8 bytes) and IHDR (25) come first; pHYs must precede the image data.
		const afterIHDR = 8 + 25
		b = slices.Concat(buf.Bytes()[:afterIHDR], physChunk(p.dpi), buf.Bytes()[afterIHDR:])
	}
	n, err := w.Write(b)
	return int64(n), err
}

// opaque reports whether img is non-empty and every pixel of it is opaque.
func opaque(img *image.RGBA) bool {
	b := img.Bounds()
	if b.Empty() {
		return false
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		px := img.Pix[img.PixOffset(b.Min.X, y):][:4*b.Dx()]
		for i := 3; i < len(px); i += 4 {
			if px[i] != 0xff {
				return false
			}
		}
	}
	return true
}

// encodeOpaque is a PNG of an opaque, non-empty img: 8-bit RGB (an opaque pixel's premultiplied
// colour is its colour), the pHYs chunk of dpi, every row with filter type None, compressed at
// zlib's fastest level. A chart's flat areas repeat whole pixels, which the compressor finds as
// they are; the filters image/png chooses cost twice the time and give larger files on charts.
func encodeOpaque(img *image.RGBA, dpi int) []byte {
	b := img.Bounds()
	w := b.Dx()
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(b.Dy()))
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // bit depth 8, colour type RGB, deflate, adaptive filtering, no interlace
	var data bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&data, zlib.BestSpeed) // the level is valid: no error
	row := make([]byte, 1+3*w)                          // row[0] = 0: filter type None
	for y := b.Min.Y; y < b.Max.Y; y++ {
		px := img.Pix[img.PixOffset(b.Min.X, y):][:4*w]
		for i, j := 0, 1; i < len(px); i, j = i+4, j+3 {
			row[j], row[j+1], row[j+2] = px[i], px[i+1], px[i+2]
		}
		zw.Write(row) // writes to a bytes.Buffer: no error
	}
	zw.Close()
	out := append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
	out = append(out, physChunk(dpi)...)
	for z := data.Bytes(); len(z) > 0; {
		n := min(len(z), 1<<20) // IDAT chunks of at most 1 MiB
		out = append(out, pngChunk("IDAT", z[:n])...)
		z = z[n:]
	}
	return append(out, pngChunk("IEND", nil)...)
}

// pngChunk is a PNG chunk: its length, type, data and CRC.
func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(append(c, typ...), data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// physChunk is a PNG pHYs chunk giving dpi in pixels per metre on both axes.
func physChunk(dpi int) []byte {
	ppm := uint32(math.Round(float64(dpi) / 0.0254))
	data := binary.BigEndian.AppendUint32(nil, ppm)
	data = binary.BigEndian.AppendUint32(data, ppm)
	return pngChunk("pHYs", append(data, 1)) // the unit is the metre
}

// svgCanvas is gonum's SVG canvas, writing each text with the width it has in Liberation Sans
// (textLength), so that a viewer without Liberation Sans or Arial, whose metrics it shares,
// fits its fallback font to the same width and the layout holds; and naming those fallbacks.
type svgCanvas struct {
	*vgsvg.Canvas
	widths []vg.Length // of the texts, in the order they are drawn
}

func (c *svgCanvas) FillString(f font.Face, pt vg.Point, s string) {
	c.Canvas.FillString(f, pt, s)
	c.widths = append(c.widths, f.Width(s))
}

var svgText = regexp.MustCompile(`<text x="[^"]*" y="[^"]*"`)

func (c *svgCanvas) WriteTo(w io.Writer) (int64, error) {
	var buf bytes.Buffer
	if _, err := c.Canvas.WriteTo(&buf); err != nil {
		return 0, err
	}
	i := 0
	out := svgText.ReplaceAllFunc(buf.Bytes(), func(m []byte) []byte {
		if i >= len(c.widths) {
			return m
		}
		m = fmt.Appendf(bytes.Clone(m), ` textLength="%.2f" lengthAdjust="spacingAndGlyphs"`, c.widths[i].Points())
		i++
		return m
	})
	out = bytes.ReplaceAll(out, []byte("font-family:Liberation Sans;"), []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
	n, err := w.Write(out)
	return int64(n), err
}
