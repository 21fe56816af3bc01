package cards

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	gotextfont "github.com/go-text/typesetting/font"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/panicerr"
	"github.com/factcard/factcard/render"
	"github.com/factcard/factcard/render/brand"
)

// brandFolder returns the example brand's folder as an in-memory file system,
// to change one thing at a time.
func brandFolder(t *testing.T) fstest.MapFS {
	t.Helper()
	root := filepath.Join("..", "..", "infra", "brands", "example")
	fsys := fstest.MapFS{}
	for _, name := range []string{brand.File, "logo.png", "fonts/DejaVuSerif-Latin.ttf", "fonts/DejaVuSansCondensed-Bold-Latin.ttf"} {
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	return fsys
}

func loadBrand(t *testing.T, fsys fstest.MapFS) *brand.Brand {
	t.Helper()
	b, err := brand.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestKeyChangesWithBrand checks that the card key covers the brand: its
// brand.json and the bytes of its files. A new colour or logo gives new keys for
// every card, so an old card is never served as the new brand; a file the
// brand does not name changes nothing.
func TestKeyChangesWithBrand(t *testing.T) {
	key := func(b *brand.Brand, opts render.Options) string {
		t.Helper()
		fx := newFixture(t, Config{Brand: b})
		ref, err := fx.svc.Ref(t.Context(), "fixture-fact", opts)
		if err != nil {
			t.Fatal(err)
		}
		return ref.Key
	}
	example := loadBrand(t, brandFolder(t))
	builtin := key(nil, render.Options{})
	if got := key(brand.Default(), render.Options{}); got != builtin {
		t.Errorf("key in the built-in brand given explicitly = %s, want %s as with none", got, builtin)
	}
	base := key(example, render.Options{Theme: "dark"})
	if base == builtin {
		t.Fatalf("the example brand's key %s is the built-in brand's", base)
	}
	otherLogo := image.NewNRGBA(image.Rect(0, 0, 20, 10))
	for i := range otherLogo.Pix {
		otherLogo.Pix[i] = 0xc0
	}
	var logo bytes.Buffer
	if err := png.Encode(&logo, otherLogo); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		change  func(fstest.MapFS)
		changes bool
	}{
		{"a theme colour", func(f fstest.MapFS) {
			f[brand.File].Data = bytes.Replace(f[brand.File].Data, []byte(`"#4fc3b1"`), []byte(`"#4fc3b2"`), 1)
		}, true},
		{"the name", func(f fstest.MapFS) {
			f[brand.File].Data = bytes.Replace(f[brand.File].Data, []byte("Example Gazette"), []byte("Example Courier"), 1)
		}, true},
		{"the logo's bytes", func(f fstest.MapFS) { f["logo.png"].Data = logo.Bytes() }, true},
		{"a font's bytes", func(f fstest.MapFS) {
			f["fonts/DejaVuSerif-Latin.ttf"].Data = f["fonts/DejaVuSansCondensed-Bold-Latin.ttf"].Data
		}, true},
		{"a file brand.json does not name", func(f fstest.MapFS) { f["NOTES.md"] = &fstest.MapFile{Data: []byte("notes")} }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := brandFolder(t)
			tc.change(fsys)
			got := key(loadBrand(t, fsys), render.Options{Theme: "dark"})
			if (got != base) != tc.changes {
				t.Errorf("key after changing %s = %s, before %s; want changed = %v", tc.name, got, base, tc.changes)
			}
		})
	}
}

// TestServiceUsesBrand checks that the service draws in its brand: its themes
// are the brand's, Generate covers them, and a theme the brand lacks is an
// option error listing the brand's.
func TestServiceUsesBrand(t *testing.T) {
	b := loadBrand(t, brandFolder(t))
	fx := newFixture(t, Config{Brand: b})
	var themes []string
	for _, th := range fx.svc.Themes() {
		themes = append(themes, string(th))
	}
	if got := strings.Join(themes, ","); got != "dark,light,paper" {
		t.Errorf("Themes() = %s, want dark,light,paper", got)
	}
	ref, err := fx.svc.Ref(t.Context(), "fixture-fact", render.Options{Theme: "paper"})
	if err != nil {
		t.Fatal(err)
	}
	if ref.Options.Brand != b || !strings.Contains(ref.Key, "-paper-") {
		t.Errorf("ref %s drawn in %v, want the paper theme of the service's brand", ref.Key, ref.Options.Brand.Name)
	}
	_, err = fx.svc.Ref(t.Context(), "fixture-fact", render.Options{Theme: "sepia"})
	var oe *render.OptionError
	if !errors.As(err, &oe) || strings.Join(oe.Valid, ",") != "dark,light,paper" {
		t.Errorf("theme sepia: %v, want an *OptionError listing dark, light and paper", err)
	}
	report, err := fx.svc.Generate(t.Context(), GenerateRequest{IDs: []string{"fixture-fact"}}, GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(render.Sizes()) * 3; report.Rendered != want {
		t.Errorf("Generate rendered %d cards, want %d: every size in each of the brand's 3 themes", report.Rendered, want)
	}
}

// TestDamagedGlyphCardIsAnError draws, with the real renderer, a card that
// uses a damaged glyph of a brand font: one byte of the example brand's quote
// font, which once passed brand.Load and render.CheckBrand (Load refuses it
// now; the brand here is put together around the check). go-text panics drawing
// the glyph; the card is an error for that request, and the next card renders.
// Before the service recovered, this card ended the process.
func TestDamagedGlyphCardIsAnError(t *testing.T) {
	fsys := brandFolder(t)
	good := loadBrand(t, fsys)
	font := fsys["fonts/DejaVuSerif-Latin.ttf"].Data
	damaged := bytes.Clone(font)
	damaged[52090] = 0x52 // the contour ends of the glyph for U+2148 (render's FuzzBrandFont seed)
	if _, err := brand.Load(fstest.MapFS{brand.File: fsys[brand.File], "logo.png": fsys["logo.png"],
		"fonts/DejaVuSerif-Latin.ttf":              {Data: damaged},
		"fonts/DejaVuSansCondensed-Bold-Latin.ttf": fsys["fonts/DejaVuSansCondensed-Bold-Latin.ttf"]}); err == nil {
		t.Fatal("brand.Load accepted the damaged font; want it refused")
	}
	face, err := gotextfont.ParseTTF(bytes.NewReader(damaged))
	if err != nil {
		t.Fatal(err)
	}
	b := *good
	q := *good.Quote
	q.Face = face.Font
	b.Quote = &q

	var useGlyph atomic.Bool
	fx := newFixture(t, Config{Brand: &b, Render: func(f facts.Fact, opts render.Options) ([]byte, error) {
		if useGlyph.Load() {
			f.Quote = "the imaginary unit ⅈ" // fixture text, drawn with the damaged glyph
		}
		return renderBytes(f, opts)
	}})
	useGlyph.Store(true)
	_, err = fx.svc.Card(t.Context(), "fixture-fact", render.Options{})
	if _, ok := panicerr.As(err); !ok {
		t.Fatalf("the card with the damaged glyph: err = %v, want a recovered panic", err)
	}
	if n := len(panicRecords(fx.log)); n != 1 {
		t.Errorf("%d panic records, want 1", n)
	}
	useGlyph.Store(false)
	c, err := fx.svc.Card(t.Context(), "fixture-fact", render.Options{Size: render.SizeSquare})
	if err != nil || len(c.Body) == 0 {
		t.Fatalf("a card without the glyph after the panic: %v, %v; want it drawn", c, err)
	}
}
