package render

import (
	"image"
	"math"
	"strings"
	"unicode"

	"github.com/go-text/typesetting/bidi"
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/harfbuzz"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/segmenter"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"

	"github.com/factcard/factcard/render/brand"
)

// A shaper holds the per-goroutine state that shaping needs: go-text's faces,
// shaper and segmenters cache data and are not safe for concurrent use, so each
// render takes a shaper from shapers and puts it back when done. The parsed
// fonts underneath are shared.
type shaper struct {
	st *brandState // the brand whose fonts these are
	fd *fontData
	// faces holds the faces this shaper has opened, nil until a text needs one;
	// upem, ascent and descent are theirs (see loaded).
	faces                 [maxFaces]*font.Face
	upem, ascent, descent [maxFaces]float64
	hb                    shaping.HarfbuzzShaper
	seg                   shaping.Segmenter
	lines                 segmenter.Segmenter
	bidi                  bidi.Paragraph
	fm                    fontmap
	// openErr is the first error opening a face during a shape (the fontmap
	// cannot return it).
	openErr error
	// runs is the buffer splitEmoji fills.
	runs []shaping.Input

	// outlines caches each face's glyph outlines, in font units, with their
	// bounds.
	outlines [maxFaces]map[font.GID]cachedOutline
	// bitmaps caches colour glyphs' bitmaps, decoded (see bitmapOf).
	bitmaps map[glyphKey]*image.NRGBA

	// bands holds the band canvases paint draws lines on, by size.
	bands map[image.Point]*bandCanvas

	// groupByWord fills whole words at once, for the test that compares that
	// with the faster grouping draw uses.
	groupByWord bool
	// quantizeAfter quantises each line's band once it is filled, instead of
	// as it is filled, for the test that compares the two.
	quantizeAfter bool
}

// getShaper returns a shaper of the built-in brand from its pool, or a new one.
func getShaper() (*shaper, error) { return getShaperFor(nil) }

// getShaperFor returns a shaper of brand b (nil for the built-in) from its
// brand's pool, or a new one.
func getShaperFor(b *brand.Brand) (*shaper, error) {
	st, err := stateOf(b)
	if err != nil {
		return nil, err
	}
	if s, ok := st.shapers.get(); ok {
		return s, nil
	}
	s := &shaper{st: st, fd: st.fd, bands: make(map[image.Point]*bandCanvas)}
	for i, f := range st.fd.brand {
		if f == nil {
			continue
		}
		id := brandQuote + faceID(i)
		s.faces[id] = font.NewFace(f.Face)
		s.upem[id], s.ascent[id], s.descent[id] = f.Upem, f.Ascent, f.Descent
		s.outlines[id] = make(map[font.GID]cachedOutline)
	}
	for _, id := range []faceID{sansRegular, sansBold} {
		if s.face(id) == nil {
			return nil, s.openErr
		}
	}
	s.fm.s = s
	return s, nil
}

// putShaper puts s back in its brand's pool.
func putShaper(s *shaper) { s.st.shapers.put(s) }

// face returns built-in or brand face id, opening it for this shaper on first
// use. On an error it records it in s.openErr and returns nil.
func (s *shaper) face(id faceID) *font.Face {
	if f := s.faces[id]; f != nil {
		return f
	}
	l, err := openFace(id)
	if err != nil {
		if s.openErr == nil {
			s.openErr = err
		}
		return nil
	}
	f := font.NewFace(l.font)
	s.faces[id] = f
	s.upem[id], s.ascent[id], s.descent[id] = l.upem, l.ascent, l.descent
	s.outlines[id] = make(map[font.GID]cachedOutline)
	return f
}

// faceOf returns the ID of one of the shaper's faces.
func (s *shaper) faceOf(f *font.Face) faceID {
	for id, g := range s.faces {
		if g == f {
			return faceID(id)
		}
	}
	panic("render: face not from this shaper")
}

// cachedOutline is a glyph's outline in font units, y up, and the bounds of its
// points (on and off the curve: a superset of its ink), in ems, y down.
type cachedOutline struct {
	segs []font.Segment
	ink  rect
}

