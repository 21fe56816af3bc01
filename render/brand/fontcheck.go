package brand

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"unicode"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
)

// checkFont checks, at load, what cards will ask of a brand font, so that a
// damaged font fails the start naming what is wrong instead of failing (or, before
// every render recovered, ending the process on) the first card that meets the
// damage. A font with one damaged glyph passes the parse and the sample cards.
//
//   - Every glyph the character map maps: its outline, advance and extents
//     (checkGlyphs).
//   - The layout tables: every feature index a language system lists and every
//     lookup index a feature lists is in range (checkLayout). go-text indexes
//     them unchecked when it plans shaping for a script and language.
//   - Shaping every mapped character in its script, and each combining mark
//     after each base, inside recover (checkShaping): the lookups run there.
func checkFont(face *font.Face) error {
	runes, err := checkGlyphs(face)
	if err != nil {
		return err
	}
	if err := checkLayout(face.Font); err != nil {
		return err
	}
	return checkShaping(face, runes)
}

// checkGlyphs loads every glyph the font's character map maps, as cards would
// draw it, each inside recover, and returns the mapped characters.
func checkGlyphs(face *font.Face) ([]rune, error) {
	var runes []rune
	it := face.Cmap.Iter()
	for it.Next() {
		r, gid := it.Char()
		if err := checkGlyph(face, gid); err != nil {
			return nil, fmt.Errorf("glyph %d, for %U %s, does not load: %w", gid, r, printable(r), err)
		}
		runes = append(runes, r)
	}
	slices.Sort(runes)
	return slices.Compact(runes), nil
}

// checkGlyph loads one glyph's outline, advance and extents, turning a panic in
// the font's code into an error.
func checkGlyph(face *font.Face, gid font.GID) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	if _, ok := face.GlyphDataOutline(gid); !ok {
		return errors.New("it has no outline (cards draw glyph outlines only)")
	}
	face.HorizontalAdvance(gid)
	face.GlyphExtents(gid)
	return nil
}

// checkLayout checks the indices of the GSUB and GPOS tables' script, feature
// and lookup lists.
func checkLayout(f *font.Font) error {
	for _, t := range []struct {
		name    string
		layout  font.Layout
		lookups int
	}{{"GSUB", f.GSUB.Layout, len(f.GSUB.Lookups)}, {"GPOS", f.GPOS.Layout, len(f.GPOS.Lookups)}} {
		nf := len(t.layout.Features)
		for _, s := range t.layout.Scripts {
			langs := slices.Clone(s.LangSys)
			if s.DefaultLangSys != nil {
				langs = append(langs, *s.DefaultLangSys)
			}
			for _, l := range langs {
				for _, fi := range l.FeatureIndices {
					if int(fi) >= nf {
						return fmt.Errorf("the %s table's script %q lists feature %d of %d", t.name, s.Tag, fi, nf)
					}
				}
			}
		}
		for _, ft := range t.layout.Features {
			for _, li := range ft.LookupListIndices {
				if int(li) >= t.lookups {
					return fmt.Errorf("the %s table's feature %q lists lookup %d of %d", t.name, ft.Tag, li, t.lookups)
				}
			}
		}
		for _, v := range t.layout.FeatureVariations {
			for _, sub := range v.Substitutions.Substitutions {
				if int(sub.FeatureIndex) >= nf {
					return fmt.Errorf("the %s table's feature variations replace feature %d of %d", t.name, sub.FeatureIndex, nf)
				}
				for _, li := range sub.AlternateFeature.LookupListIndices {
					if int(li) >= t.lookups {
						return fmt.Errorf("the %s table's feature variations list lookup %d of %d", t.name, li, t.lookups)
					}
				}
			}
		}
	}
	return nil
}

// maxPairRunes bounds the text of bases followed by marks that checkShaping
// shapes, a few hundred milliseconds of shaping at most: enough for every base of
// an alphabet with all its marks (a Latin subset with its accents is ~70,000),
// not for every base of a font of many scripts, whose first bases only are
// checked so.
const maxPairRunes = 1 << 17

// checkShaping shapes every mapped character in its script, as one run per
// script, and every combining mark after each base, each run inside recover. A
// run that panics names its script or its base.
func checkShaping(face *font.Face, runes []rune) error {
	byScript := map[language.Script][]rune{}
	var scripts []language.Script
	for _, r := range runes {
		if !unicode.IsGraphic(r) {
			continue
		}
		s := language.LookupScript(r)
		if _, ok := byScript[s]; !ok {
			scripts = append(scripts, s)
		}
		byScript[s] = append(byScript[s], r)
	}
	var (
		sh     shaping.HarfbuzzShaper
		paired int
	)
	shape := func(text []rune, s language.Script) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		dir := di.DirectionLTR
		switch s {
		case language.Arabic, language.Hebrew, language.Syriac, language.Thaana, language.Nko, language.Adlam:
			dir = di.DirectionRTL
		}
		sh.Shape(shaping.Input{Text: text, RunEnd: len(text), Direction: dir, Face: face, Size: fixed.I(64), Script: s})
		return nil
	}
	for _, s := range scripts {
		rs := byScript[s]
		if err := shape(rs, s); err != nil {
			return fmt.Errorf("shaping its %s characters: %w", s, err)
		}
	}
	// Marks take the script of their base (Inherited), so each base of every
	// script is followed by every mark: mark-to-base positioning skips back over
	// marks to the base, so this runs each base with each mark, and each mark
	// after another (mark-to-mark).
	marks := slices.DeleteFunc(slices.Clone(runes), func(r rune) bool { return !unicode.Is(unicode.Mn, r) })
	if len(marks) == 0 {
		return nil
	}
	text := make([]rune, 0, 1+len(marks))
	for _, s := range scripts {
		for _, b := range byScript[s] {
			if !unicode.IsLetter(b) && !unicode.IsDigit(b) {
				continue
			}
			if paired += 1 + len(marks); paired > maxPairRunes {
				return nil
			}
			text = append(append(text[:0], b), marks...)
			if err := shape(text, s); err != nil {
				return fmt.Errorf("shaping the marks after %U %s: %w", b, printable(b), err)
			}
		}
	}
	return nil
}

// printable quotes a character for a message, or says it cannot be shown.
func printable(r rune) string {
	if unicode.IsPrint(r) {
		return strconv.QuoteRune(r)
	}
	return "(not printable)"
}
