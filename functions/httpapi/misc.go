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

// serveFavicon serves the brand's icon (see newFavicon), so browsers asking for
// one get an answer, not a 404.
func (s *server) serveFavicon(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", s.favicon.contentType)
	h.Set("Content-Length", strconv.Itoa(len(s.favicon.body)))
	h.Set("Cache-Control", "public, max-age=86400")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(s.favicon.body)
	}
	return nil
}
