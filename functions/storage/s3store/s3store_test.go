package s3store_test

// These tests run against a real S3-compatible server, versitygw, started on
// loopback by s3server: only a real server checks request signatures, keeps
// Cache-Control and metadata, and arbitrates conditional writes. Without the
// server (outside `make test`) they skip, saying so; fake_test.go covers the
// error mapping in-process.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/factcard/factcard/facts/published"
	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/s3store"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/functions/testsupport/faultproxy"
	"github.com/factcard/factcard/functions/testsupport/s3server"
)

const key = "cards/rubio-jaishankar-call/og-dark-0123456789abcdef.png"

var info = storage.Info{
	ContentType:  "image/png",
	CacheControl: "public, max-age=31536000, immutable",
	Metadata:     map[string]string{"fact-id": "rubio-jaishankar-call", "renderer-version": "1.2.3"},
}

func TestConformance(t *testing.T) {
	srv := s3server.Start(t)
	client := srv.Client(t)
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return s3store.New(client, srv.CreateBucket(t, ""), "")
	})
}

func TestConformancePrefixed(t *testing.T) {
	srv := s3server.Start(t)
	client := srv.Client(t)
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return s3store.New(client, srv.CreateBucket(t, ""), "prod/")
	})
}

// TestHeadersKept reads an object written by the store with the plain SDK:
// the server kept Content-Type, Cache-Control and the metadata as headers.
func TestHeadersKept(t *testing.T) {
	srv := s3server.Start(t)
	client := srv.Client(t)
	bucket := srv.CreateBucket(t, "")
	store := s3store.New(client, bucket, "")
	ctx := context.Background()
	body := []byte("\x89PNG not really")
	if err := store.Create(ctx, key, body, info); err != nil {
		t.Fatalf("Create = %v", err)
	}
	out, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String(key)})
	if err != nil {
		t.Fatalf("HeadObject = %v", err)
	}
	for _, tc := range []struct{ name, got, want string }{
		{"Content-Type", aws.ToString(out.ContentType), info.ContentType},
		{"Cache-Control", aws.ToString(out.CacheControl), info.CacheControl},
		{"x-amz-meta-fact-id", out.Metadata["fact-id"], "rubio-jaishankar-call"},
		{"x-amz-meta-renderer-version", out.Metadata["renderer-version"], "1.2.3"},
		{"Content-Length", fmt.Sprint(aws.ToInt64(out.ContentLength)), fmt.Sprint(len(body))},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if n := len(out.Metadata); n != 2 {
		t.Errorf("metadata = %v, want the 2 entries set", out.Metadata)
	}
}

// TestCreateRace races 16 writers of one key through 16 clients, as 16
// processes would: the server lets exactly one write win, answers the others
// 412, and keeps the winner's object and only it.
func TestCreateRace(t *testing.T) {
	srv := s3server.Start(t)
	bucket := srv.CreateBucket(t, "")
	ctx := context.Background()
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make([]error, storagetest.Racers)
	)
	body := func(i int) []byte { return bytes.Repeat([]byte{byte(i)}, 64<<10) }
	for i := range storagetest.Racers {
		store := s3store.New(s3server.NewClient(srv.Endpoint, srv.AccessKey, srv.SecretKey), bucket, "")
		wg.Go(func() {
			<-start
			errs[i] = store.Create(ctx, key, body(i), info)
		})
	}
	close(start)
	wg.Wait()
	var winners []int
	for i, err := range errs {
		switch {
		case err == nil:
			winners = append(winners, i)
		case !errors.Is(err, storage.ErrExists):
			t.Errorf("writer %d: Create = %v, want nil or ErrExists", i, err)
		}
	}
	if len(winners) != 1 {
		t.Fatalf("winners = %v, want exactly one", winners)
	}
	client := srv.Client(t)
	list, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket})
	if err != nil {
		t.Fatalf("ListObjectsV2 = %v", err)
	}
	if len(list.Contents) != 1 || aws.ToString(list.Contents[0].Key) != key {
		var keys []string
		for _, o := range list.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
		t.Errorf("bucket holds %q, want only %q", keys, key)
	}
	obj, err := s3store.New(client, bucket, "").Get(ctx, key, 1<<30)
	if err != nil || !bytes.Equal(obj.Body, body(winners[0])) {
		t.Errorf("Get = %v; want writer %d's body", err, winners[0])
	}
}

