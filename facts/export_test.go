package facts

// CachedShards returns how many shards p holds in memory and their bytes.
func (p *Published) CachedShards() (shards, bytes int) { return p.cache.len() }

// ShardCount exposes shardCount to the external tests.
var ShardCount = shardCount

// SameBundle and PackBoth expose the PackFile tests' helpers to the external tests.
var (
	SameBundle = sameBundle
	PackBoth   = packBoth
)
