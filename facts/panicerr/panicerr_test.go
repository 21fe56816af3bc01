package panicerr_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts/panicerr"
)

// explode panics with v; its name must show in the stack an *Error carries.
func explode(v any) (int, error) {
	panic(v)
}

func TestCall(t *testing.T) {
	errPlain := errors.New("plain failure")
	var nilMap map[string]int
	tests := []struct {
		name      string
		f         func() (int, error)
		want      int
		wantErr   error // matched with errors.Is when not a panic
		wantPanic string
	}{
		{name: "value", f: func() (int, error) { return 7, nil }, want: 7},
		{name: "error", f: func() (int, error) { return 3, errPlain }, want: 3, wantErr: errPlain},
		{name: "panic string", f: func() (int, error) { return explode("boom") }, wantPanic: "panic: boom"},
		{name: "panic error", f: func() (int, error) { return explode(context.Canceled) }, wantPanic: "panic: context canceled"},
		{name: "runtime error", f: func() (int, error) { nilMap["x"] = 1; return 1, nil }, wantPanic: "panic: assignment to entry in nil map"},
		{name: "panic nil", f: func() (int, error) { return explode(nil) }, wantPanic: "panic: panic called with nil argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := panicerr.Call(tt.f)
			if tt.wantPanic == "" {
				if got != tt.want || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
					t.Fatalf("Call = %d, %v; want %d, %v", got, err, tt.want, tt.wantErr)
				}
				if _, ok := panicerr.As(err); ok {
					t.Fatalf("As(%v) found a panic in a plain error", err)
				}
				return
			}
			pe, ok := panicerr.As(fmt.Errorf("wrapped: %w", err))
			if !ok {
				t.Fatalf("Call = %d, %v; want an *Error", got, err)
			}
			if got != 0 {
				t.Errorf("Call's value after a panic = %d, want the zero value", got)
			}
			if err.Error() != tt.wantPanic {
				t.Errorf("Error() = %q, want %q", err.Error(), tt.wantPanic)
			}
			if !strings.Contains(string(pe.Stack), "panicerr_test.") {
				t.Errorf("Stack does not name the panicking test function:\n%s", pe.Stack)
			}
			// A panic is our fault whatever it carries: it never matches the
			// errors callers map to other answers.
			if errors.Is(err, context.Canceled) {
				t.Errorf("errors.Is(%v, context.Canceled) = true, want false", err)
			}
		})
	}
}

func TestDo(t *testing.T) {
	if err := panicerr.Do(func() error { return nil }); err != nil {
		t.Errorf("Do(no error) = %v, want nil", err)
	}
	err := panicerr.Do(func() error { _, err := explode("in Do"); return err })
	if pe, ok := panicerr.As(err); !ok || pe.Value != "in Do" {
		t.Errorf("Do(panic) = %v, want an *Error with value %q", err, "in Do")
	}
}

// TestGoexit checks that runtime.Goexit, which t.FailNow uses, still ends the
// goroutine: it is not a panic to turn into an error.
func TestGoexit(t *testing.T) {
	returned := make(chan bool, 1)
	go func() {
		exited := true
		defer func() { returned <- exited }()
		_ = panicerr.Do(func() error { runtime.Goexit(); return nil })
		exited = false
	}()
	if !<-returned {
		t.Error("Do returned after runtime.Goexit; want the goroutine to exit")
	}
}
