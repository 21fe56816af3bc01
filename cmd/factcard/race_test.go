package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/functions/testsupport/logbuf"
	"github.com/factcard/factcard/functions/testsupport/proc"
	"github.com/factcard/factcard/functions/testsupport/s3server"
	"github.com/factcard/factcard/render"
)

// TestTwoProcessesRace starts two `factcard serve` processes on one store,
// once an S3 bucket (versitygw) and once a directory, and asks both at the same
// moment for the same card that is not stored yet. The store must end up with
// exactly one object for the card, both processes must serve the same bytes
// (a fresh render's), neither may log a warning or an error, and both must
// shut down cleanly (exit 0) on SIGTERM.
func TestTwoProcessesRace(t *testing.T) {
	bin := buildFactcard(t)
	opts := render.Options{Size: render.SizeStory, Theme: render.ThemeLight} // the slowest render: the widest window for a race
	ref := cardRef(t, facts.Default().All()[0].ID, opts)
	path := "/cards/" + ref.Fact.ID + ".png?size=" + string(opts.Size) + "&theme=" + string(opts.Theme)
	var want bytes.Buffer
	if err := render.Render(&want, ref.Fact, opts); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		// setup returns the environment of both processes and a function
		// listing the objects stored under the card's fact, by key.
		setup func(t *testing.T) (env []string, objects func(t *testing.T) map[string][]byte)
	}{
		{"s3 bucket", func(t *testing.T) ([]string, func(*testing.T) map[string][]byte) {
			srv := s3server.Start(t)
			bucket := srv.CreateBucket(t, "")
			env := append(srv.Env(), "FACTCARD_BUCKET="+bucket, "FACTCARD_PREFIX=")
			return env, func(t *testing.T) map[string][]byte {
				return bucketObjects(t, srv.Client(t), bucket, cards.KeyPrefix()+ref.Fact.ID+"/")
			}
		}},
		{"directory", func(t *testing.T) ([]string, func(*testing.T) map[string][]byte) {
			dir := t.TempDir()
			env := []string{"FACTCARD_DIR=" + dir, "FACTCARD_BUCKET=", "FACTCARD_S3_ENDPOINT=", "FACTCARD_PREFIX="}
			return env, func(t *testing.T) map[string][]byte { return dirObjects(t, dir, cards.KeyPrefix()+ref.Fact.ID) }
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, objects := tt.setup(t)
			procs := []*serveProc{startServe(t, bin, env), startServe(t, bin, env)}

			// 16 requests to each process, all let go at once, each on a
			// connection of its own.
			const perProc = 16
			type result struct {
				proc   int
				status int
				source string
				body   []byte
				err    error
			}
			results := make([]result, 2*perProc)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range results {
				p := i % 2
				wg.Go(func() {
					<-start
					status, source, body, err := fetch(procs[p].url + path)
					results[i] = result{p, status, source, body, err}
				})
			}
			close(start)
			wg.Wait()

			rendered := [2]int{}
			for i, r := range results {
				switch {
				case r.err != nil:
					t.Errorf("request %d to process %d: %v", i, r.proc, r.err)
				case r.status != http.StatusOK:
					t.Errorf("request %d to process %d: status %d; want 200", i, r.proc, r.status)
				case !bytes.Equal(r.body, want.Bytes()):
					t.Errorf("request %d to process %d: %d bytes that differ from a fresh render (%d bytes)", i, r.proc, len(r.body), want.Len())
				}
				if r.source == "render" {
					rendered[r.proc]++
				}
			}
			t.Logf("responses from a render (the rest from the store): process 0: %d of %d, process 1: %d of %d",
				rendered[0], perProc, rendered[1], perProc)

			// Exactly one object for the card, the bytes served.
			objs := objects(t)
			if len(objs) != 1 {
				t.Errorf("store holds %d objects for %s: %q; want exactly 1", len(objs), ref.Fact.ID, slices.Sorted(maps.Keys(objs)))
			}
			if body, ok := objs[ref.Key]; !ok {
				t.Errorf("store lacks %s", ref.Key)
			} else if !bytes.Equal(body, want.Bytes()) {
				t.Errorf("stored %s (%d bytes) differs from a fresh render (%d bytes)", ref.Key, len(body), want.Len())
			}

			// Now both read the one object.
			for i, p := range procs {
				status, source, body, err := fetch(p.url + path)
				if err != nil || status != http.StatusOK || source != "store" || !bytes.Equal(body, want.Bytes()) {
					t.Errorf("process %d afterwards: status %d, source %q, err %v, same bytes %v; want 200 from the store, the same bytes",
						i, status, source, err, bytes.Equal(body, want.Bytes()))
				}
			}

			for i, p := range procs {
				if code := p.stop(t); code != 0 {
					t.Errorf("process %d exited %d on SIGTERM; want 0\nstderr:\n%s", i, code, p.log.String())
				}
				logs := p.log.String()
				if bad := badLogLines(logs); len(bad) > 0 {
					t.Errorf("process %d logged warnings or errors:\n%s", i, strings.Join(bad, "\n"))
				}
				if !strings.Contains(logs, "shutting down") {
					t.Errorf("process %d did not log its graceful shutdown; stderr:\n%s", i, logs)
				}
			}
		})
	}
}

