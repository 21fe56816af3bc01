package proc_test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/factcard/factcard/functions/testsupport/proc"
)

func TestMain(m *testing.M) {
	switch os.Getenv("PROC_TEST_CHILD") {
	case "":
		proc.Main(m)
	case "serve": // answer /healthz on PROC_TEST_ADDR after PROC_TEST_DELAY
		d, _ := time.ParseDuration(os.Getenv("PROC_TEST_DELAY"))
		time.Sleep(d)
		http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})
		fmt.Println(http.ListenAndServe(os.Getenv("PROC_TEST_ADDR"), nil))
		os.Exit(1)
	case "exit":
		os.Exit(3)
	}
}

// outcome is what a helper did to a test: "ok", "skip: msg" or "fail: msg".
type outcome string

// fakeTB records a skip or a failure instead of ending the real test.
type fakeTB struct {
	testing.TB
	got outcome
}

func (*fakeTB) Helper() {}
func (f *fakeTB) Skip(args ...any) {
	f.got = outcome("skip: " + fmt.Sprint(args...))
	runtime.Goexit()
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.got = outcome("fail: " + fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (f *fakeTB) Fatal(args ...any) {
	f.got = outcome("fail: " + fmt.Sprint(args...))
	runtime.Goexit()
}

// run calls fn with a fakeTB on a goroutine of its own (Skip and Fatal end
// it) and returns what happened and fn's result.
func run(t *testing.T, fn func(testing.TB) string) (outcome, string) {
	t.Helper()
	f := &fakeTB{TB: t, got: "ok"}
	var result string
	done := make(chan struct{})
	go func() {
		defer close(done)
		result = fn(f)
	}()
	<-done
	return f.got, result
}

func TestTool(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "factcard-tool")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "not-executable")
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	tests := []struct {
		name     string
		env      string // value of FACTCARD_TEST_TOOL; "-" leaves it unset
		path     string // PATH
		strict   bool   // FACTCARD_REQUIRE_TOOLS=1
		want     string // path returned, or the start of the outcome
		wantSays string // what the skip or failure says
	}{
		{"variable", exe, empty, false, exe, ""},
		{"variable wins over PATH", exe, dir, true, exe, ""},
		{"on PATH", "-", dir, false, exe, ""},
		{"empty variable, on PATH", "", dir, false, exe, ""},
		{"nowhere", "-", empty, false, "skip", "factcard-tool not found: set FACTCARD_TEST_TOOL to its path or put factcard-tool on PATH"},
		{"nowhere, strict", "-", empty, true, "fail", "FACTCARD_REQUIRE_TOOLS=1"},
		{"variable names a missing file", filepath.Join(dir, "gone"), dir, false, "skip", "FACTCARD_TEST_TOOL=" + filepath.Join(dir, "gone")},
		{"variable names a missing file, strict", filepath.Join(dir, "gone"), dir, true, "fail", "not found"},
		{"variable names a file that does not run", plain, dir, false, "skip", "not-executable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("FACTCARD_TEST_TOOL", tt.env)
			if tt.env == "-" {
				os.Unsetenv("FACTCARD_TEST_TOOL")
			}
			t.Setenv("PATH", tt.path)
			t.Setenv(proc.EnvRequireTools, map[bool]string{true: "1"}[tt.strict])
			got, path := run(t, func(tb testing.TB) string { return proc.Tool(tb, "FACTCARD_TEST_TOOL", "factcard-tool") })
			switch {
			case tt.want == "skip" || tt.want == "fail":
				if !strings.HasPrefix(string(got), tt.want+": ") || !strings.Contains(string(got), tt.wantSays) {
					t.Errorf("Tool: %s; want %s saying %q", got, tt.want, tt.wantSays)
				}
			case got != "ok" || path != tt.want:
				t.Errorf("Tool = %q (%s), want %q", path, got, tt.want)
			}
		})
	}
}

