package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/testsupport/logbuf"
	"github.com/factcard/factcard/functions/testsupport/proc"
)

// fishingQuotes are quotes of the fixture document fixture-fishing.txt, each
// attributed there to a named speaker.
var fishingQuotes = []string{
	"Good morning from the coast. The season opens today.",
	"The quotas are final.",
	"a gift to the big fleets",
	"We will not stop.",
	"Nobody asked the harbours.",
}

// fishingDataset is a scratch dataset with the fixture source fixture-fishing
// added.
func fishingDataset(t *testing.T) string {
	t.Helper()
	path := scratchDataset(t)
	fixture := filepath.Join("..", "..", "facts", "curate", "testdata", "fixture-fishing.txt")
	code, stdout, stderr := runCLI(t, nil, "facts", "add-source", fixture, "--dataset", path,
		"--headline", "Ministers Trade Words Over Fishing Rights", "--published", "June 3, 2025")
	if code != exitOK {
		t.Fatalf("add-source: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	return path
}

// TestAddInParallel: 'facts add' runs started at once on one dataset all land,
// one after another (before, each reported success and only one fact landed).
func TestAddInParallel(t *testing.T) {
	bin := buildFactcard(t)
	path := fishingDataset(t)
	type result struct {
		code   int
		output string
	}
	results := make([]result, len(fishingQuotes))
	var wg sync.WaitGroup
	for i, q := range fishingQuotes {
		wg.Go(func() {
			cmd := exec.Command(bin, "facts", "add", "--dataset", path, "--source", "fixture-fishing", "--quote", q)
			out, err := cmd.CombinedOutput()
			results[i] = result{cmd.ProcessState.ExitCode(), string(out)}
			if err != nil && cmd.ProcessState == nil {
				results[i] = result{-1, err.Error()}
			}
		})
	}
	wg.Wait()
	d, err := loadDatasetFile(path)
	if err != nil {
		t.Fatalf("the dataset after the parallel runs: %v", err)
	}
	have := map[string]bool{}
	for _, f := range d.All() {
		have[f.Quote] = true
	}
	for i, q := range fishingQuotes {
		r := results[i]
		if r.code != exitOK {
			t.Errorf("add %q: exit %d: %s", q, r.code, r.output)
			continue
		}
		if !haveQuote(have, q) {
			out := strings.Split(strings.TrimSpace(r.output), "\n")
			t.Errorf("add %q reported success (%s), but the dataset does not hold it", q, out[len(out)-1])
		}
	}
	if got, want := d.Len(), facts.Default().Len()+len(fishingQuotes); got != want {
		t.Errorf("the dataset holds %d facts, want %d", got, want)
	}
}

// haveQuote reports whether have holds quote as the dataset writes it (a
// sentence that ran on into its attribution ends in a full stop).
func haveQuote(have map[string]bool, quote string) bool {
	return have[quote] || have[strings.TrimSuffix(quote, ".")+"."]
}

// TestAddWritesDurably: through a symbolic link the target is changed and the
// link stays; the file keeps its mode; a stale temporary file beside it goes and
// a fresh one (another writer's, perhaps) stays; nothing else is left behind.
func TestAddWritesDurably(t *testing.T) {
	path := fishingDataset(t)
	dir := filepath.Dir(path)
	// The dataset lives elsewhere; the path the curator uses is a link to it.
	realDir := t.TempDir()
	target := filepath.Join(realDir, "dataset.json")
	if err := os.Rename(path, target); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(target, 0o640); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(realDir, ".factcard-123456")
	fresh := filepath.Join(realDir, ".factcard-654321")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("half a dataset"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := runCLI(t, nil, "facts", "add", "--dataset", path, "--source", "fixture-fishing", "--quote", fishingQuotes[1])
	if code != exitOK {
		t.Fatalf("add: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s is no longer a symbolic link (%v, %v)", path, fi.Mode(), err)
	}
	data, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(fishingQuotes[1])) {
		t.Errorf("the link's target does not hold the new fact")
	}
	if fi, err := os.Stat(target); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("the dataset's mode = %v (%v), want 0640 as it was", fi.Mode().Perm(), err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the stale temporary file %s is still there (%v)", stale, err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("the fresh temporary file %s was removed: %v", fresh, err)
	}
	for _, d := range []string{dir, realDir, filepath.Join(dir, "sources")} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".factcard-") && filepath.Join(d, e.Name()) != fresh {
				t.Errorf("left behind: %s", filepath.Join(d, e.Name()))
			}
		}
	}
}

// TestSourcesFolderIsARoot: a document that is a FIFO fails at once instead of
// hanging the command, and one that is a link out of the sources folder is
// refused.
func TestSourcesFolderIsARoot(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "outside.txt")
	if err := os.WriteFile(outside, []byte("FIXTURE outside the sources folder\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		plant func(doc string) error
		want  string
	}{
		{"a FIFO", func(doc string) error { return syscall.Mkfifo(doc, 0o644) }, "not a regular file"},
		{"a link out of the folder", func(doc string) error { return os.Symlink(outside, doc) }, "escapes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := scratchDataset(t)
			doc := filepath.Join(filepath.Dir(path), "sources", "000_c1ab32550f819f58.txt")
			if err := os.Remove(doc); err != nil {
				t.Fatal(err)
			}
			if err := tt.plant(doc); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{
				{"facts", "validate", path},
				{"facts", "add", "--dataset", path, "--source", article, "--quote", "anything"},
				{"render", "--dataset", path, "--all", "-o", t.TempDir()},
			} {
				done := make(chan struct{})
				var code int
				var stderr string
				go func() {
					defer close(done)
					code, _, stderr = runCLI(t, nil, args...)
				}()
				select {
				case <-done:
				case <-time.After(30 * time.Second):
					// Unblock the reader, so the test can end.
					if f, err := os.OpenFile(doc, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
						f.Close()
					}
					t.Fatalf("%s: still running after 30 s", strings.Join(args, " "))
				}
				if code == exitOK || !strings.Contains(stderr, tt.want) {
					t.Errorf("%s: exit %d, stderr %q; want a failure saying %q", strings.Join(args, " "), code, stderr, tt.want)
				}
			}
		})
	}
}

