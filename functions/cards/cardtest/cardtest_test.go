package cardtest_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"testing"

	"github.com/factcard/factcard/functions/cards/cardtest"
	"github.com/factcard/factcard/render"
)

func TestFake(t *testing.T) {
	for _, size := range render.Sizes() {
		for _, format := range render.Formats() {
			opts := render.Options{Size: size, Format: format}
			b := cardtest.Fake(opts, "tag "+string(size))
			if !bytes.Contains(b, []byte("tag "+string(size))) {
				t.Errorf("%s %s: the tag is not in the card", size, format)
			}
			w, h := size.Dimensions()
			switch format {
			case render.FormatPNG:
				if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || !bytes.HasSuffix(b, []byte("IEND\xae\x42\x60\x82")) {
					t.Errorf("%s png: no signature or IEND: %q", size, b)
				}
				if gw, gh := int(binary.BigEndian.Uint32(b[16:])), int(binary.BigEndian.Uint32(b[20:])); gw != w || gh != h {
					t.Errorf("%s png: IHDR says %d×%d, want %d×%d", size, gw, gh, w, h)
				}
				if crc := crc32.ChecksumIEEE(b[12:29]); crc != binary.BigEndian.Uint32(b[29:]) {
					t.Errorf("%s png: IHDR CRC %08x, want %08x", size, binary.BigEndian.Uint32(b[29:]), crc)
				}
			case render.FormatJPEG:
				if !bytes.HasPrefix(b, []byte{0xff, 0xd8}) || !bytes.HasSuffix(b, []byte{0xff, 0xd9}) {
					t.Errorf("%s jpeg: no SOI or EOI: %q", size, b)
				}
				sof := bytes.Index(b, []byte{0xff, 0xc0})
				if sof < 0 {
					t.Fatalf("%s jpeg: no start of frame", size)
				}
				if gh, gw := int(binary.BigEndian.Uint16(b[sof+5:])), int(binary.BigEndian.Uint16(b[sof+7:])); gw != w || gh != h {
					t.Errorf("%s jpeg: frame is %d×%d, want %d×%d", size, gw, gh, w, h)
				}
			}
		}
	}
}
