package png_test

import (
	"hash/adler32"
	"image"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/render"
	"github.com/factcard/factcard/render/internal/png"
)

// benchFactID is the dataset fact of render's benchmarks and golden images.
const benchFactID = "jaishankar-measured-and-responsible"

// cardRows renders the benchmark fact at size and returns its image rows, as
// the encoder checksums them: each a filter byte, then one byte per pixel.
func cardRows(b *testing.B, size render.Size) (filter []byte, rows [][]byte) {
	b.Helper()
	f, ok := facts.Default().Lookup(benchFactID)
	if !ok {
		b.Skipf("dataset has no fact %q to draw", benchFactID)
	}
	img, err := render.Card(f, render.Options{Size: size})
	if err != nil {
		b.Fatal(err)
	}
	m, ok := img.(*image.Paletted)
	if !ok {
		b.Fatalf("render.Card gave a %T, want *image.Paletted", img)
	}
	r := m.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		rows = append(rows, m.Pix[m.PixOffset(r.Min.X, y):][:r.Dx()])
	}
	return []byte{0}, rows
}

// BenchmarkAdler32 compares the encoder's Adler-32 with hash/adler32 (which
// klauspost/compress/zlib uses) over the scanlines of real og and story cards,
// fed a filter byte and a row at a time as the encoder feeds them.
func BenchmarkAdler32(b *testing.B) {
	for _, size := range []render.Size{render.SizeOG, render.SizeStory} {
		filter, rows := cardRows(b, size)
		n := int64(0)
		for _, row := range rows {
			n += int64(1 + len(row))
		}
		want := adler32.New()
		for _, row := range rows {
			want.Write(filter)
			want.Write(row)
		}
		b.Run(string(size)+"/own", func(b *testing.B) {
			b.SetBytes(n)
			var adler uint32
			for b.Loop() {
				adler = 1
				for _, row := range rows {
					adler = png.Adler32Update(adler, filter)
					adler = png.Adler32Update(adler, row)
				}
			}
			if adler != want.Sum32() {
				b.Fatalf("checksum %#08x, want hash/adler32's %#08x", adler, want.Sum32())
			}
		})
		b.Run(string(size)+"/hash-adler32", func(b *testing.B) {
			b.SetBytes(n)
			d := adler32.New()
			for b.Loop() {
				d.Reset()
				for _, row := range rows {
					d.Write(filter)
					d.Write(row)
				}
			}
		})
	}
}
