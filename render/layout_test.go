package render

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"unicode"

	"github.com/factcard/factcard/facts"
)

// layoutCase is a fact to lay out on every size and theme.
type layoutCase struct {
	name string
	fact facts.Fact
}

// layoutCases returns every dataset fact, every fixture, and the longest
// fixture's first 1, 2, ... 120 words.
func layoutCases(t *testing.T) []layoutCase {
	t.Helper()
	var out []layoutCase
	for _, f := range facts.Default().All() {
		out = append(out, layoutCase{"dataset/" + f.ID, f})
	}
	fx := loadFixtures(t)
	for _, name := range append([]string{"english", "hindi", "urdu", "longest", "english-context", "hindi-context", "urdu-context", "emoji"}, scriptFixtures(fx)...) {
		out = append(out, layoutCase{"fixture/" + name, fx[name]})
	}
	long := fx["longest"]
	ws := strings.Fields(long.Quote)
	if len(ws) != 120 {
		t.Fatalf("longest fixture has %d words, want 120", len(ws))
	}
	for n := 1; n <= len(ws); n++ {
		f := long
		f.Quote = strings.Join(ws[:n], " ")
		out = append(out, layoutCase{fmt.Sprintf("words/%03d", n), f})
	}
	// Thai and Burmese without spaces, broken by their word lists, at many
	// lengths: the declaration's first paragraphs from the ICU test data
	// (scriptbreak_test.go), cut every 40 characters up to 400.
	for lang, fixture := range map[string]string{"th": "script-thai", "my": "script-myanmar"} {
		text := []rune(strings.Join(readICURaw(t, lang)[:3], " "))
		for n := 40; n <= len(text) && n <= 400; n += 40 {
			f := fx[fixture]
			f.Quote = strings.TrimSpace(string(text[:n]))
			out = append(out, layoutCase{fmt.Sprintf("%s-runes/%03d", lang, n), f})
		}
	}
	// The same words between the longest context a fixture has.
	ctx := fx["english-context"].Context
	for n := 1; n <= contextWords; n += 3 {
		f := long
		f.Quote = strings.Join(ws[:n], " ")
		f.Context = ctx
		out = append(out, layoutCase{fmt.Sprintf("context-words/%03d", n), f})
	}
	return out
}

// contextWords is how many of the longest fixture's words every card size holds
// between the longest context of the fixtures (about 250 characters; the og card
// is the first to run out of room). Past it, Card fails with a *FitError
// (TestContextDoesNotFit) rather than clip.
const contextWords = 43

// testShaper returns a shaper for the test and puts it back when the test ends.
func testShaper(t testing.TB) *shaper {
	t.Helper()
	s, err := getShaper()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { putShaper(s) })
	return s
}

// TestLayoutContainment lays out every case on every size and theme and checks
// what the design promises: every glyph's ink (from its outline, independently of
// the shaper's extents) inside its block's box, every box inside the safe area, no
// two boxes overlapping, no ink of one line touching the next line's, and every
// word of every text on the card.
func TestLayoutContainment(t *testing.T) {
	s := testShaper(t)
	for _, lc := range layoutCases(t) {
		c, err := s.shapeContent(lc.fact)
		if err != nil {
			t.Errorf("%s: %v", lc.name, err)
			continue
		}
		for _, size := range Sizes() {
			for _, th := range themeTable {
				name := fmt.Sprintf("%s/%s/%s", lc.name, size, th.name)
				l, err := arrange(c, size, th)
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				checkLayout(t, name, s, c, l)
			}
		}
	}
}

