package dataset_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/factstest"
	"github.com/factcard/factcard/facts/published"
	"github.com/factcard/factcard/functions/dataset"
	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/s3store"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/functions/testsupport/s3server"
)

// synthetic packs n synthetic facts (generated text, not quotes).
func synthetic(t testing.TB, n int) (*facts.Dataset, *published.Bundle) {
	t.Helper()
	d, b, err := factstest.Bundle(n)
	if err != nil {
		t.Fatal(err)
	}
	return d, b
}

func TestParseURL(t *testing.T) {
	v := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		raw  string
		want dataset.URL
		ok   bool
	}{
		{"s3://cards/facts/" + v, dataset.URL{Bucket: "cards", Root: "facts", Version: v}, true},
		{"s3://my.cards-1/prod/facts/" + v, dataset.URL{Bucket: "my.cards-1", Root: "prod/facts", Version: v}, true},
		{"", dataset.URL{}, false},
		{"cards/facts/" + v, dataset.URL{}, false},
		{"https://cards/facts/" + v, dataset.URL{}, false},
		{"s3://cards/" + v, dataset.URL{}, false},
		{"s3://cards/facts/latest", dataset.URL{}, false},
		{"s3://cards/facts/" + v + "/", dataset.URL{}, false},
		{"s3://cards/facts/" + strings.ToUpper(v), dataset.URL{}, false},
		{"s3://Cards/facts/" + v, dataset.URL{}, false},
		{"s3://ca/facts/" + v, dataset.URL{}, false},
		{"s3://cards/../facts/" + v, dataset.URL{}, false},
		{"s3://cards//facts/" + v, dataset.URL{}, false},
		{"s3://-cards/facts/" + v, dataset.URL{}, false},
	} {
		got, err := dataset.ParseURL(tc.raw)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseURL(%q) = %+v, %v; want %+v, ok %v", tc.raw, got, err, tc.want, tc.ok)
		}
		if tc.ok && got.String() != tc.raw {
			t.Errorf("ParseURL(%q).String() = %q", tc.raw, got.String())
		}
	}
}

func TestPublishAndOpen(t *testing.T) {
	d, b := synthetic(t, 1500)
	store := storagetest.NewMemory()
	res, err := dataset.Publish(t.Context(), store, "facts", b)
	if err != nil {
		t.Fatal(err)
	}
	if res.Written != len(b.Objects) || res.Existing != 0 || res.Key != "facts/"+b.Manifest.Version {
		t.Errorf("first publish = %+v, want all %d objects written under facts/%s", res, len(b.Objects), b.Manifest.Version)
	}
	for _, o := range b.Objects {
		info, err := store.Head(t.Context(), res.Key+"/"+o.Name)
		if err != nil {
			t.Fatalf("%s: %v", o.Name, err)
		}
		if info.ContentType != o.ContentType || !strings.Contains(info.CacheControl, "immutable") || info.Metadata["dataset-version"] != b.Manifest.Version {
			t.Errorf("%s stored with %+v", o.Name, info)
		}
	}
	again, err := dataset.Publish(t.Context(), store, "facts", b)
	if err != nil {
		t.Fatal(err)
	}
	if again.Written != 0 || again.Existing != len(b.Objects) {
		t.Errorf("second publish = %+v, want nothing written", again)
	}
	p, err := dataset.Open(t.Context(), dataset.URL{Bucket: "cards", Root: "facts", Version: b.Manifest.Version}, store, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range d.All()[:200] {
		got, err := p.Fact(t.Context(), want.ID)
		if err != nil || got.Quote != want.Quote {
			t.Fatalf("Fact(%q) = %q, %v", want.ID, got.Quote, err)
		}
	}
}

func TestPublishNeverOverwrites(t *testing.T) {
	_, b := synthetic(t, 1500)
	for _, victim := range []string{"shards/0001.json", "manifest.json", b.Objects[len(b.Objects)-2].Name} {
		t.Run(victim, func(t *testing.T) {
			store := storagetest.NewMemory()
			key := "facts/" + b.Manifest.Version + "/" + victim
			squatter := []byte("something else")
			if err := store.Create(t.Context(), key, squatter, storage.Info{ContentType: "text/plain"}); err != nil {
				t.Fatal(err)
			}
			_, err := dataset.Publish(t.Context(), store, "facts", b)
			if !errors.Is(err, dataset.ErrConflict) || !strings.Contains(err.Error(), key) {
				t.Fatalf("Publish over a different %s = %v, want ErrConflict naming the key", victim, err)
			}
			obj, err := store.Get(t.Context(), key, 1<<30)
			if err != nil || !bytes.Equal(obj.Body, squatter) {
				t.Errorf("the object at %s was changed: %q, %v", key, obj.Body, err)
			}
			if victim != "manifest.json" {
				if _, err := store.Head(t.Context(), "facts/"+b.Manifest.Version+"/manifest.json"); !errors.Is(err, storage.ErrNotFound) {
					t.Errorf("manifest written after a failed publish (err %v): the broken version could be opened", err)
				}
			}
		})
	}
}

// failingStore fails every Create after n. Publish writes from several
// goroutines, so the count is locked.
type failingStore struct {
	storage.Store
	mu   sync.Mutex
	left int
}

func (f *failingStore) Create(ctx context.Context, key string, body []byte, info storage.Info) error {
	f.mu.Lock()
	ok := f.left > 0
	f.left--
	f.mu.Unlock()
	if !ok {
		return errors.New("injected write failure")
	}
	return f.Store.Create(ctx, key, body, info)
}

func TestPublishFailureLeavesNoManifest(t *testing.T) {
	_, b := synthetic(t, 1500)
	mem := storagetest.NewMemory()
	_, err := dataset.Publish(t.Context(), &failingStore{Store: mem, left: 3}, "facts", b)
	if err == nil || !strings.Contains(err.Error(), "injected") {
		t.Fatalf("Publish with failing writes = %v", err)
	}
	if _, err := mem.Head(t.Context(), "facts/"+b.Manifest.Version+"/manifest.json"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("manifest written after failed writes: %v", err)
	}
	// A retry finishes the job.
	res, err := dataset.Publish(t.Context(), mem, "facts", b)
	if err != nil || res.Written+res.Existing != len(b.Objects) {
		t.Errorf("retry = %+v, %v", res, err)
	}
}

func TestBlobsNotFound(t *testing.T) {
	_, err := dataset.Blobs{Store: storagetest.NewMemory()}.Get(t.Context(), "facts/x/manifest.json", 1<<30)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Get of a missing key = %v, want fs.ErrNotExist", err)
	}
}

