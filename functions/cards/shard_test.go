package cards

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/factstest"
	"github.com/factcard/factcard/facts/published"
	"github.com/factcard/factcard/functions/dataset"
	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/render"
)

// publishedFixture publishes n synthetic facts (generated text, not quotes) to an
// in-memory store and returns the opened version.
func publishedFixture(t testing.TB, n int) *published.Dataset {
	t.Helper()
	_, b, err := factstest.Bundle(n)
	if err != nil {
		t.Fatal(err)
	}
	mem := storagetest.NewMemory()
	if _, err := dataset.Publish(t.Context(), mem, "facts", b); err != nil {
		t.Fatal(err)
	}
	p, err := dataset.Open(t.Context(), dataset.URL{Bucket: "cards", Root: "facts", Version: b.Manifest.Version}, mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGenerateShard(t *testing.T) {
	p := publishedFixture(t, 1500)
	if p.Shards() < 2 {
		t.Fatalf("%d shards; the test needs several", p.Shards())
	}
	mem := storagetest.NewMemory()
	svc, err := New(Config{Facts: p, Store: mem, Render: (&counter{}).render})
	if err != nil {
		t.Fatal(err)
	}
	key := published.ShardKey("facts", p.Version(), 1, p.Shards())
	inShard, err := p.ShardFacts(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	req := GenerateRequest{Shard: key, Sizes: []string{"og", "story"}, Themes: []string{"dark"}}
	first, err := svc.Generate(t.Context(), req, GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 * len(inShard); first.Rendered != want || len(first.Failed) != 0 || mem.Len() != want {
		t.Fatalf("first run = %+v, %d stored; want %d rendered and stored", first, mem.Len(), want)
	}
	for _, k := range mem.Keys() {
		id := strings.Split(k, "/")[len(strings.Split(k, "/"))-2]
		if published.ShardOf(id, p.Shards()) != 1 {
			t.Errorf("stored %s, a card of another shard", k)
		}
	}
	again, _ := svc.Generate(t.Context(), req, GenerateOptions{})
	if again.Rendered != 0 || again.Skipped != first.Rendered {
		t.Errorf("second run = %+v, want everything skipped", again)
	}
}

func TestGenerateShardRefused(t *testing.T) {
	p := publishedFixture(t, 600)
	key := published.ShardKey("facts", p.Version(), 0, p.Shards())
	for _, tc := range []struct {
		name string
		set  facts.Set
		req  GenerateRequest
		want string
	}{
		{"another version", p, GenerateRequest{Shard: published.ShardKey("facts", strings.Repeat("0", published.VersionDigits), 0, p.Shards())}, "another dataset version"},
		{"not a shard", p, GenerateRequest{Shard: "facts/" + p.Version() + "/manifest.json"}, "another dataset version"},
		{"ids and shard", p, GenerateRequest{Shard: key, IDs: []string{"x"}}, "not both"},
		{"embedded dataset", facts.Default(), GenerateRequest{Shard: key}, "not a published one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := storagetest.NewMemory()
			svc, err := New(Config{Facts: tc.set, Store: mem, Render: (&counter{}).render})
			if err != nil {
				t.Fatal(err)
			}
			r, _ := svc.Generate(t.Context(), tc.req, GenerateOptions{})
			if len(r.Failed) != 1 || !strings.Contains(r.Failed[0].Error, tc.want) || r.Rendered != 0 || mem.Len() != 0 {
				t.Errorf("report %+v; want one failure saying %q and nothing stored", r, tc.want)
			}
		})
	}
}

func TestReportCapped(t *testing.T) {
	r := GenerateReport{Rendered: 3}
	for range MaxListedFailures + 7 {
		r.Failed = append(r.Failed, Failure{ID: "x", Error: strings.Repeat("e", 100)})
	}
	c := r.Capped()
	if len(c.Failed) != MaxListedFailures || c.FailuresNotListed != 7 || c.Rendered != 3 {
		t.Errorf("Capped: %d listed, %d not listed; want %d and 7", len(c.Failed), c.FailuresNotListed, MaxListedFailures)
	}
	if len(r.Failed) != MaxListedFailures+7 {
		t.Error("Capped changed the original report")
	}
	small := GenerateReport{Failed: []Failure{{ID: "a"}}}
	if got := small.Capped(); len(got.Failed) != 1 || got.FailuresNotListed != 0 {
		t.Errorf("Capped of a short report = %+v", got)
	}
	err := error(&IncompleteError{Shard: "facts/v/shards/0001.json", Report: c})
	var ie *IncompleteError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "failed 57") || !strings.Contains(err.Error(), "first failure: x") {
		t.Errorf("IncompleteError says %q", err)
	}
}

// TestGenerateShardOfALargeDataset: a shard request is checked against the shard's
// size, not the dataset's, so a million-fact dataset can be generated a shard at a
// time while a request for all of it is refused.
func TestGenerateShardOfALargeDataset(t *testing.T) {
	p := publishedFixture(t, MaxGenerateFacts+500)
	svc, err := New(Config{Facts: p, Store: storagetest.NewMemory(), Render: (&counter{}).render})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.CheckGenerate(GenerateRequest{}); !errors.Is(err, ErrRequestTooLarge) {
		t.Errorf("all of %d facts: %v, want ErrRequestTooLarge", p.Len(), err)
	}
	key := published.ShardKey("facts", p.Version(), 0, p.Shards())
	if err := svc.CheckGenerate(GenerateRequest{Shard: key}); err != nil {
		t.Errorf("one shard of %d: %v", p.Shards(), err)
	}
}

// countingLister counts the store calls generate makes; with listErr set, List
// fails.
type countingLister struct {
	*storagetest.Memory
	heads, lists atomic.Int64
	listErr      error
}

func (c *countingLister) Head(ctx context.Context, key string) (storage.Info, error) {
	c.heads.Add(1)
	return c.Memory.Head(ctx, key)
}

func (c *countingLister) List(ctx context.Context, prefix string) ([]string, error) {
	c.lists.Add(1)
	if c.listErr != nil {
		return nil, c.listErr
	}
	return c.Memory.List(ctx, prefix)
}

// TestGenerateListsOncePerFact: with a store that lists, generate checks a fact's
// cards with one List, not a Head each; when List fails it falls back to Head.
func TestGenerateListsOncePerFact(t *testing.T) {
	p := publishedFixture(t, 600)
	key := published.ShardKey("facts", p.Version(), 0, p.Shards())
	n, _ := p.ShardLen(key)
	perFact := len(render.Sizes()) * len(render.Themes())
	for _, tc := range []struct {
		name               string
		listErr            error
		wantLists, wantHds int
	}{
		{"lists", nil, n, 0},
		{"list fails", errors.New("injected list failure"), n, n * perFact},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := &countingLister{Memory: storagetest.NewMemory(), listErr: tc.listErr}
			svc, err := New(Config{Facts: p, Store: store, Render: (&counter{}).render})
			if err != nil {
				t.Fatal(err)
			}
			// One card of the shard is stored already: it must be skipped either way.
			first, _ := p.ShardFacts(t.Context(), key)
			ref, err := svc.FactRef(first[0], render.Options{Size: render.SizeStory, Theme: render.ThemeLight, Format: render.FormatPNG})
			if err != nil {
				t.Fatal(err)
			}
			if err := store.Create(t.Context(), ref.Key, []byte("stored"), storage.Info{ContentType: "image/png"}); err != nil {
				t.Fatal(err)
			}
			r, err := svc.Generate(t.Context(), GenerateRequest{Shard: key}, GenerateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Rendered != n*perFact-1 || r.Skipped != 1 || len(r.Failed) != 0 {
				t.Errorf("report %+v, want %d rendered and the stored one skipped", r, n*perFact-1)
			}
			if got := int(store.lists.Load()); got != tc.wantLists {
				t.Errorf("%d List calls for %d facts, want %d", got, n, tc.wantLists)
			}
			if got := int(store.heads.Load()); got != tc.wantHds {
				t.Errorf("%d Head calls, want %d", got, tc.wantHds)
			}
		})
	}
}
