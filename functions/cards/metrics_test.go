package cards

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/render"
)

// tally is a Metrics that keeps its counts.
type tally struct {
	mu                          sync.Mutex
	rendered, fromStore, faults int
	renderTimes                 []time.Duration
}

func (m *tally) CardRendered(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rendered++
	m.renderTimes = append(m.renderTimes, d)
}

func (m *tally) CardFromStore() { m.mu.Lock(); m.fromStore++; m.mu.Unlock() }
func (m *tally) StoreFault()    { m.mu.Lock(); m.faults++; m.mu.Unlock() }

func (m *tally) counts() [3]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return [3]int{m.rendered, m.fromStore, m.faults}
}

// TestMetrics: the service counts each render with its time, each card served
// from the store, and each store call that fails for another reason than a
// missing or existing card; a missing card is no fault.
func TestMetrics(t *testing.T) {
	m := &tally{}
	fx := newFixture(t, Config{Metrics: m})
	fx.render.delay = 2 * time.Millisecond
	opts := render.Options{Size: render.SizeOG, Theme: render.ThemeDark}
	step := func(name string, want [3]int) {
		t.Helper()
		if _, err := fx.svc.Card(t.Context(), "fixture-fact", opts); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := m.counts(); got != want {
			t.Errorf("%s: rendered, from store, faults = %v, want %v", name, got, want)
		}
	}
	step("a missing card: rendered and stored, no fault", [3]int{1, 0, 0})
	if m.renderTimes[0] < fx.render.delay {
		t.Errorf("render time %v, want at least the render's %v", m.renderTimes[0], fx.render.delay)
	}
	step("the stored card", [3]int{1, 1, 0})
	fx.store.Fail(errors.New("S3 is down"), storagetest.MethodGet)
	step("the store down: rendered again, one fault", [3]int{2, 1, 1})
	fx.store.Heal()
	fx.store.Fail(errors.New("S3 refuses the write"), storagetest.MethodCreate)
	opts.Theme = render.ThemeLight
	step("a missing card whose write fails: a fault", [3]int{3, 1, 2})
	fx.store.Heal()
	fx.store.Fail(storage.ErrNotFound, storagetest.MethodGet)
	fx.store.FailNext(1, storage.ErrExists, storagetest.MethodCreate)
	opts.Size = render.SizeSquare
	step("not found, then exists: no fault", [3]int{4, 1, 2})
}

// TestMetricsGenerate: generate's renders and store faults are counted too.
func TestMetricsGenerate(t *testing.T) {
	m := &tally{}
	fx := newFixture(t, Config{Metrics: m})
	rep, err := fx.svc.Generate(t.Context(), GenerateRequest{IDs: []string{"fixture-fact"}, Sizes: []string{"og"}, Themes: []string{"dark", "light"}}, GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.counts(); got[0] != rep.Rendered || rep.Rendered != 2 || got[2] != 0 {
		t.Errorf("counts %v after a report of %d rendered, want 2 rendered and no fault", got, rep.Rendered)
	}
	fx.store.Fail(errors.New("S3 is down"), storagetest.MethodCreate)
	if _, err := fx.svc.Generate(t.Context(), GenerateRequest{IDs: []string{"fixture-fact"}, Sizes: []string{"square"}, Themes: []string{"dark"}}, GenerateOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := m.counts(); got[2] != 1 {
		t.Errorf("faults = %d after a failed write, want 1", got[2])
	}
}
