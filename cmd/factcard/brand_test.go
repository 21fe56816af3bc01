package main

import (
	"context"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/testsupport/logbuf"
	"github.com/factcard/factcard/render"
	"github.com/factcard/factcard/render/brand"
)

// exampleBrand is the example brand's folder.
var exampleBrand = filepath.Join("..", "..", "infra", "brands", "example")

// badBrand returns a brand folder whose accent is too faint on its background.
func badBrand(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	js := `{"name": "Fixture News", "themes": {"dark": {"background": "#101010", "text": "#f0f0f0", "muted": "#a0a0a0", "accent": "#303030"}}}`
	if err := os.WriteFile(filepath.Join(dir, brand.File), []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBrandChosen checks that --brand and FACTCARD_BRAND choose the brand of
// render, generate and version, --brand first.
func TestBrandChosen(t *testing.T) {
	id := facts.Default().All()[0].ID
	dir := t.TempDir()
	out := filepath.Join(dir, "paper.png")
	// paper is a theme only the example brand has.
	code, _, stderr := runCLI(t, nil, "render", id, "--brand", exampleBrand, "--theme", "paper", "-o", out)
	if code != exitOK {
		t.Fatalf("render --brand: exit %d: %s", code, stderr)
	}
	fh, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(fh)
	fh.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got := img.At(0, 0); !sameColor(got, "#efe4cf") {
		t.Errorf("corner pixel %v, want the paper theme's background #efe4cf", got)
	}
	code, _, stderr = runCLI(t, map[string]string{"FACTCARD_BRAND": exampleBrand}, "render", id, "--theme", "paper", "-o", out)
	if code != exitOK {
		t.Errorf("render with FACTCARD_BRAND: exit %d: %s", code, stderr)
	}
	code, _, stderr = runCLI(t, map[string]string{"FACTCARD_BRAND": badBrand(t)}, "render", id, "--brand", exampleBrand, "--theme", "paper", "-o", out)
	if code != exitOK {
		t.Errorf("--brand over a bad FACTCARD_BRAND: exit %d: %s", code, stderr)
	}
	code, _, stderr = runCLI(t, nil, "render", id, "--theme", "paper", "-o", out)
	if code != exitUsage || !strings.Contains(stderr, `unknown theme "paper" (valid: dark, light)`) {
		t.Errorf("paper in the built-in brand: exit %d, stderr %q", code, stderr)
	}

	all := filepath.Join(dir, "all")
	code, _, stderr = runCLI(t, nil, "render", "--all", "--brand", exampleBrand, "-o", all)
	if code != exitOK {
		t.Fatalf("render --all --brand: exit %d: %s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(all, "*-paper.png"))
	if want := facts.Default().Len() * len(render.Sizes()); len(files) != want {
		t.Errorf("%d paper cards, want %d: every fact and size in the brand's third theme", len(files), want)
	}

	vars := map[string]string{"FACTCARD_DIR": t.TempDir()}
	code, stdout, stderr := runCLI(t, vars, "generate", "--brand", exampleBrand, "--ids", id)
	if code != exitOK || !strings.HasPrefix(stdout, "rendered 12,") {
		t.Errorf("generate --brand: exit %d, stdout %q, stderr %q; want 12 cards (4 sizes × 3 themes)", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, map[string]string{"FACTCARD_BRAND": exampleBrand}, "version")
	if code != exitOK || !strings.Contains(stdout, "brand Example Gazette") || !strings.Contains(stdout, "locale en (not reviewed by a native speaker)") {
		t.Errorf("version with FACTCARD_BRAND: exit %d, %q", code, stdout)
	}
}

func sameColor(c interface{ RGBA() (r, g, b, a uint32) }, hex string) bool {
	want, err := brand.ParseColor(hex)
	if err != nil {
		return false
	}
	r, g, b, _ := c.RGBA()
	return uint8(r>>8) == want.R && uint8(g>>8) == want.G && uint8(b>>8) == want.B
}

// TestBadBrandFailsAtStart checks that a bad brand stops every command before it
// does anything: exit 2, a message naming the field, nothing written.
func TestBadBrandFailsAtStart(t *testing.T) {
	bad := badBrand(t)
	id := facts.Default().All()[0].ID
	out := filepath.Join(t.TempDir(), "card.png")
	store := t.TempDir()
	for _, args := range [][]string{
		{"render", id, "-o", out},
		{"render", id, "--brand", bad, "-o", out},
		{"generate"},
		{"serve", "--addr", "127.0.0.1:0"},
		{"facts", "validate"},
		{"facts", "list"},
		{"version"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			vars := map[string]string{"FACTCARD_DIR": store}
			if !strings.Contains(strings.Join(args, " "), "--brand") {
				vars["FACTCARD_BRAND"] = bad
			}
			done := make(chan struct{})
			var code int
			var stdout, stderr string
			go func() {
				defer close(done)
				code, stdout, stderr = runCLI(t, vars, args...)
			}()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("the command did not stop: a bad brand must fail at start")
			}
			if code != exitUsage || !strings.Contains(stderr, "themes.dark.accent") || !strings.Contains(stderr, bad) {
				t.Errorf("exit %d, stderr %q; want 2 and a message naming the folder and themes.dark.accent", code, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a card was written with a bad brand")
	}
	if entries, _ := os.ReadDir(store); len(entries) > 0 {
		t.Errorf("the store holds %d entries after a bad brand, want none", len(entries))
	}
}

// TestServeBrand checks that serve draws its cards and pages in the brand.
func TestServeBrand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr logbuf.Buffer
	vars := map[string]string{"FACTCARD_DIR": t.TempDir()}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--brand", exampleBrand}, func(k string) string { return vars[k] }, strings.NewReader(""), &stdout, &stderr)
	}()
	addr := regexp.MustCompile(`on (http://127\.0\.0\.1:[0-9]+)`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addr.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("serve did not say where it listens; stdout %q stderr %q", stdout.String(), stderr.String())
	}
	id := facts.Default().All()[0].ID
	for _, tc := range []struct{ path, want string }{
		{"/share/" + id, `<meta property="og:site_name" content="Example Gazette">`},
		{"/cards/" + id + ".png?theme=paper", "\x89PNG"},
	} {
		resp, err := http.Get(base + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s: %d, want 200 with %q", tc.path, resp.StatusCode, tc.want)
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

// TestDamagedBrandFontFailsAtStart checks that serve refuses, at start, a brand
// whose quote font has one damaged glyph: exit 2 and a message naming the font
// file and the glyph. The damage (one byte of the example brand's font, render's
// FuzzBrandFont seed) once passed brand.Load and CheckBrand, so serve started and
// then ended on the first card that drew the glyph.
func TestDamagedBrandFontFailsAtStart(t *testing.T) {
	dir := exampleBrandCopy(t, func(name string, data []byte) {
		if name == "fonts/DejaVuSerif-Latin.ttf" {
			data[52090] = 0x52 // the contour ends of the glyph for U+2148
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	done := make(chan struct{})
	var (
		code   int
		stderr string
	)
	go func() {
		defer close(done)
		code, _, stderr = runCLI(t, map[string]string{"FACTCARD_DIR": t.TempDir()}, "serve", "--addr", "127.0.0.1:0", "--brand", dir)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("serve started with the damaged font: it must be refused at start")
	}
	if want := "fonts.quote: fonts/DejaVuSerif-Latin.ttf: glyph 1045, for U+2148 'ⅈ', does not load"; code != exitUsage || !strings.Contains(stderr, want) {
		t.Errorf("serve: exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
}

// exampleBrandFiles are the files of the example brand: brand.json, the files
// it names and the fonts' licence.
var exampleBrandFiles = []string{brand.File, "logo.png", "fonts/DejaVuSerif-Latin.ttf", "fonts/DejaVuSansCondensed-Bold-Latin.ttf", "fonts/LICENSE.txt"}

// exampleBrandCopy copies the example brand's files into a new folder, letting
// change alter each file's bytes first (nil for none), and returns the folder.
func exampleBrandCopy(t *testing.T, change func(name string, data []byte)) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range exampleBrandFiles {
		data, err := os.ReadFile(filepath.Join(exampleBrand, name))
		if err != nil {
			t.Fatal(err)
		}
		if change != nil {
			change(name, data)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
