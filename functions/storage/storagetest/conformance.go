package storagetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/factcard/factcard/functions/storage"
)

// Run runs the conformance suite against the stores newStore makes: every
// storage.Store implementation passes it. Each subtest calls newStore for an
// empty store of its own.
//
// It covers the round trip of body and Info through Create, Get and Head,
// missing keys, hostile and malformed keys, invalid Info, create-only writes
// (also with 16 goroutines racing on one key), isolation of stored objects from
// the caller's slices and maps, cancelled contexts, and Get's size limit.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, newStore(t)) })
	t.Run("EmptyBody", func(t *testing.T) { testEmptyBody(t, newStore(t)) })
	t.Run("NotFound", func(t *testing.T) { testNotFound(t, newStore(t)) })
	t.Run("InvalidKey", func(t *testing.T) { testInvalidKey(t, newStore(t)) })
	t.Run("InvalidInfo", func(t *testing.T) { testInvalidInfo(t, newStore(t)) })
	t.Run("CreateOnly", func(t *testing.T) { testCreateOnly(t, newStore(t)) })
	t.Run("CreateRace", func(t *testing.T) { testCreateRace(t, newStore(t)) })
	t.Run("ManyKeys", func(t *testing.T) { testManyKeys(t, newStore(t)) })
	t.Run("Isolation", func(t *testing.T) { testIsolation(t, newStore(t)) })
	t.Run("Canceled", func(t *testing.T) { testCanceled(t, newStore(t)) })
	t.Run("Limit", func(t *testing.T) { testLimit(t, newStore(t)) })
}

// anyLimit is the Get limit of the tests that are not about limits: more than
// any object they store.
const anyLimit = 1 << 20

// testLimit checks Get's limit: an object of exactly limit bytes is read, one of
// limit+1 is an error wrapping ErrTooLarge, and a limit below 1 is refused
// before any I/O.
func testLimit(t *testing.T, s storage.Store) {
	ctx := context.Background()
	body := fakePNG(3, 4096)
	mustCreate(t, s, cardKey, body, cardInfo())
	for _, tc := range []struct {
		limit   int64
		wantErr error
	}{
		{4096, nil},
		{4097, nil},
		{4095, storage.ErrTooLarge},
		{1, storage.ErrTooLarge},
		{0, storage.ErrInvalidLimit},
		{-1, storage.ErrInvalidLimit},
	} {
		obj, err := s.Get(ctx, cardKey, tc.limit)
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("Get(limit %d) err = %v, want %v", tc.limit, err, tc.wantErr)
			continue
		}
		if err == nil && !bytes.Equal(obj.Body, body) {
			t.Errorf("Get(limit %d) = %d bytes, want the %d stored", tc.limit, len(obj.Body), len(body))
		}
		if err != nil && obj != nil {
			t.Errorf("Get(limit %d) returned an object with its error %v", tc.limit, err)
		}
	}
	if _, err := s.Get(ctx, "cards/missing.png", 0); !errors.Is(err, storage.ErrInvalidLimit) {
		t.Errorf("Get(missing key, limit 0) err = %v, want ErrInvalidLimit before any lookup", err)
	}
}

// cardKey is a key shaped like the card service's.
const cardKey = "cards/rubio-jaishankar-call/og-dark-0123456789abcdef.png"

func cardInfo() storage.Info {
	return storage.Info{
		ContentType:  "image/png",
		CacheControl: "public, max-age=31536000, immutable",
		Metadata: map[string]string{
			"fact-id":          "rubio-jaishankar-call",
			"renderer-version": "1.2.3",
		},
	}
}

// fakePNG returns n bytes that start like a PNG and differ by seed.
func fakePNG(seed, n int) []byte {
	b := make([]byte, 0, n)
	b = append(b, "\x89PNG\r\n\x1a\n"...)
	for i := len(b); i < n; i++ {
		b = append(b, byte(i*7+seed*13))
	}
	return b[:n]
}

// checkInfo fails t unless got is want as stored at a time between before and
// after: Size set to size, ModTime in range (S3 keeps whole seconds).
func checkInfo(t *testing.T, what string, got, want storage.Info, size int64, before, after time.Time) {
	t.Helper()
	if got.ContentType != want.ContentType {
		t.Errorf("%s: ContentType = %q, want %q", what, got.ContentType, want.ContentType)
	}
	if got.CacheControl != want.CacheControl {
		t.Errorf("%s: CacheControl = %q, want %q", what, got.CacheControl, want.CacheControl)
	}
	if got.Size != size {
		t.Errorf("%s: Size = %d, want %d", what, got.Size, size)
	}
	if !maps.Equal(got.Metadata, want.Metadata) {
		t.Errorf("%s: Metadata = %v, want %v", what, got.Metadata, want.Metadata)
	}
	if got.ModTime.Before(before.Truncate(time.Second).Add(-time.Second)) || got.ModTime.After(after.Add(time.Second)) {
		t.Errorf("%s: ModTime = %v, want between %v and %v", what, got.ModTime, before, after)
	}
}

