// Package passage finds quoted words in a source text the way the dataset's
// provenance rule allows: verbatim, up to quotation-mark style and white space. It is
// shared by the dataset loader (which checks facts) and the curation tools (which
// propose and add them), so both apply one rule.
package passage

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text is a source text folded for comparison: every quotation mark becomes " (or '
// for single marks and apostrophes), and every run of white space one space. It keeps
// a map back to the original, so a match can be reported in the source's own words.
type Text struct {
	// Orig is the text as given.
	Orig string
	// Folded is the text with marks and white space folded.
	Folded string
	// off[i] is the offset in Orig of the rune that Folded byte i came from;
	// off[len(Folded)] is len(Orig) (or where trailing white space began). Four
	// bytes an offset: texts are documents of a few megabytes at most.
	off []int32
}

// Fold folds s for comparison. Leading and trailing white space is dropped.
func Fold(s string) Text {
	var b strings.Builder
	b.Grow(len(s))
	off := make([]int32, 0, len(s)+1)
	space, runStart := false, 0
	for i, r := range s {
		if unicode.IsSpace(r) {
			if b.Len() > 0 && !space {
				space, runStart = true, i
			}
			continue
		}
		if space {
			b.WriteByte(' ')
			off = append(off, int32(runStart))
			space = false
		}
		r = FoldMark(r)
		n := utf8.RuneLen(r)
		if n < 0 {
			n = 3 // U+FFFD for an invalid byte
			r = utf8.RuneError
		}
		b.WriteRune(r)
		for range n {
			off = append(off, int32(i))
		}
	}
	end := len(s)
	if len(off) > 0 {
		// End just after the last rune that was kept.
		last := int(off[len(off)-1])
		_, size := utf8.DecodeRuneInString(s[last:])
		end = last + size
	}
	off = append(off, int32(end))
	return Text{Orig: s, Folded: b.String(), off: off}
}

// FoldString returns only the folded form of s.
func FoldString(s string) string { return Fold(s).Folded }

// FoldMark maps every double quotation mark to " and every single one (and the
// typographic apostrophe) to '. Other runes are returned unchanged.
func FoldMark(r rune) rune {
	switch r {
	case '“', '”', '„', '‟', '«', '»', '″', '〝', '〞', '＂', '「', '」':
		return '"'
	case '‘', '’', '‚', '‛', '‹', '›', '′', '＇', '『', '』':
		return '\''
	}
	return r
}

// IsMark reports whether the folded rune r is a quotation mark.
func IsMark(r rune) bool { return r == '"' || r == '\'' }

// OrigOffset returns the offset in the original text of folded offset i.
func (t Text) OrigOffset(i int) int {
	i = min(max(i, 0), len(t.off)-1)
	return int(t.off[i])
}

// Match is one occurrence of a quote in a Text, in folded offsets: the quote's
// words are Folded[Start:End].
type Match struct {
	Start, End int
	// Comma reports that the quote's final full stop stands for the source's comma
	// ("…lower tensions,” Bruce said" curated as "…lower tensions."): End is then
	// the offset of that comma.
	Comma bool
}

// Find returns every occurrence of quote in t, up to quotation-mark style and white
// space, that starts and ends on a word boundary. A quote that ends in a full stop
// also matches where the source has a comma in its place followed by a closing
// quotation mark: the one change the dataset allows, for a quote whose sentence the
// source runs on into its attribution.
func (t Text) Find(quote string) []Match {
	q := FoldString(quote)
	if q == "" {
		return nil
	}
	var out []Match
	for _, i := range indexAll(t.Folded, q) {
		if t.boundary(i, i+len(q)) {
			out = append(out, Match{Start: i, End: i + len(q)})
		}
	}
	if strings.HasSuffix(q, ".") && len(q) > 1 {
		core := q[:len(q)-1]
		for _, i := range indexAll(t.Folded, core+",") {
			end := i + len(core)
			if t.boundary(i, end) && t.closesAfter(end+1) {
				out = append(out, Match{Start: i, End: end, Comma: true})
			}
		}
	}
	return out
}

