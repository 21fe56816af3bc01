package published

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/factcard/factcard/facts"
)

// testDocs is the folder of fixture source documents facts' testdata datasets cite.
var testDocs = os.DirFS(filepath.Join("..", "testdata", "sources"))

// packBoth packs a dataset file the two ways: facts.LoadLarge and Pack, everything in
// memory, and PackFile, streamed. It returns both bundles, or both errors.
func packBoth(t testing.TB, data []byte, docs fs.FS, opts PackOptions) (mem, streamed *Bundle, memErr, streamErr error) {
	t.Helper()
	d, memErr := facts.LoadLarge(bytes.NewReader(data), docs, facts.MaxPublishBytes)
	if memErr == nil {
		mem, memErr = Pack(d, docs)
	}
	streamed, streamErr = PackFile(bytes.NewReader(data), int64(len(data)), docs, opts)
	return mem, streamed, memErr, streamErr
}

// sameBundle fails t unless a and b are the same bundle: version, manifest, and
// every object's name, type and bytes, in the same order.
func sameBundle(t *testing.T, a, b *Bundle) {
	t.Helper()
	if !reflect.DeepEqual(a.Manifest, b.Manifest) {
		t.Fatalf("manifests differ:\n in memory %+v\n streamed  %+v", a.Manifest, b.Manifest)
	}
	if len(a.Objects) != len(b.Objects) {
		t.Fatalf("%d objects in memory, %d streamed", len(a.Objects), len(b.Objects))
	}
	for i, o := range a.Objects {
		got, err := b.Objects[i].Bytes()
		if err != nil {
			t.Fatalf("object %s: %v", b.Objects[i].Name, err)
		}
		if b.Objects[i].Name != o.Name || b.Objects[i].ContentType != o.ContentType || !bytes.Equal(got, o.Body) {
			t.Errorf("object %d: streamed %s (%s, %d bytes), in memory %s (%s, %d bytes)",
				i, b.Objects[i].Name, b.Objects[i].ContentType, len(got), o.Name, o.ContentType, len(o.Body))
		}
	}
}

func TestPackFileMatchesPack(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join("..", "testdata", "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		docs fs.FS
	}{
		{"embedded", facts.EmbeddedDataset(), facts.SourceDocuments()},
		{"valid fixture", valid, testDocs},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem, streamed, memErr, err := packBoth(t, tc.data, tc.docs, PackOptions{})
			if memErr != nil || err != nil {
				t.Fatalf("in memory: %v; streamed: %v", memErr, err)
			}
			sameBundle(t, mem, streamed)
		})
	}
}

// TestPackFileErrorsMatchLoad runs every dataset in testdata, good and bad,
// through both: PackFile must fail exactly as facts.Load does, message for message.
func TestPackFileErrorsMatchLoad(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "*.json"))
	if err != nil || len(files) < 40 {
		t.Fatalf("found %d testdata files (%v); want the bad-input table's", len(files), err)
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			_, _, memErr, streamErr := packBoth(t, data, testDocs, PackOptions{})
			if errString(memErr) != errString(streamErr) {
				t.Errorf("streamed error:\n%v\nwant Load's:\n%v", streamErr, memErr)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
