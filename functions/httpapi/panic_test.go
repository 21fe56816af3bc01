package httpapi

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/cards/cardtest"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/render"
)

// TestCardPanicIsA500 checks the whole path of a card whose render panics (a
// damaged glyph): the request is a 500 saying only "internal error", not to be
// cached, the log has the stack, and the server answers the next request. The
// render runs in the card's single flight, out of reach of the middleware's
// recover: before the service recovered there, this test ended the test binary.
func TestCardPanicIsA500(t *testing.T) {
	var armed atomic.Bool
	armed.Store(true)
	logs := &bytes.Buffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	svc, err := cards.New(cards.Config{Facts: facts.Default(), Store: storagetest.NewMemory(), Logger: log,
		Render: func(f facts.Fact, opts render.Options) ([]byte, error) {
			if armed.Load() {
				var glyphs []int
				_ = glyphs[len(f.ID)] // index out of range, as a damaged font's glyph table gives
			}
			return cardtest.Fake(opts, "card "+f.ID), nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Cards: svc, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	path := "/cards/" + firstFact().ID + ".png"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	if rec.Code != 500 {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	if got, want := strings.TrimSpace(rec.Body.String()), `{"error":"internal error"}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if !strings.Contains(logs.String(), "index out of range") || !strings.Contains(logs.String(), `"stack":"goroutine`) {
		t.Errorf("the log lacks the panic and its stack:\n%s", logs.String())
	}

	armed.Store(false)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	if rec.Code != 200 {
		t.Errorf("after the panic: status %d, want 200", rec.Code)
	}
}
