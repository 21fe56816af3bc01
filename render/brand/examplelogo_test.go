package brand_test

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/fogleman/gg"

	"github.com/factcard/factcard/render/internal/imagetest"
)

// update rewrites the example brand's logo: go test ./render/brand -run ExampleLogo -update
var update = flag.Bool("update", false, "rewrite infra/brands/example/logo.png from drawExampleLogo")

// exampleDir is the example brand that ships with the repository.
const exampleDir = "../../infra/brands/example"

// drawExampleLogo draws the logo of the example brand, the fictional "Example
// Gazette": a vermilion tile with a cream front page (a headline bar over three
// lines of text) and the name in the brand's own bold font, in a teal that reads
// on the dark, light and paper themes alike (at least 3:1 on each background).
func drawExampleLogo(t *testing.T) image.Image {
	t.Helper()
	const (
		h      = 200.0 // the tile's side, and the logo's height
		gap    = 36.0  // between the tile and the name
		points = 112.0 // the name's size
	)
	face, err := gg.LoadFontFace(filepath.Join(exampleDir, "fonts", "DejaVuSansCondensed-Bold-Latin.ttf"), points)
	if err != nil {
		t.Fatal(err)
	}
	measure := gg.NewContext(1, 1)
	measure.SetFontFace(face)
	textW, _ := measure.MeasureString("Example Gazette")
	dc := gg.NewContext(int(math.Ceil(h+gap+textW))+2, int(h))
	dc.SetFontFace(face)

	dc.SetColor(color.NRGBA{0xd2, 0x55, 0x3f, 0xff}) // vermilion
	dc.DrawRoundedRectangle(0, 0, h, h, 36)
	dc.Fill()
	dc.SetColor(color.NRGBA{0xfb, 0xf3, 0xe4, 0xff}) // cream
	for _, bar := range [][4]float64{
		{38, 40, 124, 30}, // headline
		{38, 94, 124, 14},
		{38, 122, 124, 14},
		{38, 150, 80, 14},
	} {
		dc.DrawRoundedRectangle(bar[0], bar[1], bar[2], bar[3], 4)
		dc.Fill()
	}
	dc.SetColor(color.NRGBA{0x2f, 0x8f, 0x83, 0xff}) // teal
	dc.DrawString("Example Gazette", h+gap, 143)
	return dc.Image()
}

// TestExampleLogo keeps the committed logo what drawExampleLogo draws. The
// tolerance is not zero: gg's path and glyph arithmetic is floating point, and a
// platform that fuses multiplies and adds may round an edge pixel differently.
func TestExampleLogo(t *testing.T) {
	img := drawExampleLogo(t)
	path := filepath.Join(exampleDir, "logo.png")
	if *update {
		var buf bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := imagetest.ReadPNG(t, path, "go test ./render/brand -run ExampleLogo -update draws it")
	if got, w := img.Bounds(), want.Bounds(); got != w {
		t.Fatalf("logo is %v, want %v", got, w)
	}
	differ := 0
	b := want.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			w := color.NRGBAModel.Convert(want.At(x, y)).(color.NRGBA)
			if absDiff(g.A, w.A) > 8 || (w.A > 32 && (absDiff(g.R, w.R) > 8 || absDiff(g.G, w.G) > 8 || absDiff(g.B, w.B) > 8)) {
				differ++
			}
		}
	}
	if limit := b.Dx() * b.Dy() / 1000; differ > limit {
		t.Errorf("%d pixels of the logo differ from %s by more than 8 levels, want at most %d (go test ./render/brand -run ExampleLogo -update redraws it)", differ, path, limit)
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}
