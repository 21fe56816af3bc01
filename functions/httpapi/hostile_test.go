package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/apigw"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/cards/cardtest"
	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/render"
)

// hostileCase is a request no legitimate client sends, and the statuses it may get.
type hostileCase struct {
	name   string
	method string
	path   string // escaped path, as it travels on the wire
	query  string // raw query
	header http.Header
	want   []int
	// renders says whether answering it may render a card (only for valid requests).
	renders bool
}

func hostileCases() []hostileCase {
	id := facts.Default().All()[0].ID
	card := "/cards/" + id + ".png"
	share := "http://example.com/share/" + id
	long := strings.Repeat("a", 600)
	return []hostileCase{
		// Path traversal and odd paths: never a file outside the dataset.
		{name: "dot-dot", path: "/cards/../../etc/passwd.png", want: []int{400}},
		{name: "encoded dot-dot", path: "/cards/%2e%2e/%2e%2e/etc/passwd.png", want: []int{400}},
		{name: "encoded slash in id", path: "/cards/..%2f..%2fetc%2fpasswd.png", want: []int{400}},
		{name: "double-encoded dot-dot", path: "/cards/%252e%252e%252fetc.png", want: []int{404}},
		{name: "doubled slash", path: "/cards//etc/passwd.png", want: []int{307, 404}},
		{name: "leading doubled slash", path: "//cards/" + id + ".png", want: []int{307, 404}},
		{name: "backslash", path: `/cards/..\..\etc\passwd.png`, want: []int{400}},
		{name: "encoded backslash", path: "/cards/..%5c..%5cetc.png", want: []int{400}},
		{name: "dot-dot id", path: "/cards/%2e%2e.png", want: []int{404}},
		{name: "share dot-dot", path: "/share/../facts", want: []int{400}},
		{name: "facts dot-dot", path: "/facts/%2e%2e", want: []int{400}},
		{name: "hashed card traversal", path: "/cards/" + id + "/..%2f..%2fog-dark-0123456789abcdef.png", want: []int{400}},
		{name: "non-hex hash", path: "/cards/" + id + "/og-dark-zzzzzzzzzzzzzzzz.png", want: []int{404}},
		{name: "extra hash part", path: "/cards/" + id + "/og-dark-0123456789abcdef-x.png", want: []int{404}},
		{name: "bad size in hashed URL", path: "/cards/" + id + "/huge-dark-0123456789abcdef.png", want: []int{400}},
		{name: "open redirect attempt", path: "//evil.example//facts", want: []int{307, 404}},
		{name: "upper-case extension", path: "/cards/" + id + ".PNG", want: []int{404}},
		{name: "double extension", path: "/cards/" + id + ".png.png", want: []int{404}},
		{name: "unicode id", path: "/cards/%C3%A9.png", want: []int{404}},
		{name: "upper-case route", path: "/FACTS", want: []int{404}},
		{name: "trailing slash", path: "/facts/", want: []int{404}},
		// Long and broken input.
		{name: "long id", path: "/cards/" + strings.Repeat("a", 65) + ".png", want: []int{404}},
		{name: "very long id", path: "/cards/" + long + ".png", want: []int{414}},
		{name: "long valid-looking id", path: "/share/" + strings.Repeat("a", 64), want: []int{404}},
		{name: "long unknown parameter ignored", path: card, query: "utm_source=" + strings.Repeat("x", 3000), want: []int{200}, renders: true},
		{name: "long size", path: card, query: "size=" + strings.Repeat("x", 3000), want: []int{414}},
		{name: "NUL in path", path: "/cards/a%00b.png", want: []int{400}},
		{name: "NUL in query", path: card, query: "size=%00", want: []int{400}},
		{name: "invalid UTF-8 in path", path: "/cards/%ff%fe.png", want: []int{400}},
		{name: "invalid UTF-8 in query", path: card, query: "size=%ff", want: []int{400}},
		{name: "bad percent escape in query", path: card, query: "size=%zz", want: []int{400}},
		{name: "semicolon separator", path: card, query: "size=og;theme=light", want: []int{400}},
		// Malformed parameters no route reads: ignored, so that one request cannot make
		// a CDN cache an error for a URL everyone uses.
		{name: "NUL in an unknown parameter", path: card, query: "fbclid=a%00b", want: []int{200}, renders: true},
		{name: "NUL in an unknown parameter of a page", path: "/share/" + id, query: "fbclid=a%00b", want: []int{200}},
		{name: "bad escape in an unknown parameter", path: card, query: "utm_source=%zz", want: []int{200}, renders: true},
		{name: "semicolon in an unknown parameter", path: card, query: "utm_source=a;b", want: []int{200}, renders: true},
		{name: "escaped known name ignored", path: card, query: "siz%65=huge", want: []int{200}, renders: true},
		// Repeated and conflicting parameters.
		{name: "size twice", path: card, query: "size=og&size=story", want: []int{400}},
		{name: "same size twice", path: card, query: "size=og&size=og", want: []int{400}},
		{name: "theme twice", path: card, query: "theme=dark&theme=light", want: []int{400}},
		{name: "size in upper case", path: card, query: "size=OG", want: []int{400}},
		{name: "size with spaces", path: card, query: "size=%20og%20", want: []int{400}},
		{name: "empty size means default", path: card, query: "size=", want: []int{200}, renders: true},
		{name: "unknown parameters ignored", path: card, query: "utm_source=x&utm_medium=y&fbclid=z&gclid=w", want: []int{200}, renders: true},
		// Every method.
		{name: "POST", method: "POST", path: card, want: []int{405}},
		{name: "PUT", method: "PUT", path: card, want: []int{405}},
		{name: "DELETE", method: "DELETE", path: "/facts", want: []int{405}},
		{name: "PATCH", method: "PATCH", path: "/share/" + id, want: []int{405}},
		{name: "TRACE", method: "TRACE", path: "/", want: []int{405}},
		{name: "PROPFIND", method: "PROPFIND", path: "/healthz", want: []int{405}},
		{name: "OPTIONS", method: "OPTIONS", path: card, want: []int{204}},
		{name: "HEAD", method: "HEAD", path: card, want: []int{200}, renders: true},
		// Odd headers.
		{name: "Accept webp", path: card, header: http.Header{"Accept": {"image/webp"}}, want: []int{200}, renders: true},
		{name: "Accept garbage", path: "/facts", header: http.Header{"Accept": {"\x01\x02;;;q=banana"}}, want: []int{200}},
		{name: "If-None-Match huge", path: card, header: http.Header{"If-None-Match": {strings.Repeat(`"x",`, 2000)}}, want: []int{200}, renders: true},
		{name: "If-None-Match empty quotes", path: card, header: http.Header{"If-None-Match": {`""`}}, want: []int{200}, renders: true},
		{name: "If-None-Match star", path: card, header: http.Header{"If-None-Match": {`*`}}, want: []int{304}},
		{name: "hostile forwarded host", path: "/share/" + id, header: http.Header{"X-Forwarded-Host": {`evil.example"><script>alert(1)</script>`}}, want: []int{200}},
		{name: "forwarded host ignored", path: "/oembed", query: "url=" + url.QueryEscape(share), header: http.Header{"X-Forwarded-Host": {"evil.example"}}, want: []int{200}},
		{name: "forwarded proto javascript", path: "/facts", header: http.Header{"X-Forwarded-Proto": {"javascript"}}, want: []int{200}},
		// oEmbed URLs that are not ours.
		{name: "oembed javascript url", path: "/oembed", query: "url=javascript:alert(1)", want: []int{404}},
		{name: "oembed data url", path: "/oembed", query: "url=" + url.QueryEscape("data:text/html,<script>alert(1)</script>"), want: []int{404}},
		{name: "oembed other host", path: "/oembed", query: "url=" + url.QueryEscape("https://evil.example/share/"+id), want: []int{404}},
		{name: "oembed scheme-relative", path: "/oembed", query: "url=" + url.QueryEscape("//example.com/share/"+id), want: []int{404}},
		{name: "oembed userinfo", path: "/oembed", query: "url=" + url.QueryEscape("http://user@example.com/share/"+id), want: []int{404}},
		{name: "oembed traversal", path: "/oembed", query: "url=" + url.QueryEscape("http://example.com/share/../facts"), want: []int{404}},
		{name: "oembed unknown fact", path: "/oembed", query: "url=" + url.QueryEscape("http://example.com/share/no-such-fact"), want: []int{404}},
		{name: "oembed kilobytes", path: "/oembed", query: "url=" + url.QueryEscape(share+"?"+strings.Repeat("a", 2500)), want: []int{414}},
		{name: "oembed url twice", path: "/oembed", query: "url=" + url.QueryEscape(share) + "&url=" + url.QueryEscape(share), want: []int{400}},
		{name: "oembed negative width", path: "/oembed", query: "maxwidth=-1&url=" + url.QueryEscape(share), want: []int{400}},
		{name: "oembed huge width", path: "/oembed", query: "maxwidth=99999999999999999999&url=" + url.QueryEscape(share), want: []int{400}},
		{name: "oembed xml", path: "/oembed", query: "format=xml&url=" + url.QueryEscape(share), want: []int{501}},
		{name: "oembed tracking parameters", path: "/oembed", query: "url=" + url.QueryEscape(share+"?utm_source=x&fbclid=y"), want: []int{200}},
	}
}

