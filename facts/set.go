package facts

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/factcard/factcard/facts/internal/strict"
)

// Set is a dataset as the service reads it: one fact by ID, a page of facts, and how
// many there are. The embedded dataset (*Dataset) and a published version read from
// blob storage (*Published) are both Sets, so the renderer and the service never know
// which one they have. Implementations are safe for concurrent use.
type Set interface {
	// Fact returns the fact with the given ID, or an error wrapping ErrNotFound.
	// Any other error means the dataset could not be read (a corrupt or missing
	// shard): the ID may exist, and no fact must be served for it.
	Fact(ctx context.Context, id string) (Fact, error)
	// List returns up to limit facts from cursor on ("" for the first page), in the
	// set's own stable order, and the cursor of the next page ("" after the last).
	// A cursor that the set did not hand out, or a limit below 1, gives an error
	// wrapping ErrBadPage.
	List(ctx context.Context, cursor string, limit int) (Page, error)
	// Len returns the number of facts.
	Len() int
}

// Page is one page of a Set's facts.
type Page struct {
	// Facts are the page's facts, in the set's order.
	Facts []Fact
	// Next is the opaque cursor of the next page, empty on the last one.
	Next string
}

var (
	// ErrNotFound means no fact has the ID.
	ErrNotFound = errors.New("fact not found")
	// ErrBadPage means a page was asked for with a limit below 1 or a cursor the set
	// did not hand out.
	ErrBadPage = errors.New("bad page request")
)

var _ Set = (*Dataset)(nil)

// Fact returns the fact with the given ID, or an error wrapping ErrNotFound. The ID
// is only compared, never used to build a path.
func (d *Dataset) Fact(_ context.Context, id string) (Fact, error) {
	if f, ok := d.Lookup(id); ok {
		return f, nil
	}
	return Fact{}, fmt.Errorf("fact %q: %w", strict.Clip(id, 80), ErrNotFound)
}

// List returns up to limit facts in file order from cursor on; see Set.
func (d *Dataset) List(_ context.Context, cursor string, limit int) (Page, error) {
	if limit < 1 {
		return Page{}, fmt.Errorf("limit %d: %w", limit, ErrBadPage)
	}
	start := 0
	if cursor != "" {
		c, err := ParseCursor(cursor)
		if err != nil || c.Shard != 0 || c.Offset < 1 || c.Offset >= len(d.facts) {
			return Page{}, fmt.Errorf("cursor: %w", ErrBadPage)
		}
		start = c.Offset
	}
	end := min(start+limit, len(d.facts))
	p := Page{Facts: append([]Fact(nil), d.facts[start:end]...)}
	if end < len(d.facts) {
		p.Next = Cursor{Offset: end}.String()
	}
	return p, nil
}

// Cursor is where a page starts: a shard and an offset within it. The embedded
// dataset is one shard. It is sent to clients base64url-encoded, so they treat it as
// opaque.
type Cursor struct {
	Shard, Offset int
}

const cursorPrefix = "c1."

// String encodes the cursor.
func (c Cursor) String() string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%s%d.%d", cursorPrefix, c.Shard, c.Offset))
}

// ParseCursor decodes a cursor made by Cursor.String, rejecting anything else.
func ParseCursor(s string) (Cursor, error) {
	if len(s) > 64 {
		return Cursor{}, errors.New("cursor too long")
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, errors.New("cursor is not base64url")
	}
	rest, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if !ok {
		return Cursor{}, errors.New("cursor of an unknown kind")
	}
	a, b, ok := strings.Cut(rest, ".")
	if !ok {
		return Cursor{}, errors.New("cursor without an offset")
	}
	shard, err1 := strconv.Atoi(a)
	offset, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || shard < 0 || offset < 0 || strconv.Itoa(shard) != a || strconv.Itoa(offset) != b {
		return Cursor{}, errors.New("cursor with a malformed position")
	}
	return Cursor{Shard: shard, Offset: offset}, nil
}

// Sharded is a Set split into shards that can be read one at a time: a published
// dataset, whose shards a Step Functions Distributed Map hands to generate one per
// child.
type Sharded interface {
	Set
	// ShardFacts returns the facts of the shard stored under key, failing for a key
	// that is not one of the set's shards.
	ShardFacts(ctx context.Context, key string) ([]Fact, error)
	// ShardLen returns the number of facts in the shard stored under key, without
	// reading it.
	ShardLen(key string) (int, error)
}
