// Package png writes paletted images as PNG files, faster than image/png: it
// deflates with klauspost/compress/flate (image/png takes compress/flate, which
// is slower at a like size) inside its own zlib framing, whose Adler-32 skips
// the runs of background a card is mostly made of; it writes no row filters
// (they do not help palette indices) and keeps its buffers and deflate state
// between images. The output is an ordinary 8-bit paletted PNG that any
// decoder reads.
package png

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"io"

	"github.com/klauspost/compress/flate"
)

// level is the deflate level of the image data: level 5 over 1 and 3 (faster,
// files about 10% larger) and 6 (nearly twice the time for 4% smaller files),
// because a card is rendered once and served many times. Commit 93dc783 has
// the measurements; the README's Benchmarks section has today's figures.
const level = 5

// The zlib header of the image data (RFC 1950, section 2.2): CMF is
// compression method 8 (deflate) with CINFO 7 (a 32 KiB window); FLG has
// FLEVEL 1, "fast", for level 5 (zlib's own rule: levels 2–5 are fast, 6 is
// default, 7–9 maximum; klauspost/compress/zlib writes the same), no preset
// dictionary, and FCHECK making CMF·256 + FLG a multiple of 31.
const (
	zlibCMF    = 7<<4 | 8
	zlibFLevel = 1
	zlibFLG    = zlibFLevel<<6 | (31-(zlibCMF<<8|zlibFLevel<<6)%31)%31
)

// Encoder writes paletted PNGs. Its zero value is ready to use. It keeps its
// deflate state (about a megabyte) and output buffer between calls, so
// one Encoder used for many images allocates almost nothing; it is not safe for
// concurrent use.
type Encoder struct {
	z    *flate.Writer
	idat bytes.Buffer
	bw   *bufio.Writer
	// Scratch space, here so that it is not allocated for every image.
	ihdr   [13]byte
	plte   [3 * 256]byte
	trns   [256]byte
	head   [8]byte // a chunk's length and type
	filter [1]byte // filter type 0, None
}

// ErrPalette is returned for an image whose palette is empty or has more than
// 256 colours, which a paletted PNG cannot hold.
var ErrPalette = errors.New("png: palette must have 1 to 256 colours")

// Encode writes m to w as an 8-bit paletted PNG, with the image data in one
// IDAT chunk, and a tRNS chunk only if a colour of the palette is not opaque.
func (e *Encoder) Encode(w io.Writer, m *image.Paletted) error {
	if len(m.Palette) == 0 || len(m.Palette) > 256 {
		return fmt.Errorf("encode %v image: %w (it has %d)", m.Bounds().Size(), ErrPalette, len(m.Palette))
	}
	if err := e.compress(m); err != nil {
		return fmt.Errorf("compress image data: %w", err)
	}
	if e.bw == nil {
		e.bw = bufio.NewWriterSize(w, 4096)
	} else {
		e.bw.Reset(w)
	}
	bw := e.bw
	defer bw.Reset(nil) // hold no reference to w
	bw.WriteString("\x89PNG\r\n\x1a\n")
	b := m.Bounds()
	binary.BigEndian.PutUint32(e.ihdr[0:4], uint32(b.Dx()))
	binary.BigEndian.PutUint32(e.ihdr[4:8], uint32(b.Dy()))
	e.ihdr[8] = 8 // bit depth
	e.ihdr[9] = 3 // colour type: palette
	e.writeChunk("IHDR", e.ihdr[:])
	opaque := true
	for i, c := range m.Palette {
		r, g, bl, a := c.RGBA()
		if a != 0 && a != 0xffff { // PLTE holds colours not premultiplied by alpha
			r, g, bl = r*0xffff/a, g*0xffff/a, bl*0xffff/a
		}
		e.plte[3*i], e.plte[3*i+1], e.plte[3*i+2] = uint8(r>>8), uint8(g>>8), uint8(bl>>8)
		e.trns[i] = uint8(a >> 8)
		opaque = opaque && a == 0xffff
	}
	e.writeChunk("PLTE", e.plte[:3*len(m.Palette)])
	if !opaque {
		e.writeChunk("tRNS", e.trns[:len(m.Palette)])
	}
	e.writeChunk("IDAT", e.idat.Bytes())
	e.writeChunk("IEND", nil)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write PNG: %w", err)
	}
	return nil
}

// compress fills e.idat with the zlib stream of m's rows, each preceded by
// filter type 0 (None): the zlib header, the deflate stream and the Adler-32 of
// the uncompressed rows, big-endian.
func (e *Encoder) compress(m *image.Paletted) error {
	e.idat.Reset()
	e.idat.Write([]byte{zlibCMF, zlibFLG})
	if e.z == nil {
		z, err := flate.NewWriter(&e.idat, level)
		if err != nil {
			return err
		}
		e.z = z
	} else {
		e.z.Reset(&e.idat)
	}
	adler := uint32(1)
	b := m.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := m.Pix[m.PixOffset(b.Min.X, y):][:b.Dx()]
		adler = adler32Update(adler32Update(adler, e.filter[:]), row)
		if _, err := e.z.Write(e.filter[:]); err != nil {
			return err
		}
		if _, err := e.z.Write(row); err != nil {
			return err
		}
	}
	if err := e.z.Close(); err != nil {
		return err
	}
	binary.BigEndian.PutUint32(e.head[:4], adler)
	e.idat.Write(e.head[:4])
	return nil
}

// writeChunk writes one PNG chunk to e.bw: length, type, data and CRC. Errors
// stick in the bufio.Writer and surface at its Flush.
func (e *Encoder) writeChunk(typ string, data []byte) {
	binary.BigEndian.PutUint32(e.head[:4], uint32(len(data)))
	copy(e.head[4:], typ)
	e.bw.Write(e.head[:])
	e.bw.Write(data)
	crc := crc32.Update(crc32.ChecksumIEEE(e.head[4:]), crc32.IEEETable, data)
	binary.BigEndian.PutUint32(e.head[:4], crc)
	e.bw.Write(e.head[:4])
}
