// Package brand loads and checks a newsroom's brand: the name, URL, logo,
// colours and fonts that cards and pages are drawn with.
//
// A brand is a folder holding brand.json and the files it names:
//
//	{
//	  "name": "Example Gazette",
//	  "url": "https://gazette.example",
//	  "logo": "logo.png",
//	  "themes": {
//	    "dark":  {"background": "#0e1c24", "text": "#f3efe6", "muted": "#9fb2bd", "accent": "#4fc3b1"},
//	    "light": {"background": "#f6f2e9", "text": "#13222b", "muted": "#4c5c66", "accent": "#0a6e62"}
//	  },
//	  "fonts": {"quote": "fonts/Serif.ttf", "names": "fonts/Sans-Bold.ttf"}
//	}
//
// Only name and themes are required; a theme needs background, text, muted and
// accent, and may set rule (the hairline above the footer), which is otherwise
// derived. [Load] reads a folder through an fs.FS, so the package itself never
// touches the disk: mains pass os.DirFS, tests pass an fstest.MapFS, and the
// built-in brand ([Default]) is embedded. Everything is checked and parsed once,
// at load, and a bad brand is an [*Error] that names the field.
//
// The package sits under render because the renderer takes a *Brand; it knows
// nothing of how cards are laid out. render.CheckBrand checks what needs the
// layout (a name or logo too wide for the brand line).
package brand

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"io/fs"
	"math"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-text/typesetting/font"

	"github.com/factcard/factcard/render/locale"
)

// Brand is a loaded, checked brand, safe for concurrent use and never changed
// after Load returns it.
type Brand struct {
	// Name is shown on cards (unless there is a logo), as og:site_name, and in
	// page titles, footers and alt text.
	Name string
	// URL is the newsroom's address, "" for none. Cards show it without the scheme
	// (see DisplayURL); pages link it.
	URL string
	// Logo is drawn in place of the name on cards, cropped to its visible pixels;
	// nil for none.
	Logo *image.NRGBA
	// Themes are the brand's colour schemes in the order brand.json lists them.
	Themes []Theme
	// Quote is the font the quote is set in, Names the bold font of the speaker's
	// name and the brand name; nil for the embedded Noto fonts. The Noto fonts stay
	// the fallback for every character these lack.
	Quote, Names *Font
	// Locale is the language of the card's and pages' own words (labels, medium
	// names, dates), with the brand's label overrides; the built-in "en" when
	// brand.json names none.
	Locale *locale.Locale

	digest string
	files  []string // brand.json and the files it names, as Files returns them
}

// Theme is one colour scheme of a brand.
type Theme struct {
	// Name is how requests choose it: lower-case letters and digits, starting with
	// a letter, at most 16 characters ("dark", "light", "sepia").
	Name string
	// Background fills the card. Text draws the quote and the speaker's name,
	// Muted the role, date, source and URL, and Accent the quotation marks, the
	// short rule above the speaker and the brand name. Rule is the hairline above
	// the footer.
	Background, Text, Muted, Accent, Rule color.NRGBA
}

// Font is a parsed font file of a brand.
type Font struct {
	// Path is the file's path in the brand folder.
	Path string
	// Face is the parsed font, shared read-only.
	Face *font.Font
	// Upem is the font's units per em.
	Upem float64
	// Ascent and Descent are the font's line extents in ems, both positive.
	Ascent, Descent float64
}

// Files returns the paths in the brand folder of brand.json and of every file
// it names (logo, fonts), each once: all a copy of the brand needs.
func (b *Brand) Files() []string { return slices.Clone(b.files) }

// Digest returns a hex SHA-256 of the brand: of brand.json and of every file it
// names, so a new colour, logo or font gives a new digest. Card keys include it.
func (b *Brand) Digest() string { return b.digest }

// Theme returns the theme with the given name.
func (b *Brand) Theme(name string) (Theme, bool) {
	for _, t := range b.Themes {
		if t.Name == name {
			return t, true
		}
	}
	return Theme{}, false
}

// DefaultTheme returns the theme used when none is asked for: "dark" when the
// brand has one, else its first.
func (b *Brand) DefaultTheme() Theme {
	if t, ok := b.Theme("dark"); ok {
		return t
	}
	return b.Themes[0]
}

// DisplayURL returns the URL as cards show it: without the scheme, "www." or a
// trailing slash ("gazette.example/news"), or "" when there is none.
func (b *Brand) DisplayURL() string {
	if b.URL == "" {
		return ""
	}
	u, err := url.Parse(b.URL)
	if err != nil {
		return b.URL
	}
	s := strings.TrimPrefix(u.Host, "www.") + strings.TrimSuffix(u.EscapedPath(), "/")
	return s
}

