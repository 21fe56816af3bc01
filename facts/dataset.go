package facts

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"sync"

	"github.com/factcard/factcard/facts/internal/strict"
)

// MaxDatasetBytes bounds how much Load reads: a dataset of curated quotes is a few
// kilobytes, so anything near this size is a mistake, not data.
const MaxDatasetBytes = 4 << 20

// The dataset is JSON rather than YAML: the standard library decodes it with
// unknown fields rejected and no implicit typing (YAML reads an unquoted
// 2025-05-10 as a timestamp and `no` as false), so what the file says is exactly
// the string a card shows.
//
//go:embed dataset.json
var embedded []byte

// embeddedSources holds the source documents the dataset cites (facts/sources).
//
//go:embed sources
var embeddedSources embed.FS

// SourceDocuments returns the source documents embedded with the dataset, by file name.
func SourceDocuments() fs.FS {
	sub, err := fs.Sub(embeddedSources, "sources")
	if err != nil {
		panic("facts: embedded sources: " + err.Error()) // a build defect
	}
	return sub
}

// Dataset is a validated, read-only set of facts. It is safe for concurrent use.
type Dataset struct {
	facts   []Fact
	index   map[string]int
	sources []Source
}

// file is the on-disk shape of a dataset: sources once, facts referring to them by ID.
type file struct {
	Sources []json.RawMessage `json:"sources"`
	Facts   []json.RawMessage `json:"facts"`
}

// fileFact is a fact as written in the file, with its source given by ID.
type fileFact struct {
	ID       string  `json:"id"`
	Quote    string  `json:"quote"`
	Fragment bool    `json:"fragment,omitempty"`
	Context  Context `json:"context,omitzero"`
	Language string  `json:"language"`
	Speaker  Speaker `json:"speaker"`
	Said     Date    `json:"said"`
	Medium   Medium  `json:"medium"`
	Source   string  `json:"source"`
	Note     string  `json:"note,omitempty"`
}

var (
	defaultOnce sync.Once
	defaultSet  *Dataset
)

// Default returns the dataset embedded in the binary, loaded and checked against its
// embedded source documents once per process. It panics if the embedded data is
// invalid, like template.Must: that is a build defect, and TestDefault catches it
// before anything ships.
func Default() *Dataset {
	defaultOnce.Do(func() {
		d, err := Load(bytes.NewReader(embedded), SourceDocuments())
		if err != nil {
			panic("facts: embedded dataset is invalid: " + err.Error())
		}
		defaultSet = d
	})
	return defaultSet
}

// Load reads a dataset as Parse does and checks its provenance against the source
// documents in docs, a folder of files named by each source's document: every
// document is there and has the SHA-256 its source records, and every fact's quote,
// context, names, date words and headline occur in it (see the package
// documentation). A *ValidationError lists every problem, naming the fact or source.
// Any dataset that is served is loaded this way.
func Load(r io.Reader, docs fs.FS) (*Dataset, error) {
	return LoadLarge(r, docs, MaxDatasetBytes)
}

// MaxPublishBytes bounds the dataset file 'factcard publish' reads: a million facts
// of about a kilobyte, with room to spare. Published datasets are read a shard at
// a time, and PackFile reads the file a piece at a time, so no machine holds one
// whole.
const MaxPublishBytes = 2 << 30

// LoadLarge is Load for a dataset file of up to maxBytes, all of it in memory (for
// tests and tools; 'factcard publish' uses PackFile, which checks a file the same
// way without holding it).
func LoadLarge(r io.Reader, docs fs.FS, maxBytes int) (*Dataset, error) {
	d, err := parse(r, maxBytes)
	if err != nil {
		return nil, err
	}
	if docs == nil {
		return nil, errors.New("load dataset: no source documents to check the facts against")
	}
	if problems := d.provenance(docs); len(problems) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	return d, nil
}

// Parse reads a dataset (JSON, at most MaxDatasetBytes), rejects unknown fields and
// over-long text, and validates its schema. A *ValidationError lists every problem,
// each naming the fact and field. Parse does not look at the source documents: it
// is for fixtures and tools; a dataset that is served goes through Load.
func Parse(r io.Reader) (*Dataset, error) { return parse(r, MaxDatasetBytes) }

func parse(r io.Reader, maxBytes int) (*Dataset, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(maxBytes)+1))
	if err != nil {
		return nil, fmt.Errorf("read dataset: %w", err)
	}
	if len(data) > maxBytes {
		return nil, fmt.Errorf("read dataset: larger than %d bytes; a dataset of quotes is a few kilobytes (publish larger archives with 'factcard publish')", maxBytes)
	}
	var problems problems
	if off := invalidUTF8(data); off >= 0 {
		line, col := position(data, off)
		problems.add(0, "", "", fmt.Sprintf("invalid UTF-8 at line %d, column %d", line, col))
	}
	var f file
	if err := strict.Unmarshal(data, &f); err != nil {
		return nil, &ValidationError{Problems: append(problems, Problem{Message: "parse dataset: " + describeJSONError(data, err)})}
	}
	d := &Dataset{index: make(map[string]int, len(f.Facts))}
	l := newLoader(problems)
	for i, raw := range f.Sources {
		l.source(i+1, raw)
	}
	for i, raw := range f.Facts {
		fact, _, ok := l.fact(i+1, raw, func(id string) bool {
			if _, dup := d.index[id]; dup && id != "" {
				return true
			}
			d.index[id] = len(d.facts)
			return false
		})
		if ok {
			d.facts = append(d.facts, fact)
		}
	}
	d.sources, problems = l.sources, l.problems
	if len(f.Facts) == 0 {
		problems.add(0, "", "facts", "the dataset has no facts")
	}
	if len(problems) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	return d, nil
}

