// Package dataset connects factcard's facts to storage: it publishes a dataset as an
// immutable, content-hashed version into a store (create-only), and opens a
// published version, named by its URL s3://BUCKET/PREFIX/VERSION, as a facts.Set that
// reads shards through the S3 store. Package facts stays free of AWS; this package
// and the S3 store are where the two meet.
package dataset

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/factcard/factcard/facts/panicerr"
	"github.com/factcard/factcard/facts/published"
	"github.com/factcard/factcard/functions/storage"
)

// DefaultRoot is the key prefix versions are published under, in the card bucket
// beside cards/.
const DefaultRoot = "facts"

// URL is a parsed dataset URL, s3://BUCKET/ROOT/VERSION.
type URL struct {
	// Bucket is the S3 bucket.
	Bucket string
	// Root is the key prefix of the versions, such as "facts" or "prod/facts".
	Root string
	// Version is the content hash 'factcard publish' printed.
	Version string
}

// String returns the URL.
func (u URL) String() string { return "s3://" + u.Bucket + "/" + u.Root + "/" + u.Version }

// ParseURL parses s3://BUCKET/ROOT/VERSION, checking that ROOT is made of valid key
// segments and VERSION is a version 'factcard publish' makes.
func ParseURL(raw string) (URL, error) {
	rest, ok := strings.CutPrefix(raw, "s3://")
	if !ok {
		return URL{}, fmt.Errorf("dataset URL %q: want s3://BUCKET/PREFIX/VERSION as 'factcard publish' prints", raw)
	}
	bucket, path, _ := strings.Cut(rest, "/")
	i := strings.LastIndexByte(path, '/')
	if !validBucket(bucket) || i < 0 {
		return URL{}, fmt.Errorf("dataset URL %q: want s3://BUCKET/PREFIX/VERSION as 'factcard publish' prints", raw)
	}
	u := URL{Bucket: bucket, Root: path[:i], Version: path[i+1:]}
	if err := storage.ValidKey(u.Root); err != nil {
		return URL{}, fmt.Errorf("dataset URL %q: prefix: %w", raw, err)
	}
	if !published.ValidVersion(u.Version) {
		return URL{}, fmt.Errorf("dataset URL %q: version %q is not %d hex digits as 'factcard publish' prints", raw, u.Version, published.VersionDigits)
	}
	return u, nil
}

// validBucket checks the S3 bucket naming rules that matter here: 3 to 63
// characters of lower-case letters, digits, '.' and '-', starting and ending with a
// letter or digit.
func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		alnum := 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
		if !alnum && (c != '.' && c != '-' || i == 0 || i == len(b)-1) {
			return false
		}
	}
	return true
}

// DefaultReadTimeout bounds each read of a manifest or shard when Blobs.Timeout is
// zero: a shard is a few hundred kilobytes, tens of milliseconds from S3.
const DefaultReadTimeout = 5 * time.Second

// Blobs reads a published dataset's objects from a store: the adapter between
// storage.Store and published.Blobs.
type Blobs struct {
	// Store is the store the dataset is in, without a key prefix of its own.
	Store storage.Store
	// Timeout bounds each read; zero means DefaultReadTimeout.
	Timeout time.Duration
}

var _ published.Blobs = Blobs{}

// Get implements published.Blobs.
func (b Blobs) Get(ctx context.Context, key string, limit int64) ([]byte, error) {
	timeout := b.Timeout
	if timeout <= 0 {
		timeout = DefaultReadTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	obj, err := b.Store.Get(ctx, key, limit)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("%w: %w", fs.ErrNotExist, err)
	}
	if err != nil {
		return nil, err
	}
	return obj.Body, nil
}

// Open opens the published version u names, reading through store (a store of u's
// bucket without a key prefix). It reads and checks the manifest only; see
// published.Dataset.
func Open(ctx context.Context, u URL, store storage.Store, log *slog.Logger) (*published.Dataset, error) {
	p, err := published.Open(ctx, published.Config{
		Blobs:   Blobs{Store: store},
		Root:    u.Root,
		Version: u.Version,
		Logger:  log,
	})
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", u, err)
	}
	return p, nil
}

