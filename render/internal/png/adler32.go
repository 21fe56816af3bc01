package png

import "encoding/binary"

// Adler-32 (RFC 1950, section 8.2) of the image data, written for cards: most
// of a card's scanlines are palette index 0, and hash/adler32 (which
// compress/zlib and klauspost/compress/zlib use) adds them a byte at a time.
//
// By the definition, s1 is 1 plus the sum of the bytes and s2 the sum of the
// values of s1 after each byte, both modulo 65521; the checksum is s2<<16 | s1.
// After the bytes b0…b7 of an 8-byte word,
//
//	s1' = s1 + b0 + b1 + … + b7
//	s2' = s2 + 8·s1 + 8·b0 + 7·b1 + … + 1·b7
//
// so a word is a few multiplications instead of sixteen dependent additions,
// and a word of zero bytes only adds 8·s1 to s2.

// adlerMod is the Adler-32 modulus, the largest prime below 2^16.
const adlerMod = 65521

// adlerBlock is the most bytes added to s1 and s2, as uint32, before they must
// be reduced modulo adlerMod. Starting from reduced sums (at most adlerMod-1
// each), n bytes of 0xff, which make both sums largest, leave
//
//	s1 ≤ 65520 + 255·n
//	s2 ≤ 65520 + 65520·n + 255·n(n+1)/2   (each s1 is at most 65520 + 255·k)
//
// and s2 ≤ 2^32-1 holds for n ≤ 5552 (4,294,690,200) but not for n = 5553
// (4,296,171,675). Both sums only grow, so no value in between overflows
// either. 5552 is a multiple of 8, so blocks keep whole words.
const adlerBlock = 5552

// Byte-lane masks and multipliers for the sums of a little-endian word w.
// even = w & lanes holds the bytes 0, 2, 4, 6 in four 16-bit lanes and
// odd = w>>8 & lanes the bytes 1, 3, 5, 7. Multiplying by a constant with
// 16-bit lanes c0…c3 puts Σ lane_j·c_{3-j} in the top lane (bits 48–63);
// lanes above it fall off the end. No lane carries into the next: a lane is at
// most 255·(8+6+4+2) + 255·(7+5+3+1) = 9180 (the weighted sum) or
// 4·510 = 2040 (the plain sum), under 2^16.
const (
	lanes = 0x00ff00ff00ff00ff
	ones  = 0x0001000100010001 // every lane once: the plain sum
	// weights 8, 6, 4, 2 for bytes 0, 2, 4, 6 (c3 = 8 meets lane 0)
	evenWeights = 8<<48 | 6<<32 | 4<<16 | 2
	// weights 7, 5, 3, 1 for bytes 1, 3, 5, 7
	oddWeights = 7<<48 | 5<<32 | 3<<16 | 1
)

// adler32Update returns the Adler-32 checksum of the data whose checksum is
// adler followed by p; the checksum of no data is 1. It equals
// hash/adler32's for every input.
func adler32Update(adler uint32, p []byte) uint32 {
	s1, s2 := adler&0xffff, adler>>16
	for len(p) > 0 {
		n := min(len(p), adlerBlock)
		q := p[:n]
		p = p[n:]
		for len(q) >= 8 {
			w := binary.LittleEndian.Uint64(q)
			if w == 0 {
				// A zero byte adds s1 to s2 and nothing to s1, so a
				// run of i zero bytes adds i·s1: find the run's end
				// 32 bytes at a time (its last < 32 bytes go word by
				// word, above or below).
				i := 8
				for ; i+32 <= len(q); i += 32 {
					b := q[i : i+32]
					if binary.LittleEndian.Uint64(b)|binary.LittleEndian.Uint64(b[8:])|
						binary.LittleEndian.Uint64(b[16:])|binary.LittleEndian.Uint64(b[24:]) != 0 {
						break
					}
				}
				s2 += uint32(i) * s1
				q = q[i:]
				continue
			}
			even := w & lanes
			odd := w >> 8 & lanes
			s2 += 8*s1 + uint32((even*evenWeights+odd*oddWeights)>>48)
			s1 += uint32((even + odd) * ones >> 48)
			q = q[8:]
		}
		for _, b := range q {
			s1 += uint32(b)
			s2 += s1
		}
		s1 %= adlerMod
		s2 %= adlerMod
	}
	return s2<<16 | s1
}
