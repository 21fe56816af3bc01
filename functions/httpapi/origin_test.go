package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/storage/storagetest"
)

// fixtureOriginSecret is the origin secret of these tests.
const fixtureOriginSecret = "fixture-origin-secret-0123456789"

// TestOriginSecret: with an origin secret, as behind the template's CDN, a request
// without the secret header, or with another value, gets a 403 on every route and
// whatever it forges in X-Forwarded-Host; with the secret it gets the answer a
// server without a secret gives, and links follow the forwarded host. Through
// net/http and through the Lambda adapter.
func TestOriginSecret(t *testing.T) {
	requests := append(validRequests(t),
		route{"unknown fact", "GET", "/share/no-such-fact", ""},
		route{"no route", "GET", "/nowhere", ""},
		route{"POST", "POST", "/facts", ""},
		route{"traversal", "GET", "/cards/../../etc/passwd.png", ""},
	)
	gated := newLinkServer(t, Config{TrustForwarded: true, OriginSecret: fixtureOriginSecret})
	open := newLinkServer(t, Config{TrustForwarded: true})
	refused := []struct {
		name   string
		header http.Header
	}{
		{"no secret", nil},
		{"no secret, forged host", http.Header{"X-Forwarded-Host": {"evil.example"}}},
		{"empty secret", http.Header{OriginHeader: {""}}},
		{"wrong secret", http.Header{OriginHeader: {"guess"}, "X-Forwarded-Host": {"evil.example"}}},
		{"secret's prefix", http.Header{OriginHeader: {fixtureOriginSecret[:20]}}},
		{"secret and more", http.Header{OriginHeader: {fixtureOriginSecret + "x"}}},
		{"secret in another case", http.Header{OriginHeader: {strings.ToUpper(fixtureOriginSecret)}}},
		{"secret in another header", http.Header{"X-Origin-Verify": {fixtureOriginSecret}}},
	}
	for _, r := range requests {
		for _, c := range refused {
			t.Run(r.name+"/"+c.name, func(t *testing.T) {
				for via, a := range map[string]answer{
					"net/http": answerOf(serveRaw(gated, r.method, r.path, r.query, c.header)),
					"Lambda":   answerOf(lambdaDo(t, gated, r.method, r.path, r.query, c.header)),
				} {
					if a.status != http.StatusForbidden {
						t.Errorf("%s: status %d, want 403; body %.200s", via, a.status, a.body)
					}
					var e struct{ Error string }
					if err := json.Unmarshal([]byte(a.body), &e); err != nil || e.Error != "forbidden" {
						t.Errorf("%s: body %.200q, want {\"error\":\"forbidden\"}", via, a.body)
					}
					if a.header["Cache-Control"] != "no-store" {
						t.Errorf("%s: Cache-Control %q, want no-store", via, a.header["Cache-Control"])
					}
				}
			})
		}
		t.Run(r.name+"/secret", func(t *testing.T) {
			h := http.Header{OriginHeader: {fixtureOriginSecret}, "X-Forwarded-Host": {"cards.example.org"}}
			want := answerOf(serveRaw(open, r.method, r.path, r.query, http.Header{"X-Forwarded-Host": {"cards.example.org"}}))
			if d := answerOf(serveRaw(gated, r.method, r.path, r.query, h)).diff(want); d != "" {
				t.Errorf("net/http: %s", d)
			}
			wantLambda := answerOf(lambdaDo(t, open, r.method, r.path, r.query, http.Header{"X-Forwarded-Host": {"cards.example.org"}}))
			if d := answerOf(lambdaDo(t, gated, r.method, r.path, r.query, h)).diff(wantLambda); d != "" {
				t.Errorf("Lambda: %s", d)
			}
		})
	}
	t.Run("links follow the CDN's host", func(t *testing.T) {
		id := firstFact().ID
		h := http.Header{OriginHeader: {fixtureOriginSecret}, "X-Forwarded-Host": {"cards.example.org"}, "X-Forwarded-Proto": {"https"}}
		status, _, body := serveRaw(gated, "GET", "/share/"+id, "", h)
		if status != http.StatusOK || !strings.Contains(string(body), "https://cards.example.org/share/"+id) {
			t.Errorf("share page: status %d, want 200 linking to https://cards.example.org: %.300s", status, body)
		}
		if strings.Contains(string(body), fixtureOriginSecret) {
			t.Errorf("the share page shows the origin secret")
		}
	})
}

// TestOriginSecretTooShort: a secret a client could guess is refused at start.
func TestOriginSecretTooShort(t *testing.T) {
	for _, secret := range []string{"a", strings.Repeat("x", MinOriginSecret-1)} {
		_, err := New(Config{Cards: newLinkServiceForTest(t), OriginSecret: secret})
		if err == nil || !strings.Contains(err.Error(), "origin secret") {
			t.Errorf("New with a %d-byte origin secret = %v, want an error naming the origin secret", len(secret), err)
		}
	}
	if _, err := New(Config{Cards: newLinkServiceForTest(t), OriginSecret: strings.Repeat("x", MinOriginSecret)}); err != nil {
		t.Errorf("New with a %d-byte origin secret: %v", MinOriginSecret, err)
	}
}

// newLinkServiceForTest is a card service over the embedded dataset and a memory
// store, rendering with the spy renderer.
func newLinkServiceForTest(t *testing.T) *cards.Service {
	t.Helper()
	spy := &spyRender{}
	svc, err := cards.New(cards.Config{Facts: facts.Default(), Store: storagetest.NewMemory(), Render: spy.render})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}
