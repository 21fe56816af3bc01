package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/render"
)

// httpError is an error whose message is meant for the client.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(msg string) error { return &httpError{http.StatusBadRequest, msg} }
func notFound(msg string) error   { return &httpError{http.StatusNotFound, msg} }

// fail maps an error to its status in one place. Clients see a clear message for
// their own mistakes and "internal error" for ours; the log has the details.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var (
		he *httpError
		oe *render.OptionError
	)
	switch {
	case errors.As(err, &he):
		writeError(w, he.status, he.msg)
	case errors.As(err, &oe):
		writeError(w, http.StatusBadRequest, oe.Error())
	case errors.Is(err, cards.ErrNotFound):
		writeError(w, http.StatusNotFound, "no fact with that ID: see /facts for the list")
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away; nobody reads this answer.
		writeError(w, http.StatusServiceUnavailable, "request cancelled")
	case errors.Is(err, context.DeadlineExceeded):
		s.log.ErrorContext(r.Context(), "request timed out", "path", truncate(r.URL.Path, 200), "err", err)
		writeError(w, http.StatusServiceUnavailable, "timed out; try again")
	default:
		s.log.ErrorContext(r.Context(), "internal error", "path", truncate(r.URL.Path, 200), "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
	}
}

// writeError writes {"error": msg} with the status.
func writeError(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	for _, k := range []string{"ETag", "Last-Modified", "Content-Disposition"} {
		h.Del(k)
	}
	h.Set("Cache-Control", "no-store")
	writeJSON(w, status, map[string]string{"error": msg})
}

// writeJSON writes v as JSON with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	body = append(body, '\n')
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
