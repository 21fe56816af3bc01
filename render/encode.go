package render

import (
	"image"
	"image/draw"
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
			rgba := image.NewRGBA(p.Bounds())
			draw.Draw(rgba, rgba.Rect, p, p.Rect.Min, draw.Src)
			img = rgba
		}
		return jpeg.Encode(w, img, &jpeg.Options{Quality: jpegQuality})
	}
	if p, ok := img.(*image.Paletted); ok && len(p.Palette) > 0 && len(p.Palette) <= 256 {
		return encodePNG(w, p)
	}
	return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, img)
}
