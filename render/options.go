package render

import (
	"fmt"
	"strings"

	"github.com/factcard/factcard/render/brand"
)

// Size names a card's dimensions, chosen for where the card is shared.
type Size string

// The card sizes.
const (
	// SizeOG is 1200x630: Open Graph, X summary_large_image, LinkedIn, Facebook.
	SizeOG Size = "og"
	// SizeSquare is 1080x1080: feeds.
	SizeSquare Size = "square"
	// SizePortrait is 1080x1350 (4:5): Instagram and other portrait feeds.
	SizePortrait Size = "portrait"
	// SizeStory is 1080x1920 (9:16): stories and status updates.
	SizeStory Size = "story"
)

// Sizes returns every card size, in the order og, square, portrait, story.
func Sizes() []Size { return []Size{SizeOG, SizeSquare, SizePortrait, SizeStory} }

// Dimensions returns the card's width and height in pixels, or 0, 0 for an
// unknown size.
func (s Size) Dimensions() (w, h int) {
	if g, ok := geometries[s]; ok {
		return g.w, g.h
	}
	return 0, 0
}

// Theme names one of a brand's colour schemes.
type Theme string

// The built-in brand's themes. Other brands name their own (see brand.Theme).
const (
	// ThemeDark is light text on a near-black background.
	ThemeDark Theme = "dark"
	// ThemeLight is dark text on a warm white background.
	ThemeLight Theme = "light"
)

// Themes returns every theme of the built-in brand, dark first.
func Themes() []Theme { return ThemesFor(nil) }

// ThemesFor returns every theme of brand b (nil for the built-in brand), in the
// order its brand.json lists them.
func ThemesFor(b *brand.Brand) []Theme {
	if b == nil {
		b = brand.Default()
	}
	out := make([]Theme, len(b.Themes))
	for i, t := range b.Themes {
		out[i] = Theme(t.Name)
	}
	return out
}

// Format names an image encoding.
type Format string

// The formats.
const (
	// FormatPNG is a paletted PNG: exact colours, smallest for flat cards. The default.
	FormatPNG Format = "png"
	// FormatJPEG is a JPEG, for clients that only take JPEG.
	FormatJPEG Format = "jpeg"
)

// Formats returns every format, PNG first.
func Formats() []Format { return []Format{FormatPNG, FormatJPEG} }

// ContentType returns the format's media type ("image/png", "image/jpeg"), or ""
// for an unknown format.
func (f Format) ContentType() string {
	switch f {
	case FormatPNG:
		return "image/png"
	case FormatJPEG:
		return "image/jpeg"
	}
	return ""
}

// Ext returns the usual file extension for the format, without a dot ("png",
// "jpg"), or "" for an unknown format.
func (f Format) Ext() string {
	switch f {
	case FormatPNG:
		return "png"
	case FormatJPEG:
		return "jpg"
	}
	return ""
}

// The defaults, which the zero Options select.
const (
	DefaultSize   = SizeOG
	DefaultTheme  = ThemeDark
	DefaultFormat = FormatPNG
)

// ParseSize returns the size named s; "" gives DefaultSize. An unknown name gives an
// *OptionError listing the valid ones.
func ParseSize(s string) (Size, error) {
	if s == "" {
		return DefaultSize, nil
	}
	for _, v := range Sizes() {
		if string(v) == s {
			return v, nil
		}
	}
	return "", &OptionError{Option: "size", Value: s, Valid: names(Sizes())}
}

// ParseTheme returns the built-in brand's theme named s; "" gives DefaultTheme.
// An unknown name gives an *OptionError listing the valid ones.
func ParseTheme(s string) (Theme, error) { return ParseThemeFor(nil, s) }

// ParseThemeFor returns brand b's theme named s (nil b for the built-in brand);
// "" gives the brand's default theme ("dark" if it has one, else its first). An
// unknown name gives an *OptionError listing the valid ones.
func ParseThemeFor(b *brand.Brand, s string) (Theme, error) {
	if b == nil {
		b = brand.Default()
	}
	if s == "" {
		return Theme(b.DefaultTheme().Name), nil
	}
	if _, ok := b.Theme(s); ok {
		return Theme(s), nil
	}
	return "", &OptionError{Option: "theme", Value: s, Valid: names(ThemesFor(b))}
}

// ParseFormat returns the format named s; "" gives DefaultFormat and "jpg" is
// accepted for FormatJPEG. An unknown name gives an *OptionError listing the valid
// ones.
func ParseFormat(s string) (Format, error) {
	switch s {
	case "":
		return DefaultFormat, nil
	case "jpg":
		return FormatJPEG, nil
	}
	for _, v := range Formats() {
		if string(v) == s {
			return v, nil
		}
	}
	return "", &OptionError{Option: "format", Value: s, Valid: names(Formats())}
}

// Options select how a card is drawn and encoded. The zero value gives the default
// card: og, dark, PNG, in the built-in brand.
type Options struct {
	Size   Size
	Theme  Theme // one of Brand's themes
	Format Format
	// Brand is the brand the card is drawn in; nil is the built-in brand, factcard's
	// own. Load it with brand.Load and check it with CheckBrand, once, at start.
	Brand *brand.Brand
}

// Resolve returns o with the defaults filled in (Brand set to the built-in
// brand when nil), or an *OptionError for the first unknown value (size, then
// theme, then format).
func (o Options) Resolve() (Options, error) {
	var err error
	if o.Brand == nil {
		o.Brand = brand.Default()
	}
	if o.Size, err = ParseSize(string(o.Size)); err != nil {
		return Options{}, err
	}
	if o.Theme, err = ParseThemeFor(o.Brand, string(o.Theme)); err != nil {
		return Options{}, err
	}
	if o.Format, err = ParseFormat(string(o.Format)); err != nil {
		return Options{}, err
	}
	return o, nil
}

// OptionError reports an option value that is not one of the valid ones.
type OptionError struct {
	Option string   // "size", "theme" or "format"
	Value  string   // the value given
	Valid  []string // the values accepted, in their usual order
}

// Error returns, for example, `unknown size "huge" (valid: og, square, portrait, story)`.
func (e *OptionError) Error() string {
	return fmt.Sprintf("unknown %s %q (valid: %s)", e.Option, e.Value, strings.Join(e.Valid, ", "))
}

func names[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
