package facts

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/factcard/factcard/facts/internal/strict"
)

// MaxIDLength is the longest a fact ID may be.
const MaxIDLength = 64

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidID reports whether id is a well-formed fact ID: lower-case letters, digits and
// single hyphens, not starting or ending with a hyphen, at most MaxIDLength bytes.
func ValidID(id string) bool {
	return len(id) <= MaxIDLength && idPattern.MatchString(id)
}

// Problem is one thing wrong with a dataset.
type Problem struct {
	// Kind is "fact" or "source".
	Kind string
	// Index is the 1-based position of the fact or source in the file; 0 for the file as a whole.
	Index int
	// ID is the fact's or source's ID, when it has one.
	ID string
	// Field is the JSON path of the field at fault ("said.value"), empty if none.
	Field string
	// Message says what is wrong.
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Index > 0 {
		fmt.Fprintf(&b, "%s %d", p.Kind, p.Index)
		if p.ID != "" {
			fmt.Fprintf(&b, " (%q)", p.ID)
		}
		b.WriteString(": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError lists every problem found in a dataset, not just the first.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	if len(lines) == 1 {
		return "invalid dataset: " + lines[0]
	}
	return fmt.Sprintf("invalid dataset: %d problems:\n  %s", len(lines), strings.Join(lines, "\n  "))
}

type problems []Problem

func (ps *problems) add(index int, id, field, msg string) {
	*ps = append(*ps, Problem{Kind: "fact", Index: index, ID: id, Field: field, Message: msg})
}

func (ps *problems) addSource(index int, id, field, msg string) {
	*ps = append(*ps, Problem{Kind: "source", Index: index, ID: id, Field: field, Message: msg})
}

// fieldProblem is a problem within one fact or source, before it is placed.
type fieldProblem struct{ Field, Message string }

// Validate reports the first problem with f, naming the field; nil if f is well formed.
// Dataset loading reports all of them.
func (f Fact) Validate() error {
	if ps := f.problems(); len(ps) > 0 {
		p := ps[0]
		return fmt.Errorf("fact %q: %s: %s", f.ID, p.Field, p.Message)
	}
	return nil
}

func (f Fact) problems() []fieldProblem {
	var ps []fieldProblem
	add := func(field, format string, args ...any) {
		ps = append(ps, fieldProblem{field, fmt.Sprintf(format, args...)})
	}
	switch {
	case f.ID == "":
		add("id", "required")
	case !ValidID(f.ID):
		add("id", "%q is not a slug: use a-z, 0-9 and single hyphens, at most %d characters", strict.Clip(f.ID, 80), MaxIDLength)
	}
	text := func(field, value string, required bool) {
		if value == "" {
			if required {
				add(field, "required")
			}
			return
		}
		if msg := textProblem(value, factLimits[field]); msg != "" {
			add(field, "%s", msg)
		}
	}
	text("quote", f.Quote, true)
	if q := f.Quote; q != "" && (strings.ContainsAny(q[:1], `"'`) || strings.HasPrefix(q, "“") || strings.HasPrefix(q, "«")) {
		add("quote", "starts with a quotation mark: store the words only, the renderer adds the marks")
	}
	if f.Language == "" {
		add("language", "required")
	} else if tag, err := language.Parse(f.Language); err != nil || tag == language.Und {
		add("language", "%q is not a BCP 47 language tag (such as en, hi, ru, zh-Hans)", strict.Clip(f.Language, 80))
	} else if tag.String() != f.Language {
		add("language", "%q: write it %q", f.Language, tag.String())
	}
	text("context.before", f.Context.Before, false)
	text("context.after", f.Context.After, false)
	if f.Fragment && f.Context.IsZero() {
		add("context", "required for a fragment: the source's own words before and/or after the quote, so that the card shows what the words meant")
	}
	text("speaker.name", f.Speaker.Name, true)
	text("speaker.role", f.Speaker.Role, false)
	text("speaker.handle", f.Speaker.Handle, false)
	if k := f.Speaker.Kind; k != "" && k != Person && k != Body {
		add("speaker.kind", "%q is not %q or %q", k, Person, Body)
	}
	for _, p := range f.Said.problems(factLimits, "said.") {
		add("said."+p.Field, "%s", p.Message)
	}
	if f.Medium == "" {
		add("medium", "required (use %q when the source does not say)", Unspecified)
	} else if !f.Medium.Valid() {
		add("medium", "%q is not a known medium (known: %s)", f.Medium, strings.Join(mediaNames(), ", "))
	}
	text("note", f.Note, false)
	said, err1 := f.Said.Time()
	published, err2 := f.Source.Published.Time()
	if err1 == nil && err2 == nil && said.After(published) {
		add("said.value", "%s is after the source's publication date %s", f.Said.Value, f.Source.Published.Value)
	}
	return ps
}

// Validate reports the first problem with s, naming the field ("source.url: …");
// nil if s is well formed. Dataset loading reports all of them.
func (s Source) Validate() error {
	if ps := s.problems(); len(ps) > 0 {
		return fmt.Errorf("source.%s: %s", ps[0].Field, ps[0].Message)
	}
	return nil
}

func (s Source) problems() []fieldProblem {
	var ps []fieldProblem
	add := func(field, format string, args ...any) {
		ps = append(ps, fieldProblem{field, fmt.Sprintf(format, args...)})
	}
	if !ValidID(s.ID) {
		add("id", "%q is not a slug: use a-z, 0-9 and single hyphens", strict.Clip(s.ID, 80))
	}
	text := func(field, value string, required bool) {
		if value == "" {
			if required {
				add(field, "required")
			}
			return
		}
		if msg := textProblem(value, sourceLimits[field]); msg != "" {
			add(field, "%s", msg)
		}
	}
	if s.Document == "" {
		add("document", "required: the file name of the source text")
	} else if !ValidDocumentName(s.Document) {
		add("document", "%q %s", strict.Clip(s.Document, 80), DocumentNameRule)
	}
	text("headline", s.Headline, true)
	text("publisher", s.Publisher, false)
	text("note", s.Note, false)
	if s.SHA256 != "" && !sha256Pattern.MatchString(s.SHA256) {
		add("sha256", "%q is not a SHA-256 in lower-case hex (64 digits)", strict.Clip(s.SHA256, 80))
	}
	for _, u := range s.Unknown {
		switch {
		case u == UnknownPublisher && s.Publisher != "", u == UnknownURL && s.URL != "":
			add("unknown", "lists %q, but the source gives one", u)
		case u != UnknownPublisher && u != UnknownURL:
			add("unknown", "%q is not %q or %q", strict.Clip(u, 40), UnknownPublisher, UnknownURL)
		}
	}
	if s.URL != "" {
		if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			add("url", "%q is not an absolute http(s) URL", s.URL)
		}
	}
	for _, p := range s.Published.problems(sourceLimits, "published.") {
		add("published."+p.Field, "%s", p.Message)
	}
	if s.Retrieved != (Date{}) {
		for _, p := range s.Retrieved.problems(sourceLimits, "retrieved.") {
			add("retrieved."+p.Field, "%s", p.Message)
		}
	}
	return ps
}

