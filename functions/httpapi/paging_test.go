package httpapi

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/render"
	"github.com/factcard/factcard/render/brand"
)

// manyFacts is the fixture dataset of the facts tests with its first fact repeated
// n times under the IDs fixture-page-0001, …: fixture text, not quotes of anyone.
func manyFacts(t *testing.T, n int, edit ...func(map[string]json.RawMessage)) *facts.Dataset {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "facts", "testdata", "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Sources []json.RawMessage            `json:"sources"`
		Facts   []map[string]json.RawMessage `json:"facts"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	first := file.Facts[0]
	file.Facts = nil
	for i := range n {
		f := make(map[string]json.RawMessage, len(first))
		for k, v := range first {
			f[k] = v
		}
		f["id"] = json.RawMessage(fmt.Sprintf(`"fixture-page-%04d"`, i+1))
		for _, e := range edit {
			e(f)
		}
		file.Facts = append(file.Facts, f)
	}
	out, err := json.Marshal(file)
	if err != nil {
		t.Fatal(err)
	}
	d, err := facts.Parse(strings.NewReader(string(out)))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// listedPage is a GET /facts page as a client decodes it.
type listedPage struct {
	Facts   []factResponse `json:"facts"`
	Total   int            `json:"total"`
	Next    string         `json:"next"`
	NextURL string         `json:"next_url"`
}

func newPagingServer(t *testing.T, n int) http.Handler {
	t.Helper()
	svc, err := cards.New(cards.Config{Facts: manyFacts(t, n), Store: storagetest.NewMemory()})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Cards: svc, PublicURL: "https://cards.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func get(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

func TestFactsPages(t *testing.T) {
	const n = 1234
	h := newPagingServer(t, n)
	for _, tc := range []struct {
		name      string
		query     string
		wantPages int
		firstLen  int
	}{
		{"default limit", "", (n + DefaultPageLimit - 1) / DefaultPageLimit, DefaultPageLimit},
		{"limit 1", "?limit=1", n, 1},
		{"limit 7", "?limit=7", (n + 6) / 7, 7},
		{"max limit", fmt.Sprintf("?limit=%d", MaxPageLimit), (n + MaxPageLimit - 1) / MaxPageLimit, MaxPageLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[string]bool{}
			target, pages := "/facts"+tc.query, 0
			for target != "" {
				rec := get(t, h, target)
				if rec.Code != http.StatusOK {
					t.Fatalf("GET %s = %d %s", target, rec.Code, rec.Body)
				}
				var page listedPage
				if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
					t.Fatal(err)
				}
				pages++
				if pages == 1 && len(page.Facts) != tc.firstLen {
					t.Errorf("first page has %d facts, want %d", len(page.Facts), tc.firstLen)
				}
				if page.Total != n {
					t.Errorf("total = %d, want %d", page.Total, n)
				}
				for _, f := range page.Facts {
					if seen[f.ID] {
						t.Fatalf("%s listed twice", f.ID)
					}
					seen[f.ID] = true
				}
				if (page.Next == "") != (page.NextURL == "") {
					t.Fatalf("next %q but next_url %q", page.Next, page.NextURL)
				}
				target = strings.TrimPrefix(page.NextURL, "https://cards.example.org")
				if page.Next != "" && !strings.Contains(target, "cursor="+page.Next) {
					t.Errorf("next_url %q does not carry the cursor %q", page.NextURL, page.Next)
				}
				if pages > n+1 {
					t.Fatal("the pages do not end")
				}
			}
			if len(seen) != n || pages != tc.wantPages {
				t.Errorf("listed %d facts in %d pages, want %d in %d", len(seen), pages, n, tc.wantPages)
			}
		})
	}
}

// eightThemeBrand is the example brand with five more themes, MaxThemes in all.
func eightThemeBrand(t *testing.T) *brand.Brand {
	t.Helper()
	dir := filepath.Join("..", "..", "infra", "brands", "example")
	docs := fstest.MapFS{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		docs[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var b map[string]any
	if err := json.Unmarshal(docs["brand.json"].Data, &b); err != nil {
		t.Fatal(err)
	}
	themes := b["themes"].(map[string]any)
	for i := 0; len(themes) < brand.MaxThemes; i++ {
		themes[fmt.Sprintf("extra%d", i)] = themes["dark"]
	}
	if docs["brand.json"].Data, err = json.Marshal(b); err != nil {
		t.Fatal(err)
	}
	br, err := brand.Load(docs)
	if err != nil {
		t.Fatal(err)
	}
	return br
}

// TestFactsPageBytes lists facts with 2,000-character notes (fixture text) in
// an eight-theme brand, 500 a page: every page stays under MaxPageBytes and
// Lambda's 6 MB, ending early with a cursor that lists every fact once. Before
// the bound the first page was 6.67 MB.
func TestFactsPageBytes(t *testing.T) {
	const n = 700
	fixture := func(n int) json.RawMessage {
		return json.RawMessage(`"` + strings.TrimSpace(strings.Repeat("Fixture text, not anyone's words. ", 80)[:n]) + `"`)
	}
	d := manyFacts(t, n, func(f map[string]json.RawMessage) {
		f["note"] = fixture(2000)
		f["quote"] = fixture(facts.MaxQuoteChars)
	})
	svc, err := cards.New(cards.Config{Facts: d, Store: storagetest.NewMemory(), Brand: eightThemeBrand(t)})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Cards: svc, PublicURL: "https://cards.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	target, pages := fmt.Sprintf("/facts?limit=%d", MaxPageLimit), 0
	for target != "" && pages <= n {
		rec := get(t, h, target)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d %s", target, rec.Code, rec.Body)
		}
		pages++
		if size := rec.Body.Len(); size > MaxPageBytes+1024 || size >= 6_000_000 {
			t.Errorf("page %d is %d bytes; want at most MaxPageBytes (%d) and the page's other fields", pages, size, MaxPageBytes)
		}
		var page listedPage
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			t.Fatal(err)
		}
		if pages == 1 {
			if len(page.Facts) == MaxPageLimit {
				t.Errorf("the first page holds all %d facts asked for: the facts are too small to test the bound", MaxPageLimit)
			}
			t.Logf("first page: %d facts, %d bytes", len(page.Facts), rec.Body.Len())
		}
		for _, f := range page.Facts {
			if seen[f.ID] {
				t.Fatalf("%s listed twice", f.ID)
			}
			seen[f.ID] = true
			if len(f.Cards) != len(render.Sizes())*brand.MaxThemes {
				t.Fatalf("%s has %d cards, want every size in %d themes", f.ID, len(f.Cards), brand.MaxThemes)
			}
		}
		target = strings.TrimPrefix(page.NextURL, "https://cards.example.org")
	}
	if len(seen) != n {
		t.Errorf("listed %d facts in %d pages, want %d", len(seen), pages, n)
	}
}

