package published_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/factstest"
	"github.com/factcard/factcard/facts/panicerr"
	"github.com/factcard/factcard/facts/published"
	"github.com/factcard/factcard/functions/testsupport/logbuf"
)

// memBlobs is an in-memory Blobs that counts reads.
type memBlobs struct {
	mu     sync.Mutex
	objs   map[string][]byte
	reads  atomic.Int64
	limits map[string]int64 // the limit of the last read of each key
}

func (m *memBlobs) Get(_ context.Context, key string, limit int64) ([]byte, error) {
	m.reads.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.limits == nil {
		m.limits = map[string]int64{}
	}
	m.limits[key] = limit
	b, ok := m.objs[key]
	if !ok {
		return nil, fmt.Errorf("get %s: %w", key, fs.ErrNotExist)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("get %s: %d bytes, more than %d", key, len(b), limit)
	}
	return bytes.Clone(b), nil
}

func (m *memBlobs) set(key string, body []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objs[key] = body
}

// synthetic loads n synthetic facts (generated text, not quotes) and their documents.
func synthetic(t testing.TB, n int) (*facts.Dataset, fstest.MapFS) {
	t.Helper()
	d, docs, err := factstest.Dataset(n)
	if err != nil {
		t.Fatal(err)
	}
	return d, docs
}

// publish packs d into fresh blobs under root "facts" and opens it.
func publish(t testing.TB, d *facts.Dataset, docs fs.FS, cfg published.Config) (*published.Dataset, *memBlobs, *published.Bundle) {
	t.Helper()
	b, err := published.Pack(d, docs)
	if err != nil {
		t.Fatal(err)
	}
	blobs := &memBlobs{objs: map[string][]byte{}}
	for _, o := range b.Objects {
		blobs.set("facts/"+b.Manifest.Version+"/"+o.Name, o.Body)
	}
	cfg.Blobs, cfg.Root, cfg.Version = blobs, "facts", b.Manifest.Version
	p, err := published.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p, blobs, b
}

