// Package curate is the curation tooling behind 'factcard facts extract', 'facts add'
// and 'facts add-source': it proposes the quoted passages of a source text with the
// speaker the text attributes each to, builds a fact from a quote located in its
// source, and adds facts and sources to a dataset file without disturbing the rest
// of it. It works on bytes and strings; the command reads and writes the files.
package curate

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/internal/passage"
)

// Candidate is one quoted passage of a source text, as Extract proposes it. It is a
// proposal for a person to check, never a fact.
type Candidate struct {
	// Quote is the quoted words, verbatim, without their quotation marks. A comma
	// the source puts inside the closing mark before its attribution (“…,” X said)
	// is given as a full stop for a whole sentence, as the dataset does, and left
	// out of a fragment.
	Quote string `json:"quote"`
	// Speaker is who the text attributes the words to: the name as the text gives
	// it (the fullest form the text gives, when it names them more than once), or
	// the description where it gives no name ("a senior official"). Empty when the
	// text does not clearly attribute the words; Reason then says why.
	Speaker string `json:"speaker"`
	// Mention is the words of the attribution itself, when they differ from
	// Speaker ("Rubio" for Marco Rubio).
	Mention string `json:"mention,omitempty"`
	// Role and Handle are as the text gives them, if it does.
	Role   string `json:"role,omitempty"`
	Handle string `json:"handle,omitempty"`
	// Said is the date words of the attribution as given ("Friday", "May 10, 2025").
	Said string `json:"said,omitempty"`
	// Medium is how the text says the words were delivered, if it says.
	Medium facts.Medium `json:"medium,omitempty"`
	// Before and After are the source's words around the quote in its sentence:
	// Before starts at the speaker's name when the sentence names them before the
	// quote.
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	// Fragment reports that the quote is not whole sentences (facts' rule).
	Fragment bool `json:"fragment"`
	// Offset is where the quoted words start, in characters (Unicode code points)
	// from the start of the text; ByteOffset is the same place in bytes.
	Offset     int `json:"offset"`
	ByteOffset int `json:"byte_offset"`
	// Form names the pattern that attributed the quote ("“…,” X said").
	Form string `json:"form,omitempty"`
	// Reason says why Speaker is empty, or what a curator should check.
	Reason string `json:"reason,omitempty"`
}

// quoteSpan is a quotation in the text, in byte offsets: marks at open and close.
type quoteSpan struct {
	open, start, end, close int // open mark at open, words [start,end), after the close mark at close
	line                    int // the index of its line in extractor.lines
}

// Extract proposes every quoted passage of text: each passage between quotation
// marks (curly or straight, within a paragraph) and each embedded post (a block of
// text followed by a line "— Name (@handle) Month D, YYYY"), with the speaker the
// text attributes it to. It never attributes a quote the text does not attribute:
// when unsure, Speaker is empty and Reason says why.
func Extract(text string) []Candidate {
	out, _ := ExtractContext(context.Background(), text)
	return out
}

// ExtractContext is Extract that gives up when ctx is done, with ctx's error. Its
// time and memory grow linearly with the text: each line's sentence boundaries are
// found once, and each quotation is read within a bounded window around it.
func ExtractContext(ctx context.Context, text string) ([]Candidate, error) {
	x, err := newExtractor(ctx, text)
	if err != nil {
		return nil, err
	}
	out, err := x.posts(ctx)
	if err != nil {
		return nil, err
	}
	for _, q := range x.quotes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if x.inPost(q.open) {
			continue
		}
		if c, ok := x.candidate(q); ok {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b Candidate) int { return a.ByteOffset - b.ByteOffset })
	return out, nil
}

