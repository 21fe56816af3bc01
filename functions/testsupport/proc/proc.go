// Package proc runs the programs that tests need: it finds a tool in the
// environment, or skips the test saying what is missing; builds a main package
// once per test binary; finds free loopback ports; and starts a process and
// waits until it is ready.
//
// One rule finds every tool (versitygw, aws-lambda-rie, Chromium, go): the
// variable that names it, else its name on PATH. A test that cannot find its
// tool skips and says why, so that `go test ./...` runs wherever Go runs; with
// FACTCARD_REQUIRE_TOOLS=1 (CI sets it) the test fails instead, so that a
// missing tool never passes for a run that tested everything.
package proc

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// EnvRequireTools is the variable that, set to 1, turns a test's skip for a
// missing tool into a failure.
const EnvRequireTools = "FACTCARD_REQUIRE_TOOLS"

// Tool returns the path of the program a test needs: the value of the
// variable env when it is set (env may be ""), else name looked up on PATH.
// When that is no executable file, Tool calls Missing, which skips t (or
// fails it under FACTCARD_REQUIRE_TOOLS=1) saying what is missing and how to
// provide it.
func Tool(t testing.TB, env, name string) string {
	t.Helper()
	path, err := LookTool(env, name)
	if err != nil {
		Missing(t, "%v", err)
	}
	return path
}

// LookTool is Tool's rule without a test: $env when it is set, else name on
// PATH. Its error says what is missing and how to provide it.
func LookTool(env, name string) (string, error) {
	how := "put " + name + " on PATH"
	if env != "" {
		how = "set " + env + " to its path or " + how
	}
	how += " (`make test` installs or builds it where it can)"
	if env != "" {
		if p := os.Getenv(env); p != "" {
			if _, err := exec.LookPath(p); err != nil {
				why := "not an executable file"
				if errors.Is(err, fs.ErrNotExist) {
					why = "no such file"
				}
				return "", fmt.Errorf("%s not found: %s=%s: %s; %s", name, env, p, why, how)
			}
			return p, nil
		}
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s not found: %s", name, how)
	}
	return p, nil
}

// Missing skips t with the message, because something the test needs is not
// on this machine; under FACTCARD_REQUIRE_TOOLS=1 it fails t instead.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv(EnvRequireTools) == "1" {
		t.Fatalf("%s (%s=1: every test must run)", msg, EnvRequireTools)
	}
	t.Skip(msg)
}

// Binary is a main package that tests build with `go build` from the go
// command on PATH (`go test` puts its own first). Set the fields before the
// first Path; do not copy a Binary after that.
type Binary struct {
	// Pkg is the package, as go build takes it: "." or "./functions/api".
	Pkg string
	// Dir is the folder go build runs in; "" is the test's own.
	Dir string
	// Name is the file name of the binary; "" is the last element of Pkg.
	Name string
	// Env is added to the environment of go build: GOOS=linux,
	// CGO_ENABLED=0.
	Env []string
	// Flags go before the package: -tags lambda.norpc, -ldflags "-s -w".
	Flags []string

	once sync.Once
	path string
	err  error
}

// mainRunning says that Main runs the tests, so that each Binary is built
// once into buildRoot, which Main removes at the end.
var (
	mainRunning atomic.Bool
	buildMu     sync.Mutex
	buildRoot   string
	buildSeq    int
)

// Main runs a package's tests and removes what Binary built, then exits:
// call it from TestMain, so that each Binary is built once per test binary.
//
//	func TestMain(m *testing.M) { proc.Main(m) }
//
// Without it, each Path call builds its own binary under t.TempDir().
func Main(m *testing.M) {
	mainRunning.Store(true)
	code := m.Run()
	buildMu.Lock()
	if buildRoot != "" {
		os.RemoveAll(buildRoot)
	}
	buildMu.Unlock()
	os.Exit(code)
}

