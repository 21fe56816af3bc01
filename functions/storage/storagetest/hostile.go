package storagetest

import (
	"testing"
	"time"
)

// Hang is how long a store call may take before Returns calls it stuck: far
// more than any call needs, far less than a test's timeout.
const Hang = 5 * time.Second

// Returns runs call and returns its error, failing t if it does not return
// within Hang: a store stuck on a hostile file (a FIFO, a hung disk) or a
// server that never answers must not hold its caller. what names the call in
// the message.
func Returns(t testing.TB, what string, call func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- call() }()
	select {
	case err := <-done:
		return err
	case <-time.After(Hang):
		t.Fatalf("%s did not return within %v", what, Hang)
		return nil
	}
}
