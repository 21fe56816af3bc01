package facts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/factcard/factcard/facts/internal/strict"
)

// This file reads a dataset file a piece at a time, for PackFile: the top-level
// object is walked here, byte by byte, and each source and fact is handed on as
// its own JSON, so a file of a million facts is never in memory at once.
//
// It reports exactly what Parse reports for the same file, which decodes the file
// whole with encoding/json: a syntax error anywhere, with the same message, line
// and column; otherwise the first type error or unknown field; otherwise data after
// the top-level value. Every value (a key, a source, a fact) is checked by
// encoding/json itself, from its first byte, where its scanner is in the same
// state as when it scans the whole file; only the bytes between values (white
// space, { } [ ] : ,) are read here, with the scanner's messages.

// readChunk is how much a fileCursor reads at a time; tests make it small.
var readChunk = 256 << 10

// fileCursor reads a file through an io.ReaderAt into a window that holds the
// value being read and what follows it.
type fileCursor struct {
	r    io.ReaderAt
	size int64
	base int64  // file offset of buf[0]
	buf  []byte // bytes read; buf[pos:] is not consumed yet
	pos  int
	utf8 *utf8Scan // when set, sees every byte read, once
}

func newFileCursor(r io.ReaderAt, size, at int64) *fileCursor {
	return &fileCursor{r: r, size: size, base: at}
}

// offset is the file offset of buf[pos].
func (c *fileCursor) offset() int64 { return c.base + int64(c.pos) }

// more reads the next chunk into buf, first dropping the bytes before buf[keep]
// (keep ≤ pos). It returns how far indices into buf moved down, or io.EOF at the
// end of the file.
func (c *fileCursor) more(keep int) (int, error) {
	end := c.base + int64(len(c.buf))
	if end >= c.size {
		return 0, io.EOF
	}
	if keep > 0 {
		n := copy(c.buf, c.buf[keep:])
		c.buf = c.buf[:n]
		c.base += int64(keep)
		c.pos -= keep
		end = c.base + int64(n)
	}
	n := int(min(int64(readChunk), c.size-end))
	if len(c.buf)+n > cap(c.buf) {
		grown := make([]byte, len(c.buf), max(2*cap(c.buf), len(c.buf)+n, readChunk))
		copy(grown, c.buf)
		c.buf = grown
	}
	old := len(c.buf)
	c.buf = c.buf[:old+n]
	got, err := c.r.ReadAt(c.buf[old:], end)
	if got < n {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF // the file shrank
		}
		return 0, &fileReadError{err}
	}
	if c.utf8 != nil {
		c.utf8.feed(c.buf[old:], end)
	}
	return keep, nil
}

// fileReadError is a failure to read the dataset file, not a problem in it.
type fileReadError struct{ err error }

func (e *fileReadError) Error() string { return "read dataset: " + e.err.Error() }
func (e *fileReadError) Unwrap() error { return e.err }

// isSpace reports whether b is JSON white space.
func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// skipSpace consumes white space and returns the next byte, without consuming it;
// ok is false at the end of the file.
func (c *fileCursor) skipSpace() (b byte, ok bool, err error) {
	for {
		for c.pos < len(c.buf) {
			if b := c.buf[c.pos]; !isSpace(b) {
				return b, true, nil
			}
			c.pos++
		}
		if _, err := c.more(c.pos); errors.Is(err, io.EOF) {
			return 0, false, nil
		} else if err != nil {
			return 0, false, err
		}
	}
}

// next is skipSpace where the end of the file cannot come yet.
func (c *fileCursor) next() (byte, error) {
	b, ok, err := c.skipSpace()
	if err == nil && !ok {
		err = io.ErrUnexpectedEOF
	}
	return b, err
}

