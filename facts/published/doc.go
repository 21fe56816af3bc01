// Package published is the publish format of a dataset: a version packed into
// immutable, content-hashed objects (a manifest, shards of facts, the source
// documents), and a reader that serves a version from blob storage shard by shard
// as a facts.Set.
//
// Package facts holds the data model and its checks; this package holds what
// happens to a checked dataset after that: Pack and PackFile make a Bundle, Open
// reads one back. It never talks to AWS: the service passes a Blobs.
package published

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"
)

// strictUnmarshal decodes exactly one JSON value, rejecting unknown fields and
// trailing data.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the top-level value")
	}
	return nil
}

// truncate shortens s to at most n bytes for an error message, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
