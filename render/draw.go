package render

import (
	"image"
	"image/color"

	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
)

// A card is drawn in two steps. freetype's rasteriser (gg's, driven directly by
// filler) fills the glyph outlines on transparent RGBA bands, one per line, each
// ink in its own channel (the quote and name in red, the muted text in green,
// the accents in blue), so a pixel holds how much of each ink covers it.
// As each pixel is covered, the quantiser maps its coverage to the theme's
// palette: background, and for each ink the ramp of blends from the background
// to it. That is what compositing the theme's colours over its background would
// give (within a ramp step; TestQuantizeError compares the two), without a
// nearest-colour search and without painting the background. Solid shapes are written straight into the
// paletted image.

// coverageColor is the colour an ink's glyphs are filled with.
var coverageColor = [...]color.RGBA{
	inkText:   {0xff, 0, 0, 0xff},
	inkMuted:  {0, 0xff, 0, 0xff},
	inkAccent: {0, 0, 0xff, 0xff},
}

// scratch holds zeroed buffers for the RGBA bands lines are drawn on. Whoever
// draws on a buffer clears what they drew before putting it back.
var scratch reuse[*[]byte]

// getScratch returns a zeroed buffer of at least n bytes.
func getScratch(n int) *[]byte {
	if b, ok := scratch.get(); ok {
		if len(*b) >= n {
			return b
		}
	}
	b := make([]byte, n)
	return &b
}

// bandStep rounds band heights up, so a shaper keeps few band canvases.
const bandStep = 16

// colorOf returns the theme's colour for an ink role.
func (th theme) colorOf(r inkRole) color.NRGBA {
	switch r {
	case inkText:
		return th.text
	case inkMuted:
		return th.muted
	case inkAccent:
		return th.accent
	case inkRule:
		return th.rule
	}
	return th.background
}

// band returns an RGBA image of w x h over buf and a filler on it. The shaper
// keeps one of each per size, so the rasteriser's buffers are reused.
func (s *shaper) band(w, h int, buf []byte) (*image.RGBA, *filler) {
	key := image.Pt(w, h)
	b, ok := s.bands[key]
	if !ok {
		b = &bandCanvas{im: &image.RGBA{Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}, fill: newFiller(w, h)}
		s.bands[key] = b
	}
	b.im.Pix = buf[:4*w*h] // the filler draws on whatever buffer this render has
	return b.im, b.fill
}

// bandCanvas is an RGBA band image header and a filler for it.
type bandCanvas struct {
	im   *image.RGBA
	fill *filler
}

// paint draws l on img, a zeroed paletted image of l's size, and sets its
// palette. Each line is drawn on its own band, an
// RGBA image as wide as the card and as tall as the line's ink, whose rows are
// then quantised into the card: the rasteriser walks every row of its image on
// each fill, so a short image makes the many small fills cheap, and the band stays
// in the processor's cache.
func (s *shaper) paint(l *layout, img *image.Paletted) {
	q := quantizerFor(l.theme)
	img.Palette = q.pal
	bandH := 0
	for _, b := range l.text {
		for _, r := range b.ink {
			bandH = max(bandH, r.pixels().Dy()+2)
		}
	}
	bandH = (bandH + bandStep - 1) / bandStep * bandStep
	buf := getScratch(4 * l.w * bandH)
	defer scratch.put(buf)
	cover := func(r inkRole) color.Color { return coverageColor[r] }
	for _, b := range l.text {
		for i, ln := range b.lines {
			r := b.ink[i].pixels().Inset(-1).Intersect(img.Rect)
			if r.Empty() {
				continue
			}
			h := (r.Dy() + bandStep - 1) / bandStep * bandStep
			band, fl := s.band(l.w, h, *buf)
			fl.reset(band, r.Min.Y)
			if s.quantizeAfter {
				s.drawLine(fl, b, ln, b.origin[i], cover)
				q.quantize(img, band, r)
			} else {
				fl.paint.quantizeInto(img, q, r)
				s.drawLine(fl, b, ln, b.origin[i], cover)
			}
			for y := 0; y < r.Dy(); y++ {
				clear(band.Pix[y*band.Stride+4*r.Min.X : y*band.Stride+4*r.Max.X])
			}
		}
	}
	for _, sh := range l.shapes {
		r := sh.box.pixels()
		idx := q.solid(sh.ink)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			row := img.Pix[y*img.Stride+r.Min.X : y*img.Stride+r.Max.X]
			for x := range row {
				row[x] = idx
			}
		}
	}
	if !l.logo.empty() {
		s.drawLogo(img, l.theme, q, l.logo.pixels())
	}
	s.paintBitmaps(l, img) // colour emoji, last: they extend the palette
}

