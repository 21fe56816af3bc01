package render

import (
	"image"
	"image/draw"
)

// diffPixels returns how many pixels of a and b differ and the largest
// difference of any channel, in 8-bit levels. Images of different sizes differ
// everywhere.
func diffPixels(a, b image.Image) (n, maxDiff int) {
	ab, bb := a.Bounds(), b.Bounds()
	if ab.Size() != bb.Size() {
		return max(ab.Dx()*ab.Dy(), bb.Dx()*bb.Dy()), 255
	}
	pa, pb := toRGBA(a), toRGBA(b)
	for i := 0; i < len(pa.Pix); i += 4 {
		d := 0
		for c := range 4 {
			d = max(d, int(absDiff(uint32(pa.Pix[i+c]), uint32(pb.Pix[i+c]))))
		}
		if d > 0 {
			n++
			maxDiff = max(maxDiff, d)
		}
	}
	return n, maxDiff
}

// toRGBA returns img as an RGBA image with its origin at (0, 0).
func toRGBA(img image.Image) *image.RGBA {
	if m, ok := img.(*image.RGBA); ok && m.Rect.Min == (image.Point{}) {
		return m
	}
	out := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
	draw.Draw(out, out.Rect, img, img.Bounds().Min, draw.Src)
	return out
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}
