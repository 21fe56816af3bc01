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

// Limits on what a request may carry. Real URLs of this API are far shorter.
const (
	maxPathBytes  = 512
	maxQueryBytes = 2048
)

// middleware wraps the routes with what every response needs: panic recovery (a 500
// that shows nothing internal), security headers, request limits and a log line.
func (s *server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		w = rec
		w.Header().Set("X-Content-Type-Options", "nosniff")
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
		if msg, status := checkRequest(r); msg != "" {
			writeError(w, status, msg)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkRequest rejects requests no route could want before they reach one.
func checkRequest(r *http.Request) (string, int) {
	path, query := r.URL.EscapedPath(), r.URL.RawQuery
	switch {
	case len(path) > maxPathBytes:
		return fmt.Sprintf("path longer than %d bytes", maxPathBytes), http.StatusRequestURITooLong
	case len(query) > maxQueryBytes:
		return fmt.Sprintf("query longer than %d bytes", maxQueryBytes), http.StatusRequestURITooLong
	case strings.ContainsRune(r.URL.Path, 0) || strings.Contains(query, "%00"):
		return "NUL byte in the URL", http.StatusBadRequest
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
