// Package published is the publish format of a dataset: a version packed into
// immutable, content-hashed objects (a manifest, shards of facts, the source
// documents), and a reader that serves a version from blob storage shard by shard
// as a facts.Set.
//
// Package facts holds the data model and its checks; this package holds what
// happens to a checked dataset after that: Pack and PackFile make a Bundle, Open
// reads one back. It never talks to AWS: the service passes a Blobs.
package published
