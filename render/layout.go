package render

import (
	"fmt"
	"image"
	"math"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/render/locale"
)

// content is a fact's text as a card shows it, shaped once for every size and
// theme.
type content struct {
	// rtl mirrors the card: text flush right, the rule on the right, the brand
	// on the left. Set for a right-to-left locale, and for a right-to-left quote.
	rtl     bool
	quote   *para // with the language's quotation marks, which are accented
	speaker *para // bold
	role    *para // role and handle; may be empty
	date    *para // date and medium
	source  *para // "Source: " and the publisher or headline
	brand   *para // the brand's name; nil when its logo takes the name's place
	url     *para // the brand's URL as cards show it; may be empty
	// logo is the brand's logo, nil for none.
	logo *image.NRGBA

	// before and after are the source's words around the quote (its context), in
	// the quote's language and direction, set smaller and muted; may be empty.
	before, after *para
}

// quoteMarks returns the opening and closing quotation marks for a language. Hindi
// uses the English curly quotes. Urdu and Arabic, read right to left, take ” to
// open and “ to close (CLDR's delimiters for ar; the convention of Urdu
// publishers such as BBC Urdu), so the marks' shapes mirror the English ones as a
// right-to-left reader expects; Persian takes « », Hebrew ” ” (CLDR's).
func quoteMarks(lang string) (open, close string) {
	switch lang {
	case "ur", "ar":
		return "\u201d", "\u201c"
	case "fa":
		return "\u00ab", "\u00bb"
	case "he":
		return "\u201d", "\u201d"
	}
	return "\u201c", "\u201d"
}

// langRTL reports whether a language is written right to left (its script,
// given or likely, is: Urdu, Arabic, Persian, Hebrew, Pashto, Yiddish, …).
func langRTL(lang string) bool { return locale.LanguageRTL(lang) }

// Bidi isolates (UAX #9): a value set inside a label ("Source: {source}") is
// ordered on its own, so a headline ending in "?" stays whole inside a
// right-to-left label. Both are invisible and shape to nothing.
const (
	firstStrongIsolate = "\u2068"
	popIsolate         = "\u2069"
)

func isolate(s string) string { return firstStrongIsolate + s + popIsolate }

// Text of a card, apart from the quote.
func speakerLine(f facts.Fact) string { return normalize(f.Speaker.Name) }

func roleLine(f facts.Fact) string {
	return join(" · ", normalize(f.Speaker.Role), normalize(f.Speaker.Handle))
}

// dateLine is the date and medium in the card's locale. The source's words for
// a resolved date are isolated from the label around them.
func dateLine(f facts.Fact, loc *locale.Locale) string {
	f.Said.AsGiven = normalize(f.Said.AsGiven)
	return loc.WhenIsolated(f)
}

// sourceLine is the source label with the publisher, else the headline.
func sourceLine(f facts.Fact, loc *locale.Locale) string {
	src := normalize(f.Source.Publisher)
	if src == "" {
		src = normalize(f.Source.Headline)
	}
	if src == "" {
		return ""
	}
	return loc.Text(locale.Source, "source", isolate(src))
}

// contextLines is the most lines the words before, or after, a quote may take.
const contextLines = 3

// contextRatio is how much larger than its context a quote is set, at least.
const contextRatio = 1.25

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
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
	loc := s.st.locale()
	quoteRTL := langRTL(f.Language)
	c := &content{rtl: loc.RTL || quoteRTL}
	q := normalize(f.Quote)
	if q == "" {
		return nil, ErrNoQuote
	}
	var err error
	shape := func(dst **para, text, field string, w weight, lang string, rtl, accent bool, role fontRole) {
		if err != nil {
			return
		}
		*dst, err = s.shape(text, paraStyle{weight: w, lang: lang, rtl: rtl, accentEnds: accent, field: field, role: role})
	}
	shape(&c.quote, open+q+close, "quote", regular, f.Language, quoteRTL, true, roleQuote)
	shape(&c.before, normalize(f.Context.Before), "context before", regular, f.Language, quoteRTL, false, roleOther)
	shape(&c.after, normalize(f.Context.After), "context after", regular, f.Language, quoteRTL, false, roleOther)
	name := speakerLine(f)
	shape(&c.speaker, name, "speaker name", bold, f.Language, isRTLText(name), false, roleNames)
	role := roleLine(f)
	shape(&c.role, role, "speaker role", regular, f.Language, isRTLText(role), false, roleOther)
	date := dateLine(f, loc)
	shape(&c.date, date, "date", regular, loc.Tag, loc.RTL, false, roleOther)
	src := sourceLine(f, loc)
	shape(&c.source, src, "source", regular, loc.Tag, loc.RTL, false, roleOther)
	if err != nil {
		return nil, err
	}
	if c.brand, c.url, err = s.brandLine(); err != nil {
		return nil, err
	}
	c.logo = s.st.b.Logo
	return c, nil
}

