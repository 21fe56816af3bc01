package render

import (
	"encoding/binary"
	"image"
	"image/color"
	"math"
	"sync"
)

// paletteSize is the number of colours in a card's palette: one byte per pixel.
const paletteSize = 256

// quantizer maps coverage (see paint) to a palette built from the theme: the
// background, then for each ink the ramp of its anti-aliased blends over the
// background. Everything of a card is such a blend, except the rare pixel two
// inks share, which gets the nearest entry.
type quantizer struct {
	pal   color.Palette
	bg    [3]float64
	ramps [numInks]ramp
	// lut maps a coverage level of the text, muted and accent inks to an entry.
	lut [inkRule][256]uint8
}

// quantizers caches each theme's quantizer, which is read-only once built.
// Themes of different brands may share a name, so the key is the colours.
var quantizers sync.Map // [numInks + 1]color.NRGBA -> *quantizer

// quantizerFor returns the quantizer of th, building it on first use. The
// palette it holds is shared by every card of the theme and must not be changed.
func quantizerFor(th theme) *quantizer {
	key := [numInks + 1]color.NRGBA{th.background, th.text, th.muted, th.accent, th.rule}
	if q, ok := quantizers.Load(key); ok {
		return q.(*quantizer)
	}
	q, _ := quantizers.LoadOrStore(key, newQuantizer(th))
	return q.(*quantizer)
}

// numInks is the number of inks with a ramp: text, muted, accent and rule.
const numInks = int(inkRule) + 1

// ramp is the blends from the background to one colour: entries base..base+n-1
// hold background + (i+1)/n * d.
type ramp struct {
	d    [3]float64 // colour minus background
	dd   float64    // |d|²
	base int
	n    int
}

// maxRampStep is the largest difference, in levels of any channel, between
// neighbouring entries of a ramp. A pixel between two entries is then at most
// maxRampStep/2 from one of them, plus a level for the rounding of the pixel and
// of the entry: 4 for maxRampStep 6, the bound TestQuantizeError holds. Fewer
// entries than 256 also make the PNG smaller: anti-aliased edges repeat more.
const maxRampStep = 6

// newQuantizer builds the palette for a theme: each ramp gets just enough entries
// to keep its steps within maxRampStep.
func newQuantizer(th theme) *quantizer {
	q := &quantizer{}
	bg := th.background
	q.bg = [3]float64{float64(bg.R), float64(bg.G), float64(bg.B)}
	q.pal = append(q.pal, color.NRGBA{bg.R, bg.G, bg.B, 0xff})
	for ink := range inkRole(numInks) {
		c := th.colorOf(ink)
		span := 0.0
		for ch, v := range [3]uint8{c.R, c.G, c.B} {
			span = math.Max(span, math.Abs(float64(v)-q.bg[ch]))
		}
		n := max(1, int(math.Ceil(span/maxRampStep)))
		if len(q.pal)+n > paletteSize {
			panic("render: theme " + string(th.name) + " needs more than 256 colours")
		}
		r := ramp{base: len(q.pal), n: n}
		r.d = [3]float64{float64(c.R) - q.bg[0], float64(c.G) - q.bg[1], float64(c.B) - q.bg[2]}
		r.dd = float64(r.d[0]*r.d[0]) + float64(r.d[1]*r.d[1]) + float64(r.d[2]*r.d[2])
		for k := 1; k <= n; k++ {
			t := float64(k) / float64(n)
			q.pal = append(q.pal, color.NRGBA{
				uint8(math.Round(q.bg[0] + float64(t*r.d[0]))),
				uint8(math.Round(q.bg[1] + float64(t*r.d[1]))),
				uint8(math.Round(q.bg[2] + float64(t*r.d[2]))),
				0xff,
			})
		}
		q.ramps[ink] = r
		if ink < inkRule {
			for v := range 256 {
				k := int(math.Round(float64(v) * float64(n) / 255))
				if k > 0 {
					q.lut[ink][v] = uint8(r.base + k - 1)
				}
			}
		}
	}
	return q
}

// solid returns the palette entry of an ink's full colour.
func (q *quantizer) solid(ink inkRole) uint8 {
	r := q.ramps[ink]
	return uint8(r.base + r.n - 1)
}

// index returns the palette entry nearest to an opaque colour among the ramps.
func (q *quantizer) index(r, g, b uint8) uint8 {
	p := [3]float64{float64(r) - q.bg[0], float64(g) - q.bg[1], float64(b) - q.bg[2]}
	best, bestErr := 0, float64(p[0]*p[0])+float64(p[1]*p[1])+float64(p[2]*p[2])
	for _, rp := range q.ramps {
		if rp.dd == 0 {
			continue
		}
		t := (float64(p[0]*rp.d[0]) + float64(p[1]*rp.d[1]) + float64(p[2]*rp.d[2])) / rp.dd
		k := int(math.Round(t * float64(rp.n)))
		if k < 1 {
			continue
		}
		k = min(k, rp.n)
		e := q.pal[rp.base+k-1].(color.NRGBA)
		dr, dg, db := float64(r)-float64(e.R), float64(g)-float64(e.G), float64(b)-float64(e.B)
		if err := float64(dr*dr) + float64(dg*dg) + float64(db*db); err < bestErr {
			best, bestErr = rp.base+k-1, err
		}
	}
	return uint8(best)
}

// mixed returns the entry for a pixel that several inks cover: the colour
// compositing them over the background would give, then the nearest entry.
func (q *quantizer) mixed(cov [3]uint32) uint8 {
	var c [3]float64
	for ch := range c {
		c[ch] = q.bg[ch]
		for ink, v := range cov {
			c[ch] += float64(float64(v) / 255 * q.ramps[ink].d[ch])
		}
	}
	clamp := func(v float64) uint8 { return uint8(math.Round(math.Max(0, math.Min(255, v)))) }
	return q.index(clamp(c[0]), clamp(c[1]), clamp(c[2]))
}

// of returns the entry for a band pixel (see paint) some ink covers: the ramp
// entry of its coverage, or for the rare pixel of two inks, the nearest entry to
// their blend.
func (q *quantizer) of(px uint32) uint8 {
	r, g, b := px&0xff, px>>8&0xff, px>>16&0xff
	switch {
	case g|b == 0:
		return q.lut[inkText][r]
	case r|b == 0:
		return q.lut[inkMuted][g]
	case r|g == 0:
		return q.lut[inkAccent][b]
	}
	return q.mixed([3]uint32{r, g, b})
}

// quantize maps the coverage in band (see paint) to q's palette, into the
// rectangle r of dst; band's row 0 is dst's row r.Min.Y. Uncovered pixels are
// skipped, two at a time, and leave dst as it is (background, or another line's
// ink). Cards are quantised as they are filled (coverPainter); this is the
// reference it is tested against (shaper.quantizeAfter).
func (q *quantizer) quantize(dst *image.Paletted, band *image.RGBA, r image.Rectangle) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		so := (y-r.Min.Y)*band.Stride + 4*r.Min.X
		src := band.Pix[so : so+4*r.Dx()]
		do := dst.PixOffset(r.Min.X, y)
		out := dst.Pix[do : do+r.Dx()]
		for x := 0; x < len(out); {
			if x+2 <= len(out) && binary.LittleEndian.Uint64(src[4*x:]) == 0 {
				x += 2
				continue
			}
			if px := binary.LittleEndian.Uint32(src[4*x:]); px != 0 {
				out[x] = q.of(px)
			}
			x++
		}
	}
}
