package render

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/render/brand"
)

// themeTable is the built-in brand's themes, as the renderer uses them.
var themeTable = func() []theme {
	st, err := stateOf(nil)
	if err != nil {
		panic(err)
	}
	return st.themes
}()

// exampleBrand loads the example brand that ships in infra/brands/example.
func exampleBrand(t testing.TB) *brand.Brand {
	t.Helper()
	b, err := brand.Load(os.DirFS("../infra/brands/example"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// exampleWithoutLogo loads the example brand without its logo, so cards show
// its name instead.
func exampleWithoutLogo(t testing.TB) *brand.Brand {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, name := range []string{brand.File, "fonts/DejaVuSerif-Latin.ttf", "fonts/DejaVuSansCondensed-Bold-Latin.ttf"} {
		data, err := os.ReadFile("../infra/brands/example/" + name)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	js := string(fsys[brand.File].Data)
	fsys[brand.File].Data = []byte(strings.Replace(js, `"logo": "logo.png",`, "", 1))
	b, err := brand.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if b.Logo != nil {
		t.Fatal("the example brand without its logo still has one")
	}
	return b
}

// fixtureBrand returns a brand of the given name with the built-in brand's
// colours, an optional URL and an optional logo of the given size (a solid
// block with a transparent margin).
func fixtureBrand(t testing.TB, name, url string, logoW, logoH int) *brand.Brand {
	t.Helper()
	js := `{"name": ` + quoteJSON(name)
	if url != "" {
		js += `, "url": ` + quoteJSON(url)
	}
	fsys := fstest.MapFS{}
	if logoW > 0 {
		js += `, "logo": "logo.png"`
		m := image.NewNRGBA(image.Rect(0, 0, logoW+2, logoH+2))
		for y := 1; y <= logoH; y++ {
			for x := 1; x <= logoW; x++ {
				m.SetNRGBA(x, y, color.NRGBA{uint8(40 + 200*x/logoW), 0x60, uint8(200 - 150*y/logoH), 0xff})
			}
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, m); err != nil {
			t.Fatal(err)
		}
		fsys["logo.png"] = &fstest.MapFile{Data: buf.Bytes()}
	}
	js += `, "themes": {"dark": {"background": "#12151b", "text": "#f5f2eb", "muted": "#a3abb8", "accent": "#f4b63f"},
		"light": {"background": "#faf7f0", "text": "#16181d", "muted": "#575f6c", "accent": "#c2410c"}}}`
	fsys[brand.File] = &fstest.MapFile{Data: []byte(js)}
	b, err := brand.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func quoteJSON(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// TestBuiltinBrandIsUnchanged checks that the built-in brand is today's look:
// the colours the cards had before brands, factcard as the name, no URL or logo.
// The golden images check the pixels.
func TestBuiltinBrandIsUnchanged(t *testing.T) {
	want := map[Theme][5]string{
		ThemeDark:  {"#12151b", "#f5f2eb", "#a3abb8", "#f4b63f", "#2c313a"},
		ThemeLight: {"#faf7f0", "#16181d", "#575f6c", "#c2410c", "#e2dcd0"},
	}
	if len(themeTable) != len(want) {
		t.Fatalf("%d themes, want %d", len(themeTable), len(want))
	}
	for _, th := range themeTable {
		got := [5]string{brand.Hex(th.background), brand.Hex(th.text), brand.Hex(th.muted), brand.Hex(th.accent), brand.Hex(th.rule)}
		if got != want[th.name] {
			t.Errorf("theme %s = %v, want %v", th.name, got, want[th.name])
		}
	}
	if b := brand.Default(); b.Name != "factcard" || b.URL != "" || b.Logo != nil {
		t.Errorf("built-in brand %q, URL %q, logo %v; want factcard without URL or logo", b.Name, b.URL, b.Logo != nil)
	}
}

// TestBrandThemes checks that options take a brand's own themes.
func TestBrandThemes(t *testing.T) {
	b := exampleBrand(t)
	if got := fmt.Sprint(ThemesFor(b)); got != "[dark light paper]" {
		t.Errorf("ThemesFor(example) = %s, want [dark light paper]", got)
	}
	if got, err := (Options{Theme: "paper", Brand: b}).Resolve(); err != nil || got.Theme != "paper" {
		t.Errorf("Resolve(paper) = %+v, %v; want theme paper", got, err)
	}
	_, err := Options{Theme: "paper"}.Resolve()
	var oe *OptionError
	if !errors.As(err, &oe) || oe.Option != "theme" || strings.Join(oe.Valid, ",") != "dark,light" {
		t.Errorf("Resolve(paper) in the built-in brand: %v, want an *OptionError listing dark and light", err)
	}
	if _, err := ParseThemeFor(b, "sepia"); !errors.As(err, &oe) || strings.Join(oe.Valid, ",") != "dark,light,paper" {
		t.Errorf("ParseThemeFor(example, sepia) = %v, want an *OptionError listing dark, light and paper", err)
	}
}

// TestBrandFonts checks that a brand's Latin fonts set the Latin text of the
// quote and names, and leave Devanagari and Arabic, spaces included, to the
// embedded Noto fonts.
func TestBrandFonts(t *testing.T) {
	b := exampleBrand(t)
	s, err := getShaperFor(b)
	if err != nil {
		t.Fatal(err)
	}
	defer putShaper(s)
	fx := loadFixtures(t)
	for _, tc := range []struct {
		name  string
		fact  facts.Fact
		block string
		want  map[faceID]bool // the faces the block may use
	}{
		{"English quote", fx["english"], "quote", map[faceID]bool{brandQuote: true}},
		{"English speaker", fx["english"], "speaker", map[faceID]bool{brandNames: true}},
		{"English role", fx["english"], "role", map[faceID]bool{sansRegular: true}},
		{"Hindi quote", fx["hindi"], "quote", map[faceID]bool{devaRegular: true, sansRegular: true}},
		{"Urdu quote", fx["urdu"], "quote", map[faceID]bool{faceOfFamily(famNastaliq, regular): true, sansRegular: true, brandQuote: true}},
	} {
		c, err := s.shapeContent(tc.fact)
		if err != nil {
			t.Fatal(err)
		}
		p := c.para(tc.block)
		for _, w := range p.words {
			for _, pc := range w.pieces {
				for _, g := range pc.glyphs {
					r := p.text[g.cluster]
					if !tc.want[g.face] {
						t.Errorf("%s: %q is set in face %d, want one of %v", tc.name, r, g.face, tc.want)
					}
					if tc.name == "Urdu quote" && g.face == brandQuote && r > 0x7f && r != '“' && r != '”' {
						t.Errorf("%s: %q (U+%04X) is set in the brand's Latin font", tc.name, r, r)
					}
				}
			}
		}
	}
}

// TestCheckBrand checks the brands that fit and those that do not.
func TestCheckBrand(t *testing.T) {
	long := "The Northern Provinces Evening Chronicle and Advertiser" // 56 characters
	for _, tc := range []struct {
		name  string
		b     *brand.Brand
		field string // the *brand.Error's field, "" for a brand that fits
	}{
		{"built-in", brand.Default(), ""},
		{"example", exampleBrand(t), ""},
		{"name that shrinks to fit", fixtureBrand(t, "The Northern Provinces Evening Chronicle", "", 0, 0), ""},
		{"name too long even shrunk", fixtureBrand(t, long+" and Weekly Review", "", 0, 0), "name"},
		{"wide logo that shrinks to fit", fixtureBrand(t, "Fixture", "", 600, 30), ""},
		{"logo too wide even shrunk", fixtureBrand(t, "Fixture", "", 1900, 40), "logo"},
		{"long URL that shrinks to fit", fixtureBrand(t, "Fixture", "https://news.example/northern-provinces-desk", 0, 0), ""},
		{"URL too long even shrunk", fixtureBrand(t, "Fixture", "https://news.example/"+strings.Repeat("northern-provinces-", 4), 0, 0), "url"},
		{"name without a glyph", fixtureBrand(t, "Fixture → News", "", 0, 0), "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckBrand(tc.b)
			var be *brand.Error
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("CheckBrand = %v, want nil", err)
			case tc.field != "" && !errors.As(err, &be):
				t.Fatalf("CheckBrand = %v, want a *brand.Error on %s", err, tc.field)
			case tc.field != "" && be.Field != tc.field:
				t.Fatalf("CheckBrand = %v on %s, want it on %s", err, be.Field, tc.field)
			}
			if err != nil {
				t.Logf("%v", err) // what a newsroom reads at start
			}
		})
	}
}

// TestLongBrandContainment lays out every case with brands at the limits of the
// brand line, a long name and a wide logo, each with a long URL, and checks what
// the design promises (see checkLayout): the brand line shrinks, the footer
// stacks when the date and source do not fit beside it, and nothing leaves the
// safe area or overlaps. A stacked footer leaves the quote less room, so the
// longest test quotes may not fit the og card; that must be a *FitError on the
// quote, and every fact of the dataset must fit.
func TestLongBrandContainment(t *testing.T) {
	url := "https://news.example/northern-provinces-desk"
	brands := []*brand.Brand{
		fixtureBrand(t, "The Northern Provinces Evening Chronicle", url, 0, 0),
		fixtureBrand(t, "Fixture", url, 600, 30),
		exampleBrand(t),
	}
	stacked, tooLong, stackedPreview := 0, 0, ""
	for _, b := range brands {
		if err := CheckBrand(b); err != nil {
			t.Fatalf("%s: %v", b.Name, err)
		}
		s, err := getShaperFor(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, lc := range layoutCases(t) {
			c, err := s.shapeContent(lc.fact)
			if err != nil {
				t.Fatalf("%s: %v", lc.name, err)
			}
			for _, size := range Sizes() {
				th := s.st.themes[0]
				name := fmt.Sprintf("%s/%s/%s", b.Name, lc.name, size)
				l, err := arrange(c, size, th)
				var fe *FitError
				switch {
				case err != nil && (strings.HasPrefix(lc.name, "dataset/") || !errors.As(err, &fe) || fe.Element != "quote"):
					t.Errorf("%s: %v", name, err)
					continue
				case err != nil:
					tooLong++
					continue
				}
				checkLayout(t, name, s, c, l)
				if b.Logo != nil && l.logo.empty() {
					t.Errorf("%s: no logo", name)
				}
				if footerStacked(l) {
					stacked++
					if stackedPreview == "" {
						stackedPreview = name
					}
				}
			}
		}
		putShaper(s)
	}
	if stacked == 0 {
		t.Error("no card stacked the brand under the date and source: the long brands do not test the fallback")
	}
	t.Logf("%d cards stacked the footer (the first: %s); %d test quotes did not fit", stacked, stackedPreview, tooLong)
}

// footerStacked reports whether l has its brand column under the date and
// source lines rather than beside them.
func footerStacked(l *layout) bool {
	metaBottom := 0.0
	for _, name := range []string{"date", "source"} {
		if b := l.find(name); b != nil {
			metaBottom = max(metaBottom, b.box.y1)
		}
	}
	brandTop := l.logo.y0
	if l.logo.empty() {
		brandTop = l.find("brand").box.y0
	}
	return brandTop >= metaBottom
}

// TestLogoTile checks the logo's scaling and palette: a flat colour stays
// exact, edges blend with the background, and the palette stays within 256.
func TestLogoTile(t *testing.T) {
	bg := color.NRGBA{0x10, 0x20, 0x30, 0xff}
	src := image.NewNRGBA(image.Rect(0, 0, 40, 20))
	for y := range 20 {
		for x := range 40 {
			switch {
			case x < 20:
				src.SetNRGBA(x, y, color.NRGBA{0xe0, 0x40, 0x20, 0xff}) // opaque
			case x < 30:
				src.SetNRGBA(x, y, color.NRGBA{0xff, 0xff, 0xff, 0x80}) // half transparent
			}
		}
	}
	m := scaleOver(src, 20, 10, bg) // exactly half: each pixel averages four
	for _, tc := range []struct {
		x    int
		want color.RGBA
	}{
		{0, color.RGBA{0xe0, 0x40, 0x20, 0xff}},
		{9, color.RGBA{0xe0, 0x40, 0x20, 0xff}},
		// 128/255 of white over the background, bg + (255-bg)·128/255, rounded:
		// 135.97, 143.94, 151.90.
		{10, color.RGBA{136, 144, 152, 0xff}},
		{15, color.RGBA{0x10, 0x20, 0x30, 0}}, // the logo does not touch it
	} {
		if got := m.RGBAAt(tc.x, 5); got != tc.want {
			t.Errorf("pixel %d = %v, want %v", tc.x, got, tc.want)
		}
	}
	// A third of a pixel: scaling 3 source pixels (opaque, clear, clear) into one.
	third := image.NewNRGBA(image.Rect(0, 0, 3, 1))
	third.SetNRGBA(0, 0, color.NRGBA{0xff, 0xff, 0xff, 0xff})
	if got, want := scaleOver(third, 1, 1, color.NRGBA{0, 0, 0, 0xff}).RGBAAt(0, 0), (color.RGBA{0x55, 0x55, 0x55, 0xff}); got != want {
		t.Errorf("a third of white over black = %v, want %v", got, want)
	}

	q := newQuantizer(themeTable[0])
	tile := newLogoTile(scaleOver(exampleBrand(t).Logo, 215, 36, themeTable[0].background), q.pal, themeTable[0].background)
	if n := len(tile.pal); n > 256 || n <= len(q.pal) {
		t.Errorf("palette of %d colours, want more than the theme's %d and at most 256", n, len(q.pal))
	}
	for i, c := range q.pal {
		if tile.pal[i] != c {
			t.Fatalf("entry %d of the theme's palette changed", i)
		}
	}
}

// TestLogoCards checks that a card with a logo is a paletted image whose
// logo is close to the logo drawn in full colour, and that its PNG is about the
// size of the same card without the logo.
func TestLogoCards(t *testing.T) {
	withLogo := exampleBrand(t)
	noLogo := exampleWithoutLogo(t)
	f, _ := facts.Default().Lookup(goldenFactID)
	for _, size := range Sizes() {
		for _, th := range ThemesFor(withLogo) {
			opts := Options{Size: size, Theme: th, Brand: withLogo}
			img, err := Card(f, opts)
			if err != nil {
				t.Fatal(err)
			}
			p, ok := img.(*image.Paletted)
			if !ok || len(p.Palette) > 256 {
				t.Fatalf("%s %s: a %T of %d colours, want a paletted image", size, th, img, len(p.Palette))
			}
			// The logo's pixels against the logo scaled in full colour.
			s, _ := getShaperFor(withLogo)
			c, _ := s.shapeContent(f)
			l, _ := arrange(c, size, s.st.mustTheme(th))
			putShaper(s)
			r := l.logo.pixels()
			ref := scaleOver(withLogo.Logo, r.Dx(), r.Dy(), l.theme.background)
			var sum, far int
			for y := range r.Dy() {
				for x := range r.Dx() {
					got := color.NRGBAModel.Convert(p.At(r.Min.X+x, r.Min.Y+y)).(color.NRGBA)
					want := ref.RGBAAt(x, y)
					d := int(max(absDiff(uint32(got.R), uint32(want.R)), absDiff(uint32(got.G), uint32(want.G)), absDiff(uint32(got.B), uint32(want.B))))
					sum += d
					if d > 24 {
						far++
					}
				}
			}
			n := r.Dx() * r.Dy()
			if mean := float64(sum) / float64(n); mean > 2 || far > n/100 {
				t.Errorf("%s %s: logo pixels off by %.2f levels on average, %d of %d by more than 24; want at most 2 and 1%%", size, th, mean, far, n)
			}
			var a, b bytes.Buffer
			if err := Encode(&a, img, opts); err != nil {
				t.Fatal(err)
			}
			if err := Render(&b, f, Options{Size: size, Theme: th, Brand: noLogo}); err != nil {
				t.Fatal(err)
			}
			if a.Len() > b.Len()*11/10 {
				t.Errorf("%s %s: %d bytes with the logo, %d without; want at most 10%% more", size, th, a.Len(), b.Len())
			}
		}
	}
}

// mustTheme returns the theme of a name the brand has.
func (st *brandState) mustTheme(name Theme) theme {
	th, ok := st.theme(name)
	if !ok {
		panic("no theme " + string(name))
	}
	return th
}

// TestSafeZones checks each size's safe area against the figures its
// documentation gives (see geometries), and that no pixel of any card, in the
// built-in and the example brand, is drawn outside it: on a story, nothing in
// the top 250 px or the bottom 340 px that Stories apps cover.
func TestSafeZones(t *testing.T) {
	want := map[Size]rect{
		SizeOG:       {54, 54, 1200 - 54, 630 - 54},
		SizeSquare:   {86, 86, 1080 - 86, 1080 - 86},
		SizePortrait: {86, 95, 1080 - 86, 1350 - 95},
		SizeStory:    {86, 250, 1080 - 86, 1920 - 340},
	}
	for _, size := range Sizes() {
		if got := geometries[size].safe(); got != want[size] {
			t.Errorf("%s: safe area %v, want %v", size, got, want[size])
		}
	}
	fx := loadFixtures(t)
	cases := []facts.Fact{fx["english"], fx["hindi"], fx["urdu"], fx["longest"]}
	cases = append(cases, facts.Default().All()...)
	for _, b := range []*brand.Brand{nil, exampleBrand(t)} {
		for _, f := range cases {
			for _, size := range Sizes() {
				img, err := Card(f, Options{Size: size, Brand: b})
				if err != nil {
					t.Fatal(err)
				}
				p := img.(*image.Paletted)
				safe := want[size].pixels()
				for y := range p.Rect.Dy() {
					for x := range p.Rect.Dx() {
						if p.Pix[y*p.Stride+x] != 0 && !(image.Point{x, y}).In(safe) {
							t.Errorf("%s %s: pixel (%d, %d) is drawn, outside the safe area %v", f.ID, size, x, y, safe)
							goto next
						}
					}
				}
			next:
			}
		}
	}
}

// BenchmarkCardExampleBrand measures Render to PNG of the og card in the
// example brand: its fonts, its logo (a tile copied into the card) and its
// palette, to compare with BenchmarkCard/og in the built-in brand.
func BenchmarkCardExampleBrand(b *testing.B) {
	br := exampleBrand(b)
	f := benchFact(b)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Render(&buf, f, Options{Size: SizeOG, Brand: br}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}