// loader decodes and checks the sources and facts of a dataset file one at a time,
// collecting their problems. Parse and PackFile share it, so a dataset read whole
// and one streamed from a file are checked by the same code.
type loader struct {
	problems problems
	// sources holds every source that decoded, in file order.
	sources []Source
	// bySource maps a source ID to its last index in sources.
	bySource map[string]int
}

func newLoader(ps problems) *loader {
	return &loader{problems: ps, bySource: map[string]int{}}
}

// source decodes and checks source i (1-based) of the file.
func (l *loader) source(i int, raw []byte) {
	var s Source
	if ps := overLimit(raw, sourceLimits, ""); len(ps) > 0 {
		for _, p := range ps {
			l.problems.addSource(i, peekID(raw), p.Field, p.Message)
		}
		return
	}
	if err := strict.Unmarshal(raw, &s); err != nil {
		l.problems.addSource(i, peekID(raw), "", describeJSONError(raw, err))
		return
	}
	if _, dup := l.bySource[s.ID]; dup {
		l.problems.addSource(i, s.ID, "id", "duplicate source ID")
	}
	l.bySource[s.ID] = len(l.sources)
	l.sources = append(l.sources, s)
	for _, p := range s.problems() {
		l.problems.addSource(i, s.ID, p.Field, p.Message)
	}
}

// fact decodes and checks fact i (1-based) of the file, resolving its source.
// isDup reports whether an earlier fact has the ID (and remembers this one); it is
// called for every fact that decodes. fact returns the fact, the index in
// l.sources of its source (-1 if unresolved), and false when it did not decode.
func (l *loader) fact(i int, raw []byte, isDup func(id string) bool) (Fact, int, bool) {
	var ff fileFact
	// Length limits first: an oversized quote is refused before it is decoded.
	if ps := overLimit(raw, factLimits, ""); len(ps) > 0 {
		for _, p := range ps {
			l.problems.add(i, peekID(raw), p.Field, p.Message)
		}
		return Fact{}, -1, false
	}
	if err := strict.Unmarshal(raw, &ff); err != nil {
		l.problems.add(i, peekID(raw), "", describeJSONError(raw, err))
		return Fact{}, -1, false
	}
	fact := Fact{ID: ff.ID, Quote: ff.Quote, Fragment: ff.Fragment, Context: ff.Context,
		Language: ff.Language, Speaker: ff.Speaker, Said: ff.Said, Medium: ff.Medium, Note: ff.Note}
	src, ok := l.bySource[ff.Source]
	switch {
	case ok:
		fact.Source = l.sources[src]
	case ff.Source == "":
		src = -1
		l.problems.add(i, ff.ID, "source", "required")
	default:
		src = -1
		l.problems.add(i, ff.ID, "source", fmt.Sprintf("%q is not a source listed in this dataset", ff.Source))
	}
	if isDup(fact.ID) {
		l.problems.add(i, fact.ID, "id", "duplicate ID")
	}
	for _, p := range fact.problems() {
		l.problems.add(i, fact.ID, p.Field, p.Message)
	}
	return fact, src, true
}

// Lookup returns the fact with the given ID. The ID is only compared, never used
// to build a path.
func (d *Dataset) Lookup(id string) (Fact, bool) {
	i, ok := d.index[id]
	if !ok {
		return Fact{}, false
	}
	return d.facts[i], true
}

// All returns every fact in the dataset's own order (the order of the file).
// The slice is a copy; changing it does not change the dataset.
func (d *Dataset) All() []Fact { return slices.Clone(d.facts) }

// Len returns the number of facts.
func (d *Dataset) Len() int { return len(d.facts) }

// Sources returns the source documents the facts cite, in file order.
func (d *Dataset) Sources() []Source { return slices.Clone(d.sources) }

// Validate checks the dataset's schema again: every fact and source well formed, IDs
// unique. Parse and Load already do this; Validate exists for datasets built in code.
func (d *Dataset) Validate() error {
	var problems problems
	seen := make(map[string]bool, len(d.facts))
	for i, f := range d.facts {
		if seen[f.ID] {
			problems.add(i+1, f.ID, "id", "duplicate ID")
		}
		seen[f.ID] = true
		for _, p := range f.problems() {
			problems.add(i+1, f.ID, p.Field, p.Message)
		}
	}
	if len(problems) > 0 {
		return &ValidationError{Problems: problems}
	}
	return nil
}

// peekID returns the "id" of a JSON object that failed strict decoding, if it has one,
// so the error can still name the fact.
func peekID(raw []byte) string {
	var v struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &v)
	return strict.Clip(v.ID, 80)
}

// describeJSONError turns a decoding error into a message with a line and column
// where the decoder gives an offset.
func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		line, col := position(data, int(syn.Offset))
		return fmt.Sprintf("%v (line %d, column %d)", syn, line, col)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Sprintf("%s: got a JSON %s, want %s", typ.Field, typ.Value, typ.Type)
	}
	return err.Error()
}

// EncodeFact returns f as the dataset file writes it: its source by ID, indented by
// two spaces, fields in the file's order. 'factcard facts add' writes it.
func EncodeFact(f Fact) ([]byte, error) {
	ff := fileFact{ID: f.ID, Quote: f.Quote, Fragment: f.Fragment, Context: f.Context, Language: f.Language,
		Speaker: f.Speaker, Said: f.Said, Medium: f.Medium, Source: f.Source.ID, Note: f.Note}
	return encodeIndented(ff)
}

// EncodeSource returns s as the dataset file writes it.
func EncodeSource(s Source) ([]byte, error) { return encodeIndented(s) }

func encodeIndented(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// EmbeddedDataset returns the dataset file embedded in the binary, as bytes.
func EmbeddedDataset() []byte { return bytes.Clone(embedded) }
