package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/render"
	"github.com/factcard/factcard/render/brand"
)

// exampleBrand loads the example brand that ships in infra/brands/example.
func exampleBrand(t testing.TB) *brand.Brand {
	t.Helper()
	b, err := brand.Load(os.DirFS(filepath.Join("..", "..", "infra", "brands", "example")))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newBrandServer is newTestServer with a brand.
func newBrandServer(t testing.TB, b *brand.Brand) *testServer {
	t.Helper()
	ts := &testServer{mem: storagetest.NewMemory(), logs: &bytes.Buffer{}}
	ts.store = storagetest.NewFaulty(ts.mem)
	log := slog.New(slog.NewJSONHandler(ts.logs, nil))
	svc, err := cards.New(cards.Config{Facts: facts.Default(), Store: ts.store, Logger: log, Brand: b})
	if err != nil {
		t.Fatal(err)
	}
	ts.svc = svc
	if ts.h, err = New(Config{Cards: svc, PublicURL: "https://cards.example.org", Version: "test", Logger: log}); err != nil {
		t.Fatal(err)
	}
	return ts
}

// TestPagesWearTheBrand checks the share and index pages of the example brand:
// its name where factcard's was, its URL in the footer, its colours in the
// style sheet (allowed by the page's CSP), and its favicon.
func TestPagesWearTheBrand(t *testing.T) {
	ts := newBrandServer(t, exampleBrand(t))
	id := firstFact().ID
	share := ts.do(t, "GET", "/share/"+id, nil)
	page := string(body(t, share))
	index := string(body(t, ts.do(t, "GET", "/", nil)))
	for _, tc := range []struct {
		page, name, want string
	}{
		{page, "og:site_name", `<meta property="og:site_name" content="Example Gazette">`},
		{page, "title", ` · Example Gazette</title>`},
		{page, "header", `<a href="https://cards.example.org/">Example Gazette</a></header>`},
		{page, "footer", `<footer><a href="https://gazette.example" rel="noopener">Example Gazette</a> · every quote`},
		{page, "light colours", `--bg:#f6f2e9;--fg:#13222b;--muted:#4c5c66;`},
		{page, "dark colours", `@media (prefers-color-scheme:dark){:root{--bg:#0e1c24;--fg:#f3efe6;--muted:#9fb2bd;`},
		{page, "the card in a theme of the brand", `-paper-`},
		{index, "index title", `<title>Example Gazette — sourced quote cards</title>`},
		{index, "index heading", `<h1>Example Gazette</h1>`},
	} {
		if !strings.Contains(tc.page, tc.want) {
			t.Errorf("%s: the page lacks %q", tc.name, tc.want)
		}
	}
	for _, p := range []string{page, index} {
		if n := strings.Count(p, "factcard"); n > 0 {
			t.Errorf("a page says factcard %d times, want none in the example brand", n)
		}
	}
	// The CSP allows exactly the style sheet the page carries, brand colours included.
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(page)
	if style == nil {
		t.Fatal("no style element")
	}
	sum := sha256.Sum256([]byte(style[1]))
	if csp := share.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
		t.Errorf("CSP %q does not allow the page's style sheet", csp)
	}

	var oe struct {
		ProviderName string `json:"provider_name"`
		ProviderURL  string `json:"provider_url"`
	}
	resp := ts.do(t, "GET", "/oembed?url=https://cards.example.org/share/"+id, nil)
	if err := json.Unmarshal(body(t, resp), &oe); err != nil {
		t.Fatal(err)
	}
	if oe.ProviderName != "Example Gazette" || oe.ProviderURL != "https://gazette.example" {
		t.Errorf("oEmbed provider %q %q, want Example Gazette at https://gazette.example", oe.ProviderName, oe.ProviderURL)
	}
}

