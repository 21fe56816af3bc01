package cards_test

// The tests in this file run a real cards.Service over the real S3 store,
// opened as `factcard serve` opens it (s3store.Open: the SDK's default
// configuration and retries), against a real S3-compatible server, versitygw,
// on loopback, through two fault injectors:
//
//	cards.Service → s3store → faultproxy (TCP) → httpfault.Front (HTTP) → versitygw
//
// The faultproxy takes the server down, stalls it or resets its connections,
// also in the middle of a request. httpfault.Front answers 500 InternalError for
// as long as it is told to (so the SDK's retries run), holds a request at a
// chosen point (before forwarding it, half-way through its upload, half-way
// through its download) so that a fault can be switched on while the request is
// in flight, and counts every attempt it sees.
//
// Without versitygw (outside `make test`) they skip, saying so.

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/storage/s3store"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/functions/testsupport/faultproxy"
	"github.com/factcard/factcard/functions/testsupport/httpfault"
	"github.com/factcard/factcard/functions/testsupport/logbuf"
	"github.com/factcard/factcard/functions/testsupport/s3server"
	"github.com/factcard/factcard/render"
)

const (
	// faultTimeout is the services' StoreTimeout in these tests.
	faultTimeout = 300 * time.Millisecond
	// faultMargin is what a request may take beyond its store deadlines: a
	// render (a few ms), the SDK's retry backoff (at most 50 ms, then 100 ms)
	// and slack for a loaded 2-core machine running with -race.
	faultMargin = time.Second
	// holdTimeout bounds every wait of a test for something that happens in
	// milliseconds when all is well.
	holdTimeout = 10 * time.Second
)

// Log messages of the service's store faults.
const (
	msgReadFailed  = "store read failed; served a freshly rendered card"
	msgWriteFailed = "store write failed; served the rendered card"
)

// faultCard is the card every test here asks for: a real fact, a real render.
var faultCard = struct {
	id   string
	opts render.Options
}{facts.Default().All()[0].ID, render.Options{Size: render.SizeSquare, Theme: render.ThemeLight}}

