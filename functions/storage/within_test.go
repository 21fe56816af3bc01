package storage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/factcard/factcard/facts/panicerr"
	"github.com/factcard/factcard/functions/storage"
)

// TestWithinPanic checks that an op that panics, on Within's goroutine when the
// context has a deadline or on the caller's when it has none, returns the panic
// as an error with its stack instead of ending the process.
func TestWithinPanic(t *testing.T) {
	withDeadline, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, tt := range []struct {
		name string
		ctx  context.Context
	}{
		{"deadline", withDeadline},
		{"no deadline", context.Background()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := storage.Within(tt.ctx, func() (int, error) { panic("fixture: op panicked") })
			pe, ok := panicerr.As(err)
			if !ok || v != 0 {
				t.Fatalf("Within = %d, %v; want 0 and a recovered panic", v, err)
			}
			if pe.Value != "fixture: op panicked" || !strings.Contains(string(pe.Stack), "TestWithinPanic") {
				t.Errorf("panic = %v with stack\n%s\nwant the op's value and a stack through the test", pe.Value, pe.Stack)
			}
		})
	}
}