type extractor struct {
	text     string
	folded   passage.Text
	lines    []line
	quotes   []quoteSpan
	postSpan [][2]int // byte ranges of embedded posts and their signature lines, in order

	// The sentence starts of one line, found once for all its quotations.
	boundsLine int
	bounds     []int
	// A place in the text in bytes and in characters, to count characters from.
	runeAtByte, runeCount int
	// ix indexes the names the text gives; prev is the quotation read last and
	// last the speaker named last.
	ix           *nameIndex
	prev         prevQuote
	last         lastSpeaker
	after        string // the words after the quotation being read
	beforeClause string // the clause before it, its asides blanked
	// win is where the words around the quotation being read lie; locs holds the
	// matches of each pattern over its line (see findIn).
	win      window
	locsLine int
	locs     map[*regexp.Regexp][][]int
}

// window is where the words around a quotation lie in the text: its line, and
// the byte offsets of the words before it and of the words after it.
type window struct{ line, before, after int }

func newExtractor(ctx context.Context, text string) (*extractor, error) {
	x := &extractor{text: text, folded: passage.Fold(text), lines: splitLines(text), boundsLine: -1, locsLine: -1}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x.quotes = x.findQuotes()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x.ix = buildNameIndex(x.lines)
	return x, nil
}

// closers gives each opening quotation mark the marks that close it, as the
// languages of the news write them: “…” (English, Chinese), „…“ and ‚…‘
// (German, Czech), „…” (Polish, Hungarian), «…» and ‹…› (French, Russian,
// Greek), 「…」 and 『…』 (Japanese, Chinese), and straight double quotes.
var closers = map[rune]string{
	'“': "”", '„': "“”", '‚': "‘’", '«': "»", '‹': "›", '「': "」", '『': "』", '"': `"`,
}

// findQuotes pairs quotation marks within each line (see closers), the outermost
// pair where they nest.
func (x *extractor) findQuotes() []quoteSpan {
	var out []quoteSpan
	for li, ln := range x.lines {
		open := -1
		var openMark rune
		for i, r := range ln.s {
			i += ln.start
			switch {
			case open < 0 && closers[r] != "":
				open, openMark = i, r
			case open >= 0 && strings.ContainsRune(closers[openMark], r):
				start := open + utf8.RuneLen(openMark)
				out = append(out, quoteSpan{open: open, start: start, end: i, close: i + utf8.RuneLen(r), line: li})
				open = -1
			}
		}
		out = x.singleQuotes(out, li)
	}
	return out
}

// runeOffset returns byte offset off of the text in characters. Offsets asked in
// increasing order cost what lies between them.
func (x *extractor) runeOffset(off int) int {
	if off < x.runeAtByte {
		x.runeAtByte, x.runeCount = 0, 0
	}
	x.runeCount += utf8.RuneCountInString(x.text[x.runeAtByte:off])
	x.runeAtByte = off
	return x.runeCount
}

// postSignature is the line an embedded post ends with: "— Name (@handle) May 10, 2025".
var postSignature = regexp.MustCompile(`^[ \t]*[—–-]{1,2}[ \t]*(\S.*?)[ \t]*\((@[A-Za-z0-9_]{1,15})\)[ \t]*((?:January|February|March|April|May|June|July|August|September|October|November|December) [0-9]{1,2}, [0-9]{4})[ \t]*$`)

// maxPostChars is the most a post on X holds (its limit for most accounts); lines
// above a signature belong to the post while they fit in it.
const maxPostChars = 280

