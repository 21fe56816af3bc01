package curate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/internal/passage"
)

// InputError is a mistake in what the curator asked for: the message says what to do.
// The command exits 2 on it and writes nothing.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func inputf(format string, args ...any) error { return &InputError{fmt.Sprintf(format, args...)} }

// AddRequest is what a curator gives 'factcard facts add'. Empty fields are filled
// from what the source text gives.
type AddRequest struct {
	SourceID string
	Quote    string
	ID       string
	Speaker  string
	Role     string
	Handle   string
	Kind     facts.SpeakerKind
	// Said is the date words as the source gives them ("Friday", "this morning",
	// "May 10, 2025"), or "unknown".
	Said     string
	SaidNote string
	Medium   facts.Medium
	Language string
	// Before and After, when not nil, set the context explicitly.
	Before, After *string
	Note          string
	// TrustSpeaker takes Speaker even where the text attributes the quote to
	// someone else.
	TrustSpeaker bool
}

// BuildFact finds req.Quote in the document of its source (doc) and returns the fact
// to add, filled in from what the text gives: speaker, role, handle, fragment,
// context, date words resolved against the source's date, and medium. It checks
// nothing of the rest of the dataset beyond IDs and duplicates; the caller loads the
// new dataset to validate it. It gives up when ctx is done, with ctx's error.
func BuildFact(ctx context.Context, d *facts.Dataset, src facts.Source, doc string, req AddRequest) (facts.Fact, error) {
	quote := strings.TrimSpace(req.Quote)
	quote = strings.TrimFunc(quote, func(r rune) bool { return passage.IsMark(passage.FoldMark(r)) && r != '\'' && r != '’' })
	quote = strings.TrimSpace(quote)
	if quote == "" {
		return facts.Fact{}, inputf("--quote is empty: give the quoted words exactly as the source gives them")
	}
	if n := utf8.RuneCountInString(quote); n > facts.MaxQuoteChars {
		return facts.Fact{}, inputf("--quote is %d characters long, more than a fact may hold (%d): a card shows a sentence or a few, not a passage", n, facts.MaxQuoteChars)
	}
	for _, w := range []struct {
		flag string
		s    *string
	}{{"--before", req.Before}, {"--after", req.After}} {
		if w.s != nil && utf8.RuneCountInString(*w.s) > facts.MaxContextChars {
			return facts.Fact{}, inputf("%s is %d characters long, more than a context may hold (%d): give the words directly around the quote", w.flag, utf8.RuneCountInString(*w.s), facts.MaxContextChars)
		}
	}
	text := passage.Fold(doc)
	if err := ctx.Err(); err != nil {
		return facts.Fact{}, err
	}
	ms := text.Find(quote)
	if len(ms) == 0 {
		closest, err := Closest(ctx, doc, quote)
		if err != nil {
			return facts.Fact{}, err
		}
		return facts.Fact{}, inputf("the quote is not in source %q (document %s), not even up to quotation marks and white space.\nThe closest passage there is:\n  %s\nCopy the words exactly as the source gives them.",
			src.ID, src.Document, closest)
	}
	cands, err := ExtractContext(ctx, doc)
	if err != nil {
		return facts.Fact{}, err
	}
	m, cand := ms[0], (*Candidate)(nil)
	for _, mm := range ms {
		if c := covering(cands, text, mm); c != nil {
			m, cand = mm, c
			if c.Speaker != "" {
				break
			}
		}
	}
	f := facts.Fact{Source: src, Fragment: text.Fragment(m), Note: req.Note}
	// The source's own words, white space folded, with the dataset's one change: a
	// comma before the attribution becomes a full stop (or goes, for a fragment).
	f.Quote = strings.Join(strings.Fields(text.Span(m.Start, m.End)), " ")
	if core, ok := strings.CutSuffix(f.Quote, ","); ok {
		f.Quote = core
		if !f.Fragment {
			f.Quote += "."
		}
	}
	if m.Comma {
		f.Quote += "."
	}
	// Whole sentences that run on into their attribution (“…,” X said) end with a
	// full stop, as the dataset writes them.
	if !f.Fragment && !m.Comma && text.Folded[m.End-1] != ',' && !strings.ContainsAny(f.Quote[len(f.Quote)-1:], ".!?") &&
		m.End < len(text.Folded) && text.Folded[m.End] == ',' {
		f.Quote += "."
	}

	// The extractor reads English attribution forms: in another language its
	// speaker neither fills in nor contradicts the curator's.
	if lang := req.Language; cand != nil && cand.Speaker != "" && lang != "" && lang != "en" && !strings.HasPrefix(lang, "en-") {
		c := *cand
		c.Speaker, c.Role, c.Handle, c.Mention = "", "", "", ""
		c.Reason = "extract reads attributions written in English only"
		cand = &c
	}

	// Who said it.
	f.Speaker = facts.Speaker{Name: req.Speaker, Role: req.Role, Handle: req.Handle, Kind: req.Kind}
	if f.Speaker.Name == "" {
		if cand == nil || cand.Speaker == "" {
			reason := "no quotation in the text holds these words"
			if cand != nil {
				reason = cand.Reason
			}
			return facts.Fact{}, inputf("the source does not clearly say who said this (%s).\nIf it does, give --speaker exactly as the source names them (and --role, --handle as it gives them).", reason)
		}
		f.Speaker.Name = cand.Speaker
		if f.Speaker.Role == "" {
			f.Speaker.Role = cand.Role
		}
		if f.Speaker.Handle == "" {
			f.Speaker.Handle = cand.Handle
		}
	}
	if req.Speaker != "" && cand != nil && cand.Speaker != "" && !req.TrustSpeaker && !sameSpeaker(req.Speaker, cand.Speaker) {
		return facts.Fact{}, inputf("the source attributes these words to %q, not %q. Check the source; if it does say %s spoke them, add --trust-speaker", cand.Speaker, req.Speaker, req.Speaker)
	}
	if f.Speaker.Kind == facts.Person {
		f.Speaker.Kind = ""
	}

	// Context: given, or for a fragment the words the extractor found around it.
	switch {
	case req.Before != nil || req.After != nil:
		if req.Before != nil {
			f.Context.Before = strings.TrimSpace(*req.Before)
		}
		if req.After != nil {
			f.Context.After = strings.TrimSpace(*req.After)
		}
	case f.Fragment:
		f.Context = contextFor(text, m, cand)
		if f.Context.IsZero() {
			return facts.Fact{}, inputf("the quote is a fragment (not a whole sentence in the source) and needs context; give --before and/or --after with the source's own words around it")
		}
	}

	// When.
	said := req.Said
	if said == "" && cand != nil {
		said = cand.Said
	}
	date, err := ResolveDate(said, src.Published)
	if err != nil {
		return facts.Fact{}, err
	}
	if req.SaidNote != "" {
		date.Note = req.SaidNote
	}
	f.Said = date

	f.Medium = req.Medium
	if f.Medium == "" && cand != nil {
		f.Medium = cand.Medium
	}
	if f.Medium == "" {
		f.Medium = facts.Unspecified
	}
	f.Language = req.Language
	if f.Language == "" {
		if f.Language = detectLanguage(f.Quote); f.Language == "" {
			return facts.Fact{}, inputf("give --language: the quote's script is written in several languages (a BCP 47 tag such as ru, uk, zh-Hans, zh-Hant, am)")
		}
	}

	// Which, and not twice.
	for _, g := range d.All() {
		if g.Source.ID == src.ID && passage.FoldString(g.Quote) == passage.FoldString(f.Quote) {
			return facts.Fact{}, inputf("this quote is already in the dataset as fact %q", g.ID)
		}
	}
	f.ID = req.ID
	if f.ID == "" {
		if f.ID = suggestID(d, f); f.ID == "" {
			return facts.Fact{}, inputf("give --id: neither the speaker's name nor the quote has letters an ID can be made of (a-z and 0-9), such as --id minister-we-will-wait")
		}
	} else if !facts.ValidID(f.ID) {
		return facts.Fact{}, inputf("--id %q is not a slug: use a-z, 0-9 and single hyphens, at most %d characters", f.ID, facts.MaxIDLength)
	} else if _, taken := d.Lookup(f.ID); taken {
		return facts.Fact{}, inputf("--id %q is taken by another fact: choose another ID", f.ID)
	}
	return f, nil
}

