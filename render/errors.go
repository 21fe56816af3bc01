package render

import (
	"errors"
	"fmt"
	"unicode"
)

// ErrDoesNotFit is matched (with errors.Is) by the error for a fact whose text cannot
// be laid out on a card without going below the minimum type size.
var ErrDoesNotFit = errors.New("does not fit")

// ErrNoQuote is matched (with errors.Is) by the error for a fact whose quote is
// empty or only white space.
var ErrNoQuote = errors.New("no quote")

// FitError reports which element of a fact does not fit on which card. It matches
// ErrDoesNotFit.
type FitError struct {
	Size    Size
	Theme   Theme
	Element string // "quote", "speaker", "source", ...
	Detail  string // what overflowed, for people
}

// Error returns, for example, `quote does not fit on the og card (dark): 9 lines at the minimum 22.7 px`.
func (e *FitError) Error() string {
	msg := fmt.Sprintf("%s does not fit on the %s card (%s)", e.Element, e.Size, e.Theme)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Is reports whether target is ErrDoesNotFit.
func (e *FitError) Is(target error) bool { return target == ErrDoesNotFit }

// MissingGlyphError reports a character that none of the fonts factcard ships
// (embedded or not) can draw.
type MissingGlyphError struct {
	Rune rune
	// Field names where the rune was found ("quote", "speaker name", ...), when known.
	Field string
}

// Error returns, for example, `no font factcard ships has U+E000 (in quote)`.
func (e *MissingGlyphError) Error() string {
	msg := "no font factcard ships has " + runeName(e.Rune)
	if e.Field != "" {
		msg += " (in " + e.Field + ")"
	}
	return msg
}

// runeName formats r as U+2192 '→', leaving out the character itself when it is not
// printable.
func runeName(r rune) string {
	if unicode.IsPrint(r) {
		return fmt.Sprintf("%U '%c'", r, r)
	}
	return fmt.Sprintf("%U", r)
}
