package facts

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// memStore is a FactStore in memory.
type memStore struct {
	facts []Fact
	ids   map[string]bool
}

func (m *memStore) Dup(id string) (bool, error) {
	dup := m.ids[id] && id != ""
	m.ids[id] = true
	return dup, nil
}

func (m *memStore) Add(f Fact, _ bool) error {
	m.facts = append(m.facts, f)
	return nil
}

func (m *memStore) Fact(n int) (Fact, error) {
	if n < 0 || n >= len(m.facts) {
		return Fact{}, fmt.Errorf("no fact %d", n)
	}
	return m.facts[n], nil
}

// checked is what CheckFile gave: the facts in the store and the cited documents.
type checked struct {
	facts []Fact
	docs  []CitedDocument
}

// checkBoth checks a dataset file the two ways: LoadLarge, everything in memory,
// and CheckFile, streamed. It returns the dataset and what CheckFile gave, or both
// errors.
func checkBoth(t testing.TB, data []byte, docs fs.FS, opts FileOptions) (mem *Dataset, streamed checked, memErr, streamErr error) {
	t.Helper()
	mem, memErr = LoadLarge(bytes.NewReader(data), docs, MaxPublishBytes)
	store := &memStore{ids: map[string]bool{}}
	streamed.docs, streamErr = CheckFile(bytes.NewReader(data), int64(len(data)), docs, store, opts)
	streamed.facts = store.facts
	return mem, streamed, memErr, streamErr
}

// sameFacts fails t unless CheckFile gave d's facts, in order, and cited each
// document of d's facts once, in the order first cited, with its SHA-256.
func sameFacts(t testing.TB, d *Dataset, c checked) {
	t.Helper()
	if !reflect.DeepEqual(d.All(), c.facts) {
		t.Fatalf("CheckFile gave %d facts, LoadLarge %d, or they differ", len(c.facts), d.Len())
	}
	var want []string
	for _, f := range d.All() {
		if !slices.Contains(want, f.Source.Document) {
			want = append(want, f.Source.Document)
		}
	}
	var got []string
	for _, doc := range c.docs {
		got = append(got, doc.Name)
		body, err := fs.ReadFile(testDocsOrDefault(doc.Name), doc.Name)
		if err == nil && DocumentSHA256(body) != fmt.Sprintf("%x", doc.SHA256) {
			t.Errorf("document %s: SHA-256 %x, want %s", doc.Name, doc.SHA256, DocumentSHA256(body))
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("cited documents %q, want %q", got, want)
	}
}

// testDocsOrDefault is the folder that holds a document: the fixtures' or the
// project's.
func testDocsOrDefault(name string) fs.FS {
	if _, err := fs.Stat(testDocs, name); err == nil {
		return testDocs
	}
	return SourceDocuments()
}

func TestCheckFileMatchesLoad(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join("testdata", "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		docs fs.FS
		opts FileOptions
	}{
		{"embedded", embedded, SourceDocuments(), FileOptions{}},
		{"valid fixture", valid, testDocs, FileOptions{}},
		// No document stays cached: each is read and folded again when cited.
		{"no text cache", valid, testDocs, FileOptions{TextCacheBytes: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem, streamed, memErr, err := checkBoth(t, tc.data, tc.docs, tc.opts)
			if memErr != nil || err != nil {
				t.Fatalf("in memory: %v; streamed: %v", memErr, err)
			}
			sameFacts(t, mem, streamed)
		})
	}
}

// TestCheckFileErrorsMatchLoad runs every dataset in testdata, good and bad,
// through both: CheckFile must fail exactly as Load does, message for message.
func TestCheckFileErrorsMatchLoad(t *testing.T) {
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
			_, _, memErr, streamErr := checkBoth(t, data, testDocs, FileOptions{})
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

// TestCheckFileSyntaxErrors checks that a file broken anywhere fails with the
// message, line and column that decoding it whole gives.
func TestCheckFileSyntaxErrors(t *testing.T) {
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
			_, _, memErr, streamErr := checkBoth(t, []byte(tc), testDocs, FileOptions{})
			if memErr == nil {
				t.Fatalf("Load accepted %q", tc)
			}
			if errString(memErr) != errString(streamErr) {
				t.Errorf("streamed error:\n%v\nwant Load's:\n%v", streamErr, memErr)
			}
		})
	}
}

// smallReads makes CheckFile read n bytes at a time until t ends, so that values
// and UTF-8 sequences are cut by the end of a read.
func smallReads(t testing.TB, n int) {
	t.Helper()
	old := readChunk
	readChunk = n
	t.Cleanup(func() { readChunk = old })
}

func TestCheckFileSmallReads(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join("testdata", "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	broken := bytes.Replace(valid, []byte(`"fixture-second"`), []byte("\"fixture-\xe2\x82\xac-second\""), 1)
	for _, n := range []int{1, 2, 3, 5, 64} {
		smallReads(t, n)
		mem, streamed, memErr, err := checkBoth(t, valid, testDocs, FileOptions{})
		if memErr != nil || err != nil {
			t.Fatalf("reads of %d bytes: in memory: %v; streamed: %v", n, memErr, err)
		}
		sameFacts(t, mem, streamed)
		_, _, memErr, err = checkBoth(t, broken, testDocs, FileOptions{})
		if memErr == nil || errString(memErr) != errString(err) {
			t.Errorf("reads of %d bytes: streamed error:\n%v\nwant Load's:\n%v", n, err, memErr)
		}
	}
}

// FuzzCheckFile feeds arbitrary bytes to both LoadLarge and CheckFile: they must
// fail with the same message or give the same facts.
func FuzzCheckFile(f *testing.F) {
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
		mem, streamed, memErr, err := checkBoth(t, data, docs, FileOptions{})
		if errString(memErr) != errString(err) {
			t.Fatalf("streamed error:\n%v\nwant Load's:\n%v", err, memErr)
		}
		if memErr == nil {
			sameFacts(t, mem, streamed)
		}
	})
}