// TestS3Faults makes the S3 server fail in each way a real one can, before or
// during a request, and checks that the card is served anyway, in time, that
// the fault is logged once with the key and the cause, that no partial or
// corrupt object is ever visible in the bucket, and that once the server is
// healed the next request stores the card.
func TestS3Faults(t *testing.T) {
	rig := startS3Rig(t)
	tests := []struct {
		name string
		// stored puts the card in the bucket before the request.
		stored bool
		// arm switches the fault on before the request. It may return a hold
		// of httpfault.Front that the request will reach.
		arm func(t *testing.T, c *faultCase) *httpfault.Hold
		// during runs once the request has reached the hold, before the hold
		// is released: it switches the fault on mid-request.
		during func(t *testing.T, c *faultCase)
		// wantLog is the message of the one fault record the request logs,
		// "" for none; wantCause matches its err.
		wantLog   string
		wantCause string
		// wantSeen are the attempts httpfault.Front forwarded or answered, as
		// "METHOD status" ("GET 404"), in order; each is a regular
		// expression; nil: not checked.
		wantSeen []string
		// storeCalls is how many store calls in sequence can each take up to
		// the store timeout: the request must finish within storeCalls ×
		// faultTimeout + faultMargin.
		storeCalls int
		// slow says the request must take at least the store timeout: the
		// fault is a stall, which only the deadline ends.
		slow bool
	}{
		{
			name:       "down at start",
			arm:        func(t *testing.T, c *faultCase) *httpfault.Hold { c.setMode(t, faultproxy.Down); return nil },
			wantLog:    msgReadFailed,
			wantCause:  `s3 get s3://.*: cannot reach the S3 server .*connection refused`,
			wantSeen:   []string{},
			storeCalls: 1,
		},
		{
			name: "down mid-get",
			arm: func(t *testing.T, c *faultCase) *httpfault.Hold {
				return c.front.HoldNext("GET", httpfault.BeforeForward)
			},
			during:    func(t *testing.T, c *faultCase) { c.setMode(t, faultproxy.Down) },
			wantLog:   msgReadFailed,
			wantCause: `s3 get s3://.*: cannot reach the S3 server .*connection refused`,
			// The held attempt goes on, answered to no one (502 if the front
			// noticed its client had gone first).
			wantSeen:   []string{"GET (404|502)"},
			storeCalls: 1,
		},
		{
			name: "reset mid-get",
			arm: func(t *testing.T, c *faultCase) *httpfault.Hold {
				return c.front.HoldNext("GET", httpfault.BeforeForward)
			},
			during:     func(t *testing.T, c *faultCase) { c.setMode(t, faultproxy.Reset) },
			wantLog:    msgReadFailed,
			wantCause:  `s3 get s3://.*(connection reset|EOF)`,
			wantSeen:   []string{"GET (404|502)"},
			storeCalls: 1,
		},
		{
			name:   "reset mid-download of a stored card",
			stored: true,
			arm: func(t *testing.T, c *faultCase) *httpfault.Hold {
				return c.front.HoldNext("GET", httpfault.MidDownload)
			},
			during:     func(t *testing.T, c *faultCase) { c.setMode(t, faultproxy.Reset) },
			wantLog:    msgReadFailed,
			wantCause:  `s3 get s3://.*(connection reset|EOF)`,
			wantSeen:   []string{"GET 200"},
			storeCalls: 1,
		},
		{
			name: "down mid-upload",
			arm:  func(t *testing.T, c *faultCase) *httpfault.Hold { return c.front.HoldNext("PUT", httpfault.MidUpload) },
			during: func(t *testing.T, c *faultCase) {
				c.setMode(t, faultproxy.Down)
				c.checkBucket(t) // half the body has reached the server: nothing may show
			},
			wantLog:    msgWriteFailed,
			wantCause:  `s3 put s3://.*(connection refused|connection reset|EOF)`,
			wantSeen:   []string{"GET 404", "PUT 502"}, // 502: the upload broke off half-way
			storeCalls: 2,
		},
		{
			name: "reset mid-upload",
			arm:  func(t *testing.T, c *faultCase) *httpfault.Hold { return c.front.HoldNext("PUT", httpfault.MidUpload) },
			during: func(t *testing.T, c *faultCase) {
				c.setMode(t, faultproxy.Reset)
				c.checkBucket(t)
			},
			wantLog:    msgWriteFailed,
			wantCause:  `s3 put s3://.*(connection reset|EOF)`,
			wantSeen:   []string{"GET 404", "PUT 502"},
			storeCalls: 2,
		},
		{
			name:       "get slower than the deadline",
			arm:        func(t *testing.T, c *faultCase) *httpfault.Hold { c.setMode(t, faultproxy.Stall); return nil },
			wantLog:    msgReadFailed,
			wantCause:  `s3 get s3://.*context deadline exceeded`,
			wantSeen:   []string{},
			storeCalls: 1,
			slow:       true,
		},
		{
			// The get answers at once (no such key); the server hangs while
			// the card renders, so the put stalls.
			name: "put slower than the deadline",
			arm: func(t *testing.T, c *faultCase) *httpfault.Hold {
				c.renders.before = func() { c.setMode(t, faultproxy.Stall) }
				return nil
			},
			wantLog:    msgWriteFailed,
			wantCause:  `s3 put s3://.*context deadline exceeded`,
			wantSeen:   []string{"GET 404"}, // the put is held in the stall
			storeCalls: 2,
			slow:       true,
		},
		{
			name:       "500s the SDK retries, then success",
			arm:        func(t *testing.T, c *faultCase) *httpfault.Hold { c.front.Fail("", 2); return nil },
			wantSeen:   []string{"GET 500", "GET 500", "GET 404", "PUT 200"},
			storeCalls: 2,
		},
		{
			name:       "500s on every get",
			arm:        func(t *testing.T, c *faultCase) *httpfault.Hold { c.front.Fail("GET", -1); return nil },
			wantLog:    msgReadFailed,
			wantCause:  `s3 get s3://.*exceeded maximum number of attempts, 3.*StatusCode: 500.*InternalError`,
			wantSeen:   []string{"GET 500", "GET 500", "GET 500"},
			storeCalls: 1,
		},
		{
			name:       "500s on every put",
			arm:        func(t *testing.T, c *faultCase) *httpfault.Hold { c.front.Fail("PUT", -1); return nil },
			wantLog:    msgWriteFailed,
			wantCause:  `s3 put s3://.*exceeded maximum number of attempts, 3.*StatusCode: 500.*InternalError`,
			wantSeen:   []string{"GET 404", "PUT 500", "PUT 500", "PUT 500"},
			storeCalls: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := rig.newCase(t)
			if tt.stored {
				c.putCard(t)
			}
			watch := c.watchBucket(t)
			c.front.ResetSeen()

			h := tt.arm(t, c)
			start := time.Now()
			res := c.request()
			if h != nil {
				h.Await(t)
				if tt.during != nil {
					tt.during(t, c)
				}
				h.Release()
			}
			got := res.wait(t)
			elapsed := time.Since(start)
			c.renders.before = nil

			// The card is served, whole, within the deadlines plus the margin.
			if got.err != nil {
				t.Fatalf("Card = %v; want the card served despite the fault", got.err)
			}
			if !bytes.Equal(got.card.Body, c.want) {
				t.Errorf("served %d bytes that differ from a fresh render (%d bytes)", len(got.card.Body), len(c.want))
			}
			limit := time.Duration(tt.storeCalls)*faultTimeout + faultMargin
			if elapsed > limit {
				t.Errorf("served in %v; want at most %v (%d store call(s) × %v + %v)", elapsed, limit, tt.storeCalls, faultTimeout, faultMargin)
			}
			if tt.slow && elapsed < faultTimeout {
				t.Errorf("served in %v, before the store deadline of %v ended the stall", elapsed, faultTimeout)
			}
			t.Logf("served in %v (limit %v)", elapsed.Round(time.Millisecond), limit)

			// The fault is logged once, with the key and the cause.
			c.checkFaultLog(t, tt.wantLog, tt.wantCause)
			for _, rec := range c.logs.Records(logbuf.Field("msg", msgReadFailed, msgWriteFailed)) {
				t.Logf("logged %q: %v", rec["msg"], rec["err"])
			}
			c.front.WaitIdle(t) // a held request finishes after its client gave up
			seen := c.front.SeenList()
			t.Logf("S3 saw %q", seen)
			if tt.wantSeen != nil && !matchAll(seen, tt.wantSeen) {
				t.Errorf("S3 saw %q; want %q", seen, tt.wantSeen)
			}
			c.checkBucket(t)

			// Healed, the next request stores the card, and the one after
			// reads it from the store; no partial object ever showed.
			if err := rig.proxy.SetMode(faultproxy.Pass); err != nil {
				t.Fatal(err)
			}
			c.front.Clear()
			c.front.WaitIdle(t)
			c.checkBucket(t)
			next, err := c.svc.Card(context.Background(), faultCard.id, faultCard.opts)
			if err != nil {
				t.Fatalf("Card once healed = %v", err)
			}
			if !bytes.Equal(next.Body, c.want) {
				t.Error("card served once healed differs from a fresh render")
			}
			t.Logf("once healed: stored before the next request: %v", next.Stored)
			if keys := c.checkBucket(t); len(keys) != 1 {
				t.Errorf("once healed, the bucket holds %q; want the card %s", keys, c.key)
			}
			again, err := c.svc.Card(context.Background(), faultCard.id, faultCard.opts)
			if err != nil || !again.Stored {
				t.Errorf("second Card once healed = %v (stored %v); want the card from the store", err, err == nil && again.Stored)
			}
			c.checkFaultLog(t, tt.wantLog, tt.wantCause) // nothing new
			watch.stop(t)
		})
	}
}

