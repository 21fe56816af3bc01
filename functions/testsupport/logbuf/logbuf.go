// Package logbuf is the log buffer of the tests: it keeps what a process or a
// slog handler writes, whole, and is safe to read while it is being written.
package logbuf

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"sync"
)

// Buffer is a bytes.Buffer safe for concurrent writers and readers: the
// standard output or error of a process a test runs, or the output of a
// slog.Handler, read while it is written. The zero value is an empty buffer.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Records decodes, in order, the lines written so far that are JSON objects
// (a JSON log's records) and returns those that match accepts, or all of them
// when match is nil. Other lines, such as a process's plain text between its
// JSON log lines, are passed over.
func (b *Buffer) Records(match func(map[string]any) bool) []map[string]any {
	var out []map[string]any
	for line := range strings.SplitSeq(b.String(), "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil {
			continue
		}
		if match == nil || match(rec) {
			out = append(out, rec)
		}
	}
	return out
}

// Field returns a match for Records that accepts the records whose key holds
// one of values, such as Field("msg", "request").
func Field(key string, values ...any) func(map[string]any) bool {
	return func(rec map[string]any) bool {
		v, ok := rec[key]
		return ok && slices.Contains(values, v)
	}
}
