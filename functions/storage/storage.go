// Package storage keeps factcard's rendered cards: a small Store interface with
// create-only writes, the key and metadata rules every store enforces, and Dir, the
// local-directory store that is the default when no bucket is configured.
//
// The S3 store lives in the s3store subpackage; an in-memory twin, a fault-injecting
// wrapper and the conformance suite every store passes live in storagetest.
//
// Objects are immutable: a key is written once (Create never overwrites) and then
// only read. Card keys are content-addressed, so a second writer of the same key
// holds the same bytes and can treat ErrExists as success.
package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors every Store returns, possibly wrapped; test for them with errors.Is.
var (
	// ErrNotFound means no object is stored under the key.
	ErrNotFound = errors.New("object not found")
	// ErrExists means Create lost to an object already stored under the key.
	ErrExists = errors.New("object already exists")
	// ErrInvalidKey means the key breaks the rules of ValidKey. Stores return it
	// before doing any I/O.
	ErrInvalidKey = errors.New("invalid key")
	// ErrInvalidInfo means the Info passed to Create breaks the rules of
	// Info.Validate. Stores return it before doing any I/O.
	ErrInvalidInfo = errors.New("invalid object info")
	// ErrTooLarge means an object is larger than the limit Get was given (or,
	// for a Dir, than the store reads at all).
	ErrTooLarge = errors.New("object too large")
	// ErrInvalidLimit means Get was given a limit below 1. Stores return it
	// before doing any I/O.
	ErrInvalidLimit = errors.New("invalid size limit")
)

// CheckLimit returns an error wrapping ErrInvalidLimit for a Get limit below 1.
func CheckLimit(limit int64) error {
	if limit < 1 {
		return fmt.Errorf("%w: %d bytes", ErrInvalidLimit, limit)
	}
	return nil
}

// Store keeps immutable objects under slash-separated keys. Implementations are
// safe for concurrent use by multiple goroutines, honour the context's
// cancellation and deadline, and reject keys that fail ValidKey with
// ErrInvalidKey before doing any I/O.
type Store interface {
	// Get returns the object stored under key, or an error wrapping ErrNotFound
	// when there is none. limit is the largest body the caller accepts, in
	// bytes: a larger object is an error wrapping ErrTooLarge, refused before its
	// body is read wherever the store can tell its size first, and never read
	// past limit+1 bytes. A limit below 1 is an error wrapping ErrInvalidLimit,
	// returned before any I/O.
	Get(ctx context.Context, key string, limit int64) (*Object, error)
	// Head returns the Info of the object stored under key, or an error
	// wrapping ErrNotFound when there is none.
	Head(ctx context.Context, key string) (Info, error)
	// Create stores body under key with the given Info, only if the key is
	// free: when an object is already stored under key it returns an error
	// wrapping ErrExists and leaves that object as it was. Of several
	// concurrent Creates of one key exactly one succeeds. Readers never see a
	// partly written object. Info.Size and Info.ModTime are ignored: the store
	// sets them.
	Create(ctx context.Context, key string, body []byte, info Info) error
}

// Info describes a stored object.
type Info struct {
	// ContentType is the object's media type, such as "image/png". Required.
	ContentType string
	// CacheControl is the Cache-Control value to serve the object with, if any.
	CacheControl string
	// Size is the length of the body in bytes, set by the store.
	Size int64
	// ModTime is when the object was created, set by the store (S3 keeps it
	// to the second).
	ModTime time.Time
	// Metadata holds small string values kept with the object, such as the
	// fact ID and the renderer's version. Keys follow the rules of
	// Info.Validate; nil when there are none.
	Metadata map[string]string
}

// Object is a stored object: its Info and its body.
type Object struct {
	Info
	// Body is the object's content; len(Body) == Info.Size.
	Body []byte
}

// MaxKeyLen is the longest key, in bytes, that ValidKey accepts.
const MaxKeyLen = 512

// MaxSegmentLen is the longest segment of a key, in bytes, that ValidKey
// accepts: file systems limit a file name to 255 bytes, and a directory store
// needs room for the names of its sidecar and temporary files.
const MaxSegmentLen = 200

// MaxMetadataSize is the largest total size, in bytes, of the metadata keys
// and values that Info.Validate accepts. It is S3's limit on user metadata.
const MaxMetadataSize = 2048

