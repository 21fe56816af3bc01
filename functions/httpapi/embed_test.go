package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/render"
	"github.com/factcard/factcard/render/locale"
)

// fixtureSet serves test fixtures beside the dataset's facts, so that a test can
// show them through the handler. Fixtures never enter the dataset.
type fixtureSet struct {
	facts.Set
	fixtures map[string]facts.Fact
}

func (s fixtureSet) Fact(ctx context.Context, id string) (facts.Fact, error) {
	if f, ok := s.fixtures[id]; ok {
		return f, nil
	}
	return s.Set.Fact(ctx, id)
}

// embedFixtures are the render fixtures (Hindi, Urdu, the longest text, English)
// and two made from the English one: one whose source has a URL, and one with
// quotation marks, <, > and & in every field the snippet shows. None is a quote of
// anyone.
func embedFixtures(t testing.TB) []facts.Fact {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "render", "testdata", "fixtures.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Fixtures []struct {
			Fact facts.Fact `json:"fact"`
		} `json:"fixtures"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("render fixtures: %v", err)
	}
	var out []facts.Fact
	for _, fx := range file.Fixtures {
		out = append(out, fx.Fact)
	}
	english, ok := fixtureByID(out, "fixture-english")
	if !ok {
		t.Fatal("render fixtures lack fixture-english")
	}
	linked := english
	linked.ID = "fixture-linked-source"
	linked.Source.URL = "https://example.org/fixture-article?page=1"
	linked.Source.Publisher = "Fixture Publisher"
	linked.Speaker.Handle = "@fixture"
	linked.Context = facts.Context{Before: "The fixture article says that", After: ", it adds, as a test."}
	out = append(out, linked)

	m := english
	m.ID = "fixture-markup"
	m.Quote = `Fixture <b>bold</b> & "double" 'single' </p></blockquote><script>alert(1)</script> text`
	m.Speaker.Name = `Fixture <i>Speaker</i> & "Co"`
	m.Speaker.Role = `Role" onload="alert(2)`
	m.Speaker.Handle = `@fixture<&>`
	m.Source.Headline = `Fixture </cite><script>alert(3)</script> headline & "more"`
	m.Source.Publisher = `Fixture <Publisher> & 'Sons'`
	m.Source.URL = `https://example.org/fixture?a=1&b="2"&c=<3>`
	m.Context = facts.Context{Before: `Fixture <em>before</em> & "words"`, After: `& after </p><p>`}
	return append(out, m)
}

func fixtureByID(all []facts.Fact, id string) (facts.Fact, bool) {
	for _, f := range all {
		if f.ID == id {
			return f, true
		}
	}
	return facts.Fact{}, false
}