// writeModule writes a module with one main package printing msg, or code
// that does not compile when msg is "".
func writeModule(t *testing.T, msg string) string {
	t.Helper()
	dir := t.TempDir()
	src := "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Print(" + strconv.Quote(msg) + ") }\n"
	if msg == "" {
		src = "package main\n\nfunc main() { undefined() }\n"
	}
	for name, data := range map[string]string{"go.mod": "module example.test/hello\n\ngo 1.24\n", "main.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestBinary(t *testing.T) {
	b := &proc.Binary{Dir: writeModule(t, "hello from a test build"), Pkg: ".", Name: "hello", Flags: []string{"-trimpath"}}
	path := b.Path(t)
	if filepath.Base(path) != "hello" {
		t.Errorf("Path = %s, want a file named hello", path)
	}
	out, err := exec.Command(path).Output()
	if err != nil || string(out) != "hello from a test build" {
		t.Errorf("the built binary printed %q, %v; want the module's message", out, err)
	}
	if again := b.Path(t); again != path {
		t.Errorf("second Path = %s, want the first build %s (proc.Main runs these tests)", again, path)
	}

	broken := &proc.Binary{Dir: writeModule(t, ""), Pkg: "."}
	got, _ := run(t, func(tb testing.TB) string { return broken.Path(tb) })
	if !strings.HasPrefix(string(got), "fail: ") || !strings.Contains(string(got), "undefined") {
		t.Errorf("Path of a package that does not compile: %s; want a failure with the compiler's message", got)
	}

	t.Setenv("PATH", t.TempDir())
	t.Setenv(proc.EnvRequireTools, "")
	nogo := &proc.Binary{Dir: writeModule(t, "x"), Pkg: "."}
	if got, _ := run(t, func(tb testing.TB) string { return nogo.Path(tb) }); !strings.HasPrefix(string(got), "skip: go not found") {
		t.Errorf("Path without go on PATH: %s; want a skip saying go is not found", got)
	}
}

func TestFreePorts(t *testing.T) {
	ports, err := proc.FreePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if seen[p] || p <= 0 {
			t.Errorf("FreePorts(3) = %v, want 3 distinct ports", ports)
		}
		seen[p] = true
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			t.Errorf("port %d is not free: %v", p, err)
			continue
		}
		l.Close()
	}
}

func TestOnFreePorts(t *testing.T) {
	inUse := errors.New("listen tcp 127.0.0.1:1: bind: address already in use")
	tests := []struct {
		name      string
		errs      []error // what start returns, call by call
		wantCalls int
		wantErr   error
	}{
		{"first try", []error{nil}, 1, nil},
		{"port taken once", []error{inUse, nil}, 2, nil},
		{"port taken every time", []error{inUse, inUse, inUse, nil}, 3, inUse},
		{"another error", []error{os.ErrPermission, nil}, 1, os.ErrPermission},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			v, err := proc.OnFreePorts(2, func(ports []int) (int, error) {
				if len(ports) != 2 || ports[0] == ports[1] {
					t.Errorf("start got ports %v, want 2 distinct", ports)
				}
				calls++
				return ports[0], tt.errs[calls-1]
			})
			if calls != tt.wantCalls || !errors.Is(err, tt.wantErr) {
				t.Errorf("OnFreePorts called start %d times and returned %v; want %d times and %v", calls, err, tt.wantCalls, tt.wantErr)
			}
			if err == nil && v == 0 {
				t.Errorf("OnFreePorts = 0, want start's port")
			}
		})
	}
}

func TestStart(t *testing.T) {
	tests := []struct {
		name    string
		child   string
		delay   time.Duration
		timeout time.Duration
		wantErr string // "" for ready
	}{
		{"ready at once", "serve", 0, 10 * time.Second, ""},
		{"ready after a while", "serve", 300 * time.Millisecond, 10 * time.Second, ""},
		{"exits before it is ready", "exit", 0, 10 * time.Second, "exited (exit status 3) before it was ready"},
		{"never ready in time", "serve", 5 * time.Second, 200 * time.Millisecond, "not ready after 200ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ports, err := proc.FreePorts(1)
			if err != nil {
				t.Fatal(err)
			}
			addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0]))
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "PROC_TEST_CHILD="+tt.child, "PROC_TEST_ADDR="+addr, "PROC_TEST_DELAY="+tt.delay.String())
			start := time.Now()
			p, err := proc.Start(cmd, tt.timeout, proc.HTTPOK("http://"+addr+"/healthz"))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Start = %v, want an error saying %q", err, tt.wantErr)
				}
				if cmd.ProcessState == nil {
					t.Errorf("Start failed but left the process running")
				}
				return
			}
			if err != nil {
				t.Fatalf("Start: %v", err)
			}
			if took := time.Since(start); took < tt.delay {
				t.Errorf("Start returned after %v, before the process was ready (%v)", took, tt.delay)
			}
			if err := proc.Listening(addr)(); err != nil {
				t.Errorf("after Start, %s: %v", addr, err)
			}
			p.Stop()
			p.Stop() // twice is fine
			select {
			case <-p.Exited():
			default:
				t.Error("Exited not closed after Stop")
			}
			if err := proc.Listening(addr)(); err == nil {
				t.Errorf("%s still accepts connections after Stop", addr)
			}
		})
	}
}

func TestStatFields(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/PID/stat is Linux's")
	}
	f, err := proc.StatFields(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if f[0] != "R" && f[0] != "S" {
		t.Errorf("state of this process = %q, want R or S", f[0])
	}
	if got, want := f[1], strconv.Itoa(os.Getppid()); got != want {
		t.Errorf("parent = %s, want %s", got, want)
	}
	if _, err := proc.StatFields(-1); err == nil {
		t.Error("StatFields(-1) = nil error, want one")
	}
}