var sha256Pattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// documentPattern is the characters of a document name. Its length is checked
// apart: a counted repetition such as {0,254} compiles to a copy of the class
// per count, thousands of instructions built at every process start.
var documentPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// maxDocumentName is the longest document name, in bytes (the names are ASCII):
// the longest segment of a key in the card bucket, where 'factcard publish'
// writes each document under its name.
const maxDocumentName = 200

// DocumentNameRule says what ValidDocumentName accepts, for messages.
var DocumentNameRule = fmt.Sprintf("must be a plain file name of at most %d characters: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, without \"..\"", maxDocumentName)

// ValidDocumentName reports whether name may name a source document: a plain file
// name that go:embed keeps (it drops names starting with '.' or '_'), that cannot
// leave the sources folder, and that a published version can hold as a key
// segment (lower case). 'facts add-source', validation and 'publish' apply this
// one rule.
func ValidDocumentName(name string) bool {
	return len(name) <= maxDocumentName && documentPattern.MatchString(name) && !strings.Contains(name, "..")
}

// problems checks a date; limits and prefix give the length limits of its text.
func (d Date) problems(limits map[string]int, prefix string) []fieldProblem {
	var ps []fieldProblem
	add := func(field, format string, args ...any) {
		ps = append(ps, fieldProblem{field, fmt.Sprintf(format, args...)})
	}
	for _, t := range []struct{ field, value string }{{"as_given", d.AsGiven}, {"note", d.Note}} {
		if t.value != "" {
			if msg := textProblem(t.value, limits[prefix+t.field]); msg != "" {
				add(t.field, "%s", msg)
			}
		}
	}
	switch d.Precision {
	case Stated, Resolved:
		if d.Value == "" {
			add("value", "required when precision is %q", d.Precision)
		} else if _, err := time.Parse(time.DateOnly, d.Value); err != nil {
			add("value", "%q: %s", strict.Clip(d.Value, 40), dateMessage(err))
		}
		if d.Precision == Resolved && (d.AsGiven == "" || d.Note == "") {
			add("precision", "a resolved date needs as_given (the source's words) and a note saying how it was resolved")
		}
	case Unknown:
		if d.Value != "" {
			add("value", "must be empty when precision is %q", Unknown)
		}
	case "":
		add("precision", "required (%s, %s or %s)", Stated, Resolved, Unknown)
	default:
		add("precision", "%q is not one of %s, %s, %s", d.Precision, Stated, Resolved, Unknown)
	}
	return ps
}

// dateMessage turns a time.Parse error into the part a person needs.
func dateMessage(err error) string {
	var pe *time.ParseError
	if errors.As(err, &pe) && pe.Message != "" {
		return strings.TrimPrefix(pe.Message, ": ")
	}
	return "not a date in YYYY-MM-DD form"
}

func mediaNames() []string {
	names := make([]string, 0, len(mediumLabels))
	for m := range mediumLabels {
		names = append(names, string(m))
	}
	slices.Sort(names)
	return names
}

func firstRune(s string, f func(rune) bool) rune {
	for _, r := range s {
		if f(r) {
			return r
		}
	}
	return utf8.RuneError
}

// invalidUTF8 returns the byte offset of the first invalid UTF-8 sequence, or -1.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// position converts a byte offset into a 1-based line and column.
func position(b []byte, off int) (line, col int) {
	off = min(max(off, 0), len(b))
	line = 1 + strings.Count(string(b[:off]), "\n")
	col = off - strings.LastIndexByte(string(b[:off]), '\n')
	return line, col
}
