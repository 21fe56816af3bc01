package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// maxPathBytes limits the path a request may carry. Real paths of this API are far
// shorter. The query has no limit of its own: the routes read only the parameters
// they know (singleQuery), each bounded, and ignore the rest whatever its length.
const maxPathBytes = 512

// middleware wraps the routes with what every response needs: panic recovery (a 500
// that shows nothing internal), security headers, request limits and a log line.
func (s *server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		w = rec
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if s.https(r) {
			w.Header().Set("Strict-Transport-Security", hsts)
		}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic serving request", "path", truncate(r.URL.Path, 200), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if !rec.wrote {
					writeError(w, http.StatusInternalServerError, "internal error")
				}
			}
			level := slog.LevelInfo
			if rec.status >= 500 {
				level = slog.LevelError
			}
			s.log.Log(r.Context(), level, "request",
				"method", truncate(r.Method, 20),
				"path", truncate(r.URL.EscapedPath(), 200),
				"status", rec.status,
				"bytes", rec.bytes,
				"duration_ms", float64(time.Since(start).Microseconds())/1000,
			)
		}()
		if !s.origin.admit(r) {
			writeError(w, http.StatusForbidden, "forbidden")
			return
		}
		if msg, status := checkRequest(r); msg != "" {
			writeError(w, status, msg)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hsts tells browsers to come back over HTTPS only, for a year. Not for subdomains:
// the API may live under a domain it does not own (execute-api, lambda-url).
const hsts = "max-age=31536000"

// https reports whether the answer goes out over HTTPS: the request came over TLS
// (on Lambda, always), a trusted proxy says so, or the public URL is https (browsers
// ignore the header on plain HTTP).
func (s *server) https(r *http.Request) bool {
	return s.scheme(r) == "https" || (s.public != nil && s.public.Scheme == "https")
}

// checkRequest rejects paths no route could want before they reach one. It looks at
// the path only: a query parameter no route reads must never change an answer
// (see singleQuery).
func checkRequest(r *http.Request) (string, int) {
	switch {
	case len(r.URL.EscapedPath()) > maxPathBytes:
		return fmt.Sprintf("path longer than %d bytes", maxPathBytes), http.StatusRequestURITooLong
	case strings.ContainsRune(r.URL.Path, 0):
		return "NUL byte in the URL path", http.StatusBadRequest
	case !utf8.ValidString(r.URL.Path):
		return "URL path is not valid UTF-8", http.StatusBadRequest
	case strings.Contains(r.URL.Path, `\`):
		return "backslash in the URL path", http.StatusBadRequest
	case slices.Contains(strings.Split(r.URL.Path, "/"), ".."):
		return "'..' in the URL path", http.StatusBadRequest
	}
	return "", 0
}

// recorder remembers the status and size of a response for the log.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(p)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// truncate shortens untrusted text for a log line or a message, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
