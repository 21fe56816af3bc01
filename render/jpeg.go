package render

import (
	"bytes"
	"image"
	"image/color"
	"io"
	"math/bits"
)

// The JPEG encoder. Cards are flat backgrounds with text, so two things decide a
// JPEG's size: the 8x8 blocks along glyph edges, and, with image/jpeg's fixed
// Huffman tables, 4 bytes for every 16x16 block of plain background (33 KB of
// a story card). This encoder writes the same baseline 4:2:0 JPEG as
// image/jpeg, with the same colour conversion, DCT and quantisation (at one
// quality a decoder gives exactly the same pixels), but with Huffman tables
// built for each image (Annex K.2 of the JPEG standard): 1.5 bytes per 16x16
// block of background (story 12.5 KB), and the dataset's cards at quality 85
// 12% smaller in all. It skips the DCT of flat blocks, transforms the others
// once, and when the card at jpegQuality would exceed jpegMaxBytes it bisects
// over the luma quality counting only the coded bits, then writes once.
//
// Measured on the dataset's 6 facts (dark), KB and luma quality: og 39-79 at 85;
// square 46-99, down to 77; portrait 48-99, down to 59; story 51-99, down to 43
// for the fact with the most text (image/jpeg at 85: up to 86, 120, 151 and 175
// KB). At 4x zoom, 85 is clean; 43 shows faint specks along the edges of the
// large quote text and none that matter at 1x; lowering the chroma with the luma
// turned the orange brand and the slate footer text blotchy at the same size, so
// the chroma stays at jpegQuality (it takes about 7% of the bytes).
//
// The DCT is image/jpeg's (Go 1.26, dct.go): Copyright 2025 The Go Authors,
// under the BSD-style licence in LICENSE-go beside this file.

const (
	// jpegQuality is the quality of a card's JPEG, and of its chroma always; the
	// scale is image/jpeg's (and libjpeg's). At 4x zoom 85 shows no ringing
	// around the 22 to 26 px footer text, 80 a little.
	jpegQuality = 85
	// jpegMaxBytes is the most a card's JPEG may take, for messengers.
	jpegMaxBytes = 100_000
	// jpegMinQuality is the lowest luma quality the search tries; a card that
	// does not fit even there is written at it, larger than jpegMaxBytes.
	jpegMinQuality = 40
)

// jpegBlock is one 8x8 block of a component, in the order of the scan.
type jpegBlock struct {
	dc int32 // the DCT's DC output
	// ac is the index in jpegState.coefs of the block's 64 DCT outputs in natural
	// order, or -1 if every AC output is zero (a flat block).
	ac int32
}

// jpegState is what one encode needs, kept between encodes.
type jpegState struct {
	blocks []jpegBlock // per 16x16 block: Y top-left, top-right, bottom-left, bottom-right, Cb, Cr
	coefs  []int16
	// freq counts the symbols of each Huffman table: luma DC, luma AC, chroma DC, chroma AC.
	freq  [4][256]int32
	extra int64          // value bits that follow the symbols
	lut   [4][256]uint32 // code length << 24 | code
	out   bytes.Buffer
}

var jpegStates reuse[*jpegState]

// unzig maps zig-zag order to natural order.
var unzig = [64]uint8{
	0, 1, 8, 16, 9, 2, 3, 10,
	17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34,
	27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36,
	29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46,
	53, 60, 61, 54, 47, 55, 62, 63,
}

// unscaledQuant are the quantisation tables of Annex K.1 in zig-zag order, luma
// then chroma, as image/jpeg scales them.
var unscaledQuant = [2][64]uint8{
	{
		16, 11, 12, 14, 12, 10, 16, 14,
		13, 14, 18, 17, 16, 19, 24, 40,
		26, 24, 22, 22, 24, 49, 35, 37,
		29, 40, 58, 51, 61, 60, 57, 51,
		56, 55, 64, 72, 92, 78, 64, 68,
		87, 69, 55, 56, 80, 109, 81, 87,
		95, 98, 103, 104, 103, 62, 77, 113,
		121, 112, 100, 120, 92, 101, 103, 99,
	},
	{
		17, 18, 18, 24, 21, 24, 47, 26,
		26, 47, 99, 66, 56, 66, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
	},
}