// TestPreconditionFailed writes the key with the plain SDK first: Create
// gets S3's 412, reports ErrExists and leaves the object alone.
func TestPreconditionFailed(t *testing.T) {
	srv := s3server.Start(t)
	client := srv.Client(t)
	bucket := srv.CreateBucket(t, "")
	ctx := context.Background()
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &bucket, Key: aws.String(key), Body: strings.NewReader("first"), ContentType: aws.String("text/plain"),
	}); err != nil {
		t.Fatalf("PutObject = %v", err)
	}
	store := s3store.New(client, bucket, "")
	err := store.Create(ctx, key, []byte("second"), info)
	if !errors.Is(err, storage.ErrExists) {
		t.Fatalf("Create over an existing object = %v, want ErrExists", err)
	}
	if want := "s3 put s3://" + bucket + "/" + key; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	obj, err := store.Get(ctx, key, 1<<30)
	if err != nil || string(obj.Body) != "first" || obj.ContentType != "text/plain" {
		t.Errorf("Get = %+v, %v; want the first object untouched", obj, err)
	}
}

func TestPrefix(t *testing.T) {
	srv := s3server.Start(t)
	client := srv.Client(t)
	bucket := srv.CreateBucket(t, "")
	ctx := context.Background()
	prod := s3store.New(client, bucket, "prod") // the slash is added
	if got := prod.Prefix(); got != "prod/" {
		t.Errorf("Prefix() = %q, want %q", got, "prod/")
	}
	if err := prod.Create(ctx, key, []byte("card"), info); err != nil {
		t.Fatalf("Create = %v", err)
	}
	if _, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("prod/" + key)}); err != nil {
		t.Errorf("HeadObject(prod/%s) = %v, want the object there", key, err)
	}
	if _, err := s3store.New(client, bucket, "").Head(ctx, key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Head without the prefix = %v, want ErrNotFound", err)
	}
	if _, err := s3store.New(client, bucket, "staging/").Head(ctx, key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Head with another prefix = %v, want ErrNotFound", err)
	}
	if err := prod.Create(ctx, key, []byte("again"), info); !errors.Is(err, storage.ErrExists) {
		t.Errorf("second Create = %v, want ErrExists", err)
	}
	bad := s3store.New(client, bucket, "../up")
	if _, err := bad.Get(ctx, key, 1<<30); !errors.Is(err, storage.ErrInvalidKey) || !strings.Contains(err.Error(), "prefix") {
		t.Errorf("Get with prefix ../up = %v, want ErrInvalidKey naming the prefix", err)
	}
}

// TestWrongCredentials checks that refused credentials give an error a
// person can act on, for each call.
func TestWrongCredentials(t *testing.T) {
	srv := s3server.Start(t)
	bucket := srv.CreateBucket(t, "")
	ctx := context.Background()
	if err := s3store.New(srv.Client(t), bucket, "").Create(ctx, key, []byte("card"), info); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, access, secret string
		want                 string
		head                 bool
	}{
		// versitygw answers an unknown access key 404 XAdminUserNotFound; to
		// a HEAD, which has no body, a bare 404, which reads as "not found".
		{"unknown access key", "nobody", srv.SecretKey, "check AWS_ACCESS_KEY_ID", false},
		{"wrong secret", srv.AccessKey, "wrong-secret", "check AWS_SECRET_ACCESS_KEY", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := s3store.New(s3server.NewClient(srv.Endpoint, tc.access, tc.secret), bucket, "")
			calls := map[string]func() error{
				"Get":    func() error { _, err := store.Get(ctx, key, 1<<30); return err },
				"Create": func() error { return store.Create(ctx, "cards/x/new.png", []byte("x"), info) },
			}
			if tc.head {
				calls["Head"] = func() error { _, err := store.Head(ctx, key); return err }
			}
			for name, call := range calls {
				err := call()
				if !errors.Is(err, s3store.ErrAccessDenied) {
					t.Errorf("%s = %v, want ErrAccessDenied", name, err)
					continue
				}
				want := tc.want
				if name == "Head" {
					want = "wrong credentials" // a HEAD answer carries no reason
				}
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%s error %q does not say %q", name, err, want)
				}
				t.Logf("%s: %v", name, err)
			}
		})
	}
}

