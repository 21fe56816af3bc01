package storagetest_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/storagetest"
)

func TestMemoryConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return storagetest.NewMemory() })
}

func TestMemoryZeroValue(t *testing.T) {
	var m storagetest.Memory
	ctx := context.Background()
	if _, err := m.Get(ctx, "a", 1<<30); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Get on the zero Memory = %v, want ErrNotFound", err)
	}
	for _, key := range []string{"b", "a"} {
		if err := m.Create(ctx, key, []byte("x"), storage.Info{ContentType: "text/plain"}); err != nil {
			t.Fatalf("Create(%q) = %v", key, err)
		}
	}
	if got, want := m.Keys(), []string{"a", "b"}; !slices.Equal(got, want) {
		t.Errorf("Keys() = %q, want %q", got, want)
	}
	if got := m.Len(); got != 2 {
		t.Errorf("Len() = %d, want 2", got)
	}
}

// The Faulty wrapper passes the conformance suite when it has no faults.
func TestFaultyConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return storagetest.NewFaulty(storagetest.NewMemory())
	})
}

var info = storage.Info{ContentType: "image/png"}

func TestFaultyFail(t *testing.T) {
	ctx := context.Background()
	mem := storagetest.NewMemory()
	f := storagetest.NewFaulty(mem)
	down := errors.New("connection refused")

	f.Fail(down, storagetest.MethodCreate)
	if err := f.Create(ctx, "a", []byte("x"), info); !errors.Is(err, down) {
		t.Errorf("Create with a failing store = %v, want %v", err, down)
	}
	if mem.Len() != 0 {
		t.Errorf("the failed Create reached the store: %q", mem.Keys())
	}
	if _, err := f.Get(ctx, "a", 1<<30); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Get (no fault) = %v, want ErrNotFound from the store", err)
	}

	f.Fail(nil) // every method, default error
	for name, call := range map[string]func() error{
		"Get":    func() error { _, err := f.Get(ctx, "a", 1<<30); return err },
		"Head":   func() error { _, err := f.Head(ctx, "a"); return err },
		"Create": func() error { return f.Create(ctx, "a", []byte("x"), info) },
	} {
		if err := call(); !errors.Is(err, storagetest.ErrInjected) {
			t.Errorf("%s with Fail(nil) = %v, want ErrInjected", name, err)
		}
	}

	f.Heal()
	if err := f.Create(ctx, "a", []byte("x"), info); err != nil {
		t.Errorf("Create after Heal = %v, want nil", err)
	}
	for _, tc := range []struct {
		m    storagetest.Method
		want int
	}{
		{storagetest.MethodGet, 2},
		{storagetest.MethodHead, 1},
		{storagetest.MethodCreate, 3},
	} {
		if got := f.Calls(tc.m); got != tc.want {
			t.Errorf("Calls(%s) = %d, want %d", tc.m, got, tc.want)
		}
	}
}

func TestFaultyFailNext(t *testing.T) {
	ctx := context.Background()
	f := storagetest.NewFaulty(storagetest.NewMemory())
	f.FailNext(2, nil, storagetest.MethodGet, storagetest.MethodHead)
	var got []bool
	for range 4 {
		_, err := f.Get(ctx, "a", 1<<30)
		got = append(got, errors.Is(err, storagetest.ErrInjected))
	}
	if want := []bool{true, true, false, false}; !slices.Equal(got, want) {
		t.Errorf("Get injected errors = %v, want %v", got, want)
	}
	// Each method has its own count.
	if _, err := f.Head(ctx, "a"); !errors.Is(err, storagetest.ErrInjected) {
		t.Errorf("first Head = %v, want ErrInjected", err)
	}
}

func TestFaultyStall(t *testing.T) {
	f := storagetest.NewFaulty(storagetest.NewMemory())
	f.Stall(storagetest.MethodGet)

	const deadline = 50 * time.Millisecond
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	_, err := f.Get(ctx, "a", 1<<30)
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("stalled Get = %v, want context.DeadlineExceeded", err)
	}
	if elapsed < deadline || elapsed > deadline+time.Second {
		t.Errorf("stalled Get returned after %v, want about %v", elapsed, deadline)
	}
	if _, err := f.Head(context.Background(), "a"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Head (not stalled) = %v, want ErrNotFound", err)
	}

	// Healing the method releases its stalled calls to the store; healing
	// another does not.
	done := make(chan error)
	go func() {
		_, err := f.Get(context.Background(), "a", 1<<30)
		done <- err
	}()
	for f.Stalled() != 1 {
		time.Sleep(time.Millisecond)
	}
	f.Heal(storagetest.MethodCreate)
	select {
	case err := <-done:
		t.Fatalf("stalled Get returned %v after Heal(create), want it still stalled", err)
	case <-time.After(20 * time.Millisecond):
	}
	if got := f.Stalled(); got != 1 {
		t.Errorf("Stalled() = %d after Heal(create), want 1", got)
	}
	f.Heal(storagetest.MethodGet)
	if err := <-done; !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("released Get = %v, want ErrNotFound from the store", err)
	}
	if got := f.Stalled(); got != 0 {
		t.Errorf("Stalled() after Heal = %d, want 0", got)
	}
	if got := f.Calls(storagetest.MethodGet); got != 2 {
		t.Errorf("Calls(get) = %d, want 2: a released call counts once", got)
	}
}

func TestFaultyDelay(t *testing.T) {
	f := storagetest.NewFaulty(storagetest.NewMemory())
	const delay = 30 * time.Millisecond
	f.Delay(delay, storagetest.MethodCreate)

	start := time.Now()
	if err := f.Create(context.Background(), "a", []byte("x"), info); err != nil {
		t.Fatalf("delayed Create = %v, want nil", err)
	}
	if elapsed := time.Since(start); elapsed < delay {
		t.Errorf("delayed Create returned after %v, want at least %v", elapsed, delay)
	}

	f.Delay(time.Hour, storagetest.MethodCreate)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := f.Create(ctx, "b", []byte("x"), info); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Create slower than its deadline = %v, want context.DeadlineExceeded", err)
	}
	if _, err := f.Head(context.Background(), "b"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Head(b) = %v, want ErrNotFound: the late Create must not store", err)
	}
}
