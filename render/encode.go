package render

import (
	"image"
	"image/jpeg"
	"image/png"
	"io"
)

// jpegQuality is the JPEG quality. The dataset's og cards at 70, 75, 80, 85 and 90
// are 64, 68, 75, 83 and 98 KB (the fact with the most text: 65 to 100 KB). At 4x
// zoom, 70 and 75 show ringing around the 23 px footer text and 80 a little; 85 is
// clean. Go's encoder subsamples chroma (4:2:0), which the accent marks survive.
const jpegQuality = 85

// Encode writes img to w in opts.Format (PNG by default). A card from Card is a
// paletted image and is written as a paletted PNG; any other image is written by
// the standard PNG encoder.
func Encode(w io.Writer, img image.Image, opts Options) error {
	opts, err := opts.Resolve()
	if err != nil {
		return err
	}
	if opts.Format == FormatJPEG {
		// The JPEG encoder is fast only for RGBA and YCbCr images.
		if p, ok := img.(*image.Paletted); ok {
			img = paletteToRGBA(p)
		}
		return jpeg.Encode(w, img, &jpeg.Options{Quality: jpegQuality})
	}
	if p, ok := img.(*image.Paletted); ok && len(p.Palette) > 0 && len(p.Palette) <= 256 {
		return encodePNG(w, p)
	}
	return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, img)
}

// paletteToRGBA expands a paletted image through a lookup table (image/draw
// would take the slow generic path, a colour conversion per pixel).
func paletteToRGBA(p *image.Paletted) *image.RGBA {
	var lut [256][4]byte
	for i, c := range p.Palette {
		r, g, b, a := c.RGBA()
		lut[i] = [4]byte{byte(r >> 8), byte(g >> 8), byte(b >> 8), byte(a >> 8)}
	}
	b := p.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		src := p.Pix[p.PixOffset(b.Min.X, b.Min.Y+y):][:b.Dx()]
		dst := out.Pix[y*out.Stride:][:4*b.Dx()]
		for x, i := range src {
			copy(dst[4*x:4*x+4], lut[i][:])
		}
	}
	return out
}
