package render

import (
	"bytes"
	"image"
	"image/color"
	"slices"
	"testing"

	"github.com/fogleman/gg"
	"github.com/golang/freetype/raster"
)

// TestFillerMatchesGG draws every line of every test card, in every size and
// theme, with the filler the cards use and with gg's Fill, on bands placed as
// paint places them, and expects the same bytes. Each band is drawn twice, the
// second time in the theme's own colours over the coverage, so that the
// painter's compositing over pixels already covered is compared too, not only
// its fast path for clear pixels.
func TestFillerMatchesGG(t *testing.T) {
	s := testShaper(t)
	eachLayout(t, s, func(name string, l *layout) {
		card := image.Rect(0, 0, l.w, l.h)
		lines, inked := 0, 0
		for _, b := range l.text {
			for i, ln := range b.lines {
				r := b.ink[i].pixels().Inset(-1).Intersect(card)
				if r.Empty() {
					continue
				}
				want := image.NewRGBA(image.Rect(0, 0, l.w, r.Dy()))
				got := image.NewRGBA(want.Rect)
				dc := gg.NewContextForRGBA(want)
				dc.Translate(0, -float64(r.Min.Y))
				fl := newFiller(l.w, r.Dy())
				fl.reset(got, r.Min.Y)
				for _, colorOf := range []func(inkRole) color.Color{
					func(r inkRole) color.Color { return coverageColor[r] },
					func(r inkRole) color.Color { return l.theme.colorOf(r) },
				} {
					s.drawLine(dc, b, ln, b.origin[i], colorOf)
					s.drawLine(fl, b, ln, b.origin[i], colorOf)
				}
				lines++
				if !bytes.Equal(got.Pix, want.Pix) {
					n, d := diffPixels(got, want)
					t.Errorf("%s, line %d of a block at y %d: %d pixels differ from gg's, by up to %d levels", name, i, r.Min.Y, n, d)
				}
				if slices.ContainsFunc(got.Pix, func(v byte) bool { return v != 0 }) {
					inked++
				}
			}
		}
		if lines == 0 || inked == 0 {
			t.Errorf("%s: %d lines compared, %d with ink; want some", name, lines, inked)
		}
	})
}

// TestFillerPaths compares the filler with gg on paths the glyphs of the
// embedded fonts do not exercise: contours left open, a line or curve with no
// contour started, cubic curves, and several fills of one path in turn.
func TestFillerPaths(t *testing.T) {
	type op func(canvas)
	for _, tc := range []struct {
		name string
		ops  []op
	}{
		{"closed square", []op{
			func(c canvas) { c.MoveTo(2.5, 3.25) },
			func(c canvas) { c.LineTo(20.7, 3.25) },
			func(c canvas) { c.LineTo(20.7, 17.9) },
			func(c canvas) { c.LineTo(2.5, 17.9) },
			func(c canvas) { c.NewSubPath() },
		}},
		{"open contours, then another", []op{
			func(c canvas) { c.MoveTo(1, 1) },
			func(c canvas) { c.LineTo(30, 4) },
			func(c canvas) { c.LineTo(12, 19.5) },
			func(c canvas) { c.MoveTo(22, 10) },
			func(c canvas) { c.QuadraticTo(40, 2, 38, 19) },
		}},
		{"line with no contour started", []op{
			func(c canvas) { c.LineTo(5, 5) },
			func(c canvas) { c.LineTo(35, 9) },
			func(c canvas) { c.LineTo(8, 18) },
		}},
		{"quadratic with no contour started", []op{
			func(c canvas) { c.QuadraticTo(4, 18, 30, 19) },
			func(c canvas) { c.LineTo(33, 2) },
		}},
		{"cubics", []op{
			func(c canvas) { c.MoveTo(3, 18) },
			func(c canvas) { c.CubicTo(8, -4, 30, 30, 38, 2.5) },
			func(c canvas) { c.CubicTo(30, 10, 20, 10, 3, 18) },
			func(c canvas) { c.NewSubPath() },
			func(c canvas) { c.CubicTo(10, 10, 10.01, 10.01, 10.02, 10.02) }, // points that round alike
		}},
		{"two fills in two colours", []op{
			func(c canvas) { c.MoveTo(0, 0) },
			func(c canvas) { c.LineTo(25, 0.5) },
			func(c canvas) { c.LineTo(12, 19) },
			func(c canvas) { c.Fill() },
			func(c canvas) { c.SetColor(color.RGBA{0x20, 0x80, 0x10, 0xc0}) },
			func(c canvas) { c.MoveTo(8, 2) },
			func(c canvas) { c.QuadraticTo(40, 10, 8, 19) },
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const w, h, top = 40, 20, 7
			want := image.NewRGBA(image.Rect(0, 0, w, h))
			got := image.NewRGBA(want.Rect)
			dc := gg.NewContextForRGBA(want)
			dc.Translate(0, -top)
			fl := newFiller(w, h)
			fl.reset(got, top)
			for _, c := range []canvas{dc, fl} {
				c.SetColor(coverageColor[inkText])
				for _, o := range tc.ops {
					// The cases are written in band rows; the canvases take card rows.
					o(shifted{c, top})
				}
				c.Fill()
			}
			if !bytes.Equal(got.Pix, want.Pix) {
				n, d := diffPixels(got, want)
				t.Errorf("%d pixels differ from gg's, by up to %d levels", n, d)
			}
			if bytes.Equal(got.Pix, make([]byte, len(got.Pix))) {
				t.Error("nothing was drawn")
			}
		})
	}
}