// File is the name of a brand's description in its folder.
const File = "brand.json"

// Limits on what a brand folder holds.
const (
	// MaxJSONBytes bounds brand.json.
	MaxJSONBytes = 64 << 10
	// MaxLogoBytes bounds the logo file: 1 MB.
	MaxLogoBytes = 1_000_000
	// MaxLogoSide bounds the logo's width and height in pixels.
	MaxLogoSide = 2000
	// MaxFontBytes bounds each font file.
	MaxFontBytes = 16 << 20
	// MaxNameRunes bounds the brand name.
	MaxNameRunes = 80
	// MaxThemes bounds the number of themes.
	MaxThemes = 8
)

// Contrast minimums of WCAG 2 level AA (success criterion 1.4.3): 4.5:1 for text,
// 3:1 for large text. The accent colours the quotation marks and the brand name,
// which are set large (the brand name bold at over 18.66 px on every card size), so
// it needs 3:1.
const (
	MinTextContrast   = 4.5
	MinAccentContrast = 3.0
)

// Error is a problem with a brand. Field names where it is, as a path into
// brand.json ("themes.dark.accent", "logo", "fonts.quote") or "brand.json" for
// the file as a whole.
type Error struct {
	Field string
	Err   error
}

// Error returns, for example, `themes.dark.muted: contrast 3.2:1 on the background, below the 4.5:1 WCAG AA needs`.
func (e *Error) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

func fieldErr(field, format string, args ...any) *Error {
	return &Error{Field: field, Err: fmt.Errorf(format, args...)}
}

// file is brand.json as written.
type file struct {
	Name   string            `json:"name"`
	URL    string            `json:"url"`
	Logo   string            `json:"logo"`
	Themes json.RawMessage   `json:"themes"`
	Fonts  json.RawMessage   `json:"fonts"`
	Locale string            `json:"locale"`
	Labels map[string]string `json:"labels"`
}

// fontsFile is the fonts object as written.
type fontsFile struct {
	Quote string `json:"quote"`
	Names string `json:"names"`
}

// themeFile is one theme as written.
type themeFile struct {
	Background string `json:"background"`
	Text       string `json:"text"`
	Muted      string `json:"muted"`
	Accent     string `json:"accent"`
	Rule       string `json:"rule"`
}

// Load reads the brand folder fsys (brand.json at its root and the files it
// names) and checks it: strict JSON with no unknown fields, colours as #RRGGBB,
// text colours with WCAG AA contrast on their background, a logo that is a PNG
// with alpha of at most MaxLogoBytes and MaxLogoSide pixels a side, fonts that
// parse. The first problem is returned as an *Error naming the field.
func Load(fsys fs.FS) (*Brand, error) {
	raw, err := readFile(fsys, File, MaxJSONBytes)
	if err != nil {
		return nil, &Error{Field: File, Err: err}
	}
	var f file
	if err := strictUnmarshal(raw, &f); err != nil {
		return nil, jsonError(File, "", raw, err)
	}
	b := &Brand{files: []string{File}}
	h := sha256.New()
	writePart(h, File, raw)

	if b.Name, err = checkName(f.Name); err != nil {
		return nil, &Error{Field: "name", Err: err}
	}
	if f.URL != "" {
		if err := checkURL(f.URL); err != nil {
			return nil, &Error{Field: "url", Err: err}
		}
		b.URL = f.URL
	}
	if b.Locale, err = parseLocale(f.Locale, f.Labels); err != nil {
		return nil, err
	}
	if b.Themes, err = parseThemes(f.Themes); err != nil {
		return nil, err
	}
	if f.Logo != "" {
		data, err := readAsset(fsys, "logo", f.Logo, MaxLogoBytes)
		if err != nil {
			return nil, err
		}
		if b.Logo, err = decodeLogo(data); err != nil {
			return nil, &Error{Field: "logo", Err: fmt.Errorf("%s: %w", f.Logo, err)}
		}
		writePart(h, "logo "+f.Logo, data)
		b.files = append(b.files, f.Logo)
	}
	if len(f.Fonts) > 0 && string(f.Fonts) != "null" {
		var fonts fontsFile
		if err := strictUnmarshal(f.Fonts, &fonts); err != nil {
			return nil, jsonError(File, "fonts.", f.Fonts, err)
		}
		for _, ff := range []struct {
			field, path string
			dst         **Font
		}{{"fonts.quote", fonts.Quote, &b.Quote}, {"fonts.names", fonts.Names, &b.Names}} {
			if ff.path == "" {
				continue
			}
			data, err := readAsset(fsys, ff.field, ff.path, MaxFontBytes)
			if err != nil {
				return nil, err
			}
			if *ff.dst, err = parseFont(ff.path, data); err != nil {
				return nil, &Error{Field: ff.field, Err: fmt.Errorf("%s: %w", ff.path, err)}
			}
			writePart(h, ff.field+" "+ff.path, data)
			if !slices.Contains(b.files, ff.path) {
				b.files = append(b.files, ff.path)
			}
		}
	}
	b.digest = hex.EncodeToString(h.Sum(nil))
	return b, nil
}