// TestBrandThemesInAPI checks that the card routes and the JSON take the
// brand's themes.
func TestBrandThemesInAPI(t *testing.T) {
	ts := newBrandServer(t, exampleBrand(t))
	id := firstFact().ID
	if resp := ts.do(t, "GET", "/cards/"+id+".png?theme=paper", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("theme paper: %d, want 200", resp.StatusCode)
	}
	resp := ts.do(t, "GET", "/cards/"+id+".png?theme=neon", nil)
	if b := string(body(t, resp)); resp.StatusCode != http.StatusBadRequest || !strings.Contains(b, "dark, light, paper") {
		t.Errorf("theme neon: %d %s, want 400 listing dark, light, paper", resp.StatusCode, b)
	}
	var fr struct {
		Cards []struct{ Theme string } `json:"cards"`
	}
	if err := json.Unmarshal(body(t, ts.do(t, "GET", "/facts/"+id, nil)), &fr); err != nil {
		t.Fatal(err)
	}
	if want := len(render.Sizes()) * 3; len(fr.Cards) != want {
		t.Errorf("%d cards listed, want %d (every size in 3 themes)", len(fr.Cards), want)
	}
}

// TestFavicon checks the favicon each kind of brand gets.
func TestFavicon(t *testing.T) {
	square := image.NewNRGBA(image.Rect(0, 0, 102, 82)) // a 100×80 block with a transparent margin
	for y := 1; y <= 80; y++ {
		for x := 1; x <= 100; x++ {
			square.SetNRGBA(x, y, color.NRGBA{0xc0, 0x40, 0x20, 0xff})
		}
	}
	var logo bytes.Buffer
	if err := png.Encode(&logo, square); err != nil {
		t.Fatal(err)
	}
	js := `{"name": "fixture news", "logo": "logo.png", "themes": {"dark": {"background": "#101010", "text": "#f0f0f0", "muted": "#a0a0a0", "accent": "#f0b040"}}}`
	withSquareLogo, err := brand.Load(fstest.MapFS{brand.File: {Data: []byte(js)}, "logo.png": {Data: logo.Bytes()}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		b    *brand.Brand
		want []string
	}{
		{"built-in: its initial on its accent", brand.Default(), []string{`fill="#f4b63f"`, `fill="#12151b">F</text>`}},
		{"a wide logo: the initial", exampleBrand(t), []string{`fill="#4fc3b1"`, `>E</text>`}},
		{"a squarish logo: the logo", withSquareLogo, []string{`<image x="0" y="6" width="64" height="51" href="data:image/png;base64,`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newBrandServer(t, tc.b)
			resp := ts.do(t, "GET", "/favicon.svg", nil)
			b := string(body(t, resp))
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" {
				t.Fatalf("%d %s, want a 200 SVG", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			for _, w := range tc.want {
				if !strings.Contains(b, w) {
					t.Errorf("favicon %s lacks %q", b, w)
				}
			}
		})
	}
}

// TestPageColorsContrast checks that the colours the pages derive from every
// theme of the built-in and example brands keep text, muted text and links at
// WCAG AA (4.5:1) on the background and on cards.
func TestPageColorsContrast(t *testing.T) {
	for _, b := range []*brand.Brand{brand.Default(), exampleBrand(t)} {
		for _, th := range b.Themes {
			c := colorsOf(th)
			for _, pair := range []struct {
				name   string
				fg, bg color.NRGBA
			}{
				{"text on background", c.fg, c.bg}, {"muted on background", c.muted, c.bg}, {"links on background", c.accent, c.bg},
				{"text on cards", c.fg, c.card}, {"muted on cards", c.muted, c.card}, {"links on cards", c.accent, c.card},
			} {
				if r := brand.Contrast(pair.fg, pair.bg); r < brand.MinTextContrast {
					t.Errorf("%s %s: %s %.2f:1, want at least 4.5:1", b.Name, th.Name, pair.name, r)
				}
			}
		}
	}
	// An accent that passes on the card (3:1) but not as link text falls back to
	// the text colour.
	th := brand.Theme{Background: color.NRGBA{0xff, 0xff, 0xff, 0xff}, Text: color.NRGBA{0, 0, 0, 0xff},
		Muted: color.NRGBA{0x55, 0x55, 0x55, 0xff}, Accent: color.NRGBA{0xe0, 0x60, 0x20, 0xff}}
	if got := colorsOf(th).accent; got != th.Text {
		t.Errorf("link colour for a 3:1 accent = %v, want the text colour %v", got, th.Text)
	}
}
