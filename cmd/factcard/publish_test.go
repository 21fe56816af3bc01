package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts/factstest"
	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/s3store"
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
	if !strings.HasPrefix(url, "s3://"+bucket+"/prod/facts/") || len(url) != len("s3://"+bucket+"/prod/facts/")+20 {
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
	obj, err := store.Get(t.Context(), squat)
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