// outline returns the outline of glyph gid of face id, in font units, y up.
func (s *shaper) outline(id faceID, gid font.GID) []font.Segment {
	return s.cachedOutline(id, gid).segs
}

// cachedOutline returns glyph gid of face id, parsing it on first use.
func (s *shaper) cachedOutline(id faceID, gid font.GID) cachedOutline {
	if o, ok := s.outlines[id][gid]; ok {
		return o
	}
	o, _ := s.faces[id].GlyphDataOutline(gid)
	c := cachedOutline{segs: o.Segments}
	if len(o.Segments) > 0 {
		x0, y0, x1, y1 := float32(math.Inf(1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.Inf(-1))
		for _, sg := range o.Segments {
			for _, p := range sg.ArgsSlice() {
				x0, y0, x1, y1 = min(x0, p.X), min(y0, p.Y), max(x1, p.X), max(y1, p.Y)
			}
		}
		u := s.upem[id]
		c.ink = rect{float64(x0) / u, -float64(y1) / u, float64(x1) / u, -float64(y0) / u}
	}
	s.outlines[id][gid] = c
	return c
}

// has reports whether face id maps r: a brand face by its cmap, a built-in
// one by faces.txt, without opening it.
func (s *shaper) has(id faceID, r rune) bool {
	if id >= numFaces {
		_, ok := s.faces[id].NominalGlyph(r)
		return ok
	}
	return faces()[id].covers(r)
}

// fontmap picks a face for each rune: the brand's face for the text, if it has
// one that covers the run's script and has the rune; else the face of the run's
// script (and language: Urdu sets in Nastaliq) in the wanted weight if it has
// the rune, else the first face of the chain that has it (Noto Naskh Arabic has
// no curly quotes or parentheses, Noto Sans no Devanagari), else the brand's
// face. So a brand's Latin font sets the Latin text and leaves Hindi and Urdu,
// spaces included, to the Noto fonts. A face is opened when it is first picked.
type fontmap struct {
	s      *shaper
	weight weight
	lang   language.Language
	// primary is the face of the current script.
	primary faceID
	brand   faceID // the brand's face for the text, or noFace
	// brandFirst is set when the brand's face covers the current script.
	brandFirst bool
}

func (m *fontmap) SetScript(s language.Script) {
	m.primary = faceOfFamily(familyFor(s, m.lang), m.weight)
	m.brandFirst = m.brand != noFace && m.s.fd.covers[m.brand-brandQuote][s]
}

func (m *fontmap) ResolveFace(r rune) *font.Face {
	s := m.s
	if m.brandFirst && s.has(m.brand, r) {
		return s.faces[m.brand]
	}
	if s.has(m.primary, r) {
		return s.resolved(m.primary)
	}
	for _, f := range chain {
		if id := faceOfFamily(f, m.weight); id != m.primary && s.has(id, r) {
			return s.resolved(id)
		}
	}
	if m.brand != noFace && s.has(m.brand, r) {
		return s.faces[m.brand]
	}
	return s.resolved(m.primary)
}

// resolved returns face id for the fontmap: opened, or on an error (recorded
// in s.openErr, which shape returns) the regular Latin face.
func (s *shaper) resolved(id faceID) *font.Face {
	if f := s.face(id); f != nil {
		return f
	}
	return s.faces[sansRegular]
}

// hasGlyph reports whether some built-in face of weight w, or the brand's face
// bf (or noFace), maps r.
func (s *shaper) hasGlyph(w weight, bf faceID, r rune) bool {
	if bf != noFace && s.has(bf, r) {
		return true
	}
	for _, f := range chain {
		if s.has(faceOfFamily(f, w), r) {
			return true
		}
	}
	return false
}

// Emoji sequences (UTS #51), as far as the face choice needs them.
const (
	zwj        = '\u200d'
	vs16       = '\ufe0f' // emoji presentation selector
	keycapMark = '\u20e3'
)

func isRegionalIndicator(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }
func isSkinTone(r rune) bool          { return r >= 0x1f3fb && r <= 0x1f3ff }
func isTag(r rune) bool               { return r >= 0xe0020 && r <= 0xe007f }

// emojiSpans returns, for text, the end of the emoji sequence starting at each
// rune (0 where none starts): a flag (two regional indicators), a keycap, or a
// rune the emoji face has that is presented as emoji (at U+1F000 and above, or
// followed by U+FE0F or a skin tone, as ✋🏽) with its modifiers, tags and ZWJ-joined parts. It
// returns nil when the text has none.
func emojiSpans(text []rune) []int {
	emoji := faces()[emojiFace]
	var ends []int
	for i := 0; i < len(text); i++ {
		r := text[i]
		next := func(k int) rune {
			if k < len(text) {
				return text[k]
			}
			return 0
		}
		end := 0
		switch {
		case isRegionalIndicator(r) && isRegionalIndicator(next(i+1)):
			end = i + 2
		case (r >= '0' && r <= '9' || r == '#' || r == '*') && next(i+1) == keycapMark:
			end = i + 2
		case (r >= '0' && r <= '9' || r == '#' || r == '*') && next(i+1) == vs16 && next(i+2) == keycapMark:
			end = i + 3
		case (r >= 0x1f000 || next(i+1) == vs16 || isSkinTone(next(i+1))) && emoji.covers(r):
			end = i + 1
			for end < len(text) {
				switch c := text[end]; {
				case c == vs16 || isSkinTone(c) || isTag(c) || c == keycapMark:
					end++
					continue
				case c == zwj && emoji.covers(next(end+1)):
					end += 2
					continue
				}
				break
			}
		}
		if end == 0 {
			continue
		}
		if ends == nil {
			ends = make([]int, len(text))
		}
		ends[i] = end
		i = end - 1
	}
	return ends
}

// splitEmoji returns runs with every emoji sequence of text in a run of its
// own in the emoji face: the segmenter chooses a face per rune, and would set
// the parts of a sequence (a keycap's digit, a ZWJ sequence's ♀) in text
// faces that have them.
func (s *shaper) splitEmoji(runs []shaping.Input, text []rune) []shaping.Input {
	ends := emojiSpans(text)
	if ends == nil {
		return runs
	}
	ef := s.face(emojiFace)
	if ef == nil {
		return runs // s.openErr says why
	}
	out := s.runs[:0]
	// plain appends the text between emoji sequences: a run the segmenter gave
	// the emoji face for a sequence keeps it for the spaces after it (the
	// segmenter changes faces at no space), which are wide in that face, so
	// such a part takes the face the fontmap picks for its first rune.
	plain := func(run shaping.Input, start, end int) {
		part := run
		part.RunStart, part.RunEnd = start, end
		if part.Face == ef {
			s.fm.SetScript(run.Script)
			r := ' '
			for _, c := range text[start:end] {
				if !unicode.IsSpace(c) && !harfbuzz.IsDefaultIgnorable(c) {
					r = c
					break
				}
			}
			part.Face = s.fm.ResolveFace(r)
		}
		out = append(out, part)
	}
	// seq numbers each rune by its emoji sequence (1, 2, ...; 0 outside one).
	seq := make([]int, len(text))
	for i, n := 0, 0; i < len(text); i++ {
		if ends[i] != 0 {
			n++
			for k := i; k < ends[i]; k++ {
				seq[k] = n
			}
			i = ends[i] - 1
		}
	}
	lastSeq := 0 // the sequence of the last part out holds, if an emoji part
	for _, run := range runs {
		for start := run.RunStart; start < run.RunEnd; {
			end := start + 1
			for end < run.RunEnd && seq[end] == seq[start] {
				end++
			}
			switch {
			case seq[start] == 0:
				plain(run, start, end)
				lastSeq = 0
			case seq[start] == lastSeq:
				// The segmenter split this sequence between two runs: join it again.
				out[len(out)-1].RunEnd = end
			default:
				part := run
				part.RunStart, part.RunEnd, part.Face = start, end, ef
				out = append(out, part)
				lastSeq = seq[start]
			}
			start = end
		}
	}
	s.runs = out
	return out
}

// glyph is one shaped glyph. Distances are in ems.
type glyph struct {
	id      font.GID
	face    faceID
	adv     float64 // advance
	dx, dy  float64 // offset of the glyph from the pen, dy upwards
	ink     rect    // ink bounds relative to the glyph's origin (pen plus offset), y down
	cluster int     // index of the first rune of the glyph's cluster
	trail   bool    // the glyph is trailing whitespace of its word
	accent  bool    // drawn in the accent colour (the quotation marks)
}

// piece is the part of one word that lies in one shaped run.
type piece struct {
	level  bidi.Level // bidi embedding level of the run
	glyphs []glyph    // in visual order
}

// word is the text between two line-break opportunities (UAX #14), trailing
// spaces included: a whole word, or a part of one that ends where a line may
// break inside it, after a hyphen or a dash ("de-" of "de-escalation").
type word struct {
	start, end int     // rune range
	pieces     []piece // in logical order
	width      float64 // advance without the trailing whitespace, in ems
	space      float64 // advance of the trailing whitespace, in ems
	// glue is set when the break after the word is not at white space: the word
	// and the next are parts of one word, which lines break inside only when it
	// does not fit a line whole (see runs).
	glue bool
}

// para is a shaped paragraph, ready to be broken into lines at any size.
type para struct {
	text  []rune
	rtl   bool
	words []word
	// The line extents of the faces used, in ems (both positive).
	ascent, descent float64
	// scripts records the script families used, for the line pitch.
	scripts scriptSet
}

// scriptSet is a set of classes of script that need different line pitches.
type scriptSet uint8

const (
	scriptLatin      scriptSet = 1 << iota // and every script not listed
	scriptDevanagari                       // marks above and below: the Indic scripts, Thai, Lao
	scriptArabic                           // Naskh's tall ascenders and deep descenders
	scriptTall                             // stacks taller still: Nastaliq, Tibetan, Myanmar, Khmer
	scriptCJK                              // ideographs, kana, Hangul: full-em glyphs
	scriptNastaliq                         // Urdu's Nastaliq: words that descend diagonally
)

// paraStyle says how to shape a paragraph.
type paraStyle struct {
	weight weight
	lang   string // BCP 47 tag; "" for none
	rtl    bool   // paragraph direction
	// accentEnds colours the first and the last rune (the quotation marks).
	accentEnds bool
	// field names the text in errors ("quote", "speaker name", ...).
	field string
	// role picks the brand's font, if any.
	role fontRole
}

// normalize collapses runs of white space, including line breaks, into single
// spaces and trims the ends: a card lays out one paragraph per field.
func normalize(s string) string { return strings.Join(strings.Fields(s), " ") }

// breaksAtSpace reports whether a break opportunity after r separates words:
// r is white space, or the zero width space that marks a word boundary where the
// script writes none.
func breaksAtSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u200b' }

// isRTLText reports whether the first strong character of s belongs to a
// right-to-left script (rules P2 and P3 of the bidi algorithm, by script).
func isRTLText(s string) bool {
	for _, r := range s {
		switch language.LookupScript(r) {
		case language.Arabic, language.Hebrew, language.Syriac, language.Thaana, language.Nko:
			return true
		case language.Common, language.Inherited, language.Unknown:
			continue
		}
		if unicode.IsLetter(r) {
			return false
		}
	}
	return false
}

// shape shapes text as one paragraph. It fails with a *MissingGlyphError when no
// face of the weight has one of the runes.
func (s *shaper) shape(text string, st paraStyle) (*para, error) {
	runes := []rune(text)
	p := &para{text: runes, rtl: st.rtl}
	if len(runes) == 0 {
		return p, nil
	}
	bf := s.fd.brandFace(st.role)
	for _, r := range runes {
		if unicode.IsSpace(r) || unicode.IsControl(r) || harfbuzz.IsDefaultIgnorable(r) {
			continue
		}
		if !s.hasGlyph(st.weight, bf, r) {
			return nil, &MissingGlyphError{Rune: r, Field: st.field}
		}
	}

	// Break opportunities (UAX #14 and each script's own, see lineBreaks) give
	// the words.
	wordOf := make([]int, len(runes))
	start := 0
	for _, b := range lineBreaks(&s.lines, runes, nil) {
		for i := start; i < b.end; i++ {
			wordOf[i] = len(p.words)
		}
		p.words = append(p.words, word{start: start, end: b.end, glue: b.glue})
		start = b.end
	}
	contentEnd := make([]int, len(p.words))
	for i, w := range p.words {
		e := w.end
		for e > w.start && unicode.IsSpace(runes[e-1]) {
			e--
		}
		contentEnd[i] = e
	}

	// Bidi levels per rune.
	dir := bidi.LeftToRight
	idir := di.DirectionLTR
	if st.rtl {
		dir, idir = bidi.RightToLeft, di.DirectionRTL
	}
	levels := make([]bidi.Level, len(runes))
	br := s.bidi.Segment(runes, dir)
	for i := 0; i < br.NumRuns(); i++ {
		r := br.Run(i)
		for j := r.Start; j < r.End; j++ {
			levels[j] = r.Level
		}
	}

	s.fm.weight = st.weight
	s.fm.brand = bf
	s.fm.lang = language.NewLanguage(st.lang)
	s.openErr = nil
	in := shaping.Input{
		Text:      runes,
		RunStart:  0,
		RunEnd:    len(runes),
		Direction: idir,
		Language:  language.NewLanguage(st.lang),
	}
	runs := s.splitEmoji(s.seg.Split(in, &s.fm), runes)
	if s.openErr != nil {
		return nil, s.openErr
	}
	for _, run := range runs {
		id := s.faceOf(run.Face)
		upem := s.upem[id]
		run.Size = fixed.I(int(run.Face.Upem()))
		out := s.hb.Shape(run)
		p.ascent = max(p.ascent, s.ascent[id])
		p.descent = max(p.descent, s.descent[id])
		p.scripts |= families[familyFor(run.Script, s.fm.lang)].set
		em := func(v fixed.Int26_6) float64 { return float64(v) / 64 / upem }
		cur := -1 // word of the piece being filled
		for _, g := range out.Glyphs {
			if g.GlyphID == 0 {
				return nil, &MissingGlyphError{Rune: runes[g.TextIndex()], Field: st.field}
			}
			w := wordOf[g.TextIndex()]
			if w != cur {
				p.words[w].pieces = append(p.words[w].pieces, piece{level: levels[run.RunStart]})
				cur = w
			}
			gl := glyph{
				id:      g.GlyphID,
				face:    id,
				adv:     em(g.Advance),
				dx:      em(g.XOffset),
				dy:      em(g.YOffset),
				cluster: g.TextIndex(),
				trail:   g.TextIndex() >= contentEnd[w],
				accent:  st.accentEnds && (g.TextIndex() == 0 || g.TextIndex() == len(runes)-1),
			}
			// The ink comes from the outline's points: the extents some fonts
			// give (Noto Nastaliq Urdu's) do not hold their outlines, and a
			// line's band is cut to its glyphs' ink. A glyph without an outline
			// (a colour emoji's bitmap) takes its extents.
			if o := s.cachedOutline(id, g.GlyphID); len(o.segs) > 0 {
				gl.ink = o.ink
			} else if g.Width != 0 || g.Height != 0 {
				gl.ink = rect{em(g.XBearing), -em(g.YBearing), em(g.XBearing + g.Width), -em(g.YBearing + g.Height)}
			}
			pc := &p.words[w].pieces[len(p.words[w].pieces)-1]
			pc.glyphs = append(pc.glyphs, gl)
			if gl.trail {
				p.words[w].space += gl.adv
			} else {
				p.words[w].width += gl.adv
			}
		}
	}
	return p, nil
}
