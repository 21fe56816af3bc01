package published

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/internal/strict"
)

// A published dataset is a folder of immutable objects, named by its version:
//
//	<root>/<version>/manifest.json        the version, the fact count, each shard's SHA-256,
//	                                      fact count and filter of its IDs
//	<root>/<version>/shards/0000.json     the facts whose ID hashes to shard 0, by ID
//	…
//	<root>/<version>/sources/<document>   the source documents the facts were checked against
//
// The version is a hash of the manifest, which holds the hash of every shard and
// source document, so a version names one dataset for ever and publishing the same
// dataset twice writes the same keys with the same bytes. A fact's shard is a hash of
// its ID, so a lookup reads one shard and no index.
const (
	// ManifestFormat and ShardFormat name the object formats; a reader refuses others.
	// Format 2 (issue 21): versions of 64 hex digits, a filter of each shard's IDs.
	ManifestFormat = "factcard-dataset-2"
	ShardFormat    = "factcard-shard-1"
	// ShardTargetBytes is the size Pack aims each shard at: one S3 GET of a few
	// hundred kilobytes (tens of milliseconds), parsed in a couple of milliseconds.
	// At a million facts of about 860 bytes it makes 4,096 shards of about 210 KB.
	ShardTargetBytes = 256 << 10
	// MaxShards bounds the shard count of a dataset.
	MaxShards = 1 << 16
	// MaxShardBytes bounds the size of one shard a reader accepts.
	MaxShardBytes = 16 << 20
	// MaxManifestBytes bounds the size of a manifest a reader accepts (about 85
	// bytes a shard and 1.7 bytes a fact, with the filters).
	MaxManifestBytes = 8 << 20

	// minFactLine is the fewest bytes a fact's line can take in a shard,
	// {"id":"a",} and its newline: a shard of MaxShardBytes holds at most
	// MaxShardBytes/minFactLine facts, the bound parseManifest puts on a count.
	minFactLine = len(`{"id":"a",}`) + 1

	manifestName  = "manifest.json"
	shardsFolder  = "shards"
	sourcesFolder = "sources"
)

// Manifest describes one published version of a dataset.
type Manifest struct {
	// Format is ManifestFormat.
	Format string `json:"format"`
	// Version is the content hash of the manifest (with Version empty):
	// VersionDigits hex digits.
	Version string `json:"version"`
	// Facts is the number of facts.
	Facts int `json:"facts"`
	// ShardSHA256 holds the hex SHA-256 of each shard, by shard number; its length
	// is the shard count.
	ShardSHA256 []string `json:"shard_sha256"`
	// ShardFacts holds the number of facts in each shard, by shard number.
	ShardFacts []int `json:"shard_facts"`
	// FilterBits is the bits a fact of each shard's filter (DefaultFilterBits,
	// fewer for a very large dataset; 0: no filters).
	FilterBits int `json:"filter_bits"`
	// ShardFilters holds, by shard number, a Bloom filter of the shard's IDs
	// (FilterBits bits a fact, rounded up to whole bytes), as standard base64:
	// an ID that fails its shard's filter is in no shard.
	ShardFilters [][]byte `json:"shard_filters"`
	// Sources lists the source documents published alongside, by file name.
	Sources []SourceFile `json:"sources"`
}

// SourceFile is a source document published with a dataset.
type SourceFile struct {
	// Document is the file name, as Source.Document gives it.
	Document string `json:"document"`
	// SHA256 is the hex SHA-256 of the document's bytes.
	SHA256 string `json:"sha256"`
}

// A shard is JSON, one fact a line, so that a reader can find a fact by its ID
// without decoding the others:
//
//	{"format":"factcard-shard-1","shard":7,"of":4096,"facts":[
//	{"id":"a-fact",…},
//	{"id":"another-fact",…}
//	]}
//
// Facts are sorted by ID, and each is a Fact as encoding/json writes it, so its line
// starts with its ID.
func shardHeader(i, n int) string {
	return fmt.Sprintf(`{"format":%q,"shard":%d,"of":%d,"facts":[`, ShardFormat, i, n) + "\n"
}

const shardFooter = "]}\n"

// ShardOf returns the shard of a fact ID in a dataset of n shards: the first eight
// bytes of the ID's SHA-256, as a big-endian number, modulo n.
func ShardOf(id string, n int) int {
	sum := sha256.Sum256([]byte(id))
	return int(binary.BigEndian.Uint64(sum[:8]) % uint64(n))
}

