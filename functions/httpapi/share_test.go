package httpapi

import (
	"bytes"
	"encoding/json"
	"image/png"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/storage/storagetest"
)

// doc is a parsed HTML page with helpers to find what unfurlers read.
type doc struct {
	root *html.Node
}

func parseHTML(t *testing.T, b []byte) *doc {
	t.Helper()
	root, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("page does not parse as HTML: %v", err)
	}
	return &doc{root}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// all returns the elements with the tag for which match is true.
func (d *doc) all(tag string, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag && (match == nil || match(n)) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(d.root)
	return out
}

// meta returns the content of <meta property=name> or <meta name=name>, and how many
// such tags there are.
func (d *doc) meta(name string) (string, int) {
	tags := d.all("meta", func(n *html.Node) bool {
		p, _ := attr(n, "property")
		nm, _ := attr(n, "name")
		return p == name || nm == name
	})
	if len(tags) == 0 {
		return "", 0
	}
	v, _ := attr(tags[0], "content")
	return v, len(tags)
}

func (d *doc) link(rel string) *html.Node {
	links := d.all("link", func(n *html.Node) bool { v, _ := attr(n, "rel"); return v == rel })
	if len(links) == 0 {
		return nil
	}
	return links[0]
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func TestSharePage(t *testing.T) {
	const public = "https://cards.example.org"
	ts := newTestServer(t, public)
	for _, f := range facts.Default().All() {
		t.Run(f.ID, func(t *testing.T) {
			resp := ts.do(t, "GET", "/share/"+f.ID, nil)
			b := body(t, resp)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, b)
			}
			if !bytes.HasPrefix(b, []byte("<!doctype html>")) {
				t.Error("page does not start with an HTML5 doctype")
			}
			csp := resp.Header.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'none'", "style-src 'sha256-", "img-src 'self' " + public, "frame-ancestors 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
				}
			}
			d := parseHTML(t, b)
			shareURL := public + "/share/" + f.ID
			want := map[string]string{
				"og:type":             "article",
				"og:url":              shareURL,
				"og:image:type":       "image/png",
				"og:image:width":      "1200",
				"og:image:height":     "630",
				"twitter:card":        "summary_large_image",
				"og:title":            "",
				"og:description":      "",
				"og:image":            "",
				"og:image:alt":        "",
				"twitter:image:alt":   "",
				"twitter:image":       "",
				"description":         "",
				"og:site_name":        "factcard",
				"twitter:title":       "",
				"twitter:description": "",
			}
			for name, wantVal := range want {
				got, n := d.meta(name)
				if n != 1 {
					t.Errorf("%d <meta> tags for %s, want 1", n, name)
				}
				if got == "" || (wantVal != "" && got != wantVal) {
					t.Errorf("%s = %q, want %q (non-empty)", name, got, wantVal)
				}
			}
			if desc, _ := d.meta("og:description"); !strings.Contains(desc, f.Quote) {
				t.Errorf("og:description %q does not carry the whole quote", desc)
			}
			if alt, _ := d.meta("og:image:alt"); !strings.Contains(alt, f.Quote) || !strings.Contains(alt, f.Speaker.Name) {
				t.Errorf("og:image:alt %q lacks the quote or speaker", alt)
			}
			if c := d.link("canonical"); c == nil {
				t.Error("no canonical link")
			} else if href, _ := attr(c, "href"); href != shareURL {
				t.Errorf("canonical = %q, want %q", href, shareURL)
			}
			alt := d.link("alternate")
			if alt == nil {
				t.Fatal("no oEmbed discovery link")
			}
			if typ, _ := attr(alt, "type"); typ != "application/json+oembed" {
				t.Errorf("alternate link type = %q", typ)
			}
			href, _ := attr(alt, "href")
			u, err := url.Parse(href)
			if err != nil || u.Query().Get("url") != shareURL || !strings.HasPrefix(href, public+"/oembed?") {
				t.Errorf("oEmbed href = %q, want %s/oembed?url=%s", href, public, shareURL)
			}

			// The card: an <img> with width, height and alt; the og:image fetches as a
			// PNG of the stated size.
			imgURL, _ := d.meta("og:image")
			if !strings.HasPrefix(imgURL, public+"/cards/"+f.ID+"/og-dark-") {
				t.Errorf("og:image %q is not the absolute og card URL", imgURL)
			}
			imgs := d.all("img", func(n *html.Node) bool { v, _ := attr(n, "src"); return v == imgURL })
			if len(imgs) != 1 {
				t.Fatalf("%d <img> of the og card, want 1", len(imgs))
			}
			for _, a := range []string{"width", "height", "alt"} {
				if v, ok := attr(imgs[0], a); !ok || v == "" {
					t.Errorf("card <img> lacks %s", a)
				}
			}
			card := ts.do(t, "GET", strings.TrimPrefix(imgURL, public), nil)
			img, err := png.Decode(bytes.NewReader(body(t, card)))
			if err != nil {
				t.Fatalf("og:image is not a PNG: %v", err)
			}
			gotW, _ := d.meta("og:image:width")
			gotH, _ := d.meta("og:image:height")
			if sz := img.Bounds().Size(); strconv.Itoa(sz.X) != gotW || strconv.Itoa(sz.Y) != gotH {
				t.Errorf("og:image is %v, tags say %sx%s", sz, gotW, gotH)
			}

			// The quote as text, with attribution and source, for people.
			quotes := d.all("blockquote", nil)
			if len(quotes) != 1 || !strings.Contains(text(quotes[0]), f.Quote) {
				t.Errorf("no <blockquote> with the quote")
			}
			page := text(d.root)
			for _, s := range []string{f.Speaker.Name, f.Speaker.Role, f.Said.Display(), f.Source.Headline} {
				if !strings.Contains(page, s) {
					t.Errorf("page text lacks %q", s)
				}
			}

			// JSON-LD: a schema.org Quotation.
			scripts := d.all("script", func(n *html.Node) bool { v, _ := attr(n, "type"); return v == "application/ld+json" })
			if len(scripts) != 1 {
				t.Fatalf("%d JSON-LD scripts, want 1", len(scripts))
			}
			var ld struct {
				Context string `json:"@context"`
				Type    string `json:"@type"`
				Text    string `json:"text"`
				Creator struct {
					Name string `json:"name"`
				} `json:"creator"`
				DateCreated string `json:"dateCreated"`
				IsBasedOn   struct {
					Headline string `json:"headline"`
				} `json:"isBasedOn"`
			}
			if err := json.Unmarshal([]byte(text(scripts[0])), &ld); err != nil {
				t.Fatalf("JSON-LD does not parse: %v\n%s", err, text(scripts[0]))
			}
			if ld.Type != "Quotation" || ld.Context != "https://schema.org" || ld.Text != f.Quote ||
				ld.Creator.Name != f.Speaker.Name || ld.IsBasedOn.Headline != f.Source.Headline {
				t.Errorf("JSON-LD = %+v", ld)
			}
			if f.Said.Known() != (ld.DateCreated == f.Said.Value && ld.DateCreated != "") {
				t.Errorf("JSON-LD dateCreated = %q for a date %+v", ld.DateCreated, f.Said)
			}
		})
	}
}

