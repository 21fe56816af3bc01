// Package locale holds the words cards and pages say around a quote, in the
// newsroom's language: labels ("Source:"), medium names, the note on a date
// resolved from the source's words, and the date itself in the long form CLDR
// gives for the locale, with the locale's digits.
//
// Each built-in locale is a file in locales/ named for its BCP 47 tag, which
// records whether a native speaker has reviewed it. Month names and date
// patterns are never written here: they come from CLDR through
// github.com/go-playground/locales, and digits from CLDR's default numbering
// system through golang.org/x/text.
//
// A brand picks a locale with "locale" in brand.json and may override any label
// with "labels" (see [Locale.WithLabels]).
package locale

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"

	"github.com/go-playground/locales"

	"github.com/factcard/factcard/facts"
)

// Key names a label.
type Key string

// The labels. A label's placeholders, in braces, are filled when it is used.
const (
	// Source is the card's and the pages' source line: "Source: {source}".
	Source Key = "source"
	// DateUnknown stands in for a date the source does not give.
	DateUnknown Key = "date.unknown"
	// DateResolved is a date resolved from the source's own words:
	// "{date} (“{as_given}” in the source)".
	DateResolved Key = "date.resolved"
	// DateWithMedium joins a date and a medium: "{date} · {medium}". (Where
	// the locale's digits are Arabic-Indic, a middle dot would read as a zero.)
	DateWithMedium Key = "date.with-medium"
	// The medium names ("Post on X").
	MediumPostOnX            Key = "medium.post-on-x"
	MediumBriefing           Key = "medium.briefing"
	MediumRemarksToReporters Key = "medium.remarks-to-reporters"
	MediumPhoneCall          Key = "medium.phone-call"
	MediumStatement          Key = "medium.statement"

	// SpeakerRole is a speaker with a role on the pages: "{name}, {role}".
	SpeakerRole Key = "page.speaker-role"
	// Alt is the card image's alt text.
	Alt Key = "page.alt"
	// OEmbedTitle is oEmbed's title: "{speaker}: {passage}".
	OEmbedTitle Key = "page.oembed-title"
	// IndexTitle, IndexDescription and IndexIntro are the index page's title,
	// description and introduction.
	IndexTitle       Key = "page.index-title"
	IndexDescription Key = "page.index-description"
	IndexIntro       Key = "page.index-intro"
	// Pager, FirstPage and NextPage are the index's page links and their label.
	Pager     Key = "page.pager"
	FirstPage Key = "page.first-page"
	NextPage  Key = "page.next-page"
	// Footer is the pages' footer text beside the brand; JSONAPI its link to /facts.
	Footer  Key = "page.footer"
	JSONAPI Key = "page.json-api"
	// Download, Embed, EmbedIntro and EmbedLabel are the share page's sections.
	Download   Key = "page.download"
	Embed      Key = "page.embed"
	EmbedIntro Key = "page.embed-intro"
	EmbedLabel Key = "page.embed-label"
	// About and DateNote are the share page's notes on the quote.
	About    Key = "page.about"
	DateNote Key = "page.date-note"
	// Back links the share page to the index.
	Back Key = "page.back"
	// The card sizes in words.
	SizeOG       Key = "size.og"
	SizeSquare   Key = "size.square"
	SizePortrait Key = "size.portrait"
	SizeStory    Key = "size.story"
)

// Keys returns every label key, in the order above.
func Keys() []Key {
	return []Key{Source, DateUnknown, DateResolved, DateWithMedium,
		MediumPostOnX, MediumBriefing, MediumRemarksToReporters, MediumPhoneCall, MediumStatement,
		SpeakerRole, Alt, OEmbedTitle, IndexTitle, IndexDescription, IndexIntro,
		Pager, FirstPage, NextPage, Footer, JSONAPI,
		Download, Embed, EmbedIntro, EmbedLabel, About, DateNote, Back,
		SizeOG, SizeSquare, SizePortrait, SizeStory}
}

// CardKeys returns the keys of the labels a card draws.
func CardKeys() []Key {
	return []Key{Source, DateUnknown, DateResolved, DateWithMedium,
		MediumPostOnX, MediumBriefing, MediumRemarksToReporters, MediumPhoneCall, MediumStatement}
}

