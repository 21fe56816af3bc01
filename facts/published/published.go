package published

import (
	"bytes"
	"container/list"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/internal/strict"
	"github.com/factcard/factcard/facts/panicerr"
)

// Blobs reads the objects of a published dataset. The service passes its S3 store;
// this package itself never talks to AWS. Implementations are safe for concurrent use.
type Blobs interface {
	// Get returns the bytes stored under key, or an error wrapping fs.ErrNotExist
	// when there is no such object. An object larger than limit bytes is an
	// error, and is not read: a reader asks for what a manifest or a shard can
	// be (MaxManifestBytes, MaxShardBytes), so a huge object at one of their
	// keys costs no memory.
	Get(ctx context.Context, key string, limit int64) ([]byte, error)
}

// Defaults of Config.
const (
	// DefaultCacheBytes bounds the shards a Dataset keeps in memory (their JSON
	// and an offset a fact; facts are decoded when asked for): about 20 shards of
	// 200 KB, the same memory at any dataset size. Lookups of random IDs in a large
	// dataset miss any cache; it serves locality (a page, a popular fact's cards).
	DefaultCacheBytes = 4 << 20
	// DefaultMissCache bounds the unknown IDs a Dataset remembers.
	DefaultMissCache = 4096
)

// Config configures Open.
type Config struct {
	// Blobs reads the objects. Required.
	Blobs Blobs
	// Root is the key prefix the versions live under, such as "facts". Required.
	Root string
	// Version is the version to read: 64 hex digits, as 'factcard publish' prints.
	Version string
	// CacheBytes bounds the shards kept in memory; zero means DefaultCacheBytes.
	CacheBytes int
	// MissCache bounds the unknown IDs remembered; zero means DefaultMissCache.
	MissCache int
	// Logger receives a line for each shard that fails to load. Defaults to
	// discarding.
	Logger *slog.Logger
}

// Dataset is a published version of a dataset, read shard by shard from Blobs. It
// reads only the manifest when it opens; a lookup reads the one shard that can hold
// the ID, and keeps recently read shards in memory up to a bound, so memory does not
// grow with the dataset. A shard that fails its hash or any check fails the lookups
// that need it, never yields a wrong fact, and is read again on the next lookup.
// It is safe for concurrent use.
type Dataset struct {
	blobs    Blobs
	root     string
	manifest shardIndex
	log      *slog.Logger
	cache    *shardCache
	misses   *missCache
	loads    singleflight.Group
}

var (
	_ facts.Set     = (*Dataset)(nil)
	_ facts.Sharded = (*Dataset)(nil)
)

// ErrNoVersion means the version asked for has not been published under the root.
var ErrNoVersion = errors.New("no such dataset version")

// Open reads and checks a version's manifest. A version that is not
// published fails with an error wrapping ErrNoVersion; a manifest that does not hash
// to its version, or is malformed, fails too.
func Open(ctx context.Context, cfg Config) (*Dataset, error) {
	if cfg.Blobs == nil {
		return nil, errors.New("open published dataset: no blob reader")
	}
	root := strings.Trim(cfg.Root, "/")
	if root == "" {
		return nil, errors.New("open published dataset: no root prefix")
	}
	if !ValidVersion(cfg.Version) {
		return nil, fmt.Errorf("open published dataset: version %q is not %d hex digits as 'factcard publish' prints", strict.Clip(cfg.Version, 80), VersionDigits)
	}
	key := ManifestKey(root, cfg.Version)
	data, err := cfg.Blobs.Get(ctx, key, MaxManifestBytes)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("open published dataset %s/%s: %w: no %s (publish it with 'factcard publish', or check the version)", root, cfg.Version, ErrNoVersion, key)
	case err != nil:
		return nil, fmt.Errorf("open published dataset %s/%s: read %s: %w", root, cfg.Version, key, err)
	case len(data) > MaxManifestBytes:
		return nil, fmt.Errorf("open published dataset %s/%s: manifest larger than %d bytes", root, cfg.Version, MaxManifestBytes)
	}
	m, err := parseManifest(data, cfg.Version)
	if err != nil {
		return nil, fmt.Errorf("open published dataset %s/%s: %w", root, cfg.Version, err)
	}
	p := &Dataset{blobs: cfg.Blobs, root: root, manifest: newShardIndex(m), log: cfg.Logger}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.cache = newShardCache(cmpOr(cfg.CacheBytes, DefaultCacheBytes))
	p.misses = newMissCache(cmpOr(cfg.MissCache, DefaultMissCache))
	return p, nil
}

func cmpOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// Version returns the version being read.
func (p *Dataset) Version() string { return p.manifest.version }

// Root returns the key prefix of the versions.
func (p *Dataset) Root() string { return p.root }

// Shards returns the number of shards.
func (p *Dataset) Shards() int { return len(p.manifest.counts) }

// Len returns the number of facts, from the manifest.
func (p *Dataset) Len() int { return p.manifest.facts }

// Fact returns the fact with the given ID, reading its shard if it is not in memory.
// An ID in no shard is an error wrapping ErrNotFound, remembered so that asking again
// costs no read.
func (p *Dataset) Fact(ctx context.Context, id string) (facts.Fact, error) {
	notFound := fmt.Errorf("fact %q: %w", strict.Clip(id, 80), facts.ErrNotFound)
	if !facts.ValidID(id) {
		return facts.Fact{}, notFound
	}
	s := ShardOf(id, p.Shards())
	if int(p.manifest.counts[s]) == 0 || !mayHold(p.manifest.filters[s], id) || p.misses.has(id) {
		return facts.Fact{}, notFound
	}
	sh, err := p.shard(ctx, s)
	if err != nil {
		return facts.Fact{}, fmt.Errorf("fact %q: %w", id, err)
	}
	j, ok := sh.find(id)
	if !ok {
		p.misses.add(id)
		return facts.Fact{}, notFound
	}
	f, err := sh.fact(j)
	if err != nil {
		key := ShardKey(p.root, p.manifest.version, s, p.Shards())
		p.log.ErrorContext(ctx, "dataset fact refused", "key", key, "err", err)
		return facts.Fact{}, fmt.Errorf("read %s: %w", key, err)
	}
	return f, nil
}

// List returns up to limit facts from cursor on, in shard order and by ID within a
// shard; see Set. A page reads the shards it covers, a few at most.
func (p *Dataset) List(ctx context.Context, cursor string, limit int) (facts.Page, error) {
	if limit < 1 {
		return facts.Page{}, fmt.Errorf("limit %d: %w", limit, facts.ErrBadPage)
	}
	pos, ok := p.next(facts.Cursor{})
	if cursor != "" {
		c, err := facts.ParseCursor(cursor)
		if err != nil || c.Shard >= p.Shards() || c.Offset >= int(p.manifest.counts[c.Shard]) {
			return facts.Page{}, fmt.Errorf("cursor: %w", facts.ErrBadPage)
		}
		pos, ok = c, true
	}
	var page facts.Page
	for ok && len(page.Facts) < limit {
		sh, err := p.shard(ctx, pos.Shard)
		if err != nil {
			return facts.Page{}, fmt.Errorf("list facts: %w", err)
		}
		take := min(limit-len(page.Facts), sh.len()-pos.Offset)
		for j := pos.Offset; j < pos.Offset+take; j++ {
			f, err := sh.fact(j)
			if err != nil {
				return facts.Page{}, fmt.Errorf("list facts: shard %d: %w", pos.Shard, err)
			}
			page.Facts = append(page.Facts, f)
		}
		pos.Offset += take
		pos, ok = p.next(pos)
	}
	if ok {
		page.Next = pos.String()
	}
	return page, nil
}

// next returns pos if it points at a fact, else the start of the next shard that
// has any, and whether there is one.
func (p *Dataset) next(pos facts.Cursor) (facts.Cursor, bool) {
	for pos.Shard < p.Shards() {
		if pos.Offset < int(p.manifest.counts[pos.Shard]) {
			return pos, true
		}
		pos = facts.Cursor{Shard: pos.Shard + 1}
	}
	return facts.Cursor{}, false
}