// Result says what Publish did.
type Result struct {
	// Version is the published version.
	Version string
	// Key is the version's folder in the store: ROOT/VERSION.
	Key string
	// Written counts the objects this call created.
	Written int
	// Existing counts the objects that were already there with the same bytes.
	Existing int
}

// ErrConflict means an object already stored under one of the version's keys holds
// other bytes. Publish never overwrites; the version is not published.
var ErrConflict = errors.New("a different object is already stored under the key")

// PublishConcurrency is how many objects Publish writes at once.
const PublishConcurrency = 16

// Publish writes a packed dataset into store under root (such as "facts"), every
// object create-only. The objects of a bundle that published.PackFile packed are built
// as they are written, PublishConcurrency at a time, so memory stays small. An object already there with the same bytes counts as
// written (publishing is idempotent: the version is a content hash); one with other
// bytes fails the publish with ErrConflict and is left as it was. The manifest is
// written last and only when every other object is in place, so a version that can
// be opened is complete.
func Publish(ctx context.Context, store storage.Store, root string, b *published.Bundle) (Result, error) {
	root = strings.Trim(root, "/")
	if err := storage.ValidKey(root); err != nil {
		return Result{}, fmt.Errorf("publish: root %q: %w", root, err)
	}
	v := b.Manifest.Version
	res := Result{Version: v, Key: root + "/" + v}
	objs := b.Objects
	if len(objs) == 0 || objs[len(objs)-1].Name != "manifest.json" {
		return res, errors.New("publish: the bundle does not end with its manifest")
	}
	body, manifest := objs[:len(objs)-1], objs[len(objs)-1]

	var (
		mu       sync.Mutex
		firstErr error
		next     int
		wg       sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range min(PublishConcurrency, len(body)) {
		wg.Go(func() {
			for {
				mu.Lock()
				if next >= len(body) || firstErr != nil {
					mu.Unlock()
					return
				}
				o := body[next]
				next++
				mu.Unlock()
				// A worker is a goroutine of its own: a panic in a store's Create
				// fails the publish, never the process.
				created, err := panicerr.Call(func() (bool, error) { return put(ctx, store, res.Key+"/"+o.Name, o, v) })
				mu.Lock()
				switch {
				case err != nil && firstErr == nil:
					firstErr = err
					cancel()
				case err == nil && created:
					res.Written++
				case err == nil:
					res.Existing++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return res, fmt.Errorf("publish %s: %w (the manifest was not written, so the version cannot be opened)", res.Key, firstErr)
	}
	created, err := put(ctx, store, res.Key+"/"+manifest.Name, manifest, v)
	if err != nil {
		return res, fmt.Errorf("publish %s: %w", res.Key, err)
	}
	if created {
		res.Written++
	} else {
		res.Existing++
	}
	return res, nil
}

// put creates one object, reporting whether it wrote it or found the same bytes.
func put(ctx context.Context, store storage.Store, key string, o published.BundleObject, version string) (bool, error) {
	body, err := o.Bytes()
	if err != nil {
		return false, fmt.Errorf("prepare %s: %w", key, err)
	}
	info := storage.Info{
		ContentType:  o.ContentType,
		CacheControl: "public, max-age=31536000, immutable",
		Metadata:     map[string]string{"dataset-version": version},
	}
	err = store.Create(ctx, key, body, info)
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, storage.ErrExists) {
		return false, fmt.Errorf("write %s: %w", key, err)
	}
	old, err := store.Get(ctx, key, max(int64(len(body)), 1))
	if errors.Is(err, storage.ErrTooLarge) {
		return false, fmt.Errorf("%s: %w (larger than ours); publishing never overwrites, so nothing was changed", key, ErrConflict)
	}
	if err != nil {
		return false, fmt.Errorf("read back %s, which exists: %w", key, err)
	}
	if !bytes.Equal(old.Body, body) {
		return false, fmt.Errorf("%s: %w; publishing never overwrites, so nothing was changed", key, ErrConflict)
	}
	return false, nil
}