// cardRef resolves a card as the server does, without I/O.
func cardRef(t testing.TB, id string, opts render.Options) cards.Ref {
	t.Helper()
	svc, err := cards.New(cards.Config{Facts: facts.Default(), Store: storagetest.NewMemory()})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := svc.Ref(t.Context(), id, opts)
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// fetch GETs url on a connection of its own and returns the status, the
// X-Card-Source header and the body.
func fetch(url string) (status int, source string, body []byte, err error) {
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("X-Card-Source"), body, err
}

// bucketObjects returns the objects under prefix in bucket, by key.
func bucketObjects(t *testing.T, client *s3.Client, bucket, prefix string) map[string][]byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := map[string][]byte{}
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("list s3://%s/%s: %v", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			obj, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: o.Key})
			if err != nil {
				t.Fatalf("get %s: %v", aws.ToString(o.Key), err)
			}
			body, err := io.ReadAll(obj.Body)
			obj.Body.Close()
			if err != nil {
				t.Fatalf("read %s: %v", aws.ToString(o.Key), err)
			}
			out[aws.ToString(o.Key)] = body
		}
	}
	return out
}

// dirObjects returns the objects a directory store keeps in the folder sub of
// root, by key. Besides them the folder may hold only their sidecars
// (.NAME.info): a leftover temporary file is an error.
func dirObjects(t *testing.T, root, sub string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(root, sub))
	if err != nil {
		t.Fatalf("read store directory: %v", err)
	}
	out := map[string][]byte{}
	var hidden []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			hidden = append(hidden, e.Name())
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, sub, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[sub+"/"+e.Name()] = b
	}
	for _, h := range hidden {
		name, sidecar := strings.CutSuffix(strings.TrimPrefix(h, "."), ".info")
		if _, isObject := out[sub+"/"+name]; !sidecar || !isObject {
			t.Errorf("store directory holds %s, which is no object's sidecar (a leftover temporary file?)", h)
		}
	}
	return out
}

// badLogLines returns the lines of a text log at level WARN or ERROR.
func badLogLines(log string) []string {
	var bad []string
	for line := range strings.SplitSeq(log, "\n") {
		if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
			bad = append(bad, line)
		}
	}
	return bad
}

// TestMain builds factcard once for the tests that run it, and removes it after.
func TestMain(m *testing.M) { proc.Main(m) }

// factcardBinary is factcard, built from this package as the release builds
// build it.
var factcardBinary = &proc.Binary{Pkg: ".", Name: "factcard", Flags: []string{"-trimpath", "-ldflags", "-s -w"}}

// buildFactcard returns the path of the factcard binary built from this
// package.
func buildFactcard(t *testing.T) string {
	t.Helper()
	return factcardBinary.Path(t)
}

// serveProc is a running `factcard serve` process.
type serveProc struct {
	*proc.Process
	url string  // http://127.0.0.1:PORT
	log logSink // its standard error
}

// logSink takes a process's standard error and tells what it kept of it.
type logSink interface {
	io.Writer
	String() string
}

// servingLine is what serve prints on standard output once it listens.
var servingLine = regexp.MustCompile(`(?m)^factcard serving \d+ facts on (http://127\.0\.0\.1:\d+) `)

// startServe starts `factcard serve --addr 127.0.0.1:0` with env added to
// this process's environment, and waits until it says where it serves. It is
// killed when t ends, if still running. Its standard error is kept whole.
func startServe(t *testing.T, bin string, env []string) *serveProc {
	t.Helper()
	return startServeWith(t, bin, env, &logbuf.Buffer{})
}

// startServeWith is startServe with standard error going to log, and more
// arguments to serve.
func startServeWith(t *testing.T, bin string, env []string, log logSink, args ...string) *serveProc {
	t.Helper()
	sp := &serveProc{log: log}
	var stdout logbuf.Buffer
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = &stdout
	cmd.Stderr = log
	p, err := proc.Start(cmd, 30*time.Second, func() error {
		m := servingLine.FindStringSubmatch(stdout.String())
		if m == nil {
			return errors.New("factcard serve has not said where it serves")
		}
		sp.url = m[1]
		return nil
	})
	if err != nil {
		t.Fatalf("%v; stderr:\n%s", err, log.String())
	}
	sp.Process = p
	t.Cleanup(p.Stop)
	return sp
}

// stop sends SIGTERM and waits for the process to exit; it returns the exit
// code, or -1 if it did not exit within 20s (it is then killed).
func (p *serveProc) stop(t *testing.T) int {
	t.Helper()
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("SIGTERM: %v", err)
	}
	select {
	case <-p.Exited():
		return p.Cmd.ProcessState.ExitCode()
	case <-time.After(20 * time.Second):
		t.Errorf("factcard serve still running 20s after SIGTERM")
		p.Stop()
		return -1
	}
}

// readCPU returns the CPU time the process has used, user and system (fields
// 14 and 15 of /proc/PID/stat, in clock ticks of 10 ms).
func (p *serveProc) readCPU() (time.Duration, error) {
	fields, err := proc.StatFields(p.Cmd.Process.Pid)
	if err != nil {
		return 0, err
	}
	var ticks int64
	for _, f := range fields[11:13] { // utime and stime: fields 14 and 15
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, err
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// readRSS returns the process's resident set size in bytes (VmRSS in
// /proc/PID/status).
func (p *serveProc) readRSS() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.Cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parse %q: %v", line, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", p.Cmd.Process.Pid)
}
