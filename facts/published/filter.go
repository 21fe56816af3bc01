package published

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
)

// Each shard has a Bloom filter of its facts' IDs in the manifest, so that a
// lookup of an ID that is in no shard (a mistyped or made-up URL, a crawler) is
// answered from memory instead of with a shard GET. A filter of FilterBits
// bits a fact and filterHashes bit positions an ID passes about 1% of IDs it
// does not hold; it never fails an ID it holds.
const (
	// DefaultFilterBits is the bits a fact of each shard's filter: about 1% of
	// unknown IDs pass, and a million facts add 1.2 MB to the reader's memory
	// (1.7 MB of base64 to its manifest).
	DefaultFilterBits = 10
	// maxFilterBytes bounds all of a dataset's filters, so that its manifest
	// stays well under MaxManifestBytes: a dataset of more facts than fit at
	// DefaultFilterBits gets fewer bits a fact (and passes more unknown IDs).
	maxFilterBytes = 4 << 20
	// filterHashes is the number of bit positions of an ID: about ln 2 times
	// DefaultFilterBits.
	filterHashes = 7
)

// filterBits returns the bits a fact of the filters of a dataset of n facts.
func filterBits(n int) int {
	if n <= 0 {
		return DefaultFilterBits
	}
	return min(DefaultFilterBits, maxFilterBytes*8/n)
}

// filterBytes is the size of the filter of a shard of count facts, bits a fact.
func filterBytes(count, bits int) int { return (count*bits + 7) / 8 }

// filterPositions calls set with the filterHashes bit positions of id in a filter
// of m bits (m > 0): double hashing of two 64-bit words of the ID's SHA-256 other
// than the first (which ShardOf uses).
func filterPositions(id string, m uint64, set func(bit uint64)) {
	sum := sha256.Sum256([]byte(id))
	h1 := binary.BigEndian.Uint64(sum[8:16])
	h2 := binary.BigEndian.Uint64(sum[16:24]) | 1
	for i := range uint64(filterHashes) {
		set((h1 + i*h2) % m)
	}
}

// shardFilter builds the filter of size bytes of the IDs of a shard's body, read
// from the start of each fact's line.
func shardFilter(body []byte, size int) []byte {
	f := make([]byte, size)
	if size == 0 {
		return f
	}
	lines := bytes.Split(body, []byte("\n"))
	for _, line := range lines[1:] { // after the header
		if id, ok := lineID(bytes.TrimSuffix(line, []byte(","))); ok {
			filterPositions(id, uint64(size)*8, func(bit uint64) { f[bit/8] |= 1 << (bit % 8) })
		}
	}
	return f
}

// mayHold reports whether a filter may hold id: false only when no fact of its
// shard has it. An empty filter (no bits a fact) may hold any ID.
func mayHold(f []byte, id string) bool {
	if len(f) == 0 {
		return true
	}
	hold := true
	filterPositions(id, uint64(len(f))*8, func(bit uint64) {
		if f[bit/8]&(1<<(bit%8)) == 0 {
			hold = false
		}
	})
	return hold
}
