package httpapi

import (
	"encoding/json"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/render/brand"
	"github.com/factcard/factcard/render/locale"
)

// localeBrand is the built-in brand with "locale": tag.
func localeBrand(t testing.TB, tag string) *brand.Brand {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "render", "brand", "builtin", "brand.json"))
	if err != nil {
		t.Fatal(err)
	}
	js := strings.Replace(string(data), `"name"`, `"locale": "`+tag+`", "name"`, 1)
	b, err := brand.Load(fstest.MapFS{brand.File: {Data: []byte(js)}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPagesInLocale checks the pages' own words, lang and dir in the brand's
// locale: the share page, the index, the embed snippet (in /oembed) and the
// oEmbed title. The quote keeps its own lang and dir.
func TestPagesInLocale(t *testing.T) {
	const id = "rubio-methods-to-de-escalate" // a resolved date and a medium
	for _, tc := range []struct {
		tag, dir string
		share    []string // in the share page
		index    []string // in the index
		embed    []string // in the og embed snippet
		title    string   // oEmbed's title starts so
		english  []string // English words none of the pages may hold
	}{
		{
			tag: "en", dir: "ltr",
			share: []string{`<html lang="en" dir="ltr">`, `<textarea readonly`, `10 May 2025 (“this morning” in the source) · Phone call`, `>Download this card<`,
				`<p class="meta">Source: <cite>`, `content="Quote card: Rubio emphasised`},
			index: []string{`<html lang="en" dir="ltr">`, `curated quotes, each verbatim`},
			embed: []string{`<figure lang="en" dir="ltr"`, `<blockquote cite=`, `lang="en" dir="ltr"><p>Rubio`, `<br>Source: <cite>`},
			title: "Marco Rubio, US Secretary of State: Rubio emphasised",
		},
		{
			tag: "ar", dir: "rtl",
			share: []string{`<html lang="ar" dir="rtl">`, `١٠ مايو ٢٠٢٥ (”this morning“ في المصدر)، مكالمة هاتفية`, `>نزّل هذه البطاقة<`,
				`<p class="meta">المصدر: <cite dir="auto">`, `<textarea dir="ltr" readonly`, `content="بطاقة اقتباس: Rubio emphasised`, `>→ كل البطاقات<`,
				`<blockquote lang="en" dir="ltr">`, `Marco Rubio، US Secretary of State`,
				`<strong>Marco Rubio</strong>، US Secretary of State`, `>معاينة الرابط، dark (1200×630)<`},
			index: []string{`<html lang="ar" dir="rtl">`, `عدد الاقتباسات المنتقاة: ` + arabicIndic(facts.Default().Len()) + `،`},
			embed: []string{`<figure lang="ar" dir="rtl"`, `lang="en" dir="ltr"><p>Rubio`, `<br>المصدر: <cite dir="auto">`},
			title: "Marco Rubio، US Secretary of State: Rubio emphasised",
			english: []string{"Download this card", "Source:", "All cards", "curated quotes", "Phone call", "in the source",
				"Quote card", "Embed<", "every quote verbatim", "Link preview"},
		},
		{
			tag: "ru", dir: "ltr",
			share: []string{`<html lang="ru" dir="ltr">`, `10 мая 2025 г. («this morning» в источнике) · Телефонный разговор`,
				`<p class="meta">Источник: <cite>`, `>Скачать эту карточку<`},
			index: []string{`<html lang="ru" dir="ltr">`, `Отобранных цитат: ` + strconv.Itoa(facts.Default().Len()) + `,`},
			embed: []string{`<figure lang="ru" dir="ltr"`, `<br>Источник: <cite>`},
			title: "Marco Rubio, US Secretary of State: Rubio emphasised",
			english: []string{"Download this card", "Source:", "All cards", "curated quotes", "Phone call", "in the source",
				"Quote card", "Embed<", "every quote verbatim", "Link preview"},
		},
	} {
		t.Run(tc.tag, func(t *testing.T) {
			ts := newBrandServer(t, localeBrand(t, tc.tag))
			share := html.UnescapeString(string(body(t, ts.do(t, "GET", "/share/"+id, nil))))
			index := html.UnescapeString(string(body(t, ts.do(t, "GET", "/", nil))))
			resp := ts.do(t, "GET", "/oembed?url="+url.QueryEscape("https://cards.example.org/share/"+id), nil)
			var oe struct {
				Title string `json:"title"`
				HTML  string `json:"html"`
			}
			if err := json.Unmarshal(body(t, resp), &oe); err != nil {
				t.Fatalf("oEmbed answer: %v", err)
			}
			check := func(page, name string, wants []string) {
				t.Helper()
				for _, w := range wants {
					if !strings.Contains(page, w) {
						t.Errorf("%s lacks %q", name, w)
					}
				}
			}
			check(share, "share page", tc.share)
			check(index, "index", tc.index)
			check(html.UnescapeString(oe.HTML), "embed snippet", tc.embed)
			if !strings.HasPrefix(oe.Title, tc.title) {
				t.Errorf("oEmbed title %q, want it to start %q", oe.Title, tc.title)
			}
			for _, page := range []struct{ name, text string }{{"share page", share}, {"index", index}, {"embed snippet", oe.HTML}} {
				for _, e := range tc.english {
					if strings.Contains(page.text, e) {
						t.Errorf("%s still says %q in English", page.name, e)
					}
				}
			}
		})
	}
}

// arabicIndic writes n in Arabic-Indic digits (U+0660–U+0669).
func arabicIndic(n int) string {
	return strings.Map(func(r rune) rune { return r - '0' + '\u0660' }, strconv.Itoa(n))
}

// TestEveryLocalePageDirection checks every built-in locale's share page and
// embed snippet carry its lang and dir, and its source label, while the quote
// keeps its own.
func TestEveryLocalePageDirection(t *testing.T) {
	const id = "jaishankar-measured-and-responsible"
	rtl := map[string]bool{"ar": true, "fa": true, "he": true, "ur": true}
	for _, tag := range locale.Tags() {
		t.Run(tag, func(t *testing.T) {
			b := localeBrand(t, tag)
			dir := "ltr"
			if rtl[tag] {
				dir = "rtl"
			}
			ts := newBrandServer(t, b)
			share := html.UnescapeString(string(body(t, ts.do(t, "GET", "/share/"+id, nil))))
			srcLabel, _ := b.Locale.Split(locale.Source, "source")
			for _, want := range []string{
				`<html lang="` + tag + `" dir="` + dir + `">`,
				`<figure lang="` + tag + `" dir="` + dir + `"`,
				`<blockquote lang="en" dir="ltr">`,
				`<p class="meta">` + srcLabel + `<cite`,
			} {
				if !strings.Contains(share, want) {
					t.Errorf("share page lacks %q", want)
				}
			}
		})
	}
}
