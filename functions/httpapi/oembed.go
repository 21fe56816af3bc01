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

// oembedResponse is an oEmbed 1.0 photo response.
type oembedResponse struct {
	Version      string `json:"version"`
	Type         string `json:"type"`
	URL          string `json:"url"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	Title        string `json:"title"`
	AuthorName   string `json:"author_name"`
	ProviderName string `json:"provider_name"`
	ProviderURL  string `json:"provider_url"`
	CacheAge     int    `json:"cache_age"`
}

// oembed serves GET /oembed?url=&maxwidth=&maxheight=&format=json for our share
// pages: a photo of the largest card that fits the bounds (the og card when none
// are given).
func (s *server) oembed(w http.ResponseWriter, r *http.Request) error {
	q, err := singleQuery(r.URL.RawQuery, "url", "format", "maxwidth", "maxheight")
	if err != nil {
		return err
	}
	if f := q["format"]; f != "" && f != "json" {
		return &httpError{http.StatusNotImplemented, "only format=json is supported"}
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
	link, err := s.cardLink(base, f, render.Options{Size: size, Theme: theme})
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", plainCache)
	writeJSON(w, http.StatusOK, oembedResponse{
		Version: "1.0", Type: "photo", URL: link.URL, Width: link.Width, Height: link.Height,
		Title: oembedTitle(f), AuthorName: f.Speaker.Name, ProviderName: s.brand.Name, ProviderURL: providerURL(s.brand.URL, base),
		CacheAge: 3600,
	})
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
