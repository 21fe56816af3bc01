package httpapi

import (
	"fmt"
	"os"
	"testing"

	"github.com/factcard/factcard/render"
)

// TestMain gives the renderer the world fonts, as the mains do, so the tests
// draw cards in every script (the Urdu fixture sets in Noto Nastaliq Urdu).
func TestMain(m *testing.M) {
	if err := render.UseFonts(os.DirFS("../../render/fonts/world")); err != nil {
		fmt.Fprintln(os.Stderr, "httpapi tests:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