func mustCreate(t *testing.T, s storage.Store, key string, body []byte, info storage.Info) {
	t.Helper()
	if err := s.Create(context.Background(), key, body, info); err != nil {
		t.Fatalf("Create(%q) = %v, want nil", key, err)
	}
}

func testRoundTrip(t *testing.T, s storage.Store) {
	ctx := context.Background()
	body := fakePNG(1, 5000)
	info := cardInfo()
	before := time.Now()
	mustCreate(t, s, cardKey, body, info)
	after := time.Now()

	obj, err := s.Get(ctx, cardKey, anyLimit)
	if err != nil {
		t.Fatalf("Get = %v, want nil", err)
	}
	if !bytes.Equal(obj.Body, body) {
		t.Errorf("Get: body is %d bytes %.16q..., want the %d bytes created", len(obj.Body), obj.Body, len(body))
	}
	checkInfo(t, "Get", obj.Info, info, int64(len(body)), before, after)

	head, err := s.Head(ctx, cardKey)
	if err != nil {
		t.Fatalf("Head = %v, want nil", err)
	}
	checkInfo(t, "Head", head, info, int64(len(body)), before, after)
	if !head.ModTime.Equal(obj.ModTime) {
		t.Errorf("Head ModTime = %v, Get ModTime = %v, want equal", head.ModTime, obj.ModTime)
	}

	// No metadata and no Cache-Control, another content type.
	plain := storage.Info{ContentType: "image/jpeg"}
	jpg := "cards/rubio-jaishankar-call/og-dark-0123456789abcdef.jpg"
	mustCreate(t, s, jpg, []byte("jpeg"), plain)
	got, err := s.Head(ctx, jpg)
	if err != nil {
		t.Fatalf("Head(%q) = %v, want nil", jpg, err)
	}
	checkInfo(t, "Head plain", got, plain, 4, before, time.Now())
}

func testEmptyBody(t *testing.T, s storage.Store) {
	key := "empty/object.bin"
	info := storage.Info{ContentType: "application/octet-stream"}
	before := time.Now()
	mustCreate(t, s, key, nil, info)
	obj, err := s.Get(context.Background(), key, anyLimit)
	if err != nil {
		t.Fatalf("Get = %v, want nil", err)
	}
	if len(obj.Body) != 0 {
		t.Errorf("Get: body = %q, want empty", obj.Body)
	}
	checkInfo(t, "Get", obj.Info, info, 0, before, time.Now())
}

func testNotFound(t *testing.T, s storage.Store) {
	ctx := context.Background()
	mustCreate(t, s, "cards/a/og-dark-1.png", []byte("a"), cardInfo())
	for _, key := range []string{
		"cards/b/og-dark-1.png",
		"cards/a/og-dark-2.png",
		"cards/a",                      // a "directory" of another key
		"cards/a/og-dark-1.png/deeper", // below another object
		"cards/a/og-dark-1.pn",
		"cards/a/og-dark-1.png.info", // where a store might keep a sidecar
	} {
		t.Run(key, func(t *testing.T) {
			if _, err := s.Get(ctx, key, anyLimit); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("Get = %v, want ErrNotFound", err)
			}
			if _, err := s.Head(ctx, key); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("Head = %v, want ErrNotFound", err)
			}
		})
	}
}

// InvalidKeys are keys every store must reject with storage.ErrInvalidKey: path
// traversal, absolute paths, backslashes, NUL and control bytes, upper case,
// hidden names, empty segments and overlong keys.
var InvalidKeys = []string{
	"",
	"..",
	"../x.png",
	"cards/../../etc/passwd",
	"cards/..",
	"cards/a/../../x",
	"cards/a..b/x.png",
	"./cards/x.png",
	"cards/./x.png",
	".",
	"/etc/passwd",
	"/cards/x.png",
	"cards//x.png",
	"cards/x.png/",
	"cards\\x.png",
	"..\\..\\windows\\win.ini",
	"c:/x.png",
	"cards/x.png\x00.jpg",
	"cards/x\n.png",
	"cards/X.png",
	"Cards/x.png",
	"cards/x.PNG",
	"cards/.hidden",
	".git/config",
	"cards/x y.png",
	"cards/%2e%2e/x.png",
	"cards/é.png",
	"cards/x.png?size=og",
	"-rf/x.png",
	strings.Repeat("a", storage.MaxSegmentLen+1),
	strings.Repeat("a/", storage.MaxKeyLen/2) + "b",
	longKey + "x",
}

