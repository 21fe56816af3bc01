package render

import (
	"bytes"
	stdadler "hash/adler32"
	"image"
	"image/color"
	"image/png"
	"math/rand"
	"testing"
)

func TestAdler32(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	mostlyZero := make([]byte, 100_000)
	for i := range mostlyZero {
		if r.Intn(10) == 0 {
			mostlyZero[i] = byte(r.Intn(256))
		}
	}
	noZero := make([]byte, 20_000)
	for i := range noZero {
		noZero[i] = byte(1 + r.Intn(255))
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"zeros", make([]byte, 70_000)},
		{"mostly zero", mostlyZero},
		{"no zero", noZero},
		{"all 0xff", bytes.Repeat([]byte{0xff}, 12_000)},
	}
	for _, tt := range tests {
		s := adler32{a: 1}
		// Feed it in uneven pieces, as rows arrive.
		for p := tt.data; len(p) > 0; {
			n := min(len(p), 1+r.Intn(3000))
			s.update(p[:n])
			p = p[n:]
		}
		if got, want := s.sum(), stdadler.Checksum(tt.data); got != want {
			t.Errorf("%s: adler32 %08x, want %08x", tt.name, got, want)
		}
	}
}

// TestEncodePNG round-trips paletted images through encodePNG and image/png.
func TestEncodePNG(t *testing.T) {
	pal := color.Palette{color.NRGBA{10, 20, 30, 255}, color.NRGBA{200, 100, 0, 255}, color.NRGBA{0, 0, 0, 128}}
	r := rand.New(rand.NewSource(2))
	for _, rect := range []image.Rectangle{image.Rect(0, 0, 1, 1), image.Rect(0, 0, 300, 7), image.Rect(5, 5, 40, 60)} {
		m := image.NewPaletted(rect, pal)
		for i := range m.Pix {
			if r.Intn(4) == 0 {
				m.Pix[i] = uint8(r.Intn(len(pal)))
			}
		}
		var buf bytes.Buffer
		if err := encodePNG(&buf, m); err != nil {
			t.Fatal(err)
		}
		got, err := png.Decode(&buf)
		if err != nil {
			t.Fatalf("%v: decode: %v", rect, err)
		}
		if got.Bounds().Size() != rect.Size() {
			t.Fatalf("%v: decoded size %v", rect, got.Bounds().Size())
		}
		for y := 0; y < rect.Dy(); y++ {
			for x := 0; x < rect.Dx(); x++ {
				g, w := color.NRGBAModel.Convert(got.At(x, y)), color.NRGBAModel.Convert(m.At(rect.Min.X+x, rect.Min.Y+y))
				if g != w {
					t.Fatalf("%v: pixel %d,%d = %v, want %v", rect, x, y, g, w)
				}
			}
		}
	}
}