// closesAfter reports whether a closing quotation mark follows offset i, after
// white space.
func (t Text) closesAfter(i int) bool {
	for i < len(t.Folded) && t.Folded[i] == ' ' {
		i++
	}
	return i < len(t.Folded) && IsMark(rune(t.Folded[i]))
}

func indexAll(s, sub string) []int {
	var out []int
	for from := 0; ; {
		i := strings.Index(s[from:], sub)
		if i < 0 {
			return out
		}
		out = append(out, from+i)
		from += i + 1
	}
}

// boundary reports whether Folded[start:end] starts and ends on word boundaries:
// no word runs on across either edge. Where a script writes its words without
// spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar: 「は2025年」), where
// letters change script, and before a Korean particle joined
// to a name (김 장관은), the edge may fall between two letters.
func (t Text) boundary(start, end int) bool {
	if start > 0 {
		before, _ := utf8.DecodeLastRuneInString(t.Folded[:start])
		first, _ := utf8.DecodeRuneInString(t.Folded[start:])
		if isWord(before) && isWord(first) && !wordsMeet(before, first) {
			return false
		}
	}
	if end < len(t.Folded) {
		last, _ := utf8.DecodeLastRuneInString(t.Folded[:end])
		after, _ := utf8.DecodeRuneInString(t.Folded[end:])
		if isWord(last) && isWord(after) && !wordsMeet(last, after) && !koreanParticle(t.Folded[end:]) {
			return false
		}
	}
	return true
}

// unspaced are the scripts that write their words without spaces between them.
var unspaced = []*unicode.RangeTable{unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar}

// wordsMeet reports whether two word characters side by side may still end one
// word and start another: either is of a script written without spaces, or
// they are letters of different scripts.
func wordsMeet(a, b rune) bool {
	for _, sc := range unspaced {
		if unicode.Is(sc, a) || unicode.Is(sc, b) {
			return true
		}
	}
	sa, sb := scriptOf(a), scriptOf(b)
	return sa != "" && sb != "" && sa != sb
}

// scriptOf names the script of a letter well enough to tell a change of script;
// "" for digits and combining marks, which go with any.
func scriptOf(r rune) string {
	if unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) {
		return ""
	}
	for name, table := range scriptTables {
		if unicode.Is(table, r) {
			return name
		}
	}
	return "other"
}

// scriptTables are the scripts scriptOf tells apart.
var scriptTables = map[string]*unicode.RangeTable{
	"Latin": unicode.Latin, "Cyrillic": unicode.Cyrillic, "Greek": unicode.Greek, "Hangul": unicode.Hangul,
	"Arabic": unicode.Arabic, "Hebrew": unicode.Hebrew, "Devanagari": unicode.Devanagari,
}

// koreanParticles are the particles Korean joins to a name or noun.
var koreanParticles = []string{"은", "는", "이", "가", "의", "께서", "에게", "도", "을", "를"}

// koreanParticle reports whether s starts with a Korean particle that ends its
// word.
func koreanParticle(s string) bool {
	for _, p := range koreanParticles {
		if rest, ok := strings.CutPrefix(s, p); ok {
			r, _ := utf8.DecodeRuneInString(rest)
			if rest == "" || !isWord(r) {
				return true
			}
		}
	}
	return false
}

func isWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// Before reports whether the source's words directly before m, past any white space
// and opening quotation marks, are exactly before (folded), starting on a word
// boundary. An empty before always matches.
func (t Text) Before(m Match, before string) bool {
	b := FoldString(before)
	if b == "" {
		return true
	}
	p := m.Start
	for p > 0 && (t.Folded[p-1] == ' ' || IsMark(rune(t.Folded[p-1]))) {
		p--
	}
	if !strings.HasSuffix(t.Folded[:p], b) {
		return false
	}
	return t.boundary(p-len(b), p)
}

