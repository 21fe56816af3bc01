package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/factcard/factcard/functions/testsupport/logbuf"
)

// startServeInProcess runs `factcard serve` with args in this process and returns
// its base URL; the server stops when the test ends.
func startServeInProcess(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr logbuf.Buffer
	vars := map[string]string{"FACTCARD_DIR": t.TempDir()}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), func(k string) string { return vars[k] }, strings.NewReader(""), &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not shut down")
		}
	})
	addr := regexp.MustCompile(`on http://(127\.0\.0\.1:[0-9]+)`)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addr.FindStringSubmatch(stdout.String()); m != nil {
			return m[1]
		}
	}
	t.Fatalf("serve did not say where it listens; stdout %q stderr %q", stdout.String(), stderr.String())
	return ""
}

// conn is a raw keep-alive HTTP/1.1 connection.
type conn struct {
	net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr string) *conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &conn{Conn: c, r: bufio.NewReader(c)}
}

// get sends GET /healthz and reads the answer, waiting at most wait.
func (c *conn) get(wait time.Duration) (*http.Response, error) {
	c.SetDeadline(time.Now().Add(wait))
	if _, err := c.Write([]byte("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")); err != nil {
		return nil, err
	}
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp, err
}

// TestServeLimitsConnections: serve holds at most --max-conns connections; the next
// one is answered only when one of those closes.
func TestServeLimitsConnections(t *testing.T) {
	addr := startServeInProcess(t, "--max-conns", "2")
	held := []*conn{dial(t, addr), dial(t, addr)}
	for i, c := range held {
		if resp, err := c.get(10 * time.Second); err != nil || resp.StatusCode != 200 {
			t.Fatalf("connection %d: %v, %v", i, resp, err)
		}
	}
	// Both stay open (keep-alive): the limit is reached.
	extra := dial(t, addr)
	if resp, err := extra.get(300 * time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a third connection was answered (%v, %v) while two were open; want it held until one closes", resp, err)
	}
	held[0].Close()
	// The request already sent on the third connection is answered now.
	extra.SetDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(extra.r, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the third connection, once one closed: %v, %v; want 200", resp, err)
	}
	resp.Body.Close()
}

func TestServeMaxConnsFlag(t *testing.T) {
	code, _, stderr := runCLI(t, map[string]string{"FACTCARD_DIR": t.TempDir()}, "serve", "--max-conns", "0")
	if code != exitUsage || !strings.Contains(stderr, "--max-conns") {
		t.Errorf("--max-conns 0: exit %d, stderr %q; want a usage error", code, stderr)
	}
}
