package render

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPreloadConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := Preload(); err != nil {
				t.Errorf("Preload() = %v, want nil", err)
			}
		})
	}
	wg.Wait()
	if err := Preload(); err != nil {
		t.Errorf("Preload() again = %v, want nil", err)
	}
}

// TestPreloadWarms runs the first render of a fresh process, with and without
// Preload, in a child process with the garbage collector off, and compares the
// bytes it allocates with those of the next render of the same card. Without
// Preload the first render parses the fonts and builds every cache and buffer;
// after it, what is left (outlines of glyphs the samples do not use, a band
// canvas of a new height) must be under a tenth of that. Bytes, not time: they
// do not vary with the machine's load.
func TestPreloadWarms(t *testing.T) {
	if mode := os.Getenv("FACTCARD_RENDER_PRELOAD_CHILD"); mode != "" {
		preloadChild(mode == "preload")
		return
	}
	if testing.Short() {
		t.Skip("starts child processes")
	}
	run := func(mode string) (first, next int64, took time.Duration) {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^TestPreloadWarms$", "-test.count=1")
		// One P: sync.Pool keeps a cache per P, and a render that lands on a P whose
		// cache another P warmed would allocate by chance, not for want of warming.
		cmd.Env = append(os.Environ(), "FACTCARD_RENDER_PRELOAD_CHILD="+mode, "GOMAXPROCS=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child (%s): %v\n%s", mode, err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if f := strings.Fields(line); len(f) == 4 && f[0] == "preload-child" {
				first, _ = strconv.ParseInt(f[1], 10, 64)
				next, _ = strconv.ParseInt(f[2], 10, 64)
				ns, _ := strconv.ParseInt(f[3], 10, 64)
				return first, next, time.Duration(ns)
			}
		}
		t.Fatalf("child (%s) printed no result:\n%s", mode, out)
		return
	}
	first, next, took := run("cold")
	t.Logf("without Preload: first render %d KB, next %d KB; first took %v", first>>10, next>>10, took)
	cold := first - next
	first, next, took = run("preload")
	t.Logf("after Preload: first render %d KB, next %d KB; first took %v", first>>10, next>>10, took)
	if warm := first - next; warm > cold/10 {
		t.Errorf("after Preload the first render allocates %d KB more than the next; want under a tenth of the %d KB more without", warm>>10, cold>>10)
	}
}

// preloadChild prints the bytes allocated by the first and second render of an
// Persian story card (Naskh, as the Urdu sample was before Urdu set in
// Nastaliq: a script, size and theme the samples do not combine), and the
// first one's time. (Nastaliq joins each letter in many more forms than the
// sample holds: the first Urdu card after Preload still parses about 1 MB of
// outlines.)
func preloadChild(preload bool) {
	debug.SetGCPercent(-1)
	fx := loadFixtures(&testing.T{})["script-persian"]
	if preload {
		if err := Preload(); err != nil {
			fmt.Println("preload:", err)
			os.Exit(1)
		}
	}
	opts := Options{Size: SizeStory, Theme: ThemeLight}
	measure := func() (int64, time.Duration) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		if err := Render(io.Discard, fx, opts); err != nil {
			fmt.Println("render:", err)
			os.Exit(1)
		}
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		return int64(after.TotalAlloc - before.TotalAlloc), took
	}
	first, took := measure()
	next, _ := measure()
	var buf bytes.Buffer
	fmt.Fprintln(&buf, "preload-child", first, next, took.Nanoseconds())
	os.Stdout.Write(buf.Bytes())
}