// covering returns the candidate whose quotation holds match m, if any. The
// candidates are in order of their offsets and do not overlap.
func covering(cands []Candidate, text passage.Text, m passage.Match) *Candidate {
	start := text.OrigOffset(m.Start)
	// The candidates that start after m cannot hold it; of those before, only the
	// last that proposes a quote can.
	i, _ := slices.BinarySearchFunc(cands, start+1, func(c Candidate, off int) int { return c.ByteOffset - off })
	for i--; i >= 0; i-- {
		c := &cands[i]
		if c.Quote == "" {
			continue
		}
		// The quote's bytes as proposed stand for as many of the source's: a full
		// stop for a comma, a space for a line break.
		if start < c.ByteOffset+len(c.Quote) {
			return c
		}
		return nil
	}
	return nil
}

// contextFor finds the words around a fragment: the candidate's when the fragment is
// its whole quotation; otherwise the speaker's own words before it in the same
// quotation, or the sentence's words after it.
func contextFor(text passage.Text, m passage.Match, cand *Candidate) facts.Context {
	if cand == nil {
		return facts.Context{}
	}
	start := text.OrigOffset(m.Start)
	if start == cand.ByteOffset {
		if cand.Before != "" {
			return facts.Context{Before: cand.Before}
		}
		return facts.Context{After: cand.After}
	}
	lead := strings.TrimSpace(text.Orig[cand.ByteOffset:start])
	return facts.Context{Before: strings.Join(strings.Fields(lead), " ")}
}

