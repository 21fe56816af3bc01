package storage_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/storagetest"
)

// TestDirFIFO: a FIFO at a key (or at its sidecar) is an error at once, never a
// read that waits for a writer that never comes.
func TestDirFIFO(t *testing.T) {
	const key = "cards/f/og-dark-1.png"
	t.Run("at the key", func(t *testing.T) {
		root := t.TempDir()
		d := newDir(t, root)
		storagetest.Mkfifo(t, filepath.Join(root, filepath.FromSlash(key)))
		err := storagetest.Returns(t, "Get of a FIFO", func() error { _, err := d.Get(context.Background(), key, 1<<30); return err })
		if err == nil || errors.Is(err, storage.ErrNotFound) || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("Get of a FIFO = %v, want an error saying it is not a regular file", err)
		}
		err = storagetest.Returns(t, "Head of a FIFO", func() error { _, err := d.Head(context.Background(), key); return err })
		if err == nil || errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Head of a FIFO = %v, want an error", err)
		}
		if err := d.Create(context.Background(), key, []byte("x"), pngInfo); !errors.Is(err, storage.ErrExists) {
			t.Errorf("Create over a FIFO = %v, want ErrExists (the name is taken)", err)
		}
	})
	t.Run("at the sidecar", func(t *testing.T) {
		root := t.TempDir()
		d := newDir(t, root)
		if err := d.Create(context.Background(), key, []byte("body"), pngInfo); err != nil {
			t.Fatal(err)
		}
		sidecar := filepath.Join(root, "cards", "f", ".og-dark-1.png.info")
		if err := os.Remove(sidecar); err != nil {
			t.Fatal(err)
		}
		storagetest.Mkfifo(t, sidecar)
		err := storagetest.Returns(t, "Get with a FIFO sidecar", func() error { _, err := d.Get(context.Background(), key, 1<<30); return err })
		if err == nil {
			t.Error("Get with a FIFO for a sidecar = nil error, want one")
		}
	})
}

// TestDirSymlinkAtKey: a symbolic link at a key is never followed, even to a file
// inside the root: the store writes no links.
func TestDirSymlinkAtKey(t *testing.T) {
	root := t.TempDir()
	d := newDir(t, root)
	ctx := context.Background()
	if err := d.Create(ctx, "cards/f/real.png", []byte("body"), pngInfo); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.png", filepath.Join(root, "cards", "f", "link.png")); err != nil {
		t.Fatal(err)
	}
	if obj, err := d.Get(ctx, "cards/f/link.png", 1<<30); err == nil {
		t.Errorf("Get of a symlink = %q, want an error", obj.Body)
	}
	if _, err := d.Head(ctx, "cards/f/link.png"); err == nil {
		t.Error("Head of a symlink = nil error, want one")
	}
}

// TestDirSizeCap: Get reads no object larger than the cap. A large sparse file
// costs nothing on disk and would take all memory to read.
func TestDirSizeCap(t *testing.T) {
	const key = "cards/f/og-dark-1.png"
	for _, tc := range []struct {
		name    string
		max     int64 // 0: the default
		size    int64
		wantErr bool
	}{
		{"sparse terabyte", 0, 1 << 40, true},
		{"one byte over the default", 0, storage.DefaultMaxObjectSize + 1, true},
		{"the default", 0, storage.DefaultMaxObjectSize, false},
		{"over a smaller cap", 1000, 1001, true},
		{"at a smaller cap", 1000, 1000, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			d, err := storage.OpenDir(root, storage.DirOptions{MaxObjectSize: tc.max})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.Close() })
			name := filepath.Join(root, filepath.FromSlash(key))
			if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY, 0o600)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Truncate(tc.size); err != nil {
				f.Close()
				t.Skipf("no sparse file of %d bytes here: %v", tc.size, err)
			}
			f.Close()
			var obj *storage.Object
			err = storagetest.Returns(t, "Get", func() error { var err error; obj, err = d.Get(context.Background(), key, 1<<30); return err })
			if tc.wantErr {
				if !errors.Is(err, storage.ErrTooLarge) {
					t.Errorf("Get of %d bytes = %v, want ErrTooLarge", tc.size, err)
				}
				return
			}
			if err != nil || int64(len(obj.Body)) != tc.size || obj.Size != tc.size {
				t.Errorf("Get of %d bytes = %v, want the object", tc.size, err)
			}
		})
	}
}

