package httpapi

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/render"
	"github.com/factcard/factcard/render/brand"
	"github.com/factcard/factcard/render/locale"
)

//go:embed templates
var templateFS embed.FS

// pages holds the parsed HTML templates and the style sheet they inline.
type pages struct {
	page, index, indexBody, indexItem, share, shareBody, sizeLink *tmpl
	embed, embedSize                                              *tmpl
	css                                                           markup
	// csp is the Content-Security-Policy without img-src, which depends on where
	// the cards are served from.
	csp string
}

func newPages(b *brand.Brand) (*pages, error) {
	css, err := templateFS.ReadFile("templates/site.css")
	if err != nil {
		return nil, fmt.Errorf("read style sheet: %w", err)
	}
	css = append(css, brandStyle(b)...)
	sum := sha256.Sum256(css)
	p := &pages{
		css: markup(css),
		// No scripts run; the only style is the inline sheet, allowed by its hash.
		csp: "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
			"base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
	}
	for name, t := range map[string]**tmpl{
		"page": &p.page, "index": &p.index, "index-body": &p.indexBody, "index-item": &p.indexItem,
		"share": &p.share, "share-body": &p.shareBody, "size-link": &p.sizeLink,
		"embed": &p.embed, "embed-size": &p.embedSize,
	} {
		src, err := templateFS.ReadFile("templates/" + name + ".html")
		if err != nil {
			return nil, fmt.Errorf("read template %s: %w", name, err)
		}
		if name == "embed" { // one line: see embedSnippet
			src = bytes.ReplaceAll(src, []byte("\n"), nil)
		}
		if *t, err = parseTmpl(name, string(src)); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// thumb is the og card of a fact as the pages link it.
func (s *server) thumb(base string, f facts.Fact) (cardLink, error) {
	return s.cardLink(base, f, render.Options{Size: render.SizeOG})
}

// index serves GET /?limit=&cursor=: a page of cards for people, with links to the
// first and next pages.
func (s *server) index(w http.ResponseWriter, r *http.Request) error {
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	base, err := s.baseURL(r)
	if err != nil {
		return err
	}
	page, err := s.listPage(r.Context(), p)
	if err != nil {
		return err
	}
	loc := s.locale()
	var items strings.Builder
	for _, f := range page.Facts {
		link, err := s.thumb(base, f)
		if err != nil {
			return err
		}
		before, after := contextParts(f)
		if err := s.pages.indexItem.exec(&items, map[string]any{
			"share_url": base + "/share/" + f.ID, "thumb_url": link.URL,
			"thumb_width": link.Width / 2, "thumb_height": link.Height / 2,
			"alt": alt(loc, f), "lang": f.Language, "dir": direction(f.Language),
			"quoted": quoted(f), "context_before": before, "context_after": after,
			"speaker": speakerLine(loc, f), "date": loc.Date(f.Said),
		}); err != nil {
			return err
		}
	}
	head, err := s.pages.index.render(map[string]any{"base": base,
		"title":       loc.Text(locale.IndexTitle, "brand", s.brand.Name),
		"description": loc.Text(locale.IndexDescription)})
	if err != nil {
		return err
	}
	vals := map[string]any{"intro": loc.Text(locale.IndexIntro, "count", loc.Number(s.facts.Len())),
		"items": markup(items.String()), "brand": s.brand.Name,
		"pager": p.cursor != "" || page.Next != "", "first_url": "", "next_url": "",
		"pager_label": loc.Text(locale.Pager), "first_page": loc.Text(locale.FirstPage), "next_page": loc.Text(locale.NextPage)}
	// Links to the first and the next page, when there are any.
	if p.cursor != "" {
		vals["first_url"] = base + "/" + p.query("")
	}
	if page.Next != "" {
		vals["next_url"] = base + "/" + p.query(page.Next)
	}
	body, err := s.pages.indexBody.render(vals)
	if err != nil {
		return err
	}
	return s.writePage(w, r, base, head, body)
}

func (s *server) share(w http.ResponseWriter, r *http.Request) error {
	f, base, err := s.factAt(r)
	if err != nil {
		return err
	}
	image, err := s.thumb(base, f)
	if err != nil {
		return err
	}
	all, err := s.factResponse(base, f)
	if err != nil {
		return err
	}
	shareURL := base + "/share/" + f.ID
	ld, err := jsonLD(f, shareURL, image.URL)
	if err != nil {
		return err
	}
	links, err := s.sizeLinks(all.Cards)
	if err != nil {
		return err
	}
	embeds, err := s.embedSizes(base, f)
	if err != nil {
		return err
	}
	before, after := contextParts(f)
	loc := s.locale()
	vals := factVals(loc, f)
	maps.Copy(vals, map[string]any{
		"title":          title(loc, f),
		"description":    description(loc, f),
		"share_url":      shareURL,
		"oembed_url":     base + "/oembed?" + url.Values{"url": {shareURL}, "format": {"json"}}.Encode(),
		"image_url":      image.URL,
		"image_type":     image.Type,
		"image_width":    image.Width,
		"image_height":   image.Height,
		"json_ld":        ld,
		"quoted":         quoted(f),
		"context_before": before,
		"context_after":  after,
		"links":          links,
		"embeds":         embeds,
		"notes":          f.Note != "" || f.Said.Note != "",
		"note":           f.Note,
		"date_note":      f.Said.Note,
		"base":           base,
		"brand":          s.brand.Name,
		"download":       loc.Text(locale.Download),
		"embed_title":    loc.Text(locale.Embed),
		"embed_intro":    loc.Text(locale.EmbedIntro),
		"about":          loc.Text(locale.About),
		"back":           loc.Text(locale.Back),
	})
	if f.Said.Note != "" {
		vals["date_note"] = loc.Text(locale.DateNote, "note", f.Said.Note)
	}
	head, err := s.pages.share.render(vals)
	if err != nil {
		return err
	}
	body, err := s.pages.shareBody.render(vals)
	if err != nil {
		return err
	}
	return s.writePage(w, r, base, head, body)
}

// writePage wraps head and body in the page layout and writes it with the headers
// every page needs.
func (s *server) writePage(w http.ResponseWriter, r *http.Request, base string, head, body markup) error {
	var b strings.Builder
	loc := s.locale()
	if err := s.pages.page.exec(&b, map[string]any{"css": s.pages.css, "head": head, "body": body, "base": base,
		"brand": s.brand.Name, "brand_url": s.brand.URL, "lang": loc.Tag, "dir": loc.Dir(),
		"footer": loc.Text(locale.Footer), "json_api": loc.Text(locale.JSONAPI)}); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Security-Policy", s.pages.csp+"; img-src 'self' "+base)
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	h.Set("Cache-Control", plainCache)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(b.String()))
	}
	return nil
}

