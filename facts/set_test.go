package facts

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestDatasetFact(t *testing.T) {
	d := Default()
	for _, want := range d.All() {
		got, err := d.Fact(t.Context(), want.ID)
		if err != nil || got.ID != want.ID || got.Quote != want.Quote {
			t.Errorf("Fact(%q) = %q, %v; want the fact", want.ID, got.ID, err)
		}
	}
	for _, id := range []string{"", "no-such-fact", strings.Repeat("x", 500)} {
		if _, err := d.Fact(t.Context(), id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Fact(%.20q) err = %v, want ErrNotFound", id, err)
		}
	}
}

// pageAll reads a whole Set page by page and returns the IDs and the page count.
func pageAll(t *testing.T, s Set, limit int) ([]string, int) {
	t.Helper()
	var ids []string
	cursor, pages := "", 0
	for {
		p, err := s.List(t.Context(), cursor, limit)
		if err != nil {
			t.Fatalf("List(%q, %d) after %d pages: %v", cursor, limit, pages, err)
		}
		pages++
		if len(p.Facts) > limit || len(p.Facts) == 0 {
			t.Fatalf("page %d has %d facts, want 1 to %d", pages, len(p.Facts), limit)
		}
		for _, f := range p.Facts {
			ids = append(ids, f.ID)
		}
		if p.Next == "" {
			return ids, pages
		}
		if pages > s.Len()+1 {
			t.Fatalf("more pages than facts: the cursor does not advance")
		}
		cursor = p.Next
	}
}

func TestDatasetList(t *testing.T) {
	d := Default()
	var want []string
	for _, f := range d.All() {
		want = append(want, f.ID)
	}
	for _, limit := range []int{1, 2, len(want) - 1, len(want), len(want) + 1, 500} {
		got, pages := pageAll(t, d, limit)
		if !slices.Equal(got, want) {
			t.Errorf("limit %d: got %q, want %q", limit, got, want)
		}
		if wantPages := (len(want) + limit - 1) / limit; pages != wantPages {
			t.Errorf("limit %d: %d pages, want %d", limit, pages, wantPages)
		}
	}
}

func TestDatasetListBadPage(t *testing.T) {
	d := Default()
	p, err := d.List(t.Context(), "", 2)
	if err != nil || p.Next == "" {
		t.Fatalf("first page: %v, next %q", err, p.Next)
	}
	for _, tc := range []struct {
		name, cursor string
		limit        int
	}{
		{"zero limit", "", 0},
		{"negative limit", "", -1},
		{"not base64", "!!!", 10},
		{"other text", "aGVsbG8", 10},
		{"past the end", Cursor{Offset: d.Len()}.String(), 10},
		{"far past the end", Cursor{Offset: 1 << 30}.String(), 10},
		{"another shard", Cursor{Shard: 1, Offset: 1}.String(), 10},
		{"offset zero", Cursor{Offset: 0}.String(), 10},
		{"padded", p.Next + "=", 10},
		{"too long", strings.Repeat("A", 100), 10},
	} {
		if _, err := d.List(t.Context(), tc.cursor, tc.limit); !errors.Is(err, ErrBadPage) {
			t.Errorf("%s: List(%q, %d) err = %v, want ErrBadPage", tc.name, tc.cursor, tc.limit, err)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	for _, c := range []Cursor{{0, 1}, {0, 499}, {4095, 0}, {17, 243}} {
		got, err := ParseCursor(c.String())
		if err != nil || got != c {
			t.Errorf("ParseCursor(%v.String()) = %v, %v; want %v", c, got, err, c)
		}
	}
	for _, s := range []string{"", "YzEuMDE", "YzEuLTEuMg", "YzEuMS4wMQ"} { // "", c1.01, c1.-1.2, c1.1.01
		if c, err := ParseCursor(s); err == nil {
			t.Errorf("ParseCursor(%q) = %v; want an error", s, c)
		}
	}
}

func TestListIsACopy(t *testing.T) {
	d := Default()
	p, err := d.List(t.Context(), "", 1)
	if err != nil {
		t.Fatal(err)
	}
	first := p.Facts[0].ID
	p.Facts[0].ID = "changed"
	if d.All()[0].ID != first {
		t.Error("changing a page changed the dataset")
	}
}
