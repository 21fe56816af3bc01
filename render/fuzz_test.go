package render

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
)

// fuzzLangs are the languages FuzzLayout sets quotes in: each has its own
// quotation marks, and Urdu reads right to left.
var fuzzLangs = []string{"en", "hi", "ur"}

// FuzzLayout lays out random text of any script and length, as the quote and as
// the speaker's name and role, on every size: never a panic; either a typed
// error (ErrNoQuote, *MissingGlyphError, an error matching ErrDoesNotFit) or a
// layout that keeps every promise checkLayout checks (ink inside its box, boxes
// inside the safe area and apart, every word on the card) and breaks inside a
// word only when it must. Layout only: nothing is drawn or encoded.
func FuzzLayout(f *testing.F) {
	fx := loadFixtures(f)
	for _, name := range []string{"english", "hindi", "urdu", "longest"} {
		fact := fx[name]
		f.Add(fact.Quote, fact.Speaker.Name, fact.Speaker.Role, langIndex(fact.Language))
	}
	for _, fact := range facts.Default().All() {
		f.Add(fact.Quote, fact.Speaker.Name, fact.Speaker.Role, langIndex(fact.Language))
	}
	for _, q := range []string{
		"",
		"   \t\n ",
		"Pneumonoultramicroscopicsilicovolcanoconiosis" + strings.Repeat("x", 40),
		"Pneumonoultramicroscopicsilicovolcanoconiosis-and-supercalifragilisticexpialidocious-de-escalation",
		strings.Repeat("de-escalation ", 30),
		"Hello नमस्ते دنیا world, 12 May 2025",
		"e\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308 a\u0323\u0324\u0325\u0326\u0327",
		"क्\u200dष्\u200dट्र ि\u093f\u0947\u0947\u0902\u0901 दृष्टि",
		"بِّّّّ ـٰٖٗ ۛۚۖ ﷽",
		"وزارت خارجہ (MEA) نے 12 May 2025 کو کہا: “hello” — ٹھیک؟",
		"abc \u202eRTL override\u202c def \u200fmark\u200e \u2067isolate\u2069",
		"a\x00b\x07c\x1b[31m d\u0085e\u2028f\u2029g",
		"\u00a0\u00a0non\u00a0breaking\u00a0spaces\u00a0everywhere\u00a0in\u00a0one\u00a0long\u00a0word",
		"zero\u200bwidth\u200bspaces\u200bbetween\u200bwords",
		"\ufeff\u200d\u200c\u2060",
		"→ 日本 🙂",
	} {
		f.Add(q, "Fixture Speaker", "Test fixture, not a quote of anyone", uint8(0))
		f.Add("A neutral sample sentence.", q, q, uint8(2))
	}
	s := testShaper(f)
	base := fx["english"]
	f.Fuzz(func(t *testing.T, quote, name, role string, lang uint8) {
		fact := base
		fact.Quote, fact.Speaker.Name, fact.Speaker.Role = quote, name, role
		fact.Language = fuzzLangs[int(lang)%len(fuzzLangs)]
		c, err := s.shapeContent(fact)
		var mg *MissingGlyphError
		switch {
		case errors.Is(err, ErrNoQuote):
			if normalize(quote) != "" {
				t.Fatalf("ErrNoQuote for the quote %q", quote)
			}
			return
		case errors.As(err, &mg):
			if !containsRune(mg.Rune, quote, name, role) {
				t.Fatalf("%v: the rune is not in the text", err)
			}
			return
		case err != nil:
			t.Fatalf("shape: %v, want ErrNoQuote or a *MissingGlyphError", err)
		}
		for _, size := range Sizes() {
			for i, th := range themeTable {
				if i > 0 && th.scale == themeTable[0].scale {
					continue // the same layout in other colours
				}
				name := fmt.Sprintf("%s/%s", size, th.name)
				l, err := arrange(c, size, th)
				if err != nil {
					var fe *FitError
					if !errors.As(err, &fe) || !errors.Is(err, ErrDoesNotFit) || fe.Size != size {
						t.Fatalf("%s: %v, want a *FitError for this size", name, err)
					}
					continue
				}
				checkLayout(t, name, s, c, l)
				for _, b := range l.text {
					checkWordBreaks(t, name+": "+b.name, c.para(b.name), b)
				}
			}
		}
	})
}

func langIndex(lang string) uint8 {
	for i, l := range fuzzLangs {
		if l == lang {
			return uint8(i)
		}
	}
	return 0
}

// containsRune reports whether one of the texts has r once decoded (a byte
// that is not UTF-8 decodes as U+FFFD).
func containsRune(r rune, texts ...string) bool {
	for _, s := range texts {
		for _, c := range s {
			if c == r {
				return true
			}
		}
	}
	return false
}
