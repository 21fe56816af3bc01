package facts

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// FuzzLoad feeds arbitrary bytes to Load, with the project's and the fixtures'
// source documents: it must return an error or a dataset that validates, and never
// panic.
func FuzzLoad(f *testing.F) {
	docs := fuzzDocs(f)
	f.Add(embedded)
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Load(bytes.NewReader(data), docs)
		if err != nil {
			if d != nil {
				t.Fatalf("Load returned a dataset and an error: %v", err)
			}
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("Load accepted a dataset that does not validate: %v", err)
		}
		for _, fact := range d.All() {
			if !ValidID(fact.ID) {
				t.Fatalf("Load accepted invalid ID %q", fact.ID)
			}
			if got, ok := d.Lookup(fact.ID); !ok || got.ID != fact.ID {
				t.Fatalf("Lookup(%q) failed on a loaded dataset", fact.ID)
			}
		}
	})
}

// fuzzDocs returns the project's and the fixtures' source documents in one
// file system, for the fuzz targets.
func fuzzDocs(f *testing.F) fstest.MapFS {
	f.Helper()
	docs := fstest.MapFS{}
	for _, dir := range []fs.FS{SourceDocuments(), testDocs} {
		names, err := fs.Glob(dir, "*")
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range names {
			data, err := fs.ReadFile(dir, name)
			if err != nil {
				f.Fatal(err)
			}
			docs[name] = &fstest.MapFile{Data: data}
		}
	}
	return docs
}
