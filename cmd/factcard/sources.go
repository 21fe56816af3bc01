package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/curate"
)

// sourcesFS is a folder of source documents opened as a root: no name leads out
// of it (a symbolic link that leaves it is refused), and only regular files are
// opened, without blocking, so a FIFO or a device there fails instead of
// hanging the command.
type sourcesFS struct {
	dir  string
	root *os.Root // nil when dir does not exist: every document is missing
}

// openSources opens the folder of source documents dir. A folder that does not
// exist holds no documents; the caller says which one it missed.
func openSources(dir string) (*sourcesFS, error) {
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return &sourcesFS{dir: dir}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open the source documents %s: %w", dir, err)
	}
	return &sourcesFS{dir: dir, root: root}, nil
}

// Open opens the document name for reading.
func (s *sourcesFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if s.root == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	f, err := s.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("not a regular file (%s)", fi.Mode().Type())}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// ReadFile reads the document name, as Open opens it, up to the size a
// document may have.
func (s *sourcesFS) ReadFile(name string) ([]byte, error) {
	f, err := s.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return curate.ReadAllLimited(f, facts.MaxDocumentBytes, name)
}

// Close closes the root.
func (s *sourcesFS) Close() error {
	if s.root == nil {
		return nil
	}
	return s.root.Close()
}