// spyRender counts renders and checks every fact it is given came from the dataset.
type spyRender struct {
	calls atomic.Int64
	bad   atomic.Int64
}

func (s *spyRender) render(f facts.Fact, opts render.Options) ([]byte, error) {
	s.calls.Add(1)
	if got, ok := facts.Default().Lookup(f.ID); !ok || got.Quote != f.Quote {
		s.bad.Add(1)
	}
	if _, err := opts.Resolve(); err != nil {
		s.bad.Add(1)
	}
	return cardtest.Fake(opts, "fake card"), nil
}

// keySpy records every key that reaches the store.
type keySpy struct {
	storage.Store
	mu   sync.Mutex
	keys []string
}

func (k *keySpy) record(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.keys = append(k.keys, key)
}

// take returns the keys recorded since the last call.
func (k *keySpy) take() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	keys := k.keys
	k.keys = nil
	return keys
}

func (k *keySpy) Get(ctx context.Context, key string, limit int64) (*storage.Object, error) {
	k.record(key)
	return k.Store.Get(ctx, key, limit)
}

func (k *keySpy) Create(ctx context.Context, key string, body []byte, info storage.Info) error {
	k.record(key)
	return k.Store.Create(ctx, key, body, info)
}

func newHostileServer(t testing.TB) (http.Handler, *spyRender, *keySpy) {
	t.Helper()
	spy := &spyRender{}
	store := &keySpy{Store: storagetest.NewMemory()}
	svc, err := cards.New(cards.Config{Facts: facts.Default(), Store: store, Render: spy.render})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Cards: svc, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return h, spy, store
}