// TestDirDeadline: when the disk hangs, every call returns at its context's
// deadline, so that a stuck read can never hold the card service's single flight.
func TestDirDeadline(t *testing.T) {
	d := newDir(t, t.TempDir())
	if err := d.Create(context.Background(), "cards/f/x.png", []byte("body"), pngInfo); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	storage.StallDir(d, release)
	defer close(release)
	for _, tc := range []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"Get", func(ctx context.Context) error { _, err := d.Get(ctx, "cards/f/x.png", 1<<30); return err }},
		{"Head", func(ctx context.Context) error { _, err := d.Head(ctx, "cards/f/x.png"); return err }},
		{"Create", func(ctx context.Context) error { return d.Create(ctx, "cards/f/y.png", []byte("y"), pngInfo) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			err := storagetest.Returns(t, tc.name+" on a hung disk", func() error { return tc.call(ctx) })
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s on a hung disk = %v, want context.DeadlineExceeded", tc.name, err)
			}
		})
	}
	t.Run("many callers", func(t *testing.T) {
		// More callers than the store runs file operations at once: the ones left
		// waiting for a slot give up at their deadlines too.
		errs := make(chan error, 200)
		for range cap(errs) {
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
				defer cancel()
				_, err := d.Get(ctx, "cards/f/x.png", 1<<30)
				errs <- err
			}()
		}
		for range cap(errs) {
			err := storagetest.Returns(t, "Get", func() error { return <-errs })
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Get on a hung disk = %v, want context.DeadlineExceeded", err)
			}
		}
	})
}

// TestDirOwnership: a store directory that another user owns or that others can
// write is refused: whoever could write there could plant cards.
func TestDirOwnership(t *testing.T) {
	for _, tc := range []struct {
		mode    os.FileMode
		wantErr bool
	}{
		{0o700, false},
		{0o755, false},
		{0o750, false},
		{0o777, true},
		{0o770, true},
		{0o702, true},
		{0o1777, true},
	} {
		dir := filepath.Join(t.TempDir(), "store")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, tc.mode); err != nil {
			t.Fatal(err)
		}
		d, err := storage.NewDir(dir)
		if (err != nil) != tc.wantErr {
			t.Errorf("NewDir of a directory of mode %#o: err = %v, want an error: %v", tc.mode, err, tc.wantErr)
		}
		if err == nil {
			d.Close()
		}
	}
	t.Run("another user", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("needs root to give a directory to another user")
		}
		dir := filepath.Join(t.TempDir(), "store")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(dir, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if d, err := storage.NewDir(dir); err == nil || !strings.Contains(err.Error(), "owned by user 65534") {
			t.Errorf("NewDir of another user's directory: err = %v, want one naming the owner", err)
			if err == nil {
				d.Close()
			}
		}
	})
}

// TestDirModes: what the store creates only its user can read, unless the
// directory is served directly.
func TestDirModes(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	for _, tc := range []struct {
		name              string
		opts              storage.DirOptions
		wantDir, wantFile os.FileMode
	}{
		{"private", storage.DirOptions{}, 0o700, 0o600},
		{"served", storage.DirOptions{Served: true}, 0o755, 0o644},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "store")
			d, err := storage.OpenDir(root, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if err := d.Create(context.Background(), "cards/f/og.png", []byte("body"), pngInfo); err != nil {
				t.Fatal(err)
			}
			for _, rel := range []string{".", "cards", "cards/f", "cards/f/og.png", "cards/f/.og.png.info"} {
				fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(rel)))
				if err != nil {
					t.Fatal(err)
				}
				want := tc.wantFile
				if fi.IsDir() {
					want = tc.wantDir
				}
				if got := fi.Mode().Perm(); got != want {
					t.Errorf("%s: mode %#o, want %#o", rel, got, want)
				}
			}
		})
	}
}

// TestDirRemovesStaleTemps: opening a store removes the temporary files an hour
// old or older that crashed writers left, and nothing else.
func TestDirRemovesStaleTemps(t *testing.T) {
	root := t.TempDir()
	d := newDir(t, root)
	if err := d.Create(context.Background(), "cards/f/og.png", []byte("body"), pngInfo); err != nil {
		t.Fatal(err)
	}
	d.Close()
	old := time.Now().Add(-61 * time.Minute)
	for _, f := range []struct {
		rel string
		old bool
	}{
		{"cards/f/.tmp-0123456789abcdef", true},
		{".tmp-fedcba9876543210", true},
		{"cards/f/.tmp-aaaaaaaaaaaaaaaa", false},
		{"cards/f/tmp-not-ours.png", true},
		{"cards/f/.og.png.tmp-x", true},
	} {
		name := filepath.Join(root, filepath.FromSlash(f.rel))
		if err := os.WriteFile(name, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
		if f.old {
			if err := os.Chtimes(name, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	newDir(t, root)
	want := []string{"cards", "cards/f", "cards/f/.og.png.info", "cards/f/.og.png.tmp-x", "cards/f/.tmp-aaaaaaaaaaaaaaaa", "cards/f/og.png", "cards/f/tmp-not-ours.png"}
	if got := listFiles(t, root); !slices.Equal(got, want) {
		t.Errorf("files after opening = %q, want %q (only old .tmp-* files gone)", got, want)
	}
}
