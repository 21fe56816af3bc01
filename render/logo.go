package render

import (
	"cmp"
	"image"
	"image/color"
	"slices"
)

// A brand's logo is drawn as a tile of palette indices: scaled to its place on
// the card with an area average in integer arithmetic (the same pixels on every
// platform), composited over the theme's background, and mapped to the card's
// palette, which is the theme's palette and up to maxLogoColors colours of the
// logo's own, chosen by a median cut. Tiles are built once per theme and size and
// copied into each card, so a logo costs a render almost nothing.

// maxLogoColors bounds the palette entries a logo adds to a card's.
const maxLogoColors = 64

// logoTile is a logo ready to copy into cards of one theme and size.
type logoTile struct {
	pal  color.Palette // the theme's palette, then the logo's colours
	pix  []uint8       // w×h indices into pal, row by row
	w, h int
}

// logoKey names a tile: a theme's colours and the logo's size on the card.
type logoKey struct {
	colors [numInks + 1]color.NRGBA
	w, h   int
}

// logoTile returns the brand's logo as a w×h tile for theme th, whose
// quantizer is q, building it on first use.
func (st *brandState) logoTile(th theme, q *quantizer, w, h int) *logoTile {
	key := logoKey{[numInks + 1]color.NRGBA{th.background, th.text, th.muted, th.accent, th.rule}, w, h}
	if t, ok := st.logos.Load(key); ok {
		return t.(*logoTile)
	}
	t := newLogoTile(scaleOver(st.b.Logo, w, h, th.background), q.pal, th.background)
	v, _ := st.logos.LoadOrStore(key, t)
	return v.(*logoTile)
}

// scaleOver scales src to w×h by averaging the source pixels each destination
// pixel covers, weighted by the area covered, and composites the result over
// bg. Coordinates are kept in units of 1/w of a source pixel across and 1/h
// down, so every weight is a whole number.
func scaleOver(src *image.NRGBA, w, h int, bg color.NRGBA) *image.RGBA {
	sb := src.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	// spans returns, for each destination index, the source indices it covers
	// and the overlap of each, in units of 1/dn of a source pixel.
	type part struct{ i, w int }
	spans := func(sn, dn int) [][]part {
		out := make([][]part, dn)
		for d := range dn {
			lo, hi := d*sn, (d+1)*sn // in units of 1/dn of a source pixel
			for s := lo / dn; s*dn < hi; s++ {
				a, b := max(lo, s*dn), min(hi, (s+1)*dn)
				if b > a {
					out[d] = append(out[d], part{s, b - a})
				}
			}
		}
		return out
	}
	xs, ys := spans(sw, w), spans(sh, h)
	total := uint64(sw) * uint64(sh) * 255 // the weights of one pixel sum to sw·sh
	for dy, yparts := range ys {
		for dx, xparts := range xs {
			var a, r, g, b uint64
			for _, yp := range yparts {
				row := src.Pix[src.PixOffset(sb.Min.X, sb.Min.Y+yp.i):]
				for _, xp := range xparts {
					p := row[4*xp.i : 4*xp.i+4]
					wt := uint64(yp.w) * uint64(xp.w)
					pa := wt * uint64(p[3])
					a += pa
					r += pa * uint64(p[0])
					g += pa * uint64(p[1])
					b += pa * uint64(p[2])
				}
			}
			// colour = (Σ w·a·c + bg·(255·W − Σ w·a)) / (255·W), rounded, where
			// W = sw·sh is the sum of the weights.
			rest := total - a
			o := out.PixOffset(dx, dy)
			out.Pix[o+0] = uint8((r + uint64(bg.R)*rest + total/2) / total)
			out.Pix[o+1] = uint8((g + uint64(bg.G)*rest + total/2) / total)
			out.Pix[o+2] = uint8((b + uint64(bg.B)*rest + total/2) / total)
			if a == 0 {
				out.Pix[o+3] = 0 // untouched: background
			} else {
				out.Pix[o+3] = 0xff
			}
		}
	}
	return out
}

