package config

import (
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/factstest"
	"github.com/factcard/factcard/facts/published"
	"github.com/factcard/factcard/functions/dataset"
	"github.com/factcard/factcard/functions/storage/s3store"
	"github.com/factcard/factcard/functions/testsupport/s3server"
)

func TestLoadDataset(t *testing.T) {
	v := strings.Repeat("0a", 32)
	for _, tc := range []struct {
		value, wantErr string
	}{
		{"", ""},
		{"s3://cards/facts/" + v, ""},
		{"  s3://cards/facts/" + v + " ", ""},
		{"s3://cards/facts/latest", "FACTCARD_DATASET"},
		{"facts/" + v, "FACTCARD_DATASET"},
		{"/srv/dataset.json", "FACTCARD_DATASET"},
	} {
		c, err := Load(env(map[string]string{"FACTCARD_DATASET": tc.value}))
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("FACTCARD_DATASET=%q: %v", tc.value, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("FACTCARD_DATASET=%q: err = %v, want one naming %s", tc.value, err, tc.wantErr)
		case err == nil && c.Dataset != strings.TrimSpace(tc.value):
			t.Errorf("FACTCARD_DATASET=%q: Dataset = %q", tc.value, c.Dataset)
		}
	}
	// A published dataset may be read with an endpoint and no card bucket (cards in
	// the directory store).
	if _, err := Load(env(map[string]string{"FACTCARD_DATASET": "s3://cards/facts/" + v, "FACTCARD_S3_ENDPOINT": "http://127.0.0.1:7070"})); err != nil {
		t.Errorf("dataset with an endpoint and no bucket: %v", err)
	}
}

func TestOpenFactsEmbedded(t *testing.T) {
	set, err := Config{}.OpenFacts(t.Context(), slog.New(slog.DiscardHandler))
	if err != nil || set != facts.Set(facts.Default()) {
		t.Errorf("OpenFacts with no dataset = %v, %v; want the embedded dataset", set, err)
	}
}

// TestOpenFactsPublished opens a published version on versitygw the way the
// functions do, and an unpublished one, which must fail at start, saying so.
func TestOpenFactsPublished(t *testing.T) {
	srv := s3server.Start(t)
	srv.SetEnv(t)
	bucket := srv.CreateBucket(t, "")
	d, b, err := factstest.Bundle(300)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.Publish(t.Context(), s3store.New(srv.Client(t), bucket, ""), "facts", b); err != nil {
		t.Fatal(err)
	}
	url := "s3://" + bucket + "/facts/" + b.Manifest.Version
	c, err := Load(func(k string) string {
		if k == "FACTCARD_DATASET" {
			return url
		}
		return os.Getenv(k)
	})
	if err != nil {
		t.Fatal(err)
	}
	set, err := c.OpenFacts(t.Context(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 300 {
		t.Errorf("Len = %d, want 300", set.Len())
	}
	if _, err := set.Fact(t.Context(), d.All()[7].ID); err != nil {
		t.Error(err)
	}
	c.Dataset = "s3://" + bucket + "/facts/" + strings.Repeat("f", 64)
	_, err = c.OpenFacts(t.Context(), slog.New(slog.DiscardHandler))
	if !errors.Is(err, published.ErrNoVersion) || !strings.Contains(err.Error(), "FACTCARD_DATASET") || !strings.Contains(err.Error(), "factcard publish") {
		t.Errorf("unpublished version: err = %v; want ErrNoVersion naming FACTCARD_DATASET and how to publish", err)
	}
}
