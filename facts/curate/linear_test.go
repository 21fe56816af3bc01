package curate

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/factcard/factcard/facts"
)

// crafted are texts made to find super-linear work in the curation tools (test
// text, fictional speakers): the reproductions of issue 21.
var crafted = []struct {
	name, unit string
	size       int // bytes of the larger text
}{
	// Every quotation the same word: each was once looked up in the whole text.
	{"16 KiB of \"a\"", `"a" `, 16 << 10},
	// One line of attributed sentences: each quotation's sentence was once found
	// by reading the whole line, and its words by counting from the text's start.
	{"one 256 KiB line of attributed quotes", `“We will wait,” Fixture Minister Ana Lenz said on Friday in a statement. `, 256 << 10},
	// Words every attribution pattern looks for, around every quotation.
	{"attribution words around every quote", `According to Dr. Lenz, who said on Friday, "a" told reporters `, 256 << 10},
}

// measure runs f and returns the bytes it allocated and how long it took.
func measure(f func()) (uint64, time.Duration) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, took
}

// TestExtractLinear: extract's memory grows in proportion to its text (four
// times the text, at most six times the bytes allocated, where quadratic work
// gives sixteen) and the larger texts finish well within a bound a loaded
// two-core machine meets (they took 59 s to over 120 s before).
func TestExtractLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("measures extract on texts of up to 256 KiB")
	}
	const bound = 20 * time.Second
	for _, tt := range crafted {
		t.Run(tt.name, func(t *testing.T) {
			small := strings.Repeat(tt.unit, tt.size/4/len(tt.unit))
			big := strings.Repeat(tt.unit, tt.size/len(tt.unit))
			run := func(text string) (int, error) {
				ctx, cancel := context.WithTimeout(t.Context(), 3*bound)
				defer cancel()
				cs, err := ExtractContext(ctx, text)
				return len(cs), err
			}
			var n int
			var err error
			smallBytes, _ := measure(func() { n, err = run(small) })
			if err != nil {
				t.Fatalf("extract of %d bytes: %v", len(small), err)
			}
			if n == 0 {
				t.Fatalf("extract of %d bytes found no quotations; the text is meant to have many", len(small))
			}
			bigBytes, took := measure(func() { n, err = run(big) })
			if err != nil {
				t.Fatalf("extract of %d bytes: %v", len(big), err)
			}
			t.Logf("%d bytes: %d candidates, %v, %d bytes allocated (%d for a quarter of it)", len(big), n, took, bigBytes, smallBytes)
			if ratio := float64(bigBytes) / float64(smallBytes); ratio > 6 {
				t.Errorf("four times the text allocated %.1f times the bytes (%d, %d), want at most 6: work grows faster than the text", ratio, bigBytes, smallBytes)
			}
			if took > bound {
				t.Errorf("extract of %d bytes took %v, want under %v", len(big), took, bound)
			}
		})
	}
}

// TestExtractStops: a cancelled context stops extract at once, with its error.
func TestExtractStops(t *testing.T) {
	text := strings.Repeat(strings.Repeat(crafted[1].unit, 20)+"\n", 2000) // 2 MiB in lines
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	cs, err := ExtractContext(ctx, text)
	if !errors.Is(err, context.Canceled) || cs != nil {
		t.Fatalf("ExtractContext after cancel = %d candidates, %v; want none and context.Canceled", len(cs), err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("extract stopped %v after it started, cancelled at 50 ms: want it to stop at once", took)
	}
}

// BenchmarkExtractCrafted measures extract on the crafted texts.
func BenchmarkExtractCrafted(b *testing.B) {
	for _, tt := range crafted {
		text := strings.Repeat(tt.unit, tt.size/len(tt.unit))
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				Extract(text)
			}
		})
	}
}

// TestAddLinear: 'facts add' on the crafted texts, and with a quote far longer
// than a fact may hold, answers well within the bound (a 3,000-word quote took
// 50 s before), and the closest passage to a quote that is not in a long
// document is found in time that grows with the document.
func TestAddLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("measures add on texts of up to 1 MiB")
	}
	const bound = 20 * time.Second
	src := facts.Source{ID: "fixture", Document: "fixture.txt", Published: facts.Date{Precision: facts.Unknown}}
	words := strings.Fields(strings.Repeat("fixture words of a council that met on a day in May and said little of note ", 200))
	tests := []struct {
		name, doc string
		req       AddRequest
		wantErr   string // "" for a fact
	}{
		{"3,000-word --quote", crafted[1].unit, AddRequest{Quote: strings.Join(words[:3000], " ")}, "more than a fact may hold"},
		{"the most common word of 16 KiB of \"a\"", strings.Repeat(crafted[0].unit, crafted[0].size/len(crafted[0].unit)),
			AddRequest{Quote: "a", Speaker: "Ana Lenz", Said: "unknown", ID: "fixture-a"}, ""},
		{"a 150-word quote not in 1 MiB", strings.Repeat(strings.Join(words[:997], " ")+".\n", 220),
			AddRequest{Quote: strings.Join(words[3:153], " ") + " gone"}, "The closest passage there is:\n  " + strings.Join(words[3:20], " ")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 3*bound)
			defer cancel()
			var err error
			_, took := measure(func() { _, err = BuildFact(ctx, facts.Default(), src, tt.doc, tt.req) })
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("BuildFact() = %v, want a fact", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("BuildFact() = %v, want an error with %q", err, tt.wantErr)
			}
			t.Logf("%d bytes: %v", len(tt.doc), took)
			if took > bound {
				t.Errorf("BuildFact on %d bytes took %v, want under %v", len(tt.doc), took, bound)
			}
		})
	}
}
