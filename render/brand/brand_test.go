package brand_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/factcard/factcard/render/brand"
)

// minimalJSON is a complete brand.json: a name and one theme of four colours.
const minimalJSON = `{"name": "Fixture News", "themes": {"dark": {"background": "#101010", "text": "#f0f0f0", "muted": "#a0a0a0", "accent": "#f0b040"}}}`

// pngBytes encodes img as a PNG.
func pngBytes(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// logoPNG returns a w×h PNG with alpha: a solid block with a transparent border.
func logoPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			m.SetNRGBA(x, y, color.NRGBA{0x20, 0x80, 0xc0, 0xff})
		}
	}
	return pngBytes(t, m)
}

// fontBytes returns an embedded Noto font of the renderer, a font that parses.
func fontBytes(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../fonts/NotoSans-Regular.ttf")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// withJSON returns a brand folder holding brand.json and the given files.
func withJSON(js string, files map[string][]byte) fstest.MapFS {
	fsys := fstest.MapFS{brand.File: {Data: []byte(js)}}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	return fsys
}

func TestDefault(t *testing.T) {
	b := brand.Default()
	if b.Name != "factcard" || b.URL != "" || b.Logo != nil || b.Quote != nil || b.Names != nil {
		t.Errorf("Default() = %q url %q logo %v fonts %v %v, want factcard with no URL, logo or fonts", b.Name, b.URL, b.Logo != nil, b.Quote, b.Names)
	}
	var names []string
	for _, th := range b.Themes {
		names = append(names, th.Name)
	}
	if got := strings.Join(names, ","); got != "dark,light" {
		t.Errorf("themes = %s, want dark,light", got)
	}
	if d := b.DefaultTheme().Name; d != "dark" {
		t.Errorf("DefaultTheme = %s, want dark", d)
	}
	if brand.Default() != b {
		t.Error("Default() loads the built-in brand again on each call")
	}
}

func TestLoadExample(t *testing.T) {
	b, err := brand.Load(os.DirFS(exampleDir))
	if err != nil {
		t.Fatal(err)
	}
	if b.Name != "Example Gazette" || b.DisplayURL() != "gazette.example" {
		t.Errorf("name %q, URL %q, want Example Gazette, gazette.example", b.Name, b.DisplayURL())
	}
	if b.Logo == nil || b.Quote == nil || b.Names == nil {
		t.Fatalf("logo %v, quote font %v, names font %v: want all three", b.Logo != nil, b.Quote, b.Names)
	}
	// The logo is cropped to its visible pixels: the drawn image has a margin of
	// transparent pixels at the right.
	if got := b.Logo.Bounds(); got.Min != (image.Point{}) || got.Dy() != 200 || got.Dx() >= drawExampleLogo(t).Bounds().Dx() {
		t.Errorf("logo bounds %v, want 200 px tall from the origin, narrower than drawn", got)
	}
	var names []string
	for _, th := range b.Themes {
		names = append(names, th.Name)
	}
	if got := strings.Join(names, ","); got != "dark,light,paper" {
		t.Errorf("themes in order %s, want dark,light,paper (brand.json's order)", got)
	}
	if th, _ := b.Theme("dark"); th.Rule != brand.Mix(th.Background, th.Muted, 0.2) {
		t.Errorf("dark rule = %v, want the derived %v", th.Rule, brand.Mix(th.Background, th.Muted, 0.2))
	}
	if th, _ := b.Theme("paper"); brand.Hex(th.Rule) != "#cdb894" {
		t.Errorf("paper rule = %s, want the given #cdb894", brand.Hex(th.Rule))
	}
	if got, want := strings.Join(b.Files(), ","), "brand.json,logo.png,fonts/DejaVuSerif-Latin.ttf,fonts/DejaVuSansCondensed-Bold-Latin.ttf"; got != want {
		t.Errorf("Files() = %s, want %s", got, want)
	}
}

func TestMinimal(t *testing.T) {
	b, err := brand.Load(withJSON(minimalJSON, nil))
	if err != nil {
		t.Fatal(err)
	}
	if b.Name != "Fixture News" || len(b.Themes) != 1 || b.DefaultTheme().Name != "dark" {
		t.Errorf("got %q with %d themes, want Fixture News with dark", b.Name, len(b.Themes))
	}
	// Without a "dark" theme the first is the default.
	b, err = brand.Load(withJSON(strings.Replace(minimalJSON, `"dark"`, `"night"`, 1), nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := b.DefaultTheme().Name; got != "night" {
		t.Errorf("DefaultTheme = %s, want night, the only theme", got)
	}
}

// failingFS is a brand folder whose logo cannot be read.
type failingFS struct{ fstest.MapFS }

func (f failingFS) Open(name string) (fs.File, error) {
	if name == "logo.png" {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return f.MapFS.Open(name)
}

func TestLoadErrors(t *testing.T) {
	// theme returns brand.json with one dark theme of the given colours.
	theme := func(bg, text, muted, accent string) string {
		return `{"name": "Fixture News", "themes": {"dark": {"background": "` + bg + `", "text": "` + text +
			`", "muted": "` + muted + `", "accent": "` + accent + `"}}}`
	}
	withLogo := func(logo []byte) fstest.MapFS {
		return withJSON(strings.Replace(minimalJSON, `"themes"`, `"logo": "logo.png", "themes"`, 1), map[string][]byte{"logo.png": logo})
	}
	withFont := func(field string, data []byte) fstest.MapFS {
		js := strings.Replace(minimalJSON, `"themes"`, `"fonts": {"`+field+`": "f.ttf"}, "themes"`, 1)
		return withJSON(js, map[string][]byte{"f.ttf": data})
	}
	opaque := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for i := range opaque.Pix {
		opaque.Pix[i] = 0xff
	}
	noise := image.NewNRGBA(image.Rect(0, 0, 600, 600))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(rng.UintN(256))
	}
	clear := image.NewNRGBA(image.Rect(0, 0, 30, 30))

	for _, tc := range []struct {
		name  string
		fsys  fs.FS
		field string // want an *brand.Error with this field
		says  string // and this in its message
	}{
		{"no brand.json", fstest.MapFS{}, "brand.json", "not exist"},
		{"malformed JSON", withJSON(`{"name": "x",`, nil), "brand.json", "not valid JSON"},
		{"JSON with trailing data", withJSON(minimalJSON+`{}`, nil), "brand.json", "after the top-level value"},
		{"unknown field", withJSON(strings.Replace(minimalJSON, `"name"`, `"colour": "red", "name"`, 1), nil), "colour", "unknown field"},
		{"unknown theme field", withJSON(strings.Replace(minimalJSON, `"accent"`, `"link": "#ffffff", "accent"`, 1), nil), "themes.dark.link", "unknown field"},
		{"unknown fonts field", withJSON(strings.Replace(minimalJSON, `"themes"`, `"fonts": {"body": "x.ttf"}, "themes"`, 1), nil), "fonts.body", "unknown field"},
		{"name of the wrong type", withJSON(strings.Replace(minimalJSON, `"Fixture News"`, `42`, 1), nil), "name", "want a string"},
		{"no name", withJSON(strings.Replace(minimalJSON, `"Fixture News"`, `""`, 1), nil), "name", "required"},
		{"name with a line break", withJSON(strings.Replace(minimalJSON, `"Fixture News"`, `"Fixture\nNews"`, 1), nil), "name", "line break"},
		{"name too long", withJSON(strings.Replace(minimalJSON, `"Fixture News"`, `"`+strings.Repeat("n", 81)+`"`, 1), nil), "name", "over the limit"},
		{"URL not http", withJSON(strings.Replace(minimalJSON, `"themes"`, `"url": "ftp://news.example", "themes"`, 1), nil), "url", "http(s)"},
		{"no themes", withJSON(`{"name": "Fixture News"}`, nil), "themes", "required"},
		{"empty themes", withJSON(`{"name": "Fixture News", "themes": {}}`, nil), "themes", "no themes"},
		{"bad theme name", withJSON(strings.Replace(minimalJSON, `"dark"`, `"Dark-Mode"`, 1), nil), "themes.Dark-Mode", "not a theme name"},
		{"theme given twice", withJSON(`{"name": "N", "themes": {"dark": {"background": "#000000", "text": "#ffffff", "muted": "#aaaaaa", "accent": "#ffcc00"}, "dark": {}}}`, nil), "themes.dark", "twice"},
		{"colour without #", withJSON(theme("101010", "#f0f0f0", "#a0a0a0", "#f0b040"), nil), "themes.dark.background", "#RRGGBB"},
		{"short colour", withJSON(theme("#101010", "#fff", "#a0a0a0", "#f0b040"), nil), "themes.dark.text", "#RRGGBB"},
		{"colour not hex", withJSON(theme("#101010", "#f0f0f0", "#a0a0zz", "#f0b040"), nil), "themes.dark.muted", "#RRGGBB"},
		{"colour name", withJSON(theme("#101010", "#f0f0f0", "#a0a0a0", "orange"), nil), "themes.dark.accent", "#RRGGBB"},
		{"missing colour", withJSON(`{"name": "N", "themes": {"dark": {"background": "#000000", "text": "#ffffff", "muted": "#aaaaaa"}}}`, nil), "themes.dark.accent", "#RRGGBB"},
		{"bad rule colour", withJSON(strings.Replace(minimalJSON, `"accent"`, `"rule": "#12345", "accent"`, 1), nil), "themes.dark.rule", "#RRGGBB"},
		{"text below 4.5:1", withJSON(theme("#ffffff", "#808080", "#595959", "#c2410c"), nil), "themes.dark.text", "below the 4.5:1"},
		{"muted below 4.5:1", withJSON(theme("#ffffff", "#000000", "#8a8a8a", "#c2410c"), nil), "themes.dark.muted", "below the 4.5:1"},
		{"accent below 3:1", withJSON(theme("#ffffff", "#000000", "#595959", "#f4b63f"), nil), "themes.dark.accent", "below the 3.0:1"},
		{"missing logo", withJSON(strings.Replace(minimalJSON, `"themes"`, `"logo": "logo.png", "themes"`, 1), nil), "logo", "no such file"},
		{"logo outside the folder", withJSON(strings.Replace(minimalJSON, `"themes"`, `"logo": "../logo.png", "themes"`, 1), nil), "logo", "not a path inside"},
		{"unreadable logo", failingFS{withLogo(logoPNG(t, 10, 10))}, "logo", "permission denied"},
		{"logo is a folder", withJSON(strings.Replace(minimalJSON, `"themes"`, `"logo": "logo", "themes"`, 1), map[string][]byte{"logo/x": nil}), "logo", "directory"},
		{"logo a FIFO", fifoLogo(), "logo", "logo.png is not a regular file"},
		{"logo not a PNG", withLogo([]byte("GIF89a not a png")), "logo", "not a PNG"},
		{"logo a broken PNG", withLogo(logoPNG(t, 10, 10)[:60]), "logo", "not a readable PNG"},
		{"logo over 1 MB", withLogo(pngBytes(t, noise)), "logo", "over the limit of 1000000"},
		{"logo over 2000 px wide", withLogo(logoPNG(t, 2001, 3)), "logo", "2001×3 pixels"},
		{"logo over 2000 px tall", withLogo(logoPNG(t, 3, 2001)), "logo", "3×2001 pixels"},
		{"logo without alpha", withLogo(pngBytes(t, opaque)), "logo", "no alpha channel"},
		{"logo all transparent", withLogo(pngBytes(t, clear)), "logo", "every pixel is transparent"},
		{"missing font", withJSON(strings.Replace(minimalJSON, `"themes"`, `"fonts": {"quote": "q.ttf"}, "themes"`, 1), nil), "fonts.quote", "no such file"},
		{"font that does not parse", withFont("quote", []byte("this is not a font at all, just text")), "fonts.quote", "not a font that parses"},
		{"font cut short", withFont("names", fontBytes(t)[:2000]), "fonts.names", "not a font that parses"},
		{"unknown locale", withJSON(strings.Replace(minimalJSON, `"themes"`, `"locale": "xx", "themes"`, 1), nil), "locale", `unknown locale "xx" (built in: ar, bn, de, en,`},
		{"locale of the wrong type", withJSON(strings.Replace(minimalJSON, `"themes"`, `"locale": ["ru"], "themes"`, 1), nil), "locale", "want a string"},
		{"label override of an unknown key", withJSON(strings.Replace(minimalJSON, `"themes"`, `"labels": {"sauce": "Sauce: {source}"}, "themes"`, 1), nil), "labels.sauce", "unknown label"},
		{"label override without its placeholder", withJSON(strings.Replace(minimalJSON, `"themes"`, `"labels": {"source": "Source"}, "themes"`, 1), nil), "labels.source", "{source}"},
		{"labels of the wrong type", withJSON(strings.Replace(minimalJSON, `"themes"`, `"labels": {"source": 1}, "themes"`, 1), nil), "labels", "want a string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := brand.Load(tc.fsys)
			if err == nil {
				t.Fatalf("Load = %q, nil; want an error on %s", b.Name, tc.field)
			}
			var be *brand.Error
			if !errors.As(err, &be) {
				t.Fatalf("error %v is a %T, want a *brand.Error", err, err)
			}
			if be.Field != tc.field || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q names field %q, want field %q and %q in the message", err, be.Field, tc.field, tc.says)
			}
		})
	}
}

func TestLocale(t *testing.T) {
	for _, tc := range []struct {
		name, json, tag, source string
	}{
		{"default", minimalJSON, "en", "Source: AP"},
		{"ru", strings.Replace(minimalJSON, `"themes"`, `"locale": "ru", "themes"`, 1), "ru", "Источник: AP"},
		{"case and underscore", strings.Replace(minimalJSON, `"themes"`, `"locale": "zh_hant", "themes"`, 1), "zh-Hant", "來源：AP"},
		{"an override", strings.Replace(minimalJSON, `"themes"`, `"locale": "ar", "labels": {"source": "عبر {source}"}, "themes"`, 1), "ar", "عبر AP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := brand.Load(withJSON(tc.json, nil))
			if err != nil {
				t.Fatal(err)
			}
			if b.Locale.Tag != tc.tag {
				t.Errorf("Locale.Tag = %q, want %q", b.Locale.Tag, tc.tag)
			}
			if got := b.Locale.Text("source", "source", "AP"); got != tc.source {
				t.Errorf("source label = %q, want %q", got, tc.source)
			}
		})
	}
}

