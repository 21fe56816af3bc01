package png

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/adler32"
	"image"
	"image/color"
	stdpng "image/png"
	"io"
	"math/rand/v2"
	"testing"
)

// TestEncodeRoundTrip writes paletted images with one Encoder and decodes them
// with image/png, which also checks the CRCs and the zlib checksum.
func TestEncodeRoundTrip(t *testing.T) {
	opaque := color.Palette{color.NRGBA{10, 20, 30, 255}, color.NRGBA{200, 100, 0, 255}, color.Gray{200}}
	translucent := color.Palette{color.NRGBA{10, 20, 30, 255}, color.NRGBA{200, 100, 0, 128}, color.NRGBA{0, 0, 0, 0}}
	full := make(color.Palette, 256)
	for i := range full {
		full[i] = color.NRGBA{uint8(i), uint8(255 - i), uint8(i * 7), 255}
	}
	tests := []struct {
		name string
		rect image.Rectangle
		pal  color.Palette
		fill int // one pixel in fill gets a random index, the rest index 0
	}{
		{"one pixel", image.Rect(0, 0, 1, 1), opaque, 1},
		{"wide, sparse", image.Rect(0, 0, 300, 7), opaque, 4},
		{"offset origin", image.Rect(5, 5, 40, 60), opaque, 2},
		{"translucent", image.Rect(0, 0, 33, 17), translucent, 1},
		{"256 colours, noise", image.Rect(0, 0, 200, 150), full, 1},
		{"card sized, mostly background", image.Rect(0, 0, 1200, 630), opaque, 50},
	}
	r := rand.New(rand.NewPCG(1, 2))
	var e Encoder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := image.NewPaletted(tt.rect, tt.pal)
			for i := range m.Pix {
				if r.IntN(tt.fill) == 0 {
					m.Pix[i] = uint8(r.IntN(len(tt.pal)))
				}
			}
			var buf bytes.Buffer
			if err := e.Encode(&buf, m); err != nil {
				t.Fatal(err)
			}
			got, err := stdpng.Decode(&buf)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got.Bounds().Size() != tt.rect.Size() {
				t.Fatalf("decoded size %v, want %v", got.Bounds().Size(), tt.rect.Size())
			}
			gp, ok := got.(*image.Paletted)
			if !ok {
				t.Fatalf("decoded a %T, want *image.Paletted", got)
			}
			for i, c := range tt.pal {
				if g, w := color.NRGBAModel.Convert(gp.Palette[i]), color.NRGBAModel.Convert(c); g != w {
					t.Errorf("palette entry %d = %v, want %v", i, g, w)
				}
			}
			for y := range tt.rect.Dy() {
				g := gp.Pix[y*gp.Stride:][:tt.rect.Dx()]
				w := m.Pix[m.PixOffset(tt.rect.Min.X, tt.rect.Min.Y+y):][:tt.rect.Dx()]
				if !bytes.Equal(g, w) {
					t.Fatalf("row %d differs: got %v…, want %v…", y, g[:min(8, len(g))], w[:min(8, len(w))])
				}
			}
		})
	}
}

// TestEncodeDeterministic checks that an Encoder reused after other images
// writes the same bytes as a fresh one.
func TestEncodeDeterministic(t *testing.T) {
	pal := color.Palette{color.Black, color.White}
	m := image.NewPaletted(image.Rect(0, 0, 64, 64), pal)
	for i := range m.Pix {
		m.Pix[i] = uint8(i / 3 % 2)
	}
	var fresh, reused bytes.Buffer
	if err := new(Encoder).Encode(&fresh, m); err != nil {
		t.Fatal(err)
	}
	var e Encoder
	other := image.NewPaletted(image.Rect(0, 0, 500, 20), pal)
	for range 2 {
		if err := e.Encode(new(bytes.Buffer), other); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Encode(&reused, m); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh.Bytes(), reused.Bytes()) {
		t.Errorf("reused Encoder wrote %d bytes unlike a fresh one's %d", reused.Len(), fresh.Len())
	}
}

// TestEncodePalette checks that palettes a PNG cannot hold are refused.
func TestEncodePalette(t *testing.T) {
	for _, n := range []int{0, 257} {
		m := image.NewPaletted(image.Rect(0, 0, 2, 2), make(color.Palette, n))
		for i := range m.Palette {
			m.Palette[i] = color.Black
		}
		err := new(Encoder).Encode(new(bytes.Buffer), m)
		if !errors.Is(err, ErrPalette) {
			t.Errorf("%d colours: error %v, want ErrPalette", n, err)
		}
	}
}

