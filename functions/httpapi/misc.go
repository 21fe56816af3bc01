package httpapi

import (
	"net/http"
	"strconv"

	"github.com/factcard/factcard/render"
)

// healthz serves GET /healthz: status, dataset size and versions.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"status":   "ok",
		"facts":    s.facts.Len(),
		"version":  s.version,
		"renderer": render.Version,
	})
	return nil
}

// faviconSVG is the site icon: an opening quotation mark.
const faviconSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#b4532a"/><text x="32" y="54" font-size="56" font-family="Georgia,serif" text-anchor="middle" fill="#fff">“</text></svg>`

// favicon serves the icon, so browsers asking for one get an answer, not a 404.
func (s *server) favicon(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml")
	h.Set("Content-Length", strconv.Itoa(len(faviconSVG)))
	h.Set("Cache-Control", "public, max-age=86400")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(faviconSVG))
	}
	return nil
}