// newFixtureServer is a handler over the dataset plus fixtures, with its card
// service.
func newFixtureServer(t testing.TB, publicURL string, fixtures []facts.Fact) (*testServer, error) {
	t.Helper()
	set := fixtureSet{Set: facts.Default(), fixtures: map[string]facts.Fact{}}
	for _, f := range fixtures {
		set.fixtures[f.ID] = f
	}
	ts := &testServer{mem: storagetest.NewMemory()}
	ts.store = storagetest.NewFaulty(ts.mem)
	svc, err := cards.New(cards.Config{Facts: set, Store: ts.store, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	ts.svc = svc
	ts.h, err = New(Config{Cards: svc, PublicURL: publicURL, Logger: slog.New(slog.DiscardHandler)})
	return ts, err
}

// TestEmbedSnippet checks the share page's Embed section and /oembed for every fact
// and fixture and every size: each snippet is well formed, escapes every value,
// shows the card and the quote as it should, and is the same markup in both.
func TestEmbedSnippet(t *testing.T) {
	const public = "https://cards.example.org"
	fixtures := embedFixtures(t)
	ts, err := newFixtureServer(t, public, fixtures)
	if err != nil {
		t.Fatal(err)
	}
	all := append(facts.Default().All(), fixtures...)
	for _, f := range all {
		t.Run(f.ID, func(t *testing.T) {
			shareURL := public + "/share/" + f.ID
			page := body(t, ts.do(t, "GET", "/share/"+f.ID, nil))
			boxes := embedBoxes(t, parseHTML(t, page))
			if len(boxes) != len(render.Sizes()) {
				t.Fatalf("%d embed boxes, want one for each of %d sizes", len(boxes), len(render.Sizes()))
			}
			for i, size := range render.Sizes() {
				box := boxes[i]
				w, h := size.Dimensions()
				if open := box.open; open != (size == render.DefaultSize) {
					t.Errorf("%s box open = %v, want only the %s box open", size, open, render.DefaultSize)
				}
				if !box.readOnly {
					t.Errorf("%s box is not read-only", size)
				}
				if want := strconv.Itoa(w) + "×" + strconv.Itoa(h); !strings.Contains(box.summary, want) {
					t.Errorf("%s box summary %q does not give the size %s", size, box.summary, want)
				}

				q := url.Values{"url": {shareURL}, "maxwidth": {strconv.Itoa(w)}, "maxheight": {strconv.Itoa(h)}}
				resp := ts.do(t, "GET", "/oembed?"+q.Encode(), nil)
				var oe oembedResponse
				if err := json.Unmarshal(body(t, resp), &oe); err != nil {
					t.Fatalf("oEmbed %s: %v", size, err)
				}
				if oe.HTML != box.snippet {
					t.Errorf("%s: oEmbed html and the share page's snippet differ:\n oEmbed %s\n page   %s", size, oe.HTML, box.snippet)
				}
				ref, err := ts.svc.FactRef(f, render.Options{Size: size})
				if err != nil {
					t.Fatal(err)
				}
				checkSnippet(t, box.snippet, f, snippetWant{
					shareURL: shareURL, imageURL: public + cardPath(ref), width: w / 2, height: h / 2,
				})
			}
		})
	}
}

// embedBox is one text box of a share page's Embed section.
type embedBox struct {
	summary  string
	open     bool
	readOnly bool
	snippet  string // the text in the box: what people copy
}

func embedBoxes(t *testing.T, d *doc) []embedBox {
	t.Helper()
	sections := d.all("section", func(n *html.Node) bool { v, _ := attr(n, "class"); return v == "embed" })
	if len(sections) != 1 {
		t.Fatalf("%d Embed sections, want 1", len(sections))
	}
	var boxes []embedBox
	for _, det := range (&doc{sections[0]}).all("details", nil) {
		dd := &doc{det}
		areas, sums := dd.all("textarea", nil), dd.all("summary", nil)
		if len(areas) != 1 || len(sums) != 1 {
			t.Fatalf("an Embed <details> with %d text boxes and %d summaries, want 1 and 1", len(areas), len(sums))
		}
		_, open := attr(det, "open")
		_, ro := attr(areas[0], "readonly")
		if label, _ := attr(areas[0], "aria-label"); label == "" {
			t.Error("an Embed text box has no aria-label")
		}
		boxes = append(boxes, embedBox{summary: text(sums[0]), open: open, readOnly: ro, snippet: text(areas[0])})
	}
	return boxes
}

// snippetWant is what a snippet must link to and how large it shows the card.
type snippetWant struct {
	shareURL, imageURL string
	width, height      int
}

// checkSnippet reports what is wrong with an embed snippet of f.
func checkSnippet(t *testing.T, snippet string, f facts.Fact, want snippetWant) {
	t.Helper()
	if err := wellFormed(snippet); err != nil {
		t.Fatalf("snippet is not well formed: %v\n%s", err, snippet)
	}
	if strings.ContainsAny(snippet, "\r\n") {
		t.Errorf("snippet has a line break; want one line")
	}
	nodes, err := html.ParseFragment(strings.NewReader(snippet), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 1 || nodes[0].Data != "figure" {
		t.Fatalf("snippet is %d nodes, want one <figure>", len(nodes))
	}
	d := &doc{nodes[0]}

	imgs := d.all("img", nil)
	if len(imgs) != 1 {
		t.Fatalf("%d images, want 1", len(imgs))
	}
	img := imgs[0]
	for key, v := range map[string]string{
		"src": want.imageURL, "width": strconv.Itoa(want.width), "height": strconv.Itoa(want.height),
		"alt": alt(locale.MustDefault(), f), "loading": "lazy",
	} {
		if got, _ := attr(img, key); got != v {
			t.Errorf("img %s = %q, want %q", key, got, v)
		}
	}
	if p := img.Parent; p == nil || p.Data != "a" {
		t.Error("the card is not a link")
	} else if href, _ := attr(p, "href"); href != want.shareURL {
		t.Errorf("the card links to %q, want the share page %q", href, want.shareURL)
	}

	quotes := d.all("blockquote", nil)
	if len(quotes) != 1 {
		t.Fatalf("%d blockquotes, want 1", len(quotes))
	}
	q := quotes[0]
	wantCite, wantDir := want.shareURL, "ltr"
	if f.Source.URL != "" {
		wantCite = f.Source.URL
	}
	switch f.Language {
	case "ur", "ar", "fa", "he":
		wantDir = "rtl"
	}
	for key, v := range map[string]string{"cite": wantCite, "lang": f.Language, "dir": wantDir} {
		if got, _ := attr(q, key); got != v {
			t.Errorf("blockquote %s = %q, want %q", key, got, v)
		}
	}
	got := text(q)
	if got != inContext(f) || !strings.HasPrefix(got, f.Context.Before) || !strings.HasSuffix(got, f.Context.After) ||
		!strings.Contains(got, quoted(f)) {
		t.Errorf("blockquote text = %q, want %q: the quote in quotation marks between its context %q and %q", got, inContext(f), f.Context.Before, f.Context.After)
	}

	caps := d.all("figcaption", nil)
	if len(caps) != 1 {
		t.Fatalf("%d figcaptions, want 1", len(caps))
	}
	caption := text(caps[0])
	for _, s := range []string{f.Speaker.Name, f.Speaker.Role, f.Speaker.Handle, f.Said.Display(), f.Medium.Label(), f.Source.Headline, f.Source.Publisher} {
		if !strings.Contains(caption, s) {
			t.Errorf("caption %q lacks %q", caption, s)
		}
	}
	sourceLinks := (&doc{caps[0]}).all("a", func(n *html.Node) bool { v, _ := attr(n, "href"); return v == f.Source.URL })
	if f.Source.URL != "" && (len(sourceLinks) != 1 || text(sourceLinks[0]) != f.Source.Headline) {
		t.Errorf("caption does not link the headline %q to the source %q", f.Source.Headline, f.Source.URL)
	}

	// Nothing a fact holds becomes markup; nothing runs.
	styled := map[string]bool{"figure": true, "img": true}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if !snippetElements[n.Data] {
				t.Errorf("snippet has a <%s> element", n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") || (a.Key == "style" && !styled[n.Data]) {
					t.Errorf("<%s> has the attribute %s=%q", n.Data, a.Key, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(nodes[0])
}

// snippetElements are the elements a snippet may hold.
var snippetElements = map[string]bool{
	"figure": true, "a": true, "img": true, "blockquote": true, "p": true,
	"figcaption": true, "strong": true, "br": true, "cite": true,
}

// wellFormed checks HTML strictly: every element closed in order (void elements
// excepted), attribute values double-quoted and each tag, attribute and text
// written exactly as html.Token would write it, so every &, <, >, " and ' in text
// and attributes is escaped.
func wellFormed(s string) error {
	z := html.NewTokenizer(strings.NewReader(s))
	var open []string
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if !errors.Is(z.Err(), io.EOF) {
				return z.Err()
			}
			break
		}
		raw := string(z.Raw())
		tok := z.Token()
		switch tt {
		case html.StartTagToken:
			if !voidElements[tok.Data] {
				open = append(open, tok.Data)
			}
		case html.EndTagToken:
			if len(open) == 0 || open[len(open)-1] != tok.Data {
				return errors.New("</" + tok.Data + "> closes " + strings.Join(open, " > "))
			}
			open = open[:len(open)-1]
		case html.SelfClosingTagToken:
			return errors.New("self-closing tag " + raw)
		case html.CommentToken, html.DoctypeToken:
			return errors.New("unexpected " + raw)
		}
		if got := tok.String(); got != raw {
			return errors.New(raw + " is not written as " + got)
		}
	}
	if len(open) > 0 {
		return errors.New("unclosed " + strings.Join(open, " > "))
	}
	return nil
}

// voidElements have no end tag.
var voidElements = map[string]bool{"img": true, "br": true, "hr": true, "meta": true, "link": true, "input": true, "wbr": true}

func TestWellFormed(t *testing.T) {
	for _, tt := range []struct {
		html string
		ok   bool
	}{
		{`<figure><a href="x?a=1&amp;b=2"><img src="x" alt="a &#34;b&#34;"></a><p>a &amp; b &lt;c&gt;<br>d</p></figure>`, true},
		{`<p>a & b</p>`, false},
		{`<p>a "b"</p>`, false},
		{`<p>it's</p>`, false},
		{`<img alt='single'>`, false},
		{`<img alt=bare>`, false},
		{`<a href="x">x`, false},
		{`<p><strong>x</p></strong>`, false},
		{`<br/>`, false},
		{`<!-- comment -->`, false},
		{`<P>upper</P>`, false},
	} {
		t.Run(tt.html, func(t *testing.T) {
			if err := wellFormed(tt.html); (err == nil) != tt.ok {
				t.Errorf("wellFormed = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

// TestEmbedEscapes: the markup fixture's quotation marks, <, > and & stay text in
// the snippet, in oEmbed's html too.
func TestEmbedEscapes(t *testing.T) {
	const public = "https://cards.example.org"
	fixtures := embedFixtures(t)
	ts, err := newFixtureServer(t, public, fixtures)
	if err != nil {
		t.Fatal(err)
	}
	resp := ts.do(t, "GET", "/oembed?url="+url.QueryEscape(public+"/share/fixture-markup"), nil)
	var oe oembedResponse
	if err := json.Unmarshal(body(t, resp), &oe); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<b>", "<i>", "<em>", "</p><p>", "<script", `onload="`, "</cite><script", "<Publisher>", `b="2"`, "<3>"} {
		if strings.Contains(oe.HTML, bad) {
			t.Errorf("unescaped %q in the snippet:\n%s", bad, oe.HTML)
		}
	}
	for _, want := range []string{"&lt;b&gt;bold&lt;/b&gt; &amp; &#34;double&#34; &#39;single&#39;", "b=&#34;2&#34;&amp;c=&lt;3&gt;",
		"Fixture &lt;em&gt;before&lt;/em&gt; &amp; &#34;words&#34; “Fixture", "” &amp; after &lt;/p&gt;&lt;p&gt;</p>"} {
		if !strings.Contains(oe.HTML, want) {
			t.Errorf("snippet lacks the escaped %q:\n%s", want, oe.HTML)
		}
	}
}
