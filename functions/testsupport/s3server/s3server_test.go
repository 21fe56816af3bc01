package s3server_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/factcard/factcard/functions/testsupport/proc"
	"github.com/factcard/factcard/functions/testsupport/s3server"
)

func TestSkipWithoutBinary(t *testing.T) {
	for _, bin := range []string{"", filepath.Join(t.TempDir(), "missing")} {
		ok := t.Run("skips", func(t *testing.T) {
			t.Setenv(s3server.EnvBinary, bin)
			t.Setenv("PATH", t.TempDir()) // no versitygw there either
			t.Setenv(proc.EnvRequireTools, "")
			s3server.Start(t)
			t.Errorf("Start with %s=%q did not skip", s3server.EnvBinary, bin)
		})
		if !ok {
			t.Errorf("Start with %s=%q failed, want a skip", s3server.EnvBinary, bin)
		}
	}
}

func TestServer(t *testing.T) {
	srv := s3server.Start(t)
	if !strings.HasPrefix(srv.Endpoint, "http://127.0.0.1:") || srv.Endpoint != "http://"+srv.Addr {
		t.Errorf("Endpoint = %q, Addr = %q; want http://127.0.0.1:PORT and its address", srv.Endpoint, srv.Addr)
	}
	bucket := srv.CreateBucket(t, "cards")
	ctx := context.Background()
	client := srv.Client(t)
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("a/b"), Body: strings.NewReader("x")}); err != nil {
		t.Fatalf("PutObject = %v", err)
	}
	// The posix backend keeps objects as files: bucket/key under Dir.
	if b, err := os.ReadFile(filepath.Join(srv.Dir, "cards", "a", "b")); err != nil || string(b) != "x" {
		t.Errorf("object file = %q, %v; want x", b, err)
	}
	if got := srv.CreateBucket(t, ""); got == "" || got == bucket {
		t.Errorf("CreateBucket(\"\") = %q, want a fresh name", got)
	}

	srv.Stop()
	srv.Stop() // twice is fine
	c := &http.Client{Timeout: time.Second}
	if _, err := c.Get(srv.Endpoint); err == nil {
		t.Error("server answers after Stop")
	}
}

func TestEnv(t *testing.T) {
	srv := s3server.Start(t)
	env := map[string]string{}
	for _, kv := range srv.Env() {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			t.Errorf("Env entry %q is not KEY=value", kv)
		}
		env[k] = v
	}
	for k, want := range map[string]string{
		"AWS_ACCESS_KEY_ID":         srv.AccessKey,
		"AWS_SECRET_ACCESS_KEY":     srv.SecretKey,
		"AWS_REGION":                srv.Region,
		"AWS_EC2_METADATA_DISABLED": "true",
		"FACTCARD_S3_ENDPOINT":      srv.Endpoint,
		"AWS_PROFILE":               "",
	} {
		if got, ok := env[k]; !ok || got != want {
			t.Errorf("Env %s = %q (set: %v), want %q", k, got, ok, want)
		}
	}
	srv.SetEnv(t)
	if got := os.Getenv("FACTCARD_S3_ENDPOINT"); got != srv.Endpoint {
		t.Errorf("after SetEnv FACTCARD_S3_ENDPOINT = %q, want %q", got, srv.Endpoint)
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	t.Logf("Env sets %s", strings.Join(keys, " "))
}
