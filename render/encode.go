package render

import (
	"image"
	"image/color"
	"image/jpeg"
	stdpng "image/png"
	"io"

	"github.com/factcard/factcard/render/internal/png"
)

// jpegQuality is the quality of a card's JPEG, on image/jpeg's scale. JPEG is
// for clients that take no PNG; at 4x zoom 85 shows no ringing around the
// footer text and 80 a little.
const jpegQuality = 85

// pngEncoders and jpegImages keep what encoding a card needs between cards:
// deflate state and output buffers, and the YCbCr copy a JPEG is made from.
var (
	pngEncoders reuse[*png.Encoder]
	jpegImages  reuse[*image.YCbCr]
)

// Encode writes img to w in opts.Format (PNG by default). A card from Card is a
// paletted image and is written as a paletted PNG; any other image is written by
// image/png. JPEGs are written by image/jpeg at quality 85.
func Encode(w io.Writer, img image.Image, opts Options) error {
	opts, err := opts.Resolve()
	if err != nil {
		return err
	}
	p, paletted := img.(*image.Paletted)
	paletted = paletted && len(p.Palette) > 0 && len(p.Palette) <= 256
	if opts.Format == FormatJPEG {
		if paletted {
			return encodePalettedJPEG(w, p)
		}
		return jpeg.Encode(w, img, &jpeg.Options{Quality: jpegQuality})
	}
	if paletted {
		e, ok := pngEncoders.get()
		if !ok {
			e = new(png.Encoder)
		}
		defer pngEncoders.put(e)
		return e.Encode(w, p)
	}
	return (&stdpng.Encoder{CompressionLevel: stdpng.BestSpeed}).Encode(w, img)
}

// encodePalettedJPEG writes p with image/jpeg through a YCbCr copy, whose
// colours come from the palette converted once: image/jpeg reads a paletted
// image a pixel at a time through the color.Color interface, which is several
// times slower. The bytes are those of image/jpeg for p drawn as RGBA.
func encodePalettedJPEG(w io.Writer, p *image.Paletted) error {
	m, _ := jpegImages.get()
	m = toYCbCr(m, p)
	defer jpegImages.put(m)
	return jpeg.Encode(w, m, &jpeg.Options{Quality: jpegQuality})
}

// toYCbCr converts p to a 4:4:4 YCbCr image, reusing m's planes if they are
// large enough. A pixel gets color.RGBToYCbCr of its palette colour composited
// over black, as image/jpeg converts an RGBA pixel.
func toYCbCr(m *image.YCbCr, p *image.Paletted) *image.YCbCr {
	var lut [256][3]uint8
	for i, c := range p.Palette {
		r, g, b, _ := c.RGBA()
		lut[i][0], lut[i][1], lut[i][2] = color.RGBToYCbCr(uint8(r>>8), uint8(g>>8), uint8(b>>8))
	}
	r := image.Rect(0, 0, p.Rect.Dx(), p.Rect.Dy())
	n := r.Dx() * r.Dy()
	if m == nil || cap(m.Y) < n {
		m = image.NewYCbCr(r, image.YCbCrSubsampleRatio444)
	} else {
		m.Y, m.Cb, m.Cr = m.Y[:n], m.Cb[:n], m.Cr[:n]
		m.YStride, m.CStride, m.Rect = r.Dx(), r.Dx(), r
		m.SubsampleRatio = image.YCbCrSubsampleRatio444
	}
	for y := range r.Dy() {
		row := p.Pix[p.PixOffset(p.Rect.Min.X, p.Rect.Min.Y+y):][:r.Dx()]
		ys, cbs, crs := m.Y[y*r.Dx():][:len(row)], m.Cb[y*r.Dx():][:len(row)], m.Cr[y*r.Dx():][:len(row)]
		for x, i := range row {
			c := &lut[i]
			ys[x], cbs[x], crs[x] = c[0], c[1], c[2]
		}
	}
	return m
}
