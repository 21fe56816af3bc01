// Package httpapi is factcard's HTTP API as one http.Handler: card images, the facts
// as JSON, share pages that unfurl into the card (Open Graph, X cards, oEmbed), an
// index page for people, and a health check. The same handler is served by net/http
// locally and adapted to Lambda events in functions/api.
package httpapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/render/brand"
)

// Config configures the handler.
type Config struct {
	// Cards is the card service. Required.
	Cards *cards.Service
	// PublicURL is the absolute base URL people reach the API at, such as
	// "https://cards.example.org". Share pages need absolute image URLs; when this is
	// empty they are built from the request's scheme and Host.
	PublicURL string
	// TrustForwarded makes the links follow X-Forwarded-Host, X-Forwarded-Proto and
	// an absolute-form request target when PublicURL is empty. Set it only behind a
	// proxy that overwrites those headers (the template's CDN does): otherwise any
	// client could point the links of a cached page at another host.
	TrustForwarded bool
	// OriginSecret, when set, is a secret every request must carry in OriginHeader:
	// others get a 403 and reach no route, so forwarded headers are trusted only from
	// the proxy that adds it. Behind the template's CDN the api function gets one
	// generated per stack. At least MinOriginSecret bytes.
	OriginSecret string
	// Version is reported by /healthz.
	Version string
	// Logger receives one line per request and the details of internal errors.
	// Defaults to discarding.
	Logger *slog.Logger
}

type server struct {
	cards  *cards.Service
	facts  facts.Set
	public *url.URL // nil: derive from each request
	// trustForwarded: see Config.TrustForwarded.
	trustForwarded bool
	origin         originGate
	version        string
	log            *slog.Logger
	pages          *pages
	brand          *brand.Brand // the card service's: cards and pages wear one brand
	favicon        favicon
}

// New returns the API handler.
func New(cfg Config) (http.Handler, error) {
	if cfg.Cards == nil {
		return nil, errors.New("httpapi: no card service")
	}
	s := &server{cards: cfg.Cards, facts: cfg.Cards.Facts(), version: cfg.Version, log: cfg.Logger, trustForwarded: cfg.TrustForwarded,
		brand: cfg.Cards.Brand()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.version == "" {
		s.version = "dev"
	}
	var err error
	if s.origin, err = newOriginGate(cfg.OriginSecret); err != nil {
		return nil, err
	}
	if cfg.PublicURL != "" {
		u, err := parsePublicURL(cfg.PublicURL)
		if err != nil {
			return nil, err
		}
		s.public = u
	}
	p, err := newPages(s.brand)
	if err != nil {
		return nil, err
	}
	s.pages = p
	if s.favicon, err = newFavicon(s.brand); err != nil {
		return nil, err
	}
	return s.middleware(s.routes()), nil
}

// Routes lists every route the handler serves, as "METHOD /pattern" lines, for the
// infrastructure test that checks the API Gateway routes cover them.
func Routes() []string {
	return []string{
		"GET /",
		"GET /cards/{file}",
		"GET /cards/{id}/{file}",
		"GET /facts",
		"GET /facts/{id}",
		"GET /share/{id}",
		"GET /oembed",
		"GET /healthz",
		"GET /favicon.svg",
		"GET /favicon.ico",
	}
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h handlerFunc) {
		mux.Handle(pattern, getOnly(func(w http.ResponseWriter, r *http.Request) {
			if err := h(w, r); err != nil {
				s.fail(w, r, err)
			}
		}))
	}
	handle("/{$}", s.links(s.index))
	handle("/cards/{file}", s.card)
	handle("/cards/{id}/{file}", s.hashedCard)
	handle("/facts", s.links(s.listFacts))
	handle("/facts/{id}", s.links(s.getFact))
	handle("/share/{id}", s.links(s.share))
	handle("/oembed", s.links(s.oembed))
	handle("/healthz", s.healthz)
	handle("/favicon.svg", s.serveFavicon)
	handle("/favicon.ico", s.serveFavicon)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, notFound("no such route: see / for the cards and /facts for the API"))
	})
	return mux
}

// handlerFunc is a route's handler. It writes the response, or returns an error
// for fail to turn into a JSON error with the right status.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// getOnly answers GET and HEAD with h, OPTIONS with the allowed methods, and every
// other method with 405 and an Allow header.
func getOnly(h http.HandlerFunc) http.Handler {
	const allow = "GET, HEAD, OPTIONS"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			h(w, r)
		case http.MethodOptions:
			w.Header().Set("Allow", allow)
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Header().Set("Allow", allow)
			writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s not allowed; use GET or HEAD", truncate(r.Method, 20)))
		}
	})
}

func parsePublicURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("public URL %q: want an absolute http(s) URL without query, like https://cards.example.org", raw)
	}
	return u, nil
}
