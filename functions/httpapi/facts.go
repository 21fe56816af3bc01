package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/render"
)

// factResponse is a fact as the API returns it: the fact itself plus where to get
// its cards and share page.
type factResponse struct {
	facts.Fact
	ShareURL string     `json:"share_url"`
	Cards    []cardLink `json:"cards"`
}

// cardLink is one card of a fact.
type cardLink struct {
	Size   render.Size  `json:"size"`
	Theme  render.Theme `json:"theme"`
	Width  int          `json:"width"`
	Height int          `json:"height"`
	Type   string       `json:"type"`
	URL    string       `json:"url"`
}

// factsPage is a page of GET /facts.
type factsPage struct {
	// Facts are the page's facts, each a factResponse as JSON.
	Facts []json.RawMessage `json:"facts"`
	// Total is the number of facts in the dataset.
	Total int `json:"total"`
	// Next is the cursor of the next page, absent on the last page.
	Next string `json:"next,omitempty"`
	// NextURL is the URL of the next page, absent on the last page.
	NextURL string `json:"next_url,omitempty"`
}

// listFacts serves GET /facts?limit=&cursor=: a page of facts with their card URLs.
func (s *server) listFacts(w http.ResponseWriter, r *http.Request) error {
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
	out := factsPage{Facts: make([]json.RawMessage, 0, len(page.Facts)), Total: s.facts.Len(), Next: page.Next}
	size := 0
	for _, f := range page.Facts {
		fr, err := s.factResponse(base, f)
		if err != nil {
			return err
		}
		b, err := json.Marshal(fr)
		if err != nil {
			return fmt.Errorf("encode fact %q: %w", f.ID, err)
		}
		if size += len(b) + 1; size > MaxPageBytes && len(out.Facts) > 0 {
			// Full: end the page before this fact. The set's cursor after the
			// facts that fit is that of a page of that many.
			short, err := s.listPage(r.Context(), pageRequest{cursor: p.cursor, limit: len(out.Facts)})
			if err != nil {
				return err
			}
			out.Next = short.Next
			break
		}
		out.Facts = append(out.Facts, b)
	}
	if out.Next != "" {
		out.NextURL = base + "/facts" + p.query(out.Next)
	}
	w.Header().Set("Cache-Control", plainCache)
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) getFact(w http.ResponseWriter, r *http.Request) error {
	f, base, err := s.factAt(r)
	if err != nil {
		return err
	}
	fr, err := s.factResponse(base, f)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", plainCache)
	writeJSON(w, http.StatusOK, fr)
	return nil
}

// factAt returns the fact a request's {id} names and the base URL of the request.
func (s *server) factAt(r *http.Request) (facts.Fact, string, error) {
	f, err := s.lookup(r.Context(), r.PathValue("id"))
	if err != nil {
		return facts.Fact{}, "", err
	}
	base, err := s.baseURL(r)
	return f, base, err
}

// lookup finds a fact by an untrusted ID. An ID that is not in the dataset is a
// 404; a dataset that cannot be read is an internal error, never a wrong fact.
func (s *server) lookup(ctx context.Context, id string) (facts.Fact, error) {
	if !facts.ValidID(id) {
		return facts.Fact{}, errUnknownFact
	}
	f, err := s.facts.Fact(ctx, id)
	switch {
	case errors.Is(err, facts.ErrNotFound):
		return facts.Fact{}, errUnknownFact
	case err != nil:
		return facts.Fact{}, fmt.Errorf("look up fact %q: %w", id, err)
	}
	return f, nil
}

// errUnknownFact is the answer for an ID that is not in the dataset.
var errUnknownFact = notFound("no fact with that ID: see /facts for the list")

func (s *server) factResponse(base string, f facts.Fact) (factResponse, error) {
	fr := factResponse{Fact: f, ShareURL: base + "/share/" + f.ID}
	for _, size := range render.Sizes() {
		for _, theme := range s.cards.Themes() {
			link, err := s.cardLink(base, f, render.Options{Size: size, Theme: theme})
			if err != nil {
				return factResponse{}, err
			}
			fr.Cards = append(fr.Cards, link)
		}
	}
	return fr, nil
}