// suggestID builds an ID from the speaker's last name and the quote's first words
// (Latin letters, their accents dropped), made unique in d; "" when they have no
// such letters.
func suggestID(d *facts.Dataset, f facts.Fact) string {
	var parts []string
	name := strings.Fields(f.Speaker.Name)
	if len(name) > 0 {
		parts = append(parts, slug(name[len(name)-1]))
	}
	n := 0
	for _, w := range strings.Fields(f.Quote) {
		s := slug(w)
		if s == "" || stopWords[s] {
			continue
		}
		parts = append(parts, s)
		if n++; n == 4 {
			break
		}
	}
	base := strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), "-")
	if len(base) > facts.MaxIDLength-3 {
		base = strings.TrimRight(base[:facts.MaxIDLength-3], "-")
	}
	if base == "" {
		return ""
	}
	id := base
	for i := 2; ; i++ {
		if _, taken := d.Lookup(id); !taken {
			return id
		}
		id = fmt.Sprintf("%s-%d", base, i)
	}
}

var stopWords = map[string]bool{"a": true, "an": true, "the": true, "of": true, "to": true, "and": true, "in": true,
	"is": true, "it": true, "we": true, "i": true, "on": true, "for": true, "with": true, "has": true, "have": true, "be": true}

// slug keeps the ASCII letters and digits of a word, lower-cased and with their
// accents dropped (Nguyễn: nguyen), with hyphens between runs.
func slug(w string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(w)) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

// scriptLanguages gives the language a quote's script says, for scripts that
// mostly write one language in the news (Devanagari and Arabic script keep the
// dataset's first languages, Hindi and Urdu). Cyrillic, Han and others that
// several languages write are not here: the curator names the language.
var scriptLanguages = []struct {
	script *unicode.RangeTable
	tag    string
}{
	{unicode.Hiragana, "ja"}, {unicode.Katakana, "ja"}, {unicode.Hangul, "ko"}, {unicode.Devanagari, "hi"},
	{unicode.Arabic, "ur"}, {unicode.Greek, "el"}, {unicode.Hebrew, "he"}, {unicode.Georgian, "ka"},
	{unicode.Armenian, "hy"}, {unicode.Thai, "th"}, {unicode.Lao, "lo"}, {unicode.Khmer, "km"},
	{unicode.Myanmar, "my"}, {unicode.Bengali, "bn"}, {unicode.Tamil, "ta"}, {unicode.Telugu, "te"},
	{unicode.Kannada, "kn"}, {unicode.Malayalam, "ml"}, {unicode.Gujarati, "gu"}, {unicode.Gurmukhi, "pa"},
	{unicode.Oriya, "or"}, {unicode.Sinhala, "si"}, {unicode.Tibetan, "bo"},
}

// detectLanguage returns the language of quote s as its script says it, English
// for Latin script, or "" where the script is written by several languages
// (Cyrillic, Han, Ethiopic …).
func detectLanguage(s string) string {
	several := false
	for _, r := range s {
		if !unicode.IsLetter(r) || unicode.Is(unicode.Latin, r) {
			continue
		}
		for _, sl := range scriptLanguages {
			if unicode.Is(sl.script, r) {
				return sl.tag // kana or Hangul among Han say Japanese or Korean
			}
		}
		several = true
	}
	if several {
		return ""
	}
	return "en"
}

