package storage_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/factcard/factcard/functions/storage"
)

func ExampleDir() {
	dir, err := os.MkdirTemp("", "cards")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	store, err := storage.NewDir(dir)
	if err != nil {
		panic(err)
	}
	defer store.Close()

	ctx := context.Background()
	key := "cards/rubio-jaishankar-call/og-dark-0123abcd.png"
	info := storage.Info{
		ContentType:  "image/png",
		CacheControl: "public, max-age=31536000, immutable",
		Metadata:     map[string]string{"fact-id": "rubio-jaishankar-call"},
	}
	if err := store.Create(ctx, key, []byte("\x89PNG..."), info); err != nil {
		panic(err)
	}
	// A second writer of the key loses and leaves the first object alone.
	err = store.Create(ctx, key, []byte("other"), info)
	fmt.Println(errors.Is(err, storage.ErrExists))

	obj, err := store.Get(ctx, key, 1<<30)
	if err != nil {
		panic(err)
	}
	fmt.Println(obj.Size, obj.ContentType, obj.Metadata["fact-id"])

	_, err = store.Get(ctx, "../../etc/passwd", 1<<30)
	fmt.Println(err)
	// Output:
	// true
	// 7 image/png rubio-jaishankar-call
	// invalid key "../../etc/passwd": contains ".."
}
