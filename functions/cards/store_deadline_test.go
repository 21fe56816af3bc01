package cards

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/render"
)

// deaf is a store whose calls block until released, whatever their context says:
// a store with a bug, or a file system call that cannot be interrupted.
type deaf struct {
	storage.Store
	release chan struct{}
}

func (d deaf) Get(ctx context.Context, key string, limit int64) (*storage.Object, error) {
	<-d.release
	return d.Store.Get(context.Background(), key, limit)
}

func (d deaf) Head(ctx context.Context, key string) (storage.Info, error) {
	<-d.release
	return d.Store.Head(context.Background(), key)
}

func (d deaf) Create(ctx context.Context, key string, body []byte, info storage.Info) error {
	<-d.release
	return d.Store.Create(context.Background(), key, body, info)
}

// TestStuckStoreDoesNotHoldTheFlight: a store that ignores its deadline cannot hold
// a card's single flight. Every caller waiting for the card, even one whose own
// context has no deadline, gets a fresh render by the store timeout.
func TestStuckStoreDoesNotHoldTheFlight(t *testing.T) {
	mem := storagetest.NewMemory()
	release := make(chan struct{})
	defer close(release)
	svc, err := New(Config{Facts: facts.Default(), Store: deaf{Store: mem, release: release},
		StoreTimeout: 50 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	f := facts.Default().All()[0]
	want := realCard(t, render.Options{})
	const callers = 8
	errs := make(chan error, callers)
	storagetest.Returns(t, "Card with a stuck store", func() error {
		for range callers {
			go func() {
				c, err := svc.Card(context.Background(), f.ID, render.Options{})
				if err == nil && !bytes.Equal(c.Body, want) {
					err = errors.New("served bytes that differ from a fresh render")
				}
				errs <- err
			}()
		}
		for range callers {
			if err := <-errs; err != nil {
				t.Errorf("Card: %v", err)
			}
		}
		return nil
	})
	storagetest.Returns(t, "Generate with a stuck store", func() error {
		report, _ := svc.Generate(context.Background(), GenerateRequest{IDs: []string{f.ID}, Sizes: []string{"og"}, Themes: []string{"dark"}}, GenerateOptions{})
		if len(report.Failed) != 1 {
			t.Errorf("Generate report %+v, want the one card failed (the store timed out)", report)
		}
		return nil
	})
}

// TestFIFOAtCardKey: with the directory store, a FIFO at a card's key is not a card:
// the card is rendered and served at once, not after a writer that never comes.
func TestFIFOAtCardKey(t *testing.T) {
	root := t.TempDir()
	dir, err := storage.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	svc, err := New(Config{Facts: facts.Default(), Store: dir, StoreTimeout: time.Second, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	f := facts.Default().All()[0]
	ref, err := svc.Ref(context.Background(), f.ID, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(root, filepath.FromSlash(ref.Key))
	storagetest.Mkfifo(t, name)
	err = storagetest.Returns(t, "Card with a FIFO at its key", func() error {
		c, err := svc.Get(context.Background(), ref)
		if err != nil {
			return err
		}
		if want := realCard(t, ref.Options); c.Stored || !bytes.Equal(c.Body, want) {
			t.Errorf("served %d bytes (Stored %v), want a fresh render", len(c.Body), c.Stored)
		}
		return nil
	})
	if err != nil {
		t.Errorf("Get: %v", err)
	}
}