// writePart adds a named, length-prefixed part to a digest.
func writePart(h io.Writer, name string, data []byte) {
	fmt.Fprintf(h, "%s %d\n", name, len(data))
	h.Write(data)
}

// readFile reads name from fsys, failing past max bytes.
func readFile(fsys fs.FS, name string, max int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a file", name)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%s)", name, st.Mode().Type())
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%s is %d bytes, over the limit of %d", name, st.Size(), max)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is over the limit of %d bytes", name, max)
	}
	return data, nil
}

// readAsset reads a file brand.json names, which must lie inside the folder.
func readAsset(fsys fs.FS, field, name string, max int64) ([]byte, error) {
	if !fs.ValidPath(name) || name == "." || path.Clean(name) != name {
		return nil, fieldErr(field, "%q is not a path inside the brand folder (want a relative path such as %q, without .. or a leading /)", name, "logo.png")
	}
	data, err := readFile(fsys, name, max)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fieldErr(field, "%s: no such file in the brand folder", name)
		}
		return nil, &Error{Field: field, Err: err}
	}
	return data, nil
}

// strictUnmarshal decodes exactly one JSON value, rejecting unknown fields and
// trailing data.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the top-level value")
	}
	return nil
}

// jsonError turns a decoding error of data into an *Error naming the field:
// the unknown or mistyped field when the decoder says which, else where (a line
// and column) in the file.
func jsonError(file, prefix string, data []byte, err error) *Error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		line, col := position(data, int(syn.Offset))
		return fieldErr(file, "not valid JSON: %v (line %d, column %d)", syn, line, col)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fieldErr(file, "not valid JSON: it ends before the value does")
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		field := typ.Field
		if field == "" {
			field = strings.TrimSuffix(prefix, ".")
			if field == "" {
				field = file
			}
		} else {
			field = prefix + field
		}
		return fieldErr(field, "got a JSON %s, want %s", typ.Value, jsonType(typ.Type.Kind().String()))
	}
	const unknown = "json: unknown field "
	if msg := err.Error(); strings.HasPrefix(msg, unknown) {
		name := strings.Trim(strings.TrimPrefix(msg, unknown), `"`)
		return fieldErr(prefix+name, "unknown field (brand.json has name, url, logo, themes, fonts, locale and labels; a theme has background, text, muted, accent and rule; fonts has quote and names)")
	}
	return fieldErr(file, "%v", err)
}

// jsonType names a Go kind as a JSON type.
func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "struct", "map":
		return "an object"
	case "slice":
		return "an array"
	}
	return kind
}

// position returns the 1-based line and column of a byte offset.
func position(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	col = off - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}

// checkName returns the name if it is one line of printable text within
// MaxNameRunes, without white space at either end.
func checkName(s string) (string, error) {
	switch {
	case s == "":
		return "", errors.New("required: the brand's name, shown on cards and pages")
	case !utf8.ValidString(s):
		return "", errors.New("not valid UTF-8")
	case strings.TrimSpace(s) != s:
		return "", fmt.Errorf("%q has white space at an end", s)
	case utf8.RuneCountInString(s) > MaxNameRunes:
		return "", fmt.Errorf("%d characters, over the limit of %d", utf8.RuneCountInString(s), MaxNameRunes)
	}
	for _, r := range s {
		if unicode.IsControl(r) || (unicode.IsSpace(r) && r != ' ') {
			return "", fmt.Errorf("%q has a control character or line break (%U)", s, r)
		}
	}
	return s, nil
}

// checkURL accepts an absolute http or https URL without credentials, query or
// fragment.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" || len(s) > 200 {
		return fmt.Errorf("%q: want an absolute http(s) URL of at most 200 bytes without query or fragment, like https://news.example", s)
	}
	return nil
}

