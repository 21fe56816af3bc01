package render

import (
	"image/color"
	"math"

	"github.com/factcard/factcard/render/brand"
)

// theme is one of a brand's themes as the renderer uses it: the colours a card
// uses and its type scale.
type theme struct {
	name Theme

	background color.NRGBA
	text       color.NRGBA // the quote and the speaker's name
	muted      color.NRGBA // role, date, source
	accent     color.NRGBA // quotation marks, the rule above the speaker, the brand name
	rule       color.NRGBA // the hairline above the footer

	scale typeScale
}

// typeScale sizes the text of a card in units of u, a hundredth of the card's
// "reading width" (see geometry.unit), so every card size shares one scale.
type typeScale struct {
	QuoteMax, QuoteMin float64 // the quote is set at the largest size in this range that fits
	Name               float64 // speaker's name, bold
	Role               float64 // role and handle
	Meta, MetaMin      float64 // date and source lines; shrink to MetaMin before failing
	Brand, BrandMin    float64 // the brand's name; a long name shrinks to BrandMin before failing
	BrandGap           float64 // least room between the brand and the date and source lines
	// The logo's height, and the least it shrinks to when it is too wide for the
	// brand line. The brand line takes at most maxBrandShare of the column.
	LogoHeight, LogoMin float64
	URL, URLMin         float64 // the brand's URL, under its name or logo

	// Line pitch in ems for text in each script family; a paragraph uses the
	// largest of the scripts it contains. Devanagari's marks above and below the
	// line and Naskh's tall ascenders and deep descenders need more room than Latin.
	// CJK sets full-em glyphs that want air between lines; Nastaliq's diagonal
	// words and the stacks of Tibetan, Myanmar and Khmer need the most.
	LeadingLatin, LeadingDevanagari, LeadingArabic, LeadingCJK, LeadingTall, LeadingNastaliq float64

	// Vertical gaps in u.
	QuoteGap  float64 // quote to the accent rule
	RuleGap   float64 // accent rule to the speaker's name
	LineGap   float64 // between the name and the role, and between footer lines
	FooterGap float64 // space kept above the hairline and between it and the footer
	// The accent rule, in u.
	RuleWidth, RuleHeight float64
}

// standardScale is the type scale both built-in themes use.
var standardScale = typeScale{
	QuoteMax: 8.0, QuoteMin: 2.2,
	Name: 3.4, Role: 2.7,
	Meta: 2.4, MetaMin: 2.0,
	Brand: 2.4, BrandMin: 1.8, BrandGap: 2.5,
	LogoHeight: 3.6, LogoMin: 2.0,
	URL: 2.0, URLMin: 1.6,

	LeadingLatin: 1.28, LeadingDevanagari: 1.5, LeadingArabic: 1.75, LeadingCJK: 1.45, LeadingTall: 2.1, LeadingNastaliq: 2.4,

	QuoteGap: 4.0, RuleGap: 2.6, LineGap: 0.8, FooterGap: 3.0,
	RuleWidth: 7, RuleHeight: 0.6,
}

// themeOf returns a brand theme with the type scale.
func themeOf(t brand.Theme) theme {
	return theme{
		name:       Theme(t.Name),
		background: t.Background,
		text:       t.Text,
		muted:      t.Muted,
		accent:     t.Accent,
		rule:       t.Rule,
		scale:      standardScale,
	}
}

// maxBrandShare is the most of the column's width the brand line (name or logo,
// and URL) may take.
const maxBrandShare = 0.5

// geometry is a card size's pixel dimensions and safe area.
type geometry struct {
	w, h int
	// Margins: the sides as a fraction of the short side, the top and bottom as
	// fractions of the height. Stories keep more room at the top and bottom, where
	// apps overlay their own controls.
	marginX, marginTop, marginBottom float64
}

// geometries holds the card sizes. Every margin is at least 5% of the short side.
// The safe area, where every element of a card lies (the rest is background):
//
//	size      card        left, right   top      bottom   why
//	og        1200×630    54 px         54 px    54 px    8.5% of the height all round: a link
//	                                                      preview covers nothing, some round its corners
//	square    1080×1080   86 px         86 px    86 px    8% of the side all round
//	portrait  1080×1350   86 px         95 px    95 px    7% of the height above and below
//	story     1080×1920   86 px         250 px   340 px   clear of the profile row and of the reply
//	                                                      bar and call to action that Stories apps
//	                                                      draw over the top and bottom
//
// The story figures are Meta's: "leaving roughly 14% (250 pixels) of the top and
// 20% (340 pixels) of the bottom of the image free from text, logos, or other
// creative elements to avoid covering these elements with UI elements such as the
// call-to-action" (Facebook Ads Guide, Facebook Stories and Instagram Stories image
// ads, https://www.facebook.com/business/ads-guide/update/image/facebook-story).
// TikTok publishes its safe zone as template files whose size depends on the ad's
// caption and add-ons, not as numbers (TikTok Ads Manager help, "TikTok Auction
// In-Feed Ads", https://ads.tiktok.com/help/article/tiktok-kyte-set-up-guide);
// measurements published by others put its top risk at 130 to 250 px and its
// bottom at 320 to 460 px, so 340 px clears TikTok's usual caption but not a long
// one.
var geometries = map[Size]geometry{
	SizeOG:       {w: 1200, h: 630, marginX: 0.085, marginTop: 0.085, marginBottom: 0.085},
	SizeSquare:   {w: 1080, h: 1080, marginX: 0.08, marginTop: 0.08, marginBottom: 0.08},
	SizePortrait: {w: 1080, h: 1350, marginX: 0.08, marginTop: 0.07, marginBottom: 0.07},
	SizeStory:    {w: 1080, h: 1920, marginX: 0.08, marginTop: 250.0 / 1920, marginBottom: 340.0 / 1920},
}

// unit returns u in pixels: a hundredth of the card's reading width, the smaller of
// its width and 1.5 times its height, so a wide og card does not get type too large
// for its height.
func (g geometry) unit() float64 {
	rw := float64(g.w)
	if h := 1.5 * float64(g.h); h < rw {
		rw = h
	}
	return rw / 100
}

// safe returns the safe area: the card less its margins, in whole pixels.
func (g geometry) safe() rect {
	short := float64(min(g.w, g.h))
	mx := math.Round(g.marginX * short)
	top := math.Max(math.Round(g.marginTop*float64(g.h)), short*0.05)
	bottom := math.Max(math.Round(g.marginBottom*float64(g.h)), short*0.05)
	return rect{mx, top, float64(g.w) - mx, float64(g.h) - bottom}
}

// leading returns the line pitch in ems for a paragraph using the given scripts.
func (s typeScale) leading(set scriptSet) float64 {
	l := s.LeadingLatin
	if set&scriptDevanagari != 0 {
		l = max(l, s.LeadingDevanagari)
	}
	if set&scriptArabic != 0 {
		l = max(l, s.LeadingArabic)
	}
	if set&scriptCJK != 0 {
		l = max(l, s.LeadingCJK)
	}
	if set&scriptTall != 0 {
		l = max(l, s.LeadingTall)
	}
	if set&scriptNastaliq != 0 {
		l = max(l, s.LeadingNastaliq)
	}
	return l
}
