package faultproxy_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/factcard/factcard/functions/testsupport/faultproxy"
)

// upstream is an HTTP server behind the proxy. /hello answers at once; /slow
// sends half its body and the rest when release is closed; /block tells
// entered and then waits for the client to go.
type upstream struct {
	*httptest.Server
	entered chan struct{}
	release chan struct{}
}

func startUpstream(t *testing.T) *upstream {
	t.Helper()
	u := &upstream{entered: make(chan struct{}, 10), release: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first half,")
		w.(http.Flusher).Flush()
		select {
		case <-u.release:
			io.WriteString(w, "second half")
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/block", func(w http.ResponseWriter, r *http.Request) {
		u.entered <- struct{}{}
		<-r.Context().Done()
	})
	u.Server = httptest.NewServer(mux)
	t.Cleanup(u.Close)
	return u
}

// get fetches path through p with a fresh connection and the given timeout.
func get(p *faultproxy.Proxy, path string, timeout time.Duration) (string, error) {
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get(p.URL() + path)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func setMode(t *testing.T, p *faultproxy.Proxy, m faultproxy.Mode) {
	t.Helper()
	if err := p.SetMode(m); err != nil {
		t.Fatalf("SetMode(%v) = %v", m, err)
	}
	if got := p.Mode(); got != m {
		t.Fatalf("Mode() = %v after SetMode(%v)", got, m)
	}
}

func mustGet(t *testing.T, p *faultproxy.Proxy) {
	t.Helper()
	if got, err := get(p, "/hello", 5*time.Second); err != nil || got != "hello" {
		t.Fatalf("GET /hello in %v = %q, %v; want hello", p.Mode(), got, err)
	}
}

func TestModes(t *testing.T) {
	u := startUpstream(t)
	p := faultproxy.Start(t, u.Listener.Addr().String())
	addr := p.Addr()
	mustGet(t, p)

	for _, tc := range []struct {
		mode    faultproxy.Mode
		wantErr func(error) bool
		desc    string
	}{
		{faultproxy.Down, func(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }, "connection refused"},
		{faultproxy.Reset, func(err error) bool { return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) }, "connection reset"},
		{faultproxy.Stall, func(err error) bool { return errors.Is(err, context.DeadlineExceeded) || isTimeout(err) }, "timeout"},
	} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			setMode(t, p, tc.mode)
			const timeout = 200 * time.Millisecond
			start := time.Now()
			_, err := get(p, "/hello", timeout)
			elapsed := time.Since(start)
			if !tc.wantErr(err) {
				t.Errorf("GET in %v = %v, want %s", tc.mode, err, tc.desc)
			}
			if tc.mode != faultproxy.Stall && elapsed > timeout {
				t.Errorf("GET in %v took %v, want a prompt failure", tc.mode, elapsed)
			}
			setMode(t, p, faultproxy.Pass)
			mustGet(t, p)
			if p.Addr() != addr {
				t.Errorf("Addr() = %s after %v, want it unchanged (%s)", p.Addr(), tc.mode, addr)
			}
		})
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TestStallThenPass checks that a request made while the proxy stalls goes
// through once it passes again.
func TestStallThenPass(t *testing.T) {
	u := startUpstream(t)
	p := faultproxy.Start(t, u.Listener.Addr().String())
	setMode(t, p, faultproxy.Stall)
	type result struct {
		body string
		err  error
	}
	done := make(chan result)
	go func() {
		b, err := get(p, "/hello", 10*time.Second)
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		t.Fatalf("GET while stalled returned %q, %v; want it held", r.body, r.err)
	case <-time.After(100 * time.Millisecond):
	}
	setMode(t, p, faultproxy.Pass)
	if r := <-done; r.err != nil || r.body != "hello" {
		t.Errorf("GET after the stall = %q, %v; want hello", r.body, r.err)
	}
}

// TestStallMidResponse freezes a connection half way through a response.
func TestStallMidResponse(t *testing.T) {
	u := startUpstream(t)
	p := faultproxy.Start(t, u.Listener.Addr().String())
	resp, err := http.Get(p.URL() + "/slow")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make([]byte, len("first half,"))
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatalf("read the first half: %v", err)
	}
	setMode(t, p, faultproxy.Stall)
	close(u.release)
	rest := make(chan string)
	go func() {
		b, _ := io.ReadAll(resp.Body)
		rest <- string(b)
	}()
	select {
	case got := <-rest:
		t.Fatalf("read %q through a stalled connection, want nothing", got)
	case <-time.After(100 * time.Millisecond):
	}
	setMode(t, p, faultproxy.Pass)
	if got := <-rest; got != "second half" {
		t.Errorf("rest of the body = %q, want %q", got, "second half")
	}
}

// TestDownMidRequest takes the server down while a request waits for its
// answer: the request fails at once.
func TestDownMidRequest(t *testing.T) {
	for _, mode := range []faultproxy.Mode{faultproxy.Down, faultproxy.Reset} {
		t.Run(mode.String(), func(t *testing.T) {
			u := startUpstream(t)
			p := faultproxy.Start(t, u.Listener.Addr().String())
			errc := make(chan error)
			go func() {
				_, err := get(p, "/block", 10*time.Second)
				errc <- err
			}()
			<-u.entered
			if got := p.Open(); got != 1 {
				t.Errorf("Open() = %d with one request in flight, want 1", got)
			}
			start := time.Now()
			setMode(t, p, mode)
			err := <-errc
			if err == nil || isTimeout(err) {
				t.Errorf("GET when the server went %v = %v, want a connection error", mode, err)
			}
			if elapsed := time.Since(start); elapsed > time.Second {
				t.Errorf("GET failed %v after the server went %v, want at once", elapsed, mode)
			}
			for p.Open() != 0 {
				time.Sleep(time.Millisecond)
			}
		})
	}
}

// TestTargetDown checks that a connection to a target that refuses is reset.
func TestTargetDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	target := ln.Addr().String()
	ln.Close()
	p := faultproxy.Start(t, target)
	if _, err := get(p, "/hello", 5*time.Second); err == nil {
		t.Error("GET through a proxy whose target is down = nil error, want one")
	}
}

func TestClose(t *testing.T) {
	u := startUpstream(t)
	p, err := faultproxy.New(u.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	mustGet(t, p)
	mustGet(t, p)
	if got := p.Accepted(); got != 2 {
		t.Errorf("Accepted() = %d, want 2", got)
	}
	errc := make(chan error)
	go func() {
		_, err := get(p, "/block", 10*time.Second)
		errc <- err
	}()
	<-u.entered
	if err := p.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if err := <-errc; err == nil {
		t.Error("GET in flight at Close = nil error, want one")
	}
	if _, err := get(p, "/hello", time.Second); err == nil {
		t.Error("GET after Close = nil error, want one")
	}
	if err := p.SetMode(faultproxy.Pass); err == nil {
		t.Error("SetMode after Close = nil error, want one")
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close() = %v, want nil", err)
	}
}

func TestModeString(t *testing.T) {
	var got []string
	for _, m := range []faultproxy.Mode{faultproxy.Pass, faultproxy.Down, faultproxy.Stall, faultproxy.Reset, 9} {
		got = append(got, m.String())
	}
	if want := "pass down stall reset Mode(9)"; strings.Join(got, " ") != want {
		t.Errorf("Mode strings = %q, want %q", strings.Join(got, " "), want)
	}
}
