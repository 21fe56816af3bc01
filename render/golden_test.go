package render

import (
	"bytes"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/render/internal/imagetest"
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

// goldenFragmentID is the dataset fragment drawn on every size and theme, with its
// context.
const goldenFragmentID = "india-irresponsible-and-cowardly"

// goldenCases returns the golden images: a whole-sentence fact and a fragment with
// its context from the dataset on every size and theme, the other fragments on a
// size each, the Hindi, Urdu and longest-text fixtures (with and without context)
// on every size in one theme each, and the same in the example brand (see
// exampleBrandCases).
func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	f, ok := facts.Default().Lookup(goldenFactID)
	if !ok {
		t.Fatalf("dataset has no fact %q for the golden images", goldenFactID)
	}
	frag, ok := facts.Default().Lookup(goldenFragmentID)
	if !ok {
		t.Fatalf("dataset has no fact %q for the golden images", goldenFragmentID)
	}
	var cases []goldenCase
	for _, f := range []facts.Fact{f, frag} {
		for _, size := range Sizes() {
			for _, th := range Themes() {
				cases = append(cases, goldenCase{fmt.Sprintf("%s-%s-%s", f.ID, size, th), f, Options{Size: size, Theme: th}})
			}
		}
	}
	for _, c := range []struct {
		id    string
		size  Size
		theme Theme
	}{
		{"leavitt-decades-old-hostilities", SizeOG, ThemeDark},
		{"leavitt-decades-old-hostilities", SizeStory, ThemeLight},
		{"rubio-methods-to-de-escalate", SizeSquare, ThemeDark},
		{"rubio-methods-to-de-escalate", SizePortrait, ThemeLight},
	} {
		f, ok := facts.Default().Lookup(c.id)
		if !ok {
			t.Fatalf("dataset has no fact %q for the golden images", c.id)
		}
		cases = append(cases, goldenCase{fmt.Sprintf("%s-%s-%s", f.ID, c.size, c.theme), f, Options{Size: c.size, Theme: c.theme}})
	}
	fx := loadFixtures(t)
	for _, c := range []struct {
		fixture string
		theme   Theme
	}{{"hindi", ThemeDark}, {"urdu", ThemeLight}, {"longest", ThemeDark},
		{"english-context", ThemeLight}, {"hindi-context", ThemeDark}, {"urdu-context", ThemeLight},
		{"emoji", ThemeLight}} {
		for _, size := range Sizes() {
			cases = append(cases, goldenCase{fmt.Sprintf("fixture-%s-%s-%s", c.fixture, size, c.theme), fx[c.fixture], Options{Size: size, Theme: c.theme}})
		}
	}
	cases = append(cases, localeCases(t)...)
	// Every script (fixture text) on the og card in the dark theme and the story
	// card in the light one.
	for _, name := range scriptFixtures(fx) {
		cases = append(cases,
			goldenCase{fmt.Sprintf("fixture-%s-og-dark", name), fx[name], Options{Size: SizeOG, Theme: ThemeDark}},
			goldenCase{fmt.Sprintf("fixture-%s-story-light", name), fx[name], Options{Size: SizeStory, Theme: ThemeLight}})
	}
	return append(cases, exampleBrandCases(t, f, fx)...)
}

// scriptFixtures returns the names of the script fixtures ("script-..."), sorted.
func scriptFixtures(fx map[string]facts.Fact) []string {
	var out []string
	for name := range fx {
		if strings.HasPrefix(name, "script-") {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
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
	// A fragment with its context in the brand's themes and fonts.
	frag, ok := facts.Default().Lookup(goldenFragmentID)
	if !ok {
		t.Fatalf("dataset has no fact %q for the golden images", goldenFragmentID)
	}
	for _, th := range ThemesFor(b) {
		for _, size := range []Size{SizeOG, SizeStory} {
			cases = append(cases, goldenCase{fmt.Sprintf("example-%s-%s-%s", frag.ID, size, th), frag, Options{Size: size, Theme: th, Brand: b}})
		}
	}
	cases = append(cases, goldenCase{"example-fixture-urdu-context-og-dark", fx["urdu-context"], Options{Size: SizeOG, Theme: ThemeDark, Brand: b}})
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
			want := imagetest.ReadPNG(t, path, "go test ./render -run Golden -update creates it")
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
