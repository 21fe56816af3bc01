package storage

import (
	"context"
	"fmt"
	"strings"
)

// Lister is a Store that can also list the keys under a prefix, so that a caller
// about to check many keys of one folder (generate, with a fact's eight cards) makes
// one request instead of one each. It is optional: callers fall back to Head.
type Lister interface {
	Store
	// List returns every key that starts with prefix, in any order. prefix ends
	// in "/" and is made of valid key segments; a store that cannot list returns
	// an error wrapping errors.ErrUnsupported.
	List(ctx context.Context, prefix string) ([]string, error)
}

// ValidPrefix reports, as an error wrapping ErrInvalidKey, whether prefix is not a
// folder of keys: valid key segments followed by "/".
func ValidPrefix(prefix string) error {
	p, ok := strings.CutSuffix(prefix, "/")
	if !ok {
		return fmt.Errorf("%w %.80q: a prefix ends in /", ErrInvalidKey, prefix)
	}
	return ValidKey(p)
}
