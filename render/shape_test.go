package render

import (
	"strings"
	"testing"

	"github.com/go-text/typesetting/font"
)

// shapeLine shapes text and sets all of it on one line.
func shapeLine(t *testing.T, s *shaper, text, lang string, rtl bool) (*para, line) {
	t.Helper()
	p, err := s.shape(text, paraStyle{lang: lang, rtl: rtl})
	if err != nil {
		t.Fatalf("shape(%q): %v", text, err)
	}
	return p, p.setLine(0, len(p.words))
}

// glyphsOf returns the line's glyphs whose cluster starts at rune index i.
func glyphsOf(ln line, i int) []placed {
	var out []placed
	for _, g := range ln.glyphs {
		if g.cluster == i {
			out = append(out, g)
		}
	}
	return out
}

func nominal(t *testing.T, s *shaper, id faceID, r rune) font.GID {
	t.Helper()
	g, ok := s.faces[id].NominalGlyph(r)
	if !ok {
		t.Fatalf("face %d has no glyph for %U", id, r)
	}
	return g
}

func TestShapeDevanagari(t *testing.T) {
	s := testShaper(t)
	virama := nominal(t, s, devaRegular, '\u094d')
	tests := []struct {
		name, text string
	}{
		{"conjunct ष्ट", "ष्ट"},
		{"conjunct and i-sign in दृष्टिकोण", "दृष्टिकोण"},
		{"राष्ट्रीय", "राष्ट्रीय"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ln := shapeLine(t, s, tt.text, "hi", false)
			for _, g := range ln.glyphs {
				if g.face != devaRegular {
					t.Errorf("glyph %d of %q is from face %d, want Noto Sans Devanagari", g.id, tt.text, g.face)
				}
				if g.id == virama {
					t.Errorf("%q shows a visible virama (glyph %d)", tt.text, g.id)
				}
			}
		})
	}

	// The vowel sign ि is written before its consonant: in कि the first glyph,
	// leftmost, is not क.
	_, ln := shapeLine(t, s, "कि", "hi", false)
	ka := nominal(t, s, devaRegular, 'क')
	if len(ln.glyphs) != 2 {
		t.Fatalf("कि has %d glyphs, want 2", len(ln.glyphs))
	}
	if ln.glyphs[0].id == ka || ln.glyphs[1].id != ka {
		t.Errorf("कि glyphs = %d, %d; want the i-sign first and क (%d) second", ln.glyphs[0].id, ln.glyphs[1].id, ka)
	}
	if ln.glyphs[0].x >= ln.glyphs[1].x {
		t.Errorf("the i-sign is at x %.3f em, not left of क at %.3f em", ln.glyphs[0].x, ln.glyphs[1].x)
	}
}

func TestShapeUrdu(t *testing.T) {
	s := testShaper(t)
	open, close := quoteMarks("ur")
	quote := loadFixtures(t)["urdu"].Quote
	text := open + quote + close
	p, ln := shapeLine(t, s, text, "ur", true)
	runes := []rune(text)
	at := func(sub string) int {
		t.Helper()
		i := strings.Index(text, sub)
		if i < 0 {
			t.Fatalf("%q not in the fixture", sub)
		}
		return len([]rune(text[:i]))
	}
	// x returns the left edge of the first glyph of the cluster at rune i.
	x := func(i int) float64 {
		t.Helper()
		gs := glyphsOf(ln, i)
		if len(gs) == 0 {
			t.Fatalf("no glyph for rune %d %q", i, runes[i])
		}
		return gs[0].x
	}
	first := at("یہ")
	tests := []struct {
		name        string
		left, right int // rune indices whose glyphs must be in this visual order
	}{
		{"the text reads right to left", at("ایک"), first},
		{"the opening mark is at the right", first, 0},
		{"the closing mark is at the left", len(runes) - 1, at("سکے")},
		{"(MEA) comes after جس میں, to its left", at("MEA"), at("میں")},
		{"12 May 2025 comes after (MEA), to its left", at("12"), at("MEA")},
		{"12 May 2025 reads left to right", at("12"), at("May")},
		{"May before 2025", at("May"), at("2025")},
		{"جیسا after 2025, to its left", at("جیسا"), at("2025")},
	}
	for _, tt := range tests {
		if xl, xr := x(tt.left), x(tt.right); xl >= xr {
			t.Errorf("%s: %q at x %.3f em is not left of %q at x %.3f em", tt.name, runes[tt.left], xl, runes[tt.right], xr)
		}
	}
	// Urdu sets in Nastaliq, which has the curly quotes and parentheses (Noto
	// Naskh Arabic has not: TestFallbackInRun).
	nastaliq := faceOfFamily(famNastaliq, regular)
	for _, r := range []int{0, len(runes) - 1, at("(")} {
		for _, g := range glyphsOf(ln, r) {
			if g.face != nastaliq {
				t.Errorf("%q is drawn from %s, want Noto Nastaliq Urdu", runes[r], fileOf(g.face))
			}
		}
	}
	// Joining: the ی of یہ takes its initial form, not the isolated one.
	if gs := glyphsOf(ln, first); len(gs) == 0 || gs[0].id == nominal(t, s, nastaliq, 'ی') || gs[0].face != nastaliq {
		t.Errorf("ی of یہ is not shaped in its joining form by Noto Nastaliq Urdu: %+v", gs)
	}
	if !p.rtl {
		t.Error("the Urdu paragraph is not right to left")
	}
}

// TestQuoteAlignment checks that an Urdu card's quote lines end flush right and
// an English card's start flush left.
func TestQuoteAlignment(t *testing.T) {
	s := testShaper(t)
	fx := loadFixtures(t)
	for _, tt := range []struct {
		fixture string
		right   bool
	}{{"urdu", true}, {"english", false}, {"hindi", false}} {
		c, err := s.shapeContent(fx[tt.fixture])
		if err != nil {
			t.Fatal(err)
		}
		l, err := arrange(c, SizeSquare, themeTable[0])
		if err != nil {
			t.Fatal(err)
		}
		q := l.text[0]
		for i, ln := range q.lines {
			left, right := q.origin[i].x, q.origin[i].x+ln.width*q.size
			if tt.right && abs(right-l.safe.x1) > 2 {
				t.Errorf("%s line %d ends at x %.1f, want flush with the safe area's right edge %.1f", tt.fixture, i, right, l.safe.x1)
			}
			if !tt.right && abs(left-l.safe.x0) > 2 {
				t.Errorf("%s line %d starts at x %.1f, want flush with the safe area's left edge %.1f", tt.fixture, i, left, l.safe.x0)
			}
		}
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

func TestQuoteMarks(t *testing.T) {
	tests := []struct{ lang, open, close string }{
		{"en", "“", "”"},
		{"hi", "“", "”"},
		{"ur", "”", "“"},
	}
	for _, tt := range tests {
		if o, c := quoteMarks(tt.lang); o != tt.open || c != tt.close {
			t.Errorf("quoteMarks(%q) = %s %s, want %s %s", tt.lang, o, c, tt.open, tt.close)
		}
	}
}

func TestIsRTLText(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Fixture Speaker", false},
		{"یہ", true},
		{"(12) یہ", true},
		{"12 May", false},
		{"", false},
		{"दृष्टिकोण", false},
	}
	for _, tt := range tests {
		if got := isRTLText(tt.in); got != tt.want {
			t.Errorf("isRTLText(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  a  b\n c\t", "a b c"},
		{"", ""},
		{"one", "one"},
	}
	for _, tt := range tests {
		if got := normalize(tt.in); got != tt.want {
			t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
