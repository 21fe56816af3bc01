// Package s3server runs a real S3-compatible server, versitygw, on loopback for
// tests: Start launches it with an empty temporary root, Client returns an
// aws-sdk-go-v2 client for it, Env the environment a factcard process needs to
// reach it. The server checks request signatures and keeps every header S3
// keeps, which no fake of the SDK does.
//
// For faults, put a faultproxy in front of the server and point the client
// (or FACTCARD_S3_ENDPOINT, after Env) at the proxy:
//
//	srv := s3server.Start(t)
//	bucket := srv.CreateBucket(t, "")
//	proxy := faultproxy.Start(t, srv.Addr)
//	client := s3server.NewClient(proxy.URL(), srv.AccessKey, srv.SecretKey)
//	proxy.SetMode(faultproxy.Down) // S3 is down
//
// The versitygw binary is built by `make tools`; `make test` passes its path in
// FACTCARD_VERSITYGW. Without it, Start skips the test, saying so (proc.Tool).
package s3server

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/factcard/factcard/functions/testsupport/logbuf"
	"github.com/factcard/factcard/functions/testsupport/proc"
)

// EnvBinary is the environment variable holding the path of the versitygw
// binary.
const EnvBinary = "FACTCARD_VERSITYGW"

// Credentials and region of every Server.
const (
	AccessKey = "factcard-test-access"
	SecretKey = "factcard-test-secret-key"
	Region    = "us-east-1"
)

// healthPath is the path versitygw answers unauthenticated health checks on.
const healthPath = "/healthz"

// startTimeout bounds how long Start waits for the server to answer.
const startTimeout = 30 * time.Second

// Server is a versitygw process serving S3 on a loopback port, with its
// objects under a temporary directory. It is stopped when the test that
// started it ends.
type Server struct {
	// Endpoint is the server's base URL, "http://127.0.0.1:PORT".
	Endpoint string
	// Addr is the server's host:port.
	Addr string
	// AccessKey, SecretKey and Region are what clients sign requests with.
	AccessKey, SecretKey, Region string
	// Dir is the server's root directory: one subdirectory per bucket, one
	// file per object.
	Dir string

	proc *proc.Process
	log  *logbuf.Buffer
	tmp  string
}

// Start starts versitygw on a free 127.0.0.1 port with an empty root under
// t.TempDir(), waits until it answers and registers its stop with t.Cleanup;
// on failure of the test its log is shown. The binary is $FACTCARD_VERSITYGW,
// else versitygw on PATH (proc.Tool); without it Start skips t, or fails it
// under FACTCARD_REQUIRE_TOOLS=1.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := proc.Tool(t, EnvBinary, "versitygw")
	tmp := t.TempDir()
	attempt := 0
	s, err := proc.OnFreePorts(1, func(ports []int) (*Server, error) {
		attempt++
		dir := filepath.Join(tmp, fmt.Sprintf("root%d", attempt))
		if err := os.Mkdir(dir, 0o755); err != nil {
			return nil, err
		}
		return start(bin, dir, tmp, ports[0])
	})
	if err != nil {
		t.Fatalf("s3server: %v", err)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("versitygw log:\n%s", s.Log())
		}
	})
	return s
}