// parseThemes decodes the themes object, keeping the order it lists them in.
func parseThemes(raw json.RawMessage) ([]Theme, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, fieldErr("themes", "required: an object of themes by name, such as {\"dark\": {...}, \"light\": {...}}")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fieldErr("themes", "want an object of themes by name")
	}
	var themes []Theme
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fieldErr("themes", "not valid JSON: %v", err)
		}
		name := tok.(string) // an object's keys are strings
		field := "themes." + name
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, fieldErr(field, "not valid JSON: %v", err)
		}
		if !validThemeName(name) {
			return nil, fieldErr(field, "%q is not a theme name: want lower-case letters and digits, starting with a letter, at most 16", name)
		}
		for _, t := range themes {
			if t.Name == name {
				return nil, fieldErr(field, "theme %q is given twice", name)
			}
		}
		var tf themeFile
		if err := strictUnmarshal(value, &tf); err != nil {
			return nil, jsonError(File, field+".", value, err)
		}
		t, err := tf.theme(name)
		if err != nil {
			return nil, err
		}
		themes = append(themes, t)
	}
	switch {
	case len(themes) == 0:
		return nil, fieldErr("themes", "no themes: give at least one, such as \"dark\" and \"light\"")
	case len(themes) > MaxThemes:
		return nil, fieldErr("themes", "%d themes, over the limit of %d", len(themes), MaxThemes)
	}
	return themes, nil
}

// validThemeName reports whether s can name a theme: it appears in card URLs and
// keys, between hyphens.
func validThemeName(s string) bool {
	if s == "" || len(s) > 16 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range []byte(s) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// theme checks a theme's colours and their contrast.
func (tf themeFile) theme(name string) (Theme, error) {
	t := Theme{Name: name}
	field := "themes." + name + "."
	for _, c := range []struct {
		field, value string
		dst          *color.NRGBA
		optional     bool
	}{
		{"background", tf.Background, &t.Background, false},
		{"text", tf.Text, &t.Text, false},
		{"muted", tf.Muted, &t.Muted, false},
		{"accent", tf.Accent, &t.Accent, false},
		{"rule", tf.Rule, &t.Rule, true},
	} {
		if c.value == "" && c.optional {
			continue
		}
		v, err := ParseColor(c.value)
		if err != nil {
			return Theme{}, &Error{Field: field + c.field, Err: err}
		}
		*c.dst = v
	}
	if tf.Rule == "" {
		t.Rule = Mix(t.Background, t.Muted, 0.2)
	}
	for _, c := range []struct {
		field string
		col   color.NRGBA
		min   float64
		what  string
	}{
		{"text", t.Text, MinTextContrast, "text"},
		{"muted", t.Muted, MinTextContrast, "text"},
		{"accent", t.Accent, MinAccentContrast, "large text"},
	} {
		if r := Contrast(c.col, t.Background); r < c.min {
			return Theme{}, fieldErr(field+c.field, "%s on background %s has contrast %.2f:1, below the %.1f:1 WCAG AA needs for %s",
				Hex(c.col), Hex(t.Background), math.Floor(r*100)/100, c.min, c.what)
		}
	}
	return t, nil
}

// ParseColor parses a colour written #RRGGBB (either case).
func ParseColor(s string) (color.NRGBA, error) {
	if len(s) != 7 || s[0] != '#' {
		return color.NRGBA{}, fmt.Errorf("%q is not a colour: want #RRGGBB, such as #1a2b3c", s)
	}
	var v [3]uint8
	for i := range v {
		b, err := hex.DecodeString(s[1+2*i : 3+2*i])
		if err != nil {
			return color.NRGBA{}, fmt.Errorf("%q is not a colour: want #RRGGBB, such as #1a2b3c", s)
		}
		v[i] = b[0]
	}
	return color.NRGBA{v[0], v[1], v[2], 0xff}, nil
}

// Hex writes a colour as #rrggbb.
func Hex(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// Mix returns the colour t of the way from a to b, rounded, opaque.
func Mix(a, b color.NRGBA, t float64) color.NRGBA {
	m := func(x, y uint8) uint8 {
		return uint8(math.Round(float64(x) + float64(t*(float64(y)-float64(x)))))
	}
	return color.NRGBA{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B), 0xff}
}

// Contrast returns the WCAG 2 contrast ratio of two opaque colours, from 1 to 21.
func Contrast(a, b color.NRGBA) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is the WCAG 2 relative luminance of an sRGB colour.
func luminance(c color.NRGBA) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// builtin is factcard's own brand: the look cards had before brands.
//
//go:embed builtin
var builtin embed.FS

// Default returns the built-in brand, factcard's own. It is loaded once.
func Default() *Brand { return loadDefault() }

var loadDefault = sync.OnceValue(func() *Brand {
	sub, err := fs.Sub(builtin, "builtin")
	if err != nil {
		panic("brand: built-in brand: " + err.Error())
	}
	b, err := Load(sub)
	if err != nil {
		panic("brand: built-in brand: " + err.Error()) // TestDefault keeps it loading
	}
	return b
})
