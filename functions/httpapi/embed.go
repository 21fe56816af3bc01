package httpapi

import (
	"maps"
	"strings"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/render"
	"github.com/factcard/factcard/render/locale"
)

// embedSnippet is the HTML people paste into their own pages to embed one card of
// a fact, and what /oembed answers as html: the card linked to its share page,
// the quote as text with its context in a blockquote that cites the source, and
// the attribution. It has no script, no iframe and no class, only a few inline
// styles, so it reads well on any page and as plain text; and no line breaks, so
// that editors which turn line breaks into <br> or <p> (WordPress's classic
// editor does) leave it as it is.
type embedSnippet struct {
	HTML markup
	// Card is the card it shows, at its full size in pixels.
	Card cardLink
}

// embed builds the snippet of the card of f with opts.
func (s *server) embed(base string, f facts.Fact, opts render.Options) (embedSnippet, error) {
	card, err := s.cardLink(base, f, opts)
	if err != nil {
		return embedSnippet{}, err
	}
	shareURL := base + "/share/" + f.ID
	cite := shareURL
	if f.Source.URL != "" {
		cite = f.Source.URL
	}
	// The card is shown at half its pixel size: sharp on high-density screens, and
	// no wider than an embedded post.
	w, h := card.Width/2, card.Height/2
	loc := s.locale()
	vals := factVals(loc, f)
	maps.Copy(vals, map[string]any{
		"page_lang": loc.Tag,
		"page_dir":  loc.Dir(),
		"max_width": w,
		"share_url": shareURL,
		"image_url": card.URL,
		"width":     w,
		"height":    h,
		"cite":      cite,
		"passage":   inContext(f),
	})
	html, err := s.pages.embed.render(vals)
	if err != nil {
		return embedSnippet{}, err
	}
	return embedSnippet{HTML: html, Card: card}, nil
}

// embedSizes is the share page's Embed section: a snippet for each card size, in a
// read-only text box, the og card's open.
func (s *server) embedSizes(base string, f facts.Fact) (markup, error) {
	var b strings.Builder
	loc := s.locale()
	for _, size := range render.Sizes() {
		e, err := s.embed(base, f, render.Options{Size: size})
		if err != nil {
			return "", err
		}
		if err := s.pages.embedSize.exec(&b, map[string]any{
			"open": size == render.DefaultSize, "name": sizeName(loc, size), "width": e.Card.Width, "height": e.Card.Height,
			"label": loc.Text(locale.EmbedLabel, "size", sizeName(loc, size)),
			"rtl":   loc.RTL, // the markup reads left to right in a right-to-left page too
			// A string, so the snippet is escaped: the box shows the markup to copy.
			"snippet": string(e.HTML),
		}); err != nil {
			return "", err
		}
	}
	return markup(b.String()), nil
}
