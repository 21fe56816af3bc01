package render

import (
	"image"
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
	st    *brandState // the brand whose fonts these are
	fd    *fontData
	faces [maxFaces]*font.Face
	hb    shaping.HarfbuzzShaper
	seg   shaping.Segmenter
	lines segmenter.Segmenter
	bidi  bidi.Paragraph
	fm    fontmap

	// outlines caches each face's glyph outlines, in font units.
	outlines [maxFaces]map[font.GID][]font.Segment

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
	for id, f := range st.fd.fonts {
		if f == nil {
			continue
		}
		s.faces[id] = font.NewFace(f)
		s.outlines[id] = make(map[font.GID][]font.Segment)
	}
	s.fm.s = s
	return s, nil
}

// putShaper puts s back in its brand's pool.
func putShaper(s *shaper) { s.st.shapers.put(s) }

// faceOf returns the ID of one of the shaper's faces.
func (s *shaper) faceOf(f *font.Face) faceID {
	for id, g := range s.faces {
		if g == f {
			return faceID(id)
		}
	}
	panic("render: face not from this shaper")
}

// outline returns the outline of glyph gid of face id, in font units, y up.
func (s *shaper) outline(id faceID, gid font.GID) []font.Segment {
	if o, ok := s.outlines[id][gid]; ok {
		return o
	}
	o, _ := s.faces[id].GlyphDataOutline(gid)
	s.outlines[id][gid] = o.Segments
	return o.Segments
}

// fontmap picks a face for each rune: the brand's face for the text, if it has
// one that covers the run's script and has the rune; else the face for the run's
// script in the wanted weight if it has the rune, else the first face of the
// family that has it (Noto Naskh Arabic has no curly quotes or parentheses, Noto
// Sans no Devanagari), else the brand's face. So a brand's Latin font sets the
// Latin text and leaves Hindi and Urdu, spaces included, to the Noto fonts.
type fontmap struct {
	s      *shaper
	weight weight
	script language.Script
	brand  faceID // the brand's face for the text, or noFace
	// brandFirst is set when the brand's face covers the current script.
	brandFirst bool
}

func (m *fontmap) SetScript(s language.Script) {
	m.script = s
	m.brandFirst = m.brand != noFace && m.s.fd.covers[m.brand]&scriptOf(s) != 0
}

func (m *fontmap) ResolveFace(r rune) *font.Face {
	if m.brandFirst {
		if _, ok := m.s.faces[m.brand].NominalGlyph(r); ok {
			return m.s.faces[m.brand]
		}
	}
	order := preferred(m.weight, m.script)
	for _, id := range order {
		if _, ok := m.s.faces[id].NominalGlyph(r); ok {
			return m.s.faces[id]
		}
	}
	if m.brand != noFace {
		if _, ok := m.s.faces[m.brand].NominalGlyph(r); ok {
			return m.s.faces[m.brand]
		}
	}
	return m.s.faces[order[0]]
}

// hasGlyph reports whether some face of weight w, or the brand's face bf (or
// noFace), maps r.
func (s *shaper) hasGlyph(w weight, bf faceID, r rune) bool {
	if bf != noFace {
		if _, ok := s.faces[bf].NominalGlyph(r); ok {
			return true
		}
	}
	for _, id := range families[w] {
		if _, ok := s.faces[id].NominalGlyph(r); ok {
			return true
		}
	}
	return false
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

// scriptSet is a set of script families that need different line pitches.
type scriptSet uint8

const (
	scriptLatin scriptSet = 1 << iota // and every script not listed
	scriptDevanagari
	scriptArabic
)

func scriptOf(s language.Script) scriptSet {
	switch s {
	case language.Devanagari:
		return scriptDevanagari
	case language.Arabic:
		return scriptArabic
	}
	return scriptLatin
}

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
	in := shaping.Input{
		Text:      runes,
		RunStart:  0,
		RunEnd:    len(runes),
		Direction: idir,
		Language:  language.NewLanguage(st.lang),
	}
	for _, run := range s.seg.Split(in, &s.fm) {
		id := s.faceOf(run.Face)
		upem := s.fd.upem[id]
		run.Size = fixed.I(int(run.Face.Upem()))
		out := s.hb.Shape(run)
		p.ascent = max(p.ascent, s.fd.ascent[id])
		p.descent = max(p.descent, s.fd.descent[id])
		p.scripts |= scriptOf(run.Script)
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
			if g.Width != 0 || g.Height != 0 {
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
