package facts

import (
	"container/list"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"

	"github.com/factcard/factcard/facts/internal/passage"
)

// DefaultTextCacheBytes bounds the folded source documents CheckFile keeps for the
// provenance check when FileOptions.TextCacheBytes is zero: a folded document takes
// about six times its size, so this holds about ninety news articles of 30 KB, for
// datasets whose facts do not follow their sources' order.
const DefaultTextCacheBytes = 16 << 20

// FactStore keeps the facts CheckFile has checked, outside memory if it likes
// (published.PackFile appends them to a spill file): CheckFile holds none of them.
// CheckFile calls it from one goroutine.
type FactStore interface {
	// Dup reports whether a fact added earlier has the ID (an ID Dup saw
	// earlier for a fact that was then added). CheckFile calls it for every fact
	// that decodes, just before it calls Add for that fact.
	Dup(id string) (bool, error)
	// Add keeps f, the next fact of the file. With valid false the dataset fails
	// already and only f's ID matters.
	Add(f Fact, valid bool) error
	// Fact returns the nth fact added (0-based): CheckFile reads back the facts
	// whose document had left its text cache.
	Fact(n int) (Fact, error)
}

// FileOptions configures CheckFile.
type FileOptions struct {
	// MaxBytes bounds the dataset file; zero means MaxPublishBytes.
	MaxBytes int64
	// Check, when set, is called with each fact and its 1-based position in the
	// file, in file order, for as long as no problem has been found. What it finds
	// is the caller's: 'factcard publish' checks that each fact fits on every card.
	Check func(i int, f Fact)
	// TextCacheBytes bounds the folded source documents kept for the provenance
	// check; zero means DefaultTextCacheBytes. A fact whose document was let go is
	// checked after the facts have been read, with the other such facts of its
	// document: each of those documents is read and folded once more.
	TextCacheBytes int
}

// CitedDocument is a source document the facts of a checked file cite: its
// name and the SHA-256 of the bytes they were checked against.
type CitedDocument struct {
	Name   string
	SHA256 [sha256.Size]byte
}

