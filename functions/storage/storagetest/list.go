package storagetest

import (
	"context"
	"fmt"
	"strings"

	"github.com/factcard/factcard/functions/storage"
)

var _ storage.Lister = (*Memory)(nil)

// List implements storage.Lister.
func (m *Memory) List(ctx context.Context, prefix string) ([]string, error) {
	if err := storage.ValidPrefix(prefix); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memory list %s: %w", prefix, err)
	}
	var keys []string
	for _, k := range m.Keys() {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	return keys, nil
}
