package locale

import (
	"strconv"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/go-playground/locales"
	"github.com/go-playground/locales/ar"
	"github.com/go-playground/locales/bn"
	"github.com/go-playground/locales/de"
	"github.com/go-playground/locales/en_001"
	"github.com/go-playground/locales/es"
	"github.com/go-playground/locales/fa"
	"github.com/go-playground/locales/fr"
	"github.com/go-playground/locales/he"
	"github.com/go-playground/locales/hi"
	"github.com/go-playground/locales/id"
	"github.com/go-playground/locales/ja"
	"github.com/go-playground/locales/ko"
	"github.com/go-playground/locales/mr"
	"github.com/go-playground/locales/pt"
	"github.com/go-playground/locales/ru"
	"github.com/go-playground/locales/sw"
	"github.com/go-playground/locales/ta"
	"github.com/go-playground/locales/te"
	"github.com/go-playground/locales/th"
	"github.com/go-playground/locales/tr"
	"github.com/go-playground/locales/uk"
	"github.com/go-playground/locales/ur"
	"github.com/go-playground/locales/vi"
	"github.com/go-playground/locales/zh_Hans"
	"github.com/go-playground/locales/zh_Hant"
)

// cldr gives each built-in locale's CLDR data: month names and the long date
// pattern. English takes CLDR's en_001 (international English, "10 May 2025",
// as cards have always written dates) rather than en, which is US English
// ("May 10, 2025").
var cldr = map[string]func() locales.Translator{
	"ar": ar.New, "bn": bn.New, "de": de.New, "en": en_001.New, "es": es.New,
	"fa": fa.New, "fr": fr.New, "he": he.New, "hi": hi.New, "id": id.New,
	"ja": ja.New, "ko": ko.New, "mr": mr.New, "pt": pt.New, "ru": ru.New,
	"sw": sw.New, "ta": ta.New, "te": te.New, "th": th.New, "tr": tr.New,
	"uk": uk.New, "ur": ur.New, "vi": vi.New, "zh-Hans": zh_Hans.New, "zh-Hant": zh_Hant.New,
}

// digitsOf returns the digits 0 to 9 of the tag's default numbering system in
// CLDR (Arabic-Indic for ar, extended Arabic-Indic for fa, Bengali for bn,
// Devanagari for mr), or nil where they are the ASCII digits.
func digitsOf(tag string) []rune {
	t, err := language.Parse(tag)
	if err != nil {
		return nil
	}
	p := message.NewPrinter(t)
	var ds []rune
	ascii := true
	for d := range 10 {
		s := []rune(p.Sprint(number.Decimal(d)))
		if len(s) != 1 {
			return nil // not one digit: keep ASCII rather than guess
		}
		ds = append(ds, s[0])
		ascii = ascii && string(s) == strconv.Itoa(d)
	}
	if ascii {
		return nil
	}
	return ds
}
