package httpapi

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"unicode"

	"golang.org/x/image/draw"

	"github.com/factcard/factcard/render/brand"
)

// The pages wear the brand: its name in titles, headers, footers, og:site_name
// and oEmbed's provider_name; its URL in the footer; its theme colours as the
// style sheet's custom properties; and a favicon made from its logo or name.

// pageColors are the custom properties site.css draws with.
type pageColors struct {
	bg, fg, muted, card, line, accent color.NRGBA
}

// colorsOf derives page colours from a theme: its background, text, muted and
// rule colours; cards a shade off the background; links in the accent where it
// reads as text (4.5:1, WCAG AA) on the background and on cards, else in the
// text colour (links are underlined, so they stay links).
func colorsOf(t brand.Theme) pageColors {
	c := pageColors{bg: t.Background, fg: t.Text, muted: t.Muted, line: t.Rule, accent: t.Accent}
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	if brand.Contrast(t.Background, white) > brand.Contrast(t.Background, color.NRGBA{0, 0, 0, 0xff}) {
		c.card = brand.Mix(t.Background, white, 0.06) // dark: a little lighter
	} else {
		c.card = brand.Mix(t.Background, white, 0.6) // light: towards white
	}
	if brand.Contrast(c.muted, c.card) < brand.MinTextContrast || brand.Contrast(c.fg, c.card) < brand.MinTextContrast {
		c.card = t.Background
	}
	if brand.Contrast(c.accent, c.bg) < brand.MinTextContrast || brand.Contrast(c.accent, c.card) < brand.MinTextContrast {
		c.accent = t.Text
	}
	return c
}

func (c pageColors) css() string {
	return fmt.Sprintf("--bg:%s;--fg:%s;--muted:%s;--card:%s;--line:%s;--accent:%s",
		brand.Hex(c.bg), brand.Hex(c.fg), brand.Hex(c.muted), brand.Hex(c.card), brand.Hex(c.line), brand.Hex(c.accent))
}

// isDark reports whether a theme is light text on a dark background.
func isDark(t brand.Theme) bool {
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	return brand.Contrast(t.Background, white) > brand.Contrast(t.Background, color.NRGBA{0, 0, 0, 0xff})
}

// brandStyle returns the style rules that colour the pages in the brand: its
// "light" and "dark" themes for the reader's colour scheme when it has both,
// else its default theme for every reader. They come after site.css and
// override its :root colours.
func brandStyle(b *brand.Brand) string {
	light, hasLight := b.Theme("light")
	dark, hasDark := b.Theme("dark")
	if hasLight && hasDark {
		return ":root{color-scheme:light dark;" + colorsOf(light).css() + "}\n" +
			"@media (prefers-color-scheme:dark){:root{" + colorsOf(dark).css() + "}}\n"
	}
	t := b.DefaultTheme()
	scheme := "light"
	if isDark(t) {
		scheme = "dark"
	}
	return ":root{color-scheme:" + scheme + ";" + colorsOf(t).css() + "}\n"
}

// favicon is the site icon of a brand, made once.
type favicon struct {
	body        []byte
	contentType string
}

// iconSide is the favicon's side in pixels.
const iconSide = 64

// newFavicon makes the brand's favicon, an SVG: its logo scaled to fit the
// icon when the logo is at most twice as wide as tall (or tall as wide), else a
// rounded tile in its accent colour with the name's initial in its background
// colour.
func newFavicon(b *brand.Brand) (favicon, error) {
	t := b.DefaultTheme()
	if l := b.Logo; l != nil && l.Bounds().Dx() <= 2*l.Bounds().Dy() && l.Bounds().Dy() <= 2*l.Bounds().Dx() {
		lb := l.Bounds()
		w, h := iconSide, iconSide
		if lb.Dx() > lb.Dy() {
			h = max(1, iconSide*lb.Dy()/lb.Dx())
		} else {
			w = max(1, iconSide*lb.Dx()/lb.Dy())
		}
		m := image.NewNRGBA(image.Rect(0, 0, w, h))
		draw.CatmullRom.Scale(m, m.Bounds(), l, lb, draw.Src, nil)
		var buf bytes.Buffer
		if err := png.Encode(&buf, m); err != nil {
			return favicon{}, fmt.Errorf("encode the favicon: %w", err)
		}
		return svgFavicon("favicon-logo.svg", map[string]any{
			"side": iconSide, "x": (iconSide - w) / 2, "y": (iconSide - h) / 2, "width": w, "height": h,
			"png_url": "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()),
		})
	}
	initial := "“"
	for _, r := range b.Name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			initial = strings.ToUpper(string(r))
			break
		}
	}
	return svgFavicon("favicon-initial.svg", map[string]any{"tile": brand.Hex(t.Accent), "ink": brand.Hex(t.Background), "initial": initial})
}

// svgFavicon fills the favicon template templates/name with vals.
func svgFavicon(name string, vals map[string]any) (favicon, error) {
	src, err := templateFS.ReadFile("templates/" + name)
	if err != nil {
		return favicon{}, fmt.Errorf("read template %s: %w", name, err)
	}
	t, err := parseTmpl(name, string(src))
	if err != nil {
		return favicon{}, err
	}
	svg, err := t.render(vals)
	if err != nil {
		return favicon{}, err
	}
	return favicon{[]byte(svg), "image/svg+xml"}, nil
}