// checkHostile checks one answer: an allowed status, a JSON error for every 4xx and
// 5xx, no 5xx at all, and no render or store call unless the request was valid.
func checkHostile(t *testing.T, tc hostileCase, status int, header http.Header, body []byte, renders int64, keys []string, allowed []int) {
	t.Helper()
	if !slices.Contains(allowed, status) {
		t.Errorf("status %d, want one of %v; body %.200s", status, allowed, body)
	}
	if loc := header.Get("Location"); status/100 == 3 && status != 304 && (!strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//")) {
		t.Errorf("redirect to %q leaves the site", loc)
	}
	if status >= 500 && !slices.Contains(allowed, status) {
		t.Errorf("a hostile request caused a %d", status)
	}
	if status >= 400 {
		var e struct {
			Error string `json:"error"`
		}
		if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
			t.Errorf("error body is not JSON {\"error\": ...}: %.200s", body)
		}
		if !strings.HasPrefix(header.Get("Content-Type"), "application/json") {
			t.Errorf("error Content-Type = %q", header.Get("Content-Type"))
		}
		if strings.Contains(string(body), "goroutine") || strings.Contains(string(body), ".go:") {
			t.Errorf("error body leaks internals: %s", body)
		}
	}
	if !tc.renders && renders != 0 {
		t.Errorf("%d renders for a request that should not reach the renderer", renders)
	}
	for _, k := range keys {
		if err := storage.ValidKey(k); err != nil || !strings.HasPrefix(k, cards.KeyPrefix()+facts.Default().All()[0].ID+"/") {
			t.Errorf("store saw key %q", k)
		}
	}
	if !tc.renders && len(keys) > 0 {
		t.Errorf("store saw %v for a request that should not reach it", keys)
	}
}

