package render

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	gotextfont "github.com/go-text/typesetting/font"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/panicerr"
	"github.com/factcard/factcard/render/brand"
)

// exampleFonts are the fonts of the example brand (infra/brands/example), the
// bases FuzzBrandFont damages.
var exampleFonts = []string{"DejaVuSerif-Latin.ttf", "DejaVuSansCondensed-Bold-Latin.ttf"}

// readExampleFonts reads the example brand's fonts.
func readExampleFonts(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, name := range exampleFonts {
		data, err := os.ReadFile(filepath.Join("..", "infra", "brands", "example", "fonts", name))
		if err != nil {
			tb.Fatalf("read the example brand's font: %v", err)
		}
		out = append(out, data)
	}
	return out
}

// damage returns a copy of font with edits applied: each edit is four bytes, a
// big-endian 24-bit offset (taken modulo the font's length) and the byte to
// write there. A trailing partial edit is ignored.
func damage(font, edits []byte) []byte {
	out := append([]byte(nil), font...)
	for ; len(edits) >= 4; edits = edits[4:] {
		off := int(binary.BigEndian.Uint32(append([]byte{0}, edits[:3]...)))
		out[off%len(out)] = edits[3]
	}
	return out
}

// edit encodes one edit for damage.
func edit(off int, v byte) []byte {
	return []byte{byte(off >> 16), byte(off >> 8), byte(off), v}
}

// fontBrand returns a brand folder whose quote and names fonts are both data.
func fontBrand(data []byte) fstest.MapFS {
	return fstest.MapFS{
		brand.File: {Data: []byte(`{"name": "Fixture Brand", "themes": {"dark": {"background": "#0e1c24", "text": "#f3efe6", "muted": "#9fb2bd", "accent": "#4fc3b1"}},
			"fonts": {"quote": "f.ttf", "names": "f.ttf"}}`)},
		"f.ttf": {Data: data},
	}
}

// drawEveryGlyph draws cards in brand b whose quote and speaker's name hold
// every character b's quote font maps, a few words at a time, and returns the
// first panic as an error. Render's own errors (a character no font has, a word
// that does not fit) are no failure: what is tested is that nothing panics. A
// card that fails so draws nothing, so its characters are drawn again one a card.
func drawEveryGlyph(b *brand.Brand) error {
	var runes []rune
	it := b.Quote.Face.Cmap.Iter()
	for it.Next() {
		if r, _ := it.Char(); r > ' ' {
			runes = append(runes, r)
		}
	}
	draw := func(text string) (panicked, failed error) {
		f := facts.Fact{
			ID: "fixture-glyphs", Quote: text, Language: "en",
			Speaker: facts.Speaker{Name: text, Role: "Fixture"},
			Said:    facts.Date{Value: "2025-05-10", Precision: facts.Stated},
			Source:  facts.Source{Publisher: "Fixture"},
		}
		err := panicerr.Do(func() error { return Render(io.Discard, f, Options{Size: SizeOG, Brand: b}) })
		if _, ok := panicerr.As(err); ok {
			return err, nil
		}
		return nil, err
	}
	const perCard, perWord = 48, 8
	for i := 0; i < len(runes); i += perCard {
		chunk := runes[i:min(i+perCard, len(runes))]
		var text strings.Builder
		for j, r := range chunk {
			if j > 0 && j%perWord == 0 {
				text.WriteByte(' ')
			}
			text.WriteRune(r)
		}
		panicked, failed := draw(text.String())
		if panicked != nil {
			return panicked
		}
		if failed == nil {
			continue
		}
		for _, r := range chunk {
			if panicked, _ := draw(string(r)); panicked != nil {
				return panicked
			}
		}
	}
	return nil
}

// FuzzBrandFont damages a byte or a few of one of the example brand's fonts and
// takes the font through what a server does with it: brand.Load, CheckBrand,
// then cards that draw every character the font maps. Load and CheckBrand may
// refuse the font, and must not panic; a font they accept must draw every card
// without a panic. (Every render recovers a panic, but a font that panics on a
// card must be refused at start, not found by a reader's request.) Seeds in
// testdata/fuzz/FuzzBrandFont are damage that once passed both checks and then
// panicked drawing a card.
func FuzzBrandFont(f *testing.F) {
	bases := readExampleFonts(f)
	f.Add(uint8(0), []byte{})
	f.Add(uint8(1), []byte{})
	for _, d := range brandFontDamage {
		f.Add(d.font, d.edits())
	}
	f.Fuzz(func(t *testing.T, which uint8, edits []byte) {
		data := damage(bases[int(which)%len(bases)], edits)
		b, err := brand.Load(fontBrand(data))
		if err != nil {
			return
		}
		defer states.Delete(b) // a brand's state is kept for the process; not each fuzzed one's
		if err := CheckBrand(b); err != nil {
			return
		}
		if err := drawEveryGlyph(b); err != nil {
			pe, _ := panicerr.As(err)
			t.Fatalf("a font that passed brand.Load and CheckBrand panicked drawing a card: %v\n%s", err, pe.Stack)
		}
	})
}

// fontDamage is damage to one of the example fonts, found by fuzzing.
type fontDamage struct {
	name string
	font uint8 // index into exampleFonts
	at   []int
	to   []byte
	// want is in brand.Load's error for the damaged font.
	want string
}

func (d fontDamage) edits() []byte {
	var out []byte
	for i, off := range d.at {
		out = append(out, edit(off, d.to[i])...)
	}
	return out
}