// brandLine returns the brand's name (nil when it has a logo) and URL shaped,
// once per brand: they are the same on every card.
func (s *shaper) brandLine() (name, url *para, err error) {
	st := s.st
	st.lineOnce.Do(func() {
		b := st.b
		if b.Logo == nil {
			st.name, st.lineErr = s.shape(b.Name, paraStyle{weight: bold, lang: "", rtl: isRTLText(b.Name), field: "brand name", role: roleNames})
		}
		if st.lineErr == nil {
			st.url, st.lineErr = s.shape(b.DisplayURL(), paraStyle{weight: regular, lang: "", field: "brand URL"})
		}
	})
	return st.name, st.url, st.lineErr
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
	// logo is where the brand's logo goes, on whole pixels; empty for none.
	logo rect
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

	// Footer: the brand column (the logo or the name, over the URL) on the side
	// away from the reading start, the date and source lines beside it, or above
	// it when they do not fit beside it.
	bc, err := fitBrandColumn(c, sc, u, colW)
	if err != nil {
		return nil, fail(err.element, "%s", err.detail)
	}
	gap := math.Round(sc.BrandGap * u)
	// The date and source lines share a size. The source takes one line at the
	// largest size down to MetaMin at which it fits one, and two lines only if it
	// fits one at none.
	footer := func(metaW float64, sourceLines int) (date, source *block) {
		for size := sc.Meta * u; size >= sc.MetaMin*u-eps; size -= fitStep {
			d, ok1 := c.date.fitBlock("date", inkMuted, box{width: metaW, maxLines: 1}, size, size, sc.leading(c.date.scripts), right)
			s, ok2 := c.source.fitBlock("source", inkMuted, box{width: metaW, maxLines: sourceLines}, size, size, sc.leading(c.source.scripts), right)
			if ok1 && ok2 {
				return d, s
			}
		}
		return nil, nil
	}
	metaW := colW - bc.w - gap
	date, source := footer(metaW, 1)
	if date == nil {
		date, source = footer(metaW, 2)
	}
	stacked := date == nil // the brand column goes under the date and source
	if stacked {
		metaW = colW
		if date, source = footer(metaW, 1); date == nil {
			date, source = footer(metaW, 2)
		}
	}
	if date == nil {
		return nil, fail("source", "more than 2 lines at %.1f px in %.0f px", sc.MetaMin*u, metaW)
	}
	footerLineGap := math.Round(sc.LineGap * u)
	footerBottom := safe.y1
	if stacked {
		bc.placeBottom(footerBottom, footerLineGap)
		footerBottom = math.Floor(bc.top() - 2*footerLineGap)
	}
	placeBottom(source, footerBottom)
	if len(c.source.words) > 0 {
		placeBottom(date, source.box.y0-footerLineGap)
	} else {
		placeBottom(date, footerBottom)
	}
	if !stacked {
		// The brand column's last baseline sits on the last footer line's.
		last := source
		if len(c.source.words) == 0 {
			last = date
		}
		bc.placeOnBaseline(last.origin[len(last.origin)-1].y, footerLineGap, safe.y1)
	}
	metaX := safe.x0
	if c.rtl && !stacked {
		metaX = safe.x0 + bc.w + gap
	}
	placeX(date, metaX, metaW)
	placeX(source, metaX, metaW)
	for _, b := range bc.blocks() {
		if c.rtl {
			placeX(b, safe.x0, b.box.w())
		} else {
			placeX(b, safe.x1-b.box.w(), b.box.w())
		}
	}
	if !bc.logo.empty() {
		x := safe.x1 - bc.logo.w()
		if c.rtl {
			x = safe.x0
		}
		bc.logo = bc.logo.add(x-bc.logo.x0, 0)
		l.logo = bc.logo
	}
	footerTop := math.Min(date.box.y0, bc.top())
	if len(c.date.words) == 0 {
		footerTop = math.Min(source.box.y0, bc.top())
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
	// The context (the source's words before and after the quote) is set in the
	// secondary style, up to the role's size and at most contextLines lines each,
	// and always smaller than the quote: when the quote has to be set small, the
	// context shrinks with it, to the footer's smallest size.
	contextGap := math.Round(sc.QuoteGap * u / 2)
	contextSize, contextMin := sc.Role*u, sc.MetaMin*u
	hasBefore, hasAfter := len(c.before.words) > 0, len(c.after.words) > 0
	var speaker, role, quote, before, after *block
	namesShrunk := false
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
		before, ok = c.before.fitBlock("before", inkMuted, box{width: colW, maxLines: contextLines}, contextMin, contextSize, sc.leading(c.before.scripts), right)
		if !ok {
			return nil, fail("context", "the words before the quote take more than %d lines at %.1f px", contextLines, contextMin)
		}
		after, ok = c.after.fitBlock("after", inkMuted, box{width: colW, maxLines: contextLines}, contextMin, contextSize, sc.leading(c.after.scripts), right)
		if !ok {
			return nil, fail("context", "the words after the quote take more than %d lines at %.1f px", contextLines, contextMin)
		}
		attrH := ruleH + ruleGap + speaker.box.h()
		if len(c.role.words) > 0 {
			attrH += lineGap + role.box.h()
		}
		contextH := 0.0
		if hasBefore {
			contextH += before.box.h() + contextGap + 1
		}
		if hasAfter {
			contextH += after.box.h() + contextGap + 1
		}
		quoteRoom := groupBottom - safe.y0 - quoteGap - attrH - contextH - 2 // 2: whole-pixel rounding of the placements below
		quote, ok = c.quote.fitBlock("quote", inkText, box{width: colW, height: quoteRoom}, sc.QuoteMin*u, sc.QuoteMax*u, sc.leading(c.quote.scripts), right)
		if !ok {
			return nil, fail("quote", "more than %.0f px tall at the minimum %.1f px", quoteRoom, sc.QuoteMin*u)
		}
		again := false
		if !namesShrunk && quote.size < nameSize {
			nameSize = max(quote.size, date.size)
			roleSize = date.size // the footer's size
			namesShrunk, again = true, true
		}
		if top := max(before.size*boolFloat(hasBefore), after.size*boolFloat(hasAfter)); top > 0 && quote.size < top*contextRatio-eps && contextSize > contextMin+eps {
			contextSize = max(contextMin, math.Floor(quote.size/contextRatio/fitStep)*fitStep)
			again = true
		}
		if !again || pass > 8 {
			break
		}
	}
	if (hasBefore && before.size >= quote.size) || (hasAfter && after.size >= quote.size) {
		return nil, fail("context", "the quote (%.1f px) would not be larger than its context", quote.size)
	}

	// Centre the group in its room, a little above the middle.
	attrH := ruleH + ruleGap + speaker.box.h()
	if len(c.role.words) > 0 {
		attrH += lineGap + role.box.h()
	}
	groupH := quote.box.h() + quoteGap + attrH
	if hasBefore {
		groupH += before.box.h() + contextGap + 1
	}
	if hasAfter {
		groupH += after.box.h() + contextGap + 1
	}
	top := safe.y0 + math.Floor((groupBottom-safe.y0-groupH-2)*0.45)
	if hasBefore {
		placeX(before, safe.x0, colW)
		placeY(before, top)
		top = before.box.y1 + contextGap
	}
	placeX(quote, safe.x0, colW)
	placeY(quote, top)
	bottom := quote
	if hasAfter {
		placeX(after, safe.x0, colW)
		placeY(after, quote.box.y1+contextGap)
		bottom = after
	}
	ruleY := math.Ceil(bottom.box.y1 + quoteGap)
	ruleX := safe.x0
	if c.rtl {
		ruleX = safe.x1 - ruleW
	}
	rule := shape{name: "rule", ink: inkAccent, box: rect{ruleX, ruleY, ruleX + ruleW, ruleY + ruleH}}
	placeX(speaker, safe.x0, colW)
	placeY(speaker, rule.box.y1+ruleGap)
	placeX(role, safe.x0, colW)
	placeY(role, speaker.box.y1+lineGap)

	for _, b := range append([]*block{before, quote, after, speaker, role, date, source}, bc.blocks()...) {
		if len(b.lines) > 0 && !b.box.empty() { // text of only invisible characters draws nothing
			l.text = append(l.text, b)
		}
	}
	l.shapes = []shape{rule, hair}
	return l, nil
}

