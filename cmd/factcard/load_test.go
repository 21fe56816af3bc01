package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/testsupport/faultproxy"
	"github.com/factcard/factcard/functions/testsupport/s3server"
	"github.com/factcard/factcard/render"
)

// Settings of the load test.
const (
	// loadConns is how many connections (and client goroutines) drive the
	// server, each keeping its connection alive.
	loadConns = 64
	// loadRenders is how many cold renders the second phase asks for.
	loadRenders = 10_000
	// loadSeconds is how long the cached phase runs unless
	// FACTCARD_LOAD_SECONDS says otherwise.
	loadSeconds = 30
	// rssTolerance is how far RSS after loadRenders renders may be from RSS
	// after the first 100.
	rssTolerance = 0.10
)

// TestLoad drives `factcard serve` on loopback with 64 keep-alive connections
// in two phases and reports requests per second, latency percentiles, errors
// and the server's RSS:
//
//   - cached: every card (all facts, sizes, themes, formats) is in the
//     directory store; the clients read them for 30 s (FACTCARD_LOAD_SECONDS);
//   - cold renders, S3 down: the server's S3 endpoint (versitygw behind a
//     faultproxy) goes down after a first card is stored, so every request
//     renders; the clients ask for 10,000 cards, no two connections for the
//     same card at once, so each request is a render of its own.
//
// Errors must be 0 in both phases, and in the second RSS after 10,000 renders
// must be within 10% of RSS after 100. It runs only with FACTCARD_LOAD=1
// (`make load`); FACTCARD_LOAD_REPORT names a file to write the table to.
func TestLoad(t *testing.T) {
	if os.Getenv("FACTCARD_LOAD") != "1" {
		t.Skip("load test: run `make load` (or FACTCARD_LOAD=1 go test -run TestLoad -v ./cmd/factcard; FACTCARD_LOAD_SECONDS shortens the cached phase)")
	}
	seconds := loadSeconds
	if v := os.Getenv("FACTCARD_LOAD_SECONDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("FACTCARD_LOAD_SECONDS=%q: want a whole number of seconds", v)
		}
		seconds = n
	}
	bin := buildFactcard(t)
	urls := allCardPaths()
	var results []*loadResult

	t.Run("cached", func(t *testing.T) {
		logs := newLineCounter("level=WARN", "level=ERROR")
		p := startServeWith(t, bin, []string{
			"FACTCARD_DIR=" + t.TempDir(), "FACTCARD_BUCKET=", "FACTCARD_S3_ENDPOINT=", "FACTCARD_PREFIX=",
		}, logs)
		// Store every card, then check each is served from the store.
		for _, want := range []string{"render", "store"} {
			for _, u := range urls {
				if _, err := checkedGet(http.DefaultClient, p.url+u, want); err != nil {
					t.Fatalf("warming up: %v", err)
				}
			}
		}
		// Every connection goes round all the cards, from its own start.
		targets := make([][]string, loadConns)
		for w := range targets {
			for i := range urls {
				targets[w] = append(targets[w], p.url+urls[(w+i)%len(urls)])
			}
		}
		r := drive(t, p, "cached", targets, 0, time.Duration(seconds)*time.Second, "store")
		results = append(results, r)
		finish(t, p, r, logs)
	})

	t.Run("cold renders, S3 down", func(t *testing.T) {
		srv := s3server.Start(t)
		bucket := srv.CreateBucket(t, "")
		proxy := faultproxy.Start(t, srv.Addr)
		logs := newLineCounter("level=WARN", "level=ERROR", "store read failed")
		p := startServeWith(t, bin, append(srv.Env(),
			"FACTCARD_BUCKET="+bucket,
			"FACTCARD_S3_ENDPOINT="+proxy.URL(),
			"FACTCARD_STORE_TIMEOUT=200ms",
		), logs)
		// S3 works: a card is rendered and stored, then read from it.
		for _, want := range []string{"render", "store"} {
			if _, err := checkedGet(http.DefaultClient, p.url+urls[0], want); err != nil {
				t.Fatalf("with S3 up: %v", err)
			}
		}
		if err := proxy.SetMode(faultproxy.Down); err != nil {
			t.Fatal(err)
		}
		// Connection w asks for cards w, w+64, ... in turn: no two
		// connections ever want the same card at once, so no request shares
		// another's render.
		targets := make([][]string, loadConns)
		for i, u := range urls {
			targets[i%loadConns] = append(targets[i%loadConns], p.url+u)
		}
		r := drive(t, p, "cold renders, S3 down", targets, loadRenders, 0, "render")
		results = append(results, r)
		if got := logs.count("store read failed"); got != loadRenders {
			t.Errorf("server logged %d store read failures; want %d, one per render", got, loadRenders)
		}
		finish(t, p, r, logs, "store read failed")
		if r.rss100 > 0 && r.rss10k > 0 {
			if drift := float64(r.rss10k-r.rss100) / float64(r.rss100); drift > rssTolerance || drift < -rssTolerance {
				t.Errorf("RSS after %d renders is %s, %+.1f%% from %s after 100; want within %.0f%%",
					loadRenders, mib(r.rss10k), 100*drift, mib(r.rss100), 100*rssTolerance)
			}
		}
	})

	table := loadTable(results, seconds)
	t.Log("\n" + table)
	if path := os.Getenv("FACTCARD_LOAD_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
			t.Errorf("write report: %v", err)
		}
	}
}

