package render

import "math"

// line is one line of a paragraph, its glyphs in visual order, left to right.
type line struct {
	glyphs []placed
	width  float64 // advance in ems, trailing white space excluded
}

// placed is a glyph with its pen position on its line, in ems from the line's
// left end.
type placed struct {
	glyph
	x    float64
	word int // index of the glyph's word in its paragraph, to fill a word at once
}

// setLine lays out the words p.words[i:j] as one line: it orders the words'
// pieces visually (rule L2 of the bidi algorithm over their embedding levels)
// and drops the white space at the end of the line.
func (p *para) setLine(i, j int) line {
	type ref struct {
		word  int
		piece *piece
	}
	var refs []ref
	var levels []int
	for w := i; w < j; w++ {
		for k := range p.words[w].pieces {
			refs = append(refs, ref{w, &p.words[w].pieces[k]})
			levels = append(levels, int(p.words[w].pieces[k].level))
		}
	}
	order := visualOrder(levels)
	var l line
	for _, o := range order {
		r := refs[o]
		for _, g := range r.piece.glyphs {
			if g.trail && r.word == j-1 {
				continue
			}
			l.glyphs = append(l.glyphs, placed{glyph: g, x: l.width, word: r.word})
			l.width += g.adv
		}
	}
	return l
}

// visualOrder returns the visual order (left to right) of items given their bidi
// embedding levels in logical order: from the highest level down to the lowest
// odd one, every maximal sequence at that level or higher is reversed (rule L2).
func visualOrder(levels []int) []int {
	order := make([]int, len(levels))
	for i := range order {
		order[i] = i
	}
	hi, loOdd := 0, math.MaxInt
	for _, l := range levels {
		hi = max(hi, l)
		if l%2 == 1 {
			loOdd = min(loOdd, l)
		}
	}
	for lvl := hi; lvl >= loOdd && lvl > 0; lvl-- {
		for i := 0; i < len(order); {
			if levels[order[i]] < lvl {
				i++
				continue
			}
			j := i
			for j < len(order) && levels[order[j]] >= lvl {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				order[a], order[b] = order[b], order[a]
			}
			i = j
		}
	}
	return order
}

// runs returns what line breaking needs of p's words.
func (p *para) runs() *runs {
	r := &runs{segs: make([]measure, len(p.words))}
	start := 0
	var cur measure // the whole word being joined
	for i, w := range p.words {
		r.segs[i] = measure{w.width, w.space}
		cur.width += w.width
		if w.glue && i+1 < len(p.words) {
			cur.width += w.space
			continue
		}
		cur.space = w.space
		r.words = append(r.words, cur)
		r.wordEnd = append(r.wordEnd, i+1)
		if i > start {
			r.widest = max(r.widest, cur.width)
		}
		cur, start = measure{}, i+1
	}
	return r
}

// block is a paragraph set at one size: lines with their pen origins, and the box
// that holds every glyph's ink and every line's extent. Coordinates are pixels,
// relative to the block's own top-left corner until place moves it.
type block struct {
	name   string  // what the block shows: "quote", "speaker", ...
	color  inkRole // which theme colour draws it
	size   float64 // font size in pixels (an em)
	lines  []line
	origin []point // left end of each line's baseline
	ink    []rect  // the ink of each line
	ends   []int   // the end (exclusive index into the paragraph's words) of each line
	width  float64 // the column's width
	box    rect
}

type point struct{ x, y float64 }

// inkRole names a theme colour.
type inkRole uint8

const (
	inkText inkRole = iota
	inkMuted
	inkAccent
	inkRule
)

// height returns the height of n lines at size px with the given leading (ems).
func (p *para) height(n int, size, leading float64) float64 {
	if n == 0 {
		return 0
	}
	return size * (p.ascent + p.descent + float64(float64(n-1)*leading))
}

// setBlock sets p in lines ending at ends, at size px, in a column width px wide,
// flush left, or flush right if right is set. Baselines fall on whole pixels.
func (p *para) setBlock(name string, ink inkRole, ends []int, size, leading, width float64, right bool) *block {
	b := &block{name: name, color: ink, size: size, ends: ends, width: width}
	start := 0
	for k, end := range ends {
		l := p.setLine(start, end)
		start = end
		y := math.Round(size * (p.ascent + float64(float64(k)*leading)))
		x := 0.0
		if right {
			x = width - float64(l.width*size)
		}
		b.lines = append(b.lines, l)
		b.origin = append(b.origin, point{x, y})
		// The line's extent: its advance, from the font's ascent to its descent.
		b.box = b.box.union(rect{x, y - float64(p.ascent*size), x + float64(l.width*size), y + float64(p.descent*size)})
		var lineInk rect
		for _, g := range l.glyphs {
			lineInk = lineInk.union(g.inkRect(size, b.origin[k]))
		}
		b.ink = append(b.ink, lineInk)
		b.box = b.box.union(lineInk)
	}
	return b
}

// inkRect returns the glyph's ink bounds in pixels on a line whose origin is o.
func (g placed) inkRect(size float64, o point) rect {
	if g.ink.empty() {
		return rect{}
	}
	gx := o.x + float64((g.x+g.dx)*size)
	gy := o.y - float64(g.dy*size)
	return rect{gx + float64(g.ink.x0*size), gy + float64(g.ink.y0*size), gx + float64(g.ink.x1*size), gy + float64(g.ink.y1*size)}
}

// move shifts the block by (dx, dy).
func (b *block) move(dx, dy float64) {
	for i := range b.origin {
		b.origin[i].x += dx
		b.origin[i].y += dy
	}
	for i := range b.ink {
		b.ink[i] = b.ink[i].add(dx, dy)
	}
	b.box = b.box.add(dx, dy)
}
