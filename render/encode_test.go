package render

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"testing"

	"github.com/factcard/factcard/facts"
)

// TestJPEGIsImageJPEG checks that a card's JPEG is byte for byte what image/jpeg
// writes for the card drawn as RGBA: the YCbCr copy changes how fast, not what.
// The sizes go from large to small and back, so copies are reused at other sizes.
func TestJPEGIsImageJPEG(t *testing.T) {
	fx := loadFixtures(t)
	sizes := []Size{SizeStory, SizeOG, SizePortrait, SizeSquare, SizeStory}
	for _, tt := range []struct {
		name string
		fact facts.Fact
		th   Theme
	}{
		{"english dark", fx["english"], ThemeDark},
		{"urdu light", fx["urdu"], ThemeLight},
		{"hindi dark", fx["hindi"], ThemeDark},
	} {
		for _, size := range sizes {
			opts := Options{Size: size, Theme: tt.th, Format: FormatJPEG}
			img, err := Card(tt.fact, opts)
			if err != nil {
				t.Fatal(err)
			}
			var got, want bytes.Buffer
			if err := Encode(&got, img, opts); err != nil {
				t.Fatalf("%s %s: Encode: %v", tt.name, size, err)
			}
			rgba := image.NewRGBA(img.Bounds())
			draw.Draw(rgba, rgba.Rect, img, img.Bounds().Min, draw.Src)
			if err := jpeg.Encode(&want, rgba, &jpeg.Options{Quality: jpegQuality}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%s %s: JPEG of %d bytes differs from image/jpeg's of the RGBA card (%d bytes)", tt.name, size, got.Len(), want.Len())
			}
		}
	}
}

// TestToYCbCr checks the conversion of small paletted images, translucent
// colours and an origin away from (0, 0) included, against color.YCbCrModel.
func TestToYCbCr(t *testing.T) {
	pal := color.Palette{
		color.NRGBA{0x10, 0x20, 0x30, 0xff},
		color.NRGBA{0xff, 0x80, 0x00, 0xff},
		color.NRGBA{0xff, 0xff, 0xff, 0x80},
		color.RGBA{0, 0, 0, 0},
	}
	var reused *image.YCbCr
	for _, r := range []image.Rectangle{image.Rect(0, 0, 9, 5), image.Rect(3, 4, 7, 6), image.Rect(0, 0, 1, 1), image.Rect(0, 0, 12, 12)} {
		p := image.NewPaletted(r, pal)
		for i := range p.Pix {
			p.Pix[i] = uint8(i*7) % uint8(len(pal))
		}
		reused = toYCbCr(reused, p)
		if got, want := reused.Bounds().Size(), r.Size(); got != want {
			t.Fatalf("%v: size %v, want %v", r, got, want)
		}
		for y := range r.Dy() {
			for x := range r.Dx() {
				c := p.At(r.Min.X+x, r.Min.Y+y)
				cr, cg, cb, _ := c.RGBA()
				yy, u, v := color.RGBToYCbCr(uint8(cr>>8), uint8(cg>>8), uint8(cb>>8))
				if got, want := reused.YCbCrAt(x, y), (color.YCbCr{Y: yy, Cb: u, Cr: v}); got != want {
					t.Fatalf("%v: pixel %d,%d of %v = %v, want %v", r, x, y, c, got, want)
				}
			}
		}
	}
}
