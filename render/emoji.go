package render

import (
	"bytes"
	"image"
	"image/color"
	imgdraw "image/draw"
	"image/png"
	"math"
	"slices"

	"github.com/go-text/typesetting/font"
)

// Colour emoji are glyphs drawn as bitmaps (Noto Color Emoji's CBDT table holds
// a PNG for each) rather than filled outlines. paintBitmaps scales each such
// glyph's PNG to the glyph's box at the text's size and composites it over the
// card. The card stays paletted: the theme's palette (and a logo's colours)
// comes first, unchanged, and the entries left hold the emoji's colours, chosen
// by median cut (logo.go's) over the composited pixels. A card without emoji keeps the
// theme's palette alone, so its PNG is what it was without this.

// glyphKey names a glyph of one of a shaper's faces.
type glyphKey struct {
	face faceID
	id   font.GID
}

// bitmapOf returns the bitmap of glyph id of face, decoded, or nil if the glyph
// is drawn from its outline. Results are cached in the shaper.
func (s *shaper) bitmapOf(face faceID, id font.GID) *image.NRGBA {
	k := glyphKey{face, id}
	if m, ok := s.bitmaps[k]; ok {
		return m
	}
	var m *image.NRGBA
	if bm, ok := s.faces[face].GlyphDataBitmap(id); ok && bm.Format == font.PNG {
		if src, err := png.Decode(bytes.NewReader(bm.Data)); err == nil {
			m = toNRGBA(src)
		}
	}
	if s.bitmaps == nil {
		s.bitmaps = make(map[glyphKey]*image.NRGBA)
	}
	s.bitmaps[k] = m
	return m
}

// toNRGBA returns m as an NRGBA image with its origin at 0,0. Noto Color
// Emoji's PNGs are paletted, which image/draw converts a pixel at a time through
// the color.Color interface; their palette is converted once here instead.
func toNRGBA(m image.Image) *image.NRGBA {
	b := m.Bounds()
	out := image.NewNRGBA(b.Sub(b.Min))
	p, ok := m.(*image.Paletted)
	if !ok {
		imgdraw.Draw(out, out.Rect, m, b.Min, imgdraw.Src)
		return out
	}
	var lut [256][4]uint8
	for i, c := range p.Palette {
		n := color.NRGBAModel.Convert(c).(color.NRGBA)
		lut[i] = [4]uint8{n.R, n.G, n.B, n.A}
	}
	for y := range b.Dy() {
		row := p.Pix[p.PixOffset(b.Min.X, b.Min.Y+y):][:b.Dx()]
		dst := out.Pix[out.PixOffset(0, y):]
		for x, i := range row {
			copy(dst[4*x:4*x+4], lut[i][:])
		}
	}
	return out
}

// bitmapBox returns the pixels a bitmap glyph g covers on a line of block b
// whose baseline starts at o: the glyph's box from the font's bitmap metrics
// (its ink, see glyph.ink), rounded to whole pixels.
func bitmapBox(g placed, size float64, o point) image.Rectangle {
	x := o.x + (g.x+g.dx)*size
	y := o.y - g.dy*size
	return image.Rect(
		int(math.Round(x+g.ink.x0*size)), int(math.Round(y+g.ink.y0*size)),
		int(math.Round(x+g.ink.x1*size)), int(math.Round(y+g.ink.y1*size)),
	)
}

// emojiPixel is a card pixel an emoji covers: its offset in the image and the
// colour the emoji composited over the card gives there.
type emojiPixel struct {
	off int
	c   [3]uint8
}

// paintBitmaps draws the bitmap glyphs of l's text on img, painted otherwise,
// and extends its palette with their colours (see above). It does nothing for a
// card without bitmap glyphs.
func (s *shaper) paintBitmaps(l *layout, img *image.Paletted) {
	var px []emojiPixel
	var scaled *image.RGBA
	for _, b := range l.text {
		for i, ln := range b.lines {
			for _, g := range ln.glyphs {
				if g.ink.empty() {
					continue
				}
				src := s.bitmapOf(g.face, g.id)
				if src == nil {
					continue
				}
				box := bitmapBox(g, b.size, b.origin[i])
				if box.Empty() {
					continue
				}
				scaled = scaleBitmap(scaled, src, box.Dx(), box.Dy())
				px = composite(px, img, scaled, box)
			}
		}
	}
	if len(px) == 0 {
		return
	}
	// The emoji's colours, gathered in buckets of 8 levels a channel (a few
	// thousand distinct colours become a few hundred buckets, which the median
	// cut and the nearest-entry search then work on), each bucket with its
	// pixels' mean colour and count, in a fixed order.
	type sum struct{ r, g, b, n int }
	buckets := make(map[[3]uint8]*sum)
	for _, p := range px {
		k := bucketOf(p.c)
		bs := buckets[k]
		if bs == nil {
			bs = new(sum)
			buckets[k] = bs
		}
		bs.r, bs.g, bs.b, bs.n = bs.r+int(p.c[0]), bs.g+int(p.c[1]), bs.b+int(p.c[2]), bs.n+1
	}
	cols := make([]weighted, 0, len(buckets))
	mean := make(map[[3]uint8][3]uint8, len(buckets))
	for k, bs := range buckets {
		c := [3]uint8{uint8((bs.r + bs.n/2) / bs.n), uint8((bs.g + bs.n/2) / bs.n), uint8((bs.b + bs.n/2) / bs.n)}
		mean[k] = c
		cols = append(cols, weighted{c, bs.n})
	}
	slices.SortFunc(cols, func(a, b weighted) int { return cmpColor(a.c, b.c) })
	pal := slices.Clip(img.Palette) // the theme's, and the logo's colours
	for _, c := range medianCut(cols, paletteSize-len(pal)) {
		pal = append(pal, color.NRGBA{c[0], c[1], c[2], 0xff})
	}
	img.Palette = pal
	entries := make([][3]uint8, len(pal))
	for i, c := range pal {
		entries[i] = rgbOf(c)
	}
	index := make(map[[3]uint8]uint8, len(buckets))
	for k, c := range mean {
		index[k] = uint8(closest(entries, c))
	}
	for _, p := range px {
		img.Pix[p.off] = index[bucketOf(p.c)]
	}
}

