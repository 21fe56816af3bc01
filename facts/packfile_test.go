package facts

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// packBoth packs a dataset file the two ways: LoadLarge and Pack, everything in
// memory, and PackFile, streamed. It returns both bundles, or both errors.
func packBoth(t testing.TB, data []byte, docs fs.FS, opts PackOptions) (mem, streamed *Bundle, memErr, streamErr error) {
	t.Helper()
	d, memErr := LoadLarge(bytes.NewReader(data), docs, MaxPublishBytes)
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
	valid, err := os.ReadFile(filepath.Join("testdata", "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		docs fs.FS
	}{
		{"embedded", embedded, SourceDocuments()},
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
// through both: PackFile must fail exactly as Load does, message for message.
func TestPackFileErrorsMatchLoad(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
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

// TestPackFileSyntaxErrors checks that a file broken anywhere fails with the
// message, line and column that decoding it whole gives.
func TestPackFileSyntaxErrors(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join("testdata", "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []string{
		``, ` `, `{`, `[`, `}`, `"x"`, `12`, `true`, `null`, `[1, 2]`, `{}`, `{} x`, `{}{}`, `{"facts": []} ]`,
		`{"facts"}`, `{"facts" []}`, `{"facts": [}`, `{"facts": [1 2]}`, `{"facts": [1,]}`, `{"facts": [,1]}`,
		`{"facts": [tru]}`, `{"facts": [tx]}`, `{"facts": [1.]}`, `{"facts": [-]}`, `{"facts": [1e]}`, `{"facts": [01]}`,
		`{"facts": [{"a": [}]}`, `{"facts": [{"a": "b}]}`, `{"facts": [{"a": "\q"}]}`, "{\"facts\": [{\"a\": \"\x01\"}]}",
		`{"facts": [{]}`, `{"facts": [{"a" 1}]}`, `{"facts": [{"a": 1,}]}`, `{"facts": [{"a": 1} {"b": 2}]}`,
		`{"facts": [], "sources": [], }`, `{"facts": [], "sources": []`, `{"facts": [], "sources": [],`, `{"facts": [] "x": 1}`,
		`{1: 2}`, `{"Facts": [1]}`, `{"FACTS": null}`, `{"facts": {"a": 1}}`, `{"facts": "x"}`, `{"facts": 3}`, `{"sources": true}`,
		`{"other": [1, 2]}`, `{"other": {"a": [}}`, `{"other": 1, "facts": 2}`, `{"facts": 2, "other": 1}`,
		`{"facts": [1], "facts": null}`, `{"facts": null, "facts": [1]}`, `{"sources": [{"id": 1}], "sources": []}`,
		"\xef\xbb\xbf{}", "{\"facts\": [\"\xff\"]}", "{\"facts\": []}\n\xe2\x82", "{\"facts\": [1 \xe2\x82\xac]}",
		"{\n\"facts\": [\n1,\n2\n3]}", `{"facts": [1]}   `, `{"facts": [1]}   x`, `{"facts": ["\u12"]}`, `{"facts": [nul`, `{"facts": [12`,
		string(valid[:len(valid)/2]), string(valid) + "\n{",
	} {
		t.Run(tc, func(t *testing.T) {
			_, _, memErr, streamErr := packBoth(t, []byte(tc), testDocs, PackOptions{})
			if memErr == nil {
				t.Fatalf("Load accepted %q", tc)
			}
			if errString(memErr) != errString(streamErr) {
				t.Errorf("streamed error:\n%v\nwant Load's:\n%v", streamErr, memErr)
			}
		})
	}
}

// smallReads makes PackFile read n bytes at a time until t ends, so that values
// and UTF-8 sequences are cut by the end of a read.
func smallReads(t testing.TB, n int) {
	t.Helper()
	old := readChunk
	readChunk = n
	t.Cleanup(func() { readChunk = old })
}

func TestPackFileSmallReads(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join("testdata", "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	broken := bytes.Replace(valid, []byte(`"fixture-second"`), []byte("\"fixture-\xe2\x82\xac-second\""), 1)
	for _, n := range []int{1, 2, 3, 5, 64} {
		smallReads(t, n)
		mem, streamed, memErr, err := packBoth(t, valid, testDocs, PackOptions{})
		if memErr != nil || err != nil {
			t.Fatalf("reads of %d bytes: in memory: %v; streamed: %v", n, memErr, err)
		}
		sameBundle(t, mem, streamed)
		_, _, memErr, err = packBoth(t, broken, testDocs, PackOptions{})
		if memErr == nil || errString(memErr) != errString(err) {
			t.Errorf("reads of %d bytes: streamed error:\n%v\nwant Load's:\n%v", n, err, memErr)
		}
	}
}

// FuzzPackFile feeds arbitrary bytes to both LoadLarge with Pack and PackFile:
// they must fail with the same message or give the same bundle.
func FuzzPackFile(f *testing.F) {
	docs := fuzzDocs(f)
	f.Add(embedded, uint8(0))
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for i, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(i))
	}
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		if chunk%4 != 0 {
			smallReads(t, int(chunk%16)+1)
		}
		mem, streamed, memErr, err := packBoth(t, data, docs, PackOptions{})
		if errString(memErr) != errString(err) {
			t.Fatalf("streamed error:\n%v\nwant Load's:\n%v", err, memErr)
		}
		if memErr == nil {
			sameBundle(t, mem, streamed)
		}
	})
}