// ValidKey reports, as an error wrapping ErrInvalidKey, whether key is not a
// valid object key. A valid key is at most MaxKeyLen bytes of one or more
// segments separated by single slashes, each segment (at most MaxSegmentLen
// bytes) being a lower-case ASCII
// letter or digit followed by lower-case letters, digits, '.', '_' or '-', with
// no ".." anywhere. So keys are never absolute, never climb out of a directory,
// never hold a backslash, NUL, space or upper-case letter, and never name a
// hidden file, which leaves names starting with '.' free for a store's own use.
//
// Card keys look like "cards/r<renderer>/<fact-id>/<size>-<theme>-<hash>.png".
func ValidKey(key string) error {
	if err := validKey(key); err != nil {
		return fmt.Errorf("%w %.80q: %s", ErrInvalidKey, key, err)
	}
	return nil
}

func validKey(key string) error {
	switch {
	case key == "":
		return errors.New("empty")
	case len(key) > MaxKeyLen:
		return fmt.Errorf("%d bytes long, more than %d", len(key), MaxKeyLen)
	case strings.Contains(key, ".."):
		return errors.New(`contains ".."`)
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" {
			return errors.New("empty path segment (leading, trailing or doubled slash)")
		}
		if len(seg) > MaxSegmentLen {
			return fmt.Errorf("segment of %d bytes, more than %d", len(seg), MaxSegmentLen)
		}
		if c := seg[0]; !isLowerAlnum(c) {
			return fmt.Errorf("segment %q does not start with a lower-case letter or digit", seg)
		}
		for i := 1; i < len(seg); i++ {
			if c := seg[i]; !isLowerAlnum(c) && c != '.' && c != '_' && c != '-' {
				return fmt.Errorf("segment %q holds %q; allowed are a-z, 0-9, '.', '_' and '-'", seg, c)
			}
		}
	}
	return nil
}

func isLowerAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
}

// Validate reports, as an error wrapping ErrInvalidInfo, whether info cannot be
// stored unchanged by every store. ContentType is required; ContentType,
// CacheControl and metadata values are printable ASCII without leading or
// trailing spaces (they travel as HTTP headers); metadata keys are a
// lower-case letter or digit followed by lower-case letters, digits and '-'
// (S3 lower-cases them); keys and values together are at most MaxMetadataSize
// bytes. Size and ModTime are not checked: stores set them.
func (info Info) Validate() error {
	if err := info.validate(); err != nil {
		return fmt.Errorf("%w: %s", ErrInvalidInfo, err)
	}
	return nil
}

func (info Info) validate() error {
	if info.ContentType == "" {
		return errors.New("content type is required")
	}
	if err := headerValue(info.ContentType); err != nil {
		return fmt.Errorf("content type %q: %s", info.ContentType, err)
	}
	if info.CacheControl != "" {
		if err := headerValue(info.CacheControl); err != nil {
			return fmt.Errorf("cache control %q: %s", info.CacheControl, err)
		}
	}
	size := 0
	for k, v := range info.Metadata {
		size += len(k) + len(v)
		if err := metadataKey(k); err != nil {
			return fmt.Errorf("metadata key %q: %s", k, err)
		}
		if v == "" {
			continue
		}
		if err := headerValue(v); err != nil {
			return fmt.Errorf("metadata %q value %q: %s", k, v, err)
		}
	}
	if size > MaxMetadataSize {
		return fmt.Errorf("metadata is %d bytes, more than %d", size, MaxMetadataSize)
	}
	return nil
}

func headerValue(v string) error {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c > 0x7e {
			return fmt.Errorf("holds %q; only printable ASCII is allowed", c)
		}
	}
	if strings.TrimSpace(v) != v {
		return errors.New("has leading or trailing spaces")
	}
	return nil
}

func metadataKey(k string) error {
	if k == "" {
		return errors.New("empty")
	}
	if !isLowerAlnum(k[0]) {
		return errors.New("does not start with a lower-case letter or digit")
	}
	for i := 1; i < len(k); i++ {
		if c := k[i]; !isLowerAlnum(c) && c != '-' {
			return fmt.Errorf("holds %q; allowed are a-z, 0-9 and '-'", c)
		}
	}
	return nil
}
