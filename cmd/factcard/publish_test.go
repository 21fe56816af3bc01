package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/factstest"
	"github.com/factcard/factcard/facts/published"
	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/s3store"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/functions/testsupport/s3server"
)

// writeSynthetic writes n synthetic facts (generated text, not quotes) and their
// documents to a folder, as a newsroom keeps a dataset file and its sources.
func writeSynthetic(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	data, docs := factstest.Synthetic(n)
	if err := os.WriteFile(filepath.Join(dir, "dataset.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sources"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, f := range docs {
		if err := os.WriteFile(filepath.Join(dir, "sources", name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "dataset.json")
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestPublish(t *testing.T) {
	srv := s3server.Start(t)
	srv.SetEnv(t)
	bucket := srv.CreateBucket(t, "")
	file := writeSynthetic(t, 40)
	vars := map[string]string{"FACTCARD_BUCKET": bucket, "FACTCARD_PREFIX": "prod", "FACTCARD_S3_ENDPOINT": srv.Endpoint}

	code, stdout, stderr := runCLI(t, vars, "publish", "--dataset", file)
	if code != exitOK {
		t.Fatalf("publish: exit %d\n%s\n%s", code, stdout, stderr)
	}
	url := lastLine(stdout)
	if !strings.HasPrefix(url, "s3://"+bucket+"/prod/facts/") || len(url) != len("s3://"+bucket+"/prod/facts/")+published.VersionDigits {
		t.Fatalf("last line %q, want s3://%s/prod/facts/VERSION", url, bucket)
	}
	if !strings.Contains(stdout, "40 facts valid") || !strings.Contains(stdout, "already there") {
		t.Errorf("publish said:\n%s", stdout)
	}

	// Serving from it: the URL is what FACTCARD_DATASET takes.
	code, stdout2, stderr := runCLI(t, map[string]string{"FACTCARD_DATASET": url, "FACTCARD_S3_ENDPOINT": srv.Endpoint, "FACTCARD_DIR": t.TempDir()},
		"generate", "--sizes", "og", "--themes", "dark", "--json")
	if code != exitOK || !strings.Contains(stdout2, `"rendered": 40`) {
		t.Errorf("generate from the published dataset: exit %d\n%s\n%s", code, stdout2, stderr)
	}

	// Again: same version, nothing written.
	code, again, _ := runCLI(t, vars, "publish", "--dataset", file)
	if code != exitOK || lastLine(again) != url || !strings.Contains(again, "wrote 0 objects") {
		t.Errorf("second publish: exit %d\n%s", code, again)
	}

	// A different object squatting on one of a new version's keys: refused, untouched.
	other := writeSynthetic(t, 41)
	code, first, _ := runCLI(t, map[string]string{"FACTCARD_BUCKET": bucket, "FACTCARD_S3_ENDPOINT": srv.Endpoint, "FACTCARD_PREFIX": "staging"}, "publish", "--dataset", other)
	if code != exitOK {
		t.Fatalf("publish 41 facts: %s", first)
	}
	version := lastLine(first)[strings.LastIndexByte(lastLine(first), '/')+1:]
	store := s3store.New(srv.Client(t), bucket, "prod")
	squat := "facts/" + version + "/shards/0000.json"
	if err := store.Create(t.Context(), squat, []byte("not a shard"), storage.Info{ContentType: "text/plain"}); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI(t, vars, "publish", "--dataset", other)
	if code != exitFail || !strings.Contains(stderr, "never overwrites") {
		t.Errorf("publish over a different object: exit %d\n%s\n%s", code, stdout, stderr)
	}
	obj, err := store.Get(t.Context(), squat, 1<<30)
	if err != nil || !bytes.Equal(obj.Body, []byte("not a shard")) {
		t.Errorf("the squatting object was changed: %q, %v", obj.Body, err)
	}
}

func TestPublishUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		vars map[string]string
		args []string
		code int
		want string
	}{
		{"no bucket", nil, []string{"publish", "--dataset", "x.json"}, exitFail, "FACTCARD_BUCKET"},
		{"arguments", map[string]string{"FACTCARD_BUCKET": "cards"}, []string{"publish", "x.json"}, exitUsage, "flags only"},
		{"missing file", map[string]string{"FACTCARD_BUCKET": "cards"}, []string{"publish", "--dataset", filepath.Join(t.TempDir(), "none.json")}, exitFail, "none.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.vars, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}

// TestPublishInvalidWritesNothing breaks one fact of a file, the first, one in the
// middle or the last: publish fails naming it, and the bucket stays empty. The
// dataset is read a piece at a time, but nothing is written before all of it has
// been checked.
func TestPublishInvalidWritesNothing(t *testing.T) {
	srv := s3server.Start(t)
	srv.SetEnv(t)
	bucket := srv.CreateBucket(t, "")
	vars := map[string]string{"FACTCARD_BUCKET": bucket, "FACTCARD_S3_ENDPOINT": srv.Endpoint}
	const n = 300
	for _, tc := range []struct {
		name string
		pos  int
		edit func(t *testing.T, file string, pos int)
		want string
	}{
		{"quote not in source, first fact", 0, misquote, "quote: "},
		{"quote not in source, middle fact", n / 2, misquote, "quote: "},
		{"quote not in source, last fact", n - 1, misquote, "quote: "},
		{"too long for a card, last fact", n - 1, lengthen, "fit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := writeSynthetic(t, n)
			tc.edit(t, file, tc.pos)
			code, stdout, stderr := runCLI(t, vars, "publish", "--dataset", file)
			id := factstest.ID(tc.pos)
			if code != exitFail || !strings.Contains(stderr, fmt.Sprintf("fact %d (%q)", tc.pos+1, id)) || !strings.Contains(stderr, tc.want) {
				t.Errorf("publish: exit %d\n%s\n%s\nwant a failure naming fact %d (%q) and %q", code, stdout, stderr, tc.pos+1, id, tc.want)
			}
			list, err := srv.Client(t).ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: &bucket})
			if err != nil {
				t.Fatal(err)
			}
			if len(list.Contents) != 0 {
				t.Errorf("the bucket holds %d objects after a failed publish, %q first", len(list.Contents), *list.Contents[0].Key)
			}
		})
	}
}

// editFile replaces old with new, once, in file.
func editFile(t *testing.T, file, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), old, new, 1)
	if edited == string(data) {
		t.Fatalf("%q is not in %s", old, file)
	}
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
}

// misquote changes synthetic fact pos's quote so that its source no longer has it.
func misquote(t *testing.T, file string, pos int) {
	t.Helper()
	prefix := fmt.Sprintf(`"quote":"Synthetic sentence %d, not a quote: the`, pos)
	editFile(t, file, prefix, prefix+" misquoted")
}

// lengthen gives synthetic fact pos a quote far too long for a card, and adds it
// to its source document, with the document's new SHA-256, so that only the
// layout check refuses it.
func lengthen(t *testing.T, file string, pos int) {
	t.Helper()
	long := fmt.Sprintf("Synthetic sentence %d, not a quote: %sthe end.", pos, strings.Repeat("the quiet lantern will weigh the old bridge, and ", 18))
	editFile(t, file, fmt.Sprintf(`"quote":"Synthetic sentence %d, not a quote: `, pos), `"quote":"`+long+`","was":"`)
	// The old quote stays behind as an unknown field: drop it.
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(string(data), `","was":"`)
	end := start + len(`","was":"`) + strings.Index(string(data[start+len(`","was":"`):]), `"`)
	if err := os.WriteFile(file, append(data[:start+1], data[end+1:]...), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(filepath.Dir(file), "sources", fmt.Sprintf("synthetic-%05d.txt", pos/factstest.FactsPerDocument))
	text, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	grown := append(bytes.Clone(text), "\n"+long+"\n"...)
	if err := os.WriteFile(doc, grown, 0o644); err != nil {
		t.Fatal(err)
	}
	editFile(t, file, facts.DocumentSHA256(text), facts.DocumentSHA256(grown))
}

// TestPublishFromPipe: a dataset given as a pipe, which cannot be read twice, is
// copied first and publishes the version of the same file.
func TestPublishFromPipe(t *testing.T) {
	srv := s3server.Start(t)
	srv.SetEnv(t)
	vars := map[string]string{"FACTCARD_BUCKET": srv.CreateBucket(t, ""), "FACTCARD_S3_ENDPOINT": srv.Endpoint}
	file := writeSynthetic(t, 120)
	code, stdout, stderr := runCLI(t, vars, "publish", "--dataset", file)
	if code != exitOK {
		t.Fatalf("publish the file: exit %d\n%s\n%s", code, stdout, stderr)
	}
	want := lastLine(stdout)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pipe := filepath.Join(t.TempDir(), "dataset.pipe")
	storagetest.Mkfifo(t, pipe)
	go func() {
		w, err := os.OpenFile(pipe, os.O_WRONLY, 0)
		if err != nil {
			return // the test fails below
		}
		defer w.Close()
		w.Write(data)
	}()
	code, stdout, stderr = runCLI(t, vars, "publish", "--dataset", pipe, "--sources", filepath.Join(filepath.Dir(file), "sources"))
	if code != exitOK || lastLine(stdout) != want || !strings.Contains(stdout, "wrote 0 objects") {
		t.Errorf("publish the same dataset through a pipe: exit %d\n%s\n%s\nwant %s, nothing new written", code, stdout, stderr, want)
	}
}