// quoted puts the quote in its language's quotation marks, as the card does: Urdu
// and Arabic, read right to left, open with ” and close with “; Persian takes
// « », Hebrew ” ”.
func quoted(f facts.Fact) string {
	switch f.Language {
	case "ur", "ar":
		return "”" + f.Quote + "“"
	case "fa":
		return "«" + f.Quote + "»"
	case "he":
		return "”" + f.Quote + "”"
	}
	return "“" + f.Quote + "”"
}

// inContext is the quote in quotation marks between the source's words around it,
// one passage as the source gives it: `India has condemned the attacks as
// “irresponsible and cowardly”`. Without context it is the quote alone.
func inContext(f facts.Fact) string {
	before, after := contextParts(f)
	return before + quoted(f) + after
}

// contextParts returns the words before and after the quote, each with the space
// that joins it to the quote (none before punctuation: "”, pointing").
func contextParts(f facts.Fact) (before, after string) {
	if b := f.Context.Before; b != "" {
		before = b + " "
	}
	if a := f.Context.After; a != "" {
		after = a
		if !strings.ContainsAny(a[:1], ",.;:!?)") {
			after = " " + a
		}
	}
	return before, after
}

// direction is the HTML dir of a language's text: rtl where its script, given
// or likely, is written right to left.
func direction(lang string) string {
	if locale.LanguageRTL(lang) {
		return "rtl"
	}
	return "ltr"
}

// locale is the language of the pages' own words: the brand's.
func (s *server) locale() *locale.Locale {
	if s.brand != nil && s.brand.Locale != nil {
		return s.brand.Locale
	}
	return locale.MustDefault()
}

// speakerLine is "Name, Role" (in the locale's words) or just the name.
func speakerLine(loc *locale.Locale, f facts.Fact) string {
	if f.Speaker.Role != "" {
		return loc.Text(locale.SpeakerRole, "name", f.Speaker.Name, "role", f.Speaker.Role)
	}
	return f.Speaker.Name
}

// title is the page and unfurl title: who said it.
func title(loc *locale.Locale, f facts.Fact) string { return speakerLine(loc, f) }

