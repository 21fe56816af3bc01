package httpapi

import (
	"context"
	"encoding/base64"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/apigw"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/render"
)

// strayParameters are query parameters no route reads, well formed or not. Added to
// any valid request they must not change its answer: behind a CDN that keys on the
// parameters the API reads, one request carrying them would otherwise decide what
// every viewer of that URL gets (a cache-poisoned outage).
var strayParameters = []struct{ name, query string }{
	{"tracking", "utm_source=x&utm_medium=y&fbclid=z&gclid=w"},
	{"encoded NUL in value", "fbclid=a%00b"},
	{"encoded NUL in name", "a%00=1"},
	{"raw NUL", "fbclid=a\x00b"},
	{"raw control characters", "x=\x01\x1f\x7f"},
	{"bad percent escape", "utm_source=%zz"},
	{"bad escape in name", "%zz=1"},
	{"truncated escape", "utm_source=%"},
	{"semicolon", "utm_source=a;b"},
	{"semicolon pair", "a;b"},
	{"semicolon before a known name", ";size=story"},
	{"invalid UTF-8", "x=%ff%fe"},
	{"raw invalid UTF-8", "x=\xff\xfe"},
	{"bidi override", "x=%E2%80%AE"},
	{"empty pairs", "&&=&"},
	{"name only", "fbclid"},
	{"raw space", "x=a b"},
	{"raw hash", "x=a#b"},
	{"long", "utm_source=" + strings.Repeat("x", 3000)},
	{"many", strings.Repeat("a=1&", 1000)},
	{"known name in another case", "Size=story&THEME=light"},
	{"known name escaped", "siz%65=story&%74heme=light"},
	{"known name with a NUL", "size%00=story"},
	{"known name with a suffix", "size[]=story&theme.x=light"},
}

// route is a valid request: the path and the parameters the route reads.
type route struct{ name, method, path, query string }

// validRequests is a valid request on every route.
func validRequests(t *testing.T) []route {
	t.Helper()
	id := firstFact().ID
	svc, err := cards.New(cards.Config{Facts: facts.Default(), Store: storagetest.NewMemory()})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := svc.Ref(t.Context(), id, render.Options{Size: render.SizePortrait, Theme: render.ThemeLight})
	if err != nil {
		t.Fatal(err)
	}
	share := url.QueryEscape("http://example.com/share/" + id)
	return []route{
		{"index", "GET", "/", ""},
		{"facts", "GET", "/facts", ""},
		{"facts page", "GET", "/facts", "limit=2"},
		{"fact", "GET", "/facts/" + id, ""},
		{"share", "GET", "/share/" + id, ""},
		{"oembed", "GET", "/oembed", "url=" + share + "&maxwidth=1100&format=json"},
		{"card", "GET", "/cards/" + id + ".png", "size=square&theme=light"},
		{"card default", "GET", "/cards/" + id + ".jpg", ""},
		{"card HEAD", "HEAD", "/cards/" + id + ".png", "size=story"},
		{"hashed card", "GET", cardPath(ref), ""},
		{"stale hashed card", "GET", "/cards/" + id + "/og-dark-0123456789abcdef.png", ""},
		{"healthz", "GET", "/healthz", ""},
		{"favicon", "GET", "/favicon.svg", ""},
		{"OPTIONS", "OPTIONS", "/facts", ""},
	}
}

// answer is what a client sees of a response, for comparing two of them. It leaves
// out X-Card-Source: whether the card came from the store is not part of the answer.
type answer struct {
	status int
	header map[string]string
	body   string
}

func answerOf(status int, h http.Header, body []byte) answer {
	a := answer{status: status, header: map[string]string{}, body: string(body)}
	for _, k := range []string{"Content-Type", "Content-Length", "Cache-Control", "ETag", "Location", "Vary",
		"Allow", "Content-Security-Policy", "Strict-Transport-Security", "Content-Disposition"} {
		a.header[k] = h.Get(k)
	}
	return a
}

func (a answer) diff(b answer) string {
	switch {
	case a.status != b.status:
		return fmt.Sprintf("status %d, want %d; body %.200s", a.status, b.status, a.body)
	case a.body != b.body:
		i := 0
		for i < len(a.body) && i < len(b.body) && a.body[i] == b.body[i] {
			i++
		}
		from := max(0, i-40)
		return fmt.Sprintf("body differs at byte %d: …%.120q, want …%.120q", i, a.body[from:], b.body[from:])
	}
	for k, v := range b.header {
		if a.header[k] != v {
			return fmt.Sprintf("%s = %q, want %q", k, a.header[k], v)
		}
	}
	return ""
}

// withQuery adds extra to a query string.
func withQuery(query, extra string) string {
	if query == "" {
		return extra
	}
	return query + "&" + extra
}

// serveRaw sends one request through the handler with the raw query exactly as given,
// as net/http would hand it over (httptest.NewRequest refuses some of these).
func serveRaw(h http.Handler, method, path, query string, header http.Header) (int, http.Header, []byte) {
	req := httptest.NewRequest(method, "/", nil)
	req.URL = &url.URL{Path: mustUnescape(path), RawPath: path, RawQuery: query}
	req.RequestURI = req.URL.RequestURI()
	req.Host = "example.com"
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Header(), rec.Body.Bytes()
}