// TestS3CreateRace runs two services, as two processes would, on one bucket,
// and asks both for the same missing card at the same moment: both puts are
// held until both have reached the server, which lets one win and answers the
// other 412 Precondition Failed. Both serve the same bytes, neither logs a
// fault, and the bucket holds the one object.
func TestS3CreateRace(t *testing.T) {
	rig := startS3Rig(t)
	c := rig.newCase(t)
	other := rig.newService(t, c.bucket)
	watch := c.watchBucket(t)
	c.front.ResetSeen()
	c.front.Gather("PUT", 2)

	start := time.Now()
	results := []*pending{c.request(), other.request()}
	var bodies [][]byte
	for i, res := range results {
		got := res.wait(t)
		if got.err != nil {
			t.Fatalf("service %d: Card = %v", i, got.err)
		}
		bodies = append(bodies, got.card.Body)
	}
	elapsed := time.Since(start)
	if limit := 2*faultTimeout + faultMargin; elapsed > limit {
		t.Errorf("both served in %v; want at most %v", elapsed, limit)
	}
	t.Logf("both served in %v", elapsed.Round(time.Millisecond))
	for i, b := range bodies {
		if !bytes.Equal(b, c.want) {
			t.Errorf("service %d served %d bytes that differ from a fresh render", i, len(b))
		}
	}
	for i, svc := range []*faultService{c.faultService, other} {
		if got := svc.renders.n.Load(); got != 1 {
			t.Errorf("service %d rendered %d times; want 1", i, got)
		}
		if recs := svc.logs.Records(logbuf.Field("msg", msgReadFailed, msgWriteFailed)); len(recs) != 0 {
			t.Errorf("service %d logged %v; want no fault (a lost create race is no error)", i, recs)
		}
	}
	// One put won; the other got 412, possibly after 409s while the
	// winner's write was in flight (the store retries those).
	var puts []int
	for _, ex := range c.front.Seen() {
		if ex.Method == http.MethodPut {
			puts = append(puts, ex.Status)
		}
	}
	won, lost := 0, 0
	for _, s := range puts {
		switch s {
		case http.StatusOK:
			won++
		case http.StatusPreconditionFailed:
			lost++
		case http.StatusConflict:
		default:
			t.Errorf("a put got %d", s)
		}
	}
	if won != 1 || lost != 1 {
		t.Errorf("put statuses %v; want one 200 and one 412", puts)
	}
	if keys := c.checkBucket(t); len(keys) != 1 {
		t.Errorf("bucket holds %q; want the one card %s", keys, c.key)
	}
	watch.stop(t)
}