// allCardPaths returns the path of every card: each fact in each size, theme
// and format.
func allCardPaths() []string {
	var paths []string
	for _, f := range facts.Default().All() {
		for _, size := range render.Sizes() {
			for _, theme := range render.Themes() {
				for _, format := range render.Formats() {
					paths = append(paths, fmt.Sprintf("/cards/%s.%s?size=%s&theme=%s", f.ID, format.Ext(), size, theme))
				}
			}
		}
	}
	return paths
}

// checkedGet GETs url and checks the answer is a whole card from wantSource
// ("render" or "store"). It returns the body's length.
func checkedGet(client *http.Client, url, wantSource string) (int, error) {
	resp, err := client.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%s: read body: %v", url, err)
	case resp.StatusCode != http.StatusOK:
		return 0, fmt.Errorf("%s: status %d: %.200s", url, resp.StatusCode, body)
	case resp.ContentLength != int64(len(body)):
		return 0, fmt.Errorf("%s: %d bytes of %d", url, len(body), resp.ContentLength)
	case !bytes.HasPrefix(body, []byte("\x89PNG")) && !bytes.HasPrefix(body, []byte("\xff\xd8")):
		return 0, fmt.Errorf("%s: body is neither PNG nor JPEG", url)
	case resp.Header.Get("X-Card-Source") != wantSource:
		return 0, fmt.Errorf("%s: X-Card-Source %q; want %q", url, resp.Header.Get("X-Card-Source"), wantSource)
	}
	return len(body), nil
}

// loadResult is what one phase measured.
type loadResult struct {
	name                                 string
	requests, errors                     int
	bytes                                int64
	elapsed                              time.Duration
	p50, p99, max                        time.Duration
	rssStart, rss100, rss1k, rss10k, rss int64         // rss: at the end
	cpu                                  time.Duration // the server's CPU time
	errs                                 []string
}

