package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// emf is an EMF line as CloudWatch reads it.
type emf struct {
	AWS struct {
		Timestamp         int64
		CloudWatchMetrics []struct {
			Namespace  string
			Dimensions [][]string
			Metrics    []struct{ Name, Unit string }
		}
	} `json:"_aws"`
	Root map[string]any `json:"-"`
}

// parseLines decodes every line of out as an EMF document and checks what the
// specification requires of it: a timestamp, directives whose dimensions and
// metrics are members of the root, metric values that are numbers or arrays of at
// most 100 numbers.
func parseLines(t *testing.T, out string) []emf {
	t.Helper()
	var docs []emf
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		var d emf
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		if err := json.Unmarshal([]byte(l), &d.Root); err != nil {
			t.Fatal(err)
		}
		if d.AWS.Timestamp <= 0 || len(d.AWS.CloudWatchMetrics) == 0 {
			t.Errorf("line %q: no _aws.Timestamp or CloudWatchMetrics", l)
		}
		for _, dir := range d.AWS.CloudWatchMetrics {
			for _, set := range dir.Dimensions {
				for _, dim := range set {
					if _, ok := d.Root[dim].(string); !ok {
						t.Errorf("line %q: dimension %s is not a string member of the root", l, dim)
					}
				}
			}
			for _, m := range dir.Metrics {
				switch v := d.Root[m.Name].(type) {
				case float64:
				case []any:
					if len(v) == 0 || len(v) > 100 {
						t.Errorf("line %q: %s has %d values, want 1 to 100", l, m.Name, len(v))
					}
				default:
					t.Errorf("line %q: metric %s = %v, want a number or an array of numbers", l, m.Name, d.Root[m.Name])
				}
			}
		}
		docs = append(docs, d)
	}
	return docs
}

func TestRecorder(t *testing.T) {
	var out bytes.Buffer
	r := New(&out, "factcard-ApiFunction-abc")
	r.now = func() time.Time { return time.UnixMilli(1795564800123) }
	if err := r.Flush(); err != nil || out.Len() != 0 {
		t.Fatalf("Flush with nothing recorded wrote %q, %v; want nothing", out.String(), err)
	}
	r.CardRendered(4200 * time.Microsecond)
	r.CardRendered(5 * time.Millisecond)
	r.CardFromStore()
	r.StoreFault()
	r.StoreFault()
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	docs := parseLines(t, out.String())
	if len(docs) != 1 {
		t.Fatalf("%d lines, want 1: %s", len(docs), out.String())
	}
	d := docs[0]
	dir := d.AWS.CloudWatchMetrics[0]
	if d.AWS.Timestamp != 1795564800123 || dir.Namespace != Namespace || !slices.EqualFunc(dir.Dimensions, [][]string{{Dimension}}, slices.Equal) {
		t.Errorf("metadata = %+v, want timestamp 1795564800123, namespace %s, dimensions [[%s]]", d.AWS, Namespace, Dimension)
	}
	units := map[string]string{}
	for _, m := range dir.Metrics {
		units[m.Name] = m.Unit
	}
	wantUnits := map[string]string{CardsRendered: "Count", RenderTime: "Milliseconds", StoreFaults: "Count", CardsFromStore: "Count"}
	for name, unit := range wantUnits {
		if units[name] != unit {
			t.Errorf("metric %s unit %q, want %q (all: %v)", name, units[name], unit, units)
		}
	}
	want := map[string]any{Dimension: "factcard-ApiFunction-abc", CardsRendered: 2.0, StoreFaults: 2.0, CardsFromStore: 1.0, RenderTime: []any{4.2, 5.0}}
	for k, v := range want {
		if got, _ := json.Marshal(d.Root[k]); string(got) != mustJSON(v) {
			t.Errorf("%s = %s, want %s", k, got, mustJSON(v))
		}
	}

	out.Reset()
	r.CardFromStore()
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	docs = parseLines(t, out.String())
	if len(docs) != 1 || docs[0].Root[CardsFromStore] != 1.0 || docs[0].Root[CardsRendered] != 0.0 || docs[0].Root[RenderTime] != nil {
		t.Errorf("second line %q, want the counts since the first only, and no RenderTime without a render", out.String())
	}
}

// TestRecorderFullLine: a hundred render times make a line at once, so that no
// line holds more values than EMF takes.
func TestRecorderFullLine(t *testing.T) {
	var out bytes.Buffer
	r := New(&out, "fn")
	for range 250 {
		r.CardRendered(time.Millisecond)
	}
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	docs := parseLines(t, out.String())
	var total float64
	var counts []int
	for _, d := range docs {
		total += d.Root[CardsRendered].(float64)
		counts = append(counts, len(d.Root[RenderTime].([]any)))
	}
	if total != 250 || !slices.Equal(counts, []int{100, 100, 50}) {
		t.Errorf("lines count %v renders with %v render times, want 250 with [100 100 50]", total, counts)
	}
}

// TestRecorderConcurrent: counts from many goroutines all arrive, in whole lines.
func TestRecorderConcurrent(t *testing.T) {
	var out lockedBuffer
	r := New(&out, "fn")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				r.CardRendered(time.Millisecond)
				r.CardFromStore()
				r.StoreFault()
			}
		})
	}
	wg.Wait()
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	sums := map[string]float64{}
	for _, d := range parseLines(t, out.String()) {
		for _, k := range []string{CardsRendered, CardsFromStore, StoreFaults} {
			sums[k] += d.Root[k].(float64)
		}
	}
	for _, k := range []string{CardsRendered, CardsFromStore, StoreFaults} {
		if sums[k] != 800 {
			t.Errorf("%s sums to %v over the lines, want 800", k, sums[k])
		}
	}
}

func TestRecorderWriteError(t *testing.T) {
	r := New(failingWriter{}, "fn")
	r.StoreFault()
	if err := r.Flush(); err == nil || !strings.Contains(err.Error(), "write metrics") {
		t.Errorf("Flush to a failing writer = %v, want a write error", err)
	}
	if err := r.Flush(); err != nil {
		t.Errorf("second Flush with nothing recorded = %v, want nil", err)
	}
}

func TestNilRecorder(t *testing.T) {
	var r *Recorder
	r.CardRendered(time.Second)
	r.CardFromStore()
	r.StoreFault()
	if err := r.Flush(); err != nil {
		t.Errorf("nil Recorder Flush = %v", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