// Locale is a locale's words and formats, safe for concurrent use and never
// changed once made.
type Locale struct {
	// Tag is the locale's BCP 47 tag ("en", "zh-Hans"), the pages' lang.
	Tag string
	// Name is the language's name in English ("Russian").
	Name string
	// RTL is set for a language written right to left: cards mirror, pages
	// get dir="rtl".
	RTL bool
	// Reviewed reports whether a native speaker has reviewed the translation.
	Reviewed bool
	// Overridden lists the labels a brand replaced, sorted.
	Overridden []Key

	labels map[Key]string
	tr     locales.Translator
	digits []rune // '0' to '9' in the locale's default numbering system
}

// file is a locale file as written.
type file struct {
	Tag       string            `json:"tag"`
	Name      string            `json:"name"`
	Direction string            `json:"direction"`
	Reviewed  *bool             `json:"reviewed_by_native_speaker"`
	Origin    string            `json:"translation"`
	Labels    map[string]string `json:"labels"`
}

//go:embed locales/*.json
var files embed.FS

// builtin holds the built-in locales, parsed once.
var builtin = sync.OnceValues(loadBuiltin)

func loadBuiltin() (map[string]*Locale, error) {
	entries, err := files.ReadDir("locales")
	if err != nil {
		return nil, fmt.Errorf("read the built-in locales: %w", err)
	}
	out := make(map[string]*Locale, len(entries))
	for _, e := range entries {
		data, err := files.ReadFile("locales/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("read locale %s: %w", e.Name(), err)
		}
		l, err := parse(data)
		if err != nil {
			return nil, fmt.Errorf("locale %s: %w", e.Name(), err)
		}
		if want := strings.TrimSuffix(e.Name(), path.Ext(e.Name())); l.Tag != want {
			return nil, fmt.Errorf("locale %s: tag %q, want %q", e.Name(), l.Tag, want)
		}
		out[l.Tag] = l
	}
	return out, nil
}

// parse reads one locale file: every label present, each with the placeholders
// of its key, and a translator for its dates.
func parse(data []byte) (*Locale, error) {
	var f file
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	if f.Reviewed == nil {
		return nil, fmt.Errorf("reviewed_by_native_speaker missing")
	}
	if f.Direction != "ltr" && f.Direction != "rtl" {
		return nil, fmt.Errorf("direction %q, want ltr or rtl", f.Direction)
	}
	cl, ok := cldr[f.Tag]
	if !ok {
		return nil, fmt.Errorf("no CLDR data for %q", f.Tag)
	}
	l := &Locale{Tag: f.Tag, Name: f.Name, RTL: f.Direction == "rtl", Reviewed: *f.Reviewed,
		labels: make(map[Key]string, len(f.Labels)), tr: cl(), digits: digitsOf(f.Tag)}
	for k, v := range f.Labels {
		if !slices.Contains(Keys(), Key(k)) {
			return nil, fmt.Errorf("labels.%s: unknown label", k)
		}
		if err := checkPlaceholders(Key(k), v); err != nil {
			return nil, fmt.Errorf("labels.%s: %w", k, err)
		}
		l.labels[Key(k)] = v
	}
	for _, k := range Keys() {
		if _, ok := l.labels[k]; !ok {
			return nil, fmt.Errorf("labels.%s missing", k)
		}
	}
	return l, nil
}

// placeholders lists each label's placeholders: a label must use each exactly
// once and no other, so no translation or override drops what a card says.
var placeholders = map[Key][]string{
	Source:         {"source"},
	DateResolved:   {"date", "as_given"},
	DateWithMedium: {"date", "medium"},
	SpeakerRole:    {"name", "role"},
	Alt:            {"passage", "speaker", "date", "source"},
	OEmbedTitle:    {"speaker", "passage"},
	IndexTitle:     {"brand"},
	IndexIntro:     {"count"},
	EmbedLabel:     {"size"},
	DateNote:       {"note"},
}

