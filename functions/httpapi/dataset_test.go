package httpapi

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/factstest"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/storage/storagetest"
)

var errShard = errors.New("shard 0007: sha256 mismatch")

func TestUnreadableFactIs500(t *testing.T) {
	all := facts.Default().All()
	broken, fine := all[0].ID, all[1].ID
	for _, tc := range []struct {
		name, target string
		listBroken   bool
		want         int
	}{
		{"card", "/cards/" + broken + ".png", false, http.StatusInternalServerError},
		{"hashed card", "/cards/" + broken + "/og-dark-0123456789abcdef.png", false, http.StatusInternalServerError},
		{"fact", "/facts/" + broken, false, http.StatusInternalServerError},
		{"share", "/share/" + broken, false, http.StatusInternalServerError},
		{"oembed", "/oembed?url=" + url.QueryEscape("http://example.com/share/"+broken), false, http.StatusInternalServerError},
		{"list", "/facts", true, http.StatusInternalServerError},
		{"index", "/", true, http.StatusInternalServerError},
		{"other card", "/cards/" + fine + ".png", false, http.StatusOK},
		{"other share", "/share/" + fine, false, http.StatusOK},
		{"list", "/facts", false, http.StatusOK},
		{"unknown", "/cards/no-such-fact.png", false, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := storagetest.NewMemory()
			var logs bytes.Buffer
			log := slog.New(slog.NewJSONHandler(&logs, nil))
			svc, err := cards.New(cards.Config{Facts: factstest.Unreadable{Set: facts.Default(), ID: broken, ListFails: tc.listBroken, Err: errShard}, Store: mem, Logger: log})
			if err != nil {
				t.Fatal(err)
			}
			h, err := New(Config{Cards: svc, Logger: log})
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest(http.MethodGet, "http://example.com"+tc.target, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("GET %s = %d, want %d; body %s", tc.target, rec.Code, tc.want, rec.Body)
			}
			if tc.want != http.StatusInternalServerError {
				return
			}
			if got := rec.Body.String(); !strings.Contains(got, `"internal error"`) || strings.Contains(got, "sha256") {
				t.Errorf("body %q: want a bare internal error, no details", got)
			}
			if !strings.Contains(logs.String(), errShard.Error()) {
				t.Errorf("log %q does not name the fault", logs.String())
			}
			if n := mem.Len(); n != 0 {
				t.Errorf("%d cards stored for an unreadable fact; want none", n)
			}
		})
	}
}