// quantTables returns the luma and chroma quantisation tables for two
// qualities, as image/jpeg computes them for one.
func quantTables(luma, chroma int) (q [2][64]uint8) {
	for i, quality := range [2]int{luma, chroma} {
		quality = min(max(quality, 1), 100)
		scale := 200 - 2*quality
		if quality < 50 {
			scale = 5000 / quality
		}
		for j, u := range unscaledQuant[i] {
			q[i][j] = uint8(min(max((int(u)*scale+50)/100, 1), 255))
		}
	}
	return q
}

// encodeJPEG writes m as a baseline JPEG at jpegQuality if that takes at most
// jpegMaxBytes. Otherwise it lowers the quality of the luma only, to the highest
// down to jpegMinQuality that fits: the chroma takes a tenth of the bytes, and
// coarser chroma is what shows first, as blotches of the wrong colour in the
// accent and muted text. It returns the luma quality.
func encodeJPEG(w io.Writer, m *image.Paletted) (int, error) {
	st, ok := jpegStates.get()
	if !ok {
		st = new(jpegState)
	}
	defer jpegStates.put(st)
	st.transform(m)
	quality := jpegQuality
	if st.estimate(quantTables(quality, jpegQuality)) > jpegMaxBytes {
		// The largest quality in [lo, hi] whose estimate fits; lo is the floor.
		lo, hi := jpegMinQuality, jpegQuality-1
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if st.estimate(quantTables(mid, jpegQuality)) <= jpegMaxBytes {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		quality = lo
	}
	// The estimate leaves out the zero bytes stuffed after each 0xFF; if they
	// take the JPEG over, one quality less.
	for {
		st.out.Reset()
		st.write(&jpegWriter{w: &st.out}, m.Bounds().Size(), quantTables(quality, jpegQuality))
		if st.out.Len() <= jpegMaxBytes || quality <= jpegMinQuality {
			break
		}
		quality--
	}
	_, err := w.Write(st.out.Bytes())
	return quality, err
}

// transform converts m to YCbCr through its palette, subsamples the chroma 2x2,
// and runs the DCT on every block that is not flat.
func (st *jpegState) transform(m *image.Paletted) {
	var ycc [256][3]int32
	for i, c := range m.Palette {
		r, g, b, _ := c.RGBA()
		y, cb, cr := color.RGBToYCbCr(uint8(r>>8), uint8(g>>8), uint8(b>>8))
		ycc[i] = [3]int32{int32(y), int32(cb), int32(cr)}
	}
	bd := m.Bounds()
	w, h := bd.Dx(), bd.Dy()
	st.blocks, st.coefs = st.blocks[:0], st.coefs[:0]
	var yb, cbb, crb dctBlock
	var cb, cr [4]dctBlock
	for y0 := 0; y0 < h; y0 += 16 {
		for x0 := 0; x0 < w; x0 += 16 {
			if v, ok := flatRegion(m, x0, y0, 16); ok {
				c := ycc[v]
				for range 4 {
					st.blocks = append(st.blocks, jpegBlock{dc: flatDC[c[0]], ac: -1})
				}
				st.blocks = append(st.blocks, jpegBlock{dc: flatDC[c[1]], ac: -1}, jpegBlock{dc: flatDC[c[2]], ac: -1})
				continue
			}
			for i := range 4 {
				bx, by := x0+(i&1)*8, y0+(i&2)*4
				for j := range 8 {
					row := m.Pix[m.PixOffset(bd.Min.X, bd.Min.Y+min(by+j, h-1)):][:w]
					for k := range 8 {
						c := ycc[row[min(bx+k, w-1)]]
						yb[8*j+k], cb[i][8*j+k], cr[i][8*j+k] = c[0], c[1], c[2]
					}
				}
				st.add(&yb)
			}
			subsample(&cbb, &cb)
			st.add(&cbb)
			subsample(&crb, &cr)
			st.add(&crb)
		}
	}
}

// flatRegion reports whether the n x n region of m at (x0, y0), clamped to the
// image as the encoder reads it, is one palette index, and which.
func flatRegion(m *image.Paletted, x0, y0, n int) (uint8, bool) {
	bd := m.Bounds()
	w, h := bd.Dx(), bd.Dy()
	x1, y1 := min(x0+n, w), min(y0+n, h)
	v := m.Pix[m.PixOffset(bd.Min.X+x0, bd.Min.Y+y0)]
	for y := y0; y < y1; y++ {
		for _, p := range m.Pix[m.PixOffset(bd.Min.X+x0, bd.Min.Y+y):][:x1-x0] {
			if p != v {
				return 0, false
			}
		}
	}
	return v, true
}

// add appends a block of samples: its DC output and, unless the block is flat,
// its DCT outputs.
func (st *jpegState) add(b *dctBlock) {
	flat := true
	for _, v := range b[1:] {
		if v != b[0] {
			flat = false
			break
		}
	}
	if flat {
		st.blocks = append(st.blocks, jpegBlock{dc: flatDC[b[0]], ac: -1})
		return
	}
	fdct(b)
	st.blocks = append(st.blocks, jpegBlock{dc: b[0], ac: int32(len(st.coefs))})
	for _, v := range b {
		st.coefs = append(st.coefs, int16(v)) // the DCT's outputs are within ±8160
	}
}

// subsample averages each 2x2 of the 16x16 region held by src's four blocks
// into dst, as image/jpeg does.
func subsample(dst *dctBlock, src *[4]dctBlock) {
	for i := range 4 {
		off := (i&2)<<4 | (i&1)<<2
		for y := range 4 {
			for x := range 4 {
				j := 16*y + 2*x
				sum := src[i][j] + src[i][j+1] + src[i][j+8] + src[i][j+9]
				dst[8*y+x+off] = (sum + 2) >> 2
			}
		}
	}
}

// flatDC holds the DCT's DC output for a block of one sample value.
var flatDC = func() (t [256]int32) {
	for v := range t {
		var b dctBlock
		for i := range b {
			b[i] = int32(v)
		}
		fdct(&b)
		t[v] = b[0]
	}
	return t
}()

// divRound returns a/b rounded to the nearest integer, halves away from zero.
func divRound(a, b int32) int32 {
	if a >= 0 {
		return (a + b>>1) / b
	}
	return -((-a + b>>1) / b)
}

// magnitude returns the JPEG size category of v: the number of bits of |v|.
func magnitude(v int32) uint32 {
	if v < 0 {
		v = -v
	}
	return uint32(bits.Len32(uint32(v)))
}

// scan quantises every block with q and calls dc and ac for each symbol to
// code, in order: table (0 luma DC, 1 luma AC, 2 chroma DC, 3 chroma AC), the
// symbol, and the value whose low bits follow it (size bits of it).
func (st *jpegState) scan(q *[2][64]uint8, sym func(table int, symbol uint8, value int32, size uint32)) {
	var prev [3]int32
	for i, b := range st.blocks {
		k := i % 6 // 0-3 luma, 4 Cb, 5 Cr
		comp, t := 0, 0
		if k >= 4 {
			comp, t = k-3, 1
		}
		dc := divRound(b.dc, 8*int32(q[t][0]))
		diff := dc - prev[comp]
		prev[comp] = dc
		n := magnitude(diff)
		sym(2*t, uint8(n), diff, n)
		if b.ac < 0 {
			sym(2*t+1, 0x00, 0, 0) // end of block
			continue
		}
		coefs := st.coefs[b.ac : b.ac+64 : b.ac+64]
		run := uint8(0)
		for z := 1; z < 64; z++ {
			a := int32(coefs[unzig[z]])
			d := 8 * int32(q[t][z])
			if a < d>>1 && -a < d>>1 { // rounds to zero
				run++
				continue
			}
			v := divRound(a, d)
			for run > 15 {
				sym(2*t+1, 0xf0, 0, 0) // sixteen zeros
				run -= 16
			}
			n := magnitude(v)
			sym(2*t+1, run<<4|uint8(n), v, n)
			run = 0
		}
		if run > 0 {
			sym(2*t+1, 0x00, 0, 0)
		}
	}
}

// headerBytes is the size of everything but the entropy-coded data, less the
// Huffman tables' symbol lists: SOI, DQT, SOF0, DHT with four tables' counts,
// SOS, EOI.
const headerBytes = 2 + (4 + 2*65) + (4 + 6 + 3*3) + (4 + 4*17) + 14 + 2

// estimate returns the size in bytes of the JPEG at quantisation q, with
// optimal Huffman tables, less the bytes stuffed after 0xFF in the coded data
// (about one in 256).
func (st *jpegState) estimate(q [2][64]uint8) int {
	st.count(&q)
	total, symbols := 0, 0
	var lengths [256]uint8
	for t := range st.freq {
		var spec huffmanSpec
		spec.build(&st.freq[t])
		spec.lengths(&lengths)
		symbols += len(spec.values)
		for s, f := range st.freq[t] {
			total += int(f) * int(lengths[s])
		}
	}
	total += int(st.extra)
	data := (total + 7) / 8
	return headerBytes + symbols + data + data/256
}

// count fills st.freq with the symbols at quantisation q, and st.extra with
// the number of value bits that follow them.
func (st *jpegState) count(q *[2][64]uint8) {
	st.freq = [4][256]int32{}
	st.extra = 0
	st.scan(q, func(t int, s uint8, _ int32, n uint32) {
		st.freq[t][s]++
		st.extra += int64(n)
	})
}

// write writes the JPEG of size sz at quantisation q.
func (st *jpegState) write(e *jpegWriter, sz image.Point, q [2][64]uint8) {
	st.count(&q)
	var specs [4]huffmanSpec
	for t := range specs {
		specs[t].build(&st.freq[t])
		specs[t].codes(&st.lut[t])
	}
	e.write([]byte{0xff, 0xd8}) // SOI
	e.marker(0xdb, 2+2*65)      // DQT
	for i := range q {
		e.writeByte(uint8(i))
		e.write(q[i][:])
	}
	e.marker(0xc0, 8+3*3) // SOF0: 8-bit samples, three components, Y 2x2, Cb and Cr 1x1
	e.write([]byte{8, uint8(sz.Y >> 8), uint8(sz.Y), uint8(sz.X >> 8), uint8(sz.X), 3,
		1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1})
	n := 2
	for _, s := range specs {
		n += 17 + len(s.values)
	}
	e.marker(0xc4, n) // DHT
	for t, s := range specs {
		e.writeByte([4]uint8{0x00, 0x10, 0x01, 0x11}[t]) // class << 4 | id
		e.write(s.count[:])
		e.write(s.values)
	}
	// SOS: three components (Y with tables 0, Cb and Cr with 1), all 64
	// coefficients, no successive approximation.
	e.write([]byte{0xff, 0xda, 0, 12, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0})
	st.scan(&q, func(t int, s uint8, v int32, n uint32) {
		c := st.lut[t][s]
		e.emit(c&(1<<24-1), c>>24)
		if n > 0 {
			if v < 0 {
				v--
			}
			e.emit(uint32(v)&(1<<n-1), n)
		}
	})
	e.emit(0x7f, 7)             // pad the last byte with ones
	e.write([]byte{0xff, 0xd9}) // EOI
}

// huffmanSpec is a Huffman table as a JPEG stores it.
type huffmanSpec struct {
	count  [16]uint8 // codes of each length, 1 to 16 bits
	values []uint8   // the symbols, by code length, then by symbol
}

// build makes the optimal length-limited table for the symbol frequencies freq,
// as Annex K.2 of the JPEG standard (and libjpeg's jpeg_gen_optimal_table) does.
// A table gets at least one code, and no code of all ones.
func (h *huffmanSpec) build(freq *[256]int32) {
	var f [257]int64
	for i, v := range freq {
		f[i] = int64(v)
	}
	f[256] = 1 // reserves the all-ones code point
	var size [257]int
	var others [257]int
	for i := range others {
		others[i] = -1
	}
	for {
		// The two least frequent trees; of equal ones, the higher symbol.
		c1, c2 := -1, -1
		for i, v := range f {
			if v > 0 && (c1 < 0 || v <= f[c1]) {
				c1 = i
			}
		}
		for i, v := range f {
			if v > 0 && i != c1 && (c2 < 0 || v <= f[c2]) {
				c2 = i
			}
		}
		if c2 < 0 {
			break
		}
		f[c1] += f[c2]
		f[c2] = 0
		for size[c1]++; others[c1] >= 0; size[c1]++ {
			c1 = others[c1]
		}
		others[c1] = c2
		for size[c2]++; others[c2] >= 0; size[c2]++ {
			c2 = others[c2]
		}
	}
	var n [33]int // codes of each length
	for _, s := range size {
		if s > 0 {
			n[s]++
		}
	}
	// Limit the lengths to 16 bits (K.2, Figure K.3).
	for i := 32; i > 16; i-- {
		for n[i] > 0 {
			j := i - 2
			for n[j] == 0 {
				j--
			}
			n[i] -= 2
			n[i-1]++
			n[j+1] += 2
			n[j]--
		}
	}
	i := 16
	for n[i] == 0 {
		i--
	}
	n[i]-- // the reserved code
	h.values = h.values[:0]
	for l := 1; l <= 32; l++ {
		for s := range 256 {
			if size[s] == l {
				h.values = append(h.values, uint8(s))
			}
		}
	}
	for l := range h.count {
		h.count[l] = uint8(n[l+1])
	}
}

// lengths sets the code length of every symbol of h (0 for none).
func (h *huffmanSpec) lengths(out *[256]uint8) {
	*out = [256]uint8{}
	k := 0
	for l, c := range h.count {
		for range c {
			out[h.values[k]] = uint8(l + 1)
			k++
		}
	}
}

// codes sets, for every symbol of h, its code length << 24 | its code.
func (h *huffmanSpec) codes(out *[256]uint32) {
	*out = [256]uint32{}
	code, k := uint32(0), 0
	for l, c := range h.count {
		for range c {
			out[h.values[k]] = uint32(l+1)<<24 | code
			code++
			k++
		}
		code <<= 1
	}
}

// jpegWriter writes markers and the bit stream of the coded data.
type jpegWriter struct {
	w     *bytes.Buffer
	bits  uint32
	nBits uint32
}

func (e *jpegWriter) write(p []byte)   { e.w.Write(p) }
func (e *jpegWriter) writeByte(b byte) { e.w.WriteByte(b) }

// marker writes a marker and its length.
func (e *jpegWriter) marker(m uint8, length int) {
	e.write([]byte{0xff, m, uint8(length >> 8), uint8(length)})
}

// emit appends the low n bits of bits (n <= 16) to the coded data, stuffing a
// zero byte after each 0xFF.
func (e *jpegWriter) emit(bits, n uint32) {
	n += e.nBits
	bits <<= 32 - n
	bits |= e.bits
	for n >= 8 {
		b := uint8(bits >> 24)
		e.writeByte(b)
		if b == 0xff {
			e.writeByte(0)
		}
		bits <<= 8
		n -= 8
	}
	e.bits, e.nBits = bits, n
}
