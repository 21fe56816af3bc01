package render

import (
	"runtime"
	"sync"
)

// reuse keeps values between renders: shapers, card images, buffers. Up to
// GOMAXPROCS of them wait in a list that the garbage collector does not empty and
// any goroutine can take from, so state warmed once (by Preload or by an early
// render) serves the renders after it; a sync.Pool takes the rest, for bursts
// of more concurrent renders than processors. (A sync.Pool alone keeps a value
// put on one processor out of reach of a Get on another until it is moved to a
// shared list, and drops everything after two collections.)
type reuse[T any] struct {
	mu       sync.Mutex
	kept     []T
	overflow sync.Pool
}

// get returns a kept value, or false if there is none.
func (r *reuse[T]) get() (T, bool) {
	r.mu.Lock()
	if n := len(r.kept); n > 0 {
		v := r.kept[n-1]
		var zero T
		r.kept[n-1] = zero
		r.kept = r.kept[:n-1]
		r.mu.Unlock()
		return v, true
	}
	r.mu.Unlock()
	v, ok := r.overflow.Get().(T)
	return v, ok
}

// put keeps v for a later get.
func (r *reuse[T]) put(v T) {
	r.mu.Lock()
	if len(r.kept) < runtime.GOMAXPROCS(0) {
		r.kept = append(r.kept, v)
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	r.overflow.Put(v)
}