// oembedTitle is the oEmbed title: who said what, the quote in its context.
func oembedTitle(loc *locale.Locale, f facts.Fact) string {
	return loc.Text(locale.OEmbedTitle, "speaker", speakerLine(loc, f), "passage", inContext(f))
}

// description is the unfurl text: the whole quote in its context, then when and where.
func description(loc *locale.Locale, f facts.Fact) string {
	parts := []string{inContext(f), loc.Date(f.Said)}
	if m := loc.Medium(f.Medium); m != "" {
		parts = append(parts, m)
	}
	parts = append(parts, loc.Text(locale.Source, "source", f.Source.Headline))
	return strings.Join(parts, " · ")
}

// alt describes the card image for people who cannot see it: everything it shows.
func alt(loc *locale.Locale, f facts.Fact) string {
	return loc.Text(locale.Alt, "passage", inContext(f), "speaker", speakerLine(loc, f),
		"date", loc.Date(f.Said), "source", f.Source.Headline)
}

// sizeKeys are the labels of the card sizes in words people use.
var sizeKeys = map[render.Size]locale.Key{
	render.SizeOG:       locale.SizeOG,
	render.SizeSquare:   locale.SizeSquare,
	render.SizePortrait: locale.SizePortrait,
	render.SizeStory:    locale.SizeStory,
}

// sizeName is a card size in words.
func sizeName(loc *locale.Locale, size render.Size) string {
	if k, ok := sizeKeys[size]; ok {
		return loc.Text(k)
	}
	return string(size)
}

// sizeLinks lists the downloadable cards, one size-link template each.
func (s *server) sizeLinks(links []cardLink) (markup, error) {
	var b strings.Builder
	loc := s.locale()
	for _, l := range links {
		name := sizeName(loc, l.Size)
		if err := s.pages.sizeLink.exec(&b, map[string]any{
			"url": l.URL, "name": name, "theme": string(l.Theme), "width": l.Width, "height": l.Height, "comma": loc.Comma(),
		}); err != nil {
			return "", err
		}
	}
	return markup(b.String()), nil
}

// jsonLD is the schema.org Quotation of a fact, safe inside a script element:
// json.Marshal escapes <, > and &.
func jsonLD(f facts.Fact, shareURL, imageURL string) (markup, error) {
	creator := map[string]any{"@type": "Person", "name": f.Speaker.Name}
	if f.Speaker.Kind == facts.Body {
		creator["@type"] = "Organization"
	}
	if f.Speaker.Role != "" {
		creator["jobTitle"] = f.Speaker.Role
	}
	source := map[string]any{"@type": "NewsArticle", "headline": f.Source.Headline}
	if f.Source.URL != "" {
		source["url"] = f.Source.URL
	}
	if f.Source.Publisher != "" {
		source["publisher"] = map[string]any{"@type": "Organization", "name": f.Source.Publisher}
	}
	if f.Source.Published.Known() {
		source["datePublished"] = f.Source.Published.Value
	}
	q := map[string]any{
		"@context":   "https://schema.org",
		"@type":      "Quotation",
		"text":       f.Quote,
		"inLanguage": f.Language,
		"creator":    creator,
		"isBasedOn":  source,
		"url":        shareURL,
		"image":      imageURL,
	}
	if f.Said.Known() {
		q["dateCreated"] = f.Said.Value
	}
	b, err := json.Marshal(q)
	if err != nil {
		return "", fmt.Errorf("marshal JSON-LD: %w", err)
	}
	return markup(b), nil
}

// factVals are the template values of every page that shows a fact: its
// language and alt text, and the attribution (speaker, date and medium, source),
// in the words of locale loc.
func factVals(loc *locale.Locale, f facts.Fact) map[string]any {
	srcBefore, srcAfter := loc.Split(locale.Source, "source")
	return map[string]any{
		"alt": alt(loc, f),
		// In a right-to-left page the headline is isolated (dir="auto"), so a
		// left-to-right one ending in "?" keeps its mark at its end.
		"rtl":           loc.RTL,
		"comma":         loc.Comma(),
		"source_before": srcBefore,
		"source_after":  srcAfter,
		"lang":          f.Language,
		"dir":           direction(f.Language),
		"name":          f.Speaker.Name,
		"role":          f.Speaker.Role,
		"handle":        f.Speaker.Handle,
		"when":          loc.When(f),
		"headline":      f.Source.Headline,
		"source_url":    f.Source.URL, // http(s): the dataset's validation says so
		"publisher":     f.Source.Publisher,
	}
}