// ShardFacts returns the facts of the shard stored under key, which must be one of
// this version's shard keys (as a Step Functions item reader lists them).
func (p *Dataset) ShardFacts(ctx context.Context, key string) ([]facts.Fact, error) {
	i, err := p.ShardIndex(key)
	if err != nil {
		return nil, err
	}
	sh, err := p.shard(ctx, i)
	if err != nil {
		return nil, err
	}
	out := make([]facts.Fact, 0, sh.len())
	for j := range sh.len() {
		f, err := sh.fact(j)
		if err != nil {
			return nil, fmt.Errorf("shard %s: %w", key, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// ShardLen returns the number of facts in the shard stored under key, from the
// manifest.
func (p *Dataset) ShardLen(key string) (int, error) {
	i, err := p.ShardIndex(key)
	if err != nil {
		return 0, err
	}
	return int(p.manifest.counts[i]), nil
}

// ShardIndex returns the number of the shard stored under key, failing for any key
// that is not one of this version's shards.
func (p *Dataset) ShardIndex(key string) (int, error) {
	prefix := ShardsPrefix(p.root, p.manifest.version)
	name, ok := strings.CutPrefix(key, prefix)
	if !ok {
		return 0, fmt.Errorf("shard key %q is not under %s: a shard of another dataset version or place", strict.Clip(key, 120), prefix)
	}
	n := p.Shards()
	num, _ := strings.CutSuffix(name, ".json")
	i := 0
	for _, c := range num {
		if c < '0' || c > '9' || i > n {
			i = -1
			break
		}
		i = i*10 + int(c-'0')
	}
	if i < 0 || i >= n || ShardName(i, n) != name {
		return 0, fmt.Errorf("shard key %q names no shard of version %s (%d shards)", strict.Clip(key, 120), p.manifest.version, n)
	}
	return i, nil
}

// shard returns shard i from memory, or reads, checks and keeps it. Lookups of one
// shard at once share one read.
func (p *Dataset) shard(ctx context.Context, i int) (*shard, error) {
	if sh, ok := p.cache.get(i); ok {
		return sh, nil
	}
	key := ShardKey(p.root, p.manifest.version, i, p.Shards())
	ch := p.loads.DoChan(key, func() (any, error) {
		// The read outlives any one caller: one that gives up must not fail the
		// others waiting on the same shard.
		ctx := context.WithoutCancel(ctx)
		// The flight runs on singleflight's goroutine, which no handler's recover
		// covers and where singleflight re-panics: a panic while reading or
		// checking a shard becomes this shard's error here, or it would end the
		// process.
		sh, err := panicerr.Call(func() (*shard, error) { return p.load(ctx, key, i) })
		if pe, ok := panicerr.As(err); ok {
			p.log.ErrorContext(ctx, "dataset shard read panicked", "key", key, "panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))
			return nil, fmt.Errorf("read %s: %w", key, err)
		}
		return sh, err
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*shard), nil
	}
}

// load reads, checks and keeps shard i, stored under key.
func (p *Dataset) load(ctx context.Context, key string, i int) (*shard, error) {
	data, err := p.blobs.Get(ctx, key, MaxShardBytes)
	if err != nil {
		p.log.ErrorContext(ctx, "dataset shard unreadable", "key", key, "err", err)
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	if len(data) > MaxShardBytes {
		p.log.ErrorContext(ctx, "dataset shard refused", "key", key, "bytes", len(data))
		return nil, fmt.Errorf("read %s: larger than %d bytes", key, MaxShardBytes)
	}
	if cap(data) > len(data)+len(data)/8 {
		data = bytes.Clone(data) // the cache keeps it: no more than it needs
	}
	sh, err := parseShard(data, &p.manifest, i)
	if err != nil {
		p.log.ErrorContext(ctx, "dataset shard refused", "key", key, "err", err)
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	p.cache.add(i, sh)
	return sh, nil
}

// shardCache keeps checked shards, least recently used first out, up to a bound on
// their bytes.
type shardCache struct {
	mu    sync.Mutex
	max   int
	bytes int
	order *list.List // of *cachedShard, most recent first
	byNum map[int]*list.Element
}

type cachedShard struct {
	num   int
	shard *shard
}

func newShardCache(max int) *shardCache {
	return &shardCache{max: max, order: list.New(), byNum: map[int]*list.Element{}}
}

func (c *shardCache) get(i int) (*shard, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byNum[i]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cachedShard).shard, true
}

func (c *shardCache) add(i int, sh *shard) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byNum[i]; ok {
		return
	}
	c.byNum[i] = c.order.PushFront(&cachedShard{num: i, shard: sh})
	c.bytes += sh.size()
	for c.bytes > c.max && c.order.Len() > 1 {
		old := c.order.Remove(c.order.Back()).(*cachedShard)
		delete(c.byNum, old.num)
		c.bytes -= old.shard.size()
	}
}

// len returns the number of shards and bytes held.
func (c *shardCache) len() (shards, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len(), c.bytes
}

// missCache remembers IDs that are in no shard. When full it starts again empty.
type missCache struct {
	mu  sync.Mutex
	max int
	ids map[string]struct{}
}

func newMissCache(max int) *missCache { return &missCache{max: max, ids: map[string]struct{}{}} }

func (c *missCache) has(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.ids[id]
	return ok
}

func (c *missCache) add(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.ids) >= c.max {
		c.ids = make(map[string]struct{}, 64)
	}
	c.ids[id] = struct{}{}
}
