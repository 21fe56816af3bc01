package png

import (
	"bytes"
	"encoding/binary"
	"hash/adler32"
	"math"
	"math/rand/v2"
	"testing"
)

// stdAdler32 returns hash/adler32's checksum of p continued from the state
// adler, which need not be one that any data reaches by itself.
func stdAdler32(t testing.TB, adler uint32, p []byte) uint32 {
	t.Helper()
	d := adler32.New()
	state := binary.BigEndian.AppendUint32([]byte("adl\x01"), adler)
	if err := d.(interface{ UnmarshalBinary([]byte) error }).UnmarshalBinary(state); err != nil {
		t.Fatalf("set hash/adler32's state: %v", err)
	}
	d.Write(p)
	return d.Sum32()
}

// fill returns n bytes of b.
func fill(n int, b byte) []byte { return bytes.Repeat([]byte{b}, n) }

// randomBytes returns n bytes from a fixed seed.
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(r.Uint32())
	}
	return p
}

// cardLike returns rows shaped like a card's image data, each a filter byte 0
// and width palette indices: mostly index 0, with bands of small indices (text)
// between margins of 0 on some rows.
func cardLike(width, height int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 9))
	var p []byte
	for y := range height {
		p = append(p, 0)
		row := make([]byte, width)
		if y%40 > 24 { // text lines
			for x := width / 10; x < width-width/10; x++ {
				if r.IntN(3) == 0 {
					row[x] = byte(r.IntN(12))
				}
			}
		}
		p = append(p, row...)
	}
	return p
}

// TestAdler32 compares adler32Update with hash/adler32 over whole inputs,
// from the initial state and from the largest reduced state.
func TestAdler32(t *testing.T) {
	tests := []struct {
		name string
		p    []byte
	}{
		{"empty", nil},
		{"one zero", []byte{0}},
		{"one byte", []byte{0xa5}},
		{"one 0xff", []byte{0xff}},
		{"seven bytes", []byte("abcdefg")},
		{"one word", []byte("abcdefgh")},
		{"word and a byte", []byte("abcdefghi")},
		{"Wikipedia", []byte("Wikipedia")},
		{"0xff, block - 1", fill(adlerBlock-1, 0xff)},
		{"0xff, block", fill(adlerBlock, 0xff)},
		{"0xff, block + 1", fill(adlerBlock+1, 0xff)},
		{"0xff, block + 8", fill(adlerBlock+8, 0xff)},
		{"0xff, two blocks + 3", fill(2*adlerBlock+3, 0xff)},
		{"0xff, 1 MiB", fill(1<<20, 0xff)},
		{"zeros, block + 1", fill(adlerBlock+1, 0)},
		{"zeros, 1 MiB + 5", fill(1<<20+5, 0)},
		{"random, 1000", randomBytes(1000, 1)},
		{"random, block + 7", randomBytes(adlerBlock+7, 2)},
		{"random, 100003", randomBytes(100003, 3)},
		{"card-like og rows", cardLike(1200, 630, 4)},
		{"card-like odd width", cardLike(1001, 77, 5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, start := range []uint32{1, 65520<<16 | 65520, 12345<<16 | 65520, 65520<<16 | 1} {
				got := adler32Update(start, tt.p)
				want := stdAdler32(t, start, tt.p)
				if got != want {
					t.Errorf("from %#08x over %d bytes: got %#08x, want %#08x", start, len(tt.p), got, want)
				}
			}
			if got, want := adler32Update(1, tt.p), adler32.Checksum(tt.p); got != want {
				t.Errorf("checksum of %d bytes: got %#08x, want %#08x", len(tt.p), got, want)
			}
		})
	}
}

// TestAdler32Known checks checksums worked out by hand from the definition:
// "abc" gives s1 = 1+97+98+99 = 295 and s2 = 98+196+295 = 589; "Wikipedia" is
// the worked example of Wikipedia's Adler-32 article.
func TestAdler32Known(t *testing.T) {
	tests := []struct {
		in   string
		want uint32
	}{
		{"", 1},
		{"abc", 589<<16 | 295},
		{"Wikipedia", 0x11e60398},
	}
	for _, tt := range tests {
		if got := adler32Update(1, []byte(tt.in)); got != tt.want {
			t.Errorf("Adler-32 of %q: got %#08x, want %#08x", tt.in, got, tt.want)
		}
	}
}

// TestAdler32Bound checks the arithmetic behind adlerBlock: the largest sums
// after adlerBlock bytes fit in a uint32, and after one more byte they do not.
func TestAdler32Bound(t *testing.T) {
	maxS2 := func(n uint64) uint64 { return 65520 + 65520*n + 255*n*(n+1)/2 }
	if got := maxS2(adlerBlock); got > math.MaxUint32 {
		t.Errorf("s2 after %d bytes can reach %d, over 2^32-1", adlerBlock, got)
	}
	if got := maxS2(adlerBlock + 1); got <= math.MaxUint32 {
		t.Errorf("s2 after %d bytes reaches at most %d: adlerBlock could be larger", adlerBlock+1, got)
	}
	if adlerBlock%8 != 0 {
		t.Errorf("adlerBlock = %d, want a multiple of 8", adlerBlock)
	}
}

// TestAdler32Incremental checks that updates in pieces, as the encoder makes
// them (a filter byte, then a row), give the checksum of the whole.
func TestAdler32Incremental(t *testing.T) {
	tests := []struct {
		name string
		p    []byte
	}{
		{"random", randomBytes(3*adlerBlock+11, 6)},
		{"0xff", fill(3*adlerBlock+11, 0xff)},
		{"card-like", cardLike(1080, 200, 7)},
	}
	r := rand.New(rand.NewPCG(8, 8))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := adler32.Checksum(tt.p)
			for trial := range 50 {
				adler, rest, pieces := uint32(1), tt.p, 0
				for len(rest) > 0 {
					n := min(len(rest), 1+r.IntN(2*adlerBlock))
					if trial%2 == 0 {
						n = min(len(rest), 1+r.IntN(17)) // short pieces, off word boundaries
					}
					adler = adler32Update(adler, rest[:n])
					rest = rest[n:]
					pieces++
				}
				if adler != want {
					t.Fatalf("trial %d, %d pieces: got %#08x, want %#08x", trial, pieces, adler, want)
				}
			}
		})
	}
}

// FuzzAdler32 compares adler32Update with hash/adler32 on any input, whole
// and split in two at any point.
func FuzzAdler32(f *testing.F) {
	f.Add([]byte{}, uint16(0))
	f.Add([]byte("Wikipedia"), uint16(3))
	f.Add(fill(adlerBlock+9, 0xff), uint16(adlerBlock-1))
	f.Add(cardLike(64, 50, 1), uint16(65))
	f.Fuzz(func(t *testing.T, p []byte, cut uint16) {
		want := adler32.Checksum(p)
		if got := adler32Update(1, p); got != want {
			t.Fatalf("checksum of %d bytes: got %#08x, want %#08x", len(p), got, want)
		}
		i := min(int(cut), len(p))
		if got := adler32Update(adler32Update(1, p[:i]), p[i:]); got != want {
			t.Fatalf("checksum of %d bytes split at %d: got %#08x, want %#08x", len(p), i, got, want)
		}
	})
}
