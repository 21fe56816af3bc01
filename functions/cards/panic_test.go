package cards

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/panicerr"
	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/testsupport/logbuf"
	"github.com/factcard/factcard/render"
)

// panicky is a renderer that panics, as a damaged font's glyph makes the
// renderer do, for the cards of one fact while armed, and renders the rest.
type panicky struct {
	counter
	id    string
	armed atomic.Bool
	// hold, when set, keeps the panicking render waiting until it is closed, so
	// that every caller joins the same flight.
	hold chan struct{}
}

func (p *panicky) render(f facts.Fact, opts render.Options) ([]byte, error) {
	if f.ID == p.id && p.armed.Load() {
		p.calls.Add(1)
		if p.hold != nil {
			<-p.hold
		}
		var segments []int
		_ = segments[len(f.ID)] // a runtime error, as in the go-text panics: index out of range
	}
	return p.counter.render(f, opts)
}

// panicRecords returns the log records of panicked cards.
func panicRecords(b *logbuf.Buffer) []map[string]any {
	return b.Records(logbuf.Field("msg", panicMessage))
}

// TestCardPanicIsAnError checks that a render that panics inside the card's
// single flight (a goroutine no handler's recover covers, where singleflight
// re-panics) fails that card for every caller waiting on it, stores nothing,
// is logged once with the key and the stack, and leaves the service serving.
// Before the recover this test ended the test binary.
func TestCardPanicIsAnError(t *testing.T) {
	p := &panicky{id: "fixture-fact", hold: make(chan struct{})}
	p.armed.Store(true)
	fx := newFixture(t, Config{Render: p.render})
	ctx := t.Context()
	ref, err := fx.svc.Ref(ctx, "fixture-fact", render.Options{})
	if err != nil {
		t.Fatal(err)
	}

	const callers = 8
	var (
		wg      sync.WaitGroup
		errs    = make([]error, callers)
		waiting atomic.Int64
	)
	for i := range callers {
		wg.Go(func() {
			waiting.Add(1)
			_, errs[i] = fx.svc.Get(ctx, ref)
		})
	}
	for waiting.Load() < callers || p.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the last callers join the flight
	close(p.hold)
	wg.Wait()

	for i, err := range errs {
		pe, ok := panicerr.As(err)
		if !ok {
			t.Fatalf("caller %d: err = %v, want a recovered panic", i, err)
		}
		if !strings.Contains(err.Error(), ref.Key) || !strings.Contains(err.Error(), "index out of range") {
			t.Errorf("caller %d: err = %q, want the key and the panic", i, err)
		}
		if len(pe.Stack) == 0 {
			t.Errorf("caller %d: the error carries no stack", i)
		}
		if errors.Is(err, ErrNotFound) {
			t.Errorf("caller %d: a panic matches ErrNotFound, so it would be a 404", i)
		}
	}
	if got := p.calls.Load(); got != 1 {
		t.Errorf("the panicking render ran %d times for %d callers, want once", got, callers)
	}
	if _, err := fx.mem.Get(ctx, ref.Key, 1<<30); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("after the panic the store has the card (err %v); want nothing stored", err)
	}
	recs := panicRecords(fx.log)
	if len(recs) != 1 {
		t.Fatalf("%d panic records, want 1:\n%s", len(recs), fx.log)
	}
	if recs[0]["key"] != ref.Key || !strings.Contains(recs[0]["stack"].(string), "panicky") ||
		!strings.Contains(recs[0]["panic"].(string), "index out of range") {
		t.Errorf("panic record = %v, want the key %s, the panic and a stack through the renderer", recs[0], ref.Key)
	}

	// Nothing was cached: once the cause is gone the same card renders.
	p.armed.Store(false)
	c, err := fx.svc.Get(ctx, ref)
	if err != nil || c.Stored || len(c.Body) == 0 {
		t.Fatalf("after the panic: Get = %+v, %v; want a fresh render", c, err)
	}
	if _, err := fx.mem.Get(ctx, ref.Key, 1<<30); err != nil {
		t.Errorf("the fresh render was not stored: %v", err)
	}
}

// panickingStore panics in every call of the methods it names, as a store
// client with a bug would; the calls run on storage.Within's goroutine.
type panickingStore struct {
	storage.Store
	get, head, create bool
}

func (s panickingStore) Get(ctx context.Context, key string, limit int64) (*storage.Object, error) {
	if s.get {
		panic("fixture: store Get panicked")
	}
	return s.Store.Get(ctx, key, limit)
}

