package render

import (
	"slices"
	"testing"
)

// TestCoverage: the renderer says it draws what its shaper draws, and covers the
// scripts its fonts hold most letters of.
func TestCoverage(t *testing.T) {
	s := testShaper(t)
	for _, r := range []rune{'a', 'Z', 'é', 'क', 'ب', '€', 0x10000 /* Linear B */, 0xE000 /* private use */} {
		if got, want := CoversRune(r), s.hasGlyph(regular, noFace, r); got != want {
			t.Errorf("CoversRune(%U) = %v, want %v (what the shaper finds)", r, got, want)
		}
	}
	got := Scripts()
	for _, code := range []string{"Latn", "Deva", "Arab"} {
		if !slices.Contains(got, code) || !CoversScript(code) {
			t.Errorf("Scripts() = %v, want it to hold %s", got, code)
		}
	}
	for _, code := range []string{"Linb", "Zzzz", ""} {
		if CoversScript(code) {
			t.Errorf("CoversScript(%q) = true, want false", code)
		}
	}
}