// ShardName is the file name of shard i of n: its number, zero-padded to the width
// of the largest (at least four digits), so the names sort as the numbers do.
func ShardName(i, n int) string {
	width := max(4, len(strconv.Itoa(n-1)))
	return fmt.Sprintf("%0*d.json", width, i)
}

// ManifestKey, ShardKey and SourceKey are the keys of a version's objects under
// root ("facts", or "prod/facts"), without a leading or trailing slash.
func ManifestKey(root, version string) string { return root + "/" + version + "/" + manifestName }

// ShardKey is the key of shard i of n; see ManifestKey.
func ShardKey(root, version string, i, n int) string {
	return ShardsPrefix(root, version) + ShardName(i, n)
}

// ShardsPrefix is the key prefix, ending in a slash, of a version's shards: what a
// Step Functions item reader lists.
func ShardsPrefix(root, version string) string {
	return root + "/" + version + "/" + shardsFolder + "/"
}

// SourceKey is the key of a source document; see ManifestKey.
func SourceKey(root, version, document string) string {
	return root + "/" + version + "/" + sourcesFolder + "/" + document
}

// Bundle is a dataset packed for publishing: its version and its objects, each under
// a key relative to the version's folder. The manifest comes last, so a writer that
// writes in order publishes a version only once all of it is there.
type Bundle struct {
	// Manifest describes the version.
	Manifest Manifest
	// Objects are the shards, the source documents and the manifest.
	Objects []BundleObject
}

// BundleObject is one object of a Bundle.
type BundleObject struct {
	// Name is the key under the version's folder: "shards/0007.json",
	// "sources/<document>" or "manifest.json".
	Name string
	// ContentType is the object's media type.
	ContentType string
	// Body is the content of an object packed in memory (Pack, and the manifest
	// of any bundle). It is nil for the shards and documents of a bundle that
	// PackFile packed: Bytes builds or reads those when called.
	Body []byte

	// load builds or reads the content, checked against the manifest; nil when
	// Body holds it.
	load func() ([]byte, error)
}

// Bytes returns the object's content: Body, or, for an object PackFile packed,
// the content built again from the checked facts (a shard) or read again from the
// source documents (a document), and checked against the SHA-256 the manifest
// records. It is safe to call from several goroutines at once.
func (o BundleObject) Bytes() ([]byte, error) {
	if o.load != nil {
		return o.load()
	}
	return o.Body, nil
}

