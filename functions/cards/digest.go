package cards

import (
	"crypto/sha256"
	"sync"

	"github.com/factcard/factcard/facts"
)

// digestCacheSize bounds the content digests a service keeps: enough for every fact
// of a page of listings and the cards being requested, and a few hundred kilobytes
// however large the dataset is.
const digestCacheSize = 4096

// digestCache keeps the content digests of recently used facts. When it is full it
// starts again empty: cheaper than tracking recency, and a digest costs only a few
// microseconds to redo. It is keyed by fact ID, which is sound because a service
// reads one dataset and a dataset never changes. The zero value is ready to use.
type digestCache struct {
	mu sync.Mutex
	m  map[string][sha256.Size]byte
}

func (c *digestCache) get(f facts.Fact) [sha256.Size]byte {
	c.mu.Lock()
	d, ok := c.m[f.ID]
	c.mu.Unlock()
	if ok {
		return d
	}
	d = contentDigest(f)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= digestCacheSize {
		c.m = make(map[string][sha256.Size]byte, 64)
	}
	c.m[f.ID] = d
	c.mu.Unlock()
	return d
}