// brandFontDamage is damage that passed brand.Load and CheckBrand, and then
// ended the process on the first card that drew the glyph. The first two
// passed before Load checked every glyph (go-text's glyf reader indexes a
// glyph's points by its contours' end points unchecked: font/glyphs.go,
// getContourPoints).
var brandFontDamage = []fontDamage{
	{name: "one byte of a glyph's contour ends", font: 0, at: []int{52090}, to: []byte{0x52}, want: "glyph 1045, for U+2148 'ⅈ', does not load: panic: runtime error: index out of range"},
	{name: "another glyph", font: 0, at: []int{16038}, to: []byte{0xff}, want: "glyph 274, for U+0152 'Œ', does not load: panic: runtime error: index out of range"},
	// A mark's anchor offset past its table (GPOS mark-to-base: go-text's
	// AnchorMatrix.Anchor slices by an offset it does not check), found after
	// Load checked every glyph: refused since Load shapes each base with every mark.
	{name: "a mark's anchor", font: 1, at: []int{24956, 58695, 75177, 82912}, to: []byte{0xf4, 0xe2, 0x21, 0xf5}, want: "shaping the marks after U+0041 'A': panic: runtime error: slice bounds out of range"},
}

// TestBrandFontDamage checks that brand.Load refuses each font damage that once
// passed it and CheckBrand and then panicked drawing a card, naming the font
// file and the glyph, and that the undamaged fonts pass both and draw every
// character they map.
func TestBrandFontDamage(t *testing.T) {
	bases := readExampleFonts(t)
	for i, base := range bases {
		t.Run("undamaged "+exampleFonts[i], func(t *testing.T) {
			b, err := brand.Load(fontBrand(base))
			if err != nil {
				t.Fatalf("brand.Load: %v", err)
			}
			defer states.Delete(b)
			if err := CheckBrand(b); err != nil {
				t.Fatalf("CheckBrand: %v", err)
			}
			if err := drawEveryGlyph(b); err != nil {
				t.Fatal(err)
			}
		})
	}
	for _, d := range brandFontDamage {
		t.Run(d.name, func(t *testing.T) {
			_, err := brand.Load(fontBrand(damage(bases[d.font], d.edits())))
			var be *brand.Error
			if !errors.As(err, &be) || be.Field != "fonts.quote" {
				t.Fatalf("brand.Load = %v, want a *brand.Error for fonts.quote", err)
			}
			if msg, want := err.Error(), "fonts.quote: f.ttf: "+d.want; !strings.HasPrefix(msg, want) {
				t.Errorf("brand.Load = %q, want it to start %q", msg, want)
			}
		})
	}
}

// damageGlyph returns a copy of the TrueType font data in which the glyph for r,
// which must have two contours or more, has its first contour end past its last
// one: the damage of the glyf reader panic (getContourPoints indexes the points
// by every contour end unchecked), on any glyph.
func damageGlyph(t *testing.T, data []byte, r rune) []byte {
	t.Helper()
	be := binary.BigEndian
	table := func(tag string) int {
		for i := range int(be.Uint16(data[4:])) {
			if rec := data[12+16*i:]; string(rec[:4]) == tag {
				return int(be.Uint32(rec[8:]))
			}
		}
		t.Fatalf("the font has no %s table", tag)
		return 0
	}
	face, err := gotextfont.ParseTTF(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	gid, ok := face.NominalGlyph(r)
	if !ok {
		t.Fatalf("the font has no glyph for %q", r)
	}
	loca, glyf := table("loca"), table("glyf")
	var off int
	if be.Uint16(data[table("head")+50:]) == 0 { // indexToLocFormat: short offsets
		off = 2 * int(be.Uint16(data[loca+2*int(gid):]))
	} else {
		off = int(be.Uint32(data[loca+4*int(gid):]))
	}
	g := glyf + off
	n := int(int16(be.Uint16(data[g:])))
	if n < 2 {
		t.Fatalf("the glyph for %q has %d contours, want two or more", r, n)
	}
	out := bytes.Clone(data)
	be.PutUint16(out[g+10:], be.Uint16(data[g+10+2*(n-1):])+1000) // endPtsOfContours[0]
	return out
}

// TestPreloadDamagedFontIsAnError checks that the warm-up of a brand whose font
// panics on a glyph every card uses returns the panic as an error: it draws on
// goroutines of its own, where a panic would end the process. The brand is put
// together around brand.Load, which refuses the font.
func TestPreloadDamagedFontIsAnError(t *testing.T) {
	data := damageGlyph(t, readExampleFonts(t)[0], 'e')
	if _, err := brand.Load(fontBrand(data)); err == nil {
		t.Fatal("brand.Load accepted the damaged font; want it refused")
	}
	good, err := brand.Load(fontBrand(readExampleFonts(t)[0]))
	if err != nil {
		t.Fatal(err)
	}
	face, err := gotextfont.ParseTTF(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b := *good
	q := *good.Quote
	q.Face = face.Font
	b.Quote, b.Names = &q, &q
	defer states.Delete(&b)
	err = PreloadFor(&b)
	if _, ok := panicerr.As(err); !ok || !strings.Contains(err.Error(), "index out of range") {
		t.Fatalf("PreloadFor = %v, want the glyph's panic as an error", err)
	}
	if again := PreloadFor(&b); again == nil || again.Error() != err.Error() {
		t.Errorf("PreloadFor again = %v, want the same error, once", again)
	}
}