// checkPlaceholders checks that s uses exactly the placeholders of key, each once.
func checkPlaceholders(key Key, s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("empty")
	}
	want := placeholders[key]
	var got []string
	for rest := s; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			if strings.IndexByte(rest, '}') >= 0 {
				return fmt.Errorf("%q has a } without a {", s)
			}
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return fmt.Errorf("%q has a { without a }", s)
		}
		got = append(got, rest[i+1:i+j])
		rest = rest[i+j+1:]
	}
	for _, p := range got {
		if !slices.Contains(want, p) {
			return fmt.Errorf("%q has the placeholder {%s}; this label takes %s", s, p, list(want))
		}
	}
	for _, p := range want {
		if n := count(got, p); n != 1 {
			return fmt.Errorf("%q uses {%s} %d times; it must use it once (this label takes %s)", s, p, n, list(want))
		}
	}
	return nil
}

func count(xs []string, x string) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}

func list(ps []string) string {
	if len(ps) == 0 {
		return "no placeholders"
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = "{" + p + "}"
	}
	return strings.Join(out, ", ")
}

// Default is the tag of the locale brands get when they name none.
const Default = "en"

// Tags returns the tags of the built-in locales, sorted.
func Tags() []string {
	m, err := builtin()
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(m))
	for t := range m {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// UnknownError reports a tag that names no built-in locale.
type UnknownError struct {
	Tag string
}

// Error returns, for example, `unknown locale "xx" (built in: ar, bn, de, …)`.
func (e *UnknownError) Error() string {
	return fmt.Sprintf("unknown locale %q (built in: %s)", e.Tag, strings.Join(Tags(), ", "))
}

// Lookup returns the built-in locale of a BCP 47 tag, matched without regard to
// case or to - and _ ("zh-hans" is "zh-Hans"); "" gives Default. Any other tag
// is an *UnknownError listing the built-in locales.
func Lookup(tag string) (*Locale, error) {
	m, err := builtin()
	if err != nil {
		return nil, err
	}
	if tag == "" {
		tag = Default
	}
	want := strings.ReplaceAll(tag, "_", "-")
	if t, err := language.Parse(want); err == nil {
		want = t.String()
	}
	for t, l := range m {
		if strings.EqualFold(t, want) {
			return l, nil
		}
	}
	return nil, &UnknownError{Tag: tag}
}

// MustDefault returns the Default locale. It panics only if the embedded
// locale files are broken, which the package's tests rule out.
func MustDefault() *Locale {
	l, err := Lookup(Default)
	if err != nil {
		panic("locale: " + err.Error())
	}
	return l
}

// LabelError reports a label override that cannot be used: an unknown key, or
// a text without the placeholders the label needs.
type LabelError struct {
	Key string
	Err error
}

// Error returns, for example, `labels.sorce: unknown label (known: source, …)`.
func (e *LabelError) Error() string { return "labels." + e.Key + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *LabelError) Unwrap() error { return e.Err }

// WithLabels returns a copy of l with the given labels replaced. An unknown key
// or a text whose placeholders differ from the label's is a *LabelError naming
// the key; keys are checked in sorted order, so the error is always the same.
func (l *Locale) WithLabels(over map[string]string) (*Locale, error) {
	if len(over) == 0 {
		return l, nil
	}
	keys := make([]string, 0, len(over))
	for k := range over {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	c := *l
	c.labels = make(map[Key]string, len(l.labels))
	for k, v := range l.labels {
		c.labels[k] = v
	}
	c.Overridden = nil
	for _, k := range keys {
		if !slices.Contains(Keys(), Key(k)) {
			known := make([]string, 0, len(Keys()))
			for _, k := range Keys() {
				known = append(known, string(k))
			}
			return nil, &LabelError{Key: k, Err: fmt.Errorf("unknown label (known: %s)", strings.Join(known, ", "))}
		}
		if err := checkPlaceholders(Key(k), over[k]); err != nil {
			return nil, &LabelError{Key: k, Err: err}
		}
		c.labels[Key(k)] = over[k]
		c.Overridden = append(c.Overridden, Key(k))
	}
	return &c, nil
}

// Dir returns the HTML dir of the locale's text: "rtl" or "ltr".
func (l *Locale) Dir() string {
	if l.RTL {
		return "rtl"
	}
	return "ltr"
}

// Text returns the label key with its placeholders filled from args, which
// are name and value pairs: Text(Source, "source", "Reuters").
func (l *Locale) Text(key Key, args ...string) string {
	s := l.labels[key]
	for i := 0; i+1 < len(args); i += 2 {
		s = strings.Replace(s, "{"+args[i]+"}", args[i+1], 1)
	}
	return s
}

// Split returns the label key's text before and after its one placeholder p,
// for pages that put markup in its place.
func (l *Locale) Split(key Key, p string) (before, after string) {
	before, after, _ = strings.Cut(l.labels[key], "{"+p+"}")
	return before, after
}

// Comma returns the locale's list separator, as its SpeakerRole label writes
// it between name and role (", ", "، ", "，", "、"); ", " when the label is not
// of the form "{name}…{role}".
func (l *Locale) Comma() string {
	s := l.labels[SpeakerRole]
	if rest, ok := strings.CutPrefix(s, "{name}"); ok {
		if sep, ok := strings.CutSuffix(rest, "{role}"); ok && !strings.Contains(sep, "{") {
			return sep
		}
	}
	return ", "
}

// mediumKeys maps each medium to its label; Unspecified has none.
var mediumKeys = map[facts.Medium]Key{
	facts.PostOnX:            MediumPostOnX,
	facts.Briefing:           MediumBriefing,
	facts.RemarksToReporters: MediumRemarksToReporters,
	facts.PhoneCall:          MediumPhoneCall,
	facts.Statement:          MediumStatement,
}

// Medium returns the medium's name, or "" for Unspecified and unknown media.
func (l *Locale) Medium(m facts.Medium) string {
	if k, ok := mediumKeys[m]; ok {
		return l.labels[k]
	}
	return ""
}

// LongDate returns t's calendar day in the locale's long date format from CLDR
// ("10 мая 2025 г.", "2025年5月10日"), in the locale's digits.
func (l *Locale) LongDate(t time.Time) string {
	return l.Digits(l.tr.FmtDateLong(t))
}

// Date writes a fact's date out as cards and pages show it: the long date when
// the source states it; a resolved date followed by the source's own words, in
// the DateResolved label; the DateUnknown label when the source gives none. A
// resolved date is never shown as if it were stated.
func (l *Locale) Date(d facts.Date) string {
	t, err := d.Time()
	if err != nil {
		return l.labels[DateUnknown]
	}
	day := l.LongDate(t)
	if d.Precision == facts.Resolved && d.AsGiven != "" {
		return l.Text(DateResolved, "date", day, "as_given", d.AsGiven)
	}
	return day
}

// When returns a fact's date and, when it has one, its medium, as cards and
// pages show them: "10 May 2025 · Post on X".
func (l *Locale) When(f facts.Fact) string { return l.when(l.Date(f.Said), f.Medium) }

// when joins a written date and the name of medium m.
func (l *Locale) when(date string, m facts.Medium) string {
	if name := l.Medium(m); name != "" {
		return l.Text(DateWithMedium, "date", date, "medium", name)
	}
	return date
}

// WhenIsolated is When with the source's words for a resolved date wrapped in
// bidi isolates (U+2068, U+2069), so they keep their own direction inside a
// label of the other: "(“this morning” في المصدر)". For cards; pages leave
// ordering to the browser.
func (l *Locale) WhenIsolated(f facts.Fact) string {
	d := f.Said
	if d.AsGiven != "" {
		d.AsGiven = "\u2068" + d.AsGiven + "\u2069"
	}
	return l.when(l.Date(d), f.Medium)
}

// Number writes a whole number in the locale's digits, without grouping.
func (l *Locale) Number(n int) string { return l.Digits(fmt.Sprint(n)) }

// Digits replaces the ASCII digits in s with the locale's.
func (l *Locale) Digits(s string) string {
	if l.digits == nil {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return l.digits[r-'0']
		}
		return r
	}, s)
}

// Digest returns a hex SHA-256 of every built-in locale file and the CLDR
// library's dates for a fixed day, for cache keys: a changed translation
// changes the cards that show it.
func Digest() string { return digest() }

var digest = sync.OnceValue(func() string {
	h := sha256.New()
	entries, _ := files.ReadDir("locales")
	for _, e := range entries {
		data, _ := files.ReadFile("locales/" + e.Name())
		fmt.Fprintf(h, "%s %d\n", e.Name(), len(data))
		h.Write(data)
	}
	day := time.Date(2025, time.May, 10, 0, 0, 0, 0, time.UTC)
	for _, t := range Tags() {
		l, _ := Lookup(t)
		fmt.Fprintf(h, "%s %s\n", t, l.LongDate(day))
	}
	return hex.EncodeToString(h.Sum(nil))
})
