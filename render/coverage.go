package render

import (
	"slices"
	"sync"
	"unicode"
)

// scriptTables names, for each ISO 15924 script code a language tag may carry,
// the Unicode scripts whose letters it writes with.
var scriptTables = map[string][]string{
	"Latn": {"Latin"}, "Cyrl": {"Cyrillic"}, "Grek": {"Greek"}, "Armn": {"Armenian"}, "Geor": {"Georgian"},
	"Hebr": {"Hebrew"}, "Arab": {"Arabic"}, "Syrc": {"Syriac"}, "Thaa": {"Thaana"}, "Deva": {"Devanagari"},
	"Beng": {"Bengali"}, "Guru": {"Gurmukhi"}, "Gujr": {"Gujarati"}, "Orya": {"Oriya"}, "Taml": {"Tamil"},
	"Telu": {"Telugu"}, "Knda": {"Kannada"}, "Mlym": {"Malayalam"}, "Sinh": {"Sinhala"}, "Thai": {"Thai"},
	"Laoo": {"Lao"}, "Khmr": {"Khmer"}, "Mymr": {"Myanmar"}, "Ethi": {"Ethiopic"}, "Tibt": {"Tibetan"},
	"Hans": {"Han"}, "Hant": {"Han"}, "Hani": {"Han"}, "Jpan": {"Han", "Hiragana", "Katakana"},
	"Hira": {"Hiragana"}, "Kana": {"Katakana"}, "Kore": {"Hangul"}, "Hang": {"Hangul"}, "Mong": {"Mongolian"},
	"Tfng": {"Tifinagh"}, "Cher": {"Cherokee"}, "Cans": {"Canadian_Aboriginal"}, "Olck": {"Ol_Chiki"},
}

// coveredShare is the share of a script's letters (those in the Basic
// Multilingual Plane) the shipped fonts must draw for the script to count as
// covered: most of them, so that a font with a few borrowed letters (a Latin
// face's Greek μ) does not make Greek covered.
const coveredShare = 0.5

// Scripts returns the ISO 15924 codes of the scripts the shipped fonts cover,
// sorted: those of whose letters they draw at least half, in each Unicode
// script a code writes with.
func Scripts() []string { return slices.Clone(coveredScripts()) }

// CoversScript reports whether the shipped fonts cover the script of ISO 15924
// code (see Scripts).
func CoversScript(code string) bool {
	_, ok := slices.BinarySearch(coveredScripts(), code)
	return ok
}

var coveredScripts = sync.OnceValue(func() []string {
	share := map[string]bool{}
	for _, names := range scriptTables {
		for _, name := range names {
			if _, done := share[name]; !done {
				share[name] = covers(unicode.Scripts[name])
			}
		}
	}
	var out []string
	for code, names := range scriptTables {
		if !slices.ContainsFunc(names, func(n string) bool { return !share[n] }) {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return out
})

// covers reports whether the shipped fonts draw at least coveredShare of the
// letters of table in the Basic Multilingual Plane.
func covers(table *unicode.RangeTable) bool {
	if table == nil {
		return false
	}
	letters, drawn := 0, 0
	for _, r16 := range table.R16 {
		for r := rune(r16.Lo); r <= rune(r16.Hi); r += rune(r16.Stride) {
			if !unicode.IsLetter(r) {
				continue
			}
			letters++
			if CoversRune(r) {
				drawn++
			}
		}
	}
	return letters > 0 && float64(drawn) >= coveredShare*float64(letters)
}
