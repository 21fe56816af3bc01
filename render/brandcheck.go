package render

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/panicerr"
	"github.com/factcard/factcard/render/brand"
	"github.com/factcard/factcard/render/locale"
)

// CheckBrand checks what brand.Load cannot, because it needs the layout: that
// the brand's name and URL have glyphs in its fonts or the embedded ones, that
// its logo or name and its URL fit the brand line on every card size (shrinking
// as far as the type scale allows), and that a sample card draws in every size
// and theme with its fonts. Call it once at start, after brand.Load; a
// problem is a *brand.Error naming the field ("name", "logo", "url", "fonts").
// A panic in the fonts' code, wherever in the check, is a "fonts" problem.
func CheckBrand(b *brand.Brand) error {
	err := panicerr.Do(func() error { return checkBrand(b) })
	if _, ok := panicerr.As(err); ok {
		return &brand.Error{Field: "fonts", Err: fmt.Errorf("the brand's fonts fail while the brand is checked: %w", err)}
	}
	return err
}

func checkBrand(b *brand.Brand) error {
	s, err := getShaperFor(b)
	if err != nil {
		return err
	}
	name, url, err := s.brandLine()
	putShaper(s)
	if err != nil {
		field := "name"
		var mg *MissingGlyphError
		if errors.As(err, &mg) && mg.Field == "brand URL" {
			field = "url"
		}
		return &brand.Error{Field: field, Err: err}
	}
	if err := checkLocaleGlyphs(b); err != nil {
		return err
	}
	c := &content{brand: name, url: url, logo: b.Logo}
	for _, size := range Sizes() {
		g := geometries[size]
		if _, cerr := fitBrandColumn(c, standardScale, g.unit(), g.safe().w()); cerr != nil {
			field := map[string]string{"brand": "name", "logo": "logo", "url": "url"}[cerr.element]
			return &brand.Error{Field: field, Err: fmt.Errorf("on the %s card (%d×%d): %s", size, g.w, g.h, cerr.detail)}
		}
	}
	for _, th := range ThemesFor(b) {
		for _, size := range Sizes() {
			if err := sampleCard(b, size, th); err != nil {
				return &brand.Error{Field: "fonts", Err: fmt.Errorf("a sample %s card in theme %s does not draw: %w", size, th, err)}
			}
		}
	}
	return nil
}

// checkLocaleGlyphs checks that the card's own words in the brand's locale
// (its labels and overrides, and the long date of every month) have glyphs. A
// problem is a *brand.Error on "labels.KEY" for an override, else on "locale".
func checkLocaleGlyphs(b *brand.Brand) error {
	s, err := getShaperFor(b)
	if err != nil {
		return err
	}
	defer putShaper(s)
	loc := s.st.locale()
	st := paraStyle{weight: regular, lang: loc.Tag, rtl: loc.RTL, field: "locale"}
	for _, k := range locale.CardKeys() {
		if _, err := s.shape(loc.Text(k), st); err != nil {
			field := "locale"
			if slices.Contains(loc.Overridden, k) {
				field = "labels." + string(k)
			}
			return &brand.Error{Field: field, Err: fmt.Errorf("label %s of locale %s: %w", k, loc.Tag, err)}
		}
	}
	for m := time.January; m <= time.December; m++ {
		d := loc.LongDate(time.Date(2025, m, 10, 0, 0, 0, 0, time.UTC))
		if _, err := s.shape(d, st); err != nil {
			return &brand.Error{Field: "locale", Err: fmt.Errorf("the date %q of locale %s: %w", d, loc.Tag, err)}
		}
	}
	return nil
}

// brandSample is the text of the sample cards CheckBrand draws: every field,
// in Latin with a Hindi and an Urdu name, so each of the brand's fonts and the
// fallback to the embedded ones are exercised. It is never shown.
var brandSample = facts.Fact{
	ID:       "brand-sample",
	Quote:    "A sample quote, to draw every part of a card: “quotes”, figures 0123456789 — and punctuation?!",
	Language: "en",
	Speaker:  facts.Speaker{Name: "Sample Speaker नमूना نمونہ", Role: "Sample role", Handle: "@sample"},
	Said:     facts.Date{Value: "2025-05-10", Precision: facts.Stated},
	Source:   facts.Source{Publisher: "Sample publisher"},
}

// sampleCard draws brandSample, turning a panic in the fonts' code into an error.
func sampleCard(b *brand.Brand, size Size, th Theme) error {
	return panicerr.Do(func() error { return Render(io.Discard, brandSample, Options{Size: size, Theme: th, Brand: b}) })
}
