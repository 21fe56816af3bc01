package render

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/render/brand"
	"github.com/factcard/factcard/render/locale"
)

// localeBrands holds the built-in brand in each locale, loaded once per test
// binary: every *Brand has its own fonts and shapers.
var localeBrands sync.Map // tag -> *brand.Brand

// localeBrand returns the built-in brand with "locale": tag.
func localeBrand(t testing.TB, tag string) *brand.Brand {
	t.Helper()
	if b, ok := localeBrands.Load(tag); ok {
		return b.(*brand.Brand)
	}
	data, err := os.ReadFile("brand/builtin/brand.json")
	if err != nil {
		t.Fatal(err)
	}
	js := strings.Replace(string(data), `"name"`, `"locale": "`+tag+`", "name"`, 1)
	b, err := brand.Load(fstest.MapFS{brand.File: {Data: []byte(js)}})
	if err != nil {
		t.Fatalf("load the built-in brand in locale %s: %v", tag, err)
	}
	v, _ := localeBrands.LoadOrStore(tag, b)
	return v.(*brand.Brand)
}

// localeGoldens are the cards drawn in a locale other than English: each
// right-to-left locale's mirrored card, and Hindi's, Russian's and Chinese's. Dataset facts give the
// labels (a resolved date and its note, an unknown date, the media); the
// fixture gives a card whose quote is right to left as well.
var localeGoldens = []struct {
	tag, id string // id: a dataset fact, or "fixture-" and a fixture case
	size    Size
	theme   Theme
}{
	{"ar", "rubio-methods-to-de-escalate", SizeOG, ThemeDark},
	{"ar", "fixture-urdu", SizeStory, ThemeLight},
	{"fa", "leavitt-decades-old-hostilities", SizeOG, ThemeLight},
	{"ur", "bruce-offered-us-assistance", SizeOG, ThemeDark},
	{"ur", "india-irresponsible-and-cowardly", SizeSquare, ThemeLight},
	{"hi", "leavitt-decades-old-hostilities", SizeOG, ThemeDark},
	{"he", "leavitt-decades-old-hostilities", SizeOG, ThemeLight},
	{"he", "fixture-urdu-context", SizePortrait, ThemeDark},
	{"ru", "rubio-methods-to-de-escalate", SizeOG, ThemeDark},
	{"ru", "bruce-offered-us-assistance", SizeStory, ThemeLight},
	{"zh-Hans", "leavitt-decades-old-hostilities", SizeSquare, ThemeDark},
}

// localeCases returns the golden images of localeGoldens.
func localeCases(t *testing.T) []goldenCase {
	t.Helper()
	fx := loadFixtures(t)
	var cases []goldenCase
	for _, g := range localeGoldens {
		f, ok := facts.Default().Lookup(g.id)
		if fc, isFixture := strings.CutPrefix(g.id, "fixture-"); isFixture {
			f, ok = fx[fc]
		}
		if !ok {
			t.Fatalf("no fact or fixture %q for the locale golden images", g.id)
		}
		cases = append(cases, goldenCase{fmt.Sprintf("locale-%s-%s-%s-%s", g.tag, g.id, g.size, g.theme), f,
			Options{Size: g.size, Theme: g.theme, Brand: localeBrand(t, g.tag)}})
	}
	return cases
}

func TestLocaleLines(t *testing.T) {
	rubio, _ := facts.Default().Lookup("rubio-methods-to-de-escalate")
	bruce, _ := facts.Default().Lookup("bruce-offered-us-assistance")
	iso := func(s string) string { return "\u2068" + s + "\u2069" }
	for _, tc := range []struct {
		tag          string
		f            facts.Fact
		date, source string
	}{
		{"en", rubio, "10 May 2025 (“" + iso("this morning") + "” in the source) · Phone call", "Source: " + iso(rubio.Source.Headline)},
		{"en", bruce, "Date not given in the source · Briefing", "Source: " + iso(bruce.Source.Headline)},
		{"ar", rubio, "١٠ مايو ٢٠٢٥ (”" + iso("this morning") + "“ في المصدر)، مكالمة هاتفية", "المصدر: " + iso(rubio.Source.Headline)},
		{"ru", bruce, "Дата в источнике не указана · Брифинг", "Источник: " + iso(bruce.Source.Headline)},
		{"hi", rubio, "10 मई 2025 (स्रोत में “" + iso("this morning") + "”) · फ़ोन कॉल", "स्रोत: " + iso(rubio.Source.Headline)},
	} {
		t.Run(tc.tag+"/"+tc.f.ID, func(t *testing.T) {
			loc := localeBrand(t, tc.tag).Locale
			if got := dateLine(tc.f, loc); got != tc.date {
				t.Errorf("dateLine = %q, want %q", got, tc.date)
			}
			if got := sourceLine(tc.f, loc); got != tc.source {
				t.Errorf("sourceLine = %q, want %q", got, tc.source)
			}
		})
	}
}