// TestShareEscapes renders a fixture fact full of markup: every piece of text comes
// out escaped, in tags, attributes and JSON-LD alike.
func TestShareEscapes(t *testing.T) {
	const fixture = `{"sources": [{"id": "fixture-source", "document": "fixture.txt",
	  "headline": "Fixture </title><script>alert(1)</script> headline",
	  "published": {"value": "2025-05-10", "precision": "stated"}}],
	 "facts": [{"id": "fixture-markup", "quote": "Fixture <b>bold</b> & \"quoted\" </script><script>alert(2)</script> text",
	  "language": "en", "speaker": {"name": "Fixture <i>Speaker</i>", "role": "Role\" onload=\"alert(3)"},
	  "said": {"value": "2025-05-01", "precision": "stated"}, "medium": "statement", "source": "fixture-source"}]}`
	d, err := facts.Parse(strings.NewReader(fixture))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := cards.New(cards.Config{Facts: d, Store: storagetest.NewMemory()})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Cards: svc, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/share/fixture-markup", "/"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		b := rec.Body.String()
		for _, bad := range []string{"<script>alert", "<b>bold", "<i>Speaker", `onload="alert`} {
			if strings.Contains(b, bad) {
				t.Errorf("%s: unescaped %q in the page", path, bad)
			}
		}
		dd := parseHTML(t, rec.Body.Bytes())
		if n := len(dd.all("script", func(n *html.Node) bool { v, _ := attr(n, "type"); return v != "application/ld+json" })); n != 0 {
			t.Errorf("%s: %d executable <script> elements, want 0", path, n)
		}
		if path == "/share/fixture-markup" {
			if desc, _ := dd.meta("og:description"); !strings.Contains(desc, `<b>bold</b> & "quoted"`) {
				t.Errorf("og:description lost the text: %q", desc)
			}
		}
	}
}

