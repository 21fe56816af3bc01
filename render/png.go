package render

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"io"

	"github.com/klauspost/compress/flate"
)

// pngLevel is the deflate level of card PNGs. Measured on the golden fact's og
// card, one core, median of 6: the standard png.Encoder at BestSpeed 2.4 ms and
// 37.7 KB; klauspost/compress level 1 0.95 ms, 38.7 KB; level 3 1.25 ms, 37.6 KB;
// level 5 1.51 ms, 34.2 KB; level 6 about 2.8 ms, 32.7 KB. Level 5 keeps render
// plus encode of an og card under 4 ms and the stored files 10% smaller than
// level 1; cards are rendered once and served many times.
const pngLevel = 5

// flateWriters and pngBuffers keep deflate state and output buffers between
// encodes: a deflate writer at level 5 holds about a megabyte of tables.
var (
	flateWriters reuse[*flate.Writer]
	pngBuffers   reuse[*bytes.Buffer]
)

// encodePNG writes m as an 8-bit paletted PNG with no filtering (filters do not
// help palette indices) and the image data in one IDAT chunk. It is a small
// writer because the standard encoder cannot take a faster deflate. It frames
// the zlib stream itself so the Adler-32 checksum can take runs of background
// (zeros) eight bytes at a time.
func encodePNG(w io.Writer, m *image.Paletted) error {
	b := m.Bounds()
	width, height := b.Dx(), b.Dy()
	idat, ok := pngBuffers.get()
	if !ok {
		idat = new(bytes.Buffer)
	}
	defer pngBuffers.put(idat)
	idat.Reset()
	idat.Write([]byte{0x78, 0x5e}) // zlib header: deflate, 32 KB window, "fast" level
	z, ok := flateWriters.get()
	if !ok {
		var err error
		if z, err = flate.NewWriter(io.Discard, pngLevel); err != nil {
			panic("render: deflate level: " + err.Error()) // pngLevel is a valid constant
		}
	}
	defer flateWriters.put(z)
	z.Reset(idat)
	var filter [1]byte // filter type 0, None
	sum := adler32{a: 1}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := m.Pix[m.PixOffset(b.Min.X, y):][:width]
		if _, err := z.Write(filter[:]); err != nil {
			return err
		}
		if _, err := z.Write(row); err != nil {
			return err
		}
		sum.update(filter[:])
		sum.update(row)
	}
	if err := z.Close(); err != nil {
		return err
	}
	var check [4]byte
	binary.BigEndian.PutUint32(check[:], sum.sum())
	idat.Write(check[:])

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

// adler32 is the zlib checksum, with a fast path for the runs of zero bytes
// (background) that make up most of a card: eight zeros leave a unchanged and
// add 8a to b.
type adler32 struct{ a, b uint32 }

const adlerMod = 65521

// update adds p to the checksum.
func (s *adler32) update(p []byte) {
	a, b := s.a, s.b
	for len(p) > 0 {
		// 5552 bytes (a multiple of 8) keep b below 2^32 before reducing, the
		// bound zlib uses.
		n := min(len(p), 5552)
		q := p[:n]
		p = p[n:]
		for len(q) >= 8 {
			if binary.LittleEndian.Uint64(q) == 0 {
				b += 8 * a
			} else {
				for _, c := range q[:8] {
					a += uint32(c)
					b += a
				}
			}
			q = q[8:]
		}
		for _, c := range q {
			a += uint32(c)
			b += a
		}
		a %= adlerMod
		b %= adlerMod
	}
	s.a, s.b = a, b
}

func (s *adler32) sum() uint32 { return s.b<<16 | s.a }
