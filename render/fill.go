package render

import (
	"encoding/binary"
	"image"
	"image/color"

	"github.com/fogleman/gg"
	"github.com/golang/freetype/raster"
)

// canvas is what drawLine fills glyph outlines on: a path in pixels, then a
// fill of it in one colour. *gg.Context is one (the tests' full-colour
// reference draws with it); *filler, which the cards are drawn with, is the
// other.
type canvas interface {
	MoveTo(x, y float64)
	LineTo(x, y float64)
	QuadraticTo(x1, y1, x2, y2 float64)
	CubicTo(x1, y1, x2, y2, x3, y3 float64)
	NewSubPath()
	SetColor(c color.Color)
	Fill()
}

// filler fills paths on an RGBA band with freetype's rasteriser, as gg's Fill
// does, giving the same pixels (TestFillerMatchesGG), for less: it builds the
// fill path only (gg builds a stroke path beside it), shifts points by a
// whole number of rows instead of through a matrix, and paints spans with
// coverPainter. Its zero value is not ready: use newFiller.
type filler struct {
	r       *raster.Rasterizer
	paint   coverPainter
	path    raster.Path
	dy      float64  // added to every y: the band's top row is the card's row -dy
	start   gg.Point // the first point of the open contour
	current gg.Point // the last point, which a cubic starts from
	open    bool     // whether a contour is open
}

// newFiller returns a filler for RGBA images of w x h pixels.
func newFiller(w, h int) *filler {
	f := &filler{r: raster.NewRasterizer(w, h)}
	f.r.UseNonZeroWinding = true // gg's default fill rule, which the fonts need
	return f
}

// reset makes f draw on im, with the card's row top as im's row 0, and clears
// the path.
func (f *filler) reset(im *image.RGBA, top int) {
	f.paint.im = im
	f.paint.out = nil
	f.dy = -float64(top)
	f.path.Clear()
	f.open = false
}

func (f *filler) point(x, y float64) gg.Point { return gg.Point{X: x, Y: y + f.dy} }

// MoveTo starts a contour at (x, y), closing the open one.
func (f *filler) MoveTo(x, y float64) {
	if f.open {
		f.path.Add1(f.start.Fixed())
	}
	p := f.point(x, y)
	f.path.Start(p.Fixed())
	f.start, f.current, f.open = p, p, true
}

// LineTo adds a line to (x, y), or starts a contour there if none is open.
func (f *filler) LineTo(x, y float64) {
	if !f.open {
		f.MoveTo(x, y)
		return
	}
	p := f.point(x, y)
	f.path.Add1(p.Fixed())
	f.current = p
}

// QuadraticTo adds a quadratic Bézier curve through the control point (x1, y1)
// to (x2, y2).
func (f *filler) QuadraticTo(x1, y1, x2, y2 float64) {
	if !f.open {
		f.MoveTo(x1, y1)
	}
	p1, p2 := f.point(x1, y1), f.point(x2, y2)
	f.path.Add2(p1.Fixed(), p2.Fixed())
	f.current = p2
}

// CubicTo adds a cubic Bézier curve, as line segments: the rasteriser has no
// cubics. The segments are gg's (gg.CubicBezier), as gg's own CubicTo makes.
func (f *filler) CubicTo(x1, y1, x2, y2, x3, y3 float64) {
	if !f.open {
		f.MoveTo(x1, y1)
	}
	p1, p2, p3 := f.point(x1, y1), f.point(x2, y2), f.point(x3, y3)
	pts := gg.CubicBezier(f.current.X, f.current.Y, p1.X, p1.Y, p2.X, p2.Y, p3.X, p3.Y)
	prev := f.current.Fixed()
	for _, p := range pts[1:] {
		if q := p.Fixed(); q != prev {
			f.path.Add1(q)
			prev = q
			f.current = p
		}
	}
}

// NewSubPath closes the open contour, if any.
func (f *filler) NewSubPath() {
	if f.open {
		f.path.Add1(f.start.Fixed())
	}
	f.open = false
}

