package locale

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/factcard/factcard/facts"
)

// builtinTags are the locales the project promises (issue 18).
var builtinTags = []string{"en", "hi", "ur", "bn", "ta", "te", "mr", "ar", "fa", "he", "ru", "uk",
	"es", "fr", "de", "pt", "id", "tr", "zh-Hans", "zh-Hant", "ja", "ko", "th", "vi", "sw"}

func mustLookup(t *testing.T, tag string) *Locale {
	t.Helper()
	l, err := Lookup(tag)
	if err != nil {
		t.Fatalf("Lookup(%q): %v", tag, err)
	}
	return l
}

func TestBuiltinLocales(t *testing.T) {
	got := Tags()
	want := slices.Clone(builtinTags)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("Tags() = %v, want %v", got, want)
	}
	rtl := map[string]bool{"ar": true, "fa": true, "he": true, "ur": true}
	for _, tag := range builtinTags {
		l := mustLookup(t, tag)
		if l.RTL != rtl[tag] {
			t.Errorf("%s: RTL = %v, want %v", tag, l.RTL, rtl[tag])
		}
		if l.Reviewed {
			t.Errorf("%s: marked reviewed by a native speaker; no built-in translation has been", tag)
		}
		for _, k := range Keys() {
			if l.Text(k) == "" {
				t.Errorf("%s: label %s empty", tag, k)
			}
		}
	}
}

