package storage_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/storagetest"
)

func newDir(t *testing.T, dir string) *storage.Dir {
	t.Helper()
	d, err := storage.NewDir(dir)
	if err != nil {
		t.Fatalf("NewDir(%q) = %v", dir, err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestDirConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return newDir(t, filepath.Join(t.TempDir(), "store"))
	})
}

var pngInfo = storage.Info{
	ContentType:  "image/png",
	CacheControl: "public, max-age=60",
	Metadata:     map[string]string{"fact-id": "f"},
}

// listFiles returns the slash-separated paths of every file and directory
// under dir, sorted.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if rel != "." {
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("list %s: %v", dir, err)
	}
	slices.Sort(files)
	return files
}

func TestDirLayout(t *testing.T) {
	root := t.TempDir()
	d := newDir(t, root)
	body := []byte("\x89PNG fake")
	if err := d.Create(context.Background(), "cards/f/og-dark-1.png", body, pngInfo); err != nil {
		t.Fatal(err)
	}
	got := listFiles(t, root)
	want := []string{"cards", "cards/f", "cards/f/.og-dark-1.png.info", "cards/f/og-dark-1.png"}
	if !slices.Equal(got, want) {
		t.Errorf("files after Create = %q, want %q (no temporary files left)", got, want)
	}
	// The file under the key is the body, byte for byte.
	b, err := os.ReadFile(filepath.Join(root, "cards", "f", "og-dark-1.png"))
	if err != nil || !bytes.Equal(b, body) {
		t.Errorf("file content = %q, %v; want %q", b, err, body)
	}
	if d.Path() != root {
		t.Errorf("Path() = %q, want %q", d.Path(), root)
	}
}

// TestDirHostileKeys checks that no invalid key touches the disk: after every
// hostile key has been tried with every method, the only things on disk are
// the root, an empty inner directory and a decoy outside it.
func TestDirHostileKeys(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	decoy := filepath.Join(base, "decoy.png")
	if err := os.WriteFile(decoy, []byte("outside"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := newDir(t, root)
	if err := os.Mkdir(filepath.Join(root, "cards"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	hostile := append(slices.Clone(storagetest.InvalidKeys),
		"../decoy.png", "cards/../../decoy.png", decoy, filepath.ToSlash(decoy),
		"cards/..%2f..%2fdecoy.png", "cards\\..\\..\\decoy.png", "cards/\x00/../../decoy.png",
	)
	for _, key := range hostile {
		if _, err := d.Get(ctx, key, 1<<30); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Get(%.40q) = %v, want ErrInvalidKey", key, err)
		}
		if _, err := d.Head(ctx, key); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Head(%.40q) = %v, want ErrInvalidKey", key, err)
		}
		if err := d.Create(ctx, key, []byte("evil"), pngInfo); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Create(%.40q) = %v, want ErrInvalidKey", key, err)
		}
	}
	if got, want := listFiles(t, base), []string{"decoy.png", "root", "root/cards"}; !slices.Equal(got, want) {
		t.Errorf("files after hostile keys = %q, want %q", got, want)
	}
	if b, _ := os.ReadFile(decoy); string(b) != "outside" {
		t.Errorf("decoy outside the root = %q, want it untouched", b)
	}
}

// TestDirSymlinkEscape checks that a symbolic link planted inside the root
// cannot lead a read or a write outside it.
func TestDirSymlinkEscape(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	base := t.TempDir()
	root := filepath.Join(base, "root")
	outside := filepath.Join(base, "outside")
	for _, dir := range []string{root, outside} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "secret.png"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "cards")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.png"), filepath.Join(root, "secret.png")); err != nil {
		t.Fatal(err)
	}
	d := newDir(t, root)
	ctx := context.Background()

	if err := d.Create(ctx, "cards/new.png", []byte("evil"), pngInfo); err == nil || errors.Is(err, storage.ErrExists) {
		t.Errorf("Create through a symlink out of the root = %v, want an error", err)
	}
	if obj, err := d.Get(ctx, "cards/secret.png", 1<<30); err == nil {
		t.Errorf("Get through a symlinked directory = %q, want an error", obj.Body)
	}
	if obj, err := d.Get(ctx, "secret.png", 1<<30); err == nil {
		t.Errorf("Get of a symlink out of the root = %q, want an error", obj.Body)
	}
	if got, want := listFiles(t, outside), []string{"secret.png"}; !slices.Equal(got, want) {
		t.Errorf("files outside the root = %q, want %q", got, want)
	}
}

