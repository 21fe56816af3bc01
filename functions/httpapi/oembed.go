package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/render"
)

// oembedResponse is an oEmbed 1.0 response: rich (the embed snippet as html) or,
// when asked for, photo (the card as url). Both carry the card as the thumbnail.
type oembedResponse struct {
	Version string `json:"version"`
	Type    string `json:"type"`
	// URL is the card, for type photo.
	URL string `json:"url,omitempty"`
	// HTML is the embed snippet, for type rich.
	HTML            string `json:"html,omitempty"`
	Width           int    `json:"width"`
	Height          int    `json:"height"`
	Title           string `json:"title"`
	AuthorName      string `json:"author_name"`
	ProviderName    string `json:"provider_name"`
	ProviderURL     string `json:"provider_url"`
	CacheAge        int    `json:"cache_age"`
	ThumbnailURL    string `json:"thumbnail_url"`
	ThumbnailWidth  int    `json:"thumbnail_width"`
	ThumbnailHeight int    `json:"thumbnail_height"`
}

// oembed serves GET /oembed?url=&maxwidth=&maxheight=&format=json&type= for our
// share pages. It answers rich: the embed snippet of the largest card that fits
// the bounds (the og card when none are given), with that card as the thumbnail.
// type=photo answers with the card alone, for consumers that embed only images or
// drop rich answers without an iframe (WordPress does, for providers it discovers).
func (s *server) oembed(w http.ResponseWriter, r *http.Request) error {
	q, err := singleQuery(r.URL.RawQuery, "url", "format", "maxwidth", "maxheight", "type")
	if err != nil {
		return err
	}
	if f := q["format"]; f != "" && f != "json" {
		return &httpError{http.StatusNotImplemented, "only format=json is supported"}
	}
	typ := q["type"]
	switch typ {
	case "":
		typ = "rich"
	case "rich", "photo":
	default:
		return badRequest("type must be rich (the default) or photo")
	}
	maxW, err := bound(q["maxwidth"], "maxwidth")
	if err != nil {
		return err
	}
	maxH, err := bound(q["maxheight"], "maxheight")
	if err != nil {
		return err
	}
	if q["url"] == "" {
		return badRequest("url is required: the share page to embed")
	}
	base, err := s.baseURL(r)
	if err != nil {
		return err
	}
	f, theme, err := s.shareID(r.Context(), base, q["url"])
	if err != nil {
		return err
	}
	size, ok := largestFitting(maxW, maxH)
	if !ok {
		return notFound(fmt.Sprintf("no card fits within %s×%s pixels", dim(maxW), dim(maxH)))
	}
	e, err := s.embed(base, f, render.Options{Size: size, Theme: theme})
	if err != nil {
		return err
	}
	resp := oembedResponse{
		Version: "1.0", Type: typ, Width: e.Card.Width, Height: e.Card.Height,
		Title: oembedTitle(s.locale(), f), AuthorName: f.Speaker.Name, ProviderName: s.brand.Name, ProviderURL: providerURL(s.brand.URL, base),
		CacheAge:     3600,
		ThumbnailURL: e.Card.URL, ThumbnailWidth: e.Card.Width, ThumbnailHeight: e.Card.Height,
	}
	if typ == "photo" {
		resp.URL = e.Card.URL
	} else {
		resp.HTML = string(e.HTML)
	}
	w.Header().Set("Cache-Control", plainCache)
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// shareID checks that raw is one of our share pages and returns its fact and the
// theme it asks for. Anything else, including other hosts and schemes, is a 404 as
// oEmbed prescribes.
func (s *server) shareID(ctx context.Context, base, raw string) (facts.Fact, render.Theme, error) {
	notOurs := notFound("url is not a share page of this site")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil {
		return facts.Fact{}, "", notOurs
	}
	b, _ := url.Parse(base)
	if !strings.EqualFold(u.Host, b.Host) {
		return facts.Fact{}, "", notOurs
	}
	id, ok := strings.CutPrefix(u.Path, strings.TrimRight(b.Path, "/")+"/share/")
	if !ok {
		return facts.Fact{}, "", notOurs
	}
	f, err := s.lookup(ctx, id)
	if errors.Is(err, errUnknownFact) {
		return facts.Fact{}, "", notOurs
	}
	if err != nil {
		return facts.Fact{}, "", err
	}
	theme, err := s.cards.ParseTheme(u.Query().Get("theme"))
	if err != nil {
		theme, _ = s.cards.ParseTheme("") // the brand's default
	}
	return f, theme, nil
}

// bound parses an optional positive pixel bound; 0 means none.
func bound(v, name string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 || n > 100000 {
		return 0, badRequest(name + " must be a positive whole number of pixels")
	}
	return n, nil
}

func dim(n int) string {
	if n == 0 {
		return "any"
	}
	return strconv.Itoa(n)
}

// largestFitting is the card size of greatest area within the bounds (0 = no
// bound); with no bounds, the og card that share pages unfurl into.
func largestFitting(maxW, maxH int) (render.Size, bool) {
	if maxW == 0 && maxH == 0 {
		return render.SizeOG, true
	}
	var best render.Size
	bestArea := 0
	for _, size := range render.Sizes() {
		w, h := size.Dimensions()
		if (maxW != 0 && w > maxW) || (maxH != 0 && h > maxH) {
			continue
		}
		if w*h > bestArea {
			best, bestArea = size, w*h
		}
	}
	return best, bestArea > 0
}

// providerURL is oEmbed's provider_url: the brand's URL, else this site.
func providerURL(brandURL, base string) string {
	if brandURL != "" {
		return brandURL
	}
	return base + "/"
}