func jsonOf(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPublishedRoundTrip(t *testing.T) {
	d, docs := synthetic(t, 3000)
	p, blobs, b := publish(t, d, docs, published.Config{})
	if p.Len() != d.Len() {
		t.Errorf("Len = %d, want %d", p.Len(), d.Len())
	}
	if p.Shards() < 2 {
		t.Errorf("%d shards for 3000 facts; want several", p.Shards())
	}
	if got, want := len(b.Manifest.Sources), len(docs); got != want {
		t.Errorf("manifest lists %d source documents, want %d", got, want)
	}
	for _, want := range d.All() {
		got, err := p.Fact(t.Context(), want.ID)
		if err != nil {
			t.Fatalf("Fact(%q): %v", want.ID, err)
		}
		if jsonOf(t, got) != jsonOf(t, want) {
			t.Fatalf("Fact(%q) = %s\nwant %s", want.ID, jsonOf(t, got), jsonOf(t, want))
		}
	}
	// Every shard was read once (the cache holds them all at this size) plus the manifest.
	if got, want := blobs.reads.Load(), int64(p.Shards()+1); got != want {
		t.Errorf("%d reads, want %d (the manifest and each shard once)", got, want)
	}
}

func TestPublishedOneReadPerLookup(t *testing.T) {
	d, docs := synthetic(t, 2000)
	p, blobs, _ := publish(t, d, docs, published.Config{})
	id := d.All()[17].ID
	before := blobs.reads.Load()
	if _, err := p.Fact(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if got := blobs.reads.Load() - before; got != 1 {
		t.Errorf("cold lookup made %d reads, want 1", got)
	}
	if _, err := p.Fact(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if got := blobs.reads.Load() - before; got != 1 {
		t.Errorf("warm lookup read again: %d reads in all, want 1", got)
	}
}

func TestPublishedConcurrentLookupsShareARead(t *testing.T) {
	d, docs := synthetic(t, 2000)
	p, blobs, _ := publish(t, d, docs, published.Config{})
	id := d.All()[3].ID
	before := blobs.reads.Load()
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			if _, err := p.Fact(t.Context(), id); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := blobs.reads.Load() - before; got != 1 {
		t.Errorf("32 concurrent cold lookups made %d reads, want 1", got)
	}
}

func TestPublishedUnknownIDs(t *testing.T) {
	d, docs := synthetic(t, 2000)
	p, blobs, _ := publish(t, d, docs, published.Config{})
	for _, id := range []string{"no-such-fact", "synthetic-9999999-river", "", "../../etc/passwd", strings.Repeat("a", 200)} {
		if _, err := p.Fact(t.Context(), id); !errors.Is(err, facts.ErrNotFound) {
			t.Errorf("Fact(%.20q) = %v, want ErrNotFound", id, err)
		}
	}
	// Evict everything (a tiny cache) and ask for an unknown ID again: the miss
	// cache answers without a read.
	small, blobs2, _ := publish(t, d, docs, published.Config{CacheBytes: 1})
	if _, err := small.Fact(t.Context(), "no-such-fact"); !errors.Is(err, facts.ErrNotFound) {
		t.Fatal(err)
	}
	for _, f := range d.All()[:50] {
		if _, err := small.Fact(t.Context(), f.ID); err != nil {
			t.Fatal(err)
		}
	}
	before := blobs2.reads.Load()
	for range 10 {
		if _, err := small.Fact(t.Context(), "no-such-fact"); !errors.Is(err, facts.ErrNotFound) {
			t.Fatal(err)
		}
	}
	if got := blobs2.reads.Load() - before; got != 0 {
		t.Errorf("a remembered unknown ID made %d reads, want 0", got)
	}
	if got := blobs.reads.Load(); got > int64(p.Shards()+1) {
		t.Errorf("unknown IDs made %d reads; want at most one per shard", got)
	}
}

func TestPublishedCacheBound(t *testing.T) {
	d, docs := synthetic(t, 3000)
	const bound = 64 << 10
	p, _, _ := publish(t, d, docs, published.Config{CacheBytes: bound})
	for _, f := range d.All()[:300] {
		if _, err := p.Fact(t.Context(), f.ID); err != nil {
			t.Fatal(err)
		}
		if shards, bytes := p.CachedShards(); bytes > bound && shards > 1 {
			t.Fatalf("cache holds %d shards, %d bytes; bound %d", shards, bytes, bound)
		}
	}
	if shards, _ := p.CachedShards(); shards >= p.Shards() {
		t.Errorf("cache holds all %d shards under a %d-byte bound", shards, bound)
	}
}

func TestPublishedList(t *testing.T) {
	d, docs := synthetic(t, 1500)
	p, _, _ := publish(t, d, docs, published.Config{CacheBytes: 1})
	want := map[string]bool{}
	for _, f := range d.All() {
		want[f.ID] = true
	}
	for _, limit := range []int{1, 7, 50, 500, 5000} {
		seen := map[string]bool{}
		cursor, pages := "", 0
		for {
			page, err := p.List(t.Context(), cursor, limit)
			if err != nil {
				t.Fatalf("limit %d page %d: %v", limit, pages+1, err)
			}
			pages++
			if len(page.Facts) == 0 || len(page.Facts) > limit || (page.Next != "" && len(page.Facts) != limit) {
				t.Fatalf("limit %d page %d: %d facts, next %q", limit, pages, len(page.Facts), page.Next)
			}
			for _, f := range page.Facts {
				if seen[f.ID] || !want[f.ID] {
					t.Fatalf("limit %d: %q listed twice or not in the dataset", limit, f.ID)
				}
				seen[f.ID] = true
			}
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
		if len(seen) != len(want) || pages != (len(want)+limit-1)/limit {
			t.Errorf("limit %d: %d facts in %d pages, want %d in %d", limit, len(seen), pages, len(want), (len(want)+limit-1)/limit)
		}
	}
	for _, c := range []string{"nonsense", "YzEuOTk5OTkuMA", "YzEuMC45OTk5OQ"} { // c1.99999.0, c1.0.99999
		if _, err := p.List(t.Context(), c, 10); !errors.Is(err, facts.ErrBadPage) {
			t.Errorf("List(%q) = %v, want ErrBadPage", c, err)
		}
	}
	if _, err := p.List(t.Context(), "", 0); !errors.Is(err, facts.ErrBadPage) {
		t.Errorf("List with limit 0 = %v, want ErrBadPage", err)
	}
}

func TestPublishedDamagedShard(t *testing.T) {
	d, docs := synthetic(t, 2000)
	for _, tc := range []struct {
		name   string
		damage func([]byte) []byte
	}{
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }},
		{"empty", func([]byte) []byte { return nil }},
		{"one byte changed", func(b []byte) []byte {
			b = bytes.Clone(b)
			i := bytes.Index(b, []byte("Synthetic sentence"))
			b[i] = 's'
			return b
		}},
		{"quote swapped", func(b []byte) []byte {
			return bytes.Replace(b, []byte("not a quote: the"), []byte("not a quote: our"), 1)
		}},
		{"missing", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs logbuf.Buffer
			p, blobs, b := publish(t, d, docs, published.Config{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
			victim := published.ShardOf(d.All()[0].ID, p.Shards())
			key := published.ShardKey("facts", b.Manifest.Version, victim, p.Shards())
			if tc.damage == nil {
				blobs.mu.Lock()
				delete(blobs.objs, key)
				blobs.mu.Unlock()
			} else {
				blobs.set(key, tc.damage(blobs.objs[key]))
			}
			for _, f := range d.All() {
				got, err := p.Fact(t.Context(), f.ID)
				if published.ShardOf(f.ID, p.Shards()) != victim {
					if err != nil {
						t.Fatalf("fact %q in a sound shard: %v", f.ID, err)
					}
					continue
				}
				if err == nil || errors.Is(err, facts.ErrNotFound) {
					t.Fatalf("fact %q in the damaged shard: got %q, %v; want a read error", f.ID, got.Quote, err)
				}
			}
			if !strings.Contains(logs.String(), key) {
				t.Errorf("log does not name the damaged shard %s: %s", key, logs.String())
			}
			if _, err := p.List(t.Context(), "", p.Len()); err == nil {
				t.Error("listing across the damaged shard succeeded")
			}
		})
	}
}

func TestOpenPublishedFailures(t *testing.T) {
	d, docs := synthetic(t, 300)
	b, err := published.Pack(d, docs)
	if err != nil {
		t.Fatal(err)
	}
	v := b.Manifest.Version
	manifest := b.Objects[len(b.Objects)-1].Body
	other := strings.Repeat("0", published.VersionDigits)
	for _, tc := range []struct {
		name    string
		version string
		objs    map[string][]byte
		wantNo  bool
		want    string
	}{
		{"unknown version", other, map[string][]byte{"facts/" + v + "/manifest.json": manifest}, true, "no facts/" + other + "/manifest.json"},
		{"empty bucket", v, nil, true, "factcard publish"},
		{"not a version", "latest", nil, false, "64 hex digits"},
		{"a version of 80 bits", "2e5c7418b90c5f46df06", nil, false, "64 hex digits"},
		{"manifest edited", v, map[string][]byte{"facts/" + v + "/manifest.json": bytes.Replace(manifest, []byte(`"facts":300`), []byte(`"facts":301`), 1)}, false, ""},
		{"manifest of another version", other, map[string][]byte{"facts/" + other + "/manifest.json": manifest}, false, "version"},
		{"manifest truncated", v, map[string][]byte{"facts/" + v + "/manifest.json": manifest[:len(manifest)/2]}, false, "parse manifest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			blobs := &memBlobs{objs: maps.Clone(tc.objs)}
			if blobs.objs == nil {
				blobs.objs = map[string][]byte{}
			}
			_, err := published.Open(t.Context(), published.Config{Blobs: blobs, Root: "facts", Version: tc.version})
			if err == nil {
				t.Fatal("opened; want an error")
			}
			if errors.Is(err, published.ErrNoVersion) != tc.wantNo {
				t.Errorf("err = %v; ErrNoVersion %v, want %v", err, errors.Is(err, published.ErrNoVersion), tc.wantNo)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v; want it to say %q", err, tc.want)
			}
		})
	}
}

// TestOpenPublishedAbsurdCounts publishes manifests that hash to their version
// and add up, but whose shard counts no shard of MaxShardBytes can hold. Before
// the bound, 2147483647 made the reader's first lookup panic (makeslice: cap out
// of range) and 1<<40 read as an empty shard.
func TestOpenPublishedAbsurdCounts(t *testing.T) {
	d, docs := synthetic(t, 300)
	b, err := published.Pack(d, docs)
	if err != nil {
		t.Fatal(err)
	}
	for _, count := range []int{published.MaxShardBytes/12 + 1, 1<<31 - 1, 1 << 40, 1<<62 + 5} {
		t.Run(fmt.Sprint(count), func(t *testing.T) {
			m := b.Manifest
			m.ShardFacts = slices.Clone(m.ShardFacts)
			m.Facts += count - m.ShardFacts[0]
			m.ShardFacts[0] = count
			m.Version = ""
			m.Version = published.ManifestVersion(m)
			blobs := &memBlobs{objs: map[string][]byte{"facts/" + m.Version + "/manifest.json": []byte(jsonOf(t, m))}}
			for _, o := range b.Objects[:len(b.Objects)-1] {
				blobs.objs["facts/"+m.Version+"/"+o.Name] = o.Body
			}
			p, err := published.Open(t.Context(), published.Config{Blobs: blobs, Root: "facts", Version: m.Version})
			if err == nil {
				for _, f := range d.All() {
					_, err := p.Fact(t.Context(), f.ID)
					t.Logf("lookup of %s: %v", f.ID, err)
				}
				t.Fatalf("opened a manifest whose shard 0 has %d facts; want an error", count)
			}
			if want := fmt.Sprintf("shard 0 has %d facts", count); !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v; want it to say %q", err, want)
			}
		})
	}
}

// TestOpenPublishedBadFilters publishes manifests that hash to their version
// but whose filters do not fit their shards' counts: a filter shorter than its
// count needs, or bits a fact the format does not allow, is refused at open.
func TestOpenPublishedBadFilters(t *testing.T) {
	d, docs := synthetic(t, 300)
	b, err := published.Pack(d, docs)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(m *published.Manifest)
		want string
	}{
		{"short filter", func(m *published.Manifest) { m.ShardFilters[0] = m.ShardFilters[0][:1] }, "shard 0 filter is 1 bytes"},
		{"no filters", func(m *published.Manifest) { m.ShardFilters = nil }, "0 shard filters"},
		{"too many bits", func(m *published.Manifest) { m.FilterBits = 64 }, "of 64 bits a fact"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := b.Manifest
			m.ShardFilters = slices.Clone(m.ShardFilters)
			tc.edit(&m)
			m.Version = ""
			m.Version = published.ManifestVersion(m)
			blobs := &memBlobs{objs: map[string][]byte{"facts/" + m.Version + "/manifest.json": []byte(jsonOf(t, m))}}
			_, err := published.Open(t.Context(), published.Config{Blobs: blobs, Root: "facts", Version: m.Version})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v; want it to say %q", err, tc.want)
			}
		})
	}
}

