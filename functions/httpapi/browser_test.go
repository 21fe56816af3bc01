package httpapi

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/audits"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/testsupport/logbuf"
	"github.com/factcard/factcard/functions/testsupport/proc"
)

// screenshotDir holds the browser test's full-page screenshots, for people to look
// at. It is git-ignored (**/testdata/screenshots/).
const screenshotDir = "testdata/screenshots"

// browserPage is a page the browser test loads.
type browserPage struct {
	name  string // screenshot name: "index", "share-<id>"
	path  string
	share bool // a share page, with an absolute og:image
	// site, when set, is the origin the page is loaded from instead of the API's:
	// another site that embeds a card. The page may fetch from both.
	site string
}

// browserViewport is a window the pages are loaded at.
type browserViewport struct {
	width, height int64
	scale         float64 // device pixels per CSS pixel
	mobile        bool    // mobile emulation: meta viewport, overlay scrollbars, touch
}

var browserViewports = []browserViewport{
	{width: 390, height: 844, scale: 2, mobile: true}, // a phone
	{width: 1280, height: 800, scale: 1},              // a laptop
}

// TestBrowser loads the index and share pages in headless Chromium at a phone and
// a desktop width, and checks what only a browser can: no console errors, no
// Content-Security-Policy violations, every image loaded, nothing wider than the
// viewport. It saves a full-page screenshot of each for people to look at.
func TestBrowser(t *testing.T) {
	exe := chromiumPath(t)
	ts := newTestServer(t, "")
	srv := httptest.NewServer(ts.h)
	t.Cleanup(srv.Close) // after the browser, which stops in a later-registered cleanup

	first := firstFact()
	pages := []browserPage{
		{name: "index", path: "/"},
		{name: "share-" + first.ID, path: "/share/" + first.ID, share: true},
	}
	if long := longestQuote(facts.Default().All()); long.ID != first.ID {
		pages = append(pages, browserPage{name: "share-" + long.ID, path: "/share/" + long.ID, share: true})
	}
	// A fragment, shown with its context.
	for _, f := range facts.Default().All() {
		if f.Fragment && f.ID != first.ID {
			pages = append(pages, browserPage{name: "share-" + f.ID, path: "/share/" + f.ID, share: true})
			break
		}
	}

	browser := startBrowser(t, exe, refusingProxy(t))
	for _, p := range pages {
		for _, vp := range browserViewports {
			t.Run(p.name+"-"+strconv.FormatInt(vp.width, 10), func(t *testing.T) {
				checkPage(t, browser, srv.URL, p, vp)
			})
		}
	}
}

// chromiumPath is the Chromium to drive: $FACTCARD_CHROMIUM, else chromium on
// the PATH. Without it the test skips, saying so (proc.Tool).
func chromiumPath(t *testing.T) string {
	t.Helper()
	return proc.Tool(t, "FACTCARD_CHROMIUM", "chromium")
}

// longestQuote is the fact whose quote has the most characters: the one most
// likely to overflow.
func longestQuote(all []facts.Fact) facts.Fact {
	var long facts.Fact
	for _, f := range all {
		if utf8.RuneCountInString(f.Quote) > utf8.RuneCountInString(long.Quote) {
			long = f
		}
	}
	return long
}

// startBrowser starts headless Chromium with a fresh profile and returns its
// context; each page gets a new tab from it. Chromium sends everything except
// loopback traffic to proxy. The browser stops when the test ends, before its
// profile folder is removed, and its output is logged if the test failed.
func startBrowser(t *testing.T, exe, proxy string) context.Context {
	t.Helper()
	out := &logbuf.Buffer{}
	// Exactly these flags (chromedp adds the user-data-dir, the debugging pipe and
	// about:blank). The machine has no network: nothing may reach past loopback.
	// The flags turn most background fetches off, but Chromium 156 still looks up
	// accounts.google.com, update.googleapis.com and clients2.google.com; the
	// proxy, which Chromium on Linux takes from the environment, refuses them
	// without a DNS query. Loopback is never proxied.
	fontsConf := browserFonts(t)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.CombinedOutput(out),
		chromedp.Env("http_proxy="+proxy, "https_proxy="+proxy, "no_proxy=127.0.0.1,localhost", "FONTCONFIG_FILE="+fontsConf),
	)
	ctx, cancel := chromedp.NewContext(allocCtx)
	// Registered after t.TempDir, so it runs first: the browser is gone before
	// its profile folder is removed.
	t.Cleanup(func() {
		cancel()
		cancelAlloc() // waits for the process to exit
		if t.Failed() && out.String() != "" {
			t.Logf("chromium output:\n%s", out)
		}
	})
	start := time.Now()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v\n%s", exe, err, out)
	}
	v, err := chromedp.CallBrowser(ctx, browserVersion, cdp.Empty{})
	if err != nil {
		t.Fatalf("chromium version: %v", err)
	}
	t.Logf("%s started in %v", v.Product, time.Since(start).Round(time.Millisecond))
	return ctx
}