func testInvalidKey(t *testing.T, s storage.Store) {
	ctx := context.Background()
	for _, key := range InvalidKeys {
		t.Run(fmt.Sprintf("%.40q", key), func(t *testing.T) {
			if _, err := s.Get(ctx, key, anyLimit); !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("Get = %v, want ErrInvalidKey", err)
			}
			if _, err := s.Head(ctx, key); !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("Head = %v, want ErrInvalidKey", err)
			}
			if err := s.Create(ctx, key, []byte("x"), cardInfo()); !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("Create = %v, want ErrInvalidKey", err)
			}
		})
	}
	// The longest valid key works.
	mustCreate(t, s, longKey, []byte("x"), cardInfo())
	if _, err := s.Head(ctx, longKey); err != nil {
		t.Errorf("Head(%d-byte key) = %v, want nil", len(longKey), err)
	}
}

// longKey is a valid key of storage.MaxKeyLen bytes with a segment of
// storage.MaxSegmentLen bytes.
var longKey = func() string {
	k := strings.Repeat("k", storage.MaxSegmentLen) + "/"
	for len(k)+100 < storage.MaxKeyLen {
		k += strings.Repeat("d", 99) + "/"
	}
	return k + strings.Repeat("f", storage.MaxKeyLen-len(k))
}()

func testInvalidInfo(t *testing.T, s storage.Store) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		info storage.Info
	}{
		{"no content type", storage.Info{}},
		{"newline in content type", storage.Info{ContentType: "image/png\r\nX-Evil: 1"}},
		{"non-ASCII cache control", storage.Info{ContentType: "image/png", CacheControl: "max-age=1 ☃"}},
		{"upper-case metadata key", storage.Info{ContentType: "image/png", Metadata: map[string]string{"Fact-ID": "x"}}},
		{"underscore in metadata key", storage.Info{ContentType: "image/png", Metadata: map[string]string{"fact_id": "x"}}},
		{"non-ASCII metadata value", storage.Info{ContentType: "image/png", Metadata: map[string]string{"speaker": "जयशंकर"}}},
		{"padded metadata value", storage.Info{ContentType: "image/png", Metadata: map[string]string{"fact-id": " x "}}},
		{"metadata too large", storage.Info{ContentType: "image/png", Metadata: map[string]string{"big": strings.Repeat("x", storage.MaxMetadataSize)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "invalid/" + strings.ToLower(strings.ReplaceAll(tc.name, " ", "-"))
			if err := s.Create(ctx, key, []byte("x"), tc.info); !errors.Is(err, storage.ErrInvalidInfo) {
				t.Errorf("Create = %v, want ErrInvalidInfo", err)
			}
			if _, err := s.Head(ctx, key); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("Head after the failed Create = %v, want ErrNotFound", err)
			}
		})
	}
}

func testCreateOnly(t *testing.T, s storage.Store) {
	ctx := context.Background()
	first, firstInfo := fakePNG(1, 300), cardInfo()
	before := time.Now()
	mustCreate(t, s, cardKey, first, firstInfo)
	after := time.Now()

	second := storage.Info{ContentType: "image/jpeg", CacheControl: "no-store", Metadata: map[string]string{"writer": "second"}}
	err := s.Create(ctx, cardKey, fakePNG(2, 200), second)
	if !errors.Is(err, storage.ErrExists) {
		t.Fatalf("second Create = %v, want ErrExists", err)
	}
	if !strings.Contains(err.Error(), cardKey) {
		t.Errorf("second Create error %q does not name the key %q", err, cardKey)
	}
	obj, err := s.Get(ctx, cardKey, anyLimit)
	if err != nil {
		t.Fatalf("Get = %v, want nil", err)
	}
	if !bytes.Equal(obj.Body, first) {
		t.Errorf("Get after the second Create: body is %d bytes, want the first %d", len(obj.Body), len(first))
	}
	checkInfo(t, "Get after the second Create", obj.Info, firstInfo, int64(len(first)), before, after)
}

// Racers is how many goroutines race to create one key in the conformance suite.
const Racers = 16