// brandColumn is the footer's brand: the logo or the name on top, the URL (if
// any) under it, each flush with the card's edge on the side away from the
// reading start.
type brandColumn struct {
	name, url *block // nil when absent
	logo      rect   // whole pixels; empty when the brand has no logo
	w         float64
}

// columnError says which part of the brand line does not fit.
type columnError struct{ element, detail string }

// fitBrandColumn sets the brand's name (or sizes its logo) and URL to fit at
// most maxBrandShare of the column: the name shrinks from Brand to BrandMin, the
// logo from LogoHeight to LogoMin and the URL from URL to URLMin.
func fitBrandColumn(c *content, sc typeScale, u, colW float64) (*brandColumn, *columnError) {
	maxW := math.Floor(colW * maxBrandShare)
	bc := &brandColumn{}
	if c.logo != nil {
		lb := c.logo.Bounds()
		aspect := float64(lb.Dx()) / float64(lb.Dy())
		h := math.Round(sc.LogoHeight * u)
		w := math.Round(h * aspect)
		if w > maxW {
			h = math.Floor(maxW / aspect)
			w = math.Min(maxW, math.Round(h*aspect))
		}
		if h < math.Round(sc.LogoMin*u) || w < 1 {
			return nil, &columnError{"logo", fmt.Sprintf("a %d×%d logo is too wide for the brand line: at the least height, %.0f px, it is %.0f px wide, over half the column (%.0f px)",
				lb.Dx(), lb.Dy(), math.Round(sc.LogoMin*u), math.Round(math.Round(sc.LogoMin*u)*aspect), maxW)}
		}
		bc.logo = rect{0, 0, w, h}
		bc.w = w
	} else {
		b, ok := fitLargest(c.brand, "brand", inkAccent, maxW, sc.BrandMin*u, sc.Brand*u, sc.leading(c.brand.scripts))
		if !ok {
			return nil, &columnError{"brand", fmt.Sprintf("the name is wider than half the column (%.0f px) even at %.1f px", maxW, sc.BrandMin*u)}
		}
		bc.name = b
		bc.w = b.box.w()
	}
	if len(c.url.words) > 0 {
		b, ok := fitLargest(c.url, "url", inkMuted, maxW, sc.URLMin*u, sc.URL*u, sc.leading(c.url.scripts))
		if !ok {
			return nil, &columnError{"url", fmt.Sprintf("the URL is wider than half the column (%.0f px) even at %.1f px", maxW, sc.URLMin*u)}
		}
		bc.url = b
		bc.w = math.Max(bc.w, b.box.w())
	}
	return bc, nil
}