// posts finds the embedded posts.
func (x *extractor) posts(ctx context.Context) ([]Candidate, error) {
	var out []Candidate
	lines := x.lines
	for li, ln := range lines {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m := postSignature.FindStringSubmatch(ln.s)
		if m == nil {
			continue
		}
		// Walk back over the lines of the post while they fit in one post.
		first, total := li, 0
		for j := li - 1; j >= 0; j-- {
			s := strings.TrimSpace(lines[j].s)
			if s == "" || postSignature.MatchString(lines[j].s) {
				break
			}
			n := utf8.RuneCountInString(s)
			if total+n > maxPostChars {
				break
			}
			total += n + 1
			first = j
		}
		c := Candidate{Speaker: strings.TrimSpace(m[1]), Handle: m[2], Said: m[3], Medium: facts.PostOnX, Form: "embedded post (— Name (@handle) date)"}
		x.postSpan = append(x.postSpan, [2]int{lines[first].start, ln.start + len(ln.s)})
		if first == li {
			c.ByteOffset = ln.start
			c.Speaker, c.Handle, c.Said, c.Medium = "", "", "", ""
			c.Reason = "a post signature with no text above it that fits in one post: find the post's text by hand"
			c.Offset = x.runeOffset(c.ByteOffset)
			out = append(out, c)
			continue
		}
		var parts []string
		for j := first; j < li; j++ {
			parts = append(parts, strings.TrimSpace(lines[j].s))
		}
		c.Quote = strings.Join(parts, " ")
		c.ByteOffset = lines[first].start + (len(lines[first].s) - len(strings.TrimLeft(lines[first].s, " \t")))
		c.Offset = x.runeOffset(c.ByteOffset)
		c.Role = x.roleOf(c.Speaker)
		c.Fragment = x.fragmentAt(c.Quote, c.ByteOffset)
		if c.Fragment {
			c.Reason = "the post's text is not whole sentences: check where it starts"
		}
		out = append(out, c)
	}
	return out, nil
}

// inPost reports whether byte offset off falls in an embedded post.
func (x *extractor) inPost(off int) bool {
	// The spans are in order and apart: the last that starts at or before off.
	i, _ := slices.BinarySearchFunc(x.postSpan, off, func(s [2]int, off int) int {
		if s[0] <= off {
			return -1
		}
		return 1
	})
	return i > 0 && off < x.postSpan[i-1][1]
}

type line struct {
	s     string
	start int
}

func splitLines(text string) []line {
	var out []line
	start := 0
	for {
		i := strings.IndexByte(text[start:], '\n')
		if i < 0 {
			out = append(out, line{text[start:], start})
			return out
		}
		out = append(out, line{text[start : start+i], start})
		start += i + 1
	}
}

// fragmentAt applies the dataset's fragment rule to quote found at byte offset off.
// It reads the text at that offset only, however often the words recur.
func (x *extractor) fragmentAt(quote string, off int) bool {
	if m, ok := x.folded.At(off, quote); ok {
		return x.folded.Fragment(m)
	}
	return true
}

// candidate proposes one quotation with its attribution.
func (x *extractor) candidate(q quoteSpan) (Candidate, bool) {
	words := x.text[q.start:q.end]
	quote := strings.TrimSpace(words)
	if quote == "" {
		return Candidate{}, false
	}
	lead := len(words) - len(strings.TrimLeft(words, " \t"))
	c := Candidate{ByteOffset: q.start + lead}
	c.Offset = x.runeOffset(c.ByteOffset)
	sStart, sEnd := x.sentence(q)
	before := x.text[sStart:q.open]
	after := x.text[q.close:sEnd]
	x.win = window{line: q.line, before: sStart, after: q.close}

	// Whether the words are whole sentences decides how a comma before the
	// closing mark is given.
	core := strings.TrimRight(quote, ",")
	trailingComma := core != quote
	c.Quote = core
	c.Fragment = x.fragmentAt(core, c.ByteOffset)
	if trailingComma && !c.Fragment {
		c.Quote = core + "."
	}
	if c.Fragment && trailingComma {
		c.Fragment = x.fragmentAt(core, c.ByteOffset)
	}

	a := x.attributeQuote(q, sStart, before, after)
	c.Form, c.Reason = a.form, a.reason
	mentionStart := -1
	if a.speaker() != "" {
		x.fillSpeaker(&c, a)
		if a.inBefore && a.ref.at >= 0 && a.ref.at <= len(before) {
			// Start the context at the name, not at the role before it.
			mentionStart = sStart + a.ref.at
		}
	}
	x.prev = prevQuote{ok: true, q: q, sentStart: sStart, att: a}
	switch {
	case c.Speaker != "":
		x.last = lastSpeaker{name: c.Speaker, desc: a.ref.desc, org: a.ref.org, line: q.line, close: q.close}
	case a.form != "":
		x.last = lastSpeaker{} // someone the text does not clearly name spoke since
	}
	if c.Said == "" {
		c.Said = x.dateWords(before, after)
	}
	if c.Medium == "" {
		c.Medium = x.mediumOf(before, after)
	}
	// Context: the sentence around the quote, from the speaker's name when the
	// sentence names them before it.
	from := sStart
	if mentionStart >= 0 {
		from = mentionStart
	}
	c.Before = strings.TrimSpace(x.text[from:q.open])
	c.After = strings.TrimSpace(after)
	if strings.IndexFunc(c.After, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
		c.After = "" // only the sentence's full stop
	}
	return c, true
}

