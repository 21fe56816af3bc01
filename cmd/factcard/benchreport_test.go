package main

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/testsupport/proc"
	"github.com/factcard/factcard/render"
)

// TestBenchReport prints factcard's one benchmark table: render and encode time per
// card size on one core, PNG and JPEG bytes per size, the cold start of a whole
// `factcard render` process and its peak RSS, and the sizes of the two Lambda
// bootstraps. `make bench` runs it; it takes a minute or two, so plain test runs
// skip it.
func TestBenchReport(t *testing.T) {
	if os.Getenv("FACTCARD_BENCH_REPORT") == "" {
		t.Skip("the benchmark report takes minutes: run `make bench` (or set FACTCARD_BENCH_REPORT=1)")
	}
	runs := 5
	var out strings.Builder
	fmt.Fprintf(&out, "Machine: %s, %d cores, %s %s/%s. Medians of %d runs; render and encode on one core (GOMAXPROCS=1).\n\n",
		cpuModel(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, runs)

	all := facts.Default().All()
	median := medianFact(t, all)
	fmt.Fprintf(&out, "| size | render | PNG encode | render + PNG | allocs/card | PNG bytes (median fact) | JPEG encode | JPEG bytes (median fact) |\n")
	fmt.Fprintf(&out, "|---|---|---|---|---|---|---|---|\n")
	prev := runtime.GOMAXPROCS(1)
	for _, size := range render.Sizes() {
		opts := render.Options{Size: size}
		jpegOpts := render.Options{Size: size, Format: render.FormatJPEG}
		img, err := render.Card(median, opts)
		if err != nil {
			t.Fatal(err)
		}
		renderNs := medianNs(runs, func(b *testing.B) {
			for b.Loop() {
				if _, err := render.Card(median, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
		encodeNs := medianNs(runs, func(b *testing.B) {
			for b.Loop() {
				if err := render.Encode(io.Discard, img, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
		var allocs int64
		cardNs := medianNs(runs, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := render.Render(io.Discard, median, opts); err != nil {
					b.Fatal(err)
				}
			}
		}, &allocs)
		jpegNs := medianNs(runs, func(b *testing.B) {
			for b.Loop() {
				if err := render.Encode(io.Discard, img, jpegOpts); err != nil {
					b.Fatal(err)
				}
			}
		})
		w, h := size.Dimensions()
		fmt.Fprintf(&out, "| %s %d×%d | %s | %s | %s | %d | %s | %s | %s |\n", size, w, h,
			millis(renderNs), millis(encodeNs), millis(cardNs), allocs,
			kilobytes(medianBytes(t, all, opts)), millis(jpegNs), kilobytes(medianBytes(t, all, jpegOpts)))
	}
	runtime.GOMAXPROCS(prev)

	bin := buildFactcard(t)
	wall, rss := coldStart(t, bin, all[0].ID, 11)
	fmt.Fprintf(&out, "\n| whole process | median | |\n|---|---|---|\n")
	fmt.Fprintf(&out, "| `factcard render %s -o card.png`, start to written card (cold start, 11 runs) | %s | peak RSS %s |\n",
		all[0].ID, millis(float64(wall.Nanoseconds())), mib(rss))
	for _, fn := range []string{"api", "generate"} {
		path := (&proc.Binary{Dir: "../..", Pkg: "./functions/" + fn, Name: "bootstrap",
			Env:   []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64"},
			Flags: []string{"-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w"}}).Path(t)
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&out, "| `functions/%s` bootstrap, linux/arm64, `-s -w` | %s | |\n", fn, mib(st.Size()))
	}
	t.Log("\n" + out.String())
	if path := os.Getenv("FACTCARD_BENCH_REPORT_FILE"); path != "" {
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// medianNs runs a benchmark n times and returns the median ns/op; if allocs is given,
// it receives the allocations per op of the median run.
func medianNs(n int, f func(*testing.B), allocs ...*int64) float64 {
	type result struct {
		ns     float64
		allocs int64
	}
	var rs []result
	for range n {
		r := testing.Benchmark(f)
		rs = append(rs, result{float64(r.T.Nanoseconds()) / float64(r.N), r.AllocsPerOp()})
	}
	slices.SortFunc(rs, func(a, b result) int { return cmp.Compare(a.ns, b.ns) })
	if len(allocs) > 0 {
		*allocs[0] = rs[n/2].allocs
	}
	return rs[n/2].ns
}

// medianFact is the fact whose og PNG is the median size of the dataset's.
func medianFact(t *testing.T, all []facts.Fact) facts.Fact {
	t.Helper()
	type sized struct {
		f facts.Fact
		n int
	}
	var s []sized
	for _, f := range all {
		var buf bytes.Buffer
		if err := render.Render(&buf, f, render.Options{}); err != nil {
			t.Fatal(err)
		}
		s = append(s, sized{f, buf.Len()})
	}
	slices.SortFunc(s, func(a, b sized) int { return a.n - b.n })
	return s[len(s)/2].f
}

// medianBytes is the median encoded size over the dataset.
func medianBytes(t *testing.T, all []facts.Fact, opts render.Options) int {
	t.Helper()
	var sizes []int
	for _, f := range all {
		var buf bytes.Buffer
		if err := render.Render(&buf, f, opts); err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, buf.Len())
	}
	slices.Sort(sizes)
	return sizes[len(sizes)/2]
}

// coldStart runs `factcard render ID` n times and returns the median wall time from
// start to exit and the largest peak RSS.
func coldStart(t *testing.T, bin, id string, n int) (time.Duration, int64) {
	t.Helper()
	dir := t.TempDir()
	var walls []time.Duration
	var peak int64
	for i := range n {
		out := filepath.Join(dir, fmt.Sprintf("card-%d.png", i))
		cmd := exec.Command(bin, "render", id, "-o", out)
		start := time.Now()
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", cmd, err, b)
		}
		walls = append(walls, time.Since(start))
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, ru.Maxrss*1024) // Linux reports KiB
		}
		if st, err := os.Stat(out); err != nil || st.Size() == 0 {
			t.Fatalf("no card written: %v", err)
		}
	}
	slices.Sort(walls)
	return walls[n/2], peak
}

func cpuModel() string {
	fh, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func millis(ns float64) string { return fmt.Sprintf("%.2f ms", ns/1e6) }
func kilobytes(n int) string   { return fmt.Sprintf("%.1f KB", float64(n)/1000) }