// fitLargest sets p on one line at hi px if it fits in width, else at the
// largest size from lo up that does.
func fitLargest(p *para, name string, ink inkRole, width, lo, hi, leading float64) (*block, bool) {
	bx := box{width: width, maxLines: 1}
	if b, ok := p.fitBlock(name, ink, bx, hi, hi, leading, false); ok {
		return b, true
	}
	return p.fitBlock(name, ink, bx, lo, hi-fitStep, leading, false)
}

// blocks returns the column's text blocks.
func (bc *brandColumn) blocks() []*block {
	var out []*block
	for _, b := range []*block{bc.name, bc.url} {
		if b != nil {
			out = append(out, b)
		}
	}
	return out
}

// top returns the top of the column's highest box.
func (bc *brandColumn) top() float64 {
	t := math.Inf(1)
	for _, b := range bc.blocks() {
		t = math.Min(t, b.box.y0)
	}
	if !bc.logo.empty() {
		t = math.Min(t, bc.logo.y0)
	}
	return t
}

// placeOnBaseline puts the column beside the footer lines: its last line's
// baseline on y (the URL's, else the name's), the name or logo above the URL
// with gap between them. A logo alone sits on the baseline as a line of capitals
// would, a fifth of its height below it for a wordmark's descenders, but never
// below bottom.
func (bc *brandColumn) placeOnBaseline(y, gap, bottom float64) {
	above := y // where the name or logo row ends, when there is a URL under it
	if bc.url != nil {
		bc.url.move(0, y-bc.url.origin[0].y)
		above = math.Floor(bc.url.box.y0 - gap)
	}
	switch {
	case bc.name != nil && bc.url != nil:
		bc.name.move(0, math.Floor(above-bc.name.box.y1))
	case bc.name != nil:
		bc.name.move(0, y-bc.name.origin[0].y)
	case bc.url != nil:
		bc.logo = bc.logo.add(0, above-bc.logo.y1)
	default:
		end := math.Min(bottom, math.Round(y+0.2*bc.logo.h()))
		bc.logo = bc.logo.add(0, end-bc.logo.y1)
	}
}

// placeBottom stacks the column up from y: the URL at the bottom, the name or
// logo above it with gap between them.
func (bc *brandColumn) placeBottom(y, gap float64) {
	if bc.url != nil {
		bc.url.move(0, math.Floor(y-bc.url.box.y1))
		y = math.Floor(bc.url.box.y0 - gap)
	}
	if bc.name != nil {
		bc.name.move(0, math.Floor(y-bc.name.box.y1))
	}
	if !bc.logo.empty() {
		bc.logo = bc.logo.add(0, y-bc.logo.y1)
	}
}