func (s *server) cardLink(base string, f facts.Fact, opts render.Options) (cardLink, error) {
	ref, err := s.cards.FactRef(f, opts)
	if err != nil {
		return cardLink{}, err
	}
	w, h := ref.Options.Size.Dimensions()
	return cardLink{Size: ref.Options.Size, Theme: ref.Options.Theme, Width: w, Height: h,
		Type: ref.Options.Format.ContentType(), URL: base + cardPath(ref)}, nil
}

// hostPattern accepts a DNS name or IPv4 address, or a bracketed IPv6 address, with
// an optional port: what a Host or X-Forwarded-Host header may carry into a URL. A
// name's length is checked apart (validHost): a counted repetition such as
// {0,251} compiles to a copy of the class per count, built at every cold start.
var hostPattern = regexp.MustCompile(`^([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$`)

// maxHostName is the longest DNS name, in characters (RFC 1035, written without
// the final dot).
const maxHostName = 253

// validHost reports whether host, a Host or X-Forwarded-Host value, matches
// hostPattern with a name of at most maxHostName characters.
func validHost(host string) bool {
	if !hostPattern.MatchString(host) {
		return false
	}
	name, _, _ := strings.Cut(host, ":") // a name has no colon; an IPv6 address is bracketed
	return strings.HasPrefix(host, "[") || len(name) <= maxHostName
}

// baseURL is the absolute URL the client reached us at: the configured public URL;
// else, with TrustForwarded, the forwarded scheme and host (X-Forwarded-Proto and
// -Host, which the CDN sets) or the absolute-form request target; else the request's
// own scheme and Host. On Lambda the Host is the domain API Gateway or the function
// URL reports, over HTTPS (see functions/apigw).
func (s *server) baseURL(r *http.Request) (string, error) {
	if s.public != nil {
		return s.public.String(), nil
	}
	host := r.Host
	switch {
	case s.trustForwarded:
		if fh := firstValue(r.Header.Get("X-Forwarded-Host")); fh != "" {
			host = fh
		}
	case absoluteForm(r):
		// net/http takes the Host from such a target and drops the Host header, so
		// the host the client wrote is all there is: not a base for links.
		return "", badRequest("links are built from the Host header: send the path alone, not an absolute URL")
	}
	if !validHost(host) {
		return "", badRequest("bad Host header")
	}
	return (&url.URL{Scheme: s.scheme(r), Host: strings.ToLower(host)}).String(), nil
}

// scheme is "https" when the request came over TLS (on Lambda, always) or, with
// TrustForwarded, when X-Forwarded-Proto or an absolute-form target says so.
func (s *server) scheme(r *http.Request) string {
	if s.trustForwarded {
		if p := firstValue(r.Header.Get("X-Forwarded-Proto")); p == "https" || p == "http" {
			return p
		}
		if absoluteForm(r) && (r.URL.Scheme == "https" || r.URL.Scheme == "http") {
			return r.URL.Scheme
		}
	}
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// absoluteForm reports whether the request target was an absolute URL
// ("GET http://host/path"), which net/http lets override the Host header.
func absoluteForm(r *http.Request) bool {
	return r.RequestURI != "" && !strings.HasPrefix(r.RequestURI, "/") && r.RequestURI != "*"
}

// links wraps a route whose answer holds absolute links, so that caches know which
// request headers those links were built from: none with a public URL, the Host
// otherwise, and the forwarded headers when they are trusted.
func (s *server) links(h handlerFunc) handlerFunc {
	var vary string
	switch {
	case s.public != nil:
	case s.trustForwarded:
		vary = "Host, X-Forwarded-Host, X-Forwarded-Proto"
	default:
		vary = "Host"
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		if vary != "" {
			w.Header().Set("Vary", vary)
		}
		return h(w, r)
	}
}

func firstValue(h string) string {
	v, _, _ := strings.Cut(h, ",")
	return strings.TrimSpace(v)
}
