package s3store_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/s3store"
	"github.com/factcard/factcard/functions/testsupport/s3server"
)

// TestList lists on versitygw through a prefixed store: keys come back without the
// store's prefix, only those under the folder asked for, across pages.
func TestList(t *testing.T) {
	srv := s3server.Start(t)
	client := srv.Client(t)
	bucket := srv.CreateBucket(t, "")
	store := s3store.New(client, bucket, "prod/")
	other := s3store.New(client, bucket, "")
	info := storage.Info{ContentType: "image/png"}
	var want []string
	for _, k := range []string{"cards/r5/a/og-dark-1.png", "cards/r5/a/og-light-2.png", "cards/r5/ab/og-dark-3.png", "cards/r4/a/og-dark-4.png"} {
		if err := store.Create(t.Context(), k, []byte("x"), info); err != nil {
			t.Fatal(err)
		}
		if k[:11] == "cards/r5/a/" {
			want = append(want, k)
		}
	}
	if err := other.Create(t.Context(), "cards/r5/a/og-dark-9.png", []byte("x"), info); err != nil {
		t.Fatal(err)
	}
	got, err := store.List(t.Context(), "cards/r5/a/")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
	if none, err := store.List(t.Context(), "cards/r5/zz/"); err != nil || len(none) != 0 {
		t.Errorf("List of an empty folder = %q, %v", none, err)
	}
	for _, bad := range []string{"cards/r5/a", "", "../cards/", "cards//"} {
		if _, err := store.List(t.Context(), bad); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("List(%q) = %v, want ErrInvalidKey", bad, err)
		}
	}
}
