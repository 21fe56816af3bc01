package curate

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

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

// dateLocales are the locales whose written dates ResolveDate reads: the
// renderer's built-in locales, with CLDR's data through go-playground/locales
// (English as en_001, "10 May 2025").
var dateLocales = map[string]func() locales.Translator{
	"ar": ar.New, "bn": bn.New, "de": de.New, "en": en_001.New, "es": es.New,
	"fa": fa.New, "fr": fr.New, "he": he.New, "hi": hi.New, "id": id.New,
	"ja": ja.New, "ko": ko.New, "mr": mr.New, "pt": pt.New, "ru": ru.New,
	"sw": sw.New, "ta": ta.New, "te": te.New, "th": th.New, "tr": tr.New,
	"uk": uk.New, "ur": ur.New, "vi": vi.New, "zh-Hans": zh_Hans.New, "zh-Hant": zh_Hant.New,
}

// translators makes each date locale's translator once, in the order of their tags.
var translators = sync.OnceValue(func() []locales.Translator {
	var out []locales.Translator
	for _, tag := range DateLocales() {
		out = append(out, dateLocales[tag]())
	}
	return out
})

// DateLocales returns the tags of the locales whose dates ResolveDate reads,
// sorted.
func DateLocales() []string {
	out := make([]string, 0, len(dateLocales))
	for tag := range dateLocales {
		out = append(out, tag)
	}
	slices.Sort(out)
	return out
}

// localeDate reads date words as a built-in locale writes a date (CLDR's long,
// medium and full forms: "10 мая 2025 г.", "10 मई 2025", "2025年5月10日"), in
// any digits. It compares words with the dates it writes for the day and year
// numbers they hold, so no month name is written here.
func localeDate(words string) (time.Time, bool) {
	w := normalDate(words)
	var nums []int
	for _, f := range strings.FieldsFunc(w, func(r rune) bool { return r < '0' || r > '9' }) {
		if n, err := strconv.Atoi(f); err == nil && len(f) <= 4 {
			nums = append(nums, n)
		}
	}
	for _, year := range nums {
		if year < 1000 {
			continue
		}
		for _, day := range nums {
			if day < 1 || day > 31 {
				continue
			}
			for month := time.January; month <= time.December; month++ {
				t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
				if t.Day() != day {
					continue // no such day in this month
				}
				for _, tr := range translators() {
					for _, form := range []string{tr.FmtDateLong(t), tr.FmtDateMedium(t), tr.FmtDateFull(t)} {
						if sameDate(w, normalDate(form)) {
							return t, true
						}
					}
				}
			}
		}
	}
	return time.Time{}, false
}

// sameDate reports whether the source's words w give the date CLDR writes as
// form: the same, or the same but for a word after the last digit that CLDR
// abbreviates and the source writes out, a short word (Russian "года" for
// CLDR's "г.", Ukrainian "року" for "р.").
func sameDate(w, form string) bool {
	if w == form {
		return true
	}
	cut := func(s string) (string, string) {
		i := strings.LastIndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
		return s[:i+1], strings.TrimSpace(s[i+1:])
	}
	wHead, wTail := cut(w)
	fHead, fTail := cut(form)
	abbr, ok := strings.CutSuffix(fTail, ".")
	return ok && wHead == fHead && abbr != "" && !strings.ContainsAny(abbr, " .") &&
		strings.HasPrefix(wTail, abbr) && utf8.RuneCountInString(wTail) <= 5 &&
		!strings.ContainsFunc(wTail, func(r rune) bool { return !unicode.IsLetter(r) })
}

// normalDate writes every digit as an ASCII digit, drops format characters
// (CLDR's right-to-left marks), and folds white space to single spaces.
func normalDate(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cf, r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if unicode.IsDigit(r) {
			r = '0' + rune(digitValue(r))
		}
		b.WriteRune(r)
	}
	return b.String()
}

// digitValue returns the value of the decimal digit r: its place in its run of
// ten (Unicode keeps each script's digits 0 to 9 together).
func digitValue(r rune) int {
	start := r
	for unicode.IsDigit(start - 1) {
		start--
	}
	return int(r-start) % 10
}
