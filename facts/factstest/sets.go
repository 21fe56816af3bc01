package factstest

import (
	"context"
	"fmt"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/published"
)

// Bundle is Dataset packed for publishing (published.Pack): n synthetic facts and
// their bundle.
func Bundle(n int) (*facts.Dataset, *published.Bundle, error) {
	d, docs, err := Dataset(n)
	if err != nil {
		return nil, nil, err
	}
	b, err := published.Pack(d, docs)
	if err != nil {
		return nil, nil, fmt.Errorf("pack %d synthetic facts: %w", n, err)
	}
	return d, b, nil
}

// Unreadable is a dataset that cannot read one fact, as a published dataset with
// a corrupt shard cannot: Fact of ID returns Err, and so does List when
// ListFails is set. Everything else is Set's.
type Unreadable struct {
	facts.Set
	ID        string
	ListFails bool
	Err       error
}

// Fact returns Err for ID, else the fact from Set.
func (u Unreadable) Fact(ctx context.Context, id string) (facts.Fact, error) {
	if id == u.ID {
		return facts.Fact{}, u.Err
	}
	return u.Set.Fact(ctx, id)
}

// List returns Err when ListFails, else a page from Set.
func (u Unreadable) List(ctx context.Context, cursor string, limit int) (facts.Page, error) {
	if u.ListFails {
		return facts.Page{}, u.Err
	}
	return u.Set.List(ctx, cursor, limit)
}