// drawLine fills the glyphs of one line. Glyphs of one word whose ink comes
// within a pixel of each other (joined Arabic letters, Devanagari under its
// headline, a vowel sign over its neighbour, a kerned pair) are filled as one
// path, so no pixel is composited twice, which would show as a seam; apart from
// that each glyph is filled alone, because the rasteriser keeps the cells of a
// scanline in a list, and short lists are much faster. The pixels are the same as
// filling each word at once (TestGroupedFillsMatchWordFills).
func (s *shaper) drawLine(dc canvas, b *block, ln line, o point, colorOf func(inkRole) color.Color) {
	for _, gr := range fillGroups(ln, b.size, o, s.groupByWord) {
		for _, i := range gr {
			g := ln.glyphs[i]
			k := b.size / s.upem[g.face]
			gx := o.x + float64((g.x+g.dx)*b.size)
			gy := o.y - float64(g.dy*b.size)
			appendOutline(dc, s.outline(g.face, g.id), gx, gy, k)
		}
		ink := b.color
		if ln.glyphs[gr[0]].accent {
			ink = inkAccent
		}
		dc.SetColor(colorOf(ink))
		dc.Fill()
	}
}

// fillGroups splits the inked glyphs of a line into sets to fill at once, each a
// list of indices into ln.glyphs in visual order: the connected sets of glyphs of
// one word and colour whose ink rectangles, grown by a pixel, overlap. Glyphs in
// different sets therefore share no pixel. With wholeWords, each word and colour
// is one set.
func fillGroups(ln line, size float64, o point, wholeWords bool) [][]int {
	var groups [][]int
	var idx []int   // inked glyphs of the current word and colour
	var inks []rect // their ink, grown by a pixel
	var roots []int
	flush := func() {
		if len(idx) == 0 {
			return
		}
		// Union-find over the glyphs whose grown ink overlaps.
		parent := make([]int, len(idx))
		for i := range parent {
			parent[i] = i
		}
		find := func(i int) int {
			for parent[i] != i {
				parent[i] = parent[parent[i]]
				i = parent[i]
			}
			return i
		}
		for i := range idx {
			for j := i + 1; j < len(idx); j++ {
				if wholeWords || inks[i].overlaps(inks[j]) {
					parent[find(j)] = find(i)
				}
			}
		}
		first := len(groups)
		roots = roots[:0] // the root of each group of this word
		for i, gi := range idx {
			r := find(i)
			k := 0
			for k < len(roots) && roots[k] != r {
				k++
			}
			if k == len(roots) {
				roots = append(roots, r)
				groups = append(groups, nil)
			}
			groups[first+k] = append(groups[first+k], gi)
		}
		idx, inks = idx[:0], inks[:0]
	}
	for i, g := range ln.glyphs {
		ink := g.inkRect(size, o)
		if ink.empty() {
			continue
		}
		if len(idx) > 0 {
			prev := ln.glyphs[idx[len(idx)-1]]
			if prev.word != g.word || prev.accent != g.accent {
				flush()
			}
		}
		idx = append(idx, i)
		inks = append(inks, rect{ink.x0 - 1, ink.y0 - 1, ink.x1 + 1, ink.y1 + 1})
	}
	flush()
	return groups
}

// appendOutline adds a glyph outline (font units, y up) to dc's path, scaled by k
// and with its origin at (gx, gy). Products are rounded before the sums (explicit
// conversions) so no platform fuses them: the same card gives the same pixels on
// amd64 and arm64.
func appendOutline(dc canvas, segs []font.Segment, gx, gy, k float64) {
	px := func(p ot.SegmentPoint) (float64, float64) {
		return gx + float64(float64(p.X)*k), gy - float64(float64(p.Y)*k)
	}
	for _, sg := range segs {
		switch sg.Op {
		case ot.SegmentOpMoveTo:
			dc.MoveTo(px(sg.Args[0]))
		case ot.SegmentOpLineTo:
			dc.LineTo(px(sg.Args[0]))
		case ot.SegmentOpQuadTo:
			x1, y1 := px(sg.Args[0])
			x2, y2 := px(sg.Args[1])
			dc.QuadraticTo(x1, y1, x2, y2)
		case ot.SegmentOpCubeTo:
			x1, y1 := px(sg.Args[0])
			x2, y2 := px(sg.Args[1])
			x3, y3 := px(sg.Args[2])
			dc.CubicTo(x1, y1, x2, y2, x3, y3)
		}
	}
	dc.NewSubPath() // closes the contour; leaves no current point, so Fill need not copy the path
}