// bucketOf returns the bucket of 8 levels a channel that c falls in.
func bucketOf(c [3]uint8) [3]uint8 { return [3]uint8{c[0] >> 3, c[1] >> 3, c[2] >> 3} }

// rgbOf returns an opaque palette colour's channels.
func rgbOf(c color.Color) [3]uint8 {
	r, g, b, _ := c.RGBA()
	return [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)}
}

// scaleBitmap scales src to w x h pixels into dst (reused if large enough) and
// returns it, premultiplied: each pixel is the average of the source pixels it
// covers, weighted by the area covered, in integer arithmetic, so every platform
// draws the same pixels.
func scaleBitmap(dst *image.RGBA, src *image.NRGBA, w, h int) *image.RGBA {
	r := image.Rect(0, 0, w, h)
	if dst == nil || cap(dst.Pix) < 4*w*h {
		dst = image.NewRGBA(r)
	} else {
		dst.Pix, dst.Stride, dst.Rect = dst.Pix[:4*w*h], 4*w, r
	}
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	xs, ys := areaSpans(sw, w), areaSpans(sh, h)
	total := uint64(sw) * uint64(sh) // the weights of one pixel sum to sw·sh
	for dy, yparts := range ys {
		for dx, xparts := range xs {
			var a, rr, g, b uint64
			for _, yp := range yparts {
				row := src.Pix[src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y+yp.i):]
				for _, xp := range xparts {
					p := row[4*xp.i : 4*xp.i+4]
					pa := uint64(yp.w) * uint64(xp.w) * uint64(p[3])
					a += pa
					rr += pa * uint64(p[0])
					g += pa * uint64(p[1])
					b += pa * uint64(p[2])
				}
			}
			o := dst.PixOffset(dx, dy)
			t255 := total * 255
			dst.Pix[o+0] = uint8((rr + t255/2) / t255)
			dst.Pix[o+1] = uint8((g + t255/2) / t255)
			dst.Pix[o+2] = uint8((b + t255/2) / t255)
			dst.Pix[o+3] = uint8((a + total/2) / total)
		}
	}
	return dst
}

// areaPart is a source pixel and its overlap with a destination pixel, in
// units of 1/dn of a source pixel.
type areaPart struct{ i, w int }

// areaSpans returns, for each of dn destination pixels, the source pixels of sn
// it covers and the overlap of each.
func areaSpans(sn, dn int) [][]areaPart {
	out := make([][]areaPart, dn)
	for d := range dn {
		lo, hi := d*sn, (d+1)*sn
		for s := lo / dn; s*dn < hi; s++ {
			if a, b := max(lo, s*dn), min(hi, (s+1)*dn); b > a {
				out[d] = append(out[d], areaPart{s, b - a})
			}
		}
	}
	return out
}

// composite blends m (premultiplied) over img's pixels in box and appends each
// covered pixel's colour to px.
func composite(px []emojiPixel, img *image.Paletted, m *image.RGBA, box image.Rectangle) []emojiPixel {
	clip := box.Intersect(img.Rect)
	for y := clip.Min.Y; y < clip.Max.Y; y++ {
		for x := clip.Min.X; x < clip.Max.X; x++ {
			so := m.PixOffset(x-box.Min.X, y-box.Min.Y)
			a := uint32(m.Pix[so+3])
			if a == 0 {
				continue
			}
			off := img.PixOffset(x, y)
			under := rgbOf(img.Palette[img.Pix[off]])
			var c [3]uint8
			for ch, u := range under {
				v := uint32(m.Pix[so+ch])*255 + uint32(u)*(255-a)
				c[ch] = uint8(min(255, (v+127)/255))
			}
			px = append(px, emojiPixel{off, c})
		}
	}
	return px
}