func testCreateRace(t *testing.T, s storage.Store) {
	ctx := context.Background()
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make([]error, Racers)
	)
	bodies := make([][]byte, Racers)
	infos := make([]storage.Info, Racers)
	for i := range Racers {
		bodies[i] = fakePNG(i, 2000+i)
		infos[i] = cardInfo()
		infos[i].Metadata["writer"] = fmt.Sprint(i)
	}
	before := time.Now()
	for i := range Racers {
		wg.Go(func() {
			<-start
			errs[i] = s.Create(ctx, cardKey, bodies[i], infos[i])
		})
	}
	close(start)
	wg.Wait()
	after := time.Now()

	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("writers %d and %d both created the key", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, storage.ErrExists):
			t.Errorf("writer %d: Create = %v, want nil or ErrExists", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("no writer created the key; errors: %v", errs)
	}
	obj, err := s.Get(ctx, cardKey, anyLimit)
	if err != nil {
		t.Fatalf("Get = %v, want nil", err)
	}
	if !bytes.Equal(obj.Body, bodies[winner]) {
		t.Errorf("Get: body is %d bytes, want writer %d's %d bytes", len(obj.Body), winner, len(bodies[winner]))
	}
	checkInfo(t, "Get", obj.Info, infos[winner], int64(len(bodies[winner])), before, after)
}

func testManyKeys(t *testing.T, s storage.Store) {
	ctx := context.Background()
	const n = 16
	key := func(i int) string { return fmt.Sprintf("cards/fact-%d/og-dark-%x.png", i%4, i) }
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if err := s.Create(ctx, key(i), fakePNG(i, 100+i), cardInfo()); err != nil {
				t.Errorf("Create(%q) = %v, want nil", key(i), err)
			}
		})
	}
	wg.Wait()
	for i := range n {
		obj, err := s.Get(ctx, key(i), anyLimit)
		if err != nil {
			t.Errorf("Get(%q) = %v, want nil", key(i), err)
			continue
		}
		if !bytes.Equal(obj.Body, fakePNG(i, 100+i)) {
			t.Errorf("Get(%q): body is not the one created", key(i))
		}
	}
}

func testIsolation(t *testing.T, s storage.Store) {
	ctx := context.Background()
	body := fakePNG(3, 100)
	info := cardInfo()
	mustCreate(t, s, cardKey, body, info)
	body[10]++
	info.Metadata["fact-id"] = "changed-after-create"

	obj, err := s.Get(ctx, cardKey, anyLimit)
	if err != nil {
		t.Fatalf("Get = %v, want nil", err)
	}
	if !bytes.Equal(obj.Body, fakePNG(3, 100)) {
		t.Error("changing the body after Create changed the stored object")
	}
	if got := obj.Metadata["fact-id"]; got != "rubio-jaishankar-call" {
		t.Errorf("changing the metadata after Create changed the stored object: fact-id = %q", got)
	}
	obj.Body[10]++
	obj.Metadata["fact-id"] = "changed-after-get"
	again, err := s.Get(ctx, cardKey, anyLimit)
	if err != nil {
		t.Fatalf("second Get = %v, want nil", err)
	}
	if !bytes.Equal(again.Body, fakePNG(3, 100)) || again.Metadata["fact-id"] != "rubio-jaishankar-call" {
		t.Error("changing an object returned by Get changed the stored object")
	}
}

func testCanceled(t *testing.T, s storage.Store) {
	mustCreate(t, s, "cards/present/og-dark-1.png", []byte("x"), cardInfo())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, key := range []string{"cards/present/og-dark-1.png", "cards/absent/og-dark-1.png"} {
		if _, err := s.Get(ctx, key, anyLimit); !errors.Is(err, context.Canceled) {
			t.Errorf("Get(%q) with a cancelled context = %v, want context.Canceled", key, err)
		}
		if _, err := s.Head(ctx, key); !errors.Is(err, context.Canceled) {
			t.Errorf("Head(%q) with a cancelled context = %v, want context.Canceled", key, err)
		}
	}
	key := "cards/absent/og-dark-1.png"
	if err := s.Create(ctx, key, []byte("x"), cardInfo()); !errors.Is(err, context.Canceled) {
		t.Errorf("Create with a cancelled context = %v, want context.Canceled", err)
	}
	if _, err := s.Head(context.Background(), key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Head after a cancelled Create = %v, want ErrNotFound", err)
	}

	dctx, dcancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer dcancel()
	if _, err := s.Get(dctx, "cards/present/og-dark-1.png", anyLimit); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Get with an expired deadline = %v, want context.DeadlineExceeded", err)
	}
}
