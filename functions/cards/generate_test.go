package cards

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factcard/factcard/facts/factstest"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/render"
)

func allCards(t *testing.T, fx *fixture) int {
	t.Helper()
	return fx.svc.Facts().Len() * len(render.Sizes()) * len(render.Themes())
}

func TestGenerateAllThenNothing(t *testing.T) {
	fx := newFixture(t, Config{})
	want := allCards(t, fx)
	var progressCalls atomic.Int64
	opts := GenerateOptions{Progress: func(done, total int) {
		progressCalls.Add(1)
		if total != want || done < 1 || done > total {
			t.Errorf("Progress(%d, %d), want done in 1..%d", done, total, want)
		}
	}}
	first, _ := fx.svc.Generate(context.Background(), GenerateRequest{}, opts)
	if first.Rendered != want || first.Skipped != 0 || len(first.Failed) != 0 || first.Remaining != 0 {
		t.Errorf("first run = %+v, want %d rendered and nothing else", first, want)
	}
	if got := fx.mem.Len(); got != want {
		t.Errorf("store holds %d objects, want %d", got, want)
	}
	if got := progressCalls.Load(); got != int64(want) {
		t.Errorf("Progress called %d times, want %d", got, want)
	}
	second, _ := fx.svc.Generate(context.Background(), GenerateRequest{}, GenerateOptions{})
	if second.Rendered != 0 || second.Skipped != want {
		t.Errorf("second run = %+v, want 0 rendered and %d skipped (idempotent)", second, want)
	}
	if got := fx.render.calls.Load(); got != int64(want) {
		t.Errorf("renders over both runs = %d, want %d", got, want)
	}
}

func TestGenerateSelection(t *testing.T) {
	fx := newFixture(t, Config{})
	report, _ := fx.svc.Generate(context.Background(), GenerateRequest{
		IDs:    []string{"fixture-fact", "no-such-fact", "fixture-fact"},
		Sizes:  []string{"og", "huge"},
		Themes: []string{"light"},
	}, GenerateOptions{})
	if report.Rendered != 1 {
		t.Errorf("rendered = %d, want 1 (fixture-fact og light)", report.Rendered)
	}
	// no-such-fact × {og, huge} and fixture-fact × huge.
	if len(report.Failed) != 3 {
		t.Fatalf("failed = %+v, want 3 entries", report.Failed)
	}
	for _, f := range report.Failed {
		switch {
		case f.ID == "no-such-fact" && f.Size == "og":
			if !strings.Contains(f.Error, `no fact with ID "no-such-fact"`) {
				t.Errorf("unknown ID failure says %q", f.Error)
			}
		case f.Size == "huge":
			if !strings.Contains(f.Error, `unknown size "huge"`) {
				t.Errorf("unknown size failure says %q", f.Error)
			}
		default:
			t.Errorf("unexpected failure %+v", f)
		}
		if f.Theme != "light" {
			t.Errorf("failure %+v lost its theme", f)
		}
	}
}

func TestGenerateBoundedConcurrency(t *testing.T) {
	fx := newFixture(t, Config{MaxRenders: 8}) // the render slots are not what is measured here
	fx.render.delay = 5 * time.Millisecond
	report, _ := fx.svc.Generate(context.Background(), GenerateRequest{}, GenerateOptions{Concurrency: 3})
	if report.Rendered != allCards(t, fx) {
		t.Fatalf("report = %+v", report)
	}
	if peak := fx.render.peak.Load(); peak > 3 || peak < 2 {
		t.Errorf("peak concurrent renders = %d, want 2..3 with Concurrency 3", peak)
	}
}

func TestGenerateStopsBeforeDeadline(t *testing.T) {
	fx := newFixture(t, Config{})
	fx.render.delay = 20 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	report, _ := fx.svc.Generate(ctx, GenerateRequest{}, GenerateOptions{Concurrency: 1, Margin: 200 * time.Millisecond})
	elapsed := time.Since(start)
	if elapsed > 250*time.Millisecond {
		t.Errorf("Generate ran %v; want it to stop starting cards 200ms before the 300ms deadline", elapsed)
	}
	total := allCards(t, fx)
	if report.Remaining == 0 || report.Rendered+report.Remaining != total {
		t.Errorf("report = %+v; want some remaining and rendered+remaining = %d", report, total)
	}
	// Running again, with time, finishes the job.
	rest, _ := fx.svc.Generate(context.Background(), GenerateRequest{}, GenerateOptions{})
	if rest.Rendered != report.Remaining || rest.Skipped != report.Rendered {
		t.Errorf("second run = %+v, want %d rendered and %d skipped", rest, report.Remaining, report.Rendered)
	}
}

func TestGenerateStoreDown(t *testing.T) {
	fx := newFixture(t, Config{StoreTimeout: 50 * time.Millisecond})
	fx.store.Fail(storagetest.ErrInjected, storagetest.MethodHead)
	report, _ := fx.svc.Generate(context.Background(), GenerateRequest{IDs: []string{"fixture-fact"}}, GenerateOptions{})
	want := len(render.Sizes()) * len(render.Themes())
	if len(report.Failed) != want || report.Rendered != 0 {
		t.Fatalf("report = %+v, want %d failures", report, want)
	}
	if !strings.Contains(report.Failed[0].Error, "injected") {
		t.Errorf("failure does not give the cause: %q", report.Failed[0].Error)
	}
}

var errUnreadable = errors.New("shard 0003: sha256 mismatch")

func TestGenerateUnreadableDataset(t *testing.T) {
	mem := storagetest.NewMemory()
	// A dataset whose listing and one fact cannot be read, as a published
	// dataset with a corrupt shard.
	set := factstest.Unreadable{Set: fixtureFacts(t), ID: "fixture-fact", ListFails: true, Err: errUnreadable}
	svc, err := New(Config{Facts: set, Store: mem, Render: (&counter{}).render})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Ref(t.Context(), "fixture-fact", render.Options{}); !errors.Is(err, errUnreadable) || errors.Is(err, ErrNotFound) {
		t.Errorf("Ref of an unreadable fact: err = %v, want the read error and not ErrNotFound", err)
	}
	all, _ := svc.Generate(t.Context(), GenerateRequest{}, GenerateOptions{})
	if len(all.Failed) != 1 || !strings.Contains(all.Failed[0].Error, errUnreadable.Error()) || all.Rendered != 0 {
		t.Errorf("Generate over an unlistable dataset = %+v, want one failure naming the read error", all)
	}
	one, _ := svc.Generate(t.Context(), GenerateRequest{IDs: []string{"fixture-fact"}, Sizes: []string{"og"}, Themes: []string{"dark"}}, GenerateOptions{})
	if len(one.Failed) != 1 || !strings.Contains(one.Failed[0].Error, errUnreadable.Error()) || one.Rendered != 0 {
		t.Errorf("Generate of an unreadable fact = %+v, want it failed with the read error", one)
	}
	if mem.Len() != 0 {
		t.Errorf("%d cards stored; want none", mem.Len())
	}
}
