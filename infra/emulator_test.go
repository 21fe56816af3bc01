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
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/factcard/factcard/functions/testsupport/logbuf"
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

// rieBinary returns the path of aws-lambda-rie, skipping t without it.
func rieBinary(t *testing.T) string {
	t.Helper()
	bin := os.Getenv(EnvRIE)
	if bin == "" {
		t.Skip("aws-lambda-rie not found: run `make test` or set " + EnvRIE)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("aws-lambda-rie not found (%v): run `make test` or set %s", err, EnvRIE)
	}
	return bin
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// TestMain removes the bootstraps built for the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// bootstrap returns the path of a function's bootstrap ("api" or "generate"),
// built once per test binary as `make build` builds it (-tags lambda.norpc,
// -trimpath, static) but for this machine, so that it runs here; the deployed
// build is linux/arm64.
func bootstrap(t *testing.T, function string) string {
	t.Helper()
	buildOnce.Do(func() {
		start := time.Now()
		buildDir, buildErr = buildBootstraps()
		t.Logf("built the api and generate bootstraps in %v", time.Since(start).Round(time.Millisecond))
	})
	if buildErr != nil {
		t.Fatalf("build bootstraps: %v", buildErr)
	}
	path := filepath.Join(buildDir, function, "bootstrap")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no bootstrap for %s: %v", function, err)
	}
	return path
}

// buildBootstraps builds both functions into a new temporary folder.
func buildBootstraps() (string, error) {
	dir, err := os.MkdirTemp("", "factcard-bootstraps-")
	if err != nil {
		return "", err
	}
	for _, fn := range []string{"api", "generate"} {
		cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath",
			"-ldflags", "-X main.version="+testVersion,
			"-o", filepath.Join(dir, fn, "bootstrap"), "./functions/"+fn)
		cmd.Dir = ".." // the module root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
		if out, err := cmd.CombinedOutput(); err != nil {
			return dir, fmt.Errorf("go build ./functions/%s: %v\n%s", fn, err, out)
		}
	}
	return dir, nil
}

// emulator is aws-lambda-rie running one function's bootstrap, listening on
// loopback only. It takes one invocation at a time: overlapping invocations
// crash it, so invoke holds a lock.
type emulator struct {
	name   string
	addr   string // the emulator's invoke address, 127.0.0.1:PORT
	cmd    *exec.Cmd
	out    *logbuf.Buffer
	exited chan struct{}
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
	var lastErr error
	for range 3 { // another process may take a free port before the emulator does
		e, err := launch(name, rie, bootstrap, tmp, env)
		if err == nil {
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
		lastErr = err
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	t.Fatalf("start aws-lambda-rie for %s: %v", name, lastErr)
	return nil
}

// launch starts the emulator on two free loopback ports and waits for it.
func launch(name, rie, bootstrap, dir string, env []string) (*emulator, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	e := &emulator{
		name:   name,
		addr:   net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0])),
		out:    new(logbuf.Buffer),
		exited: make(chan struct{}),
		client: &http.Client{
			Timeout:   2 * time.Minute,
			Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 1},
		},
	}
	// Both addresses explicit: the emulator's default listens on every interface.
	e.cmd = exec.Command(rie,
		"--runtime-interface-emulator-address", e.addr,
		"--runtime-api-address", net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[1])),
		bootstrap)
	e.cmd.Env = env // the emulator passes its environment to the bootstrap
	e.cmd.Dir = dir
	e.cmd.Stdout = e.out
	e.cmd.Stderr = e.out
	// Its own process group, so stop can signal it and nothing else.
	e.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := e.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		e.cmd.Wait()
		close(e.exited)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", e.addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
			return e, nil
		}
		select {
		case <-e.exited:
			return nil, fmt.Errorf("aws-lambda-rie exited (%v) before accepting invocations:\n%s", e.cmd.ProcessState, e.output())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			e.stop()
			return nil, fmt.Errorf("aws-lambda-rie not accepting invocations on %s after 10s:\n%s", e.addr, e.output())
		}
	}
}

// stop kills the emulator and the bootstraps it started (each in a process group
// of its own), waits for the emulator to exit, and returns the bootstraps that
// are still running a moment later (none, unless something is wrong).
func (e *emulator) stop() []int {
	e.client.CloseIdleConnections()
	pid := e.cmd.Process.Pid
	children := childPIDs(pid)
	for _, c := range children {
		syscall.Kill(-c, syscall.SIGKILL)
		syscall.Kill(c, syscall.SIGKILL)
	}
	syscall.Kill(-pid, syscall.SIGKILL)
	select {
	case <-e.exited:
	case <-time.After(10 * time.Second):
	}
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

// freePorts returns n distinct free TCP ports on 127.0.0.1.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
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
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", 0, false
	}
	// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return "", 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
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
