package dataset_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/factcard/factcard/facts/factstest"
	"github.com/factcard/factcard/facts/published"
	"github.com/factcard/factcard/functions/dataset"
	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/storagetest"
)

// packStreamed packs n synthetic facts (generated text, not quotes) with
// published.PackFile and a spill file in dir, closed when t ends.
func packStreamed(t *testing.T, n int, dir string) (*published.Bundle, fstest.MapFS) {
	t.Helper()
	data, docs := factstest.Synthetic(n)
	spill, err := dataset.NewSpillFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := spill.Close(); err != nil {
			t.Error(err)
		}
	})
	b, err := published.PackFile(bytes.NewReader(data), int64(len(data)), docs, published.PackOptions{Spill: spill})
	if err != nil {
		t.Fatal(err)
	}
	return b, docs
}

// TestPublishStreamed: a bundle packed from a file, through a spill file, stores
// exactly the objects of the bundle packed in memory, under the same version.
func TestPublishStreamed(t *testing.T) {
	_, mem := synthetic(t, 1500)
	streamed, _ := packStreamed(t, 1500, t.TempDir())
	if streamed.Manifest.Version != mem.Manifest.Version {
		t.Fatalf("streamed version %s, in memory %s", streamed.Manifest.Version, mem.Manifest.Version)
	}
	a, b := storagetest.NewMemory(), storagetest.NewMemory()
	if _, err := dataset.Publish(t.Context(), a, "facts", mem); err != nil {
		t.Fatal(err)
	}
	res, err := dataset.Publish(t.Context(), b, "facts", streamed)
	if err != nil {
		t.Fatal(err)
	}
	if res.Written != len(mem.Objects) {
		t.Errorf("wrote %d objects, want %d", res.Written, len(mem.Objects))
	}
	for _, o := range mem.Objects {
		key := res.Key + "/" + o.Name
		want, err := a.Get(t.Context(), key, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		got, err := b.Get(t.Context(), key, 1<<30)
		if err != nil || !bytes.Equal(got.Body, want.Body) || got.ContentType != want.ContentType {
			t.Errorf("%s: streamed %d bytes (%s, %v), in memory %d bytes (%s)", key, len(got.Body), got.ContentType, err, len(want.Body), want.ContentType)
		}
	}
}

// TestPublishStreamedDocumentChanged: a source document changed between the check
// and the write fails the publish, and the manifest is not written.
func TestPublishStreamedDocumentChanged(t *testing.T) {
	b, docs := packStreamed(t, 300, t.TempDir())
	docs["synthetic-00001.txt"] = &fstest.MapFile{Data: []byte("another text")}
	store := storagetest.NewMemory()
	_, err := dataset.Publish(t.Context(), store, "facts", b)
	if err == nil || !strings.Contains(err.Error(), "synthetic-00001.txt") {
		t.Fatalf("Publish after a document changed = %v; want an error naming it", err)
	}
	if _, err := store.Head(t.Context(), "facts/"+b.Manifest.Version+"/manifest.json"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("manifest written after a failed publish: %v", err)
	}
}

func TestSpillFile(t *testing.T) {
	dir := t.TempDir()
	s, err := dataset.NewSpillFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{"first ", "second ", "third"} {
		if _, err := s.Write([]byte(part)); err != nil {
			t.Fatal(err)
		}
		// Reads between writes see everything written, flushed or not.
		got := make([]byte, 5)
		if _, err := s.ReadAt(got, 0); err != nil || string(got) != "first" {
			t.Fatalf("ReadAt(0) = %q, %v; want %q", got, err, "first")
		}
	}
	got := make([]byte, 5)
	if _, err := s.ReadAt(got, 13); err != nil || string(got) != "third" {
		t.Errorf("ReadAt(13) = %q, %v; want %q", got, err, "third")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if left, err := os.ReadDir(dir); err != nil || len(left) != 0 {
		t.Errorf("after Close the folder holds %v (%v); want nothing", left, err)
	}
}