// matchAll reports whether each of got matches the regular expression of
// want at the same index, and there are as many of each.
func matchAll(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !regexp.MustCompile("^(" + want[i] + ")$").MatchString(got[i]) {
			return false
		}
	}
	return true
}

// s3Rig is versitygw behind an httpfault.Front behind a faultproxy, shared by the cases
// of one test; each case gets its own bucket and service.
type s3Rig struct {
	srv    *s3server.Server
	front  *httpfault.Front
	proxy  *faultproxy.Proxy
	direct *s3.Client // straight to the server: no faults
	want   []byte     // the card, freshly rendered
	key    string
}

func startS3Rig(t *testing.T) *s3Rig {
	t.Helper()
	srv := s3server.Start(t)
	// s3store.Open takes the credentials and region from the environment,
	// as it does in `factcard serve`.
	srv.SetEnv(t)
	front := httpfault.Start(t, srv.Endpoint)
	rig := &s3Rig{srv: srv, front: front, proxy: faultproxy.Start(t, front.Addr()), direct: srv.Client(t)}
	var buf bytes.Buffer
	f, _ := facts.Default().Lookup(faultCard.id)
	if err := render.Render(&buf, f, faultCard.opts); err != nil {
		t.Fatal(err)
	}
	rig.want = buf.Bytes()
	if err := checkPNG(rig.want); err != nil {
		t.Fatalf("fresh render: %v", err)
	}
	svc, err := cards.New(cards.Config{Facts: facts.Default(), Store: storagetest.NewMemory()})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := svc.Ref(t.Context(), faultCard.id, faultCard.opts)
	if err != nil {
		t.Fatal(err)
	}
	rig.key = ref.Key
	return rig
}

