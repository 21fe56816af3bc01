package render

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/factcard/factcard/facts"
)

// update rewrites the golden images: go test ./render -run Golden -update
var update = flag.Bool("update", false, "rewrite testdata/golden/*.png from the current renderer")

// goldenFactID is the dataset fact drawn on every size and theme.
const goldenFactID = "jaishankar-measured-and-responsible"

// goldenCase is one golden image.
type goldenCase struct {
	name string
	fact facts.Fact
	opts Options
}

// goldenCases returns the golden images: the dataset fact on every size and theme,
// the Hindi, Urdu and longest-text fixtures on every size in one theme each, and
// the same in the example brand (see exampleBrandCases).
func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	f, ok := facts.Default().Lookup(goldenFactID)
	if !ok {
		t.Fatalf("dataset has no fact %q for the golden images", goldenFactID)
	}
	var cases []goldenCase
	for _, size := range Sizes() {
		for _, th := range Themes() {
			cases = append(cases, goldenCase{fmt.Sprintf("%s-%s-%s", f.ID, size, th), f, Options{Size: size, Theme: th}})
		}
	}
	fx := loadFixtures(t)
	for _, c := range []struct {
		fixture string
		theme   Theme
	}{{"hindi", ThemeDark}, {"urdu", ThemeLight}, {"longest", ThemeDark}} {
		for _, size := range Sizes() {
			cases = append(cases, goldenCase{fmt.Sprintf("fixture-%s-%s-%s", c.fixture, size, c.theme), fx[c.fixture], Options{Size: size, Theme: c.theme}})
		}
	}
	return append(cases, exampleBrandCases(t, f, fx)...)
}

// exampleBrandCases returns the golden images of the example brand
// (infra/brands/example: a logo, its own fonts and colours, a third theme): the
// dataset fact on every size and theme, and the Hindi and Urdu fixtures on every
// size in one theme each.
func exampleBrandCases(t *testing.T, f facts.Fact, fx map[string]facts.Fact) []goldenCase {
	t.Helper()
	b := exampleBrand(t)
	var cases []goldenCase
	for _, size := range Sizes() {
		for _, th := range ThemesFor(b) {
			cases = append(cases, goldenCase{fmt.Sprintf("example-%s-%s-%s", f.ID, size, th), f, Options{Size: size, Theme: th, Brand: b}})
		}
	}
	for _, c := range []struct {
		fixture string
		theme   Theme
	}{{"hindi", "paper"}, {"urdu", ThemeDark}} {
		for _, size := range Sizes() {
			cases = append(cases, goldenCase{fmt.Sprintf("example-fixture-%s-%s-%s", c.fixture, size, c.theme), fx[c.fixture], Options{Size: size, Theme: c.theme, Brand: b}})
		}
	}
	return cases
}

// TestGolden compares each card, decoded, pixel for pixel with its golden image.
// The tolerance is zero: rendering is deterministic, and the outline coordinates
// are computed without fused multiply-adds, so any difference is a change.
func TestGolden(t *testing.T) {
	for _, gc := range goldenCases(t) {
		t.Run(gc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Render(&buf, gc.fact, gc.opts); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", gc.name+".png")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := decodePNG(t, path)
			got, err := png.Decode(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("decode the rendered card: %v", err)
			}
			if n, maxDiff := diffPixels(got, want); n > 0 {
				failed := filepath.Join("testdata", "failed", gc.name+".png")
				if err := os.MkdirAll(filepath.Dir(failed), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(failed, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Errorf("%d pixels differ from %s (largest channel difference %d); the card drawn now is in %s (go test ./render -run Golden -update accepts it)",
					n, path, maxDiff, failed)
			}
		})
	}
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (go test ./render -run Golden -update creates it)", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return img
}