// drive runs one client goroutine per target list, each on a keep-alive
// connection of its own, going round its list, until total requests are done
// (total > 0) or d has passed. Every answer must be a whole card from
// wantSource. It samples the server's RSS before, after 100, 1,000 and 10,000
// requests, and at the end.
func drive(t *testing.T, p *serveProc, name string, targets [][]string, total int, d time.Duration, wantSource string) *loadResult {
	t.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: len(targets), MaxConnsPerHost: len(targets), DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	r := &loadResult{name: name}
	var (
		started, done atomic.Int64
		nerrs         atomic.Int64
		nbytes        atomic.Int64
		mu            sync.Mutex
		lats          []time.Duration
		wg            sync.WaitGroup
	)
	sample := func(dst *int64) {
		if v, err := p.readRSS(); err == nil {
			*dst = v
		}
	}
	sample(&r.rssStart)
	cpu0, _ := p.readCPU()
	start := time.Now()
	deadline := start.Add(d)
	for _, mine := range targets {
		wg.Go(func() {
			own := make([]time.Duration, 0, 1024)
			defer func() {
				mu.Lock()
				lats = append(lats, own...)
				mu.Unlock()
			}()
			for i := 0; ; i++ {
				if total > 0 && started.Add(1) > int64(total) || total == 0 && time.Now().After(deadline) {
					return
				}
				t0 := time.Now()
				n, err := checkedGet(client, mine[i%len(mine)], wantSource)
				own = append(own, time.Since(t0))
				nbytes.Add(int64(n))
				if err != nil && nerrs.Add(1) <= 5 {
					mu.Lock()
					r.errs = append(r.errs, err.Error())
					mu.Unlock()
				}
				switch done.Add(1) {
				case 100:
					sample(&r.rss100)
				case 1000:
					sample(&r.rss1k)
				case 10_000:
					sample(&r.rss10k)
				}
			}
		})
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	sample(&r.rss)
	if cpu1, err := p.readCPU(); err == nil {
		r.cpu = cpu1 - cpu0
	}
	r.requests, r.errors, r.bytes = int(done.Load()), int(nerrs.Load()), nbytes.Load()
	slices.Sort(lats)
	if len(lats) > 0 {
		r.p50 = lats[len(lats)*50/100]
		r.p99 = lats[len(lats)*99/100]
		r.max = lats[len(lats)-1]
	}
	return r
}

// finish checks a phase's errors and the server's log, and stops the server,
// which must exit 0. Log lines with one of the expected substrings are no
// error.
func finish(t *testing.T, p *serveProc, r *loadResult, logs *lineCounter, expected ...string) {
	t.Helper()
	t.Logf("%s: %d requests in %v, %.0f/s, %.1f MiB/s; server CPU %.2f cores, %.2f ms per request; p50 %v, p99 %v, max %v; %d errors; RSS %s → %s (100) → %s (1,000) → %s (10,000) → %s (end)",
		r.name, r.requests, r.elapsed.Round(time.Millisecond), float64(r.requests)/r.elapsed.Seconds(),
		float64(r.bytes)/r.elapsed.Seconds()/(1<<20), r.cpu.Seconds()/r.elapsed.Seconds(), r.cpu.Seconds()*1000/float64(max(r.requests, 1)),
		r.p50, r.p99, r.max, r.errors,
		mib(r.rssStart), mib(r.rss100), mib(r.rss1k), mib(r.rss10k), mib(r.rss))
	if r.errors != 0 {
		t.Errorf("%d errors; want 0; the first: %q", r.errors, r.errs)
	}
	if code := p.stop(t); code != 0 {
		t.Errorf("factcard serve exited %d on SIGTERM; want 0; log tail:\n%s", code, logs.String())
	}
	if bad := logs.unexpected(expected...); len(bad) > 0 {
		t.Errorf("factcard serve logged %d unexpected warnings or errors, such as:\n%s", len(bad), strings.Join(bad, "\n"))
	}
}

// loadTable formats the results as a markdown table.
func loadTable(results []*loadResult, seconds int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "factcard serve on loopback, %d keep-alive connections, %d cores (%s/%s), %s; cached phase %d s, cold phase %d renders.\n\n",
		loadConns, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), seconds, loadRenders)
	b.WriteString("| phase | requests | time | req/s | server CPU | p50 | p99 | max | errors | RSS start | RSS after 100 | RSS after 1,000 | RSS after 10,000 | RSS end |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %s | %d | %.1f s | %.0f | %.2f cores | %s | %s | %s | %d | %s | %s | %s | %s | %s |\n",
			r.name, r.requests, r.elapsed.Seconds(), float64(r.requests)/r.elapsed.Seconds(), r.cpu.Seconds()/r.elapsed.Seconds(),
			ms(r.p50), ms(r.p99), ms(r.max), r.errors, mib(r.rssStart), mib(r.rss100), mib(r.rss1k), mib(r.rss10k), mib(r.rss))
	}
	return b.String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func mib(n int64) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// lineCounter is a log sink that counts lines holding given substrings, keeps
// the lines at level WARN or ERROR that hold none of them (the first few),
// and the last lines, without keeping the whole log.
type lineCounter struct {
	mu      sync.Mutex
	partial []byte
	counts  map[string]int
	bad     []string // WARN and ERROR lines
	tail    []string
}

func newLineCounter(substrings ...string) *lineCounter {
	c := &lineCounter{counts: map[string]int{}}
	for _, s := range substrings {
		c.counts[s] = 0
	}
	return c
}

func (c *lineCounter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.partial = append(c.partial, p...)
	for {
		i := bytes.IndexByte(c.partial, '\n')
		if i < 0 {
			break
		}
		line := string(c.partial[:i])
		c.partial = c.partial[i+1:]
		for s := range c.counts {
			if strings.Contains(line, s) {
				c.counts[s]++
			}
		}
		if (strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR")) && len(c.bad) < 1000 {
			c.bad = append(c.bad, line)
		}
		c.tail = append(c.tail, line)
		if len(c.tail) > 40 {
			c.tail = c.tail[1:]
		}
	}
	return len(p), nil
}

// count returns how many lines held s, which must have been given to
// newLineCounter.
func (c *lineCounter) count(s string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[s]
}

// unexpected returns up to 5 WARN or ERROR lines holding none of expected.
func (c *lineCounter) unexpected(expected ...string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, line := range c.bad {
		if !slices.ContainsFunc(expected, func(s string) bool { return strings.Contains(line, s) }) && len(out) < 5 {
			out = append(out, line)
		}
	}
	return out
}

// String returns the last lines.
func (c *lineCounter) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.tail, "\n")
}
