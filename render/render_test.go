package render

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/fogleman/gg"
)

// renderPNG renders f with opts as PNG bytes.
func renderPNG(t testing.TB, f facts.Fact, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, f, opts); err != nil {
		t.Fatalf("Render(%s, %+v): %v", f.ID, opts, err)
	}
	return buf.Bytes()
}

// testFacts returns the dataset's facts and the fixtures.
func testFacts(t *testing.T) []facts.Fact {
	t.Helper()
	out := facts.Default().All()
	fx := loadFixtures(t)
	for _, name := range []string{"english", "hindi", "urdu", "longest"} {
		out = append(out, fx[name])
	}
	return out
}

// TestDeterministic renders every card twice, in a different order of sizes,
// and expects the same bytes, as PNG and JPEG.
func TestDeterministic(t *testing.T) {
	var opts []Options
	for _, size := range Sizes() {
		opts = append(opts, Options{Size: size, Theme: ThemeLight}, Options{Size: size, Format: FormatJPEG})
	}
	for _, f := range testFacts(t) {
		first := make([][]byte, len(opts))
		for i, o := range opts {
			first[i] = renderPNG(t, f, o)
		}
		for i := len(opts) - 1; i >= 0; i-- {
			if again := renderPNG(t, f, opts[i]); !bytes.Equal(again, first[i]) {
				t.Errorf("%s %+v: two renders differ (%d and %d bytes)", f.ID, opts[i], len(first[i]), len(again))
			}
		}
	}
}