// failingWriter fails every write.
type failingWriter struct{}

var errWrite = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }

// TestEncodeWriteError checks that a failing writer's error comes back.
func TestEncodeWriteError(t *testing.T) {
	m := image.NewPaletted(image.Rect(0, 0, 10, 10), color.Palette{color.Black})
	if err := new(Encoder).Encode(failingWriter{}, m); !errors.Is(err, errWrite) {
		t.Errorf("error %v, want one wrapping %v", err, errWrite)
	}
}

// idat returns the data of the IDAT chunk of the PNG p, which the Encoder
// writes as one chunk.
func idat(t *testing.T, p []byte) []byte {
	t.Helper()
	p = p[8:] // signature
	for len(p) >= 12 {
		n := binary.BigEndian.Uint32(p)
		typ, data := string(p[4:8]), p[8:][:n]
		if typ == "IDAT" {
			return data
		}
		p = p[12+n:]
	}
	t.Fatal("no IDAT chunk")
	return nil
}

// TestEncodeZlib checks the zlib framing of the image data (RFC 1950): CMF
// for deflate with a 32 KiB window, FLG with FLEVEL 1 (fast, for level 5), no
// dictionary and a valid FCHECK, a deflate stream of the filtered rows, and
// their Adler-32 as hash/adler32 computes it, big-endian, at the end.
func TestEncodeZlib(t *testing.T) {
	pal := color.Palette{color.Black, color.White, color.Gray{100}}
	r := rand.New(rand.NewPCG(3, 4))
	for _, size := range []image.Point{{1, 1}, {7, 3}, {1200, 630}, {1080, 1920}} {
		t.Run(fmt.Sprintf("%dx%d", size.X, size.Y), func(t *testing.T) {
			m := image.NewPaletted(image.Rectangle{Max: size}, pal)
			for i := range m.Pix {
				if r.IntN(20) == 0 {
					m.Pix[i] = uint8(r.IntN(len(pal)))
				}
			}
			var buf bytes.Buffer
			if err := new(Encoder).Encode(&buf, m); err != nil {
				t.Fatal(err)
			}
			z := idat(t, buf.Bytes())
			cmf, flg := z[0], z[1]
			if cm, cinfo := cmf&0x0f, cmf>>4; cm != 8 || cinfo != 7 {
				t.Errorf("CMF %#02x: CM %d, CINFO %d, want 8 and 7", cmf, cm, cinfo)
			}
			if got := flg >> 6; got != 1 {
				t.Errorf("FLG %#02x: FLEVEL %d, want 1", flg, got)
			}
			if flg&0x20 != 0 {
				t.Errorf("FLG %#02x: FDICT set, want no dictionary", flg)
			}
			if got := (uint(cmf)<<8 | uint(flg)) % 31; got != 0 {
				t.Errorf("CMF·256 + FLG = %#04x is %d modulo 31, want 0", uint(cmf)<<8|uint(flg), got)
			}
			raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(z[2 : len(z)-4])))
			if err != nil {
				t.Fatalf("inflate the deflate stream: %v", err)
			}
			var want []byte
			for y := range size.Y {
				want = append(want, 0)
				want = append(want, m.Pix[y*m.Stride:][:size.X]...)
			}
			if !bytes.Equal(raw, want) {
				t.Fatalf("inflated %d bytes, want the %d bytes of the filtered rows", len(raw), len(want))
			}
			if got, want := binary.BigEndian.Uint32(z[len(z)-4:]), adler32.Checksum(want); got != want {
				t.Errorf("Adler-32 trailer %#08x, want %#08x", got, want)
			}
		})
	}
}

// TestEncodeAllocs checks that an Encoder, once used, encodes without
// allocating.
func TestEncodeAllocs(t *testing.T) {
	m := image.NewPaletted(image.Rect(0, 0, 1200, 630), color.Palette{color.Black, color.White})
	for i := range m.Pix {
		m.Pix[i] = uint8(i / 1000 % 2)
	}
	var e Encoder
	if err := e.Encode(io.Discard, m); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(10, func() {
		if err := e.Encode(io.Discard, m); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per image, want 0", allocs)
	}
}
