// Package faultproxy is a TCP proxy on loopback for fault tests: put it in
// front of a server (the S3 server of s3server, a Lambda emulator) and switch it,
// while the test runs, between passing traffic through, refusing connections as
// a server that is down, stalling as one that accepted the connection and
// never answers, and resetting connections. A switch also applies to the
// connections already open, so a test can take the server down in the middle
// of a request.
package faultproxy

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// Mode is what the proxy does with connections.
type Mode int

// The modes of a Proxy.
const (
	// Pass forwards bytes both ways.
	Pass Mode = iota
	// Down closes the listening port, so new connections are refused
	// (ECONNREFUSED), and resets the open ones: the server is gone.
	Down
	// Stall accepts new connections and holds every connection open
	// without forwarding a byte either way, until the mode changes: the
	// server hangs. Leaving Stall for Pass lets the held bytes through.
	Stall
	// Reset accepts new connections and resets them at once (TCP RST), and
	// resets the open ones.
	Reset
)

func (m Mode) String() string {
	switch m {
	case Pass:
		return "pass"
	case Down:
		return "down"
	case Stall:
		return "stall"
	case Reset:
		return "reset"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// dialTimeout bounds how long the proxy waits to connect to its target.
const dialTimeout = 5 * time.Second

// Proxy forwards TCP connections from a loopback address to a target address,
// faulting them as its Mode says. Its methods are safe for concurrent use.
type Proxy struct {
	target string
	addr   string

	mu       sync.Mutex
	mode     Mode
	changed  chan struct{} // closed and replaced at every change of mode
	ln       net.Listener  // nil while Down or closed
	links    map[*link]struct{}
	accepted int
	closed   bool
	wg       sync.WaitGroup
}

// link is one proxied connection.
type link struct {
	client   net.Conn
	upstream net.Conn      // nil until dialled
	done     chan struct{} // closed when the link is killed
	killed   bool
}

// New starts a proxy in Pass mode listening on a free port of 127.0.0.1 and
// forwarding to target (host:port). Close stops it.
func New(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen: %w", err)
	}
	p := &Proxy{
		target:  target,
		addr:    ln.Addr().String(),
		changed: make(chan struct{}),
		ln:      ln,
		links:   make(map[*link]struct{}),
	}
	p.wg.Add(1)
	go p.serve(ln)
	return p, nil
}

// Start is New for tests: it fails t if the proxy cannot start and closes the
// proxy when t ends.
func Start(t testing.TB, target string) *Proxy {
	t.Helper()
	p, err := New(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// Addr returns the address the proxy listens on, "127.0.0.1:PORT". It stays
// the same across modes.
func (p *Proxy) Addr() string { return p.addr }

// URL returns "http://" + Addr(), the endpoint to give an HTTP client.
func (p *Proxy) URL() string { return "http://" + p.addr }

// Mode returns the current mode.
func (p *Proxy) Mode() Mode {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mode
}

// Accepted returns how many connections the proxy has accepted so far.
func (p *Proxy) Accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

// Open returns how many connections are open through the proxy now.
func (p *Proxy) Open() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.links)
}

// SetMode switches the proxy to mode m, for new and open connections alike.
// Leaving Down listens again on the same address; it fails only if another
// process took the port meanwhile.
func (p *Proxy) SetMode(m Mode) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errors.New("faultproxy: closed")
	}
	if m == p.mode {
		return nil
	}
	if m == Down || m == Reset {
		for l := range p.links {
			p.kill(l)
		}
	}
	if m == Down {
		p.ln.Close()
		p.ln = nil
	}
	if p.mode == Down {
		ln, err := net.Listen("tcp", p.addr)
		if err != nil {
			return fmt.Errorf("faultproxy: listen again on %s: %w", p.addr, err)
		}
		p.ln = ln
		p.wg.Add(1)
		go p.serve(ln)
	}
	p.mode = m
	close(p.changed)
	p.changed = make(chan struct{})
	return nil
}

// Close stops the proxy and resets every open connection.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for l := range p.links {
		p.kill(l)
	}
	close(p.changed)
	p.mu.Unlock()
	p.wg.Wait()
	return nil
}

// kill resets l's connections. p.mu is held.
func (p *Proxy) kill(l *link) {
	if l.killed {
		return
	}
	l.killed = true
	close(l.done)
	reset(l.client)
	if l.upstream != nil {
		l.upstream.Close()
	}
}

// reset closes c with a TCP RST rather than a FIN.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

func (p *Proxy) serve(ln net.Listener) {
	defer p.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return // closed by SetMode(Down) or Close
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			reset(c)
			return
		}
		p.accepted++
		l := &link{client: c, done: make(chan struct{})}
		p.links[l] = struct{}{}
		p.wg.Add(1)
		p.mu.Unlock()
		go p.handle(l)
	}
}

// gate waits while the proxy stalls and reports whether l may go on: false
// once l has been killed or the mode resets it.
func (p *Proxy) gate(l *link) bool {
	for {
		p.mu.Lock()
		mode, changed, killed, closed := p.mode, p.changed, l.killed, p.closed
		if !killed && !closed && mode != Pass && mode != Stall {
			p.kill(l)
		}
		p.mu.Unlock()
		switch {
		case killed || closed:
			return false
		case mode == Pass:
			return true
		case mode == Stall:
			select {
			case <-changed:
			case <-l.done:
				return false
			}
		default:
			return false
		}
	}
}

func (p *Proxy) handle(l *link) {
	defer p.wg.Done()
	defer func() {
		// Both directions ended by themselves, or the link was killed.
		p.mu.Lock()
		if !l.killed {
			l.killed = true
			close(l.done)
			l.client.Close()
			if l.upstream != nil {
				l.upstream.Close()
			}
		}
		delete(p.links, l)
		p.mu.Unlock()
	}()
	if !p.gate(l) {
		return
	}
	up, err := net.DialTimeout("tcp", p.target, dialTimeout)
	if err != nil {
		// The client sees a reset, as from a server that is down.
		p.mu.Lock()
		p.kill(l)
		p.mu.Unlock()
		return
	}
	p.mu.Lock()
	if l.killed {
		p.mu.Unlock()
		up.Close()
		return
	}
	l.upstream = up
	p.mu.Unlock()

	var wg sync.WaitGroup
	wg.Go(func() { p.pipe(l, up, l.client) })
	wg.Go(func() { p.pipe(l, l.client, up) })
	wg.Wait()
}

// pipe copies src to dst, through the gate, until src ends; then it passes
// the end on to dst (a half-close) so the other direction can finish.
func (p *Proxy) pipe(l *link, dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.gate(l) {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				p.mu.Lock()
				p.kill(l)
				p.mu.Unlock()
				return
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				if tc, ok := dst.(*net.TCPConn); ok {
					tc.CloseWrite()
					return
				}
			}
			p.mu.Lock()
			p.kill(l)
			p.mu.Unlock()
			return
		}
	}
}
