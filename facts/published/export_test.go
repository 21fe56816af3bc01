package published

// CachedShards returns how many shards d holds in memory and their bytes.
func (d *Dataset) CachedShards() (shards, bytes int) { return d.cache.len() }

// ShardCount exposes shardCount to the external tests.
var ShardCount = shardCount

// SameBundle and PackBoth expose the PackFile tests' helpers to the external tests.
var (
	SameBundle = sameBundle
	PackBoth   = packBoth
)

// ManifestVersion exposes manifestVersion to the external tests, which make
// manifests that hash to their version but say what Pack never would.
var ManifestVersion = manifestVersion
