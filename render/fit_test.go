package render

import (
	"math"
	"testing"
)

// testPara returns a paragraph of words with the given widths in ems, each
// followed by a 0.25 em space, with Latin-like line extents.
func testPara(widths ...float64) *para {
	p := &para{ascent: 0.8, descent: 0.2}
	for _, w := range widths {
		p.words = append(p.words, word{width: w, space: 0.25})
	}
	return p
}

func TestFitSize(t *testing.T) {
	tests := []struct {
		name     string
		p        *para
		bx       box
		lo, hi   float64
		want     float64
		wantFits bool
	}{
		{"capped by the maximum", testPara(2), box{width: 100}, 10, 40, 40, true},
		{"capped by the width", testPara(5), box{width: 100}, 10, 40, 20, true},
		{"width on the half-pixel grid", testPara(3), box{width: 100}, 10, 40, 33, true},
		{"too wide at the minimum", testPara(20), box{width: 100}, 10, 40, 0, false},
		{
			// Four 1-em words: at 40 px a 100 px line holds two (2.25 em = 90
			// px), so two lines: 40 * (0.8 + 0.2 + 1.2) = 88 px, over 80. At
			// 36 px still two lines, 79.2 px: fits.
			name: "capped by the height",
			p:    testPara(1, 1, 1, 1), bx: box{width: 100, height: 80},
			lo: 10, hi: 40, want: 36, wantFits: true,
		},
		{
			name: "capped by the line limit",
			p:    testPara(1, 1, 1, 1), bx: box{width: 100, maxLines: 1},
			lo: 10, hi: 40, want: 21, wantFits: true, // 4.75 em <= 100 px
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.p.fitSize(tt.p.runs(), tt.bx, tt.lo, tt.hi, 1.2)
			if got != tt.want || ok != tt.wantFits {
				t.Errorf("fitSize() = %v, %v; want %v, %v", got, ok, tt.want, tt.wantFits)
			}
		})
	}
}

// TestFitSizeIsLargest checks the bisection against a scan of every size on the
// grid, for paragraphs of 1 to 60 words of varied widths.
func TestFitSizeIsLargest(t *testing.T) {
	for n := 1; n <= 60; n++ {
		widths := make([]float64, n)
		for i := range widths {
			widths[i] = 1 + float64((i*7)%5)*0.6
		}
		p := testPara(widths...)
		ms := p.runs()
		bx := box{width: 900, height: 400}
		got, ok := p.fitSize(ms, bx, 20, 80, 1.25)
		want, wantOK := 0.0, false
		for s := 20.0; s <= 80; s += fitStep {
			if p.fits(ms, bx, s, 1.25) {
				want, wantOK = s, true
			}
		}
		if got != want || ok != wantOK {
			t.Errorf("%d words: fitSize() = %v, %v; scan finds %v, %v", n, got, ok, want, wantOK)
		}
	}
}

func TestLinesAllowed(t *testing.T) {
	p := testPara(1)
	tests := []struct {
		bx   box
		size float64
		want int
	}{
		{box{maxLines: 3}, 10, 3},
		{box{height: 10}, 10, 1},               // 1 em: one line
		{box{height: 22}, 10, 2},               // 1 em + 1.2 em
		{box{height: 21.9}, 10, 1},             // just short of two
		{box{height: 100, maxLines: 2}, 10, 2}, // the limit wins
		{box{height: 34, maxLines: 9}, 10, 3},  // the height wins
	}
	for _, tt := range tests {
		if got := p.linesAllowed(tt.bx, tt.size, 1.2); got != tt.want {
			t.Errorf("linesAllowed(%+v, %v) = %d, want %d", tt.bx, tt.size, got, tt.want)
		}
	}
}

func TestHeight(t *testing.T) {
	p := testPara(1)
	tests := []struct {
		n    int
		want float64
	}{{0, 0}, {1, 10}, {3, 34}}
	for _, tt := range tests {
		if got := p.height(tt.n, 10, 1.2); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("height(%d) = %v, want %v", tt.n, got, tt.want)
		}
	}
}

// TestFitSizeIsLargestWithCompounds checks the search against a scan of every
// size when words of several segments (compounds) may have to break inside,
// where fitting is not monotonic in the size.
func TestFitSizeIsLargestWithCompounds(t *testing.T) {
	for n := 1; n <= 40; n++ {
		p := &para{ascent: 0.8, descent: 0.2}
		for i := range n {
			w := word{width: 0.8 + float64((i*7)%5)*0.9, space: 0.25}
			if i%4 == 1 && i+1 < n { // "xx-" glued to the next segment
				w.glue, w.space = true, 0
			}
			p.words = append(p.words, w)
		}
		r := p.runs()
		for _, bx := range []box{{width: 300, height: 400}, {width: 200, maxLines: 3}, {width: 120, height: 150}} {
			got, ok := p.fitSize(r, bx, 10, 80, 1.25)
			want, wantOK := 0.0, false
			for s := 10.0; s <= 80; s += fitStep {
				if p.fits(r, bx, s, 1.25) {
					want, wantOK = s, true
				}
			}
			if got != want || ok != wantOK {
				t.Errorf("%d segments in %+v: fitSize() = %v, %v; scan finds %v, %v", n, bx, got, ok, want, wantOK)
			}
		}
	}
}

// TestFitSizeAboveAMonotonicGap: "pp aa-bb dd" in two lines of 100 px fits at
// 25.5 to 26.5 px only by breaking after "aa-" (at 25 px the compound fits a line
// whole and takes one of its own: three lines), and again at 17 px and below on
// whole words. The search must find 26.5, not the 17 a bisection would.
func TestFitSizeAboveAMonotonicGap(t *testing.T) {
	p := &para{ascent: 0.8, descent: 0.2, words: []word{
		{width: 1.5, space: 0.25}, {width: 2, glue: true}, {width: 2, space: 0.25}, {width: 1.5, space: 0.25},
	}}
	got, ok := p.fitSize(p.runs(), box{width: 100, maxLines: 2}, 10, 40, 1.2)
	if got != 26.5 || !ok {
		t.Errorf("fitSize() = %v, %v; want 26.5, true", got, ok)
	}
	b, ok := p.fitBlock("quote", inkText, box{width: 100, maxLines: 2}, 10, 40, 1.2, false)
	if !ok || b.size != 26.5 || len(b.ends) != 2 || b.ends[0] != 2 {
		t.Errorf("fitBlock() = %+v, %v; want 26.5 px, lines ending after \"aa-\" and at the end", b, ok)
	}
}
