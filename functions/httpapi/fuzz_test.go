package httpapi

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzRouter sends arbitrary paths, queries and methods through the handler: never a
// panic, never a 5xx (no store fault is injected here; 501 is oEmbed's answer to a
// format it does not speak), always a JSON error body for a 4xx.
func FuzzRouter(f *testing.F) {
	for _, tc := range hostileCases() {
		f.Add(tc.method, tc.path, tc.query)
	}
	id := firstFact().ID
	for _, p := range []string{"/", "/facts", "/facts/" + id, "/share/" + id, "/healthz", "/oembed", "/cards/" + id + ".jpg"} {
		f.Add("GET", p, "size=story&theme=light")
	}
	h, spy, _ := newHostileServer(f)
	f.Fuzz(func(t *testing.T, method, path, query string) {
		if method == "" {
			method = "GET"
		}
		// Only what can travel in an HTTP request line.
		if strings.ContainsAny(method, " \t\r\n") || !strings.HasPrefix(path, "/") || strings.ContainsAny(path+query, " \t\r\n#") {
			t.Skip()
		}
		req := httptest.NewRequest("GET", "/", nil)
		req.Method = method
		req.URL = &url.URL{Path: mustUnescape(path), RawPath: path, RawQuery: query}
		req.Host = "example.com"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != 501 {
			t.Fatalf("%s %s?%s: status %d: %s", method, path, query, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			var e struct {
				Error string `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == "" {
				t.Fatalf("%s %s?%s: status %d without a JSON error: %q", method, path, query, rec.Code, rec.Body)
			}
		}
		if spy.bad.Load() != 0 {
			t.Fatal("the renderer got a fact or options that did not come from the dataset")
		}
	})
}
