package cards

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/factcard/factcard/render"
)

// MaxCardBytes is the largest card the service serves from the store. Cards are tens
// of kilobytes (a JPEG at most 100 KB); an object far larger than that is not one of
// ours, and reading it could exhaust a Lambda sandbox.
const MaxCardBytes = 2 << 20

// pngSignature and pngEnd are the first eight and the last twelve bytes of every PNG:
// the signature, and the empty IEND chunk with its CRC.
var (
	pngSignature = []byte("\x89PNG\r\n\x1a\n")
	pngEnd       = []byte("\x00\x00\x00\x00IEND\xae\x42\x60\x82")
)

// checkCard reports why body, read from the store for ref with the length the store
// recorded, is not a complete card that ref names: a PNG or JPEG as the key says,
// whole (signature, every PNG chunk, IEND or EOI at the very end, the recorded
// length), at most MaxCardBytes, with the card size's width and height in its
// header. It reads headers only and decodes nothing, so it costs microseconds.
//
// An empty, truncated or substituted object fails it; a card of the right shape
// whose pixels were altered does not (create-only writes and the bucket's access
// rules guard against that).
func checkCard(body []byte, recorded int64, ref Ref) error {
	if len(body) > MaxCardBytes {
		return fmt.Errorf("%d bytes, more than the %d a card may have", len(body), MaxCardBytes)
	}
	if recorded != int64(len(body)) {
		return fmt.Errorf("%d bytes read, but the store recorded %d", len(body), recorded)
	}
	var (
		w, h int
		err  error
	)
	switch ref.Options.Format {
	case render.FormatPNG:
		w, h, err = pngSize(body)
	case render.FormatJPEG:
		w, h, err = jpegSize(body)
	default:
		return fmt.Errorf("unknown format %q", ref.Options.Format)
	}
	if err != nil {
		return err
	}
	if ww, wh := ref.Options.Size.Dimensions(); w != ww || h != wh {
		return fmt.Errorf("%d×%d pixels, want %d×%d for a %s card", w, h, ww, wh, ref.Options.Size)
	}
	return nil
}

// pngSize walks a PNG's chunks and returns the width and height of its IHDR. The
// chunks must fill the body exactly, IHDR first and IEND last.
func pngSize(b []byte) (w, h int, err error) {
	if !bytes.HasPrefix(b, pngSignature) {
		return 0, 0, errors.New("not a PNG: no PNG signature")
	}
	if !bytes.HasSuffix(b, pngEnd) {
		return 0, 0, errors.New("incomplete PNG: it does not end with IEND")
	}
	first := true
	for off := len(pngSignature); ; {
		if len(b)-off < 12 {
			return 0, 0, fmt.Errorf("incomplete PNG: a chunk header cut at byte %d", off)
		}
		n := int64(binary.BigEndian.Uint32(b[off:]))
		typ := string(b[off+4 : off+8])
		if n > int64(len(b)-off-12) {
			return 0, 0, fmt.Errorf("incomplete PNG: chunk %q at byte %d claims %d bytes, %d are left", typ, off, n, len(b)-off-12)
		}
		if first {
			if typ != "IHDR" || n != 13 {
				return 0, 0, fmt.Errorf("not a PNG: first chunk %q of %d bytes, want IHDR of 13", typ, n)
			}
			w = int(binary.BigEndian.Uint32(b[off+8:]))
			h = int(binary.BigEndian.Uint32(b[off+12:]))
			first = false
		}
		next := off + 12 + int(n)
		if typ == "IEND" {
			if next != len(b) {
				return 0, 0, fmt.Errorf("PNG has %d bytes after IEND", len(b)-next)
			}
			return w, h, nil
		}
		off = next
	}
}

// jpegSize checks that a JPEG starts with SOI and ends with EOI, walks its marker
// segments up to the first start of frame and returns the frame's width and height.
func jpegSize(b []byte) (w, h int, err error) {
	if len(b) < 4 || b[0] != 0xff || b[1] != 0xd8 {
		return 0, 0, errors.New("not a JPEG: no start of image")
	}
	if b[len(b)-2] != 0xff || b[len(b)-1] != 0xd9 {
		return 0, 0, errors.New("incomplete JPEG: it does not end with EOI")
	}
	for off := 2; ; {
		// Markers may be preceded by fill bytes (0xff).
		for off < len(b) && b[off] == 0xff && off+1 < len(b) && b[off+1] == 0xff {
			off++
		}
		if len(b)-off < 4 || b[off] != 0xff {
			return 0, 0, fmt.Errorf("broken JPEG: no marker at byte %d", off)
		}
		marker := b[off+1]
		n := int(binary.BigEndian.Uint16(b[off+2:]))
		if n < 2 || n > len(b)-off-2 {
			return 0, 0, fmt.Errorf("broken JPEG: segment %#x at byte %d claims %d bytes", marker, off, n)
		}
		switch {
		case marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc:
			// Start of frame: length, precision, height, width.
			if n < 7 {
				return 0, 0, fmt.Errorf("broken JPEG: start of frame of %d bytes", n)
			}
			h = int(binary.BigEndian.Uint16(b[off+5:]))
			w = int(binary.BigEndian.Uint16(b[off+7:]))
			return w, h, nil
		case marker == 0xda || marker == 0xd9:
			return 0, 0, errors.New("broken JPEG: image data before any start of frame")
		}
		off += 2 + n
	}
}