// TestAddInterrupted: SIGINT stops 'facts add' while it reads a long source,
// at once, and nothing is written.
func TestAddInterrupted(t *testing.T) {
	bin := buildFactcard(t)
	path := scratchDataset(t)
	// A long fixture source: lines of attributed fixture quotes.
	var doc strings.Builder
	doc.WriteString("FIXTURE Long Headline\n")
	for i := 0; doc.Len() < 2<<20; i++ {
		fmt.Fprintf(&doc, "“Fixture words number %d,” Fixture Minister Ana Lenz said on Friday. “More of them,” Lenz added.\n", i)
	}
	long := filepath.Join(t.TempDir(), "fixture-long.txt")
	if err := os.WriteFile(long, []byte(doc.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, nil, "facts", "add-source", long, "--dataset", path, "--headline", "FIXTURE Long Headline")
	if code != exitOK {
		t.Fatalf("add-source: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	before := snapshot(t, filepath.Dir(path))
	cmd := exec.Command(bin, "facts", "add", "--dataset", path, "--source", "fixture-long", "--quote", "Fixture words number 1000", "--said", "unknown")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Signal once it has worked a while (its signal handler is set up long
	// before): a third of a second of processor time.
	sp := &serveProc{Process: &proc.Process{Cmd: cmd}}
	if err := proc.Until(time.Minute, func() error {
		if cpu, err := sp.readCPU(); err != nil || cpu < 300*time.Millisecond {
			return fmt.Errorf("used %v of processor time (%v)", cpu, err)
		}
		return nil
	}); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal(err)
	}
	sent := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("facts add still running 10 s after SIGINT")
	}
	t.Logf("stopped %v after SIGINT: exit %d: %s", time.Since(sent), cmd.ProcessState.ExitCode(), strings.TrimSpace(out.String()))
	if cmd.ProcessState.ExitCode() == exitOK {
		t.Errorf("facts add exit 0 after SIGINT: %s", out.String())
	}
	if !strings.Contains(out.String(), "interrupted") {
		t.Errorf("output %q; want it to say the command was interrupted", out.String())
	}
	sameFiles(t, before, snapshot(t, filepath.Dir(path)))
}

// TestDocumentNameOneRule: a document name the dataset accepts is one that
// publish can store as a key segment (<root>/<version>/sources/<document>), and
// one it refuses is one publish could not (before, capitalised names passed
// add-source and failed publish halfway).
func TestDocumentNameOneRule(t *testing.T) {
	for _, name := range []string{
		"000_c1ab32550f819f58.txt", "a", "report-2025.txt", "Report.txt", "REPORT", "a b.txt", "_x.txt", ".x",
		"-x", "a..b", "café.txt", strings.Repeat("a", 200), strings.Repeat("a", 201),
	} {
		accepts := facts.ValidDocumentName(name)
		keyErr := storage.ValidKey("facts/" + strings.Repeat("0", 64) + "/sources/" + name)
		if accepts != (keyErr == nil) {
			t.Errorf("%.24q… (%d bytes): the dataset accepts it: %v; publish's key: %v", name, len(name), accepts, keyErr)
		}
	}
}

// TestServeDataset: 'serve --dataset FILE' serves a newsroom's own dataset file,
// its new fact with its card, as 'render --dataset' renders it.
func TestServeDataset(t *testing.T) {
	bin := buildFactcard(t)
	path := fishingDataset(t)
	code, stdout, stderr := runCLI(t, nil, "facts", "add", "--dataset", path, "--source", "fixture-fishing", "--quote", fishingQuotes[4], "--id", "fixture-harbours")
	if code != exitOK {
		t.Fatalf("add: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	// Both a published dataset and a file: which to serve is not clear.
	code, _, stderr = runCLI(t, map[string]string{"FACTCARD_DATASET": "s3://bucket/facts/" + strings.Repeat("0", 64)}, "serve", "--dataset", path)
	if code != exitUsage || !strings.Contains(stderr, "give one") {
		t.Errorf("serve --dataset with FACTCARD_DATASET: exit %d, stderr %q; want 2 saying to give one", code, stderr)
	}

	sp := startServeWith(t, bin, []string{"FACTCARD_DIR=" + t.TempDir()}, &logbuf.Buffer{}, "--dataset", path)
	for _, tt := range []struct {
		path, wantType string
		want           []byte
	}{
		{"/facts/fixture-harbours", "application/json", []byte("Nobody asked the harbours.")},
		{"/cards/fixture-harbours.png", "image/png", []byte("\x89PNG")},
		{"/healthz", "application/json", []byte(`"facts":7`)},
	} {
		resp, err := http.Get(sp.url + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.wantType) || !bytes.Contains(body, tt.want) {
			t.Errorf("GET %s = %d %s, %.80q; want 200 %s with %q", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), body, tt.wantType, tt.want)
		}
	}
	if code := sp.stop(t); code != exitOK {
		t.Errorf("serve exit %d after SIGTERM; log:\n%s", code, sp.log.String())
	}
}
