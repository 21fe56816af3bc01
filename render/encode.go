package render

import (
	"image"
	"image/jpeg"
	"image/png"
	"io"
)

// Encode writes img to w in opts.Format (PNG by default). A card from Card is a
// paletted image and is written as a paletted PNG, or as a JPEG of at most 100 KB
// (quality 85, less for the luma of cards with much text); any other image is
// written by the standard encoders.
func Encode(w io.Writer, img image.Image, opts Options) error {
	opts, err := opts.Resolve()
	if err != nil {
		return err
	}
	if opts.Format == FormatJPEG {
		if p, ok := img.(*image.Paletted); ok && len(p.Palette) > 0 && len(p.Palette) <= 256 {
			_, err := encodeJPEG(w, p)
			return err
		}
		return jpeg.Encode(w, img, &jpeg.Options{Quality: jpegQuality})
	}
	if p, ok := img.(*image.Paletted); ok && len(p.Palette) > 0 && len(p.Palette) <= 256 {
		return encodePNG(w, p)
	}
	return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, img)
}