// SetColor sets the colour of the next fills.
func (f *filler) SetColor(c color.Color) {
	f.paint.cr, f.paint.cg, f.paint.cb, f.paint.ca = c.RGBA()
}

// Fill fills the path (open contours closed) over the band and clears the path.
func (f *filler) Fill() {
	f.NewSubPath()
	f.r.Clear()
	f.r.AddPath(f.path)
	f.r.Rasterize(&f.paint)
	f.path.Clear()
}

// coverPainter composites spans of one colour over an RGBA image, with the
// arithmetic of freetype's RGBAPainter in Over mode, so the pixels are the
// same; but a pixel nothing has covered yet (all zero, as nearly every pixel
// a glyph fills is: the band starts clear and fill groups share no pixel)
// takes a value computed once per span. With an output set (quantizeInto) it
// also writes each covered pixel's palette entry into the card as it goes,
// which is what quantizing the band after the fills would write.
type coverPainter struct {
	im             *image.RGBA
	cr, cg, cb, ca uint32

	out  *image.Paletted // the card, or nil
	q    *quantizer
	clip image.Rectangle // where in the card entries are written; its top row is im's row 0
}

// quantizeInto makes p write the palette entries of the pixels it covers into
// out, within clip, whose top row is im's row 0; reset clears it.
func (p *coverPainter) quantizeInto(out *image.Paletted, q *quantizer, clip image.Rectangle) {
	p.out, p.q, p.clip = out, q, clip
}

// Paint implements raster.Painter.
func (p *coverPainter) Paint(ss []raster.Span, _ bool) {
	const m = 1<<16 - 1
	b := p.im.Rect
	for _, s := range ss {
		if s.Y < b.Min.Y {
			continue
		}
		if s.Y >= b.Max.Y {
			return
		}
		x0, x1 := max(s.X0, b.Min.X), min(s.X1, b.Max.X)
		if x0 >= x1 {
			continue
		}
		ma := s.Alpha
		a := (m - p.ca*ma/m) * 0x101
		fresh := uint32(uint8(p.cr*ma/m>>8)) | uint32(uint8(p.cg*ma/m>>8))<<8 |
			uint32(uint8(p.cb*ma/m>>8))<<16 | uint32(uint8(p.ca*ma/m>>8))<<24
		i0 := (s.Y-b.Min.Y)*p.im.Stride + (x0-b.Min.X)*4
		pix := p.im.Pix[i0 : i0+(x1-x0)*4]
		// The card's pixels of the span, clipped: out[k] is pix's pixel from+k.
		var out []uint8
		from := 0
		if y := s.Y - b.Min.Y + p.clip.Min.Y; p.out != nil && y >= p.clip.Min.Y && y < p.clip.Max.Y {
			if cx0, cx1 := max(x0, p.clip.Min.X), min(x1, p.clip.Max.X); cx0 < cx1 {
				o := p.out.PixOffset(cx0, y)
				out, from = p.out.Pix[o:o+cx1-cx0], cx0-x0
			}
		}
		freshIdx := uint8(0)
		if out != nil && fresh != 0 {
			freshIdx = p.q.of(fresh)
		}
		for i := 0; i+4 <= len(pix); i += 4 {
			px := pix[i : i+4 : i+4]
			v := fresh
			if binary.LittleEndian.Uint32(px) == 0 {
				binary.LittleEndian.PutUint32(px, fresh)
			} else {
				px[0] = uint8((uint32(px[0])*a + p.cr*ma) / m >> 8)
				px[1] = uint8((uint32(px[1])*a + p.cg*ma) / m >> 8)
				px[2] = uint8((uint32(px[2])*a + p.cb*ma) / m >> 8)
				px[3] = uint8((uint32(px[3])*a + p.ca*ma) / m >> 8)
				v = binary.LittleEndian.Uint32(px)
			}
			if k := i/4 - from; uint(k) < uint(len(out)) && v != 0 {
				if v == fresh {
					out[k] = freshIdx
				} else {
					out[k] = p.q.of(v)
				}
			}
		}
	}
}
