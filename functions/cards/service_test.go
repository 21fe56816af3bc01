package cards

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards/cardtest"
	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/functions/testsupport/logbuf"
	"github.com/factcard/factcard/render"
)

// fixtureFacts loads the fixture dataset of the facts package's tests: test text,
// not quotes of anyone.
func fixtureFacts(t testing.TB) *facts.Dataset {
	t.Helper()
	fh, err := os.Open(filepath.Join("..", "..", "facts", "testdata", "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	d, err := facts.Parse(fh)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// counter is a fake renderer: fast, deterministic bytes, and a count of calls.
type counter struct {
	calls   atomic.Int64
	delay   time.Duration
	running atomic.Int64
	peak    atomic.Int64
}

func (c *counter) render(f facts.Fact, opts render.Options) ([]byte, error) {
	c.calls.Add(1)
	n := c.running.Add(1)
	defer c.running.Add(-1)
	for {
		p := c.peak.Load()
		if n <= p || c.peak.CompareAndSwap(p, n) {
			break
		}
	}
	time.Sleep(c.delay)
	return cardtest.Fake(opts, fmt.Sprintf("card %s %s %s %s", f.ID, opts.Size, opts.Theme, opts.Format)), nil
}

type fixture struct {
	svc    *Service
	store  *storagetest.Faulty
	mem    *storagetest.Memory
	render *counter
	log    *logbuf.Buffer
}

func newFixture(t *testing.T, cfg Config) *fixture {
	t.Helper()
	fx := &fixture{mem: storagetest.NewMemory(), render: &counter{}, log: &logbuf.Buffer{}}
	fx.store = storagetest.NewFaulty(fx.mem)
	if cfg.Facts == nil {
		cfg.Facts = fixtureFacts(t)
	}
	cfg.Store = fx.store
	if cfg.Render == nil {
		cfg.Render = fx.render.render
	}
	cfg.Logger = slog.New(slog.NewJSONHandler(fx.log, nil))
	svc, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fx.svc = svc
	return fx
}

func TestNewRequiresDatasetAndStore(t *testing.T) {
	if _, err := New(Config{Store: storagetest.NewMemory()}); err == nil {
		t.Error("New without a dataset succeeded")
	}
	if _, err := New(Config{Facts: fixtureFacts(t)}); err == nil {
		t.Error("New without a store succeeded")
	}
}

func TestRef(t *testing.T) {
	fx := newFixture(t, Config{})
	keyPattern := regexp.MustCompile(`^cards/r` + regexp.QuoteMeta(render.Version) + `/fixture-fact/(og|square|portrait|story)-(dark|light)-[0-9a-f]{16}\.(png|jpg)$`)
	seen := map[string]string{}
	for _, size := range render.Sizes() {
		for _, theme := range render.Themes() {
			for _, format := range render.Formats() {
				opts := render.Options{Size: size, Theme: theme, Format: format}
				ref, err := fx.svc.Ref(t.Context(), "fixture-fact", opts)
				if err != nil {
					t.Fatal(err)
				}
				if !keyPattern.MatchString(ref.Key) {
					t.Errorf("Ref(%v).Key = %q, want it to match %s", opts, ref.Key, keyPattern)
				}
				if err := storage.ValidKey(ref.Key); err != nil {
					t.Errorf("key %q is not a valid storage key: %v", ref.Key, err)
				}
				if prev, dup := seen[ref.Hash]; dup {
					t.Errorf("options %v and %s share hash %s", opts, prev, ref.Hash)
				}
				seen[ref.Hash] = fmt.Sprint(opts)
				again, _ := fx.svc.Ref(t.Context(), "fixture-fact", opts)
				if again.Key != ref.Key {
					t.Errorf("Ref is not deterministic: %q then %q", ref.Key, again.Key)
				}
			}
		}
	}

	// The zero options are the default card.
	zero, _ := fx.svc.Ref(t.Context(), "fixture-fact", render.Options{})
	def, _ := fx.svc.Ref(t.Context(), "fixture-fact", render.Options{Size: render.SizeOG, Theme: render.ThemeDark, Format: render.FormatPNG})
	if zero.Key != def.Key {
		t.Errorf("zero options key %q != default key %q", zero.Key, def.Key)
	}
}

// TestRefChangesWithContent: a corrected fact gets a new key, so an old card is
// never served for new content.
func TestRefChangesWithContent(t *testing.T) {
	d := fixtureFacts(t)
	before := newFixture(t, Config{Facts: d})
	old, err := before.svc.Ref(t.Context(), "fixture-fact", render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, edit := range []struct {
		name string
		fn   func(*facts.Fact)
	}{
		{"quote", func(f *facts.Fact) { f.Quote += " More fixture text." }},
		{"speaker role", func(f *facts.Fact) { f.Speaker.Role = "Other fixture role" }},
		{"date", func(f *facts.Fact) { f.Said.Value = "2025-05-02" }},
		{"source headline", func(f *facts.Fact) { f.Source.Headline = "Another fixture headline" }},
	} {
		t.Run(edit.name, func(t *testing.T) {
			f, _ := d.Lookup("fixture-fact")
			edit.fn(&f)
			after := before.svc.hash(contentDigest(f), old.Options)
			if after == old.Hash {
				t.Errorf("changing the %s left the hash at %s", edit.name, after)
			}
		})
	}
}

func TestRefErrors(t *testing.T) {
	fx := newFixture(t, Config{})
	if _, err := fx.svc.Ref(t.Context(), "no-such-fact", render.Options{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown ID: err = %v, want ErrNotFound", err)
	}
	_, err := fx.svc.Ref(t.Context(), "fixture-fact", render.Options{Size: "huge"})
	var oe *render.OptionError
	if !errors.As(err, &oe) {
		t.Errorf("bad size: err = %v (%T), want *render.OptionError", err, err)
	}
}

func TestCardRenderedThenStored(t *testing.T) {
	fx := newFixture(t, Config{})
	ctx := context.Background()
	first, err := fx.svc.Card(ctx, "fixture-fact", render.Options{Size: render.SizeSquare})
	if err != nil {
		t.Fatal(err)
	}
	if first.Stored {
		t.Error("first request: Stored = true, want a fresh render")
	}
	obj, err := fx.mem.Get(ctx, first.Key, 1<<30)
	if err != nil {
		t.Fatalf("card not written to the store: %v", err)
	}
	if !bytes.Equal(obj.Body, first.Body) {
		t.Error("stored body differs from the served body")
	}
	if got, want := obj.ContentType, "image/png"; got != want {
		t.Errorf("stored Content-Type = %q, want %q", got, want)
	}
	if got := obj.CacheControl; got != CacheControl {
		t.Errorf("stored Cache-Control = %q, want %q", got, CacheControl)
	}
	if got := obj.Metadata["fact-id"]; got != "fixture-fact" {
		t.Errorf("stored fact-id metadata = %q", got)
	}
	if got := obj.Metadata["renderer-version"]; got != render.Version {
		t.Errorf("stored renderer-version metadata = %q, want %q", got, render.Version)
	}

	second, err := fx.svc.Card(ctx, "fixture-fact", render.Options{Size: render.SizeSquare})
	if err != nil {
		t.Fatal(err)
	}
	if !second.Stored {
		t.Error("second request: Stored = false, want the stored card")
	}
	if got := fx.render.calls.Load(); got != 1 {
		t.Errorf("renders = %d, want 1", got)
	}
	if !bytes.Equal(second.Body, first.Body) {
		t.Error("second response differs from the first")
	}
}

// TestCardSingleflight: 100 concurrent requests for one missing card render it once,
// write it once, and all get the same bytes.
func TestCardSingleflight(t *testing.T) {
	fx := newFixture(t, Config{})
	fx.render.delay = 50 * time.Millisecond
	const n = 100
	bodies := make([][]byte, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			c, err := fx.svc.Card(context.Background(), "fixture-fact", render.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			bodies[i] = c.Body
		})
	}
	close(start)
	wg.Wait()
	if got := fx.render.calls.Load(); got != 1 {
		t.Errorf("renders = %d, want 1", got)
	}
	if got := fx.store.Calls(storagetest.MethodCreate); got != 1 {
		t.Errorf("store writes = %d, want 1", got)
	}
	for i := range bodies {
		if !bytes.Equal(bodies[i], bodies[0]) {
			t.Fatalf("response %d differs from response 0", i)
		}
	}
}

// TestCardCallerCancelDoesNotFailOthers: a caller that gives up does not cancel the
// shared render other callers wait on.
func TestCardCallerCancelDoesNotFailOthers(t *testing.T) {
	fx := newFixture(t, Config{})
	fx.render.delay = 100 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := fx.svc.Card(ctx, "fixture-fact", render.Options{})
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	other := make(chan error, 1)
	go func() {
		_, err := fx.svc.Card(context.Background(), "fixture-fact", render.Options{})
		other <- err
	}()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled caller: err = %v, want context.Canceled", err)
	}
	if err := <-other; err != nil {
		t.Errorf("other caller failed: %v", err)
	}
}

func TestCardStoreFaults(t *testing.T) {
	tests := []struct {
		name    string
		inject  func(*storagetest.Faulty)
		wantLog string
		maxTime time.Duration
	}{
		{"read fails", func(f *storagetest.Faulty) { f.Fail(storagetest.ErrInjected, storagetest.MethodGet) },
			"store read failed; served a freshly rendered card", time.Second},
		{"read stalls", func(f *storagetest.Faulty) { f.Stall(storagetest.MethodGet) },
			"store read failed; served a freshly rendered card", time.Second},
		{"write fails", func(f *storagetest.Faulty) { f.Fail(storagetest.ErrInjected, storagetest.MethodCreate) },
			"store write failed; served the rendered card", time.Second},
		{"write stalls", func(f *storagetest.Faulty) { f.Stall(storagetest.MethodCreate) },
			"store write failed; served the rendered card", time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t, Config{StoreTimeout: 100 * time.Millisecond})
			tt.inject(fx.store)
			start := time.Now()
			c, err := fx.svc.Card(context.Background(), "fixture-fact", render.Options{})
			if err != nil {
				t.Fatalf("Card with a faulty store: %v; want the card served anyway", err)
			}
			if elapsed := time.Since(start); elapsed > tt.maxTime {
				t.Errorf("took %v with the store timeout at 100ms; want under %v", elapsed, tt.maxTime)
			}
			if len(c.Body) == 0 {
				t.Error("empty card")
			}
			recs := fx.log.Records(logbuf.Field("msg", tt.wantLog))
			if len(recs) != 1 {
				t.Fatalf("got %d %q log records, want exactly 1", len(recs), tt.wantLog)
			}
			if recs[0]["key"] != c.Key || recs[0]["err"] == "" || recs[0]["err"] == nil {
				t.Errorf("log record = %v, want the key %q and the cause", recs[0], c.Key)
			}

			// The next request tries the store again and, once healed, stores the card.
			fx.store.Heal()
			calls := fx.store.Calls(storagetest.MethodGet)
			if _, err := fx.svc.Card(context.Background(), "fixture-fact", render.Options{}); err != nil {
				t.Fatal(err)
			}
			if fx.store.Calls(storagetest.MethodGet) != calls+1 {
				t.Error("the request after a fault did not try the store again")
			}
			if _, err := fx.mem.Head(context.Background(), c.Key); err != nil {
				t.Errorf("after healing, the card is not stored: %v", err)
			}
		})
	}
}

func TestCardExistsIsNotAnError(t *testing.T) {
	fx := newFixture(t, Config{})
	fx.store.Fail(storage.ErrNotFound, storagetest.MethodGet)  // pretend the read missed it
	fx.store.Fail(storage.ErrExists, storagetest.MethodCreate) // ... and a racing writer won
	if _, err := fx.svc.Card(context.Background(), "fixture-fact", render.Options{}); err != nil {
		t.Fatal(err)
	}
	if recs := fx.log.Records(logbuf.Field("msg", "store write failed; served the rendered card")); len(recs) != 0 {
		t.Errorf("a lost create race was logged as a failure: %v", recs)
	}
}

func TestCardRenderError(t *testing.T) {
	boom := errors.New("fixture render failure")
	fx := newFixture(t, Config{Render: func(facts.Fact, render.Options) ([]byte, error) { return nil, boom }})
	_, err := fx.svc.Card(context.Background(), "fixture-fact", render.Options{})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the render error", err)
	}
	if fx.mem.Len() != 0 {
		t.Error("a failed render wrote something to the store")
	}
}

