package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
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
// card size on one core, PNG and JPEG bytes per size, og cards in other scripts
// (render's fixtures) beside the Latin one, a whole `factcard render`
// process (time and peak RSS), and the sizes of the two Lambda bootstraps.
// `make bench` runs it; it takes a minute or two, so plain test runs skip it.
func TestBenchReport(t *testing.T) {
	if os.Getenv("FACTCARD_BENCH_REPORT") == "" {
		t.Skip("the benchmark report takes minutes: run `make bench` (or set FACTCARD_BENCH_REPORT=1)")
	}
	loadBefore := loadAverage()
	all := facts.Default().All()
	// The whole process first, while this one is small and idle (see coldStart).
	cold := coldStart(t, buildFactcard(t), all[0].ID, 11)

	runs := 5
	var out strings.Builder
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

	scriptCards(t, &out, median, runs)

	fmt.Fprintf(&out, "\n| whole process | median | |\n|---|---|---|\n")
	fmt.Fprintf(&out, "| `factcard render %s -o card.png` as a new process, %d runs: exec to exit (runtime start, dataset and fonts parsed, the og card drawn, encoded and written) | %s wall, %s CPU | peak RSS %s |\n",
		all[0].ID, cold.runs, millis(float64(cold.wall)), millis(float64(cold.cpu)), mib(cold.peakRSS))
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
	// The load average goes in the header: other work on the machine slows every
	// figure here, a whole process most (its CPU time too, not only its wait).
	report := fmt.Sprintf("Machine: %s, %d cores, %s %s/%s; load average %s at the start, %s at the end. Medians of %d runs; render and encode on one core (GOMAXPROCS=1).\n\n",
		cpuModel(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, loadBefore, loadAverage(), runs) + out.String()
	t.Log("\n" + report)
	if path := os.Getenv("FACTCARD_BENCH_REPORT_FILE"); path != "" {
		if err := os.WriteFile(path, []byte(report), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// scriptCases are the render fixtures (render/testdata/fixtures.json: fixture
// text, not quotes of anyone) the report times beside the dataset's median Latin
// fact, one per script family the world fonts brought: CJK, Thai (broken by its
// word list), Bengali, and colour emoji.
var scriptCases = []string{"english", "script-chinese-simplified", "script-japanese", "script-korean", "script-thai", "script-bengali", "emoji"}

// scriptCards writes the multi-script table: og render + PNG on one core and the
// PNG's bytes, for the median Latin fact and each of scriptCases.
func scriptCards(t *testing.T, out io.Writer, median facts.Fact, runs int) {
	t.Helper()
	fixtures := loadRenderFixtures(t)
	type card struct {
		name string
		f    facts.Fact
	}
	cards := []card{{"Latin, the dataset's median fact (" + median.ID + ")", median}}
	for _, c := range scriptCases {
		f, ok := fixtures[c]
		if !ok {
			t.Fatalf("render/testdata/fixtures.json has no case %q", c)
		}
		cards = append(cards, card{"`" + c + "` fixture (" + f.Language + ")", f})
	}
	fmt.Fprintf(out, "\n| og card, one core | render + PNG | vs Latin | PNG bytes |\n|---|---|---|---|\n")
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	var latin float64
	for i, c := range cards {
		var buf bytes.Buffer
		// The first card of a script parses its face: draw it once before timing.
		if err := render.Render(&buf, c.f, render.Options{}); err != nil {
			t.Fatalf("rendering %s: %v", c.name, err)
		}
		ns := medianNs(runs, func(b *testing.B) {
			for b.Loop() {
				if err := render.Render(io.Discard, c.f, render.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		if i == 0 {
			latin = ns
		}
		fmt.Fprintf(out, "| %s | %s | ×%.2f | %s |\n", c.name, millis(ns), ns/latin, kilobytes(buf.Len()))
	}
}

// loadRenderFixtures reads render's test fixtures, keyed by case.
func loadRenderFixtures(t *testing.T) map[string]facts.Fact {
	t.Helper()
	data, err := os.ReadFile("../../render/testdata/fixtures.json")
	if err != nil {
		t.Fatalf("reading render's fixtures: %v", err)
	}
	var file struct {
		Fixtures []struct {
			Case string     `json:"case"`
			Fact facts.Fact `json:"fact"`
		} `json:"fixtures"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("render/testdata/fixtures.json: %v", err)
	}
	out := make(map[string]facts.Fact)
	for _, f := range file.Fixtures {
		out[f.Case] = f.Fact
	}
	return out
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

// maxRSSUnit is the unit of Rusage.Maxrss in bytes: KiB on Linux, bytes on macOS.
var maxRSSUnit = map[bool]int64{true: 1, false: 1024}[runtime.GOOS == "darwin"]

// coldRun is what coldStart measured of a whole process.
type coldRun struct {
	runs      int
	wall, cpu time.Duration // medians: start to exit, and user + system time
	peakRSS   int64         // the largest peak RSS, in bytes
}

// coldStart runs `factcard render ID` n times as a new process, one at a time,
// and returns the medians of its wall time (start to exit) and CPU time, and the
// largest peak RSS.
//
// The peak RSS Linux reports for a child is at least the peak of the process that
// started it: os/exec starts children with vfork (CLONE_VM), so at exec the
// child's counter takes the high-water mark of the memory it shared until then,
// this process's. Measured after the benchmarks, factcard render "peaked" at this
// test's 65 MiB. So the report runs coldStart first, while this process is small,
// and coldStart fails if this process's peak is not below the child's figure.
func coldStart(t *testing.T, bin, id string, n int) coldRun {
	t.Helper()
	dir := t.TempDir()
	var walls, cpus []time.Duration
	var peak int64
	for i := range n {
		out := filepath.Join(dir, fmt.Sprintf("card-%d.png", i))
		cmd := exec.Command(bin, "render", id, "-o", out)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s", cmd, err, stderr.Bytes())
		}
		walls = append(walls, time.Since(start))
		ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		if !ok {
			t.Skipf("no resource usage for a process on %s", runtime.GOOS)
		}
		cpus = append(cpus, time.Duration(ru.Utime.Nano()+ru.Stime.Nano()))
		peak = max(peak, ru.Maxrss*maxRSSUnit)
		if st, err := os.Stat(out); err != nil || st.Size() == 0 {
			t.Fatalf("no card written: %v", err)
		}
	}
	if own, ok := memoryHighWater(); ok && peak <= own {
		t.Fatalf("factcard render's peak RSS (%s) is not above this test's own (%s), which Linux reports for a child whose own peak is lower: measure before this process grows",
			mib(peak), mib(own))
	}
	slices.Sort(walls)
	slices.Sort(cpus)
	return coldRun{runs: n, wall: walls[n/2], cpu: cpus[n/2], peakRSS: peak}
}

// memoryHighWater returns the peak RSS of this process's memory (VmHWM), which
// Linux hands to a child at exec. (Getrusage's figure will not do: it holds what
// this process was handed in turn by the go command that started it.)
func memoryHighWater() (int64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kib int64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kib); err == nil {
				return kib * 1024, true
			}
		}
	}
	return 0, false
}

// loadAverage returns the one-minute load average, or "unknown" where /proc has none.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "unknown"
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
