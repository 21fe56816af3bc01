package published

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/internal/strict"
)

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
	// MaxBytes bounds the dataset file; zero means facts.MaxPublishBytes.
	MaxBytes int64
	// Check, when set, is called with each fact and its 1-based position in the
	// file, in file order, for as long as no problem has been found. What it finds
	// is the caller's: 'factcard publish' checks that each fact fits on every card.
	Check func(i int, f facts.Fact)
	// TextCacheBytes bounds the folded source documents kept for the provenance
	// check; zero means facts.DefaultTextCacheBytes (see facts.FileOptions).
	TextCacheBytes int
}

// PackFile is facts.LoadLarge and Pack for a dataset file of any size, in memory
// that does not grow with it: it validates the file (read through r, size bytes)
// and checks its provenance against docs exactly as facts.LoadLarge does
// (facts.CheckFile), failing with the same *facts.ValidationError, and returns the bundle that Pack makes of it, the same
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
	p := &filePacker{spill: opts.Spill, seen: map[uint64]int32{}}
	if p.spill == nil {
		p.spill = &memorySpill{}
	}
	cited, err := facts.CheckFile(r, size, docs, p, facts.FileOptions{MaxBytes: opts.MaxBytes, Check: opts.Check, TextCacheBytes: opts.TextCacheBytes})
	if err != nil {
		return nil, err
	}
	p.seen, p.collided = nil, nil

	// Packing: each shard built from the spill and hashed, one at a time.
	n := shardCount(p.total)
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
	for _, doc := range cited {
		b.addSource(doc.Name, doc.SHA256, nil, docs)
	}
	if err := b.seal(); err != nil {
		return nil, err
	}
	return b, nil
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
	hash     uint64 // of the ID Dup saw last
	total    int    // the bytes of the facts' lines, with a comma and newline each
	rec      []byte
}

var _ facts.FactStore = (*filePacker)(nil)

// Dup reports whether an earlier fact has the ID, as facts.Parse's index would.
func (p *filePacker) Dup(id string) (bool, error) {
	sum := sha256.Sum256([]byte(id))
	p.hash = binary.BigEndian.Uint64(sum[:8])
	if id == "" {
		return false, nil
	}
	j, ok := p.seen[p.hash]
	if !ok {
		p.seen[p.hash] = int32(len(p.recs))
		return false, nil
	}
	first, _, err := p.read(p.recs[j], nil)
	if err != nil {
		return false, err
	}
	if string(first) == id || p.collided[id] {
		return true, nil
	}
	if p.collided == nil {
		p.collided = map[string]bool{}
	}
	p.collided[id] = true
	return false, nil
}

// Add appends f, whose ID Dup saw last, to the spill; with encode false (the
// dataset fails already) only its ID.
func (p *filePacker) Add(f facts.Fact, encode bool) error {
	var line []byte
	if encode {
		var err error
		if line, err = encodeJSON(f); err != nil {
			return fmt.Errorf("pack dataset: encode fact %q: %w", f.ID, err)
		}
		if id, ok := lineID(line); !ok || id != f.ID {
			return fmt.Errorf("pack dataset: fact %q does not encode with its ID first", f.ID)
		}
	}
	p.rec = binary.AppendUvarint(p.rec[:0], uint64(len(f.ID)))
	p.rec = append(append(p.rec, f.ID...), line...)
	if _, err := p.spill.Write(p.rec); err != nil {
		return fmt.Errorf("pack dataset: spill: %w", err)
	}
	p.recs = append(p.recs, factRecord{off: p.end, n: int64(len(p.rec)), hash: p.hash})
	p.end += int64(len(p.rec))
	p.total += len(line) + 2
	return nil
}

// Fact reads fact n back from the spill. CheckFile reads back only facts added
// while every fact before them was valid, so n+1 is the fact's place in the file.
func (p *filePacker) Fact(n int) (facts.Fact, error) {
	if n < 0 || n >= len(p.recs) {
		return facts.Fact{}, fmt.Errorf("pack dataset: read back fact %d: no such fact", n+1)
	}
	_, line, err := p.read(p.recs[n], nil)
	if err != nil {
		return facts.Fact{}, err
	}
	var f facts.Fact
	if err := strict.Unmarshal(line, &f); err != nil {
		return facts.Fact{}, fmt.Errorf("pack dataset: read back fact %d: %w", n+1, err)
	}
	return f, nil
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