// value consumes the JSON value starting at the cursor (after skipSpace) and
// returns its bytes, valid until the cursor moves again. A value that is not valid
// JSON is an error as encoding/json reports it, at its offset in the file.
func (c *fileCursor) value() ([]byte, error) {
	start := c.pos
	var (
		s     valueSpan
		raw   []byte
		atEOF bool
	)
	for {
		n, done := s.scan(c.buf[start:])
		if done {
			raw = c.buf[start : start+n]
			c.pos = start + n
			if json.Valid(raw) {
				return raw, nil
			}
			// A literal or number ends at a delimiter, which may be
			// what is wrong with it: let the decoder see it too.
			if n == 0 || raw[0] != '{' && raw[0] != '[' && raw[0] != '"' {
				raw = c.buf[start : start+n+1]
			}
			break
		}
		shift, err := c.more(start)
		if errors.Is(err, io.EOF) {
			raw, atEOF = c.buf[start:], true
			c.pos = len(c.buf)
			if json.Valid(raw) {
				return raw, nil // a number or literal that ends the file
			}
			break
		}
		if err != nil {
			return nil, err
		}
		start -= shift
	}
	// Not a valid value: decode it as the whole-file decoder reads it, from its
	// first byte, for the error and its offset, or for the valid value that
	// stops short of what was taken for it (01 is 0, then 1).
	dec := json.NewDecoder(bytes.NewReader(raw))
	var v json.RawMessage
	err := dec.Decode(&v)
	var syn *json.SyntaxError
	switch {
	case err == nil:
		n := int(dec.InputOffset())
		c.pos = start + n
		return c.buf[start : start+n], nil
	case errors.As(err, &syn):
		return nil, &fileSyntaxError{msg: syn.Error(), Offset: c.base + int64(start) + syn.Offset}
	case errors.Is(err, io.ErrUnexpectedEOF) && atEOF:
		return nil, err
	}
	// The decoder and json.Valid disagree: cannot happen.
	return nil, &fileSyntaxError{msg: fmt.Sprintf("invalid JSON value (%v)", err), Offset: c.base + int64(start) + 1}
}

// valueSpan finds where a JSON value ends, without checking it: a string at its
// closing quote, an object or array at the bracket that closes it (or at the first
// closing bracket of the wrong kind, which the check then reports), anything else
// at the next delimiter or white space.
type valueSpan struct {
	n        int    // bytes scanned
	open     []byte // brackets open
	inString bool
	escape   bool
}

// scan looks at the bytes of the value read so far, b (from its first byte), and
// returns its length once it is complete.
func (s *valueSpan) scan(b []byte) (int, bool) {
	if len(b) == 0 {
		return 0, false
	}
	switch b[0] {
	case '{', '[', '"':
	default:
		for ; s.n < len(b); s.n++ {
			switch b[s.n] {
			case ' ', '\t', '\n', '\r', ',', ':', '[', ']', '{', '}', '"':
				return s.n, true
			}
		}
		return s.n, false
	}
	if s.n == 0 {
		s.n = 1
		if b[0] == '"' {
			s.inString = true
		} else {
			s.open = append(s.open, b[0])
		}
	}
	for ; s.n < len(b); s.n++ {
		ch := b[s.n]
		if s.inString {
			switch {
			case s.escape:
				s.escape = false
			case ch == '\\':
				s.escape = true
			case ch == '"':
				s.inString = false
				if len(s.open) == 0 {
					return s.n + 1, true
				}
			}
			continue
		}
		switch ch {
		case '"':
			s.inString = true
		case '{', '[':
			s.open = append(s.open, ch)
		case '}', ']':
			top := s.open[len(s.open)-1]
			if top == '{' && ch != '}' || top == '[' && ch != ']' {
				return s.n + 1, true // the check reports the wrong bracket
			}
			s.open = s.open[:len(s.open)-1]
			if len(s.open) == 0 {
				return s.n + 1, true
			}
		}
	}
	return s.n, false
}

// fileSyntaxError is a syntax error in a dataset file, at Offset as
// encoding/json counts it (the bytes read, the bad one included).
type fileSyntaxError struct {
	msg    string
	Offset int64
}

func (e *fileSyntaxError) Error() string { return e.msg }

// syntax returns the error encoding/json gives for byte b, the next one at the
// cursor, where ctx describes what it expected.
func (c *fileCursor) syntax(b byte, ctx string) error {
	return &fileSyntaxError{msg: "invalid character " + quoteChar(b) + " " + ctx, Offset: c.offset() + 1}
}