// TestOnS3 publishes to versitygw through the S3 store and reads it back: the
// same code path the functions take.
func TestOnS3(t *testing.T) {
	srv := s3server.Start(t)
	client := srv.Client(t)
	bucket := srv.CreateBucket(t, "")
	d, b := synthetic(t, 2500)
	store := s3store.New(client, bucket, "prod/")
	res, err := dataset.Publish(t.Context(), store, "facts", b)
	if err != nil {
		t.Fatal(err)
	}
	u := dataset.URL{Bucket: bucket, Root: "prod/" + res.Key[:strings.LastIndexByte(res.Key, '/')], Version: res.Version}
	p, err := dataset.Open(t.Context(), u, s3store.New(client, bucket, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Len() != d.Len() {
		t.Errorf("Len = %d, want %d", p.Len(), d.Len())
	}
	for _, want := range d.All()[:100] {
		if got, err := p.Fact(t.Context(), want.ID); err != nil || got.Quote != want.Quote {
			t.Fatalf("Fact(%q) = %q, %v", want.ID, got.Quote, err)
		}
	}
	// Unknown version: a clear error at open.
	other := u
	other.Version = strings.Repeat("0", published.VersionDigits)
	if _, err := dataset.Open(t.Context(), other, s3store.New(client, bucket, ""), nil); !errors.Is(err, published.ErrNoVersion) || !strings.Contains(err.Error(), other.String()) {
		t.Errorf("Open of an unknown version = %v, want ErrNoVersion naming %s", err, other)
	}
	// Damage one shard in the bucket: that shard's facts fail, the others are served.
	victim := d.All()[0].ID
	n := p.Shards()
	key := "prod/" + published.ShardKey("facts", res.Version, published.ShardOf(victim, n), n)
	raw := s3store.New(client, bucket, "")
	fresh, err := dataset.Open(t.Context(), u, raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: &bucket, Key: &key}); err != nil {
		t.Fatal(err)
	}
	if err := raw.Create(t.Context(), key, []byte(`{"format":"factcard-shard-1"}`), storage.Info{ContentType: "application/json"}); err != nil {
		t.Fatal(err)
	}
	if _, err := fresh.Fact(t.Context(), victim); err == nil || errors.Is(err, facts.ErrNotFound) {
		t.Errorf("fact in a damaged shard = %v, want a read error", err)
	}
	for _, f := range d.All()[1:] {
		if published.ShardOf(f.ID, n) == published.ShardOf(victim, n) {
			continue
		}
		if _, err := fresh.Fact(t.Context(), f.ID); err != nil {
			t.Fatalf("fact %q in a sound shard: %v", f.ID, err)
		}
		break
	}
}

// panickingStore panics in the nth Create, as a store client with a bug would.
type panickingStore struct {
	storage.Store
	mu    sync.Mutex
	calls int
	nth   int
}

func (s *panickingStore) Create(ctx context.Context, key string, body []byte, info storage.Info) error {
	s.mu.Lock()
	s.calls++
	n := s.calls
	s.mu.Unlock()
	if n == s.nth {
		panic("fixture: Create panicked")
	}
	return s.Store.Create(ctx, key, body, info)
}

// TestPublishPanicIsAnError checks that a write that panics on one of
// Publish's workers fails the publish, without a manifest, and does not end
// the process. Before the recover it ended the test binary.
func TestPublishPanicIsAnError(t *testing.T) {
	_, b := synthetic(t, 1500)
	mem := storagetest.NewMemory()
	_, err := dataset.Publish(t.Context(), &panickingStore{Store: mem, nth: 2}, "facts", b)
	if err == nil || !strings.Contains(err.Error(), "panic: fixture: Create panicked") {
		t.Fatalf("Publish with a panicking write = %v, want the panic as an error", err)
	}
	if _, err := mem.Head(t.Context(), "facts/"+b.Manifest.Version+"/manifest.json"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("manifest written after a panicked write: %v", err)
	}
}