// TestStrayQueryParameters adds parameters no route reads, malformed or not, to a
// valid request on every route, before and after the ones it reads, and checks that
// the answer is the same as without them: through net/http and through the Lambda
// adapter.
func TestStrayQueryParameters(t *testing.T) {
	for _, r := range validRequests(t) {
		h, _, _ := newHostileServer(t)
		code, hdr, b := serveRaw(h, r.method, r.path, r.query, nil)
		want := answerOf(code, hdr, b)
		if code >= 400 {
			t.Fatalf("%s: the valid request %s %s?%s got %d: %s", r.name, r.method, r.path, r.query, code, b)
		}
		wantLambda := answerOf(lambdaDo(t, h, r.method, r.path, r.query, nil))
		for _, p := range strayParameters {
			for _, q := range []string{withQuery(r.query, p.query), withQuery(p.query, r.query)} {
				t.Run(r.name+"/"+p.name, func(t *testing.T) {
					h, _, _ := newHostileServer(t)
					if d := answerOf(serveRaw(h, r.method, r.path, q, nil)).diff(want); d != "" {
						t.Errorf("net/http, query %.80q: %s", q, d)
					}
					if d := answerOf(lambdaDo(t, h, r.method, r.path, q, nil)).diff(wantLambda); d != "" {
						t.Errorf("Lambda, query %.80q: %s", q, d)
					}
				})
			}
		}
	}
}

// TestQueryParametersListed: QueryParameters, which the template's cache key and
// origin request policy must match, names every parameter a route reads: the
// string arguments of every singleQuery call in the package.
func TestQueryParametersListed(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var read []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "singleQuery" {
				return true
			}
			for _, arg := range call.Args[1:] {
				lit, ok := arg.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Errorf("%s: singleQuery with a name that is not a string literal: the list cannot be checked", fset.Position(arg.Pos()))
					continue
				}
				v, _ := strconv.Unquote(lit.Value)
				read = append(read, v)
			}
			return true
		})
	}
	if len(read) == 0 {
		t.Fatal("found no singleQuery calls")
	}
	slices.Sort(read)
	read = slices.Compact(read)
	listed := slices.Sorted(slices.Values(QueryParameters()))
	if !slices.Equal(read, listed) {
		t.Errorf("routes read %q; QueryParameters() lists %q", read, listed)
	}
}

// TestKnownQueryParameters: a parameter a route reads is still checked, since the
// cache keys on it: malformed, repeated or too long, it is the client's mistake.
func TestKnownQueryParameters(t *testing.T) {
	id := firstFact().ID
	card := "/cards/" + id + ".png"
	share := url.QueryEscape("http://example.com/share/" + id)
	tests := []struct {
		name, path, query string
		want              int
	}{
		{"encoded NUL", card, "size=%00", 400},
		{"NUL after a valid value", card, "size=og%00", 400},
		{"bad escape", card, "theme=%zz", 400},
		{"invalid UTF-8", card, "size=%ff", 400},
		{"semicolon inside", card, "size=og;theme=light", 400},
		{"repeated", card, "theme=dark&theme=dark", 400},
		{"unknown size", card, "size=huge", 400},
		{"empty means the default", card, "size=&theme=", 200},
		{"name alone means the default", card, "size", 200},
		{"plus is a space", card, "size=og+", 400},
		{"oembed url too long", "/oembed", "url=" + share + "%3F" + strings.Repeat("a", 2100), 414},
		{"oembed url with a NUL", "/oembed", "url=" + share + "%00", 400},
		{"oembed maxwidth twice", "/oembed", "url=" + share + "&maxwidth=1&maxwidth=2", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _, _ := newHostileServer(t)
			code, _, b := serveRaw(h, "GET", tt.path, tt.query, nil)
			if code != tt.want {
				t.Errorf("GET %s?%.80s: status %d, want %d; body %.200s", tt.path, tt.query, code, tt.want, b)
			}
		})
	}
}

// lambdaDo sends one request through the Lambda adapter, as API Gateway delivers it
// (the raw query string exactly as the client sent it).
func lambdaDo(t *testing.T, h http.Handler, method, path, query string, header http.Header) (int, http.Header, []byte) {
	t.Helper()
	headers := map[string]string{"host": "example.com"}
	for k, v := range header {
		headers[strings.ToLower(k)] = strings.Join(v, ",")
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "$default", RawPath: path, RawQueryString: query, Headers: headers,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			DomainName: "example.com", Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path},
		},
	}
	resp, err := apigw.New(h, slog.New(slog.DiscardHandler))(context.Background(), ev)
	if err != nil {
		t.Fatalf("the adapter returned an error: %v", err)
	}
	b := []byte(resp.Body)
	if resp.IsBase64Encoded {
		if b, err = base64.StdEncoding.DecodeString(resp.Body); err != nil {
			t.Fatal(err)
		}
	}
	hdr := http.Header{}
	for k, v := range resp.Headers {
		hdr.Set(k, v)
	}
	return resp.StatusCode, hdr, b
}
