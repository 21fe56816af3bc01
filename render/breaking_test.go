package render

import (
	"math"
	"slices"
	"testing"
)

// words returns measures for words of the given widths, each followed by a space
// of width 1 (the last word's space is never counted on its line).
func words(widths ...float64) []measure {
	ms := make([]measure, len(widths))
	for i, w := range widths {
		ms[i] = measure{width: w, space: 1}
	}
	return ms
}

func TestLineWidth(t *testing.T) {
	ws := words(3, 4, 5)
	tests := []struct {
		i, j int
		want float64
	}{
		{0, 1, 3},
		{0, 2, 3 + 1 + 4},
		{0, 3, 3 + 1 + 4 + 1 + 5},
		{1, 3, 4 + 1 + 5},
		{2, 2, 0},
	}
	for _, tt := range tests {
		if got := lineWidth(ws, tt.i, tt.j); got != tt.want {
			t.Errorf("lineWidth(%d, %d) = %v, want %v", tt.i, tt.j, got, tt.want)
		}
	}
}

func TestGreedyCount(t *testing.T) {
	tests := []struct {
		name   string
		ws     []measure
		max    float64
		want   int
		wantOK bool
	}{
		{"no words", nil, 10, 0, true},
		{"one word", words(5), 10, 1, true},
		{"exact fit", words(4, 5), 10, 1, true},
		{"one over", words(4, 6), 10, 2, true},
		{"trailing space not counted", words(9), 9, 1, true},
		{"three lines", words(5, 5, 5, 5, 5), 11, 3, true},
		{"word too wide", words(3, 12, 3), 10, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := greedyCount(tt.ws, tt.max)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("greedyCount() = %d, %v; want %d, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestBalance(t *testing.T) {
	tests := []struct {
		name string
		ws   []measure
		max  float64
		n    int
		want []int
	}{
		{
			// Greedy gives "aaaa bbbb cccc" / "dd"; balanced lines are even.
			name: "evens out two lines",
			ws:   words(4, 4, 4, 2),
			max:  14, n: 2,
			want: []int{2, 4},
		},
		{
			name: "one line",
			ws:   words(1, 2, 3),
			max:  10, n: 1,
			want: []int{3},
		},
		{
			// Even widths would leave "x" alone at the end: 5 5 5 / 1 costs
			// less than 5 5 / 5 1 by slack alone, but the lonely word costs more.
			name: "avoids a one-word last line",
			ws:   words(5, 5, 5, 1),
			max:  17, n: 2,
			want: []int{2, 4},
		},
		{
			name: "three even lines",
			ws:   words(3, 3, 3, 3, 3, 3),
			max:  20, n: 3,
			want: []int{2, 4, 6},
		},
		{
			name: "cannot fit in n lines",
			ws:   words(5, 5, 5),
			max:  6, n: 2,
			want: nil,
		},
		{
			name: "more lines than words",
			ws:   words(5),
			max:  6, n: 2,
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := balance(tt.ws, tt.max, tt.n)
			if !slices.Equal(got, tt.want) {
				t.Errorf("balance() = %v, want %v", got, tt.want)
			}
			for k, end := range got {
				start := 0
				if k > 0 {
					start = got[k-1]
				}
				if w := lineWidth(tt.ws, start, end); w > tt.max {
					t.Errorf("line %d is %v wide, over the maximum %v", k, w, tt.max)
				}
			}
		})
	}
}

func TestBreakLines(t *testing.T) {
	tests := []struct {
		name     string
		ws       []measure
		max      float64
		maxLines int
		want     []int
	}{
		{"empty", nil, 10, 0, []int{}},
		{"fits on one line", words(2, 2), 10, 0, []int{2}},
		{"balanced", words(4, 4, 4, 2), 14, 0, []int{2, 4}},
		{"over the line limit", words(5, 5, 5), 6, 2, nil},
		{"word too wide", words(50), 10, 0, nil},
		{
			// "12" cannot share a line with a "5", so it ends alone whatever
			// the breaking.
			name: "keeps an unavoidable one-word last line",
			ws:   words(5, 5, 5, 12), max: 17,
			want: []int{3, 4},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := breakLines(tt.ws, tt.max, tt.maxLines)
			if !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("breakLines() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVisualOrder(t *testing.T) {
	tests := []struct {
		name   string
		levels []int
		want   []int
	}{
		{"left to right", []int{0, 0, 0}, []int{0, 1, 2}},
		{"right to left", []int{1, 1, 1}, []int{2, 1, 0}},
		{"rtl run inside ltr", []int{0, 1, 1, 0}, []int{0, 2, 1, 3}},
		// An RTL paragraph with an embedded LTR run (level 2): the LTR run stays
		// in reading order, placed as a unit in the RTL sequence.
		{"ltr run inside rtl", []int{1, 2, 2, 2, 1}, []int{4, 1, 2, 3, 0}},
		{"empty", nil, []int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := visualOrder(tt.levels); !slices.Equal(got, tt.want) {
				t.Errorf("visualOrder(%v) = %v, want %v", tt.levels, got, tt.want)
			}
		})
	}
}

// lonelyLast reports whether the last of several lines holds a single word.
func lonelyLast(ends []int) bool {
	n := len(ends)
	return n > 1 && ends[n-1]-ends[n-2] == 1
}

func TestLonelyLast(t *testing.T) {
	tests := []struct {
		ends []int
		want bool
	}{
		{nil, false},
		{[]int{1}, false},
		{[]int{3, 4}, true},
		{[]int{2, 4}, false},
	}
	for _, tt := range tests {
		if got := lonelyLast(tt.ends); got != tt.want {
			t.Errorf("lonelyLast(%v) = %v, want %v", tt.ends, got, tt.want)
		}
	}
}

// glued returns measures and runs for segments of the given widths; a negative
// width marks a segment glued to the next (a break after a hyphen, not a space).
func glued(widths ...float64) *runs {
	p := &para{}
	for _, w := range widths {
		p.words = append(p.words, word{width: math.Abs(w), space: 1, glue: w < 0})
		if w < 0 {
			p.words[len(p.words)-1].space = 0
		}
	}
	return p.runs()
}

func TestRunsBreakAtSpacesFirst(t *testing.T) {
	tests := []struct {
		name     string
		r        *runs
		max      float64
		maxLines int
		want     []int
	}{
		{
			// "aaaa bbbbb cc-dddddd" in 13: by segments, "aaaa bbbbb cc-" /
			// "dddddd" is the even breaking; whole words give "aaaa" /
			// "bbbbb cc-dddddd" (not "aaaa bbbbb" and a lonely compound).
			name: "compound that fits stays whole",
			r:    glued(4, 5, -2, 6), max: 14,
			want: []int{1, 4},
		},
		{
			// The compound (12) is wider than the line (10): it breaks after
			// its hyphen.
			name: "compound wider than the line breaks inside",
			r:    glued(3, -4, 8), max: 10,
			want: []int{2, 3},
		},
		{
			// Only the compound that is too wide is split; "ee-ff" stays whole.
			name: "only the wide compound splits",
			r:    glued(-6, 6, -2, 2), max: 8,
			want: []int{1, 2, 4},
		},
		{"no compounds", glued(3, 3, 3), 7, 0, []int{1, 3}},
		{"compound too wide even split", glued(-9, 9), 8, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.r.breakRuns(tt.max, tt.maxLines)
			if !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("breakRuns() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRunsWords(t *testing.T) {
	r := glued(4, -2, -3, 5, 1)
	want := []measure{{4, 1}, {10, 1}, {1, 1}}
	if !slices.Equal(r.words, want) || !slices.Equal(r.wordEnd, []int{1, 4, 5}) || r.widest != 10 {
		t.Errorf("runs: words %v ends %v widest %v; want %v [1 4 5] 10", r.words, r.wordEnd, r.widest, want)
	}
	if ms, ends := r.at(9); len(ms) != 5 || !slices.Equal(ends, []int{1, 2, 3, 4, 5}) {
		t.Errorf("at(9) = %v %v, want the compound's 3 segments", ms, ends)
	}
	if ms, _ := r.at(10); len(ms) != 3 {
		t.Errorf("at(10) = %v, want 3 whole words", ms)
	}
}
