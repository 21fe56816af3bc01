package render

import "math"

// fitStep is the resolution of the type size search, in pixels.
const fitStep = 0.5

// eps absorbs floating-point rounding in comparisons of lengths.
const eps = 1e-9

// box is the room a paragraph may take: a column width and height in pixels and a
// most number of lines (0 for no limit on either).
type box struct {
	width, height float64
	maxLines      int
}

// fits reports whether p, broken first-fit at size px, stays within bx.
func (p *para) fits(r *runs, bx box, size, leading float64) bool {
	ms, _ := r.at(bx.width / size)
	n, ok := greedyCount(ms, bx.width/size)
	if !ok || (bx.maxLines > 0 && n > bx.maxLines) {
		return false
	}
	return bx.height == 0 || p.height(n, size, leading) <= bx.height+eps
}

// fitSize returns the largest size in [lo, hi], on a grid of fitStep pixels from
// lo, at which p fits bx, and false if it fits at none.
//
// Where no word has to be broken inside (the size is small enough for the widest
// word of several segments to fit a line), fitting is monotonic in the size: a
// larger size never needs fewer lines. There the search is a bisection. Above
// that, breaking inside a word can need fewer lines at a larger size than a
// smaller size needs without, so those sizes are scanned from the top.
func (p *para) fitSize(r *runs, bx box, lo, hi, leading float64) (float64, bool) {
	if hi < lo-eps {
		return 0, false
	}
	top := int(math.Floor((hi-lo)/fitStep + eps))
	at := func(i int) float64 { return lo + float64(i)*fitStep }
	for ; top >= 0 && r.splits(bx.width/at(top)); top-- {
		if p.fits(r, bx, at(top), leading) {
			return at(top), true
		}
	}
	if top < 0 || !p.fits(r, bx, lo, leading) {
		return 0, false
	}
	// Invariant: step a fits; step b does not (or is past top).
	a, b := 0, top+1
	for b-a > 1 {
		m := (a + b) / 2
		if p.fits(r, bx, at(m), leading) {
			a = m
		} else {
			b = m
		}
	}
	return at(a), true
}

// linesAllowed returns how many lines of p fit in bx at size px.
func (p *para) linesAllowed(bx box, size, leading float64) int {
	n := bx.maxLines
	if bx.height > 0 {
		h := int(math.Floor((bx.height/size-p.ascent-p.descent)/leading+eps)) + 1
		if n == 0 || h < n {
			n = h
		}
	}
	return n
}

// fitBlock sets p at the largest size in [lo, hi] px at which it fits bx, lines
// balanced, flush left or right, and returns the block, or false if it does not
// fit at lo. Glyphs whose ink reaches beyond the font's line extents (stacked
// marks) can make a block taller than the estimate; then the size steps down
// until the block fits.
func (p *para) fitBlock(name string, ink inkRole, bx box, lo, hi, leading float64, right bool) (*block, bool) {
	if len(p.words) == 0 {
		return &block{name: name, color: ink, size: hi}, true
	}
	r := p.runs()
	for size, ok := p.fitSize(r, bx, lo, hi, leading); ok; size, ok = p.fitSize(r, bx, lo, size-fitStep, leading) {
		ends := r.breakRuns(bx.width/size, p.linesAllowed(bx, size, leading))
		if ends == nil {
			continue
		}
		b := p.setBlock(name, ink, ends, size, leading, bx.width, right)
		if b.box.w() <= bx.width+eps && (bx.height == 0 || b.box.h() <= bx.height+eps) {
			return b, true
		}
	}
	return nil, false
}