func (s panickingStore) Head(ctx context.Context, key string) (storage.Info, error) {
	if s.head {
		panic("fixture: store Head panicked")
	}
	return s.Store.Head(ctx, key)
}

func (s panickingStore) Create(ctx context.Context, key string, body []byte, info storage.Info) error {
	if s.create {
		panic("fixture: store Create panicked")
	}
	return s.Store.Create(ctx, key, body, info)
}

// TestStorePanicIsAStoreFault checks that a store call that panics on the
// goroutine storage.Within runs it on is a store fault like any other: the card
// is rendered and served, and the log has the key and the stack.
func TestStorePanicIsAStoreFault(t *testing.T) {
	for _, tt := range []struct {
		name  string
		store panickingStore
		msg   string
	}{
		{"get", panickingStore{get: true}, "store read failed; served a freshly rendered card"},
		{"create", panickingStore{create: true}, "store write failed; served the rendered card"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t, Config{StoreTimeout: time.Second})
			tt.store.Store = fx.mem
			fx.svc.store = tt.store
			c, err := fx.svc.Card(t.Context(), "fixture-fact", render.Options{})
			if err != nil || len(c.Body) == 0 {
				t.Fatalf("Card = %v, %v; want the rendered card", c, err)
			}
			recs := fx.log.Records(logbuf.Field("msg", tt.msg))
			if len(recs) != 1 || recs[0]["key"] != c.Key || !strings.Contains(recs[0]["stack"].(string), "panickingStore") {
				t.Errorf("records %q = %v, want one with the key and a stack through the store", tt.msg, recs)
			}
		})
	}
}

// TestGeneratePanicFailsTheCard checks that a card whose render panics on one
// of generate's workers is a failure in the report, logged with its key and
// stack, and that the other cards are stored.
func TestGeneratePanicFailsTheCard(t *testing.T) {
	set := fixtureFacts(t)
	all := set.All()
	if len(all) < 2 {
		t.Fatalf("the fixture has %d facts; the test needs two", len(all))
	}
	p := &panicky{id: all[0].ID}
	p.armed.Store(true)
	fx := newFixture(t, Config{Facts: set, Render: p.render})
	ids := []string{all[0].ID, all[1].ID}
	report, err := fx.svc.Generate(t.Context(), GenerateRequest{IDs: ids, Sizes: []string{"og", "story"}, Themes: []string{"dark"}}, GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if report.Rendered != 2 || len(report.Failed) != 2 {
		t.Fatalf("report = %+v, want 2 rendered (%s) and 2 failed (%s)", report, ids[1], ids[0])
	}
	for _, f := range report.Failed {
		if f.ID != ids[0] || !strings.Contains(f.Error, "panic: runtime error: index out of range") {
			t.Errorf("failure = %+v, want %s failed by the panic", f, ids[0])
		}
	}
	if got := len(panicRecords(fx.log)); got != 2 {
		t.Errorf("%d panic records, want one a card:\n%s", got, fx.log)
	}
	if fx.mem.Len() != 2 {
		t.Errorf("%d cards stored, want 2", fx.mem.Len())
	}
}

// panickingShards is a sharded dataset whose shard reads panic, as a reader
// fed a crafted manifest did (makeslice: cap out of range).
type panickingShards struct{ facts.Set }

func (panickingShards) ShardFacts(context.Context, string) ([]facts.Fact, error) {
	var n = -1
	_ = make([]facts.Fact, 0, n) // panics: makeslice: cap out of range
	return nil, nil
}

func (panickingShards) ShardLen(string) (int, error) { return 1, nil }

// TestGenerateShardPanicFailsTheShard checks that a shard whose read panics is
// recorded as failed, with nothing rendered, and the run returns.
func TestGenerateShardPanicFailsTheShard(t *testing.T) {
	fx := newFixture(t, Config{Facts: panickingShards{fixtureFacts(t)}})
	report, err := fx.svc.Generate(t.Context(), GenerateRequest{Shard: "facts/v/shards/0000.json"}, GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Failed) != 1 || !strings.Contains(report.Failed[0].Error, "makeslice") || report.Rendered != 0 {
		t.Fatalf("report = %+v, want the shard failed with the panic", report)
	}
	if recs := fx.log.Records(logbuf.Field("msg", "shard panicked; recorded as failed")); len(recs) != 1 || recs[0]["stack"] == nil {
		t.Errorf("shard panic records = %v, want one with a stack", recs)
	}
}