// maxWindow bounds, in characters, the words read on either side of a quotation
// for its attribution and context: the dataset's limit on a context, so no
// context a fact could hold is cut, and a sentence as long as a whole document
// costs no more than an ordinary one.
const maxWindow = facts.MaxContextChars

// sentence returns the byte range of the sentence that holds quotation q, within
// its line and at most maxWindow characters either side of it: sentence ends
// inside other quotations do not count.
func (x *extractor) sentence(q quoteSpan) (int, int) {
	ln := x.lines[q.line]
	if x.boundsLine != q.line {
		x.boundsLine, x.bounds = q.line, x.boundaries(q.line)
	}
	start, end := ln.start, ln.start+len(ln.s)
	// The last boundary at or before the opening mark, the first at or after the close.
	i, _ := slices.BinarySearch(x.bounds, q.open+1)
	if i > 0 {
		start = x.bounds[i-1]
	}
	if j, _ := slices.BinarySearch(x.bounds, q.close); j < len(x.bounds) && x.bounds[j] < end {
		end = x.bounds[j]
	}
	return max(start, x.windowStart(q.open)), min(end, x.windowEnd(q.close))
}

// windowStart returns where the maxWindow characters before byte offset off
// start, moved on to the next word when that cuts one.
func (x *extractor) windowStart(off int) int {
	p := off
	for n := 0; n < maxWindow && p > 0; n++ {
		_, size := utf8.DecodeLastRuneInString(x.text[:p])
		p -= size
	}
	if p == 0 {
		return 0
	}
	if i := strings.IndexFunc(x.text[p:off], unicode.IsSpace); i >= 0 {
		return p + i
	}
	return off
}

// windowEnd returns where the maxWindow characters after byte offset off end,
// moved back to the end of the last whole word when that cuts one.
func (x *extractor) windowEnd(off int) int {
	p := off
	for n := 0; n < maxWindow && p < len(x.text); n++ {
		_, size := utf8.DecodeRuneInString(x.text[p:])
		p += size
	}
	if p == len(x.text) {
		return p
	}
	if i := strings.LastIndexFunc(x.text[off:p], unicode.IsSpace); i >= 0 {
		return off + i
	}
	return off
}

// findIn returns the matches of re within s, the words before (at ==
// x.win.before) or after (at == x.win.after) the quotation being read, as
// re.FindAllStringSubmatchIndex(s, -1) gives them, offsets in s. The matches are
// found once over the whole line, so the overlapping windows of many quotations
// on one line cost no more than the line: unanchored patterns over the words
// around a quotation go through here (an anchored one may run on the window).
func (x *extractor) findIn(re *regexp.Regexp, at int, s string) [][]int {
	if x.locsLine != x.win.line {
		x.locsLine, x.locs = x.win.line, make(map[*regexp.Regexp][][]int)
	}
	locs, ok := x.locs[re]
	if !ok {
		ln := x.lines[x.win.line]
		locs = re.FindAllStringSubmatchIndex(ln.s, -1)
		for _, l := range locs {
			for k := range l {
				if l[k] >= 0 {
					l[k] += ln.start
				}
			}
		}
		x.locs[re] = locs
	}
	i, _ := slices.BinarySearchFunc(locs, at, func(l []int, at int) int { return l[0] - at })
	for i > 0 && locs[i-1][0] >= at {
		i--
	}
	var out [][]int
	for ; i < len(locs) && locs[i][1] <= at+len(s); i++ {
		rel := make([]int, len(locs[i]))
		for k, v := range locs[i] {
			rel[k] = -1
			if v >= 0 {
				rel[k] = v - at
			}
		}
		out = append(out, rel)
	}
	return out
}