func start(bin, dir, tmp string, port int) (*Server, error) {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	s := &Server{
		Endpoint:  "http://" + addr,
		Addr:      addr,
		AccessKey: AccessKey,
		SecretKey: SecretKey,
		Region:    Region,
		Dir:       dir,
		log:       new(logbuf.Buffer),
		tmp:       tmp,
	}
	// Global flags go before the backend command. --health answers
	// unauthenticated GETs for the readiness probe; --keep-alive lets clients
	// reuse connections as they do with S3. Nothing else is enabled: no
	// admin port, web UI, metrics, event or log webhooks, so the server
	// reaches nothing beyond its directory.
	cmd := exec.Command(bin,
		"--access", s.AccessKey,
		"--secret", s.SecretKey,
		"--region", s.Region,
		"--port", addr,
		"--health", healthPath,
		"--keep-alive",
		"--quiet",
		"posix", dir,
	)
	// A clean environment: versitygw reads many settings from variables
	// (ROOT_ACCESS_KEY, VGW_*, LOGFILE, WEBHOOK, ...) that must not leak in.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + tmp, "TMPDIR=" + tmp}
	cmd.Dir = tmp
	cmd.Stdout = s.log
	cmd.Stderr = s.log
	p, err := proc.Start(cmd, startTimeout, proc.HTTPOK(s.Endpoint+healthPath))
	if err != nil {
		return nil, fmt.Errorf("%w; versitygw log:\n%s", err, s.Log())
	}
	s.proc = p
	return s, nil
}

// Stop kills the server and waits for it to exit. Start registers it with
// t.Cleanup; call it earlier to take the server down. It is safe to call
// more than once.
func (s *Server) Stop() { s.proc.Stop() }

// Log returns what the server has printed so far.
func (s *Server) Log() string { return s.log.String() }

// Client returns an S3 client for the server: static credentials,
// path-style addressing, at most 2 attempts per call with short backoff and
// no retry quota, and a 30 s cap per call, so that failures are fast.
func (s *Server) Client(t testing.TB) *s3.Client {
	t.Helper()
	return NewClient(s.Endpoint, s.AccessKey, s.SecretKey)
}

// NewClient returns an S3 client like Server.Client for any endpoint and
// credentials: a fault proxy in front of a Server, or wrong credentials.
func NewClient(endpoint, accessKey, secretKey string) *s3.Client {
	return s3.New(s3.Options{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, secretKey, ""),
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 2
			o.MaxBackoff = 50 * time.Millisecond
			o.RateLimiter = ratelimit.None
		}),
		HTTPClient: awshttp.NewBuildableClient().WithTimeout(30 * time.Second),
	})
}

var bucketSeq atomic.Int64

// CreateBucket creates the bucket name, failing t if it cannot. With name ""
// it makes up a fresh name. It returns the name.
func (s *Server) CreateBucket(t testing.TB, name string) string {
	t.Helper()
	if name == "" {
		name = fmt.Sprintf("factcard-test-%d", bucketSeq.Add(1))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.Client(t).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &name}); err != nil {
		t.Fatalf("s3server: create bucket %q: %v", name, err)
	}
	return name
}

// Env returns the environment variables, as "KEY=value", that let a factcard
// process reach the server with the SDK's default configuration: the
// credentials, the region, FACTCARD_S3_ENDPOINT, the instance metadata
// endpoint disabled (so the SDK never probes it), empty shared config files,
// and empty values for the variables of a developer's own AWS setup that
// would otherwise take over (AWS_PROFILE, AWS_SESSION_TOKEN, endpoint URLs).
// Append it to os.Environ() (later entries win) and add FACTCARD_BUCKET.
func (s *Server) Env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + s.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + s.SecretKey,
		"AWS_SESSION_TOKEN=",
		"AWS_REGION=" + s.Region,
		"AWS_DEFAULT_REGION=" + s.Region,
		"AWS_PROFILE=",
		"AWS_CONFIG_FILE=" + filepath.Join(s.tmp, "aws-config-none"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(s.tmp, "aws-credentials-none"),
		"AWS_ENDPOINT_URL=",
		"AWS_ENDPOINT_URL_S3=",
		"AWS_EC2_METADATA_DISABLED=true",
		"FACTCARD_S3_ENDPOINT=" + s.Endpoint,
	}
}

// SetEnv sets the variables of Env for the rest of t with t.Setenv, for code
// under test that reads the environment in-process (so t must not be
// parallel).
func (s *Server) SetEnv(t testing.TB) {
	t.Helper()
	for _, kv := range s.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}
