package httpapi

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/render"
)

type testServer struct {
	h     http.Handler
	svc   *cards.Service
	store *storagetest.Faulty
	mem   *storagetest.Memory
	logs  *bytes.Buffer
}

func newTestServer(t testing.TB, publicURL string) *testServer {
	t.Helper()
	ts := &testServer{mem: storagetest.NewMemory(), logs: &bytes.Buffer{}}
	ts.store = storagetest.NewFaulty(ts.mem)
	log := slog.New(slog.NewJSONHandler(ts.logs, nil))
	svc, err := cards.New(cards.Config{Facts: facts.Default(), Store: ts.store, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ts.svc = svc
	h, err := New(Config{Cards: svc, PublicURL: publicURL, Version: "test", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ts.h = h
	return ts
}

// do sends a request through the handler and returns the recorded response.
func (ts *testServer) do(t testing.TB, method, target string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	ts.h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t testing.TB, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// firstFact is a real dataset fact for route tests.
func firstFact() facts.Fact { return facts.Default().All()[0] }

func TestRoutes(t *testing.T) {
	ts := newTestServer(t, "")
	id := firstFact().ID
	ref, err := ts.svc.Ref(t.Context(), id, render.Options{Size: render.SizeSquare, Theme: render.ThemeLight})
	if err != nil {
		t.Fatal(err)
	}
	hashed := "/cards/" + id + "/" + ref.Name()
	tests := []struct {
		name       string
		method     string
		target     string
		header     http.Header
		wantStatus int
		wantType   string
		wantBody   string // substring
		wantHeader map[string]string
	}{
		{"index", "GET", "/", nil, 200, "text/html; charset=utf-8", "curated quotes", nil},
		{"card png", "GET", "/cards/" + id + ".png", nil, 200, "image/png", "", map[string]string{"Cache-Control": plainCache}},
		{"card jpg", "GET", "/cards/" + id + ".jpg?size=story", nil, 200, "image/jpeg", "", nil},
		{"card jpeg", "GET", "/cards/" + id + ".jpeg", nil, 200, "image/jpeg", "", nil},
		{"card head", "HEAD", "/cards/" + id + ".png?size=portrait", nil, 200, "image/png", "", nil},
		{"hashed card", "GET", hashed, nil, 200, "image/png", "", map[string]string{"Cache-Control": immutableCache, "ETag": `"` + ref.Hash + `"`}},
		{"stale hash redirects", "GET", "/cards/" + id + "/square-light-0000000000000000.png", nil, 302, "", "", map[string]string{"Location": hashed}},
		{"facts", "GET", "/facts", nil, 200, "application/json; charset=utf-8", `"share_url"`, nil},
		{"fact", "GET", "/facts/" + id, nil, 200, "application/json; charset=utf-8", `"id":"` + id + `"`, nil},
		{"share", "GET", "/share/" + id, nil, 200, "text/html; charset=utf-8", "og:image", map[string]string{"Referrer-Policy": "strict-origin-when-cross-origin"}},
		{"oembed", "GET", "/oembed?url=http://example.com/share/" + id, nil, 200, "application/json; charset=utf-8", `"type":"rich"`, nil},
		{"oembed photo", "GET", "/oembed?type=photo&url=http://example.com/share/" + id, nil, 200, "application/json; charset=utf-8", `"type":"photo"`, nil},
		{"healthz", "GET", "/healthz", nil, 200, "application/json; charset=utf-8", `"status":"ok"`, nil},
		{"favicon", "GET", "/favicon.svg", nil, 200, "image/svg+xml", "<svg", nil},
		{"options", "OPTIONS", "/facts", nil, 204, "", "", map[string]string{"Allow": "GET, HEAD, OPTIONS"}},

		{"unknown id", "GET", "/cards/no-such-fact.png", nil, 404, "application/json; charset=utf-8", `"error":"no fact with that ID`, nil},
		{"unknown fact json", "GET", "/facts/no-such-fact", nil, 404, "application/json; charset=utf-8", `"error"`, nil},
		{"unknown share", "GET", "/share/no-such-fact", nil, 404, "application/json; charset=utf-8", `"error"`, nil},
		{"bad size", "GET", "/cards/" + id + ".png?size=huge", nil, 400, "application/json; charset=utf-8", `unknown size \"huge\" (valid: og, square, portrait, story)`, nil},
		{"bad theme", "GET", "/cards/" + id + ".png?theme=neon", nil, 400, "application/json; charset=utf-8", `unknown theme \"neon\" (valid: dark, light)`, nil},
		{"bad extension", "GET", "/cards/" + id + ".gif", nil, 404, "application/json; charset=utf-8", "/cards/{id}.png", nil},
		{"post", "POST", "/cards/" + id + ".png", nil, 405, "application/json; charset=utf-8", "method POST not allowed", map[string]string{"Allow": "GET, HEAD, OPTIONS"}},
		{"delete", "DELETE", "/facts", nil, 405, "application/json; charset=utf-8", `"error"`, map[string]string{"Allow": "GET, HEAD, OPTIONS"}},
		{"no route", "GET", "/nope", nil, 404, "application/json; charset=utf-8", "no such route", nil},
		{"oembed xml", "GET", "/oembed?format=xml&url=http://example.com/share/" + id, nil, 501, "application/json; charset=utf-8", "format=json", nil},
		{"oembed other site", "GET", "/oembed?url=https://evil.example/share/" + id, nil, 404, "application/json; charset=utf-8", "not a share page", nil},
		{"oembed no url", "GET", "/oembed", nil, 400, "application/json; charset=utf-8", "url is required", nil},
		{"oembed bad type", "GET", "/oembed?type=video&url=http://example.com/share/" + id, nil, 400, "application/json; charset=utf-8", "type must be rich", nil},
		{"oembed too small", "GET", "/oembed?maxwidth=200&url=http://example.com/share/" + id, nil, 404, "application/json; charset=utf-8", "no card fits", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.do(t, tt.method, tt.target, tt.header)
			b := body(t, resp)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("%s %s: status %d, want %d; body %s", tt.method, tt.target, resp.StatusCode, tt.wantStatus, b)
			}
			if got := resp.Header.Get("Content-Type"); tt.wantType != "" && got != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tt.wantType)
			}
			if !bytes.Contains(b, []byte(tt.wantBody)) {
				t.Errorf("body does not contain %q:\n%.500s", tt.wantBody, b)
			}
			for k, v := range tt.wantHeader {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
			if tt.wantStatus >= 400 {
				var e struct{ Error string }
				if err := json.Unmarshal(b, &e); err != nil || e.Error == "" {
					t.Errorf("error body is not {\"error\": ...}: %s", b)
				}
			}
			if tt.method == "HEAD" && len(b) != 0 {
				t.Errorf("HEAD returned %d body bytes", len(b))
			}
		})
	}
}

func TestCardImage(t *testing.T) {
	ts := newTestServer(t, "")
	id := firstFact().ID
	for _, size := range render.Sizes() {
		for _, ext := range []string{"png", "jpg"} {
			t.Run(string(size)+"."+ext, func(t *testing.T) {
				resp := ts.do(t, "GET", "/cards/"+id+"."+ext+"?size="+string(size)+"&utm_source=x&fbclid=y", nil)
				b := body(t, resp)
				if resp.StatusCode != 200 {
					t.Fatalf("status %d: %s", resp.StatusCode, b)
				}
				if got, want := resp.Header.Get("Content-Length"), strconv.Itoa(len(b)); got != want {
					t.Errorf("Content-Length = %s, body is %s bytes", got, want)
				}
				if !regexp.MustCompile(`^"[0-9a-f]{16}"$`).MatchString(resp.Header.Get("ETag")) {
					t.Errorf("ETag = %q, want a strong quoted hash", resp.Header.Get("ETag"))
				}
				var img image.Image
				var err error
				if ext == "png" {
					img, err = png.Decode(bytes.NewReader(b))
				} else {
					img, err = jpeg.Decode(bytes.NewReader(b))
				}
				if err != nil {
					t.Fatalf("body does not decode as %s: %v", ext, err)
				}
				w, h := size.Dimensions()
				if got := img.Bounds().Size(); got.X != w || got.Y != h {
					t.Errorf("image is %v, want %dx%d", got, w, h)
				}
			})
		}
	}
}

// TestTrackingParametersIgnored: share links collect tracking parameters; they must
// neither break the card nor change which card it is.
func TestTrackingParametersIgnored(t *testing.T) {
	ts := newTestServer(t, "")
	id := firstFact().ID
	plain := ts.do(t, "GET", "/cards/"+id+".png?size=og", nil)
	tracked := ts.do(t, "GET", "/cards/"+id+".png?utm_source=news&size=og&fbclid=abc&utm_medium=social", nil)
	if plain.Header.Get("ETag") != tracked.Header.Get("ETag") {
		t.Errorf("tracking parameters changed the ETag: %s vs %s", plain.Header.Get("ETag"), tracked.Header.Get("ETag"))
	}
	if got := ts.mem.Len(); got != 1 {
		t.Errorf("store holds %d cards after two requests for one card, want 1", got)
	}
	share := ts.do(t, "GET", "/share/"+id+"?fbclid=abc&utm_campaign=x", nil)
	if share.StatusCode != 200 {
		t.Errorf("share page with tracking parameters: status %d", share.StatusCode)
	}
}

func TestConditionalGet(t *testing.T) {
	ts := newTestServer(t, "")
	path := "/cards/" + firstFact().ID + ".png"
	first := ts.do(t, "GET", path, nil)
	etag := first.Header.Get("ETag")
	tests := []struct {
		name  string
		inm   string
		want  int
		empty bool
	}{
		{"same etag", etag, 304, true},
		{"weak form", "W/" + etag, 304, true},
		{"in a list", `"nope", ` + etag, 304, true},
		{"star", "*", 304, true},
		{"other etag", `"0000000000000000"`, 200, false},
		{"garbage", `garbage`, 200, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.do(t, "GET", path, http.Header{"If-None-Match": {tt.inm}})
			b := body(t, resp)
			if resp.StatusCode != tt.want {
				t.Fatalf("If-None-Match %q: status %d, want %d", tt.inm, resp.StatusCode, tt.want)
			}
			if tt.empty && len(b) != 0 {
				t.Errorf("304 has a %d-byte body", len(b))
			}
			if resp.Header.Get("ETag") != etag {
				t.Errorf("ETag = %q, want %q", resp.Header.Get("ETag"), etag)
			}
		})
	}
}

func TestInternalErrorHidesDetails(t *testing.T) {
	mem := storagetest.NewMemory()
	logs := &bytes.Buffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	svc, err := cards.New(cards.Config{Facts: facts.Default(), Store: mem, Logger: log,
		Render: func(facts.Fact, render.Options) ([]byte, error) {
			return nil, io.ErrUnexpectedEOF // stands in for any internal failure
		}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Cards: svc, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/cards/"+firstFact().ID+".png", nil))
	if rec.Code != 500 {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	if got, want := strings.TrimSpace(rec.Body.String()), `{"error":"internal error"}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if !strings.Contains(logs.String(), "unexpected EOF") {
		t.Errorf("the log lacks the cause:\n%s", logs.String())
	}
}

func TestPanicIsA500(t *testing.T) {
	ts := newTestServer(t, "")
	s := &server{log: slog.New(slog.NewJSONHandler(ts.logs, nil))}
	h := s.middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("fixture panic") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "fixture panic") || strings.Contains(rec.Body.String(), "goroutine") {
		t.Errorf("panic: status %d body %q; want 500 with no internals", rec.Code, rec.Body.String())
	}
	if !strings.Contains(ts.logs.String(), "fixture panic") {
		t.Error("the panic was not logged")
	}
}

func TestFactsJSON(t *testing.T) {
	ts := newTestServer(t, "https://cards.example.org")
	resp := ts.do(t, "GET", "/facts", nil)
	var got struct {
		Facts []factResponse `json:"facts"`
	}
	if err := json.Unmarshal(body(t, resp), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Facts) != facts.Default().Len() {
		t.Fatalf("got %d facts, want %d", len(got.Facts), facts.Default().Len())
	}
	for _, f := range got.Facts {
		if want := "https://cards.example.org/share/" + f.ID; f.ShareURL != want {
			t.Errorf("share_url = %q, want %q", f.ShareURL, want)
		}
		if len(f.Cards) != len(render.Sizes())*len(render.Themes()) {
			t.Errorf("%s has %d card links", f.ID, len(f.Cards))
		}
		for _, c := range f.Cards {
			if !strings.HasPrefix(c.URL, "https://cards.example.org/cards/"+f.ID+"/") {
				t.Errorf("card URL %q is not absolute under the public URL", c.URL)
			}
		}
		if f.Quote == "" || f.Source.Headline == "" {
			t.Errorf("fact %s lost its content in JSON", f.ID)
		}
	}
}

func TestOEmbed(t *testing.T) {
	ts := newTestServer(t, "https://cards.example.org")
	id := firstFact().ID
	share := "https://cards.example.org/share/" + id
	tests := []struct {
		query            string
		wantType         string
		wantW, wantH     int
		wantSize, wantTh string
	}{
		{"", "rich", 1200, 630, "og", "dark"},
		{"&maxwidth=1200&maxheight=1200", "rich", 1080, 1080, "square", "dark"},
		{"&maxwidth=1080", "rich", 1080, 1920, "story", "dark"},
		{"&maxheight=700", "rich", 1200, 630, "og", "dark"},
		{"&maxheight=1400", "rich", 1080, 1350, "portrait", "dark"},
		{"&type=rich&maxheight=1400", "rich", 1080, 1350, "portrait", "dark"},
		{"&type=photo", "photo", 1200, 630, "og", "dark"},
		{"&type=photo&maxwidth=1080", "photo", 1080, 1920, "story", "dark"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp := ts.do(t, "GET", "/oembed?url="+share+tt.query, nil)
			b := body(t, resp)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, b)
			}
			var got oembedResponse
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if got.Version != "1.0" || got.Type != tt.wantType || got.ProviderName != "factcard" {
				t.Errorf("response = %+v, want a 1.0 %s from factcard", got, tt.wantType)
			}
			if got.Width != tt.wantW || got.Height != tt.wantH {
				t.Errorf("size = %dx%d, want %dx%d", got.Width, got.Height, tt.wantW, tt.wantH)
			}
			if got.ThumbnailWidth != tt.wantW || got.ThumbnailHeight != tt.wantH {
				t.Errorf("thumbnail size = %dx%d, want %dx%d", got.ThumbnailWidth, got.ThumbnailHeight, tt.wantW, tt.wantH)
			}
			if !strings.Contains(got.ThumbnailURL, "/"+tt.wantSize+"-"+tt.wantTh+"-") {
				t.Errorf("thumbnail_url %q is not the %s %s card", got.ThumbnailURL, tt.wantSize, tt.wantTh)
			}
			switch tt.wantType {
			case "photo":
				if got.URL != got.ThumbnailURL || got.HTML != "" {
					t.Errorf("photo: url %q, html %q; want the card and no html", got.URL, got.HTML)
				}
			case "rich":
				if got.URL != "" || !strings.Contains(got.HTML, `src="`+got.ThumbnailURL+`"`) {
					t.Errorf("rich: url %q, html %q; want no url and html showing the card", got.URL, got.HTML)
				}
			}
			if got.AuthorName != firstFact().Speaker.Name {
				t.Errorf("author_name = %q", got.AuthorName)
			}
		})
	}
}