// abbreviations end in a full stop that does not end a sentence.
var abbreviations = map[string]bool{"Dr": true, "Mr": true, "Mrs": true, "Ms": true, "St": true, "Gen": true,
	"Sen": true, "Rep": true, "Gov": true, "Prof": true, "Lt": true, "Col": true, "Capt": true, "No": true,
	"vs": true, "Jr": true, "Sr": true, "Mt": true, "Inc": true, "Ltd": true, "Co": true}

// boundaries returns the byte offsets in line li where a sentence starts, in
// order: after a sentence mark (and any closing marks) and white space, outside
// quotations.
func (x *extractor) boundaries(li int) []int {
	var out []int
	s := x.text
	lo, hi := x.lines[li].start, x.lines[li].start+len(x.lines[li].s)
	// The line's quotations, in order: qi is the first that does not end before i.
	qi, _ := slices.BinarySearchFunc(x.quotes, li, func(q quoteSpan, li int) int { return q.line - li })
	inQuote := func(i int) bool {
		for qi < len(x.quotes) && x.quotes[qi].line == li && x.quotes[qi].end <= i {
			qi++
		}
		return qi < len(x.quotes) && x.quotes[qi].line == li && i >= x.quotes[qi].start && i < x.quotes[qi].end
	}
	for i := lo; i < hi; {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !passage.EndsSentence(r) || inQuote(i) && !x.endsQuotedSentence(li, i, size) {
			i += size
			continue
		}
		// The word before the full stop: an abbreviation is a few bytes long, so a
		// few more than that, from a character's start, show it whole.
		from := max(lo, i-16)
		for from < i && !utf8.RuneStart(s[from]) {
			from++
		}
		if r == '.' && abbreviated(s[from:i]) {
			i += size
			continue
		}
		j := i + size
		for j < hi {
			r2, n := utf8.DecodeRuneInString(s[j:])
			if passage.IsMark(passage.FoldMark(r2)) || r2 == ')' {
				j += n
				continue
			}
			break
		}
		if j < hi {
			r2, _ := utf8.DecodeRuneInString(s[j:])
			// Chinese and Japanese put no space after a sentence.
			if !unicode.IsSpace(r2) && !passage.EndsSentenceUnspaced(r) {
				i = j
				continue
			}
			for j < hi {
				r2, n := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsSpace(r2) {
					break
				}
				j += n
			}
		}
		out = append(out, j)
		i = j
	}
	return out
}

// abbreviated reports whether the word just before a full stop is an abbreviation
// or an initial ("Dr", "S").
func abbreviated(before string) bool {
	i := strings.LastIndexFunc(before, func(r rune) bool { return !unicode.IsLetter(r) })
	word := before[i+1:]
	if abbreviations[word] {
		return true
	}
	r, n := utf8.DecodeRuneInString(word)
	return n == len(word) && unicode.IsUpper(r)
}

var connectors = map[string]bool{"of": true, "the": true, "for": true, "and": true, "on": true, "de": true, "al": true}

var determiners = map[string]bool{"the": true, "a": true, "an": true}

