package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/factcard/factcard/functions/config"
	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/render/brand"
)

func brandCommand() *command {
	return &command{
		name:    "brand",
		summary: "work with a brand folder",
		sub: []*command{{
			name:    "bundle",
			args:    "SRC DST",
			summary: "copy a brand's brand.json and the files it names, and nothing else",
			help: `bundle checks the brand folder SRC as every command does at start, then copies
brand.json, the files it names (logo, fonts) and the licence files beside them
(LICENSE*, LICENCE*, OFL*, COPYING*: a font's licence travels with it) into DST,
which must not exist or be empty: nothing else of SRC (dotfiles, .git, other
files, links) is copied. The
files are read as a brand is loaded: SRC is opened as a root, so a link that
leaves it fails, and only regular files are read. The copy is loaded and checked
again and must have SRC's digest. 'make build BRAND=dir' bundles with it.`,
			flags: func(*flag.FlagSet) func(context.Context, *env, []string) error { return runBrandBundle },
		}},
	}
}

func runBrandBundle(_ context.Context, e *env, args []string) error {
	if len(args) != 2 {
		return usagef("want the brand folder SRC and the folder DST to copy it into")
	}
	src, dst := args[0], args[1]
	b, err := config.LoadBrand(src)
	if err != nil {
		return err
	}
	if entries, err := os.ReadDir(dst); err == nil && len(entries) > 0 {
		return fmt.Errorf("bundle into %s: the folder is not empty", dst)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("bundle into %s: %w", dst, err)
	}
	folder, err := storage.OpenFolder(src)
	if err != nil {
		return fmt.Errorf("brand %s: %w", src, err)
	}
	defer folder.Close()
	names := b.Files()
	names = append(names, licences(src, names)...)
	for _, name := range names {
		if err := copyBrandFile(folder, name, dst); err != nil {
			return fmt.Errorf("bundle brand %s into %s: %w", src, dst, err)
		}
	}
	copied, err := config.LoadBrand(dst)
	if err != nil {
		return fmt.Errorf("the bundled copy: %w", err)
	}
	if copied.Digest() != b.Digest() {
		return fmt.Errorf("bundle brand %s: its files changed while they were copied; run it again", src)
	}
	fmt.Fprintf(e.stdout, "bundled brand %s into %s: %s\n", b.Name, dst, strings.Join(names, ", "))
	return nil
}

// copyBrandFile copies the regular file name of the brand folder into dst,
// creating it there: it never writes through a file or link already in dst.
func copyBrandFile(folder *storage.Folder, name, dst string) error {
	in, err := folder.Open(name)
	if err != nil {
		return err
	}
	defer in.Close()
	path := filepath.Join(dst, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	// Load bounds every file it reads by far less than this.
	if _, err := io.Copy(out, io.LimitReader(in, brand.MaxFontBytes)); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", name, err)
	}
	return out.Close()
}

// licencePrefixes start the names of the licence files bundle copies beside a
// file brand.json names (compared in upper case).
var licencePrefixes = []string{"LICENSE", "LICENCE", "OFL", "COPYING"}

// licences returns the licence files in the folders of the brand folder src
// that hold the files names, as slash-separated paths, each once. Only names
// are listed here; they are read through the folder's root like the rest.
func licences(src string, names []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, name := range names {
		dir := path.Dir(name)
		if seen[dir] {
			continue
		}
		seen[dir] = true
		entries, err := os.ReadDir(filepath.Join(src, filepath.FromSlash(dir)))
		if err != nil {
			continue
		}
		for _, entry := range entries {
			upper := strings.ToUpper(entry.Name())
			if !entry.Type().IsRegular() || !slices.ContainsFunc(licencePrefixes, func(p string) bool { return strings.HasPrefix(upper, p) }) {
				continue
			}
			if l := path.Join(dir, entry.Name()); !slices.Contains(names, l) {
				out = append(out, l)
			}
		}
	}
	return out
}