// browserFonts writes a fontconfig file that adds the renderer's Noto fonts to the
// machine's, and returns its path. A machine with only Latin fonts (a container
// with DejaVu alone) then shows Hindi and Urdu text as readers' devices do, not as
// empty boxes, and the screenshots can be checked for shaping.
func browserFonts(t *testing.T) string {
	t.Helper()
	fonts, err := filepath.Abs(filepath.Join("..", "..", "render", "fonts"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	conf := `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
<include ignore_missing="yes">/etc/fonts/fonts.conf</include>
<dir>` + html.EscapeString(fonts) + `</dir>
<cachedir>` + html.EscapeString(filepath.Join(dir, "cache")) + `</cachedir>
</fontconfig>
`
	path := filepath.Join(dir, "fonts.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkPage loads base+p.path (p.site+p.path for another site's page) in a new tab
// at the viewport vp, saves a full-page screenshot, reports everything wrong with
// the page and returns what it measured.
func checkPage(t *testing.T, browser context.Context, base string, p browserPage, vp browserViewport) pageReport {
	tab, cancelTab := chromedp.NewContext(browser)
	defer cancelTab()
	if err := chromedp.Do(tab); err != nil { // opens the tab
		t.Fatalf("new tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, 20*time.Second)
	defer cancel()

	rec := &pageRecorder{origins: []string{base}}
	pageURL := base + p.path
	if p.site != "" {
		rec.origins = append(rec.origins, p.site)
		pageURL = p.site + p.path
	}
	if err := chromedp.Listen(tab, rec.event); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			if _, err := cdp.Call(ctx, t, log.Enable, cdp.Empty{}); err != nil {
				return fmt.Errorf("enable log: %w", err)
			}
			if _, err := cdp.Call(ctx, t, audits.Enable, cdp.Empty{}); err != nil {
				return fmt.Errorf("enable audits: %w", err)
			}
			// DevTools scripts run whatever the page's CSP says; this one only
			// records violations, in the page's own words.
			if _, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument,
				page.AddScriptToEvaluateOnNewDocumentParams{Source: recordCSPViolations}); err != nil {
				return fmt.Errorf("add CSP listener: %w", err)
			}
			return nil
		}),
		emulate(vp),
	); err != nil {
		t.Fatalf("set up tab: %v", err)
	}

	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(pageURL))
	if err != nil {
		t.Fatalf("load %s: %v", pageURL, err)
	}
	if resp.Status != http.StatusOK {
		t.Errorf("GET %s: status %d, want %d", pageURL, resp.Status, http.StatusOK)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](loadAllImages, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("wait for images: %v", err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[pageReport](measurePage))
	if err != nil {
		t.Fatalf("measure page: %v", err)
	}

	// The screenshot first, so that a failing page leaves a picture of itself.
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	file := filepath.Join(screenshotDir, p.name+"-"+strconv.FormatInt(vp.width, 10)+".png")
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	if abs, err := filepath.Abs(file); err == nil {
		file = abs
	}
	t.Logf("screenshot: %s", file)

	for _, problem := range rec.problems() {
		t.Errorf("%s at %dpx: %s", p.path, vp.width, problem)
	}
	for _, v := range got.CSPViolations {
		t.Errorf("%s at %dpx: securitypolicyviolation event: %s", p.path, vp.width, v)
	}
	got.check(t, vp, base, p.share)
	return got
}

// emulate sets the tab's viewport; a mobile one also honours the page's meta
// viewport, has overlay scrollbars and takes touch.
func emulate(vp browserViewport) chromedp.Action[chromedp.Void] {
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(vp.scale)}
	if vp.mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	return chromedp.EmulateViewport(vp.width, vp.height, opts...)
}

// browserVersion is Browser.getVersion, for the log.
var browserVersion = cdp.Command[cdp.Empty, struct {
	Product string `json:"product"`
}]{Method: "Browser.getVersion"}

// recordCSPViolations runs in each new document before the page does and keeps
// every securitypolicyviolation event for measurePage.
const recordCSPViolations = `
window.__factcardCSP = [];
document.addEventListener("securitypolicyviolation", (e) => {
	window.__factcardCSP.push(e.effectiveDirective + " blocked " + (e.blockedURI || "inline") +
		(e.sourceFile ? " at " + e.sourceFile + ":" + e.lineNumber : ""));
});`

// loadAllImages makes lazy images load now, scrolls through the page so nothing
// waits for it, and resolves when every image has loaded or failed (or after 10 s,
// leaving measurePage to report the stragglers).
const loadAllImages = `(async () => {
	for (const img of document.images) img.loading = "eager";
	window.scrollTo(0, document.documentElement.scrollHeight);
	const settled = Array.from(document.images, (img) => img.complete ? null : new Promise((done) => {
		img.addEventListener("load", done, {once: true});
		img.addEventListener("error", done, {once: true});
	}));
	await Promise.race([Promise.all(settled), new Promise((done) => setTimeout(done, 10000))]);
	window.scrollTo(0, 0);
	await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
})()`

// measurePage reports the page's width, images, overflowing elements, og:image
// and recorded CSP violations as a pageReport.
const measurePage = `(() => {
	const root = document.documentElement;
	const viewport = root.clientWidth; // innerWidth less a classic scrollbar
	const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
		(typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "");
	// A box inside a clipping or scrolling container cannot widen the page; the
	// container itself is still measured.
	const clipped = (el) => {
		for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
			if (getComputedStyle(p).overflowX !== "visible") return true;
		}
		return false;
	};
	const overflow = [];
	for (const el of document.body.querySelectorAll("*")) {
		const r = el.getBoundingClientRect();
		if (r.width === 0 && r.height === 0) continue;
		if ((r.right > viewport + 1 || r.left < -1) && !clipped(el)) {
			overflow.push({element: describe(el), left: r.left, right: r.right});
		}
	}
	const og = document.querySelector('meta[property="og:image"]');
	return {
		innerWidth: window.innerWidth,
		clientWidth: viewport,
		scrollWidth: root.scrollWidth,
		images: Array.from(document.images, (img) => ({
			src: img.currentSrc || img.src, complete: img.complete, naturalWidth: img.naturalWidth,
		})),
		overflow: overflow.slice(0, 20),
		ogImage: og ? og.content : null,
		cspViolations: window.__factcardCSP || ["the CSP recorder did not run"],
		embeds: Array.from(document.querySelectorAll(".embed textarea"), (box) => ({
			value: box.value, readOnly: box.readOnly, width: box.getBoundingClientRect().width,
		})),
		quotes: Array.from(document.querySelectorAll("blockquote"), (q) => {
			const r = q.getBoundingClientRect();
			return {text: q.innerText, direction: getComputedStyle(q).direction, left: r.left, right: r.right, width: r.width, height: r.height};
		}),
	};
})()`

// pageReport is what measurePage returns.
type pageReport struct {
	InnerWidth  int64 `json:"innerWidth"`
	ClientWidth int64 `json:"clientWidth"`
	ScrollWidth int64 `json:"scrollWidth"`
	Images      []struct {
		Src          string `json:"src"`
		Complete     bool   `json:"complete"`
		NaturalWidth int    `json:"naturalWidth"`
	} `json:"images"`
	Overflow []struct {
		Element string  `json:"element"`
		Left    float64 `json:"left"`
		Right   float64 `json:"right"`
	} `json:"overflow"`
	OGImage       *string  `json:"ogImage"`
	CSPViolations []string `json:"cspViolations"`
	// Embeds are the text boxes of a share page's Embed section.
	Embeds []struct {
		Value    string  `json:"value"`
		ReadOnly bool    `json:"readOnly"`
		Width    float64 `json:"width"`
	} `json:"embeds"`
	// Quotes are the page's blockquotes as laid out.
	Quotes []struct {
		Text      string  `json:"text"`
		Direction string  `json:"direction"`
		Left      float64 `json:"left"`
		Right     float64 `json:"right"`
		Width     float64 `json:"width"`
		Height    float64 `json:"height"`
	} `json:"quotes"`
}

// check reports what is wrong with the measured page.
func (r pageReport) check(t *testing.T, vp browserViewport, base string, share bool) {
	if r.InnerWidth != vp.width {
		t.Errorf("innerWidth = %d, want %d (is the meta viewport missing?)", r.InnerWidth, vp.width)
	}
	if r.ScrollWidth > r.ClientWidth {
		t.Errorf("document scrollWidth = %d, want <= %d (the viewport): the page scrolls sideways", r.ScrollWidth, r.ClientWidth)
	}
	for _, o := range r.Overflow {
		t.Errorf("%s spans x %.0f to %.0f, want within 0 to %d", o.Element, o.Left, o.Right, r.ClientWidth)
	}
	if len(r.Images) == 0 {
		t.Errorf("no images, want the card image(s)")
	}
	for _, img := range r.Images {
		if !img.Complete || img.NaturalWidth == 0 {
			t.Errorf("image %s: complete %v, naturalWidth %d; want loaded", img.Src, img.Complete, img.NaturalWidth)
		}
	}
	switch {
	case !share:
	case r.OGImage == nil:
		t.Errorf("no og:image meta")
	default:
		u, err := url.Parse(*r.OGImage)
		if err != nil || !u.IsAbs() || u.Host == "" {
			t.Errorf("og:image = %q, want an absolute URL", *r.OGImage)
		} else if !strings.HasPrefix(*r.OGImage, base+"/") {
			t.Errorf("og:image = %q, want it under %s", *r.OGImage, base)
		}
	}
}

// pageRecorder keeps the problems a tab reports through DevTools events: console
// errors, uncaught exceptions, error log entries (CSP violations among them), CSP
// issues, failed or off-site requests. Its event method runs on the tab's event
// loop, so it only appends.
type pageRecorder struct {
	origins []string // the test servers: the only places the page may fetch from

	mu   sync.Mutex
	errs []string
}

func (r *pageRecorder) event(ev any) {
	var problem string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			problem = "console." + string(ev.Type) + ": " + strings.Join(args, " ")
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		problem = fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, d.Text)
		if d.Exception != nil {
			problem += " " + d.Exception.Description
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			problem = fmt.Sprintf("log %s error: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	case *audits.EventIssueAdded:
		if d := ev.Issue.Details; ev.Issue.Code == audits.InspectorIssueCodeContentSecurityPolicyIssue && d != nil && d.ContentSecurityPolicyIssueDetails != nil {
			c := d.ContentSecurityPolicyIssueDetails
			blocked := c.BlockedURL
			if blocked == "" {
				blocked = "inline content"
			}
			problem = fmt.Sprintf("Content Security Policy issue: %s violates %s (%s)", blocked, c.ViolatedDirective, c.ContentSecurityPolicyViolationType)
		}
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		if !r.allowed(u) && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "about:") {
			problem = "request beyond the test servers: " + u
		}
	case *network.EventResponseReceived:
		if ev.Response.Status >= 400 {
			problem = fmt.Sprintf("GET %s: status %d", ev.Response.URL, ev.Response.Status)
		}
	case *network.EventLoadingFailed:
		if !ev.Canceled {
			problem = fmt.Sprintf("%s request %s failed: %s %s", ev.Type, ev.RequestID, ev.ErrorText, ev.BlockedReason)
		}
	}
	if problem == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, problem)
}

func (r *pageRecorder) allowed(u string) bool {
	for _, o := range r.origins {
		if strings.HasPrefix(u, o+"/") {
			return true
		}
	}
	return false
}

func (r *pageRecorder) problems() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

// refusingProxy starts an HTTP proxy on loopback that answers every request
// with 403 and returns its URL. When the test ends it logs the hosts the browser
// tried to reach through it.
func refusingProxy(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		hosts = map[string]int{}
		wg    sync.WaitGroup
	)
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return // closed
			}
			wg.Go(func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				if req, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
					mu.Lock()
					hosts[req.Host]++
					mu.Unlock()
				}
				_, _ = io.WriteString(c, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			})
		}
	})
	t.Cleanup(func() {
		l.Close()
		wg.Wait()
		if len(hosts) > 0 {
			t.Logf("refused the browser's background requests (host: count): %v", hosts)
		}
	})
	return "http://" + l.Addr().String()
}