// Pack shards a validated dataset for publishing, with the source documents its facts
// cite, read from docs by Source.Document. It fails when a document is missing.
// The dataset's provenance must already have been checked (Load does); Pack checks
// only that the documents are there.
func Pack(d *facts.Dataset, docs fs.FS) (*Bundle, error) {
	if d == nil || d.Len() == 0 {
		return nil, errors.New("pack dataset: no facts")
	}
	all := d.All()
	encoded := make([][]byte, len(all))
	total := 0
	for i, f := range all {
		b, err := encodeJSON(f)
		if err != nil {
			return nil, fmt.Errorf("pack dataset: encode fact %q: %w", f.ID, err)
		}
		if id, ok := lineID(b); !ok || id != f.ID {
			return nil, fmt.Errorf("pack dataset: fact %q does not encode with its ID first", f.ID)
		}
		encoded[i] = b
		total += len(b) + 2
	}
	n := shardCount(total)
	byShard := make([][]int, n)
	for i, f := range all {
		s := ShardOf(f.ID, n)
		byShard[s] = append(byShard[s], i)
	}
	b := newBundle(d.Len(), n)
	for s, idx := range byShard {
		slices.SortFunc(idx, func(x, y int) int { return strings.Compare(all[x].ID, all[y].ID) })
		var buf bytes.Buffer
		buf.WriteString(shardHeader(s, n))
		for j, i := range idx {
			buf.Write(encoded[i])
			encoded[i] = nil // in the shard now: let a large dataset's copy go
			if j < len(idx)-1 {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		buf.WriteString(shardFooter)
		if err := b.addShard(s, len(idx), buf.Bytes(), nil); err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	for _, f := range all {
		doc := f.Source.Document
		if seen[doc] {
			continue
		}
		seen[doc] = true
		body, err := fs.ReadFile(docs, doc)
		if err != nil {
			return nil, fmt.Errorf("pack dataset: source document of %q: %w", f.Source.ID, err)
		}
		b.addSource(doc, sha256.Sum256(body), body, nil)
	}
	if err := b.seal(); err != nil {
		return nil, err
	}
	return b, nil
}

// newBundle starts the bundle of a dataset of facts facts in n shards.
func newBundle(facts, n int) *Bundle {
	return &Bundle{Manifest: Manifest{
		Format:       ManifestFormat,
		Facts:        facts,
		ShardSHA256:  make([]string, n),
		ShardFacts:   make([]int, n),
		FilterBits:   filterBits(facts),
		ShardFilters: make([][]byte, n),
	}}
}

// addShard records shard s, of count facts, whose content is body. With rebuild,
// the object keeps no body: Bytes builds it again with rebuild and checks that it
// hashes as body did.
func (b *Bundle) addShard(s, count int, body []byte, rebuild func() ([]byte, error)) error {
	if len(body) > MaxShardBytes {
		return fmt.Errorf("pack dataset: shard %d is %d bytes, more than %d: the dataset is too large", s, len(body), MaxShardBytes)
	}
	sum := sha256.Sum256(body)
	b.Manifest.ShardSHA256[s] = hex.EncodeToString(sum[:])
	b.Manifest.ShardFacts[s] = count
	b.Manifest.ShardFilters[s] = shardFilter(body, filterBytes(count, b.Manifest.FilterBits))
	o := BundleObject{Name: shardsFolder + "/" + ShardName(s, len(b.Manifest.ShardFacts)), ContentType: "application/json", Body: body}
	if rebuild != nil {
		o.Body, o.load = nil, func() ([]byte, error) {
			body, err := rebuild()
			if err != nil {
				return nil, err
			}
			if sha256.Sum256(body) != sum {
				return nil, fmt.Errorf("pack dataset: shard %d built again does not hash as it did: the spill changed", s)
			}
			return body, nil
		}
	}
	b.Objects = append(b.Objects, o)
	return nil
}

// addSource records the source document doc, whose SHA-256 is sum: with its
// body, or, with docs, read from docs again by Bytes and checked against sum.
func (b *Bundle) addSource(doc string, sum [sha256.Size]byte, body []byte, docs fs.FS) {
	b.Manifest.Sources = append(b.Manifest.Sources, SourceFile{Document: doc, SHA256: hex.EncodeToString(sum[:])})
	o := BundleObject{Name: sourcesFolder + "/" + doc, ContentType: "text/plain; charset=utf-8", Body: body}
	if docs != nil {
		o.Body, o.load = nil, func() ([]byte, error) {
			body, err := fs.ReadFile(docs, doc)
			if err != nil {
				return nil, fmt.Errorf("pack dataset: source document %q: %w", doc, err)
			}
			if sha256.Sum256(body) != sum {
				return nil, fmt.Errorf("pack dataset: source document %q changed since the facts were checked against it", doc)
			}
			return body, nil
		}
	}
	b.Objects = append(b.Objects, o)
}

// seal finishes the manifest, whose shards and sources are all added: the
// sources in order, the version, and the manifest as the last object.
func (b *Bundle) seal() error {
	slices.SortFunc(b.Manifest.Sources, func(x, y SourceFile) int { return strings.Compare(x.Document, y.Document) })
	b.Manifest.Version = manifestVersion(b.Manifest)
	body, err := encodeJSON(b.Manifest)
	if err != nil {
		return fmt.Errorf("pack dataset: encode manifest: %w", err)
	}
	b.Objects = append(b.Objects, BundleObject{Name: manifestName, ContentType: "application/json", Body: append(body, '\n')})
	return nil
}

// shardCount is the power of two that brings shards of a dataset of total bytes
// closest to ShardTargetBytes without going over it on average.
func shardCount(total int) int {
	want := (total + ShardTargetBytes - 1) / ShardTargetBytes
	if want <= 1 {
		return 1
	}
	return min(MaxShards, 1<<bits.Len(uint(want-1)))
}

// VersionDigits is the length of a version: the whole SHA-256, in hex. (Versions
// were 20 digits, 80 bits, until issue 21: too few to rule out a second manifest
// made to share one. A version of 20 digits is refused; publish the dataset
// again for its 64-digit version.)
const VersionDigits = 2 * sha256.Size

// manifestVersion is the content hash of a manifest: the SHA-256 of its JSON with
// Version empty, in hex (VersionDigits digits, 256 bits).
func manifestVersion(m Manifest) string {
	m.Version = ""
	body, err := encodeJSON(m)
	if err != nil {
		panic("published: encode manifest: " + err.Error()) // strings and ints: cannot fail
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// ValidVersion reports whether v looks like a version Pack makes: VersionDigits
// lower-case hex digits.
func ValidVersion(v string) bool {
	if len(v) != VersionDigits {
		return false
	}
	for _, c := range v {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// encodeJSON marshals v without HTML escaping, so quotes keep their characters.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// parseManifest decodes and checks a manifest read for version.
func parseManifest(data []byte, version string) (Manifest, error) {
	var m Manifest
	if err := strict.Unmarshal(data, &m); err != nil {
		return Manifest{}, fmt.Errorf("parse manifest: %w", err)
	}
	switch n := len(m.ShardSHA256); {
	case m.Format != ManifestFormat:
		return Manifest{}, fmt.Errorf("manifest format %q, want %q", strict.Clip(m.Format, 40), ManifestFormat)
	case m.Version != version:
		return Manifest{}, fmt.Errorf("manifest says version %q, want %q", strict.Clip(m.Version, 40), version)
	case manifestVersion(m) != version:
		return Manifest{}, fmt.Errorf("manifest content does not hash to its version %s: it was changed after publishing", version)
	case n < 1 || n > MaxShards || len(m.ShardFacts) != n:
		return Manifest{}, fmt.Errorf("manifest lists %d shard hashes and %d shard counts", n, len(m.ShardFacts))
	case len(m.ShardFilters) != n || m.FilterBits < 0 || m.FilterBits > DefaultFilterBits:
		return Manifest{}, fmt.Errorf("manifest lists %d shard filters of %d bits a fact for %d shards", len(m.ShardFilters), m.FilterBits, n)
	}
	total := 0
	for i, c := range m.ShardFacts {
		if c < 0 || c > MaxShardBytes/minFactLine {
			// More than a shard of MaxShardBytes can hold: the count would size
			// the reader's index of the shard.
			return Manifest{}, fmt.Errorf("manifest: shard %d has %d facts", i, c)
		}
		if _, err := hex.DecodeString(m.ShardSHA256[i]); err != nil || len(m.ShardSHA256[i]) != 64 {
			return Manifest{}, fmt.Errorf("manifest: shard %d hash %q is not a hex SHA-256", i, strict.Clip(m.ShardSHA256[i], 80))
		}
		if got, want := len(m.ShardFilters[i]), filterBytes(c, m.FilterBits); got != want {
			return Manifest{}, fmt.Errorf("manifest: shard %d filter is %d bytes, want %d for %d facts", i, got, want, c)
		}
		total += c
	}
	if total != m.Facts {
		return Manifest{}, fmt.Errorf("manifest: shards hold %d facts, manifest says %d", total, m.Facts)
	}
	return m, nil
}

// shard is a checked shard in memory: its bytes and where each fact's line is.
type shard struct {
	data  []byte
	lines []int32 // lines[j] is the offset of fact j's line; lines[len] its end
}

// len returns the number of facts.
func (s *shard) len() int { return len(s.lines) - 1 }

// size is what the shard holds in memory, in bytes.
func (s *shard) size() int { return len(s.data) + 4*len(s.lines) }

// line returns fact j's JSON, without the separating comma.
func (s *shard) line(j int) []byte {
	l := s.data[s.lines[j] : s.lines[j+1]-1] // without the newline
	return bytes.TrimSuffix(l, []byte(","))
}

// id returns fact j's ID, read from the start of its line.
func (s *shard) id(j int) string {
	id, _ := lineID(s.line(j))
	return id
}

// find returns the index of the fact with the given ID.
func (s *shard) find(id string) (int, bool) {
	j := sort.Search(s.len(), func(j int) bool { return s.id(j) >= id })
	return j, j < s.len() && s.id(j) == id
}

// fact decodes fact j and checks it: a damaged fact is an error, never a wrong fact.
func (s *shard) fact(j int) (facts.Fact, error) {
	var f facts.Fact
	if err := strict.Unmarshal(s.line(j), &f); err != nil {
		return facts.Fact{}, fmt.Errorf("fact %d: %w", j+1, err)
	}
	if id := s.id(j); f.ID != id {
		return facts.Fact{}, fmt.Errorf("fact %d: line says ID %q, fact says %q", j+1, id, strict.Clip(f.ID, 80))
	}
	if err := f.Validate(); err != nil {
		return facts.Fact{}, err
	}
	if err := f.Source.Validate(); err != nil {
		return facts.Fact{}, fmt.Errorf("fact %q: %w", f.ID, err)
	}
	return f, nil
}

// lineID reads the ID at the start of a fact's line, {"id":"…",.
func lineID(line []byte) (string, bool) {
	rest, ok := bytes.CutPrefix(line, []byte(`{"id":"`))
	if !ok {
		return "", false
	}
	end := bytes.IndexByte(rest, '"')
	if end < 0 || end+1 >= len(rest) || rest[end+1] != ',' {
		return "", false
	}
	return string(rest[:end]), true
}

// shardIndex is what a reader keeps of a manifest: the version, the fact count, and
// per shard its SHA-256 and fact count, in about 36 bytes a shard.
type shardIndex struct {
	version string
	facts   int
	sums    [][sha256.Size]byte
	counts  []int32
	filters [][]byte
}

// newShardIndex keeps what a reader needs of a checked manifest.
func newShardIndex(m Manifest) shardIndex {
	idx := shardIndex{version: m.Version, facts: m.Facts,
		sums: make([][sha256.Size]byte, len(m.ShardSHA256)), counts: make([]int32, len(m.ShardFacts)),
		filters: m.ShardFilters}
	for i, h := range m.ShardSHA256 {
		hex.Decode(idx.sums[i][:], []byte(h)) // checked by parseManifest
		idx.counts[i] = int32(m.ShardFacts[i])
	}
	return idx
}

// parseShard checks shard i of a manifest's dataset: its hash, its header and
// footer, the number of facts, and every line's ID (a valid ID, in this shard,
// strictly ascending). Facts are decoded one by one when asked for. Anything else is
// refused: a damaged shard must never yield a wrong fact.
func parseShard(data []byte, m *shardIndex, i int) (*shard, error) {
	if sum := sha256.Sum256(data); sum != m.sums[i] {
		return nil, fmt.Errorf("shard %d: SHA-256 %x…, manifest says %x…: the shard is damaged or was changed", i, sum[:8], m.sums[i][:8])
	}
	n := len(m.sums)
	header := shardHeader(i, n)
	if !bytes.HasPrefix(data, []byte(header)) || !bytes.HasSuffix(data, []byte(shardFooter)) || len(data) < len(header)+len(shardFooter) {
		return nil, fmt.Errorf("shard %d: not a %s file of shard %d of %d", i, ShardFormat, i, n)
	}
	s := &shard{data: data, lines: make([]int32, 0, min(int(m.counts[i]), len(data)/minFactLine)+1)}
	body := data[len(header) : len(data)-len(shardFooter)]
	off := len(header)
	prev := ""
	for len(body) > 0 {
		end := bytes.IndexByte(body, '\n')
		if end < 0 {
			return nil, fmt.Errorf("shard %d: unterminated line", i)
		}
		line := body[:end]
		last := len(body) == end+1
		if trimmed, comma := bytes.CutSuffix(line, []byte(",")); comma == last {
			return nil, fmt.Errorf("shard %d: fact %d: separator missing or trailing", i, len(s.lines)+1)
		} else {
			line = trimmed
		}
		id, ok := lineID(line)
		switch {
		case !ok || !facts.ValidID(id):
			return nil, fmt.Errorf("shard %d: fact %d does not start with a valid ID", i, len(s.lines)+1)
		case id <= prev:
			return nil, fmt.Errorf("shard %d: fact %q out of order", i, id)
		case ShardOf(id, n) != i:
			return nil, fmt.Errorf("shard %d: fact %q belongs in shard %d", i, id, ShardOf(id, n))
		}
		prev = id
		s.lines = append(s.lines, int32(off))
		off += end + 1
		body = body[end+1:]
	}
	s.lines = append(s.lines, int32(off))
	if s.len() != int(m.counts[i]) {
		return nil, fmt.Errorf("shard %d: %d facts, manifest says %d", i, s.len(), m.counts[i])
	}
	return s, nil
}
