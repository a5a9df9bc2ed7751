package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// TestOpaquePNGRoundTrips decodes what encodeOpaque writes with image/png and compares every pixel
// with the image encoded, for an opaque image of many colours whose width is not a multiple of
// anything, and checks that pngWriter leaves an image with transparency to image/png.
func TestOpaquePNGRoundTrips(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 137, 61))
	for y := 0; y < 61; y++ {
		for x := 0; x < 137; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(x * 7), uint8(y * 13), uint8(x*y + 3), 255})
		}
	}
	if !opaque(img) {
		t.Fatal("an image with alpha 255 everywhere is not taken as opaque")
	}
	got, err := png.Decode(bytes.NewReader(encodeOpaque(img, 150)))
	if err != nil {
		t.Fatalf("image/png cannot decode it: %v", err)
	}
	if got.Bounds() != img.Bounds() {
		t.Fatalf("bounds %v, want %v", got.Bounds(), img.Bounds())
	}
	for y := 0; y < 61; y++ {
		for x := 0; x < 137; x++ {
			r, g, b, a := got.At(x, y).RGBA()
			w := img.RGBAAt(x, y)
			if uint8(r>>8) != w.R || uint8(g>>8) != w.G || uint8(b>>8) != w.B || a != 0xffff {
				t.Fatalf("pixel (%d, %d) = %d %d %d %d, want %v", x, y, r>>8, g>>8, b>>8, a>>8, w)
			}
		}
	}
	img.SetRGBA(5, 5, color.RGBA{10, 20, 30, 128})
	if opaque(img) {
		t.Error("an image with one half-transparent pixel is taken as opaque")
	}
}