// checkLayout reports every broken promise of l.
func checkLayout(t *testing.T, name string, s *shaper, c *content, l *layout) {
	t.Helper()
	const tol = 0.01 // px of floating-point slack
	type named struct {
		what string
		box  rect
	}
	var boxes []named
	for _, b := range l.text {
		boxes = append(boxes, named{b.name, b.box})
		for i, ln := range b.lines {
			for _, g := range ln.glyphs {
				ink := outlineInk(s, g, b.size, b.origin[i])
				if !ink.empty() && !b.box.contains(ink, tol) {
					t.Errorf("%s: %s line %d: ink of glyph %d (rune %q) at %v is outside the box %v",
						name, b.name, i, g.id, s.runeAt(c, b.name, g.cluster), ink, b.box)
				}
			}
			if i+1 < len(b.lines) {
				if a, z := lineInk(s, b, i), lineInk(s, b, i+1); overlapsAny(a, z) {
					t.Errorf("%s: %s: ink of line %d touches line %d", name, b.name, i, i+1)
				}
			}
		}
	}
	for _, sh := range l.shapes {
		boxes = append(boxes, named{sh.name, sh.box})
	}
	if !l.logo.empty() {
		boxes = append(boxes, named{"logo", l.logo})
	}
	// The quote's context is set smaller than it, above and below it in reading
	// order.
	var quote *block
	for _, b := range l.text {
		if b.name == "quote" {
			quote = b
		}
	}
	if quote == nil {
		t.Errorf("%s: no quote on the card", name)
		return
	}
	for _, b := range l.text {
		if (b.name == "before" || b.name == "after") && b.size >= quote.size {
			t.Errorf("%s: the context (%s) is set at %.1f px, not smaller than the quote's %.1f px", name, b.name, b.size, quote.size)
		}
		switch {
		case b.name == "before" && b.box.y1 > quote.box.y0:
			t.Errorf("%s: the words before the quote are not above it", name)
		case b.name == "after" && b.box.y0 < quote.box.y1:
			t.Errorf("%s: the words after the quote are not below it", name)
		}
	}
	if p := c.before; len(p.words) > 0 && !hasBlock(l, "before") {
		t.Errorf("%s: the words before the quote are not on the card", name)
	}
	if p := c.after; len(p.words) > 0 && !hasBlock(l, "after") {
		t.Errorf("%s: the words after the quote are not on the card", name)
	}
	for i, a := range boxes {
		if a.box.empty() {
			t.Errorf("%s: %s box %v is empty", name, a.what, a.box)
		}
		if !l.safe.contains(a.box, tol) {
			t.Errorf("%s: %s box %v is outside the safe area %v", name, a.what, a.box, l.safe)
		}
		for _, b := range boxes[i+1:] {
			if a.box.overlaps(b.box) {
				t.Errorf("%s: %s box %v overlaps %s box %v", name, a.what, a.box, b.what, b.box)
			}
		}
	}
	// Every word is on the card: the runes drawn (all but the spaces that end
	// lines) are exactly the text's.
	for _, b := range l.text {
		p := c.para(b.name)
		drawn := make([]bool, len(p.text))
		for _, ln := range b.lines {
			for _, g := range ln.glyphs {
				drawn[g.cluster] = true
			}
		}
		for i, r := range p.text {
			if !drawn[i] && !unicode.IsSpace(r) && !isClusterContinuation(p, i) {
				t.Errorf("%s: %s: rune %d %q of %q is not on the card", name, b.name, i, r, string(p.text))
				break
			}
		}
	}
}

func hasBlock(l *layout, name string) bool {
	for _, b := range l.text {
		if b.name == name {
			return true
		}
	}
	return false
}

// isClusterContinuation reports whether rune i of p is shaped into a glyph
// cluster that starts at an earlier rune (a vowel sign, a virama, a ligature).
func isClusterContinuation(p *para, i int) bool {
	for _, w := range p.words {
		for _, pc := range w.pieces {
			for _, g := range pc.glyphs {
				if g.cluster == i {
					return false
				}
			}
		}
	}
	return true
}

// para returns the paragraph a block of the given name shows.
func (c *content) para(name string) *para {
	switch name {
	case "quote":
		return c.quote
	case "before":
		return c.before
	case "after":
		return c.after
	case "speaker":
		return c.speaker
	case "role":
		return c.role
	case "date":
		return c.date
	case "source":
		return c.source
	case "brand":
		return c.brand
	case "url":
		return c.url
	}
	panic("no paragraph for block " + name)
}

func (s *shaper) runeAt(c *content, block string, i int) rune { return c.para(block).text[i] }