// faultService is a service over the S3 store through the fault injectors,
// with its log and renders recorded.
type faultService struct {
	svc     *cards.Service
	logs    *logbuf.Buffer
	renders *renderCounter
}

// newService opens the S3 store on bucket through the faultproxy, with the
// SDK's default retries (3 attempts), and a service over it.
func (r *s3Rig) newService(t *testing.T, bucket string) *faultService {
	t.Helper()
	store, err := s3store.Open(context.Background(), s3store.Config{Bucket: bucket, Endpoint: r.proxy.URL()})
	if err != nil {
		t.Fatal(err)
	}
	fs := &faultService{logs: &logbuf.Buffer{}, renders: &renderCounter{}}
	fs.svc, err = cards.New(cards.Config{
		Facts:        facts.Default(),
		Store:        store,
		Logger:       slog.New(slog.NewJSONHandler(fs.logs, nil)),
		StoreTimeout: faultTimeout,
		Render:       fs.renders.render,
	})
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// faultCase is one case of a fault test: a fresh bucket and a service on it.
type faultCase struct {
	*faultService
	*s3Rig
	bucket string
}

func (r *s3Rig) newCase(t *testing.T) *faultCase {
	t.Helper()
	bucket := r.srv.CreateBucket(t, "")
	c := &faultCase{faultService: r.newService(t, bucket), s3Rig: r, bucket: bucket}
	t.Cleanup(func() {
		r.proxy.SetMode(faultproxy.Pass)
		r.front.Clear()
		r.front.WaitIdle(t)
	})
	return c
}

func (c *faultCase) setMode(t *testing.T, m faultproxy.Mode) {
	t.Helper()
	if err := c.proxy.SetMode(m); err != nil {
		t.Error(err)
	}
}

// putCard stores the card in the bucket through the direct client.
func (c *faultCase) putCard(t *testing.T) {
	t.Helper()
	_, err := c.direct.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: &c.bucket, Key: &c.key, Body: bytes.NewReader(c.want), ContentType: aws.String("image/png"),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// pending is a request in flight.
type pending struct {
	done chan struct{}
	card *cards.Card
	err  error
}

// request asks the service for the card in the background.
func (fs *faultService) request() *pending {
	p := &pending{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.card, p.err = fs.svc.Card(context.Background(), faultCard.id, faultCard.opts)
	}()
	return p
}

func (p *pending) wait(t *testing.T) *pending {
	t.Helper()
	select {
	case <-p.done:
		return p
	case <-time.After(holdTimeout):
		t.Fatalf("Card still running after %v", holdTimeout)
		return nil
	}
}

// checkFaultLog checks that the service logged exactly one store fault, with
// message msg, the card's key and an err matching cause; or none if msg is "".
func (c *faultCase) checkFaultLog(t *testing.T, msg, cause string) {
	t.Helper()
	recs := c.logs.Records(logbuf.Field("msg", msgReadFailed, msgWriteFailed))
	if msg == "" {
		if len(recs) != 0 {
			t.Errorf("logged %v; want no store fault", recs)
		}
		return
	}
	if len(recs) != 1 {
		t.Fatalf("logged %d store faults %v; want exactly 1 %q", len(recs), recs, msg)
	}
	rec := recs[0]
	if rec["msg"] != msg {
		t.Errorf("logged %q; want %q", rec["msg"], msg)
	}
	if rec["key"] != c.key {
		t.Errorf("logged key %v; want %s", rec["key"], c.key)
	}
	errText, _ := rec["err"].(string)
	if !regexp.MustCompile(cause).MatchString(errText) {
		t.Errorf("logged err %q; want it to match %q", errText, cause)
	}
}

// checkBucket lists the bucket through the direct client and reads every
// object: each must be the whole card, a PNG of the size asked whose bytes are
// those of a fresh render. It returns the keys.
func (c *faultCase) checkBucket(t *testing.T) []string {
	t.Helper()
	keys, err := c.bucketKeys()
	if err != nil {
		t.Fatalf("list bucket: %v", err)
	}
	for _, k := range keys {
		if err := c.checkObject(k); err != nil {
			t.Error(err)
		}
	}
	return keys
}

func (c *faultCase) bucketKeys() ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), holdTimeout)
	defer cancel()
	var keys []string
	p := s3.NewListObjectsV2Paginator(c.direct, &s3.ListObjectsV2Input{Bucket: &c.bucket})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys, nil
}

