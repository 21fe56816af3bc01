package facts

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"

	"github.com/factcard/factcard/facts/internal/passage"
)

// DefaultTextCacheBytes bounds the folded source documents PackFile keeps for the
// provenance check when PackOptions.TextCacheBytes is zero: a folded document takes
// about six times its size, so this holds about ninety news articles of 30 KB, for
// datasets whose facts do not follow their sources' order.
const DefaultTextCacheBytes = 16 << 20

// Spill holds the facts PackFile has checked until they are packed into shards
// and published: PackFile appends to it with Write and reads it back with ReadAt,
// also between writes (a buffered writer must flush first). Once PackFile has
// returned, the bundle's shards read it from several goroutines at once. A
// temporary file suits a large dataset.
type Spill interface {
	io.Writer
	io.ReaderAt
}

// PackOptions configures PackFile.
type PackOptions struct {
	// Spill keeps the checked facts, about the size of the dataset file, until the
	// bundle has been written. Nil keeps them in memory. The caller closes it,
	// after the bundle's last Bytes call.
	Spill Spill
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

// PackFile is LoadLarge and Pack for a dataset file of any size, in memory that
// does not grow with it: it validates the file (read through r, size bytes) and
// checks its provenance against docs exactly as LoadLarge does, failing with the
// same *ValidationError, and returns the bundle that Pack makes of it, the same
// version, manifest and objects byte for byte. Nothing is written anywhere but
// opts.Spill, so a dataset that fails, fails before anything is published.
//
// The file is read twice, a piece at a time: first for the sources (which may
// come after the facts) and the syntax of the whole file, then for the facts, one
// at a time. Each fact is checked, its provenance too, encoded as a shard holds it
// and appended to the spill; only its place there and the hash of its ID stay in
// memory (about 60 bytes a fact, with the check for duplicate IDs). The shards are
// then built one at a time from the spill, to hash them for the manifest, and
// built again when the bundle's Bytes is called, to write them.
func PackFile(r io.ReaderAt, size int64, docs fs.FS, opts PackOptions) (*Bundle, error) {
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
	p := &filePacker{spill: opts.Spill, seen: map[uint64]int32{}}
	if p.spill == nil {
		p.spill = &memorySpill{}
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
		count, total int
		cited        []int
		citedDocs    = map[string]bool{}
	)
	if w.shape.facts >= 0 {
		c := newFileCursor(r, size, w.shape.facts)
		if _, _, err := c.skipSpace(); err != nil {
			return nil, err
		}
		_, err := walkArray(c, func(i int, raw []byte) error {
			count = i
			f, src, ok := l.fact(i, raw, p.isDup)
			if p.err != nil {
				return p.err
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
					later = append(later, deferredFact{i: int32(i), rec: int32(len(p.recs)), src: int32(src)})
				}
			}
			failing = failing || sourceProblems > 0 || len(prov) > 0
			if !failing && opts.Check != nil {
				opts.Check(i, f)
			}
			n, err := p.add(f, !failing)
			if err != nil {
				return err
			}
			total += n + 2
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
		if err := checkDeferred(p, later, text, &prov); err != nil {
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
	p.seen, p.collided = nil, nil

	// Packing: each shard built from the spill and hashed, one at a time.
	n := shardCount(total)
	pk := p.group(n)
	b := newBundle(len(p.recs), n)
	for s := range n {
		body, err := pk.build(s)
		if err != nil {
			return nil, err
		}
		if err := b.addShard(s, pk.len(s), body, func() ([]byte, error) { return pk.build(s) }); err != nil {
			return nil, err
		}
	}
	for _, src := range cited {
		b.addSource(l.sources[src].Document, srcs[src].sum, nil, docs)
	}
	if err := b.seal(); err != nil {
		return nil, err
	}
	return b, nil
}

// deferredFact is a fact whose document had left the text cache when the fact
// was read: fact i of the file, record rec of the spill, citing source src.
type deferredFact struct{ i, rec, src int32 }

// checkDeferred checks the provenance of the facts in later, a document at a
// time, each fact read back from the spill, and adds what does not hold to ps.
func checkDeferred(p *filePacker, later []deferredFact, text func(src int) (passage.Text, error), ps *problems) error {
	slices.SortFunc(later, func(x, y deferredFact) int {
		if x.src != y.src {
			return int(x.src - y.src)
		}
		return int(x.i - y.i)
	})
	var (
		t   passage.Text
		buf []byte
	)
	for k, d := range later {
		if k == 0 || d.src != later[k-1].src {
			var err error
			if t, err = text(int(d.src)); err != nil {
				return err
			}
		}
		r := p.recs[d.rec]
		if int64(cap(buf)) < r.n {
			buf = make([]byte, r.n)
		}
		_, line, err := p.read(r, buf[:r.n])
		if err != nil {
			return err
		}
		var f Fact
		if err := strictUnmarshal(line, &f); err != nil {
			return fmt.Errorf("pack dataset: read back fact %d: %w", d.i, err)
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

// factRecord is where a checked fact is in the spill: a record of the ID's
// length (uvarint), the ID, and the fact's line as its shard holds it.
type factRecord struct {
	off, n int64
	// hash is the first eight bytes of the ID's SHA-256: ShardOf's number.
	hash uint64
}

// filePacker appends checked facts to the spill and finds duplicate IDs.
type filePacker struct {
	spill Spill
	end   int64 // bytes written
	recs  []factRecord
	// seen maps an ID's hash to the first fact with it; collided holds the IDs
	// of later facts with another ID of the same hash (in practice none).
	seen     map[uint64]int32
	collided map[string]bool
	hash     uint64 // of the ID isDup saw last
	err      error
	rec      []byte
}

// isDup reports whether an earlier fact has the ID, as Parse's index would.
func (p *filePacker) isDup(id string) bool {
	sum := sha256.Sum256([]byte(id))
	p.hash = binary.BigEndian.Uint64(sum[:8])
	if id == "" {
		return false
	}
	j, ok := p.seen[p.hash]
	if !ok {
		p.seen[p.hash] = int32(len(p.recs))
		return false
	}
	first, _, err := p.read(p.recs[j], nil)
	if err != nil {
		p.err = err
		return false
	}
	if string(first) == id || p.collided[id] {
		return true
	}
	if p.collided == nil {
		p.collided = map[string]bool{}
	}
	p.collided[id] = true
	return false
}

// add appends f, whose ID isDup saw last, to the spill; with encode false (the
// dataset fails already) only its ID. It returns the length of its line.
func (p *filePacker) add(f Fact, encode bool) (int, error) {
	var line []byte
	if encode {
		var err error
		if line, err = encodeJSON(f); err != nil {
			return 0, fmt.Errorf("pack dataset: encode fact %q: %w", f.ID, err)
		}
		if id, ok := lineID(line); !ok || id != f.ID {
			return 0, fmt.Errorf("pack dataset: fact %q does not encode with its ID first", f.ID)
		}
	}
	p.rec = binary.AppendUvarint(p.rec[:0], uint64(len(f.ID)))
	p.rec = append(append(p.rec, f.ID...), line...)
	if _, err := p.spill.Write(p.rec); err != nil {
		return 0, fmt.Errorf("pack dataset: spill: %w", err)
	}
	p.recs = append(p.recs, factRecord{off: p.end, n: int64(len(p.rec)), hash: p.hash})
	p.end += int64(len(p.rec))
	return len(line), nil
}

// read reads a record into buf (or a new buffer) and returns its ID and line.
func (p *filePacker) read(r factRecord, buf []byte) (id, line []byte, err error) {
	if int64(cap(buf)) < r.n {
		buf = make([]byte, r.n)
	}
	buf = buf[:r.n]
	if got, err := p.spill.ReadAt(buf, r.off); int64(got) < r.n {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, nil, fmt.Errorf("pack dataset: read spill: %w", err)
	}
	k, size := binary.Uvarint(buf)
	if size <= 0 || uint64(len(buf)-size) < k {
		return nil, nil, errors.New("pack dataset: read spill: damaged record")
	}
	return buf[size : size+int(k)], buf[size+int(k):], nil
}

// packedFacts is the spilled facts grouped into n shards.
type packedFacts struct {
	p      *filePacker
	n      int
	starts []int32 // shard s holds order[starts[s]:starts[s+1]]
	order  []int32 // record indices, by shard, in spill order within one
}

// group sorts the records into n shards by the hash of their ID.
func (p *filePacker) group(n int) *packedFacts {
	pk := &packedFacts{p: p, n: n, starts: make([]int32, n+1), order: make([]int32, len(p.recs))}
	for _, r := range p.recs {
		pk.starts[r.hash%uint64(n)+1]++
	}
	for s := range n {
		pk.starts[s+1] += pk.starts[s]
	}
	next := slices.Clone(pk.starts[:n])
	for j, r := range p.recs {
		s := r.hash % uint64(n)
		pk.order[next[s]] = int32(j)
		next[s]++
	}
	return pk
}

// len returns the number of facts in shard s.
func (pk *packedFacts) len(s int) int { return int(pk.starts[s+1] - pk.starts[s]) }

// build makes shard s as Pack does: its facts' lines by ID between the header
// and the footer. It is safe to call from several goroutines at once.
func (pk *packedFacts) build(s int) ([]byte, error) {
	idx := pk.order[pk.starts[s]:pk.starts[s+1]]
	size := int64(0)
	for _, j := range idx {
		size += pk.p.recs[j].n
	}
	buf := make([]byte, size)
	type entry struct{ id, line []byte }
	entries := make([]entry, len(idx))
	at := int64(0)
	for k, j := range idx {
		r := pk.p.recs[j]
		id, line, err := pk.p.read(r, buf[at:at+r.n])
		if err != nil {
			return nil, err
		}
		entries[k] = entry{id, line}
		at += r.n
	}
	slices.SortFunc(entries, func(x, y entry) int { return bytes.Compare(x.id, y.id) })
	header := shardHeader(s, pk.n)
	var out bytes.Buffer
	out.Grow(len(header) + int(size) + 2*len(entries) + len(shardFooter))
	out.WriteString(header)
	for k, e := range entries {
		out.Write(e.line)
		if k < len(entries)-1 {
			out.WriteByte(',')
		}
		out.WriteByte('\n')
	}
	out.WriteString(shardFooter)
	return out.Bytes(), nil
}

// memorySpill is the Spill PackFile uses when given none.
type memorySpill struct{ b []byte }

func (m *memorySpill) Write(p []byte) (int, error) {
	m.b = append(m.b, p...)
	return len(p), nil
}

func (m *memorySpill) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= int64(len(m.b)) {
		return 0, io.EOF
	}
	n := copy(p, m.b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
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