// roleWords are the titles a text puts in front of a name.
var roleWords = map[string]bool{"minister": true, "secretary": true, "spokesperson": true, "spokesman": true,
	"spokeswoman": true, "president": true, "chief": true, "general": true, "adviser": true, "advisor": true,
	"ambassador": true, "official": true, "officials": true, "director": true, "governor": true, "senator": true,
	"leader": true, "officer": true, "commissioner": true, "chancellor": true, "envoy": true, "mayor": true,
	"chair": true, "chairman": true, "chairwoman": true, "premier": true, "judge": true, "editor": true,
	"analyst": true, "professor": true, "lawmaker": true, "representative": true, "deputy": true, "head": true,
	"commander": true, "captain": true, "colonel": true, "prime": true, "king": true, "queen": true, "mp": true,
	"correspondent": true, "councillor": true, "councilor": true, "vice": true, "engineer": true,
	"critic": true, "producer": true, "manager": true, "economist": true, "expert": true, "scientist": true,
	"doctor": true, "lawyer": true, "activist": true, "researcher": true, "founder": true, "owner": true}

func roleWord(lw string) bool { return roleWords[strings.Trim(lw, ".,")] }

func allUpper(words []string) bool {
	if len(words) == 0 {
		return false
	}
	for _, w := range words {
		if !startsUpper(w) && !connectors[strings.ToLower(w)] {
			return false
		}
	}
	return true
}

func startsUpper(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r) || r == '@'
}

func isInitial(w string) bool {
	w = strings.TrimSuffix(w, ".")
	r, n := utf8.DecodeRuneInString(w)
	return n == len(w) && unicode.IsUpper(r)
}

// titles go with a name, not a role.
var titles = map[string]bool{"Dr.": true, "Dr": true, "Mr.": true, "Mr": true, "Mrs.": true, "Ms.": true, "Ms": true, "Prof.": true}

// splitRole splits a phrase such as "US Secretary of State Marco Rubio" into its role
// ("US Secretary of State") and name ("Marco Rubio"). A phrase with no title word is
// all name; one that starts with a determiner and names no one is a description.
func splitRole(phrase string) (role, name string, description bool) {
	words := strings.Fields(phrase)
	if len(words) > 0 && determiners[strings.ToLower(words[0])] {
		// "the President", "a senior official": a description, unless a name follows
		// the title ("the spokesperson Tammy Bruce").
		last := -1
		for i, w := range words {
			if roleWord(strings.ToLower(w)) {
				last = i
			}
		}
		if last == len(words)-1 || last < 0 && !allUpper(words[1:]) {
			return "", phrase, true
		}
		words = words[1:]
	}
	last := -1
	for i, w := range words {
		if roleWord(strings.ToLower(w)) {
			last = i
		}
	}
	if last < 0 {
		return "", strings.Join(words, " "), false
	}
	if last == len(words)-1 {
		return "", strings.Join(words, " "), true
	}
	cut := last + 1
	// "Secretary of State Marco Rubio": "of" and what follows belong to the role,
	// all but the last two words (the name).
	if cut < len(words) && strings.ToLower(words[cut]) == "of" {
		rest := len(words) - cut - 1
		keep := 2
		if rest > 2 && isInitial(words[len(words)-2]) {
			keep = 2
		}
		cut = max(cut+1, len(words)-keep)
		if cut > len(words)-1 {
			cut = len(words) - 1
		}
	}
	for cut < len(words) && titles[words[cut]] {
		break
	}
	return strings.Join(words[:cut], " "), strings.Join(words[cut:], " "), false
}

// fillSpeaker sets the candidate's speaker, role and mention from an attribution.
func (x *extractor) fillSpeaker(c *Candidate, a attribution) {
	c.Speaker = a.ref.name
	if a.ref.desc {
		c.Reason = joinReason(c.Reason, "the text gives a description, not a name")
		return
	}
	c.Mention = a.mention
	if !a.ref.desc && !strings.Contains(a.ref.role, ",") {
		// "The fixture minister of Norland" before "Ana Lenz": her role, without its article.
		role := a.ref.role
		if w, rest, ok := strings.Cut(role, " "); ok && determiners[strings.ToLower(w)] {
			role = rest
		}
		c.Role = role
	}
	if c.Role == "" || strings.ContainsAny(c.Role, ",;") {
		c.Role = x.roleOf(c.Speaker)
	}
}