// TestDirTwoInstances races two Dirs on one directory, as two processes
// sharing a card cache would: exactly one write wins.
func TestDirTwoInstances(t *testing.T) {
	root := t.TempDir()
	stores := []*storage.Dir{newDir(t, root), newDir(t, root)}
	const key = "cards/f/og-dark-1.png"
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins []int
	)
	start := make(chan struct{})
	for i := range 2 * storagetest.Racers {
		wg.Go(func() {
			<-start
			err := stores[i%2].Create(context.Background(), key, []byte{byte(i)}, pngInfo)
			switch {
			case err == nil:
				mu.Lock()
				wins = append(wins, i)
				mu.Unlock()
			case !errors.Is(err, storage.ErrExists):
				t.Errorf("writer %d: Create = %v, want nil or ErrExists", i, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if len(wins) != 1 {
		t.Fatalf("winners = %v, want exactly one", wins)
	}
	for i, s := range stores {
		obj, err := s.Get(context.Background(), key, 1<<30)
		if err != nil || !bytes.Equal(obj.Body, []byte{byte(wins[0])}) {
			t.Errorf("store %d: Get = %v, %v; want writer %d's body", i, obj, err, wins[0])
		}
	}
	if got, want := listFiles(t, root), []string{"cards", "cards/f", "cards/f/.og-dark-1.png.info", "cards/f/og-dark-1.png"}; !slices.Equal(got, want) {
		t.Errorf("files after the race = %q, want %q", got, want)
	}
}

// TestDirWithoutSidecar covers an object whose sidecar is missing, as it is
// for a moment after the winning link and for good after a crash right then:
// the object is served with the Info its file gives.
func TestDirWithoutSidecar(t *testing.T) {
	root := t.TempDir()
	d := newDir(t, root)
	ctx := context.Background()
	for _, tc := range []struct {
		key, wantType string
	}{
		{"cards/f/og-dark-1.png", "image/png"},
		{"cards/f/og-dark-1.jpg", "image/jpeg"},
		{"cards/f/blob", "application/octet-stream"},
	} {
		if err := d.Create(ctx, tc.key, []byte("body"), pngInfo); err != nil {
			t.Fatal(err)
		}
		dir, file := filepath.Split(filepath.Join(root, filepath.FromSlash(tc.key)))
		if err := os.Remove(filepath.Join(dir, "."+file+".info")); err != nil {
			t.Fatal(err)
		}
		info, err := d.Head(ctx, tc.key)
		if err != nil {
			t.Fatalf("Head(%q) = %v, want nil", tc.key, err)
		}
		if info.ContentType != tc.wantType || info.Size != 4 || info.CacheControl != "" || info.Metadata != nil {
			t.Errorf("Head(%q) = %+v, want ContentType %q, Size 4, nothing else", tc.key, info, tc.wantType)
		}
		if err := d.Create(ctx, tc.key, []byte("other"), pngInfo); !errors.Is(err, storage.ErrExists) {
			t.Errorf("Create(%q) again = %v, want ErrExists", tc.key, err)
		}
	}
}

func TestDirCorruptSidecar(t *testing.T) {
	root := t.TempDir()
	d := newDir(t, root)
	ctx := context.Background()
	const key = "f/x.png"
	if err := d.Create(ctx, key, []byte("body"), pngInfo); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "f", ".x.png.info"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := d.Get(ctx, key, 1<<30)
	if err == nil || errors.Is(err, storage.ErrNotFound) || !strings.Contains(err.Error(), ".x.png.info") {
		t.Errorf("Get with a corrupt sidecar = %v, want an error naming the sidecar", err)
	}
}

// TestDirKeyConflicts covers keys whose paths collide in a file system but
// not in S3: a key below another object, and a key naming a directory.
func TestDirKeyConflicts(t *testing.T) {
	d := newDir(t, t.TempDir())
	ctx := context.Background()
	if err := d.Create(ctx, "a/b", []byte("x"), pngInfo); err != nil {
		t.Fatal(err)
	}
	if err := d.Create(ctx, "c/d/e", []byte("x"), pngInfo); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key, want string
	}{
		{"a/b/c", "create directory"},
		{"c/d", "names a directory"},
	} {
		err := d.Create(ctx, tc.key, []byte("y"), pngInfo)
		if err == nil || errors.Is(err, storage.ErrExists) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Create(%q) = %v, want an error (not ErrExists) containing %q", tc.key, err, tc.want)
		}
	}
}

func TestNewDirErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.NewDir(file); err == nil {
		t.Error("NewDir(a file) = nil error, want one")
	}
	if _, err := storage.NewDir(filepath.Join(file, "below")); err == nil {
		t.Error("NewDir(below a file) = nil error, want one")
	}
}

func TestDirClosed(t *testing.T) {
	d, err := storage.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	if err := d.Create(context.Background(), "a", []byte("x"), pngInfo); err == nil {
		t.Error("Create after Close = nil, want an error")
	}
}