// After reports whether the source's words directly after m, past any closing
// quotation marks and white space, are exactly after (folded), ending on a word
// boundary. A comma the source puts inside the closing mark ("to de-escalate,” even
// as") may be left out of after, as it belongs to the sentence around the quote.
// An empty after always matches.
func (t Text) After(m Match, after string) bool {
	a := FoldString(after)
	if a == "" {
		return true
	}
	p := m.End
	if m.Comma {
		p++ // the comma the quote's full stop stands for
	}
	skip := func(p int) int {
		for p < len(t.Folded) && (t.Folded[p] == ' ' || IsMark(rune(t.Folded[p]))) {
			p++
		}
		return p
	}
	try := func(p int) bool {
		return strings.HasPrefix(t.Folded[p:], a) && t.boundary(p, p+len(a))
	}
	if try(skip(p)) {
		return true
	}
	// The comma inside the closing mark: “de-escalate,” even as. It may be left out
	// of after, or given as after's first character.
	if !m.Comma && p < len(t.Folded) && t.Folded[p] == ',' && t.closesAfter(p+1) {
		q := skip(p + 1)
		if try(q) {
			return true
		}
		if rest, ok := strings.CutPrefix(a, ","); ok {
			rest = strings.TrimLeft(rest, " ")
			return strings.HasPrefix(t.Folded[q:], rest) && t.boundary(q, q+len(rest))
		}
	}
	return false
}

// sentenceEnd lists the marks that end a sentence: Latin's (also Cyrillic's and
// Greek's), the Devanagari danda (Bengali's and Oriya's too), the Arabic full stop
// and question mark, Armenian's full stop, the ideographic
// and full-width marks of Chinese and Japanese, and the full stops of Ethiopic,
// Myanmar, Tibetan and Sinhala. (Greek's question mark is a semicolon once
// normalised, so it cannot be told from one.)
const sentenceEnd = ".!?…।॥۔؟։。．！？｡‼⁇⁈⁉።፧။།෴"

// unspacedEnd lists the sentence marks after which no space comes: those of
// Chinese and Japanese.
const unspacedEnd = "。．！？｡"

// EndsSentence reports whether r is a mark that ends a sentence.
func EndsSentence(r rune) bool { return strings.ContainsRune(sentenceEnd, r) }

// EndsSentenceUnspaced reports whether r ends a sentence in a script that puts no
// space after it (Chinese, Japanese).
func EndsSentenceUnspaced(r rune) bool { return strings.ContainsRune(unspacedEnd, r) }

// Fragment reports whether the quote at m is a fragment: not one or more whole
// sentences as the source gives them. The rule, applied to the source's own text:
//
//   - A quote starts a sentence when nothing but white space and quotation marks
//     stands between it and the start of the text, a line break, or a mark that ends
//     a sentence or a colon (. ! ? … । ۔ ؟ :).
//   - A quote ends a sentence when its last character is one of those marks (the
//     colon excepted), or when the source follows its words with a comma and a
//     closing quotation mark, the form “…,” X said, in which the comma stands for
//     the full stop.
//
// A quote that does not both start and end a sentence is a fragment, with two
// conventions of other languages:
//
//   - A sentence ends after the closing quotation mark, where the source puts its
//     full stop there (Russian, Greek, French: «…».), or a comma and a dash there
//     (Russian: «…», — сказал он).
//   - A quote that fills its quotation marks is a whole utterance in Japanese and
//     Chinese brackets (「…」, 『…』: they often drop the 。 before 」), and where a
//     quotative follows its closing mark, as Korean, Tamil and Amharic report
//     speech (“…”라고 말했다, “…” என்று கூறினார், “…” ብለዋል).
func (t Text) Fragment(m Match) bool {
	if t.wholeUtterance(m) {
		return false
	}
	return !t.startsSentence(m) || !t.endsSentence(m)
}

