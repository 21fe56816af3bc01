// Package strict holds the two rules that package facts and its publish format
// (facts/published) share for untrusted bytes: JSON is decoded strictly, and a
// value quoted in an error message is clipped.
package strict

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"
)

// Unmarshal decodes exactly one JSON value into v, rejecting unknown fields and
// trailing data.
func Unmarshal(data []byte, v any) error {
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

// Clip shortens s to at most n bytes for an error message, on a rune boundary,
// marking a cut with "…".
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