// newLogoTile maps a logo composited over the background (alpha 0 marks pixels
// the logo does not touch) to pal plus up to maxLogoColors colours of its own.
func newLogoTile(m *image.RGBA, pal color.Palette, bg color.NRGBA) *logoTile {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	t := &logoTile{w: w, h: h, pix: make([]uint8, w*h)}
	// The logo's distinct colours with their pixel counts, in a fixed order.
	counts := map[[3]uint8]int{}
	for i := 0; i < len(m.Pix); i += 4 {
		if m.Pix[i+3] != 0 {
			counts[[3]uint8{m.Pix[i], m.Pix[i+1], m.Pix[i+2]}]++
		}
	}
	var cols []weighted
	for c, n := range counts {
		if nearest(pal, c) > logoTolerance {
			cols = append(cols, weighted{c, n})
		}
	}
	slices.SortFunc(cols, func(a, b weighted) int { return cmpColor(a.c, b.c) })
	extra := medianCut(cols, min(maxLogoColors, 256-len(pal)))
	t.pal = make(color.Palette, 0, len(pal)+len(extra))
	t.pal = append(t.pal, pal...)
	for _, c := range extra {
		t.pal = append(t.pal, color.NRGBA{c[0], c[1], c[2], 0xff})
	}
	entries := make([][3]uint8, len(t.pal))
	for i, c := range t.pal {
		n := c.(color.NRGBA)
		entries[i] = [3]uint8{n.R, n.G, n.B}
	}
	index := map[[3]uint8]uint8{}
	for i := range w * h {
		p := m.Pix[4*i : 4*i+4]
		if p[3] == 0 {
			continue // index 0, the background
		}
		c := [3]uint8{p[0], p[1], p[2]}
		k, ok := index[c]
		if !ok {
			k = uint8(closest(entries, c))
			index[c] = k
		}
		t.pix[i] = k
	}
	return t
}

// logoTolerance is how far, in squared levels, a logo colour may be from a
// palette entry and still use it rather than get an entry of its own: 3 levels on
// each channel.
const logoTolerance = 27

// weighted is a colour and how many pixels have it.
type weighted struct {
	c [3]uint8
	n int
}

func cmpColor(a, b [3]uint8) int {
	return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]), cmp.Compare(a[2], b[2]))
}

// dist2 is the squared distance of two colours.
func dist2(a, b [3]uint8) int {
	d0, d1, d2 := int(a[0])-int(b[0]), int(a[1])-int(b[1]), int(a[2])-int(b[2])
	return d0*d0 + d1*d1 + d2*d2
}

// nearest returns the squared distance from c to the nearest colour of pal.
func nearest(pal color.Palette, c [3]uint8) int {
	best := 1 << 30
	for _, p := range pal {
		n := p.(color.NRGBA)
		best = min(best, dist2(c, [3]uint8{n.R, n.G, n.B}))
	}
	return best
}

// closest returns the index of the entry nearest to c, the first of equals.
func closest(entries [][3]uint8, c [3]uint8) int {
	best, bestD := 0, 1<<30
	for i, e := range entries {
		if d := dist2(c, e); d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

// medianCut chooses up to n colours for cols: it splits the box of colours
// with the most pixels times spread at the weighted median of its widest
// channel until there are n boxes, and returns each box's weighted mean. The
// result depends only on cols and n.
func medianCut(cols []weighted, n int) [][3]uint8 {
	if len(cols) == 0 || n <= 0 {
		return nil
	}
	boxes := [][]weighted{cols}
	for len(boxes) < n {
		best, bestScore, bestCh := -1, 0, 0
		for i, b := range boxes {
			if len(b) < 2 {
				continue
			}
			ch, spread := widest(b)
			pixels := 0
			for _, c := range b {
				pixels += c.n
			}
			if score := spread * pixels; score > bestScore {
				best, bestScore, bestCh = i, score, ch
			}
		}
		if best < 0 {
			break // every box is one colour
		}
		b := slices.Clone(boxes[best])
		slices.SortStableFunc(b, func(x, y weighted) int {
			return cmp.Or(cmp.Compare(x.c[bestCh], y.c[bestCh]), cmpColor(x.c, y.c))
		})
		total := 0
		for _, c := range b {
			total += c.n
		}
		cut, seen := 1, 0
		for i, c := range b[:len(b)-1] {
			seen += c.n
			cut = i + 1
			if 2*seen >= total {
				break
			}
		}
		boxes[best] = b[:cut]
		boxes = append(boxes, b[cut:])
	}
	out := make([][3]uint8, len(boxes))
	for i, b := range boxes {
		var sum [3]int
		total := 0
		for _, c := range b {
			for ch := range sum {
				sum[ch] += int(c.c[ch]) * c.n
			}
			total += c.n
		}
		for ch := range sum {
			out[i][ch] = uint8((sum[ch] + total/2) / total)
		}
	}
	return out
}

// widest returns the channel along which the colours spread most, and the spread.
func widest(b []weighted) (ch, spread int) {
	for c := range 3 {
		lo, hi := 255, 0
		for _, w := range b {
			lo, hi = min(lo, int(w.c[c])), max(hi, int(w.c[c]))
		}
		if hi-lo > spread {
			ch, spread = c, hi-lo
		}
	}
	return ch, spread
}

// drawLogo copies the brand's logo tile into img at r and sets img's palette to
// the tile's.
func (s *shaper) drawLogo(img *image.Paletted, th theme, q *quantizer, r image.Rectangle) {
	t := s.st.logoTile(th, q, r.Dx(), r.Dy())
	img.Palette = t.pal
	for y := range t.h {
		copy(img.Pix[img.PixOffset(r.Min.X, r.Min.Y+y):][:t.w], t.pix[y*t.w:][:t.w])
	}
}
