//go:build unix

package storagetest

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Mkfifo makes a FIFO at name, a hostile file for a directory store, with the
// folders above it; where the system has no FIFOs it skips t. When t ends it
// opens the FIFO for writing, so that a reader stuck on it is released.
func Mkfifo(t testing.TB, name string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(name, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	t.Cleanup(func() {
		if f, err := os.OpenFile(name, os.O_RDWR|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
}