// TestCardRealRenderer renders through the real renderer once: a PNG of the size asked.
func TestCardRealRenderer(t *testing.T) {
	mem := storagetest.NewMemory()
	svc, err := New(Config{Facts: facts.Default(), Store: mem})
	if err != nil {
		t.Fatal(err)
	}
	f := facts.Default().All()[0]
	c, err := svc.Card(context.Background(), f.ID, render.Options{Size: render.SizePortrait})
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(c.Body))
	if err != nil {
		t.Fatalf("card is not a PNG: %v", err)
	}
	if got := img.Bounds().Size(); got.X != 1080 || got.Y != 1350 {
		t.Errorf("card is %v, want 1080x1350", got)
	}
}

// TestRenderSlots: a burst of different cold cards renders at most MaxRenders at once.
func TestRenderSlots(t *testing.T) {
	fx := newFixture(t, Config{MaxRenders: 2})
	fx.render.delay = 10 * time.Millisecond
	var wg sync.WaitGroup
	for _, size := range render.Sizes() {
		for _, theme := range render.Themes() {
			for _, format := range render.Formats() {
				wg.Go(func() {
					if _, err := fx.svc.Card(context.Background(), "fixture-fact", render.Options{Size: size, Theme: theme, Format: format}); err != nil {
						t.Error(err)
					}
				})
			}
		}
	}
	wg.Wait()
	if got := fx.render.calls.Load(); got != 16 {
		t.Errorf("renders = %d, want 16", got)
	}
	if peak := fx.render.peak.Load(); peak != 2 {
		t.Errorf("peak concurrent renders = %d, want 2", peak)
	}
}
