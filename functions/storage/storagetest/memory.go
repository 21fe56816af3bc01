// Package storagetest helps test code that uses a storage.Store: Memory, an
// in-process twin of the real stores; Faulty, a wrapper that fails, stalls or
// slows down chosen calls and counts them; and Run, the conformance suite every
// Store implementation passes.
package storagetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/factcard/factcard/functions/storage"
)

var _ storage.Store = (*Memory)(nil)

// Memory is a storage.Store that keeps its objects in memory. It follows the
// same rules as the real stores (key and info validation, create-only writes,
// context checks) and copies bodies and metadata in and out, so callers can
// neither change a stored object nor see one change. The zero value is an
// empty store ready to use; it is safe for concurrent use.
type Memory struct {
	mu      sync.Mutex
	objects map[string]storage.Object
}

// NewMemory returns an empty Memory.
func NewMemory() *Memory { return &Memory{} }

// Get implements storage.Store.
func (m *Memory) Get(ctx context.Context, key string, limit int64) (*storage.Object, error) {
	if err := storage.ValidKey(key); err != nil {
		return nil, err
	}
	if err := storage.CheckLimit(limit); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memory get %s: %w", key, err)
	}
	m.mu.Lock()
	obj, ok := m.objects[key]
	m.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("memory get %s: %w", key, storage.ErrNotFound)
	}
	if int64(len(obj.Body)) > limit {
		return nil, fmt.Errorf("memory get %s: %w: %d bytes, more than %d", key, storage.ErrTooLarge, len(obj.Body), limit)
	}
	return &storage.Object{Info: copyInfo(obj.Info), Body: slices.Clone(obj.Body)}, nil
}

// Head implements storage.Store.
func (m *Memory) Head(ctx context.Context, key string) (storage.Info, error) {
	if err := storage.ValidKey(key); err != nil {
		return storage.Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return storage.Info{}, fmt.Errorf("memory head %s: %w", key, err)
	}
	m.mu.Lock()
	obj, ok := m.objects[key]
	m.mu.Unlock()
	if !ok {
		return storage.Info{}, fmt.Errorf("memory head %s: %w", key, storage.ErrNotFound)
	}
	return copyInfo(obj.Info), nil
}

// Create implements storage.Store.
func (m *Memory) Create(ctx context.Context, key string, body []byte, info storage.Info) error {
	if err := storage.ValidKey(key); err != nil {
		return err
	}
	if err := info.Validate(); err != nil {
		return fmt.Errorf("memory create %s: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory create %s: %w", key, err)
	}
	info = copyInfo(info)
	info.Size = int64(len(body))
	info.ModTime = time.Now()
	body = slices.Clone(body)
	if body == nil {
		body = []byte{}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.objects[key]; ok {
		return fmt.Errorf("memory create %s: %w", key, storage.ErrExists)
	}
	if m.objects == nil {
		m.objects = make(map[string]storage.Object)
	}
	m.objects[key] = storage.Object{Info: info, Body: body}
	return nil
}

// Keys returns the keys of the stored objects, sorted.
func (m *Memory) Keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Sorted(maps.Keys(m.objects))
}

// Len returns the number of stored objects.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.objects)
}

func copyInfo(info storage.Info) storage.Info {
	if len(info.Metadata) == 0 {
		info.Metadata = nil
	} else {
		info.Metadata = maps.Clone(info.Metadata)
	}
	return info
}
