package httpapi

import (
	"crypto/tls"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/storage/storagetest"
)

// newLinkServer is a handler with the given link settings, rendering with the spy
// renderer so that every answer is deterministic.
func newLinkServer(t *testing.T, cfg Config) http.Handler {
	t.Helper()
	spy := &spyRender{}
	svc, err := cards.New(cards.Config{Facts: facts.Default(), Store: storagetest.NewMemory(), Render: spy.render})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Cards, cfg.Logger = svc, slog.New(slog.DiscardHandler)
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// spoofHeaders are headers a client may send to point links at another host.
var spoofHeaders = []struct {
	name   string
	header http.Header
}{
	{"X-Forwarded-Host", http.Header{"X-Forwarded-Host": {"evil.example"}}},
	{"X-Forwarded-Host and -Proto", http.Header{"X-Forwarded-Host": {"evil.example"}, "X-Forwarded-Proto": {"https"}}},
	{"X-Forwarded-Proto http", http.Header{"X-Forwarded-Proto": {"http"}}},
	{"X-Forwarded-Proto https", http.Header{"X-Forwarded-Proto": {"https"}}},
	{"X-Forwarded-Host list", http.Header{"X-Forwarded-Host": {"evil.example, example.com"}}},
	{"Forwarded", http.Header{"Forwarded": {"host=evil.example;proto=https"}}},
	{"X-Forwarded-Port", http.Header{"X-Forwarded-Port": {"8443"}}},
	{"X-Original-Host and X-Host", http.Header{"X-Original-Host": {"evil.example"}, "X-Host": {"evil.example"}}},
}

// TestForwardedHeadersIgnored: with neither FACTCARD_PUBLIC_URL nor
// FACTCARD_TRUST_FORWARDED set, headers that claim another host or scheme change
// nothing in any response, through net/http and through the Lambda adapter.
func TestForwardedHeadersIgnored(t *testing.T) {
	id := firstFact().ID
	requests := append(validRequests(t),
		route{"unknown fact", "GET", "/share/no-such-fact", ""},
		route{"bad size", "GET", "/cards/" + id + ".png", "size=huge"},
		route{"no route", "GET", "/nowhere", ""},
		route{"POST", "POST", "/facts", ""},
	)
	for _, r := range requests {
		h := newLinkServer(t, Config{})
		want := answerOf(serveRaw(h, r.method, r.path, r.query, nil))
		wantLambda := answerOf(lambdaDo(t, h, r.method, r.path, r.query, nil))
		for _, sp := range spoofHeaders {
			t.Run(r.name+"/"+sp.name, func(t *testing.T) {
				got := answerOf(serveRaw(h, r.method, r.path, r.query, sp.header))
				if d := got.diff(want); d != "" {
					t.Errorf("net/http: %s", d)
				}
				gotLambda := answerOf(lambdaDo(t, h, r.method, r.path, r.query, sp.header))
				if d := gotLambda.diff(wantLambda); d != "" {
					t.Errorf("Lambda: %s", d)
				}
				for _, a := range []answer{got, gotLambda} {
					if strings.Contains(a.body, "evil.example") || strings.Contains(a.header["Content-Security-Policy"], "evil.example") {
						t.Errorf("the answer names evil.example: %.300s", a.body)
					}
				}
			})
		}
	}
}

// TestAbsoluteFormIgnored: an absolute-form request target ("GET http://evil.example/
// HTTP/1.1"), whose host net/http puts in place of the Host header, never becomes a
// link unless forwarded values are trusted.
func TestAbsoluteFormIgnored(t *testing.T) {
	for _, r := range validRequests(t) {
		t.Run(r.name, func(t *testing.T) {
			h := newLinkServer(t, Config{})
			target := "http://evil.example" + r.path
			if r.query != "" {
				target += "?" + r.query
			}
			req := httptest.NewRequest(r.method, target, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if strings.Contains(rec.Body.String(), "evil.example") || strings.Contains(rec.Header().Get("Content-Security-Policy"), "evil.example") {
				t.Errorf("%s %s: the answer (%d) names evil.example: %.300s", r.method, target, rec.Code, rec.Body)
			}
		})
	}
}

func TestBaseURL(t *testing.T) {
	tests := []struct {
		name   string
		trust  bool
		target string
		header http.Header
		host   string
		tls    bool
		want   string
		status int
	}{
		{"plain", false, "", nil, "example.com", false, "http://example.com", 200},
		{"TLS", false, "", nil, "example.com", true, "https://example.com", 200},
		{"port kept", false, "", nil, "127.0.0.1:8080", false, "http://127.0.0.1:8080", 200},
		{"host lower-cased", false, "", nil, "Example.COM", false, "http://example.com", 200},
		{"hostile Host", false, "", nil, `evil.example"><script>`, false, "", 400},
		{"forwarded proto ignored", false, "", http.Header{"X-Forwarded-Proto": {"https"}}, "example.com", false, "http://example.com", 200},
		{"forwarded host ignored", false, "", http.Header{"X-Forwarded-Host": {"evil.example"}}, "example.com", false, "http://example.com", 200},
		{"absolute form refused", false, "http://evil.example/facts/", nil, "", false, "", 400},
		{"trusted: forwarded proto", true, "", http.Header{"X-Forwarded-Proto": {"https"}}, "abc.execute-api.eu-west-1.amazonaws.com", false, "https://abc.execute-api.eu-west-1.amazonaws.com", 200},
		{"trusted: forwarded host", true, "", http.Header{"X-Forwarded-Host": {"cards.example.org"}, "X-Forwarded-Proto": {"https, http"}}, "internal", false, "https://cards.example.org", 200},
		{"trusted: bad proto ignored", true, "", http.Header{"X-Forwarded-Proto": {"javascript"}}, "example.com", false, "http://example.com", 200},
		{"trusted: TLS without a forwarded proto", true, "", http.Header{"X-Forwarded-Host": {"cards.example.org"}}, "internal", true, "https://cards.example.org", 200},
		{"trusted: hostile forwarded host", true, "", http.Header{"X-Forwarded-Host": {`evil.com"><script>`}}, "example.com", false, "", 400},
		{"trusted: absolute form", true, "https://cards.example.org/facts/", nil, "", false, "https://cards.example.org", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newLinkServer(t, Config{TrustForwarded: tt.trust})
			target := tt.target
			if target == "" {
				target = "/facts/"
			}
			req := httptest.NewRequest("GET", target+firstFact().ID, nil)
			if tt.host != "" {
				req.Host = tt.host
			}
			if tt.tls {
				req.TLS = &tls.ConnectionState{}
			}
			for k, v := range tt.header {
				req.Header[k] = v
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %.300s", rec.Code, tt.status, rec.Body)
			}
			if tt.status != 200 {
				return
			}
			var got factResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if want := tt.want + "/share/" + firstFact().ID; got.ShareURL != want {
				t.Errorf("share_url = %q, want %q", got.ShareURL, want)
			}
		})
	}
}

// TestVary: answers whose links come from request headers name those headers in
// Vary, so a shared cache never gives one host's links to another; answers without
// such links, or with links from the public URL, do not.
func TestVary(t *testing.T) {
	id := firstFact().ID
	linked := []string{"/", "/facts", "/facts/" + id, "/share/" + id, "/oembed?url=http%3A%2F%2Fexample.com%2Fshare%2F" + id}
	plain := []string{"/cards/" + id + ".png", "/healthz", "/favicon.svg"}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"from Host", Config{}, "Host"},
		{"trusted forwarded headers", Config{TrustForwarded: true}, "Host, X-Forwarded-Host, X-Forwarded-Proto"},
		{"public URL", Config{PublicURL: "http://example.com"}, ""},
		{"public URL wins over trust", Config{PublicURL: "http://example.com", TrustForwarded: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newLinkServer(t, tt.cfg)
			for _, target := range linked {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
				if rec.Code != 200 {
					t.Fatalf("GET %s: status %d: %.200s", target, rec.Code, rec.Body)
				}
				if got := rec.Header().Get("Vary"); got != tt.want {
					t.Errorf("GET %s: Vary = %q, want %q", target, got, tt.want)
				}
			}
			for _, target := range plain {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
				if got := rec.Header().Get("Vary"); got != "" {
					t.Errorf("GET %s: Vary = %q, want none: its answer holds no links", target, got)
				}
			}
		})
	}
}

