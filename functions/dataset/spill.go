package dataset

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/factcard/factcard/facts/published"
)

// SpillFile is a temporary file that holds the facts published.PackFile has checked
// until they are published: about the size of the dataset file, on disk rather
// than in memory. It is safe for concurrent use.
type SpillFile struct {
	mu   sync.Mutex
	f    *os.File
	w    *bufio.Writer
	name string // the file's name while it is still to be removed
}

var _ published.Spill = (*SpillFile)(nil)

// NewSpillFile creates a spill file in dir, or in the system's temporary folder
// when dir is empty. Where the system allows it, the file's name is removed at
// once, so that nothing is left behind even if the process dies; Close removes it
// otherwise.
func NewSpillFile(dir string) (*SpillFile, error) {
	f, err := os.CreateTemp(dir, "factcard-publish-*.spill")
	if err != nil {
		return nil, fmt.Errorf("create spill file: %w", err)
	}
	s := &SpillFile{f: f, w: bufio.NewWriterSize(f, 1<<20), name: f.Name()}
	if os.Remove(f.Name()) == nil {
		s.name = ""
	}
	return s, nil
}

// Write appends p.
func (s *SpillFile) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.w.Write(p)
	if err != nil {
		return n, fmt.Errorf("write spill file: %w", err)
	}
	return n, nil
}

// ReadAt reads what was written at off, including writes not yet flushed.
func (s *SpillFile) ReadAt(p []byte, off int64) (int, error) {
	s.mu.Lock()
	if s.w.Buffered() > 0 {
		if err := s.w.Flush(); err != nil {
			s.mu.Unlock()
			return 0, fmt.Errorf("write spill file: %w", err)
		}
	}
	s.mu.Unlock()
	return s.f.ReadAt(p, off)
}

// Close closes and removes the file.
func (s *SpillFile) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.f.Close()
	if s.name != "" {
		err = errors.Join(err, os.Remove(s.name))
		s.name = ""
	}
	return err
}
