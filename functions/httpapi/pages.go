package httpapi

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
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
	page, index, indexBody, indexItem, share, shareBody *tmpl
	css                                                 markup
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
		"share": &p.share, "share-body": &p.shareBody,
	} {
		src, err := templateFS.ReadFile("templates/" + name + ".html")
		if err != nil {
			return nil, fmt.Errorf("read template %s: %w", name, err)
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
		if err := s.pages.indexItem.exec(&items, map[string]any{
			"share_url": base + "/share/" + f.ID, "thumb_url": link.URL,
			"thumb_width": link.Width / 2, "thumb_height": link.Height / 2,
			"alt": alt(f), "lang": f.Language, "dir": direction(f.Language), "quoted": quoteMarkup(f),
			"speaker": speakerLine(f), "date": f.Said.Display(),
		}); err != nil {
			return err
		}
	}
	head, err := s.pages.index.render(map[string]any{"base": base, "brand": s.brand.Name})
	if err != nil {
		return err
	}
	body, err := s.pages.indexBody.render(map[string]any{"count": s.facts.Len(), "items": markup(items.String()), "brand": s.brand.Name,
		"pager": pager(base, p, page)})
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
	vals := map[string]any{
		"title":        title(f),
		"description":  description(f),
		"share_url":    shareURL,
		"oembed_url":   base + "/oembed?" + url.Values{"url": {shareURL}, "format": {"json"}}.Encode(),
		"image_url":    image.URL,
		"image_type":   image.Type,
		"image_width":  image.Width,
		"image_height": image.Height,
		"alt":          alt(f),
		"json_ld":      ld,
		"lang":         f.Language,
		"dir":          direction(f.Language),
		"quoted":       quoteMarkup(f),
		"attribution":  attribution(f),
		"when":         when(f),
		"source":       sourceLine(f),
		"links":        sizeLinks(all.Cards),
		"notes":        notes(f),
		"base":         base,
		"brand":        s.brand.Name,
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
	if err := s.pages.page.exec(&b, map[string]any{"css": s.pages.css, "head": head, "body": body, "base": base, "brand_link": brandLink(s.brand)}); err != nil {
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

// quoted puts the quote in quotation marks.
func quoted(f facts.Fact) string {
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

// quoteMarkup is inContext for the page: the context in a muted span.
func quoteMarkup(f facts.Fact) markup {
	before, after := contextParts(f)
	var m markup
	if before != "" {
		m += `<span class="context">` + esc(before) + `</span>`
	}
	m += esc(quoted(f))
	if after != "" {
		m += `<span class="context">` + esc(after) + `</span>`
	}
	return m
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

// attribution is the bold name, the role and the handle.
func attribution(f facts.Fact) markup {
	m := "<strong>" + esc(f.Speaker.Name) + "</strong>"
	if f.Speaker.Role != "" {
		m += ", " + esc(f.Speaker.Role)
	}
	if f.Speaker.Handle != "" {
		m += " (" + esc(f.Speaker.Handle) + ")"
	}
	return m
}

// when is the date and the medium.
func when(f facts.Fact) string {
	if m := f.Medium.Label(); m != "" {
		return f.Said.Display() + " · " + m
	}
	return f.Said.Display()
}

// sourceLine is the headline, linked when the source has a URL, and the publisher.
// Source URLs are http(s) by dataset validation.
func sourceLine(f facts.Fact) markup {
	src := f.Source
	m := "<cite>" + esc(src.Headline) + "</cite>"
	if src.URL != "" {
		m = `<a href="` + esc(src.URL) + `" rel="noopener noreferrer">` + m + "</a>"
	}
	if src.Publisher != "" {
		m += ", " + esc(src.Publisher)
	}
	return m
}

// pager links the index's first and next pages, when there are any.
func pager(base string, p pageRequest, page facts.Page) markup {
	var links []markup
	if p.cursor != "" {
		links = append(links, `<a href="`+esc(base+"/"+p.query(""))+`" rel="first">First page</a>`)
	}
	if page.Next != "" {
		links = append(links, `<a href="`+esc(base+"/"+p.query(page.Next))+`" rel="next">Next page</a>`)
	}
	if len(links) == 0 {
		return ""
	}
	m := markup(`<nav class="pager" aria-label="Pages">`)
	for i, l := range links {
		if i > 0 {
			m += " "
		}
		m += l
	}
	return m + "</nav>"
}

// sizeNames are the card sizes in words people use.
var sizeNames = map[render.Size]string{
	render.SizeOG:       "Link preview",
	render.SizeSquare:   "Square",
	render.SizePortrait: "Portrait",
	render.SizeStory:    "Story",
}

// sizeLinks lists the downloadable cards.
func sizeLinks(links []cardLink) markup {
	var m markup
	for _, l := range links {
		name := sizeNames[l.Size]
		if name == "" {
			name = string(l.Size)
		}
		m += markup(fmt.Sprintf(`<li><a href="%s">%s, %s (%d×%d)</a></li>`+"\n",
			esc(l.URL), esc(name), esc(string(l.Theme)), l.Width, l.Height))
	}
	return m
}

// notes tells readers how the quote and its date were curated, when there is
// something to say.
func notes(f facts.Fact) markup {
	if f.Note == "" && f.Said.Note == "" {
		return ""
	}
	m := markup("<details>\n<summary>About this quote</summary>\n")
	if f.Note != "" {
		m += "<p>" + esc(f.Note) + "</p>\n"
	}
	if f.Said.Note != "" {
		m += "<p>Date: " + esc(f.Said.Note) + "</p>\n"
	}
	return m + "</details>"
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