// CheckFile is LoadLarge for a dataset file of any size, in memory that does not
// grow with it: it validates the file (read through r, size bytes) and checks its
// provenance against docs exactly as LoadLarge does, failing with the same
// *ValidationError, and hands each fact to store, in file order. It returns the
// documents the facts cite, in the order they are first cited.
//
// The file is read twice, a piece at a time: first for the sources (which may
// come after the facts) and the syntax of the whole file, then for the facts, one
// at a time. Each fact is checked, its provenance too, and added to the store.
func CheckFile(r io.ReaderAt, size int64, docs fs.FS, store FactStore, opts FileOptions) ([]CitedDocument, error) {
	maxBytes := opts.MaxBytes
	if maxBytes <= 0 {
		maxBytes = MaxPublishBytes
	}
	if size > maxBytes {
		return nil, fmt.Errorf("read dataset: larger than %d bytes; a dataset of quotes is a few kilobytes (publish larger archives with 'factcard publish')", maxBytes)
	}
	if docs == nil {
		return nil, errors.New("load dataset: no source documents to check the facts against")
	}

	// First reading: the syntax of the whole file, and the sources.
	l := newLoader(nil)
	scan := newUTF8Scan()
	c := newFileCursor(r, size, 0)
	c.utf8 = scan
	w := &fileWalker{
		c:       c,
		sources: func() { l = newLoader(nil) },
		source:  func(i int, raw []byte) error { l.source(i, raw); return nil },
	}
	walkErr := w.walk()
	if err := scan.drain(c); err != nil {
		return nil, err
	}
	var schema problems
	if off := scan.finish(); off >= 0 {
		line, col := filePosition(r, size, off)
		schema.add(0, "", "", fmt.Sprintf("invalid UTF-8 at line %d, column %d", line, col))
	}
	var readErr *fileReadError
	switch {
	case errors.As(walkErr, &readErr):
		return nil, walkErr
	case walkErr != nil:
		return nil, &ValidationError{Problems: append(schema, Problem{Message: "parse dataset: " + describeFileError(r, size, walkErr)})}
	}

	// The sources' documents, each checked when a fact first cites it (or at the
	// end, for a source no fact cites), so that a document is read and folded
	// once while its facts follow one another.
	var (
		added    int   // facts given to the store
		storeErr error // the store's, from Dup
	)
	isDup := func(id string) bool {
		dup, err := store.Dup(id)
		if err != nil && storeErr == nil {
			storeErr = err
		}
		return dup
	}
	texts := newTextCache(opts.TextCacheBytes)
	srcs := make([]sourceCheck, len(l.sources))
	sourceProblems := 0
	checkSource := func(src int) *sourceCheck {
		sc := &srcs[src]
		if !sc.done {
			sc.done = true
			var text passage.Text
			text, sc.sum, sc.readable = sourceProvenance(src+1, l.sources[src], docs, &sc.problems)
			sourceProblems += len(sc.problems)
			if sc.readable {
				texts.put(src, text)
			}
		}
		return sc
	}
	text := func(src int) (passage.Text, error) {
		if t, ok := texts.get(src); ok {
			return t, nil
		}
		doc := l.sources[src].Document
		data, err := readDocument(docs, doc)
		if err != nil {
			return passage.Text{}, fmt.Errorf("check provenance: read source document again: %w", err)
		}
		if sha256.Sum256(data) != srcs[src].sum {
			return passage.Text{}, fmt.Errorf("check provenance: source document %q changed while the facts were being checked against it", doc)
		}
		t := passage.Fold(string(data))
		texts.put(src, t)
		return t, nil
	}
	var (
		prov  problems       // the facts'
		later []deferredFact // facts to check after the reading
	)

	// Second reading: the facts, one at a time.
	var (
		count     int
		cited     []int // sources, by their document's first citation
		citedDocs = map[string]bool{}
	)
	if w.shape.facts >= 0 {
		c := newFileCursor(r, size, w.shape.facts)
		if _, _, err := c.skipSpace(); err != nil {
			return nil, err
		}
		_, err := walkArray(c, func(i int, raw []byte) error {
			count = i
			f, src, ok := l.fact(i, raw, isDup)
			if storeErr != nil {
				return storeErr
			}
			if !ok {
				return nil
			}
			failing := len(schema) > 0 || len(l.problems) > 0
			if !failing && src >= 0 && checkSource(src).readable {
				if t, ok := texts.get(src); ok {
					prov.addFactProvenance(i, f, t)
				} else {
					// Its document was let go: check it with the other
					// facts of that document after this reading.
					later = append(later, deferredFact{i: int32(i), rec: int32(added), src: int32(src)})
				}
			}
			failing = failing || sourceProblems > 0 || len(prov) > 0
			if !failing && opts.Check != nil {
				opts.Check(i, f)
			}
			if err := store.Add(f, !failing); err != nil {
				return err
			}
			added++
			if doc := f.Source.Document; src >= 0 && !citedDocs[doc] {
				citedDocs[doc] = true
				cited = append(cited, src)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if count == 0 {
		l.problems.add(0, "", "facts", "the dataset has no facts")
	}
	if schema = append(schema, l.problems...); len(schema) > 0 {
		return nil, &ValidationError{Problems: schema}
	}
	if len(later) > 0 {
		n := len(prov)
		if err := checkDeferred(store, later, text, &prov); err != nil {
			return nil, err
		}
		if len(prov) > n {
			// Back into the facts' order (each fact's own in its order).
			slices.SortStableFunc(prov, func(x, y Problem) int { return x.Index - y.Index })
		}
	}
	var all problems
	for i := range srcs {
		all = append(all, checkSource(i).problems...)
	}
	if all = append(all, prov...); len(all) > 0 {
		return nil, &ValidationError{Problems: all}
	}
	out := make([]CitedDocument, len(cited))
	for k, src := range cited {
		out[k] = CitedDocument{Name: l.sources[src].Document, SHA256: srcs[src].sum}
	}
	return out, nil
}

// deferredFact is a fact whose document had left the text cache when the fact
// was read: fact i of the file, fact rec of the store, citing source src.
type deferredFact struct{ i, rec, src int32 }

// checkDeferred checks the provenance of the facts in later, a document at a
// time, each fact read back from the store, and adds what does not hold to ps.
func checkDeferred(store FactStore, later []deferredFact, text func(src int) (passage.Text, error), ps *problems) error {
	slices.SortFunc(later, func(x, y deferredFact) int {
		if x.src != y.src {
			return int(x.src - y.src)
		}
		return int(x.i - y.i)
	})
	var t passage.Text
	for k, d := range later {
		if k == 0 || d.src != later[k-1].src {
			var err error
			if t, err = text(int(d.src)); err != nil {
				return err
			}
		}
		f, err := store.Fact(int(d.rec))
		if err != nil {
			return err
		}
		ps.addFactProvenance(int(d.i), f, t)
	}
	return nil
}

// sourceCheck is what checking a source against its document found.
type sourceCheck struct {
	done, readable bool
	sum            [sha256.Size]byte
	problems       problems
}

// textCache keeps the folded documents of recently cited sources, up to a bound.
type textCache struct {
	limit, size int
	order       *list.List // of *cachedText, the most recently used first
	bySource    map[int]*list.Element
}

type cachedText struct {
	src  int
	text passage.Text
	cost int
}

func newTextCache(limit int) *textCache {
	if limit <= 0 {
		limit = DefaultTextCacheBytes
	}
	return &textCache{limit: limit, order: list.New(), bySource: map[int]*list.Element{}}
}

func (c *textCache) get(src int) (passage.Text, bool) {
	e, ok := c.bySource[src]
	if !ok {
		return passage.Text{}, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cachedText).text, true
}

// put keeps t, letting the least recently used texts go to stay in the bound; a
// text larger than the bound is not kept.
func (c *textCache) put(src int, t passage.Text) {
	// The original, the folded text and an int32 offset per folded byte.
	cost := len(t.Orig) + len(t.Folded) + 4*(len(t.Folded)+1)
	if cost > c.limit {
		return
	}
	if e, ok := c.bySource[src]; ok {
		c.size -= e.Value.(*cachedText).cost
		c.order.Remove(e)
		delete(c.bySource, src)
	}
	for c.size+cost > c.limit {
		old := c.order.Remove(c.order.Back()).(*cachedText)
		delete(c.bySource, old.src)
		c.size -= old.cost
	}
	c.bySource[src] = c.order.PushFront(&cachedText{src: src, text: t, cost: cost})
	c.size += cost
}
