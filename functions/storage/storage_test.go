package storage_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/storagetest"
)

func TestValidKey(t *testing.T) {
	for _, key := range []string{
		"a",
		"0",
		"cards/rubio-jaishankar-call/og-dark-0123456789abcdef.png",
		"cards/x/story-light-ffff.jpg",
		"prod/cards/x/og-dark-1.png",
		"a/b/c/d/e/f/g",
		"v1.2_3-4/file.tar.gz",
		strings.Repeat("s", storage.MaxSegmentLen),
		strings.Repeat("a/", storage.MaxKeyLen/2-1) + "bc",
	} {
		if err := storage.ValidKey(key); err != nil {
			t.Errorf("ValidKey(%.60q) = %v, want nil", key, err)
		}
	}
	for _, key := range storagetest.InvalidKeys {
		err := storage.ValidKey(key)
		if !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("ValidKey(%.60q) = %v, want ErrInvalidKey", key, err)
		}
	}
}

func TestValidKeyMessage(t *testing.T) {
	for _, tc := range []struct {
		key, want string
	}{
		{"", "empty"},
		{"../x", `contains ".."`},
		{"/x", "empty path segment"},
		{"a//b", "empty path segment"},
		{"Cards/x", `segment "Cards" does not start with a lower-case letter or digit`},
		{"cards/a\\b", `segment "a\\b" holds '\\'`},
		{"cards/a\x00b", `holds '\x00'`},
		{strings.Repeat("a", storage.MaxKeyLen+1), "513 bytes long, more than 512"},
		{strings.Repeat("a", storage.MaxSegmentLen+1), "segment of 201 bytes, more than 200"},
	} {
		err := storage.ValidKey(tc.key)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ValidKey(%.40q) = %v, want an error containing %q", tc.key, err, tc.want)
		}
	}
}

func TestInfoValidate(t *testing.T) {
	valid := []storage.Info{
		{ContentType: "image/png"},
		{ContentType: "image/jpeg", CacheControl: "public, max-age=31536000, immutable"},
		{ContentType: "image/png", Metadata: map[string]string{"fact-id": "a-b", "renderer-version": "v1.2.3+dirty", "empty": ""}},
		{ContentType: "image/png", Size: -1}, // Size is set by the store, not checked
	}
	for _, info := range valid {
		if err := info.Validate(); err != nil {
			t.Errorf("%+v.Validate() = %v, want nil", info, err)
		}
	}
	for _, tc := range []struct {
		info storage.Info
		want string
	}{
		{storage.Info{}, "content type is required"},
		{storage.Info{ContentType: " image/png"}, "leading or trailing spaces"},
		{storage.Info{ContentType: "image/png\n"}, `holds '\n'`},
		{storage.Info{ContentType: "image/png", CacheControl: "max-age=1\r\nSet-Cookie: a=b"}, `cache control`},
		{storage.Info{ContentType: "image/png", Metadata: map[string]string{"": "x"}}, `metadata key "": empty`},
		{storage.Info{ContentType: "image/png", Metadata: map[string]string{"Fact-ID": "x"}}, `metadata key "Fact-ID"`},
		{storage.Info{ContentType: "image/png", Metadata: map[string]string{"-x": "x"}}, "does not start with"},
		{storage.Info{ContentType: "image/png", Metadata: map[string]string{"a.b": "x"}}, `holds '.'`},
		{storage.Info{ContentType: "image/png", Metadata: map[string]string{"quote": "“x”"}}, "only printable ASCII"},
		{storage.Info{ContentType: "image/png", Metadata: map[string]string{"a": strings.Repeat("x", storage.MaxMetadataSize)}}, "metadata is 2049 bytes"},
	} {
		err := tc.info.Validate()
		if !errors.Is(err, storage.ErrInvalidInfo) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v.Validate() = %v, want ErrInvalidInfo containing %q", tc.info, err, tc.want)
		}
	}
}
