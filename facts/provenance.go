package facts

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"unicode/utf8"

	"github.com/factcard/factcard/facts/internal/passage"
	"github.com/factcard/factcard/facts/internal/strict"
)

// MaxDocumentBytes bounds a source document: a news article is tens of kilobytes.
const MaxDocumentBytes = 4 << 20

// DocumentSHA256 returns the hex SHA-256 of a source document's bytes, as a Source
// records it.
func DocumentSHA256(doc []byte) string {
	sum := sha256.Sum256(doc)
	return hex.EncodeToString(sum[:])
}

// provenance checks every source against its document and every fact against its
// source's document, and lists what does not hold.
func (d *Dataset) provenance(docs fs.FS) problems {
	var ps problems
	texts := make(map[string]passage.Text, len(d.sources))
	for i, s := range d.sources {
		text, _, ok := sourceProvenance(i+1, s, docs, &ps)
		if ok {
			texts[s.ID] = text
		}
	}
	for i, f := range d.facts {
		text, ok := texts[f.Source.ID]
		if !ok {
			continue // the source's own problem is reported above
		}
		ps.addFactProvenance(i+1, f, text)
	}
	return ps
}

// sourceProvenance checks source i (1-based) against its document, adding what does
// not hold to ps, and returns the document's folded text and SHA-256; ok is false
// when the document cannot be read (a problem says why).
func sourceProvenance(i int, s Source, docs fs.FS, ps *problems) (text passage.Text, sum [sha256.Size]byte, ok bool) {
	add := func(field, format string, args ...any) {
		ps.addSource(i, s.ID, field, fmt.Sprintf(format, args...))
	}
	if s.SHA256 == "" {
		add("sha256", "required: the SHA-256 of the document ('factcard facts add-source FILE' records it)")
	}
	if s.Publisher == "" && !slices.Contains(s.Unknown, UnknownPublisher) {
		add("publisher", "required, or list %q in unknown when the source does not say who published it", UnknownPublisher)
	}
	if s.URL == "" && !slices.Contains(s.Unknown, UnknownURL) {
		add("url", "required, or list %q in unknown when the source does not say where it was published", UnknownURL)
	}
	if s.Retrieved == (Date{}) {
		add("retrieved", `required: when the document was obtained (precision "unknown" with a note when that was not recorded)`)
	}
	data, err := readDocument(docs, s.Document)
	if err != nil {
		add("document", "%v", err)
		return passage.Text{}, sum, false
	}
	sum = sha256.Sum256(data)
	if hexSum := hex.EncodeToString(sum[:]); s.SHA256 != "" && hexSum != s.SHA256 {
		add("sha256", "document %q has SHA-256 %s, but the source records %s: the document changed since its facts were curated. Restore it from version control, or check every fact of this source against the new text and record its SHA-256", s.Document, hexSum, s.SHA256)
	}
	text = passage.Fold(string(data))
	if s.Headline != "" && len(text.Find(s.Headline)) == 0 {
		add("headline", "%q does not occur in document %q", s.Headline, s.Document)
	}
	if g := s.Published.AsGiven; g != "" && len(text.Find(g)) == 0 {
		add("published.as_given", "%q does not occur in document %q", g, s.Document)
	}
	return text, sum, true
}

// addFactProvenance adds what of fact i (1-based) does not occur in its source's
// text.
func (ps *problems) addFactProvenance(i int, f Fact, text passage.Text) {
	for _, p := range factProvenance(f, text) {
		ps.add(i, f.ID, p.Field, p.Message+fmt.Sprintf(" (source %q, document %q)", f.Source.ID, f.Source.Document))
	}
}

// readDocument reads a source document, refusing one that is missing, too large or
// not UTF-8 text.
func readDocument(docs fs.FS, name string) ([]byte, error) {
	fh, err := docs.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%q is missing from the source documents (facts/sources): restore it, or add the source with 'factcard facts add-source FILE'", name)
	}
	if err != nil {
		return nil, fmt.Errorf("open %q: %w", name, err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, MaxDocumentBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %q: %w", name, err)
	}
	if len(data) > MaxDocumentBytes {
		return nil, fmt.Errorf("%q is larger than %d bytes", name, MaxDocumentBytes)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%q is not UTF-8 text", name)
	}
	return data, nil
}

// factProvenance lists what of f does not occur in its source's text.
func factProvenance(f Fact, text passage.Text) []fieldProblem {
	var ps []fieldProblem
	add := func(field, format string, args ...any) {
		ps = append(ps, fieldProblem{field, fmt.Sprintf(format, args...)})
	}
	matches := text.Find(f.Quote)
	if len(matches) == 0 {
		add("quote", "%q does not occur verbatim in the source (only quotation marks and white space may differ)", strict.Clip(f.Quote, 200))
	} else {
		var withBefore, withBoth []passage.Match
		for _, m := range matches {
			if text.Before(m, f.Context.Before) {
				withBefore = append(withBefore, m)
				if text.After(m, f.Context.After) {
					withBoth = append(withBoth, m)
				}
			}
		}
		switch {
		case len(withBefore) == 0:
			add("context.before", "%q is not the source's words directly before the quote", strict.Clip(f.Context.Before, 200))
		case len(withBoth) == 0:
			add("context.after", "%q is not the source's words directly after the quote", strict.Clip(f.Context.After, 200))
		default:
			agrees := slices.ContainsFunc(withBoth, func(m passage.Match) bool { return text.Fragment(m) == f.Fragment })
			switch {
			case agrees:
			case f.Fragment:
				add("fragment", "the quote is whole sentences in the source: remove \"fragment\"")
			default:
				add("fragment", "the quote is a fragment in the source (it does not both start and end a sentence there): set \"fragment\": true and give its context")
			}
		}
	}
	for _, field := range []struct{ name, value string }{
		{"speaker.name", f.Speaker.Name},
		{"speaker.role", f.Speaker.Role},
		{"speaker.handle", f.Speaker.Handle},
		{"said.as_given", f.Said.AsGiven},
	} {
		if field.value != "" && len(text.Find(field.value)) == 0 {
			add(field.name, "%q does not occur in the source", field.value)
		}
	}
	return ps
}