func joinReason(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// roleOf returns the role the text gives the named speaker anywhere, if it gives
// exactly one.
func (x *extractor) roleOf(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	roles := x.ix.roleText[foldKey(f[len(f)-1])]
	if len(roles) == 1 {
		return roles[0]
	}
	return ""
}

func sameSpeaker(a, b string) bool {
	_, na, _ := splitRole(a)
	_, nb, _ := splitRole(b)
	fa, fb := strings.Fields(na), strings.Fields(nb)
	return len(fa) > 0 && len(fb) > 0 && fa[len(fa)-1] == fb[len(fb)-1]
}

var (
	weekday     = `(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)`
	month       = `(?:January|February|March|April|May|June|July|August|September|October|November|December)`
	dateWordsRE = regexp.MustCompile(`\b(?:` + month + ` [0-9]{1,2}, [0-9]{4}|[0-9]{1,2} ` + month + ` [0-9]{4}|` +
		weekday + `(?: (?:morning|afternoon|evening|night))?|(?:this|last|yesterday) (?:morning|afternoon|evening|night)|yesterday|today|tonight)\b`)
)

// dateWords returns the first date words around the quotation being read, as
// given: in before, else in after.
func (x *extractor) dateWords(before, after string) string {
	if m := x.findIn(dateWordsRE, x.win.before, before); len(m) > 0 {
		return before[m[0][0]:m[0][1]]
	}
	if m := x.findIn(dateWordsRE, x.win.after, after); len(m) > 0 {
		return after[m[0][0]:m[0][1]]
	}
	return ""
}

var media = []struct {
	re *regexp.Regexp
	m  facts.Medium
}{
	{regexp.MustCompile(`(?i)\bbriefing\b`), facts.Briefing},
	{regexp.MustCompile(`(?i)\btold reporters\b|\bto reporters\b`), facts.RemarksToReporters},
	{regexp.MustCompile(`(?i)\bposted on X\b|\btweeted\b|\bon X\b|\bon Twitter\b`), facts.PostOnX},
	{regexp.MustCompile(`(?i)\bphone (?:conversation|call)\b|\bon a call\b|\bcall with\b`), facts.PhoneCall},
	{regexp.MustCompile(`(?i)\bstatement\b`), facts.Statement},
}

// mediumOf says how the words around the quotation being read say it was
// delivered.
func (x *extractor) mediumOf(before, after string) facts.Medium {
	for _, m := range media {
		if len(x.findIn(m.re, x.win.before, before)) > 0 || len(x.findIn(m.re, x.win.after, after)) > 0 {
			return m.m
		}
	}
	return ""
}

// endsQuotedSentence reports whether the sentence mark at byte i (size bytes) of
// line li ends the words of a quotation and the sentence around it: a capital
// letter or a new quotation follows the closing mark (“… is complete.” The
// minister …), not its attribution (“… is complete,” she said).
func (x *extractor) endsQuotedSentence(li, i, size int) bool {
	ln := x.lines[li]
	end := ln.start + len(ln.s)
	j := i + size
	if j >= end {
		return false
	}
	r, n := utf8.DecodeRuneInString(x.text[j:])
	if !passage.IsMark(passage.FoldMark(r)) {
		return false
	}
	j += n
	sp := j
	for j < end {
		r, n := utf8.DecodeRuneInString(x.text[j:])
		if !unicode.IsSpace(r) {
			break
		}
		j += n
	}
	if j == sp || j >= end {
		return false
	}
	r, _ = utf8.DecodeRuneInString(x.text[j:])
	return unicode.IsUpper(r) || passage.IsMark(passage.FoldMark(r))
}
