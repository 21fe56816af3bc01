package published_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/factstest"
	"github.com/factcard/factcard/facts/published"
)

// goldenVersion is the version 'factcard publish' prints for factstest.Synthetic
// of goldenFacts facts (16 shards), and goldenShards the SHA-256 of its shards'
// hashes, one a line: streaming must not change any published version. They
// change only if factstest's generator or the format does.
//
// The shards are as they were before PackFile existed (commit c7913c4, which
// loaded and packed the dataset whole). The version was 2e5c7418b90c5f46df06
// then; issue 21 made it the whole SHA-256 (2e5c7418b90c5f46df0634593a82…,
// the same manifest) and then added each shard's ID filter to the manifest
// (format 2), which gives this one.
const (
	goldenFacts   = 3000
	goldenVersion = "8d072e3c833f32b016997e6a4f298f41cd3b045c2cba158b5419cbfe4b4ead95"
	goldenShards  = "3140fcca368cdd325651c00ec89749c4b631898e14b22cef689adc77e92530f3"
)

// shardsSum is the SHA-256 of a manifest's shard hashes, one a line.
func shardsSum(m published.Manifest) string {
	return fmt.Sprintf("%x", sha256.Sum256([]byte(strings.Join(m.ShardSHA256, "\n"))))
}

func TestPackFileMatchesPackSynthetic(t *testing.T) {
	data, docs := factstest.Synthetic(goldenFacts)
	sourcesFirst := reorder(t, data)
	for _, tc := range []struct {
		name string
		data []byte
		opts published.PackOptions
	}{
		{"facts first", data, published.PackOptions{}},
		{"sources first", sourcesFirst, published.PackOptions{}},
		// No document stays cached: each is read and folded again when cited.
		{"no text cache", data, published.PackOptions{TextCacheBytes: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem, streamed, memErr, err := published.PackBoth(t, tc.data, docs, tc.opts)
			if memErr != nil || err != nil {
				t.Fatalf("in memory: %v; streamed: %v", memErr, err)
			}
			if n := len(streamed.Manifest.ShardSHA256); n < 8 {
				t.Fatalf("%d shards; want several", n)
			}
			published.SameBundle(t, mem, streamed)
			if got := streamed.Manifest.Version; got != goldenVersion {
				t.Errorf("version %s, want %s as published before", got, goldenVersion)
			}
			if got := shardsSum(streamed.Manifest); got != goldenShards {
				t.Errorf("shards sum to %s, want %s as published before", got, goldenShards)
			}
		})
	}
}