func TestFonts(t *testing.T) {
	js := strings.Replace(minimalJSON, `"themes"`, `"fonts": {"quote": "fonts/q.ttf", "names": "n.ttf"}, "themes"`, 1)
	b, err := brand.Load(withJSON(js, map[string][]byte{"fonts/q.ttf": fontBytes(t), "n.ttf": fontBytes(t)}))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []*brand.Font{b.Quote, b.Names} {
		if f == nil || f.Face == nil || f.Upem != 1000 || f.Ascent <= 0 || f.Descent <= 0 {
			t.Fatalf("font %+v: want Noto Sans parsed, 1000 units per em, positive extents", f)
		}
	}
	if b.Quote.Path != "fonts/q.ttf" || b.Names.Path != "n.ttf" {
		t.Errorf("paths %q, %q, want fonts/q.ttf, n.ttf", b.Quote.Path, b.Names.Path)
	}
}

func TestContrast(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#777777", "#ffffff", 4.48}, // the grey that just fails AA on white
		{"#767676", "#ffffff", 4.54}, // and the one that passes
		{"#ffffff", "#767676", 4.54}, // order does not matter
	} {
		a, _ := brand.ParseColor(tc.a)
		b, _ := brand.ParseColor(tc.b)
		if got := brand.Contrast(a, b); got < tc.want-0.01 || got > tc.want+0.01 {
			t.Errorf("Contrast(%s, %s) = %.3f, want %.2f", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestParseColor(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want color.NRGBA
		ok   bool
	}{
		{"#1a2B3c", color.NRGBA{0x1a, 0x2b, 0x3c, 0xff}, true},
		{"#000000", color.NRGBA{0, 0, 0, 0xff}, true},
		{"#1a2b3", color.NRGBA{}, false},
		{"#1a2b3c4d", color.NRGBA{}, false},
		{"1a2b3c", color.NRGBA{}, false},
		{"#1a2b3g", color.NRGBA{}, false},
		{"", color.NRGBA{}, false},
	} {
		got, err := brand.ParseColor(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseColor(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// TestDigest checks that the digest covers brand.json and the bytes of every
// file it names, and nothing else in the folder.
func TestDigest(t *testing.T) {
	js := strings.Replace(minimalJSON, `"themes"`, `"logo": "logo.png", "fonts": {"quote": "q.ttf"}, "themes"`, 1)
	base := func() fstest.MapFS {
		return withJSON(js, map[string][]byte{"logo.png": logoPNG(t, 10, 10), "q.ttf": fontBytes(t)})
	}
	digest := func(fsys fs.FS) string {
		t.Helper()
		b, err := brand.Load(fsys)
		if err != nil {
			t.Fatal(err)
		}
		return b.Digest()
	}
	want := digest(base())
	if again := digest(base()); again != want {
		t.Fatalf("the same folder gives digests %s and %s", want, again)
	}
	for _, tc := range []struct {
		name    string
		change  func(fstest.MapFS)
		changes bool
	}{
		{"a colour", func(f fstest.MapFS) {
			f[brand.File].Data = bytes.Replace(f[brand.File].Data, []byte("#f0b040"), []byte("#f0b041"), 1)
		}, true},
		{"white space in brand.json", func(f fstest.MapFS) { f[brand.File].Data = append(f[brand.File].Data, '\n') }, true},
		{"the logo", func(f fstest.MapFS) { f["logo.png"].Data = logoPNG(t, 11, 10) }, true},
		{"the font", func(f fstest.MapFS) {
			data, err := os.ReadFile("../fonts/NotoSans-Bold.ttf")
			if err != nil {
				t.Fatal(err)
			}
			f["q.ttf"].Data = data
		}, true},
		{"a file brand.json does not name", func(f fstest.MapFS) { f["README.md"] = &fstest.MapFile{Data: []byte("notes")} }, false},
		{"a file's time", func(f fstest.MapFS) { f["logo.png"].ModTime = time.Unix(1, 0) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := base()
			tc.change(f)
			if got := digest(f); (got != want) != tc.changes {
				t.Errorf("digest after changing %s: %s, before %s; want changed = %v", tc.name, got, want, tc.changes)
			}
		})
	}
}

func TestDisplayURL(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"https://gazette.example", "gazette.example"},
		{"https://gazette.example/", "gazette.example"},
		{"http://www.gazette.example/news/", "gazette.example/news"},
		{"https://gazette.example:8443/a", "gazette.example:8443/a"},
	} {
		js := strings.Replace(minimalJSON, `"themes"`, `"url": "`+tc.url+`", "themes"`, 1)
		b, err := brand.Load(withJSON(js, nil))
		if err != nil {
			t.Fatal(err)
		}
		if got := b.DisplayURL(); got != tc.want {
			t.Errorf("DisplayURL of %s = %q, want %q", tc.url, got, tc.want)
		}
	}
	if got := brand.Default().DisplayURL(); got != "" {
		t.Errorf("DisplayURL without a URL = %q, want empty", got)
	}
}

// fifoLogo is a brand whose logo is a named pipe, as a file system other than
// the folder root the mains open (which refuses it at open) may report it.
func fifoLogo() fstest.MapFS {
	fsys := withJSON(strings.Replace(minimalJSON, `"themes"`, `"logo": "logo.png", "themes"`, 1), nil)
	fsys["logo.png"] = &fstest.MapFile{Mode: fs.ModeNamedPipe}
	return fsys
}