func TestFactsBadPage(t *testing.T) {
	h := newPagingServer(t, 120)
	next := func() string {
		var page listedPage
		if err := json.Unmarshal(get(t, h, "/facts").Body.Bytes(), &page); err != nil || page.Next == "" {
			t.Fatalf("first page: %v, next %q", err, page.Next)
		}
		return page.Next
	}()
	for _, q := range []string{
		"limit=0", "limit=-1", "limit=501", "limit=abc", "limit=1.5", "limit=", "limit=050", "limit=1&limit=2",
		"cursor=nonsense", "cursor=" + next + "x", "cursor=%zz", "cursor=" + strings.Repeat("A", 300),
	} {
		for _, path := range []string{"/facts", "/"} {
			rec := get(t, h, path+"?"+q)
			if rec.Code != http.StatusBadRequest {
				t.Errorf("GET %s?%s = %d, want 400", path, q, rec.Code)
			}
			if path == "/facts" && !strings.Contains(rec.Body.String(), `"error"`) {
				t.Errorf("GET %s?%s body %q, want a JSON error", path, q, rec.Body)
			}
		}
	}
	if rec := get(t, h, "/facts?cursor="+next+"&limit=3&utm_source=x"); rec.Code != http.StatusOK {
		t.Errorf("a good cursor and limit with a stray parameter = %d, want 200", rec.Code)
	}
}

var pagerLink = regexp.MustCompile(`<a href="([^"]+)" rel="(first|next)">`)

func TestIndexPages(t *testing.T) {
	const n = 120
	h := newPagingServer(t, n)
	target, pages, cards := "/?limit=50", 0, 0
	for target != "" {
		rec := get(t, h, target)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", target, rec.Code)
		}
		body := rec.Body.String()
		pages++
		cards += strings.Count(body, `<li>`)
		links := map[string]string{}
		for _, m := range pagerLink.FindAllStringSubmatch(body, -1) {
			links[m[2]] = strings.ReplaceAll(m[1], "&amp;", "&")
		}
		if pages > 1 && links["first"] != "https://cards.example.org/?limit=50" {
			t.Errorf("page %d: first link %q, want the first page with the same limit", pages, links["first"])
		}
		if pages == 1 && links["first"] != "" {
			t.Errorf("page 1 links a first page: %q", links["first"])
		}
		if !strings.Contains(body, fmt.Sprintf("%d curated quotes", n)) {
			t.Errorf("page %d does not say how many facts there are", pages)
		}
		target = strings.TrimPrefix(links["next"], "https://cards.example.org")
		if pages > 10 {
			t.Fatal("the pages do not end")
		}
	}
	if pages != 3 || cards != n {
		t.Errorf("%d cards in %d pages, want %d in 3", cards, pages, n)
	}
}
