package infra_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/factcard/factcard/functions/testsupport/logbuf"
	"github.com/factcard/factcard/functions/testsupport/proc"
)

// EnvRIE is the environment variable holding the path of the aws-lambda-rie
// binary, the Lambda Runtime Interface Emulator; `make test` sets it after
// `make tools` has built it.
const EnvRIE = "FACTCARD_RIE"

// testVersion is what the test builds stamp into the api function's
// main.version; /healthz reports it.
const testVersion = "infra-test"

// functionTimeout is the timeout the emulator gives each invocation, in seconds,
// as the template's Timeout does on Lambda. Generate stops a few seconds before it.
const functionTimeout = 60

// rieBinary returns the path of aws-lambda-rie: $FACTCARD_RIE, else
// aws-lambda-rie on PATH; without it t skips (proc.Tool).
func rieBinary(t *testing.T) string {
	t.Helper()
	return proc.Tool(t, EnvRIE, "aws-lambda-rie")
}

// TestMain removes the bootstraps built for the tests.
func TestMain(m *testing.M) { proc.Main(m) }

// bootstraps are the functions' bootstraps, built once per test binary as
// `make build` builds them (-tags lambda.norpc, -trimpath, static) but for
// this machine, so that they run here; the deployed build is linux/arm64.
var bootstraps = map[string]*proc.Binary{
	"api":      bootstrapBinary("api"),
	"generate": bootstrapBinary("generate"),
}

func bootstrapBinary(function string) *proc.Binary {
	return &proc.Binary{
		Dir:   "..", // the module root
		Pkg:   "./functions/" + function,
		Name:  "bootstrap",
		Env:   []string{"CGO_ENABLED=0", "GOOS=" + runtime.GOOS, "GOARCH=" + runtime.GOARCH},
		Flags: []string{"-tags", "lambda.norpc", "-trimpath", "-ldflags", "-X main.version=" + testVersion},
	}
}

// bootstrap returns the path of a function's bootstrap ("api" or "generate").
func bootstrap(t *testing.T, function string) string {
	t.Helper()
	b, ok := bootstraps[function]
	if !ok {
		t.Fatalf("no bootstrap for %s", function)
	}
	return b.Path(t)
}

// emulator is aws-lambda-rie running one function's bootstrap, listening on
// loopback only. It takes one invocation at a time: overlapping invocations
// crash it, so invoke holds a lock.
type emulator struct {
	name   string
	addr   string // the emulator's invoke address, 127.0.0.1:PORT
	proc   *proc.Process
	out    *logbuf.Buffer
	client *http.Client

	mu sync.Mutex // held during an invocation
}

// startEmulator starts aws-lambda-rie with the bootstrap as its command and env
// added to a minimal environment (later entries win), waits until it accepts
// invocations, and stops it, with its bootstrap, when t ends; if t failed, it logs
// what the emulator and the function printed. The function starts (its init) on
// the first invocation, as on Lambda.
func startEmulator(t *testing.T, name, rie, bootstrap string, env []string) *emulator {
	t.Helper()
	tmp := t.TempDir()
	base := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + tmp,
		"TMPDIR=" + tmp,
		"AWS_LAMBDA_FUNCTION_NAME=factcard-" + name,
		"AWS_LAMBDA_FUNCTION_TIMEOUT=" + strconv.Itoa(functionTimeout),
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=1024",
		"AWS_LAMBDA_LOG_FORMAT=JSON",
		"AWS_LAMBDA_LOG_LEVEL=INFO",
	}
	env = append(base, env...)
	// Another process may take a free port before the emulator does.
	e, err := proc.OnFreePorts(2, func(ports []int) (*emulator, error) {
		return launch(name, rie, bootstrap, tmp, env, ports)
	})
	if err != nil {
		t.Fatalf("start aws-lambda-rie for %s: %v", name, err)
	}
	t.Cleanup(func() {
		for _, pid := range e.stop() {
			t.Errorf("%s: bootstrap (pid %d) is still running after the emulator stopped", name, pid)
		}
		if t.Failed() {
			t.Logf("%s emulator output (last 32 KiB):\n%s", name, tail(e.output(), 32<<10))
		}
	})
	return e
}

// launch starts the emulator on two loopback ports and waits until it accepts
// invocations.
func launch(name, rie, bootstrap, dir string, env []string, ports []int) (*emulator, error) {
	e := &emulator{
		name: name,
		addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0])),
		out:  new(logbuf.Buffer),
		client: &http.Client{
			Timeout:   2 * time.Minute,
			Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 1},
		},
	}
	// Both addresses explicit: the emulator's default listens on every interface.
	cmd := exec.Command(rie,
		"--runtime-interface-emulator-address", e.addr,
		"--runtime-api-address", net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[1])),
		bootstrap)
	cmd.Env = env // the emulator passes its environment to the bootstrap
	cmd.Dir = dir
	cmd.Stdout = e.out
	cmd.Stderr = e.out
	// Its own process group, so stop can signal it and nothing else.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p, err := proc.Start(cmd, 10*time.Second, proc.Listening(e.addr))
	if err != nil {
		return nil, fmt.Errorf("%w; its output:\n%s", err, e.output())
	}
	e.proc = p
	return e, nil
}

