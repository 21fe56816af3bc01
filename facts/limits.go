package facts

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on each text field, in characters. They are far above anything a card can
// show (the renderer refuses a quote that does not fit long before 1,000
// characters) and far below what would make loading slow: a field over its limit is
// refused from the length of its JSON, before it is decoded.
// MaxQuoteChars and MaxContextChars bound a fact's quote and each side of its
// context, in characters.
const (
	MaxQuoteChars   = 1000
	MaxContextChars = 500
)

var (
	factLimits = map[string]int{
		"quote": MaxQuoteChars, "context.before": MaxContextChars, "context.after": MaxContextChars, "note": 2000,
		"speaker.name": 120, "speaker.role": 200, "speaker.handle": 64,
		"said.as_given": 120, "said.note": 1000,
	}
	sourceLimits = map[string]int{
		"headline": 300, "publisher": 200, "url": 2048, "note": 2000,
		"published.as_given": 120, "published.note": 1000,
		"retrieved.as_given": 120, "retrieved.note": 1000,
	}
)

// defaultLimit bounds every other string (IDs, dates, names of languages and media,
// unknown fields): their own checks give the precise message for anything up to it.
const defaultLimit = 1000

// overLimit walks one JSON object and reports every string longer than the limit for
// its path, without decoding strings that are certainly too long: a character takes
// at most 12 bytes of JSON (a surrogate pair of \u escapes), so a string of more than
// 12×limit+2 bytes is refused from its length alone.
func overLimit(raw json.RawMessage, limits map[string]int, prefix string) []fieldProblem {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return nil // not an object: strict decoding says what is wrong
	}
	var ps []fieldProblem
	for key, v := range obj {
		path := prefix + key
		v = json.RawMessage(strings.TrimSpace(string(v)))
		if len(v) == 0 {
			continue
		}
		switch v[0] {
		case '{':
			ps = append(ps, overLimit(v, limits, path+".")...)
		case '[':
			var items []json.RawMessage
			if json.Unmarshal(v, &items) == nil {
				for _, item := range items {
					if p, ok := stringOverLimit(item, limitFor(limits, path)); ok {
						ps = append(ps, fieldProblem{path, p})
					}
				}
			}
		case '"':
			if p, ok := stringOverLimit(v, limitFor(limits, path)); ok {
				ps = append(ps, fieldProblem{path, p})
			}
		}
	}
	// Map order is random; report in a stable order.
	sortProblems(ps)
	return ps
}

func limitFor(limits map[string]int, path string) int {
	if n, ok := limits[path]; ok && n > 0 {
		return n
	}
	return defaultLimit
}

func stringOverLimit(v json.RawMessage, limit int) (string, bool) {
	if len(v) == 0 || v[0] != '"' {
		return "", false
	}
	msg := fmt.Sprintf("longer than %d characters, the limit for this field", limit)
	if len(v) > 12*limit+2 {
		return msg, true
	}
	s, err := strconv.Unquote(string(v))
	if err != nil {
		var u string
		if json.Unmarshal(v, &u) != nil {
			return "", false
		}
		s = u
	}
	if utf8.RuneCountInString(s) > limit {
		return msg, true
	}
	return "", false
}

func sortProblems(ps []fieldProblem) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Field < ps[j-1].Field; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// allowedFormat lists the format characters (Unicode category Cf) a text field may
// hold: the zero width non-joiner and joiner, which Hindi and Urdu spelling needs to
// choose a letter's form. They change how letters join, never the order of words.
var allowedFormat = map[rune]bool{'\u200c': true, '\u200d': true}

// formatNames names the format characters most likely to be smuggled into a text.
var formatNames = map[rune]string{
	'\u202a': "LEFT-TO-RIGHT EMBEDDING", '\u202b': "RIGHT-TO-LEFT EMBEDDING",
	'\u202c': "POP DIRECTIONAL FORMATTING", '\u202d': "LEFT-TO-RIGHT OVERRIDE",
	'\u202e': "RIGHT-TO-LEFT OVERRIDE", '\u2066': "LEFT-TO-RIGHT ISOLATE",
	'\u2067': "RIGHT-TO-LEFT ISOLATE", '\u2068': "FIRST STRONG ISOLATE",
	'\u2069': "POP DIRECTIONAL ISOLATE", '\u200e': "LEFT-TO-RIGHT MARK",
	'\u200f': "RIGHT-TO-LEFT MARK", '\u061c': "ARABIC LETTER MARK",
	'\u200b': "ZERO WIDTH SPACE", '\u2060': "WORD JOINER", '\ufeff': "ZERO WIDTH NO-BREAK SPACE",
	'\u00ad': "SOFT HYPHEN",
}

// isForbiddenFormat reports whether r is a format character a text field may not hold.
func isForbiddenFormat(r rune) bool {
	return unicode.Is(unicode.Cf, r) && !allowedFormat[r]
}

// textProblem checks one text field: valid UTF-8, no control characters, no bidi
// controls or other invisible format characters, no leading or trailing space,
// and within its limit. It returns "" when the text is fine.
func textProblem(value string, limit int) string {
	switch {
	case strings.ContainsRune(value, utf8.RuneError):
		return "contains invalid UTF-8 (or U+FFFD)"
	case strings.IndexFunc(value, unicode.IsControl) >= 0:
		return fmt.Sprintf("contains a control character %U", firstRune(value, unicode.IsControl))
	case strings.IndexFunc(value, isForbiddenFormat) >= 0:
		r := firstRune(value, isForbiddenFormat)
		name := ""
		if n, ok := formatNames[r]; ok {
			name = " (" + n + ")"
		}
		return fmt.Sprintf("contains the invisible format character %U%s: bidi controls and format characters can make a card show words in another order than the source's", r, name)
	case strings.TrimSpace(value) != value:
		return "has leading or trailing space"
	case limit > 0 && utf8.RuneCountInString(value) > limit:
		return fmt.Sprintf("longer than %d characters, the limit for this field", limit)
	}
	return ""
}
