package locale

import "golang.org/x/text/language"

// rtlScripts are the scripts written right to left that a tag may name or
// imply (ISO 15924 codes).
var rtlScripts = map[string]bool{
	"Arab": true, "Hebr": true, "Syrc": true, "Thaa": true, "Nkoo": true,
	"Adlm": true, "Rohg": true, "Mand": true, "Samr": true, "Mend": true,
}

// LanguageRTL reports whether text in the language of a BCP 47 tag is
// written right to left: whether its script, as the tag gives it or as CLDR's
// likely subtags give it for the language ("ur" → Arab, "ps" → Arab, "sd-Deva"
// → Deva), is a right-to-left one. An unparseable tag is left to right.
func LanguageRTL(tag string) bool {
	t, err := language.Parse(tag)
	if err != nil {
		return false
	}
	s, _ := t.Script()
	return rtlScripts[s.String()]
}
