package render

import "math"

// measure is what line breaking needs to know of a word: its advance without
// trailing white space, and the advance of that white space. The unit is free
// (ems in the layout, anything in tests).
type measure struct{ width, space float64 }

// runs is a paragraph's words as line breaking sees them. segs has one measure
// per UAX #14 segment (para.words); words joins the segments between breaks at
// white space into whole words ("de-" and "escalation" into "de-escalation").
// Lines break between whole words, and inside one only when it is wider than
// the line (see at).
type runs struct {
	segs    []measure
	words   []measure
	wordEnd []int   // the segment after each whole word's last
	widest  float64 // the widest whole word of more than one segment; 0 if none

	buf  []measure // scratch for at
	bufE []int
}

// splits reports whether at splits some word at maxWidth.
func (r *runs) splits(maxWidth float64) bool { return r.widest > maxWidth }

// at returns the units to break into lines no wider than maxWidth, and the
// segment after each unit's last: the whole words, except that a word of several
// segments wider than maxWidth is given as its segments. The slices are r's
// until the next call.
func (r *runs) at(maxWidth float64) ([]measure, []int) {
	if !r.splits(maxWidth) {
		return r.words, r.wordEnd
	}
	ms, ends := r.buf[:0], r.bufE[:0]
	start := 0
	for i, w := range r.words {
		end := r.wordEnd[i]
		if w.width > maxWidth && end-start > 1 {
			for k := start; k < end; k++ {
				ms = append(ms, r.segs[k])
				ends = append(ends, k+1)
			}
		} else {
			ms = append(ms, w)
			ends = append(ends, end)
		}
		start = end
	}
	r.buf, r.bufE = ms, ends
	return ms, ends
}

// breakRuns breaks r into the fewest lines no wider than maxWidth, balanced, as
// breakLines does, and returns the end of each line as a segment index.
func (r *runs) breakRuns(maxWidth float64, maxLines int) []int {
	ms, unitEnd := r.at(maxWidth)
	ends := breakLines(ms, maxWidth, maxLines)
	for k, e := range ends {
		ends[k] = unitEnd[e-1]
	}
	return ends
}

// lineWidth returns the width of ws[i:j] set on one line: every word with its
// trailing space, except the last word's.
func lineWidth(ws []measure, i, j int) float64 {
	var w float64
	for k := i; k < j; k++ {
		w += ws[k].width
		if k < j-1 {
			w += ws[k].space
		}
	}
	return w
}

// greedyCount returns how many lines first-fit breaking needs for ws at
// maxWidth: the fewest lines any breaking can use. It returns false if a single
// word is wider than maxWidth. No words take zero lines.
func greedyCount(ws []measure, maxWidth float64) (int, bool) {
	n, cur := 0, 0.0 // cur: width of the current line including its last word's space
	for i, w := range ws {
		if w.width > maxWidth {
			return 0, false
		}
		if i == 0 || cur+w.width > maxWidth {
			n++
			cur = 0
		}
		cur += w.width + w.space
	}
	return n, true
}

// balance breaks ws into exactly n lines no wider than maxWidth, as evenly as
// possible: it minimises the sum over all lines (the last included) of the
// squared space left at the end of the line, which for a fixed number of lines
// evens out their widths. A last line of a single word costs as much as an empty
// line more, so it is avoided where another breaking allows. balance returns the
// end (exclusive word index) of each line, or nil if n lines cannot hold ws.
func balance(ws []measure, maxWidth float64, n int) []int {
	m := len(ws)
	if n < 1 || n > m {
		return nil
	}
	// cost[k][j]: least cost of setting ws[:j] in k lines; from[k][j]: where the
	// k-th line starts in that setting.
	cost := make([][]float64, n+1)
	from := make([][]int, n+1)
	for k := range cost {
		cost[k] = make([]float64, m+1)
		from[k] = make([]int, m+1)
		for j := range cost[k] {
			cost[k][j] = math.Inf(1)
		}
	}
	cost[0][0] = 0
	lonely := maxWidth * maxWidth // the price of a one-word last line
	for k := 1; k <= n; k++ {
		// Line k holds ws[i:j]; the lines after it need at least one word each.
		for j := k; j <= m-(n-k); j++ {
			w := 0.0
			for i := j - 1; i >= k-1; i-- {
				w += ws[i].width
				if i < j-1 {
					w += ws[i].space
				}
				if w > maxWidth {
					break
				}
				if math.IsInf(cost[k-1][i], 1) {
					continue
				}
				slack := maxWidth - w
				c := cost[k-1][i] + float64(slack*slack)
				if k == n && j == m && j-i == 1 && n > 1 {
					c += lonely
				}
				if c < cost[k][j] {
					cost[k][j] = c
					from[k][j] = i
				}
			}
		}
	}
	if math.IsInf(cost[n][m], 1) {
		return nil
	}
	ends := make([]int, n)
	for k, j := n, m; k >= 1; k-- {
		ends[k-1] = j
		j = from[k][j]
	}
	return ends
}

// breakLines breaks ws into the fewest lines no wider than maxWidth and balances
// them. It returns nil if a word is wider than maxWidth or the text needs more than
// maxLines lines (0 for no limit).
//
// Balancing keeps the fewest lines. One more line never removes a one-word last
// line that the fewest cannot: a search over 200,000 random texts found no case.
func breakLines(ws []measure, maxWidth float64, maxLines int) []int {
	if len(ws) == 0 {
		return []int{}
	}
	n, ok := greedyCount(ws, maxWidth)
	if !ok || (maxLines > 0 && n > maxLines) {
		return nil
	}
	return balance(ws, maxWidth, n)
}