// reorder returns a dataset file with its sources before its facts.
func reorder(t *testing.T, data []byte) []byte {
	t.Helper()
	var f struct {
		Sources json.RawMessage `json:"sources"`
		Facts   json.RawMessage `json:"facts"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Index(out, []byte(`"sources"`)) > bytes.Index(out, []byte(`"facts"`)) {
		t.Fatal("sources still after facts")
	}
	return out
}

// TestPackFileBadFactAnywhere breaks one fact, the first, one in the middle or
// the last, in different ways: PackFile fails with Load's error, naming it, and
// returns no bundle, so nothing can be written.
func TestPackFileBadFactAnywhere(t *testing.T) {
	const n = 1200
	data, docs := factstest.Synthetic(n)
	for _, pos := range []int{0, n / 2, n - 1} {
		id := factstest.ID(pos)
		for _, tc := range []struct {
			name, old, new, want string
		}{
			{"quote not in source", `"quote":"Synthetic sentence ` + fmt.Sprint(pos) + `, not a quote: the`, `"quote":"Synthetic sentence ` + fmt.Sprint(pos) + `, not a quote: a`, "quote: "},
			{"unknown field", `"id":"` + id + `","quote"`, `"id":"` + id + `","lang":"xx","quote"`, `json: unknown field "lang"`},
			{"duplicate ID", `"id":"` + id + `"`, `"id":"` + factstest.ID((pos+1)%n) + `"`, "duplicate ID"},
			{"not JSON", `"id":"` + id + `",`, `"id":"` + id + `",,`, "parse dataset: invalid character ','"},
		} {
			t.Run(fmt.Sprintf("fact %d %s", pos+1, tc.name), func(t *testing.T) {
				broken := bytes.Replace(data, []byte(tc.old), []byte(tc.new), 1)
				if bytes.Equal(broken, data) {
					t.Fatalf("%q is not in the file", tc.old)
				}
				_, b, memErr, err := published.PackBoth(t, broken, docs, published.PackOptions{})
				if err == nil || b != nil {
					t.Fatalf("PackFile = %v, %v; want an error and no bundle", b != nil, err)
				}
				if err.Error() != memErr.Error() {
					t.Errorf("PackFile error:\n%v\nwant Load's:\n%v", err, memErr)
				}
				var ve *facts.ValidationError
				if !errors.As(err, &ve) || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("err = %v; want a ValidationError saying %q", err, tc.want)
				}
				if tc.name != "not JSON" && tc.name != "duplicate ID" && !strings.Contains(err.Error(), fmt.Sprintf("fact %d (%q)", pos+1, id)) {
					t.Errorf("err = %v; want it to name fact %d (%q)", err, pos+1, id)
				}
			})
		}
	}
}

// TestPackFileCheck: the check sees every fact once, in order, while the dataset
// is valid, and not at all past the first problem.
func TestPackFileCheck(t *testing.T) {
	data, docs := factstest.Synthetic(250)
	var seen []string
	check := func(i int, f facts.Fact) {
		if i != len(seen)+1 {
			t.Errorf("check of fact %d after %d facts", i, len(seen))
		}
		seen = append(seen, f.ID)
	}
	if _, err := published.PackFile(bytes.NewReader(data), int64(len(data)), docs, published.PackOptions{Check: check}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 250 || seen[0] != factstest.ID(0) || seen[249] != factstest.ID(249) {
		t.Errorf("checked %d facts, first %q, last %q; want all 250 in file order", len(seen), seen[0], seen[len(seen)-1])
	}
	seen = nil
	broken := bytes.Replace(data, []byte(`"id":"`+factstest.ID(9)+`"`), []byte(`"id":"Bad ID"`), 1)
	if _, err := published.PackFile(bytes.NewReader(broken), int64(len(broken)), docs, published.PackOptions{Check: check}); err == nil {
		t.Fatal("a bad ID packed")
	}
	if len(seen) != 9 {
		t.Errorf("checked %d facts of a dataset whose 10th is bad; want the 9 before it", len(seen))
	}
}

// shuffle returns a dataset file with its facts in a random order, so that
// consecutive facts cite different documents.
func shuffle(t *testing.T, data []byte) []byte {
	t.Helper()
	var f struct {
		Facts   []json.RawMessage `json:"facts"`
		Sources json.RawMessage   `json:"sources"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(f.Facts), func(i, j int) { f.Facts[i], f.Facts[j] = f.Facts[j], f.Facts[i] })
	out, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPackFileShuffled: facts that jump between documents, with room for about
// three folded documents, so that some are checked as they are read and the
// others afterwards, a document at a time. The bundle is Pack's, and several bad
// facts fail with Load's error, in Load's order.
func TestPackFileShuffled(t *testing.T) {
	data, docs := factstest.Synthetic(1200)
	shuffled := shuffle(t, data)
	opts := published.PackOptions{TextCacheBytes: 600 << 10}
	mem, streamed, memErr, err := published.PackBoth(t, shuffled, docs, opts)
	if memErr != nil || err != nil {
		t.Fatalf("in memory: %v; streamed: %v", memErr, err)
	}
	published.SameBundle(t, mem, streamed)

	broken := shuffled
	for _, pos := range []int{3, 250, 251, 640, 1199} {
		prefix := fmt.Sprintf(`"quote":"Synthetic sentence %d, not a quote: the`, pos)
		broken = bytes.Replace(broken, []byte(prefix), []byte(prefix+" misquoted"), 1)
	}
	_, _, memErr, err = published.PackBoth(t, broken, docs, opts)
	var ve *facts.ValidationError
	if !errors.As(memErr, &ve) || len(ve.Problems) != 5 {
		t.Fatalf("Load: %v; want 5 problems", memErr)
	}
	if err == nil || err.Error() != memErr.Error() {
		t.Errorf("PackFile error:\n%v\nwant Load's:\n%v", err, memErr)
	}
}
