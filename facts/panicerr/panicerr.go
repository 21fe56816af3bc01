// Package panicerr turns a panic into an error that carries the panicking
// goroutine's stack, so that code which runs work in a goroutine of its own (a
// singleflight flight, a worker, a warm-up) can report the panic to whoever waits
// for the work instead of ending the process.
//
// It lives under facts, the lowest layer of the module, so that facts, render and
// every package under functions can share it without an import cycle.
package panicerr

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// Error is a recovered panic.
type Error struct {
	// Value is what was passed to panic.
	Value any
	// Stack is the panicking goroutine's stack, as runtime/debug.Stack writes it,
	// taken inside the deferred recover, so it shows where the panic happened.
	Stack []byte
}

// Error returns "panic: " and the panic's value; the stack is left to the log.
func (e *Error) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Call runs f and returns what it returns. If f panics, Call returns the zero T
// and an *Error holding the panic's value and stack. A runtime.Goexit (t.FailNow)
// is not a panic and is not stopped.
//
// The panic's value is not unwrapped: a panic that happens to carry, say,
// context.Canceled is still a fault of ours, never a status the caller maps from
// that error.
func Call[T any](f func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			var zero T
			v, err = zero, &Error{Value: r, Stack: debug.Stack()}
		}
	}()
	return f()
}

// Do runs f, turning a panic into an *Error as Call does.
func Do(f func() error) error {
	_, err := Call(func() (struct{}, error) { return struct{}{}, f() })
	return err
}

// As returns the *Error in err's chain, if there is one.
func As(err error) (*Error, bool) {
	var pe *Error
	ok := errors.As(err, &pe)
	return pe, ok
}
