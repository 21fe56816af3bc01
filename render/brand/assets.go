package brand

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"

	"github.com/go-text/typesetting/font"
)

// pngSignature starts every PNG file.
const pngSignature = "\x89PNG\r\n\x1a\n"

// decodeLogo decodes a logo: a PNG with an alpha channel (or a tRNS chunk) of at
// most MaxLogoSide pixels a side, with some visible pixel. It returns the logo
// cropped to its visible pixels.
func decodeLogo(data []byte) (*image.NRGBA, error) {
	if !bytes.HasPrefix(data, []byte(pngSignature)) {
		return nil, errors.New("not a PNG file")
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not a readable PNG: %w", err)
	}
	if cfg.Width > MaxLogoSide || cfg.Height > MaxLogoSide {
		return nil, fmt.Errorf("%d×%d pixels, over the limit of %d on a side", cfg.Width, cfg.Height, MaxLogoSide)
	}
	if !pngHasAlpha(data) {
		return nil, errors.New("the PNG has no alpha channel: save it with a transparent background (RGBA)")
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not a readable PNG: %w", err)
	}
	b := img.Bounds()
	nrgba := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(nrgba, nrgba.Bounds(), img, b.Min, draw.Src)
	ink := inkBounds(nrgba)
	if ink.Empty() {
		return nil, errors.New("every pixel is transparent")
	}
	out := image.NewNRGBA(image.Rect(0, 0, ink.Dx(), ink.Dy()))
	draw.Draw(out, out.Bounds(), nrgba, ink.Min, draw.Src)
	return out, nil
}

// pngHasAlpha reports whether a PNG carries transparency: colour type 4 (grey
// and alpha) or 6 (RGBA), or a tRNS chunk before the image data.
func pngHasAlpha(data []byte) bool {
	p := data[len(pngSignature):]
	for len(p) >= 12 {
		n := binary.BigEndian.Uint32(p)
		typ := string(p[4:8])
		if uint64(n)+12 > uint64(len(p)) {
			return false
		}
		switch typ {
		case "IHDR":
			if n >= 10 && (p[8+9] == 4 || p[8+9] == 6) {
				return true
			}
		case "tRNS":
			return true
		case "IDAT":
			return false
		}
		p = p[12+n:]
	}
	return false
}

// inkBounds returns the smallest rectangle holding every pixel that is not
// fully transparent.
func inkBounds(m *image.NRGBA) image.Rectangle {
	b := m.Bounds()
	r := image.Rectangle{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := m.Pix[m.PixOffset(b.Min.X, y):m.PixOffset(b.Max.X, y)]
		for x := 0; x < b.Dx(); x++ {
			if row[4*x+3] != 0 {
				r = r.Union(image.Rect(b.Min.X+x, y, b.Min.X+x+1, y+1))
			}
		}
	}
	return r
}

// parseFont parses a TrueType or OpenType font file (not a collection).
func parseFont(name string, data []byte) (f *Font, err error) {
	defer func() {
		// A malformed font must fail the load, never the process.
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("not a font that parses: %v", r)
		}
	}()
	face, err := font.ParseTTF(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not a font that parses (want a TrueType or OpenType file, not a collection): %w", err)
	}
	ext, ok := face.FontHExtents()
	if !ok {
		return nil, errors.New("the font has no horizontal line extents (hhea or OS/2)")
	}
	upem := float64(face.Upem())
	if upem <= 0 || ext.Ascender <= 0 {
		return nil, errors.New("the font's units per em or ascender is not positive")
	}
	if _, ok := face.NominalGlyph(' '); !ok {
		return nil, errors.New("the font has no space character: it is not a text font")
	}
	if err := checkFont(face); err != nil {
		return nil, err
	}
	return &Font{
		Path:    name,
		Face:    face.Font,
		Upem:    upem,
		Ascent:  float64(ext.Ascender) / upem,
		Descent: -float64(ext.Descender) / upem,
	}, nil
}
