package render

import (
	"fmt"
	"math"

	"github.com/factcard/factcard/facts"
)

// brandName is the brand line's text.
const brandName = "factcard"

// content is a fact's text as a card shows it, shaped once for every size and
// theme.
type content struct {
	rtl     bool  // the card reads right to left (the quote's direction)
	quote   *para // with the language's quotation marks, which are accented
	speaker *para // bold
	role    *para // role and handle; may be empty
	date    *para // date and medium
	source  *para // "Source: " and the publisher or headline
	brand   *para
}

// quoteMarks returns the opening and closing quotation marks for a language. Hindi
// uses the English curly quotes. Urdu, read right to left, takes ” to open and “ to
// close, the convention of Urdu publishers such as BBC Urdu, so the marks' shapes
// mirror the English ones as a right-to-left reader expects.
func quoteMarks(lang string) (open, close string) {
	switch lang {
	case "ur":
		return "\u201d", "\u201c"
	}
	return "\u201c", "\u201d"
}

// langRTL reports whether a language is written right to left.
func langRTL(lang string) bool { return lang == "ur" }

// Text of a card, apart from the quote.
func speakerLine(f facts.Fact) string { return normalize(f.Speaker.Name) }

func roleLine(f facts.Fact) string {
	return join(" · ", normalize(f.Speaker.Role), normalize(f.Speaker.Handle))
}

func dateLine(f facts.Fact) string {
	return join(" · ", f.Said.Display(), f.Medium.Label())
}

func sourceLine(f facts.Fact) string {
	src := normalize(f.Source.Publisher)
	if src == "" {
		src = normalize(f.Source.Headline)
	}
	if src == "" {
		return ""
	}
	return "Source: " + src
}

// join joins the non-empty parts with sep.
func join(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}

// shapeContent shapes every text of f.
func (s *shaper) shapeContent(f facts.Fact) (*content, error) {
	open, close := quoteMarks(f.Language)
	c := &content{rtl: langRTL(f.Language)}
	q := normalize(f.Quote)
	if q == "" {
		return nil, ErrNoQuote
	}
	var err error
	shape := func(dst **para, text, field string, w weight, lang string, rtl, accent bool) {
		if err != nil {
			return
		}
		*dst, err = s.shape(text, paraStyle{weight: w, lang: lang, rtl: rtl, accentEnds: accent, field: field})
	}
	shape(&c.quote, open+q+close, "quote", regular, f.Language, c.rtl, true)
	name := speakerLine(f)
	shape(&c.speaker, name, "speaker name", bold, "", isRTLText(name), false)
	role := roleLine(f)
	shape(&c.role, role, "speaker role", regular, "", isRTLText(role), false)
	date := dateLine(f)
	shape(&c.date, date, "date", regular, "en", false, false)
	src := sourceLine(f)
	shape(&c.source, src, "source", regular, "", isRTLText(src), false)
	shape(&c.brand, brandName, "brand", bold, "en", false, false)
	return c, err
}

// layout is a card with every element in its place: text blocks and solid
// rectangles, each with a box. Boxes lie inside the safe area and do not overlap.
type layout struct {
	size  Size
	theme theme
	w, h  int
	safe  rect
	// text holds the text blocks, shapes the solid rectangles (the accent rule and
	// the hairline above the footer), whose boxes are on whole pixels.
	text   []*block
	shapes []shape
}

// shape is a solid rectangle.
type shape struct {
	name string
	ink  inkRole
	box  rect
}

