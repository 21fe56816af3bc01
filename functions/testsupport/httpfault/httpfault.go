// Package httpfault is an HTTP reverse proxy on loopback for fault tests. Put
// a Front between a client and a server (in the S3 tests: the S3 store and
// versitygw) and, while the test runs, make it answer 500 for as long as it is
// told to (so a client's retries run), hold a request at a chosen point (before
// forwarding it, half-way through its upload, half-way through its download) so
// that a fault can be switched on while the request is in flight, or hold
// requests until several have arrived, so that they reach the server together.
// It records every attempt it sees.
//
// It forwards requests unchanged, the Host header too, so that signed requests
// stay valid. For faults below HTTP (a server that is down, stalls or resets
// connections), put a faultproxy in front of it.
package httpfault

import (
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Timeout bounds every wait of a Front for something that happens in
// milliseconds when all is well: a request reaching a hold, the requests a
// gather waits for, the front falling idle.
const Timeout = 10 * time.Second

// Point is where Front holds a request.
type Point int

const (
	// BeforeForward holds the request as it arrives, before any of it is
	// forwarded: the client waits for an answer.
	BeforeForward Point = iota
	// MidUpload forwards the first half of the request body to the server
	// and holds the rest; on release the upload breaks off there, as it does
	// when the connection dies half-way.
	MidUpload
	// MidDownload sends the client the response headers and the first half
	// of the body, holds the rest, and on release breaks off.
	MidDownload
)

// Hold is a request held by Front until released.
type Hold struct {
	method  string
	at      Point
	reached chan struct{}
	release chan struct{}
	once    sync.Once
}

// Await waits until the request reaches the hold, failing t after Timeout.
func (h *Hold) Await(t testing.TB) {
	t.Helper()
	select {
	case <-h.reached:
	case <-time.After(Timeout):
		t.Fatalf("no %s request reached the hold within %v", h.method, Timeout)
	}
}

// Release lets the held request go on: one held before forwarding is
// forwarded, one held half-way breaks off there. It is safe to call more than
// once.
func (h *Hold) Release() { h.once.Do(func() { close(h.release) }) }

// errCut is how a held upload or download breaks off.
var errCut = errors.New("httpfault: connection cut")

// Exchange is one attempt Front saw: its method and the status answered.
type Exchange struct {
	Method string
	Status int
}

// Front is an HTTP reverse proxy in front of one server. It forwards requests
// unchanged, answers 500 with InternalError when told to, holds requests, and
// records each attempt. Its methods are safe for concurrent use.
type Front struct {
	srv   *httptest.Server
	proxy *httputil.ReverseProxy
	busy  atomic.Int64

	mu         sync.Mutex
	failMethod string  // "" for any
	failLeft   int     // 500s still to answer; -1 for all
	holds      []*Hold // waiting for their request
	taken      []*Hold // their request came: released by Clear too
	gate       *gate
	seen       []Exchange
}

// gate holds every request of a method until n of them have arrived.
type gate struct {
	method  string
	n       int
	arrived int
	open    chan struct{}
}

// InternalError is the body of the 500s a Front answers: S3's answer to a
// request it failed to serve, which S3 clients retry.
const InternalError = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>injected</RequestId></Error>`

// Start starts a Front on a free port of 127.0.0.1 that forwards to the base
// URL target, and closes it when t ends, releasing what it holds.
func Start(t testing.TB, target string) *Front {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	f := &Front{proxy: httputil.NewSingleHostReverseProxy(u)}
	f.proxy.ErrorLog = log.New(io.Discard, "", 0)
	f.srv = httptest.NewServer(f)
	f.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	t.Cleanup(func() {
		f.Clear()
		f.srv.CloseClientConnections()
		f.srv.Close()
	})
	return f
}

// Addr returns the front's host:port.
func (f *Front) Addr() string { return f.srv.Listener.Addr().String() }

// URL returns the front's base URL, "http://127.0.0.1:PORT".
func (f *Front) URL() string { return f.srv.URL }

// Fail answers the next n requests of method ("" for any) with 500
// InternalError; n < 0 means every one until Clear.
func (f *Front) Fail(method string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failMethod, f.failLeft = method, n
}

// HoldNext holds the next request of method at point at.
func (f *Front) HoldNext(method string, at Point) *Hold {
	h := &Hold{method: method, at: at, reached: make(chan struct{}), release: make(chan struct{})}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.holds = append(f.holds, h)
	return h
}

// Gather holds requests of method until n have arrived, then lets them all
// go at once.
func (f *Front) Gather(method string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gate = &gate{method: method, n: n, open: make(chan struct{})}
}

// Clear ends every fault: no more 500s, and held requests go on (as Release
// says).
func (f *Front) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failLeft = 0
	for _, h := range slices.Concat(f.holds, f.taken) {
		h.Release()
	}
	f.holds, f.taken = nil, nil
	if f.gate != nil && f.gate.arrived < f.gate.n {
		close(f.gate.open)
	}
	f.gate = nil
}

// ResetSeen forgets the attempts seen so far.
func (f *Front) ResetSeen() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen = nil
}

// Seen returns the attempts seen so far, in the order they ended.
func (f *Front) Seen() []Exchange {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.seen)
}

// SeenList returns the attempts seen as "METHOD status".
func (f *Front) SeenList() []string {
	out := []string{}
	for _, ex := range f.Seen() {
		out = append(out, ex.Method+" "+strconv.Itoa(ex.Status))
	}
	return out
}

// WaitIdle waits until no request has been in the front for 60 ms, and
// reports an error to t if it is still busy after Timeout.
func (f *Front) WaitIdle(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(Timeout)
	quiet := 0
	for quiet < 12 {
		if time.Now().After(deadline) {
			t.Errorf("httpfault: front still busy after %v", Timeout)
			return
		}
		time.Sleep(5 * time.Millisecond)
		if f.busy.Load() == 0 {
			quiet++
		} else {
			quiet = 0
		}
	}
}

// ServeHTTP forwards r, or faults it as the front has been told.
func (f *Front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.busy.Add(1)
	defer f.busy.Add(-1)
	rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	// Deferred, so that a download cut short (the reverse proxy then panics
	// with http.ErrAbortHandler) is recorded too.
	defer func() {
		f.mu.Lock()
		f.seen = append(f.seen, Exchange{r.Method, rec.status})
		f.mu.Unlock()
	}()

	f.mu.Lock()
	inject := f.failLeft != 0 && (f.failMethod == "" || f.failMethod == r.Method)
	if inject && f.failLeft > 0 {
		f.failLeft--
	}
	var h *Hold
	if !inject {
		for i, cand := range f.holds {
			if cand.method == r.Method {
				h = cand
				f.holds = slices.Delete(f.holds, i, i+1)
				f.taken = append(f.taken, h)
				break
			}
		}
	}
	g := f.gate
	if g != nil && g.method == r.Method {
		g.arrived++
		if g.arrived == g.n {
			close(g.open)
		}
	}
	f.mu.Unlock()

	if inject {
		io.Copy(io.Discard, r.Body)
		rec.Header().Set("Content-Type", "application/xml")
		rec.WriteHeader(http.StatusInternalServerError)
		io.WriteString(rec, InternalError)
		return
	}
	if g != nil && g.method == r.Method {
		select {
		case <-g.open:
		case <-time.After(Timeout):
		}
	}
	var out http.ResponseWriter = rec
	if h != nil {
		switch h.at {
		case BeforeForward:
			close(h.reached)
			<-h.release
		case MidUpload:
			r.Body = &cutReader{r: r.Body, left: r.ContentLength / 2, h: h}
		case MidDownload:
			out = &cutWriter{ResponseWriter: rec, h: h}
		}
	}
	f.proxy.ServeHTTP(out, r)
}

// statusWriter records the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// cutReader passes the first left bytes of a request body, then waits for
// the hold's release and breaks off.
type cutReader struct {
	r    io.ReadCloser
	left int64
	h    *Hold
	cut  bool
}

func (c *cutReader) Read(p []byte) (int, error) {
	if c.left == 0 {
		if !c.cut {
			c.cut = true
			close(c.h.reached)
			<-c.h.release
		}
		return 0, errCut
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

func (c *cutReader) Close() error { return c.r.Close() }

// cutWriter sends the first half of a response body, flushes it to the
// client, then waits for the hold's release and breaks off.
type cutWriter struct {
	http.ResponseWriter
	h       *Hold
	half    int
	written int
	cut     bool
}

func (c *cutWriter) Write(p []byte) (int, error) {
	if c.cut {
		return 0, errCut
	}
	if c.half == 0 {
		n, _ := strconv.Atoi(c.Header().Get("Content-Length"))
		c.half = max(n/2, 1)
	}
	if c.written+len(p) < c.half {
		n, err := c.ResponseWriter.Write(p)
		c.written += n
		return n, err
	}
	n, err := c.ResponseWriter.Write(p[:c.half-c.written])
	c.written += n
	http.NewResponseController(c.ResponseWriter).Flush()
	c.cut = true
	close(c.h.reached)
	<-c.h.release
	if err == nil {
		err = errCut
	}
	return n, err
}

func (c *cutWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