func TestNoBucket(t *testing.T) {
	srv := s3server.Start(t)
	store := s3store.New(srv.Client(t), "no-such-bucket", "")
	ctx := context.Background()
	if _, err := store.Get(ctx, key, 1<<30); !errors.Is(err, s3store.ErrNoBucket) || !strings.Contains(err.Error(), `bucket "no-such-bucket" does not exist`) {
		t.Errorf("Get = %v, want ErrNoBucket naming the bucket", err)
	}
	if err := store.Create(ctx, key, []byte("x"), info); !errors.Is(err, s3store.ErrNoBucket) {
		t.Errorf("Create = %v, want ErrNoBucket", err)
	}
}

// TestServerFaults puts the fault proxy between the store and the server: a
// server that is down, resets connections or hangs gives an error within the
// caller's deadline (plus a margin), never a hang, never a false "not found"
// or "exists"; once the server is back the store works again.
func TestServerFaults(t *testing.T) {
	srv := s3server.Start(t)
	bucket := srv.CreateBucket(t, "")
	proxy := faultproxy.Start(t, srv.Addr)
	store := s3store.New(s3server.NewClient(proxy.URL(), srv.AccessKey, srv.SecretKey), bucket, "")
	ctx := context.Background()
	if err := store.Create(ctx, key, []byte("card"), info); err != nil {
		t.Fatal(err)
	}
	const (
		deadline = 300 * time.Millisecond
		margin   = time.Second
	)
	for _, tc := range []struct {
		mode faultproxy.Mode
		want string
	}{
		{faultproxy.Down, "cannot reach the S3 server"},
		{faultproxy.Reset, "s3 "},
		{faultproxy.Stall, "context deadline exceeded"},
	} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			if err := proxy.SetMode(tc.mode); err != nil {
				t.Fatal(err)
			}
			for name, call := range map[string]func(context.Context) error{
				"Get":    func(ctx context.Context) error { _, err := store.Get(ctx, key, 1<<30); return err },
				"Head":   func(ctx context.Context) error { _, err := store.Head(ctx, key); return err },
				"Create": func(ctx context.Context) error { return store.Create(ctx, "cards/x/new.png", []byte("x"), info) },
			} {
				ctx, cancel := context.WithTimeout(context.Background(), deadline)
				start := time.Now()
				err := call(ctx)
				elapsed := time.Since(start)
				cancel()
				switch {
				case err == nil, errors.Is(err, storage.ErrNotFound), errors.Is(err, storage.ErrExists):
					t.Errorf("%s with the server %v = %v, want a failure", name, tc.mode, err)
				case !strings.Contains(err.Error(), tc.want):
					t.Errorf("%s with the server %v = %q, want it to say %q", name, tc.mode, err, tc.want)
				}
				if elapsed > deadline+margin {
					t.Errorf("%s with the server %v took %v, want at most %v", name, tc.mode, elapsed, deadline+margin)
				}
			}
			if err := proxy.SetMode(faultproxy.Pass); err != nil {
				t.Fatal(err)
			}
			if obj, err := store.Get(ctx, key, 1<<30); err != nil || string(obj.Body) != "card" {
				t.Errorf("Get once the server is back = %v, want the card", err)
			}
		})
	}
	// A put held by the stall reaches the server when the stall ends, after
	// its caller gave up: S3 does the same with a request that timed out on
	// the client. The object is then whole; it is never partial.
	if obj, err := store.Get(ctx, "cards/x/new.png", 1<<30); err == nil && string(obj.Body) != "x" {
		t.Errorf("Get of the key whose Creates failed = %q, want the whole body or ErrNotFound", obj.Body)
	} else if err != nil && !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Get of the key whose Creates failed = %v, want the object or ErrNotFound", err)
	}
}

