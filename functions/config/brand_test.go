package config

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/factcard/factcard/render/brand"
)

// exampleBrand is the example brand's folder.
var exampleBrand = filepath.Join("..", "..", "infra", "brands", "example")

func TestLoadBrand(t *testing.T) {
	bad := t.TempDir()
	js, err := os.ReadFile(filepath.Join(exampleBrand, brand.File))
	if err != nil {
		t.Fatal(err)
	}
	// The example brand with a muted colour too faint for its light background
	// (the first problem Load meets: themes come before the files).
	js = []byte(strings.Replace(string(js), `"#4c5c66"`, `"#9a9a9a"`, 1))
	if err := os.WriteFile(filepath.Join(bad, brand.File), js, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, dir string
		want      string // the brand's name, or the field of the *brand.Error
		ok        bool
	}{
		{"none is the built-in brand", "", "factcard", true},
		{"the example", exampleBrand, "Example Gazette", true},
		{"a folder that is not there", filepath.Join(t.TempDir(), "nope"), brand.File, false},
		{"a file, not a folder", filepath.Join(exampleBrand, brand.File), brand.File, false},
		{"a bad brand", bad, "themes.light.muted", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := LoadBrand(tc.dir)
			if tc.ok {
				if err != nil || b.Name != tc.want {
					t.Fatalf("LoadBrand(%q) = %v, %v; want %s", tc.dir, b, err, tc.want)
				}
				return
			}
			var be *brand.Error
			if !errors.As(err, &be) || be.Field != tc.want {
				t.Fatalf("LoadBrand(%q) = %v, want a *brand.Error on %s", tc.dir, err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.dir) {
				t.Errorf("error %q does not name the folder %s", err, tc.dir)
			}
			if code := ExitCode(err); code != 2 {
				t.Errorf("ExitCode = %d, want 2 for a bad brand", code)
			}
		})
	}
	if code := ExitCode(errors.New("S3 is down")); code != 1 {
		t.Errorf("ExitCode of another error = %d, want 1", code)
	}
}

// TestForLambdaBrand checks that the Lambda functions take FACTCARD_BRAND and
// fail at start, before serving anything, on a bad brand.
func TestForLambdaBrand(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "fixture")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fixture")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	log := slog.New(slog.DiscardHandler)
	vars := map[string]string{"FACTCARD_BUCKET": "cards", "FACTCARD_S3_ENDPOINT": "http://127.0.0.1:1", "FACTCARD_BRAND": exampleBrand}
	c, svc, err := ForLambda(t.Context(), env(vars), log, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.BrandDir != exampleBrand || svc.Brand().Name != "Example Gazette" {
		t.Errorf("brand %q from %q, want Example Gazette from %s", svc.Brand().Name, c.BrandDir, exampleBrand)
	}
	vars["FACTCARD_BRAND"] = t.TempDir() // no brand.json
	if _, svc, err := ForLambda(t.Context(), env(vars), log, nil); err == nil || svc != nil || ExitCode(err) != 2 {
		t.Errorf("ForLambda with an empty brand folder = %v, %v; want no service and a brand error", svc, err)
	}
	delete(vars, "FACTCARD_BRAND") // and no folder beside the test binary
	if _, svc, err := ForLambda(t.Context(), env(vars), log, nil); err != nil || svc.Brand() != brand.Default() {
		t.Errorf("ForLambda without a brand = %v; want the built-in brand", err)
	}
}

// TestLoadBrandDamagedFont checks that a brand whose font has one damaged glyph
// (one byte of the example brand's quote font, which once passed every check
// and ended the process on the first card that drew the glyph) is refused at
// start, naming the font and the glyph, with exit status 2.
func TestLoadBrandDamagedFont(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{brand.File, "logo.png", "fonts/DejaVuSerif-Latin.ttf", "fonts/DejaVuSansCondensed-Bold-Latin.ttf"} {
		data, err := os.ReadFile(filepath.Join(exampleBrand, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "fonts/DejaVuSerif-Latin.ttf" {
			data[52090] = 0x52 // the contour ends of the glyph for U+2148 (render's FuzzBrandFont seed)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := LoadBrand(dir)
	var be *brand.Error
	if !errors.As(err, &be) || be.Field != "fonts.quote" {
		t.Fatalf("LoadBrand = %v, want a *brand.Error on fonts.quote", err)
	}
	if want := "fonts/DejaVuSerif-Latin.ttf: glyph 1045, for U+2148 'ⅈ', does not load: panic: runtime error: index out of range"; !strings.Contains(err.Error(), want) {
		t.Errorf("LoadBrand = %q, want it to say %q", err, want)
	}
	if got := ExitCode(err); got != 2 {
		t.Errorf("ExitCode = %d, want 2", got)
	}
}
