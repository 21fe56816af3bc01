package imagetest_test

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/factcard/factcard/render/internal/imagetest"
)

// recorder keeps a failure instead of ending the test.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = format
	panic(r)
}

func TestReadPNG(t *testing.T) {
	dir := t.TempDir()
	m := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	m.Set(2, 1, color.NRGBA{R: 200, A: 255})
	path := filepath.Join(dir, "a.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, m); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got := imagetest.ReadPNG(t, path, "no need")
	if got.Bounds() != m.Bounds() || color.NRGBAModel.Convert(got.At(2, 1)) != (color.NRGBA{R: 200, A: 255}) {
		t.Errorf("ReadPNG = %v with %v at (2,1), want the image written", got.Bounds(), got.At(2, 1))
	}

	if err := os.WriteFile(filepath.Join(dir, "bad.png"), []byte("not a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, want string }{
		{"missing.png", "(%s)"},
		{"bad.png", "decode %s"},
	} {
		r := &recorder{TB: t}
		func() {
			defer func() { recover() }()
			imagetest.ReadPNG(r, filepath.Join(dir, tc.file), "run -update")
		}()
		if !strings.Contains(r.failed, tc.want) {
			t.Errorf("ReadPNG(%s) failed with %q, want %q", tc.file, r.failed, tc.want)
		}
	}
}