// panicBlobs panics on every read of a shard, as a bug in a Blobs or in the
// shard's checks would.
type panicBlobs struct{ *memBlobs }

func (p panicBlobs) Get(ctx context.Context, key string, limit int64) ([]byte, error) {
	if strings.Contains(key, "/shards/") {
		panic("fixture: a reader that panics")
	}
	return p.memBlobs.Get(ctx, key, limit)
}

// TestPublishedShardReadPanics checks that a panic while a shard is read, on
// singleflight's goroutine, is that lookup's error, logged with the key and the
// stack, and that the process lives (before the recover, the test binary died).
func TestPublishedShardReadPanics(t *testing.T) {
	d, docs := synthetic(t, 300)
	_, blobs, b := publish(t, d, docs, published.Config{})
	var logs logbuf.Buffer
	p, err := published.Open(t.Context(), published.Config{Blobs: panicBlobs{blobs}, Root: "facts", Version: b.Manifest.Version,
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	id := d.All()[0].ID
	for range 2 { // not remembered: the second lookup reads again
		_, err := p.Fact(t.Context(), id)
		if _, ok := panicerr.As(err); !ok || errors.Is(err, facts.ErrNotFound) {
			t.Fatalf("Fact(%q) = %v; want the recovered panic as an error", id, err)
		}
	}
	if _, err := p.List(t.Context(), "", 10); err == nil {
		t.Error("List through a panicking reader succeeded")
	}
	key := published.ShardKey("facts", b.Manifest.Version, published.ShardOf(id, p.Shards()), p.Shards())
	for _, want := range []string{"dataset shard read panicked", key, "fixture: a reader that panics", "published_test.panicBlobs.Get"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}

// TestPublishedReadLimits checks that the reader asks Blobs for no more than a
// manifest or a shard can be, so that a store refuses a huge object at one of
// their keys before reading it.
func TestPublishedReadLimits(t *testing.T) {
	d, docs := synthetic(t, 300)
	p, blobs, b := publish(t, d, docs, published.Config{})
	id := d.All()[0].ID
	if _, err := p.Fact(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	v := b.Manifest.Version
	for key, want := range map[string]int64{
		published.ManifestKey("facts", v):                                             published.MaxManifestBytes,
		published.ShardKey("facts", v, published.ShardOf(id, p.Shards()), p.Shards()): published.MaxShardBytes,
	} {
		blobs.mu.Lock()
		got, ok := blobs.limits[key]
		blobs.mu.Unlock()
		if !ok || got != want {
			t.Errorf("read %s with limit %d (read: %v), want %d", key, got, ok, want)
		}
	}
}

func TestPackIsAContentHash(t *testing.T) {
	d, docs := synthetic(t, 500)
	a, err := published.Pack(d, docs)
	if err != nil {
		t.Fatal(err)
	}
	b, err := published.Pack(d, docs)
	if err != nil {
		t.Fatal(err)
	}
	if a.Manifest.Version != b.Manifest.Version || len(a.Objects) != len(b.Objects) {
		t.Fatalf("packing twice gave versions %s and %s", a.Manifest.Version, b.Manifest.Version)
	}
	for i := range a.Objects {
		if a.Objects[i].Name != b.Objects[i].Name || !bytes.Equal(a.Objects[i].Body, b.Objects[i].Body) {
			t.Errorf("object %s differs between two packs of one dataset", a.Objects[i].Name)
		}
	}
	if last := a.Objects[len(a.Objects)-1].Name; last != "manifest.json" {
		t.Errorf("last object is %s, want the manifest (written last, so a version appears whole)", last)
	}
	_, c, err := factstest.Bundle(499)
	if err != nil {
		t.Fatal(err)
	}
	if c.Manifest.Version == a.Manifest.Version {
		t.Error("a different dataset packed to the same version")
	}
	docs["synthetic-00001.txt"] = &fstest.MapFile{Data: []byte("another text")}
	e, err := published.Pack(d, docs)
	if err != nil {
		t.Fatal(err)
	}
	if e.Manifest.Version == a.Manifest.Version {
		t.Error("a changed source document packed to the same version")
	}
	delete(docs, "synthetic-00002.txt")
	if _, err := published.Pack(d, docs); err == nil || !strings.Contains(err.Error(), "synthetic-00002.txt") {
		t.Errorf("Pack with a document missing = %v, want an error naming it", err)
	}
}

func TestShardIndex(t *testing.T) {
	d, docs := synthetic(t, 2000)
	p, _, b := publish(t, d, docs, published.Config{})
	v, n := b.Manifest.Version, p.Shards()
	for i := range n {
		key := published.ShardKey("facts", v, i, n)
		got, err := p.ShardIndex(key)
		if err != nil || got != i {
			t.Errorf("ShardIndex(%q) = %d, %v; want %d", key, got, err, i)
		}
		fs, err := p.ShardFacts(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if published.ShardOf(f.ID, n) != i {
				t.Errorf("shard %d holds %q of shard %d", i, f.ID, published.ShardOf(f.ID, n))
			}
		}
	}
	for _, key := range []string{
		"facts/" + strings.Repeat("0", published.VersionDigits) + "/shards/0000.json",
		"facts/" + v + "/shards/" + fmt.Sprint(n) + ".json",
		"facts/" + v + "/shards/" + fmt.Sprintf("%04d", n) + ".json",
		"facts/" + v + "/shards/0.json",
		"facts/" + v + "/shards/00000.json",
		"facts/" + v + "/shards/-001.json",
		"facts/" + v + "/shards/0000.json.bak",
		"facts/" + v + "/shards/",
		"facts/" + v + "/manifest.json",
		"other/" + v + "/shards/0000.json",
	} {
		if i, err := p.ShardIndex(key); err == nil {
			t.Errorf("ShardIndex(%q) = %d; want an error", key, i)
		}
	}
}

func TestShardCount(t *testing.T) {
	for _, tc := range []struct{ total, want int }{
		{0, 1}, {1, 1}, {published.ShardTargetBytes, 1}, {published.ShardTargetBytes + 1, 2},
		{860_000_000, 4096}, {8_600_000, 64}, {86_000_000, 512}, {1 << 50, published.MaxShards},
	} {
		if got := published.ShardCount(tc.total); got != tc.want {
			t.Errorf("shardCount(%d) = %d, want %d", tc.total, got, tc.want)
		}
	}
}

// BenchmarkPublishedColdLookup looks up facts with a cache too small to hold any
// shard, so every lookup reads, checks and indexes a shard (from memory, so this is
// the CPU cost without the network).
func BenchmarkPublishedColdLookup(b *testing.B) {
	d, docs := synthetic(b, 3000)
	p, _, bundle := publish(b, d, docs, published.Config{CacheBytes: 1})
	var ids []string
	for _, f := range d.All() {
		ids = append(ids, f.ID)
	}
	b.ReportMetric(float64(len(bundle.Objects[0].Body)), "shard-bytes")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := p.Fact(b.Context(), ids[i%len(ids)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPublishedWarmLookup looks up one fact whose shard is in memory.
func BenchmarkPublishedWarmLookup(b *testing.B) {
	d, docs := synthetic(b, 3000)
	p, _, _ := publish(b, d, docs, published.Config{})
	id := d.All()[42].ID
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Fact(b.Context(), id); err != nil {
			b.Fatal(err)
		}
	}
}

// unknownIDs returns n valid IDs that are in no synthetic dataset.
func unknownIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("unknown-fixture-%d", i)
	}
	return ids
}

// TestPublishedUnknownIDsReadNoShard looks up 2,000 IDs that are in no shard,
// each once, with no shard in memory: the manifest's per-shard filters answer
// nearly all of them without a read. Before the filters each cost a shard GET.
func TestPublishedUnknownIDsReadNoShard(t *testing.T) {
	d, docs := synthetic(t, 3000)
	p, blobs, _ := publish(t, d, docs, published.Config{CacheBytes: 1})
	ids := unknownIDs(2000)
	before := blobs.reads.Load()
	for _, id := range ids {
		if _, err := p.Fact(t.Context(), id); !errors.Is(err, facts.ErrNotFound) {
			t.Fatalf("Fact(%q) = %v, want ErrNotFound", id, err)
		}
	}
	// About 1% of unknown IDs pass a filter of 10 bits a fact; 3% leaves room.
	if got, most := blobs.reads.Load()-before, int64(len(ids))*3/100; got > most {
		t.Errorf("%d unknown IDs made %d shard reads, want at most %d", len(ids), got, most)
	}
	// No false negatives: every fact is still found.
	for _, f := range d.All() {
		if _, err := p.Fact(t.Context(), f.ID); err != nil {
			t.Fatalf("Fact(%q) = %v", f.ID, err)
		}
	}
}

// BenchmarkPublishedUnknownLookup looks up IDs in no shard, each new (so the
// miss cache never answers), with no shard in memory: reads/op is the share of
// them that cost a shard GET.
func BenchmarkPublishedUnknownLookup(b *testing.B) {
	d, docs := synthetic(b, 3000)
	p, blobs, _ := publish(b, d, docs, published.Config{CacheBytes: 1})
	ids := unknownIDs(100000)
	before := blobs.reads.Load()
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		if _, err := p.Fact(b.Context(), ids[i%len(ids)]); !errors.Is(err, facts.ErrNotFound) {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(blobs.reads.Load()-before)/float64(n), "reads/op")
}