// TestLocaleMirrors checks the layout of a card in a right-to-left locale:
// every text block flush with the right edge of the safe area, the accent rule
// on the right and the brand on the left; and the same card in English the other
// way round.
func TestLocaleMirrors(t *testing.T) {
	f, _ := facts.Default().Lookup("rubio-methods-to-de-escalate")
	for _, tc := range []struct {
		tag    string
		mirror bool
	}{{"en", false}, {"hi", false}, {"ar", true}, {"fa", true}, {"ur", true}} {
		t.Run(tc.tag, func(t *testing.T) {
			b := localeBrand(t, tc.tag)
			s, err := getShaperFor(b)
			if err != nil {
				t.Fatal(err)
			}
			defer putShaper(s)
			c, err := s.shapeContent(f)
			if err != nil {
				t.Fatal(err)
			}
			if c.rtl != tc.mirror {
				t.Fatalf("content mirrored = %v, want %v", c.rtl, tc.mirror)
			}
			for _, size := range Sizes() {
				th, _ := s.st.theme(ThemeDark)
				l, err := arrange(c, size, th)
				if err != nil {
					t.Fatal(err)
				}
				for _, bl := range l.text {
					if bl.name == "brand" || bl.name == "url" {
						// The brand goes on the side away from the reading start.
						if onLeft := bl.box.x0-l.safe.x0 < 1; onLeft != tc.mirror {
							t.Errorf("%s: brand box %v on the left = %v, want %v", size, bl.box, onLeft, tc.mirror)
						}
						continue
					}
					for i, ln := range bl.lines {
						left, right := bl.origin[i].x, bl.origin[i].x+ln.width*bl.size
						flushRight := l.safe.x1-right < 1.5
						flushLeft := left-l.safe.x0 < 1.5
						if tc.mirror && !flushRight {
							t.Errorf("%s: %s line %d ends at %.1f, not at the right edge %.1f", size, bl.name, i, right, l.safe.x1)
						}
						if !tc.mirror && !flushLeft {
							t.Errorf("%s: %s line %d starts at %.1f, not at the left edge %.1f", size, bl.name, i, left, l.safe.x0)
						}
					}
				}
				for _, sh := range l.shapes {
					if sh.name != "rule" {
						continue
					}
					if onRight := l.safe.x1-sh.box.x1 < 1; onRight != tc.mirror {
						t.Errorf("%s: rule %v on the right = %v, want %v", size, sh.box, onRight, tc.mirror)
					}
				}
			}
		})
	}
}

// TestLocaleCardWords renders a card in a locale whose words the fonts lack
// and in one they have, and compares the footer of an Arabic card with the
// English one: the words differ, so the pixels do.
func TestLocaleCardWords(t *testing.T) {
	f, _ := facts.Default().Lookup("jaishankar-measured-and-responsible")
	render := func(tag string) image.Image {
		t.Helper()
		img, err := Card(f, Options{Brand: localeBrand(t, tag)})
		if err != nil {
			t.Fatalf("%s: %v", tag, err)
		}
		return img
	}
	en, ar := render("en"), render("ar")
	if n, _ := diffPixels(en, ar); n == 0 {
		t.Error("the Arabic card is the English one, pixel for pixel")
	}
	// The brand is on the left of the Arabic card: some accent ink lies in the
	// left fifth of the footer, where the English card has none.
	accent := func(img image.Image, x0, x1 int) int {
		th := localeBrand(t, "en").DefaultTheme()
		n := 0
		b := img.Bounds()
		for y := b.Dy() * 3 / 4; y < b.Dy(); y++ {
			for x := x0; x < x1; x++ {
				if sameRGB(img.At(x, y), th.Accent) {
					n++
				}
			}
		}
		return n
	}
	w := en.Bounds().Dx()
	if got := accent(en, 0, w/5); got != 0 {
		t.Errorf("English card: %d accent pixels in the footer's left fifth, want 0", got)
	}
	if got := accent(ar, 0, w/5); got == 0 {
		t.Error("Arabic card: no accent pixels (the brand) in the footer's left fifth")
	}
}

func sameRGB(c color.Color, want color.NRGBA) bool {
	r, g, b, _ := c.RGBA()
	return uint8(r>>8) == want.R && uint8(g>>8) == want.G && uint8(b>>8) == want.B
}

// TestCheckBrandLocale: a brand whose labels have a character no font has
// fails CheckBrand on the label's field; a locale the fonts cover passes.
func TestCheckBrandLocale(t *testing.T) {
	load := func(extra string) *brand.Brand {
		t.Helper()
		data, err := os.ReadFile("brand/builtin/brand.json")
		if err != nil {
			t.Fatal(err)
		}
		js := strings.Replace(string(data), `"name"`, extra+`, "name"`, 1)
		b, err := brand.Load(fstest.MapFS{brand.File: {Data: []byte(js)}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name, extra, field string
	}{
		{"ar", `"locale": "ar"`, ""},
		{"hi with an override", `"locale": "hi", "labels": {"source": "स्रोत — {source}"}`, ""},
		{"an override no font has", `"locale": "en", "labels": {"source": "\ue000 {source}"}`, "labels.source"},
		{"a medium no font has", `"labels": {"medium.briefing": "Briefing \ue001"}`, "labels.medium.briefing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckBrand(load(tc.extra))
			if tc.field == "" {
				if err != nil {
					t.Fatalf("CheckBrand: %v", err)
				}
				return
			}
			var be *brand.Error
			if !errors.As(err, &be) || be.Field != tc.field {
				t.Fatalf("CheckBrand = %v, want a *brand.Error on %s", err, tc.field)
			}
			var mg *MissingGlyphError
			if !errors.As(err, &mg) {
				t.Errorf("CheckBrand = %v, want it to wrap a *MissingGlyphError", err)
			}
		})
	}
	// Every built-in locale's words have glyphs in the fonts.
	for _, tag := range locale.Tags() {
		if err := CheckBrand(localeBrand(t, tag)); err != nil {
			t.Errorf("CheckBrand in locale %s: %v", tag, err)
		}
	}
}

// TestEveryLocaleFits lays out every dataset fact in every built-in locale,
// on every size and theme (CheckFor): the locale's words have glyphs and fit
// beside the brand or above it.
func TestEveryLocaleFits(t *testing.T) {
	for _, tag := range locale.Tags() {
		t.Run(tag, func(t *testing.T) {
			b := localeBrand(t, tag)
			for _, f := range facts.Default().All() {
				if err := CheckFor(b, f); err != nil {
					t.Errorf("%s: %v", f.ID, err)
				}
			}
		})
	}
}