// shifted is a canvas whose points are given top rows higher.
type shifted struct {
	canvas
	top float64
}

func (s shifted) MoveTo(x, y float64) { s.canvas.MoveTo(x, y+s.top) }
func (s shifted) LineTo(x, y float64) { s.canvas.LineTo(x, y+s.top) }
func (s shifted) QuadraticTo(x1, y1, x2, y2 float64) {
	s.canvas.QuadraticTo(x1, y1+s.top, x2, y2+s.top)
}
func (s shifted) CubicTo(x1, y1, x2, y2, x3, y3 float64) {
	s.canvas.CubicTo(x1, y1+s.top, x2, y2+s.top, x3, y3+s.top)
}

// TestCoverPainterClips checks that spans outside the image, or partly
// outside, are cut as freetype's RGBA painter cuts them.
func TestCoverPainterClips(t *testing.T) {
	spans := []raster.Span{
		{Y: -1, X0: 0, X1: 5, Alpha: 0xffff},
		{Y: 0, X0: -3, X1: 2, Alpha: 0x8000},
		{Y: 1, X0: 6, X1: 99, Alpha: 0x1234},
		{Y: 2, X0: 4, X1: 4, Alpha: 0xffff},
		{Y: 3, X0: 9, X1: 12, Alpha: 0xffff},
		{Y: 4, X0: 0, X1: 8, Alpha: 0xffff},
	}
	want := image.NewRGBA(image.Rect(0, 0, 8, 4))
	got := image.NewRGBA(want.Rect)
	rp := raster.NewRGBAPainter(want)
	rp.SetColor(coverageColor[inkMuted])
	cp := &coverPainter{im: got}
	cp.cr, cp.cg, cp.cb, cp.ca = coverageColor[inkMuted].RGBA()
	for range 2 { // the second pass composites over the first
		rp.Paint(spans, true)
		cp.Paint(spans, true)
	}
	if !bytes.Equal(got.Pix, want.Pix) {
		t.Errorf("got %v\nwant %v", got.Pix, want.Pix)
	}
}

// TestQuantizeAsFilled checks that quantising pixels as the filler covers them
// writes the same card as quantising each line's band after its fills, for
// every test card in every size and theme.
func TestQuantizeAsFilled(t *testing.T) {
	s := testShaper(t)
	eachLayout(t, s, func(name string, l *layout) {
		got := image.NewPaletted(image.Rect(0, 0, l.w, l.h), nil)
		s.paint(l, got)
		s.quantizeAfter = true
		want := image.NewPaletted(got.Rect, nil)
		s.paint(l, want)
		s.quantizeAfter = false
		if !bytes.Equal(got.Pix, want.Pix) {
			n, d := diffPixels(got, want)
			t.Errorf("%s: %d pixels differ from quantising after the fills, by up to %d levels", name, n, d)
		}
		if bytes.Equal(got.Pix, make([]byte, len(got.Pix))) {
			t.Errorf("%s: nothing drawn", name)
		}
	})
}

// TestCoverPainterQuantizes paints overlapping spans of two inks, partly
// outside the clip, with the painter writing palette entries as it goes, and
// compares the card with quantizing the band afterwards: entries of blends of
// inks, of pixels covered twice, and nothing outside the clip.
func TestCoverPainterQuantizes(t *testing.T) {
	q := quantizerFor(themeTable[0])
	spans := [][]raster.Span{
		{{Y: 0, X0: 0, X1: 12, Alpha: 0x9000}, {Y: 1, X0: 2, X1: 9, Alpha: 0xffff}, {Y: 2, X0: 0, X1: 3, Alpha: 0x0040}, {Y: 3, X0: 1, X1: 11, Alpha: 0x4321}},
		{{Y: 0, X0: 4, X1: 8, Alpha: 0x7000}, {Y: 1, X0: 0, X1: 12, Alpha: 0x2000}, {Y: 3, X0: 5, X1: 12, Alpha: 0xffff}},
	}
	inks := []inkRole{inkText, inkAccent}
	const top = 5
	clip := image.Rect(1, top, 10, top+3) // the band's last row and first and last columns are outside
	card := image.Rect(0, 0, 12, 12)
	fill := func(p *coverPainter) {
		for i, ss := range spans {
			p.cr, p.cg, p.cb, p.ca = coverageColor[inks[i]].RGBA()
			p.Paint(ss, true)
		}
	}
	want := image.NewPaletted(card, q.pal)
	for i := range want.Pix {
		want.Pix[i] = 7 // ink of another line, which uncovered pixels keep
	}
	got := image.NewPaletted(card, q.pal)
	copy(got.Pix, want.Pix)
	ref := &coverPainter{im: image.NewRGBA(image.Rect(0, 0, 12, 4))}
	fill(ref)
	q.quantize(want, ref.im, clip)
	p := &coverPainter{im: image.NewRGBA(ref.im.Rect)}
	p.quantizeInto(got, q, clip)
	fill(p)
	if !bytes.Equal(p.im.Pix, ref.im.Pix) {
		t.Errorf("band %v, want %v", p.im.Pix, ref.im.Pix)
	}
	if !bytes.Equal(got.Pix, want.Pix) {
		t.Errorf("card %v\nwant %v", got.Pix, want.Pix)
	}
	blends := 0 // pixels of the clip both inks cover
	for y := range clip.Dy() {
		for x := clip.Min.X; x < clip.Max.X; x++ {
			if c := ref.im.RGBAAt(x, y); c.R != 0 && c.B != 0 {
				blends++
			}
		}
	}
	if blends == 0 {
		t.Error("no pixel of the clip has both inks; the test does not check blends")
	}
}
