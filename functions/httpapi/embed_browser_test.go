package httpapi

import (
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/render"
)

// embedExample names a file to write the README's picture to: the og snippet of
// exampleID in a plain page, 680 CSS pixels wide.
var embedExample = flag.String("embed-example", "", "write a screenshot of an embedded snippet to this PNG file")

// exampleID is the fact of the README's picture: a fragment, with its context.
const exampleID = "rubio-methods-to-de-escalate"

// TestBrowserEmbed checks embedding as people see it, in headless Chromium at a
// phone and a desktop width. Each share page passes the checks of TestBrowser and
// offers a read-only box for each card size in its Embed section. The snippet in
// each box, alone in a plain page of another site, passes them too (no console
// errors, every image loaded, nothing wider than the viewport), shows the card at
// its full resolution, and shows the quote as text, right to left for Urdu.
func TestBrowserEmbed(t *testing.T) {
	exe := chromiumPath(t)
	fixtures := embedFixtures(t)
	ts, err := newFixtureServer(t, "", fixtures)
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(ts.h)
	t.Cleanup(api.Close)
	site := newPlainSite(t)

	// Every size for a dataset fact and the Urdu fixture; the og card for a
	// fragment with its context, the longest text and the fixture full of markup.
	var cases []embedCase
	for _, id := range []string{firstFact().ID, "fixture-urdu"} {
		cases = append(cases, embedCase{id, render.Sizes()})
	}
	for _, id := range []string{exampleID, "fixture-longest", "fixture-markup"} {
		cases = append(cases, embedCase{id, []render.Size{render.SizeOG}})
	}

	browser := startBrowser(t, exe, refusingProxy(t))
	for _, c := range cases {
		f, err := ts.svc.Facts().Fact(t.Context(), c.id)
		if err != nil {
			t.Fatal(err)
		}
		for _, vp := range browserViewports {
			width := strconv.FormatInt(vp.width, 10)
			var boxes []string
			t.Run("share-"+f.ID+"-"+width, func(t *testing.T) {
				got := checkPage(t, browser, api.URL, browserPage{name: "share-" + f.ID, path: "/share/" + f.ID, share: true}, vp)
				checkQuoteText(t, got, f)
				if len(got.Embeds) != len(render.Sizes()) {
					t.Fatalf("%d embed boxes, want %d", len(got.Embeds), len(render.Sizes()))
				}
				for i, box := range got.Embeds {
					if !box.ReadOnly {
						t.Errorf("embed box %d is not read-only", i)
					}
					if box.Width < 100 || box.Width > float64(got.ClientWidth) {
						t.Errorf("embed box %d is %.0f px wide, want 100 to %d", i, box.Width, got.ClientWidth)
					}
					boxes = append(boxes, box.Value)
				}
			})
			if len(boxes) != len(render.Sizes()) {
				continue
			}
			for i, size := range render.Sizes() {
				if !containsSize(c.sizes, size) {
					continue
				}
				name := "embed-" + f.ID + "-" + string(size)
				t.Run(name+"-"+width, func(t *testing.T) {
					path := site.add(name, boxes[i])
					got := checkPage(t, browser, api.URL, browserPage{name: name, path: path, site: site.URL}, vp)
					checkQuoteText(t, got, f)
					w, _ := size.Dimensions()
					if len(got.Images) != 1 {
						t.Fatalf("%d images, want the card", len(got.Images))
					}
					if img := got.Images[0]; img.NaturalWidth != w || !strings.HasPrefix(img.Src, api.URL+"/cards/"+f.ID+"/"+string(size)+"-") {
						t.Errorf("image %s is %d px wide, want the %s card, %d px", img.Src, img.NaturalWidth, size, w)
					}
					if *embedExample != "" && f.ID == exampleID && size == render.SizeOG && vp.mobile {
						writeEmbedExample(t, browser, site.URL+path, *embedExample)
					}
				})
			}
		}
	}
}

// embedCase is a fact and the sizes whose snippets are loaded.
type embedCase struct {
	id    string
	sizes []render.Size
}

func containsSize(sizes []render.Size, s render.Size) bool {
	for _, x := range sizes {
		if x == s {
			return true
		}
	}
	return false
}

// checkQuoteText reports a page whose only blockquote does not show the quote, with
// its context, as visible text in its direction.
func checkQuoteText(t *testing.T, got pageReport, f facts.Fact) {
	t.Helper()
	if len(got.Quotes) != 1 {
		t.Fatalf("%d blockquotes, want 1", len(got.Quotes))
	}
	q := got.Quotes[0]
	text, want := strings.Join(strings.Fields(q.Text), " "), strings.Join(strings.Fields(inContext(f)), " ")
	if text != want {
		t.Errorf("blockquote text = %q, want %q", text, want)
	}
	if q.Width <= 0 || q.Height <= 0 {
		t.Errorf("blockquote is %.0fx%.0f px: the quote is not shown", q.Width, q.Height)
	}
	if want := direction(f.Language); q.Direction != want {
		t.Errorf("blockquote direction = %q, want %q", q.Direction, want)
	}
}

// plainSite is another site on loopback, with pages that hold nothing but a
// snippet: no style sheet, no script.
type plainSite struct {
	URL   string
	mu    sync.Mutex
	pages map[string]string
}

func newPlainSite(t *testing.T) *plainSite {
	t.Helper()
	s := &plainSite{pages: map[string]string{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		page, ok := s.pages[r.URL.Path]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// add serves a plain page holding snippet and returns its path.
func (s *plainSite) add(name, snippet string) string {
	path := "/" + name + ".html"
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path] = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>A plain page that embeds a card</title>
<link rel="icon" href="data:,">
</head>
<body>
` + snippet + `
</body>
</html>
`
	return path
}

// writeEmbedExample saves a screenshot of the page at url, 680 CSS pixels wide, to
// file.
func writeEmbedExample(t *testing.T, browser context.Context, url, file string) {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser)
	defer cancel()
	if err := chromedp.Do(tab, chromedp.EmulateViewport(680, 480)); err != nil {
		t.Fatalf("embed example: %v", err)
	}
	if _, err := chromedp.Run(tab, chromedp.NavigateResponse(url)); err != nil {
		t.Fatalf("embed example: load %s: %v", url, err)
	}
	if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](loadAllImages, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("embed example: wait for images: %v", err)
	}
	shot, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("embed example: screenshot: %v", err)
	}
	if err := os.WriteFile(file, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("embed example: %s, %d bytes", file, len(shot))
}