var (
	statedMDY = regexp.MustCompile(`^(January|February|March|April|May|June|July|August|September|October|November|December) ([0-9]{1,2}), ([0-9]{4})$`)
	statedDMY = regexp.MustCompile(`^([0-9]{1,2}) (January|February|March|April|May|June|July|August|September|October|November|December) ([0-9]{4})$`)
	relDay    = regexp.MustCompile(`^(?i:(?:on )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?: (?:morning|afternoon|evening|night))?)$`)
)

// ResolveDate turns the date words a source gives for a quote into a Date: a date the
// source states ("May 10, 2025"); a relative day ("Friday", "this morning",
// "yesterday") resolved against the source's own date, with the words kept and a
// note saying how; or unknown when there are no date words (or they are "unknown").
// A weekday is the last such day on or before the source's date.
func ResolveDate(words string, published facts.Date) (facts.Date, error) {
	w := strings.TrimSpace(words)
	if w == "" || strings.EqualFold(w, "unknown") {
		return facts.Date{Precision: facts.Unknown, Note: "The source gives no date for these words."}, nil
	}
	if m := statedMDY.FindStringSubmatch(w); m != nil {
		return statedDate(w, m[1], m[2], m[3])
	}
	if m := statedDMY.FindStringSubmatch(w); m != nil {
		return statedDate(w, m[2], m[1], m[3])
	}
	if t, ok := localeDate(w); ok {
		return facts.Date{Value: t.Format(time.DateOnly), Precision: facts.Stated, AsGiven: w}, nil
	}
	base, err := published.Time()
	if err != nil {
		return facts.Date{}, inputf("the source has no date to resolve %q against: give --said with a date the source states (\"May 10, 2025\"), or --said unknown", w)
	}
	var day time.Time
	var how string
	lw := strings.ToLower(w)
	switch {
	case lw == "today" || lw == "this morning" || lw == "this afternoon" || lw == "this evening" || lw == "tonight":
		day, how = base, "the same day"
	case lw == "yesterday" || lw == "last night" || strings.HasPrefix(lw, "yesterday "):
		day, how = base.AddDate(0, 0, -1), "the day before"
	default:
		m := relDay.FindStringSubmatch(w)
		if m == nil {
			return facts.Date{}, inputf("--said %q is not date words this tool can read: give a date as the source states it (\"May 10, 2025\", \"10 May 2025\", \"10 мая 2025 г.\", \"2025年5月10日\"), a day (\"Friday\", \"this morning\", \"yesterday\"), or unknown", w)
		}
		want := weekdays[strings.ToLower(m[1])]
		back := (int(base.Weekday()) - int(want) + 7) % 7
		day = base.AddDate(0, 0, -back)
		how = "the last " + want.String() + " on or before it"
		if back == 0 {
			how = "the same day, a " + want.String()
		}
	}
	return facts.Date{Value: day.Format(time.DateOnly), Precision: facts.Resolved, AsGiven: w,
		Note: fmt.Sprintf("The source says %q; read against the source's date, %s %s, that is %s, %s.",
			w, base.Weekday(), base.Format("2 January 2006"), how, day.Format("Monday 2 January 2006"))}, nil
}

