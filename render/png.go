package render

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"io"
	"sync"

	"github.com/klauspost/compress/zlib"
)

// pngLevel is the deflate level of card PNGs. Measured on the dataset's og card
// (CPU time per encode, bytes): the standard library's png.Encoder at BestSpeed
// 2.55 ms, 37.7 KB; klauspost/compress level 1 1.03 ms, 38.7 KB; level 3 1.34 ms,
// 37.6 KB; level 5 1.66 ms, 34.2 KB; level 6 2.8 ms, 32.7 KB.
const pngLevel = 5

// zlibWriters and pngBuffers keep deflate state and output buffers between
// encodes: a zlib writer at level 5 holds about a megabyte of tables.
var (
	zlibWriters = sync.Pool{New: func() any {
		z, err := zlib.NewWriterLevel(io.Discard, pngLevel)
		if err != nil {
			panic("render: zlib level " + err.Error()) // pngLevel is a valid constant
		}
		return z
	}}
	pngBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// encodePNG writes m as an 8-bit paletted PNG with no filtering (filters do not
// help palette indices) and the image data in one IDAT chunk. It is a small
// writer because the standard encoder cannot take a faster deflate.
func encodePNG(w io.Writer, m *image.Paletted) error {
	b := m.Bounds()
	width, height := b.Dx(), b.Dy()
	idat := pngBuffers.Get().(*bytes.Buffer)
	defer pngBuffers.Put(idat)
	idat.Reset()
	z := zlibWriters.Get().(*zlib.Writer)
	defer zlibWriters.Put(z)
	z.Reset(idat)
	var filter [1]byte // filter type 0, None
	for y := b.Min.Y; y < b.Max.Y; y++ {
		i := m.PixOffset(b.Min.X, y)
		if _, err := z.Write(filter[:]); err != nil {
			return err
		}
		if _, err := z.Write(m.Pix[i : i+width]); err != nil {
			return err
		}
	}
	if err := z.Close(); err != nil {
		return err
	}

	bw := bufio.NewWriterSize(w, 4096)
	if _, err := bw.WriteString("\x89PNG\r\n\x1a\n"); err != nil {
		return err
	}
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:4], uint32(width))
	binary.BigEndian.PutUint32(ihdr[4:8], uint32(height))
	ihdr[8] = 8 // bit depth
	ihdr[9] = 3 // colour type: palette
	writeChunk(bw, "IHDR", ihdr[:])
	plte := make([]byte, 0, 3*len(m.Palette))
	trns := make([]byte, 0, len(m.Palette))
	opaque := true
	for _, c := range m.Palette {
		r, g, bl, a := c.RGBA()
		if a != 0xffff {
			opaque = false
			if a > 0 { // un-premultiply
				r, g, bl = r*0xffff/a, g*0xffff/a, bl*0xffff/a
			}
		}
		plte = append(plte, byte(r>>8), byte(g>>8), byte(bl>>8))
		trns = append(trns, byte(a>>8))
	}
	writeChunk(bw, "PLTE", plte)
	if !opaque {
		writeChunk(bw, "tRNS", trns)
	}
	writeChunk(bw, "IDAT", idat.Bytes())
	writeChunk(bw, "IEND", nil)
	return bw.Flush()
}

// writeChunk writes one PNG chunk: length, type, data and CRC. Errors stick in
// the bufio.Writer and surface at its Flush.
func writeChunk(w *bufio.Writer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	w.Write(n[:])
	w.WriteString(typ)
	w.Write(data)
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	w.Write(n[:])
}