// quoteChar formats b as encoding/json's syntax errors do: in single quotes,
// escaped as in a Go string.
func quoteChar(b byte) string {
	switch b {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	s := strconv.Quote(string(rune(b))) // a byte above 0x7f as the Latin-1 letter, as encoding/json does
	return "'" + s[1:len(s)-1] + "'"
}

// errTrailingData is Parse's error for bytes after the top-level value.
var errTrailingData = errors.New("unexpected data after the top-level value")

// fileShape is what the first reading of a dataset file found.
type fileShape struct {
	// facts is the offset of the '[' of the facts array the decoder keeps (the
	// last, if the key repeats), or -1 when there is none or it is null.
	facts int64
}

// fileWalker reads the top level of a dataset file: the object with "sources"
// and "facts", as encoding/json decodes it into a file (keys matched as it
// matches them, a repeated key replacing the earlier value).
type fileWalker struct {
	c *fileCursor
	// sources restarts the sources, at each "sources" key.
	sources func()
	// source receives each source, with its 1-based position.
	source func(i int, raw []byte) error
	shape  fileShape
	// semantic is the first error decoding would report after the syntax check:
	// a wrong type or an unknown field.
	semantic error
}

// walk reads the whole file. It returns the first syntax error; without one, the
// first type error or unknown field; without one, data after the top-level value.
func (w *fileWalker) walk() error {
	w.shape.facts = -1
	c := w.c
	b, ok, err := c.skipSpace()
	switch {
	case err != nil:
		return err
	case !ok:
		return io.EOF // what a decoder reports for an empty file
	case b == '{':
		err = w.object()
	case b == '[':
		w.decodeAs([]byte("[]"))
		_, err = walkArray(c, nil)
	default:
		raw, verr := c.value()
		if verr != nil {
			return verr
		}
		w.decodeAs(raw)
	}
	if err != nil {
		return err
	}
	if w.semantic != nil {
		return w.semantic
	}
	if _, ok, err := c.skipSpace(); err != nil {
		return err
	} else if ok {
		return errTrailingData
	}
	return nil
}

// decodeAs keeps the error of decoding doc, a stand-in with the JSON types of
// what the file has, into a file, if it is the first.
func (w *fileWalker) decodeAs(doc []byte) {
	if w.semantic == nil {
		w.semantic = strict.Unmarshal(doc, new(file))
	}
}

// object reads the top-level object, the cursor at its '{'.
func (w *fileWalker) object() error {
	c := w.c
	c.pos++
	b, err := c.next()
	if err != nil {
		return err
	}
	if b == '}' {
		c.pos++
		return nil
	}
	for {
		if b != '"' {
			return c.syntax(b, "looking for beginning of object key string")
		}
		raw, err := c.value()
		if err != nil {
			return err
		}
		key := string(raw) // a valid JSON string, quotes and escapes as written
		if b, err = c.next(); err != nil {
			return err
		}
		if b != ':' {
			return c.syntax(b, "after object key")
		}
		c.pos++
		if b, err = c.next(); err != nil {
			return err
		}
		if err := w.member(key, b); err != nil {
			return err
		}
		if b, err = c.next(); err != nil {
			return err
		}
		switch b {
		case ',':
			c.pos++
			if b, err = c.next(); err != nil {
				return err
			}
		case '}':
			c.pos++
			return nil
		default:
			return c.syntax(b, "after object key:value pair")
		}
	}
}

// member reads the value of key (as written, in quotes), whose first byte is b.
func (w *fileWalker) member(key string, b byte) error {
	c := w.c
	// Which field of a file the key sets, as encoding/json matches it.
	var probe file
	unknown := strict.Unmarshal([]byte("{"+key+":[]}"), &probe)
	switch {
	case unknown != nil:
		if w.semantic == nil {
			w.semantic = unknown
		}
	case b == '[' && probe.Sources != nil:
		w.sources()
		_, err := walkArray(c, w.source)
		return err
	case b == '[':
		w.shape.facts = c.offset()
		_, err := walkArray(c, nil)
		return err
	}
	if b == '[' {
		_, err := walkArray(c, nil)
		return err
	}
	raw, err := c.value()
	if err != nil {
		return err
	}
	if unknown != nil {
		return nil
	}
	switch {
	case bytes.Equal(raw, []byte("null")) && probe.Sources != nil:
		w.sources()
	case bytes.Equal(raw, []byte("null")):
		w.shape.facts = -1
	case raw[0] == '{':
		w.decodeAs([]byte("{" + key + ":{}}"))
	default:
		w.decodeAs([]byte("{" + key + ":" + string(raw) + "}"))
	}
	return nil
}

// walkArray reads the array at the cursor (at its '['), handing each element to
// each (when not nil) with its 1-based position, and returns how many it has. An
// error from each stops it.
func walkArray(c *fileCursor, each func(i int, raw []byte) error) (int, error) {
	c.pos++
	b, err := c.next()
	if err != nil {
		return 0, err
	}
	if b == ']' {
		c.pos++
		return 0, nil
	}
	for n := 1; ; n++ {
		raw, err := c.value()
		if err != nil {
			return n, err
		}
		if each != nil {
			if err := each(n, raw); err != nil {
				return n, err
			}
		}
		if b, err = c.next(); err != nil {
			return n, err
		}
		switch b {
		case ',':
			c.pos++
			if _, err = c.next(); err != nil {
				return n, err
			}
		case ']':
			c.pos++
			return n, nil
		default:
			return n, c.syntax(b, "after array element")
		}
	}
}

// describeFileError is describeJSONError for an error of a file read through r:
// syntax errors get their line and column.
func describeFileError(r io.ReaderAt, size int64, err error) string {
	var syn *fileSyntaxError
	if errors.As(err, &syn) {
		line, col := filePosition(r, size, syn.Offset)
		return fmt.Sprintf("%s (line %d, column %d)", syn.msg, line, col)
	}
	return describeJSONError(nil, err)
}

// filePosition is position for a file read through r: the 1-based line and
// column of byte offset off.
func filePosition(r io.ReaderAt, size, off int64) (line, col int64) {
	off = min(max(off, 0), size)
	line, lastNL := 1, int64(-1)
	buf := make([]byte, readChunk)
	for at := int64(0); at < off; {
		n, _ := r.ReadAt(buf[:min(int64(len(buf)), off-at)], at)
		if n == 0 {
			break
		}
		chunk := buf[:n]
		line += int64(bytes.Count(chunk, []byte{'\n'}))
		if i := bytes.LastIndexByte(chunk, '\n'); i >= 0 {
			lastNL = at + int64(i)
		}
		at += int64(n)
	}
	return line, off - lastNL
}

// utf8Scan finds the first invalid UTF-8 sequence of a file read in pieces, at the
// offset invalidUTF8 would give for the whole file.
type utf8Scan struct {
	carry    []byte // the start of a sequence that the next piece completes
	carryOff int64
	bad      int64 // offset of the first invalid sequence, or -1
}

func newUTF8Scan() *utf8Scan { return &utf8Scan{bad: -1} }

// feed checks the next piece of the file, p, at offset off.
func (u *utf8Scan) feed(p []byte, off int64) {
	if u.bad >= 0 || len(p) == 0 {
		return
	}
	if len(u.carry) > 0 {
		// Complete the carried sequence with up to three bytes of p.
		k := min(len(p), utf8.UTFMax-1)
		seq := append(u.carry, p[:k]...)
		if !utf8.FullRune(seq) {
			u.carry = seq
			return
		}
		r, size := utf8.DecodeRune(seq)
		if r == utf8.RuneError && size == 1 {
			u.bad = u.carryOff
			return
		}
		used := size - len(u.carry)
		p, off = p[used:], off+int64(used)
		u.carry = u.carry[:0]
	}
	// Keep an incomplete sequence at the end for the next piece.
	tail := len(p)
	for i := len(p) - 1; i >= 0 && i >= len(p)-(utf8.UTFMax-1); i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				tail = i
			}
			break
		}
	}
	if i := invalidUTF8(p[:tail]); i >= 0 {
		u.bad = off + int64(i)
		return
	}
	if tail < len(p) {
		u.carry = append(u.carry[:0], p[tail:]...)
		u.carryOff = off + int64(tail)
	}
}

// finish returns the offset of the first invalid sequence, or -1, once the whole
// file has been fed.
func (u *utf8Scan) finish() int64 {
	if u.bad < 0 && len(u.carry) > 0 {
		u.bad = u.carryOff // a sequence cut short by the end of the file
	}
	return u.bad
}

// drain feeds the rest of the file after the cursor's window to u, so that an
// invalid sequence after a syntax error is found as Parse finds it.
func (u *utf8Scan) drain(c *fileCursor) error {
	buf := make([]byte, readChunk)
	for at := c.base + int64(len(c.buf)); at < c.size && u.bad < 0; {
		n, err := c.r.ReadAt(buf[:min(int64(len(buf)), c.size-at)], at)
		if n == 0 {
			if err == nil || errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return &fileReadError{err}
		}
		u.feed(buf[:n], at)
		at += int64(n)
	}
	return nil
}