// outlineInk returns the bounds of a glyph's outline points (on and off the
// curve, so a superset of its ink) where draw puts them.
func outlineInk(s *shaper, g placed, size float64, o point) rect {
	segs := s.outline(g.face, g.id)
	if len(segs) == 0 {
		return rect{}
	}
	k := size / s.upem[g.face]
	gx := o.x + (g.x+g.dx)*size
	gy := o.y - g.dy*size
	r := rect{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, sg := range segs {
		for _, p := range sg.ArgsSlice() {
			x, y := gx+float64(p.X)*k, gy-float64(p.Y)*k
			r = rect{min(r.x0, x), min(r.y0, y), max(r.x1, x), max(r.y1, y)}
		}
	}
	return r
}

// lineInk returns the ink rects of line i of b.
func lineInk(s *shaper, b *block, i int) []rect {
	var out []rect
	for _, g := range b.lines[i].glyphs {
		if r := outlineInk(s, g, b.size, b.origin[i]); !r.empty() {
			out = append(out, r)
		}
	}
	return out
}

func overlapsAny(a, b []rect) bool {
	for _, r := range a {
		for _, q := range b {
			if r.overlaps(q) {
				return true
			}
		}
	}
	return false
}

// TestFooterSourceOnOneLine checks that the source line wraps only when it does
// not fit beside the brand on one line even at the footer's minimum size.
func TestFooterSourceOnOneLine(t *testing.T) {
	s := testShaper(t)
	for _, lc := range layoutCases(t) {
		if strings.HasPrefix(lc.name, "words/") {
			continue // the same footer as fixture/longest
		}
		c, err := s.shapeContent(lc.fact)
		if err != nil {
			t.Fatalf("%s: %v", lc.name, err)
		}
		oneLine := lineWidth(c.source.runs().segs, 0, len(c.source.words)) // ems
		for _, size := range Sizes() {
			for _, th := range themeTable {
				name := fmt.Sprintf("%s/%s/%s", lc.name, size, th.name)
				l, err := arrange(c, size, th)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				src, brand := l.find("source"), l.find("brand")
				if src == nil || brand == nil {
					t.Fatalf("%s: no source or brand block", name)
				}
				u := geometries[size].unit()
				metaW := l.safe.w() - brand.box.w() - math.Round(th.scale.BrandGap*u)
				if src.width != metaW {
					t.Errorf("%s: source column %.1f px wide, want the safe width less the brand and the gap, %.1f px", name, src.width, metaW)
				}
				fits := oneLine*th.scale.MetaMin*u <= metaW
				if got := len(src.lines); fits && got != 1 {
					t.Errorf("%s: source in %d lines at %.1f px; it fits one line of %.0f px at %.1f px or more",
						name, got, src.size, metaW, th.scale.MetaMin*u)
				}
			}
		}
	}
}

// TestBreaksInsideWordsOnlyWhenNeeded checks every line that ends inside a word
// (after a hyphen or a dash, not at a space): that word must be wider than the
// line at the block's size.
func TestBreaksInsideWordsOnlyWhenNeeded(t *testing.T) {
	s := testShaper(t)
	for _, lc := range layoutCases(t) {
		c, err := s.shapeContent(lc.fact)
		if err != nil {
			t.Fatalf("%s: %v", lc.name, err)
		}
		for _, size := range Sizes() {
			for _, th := range themeTable {
				l, err := arrange(c, size, th)
				if err != nil {
					t.Fatalf("%s/%s/%s: %v", lc.name, size, th.name, err)
				}
				for _, b := range l.text {
					checkWordBreaks(t, fmt.Sprintf("%s/%s/%s: %s", lc.name, size, th.name, b.name), c.para(b.name), b)
				}
			}
		}
	}
}

// checkWordBreaks reports each line of b that ends inside a word that fits a line.
func checkWordBreaks(t *testing.T, name string, p *para, b *block) {
	t.Helper()
	for k, end := range b.ends[:max(0, len(b.ends)-1)] {
		if !p.words[end-1].glue {
			continue
		}
		i, j := end-1, end // the whole word is p.words[i:j+1]
		for i > 0 && p.words[i-1].glue {
			i--
		}
		for j < len(p.words)-1 && p.words[j].glue {
			j++
		}
		w := lineWidth(p.runs().segs, i, j+1) * b.size
		if w <= b.width {
			t.Errorf("%s: line %d ends inside %q, which fits a line (%.0f of %.0f px)", name, k, string(p.text[p.words[i].start:p.words[j].end]), w, b.width)
		}
	}
}

// find returns the text block of the given name, or nil.
func (l *layout) find(name string) *block {
	for _, b := range l.text {
		if b.name == name {
			return b
		}
	}
	return nil
}

// TestContextDoesNotFit: a quote too long to fit with its context is refused with
// a *FitError, never drawn clipped or without its context.
func TestContextDoesNotFit(t *testing.T) {
	fx := loadFixtures(t)
	f := fx["longest"]
	f.Context = fx["english-context"].Context
	_, err := Card(f, Options{Size: SizeOG})
	var fe *FitError
	if !errors.As(err, &fe) {
		t.Fatalf("Card(120 words with context) error = %v, want a *FitError", err)
	}
}
