package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/factcard/factcard/functions/storage/storagetest"
)

// filesUnder lists the files under dir, slash-separated, sorted; a link or
// another kind of entry is listed with its type.
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := filepath.ToSlash(rel)
		if !d.Type().IsRegular() {
			name += " (" + d.Type().String() + ")"
		}
		out = append(out, name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// TestBrandBundle checks that 'brand bundle' copies brand.json, the files it
// names and their licence, and nothing else of a folder that also holds
// dotfiles, .git, other files and links out of it: what 'make build BRAND=…'
// puts beside each bootstrap. Before, the Makefile copied the whole folder.
func TestBrandBundle(t *testing.T) {
	src := exampleBrandCopy(t, nil)
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("fixture: not for the bundle"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{
		".git/config": "[core]", ".env": "FIXTURE=1", "notes.txt": "fixture notes", "fonts/unused.ttf": "fixture", "fonts/.DS_Store": "x",
	} {
		if err := os.MkdirAll(filepath.Join(src, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"outside": outside, "fonts/LICENSE-outside.txt": secret, "secret.txt": secret} {
		if err := os.Symlink(target, filepath.Join(src, link)); err != nil {
			t.Fatal(err)
		}
	}
	dst := filepath.Join(t.TempDir(), "brand")
	code, stdout, stderr := runCLI(t, nil, "brand", "bundle", src, dst)
	if code != exitOK || !strings.HasPrefix(stdout, "bundled brand Example Gazette into ") {
		t.Fatalf("brand bundle: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	want := slices.Sorted(slices.Values(exampleBrandFiles))
	if got := filesUnder(t, dst); !slices.Equal(got, want) {
		t.Errorf("bundled %q, want %q", got, want)
	}
	for _, name := range want {
		a, _ := os.ReadFile(filepath.Join(src, name))
		b, err := os.ReadFile(filepath.Join(dst, name))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: bundled copy differs (err %v)", name, err)
		}
	}
	code, _, stderr = runCLI(t, nil, "brand", "bundle", src, dst)
	if code != exitFail || !strings.Contains(stderr, "not empty") {
		t.Errorf("bundle into a full folder: exit %d, stderr %q; want 1 and not empty", code, stderr)
	}
	code, _, stderr = runCLI(t, nil, "brand", "bundle", src)
	if code != exitUsage || !strings.Contains(stderr, "SRC DST") {
		t.Errorf("bundle without DST: exit %d, stderr %q; want 2 and the usage", code, stderr)
	}
}

// TestBrandFolderIsARoot checks that a brand folder is read as a root of
// regular files, at start and by 'brand bundle': a file it names that is a link
// out of the folder, or a FIFO, stops the command with exit 2 and the field,
// and the FIFO does not hang it. Before, the folder was read with os.DirFS,
// which followed the link and blocked opening the FIFO.
func TestBrandFolderIsARoot(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "logo.png")
	logo, err := os.ReadFile(filepath.Join(exampleBrand, "logo.png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(outside, logo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
	}{
		{"a link out of the folder", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "logo.png"))
			if err := os.Symlink(outside, filepath.Join(dir, "logo.png")); err != nil {
				t.Fatal(err)
			}
		}, "logo: openat logo.png: path escapes from parent"},
		{"a FIFO", func(t *testing.T, dir string) {
			name := filepath.Join(dir, "fonts", "DejaVuSerif-Latin.ttf")
			os.Remove(name)
			storagetest.Mkfifo(t, name)
		}, "fonts.quote: open fonts/DejaVuSerif-Latin.ttf: not a regular file but a FIFO"},
	} {
		for _, cmd := range []string{"version", "brand bundle"} {
			t.Run(tc.name+" "+cmd, func(t *testing.T) {
				dir := exampleBrandCopy(t, nil)
				tc.setup(t, dir)
				args, vars := []string{"version"}, map[string]string{"FACTCARD_BRAND": dir}
				if cmd == "brand bundle" {
					args, vars = []string{"brand", "bundle", dir, filepath.Join(t.TempDir(), "out")}, nil
				}
				done := make(chan struct{})
				var (
					code   int
					stderr string
				)
				go func() {
					defer close(done)
					code, _, stderr = runCLI(t, vars, args...)
				}()
				select {
				case <-done:
				case <-time.After(20 * time.Second):
					t.Fatal("the command hangs on the brand folder")
				}
				if code != exitUsage || !strings.Contains(stderr, tc.want) {
					t.Errorf("%s: exit %d, stderr %q; want 2 and %q", strings.Join(args, " "), code, stderr, tc.want)
				}
			})
		}
	}
}
