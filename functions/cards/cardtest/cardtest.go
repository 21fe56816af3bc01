// Package cardtest makes stand-in cards for the tests of the card service and of the
// handlers that serve it: complete PNG and JPEG files, as the service checks stored
// cards, with a card size's width and height in their headers and a tag of the
// test's choosing in place of pixels. They cost nothing to make and do not decode
// into images; tests that look at pixels render real cards.
package cardtest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"

	"github.com/factcard/factcard/render"
)

// Fake returns a stand-in card for opts: a PNG (the default) or a JPEG, as
// opts.Format says, of opts.Size's dimensions (og when unset), carrying tag.
func Fake(opts render.Options, tag string) []byte {
	size := opts.Size
	if size == "" {
		size = render.SizeOG
	}
	w, h := size.Dimensions()
	if opts.Format == render.FormatJPEG {
		return fakeJPEG(w, h, tag)
	}
	return fakePNG(w, h, tag)
}

// fakePNG is a PNG signature, an IHDR (8-bit paletted), a tEXt chunk holding the tag,
// and IEND, each chunk with its CRC.
func fakePNG(w, h int, tag string) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 3 // bit depth, colour type: paletted
	chunk(&b, "IHDR", ihdr)
	chunk(&b, "tEXt", append([]byte("Comment\x00"), tag...))
	chunk(&b, "IEND", nil)
	return b.Bytes()
}

func chunk(b *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	b.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	b.WriteString(typ)
	b.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	b.Write(n[:])
}

// fakeJPEG is SOI, a comment segment holding the tag (cut to what a segment holds),
// a baseline start of frame for one component, and EOI.
func fakeJPEG(w, h int, tag string) []byte {
	if len(tag) > 0xffff-2 {
		tag = tag[:0xffff-2]
	}
	var b bytes.Buffer
	b.Write([]byte{0xff, 0xd8})
	b.Write([]byte{0xff, 0xfe, byte((len(tag) + 2) >> 8), byte(len(tag) + 2)})
	b.WriteString(tag)
	b.Write([]byte{0xff, 0xc0, 0, 11, 8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 1, 1, 0x11, 0})
	b.Write([]byte{0xff, 0xd9})
	return b.Bytes()
}