// Path returns the path of the built binary, building it on first use and
// failing t if it does not build. Without a go command, t is skipped as by
// Tool.
func (b *Binary) Path(t testing.TB) string {
	t.Helper()
	goCmd := Tool(t, "", "go")
	if !mainRunning.Load() {
		path, err := b.build(goCmd, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return path
	}
	b.once.Do(func() {
		var dir string
		if dir, b.err = newBuildDir(); b.err == nil {
			start := time.Now()
			b.path, b.err = b.build(goCmd, dir)
			t.Logf("built %s in %v", b.Pkg, time.Since(start).Round(time.Millisecond))
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// newBuildDir returns a new folder under buildRoot for one binary.
func newBuildDir() (string, error) {
	buildMu.Lock()
	defer buildMu.Unlock()
	if buildRoot == "" {
		root, err := os.MkdirTemp("", "factcard-test-builds-")
		if err != nil {
			return "", fmt.Errorf("make a folder for test builds: %w", err)
		}
		buildRoot = root
	}
	buildSeq++
	dir := filepath.Join(buildRoot, fmt.Sprint(buildSeq))
	return dir, os.Mkdir(dir, 0o755)
}

func (b *Binary) build(goCmd, dir string) (string, error) {
	pkg := b.Pkg
	if pkg == "" {
		pkg = "."
	}
	name := b.Name
	if name == "" {
		if name = filepath.Base(pkg); name == "." {
			name = "main"
		}
	}
	out := filepath.Join(dir, name)
	args := append(append([]string{"build", "-o", out}, b.Flags...), pkg)
	cmd := exec.Command(goCmd, args...)
	cmd.Dir = b.Dir
	cmd.Env = append(os.Environ(), b.Env...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %s (in %q, with %q): %v\n%s", strings.Join(args, " "), b.Dir, b.Env, err, msg)
	}
	return out, nil
}

// FreePorts returns n distinct TCP ports of 127.0.0.1 that were free a
// moment ago. Another process may take one before the caller listens on it:
// OnFreePorts tries again then.
func FreePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		defer l.Close() // held until all n are found, so they differ
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// OnFreePorts calls start with n free ports of 127.0.0.1, and again with new
// ones, 3 times in all, while it fails because another process took a port
// first ("address already in use" in its error).
func OnFreePorts[T any](n int, start func(ports []int) (T, error)) (T, error) {
	var zero T
	var err error
	for range 3 {
		var ports []int
		if ports, err = FreePorts(n); err != nil {
			return zero, err
		}
		var v T
		if v, err = start(ports); err == nil {
			return v, nil
		}
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	return zero, err
}

// Process is a program started by Start.
type Process struct {
	// Cmd is the started command; its ProcessState is set once it exited.
	Cmd *exec.Cmd

	exited chan struct{}
	stop   sync.Once
}

// pollEvery is how often Start and Until check.
const pollEvery = 10 * time.Millisecond

// Start starts cmd and waits until ready returns nil, checking every 10 ms.
// If the process exits first, or ready still fails after timeout, Start
// kills it and returns an error that says so, with ready's last error. The
// caller stops the process (Stop) when done with it.
func Start(cmd *exec.Cmd, timeout time.Duration, ready func() error) (*Process, error) {
	name := filepath.Base(cmd.Path)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Process{Cmd: cmd, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(p.exited)
	}()
	// The check ends the wait as soon as the process exits, too.
	err := Until(timeout, func() error {
		select {
		case <-p.exited:
			return nil
		default:
		}
		return ready()
	})
	select {
	case <-p.exited:
		return nil, fmt.Errorf("%s exited (%v) before it was ready", name, cmd.ProcessState)
	default:
	}
	if err != nil {
		p.Stop()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}

// Until calls check every 10 ms until it returns nil, and returns nil; once
// timeout has passed, it returns check's last error.
func Until(timeout time.Duration, check func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %v: %w", timeout, err)
		}
		time.Sleep(pollEvery)
	}
}

// Exited is closed when the process has exited.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Stop kills the process and waits up to 10 s for it to exit. It is safe to
// call more than once, and after the process exited by itself.
func (p *Process) Stop() {
	p.stop.Do(func() {
		p.Cmd.Process.Kill()
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
		}
	})
}

// HTTPOK returns a ready check for Start: a GET of url answered 200.
func HTTPOK(url string) func() error {
	client := &http.Client{Timeout: time.Second}
	return func() error {
		resp, err := client.Get(url)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", url, resp.Status)
		}
		return nil
	}
}

// Listening returns a ready check for Start: addr accepts a TCP connection.
func Listening(addr string) func() error {
	return func() error {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			return err
		}
		return c.Close()
	}
}

// StatFields returns the fields of /proc/PID/stat (Linux) that follow the
// command name, which may hold spaces and parentheses: [0] is the state
// ("R", "S", "Z", ...), [1] the parent's PID, [11] and [12] the user and
// system CPU time in clock ticks (see proc(5)).
func StatFields(pid int) ([]string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return nil, fmt.Errorf("/proc/%d/stat: no command name in %q", pid, b)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return nil, fmt.Errorf("/proc/%d/stat: %d fields after the command name, want at least 13", pid, len(f))
	}
	return f, nil
}
