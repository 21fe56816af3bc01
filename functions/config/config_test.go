package config

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/render"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		vars    map[string]string
		check   func(t *testing.T, c Config)
		wantErr string
	}{
		{name: "defaults", vars: nil, check: func(t *testing.T, c Config) {
			if c.Bucket != "" || c.Dir != DefaultDir || c.StoreTimeout != cards.DefaultStoreTimeout || c.LogLevel != slog.LevelInfo || c.Concurrency != 0 {
				t.Errorf("defaults = %+v", c)
			}
			if got := c.StoreDescription(); got != "directory .factcard" {
				t.Errorf("StoreDescription() = %q", got)
			}
		}},
		{name: "s3", vars: map[string]string{
			"FACTCARD_BUCKET": "cards", "FACTCARD_PREFIX": "prod/", "FACTCARD_S3_ENDPOINT": "http://127.0.0.1:7070",
			"AWS_REGION": "eu-west-1", "FACTCARD_PUBLIC_URL": "https://cards.example.org",
		}, check: func(t *testing.T, c Config) {
			if c.Bucket != "cards" || c.Prefix != "prod/" || c.Endpoint != "http://127.0.0.1:7070" || c.Region != "eu-west-1" || c.PublicURL != "https://cards.example.org" {
				t.Errorf("config = %+v", c)
			}
			if got, want := c.StoreDescription(), "s3://cards/prod/ at http://127.0.0.1:7070"; got != want {
				t.Errorf("StoreDescription() = %q, want %q", got, want)
			}
		}},
		{name: "region preference", vars: map[string]string{"FACTCARD_REGION": "us-west-2", "AWS_REGION": "eu-west-1"},
			check: func(t *testing.T, c Config) {
				if c.Region != "us-west-2" {
					t.Errorf("Region = %q, want FACTCARD_REGION's us-west-2", c.Region)
				}
			}},
		{name: "tuning", vars: map[string]string{"FACTCARD_STORE_TIMEOUT": "750ms", "FACTCARD_LOG_LEVEL": "debug", "FACTCARD_CONCURRENCY": "8"},
			check: func(t *testing.T, c Config) {
				if c.StoreTimeout != 750*time.Millisecond || c.LogLevel != slog.LevelDebug || c.Concurrency != 8 {
					t.Errorf("config = %+v", c)
				}
			}},
		{name: "origin secret", vars: map[string]string{"FACTCARD_ORIGIN_SECRET": "0123456789abcdef"},
			check: func(t *testing.T, c Config) {
				if c.OriginSecret != "0123456789abcdef" {
					t.Errorf("OriginSecret = %q, want FACTCARD_ORIGIN_SECRET's", c.OriginSecret)
				}
			}},
		{name: "short origin secret", vars: map[string]string{"FACTCARD_ORIGIN_SECRET": "0123456789abcde"}, wantErr: "FACTCARD_ORIGIN_SECRET"},
		{name: "bad timeout", vars: map[string]string{"FACTCARD_STORE_TIMEOUT": "soon"}, wantErr: "FACTCARD_STORE_TIMEOUT"},
		{name: "negative timeout", vars: map[string]string{"FACTCARD_STORE_TIMEOUT": "-1s"}, wantErr: "FACTCARD_STORE_TIMEOUT"},
		{name: "bad level", vars: map[string]string{"FACTCARD_LOG_LEVEL": "loud"}, wantErr: "FACTCARD_LOG_LEVEL"},
		{name: "bad concurrency", vars: map[string]string{"FACTCARD_CONCURRENCY": "0"}, wantErr: "FACTCARD_CONCURRENCY"},
		{name: "endpoint without bucket", vars: map[string]string{"FACTCARD_S3_ENDPOINT": "http://127.0.0.1:1"}, wantErr: "need FACTCARD_BUCKET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(env(tt.vars))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load() error = %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestForLambda(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	if _, _, err := ForLambda(context.Background(), env(nil), log, nil); err == nil || !strings.Contains(err.Error(), "FACTCARD_BUCKET is required") {
		t.Errorf("ForLambda() without a bucket = %v", err)
	}
	if _, _, err := ForLambda(context.Background(), env(map[string]string{"FACTCARD_CONCURRENCY": "x"}), log, nil); err == nil || !strings.Contains(err.Error(), "FACTCARD_CONCURRENCY") {
		t.Errorf("ForLambda() with a bad setting = %v", err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "fixture")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fixture")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	c, svc, err := ForLambda(context.Background(), env(map[string]string{"FACTCARD_BUCKET": "cards", "FACTCARD_S3_ENDPOINT": "http://127.0.0.1:1"}), log, nil)
	if err != nil || svc == nil || c.Bucket != "cards" {
		t.Errorf("ForLambda() with a bucket = %+v, %v, %v", c, svc, err)
	}
}

func TestNewServiceDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	c, err := Load(env(map[string]string{"FACTCARD_DIR": dir}))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := c.NewService(context.Background(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	card, err := svc.Card(context.Background(), facts.Default().All()[0].ID, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := storage.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Head(context.Background(), card.Key); err != nil {
		t.Errorf("the card is not in the configured directory: %v", err)
	}
}

func TestOpenStoreS3NeedsNoNetwork(t *testing.T) {
	// Opening the S3 store must not call S3: a service starts while S3 is down.
	c := Config{Bucket: "cards", Region: "us-east-1", Endpoint: "http://127.0.0.1:1"}
	t.Setenv("AWS_ACCESS_KEY_ID", "fixture")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fixture")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	if _, err := c.OpenStore(context.Background()); err != nil {
		t.Fatalf("OpenStore() with S3 unreachable = %v, want a store", err)
	}
}
