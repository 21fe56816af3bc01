package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/factcard/factcard/facts"
)

// Page sizes of the fact listings (GET /facts and the index page).
const (
	// DefaultPageLimit is the number of facts on a page when limit is not given.
	DefaultPageLimit = 50
	// MaxPageLimit is the most facts one page may ask for: a page is built from a
	// few shards of a published dataset, whatever its size.
	MaxPageLimit = 500
	// MaxPageBytes bounds the facts of one GET /facts page, as JSON: a page ends
	// early, with a next cursor, rather than pass it. Lambda answers at most 6 MB
	// (headers and the rest of the page included); 500 facts with 2,000-character
	// notes and an eight-theme brand came to 6.67 MB.
	MaxPageBytes = 4 << 20
)

// pageRequest is a listing's page: where it starts and how many facts it holds.
type pageRequest struct {
	cursor string
	limit  int
	// explicitLimit is the limit the request gave, 0 when it gave none; links to
	// other pages carry it on.
	explicitLimit int
}

// parsePage reads limit and cursor from a request. A limit that is not a whole
// number from 1 to MaxPageLimit is a 400; a cursor is checked by the dataset.
func parsePage(r *http.Request) (pageRequest, error) {
	q, err := singleQuery(r.URL.RawQuery, "limit", "cursor")
	if err != nil {
		return pageRequest{}, err
	}
	p := pageRequest{cursor: q["cursor"], limit: DefaultPageLimit}
	if v, ok := q["limit"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPageLimit || strconv.Itoa(n) != v {
			return pageRequest{}, badRequest(fmt.Sprintf("limit must be a whole number from 1 to %d", MaxPageLimit))
		}
		p.limit, p.explicitLimit = n, n
	}
	return p, nil
}

// errBadCursor is the answer for a cursor the dataset did not hand out.
var errBadCursor = badRequest("bad cursor: pass the next value of a previous page, or none for the first page")

// listPage reads one page of facts. A cursor the dataset rejects is a 400; any other
// failure to read the dataset is ours.
func (s *server) listPage(ctx context.Context, p pageRequest) (facts.Page, error) {
	page, err := s.facts.List(ctx, p.cursor, p.limit)
	switch {
	case errors.Is(err, facts.ErrBadPage):
		return facts.Page{}, errBadCursor
	case err != nil:
		return facts.Page{}, fmt.Errorf("list facts: %w", err)
	}
	return page, nil
}

// pageQuery is the query string of a listing page at cursor ("" for the first page),
// keeping the limit the request gave.
func (p pageRequest) query(cursor string) string {
	v := url.Values{}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	if p.explicitLimit != 0 {
		v.Set("limit", strconv.Itoa(p.explicitLimit))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}
