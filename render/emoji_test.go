package render

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
)

// emojiSeq is a fully-qualified emoji sequence of Unicode's emoji-test.txt.
type emojiSeq struct {
	text, name string
}

// readEmojiTest reads testdata/emoji/emoji-test-15.0.txt: the fully-qualified
// sequences of Unicode 15.0's emoji-test.txt, which Noto Color Emoji 2.042
// (Debian's fonts-noto-color-emoji) covers.
func readEmojiTest(t *testing.T) []emojiSeq {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "emoji", "emoji-test-15.0.txt"))
	if err != nil {
		t.Fatalf("open emoji test data: %v", err)
	}
	defer f.Close()
	var seqs []emojiSeq
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cps, name, ok := strings.Cut(line, " # ")
		if !ok {
			t.Fatalf("emoji test data: %q has no name", line)
		}
		var b strings.Builder
		for _, h := range strings.Fields(cps) {
			v, err := strconv.ParseUint(h, 16, 32)
			if err != nil {
				t.Fatalf("emoji test data: %q: %v", line, err)
			}
			b.WriteRune(rune(v))
		}
		seqs = append(seqs, emojiSeq{b.String(), name})
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read emoji test data: %v", err)
	}
	return seqs
}

// TestEmojiSequences shapes every fully-qualified emoji sequence, between
// words, and checks that it comes out as one colour glyph: a single glyph with
// ink, drawn from a bitmap, the other glyphs of the sequence (variation
// selectors, joiners) invisible, and the bitmap drawn at a card's type size
// covers pixels, some of them in colour.
func TestEmojiSequences(t *testing.T) {
	s, err := getShaper()
	if err != nil {
		t.Fatal(err)
	}
	defer putShaper(s)
	seqs := readEmojiTest(t)
	if len(seqs) < 3000 {
		t.Fatalf("%d sequences in the test data, want the 3,655 of Emoji 15.0", len(seqs))
	}
	const size = 44.0 // px, the og quote's largest
	colored, failed := 0, 0
	for _, sq := range seqs {
		err := func() error {
			p, err := s.shape("a "+sq.text+" b", paraStyle{weight: regular, field: "quote"})
			if err != nil {
				return err
			}
			var inked []glyph
			for _, w := range p.words {
				for _, pc := range w.pieces {
					for _, g := range pc.glyphs {
						if g.cluster < 2 || g.cluster >= 2+len([]rune(sq.text)) {
							continue
						}
						if !g.ink.empty() {
							inked = append(inked, g)
						} else if g.adv != 0 {
							return fmt.Errorf("glyph %d of face %d advances %.3f em with no ink", g.id, g.face, g.adv)
						}
					}
				}
			}
			if len(inked) != 1 {
				return fmt.Errorf("%d glyphs with ink, want 1 (split sequence)", len(inked))
			}
			g := inked[0]
			m := s.bitmapOf(g.face, g.id)
			if m == nil {
				return fmt.Errorf("glyph %d of face %d has no bitmap", g.id, g.face)
			}
			box := bitmapBox(placed{glyph: g}, size, point{})
			if w, h := float64(box.Dx())/size, float64(box.Dy())/size; w < 0.8 || w > 1.4 || h < 0.8 || h > 1.4 {
				return fmt.Errorf("drawn %dx%d px at %v px, want about an em", box.Dx(), box.Dy(), size)
			}
			sc := scaleBitmap(nil, m, box.Dx(), box.Dy())
			opaque, color := 0, false
			for i := 0; i < len(sc.Pix); i += 4 {
				if sc.Pix[i+3] > 0x80 {
					opaque++
				}
				r, g, b := int(sc.Pix[i]), int(sc.Pix[i+1]), int(sc.Pix[i+2])
				if max(r, g, b)-min(r, g, b) > 48 {
					color = true
				}
			}
			if opaque < box.Dx()*box.Dy()/20 {
				return fmt.Errorf("%d of %d pixels drawn", opaque, box.Dx()*box.Dy())
			}
			if color {
				colored++
			}
			return nil
		}()
		if err != nil {
			failed++
			if failed <= 30 {
				t.Errorf("%s (%q, % X): %v", sq.name, sq.text, []rune(sq.text), err)
			}
		}
	}
	if failed > 30 {
		t.Errorf("... %d sequences failed in all", failed)
	}
	// Nearly every emoji has colour; a few (the black suits, ▪️, ✔️) are grey.
	if colored < len(seqs)*9/10 {
		t.Errorf("%d of %d sequences drawn in colour, want at least 90%%", colored, len(seqs))
	}
	t.Logf("%d sequences, %d failed, %d in colour", len(seqs), failed, colored)
}

// TestEmojiPalette renders the emoji fixture and the same card with its emoji
// taken out: the card without emoji keeps the theme's palette alone, the card
// with them adds their colours within 256 entries. It logs what the emoji
// cost the PNG (README, "Colour emoji").
func TestEmojiPalette(t *testing.T) {
	withEmoji := loadFixtures(t)["emoji"]
	without := withEmoji
	var b strings.Builder
	for _, r := range withEmoji.Quote {
		if r < 0x2000 || r == '’' {
			b.WriteRune(r)
		}
	}
	without.Quote = strings.Join(strings.Fields(strings.ReplaceAll(b.String(), " ,", ",")), " ")
	if strings.ContainsAny(without.Quote, "😀🎉") || !strings.Contains(without.Quote, "a flag, a keycap") {
		t.Fatalf("quote without emoji = %q", without.Quote)
	}
	for _, size := range Sizes() {
		opts := Options{Size: size, Theme: ThemeLight}
		st, err := stateOf(nil)
		if err != nil {
			t.Fatal(err)
		}
		q := quantizerFor(st.mustTheme(ThemeLight))
		var pngs [2]int
		for i, f := range []facts.Fact{without, withEmoji} {
			img, err := Card(f, opts)
			if err != nil {
				t.Fatal(err)
			}
			pal := len(img.(*image.Paletted).Palette)
			switch {
			case i == 0 && pal != len(q.pal):
				t.Errorf("%s without emoji: %d palette entries, want the theme's %d", size, pal, len(q.pal))
			case i == 1 && (pal <= len(q.pal) || pal > 256):
				t.Errorf("%s with emoji: %d palette entries, want more than the theme's %d, at most 256", size, pal, len(q.pal))
			}
			var buf bytes.Buffer
			if err := Encode(&buf, img, opts); err != nil {
				t.Fatal(err)
			}
			pngs[i] = buf.Len()
		}
		t.Logf("%s: %d bytes without emoji, %d with (+%d)", size, pngs[0], pngs[1], pngs[1]-pngs[0])
	}
}

// BenchmarkRenderEmoji measures Render (card and PNG) of the emoji fixture on
// the og size, against the same card with its emoji taken out.
func BenchmarkRenderEmoji(b *testing.B) {
	withEmoji := loadFixtures(b)["emoji"]
	without := withEmoji
	without.Quote = "This is a test sentence for colour emoji beside words: a worker, a flag, a keycap, a heart and a family, each drawn as one picture."
	for _, c := range []struct {
		name string
		f    facts.Fact
	}{{"without", without}, {"with", withEmoji}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Render(io.Discard, c.f, Options{Size: SizeOG}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
