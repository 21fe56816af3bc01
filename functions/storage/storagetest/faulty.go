package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/factcard/factcard/functions/storage"
)

// Method names a method of storage.Store, for Faulty.
type Method string

// The methods of storage.Store.
const (
	MethodGet    Method = "get"
	MethodHead   Method = "head"
	MethodCreate Method = "create"
)

var allMethods = []Method{MethodGet, MethodHead, MethodCreate}

// ErrInjected is the error Faulty fails with when not given one.
var ErrInjected = errors.New("injected store fault")

var _ storage.Store = (*Faulty)(nil)

// Faulty wraps a storage.Store and, on request, makes chosen methods fail,
// fail a number of times and then recover, stall until the caller's context is
// done, or answer late. It counts the calls of each method, faulty or not. With
// no faults set it passes every call through. It is safe for concurrent use,
// and its faults can be changed while calls are in flight.
//
// A typical test of "the store is down, the card is still served":
//
//	store := storagetest.NewFaulty(storagetest.NewMemory())
//	store.Fail(nil, storagetest.MethodGet, storagetest.MethodCreate)
//	... serve a card, check it and the log ...
//	if got := store.Calls(storagetest.MethodCreate); got != 1 { ... }
type Faulty struct {
	store storage.Store

	mu      sync.Mutex
	faults  map[Method]*fault
	calls   map[Method]int
	stalled int
	healed  chan struct{} // closed and replaced by Heal, to release stalled calls
}

type fault struct {
	err   error         // fail with this error, when not nil
	times int           // fail this many more calls, then pass; 0 means every call
	stall bool          // block until the context is done or Heal is called
	delay time.Duration // wait this long (or until the context is done), then pass
}

// NewFaulty returns a Faulty passing calls through to store.
func NewFaulty(store storage.Store) *Faulty {
	return &Faulty{
		store:  store,
		faults: make(map[Method]*fault),
		calls:  make(map[Method]int),
		healed: make(chan struct{}),
	}
}

// Fail makes every call of the given methods (all methods when none are
// given) fail with err, or with ErrInjected when err is nil, without reaching
// the wrapped store.
func (f *Faulty) Fail(err error, methods ...Method) {
	f.FailNext(0, err, methods...)
}

// FailNext makes the next n calls of each of the given methods (all methods
// when none are given) fail with err, or ErrInjected when err is nil; later
// calls pass through. n <= 0 means every call, as Fail does.
func (f *Faulty) FailNext(n int, err error, methods ...Method) {
	if err == nil {
		err = ErrInjected
	}
	f.set(methods, func() *fault { return &fault{err: err, times: max(n, 0)} })
}

// Stall makes calls of the given methods (all methods when none are given)
// block until their context is done, then return the context's error: a store
// that accepted the connection and never answers. Healing the method releases
// them.
func (f *Faulty) Stall(methods ...Method) {
	f.set(methods, func() *fault { return &fault{stall: true} })
}

// Delay makes calls of the given methods (all methods when none are given)
// wait for d before passing through, or return the context's error if it is
// done first: a slow store.
func (f *Faulty) Delay(d time.Duration, methods ...Method) {
	f.set(methods, func() *fault { return &fault{delay: d} })
}

// Heal clears the faults of the given methods (all methods when none are
// given), and lets their stalled calls go on to the wrapped store.
func (f *Faulty) Heal(methods ...Method) {
	f.set(methods, func() *fault { return nil })
	f.mu.Lock()
	close(f.healed)
	f.healed = make(chan struct{})
	f.mu.Unlock()
}

func (f *Faulty) set(methods []Method, newFault func() *fault) {
	if len(methods) == 0 {
		methods = allMethods
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range methods {
		if flt := newFault(); flt != nil {
			f.faults[m] = flt
		} else {
			delete(f.faults, m)
		}
	}
}

// Calls returns how many calls of method m have been made so far, including
// those that failed or are still stalled.
func (f *Faulty) Calls(m Method) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[m]
}

// Stalled returns how many calls are stalled right now.
func (f *Faulty) Stalled() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stalled
}

// enter counts a call of m and applies its fault: a non-nil error means the
// call fails with it.
func (f *Faulty) enter(ctx context.Context, m Method, key string) error {
	f.mu.Lock()
	f.calls[m]++
	f.mu.Unlock()
	for {
		f.mu.Lock()
		flt := f.faults[m]
		var (
			err   error
			stall bool
			delay time.Duration
		)
		if flt != nil {
			err, stall, delay = flt.err, flt.stall, flt.delay
			if err != nil && flt.times > 0 {
				if flt.times--; flt.times == 0 {
					delete(f.faults, m)
				}
			}
		}
		healed := f.healed
		if stall {
			f.stalled++
		}
		f.mu.Unlock()

		switch {
		case err != nil:
			return fmt.Errorf("faulty %s %s: %w", m, key, err)
		case stall:
			select {
			case <-ctx.Done():
				err = fmt.Errorf("faulty %s %s: stalled: %w", m, key, context.Cause(ctx))
			case <-healed:
			}
			f.mu.Lock()
			f.stalled--
			f.mu.Unlock()
			if err != nil {
				return err
			}
			continue // released by Heal: apply the method's fault as it is now
		case delay > 0:
			t := time.NewTimer(delay)
			select {
			case <-ctx.Done():
				t.Stop()
				return fmt.Errorf("faulty %s %s: delayed: %w", m, key, context.Cause(ctx))
			case <-t.C:
			}
		}
		return nil
	}
}

// Get implements storage.Store.
func (f *Faulty) Get(ctx context.Context, key string, limit int64) (*storage.Object, error) {
	if err := f.enter(ctx, MethodGet, key); err != nil {
		return nil, err
	}
	return f.store.Get(ctx, key, limit)
}

// Head implements storage.Store.
func (f *Faulty) Head(ctx context.Context, key string) (storage.Info, error) {
	if err := f.enter(ctx, MethodHead, key); err != nil {
		return storage.Info{}, err
	}
	return f.store.Head(ctx, key)
}

// Create implements storage.Store.
func (f *Faulty) Create(ctx context.Context, key string, body []byte, info storage.Info) error {
	if err := f.enter(ctx, MethodCreate, key); err != nil {
		return err
	}
	return f.store.Create(ctx, key, body, info)
}