// TestLocaleFilesSayReviewed checks every file states, in a field of its own,
// whether a native speaker has reviewed it.
func TestLocaleFilesSayReviewed(t *testing.T) {
	err := fs.WalkDir(files, "locales", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		if !strings.Contains(string(data), `"reviewed_by_native_speaker": false`) {
			t.Errorf("%s: no \"reviewed_by_native_speaker\": false", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLongDate(t *testing.T) {
	day := time.Date(2025, time.May, 10, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ tag, want string }{
		{"en", "10 May 2025"},
		{"hi", "10 मई 2025"},
		{"mr", "१० मे, २०२५"},  // CLDR's default numbering for mr is Devanagari
		{"bn", "১০ মে, ২০২৫"},  // and Bengali for bn
		{"ur", "10 مئی، 2025"}, // Latin digits: CLDR's default for ur
		{"ar", "١٠ مايو ٢٠٢٥"}, // Arabic-Indic
		{"fa", "۱۰ مهٔ ۲۰۲۵"},  // extended Arabic-Indic
		{"he", "10 במאי 2025"},
		{"ru", "10 мая 2025 г."},
		{"uk", "10 травня 2025 р."},
		{"de", "10. Mai 2025"},
		{"fr", "10 mai 2025"},
		{"es", "10 de mayo de 2025"},
		{"pt", "10 de maio de 2025"},
		{"tr", "10 Mayıs 2025"},
		{"zh-Hans", "2025年5月10日"},
		{"ja", "2025年5月10日"},
		{"ko", "2025년 5월 10일"},
		{"vi", "10 tháng 5, 2025"},
		{"sw", "10 Mei 2025"},
	} {
		t.Run(tc.tag, func(t *testing.T) {
			if got := mustLookup(t, tc.tag).LongDate(day); got != tc.want {
				t.Errorf("LongDate = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDate(t *testing.T) {
	stated := facts.Date{Value: "2025-05-10", Precision: facts.Stated, AsGiven: "May 10, 2025"}
	resolved := facts.Date{Value: "2025-05-09", Precision: facts.Resolved, AsGiven: "Friday"}
	unknown := facts.Date{Precision: facts.Unknown}
	for _, tc := range []struct {
		tag  string
		d    facts.Date
		want string
	}{
		{"en", stated, "10 May 2025"},
		{"en", resolved, "9 May 2025 (“Friday” in the source)"},
		{"en", unknown, "Date not given in the source"},
		{"ru", resolved, "9 мая 2025 г. («Friday» в источнике)"},
		{"ru", unknown, "Дата в источнике не указана"},
		{"hi", resolved, "9 मई 2025 (स्रोत में “Friday”)"},
		{"ar", resolved, "٩ مايو ٢٠٢٥ (”Friday“ في المصدر)"},
		{"fa", unknown, "تاریخ در منبع ذکر نشده است"},
		{"ja", resolved, "2025年5月9日（出典では「Friday」）"},
		// A resolved date without the source's words is shown as the day alone.
		{"de", facts.Date{Value: "2025-05-09", Precision: facts.Resolved}, "9. Mai 2025"},
	} {
		t.Run(tc.tag+"/"+string(tc.d.Precision), func(t *testing.T) {
			if got := mustLookup(t, tc.tag).Date(tc.d); got != tc.want {
				t.Errorf("Date = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLabels(t *testing.T) {
	for _, tc := range []struct {
		tag  string
		key  Key
		args []string
		want string
	}{
		{"en", Source, []string{"source", "Reuters"}, "Source: Reuters"},
		{"ru", Source, []string{"source", "Reuters"}, "Источник: Reuters"},
		{"hi", Source, []string{"source", "Reuters"}, "स्रोत: Reuters"},
		{"ur", Source, []string{"source", "Reuters"}, "ماخذ: Reuters"},
		{"ar", Source, []string{"source", "Reuters"}, "المصدر: Reuters"},
		{"fr", Source, []string{"source", "Reuters"}, "Source\u00a0: Reuters"},
		{"zh-Hans", Source, []string{"source", "Reuters"}, "来源：Reuters"},
		{"en", IndexTitle, []string{"brand", "factcard"}, "factcard — sourced quote cards"},
		{"de", EmbedLabel, []string{"size", "Story"}, "HTML zum Einbetten der Karte „Story“"},
		{"ar", SpeakerRole, []string{"name", "A", "role", "B"}, "A، B"},
		{"en", SizeOG, nil, "Link preview"},
	} {
		t.Run(tc.tag+"/"+string(tc.key), func(t *testing.T) {
			if got := mustLookup(t, tc.tag).Text(tc.key, tc.args...); got != tc.want {
				t.Errorf("Text(%s) = %q, want %q", tc.key, got, tc.want)
			}
		})
	}
}

func TestMedium(t *testing.T) {
	for _, tc := range []struct {
		tag  string
		m    facts.Medium
		want string
	}{
		{"en", facts.PostOnX, "Post on X"},
		{"en", facts.PhoneCall, "Phone call"},
		{"en", facts.Unspecified, ""},
		{"en", facts.Medium("carrier-pigeon"), ""},
		{"ru", facts.PhoneCall, "Телефонный разговор"},
		{"hi", facts.Statement, "बयान"},
		{"ar", facts.PostOnX, "منشور على X"},
	} {
		if got := mustLookup(t, tc.tag).Medium(tc.m); got != tc.want {
			t.Errorf("%s: Medium(%s) = %q, want %q", tc.tag, tc.m, got, tc.want)
		}
	}
	// Every medium a fact may have has a label in every locale.
	for _, tag := range Tags() {
		l := mustLookup(t, tag)
		for m := range mediumKeys {
			if l.Medium(m) == "" {
				t.Errorf("%s: no name for medium %s", tag, m)
			}
		}
	}
}

func TestLookup(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "en"}, {"en", "en"}, {"RU", "ru"}, {"zh-hans", "zh-Hans"}, {"zh_Hant", "zh-Hant"},
	} {
		l, err := Lookup(tc.in)
		if err != nil {
			t.Errorf("Lookup(%q): %v", tc.in, err)
			continue
		}
		if l.Tag != tc.want {
			t.Errorf("Lookup(%q).Tag = %q, want %q", tc.in, l.Tag, tc.want)
		}
	}
	for _, bad := range []string{"xx", "en-US", "klingon", "zh"} {
		_, err := Lookup(bad)
		var ue *UnknownError
		if !errors.As(err, &ue) {
			t.Errorf("Lookup(%q) = %v, want an *UnknownError", bad, err)
			continue
		}
		for _, tag := range []string{"ar", "en", "zh-Hant"} {
			if !strings.Contains(err.Error(), tag) {
				t.Errorf("Lookup(%q) error %q does not list %s", bad, err, tag)
			}
		}
	}
}

func TestWithLabels(t *testing.T) {
	en := mustLookup(t, "en")
	l, err := en.WithLabels(map[string]string{"source": "Via {source}", "medium.phone-call": "Call"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := l.Text(Source, "source", "AP"), "Via AP"; got != want {
		t.Errorf("overridden source = %q, want %q", got, want)
	}
	if got, want := l.Medium(facts.PhoneCall), "Call"; got != want {
		t.Errorf("overridden medium = %q, want %q", got, want)
	}
	if got, want := en.Text(Source, "source", "AP"), "Source: AP"; got != want {
		t.Errorf("the built-in locale changed: %q, want %q", got, want)
	}
	if want := []Key{MediumPhoneCall, Source}; !slices.Equal(l.Overridden, want) {
		t.Errorf("Overridden = %v, want %v", l.Overridden, want)
	}
	for _, tc := range []struct {
		over    map[string]string
		key     string
		message string
	}{
		{map[string]string{"sorce": "x"}, "sorce", "unknown label"},
		{map[string]string{"source": "Source"}, "source", "{source}"},
		{map[string]string{"source": "{source} {source}"}, "source", "2 times"},
		{map[string]string{"date.unknown": "no {date}"}, "date.unknown", "{date}"},
		{map[string]string{"size.og": ""}, "size.og", "empty"},
		{map[string]string{"zzz": "x", "aaa": "y"}, "aaa", "unknown label"},
	} {
		_, err := en.WithLabels(tc.over)
		var le *LabelError
		if !errors.As(err, &le) {
			t.Errorf("WithLabels(%v) = %v, want a *LabelError", tc.over, err)
			continue
		}
		if le.Key != tc.key || !strings.Contains(err.Error(), tc.message) {
			t.Errorf("WithLabels(%v) = %q (key %q), want key %q and %q", tc.over, err, le.Key, tc.key, tc.message)
		}
	}
}

func TestSplit(t *testing.T) {
	before, after := mustLookup(t, "ja").Split(Source, "source")
	if before != "出典：" || after != "" {
		t.Errorf("Split = %q, %q; want %q, %q", before, after, "出典：", "")
	}
}

func TestComma(t *testing.T) {
	for _, tc := range []struct{ tag, want string }{{"en", ", "}, {"ar", "، "}, {"zh-Hans", "，"}, {"ja", "、"}} {
		if got := mustLookup(t, tc.tag).Comma(); got != tc.want {
			t.Errorf("%s: Comma() = %q, want %q", tc.tag, got, tc.want)
		}
	}
	l, err := mustLookup(t, "en").WithLabels(map[string]string{"page.speaker-role": "{role} {name}"})
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Comma(); got != ", " {
		t.Errorf("Comma() of %q = %q, want the default \", \"", "{role} {name}", got)
	}
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct{ tag, want string }{{"en", "1234"}, {"ar", "١٢٣٤"}, {"fa", "۱۲۳۴"}, {"hi", "1234"}} {
		if got := mustLookup(t, tc.tag).Number(1234); got != tc.want {
			t.Errorf("%s: Number(1234) = %q, want %q", tc.tag, got, tc.want)
		}
	}
}

func TestDigestStable(t *testing.T) {
	if a, b := Digest(), Digest(); a != b || len(a) != 64 {
		t.Errorf("Digest() = %q then %q, want one 64-digit hex", a, b)
	}
}

func TestLanguageRTL(t *testing.T) {
	for _, tc := range []struct {
		tag  string
		want bool
	}{
		{"ur", true}, {"ar", true}, {"fa", true}, {"he", true}, {"ps", true}, {"yi", true}, {"dv", true},
		{"ckb", true}, {"sd", true}, {"ug", true}, {"az-Arab", true},
		{"en", false}, {"hi", false}, {"ru", false}, {"zh-Hant", false}, {"ja", false}, {"am", false},
		{"sd-Deva", false}, {"az", false}, {"", false}, {"not a tag", false},
	} {
		if got := LanguageRTL(tc.tag); got != tc.want {
			t.Errorf("LanguageRTL(%q) = %v, want %v", tc.tag, got, tc.want)
		}
	}
}