// checkObject reads the object under key through the direct client and says
// what is wrong with it, if anything. An object that vanished between the
// listing and the read is fine.
func (c *faultCase) checkObject(key string) error {
	if key != c.key {
		return fmt.Errorf("bucket holds %q; want only %q", key, c.key)
	}
	ctx, cancel := context.WithTimeout(context.Background(), holdTimeout)
	defer cancel()
	out, err := c.direct.GetObject(ctx, &s3.GetObjectInput{Bucket: &c.bucket, Key: &key})
	if err != nil {
		return fmt.Errorf("get %s: %v", key, err)
	}
	defer out.Body.Close()
	body, err := io.ReadAll(out.Body)
	if err != nil {
		return fmt.Errorf("read %s: %v", key, err)
	}
	if bytes.Equal(body, c.want) {
		return nil // the fresh render is a whole PNG of the right size: startS3Rig checked
	}
	if err := checkPNG(body); err != nil {
		return fmt.Errorf("object %s (%d bytes): %v", key, len(body), err)
	}
	return fmt.Errorf("object %s (%d bytes) is a whole PNG but differs from a fresh render (%d bytes)", key, len(body), len(c.want))
}

// checkPNG says whether b is not a whole PNG of the card's size.
func checkPNG(b []byte) error {
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("not a whole PNG: %v", err)
	}
	w, h := faultCard.opts.Size.Dimensions()
	if got := img.Bounds().Size(); got.X != w || got.Y != h {
		return fmt.Errorf("a PNG of %dx%d; want %dx%d", got.X, got.Y, w, h)
	}
	return nil
}

// watcher reads the bucket over and over while a case runs.
type watcher struct {
	stopc  chan struct{}
	done   chan struct{}
	rounds int
	errs   []error
}

// watchBucket checks every object in the bucket, again and again, until stop:
// a partial object must never be visible, not even for a moment.
func (c *faultCase) watchBucket(t *testing.T) *watcher {
	w := &watcher{stopc: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			select {
			case <-w.stopc:
				return
			case <-time.After(5 * time.Millisecond):
			}
			keys, err := c.bucketKeys()
			if err != nil {
				w.errs = append(w.errs, fmt.Errorf("list bucket: %v", err))
				continue
			}
			for _, k := range keys {
				if err := c.checkObject(k); err != nil && !strings.Contains(err.Error(), "NoSuchKey") {
					w.errs = append(w.errs, err)
				}
			}
			w.rounds++
		}
	}()
	t.Cleanup(func() { w.stop(t) })
	return w
}

func (w *watcher) stop(t *testing.T) {
	t.Helper()
	select {
	case <-w.stopc:
		return
	default:
	}
	close(w.stopc)
	<-w.done
	for _, err := range w.errs {
		t.Errorf("while the fault lasted: %v", err)
	}
	if w.rounds == 0 {
		t.Error("the bucket watcher never completed a round")
	}
}

// renderCounter is the real renderer, counted, with a hook that runs before
// each render: between the store's read and its write.
type renderCounter struct {
	n      atomic.Int64
	before func()
}

func (r *renderCounter) render(f facts.Fact, opts render.Options) ([]byte, error) {
	r.n.Add(1)
	if r.before != nil {
		r.before()
	}
	var buf bytes.Buffer
	if err := render.Render(&buf, f, opts); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