var weekdays = map[string]time.Weekday{"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday,
	"wednesday": time.Wednesday, "thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday}

func statedDate(asGiven, month, day, year string) (facts.Date, error) {
	t, err := time.Parse("January 2 2006", month+" "+day+" "+year)
	if err != nil {
		return facts.Date{}, inputf("--said %q is not a real date", asGiven)
	}
	return facts.Date{Value: t.Format(time.DateOnly), Precision: facts.Stated, AsGiven: asGiven}, nil
}

// closestShortlist is how many runs of the document Closest compares word by word
// with the quote: those that share the most words with it.
const closestShortlist = 16

// Closest returns the passage of doc most like quote: of the runs of as many
// words as the quote has, the few that share the most words with it, and of those
// the one with the fewest word edits from it, ellipsised past 300 characters. Its
// time grows with the document's words plus the square of the quote's. It gives up
// when ctx is done, with ctx's error.
func Closest(ctx context.Context, doc, quote string) (string, error) {
	dw := strings.Fields(doc)
	qw := strings.Fields(quote)
	if len(dw) == 0 || len(qw) == 0 {
		return "", nil
	}
	n := min(len(qw), len(dw))
	norm := func(ws []string) []string {
		out := make([]string, len(ws))
		for i, w := range ws {
			out[i] = strings.ToLower(strings.TrimFunc(passage.FoldString(w), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
		}
		return out
	}
	dn, qn := norm(dw), norm(qw)
	// Slide a window of n words over the document, keeping how many of its words
	// the quote has (each word of the quote counted as often as the quote has it).
	want := make(map[string]int, len(qn))
	for _, w := range qn {
		want[w]++
	}
	have := make(map[string]int, len(qn))
	shared := 0
	add := func(w string, d int) {
		if want[w] == 0 {
			return
		}
		before := min(have[w], want[w])
		have[w] += d
		shared += min(have[w], want[w]) - before
	}
	type run struct{ at, shared int }
	var short []run // the best runs, most shared words first, then earliest
	for i, w := range dn {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return "", err
			}
		}
		add(w, 1)
		if i >= n {
			add(dn[i-n], -1)
		}
		if i < n-1 {
			continue
		}
		at := i - n + 1
		if len(short) == closestShortlist && shared <= short[len(short)-1].shared {
			continue
		}
		j, _ := slices.BinarySearchFunc(short, shared, func(r run, s int) int {
			if r.shared >= s {
				return -1
			}
			return 1
		})
		short = slices.Insert(short, j, run{at, shared})
		if len(short) > closestShortlist {
			short = short[:closestShortlist]
		}
	}
	best, bestAt := -1, 0
	for _, r := range short {
		d := wordDistance(dn[r.at:r.at+n], qn)
		if best < 0 || d < best || d == best && r.at < bestAt {
			best, bestAt = d, r.at
		}
	}
	s := strings.Join(dw[bestAt:bestAt+n], " ")
	if utf8.RuneCountInString(s) > 300 {
		s = string([]rune(s)[:299]) + "…"
	}
	return s, nil
}

// wordDistance is the Levenshtein distance between two word lists.
func wordDistance(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// InsertFact returns dataset (the file's bytes) with f appended to its facts, every
// other byte unchanged.
func InsertFact(dataset []byte, f facts.Fact) ([]byte, error) {
	enc, err := facts.EncodeFact(f)
	if err != nil {
		return nil, fmt.Errorf("encode fact %q: %w", f.ID, err)
	}
	return insert(dataset, "facts", enc)
}

// InsertSource returns dataset with s appended to its sources, every other byte unchanged.
func InsertSource(dataset []byte, s facts.Source) ([]byte, error) {
	enc, err := facts.EncodeSource(s)
	if err != nil {
		return nil, fmt.Errorf("encode source %q: %w", s.ID, err)
	}
	return insert(dataset, "sources", enc)
}

// insert appends the JSON value item to the top-level array key of the JSON object
// in data, indented like the array's first element.
func insert(data []byte, key string, item []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("the dataset file is not a JSON object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("read dataset: %w", err)
		}
		if t != key {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, fmt.Errorf("read dataset: %w", err)
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return nil, fmt.Errorf("the dataset's %q is not an array", key)
		}
		open := int(dec.InputOffset()) // just after '['
		last, first := open, -1
		for dec.More() {
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return nil, fmt.Errorf("read dataset %s: %w", key, err)
			}
			last = int(dec.InputOffset())
			if first < 0 {
				first = last - len(v)
			}
		}
		indent := "    "
		if first >= 0 {
			lineStart := bytes.LastIndexByte(data[:first], '\n') + 1
			indent = string(data[lineStart:first])
		}
		var b bytes.Buffer
		b.Write(data[:last])
		if first >= 0 {
			b.WriteString(",")
		}
		b.WriteString("\n" + indent + strings.ReplaceAll(string(item), "\n", "\n"+indent))
		if first < 0 {
			outer := strings.TrimSuffix(indent, "  ")
			b.WriteString("\n" + outer)
			// Skip the white space between '[' and ']' of the empty array.
			rest := data[last:]
			rest = bytes.TrimLeft(rest, " \t\r\n")
			b.Write(rest)
			return b.Bytes(), nil
		}
		b.Write(data[last:])
		return b.Bytes(), nil
	}
	return nil, fmt.Errorf("the dataset has no %q array", key)
}

// SourceRequest is what a curator gives 'factcard facts add-source'.
type SourceRequest struct {
	ID        string
	Headline  string
	Publisher string
	URL       string
	// Published is the publication date as the document gives it ("May 10, 2025"),
	// or a date in YYYY-MM-DD form the curator knows from the publisher.
	Published     string
	PublishedNote string
	// Retrieved is when the document was obtained, YYYY-MM-DD.
	Retrieved string
	Note      string
}

