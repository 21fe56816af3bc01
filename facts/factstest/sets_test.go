package factstest_test

import (
	"errors"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/factstest"
)

func TestBundle(t *testing.T) {
	d, b, err := factstest.Bundle(40)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 40 {
		t.Errorf("dataset of %d facts, want 40", d.Len())
	}
	if b.Manifest.Version == "" || len(b.Objects) == 0 {
		t.Errorf("bundle has version %q and %d objects; want a version and objects", b.Manifest.Version, len(b.Objects))
	}
}

func TestUnreadable(t *testing.T) {
	ctx := t.Context()
	all := facts.Default().All()
	broken, fine := all[0].ID, all[1].ID
	errShard := errors.New("shard 0001: sha256 mismatch")
	for _, listFails := range []bool{false, true} {
		u := factstest.Unreadable{Set: facts.Default(), ID: broken, ListFails: listFails, Err: errShard}
		if _, err := u.Fact(ctx, broken); !errors.Is(err, errShard) {
			t.Errorf("Fact(%s) = %v, want %v", broken, err, errShard)
		}
		if f, err := u.Fact(ctx, fine); err != nil || f.ID != fine {
			t.Errorf("Fact(%s) = %q, %v; want the fact", fine, f.ID, err)
		}
		_, err := u.List(ctx, "", 10)
		if got := errors.Is(err, errShard); got != listFails {
			t.Errorf("with ListFails %v, List = %v", listFails, err)
		}
	}
}