// TestHSTS: answers sent over HTTPS tell browsers to stay on HTTPS; answers over
// plain HTTP do not, whatever an untrusted header claims.
func TestHSTS(t *testing.T) {
	id := firstFact().ID
	tests := []struct {
		name   string
		cfg    Config
		tls    bool
		header http.Header
		want   bool
	}{
		{"plain HTTP", Config{}, false, nil, false},
		{"TLS", Config{}, true, nil, true},
		{"untrusted forwarded proto", Config{}, false, http.Header{"X-Forwarded-Proto": {"https"}}, false},
		{"trusted forwarded proto", Config{TrustForwarded: true}, false, http.Header{"X-Forwarded-Proto": {"https"}}, true},
		{"trusted forwarded http", Config{TrustForwarded: true}, true, http.Header{"X-Forwarded-Proto": {"http"}}, false},
		{"https public URL", Config{PublicURL: "https://cards.example.org"}, false, nil, true},
		{"http public URL", Config{PublicURL: "http://127.0.0.1:8080"}, false, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newLinkServer(t, tt.cfg)
			for _, target := range []string{"/", "/share/" + id} {
				req := httptest.NewRequest("GET", target, nil)
				if tt.tls {
					req.TLS = &tls.ConnectionState{}
				}
				for k, v := range tt.header {
					req.Header[k] = v
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				got := rec.Header().Get("Strict-Transport-Security")
				if tt.want && !strings.HasPrefix(got, "max-age=") {
					t.Errorf("GET %s: Strict-Transport-Security = %q, want max-age=…", target, got)
				}
				if !tt.want && got != "" {
					t.Errorf("GET %s: Strict-Transport-Security = %q over plain HTTP, want none", target, got)
				}
			}
		})
	}
	t.Run("Lambda", func(t *testing.T) {
		h := newLinkServer(t, Config{})
		_, hdr, _ := lambdaDo(t, h, "GET", "/share/"+id, "", nil)
		if got := hdr.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
			t.Errorf("Strict-Transport-Security = %q on Lambda (HTTPS only), want max-age=…", got)
		}
	})
}
