package render

import (
	"bytes"
	"io"
	"testing"

	"github.com/factcard/factcard/facts"
)

// benchFact returns the fact the benchmarks draw: the dataset fact of the golden
// images (19 words, a name, role and handle; its og PNG is near the dataset's
// median size), or the English fixture if the dataset lacks it.
func benchFact(b *testing.B) facts.Fact {
	b.Helper()
	if f, ok := facts.Default().Lookup(goldenFactID); ok {
		return f
	}
	return loadFixtures(b)["english"]
}

// BenchmarkRender measures Card: shaping, layout, drawing and quantising.
func BenchmarkRender(b *testing.B) {
	f := benchFact(b)
	for _, size := range Sizes() {
		b.Run(string(size), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Card(f, Options{Size: size}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEncode measures Encode of a drawn card to PNG.
func BenchmarkEncode(b *testing.B) {
	f := benchFact(b)
	for _, size := range Sizes() {
		b.Run(string(size), func(b *testing.B) {
			img, err := Card(f, Options{Size: size})
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := Encode(&buf, img, Options{Size: size}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "bytes")
		})
	}
}

// BenchmarkEncodeJPEG measures Encode of a drawn card to JPEG.
func BenchmarkEncodeJPEG(b *testing.B) {
	f := benchFact(b)
	for _, size := range Sizes() {
		b.Run(string(size), func(b *testing.B) {
			opts := Options{Size: size, Format: FormatJPEG}
			img, err := Card(f, opts)
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := Encode(&buf, img, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "bytes")
		})
	}
}

// BenchmarkCard measures Render to PNG: everything a request for a card not yet
// stored costs.
func BenchmarkCard(b *testing.B) {
	f := benchFact(b)
	for _, size := range Sizes() {
		b.Run(string(size), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Render(io.Discard, f, Options{Size: size}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