// stop kills the emulator and the bootstraps it started (each in a process group
// of its own), waits for the emulator to exit, and returns the bootstraps that
// are still running a moment later (none, unless something is wrong).
func (e *emulator) stop() []int {
	e.client.CloseIdleConnections()
	pid := e.proc.Cmd.Process.Pid
	children := childPIDs(pid)
	for _, c := range children {
		syscall.Kill(-c, syscall.SIGKILL)
		syscall.Kill(c, syscall.SIGKILL)
	}
	syscall.Kill(-pid, syscall.SIGKILL)
	e.proc.Stop() // waits for it to exit
	var alive []int
	deadline := time.Now().Add(2 * time.Second)
	for _, c := range children {
		for running(c) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if running(c) {
			alive = append(alive, c)
		}
	}
	return alive
}

// invocation is the emulator's answer to one invoke.
type invocation struct {
	requestID string
	status    int
	body      []byte
	elapsed   time.Duration
}

// invoke sends one event and waits for the answer, timing it from the request to
// the end of the response. It waits for any other invocation to finish first.
func (e *emulator) invoke(t *testing.T, payload []byte) invocation {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	inv := invocation{requestID: newRequestID(t)}
	req, err := http.NewRequest(http.MethodPost, "http://"+e.addr+"/2015-03-31/functions/function/invocations", bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amzn-RequestId", inv.requestID)
	start := time.Now()
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatalf("invoke %s: %v", e.name, err)
	}
	defer resp.Body.Close()
	inv.body, err = io.ReadAll(resp.Body)
	inv.elapsed = time.Since(start)
	if err != nil {
		t.Fatalf("invoke %s: read answer: %v", e.name, err)
	}
	inv.status = resp.StatusCode
	return inv
}

// invokeJSON invokes with an event file from events/ and decodes the function's
// answer strictly into out, failing t if the invocation or the function failed.
func (e *emulator) invokeJSON(t *testing.T, event string, out any) invocation {
	t.Helper()
	payload, err := os.ReadFile(filepath.Join("events", event))
	if err != nil {
		t.Fatal(err)
	}
	inv := e.invoke(t, payload)
	if inv.status != http.StatusOK {
		t.Fatalf("invoke %s with %s: emulator status %d, want 200; body %q", e.name, event, inv.status, tail(string(inv.body), 500))
	}
	var fnErr struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}
	if json.Unmarshal(inv.body, &fnErr) == nil && fnErr.ErrorMessage != "" {
		t.Fatalf("invoke %s with %s: function error %s: %s", e.name, event, fnErr.ErrorType, fnErr.ErrorMessage)
	}
	dec := json.NewDecoder(bytes.NewReader(inv.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		t.Fatalf("invoke %s with %s: decode answer as %T: %v\n%s", e.name, event, out, err, tail(string(inv.body), 500))
	}
	return inv
}

// output returns what the emulator and the function have printed so far.
func (e *emulator) output() string { return e.out.String() }

// logLines returns the function's JSON log lines, those with the request ID when
// requestID is not empty.
func (e *emulator) logLines(requestID string) []map[string]any {
	if requestID == "" {
		return e.out.Records(nil)
	}
	return e.out.Records(logbuf.Field("requestId", requestID))
}

// waitLog waits up to a few seconds for a JSON log line that match accepts; the
// function's output reaches the emulator's asynchronously.
func (e *emulator) waitLog(requestID string, match func(map[string]any) bool) (map[string]any, bool) {
	deadline := time.Now().Add(3 * time.Second)
	for {
		for _, line := range e.logLines(requestID) {
			if match(line) {
				return line, true
			}
		}
		if time.Now().After(deadline) {
			return nil, false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// newRequestID returns a random UUID-shaped request ID for an invocation.
func newRequestID(t *testing.T) string {
	t.Helper()
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// childPIDs returns the processes whose parent is pid (Linux /proc).
func childPIDs(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, ent := range entries {
		child, err := strconv.Atoi(ent.Name())
		if err != nil {
			continue
		}
		if _, ppid, ok := procStat(child); ok && ppid == pid {
			out = append(out, child)
		}
	}
	return out
}

// running reports whether pid is a live process (not gone, not a zombie).
func running(pid int) bool {
	state, _, ok := procStat(pid)
	return ok && state != "Z" && state != "X"
}

// procStat returns the state and parent of pid from /proc/PID/stat.
func procStat(pid int) (state string, ppid int, ok bool) {
	f, err := proc.StatFields(pid)
	if err != nil {
		return "", 0, false
	}
	ppid, err = strconv.Atoi(f[1])
	return f[0], ppid, err == nil
}

// tail returns at most the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