// TestConcurrentRenders renders the same cards from many goroutines at once (run
// with -race) and expects each to match a render done alone.
func TestConcurrentRenders(t *testing.T) {
	type job struct {
		f    facts.Fact
		opts Options
	}
	var jobs []job
	for _, f := range testFacts(t) {
		for _, size := range Sizes() {
			jobs = append(jobs, job{f, Options{Size: size, Theme: Themes()[len(jobs)%2]}})
		}
	}
	want := make([][]byte, len(jobs))
	for i, j := range jobs {
		want[i] = renderPNG(t, j.f, j.opts)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(jobs))
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				i := (k + g*7) % len(jobs) // each goroutine in its own order
				var buf bytes.Buffer
				if err := Render(&buf, jobs[i].f, jobs[i].opts); err != nil {
					errs <- err
					continue
				}
				if !bytes.Equal(buf.Bytes(), want[i]) {
					errs <- fmt.Errorf("%s %+v: concurrent render differs from a render alone", jobs[i].f.ID, jobs[i].opts)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// drawReference draws l the plain way: gg fills the background, the shapes and
// the text in the theme's colours on an RGBA image.
func drawReference(s *shaper, l *layout) *image.RGBA {
	im := image.NewRGBA(image.Rect(0, 0, l.w, l.h))
	draw.Draw(im, im.Rect, image.NewUniform(l.theme.background), image.Point{}, draw.Src)
	dc := gg.NewContextForRGBA(im)
	for _, sh := range l.shapes {
		dc.SetColor(l.theme.colorOf(sh.ink))
		dc.DrawRectangle(sh.box.x0, sh.box.y0, sh.box.w(), sh.box.h())
		dc.Fill()
	}
	for _, b := range l.text {
		for i, ln := range b.lines {
			s.drawLine(dc, b, ln, b.origin[i], func(r inkRole) color.Color { return l.theme.colorOf(r) })
		}
	}
	return im
}

// TestQuantizeError compares each card with the same layout drawn in full colour:
// no channel of any pixel may be more than 4 levels off.
func TestQuantizeError(t *testing.T) {
	s := testShaper(t)
	eachLayout(t, s, func(name string, l *layout) {
		got := image.NewPaletted(image.Rect(0, 0, l.w, l.h), nil)
		s.paint(l, got)
		want := drawReference(s, l)
		if n, maxDiff := diffPixels(got, want); maxDiff > 4 {
			t.Errorf("%s: %d pixels differ from full colour, by up to %d levels; want at most 4", name, n, maxDiff)
		}
	})
}

// eachLayout lays out every test fact in every size and theme with s and calls
// fn with each layout and its name ("fact size theme").
func eachLayout(t *testing.T, s *shaper, fn func(name string, l *layout)) {
	t.Helper()
	for _, f := range testFacts(t) {
		c, err := s.shapeContent(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range Sizes() {
			for _, th := range themeTable {
				l, err := arrange(c, size, th)
				if err != nil {
					t.Fatal(err)
				}
				fn(fmt.Sprintf("%s %s %s", f.ID, size, th.name), l)
			}
		}
	}
}

// TestGroupedFillsMatchWordFills checks that filling runs of touching glyphs
// gives the same pixels as filling each word at once, as the design asks.
func TestGroupedFillsMatchWordFills(t *testing.T) {
	s := testShaper(t)
	for _, f := range testFacts(t) {
		c, err := s.shapeContent(f)
		if err != nil {
			t.Fatal(err)
		}
		l, err := arrange(c, SizeSquare, themeTable[0])
		if err != nil {
			t.Fatal(err)
		}
		grouped := image.NewPaletted(image.Rect(0, 0, l.w, l.h), nil)
		s.paint(l, grouped)
		s.groupByWord = true
		words := image.NewPaletted(image.Rect(0, 0, l.w, l.h), nil)
		s.paint(l, words)
		s.groupByWord = false
		if n, d := diffPixels(grouped, words); n > 0 {
			t.Errorf("%s: %d pixels (up to %d levels) differ between glyph-group and word fills", f.ID, n, d)
		}
	}
}

// TestThemesFitPalette checks that every theme's ramps fit a 256-colour palette
// and that its inks are distinct from its background.
func TestThemesFitPalette(t *testing.T) {
	for _, th := range themeTable {
		q := newQuantizer(th)
		if len(q.pal) > paletteSize {
			t.Errorf("%s: %d colours, want at most %d", th.name, len(q.pal), paletteSize)
		}
		for ink := range inkRole(numInks) {
			if th.colorOf(ink) == th.background {
				t.Errorf("%s: ink %d is the background colour", th.name, ink)
			}
		}
	}
}

// TestMedianSize renders the og PNG of every dataset fact and checks the median
// size against the target of 45 KB.
func TestMedianSize(t *testing.T) {
	all := facts.Default().All()
	if len(all) == 0 {
		t.Skip("the dataset is empty")
	}
	const limit = 45_000
	var sizes []int
	for _, f := range all {
		sizes = append(sizes, len(renderPNG(t, f, Options{})))
	}
	slices.Sort(sizes)
	median := (sizes[(len(sizes)-1)/2] + sizes[len(sizes)/2]) / 2
	t.Logf("png og: median %d bytes of %v", median, sizes)
	if median > limit {
		t.Errorf("png og median %d bytes, want at most %d", median, limit)
	}
}

// TestEncodeFormats checks that each format decodes as what it claims.
func TestEncodeFormats(t *testing.T) {
	f := loadFixtures(t)["english"]
	for _, format := range Formats() {
		for _, size := range Sizes() {
			data := renderPNG(t, f, Options{Size: size, Format: format})
			var img image.Image
			var err error
			if format == FormatJPEG {
				img, err = jpeg.Decode(bytes.NewReader(data))
			} else {
				img, err = png.Decode(bytes.NewReader(data))
			}
			if err != nil {
				t.Fatalf("%s %s: decode: %v", format, size, err)
			}
			w, h := size.Dimensions()
			if got := img.Bounds().Size(); got != image.Pt(w, h) {
				t.Errorf("%s %s: image is %v, want %dx%d", format, size, got, w, h)
			}
		}
	}
}

func TestMissingGlyph(t *testing.T) {
	f := loadFixtures(t)["english"]
	tests := []struct {
		name  string
		edit  func(*facts.Fact)
		rune  rune
		field string
	}{
		{"arrow in the quote", func(f *facts.Fact) { f.Quote = "From here → there" }, '→', "quote"},
		{"private use in the name", func(f *facts.Fact) { f.Speaker.Name = "Fixture \ue000" }, '\ue000', "speaker name"},
		{"cuneiform in the source", func(f *facts.Fact) { f.Source.Publisher = "𒀀𒀁" }, '𒀀', "source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := f
			tt.edit(&g)
			for name, err := range map[string]error{"Check": Check(g), "Card": cardErr(g)} {
				var mg *MissingGlyphError
				if !errors.As(err, &mg) {
					t.Fatalf("%s error = %v, want a *MissingGlyphError", name, err)
				}
				if mg.Rune != tt.rune || mg.Field != tt.field {
					t.Errorf("%s: got rune %U in %q, want %U in %q", name, mg.Rune, mg.Field, tt.rune, tt.field)
				}
				if !strings.Contains(err.Error(), runeName(tt.rune)) {
					t.Errorf("%s: error %q does not name the rune as %s", name, err, runeName(tt.rune))
				}
			}
		})
	}
}

func cardErr(f facts.Fact) error {
	_, err := Card(f, Options{})
	return err
}

func TestDoesNotFit(t *testing.T) {
	f := loadFixtures(t)["longest"]
	tests := []struct {
		name    string
		quote   string
		element string
	}{
		{"quote too long", strings.Repeat(f.Quote+" ", 8), "quote"},
		{"word wider than the card", "Pneumonoultramicroscopicsilicovolcanoconiosis" + strings.Repeat("x", 60), "quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := f
			g.Quote = tt.quote
			err := Check(g)
			if !errors.Is(err, ErrDoesNotFit) {
				t.Fatalf("Check error = %v, want ErrDoesNotFit", err)
			}
			var fe *FitError
			if !errors.As(err, &fe) || fe.Element != tt.element || fe.Size != SizeOG {
				t.Errorf("Check error = %v, want a *FitError for the %s on og", err, tt.element)
			}
			if _, err := Card(g, Options{Size: SizeStory}); !errors.Is(err, ErrDoesNotFit) {
				t.Errorf("Card error = %v, want ErrDoesNotFit", err)
			}
		})
	}
}

func TestCheckDataset(t *testing.T) {
	for _, f := range testFacts(t) {
		if err := Check(f); err != nil {
			t.Errorf("Check(%s) = %v, want nil", f.ID, err)
		}
	}
}

func TestBadOptions(t *testing.T) {
	f := loadFixtures(t)["english"]
	var oe *OptionError
	if _, err := Card(f, Options{Size: "huge"}); !errors.As(err, &oe) {
		t.Errorf("Card error = %v, want *OptionError", err)
	}
	if err := Render(&bytes.Buffer{}, f, Options{Theme: "neon"}); !errors.As(err, &oe) {
		t.Errorf("Render error = %v, want *OptionError", err)
	}
	img, err := Card(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := Encode(&bytes.Buffer{}, img, Options{Format: "gif"}); !errors.As(err, &oe) {
		t.Errorf("Encode error = %v, want *OptionError", err)
	}
}

func TestFingerprint(t *testing.T) {
	a, b := Fingerprint(), fingerprint()
	if a != b || len(a) != 64 {
		t.Fatalf("Fingerprint() = %q, computed again %q; want one 64-digit hex digest", a, b)
	}
	saved := standardScale.Brand
	standardScale.Brand += 0.1
	changed := fingerprint()
	standardScale.Brand = saved
	if changed == a {
		t.Error("Fingerprint() did not change when the type scale changed")
	}
}