// TestDownMidPut takes the server down while a put is on the wire: the put
// fails at once and no partial object is ever visible.
func TestDownMidPut(t *testing.T) {
	srv := s3server.Start(t)
	bucket := srv.CreateBucket(t, "")
	proxy := faultproxy.Start(t, srv.Addr)
	store := s3store.New(s3server.NewClient(proxy.URL(), srv.AccessKey, srv.SecretKey), bucket, "")
	direct := s3store.New(srv.Client(t), bucket, "")
	if err := proxy.SetMode(faultproxy.Stall); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error)
	go func() {
		errc <- store.Create(context.Background(), key, bytes.Repeat([]byte("x"), 1<<20), info)
	}()
	for proxy.Open() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // let the request reach the proxy
	if _, err := direct.Head(context.Background(), key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Head while the put hangs = %v, want ErrNotFound", err)
	}
	start := time.Now()
	if err := proxy.SetMode(faultproxy.Down); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if err == nil || errors.Is(err, storage.ErrExists) {
			t.Errorf("Create cut off mid-request = %v, want a failure", err)
		}
		if elapsed := time.Since(start); elapsed > time.Second {
			t.Errorf("Create failed %v after the server went down, want at once", elapsed)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Create still hangs 10s after the server went down")
	}
	if _, err := direct.Head(context.Background(), key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Head after the cut put = %v, want ErrNotFound (no partial object)", err)
	}
}

// TestOpen reaches the server the way a factcard process does: from the
// environment s3server.Server.Env describes, through Open.
func TestOpen(t *testing.T) {
	srv := s3server.Start(t)
	bucket := srv.CreateBucket(t, "")
	srv.SetEnv(t)
	ctx := context.Background()
	store, err := s3store.Open(ctx, s3store.Config{Bucket: bucket, Prefix: "prod/", Endpoint: srv.Endpoint, MaxAttempts: 1})
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	if err := store.Create(ctx, key, []byte("card"), info); err != nil {
		t.Fatalf("Create = %v", err)
	}
	obj, err := store.Get(ctx, key, 1<<30)
	if err != nil {
		t.Fatalf("Get = %v", err)
	}
	if string(obj.Body) != "card" || obj.CacheControl != info.CacheControl || !maps.Equal(obj.Metadata, info.Metadata) {
		t.Errorf("Get = %+v, want the card as created", obj)
	}
	if _, err := srv.Client(t).HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("prod/" + key)}); err != nil {
		t.Errorf("HeadObject(prod/%s) = %v", key, err)
	}
}

// TestOpenWithoutCredentials checks that a process with no credentials at all
// opens the store (Open makes no call) and gets a clear error from the first
// call, quickly.
func TestOpenWithoutCredentials(t *testing.T) {
	srv := s3server.Start(t)
	srv.SetEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	store, err := s3store.Open(ctx, s3store.Config{Bucket: "b", Endpoint: srv.Endpoint, MaxAttempts: 1})
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	start := time.Now()
	_, err = store.Get(ctx, key, 1<<30)
	if err == nil || !strings.Contains(err.Error(), "no AWS credentials") {
		t.Errorf("Get without credentials = %v, want it to say there are no AWS credentials", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Get without credentials took %v, want a quick failure", elapsed)
	}
	t.Logf("Get: %v", err)
}

// TestGetHugeObject puts an object far over the limit at a dataset shard key and
// at a manifest key of a real server and reads them with the limits the dataset
// reader uses: Get refuses each by its Content-Length and reads none of its body,
// so the heap grows by far less than the object (before the limit, a 1.5 GiB
// object at a shard key took 'serve' to 3.7–7.4 GB).
func TestGetHugeObject(t *testing.T) {
	srv := s3server.Start(t)
	client := srv.Client(t)
	bucket := srv.CreateBucket(t, "")
	store := s3store.New(client, bucket, "")
	ctx := context.Background()
	const huge = 128 << 20
	version := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		key   string
		limit int64
	}{
		{published.ShardKey("facts", version, 7, 4096), published.MaxShardBytes},
		{published.ManifestKey("facts", version), published.MaxManifestBytes},
	} {
		body := make([]byte, huge)
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(tc.key), Body: bytes.NewReader(body)}); err != nil {
			t.Fatalf("PutObject %s: %v", tc.key, err)
		}
		body = nil
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		obj, err := store.Get(ctx, tc.key, tc.limit)
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, storage.ErrTooLarge) || obj != nil {
			t.Fatalf("Get(%s, %d) = %v, %v; want ErrTooLarge", tc.key, tc.limit, obj, err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 2<<20 {
			t.Errorf("Get(%s) allocated %d bytes refusing a %d-byte object; want under 2 MiB", tc.key, grew, huge)
		}
		t.Logf("refused %s (%d bytes) in %v: %v", tc.key, huge, took, err)
	}
}