func TestHostileInputs(t *testing.T) {
	cases := hostileCases()
	if len(cases) < 40 {
		t.Fatalf("only %d hostile cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, spy, store := newHostileServer(t)
			method := tc.method
			if method == "" {
				method = "GET"
			}
			target := tc.path
			if tc.query != "" {
				target += "?" + tc.query
			}
			req := httptest.NewRequest(method, "/", nil)
			// Set the URL by hand: httptest.NewRequest rejects some of these.
			req.URL = &url.URL{Path: mustUnescape(tc.path), RawPath: tc.path, RawQuery: tc.query}
			req.RequestURI = target
			req.Host = "example.com"
			for k, v := range tc.header {
				req.Header[k] = v
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			checkHostile(t, tc, rec.Code, rec.Header(), rec.Body.Bytes(), spy.calls.Load(), store.take(), tc.want)
			if spy.bad.Load() != 0 {
				t.Error("the renderer got a fact or options that did not come from the dataset")
			}
		})
	}
}

// TestHostileInputsLambda runs the same cases through the Lambda adapter, as API
// Gateway would deliver them. The adapter may refuse a URL no http.Request can hold
// with its own 400.
func TestHostileInputsLambda(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			h, spy, store := newHostileServer(t)
			handler := apigw.New(h, slog.New(slog.DiscardHandler))
			method := tc.method
			if method == "" {
				method = "GET"
			}
			headers := map[string]string{"host": "example.com", "x-forwarded-proto": "http"}
			for k, v := range tc.header {
				headers[strings.ToLower(k)] = strings.Join(v, ",")
			}
			ev := events.APIGatewayV2HTTPRequest{
				Version: "2.0", RouteKey: "$default", RawPath: tc.path, RawQueryString: tc.query, Headers: headers,
				RequestContext: events.APIGatewayV2HTTPRequestContext{
					DomainName: "example.com", Stage: "$default",
					HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: tc.path},
				},
			}
			resp, err := handler(context.Background(), ev)
			if err != nil {
				t.Fatalf("the adapter returned an error (a 5xx from API Gateway): %v", err)
			}
			body := []byte(resp.Body)
			if resp.IsBase64Encoded {
				if body, err = base64.StdEncoding.DecodeString(resp.Body); err != nil {
					t.Fatal(err)
				}
			}
			header := http.Header{}
			for k, v := range resp.Headers {
				header.Set(k, v)
			}
			checkHostile(t, tc, resp.StatusCode, header, body, spy.calls.Load(), store.take(), append(tc.want, 400))
		})
	}
}

func mustUnescape(p string) string {
	u, err := url.PathUnescape(p)
	if err != nil {
		return p
	}
	return u
}