// TestShareContext: a fragment reaches people with the source's words around it, in
// the share page, the card's alt text, og:description, the oEmbed title, the index
// and the JSON; a whole sentence without context shows none.
func TestShareContext(t *testing.T) {
	const public = "https://cards.example.org"
	ts := newTestServer(t, public)
	index := parseHTML(t, body(t, ts.do(t, "GET", "/", nil)))
	fragments := 0
	for _, f := range facts.Default().All() {
		t.Run(f.ID, func(t *testing.T) {
			want := quoted(f)
			if f.Context.Before != "" {
				want = f.Context.Before + " " + want
			}
			if f.Fragment {
				fragments++
				if f.Context.IsZero() {
					t.Fatal("a fragment without context in the dataset")
				}
				if !strings.HasPrefix(want, f.Context.Before+" “") {
					t.Fatalf("passage %q does not lead with the context", want)
				}
			}
			d := parseHTML(t, body(t, ts.do(t, "GET", "/share/"+f.ID, nil)))
			quotes := d.all("blockquote", nil)
			if len(quotes) != 1 {
				t.Fatalf("%d <blockquote>, want 1", len(quotes))
			}
			if got := strings.Join(strings.Fields(text(quotes[0])), " "); got != want {
				t.Errorf("blockquote = %q, want %q", got, want)
			}
			spans := d.all("span", func(n *html.Node) bool { v, _ := attr(n, "class"); return v == "context" })
			if f.Context.IsZero() != (len(spans) == 0) {
				t.Errorf("%d context spans for context %+v", len(spans), f.Context)
			}
			for _, name := range []string{"og:description", "twitter:description", "description", "og:image:alt", "twitter:image:alt"} {
				if got, _ := d.meta(name); !strings.Contains(got, want) {
					t.Errorf("%s = %q, want it to carry %q", name, got, want)
				}
			}
			imgs := d.all("img", nil)
			if len(imgs) == 0 {
				t.Fatal("no card image")
			}
			if a, _ := attr(imgs[0], "alt"); !strings.Contains(a, want) {
				t.Errorf("card alt = %q, want it to carry %q", a, want)
			}

			var oe struct {
				Title string `json:"title"`
			}
			shareURL := public + "/share/" + f.ID
			if err := json.Unmarshal(body(t, ts.do(t, "GET", "/oembed?url="+url.QueryEscape(shareURL), nil)), &oe); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(oe.Title, want) || !strings.HasPrefix(oe.Title, f.Speaker.Name) {
				t.Errorf("oEmbed title = %q, want the speaker and %q", oe.Title, want)
			}

			var fr struct {
				Fragment bool          `json:"fragment"`
				Context  facts.Context `json:"context"`
			}
			if err := json.Unmarshal(body(t, ts.do(t, "GET", "/facts/"+f.ID, nil)), &fr); err != nil {
				t.Fatal(err)
			}
			if fr.Context != f.Context || fr.Fragment != f.Fragment {
				t.Errorf("/facts/%s context = %+v fragment %v, want %+v %v", f.ID, fr.Context, fr.Fragment, f.Context, f.Fragment)
			}

			found := false
			for _, q := range index.all("blockquote", nil) {
				if strings.Join(strings.Fields(text(q)), " ") == want {
					found = true
				}
			}
			if !found {
				t.Errorf("the index has no blockquote %q", want)
			}
		})
	}
	if fragments == 0 {
		t.Error("the dataset has no fragments to check")
	}
}

func TestInContext(t *testing.T) {
	tests := []struct {
		ctx  facts.Context
		want string
	}{
		{facts.Context{}, "“fixture words”"},
		{facts.Context{Before: "Fixture Speaker called it"}, "Fixture Speaker called it “fixture words”"},
		{facts.Context{After: ", and left."}, "“fixture words”, and left."},
		{facts.Context{Before: "They said", After: "and left."}, "They said “fixture words” and left."},
	}
	for _, tt := range tests {
		f := facts.Fact{Quote: "fixture words", Context: tt.ctx}
		if got := inContext(f); got != tt.want {
			t.Errorf("inContext(%+v) = %q, want %q", tt.ctx, got, tt.want)
		}
	}
}
