// Package imagetest holds what the image tests of render and its packages share:
// reading a committed image to compare a drawing with.
package imagetest

import (
	"image"
	"image/png"
	"os"
	"testing"
)

// ReadPNG decodes the PNG file at path, failing t if it cannot; regenerate says
// how to write the file, for the message when it is missing.
func ReadPNG(t testing.TB, path, regenerate string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (%s)", err, regenerate)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return img
}
