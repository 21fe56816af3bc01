// Package render turns a fact into a card image: the quote in its language's
// quotation marks at the largest size that fits, the speaker, the date, the source
// and a brand line, on one of four sizes in one of a brand's themes, encoded as a
// small PNG or a JPEG.
//
// A brand (package render/brand: a name, URL, logo, themes and fonts, loaded once
// from a folder) is chosen with [Options].Brand; nil is the built-in brand,
// factcard's own. Its fonts set the text they cover, with the embedded fonts as the
// fallback; its logo is scaled once per theme and size and copied into each card,
// its colours joining the card's palette. [CheckBrand] checks a brand against the
// layout at start.
//
// Text is shaped with go-text/typesetting (HarfBuzz), so Hindi conjuncts and vowel
// signs and right-to-left Urdu come out right, and the glyph outlines are filled on a
// fogleman/gg canvas. The fonts (subsets of Noto Sans, Noto Sans Devanagari and Noto
// Naskh Arabic) are embedded and parsed once per process, on first use or in
// [Preload].
//
// The package is pure: it reads no environment, touches no disk and talks to no
// network. Every function is safe for concurrent use by many goroutines, and the
// same fact and options always give the same bytes.
//
// Layout is separate from drawing: the layout places every element in a box inside
// the card's safe area, and never shrinks text below a minimum size or clips it. A
// fact that cannot fit gives an error matching [ErrDoesNotFit]; a character no
// embedded font has gives a [*MissingGlyphError]. [Check] runs the layout for every
// size and theme without drawing, for dataset validation.
package render
