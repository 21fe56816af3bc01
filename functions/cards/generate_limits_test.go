package cards

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/storage/storagetest"
)

// bigSet is a dataset that only says how many facts it has: a request for all of
// them must be refused before anything is read.
type bigSet struct {
	facts.Set
	n     int
	reads int
}

func (b *bigSet) Len() int { return b.n }

func (b *bigSet) List(ctx context.Context, cursor string, limit int) (facts.Page, error) {
	b.reads++
	return facts.Page{}, errors.New("bigSet: listed")
}

func (b *bigSet) Fact(ctx context.Context, id string) (facts.Fact, error) {
	b.reads++
	return facts.Fact{}, errors.New("bigSet: read")
}

func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("fact-%d", i)
	}
	return out
}

// TestGenerateLimits: a request that expands past the limits is an error naming
// them, before any work: nothing read from the dataset, no store call, no render.
func TestGenerateLimits(t *testing.T) {
	tests := []struct {
		name string
		req  GenerateRequest
		set  int // > 0: a dataset of this many facts
		want string
	}{
		{"too many IDs", GenerateRequest{IDs: ids(MaxGenerateFacts + 1)}, 0, "10001 IDs, at most 10000"},
		{"too many IDs, all the same", GenerateRequest{IDs: slices.Repeat([]string{"fixture-fact"}, MaxGenerateFacts+1)}, 0, "at most 10000"},
		{"too many sizes", GenerateRequest{IDs: []string{"fixture-fact"}, Sizes: slices.Repeat([]string{"og"}, MaxGenerateValues+1)}, 0, "17 sizes, at most 16"},
		{"too many themes", GenerateRequest{IDs: []string{"fixture-fact"}, Themes: slices.Repeat([]string{"dark"}, MaxGenerateValues+1)}, 0, "17 themes, at most 16"},
		{"all of a large dataset", GenerateRequest{}, MaxGenerateFacts + 1, "all 10001 facts of the dataset"},
		{"too many cards", GenerateRequest{IDs: ids(MaxGenerateFacts), Sizes: []string{"og", "square", "portrait", "story", "huge"}}, 0, "= 100000 cards, at most 80000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t, Config{})
			svc := fx.svc
			var set *bigSet
			if tt.set > 0 {
				set = &bigSet{n: tt.set}
				var err error
				if svc, err = New(Config{Facts: set, Store: fx.store, Render: fx.render.render}); err != nil {
					t.Fatal(err)
				}
			}
			report, err := svc.Generate(context.Background(), tt.req, GenerateOptions{})
			if !errors.Is(err, ErrRequestTooLarge) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Generate = %v, want ErrRequestTooLarge saying %q", err, tt.want)
			}
			if report.Rendered != 0 || report.Skipped != 0 || len(report.Failed) != 0 || report.Remaining != 0 {
				t.Errorf("report = %+v, want nothing done", report)
			}
			if n := fx.store.Calls(storagetest.MethodHead) + fx.store.Calls(storagetest.MethodCreate); n != 0 {
				t.Errorf("%d store calls, want none", n)
			}
			if n := fx.render.calls.Load(); n != 0 {
				t.Errorf("%d renders, want none", n)
			}
			if set != nil && set.reads != 0 {
				t.Errorf("%d dataset reads, want none", set.reads)
			}
		})
	}
}

// TestGenerateAtTheLimit: a request of exactly MaxGenerateFacts IDs is taken.
func TestGenerateAtTheLimit(t *testing.T) {
	fx := newFixture(t, Config{})
	req := GenerateRequest{IDs: append(ids(MaxGenerateFacts-1), "fixture-fact"), Sizes: []string{"og"}, Themes: []string{"dark"}}
	report, err := fx.svc.Generate(context.Background(), req, GenerateOptions{})
	if err != nil {
		t.Fatalf("Generate at the limit = %v", err)
	}
	if report.Rendered != 1 || len(report.Failed) != MaxGenerateFacts-1 {
		t.Errorf("report: %d rendered, %d failed; want 1 and %d (unknown IDs)", report.Rendered, len(report.Failed), MaxGenerateFacts-1)
	}
}

func TestDedupe(t *testing.T) {
	for _, tt := range []struct{ in, want []string }{
		{nil, []string{}},
		{[]string{"a"}, []string{"a"}},
		{[]string{"b", "a", "b", "c", "a"}, []string{"b", "a", "c"}},
		{[]string{"", "", "x"}, []string{"", "x"}},
	} {
		if got := dedupe(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("dedupe(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// BenchmarkDedupe shows the de-duplication of a request's IDs growing linearly.
func BenchmarkDedupe(b *testing.B) {
	for _, n := range []int{1_000, MaxGenerateFacts} {
		in := append(ids(n), ids(n)...)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				dedupe(in)
			}
		})
	}
}
