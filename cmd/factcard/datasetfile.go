package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/curate"
)

// tempPrefix starts the name of every temporary file factcard writes beside the
// file it replaces or creates (.gitignore ignores them).
const tempPrefix = ".factcard-"

// staleTemp is how old a temporary file beside a dataset must be before a
// curation command removes it as left by a writer that crashed: a write takes
// well under a second.
const staleTemp = 10 * time.Minute

// lockWait bounds how long a curation command waits for another to finish
// changing the same dataset.
const lockWait = time.Minute

// heldDataset is a dataset file held for a change: an exclusive lock (flock) on
// the file itself is taken before it is read and kept until the new file is in
// its place, so curation commands that change one dataset at once take turns,
// and none writes over a change it did not read.
type heldDataset struct {
	path string // the file written: the dataset, or the target of its link
	fh   *os.File
	data []byte
	mode fs.FileMode
}

// holdDataset locks and reads the dataset file at path. A symbolic link is
// followed, and its target is what is changed. It waits for another command's
// lock up to lockWait, or until ctx is done.
func holdDataset(ctx context.Context, path string) (*heldDataset, error) {
	target, err := filepath.EvalSymlinks(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &curate.InputError{Msg: fmt.Sprintf("%s does not exist: run from the repository's root, or give --dataset FILE", path)}
	}
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", path, err)
	}
	deadline := time.Now().Add(lockWait)
	for {
		h, err := tryHold(target)
		if err == nil {
			removeStaleTemps(filepath.Dir(target), time.Now().Add(-staleTemp))
			return h, nil
		}
		if !errors.Is(err, errBusy) {
			return nil, err
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s: another command has been changing it for %v; try again when it has finished", path, lockWait)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// errBusy is tryHold's answer when another process holds the lock, or replaced
// the file while this one waited.
var errBusy = errors.New("dataset busy")

// tryHold opens target, takes its lock without waiting, checks that the file
// locked is still the one at target (a writer that held the lock before renames
// a new file there), and reads it.
func tryHold(target string) (*heldDataset, error) {
	fh, err := os.Open(target)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			fh.Close()
		}
	}()
	if err := syscall.Flock(int(fh.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EINTR) {
			return nil, errBusy
		}
		return nil, fmt.Errorf("lock %s: %w", target, err)
	}
	locked, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if !locked.Mode().IsRegular() {
		return nil, &curate.InputError{Msg: fmt.Sprintf("%s is not a regular file", target)}
	}
	now, err := os.Stat(target)
	if err != nil || !os.SameFile(locked, now) {
		return nil, errBusy
	}
	data, err := curate.ReadAllLimited(fh, facts.MaxDatasetBytes, target)
	if err != nil {
		return nil, err
	}
	ok = true
	return &heldDataset{path: target, fh: fh, data: data, mode: locked.Mode().Perm()}, nil
}

// replace puts data in the dataset's place: a temporary file beside it with its
// mode, synced, renamed over it, and its folder synced, so that a crash leaves
// the old file or the new one, whole. Nothing is written once ctx is done.
func (h *heldDataset) replace(ctx context.Context, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return writeDurable(ctx, h.path, data, h.mode, os.Rename)
}

// release gives up the lock.
func (h *heldDataset) release() { h.fh.Close() }

// writeDurable writes data to a temporary file beside path with mode, syncs it,
// puts it in place with commit(temporary, path) (os.Rename to replace, os.Link to
// create only) unless ctx is done by then, and syncs the folder. The temporary
// file is always removed.
func writeDurable(ctx context.Context, path string, data []byte, mode fs.FileMode, commit func(oldname, newname string) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := commit(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a folder's entries durable: a rename or link in it survives a
// crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// removeStaleTemps removes the temporary files in dir last changed before
// cutoff: what writers that crashed left. Best effort: what it cannot read or
// remove stays.
func removeStaleTemps(dir string, cutoff time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tempPrefix) || !e.Type().IsRegular() {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
