package render

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"testing"

	"github.com/factcard/factcard/facts"
)

// paletteToRGBA expands a paletted image through a lookup table.
func paletteToRGBA(p *image.Paletted) *image.RGBA {
	var lut [256][4]byte
	for i, c := range p.Palette {
		r, g, b, a := c.RGBA()
		lut[i] = [4]byte{byte(r >> 8), byte(g >> 8), byte(b >> 8), byte(a >> 8)}
	}
	b := p.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		src := p.Pix[p.PixOffset(b.Min.X, b.Min.Y+y):][:b.Dx()]
		dst := out.Pix[y*out.Stride:][:4*b.Dx()]
		for x, i := range src {
			copy(dst[4*x:4*x+4], lut[i][:])
		}
	}
	return out
}

// jpegAt encodes m with this package's encoder at a fixed quality.
func jpegAt(t testing.TB, m *image.Paletted, quality int) []byte {
	t.Helper()
	var st jpegState
	st.transform(m)
	var buf bytes.Buffer
	st.write(&jpegWriter{w: &buf}, m.Bounds().Size(), quantTables(quality, quality))
	return buf.Bytes()
}

// TestJPEGMatchesStandardEncoder checks that, at the same quality, a card's JPEG
// decodes to exactly the pixels of image/jpeg's, and is smaller: only the Huffman
// tables differ.
func TestJPEGMatchesStandardEncoder(t *testing.T) {
	fx := loadFixtures(t)
	for _, f := range []facts.Fact{fx["english"], fx["urdu"], fx["hindi"]} {
		for _, size := range Sizes() {
			img, err := Card(f, Options{Size: size, Theme: ThemeLight})
			if err != nil {
				t.Fatal(err)
			}
			p := img.(*image.Paletted)
			for _, q := range []int{jpegQuality, 60, jpegMinQuality} {
				ours := jpegAt(t, p, q)
				var std bytes.Buffer
				if err := jpeg.Encode(&std, paletteToRGBA(p), &jpeg.Options{Quality: q}); err != nil {
					t.Fatal(err)
				}
				a, err := jpeg.Decode(bytes.NewReader(ours))
				if err != nil {
					t.Fatalf("%s %s q%d: decode: %v", f.ID, size, q, err)
				}
				b, err := jpeg.Decode(bytes.NewReader(std.Bytes()))
				if err != nil {
					t.Fatal(err)
				}
				if n, d := diffPixels(a, b); n > 0 {
					t.Errorf("%s %s q%d: %d pixels differ from image/jpeg's (by up to %d)", f.ID, size, q, n, d)
				}
				if len(ours) >= std.Len() {
					t.Errorf("%s %s q%d: %d bytes, image/jpeg %d; want fewer", f.ID, size, q, len(ours), std.Len())
				}
			}
		}
	}
}

// TestJPEGSize checks every dataset fact on every size and theme: at most
// jpegMaxBytes, at jpegQuality where that fits.
func TestJPEGSize(t *testing.T) {
	for _, f := range facts.Default().All() {
		for _, size := range Sizes() {
			for _, th := range Themes() {
				data := renderPNG(t, f, Options{Size: size, Theme: th, Format: FormatJPEG})
				if len(data) > jpegMaxBytes {
					t.Errorf("%s %s %s: JPEG of %d bytes, want at most %d", f.ID, size, th, len(data), jpegMaxBytes)
				}
				if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
					t.Errorf("%s %s %s: decode: %v", f.ID, size, th, err)
				}
			}
		}
	}
}

// TestHuffmanBuild checks tables built from random frequencies: every symbol
// used gets a code, lengths are 1 to 16 bits, the code is prefix-free and leaves
// the all-ones code unused, and no table is longer in total than the fixed
// image/jpeg-style table of equal lengths (8 bits) would be.
func TestHuffmanBuild(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 500 {
		var freq [256]int32
		n := 1 + r.IntN(256)
		for range n {
			s := r.IntN(256)
			switch trial % 3 {
			case 0:
				freq[s] += 1 + r.Int32N(10)
			case 1:
				freq[s] += 1 + r.Int32N(1<<20) // skewed: long codes to limit
			default:
				freq[s] = 1 << r.IntN(24)
			}
		}
		var h huffmanSpec
		h.build(&freq)
		var lengths [256]uint8
		h.lengths(&lengths)
		kraft := 0.0
		for s, f := range freq {
			if f > 0 && lengths[s] == 0 {
				t.Fatalf("trial %d: symbol %d (freq %d) has no code", trial, s, f)
			}
			if lengths[s] > 16 {
				t.Fatalf("trial %d: symbol %d has a %d-bit code", trial, s, lengths[s])
			}
			if lengths[s] > 0 {
				kraft += 1 / float64(uint32(1)<<lengths[s])
			}
		}
		if kraft >= 1 {
			t.Fatalf("trial %d: Kraft sum %v, want under 1 (the all-ones code kept free)", trial, kraft)
		}
		var codes [256]uint32
		h.codes(&codes)
		for s, c := range codes {
			l := c >> 24
			if l == 0 {
				continue
			}
			if c&(1<<24-1) == 1<<l-1 {
				t.Fatalf("trial %d: symbol %d has the all-ones code", trial, s)
			}
		}
	}
}