// arrange lays c out on a card of size g in theme th.
//
// From the bottom of the safe area up: the footer (date and source lines on the
// reading side, the brand on the other), a hairline, then the group of the quote,
// an accent rule, the speaker's name and role, centred (a little high) in the room
// left. The quote takes the largest size that fits that room.
func arrange(c *content, size Size, th theme) (*layout, error) {
	g := geometries[size]
	u := g.unit()
	sc := th.scale
	safe := g.safe()
	colW := safe.w()
	l := &layout{size: size, theme: th, w: g.w, h: g.h, safe: safe}
	fail := func(element, format string, args ...any) error {
		return &FitError{Size: size, Theme: th.name, Element: element, Detail: fmt.Sprintf(format, args...)}
	}
	right := c.rtl // every block hugs the side the card is read from
	// placeX puts a block in the column [x0, x0+w], keeping its box inside.
	placeX := func(b *block, x0, w float64) {
		b.move(x0, 0)
		if b.box.x0 < x0 {
			b.move(x0-b.box.x0, 0)
		}
		if b.box.x1 > x0+w {
			b.move(x0+w-b.box.x1, 0)
		}
	}
	// placeY moves a block down so its box starts at or just below y, on a whole
	// pixel (baselines stay on whole pixels).
	placeY := func(b *block, y float64) { b.move(0, math.Ceil(y-b.box.y0)) }
	// placeBottom moves a block up so its box ends at or just above y.
	placeBottom := func(b *block, y float64) { b.move(0, math.Floor(y-b.box.y1)) }

	// Footer: the brand on the side away from the reading start, the date and
	// source lines beside it.
	brand, ok := c.brand.fitBlock("brand", inkAccent, box{width: colW, maxLines: 1}, sc.Brand*u, sc.Brand*u, sc.LeadingLatin, false)
	if !ok {
		return nil, fail("brand", "wider than the card")
	}
	gap := math.Round(sc.BrandGap * u)
	metaW := colW - brand.box.w() - gap
	// The date and source lines share a size. The source takes one line at the
	// largest size down to MetaMin at which it fits one, and two lines only if it
	// fits one at none.
	footer := func(sourceLines int) (date, source *block) {
		for size := sc.Meta * u; size >= sc.MetaMin*u-eps; size -= fitStep {
			d, ok1 := c.date.fitBlock("date", inkMuted, box{width: metaW, maxLines: 1}, size, size, sc.leading(c.date.scripts), right)
			s, ok2 := c.source.fitBlock("source", inkMuted, box{width: metaW, maxLines: sourceLines}, size, size, sc.leading(c.source.scripts), right)
			if ok1 && ok2 {
				return d, s
			}
		}
		return nil, nil
	}
	date, source := footer(1)
	if date == nil {
		date, source = footer(2)
	}
	if date == nil {
		return nil, fail("source", "more than 2 lines at %.1f px in %.0f px", sc.MetaMin*u, metaW)
	}
	footerLineGap := math.Round(sc.LineGap * u)
	footerBottom := safe.y1
	placeBottom(source, footerBottom)
	if len(c.source.words) > 0 {
		placeBottom(date, source.box.y0-footerLineGap)
	} else {
		placeBottom(date, footerBottom)
	}
	// The brand's baseline sits on the last footer line's.
	last := source
	if len(c.source.words) == 0 {
		last = date
	}
	brand.move(0, last.origin[len(last.origin)-1].y-brand.origin[0].y)
	metaX, brandX := safe.x0, safe.x1-brand.box.w()
	if c.rtl {
		metaX, brandX = safe.x0+brand.box.w()+gap, safe.x0
	}
	placeX(date, metaX, metaW)
	placeX(source, metaX, metaW)
	placeX(brand, brandX, brand.box.w())
	footerTop := math.Min(date.box.y0, brand.box.y0)
	if len(c.date.words) == 0 {
		footerTop = math.Min(source.box.y0, brand.box.y0)
	}

	// Hairline.
	footerGap := math.Round(sc.FooterGap * u)
	hairY := math.Floor(footerTop - footerGap - 1)
	hairH := math.Max(1, math.Round(u/8))
	hair := shape{name: "hairline", ink: inkRule, box: rect{safe.x0, hairY - hairH + 1, safe.x1, hairY + 1}}
	groupBottom := hair.box.y0 - footerGap

	// Attribution: the speaker's name (up to two lines, shrinking to the role's
	// size before failing) and role. The quote takes the room left. A long quote
	// set small would look less important than the name under it, so then the
	// attribution is set again no larger than the quote (but no smaller than the
	// footer), and the quote refitted.
	lineGap := math.Round(sc.LineGap * u)
	ruleW, ruleH := math.Round(sc.RuleWidth*u), math.Max(2, math.Round(sc.RuleHeight*u))
	quoteGap, ruleGap := math.Round(sc.QuoteGap*u), math.Round(sc.RuleGap*u)
	nameSize, roleSize := sc.Name*u, sc.Role*u
	var speaker, role, quote *block
	for pass := 0; ; pass++ {
		var ok bool
		speaker, ok = c.speaker.fitBlock("speaker", inkText, box{width: colW, maxLines: 2}, min(sc.Role*u, nameSize), nameSize, sc.leading(c.speaker.scripts), right)
		if !ok {
			return nil, fail("speaker", "more than 2 lines at %.1f px", min(sc.Role*u, nameSize))
		}
		role, ok = c.role.fitBlock("role", inkMuted, box{width: colW, maxLines: 2}, min(sc.Meta*u, roleSize), roleSize, sc.leading(c.role.scripts), right)
		if !ok {
			return nil, fail("role", "more than 2 lines at %.1f px", min(sc.Meta*u, roleSize))
		}
		attrH := ruleH + ruleGap + speaker.box.h()
		if len(c.role.words) > 0 {
			attrH += lineGap + role.box.h()
		}
		quoteRoom := groupBottom - safe.y0 - quoteGap - attrH - 2 // 2: whole-pixel rounding of the placements below
		quote, ok = c.quote.fitBlock("quote", inkText, box{width: colW, height: quoteRoom}, sc.QuoteMin*u, sc.QuoteMax*u, sc.leading(c.quote.scripts), right)
		if !ok {
			return nil, fail("quote", "more than %.0f px tall at the minimum %.1f px", quoteRoom, sc.QuoteMin*u)
		}
		if pass > 0 || quote.size >= nameSize {
			break
		}
		nameSize = max(quote.size, date.size)
		roleSize = date.size // the footer's size

	}

	// Centre the group in its room, a little above the middle.
	attrH := ruleH + ruleGap + speaker.box.h()
	if len(c.role.words) > 0 {
		attrH += lineGap + role.box.h()
	}
	groupH := quote.box.h() + quoteGap + attrH
	top := safe.y0 + math.Floor((groupBottom-safe.y0-groupH-2)*0.45)
	placeX(quote, safe.x0, colW)
	placeY(quote, top)
	ruleY := math.Ceil(quote.box.y1 + quoteGap)
	ruleX := safe.x0
	if c.rtl {
		ruleX = safe.x1 - ruleW
	}
	rule := shape{name: "rule", ink: inkAccent, box: rect{ruleX, ruleY, ruleX + ruleW, ruleY + ruleH}}
	placeX(speaker, safe.x0, colW)
	placeY(speaker, rule.box.y1+ruleGap)
	placeX(role, safe.x0, colW)
	placeY(role, speaker.box.y1+lineGap)

	for _, b := range []*block{quote, speaker, role, date, source, brand} {
		if len(b.lines) > 0 && !b.box.empty() { // text of only invisible characters draws nothing
			l.text = append(l.text, b)
		}
	}
	l.shapes = []shape{rule, hair}
	return l, nil
}