var isoDate = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// BuildSource describes a new source document (name is its file name, doc its
// bytes) for the dataset d.
func BuildSource(d *facts.Dataset, name string, doc []byte, req SourceRequest) (facts.Source, error) {
	if !utf8.Valid(doc) {
		return facts.Source{}, inputf("%s is not UTF-8 text: save the source as plain UTF-8 text", name)
	}
	if len(bytes.TrimSpace(doc)) == 0 {
		return facts.Source{}, inputf("%s is empty", name)
	}
	if len(doc) > facts.MaxDocumentBytes {
		return facts.Source{}, inputf("%s is larger than %d bytes: a source is one article or transcript", name, facts.MaxDocumentBytes)
	}
	if !facts.ValidDocumentName(name) {
		return facts.Source{}, inputf("the file name %q %s: copy the file to such a name (the dataset records it, and 'factcard publish' stores the document under it)", name, facts.DocumentNameRule)
	}
	sum := facts.DocumentSHA256(doc)
	s := facts.Source{ID: req.ID, Document: name, SHA256: sum, Headline: strings.TrimSpace(req.Headline),
		Publisher: strings.TrimSpace(req.Publisher), URL: strings.TrimSpace(req.URL), Note: req.Note}
	for _, o := range d.Sources() {
		switch {
		case o.Document == name:
			return facts.Source{}, inputf("a source already has the document name %s (source %q): rename the file", name, o.ID)
		case o.SHA256 == sum:
			return facts.Source{}, inputf("this document is already source %q (%s)", o.ID, o.Document)
		}
	}
	if s.ID == "" {
		s.ID = slug(strings.TrimSuffix(name, fileExt(name)))
	}
	if !facts.ValidID(s.ID) {
		return facts.Source{}, inputf("source ID %q is not a slug: give --id with a-z, 0-9 and single hyphens", s.ID)
	}
	if slices.ContainsFunc(d.Sources(), func(o facts.Source) bool { return o.ID == s.ID }) {
		return facts.Source{}, inputf("source ID %q is taken: give another with --id", s.ID)
	}
	if s.Headline == "" {
		return facts.Source{}, inputf("--headline is required: the document's headline or title, as it gives it")
	}
	text := passage.Fold(string(doc))
	if len(text.Find(s.Headline)) == 0 {
		return facts.Source{}, inputf("--headline %q does not occur in %s: copy it from the document", s.Headline, name)
	}
	if s.Publisher == "" {
		s.Unknown = append(s.Unknown, facts.UnknownPublisher)
	}
	if s.URL == "" {
		s.Unknown = append(s.Unknown, facts.UnknownURL)
	}
	switch p := strings.TrimSpace(req.Published); {
	case p == "":
		s.Published = facts.Date{Precision: facts.Unknown, Note: "The document gives no publication date."}
	case isoDate.MatchString(p):
		if _, err := time.Parse(time.DateOnly, p); err != nil {
			return facts.Source{}, inputf("--published %q is not a real date", p)
		}
		s.Published = facts.Date{Value: p, Precision: facts.Stated}
	default:
		date, err := ResolveDate(p, facts.Date{Precision: facts.Unknown})
		if err != nil || date.Precision != facts.Stated {
			return facts.Source{}, inputf("--published %q: give the date as the document states it (\"May 10, 2025\") or as YYYY-MM-DD", p)
		}
		if len(text.Find(p)) == 0 {
			return facts.Source{}, inputf("--published %q does not occur in %s: give the words the document uses, or YYYY-MM-DD", p, name)
		}
		s.Published = date
	}
	if req.PublishedNote != "" {
		s.Published.Note = req.PublishedNote
	}
	switch r := strings.TrimSpace(req.Retrieved); {
	case r == "":
		s.Retrieved = facts.Date{Precision: facts.Unknown, Note: "When the document was retrieved was not recorded."}
	case isoDate.MatchString(r):
		if _, err := time.Parse(time.DateOnly, r); err != nil {
			return facts.Source{}, inputf("--retrieved %q is not a real date", r)
		}
		s.Retrieved = facts.Date{Value: r, Precision: facts.Stated}
	default:
		return facts.Source{}, inputf("--retrieved %q: give the day you obtained the document as YYYY-MM-DD", r)
	}
	return s, nil
}

func fileExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[i:]
	}
	return ""
}

// ReadAllLimited reads at most limit bytes of r, failing beyond it.
func ReadAllLimited(r io.Reader, limit int64, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	if int64(len(data)) > limit {
		return nil, inputf("%s is larger than %d bytes", what, limit)
	}
	return data, nil
}