// quotatives are the words that report a quoted utterance after it: Korean
// particles (joined to the closing mark), Tamil's என்று and Amharic's ብሎ forms.
var quotatives = []string{"என்று", "என ", "ብለዋል", "ብሏል", "ብላለች", "ብለው", "ሲሉ", "በማለት"}

// wholeUtterance reports whether the quote at m fills its quotation marks and
// they are CJK brackets or a quotative follows them.
func (t Text) wholeUtterance(m Match) bool {
	p := m.Start
	for p > 0 && t.Folded[p-1] == ' ' {
		p--
	}
	if p == 0 || !IsMark(rune(t.Folded[p-1])) {
		return false
	}
	q := m.End
	for q < len(t.Folded) && t.Folded[q] == ' ' {
		q++
	}
	if q == len(t.Folded) || !IsMark(rune(t.Folded[q])) {
		return false
	}
	open, _ := utf8.DecodeRuneInString(t.Orig[t.OrigOffset(p-1):])
	closing, size := utf8.DecodeRuneInString(t.Orig[t.OrigOffset(q):])
	if strings.ContainsRune("「『", open) && strings.ContainsRune("」』", closing) {
		return true
	}
	rest := t.Orig[t.OrigOffset(q)+size:]
	if strings.HasPrefix(rest, "라고") || strings.HasPrefix(rest, "이라고") || strings.HasPrefix(rest, "고 ") {
		return true // Korean particles join the closing mark
	}
	rest = strings.TrimLeft(rest, " \t")
	for _, w := range quotatives {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	return false
}

func (t Text) startsSentence(m Match) bool {
	p := m.Start
	for p > 0 && (t.Folded[p-1] == ' ' || IsMark(rune(t.Folded[p-1]))) {
		p--
	}
	if p == 0 {
		return true
	}
	if strings.ContainsRune(t.Orig[t.OrigOffset(p):t.OrigOffset(m.Start)], '\n') {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(t.Folded[:p])
	return r == ':' || r == '：' || strings.ContainsRune(sentenceEnd, r)
}

func (t Text) endsSentence(m Match) bool {
	if m.Comma {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(t.Folded[m.Start:m.End])
	if strings.ContainsRune(sentenceEnd, last) || last == ',' && t.closesAfter(m.End) {
		return true
	}
	if m.End < len(t.Folded) && t.Folded[m.End] == ',' && t.closesAfter(m.End+1) {
		return true
	}
	// The sentence's mark after the closing quotation mark: «…». or «…», — X.
	p := m.End
	for p < len(t.Folded) && t.Folded[p] == ' ' {
		p++
	}
	if p == len(t.Folded) || !IsMark(rune(t.Folded[p])) {
		return false
	}
	for p < len(t.Folded) && IsMark(rune(t.Folded[p])) {
		p++
	}
	r, size := utf8.DecodeRuneInString(t.Folded[p:])
	if strings.ContainsRune(sentenceEnd, r) {
		return true
	}
	if r != ',' {
		return false
	}
	rest := strings.TrimLeft(t.Folded[p+size:], " ")
	return strings.HasPrefix(rest, "—") || strings.HasPrefix(rest, "–")
}

// Span returns the original text of folded offsets [start, end).
func (t Text) Span(start, end int) string {
	return t.Orig[t.OrigOffset(start):t.OrigOffset(end)]
}

// At returns the match of quote that starts at byte offset orig of the original
// text (or at the first folded character after it), if quote is there and starts
// and ends on word boundaries. It reads only the text at that place, however often
// the words recur elsewhere.
func (t Text) At(orig int, quote string) (Match, bool) {
	q := FoldString(quote)
	if q == "" {
		return Match{}, false
	}
	// off is in order: the first folded byte that comes from orig or after it.
	i, _ := slices.BinarySearch(t.off[:len(t.off)-1], int32(orig))
	if !strings.HasPrefix(t.Folded[i:], q) || !t.boundary(i, i+len(q)) {
		return Match{}, false
	}
	return Match{Start: i, End: i + len(q)}, true
}
