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
			"alt": alt(f), "lang": f.Language, "dir": direction(f.Language),
			"quoted": quoted(f), "context_before": before, "context_after": after,
			"speaker": speakerLine(f), "date": f.Said.Display(),
		}); err != nil {
			return err
		}
	}
	head, err := s.pages.index.render(map[string]any{"base": base, "brand": s.brand.Name})
	if err != nil {
		return err
	}
	vals := map[string]any{"count": s.facts.Len(), "items": markup(items.String()), "brand": s.brand.Name,
		"pager": p.cursor != "" || page.Next != "", "first_url": "", "next_url": ""}
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
	vals := factVals(f)
	maps.Copy(vals, map[string]any{
		"title":          title(f),
		"description":    description(f),
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
	})
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
	if err := s.pages.page.exec(&b, map[string]any{"css": s.pages.css, "head": head, "body": body, "base": base,
		"brand": s.brand.Name, "brand_url": s.brand.URL}); err != nil {
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

// quoted puts the quote in its language's quotation marks, as the card does: Urdu,
// read right to left, opens with ” and closes with “.
func quoted(f facts.Fact) string {
	if f.Language == "ur" {
		return "”" + f.Quote + "“"
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

// direction is the HTML dir of a language's text.
func direction(lang string) string {
	if lang == "ur" {
		return "rtl"
	}
	return "ltr"
}

// speakerLine is "Name, Role" or just the name.
func speakerLine(f facts.Fact) string {
	if f.Speaker.Role != "" {
		return f.Speaker.Name + ", " + f.Speaker.Role
	}
	return f.Speaker.Name
}

// title is the page and unfurl title: who said it.
func title(f facts.Fact) string { return speakerLine(f) }

// oembedTitle is the oEmbed title: who said what, the quote in its context.
func oembedTitle(f facts.Fact) string { return speakerLine(f) + ": " + inContext(f) }

// description is the unfurl text: the whole quote in its context, then when and where.
func description(f facts.Fact) string {
	parts := []string{inContext(f), f.Said.Display()}
	if m := f.Medium.Label(); m != "" {
		parts = append(parts, m)
	}
	parts = append(parts, "Source: "+f.Source.Headline)
	return strings.Join(parts, " · ")
}

// alt describes the card image for people who cannot see it: everything it shows.
func alt(f facts.Fact) string {
	return "Quote card: " + inContext(f) + " — " + speakerLine(f) + ", " + f.Said.Display() + ". Source: " + f.Source.Headline
}

// when is the date and the medium.
func when(f facts.Fact) string {
	if m := f.Medium.Label(); m != "" {
		return f.Said.Display() + " · " + m
	}
	return f.Said.Display()
}

// sizeNames are the card sizes in words people use.
var sizeNames = map[render.Size]string{
	render.SizeOG:       "Link preview",
	render.SizeSquare:   "Square",
	render.SizePortrait: "Portrait",
	render.SizeStory:    "Story",
}

// sizeName is a card size in words.
func sizeName(size render.Size) string {
	if name := sizeNames[size]; name != "" {
		return name
	}
	return string(size)
}

// sizeLinks lists the downloadable cards, one size-link template each.
func (s *server) sizeLinks(links []cardLink) (markup, error) {
	var b strings.Builder
	for _, l := range links {
		name := sizeName(l.Size)
		if err := s.pages.sizeLink.exec(&b, map[string]any{
			"url": l.URL, "name": name, "theme": string(l.Theme), "width": l.Width, "height": l.Height,
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
// language and alt text, and the attribution (speaker, date and medium, source).
func factVals(f facts.Fact) map[string]any {
	return map[string]any{
		"alt":        alt(f),
		"lang":       f.Language,
		"dir":        direction(f.Language),
		"name":       f.Speaker.Name,
		"role":       f.Speaker.Role,
		"handle":     f.Speaker.Handle,
		"when":       when(f),
		"headline":   f.Source.Headline,
		"source_url": f.Source.URL, // http(s): the dataset's validation says so
		"publisher":  f.Source.Publisher,
	}
}
