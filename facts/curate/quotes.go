package curate

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

// maxSingleQuote bounds, in bytes, a quotation in single marks: past it, a
// single mark is more likely an apostrophe than the end of a quotation.
const maxSingleQuote = 2000

// singleQuotes adds to out the quotations of line li in single marks, British
// style (‘…’ or '…'), that lie outside its quotations in double marks (a single
// mark inside those is a nested quotation, part of the outer one). out holds the
// quotations found so far, the line's last. An opening mark starts a word (after
// a space, a bracket or the line's start, before a letter); a closing mark ends
// one (after a character, before a space, punctuation or the line's end): an
// apostrophe inside a word ("don't", "India’s") is neither.
func (x *extractor) singleQuotes(out []quoteSpan, li int) []quoteSpan {
	ln := x.lines[li]
	first := len(out)
	for first > 0 && out[first-1].line == li {
		first--
	}
	doubles := out[first:]
	inDouble := func(off int) bool {
		for _, q := range doubles {
			if off >= q.open && off < q.close {
				return true
			}
		}
		return false
	}
	var added []quoteSpan
	open := -1
	for i, r := range ln.s {
		if r != '\'' && r != '‘' && r != '’' {
			continue
		}
		off := ln.start + i
		if inDouble(off) {
			continue
		}
		prev, _ := utf8.DecodeLastRuneInString(ln.s[:i])
		next, _ := utf8.DecodeRuneInString(ln.s[i+utf8.RuneLen(r):])
		startsWord := i == 0 || unicode.IsSpace(prev) || prev == '(' || prev == '[' || prev == '—' || prev == '–'
		endsWord := i > 0 && !unicode.IsSpace(prev) &&
			(i+utf8.RuneLen(r) >= len(ln.s) || unicode.IsSpace(next) || unicode.IsPunct(next) && next != '\'' && next != '’')
		switch {
		case open >= 0 && r != '‘' && endsWord:
			if off-open <= maxSingleQuote {
				start := open + utf8.RuneLen(rune(x.text[open]))
				if x.text[open] >= utf8.RuneSelf {
					_, n := utf8.DecodeRuneInString(x.text[open:])
					start = open + n
				}
				added = append(added, quoteSpan{open: open, start: start, end: off, close: off + utf8.RuneLen(r), line: li})
			}
			open = -1
		case r != '’' && startsWord && (unicode.IsLetter(next) || next == '['):
			open = off
		}
	}
	if len(added) == 0 {
		return out
	}
	out = append(out, added...)
	slices.SortFunc(out[first:], func(a, b quoteSpan) int { return a.open - b.open })
	return out
}
