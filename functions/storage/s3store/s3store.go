// Package s3store is the storage.Store that keeps factcard's cards in an S3
// bucket, or in any S3-compatible server, with aws-sdk-go-v2.
//
// It is the only package besides the mains that imports the AWS SDK. It uses
// three calls of the S3 API, named by the API interface: main passes
// s3.NewFromConfig(cfg) (or calls Open), tests pass a real client pointed at a
// server on loopback (see s3server).
package s3store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/factcard/factcard/functions/storage"
)

// API is the slice of the S3 API the store uses; *s3.Client implements it.
type API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, opts ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

var _ API = (*s3.Client)(nil)

// Errors of the S3 store besides those of package storage, possibly wrapped;
// test for them with errors.Is. The error's text says what to check.
var (
	// ErrAccessDenied means the server refused the credentials or their
	// permissions (HTTP 403: InvalidAccessKeyId, SignatureDoesNotMatch,
	// AccessDenied, an expired token), or, from versitygw, 404
	// XAdminUserNotFound for an unknown access key.
	ErrAccessDenied = errors.New("access denied")
	// ErrNoCredentials means the SDK found no credentials (for stores made by
	// Open): none in the environment, the shared files or an instance role.
	ErrNoCredentials = errors.New("no AWS credentials")
	// ErrNoBucket means the bucket does not exist. (S3 answers a HEAD of an
	// object in a missing bucket with a bare 404, so Head reports
	// storage.ErrNotFound then.)
	ErrNoBucket = errors.New("no such bucket")
)

var _ storage.Store = (*Store)(nil)

// Store is a storage.Store keeping objects in one S3 bucket, under an
// optional key prefix. It is safe for concurrent use.
//
// Create is create-only through S3's conditional write, If-None-Match: *: of
// several writers of one key S3 lets exactly one succeed and answers the others
// 412 Precondition Failed, which Create reports as storage.ErrExists. While
// another conditional write of the key is still in flight S3 may instead
// answer 409 ConditionalRequestConflict; Create then tries again a few times
// (up to ConflictRetries, backing off from 20ms), which normally ends in a 412
// once the other write lands. If the conflict outlasts the retries, Create
// returns an error that is not ErrExists: the other write may yet fail, and a
// caller must not count on the object being there.
//
// As with any S3 client, a call that failed may still have taken effect: a
// Create whose deadline passed while the server was slow can land after it
// returned. A later Create of the key then reports ErrExists. What S3 never
// shows is a partial object: an object appears whole or not at all.
type Store struct {
	api       API
	bucket    string
	prefix    string
	prefixErr error
}

// ConflictRetries is how many times Create tries again after a 409
// ConditionalRequestConflict.
const ConflictRetries = 4

// New returns a Store keeping objects in bucket through api, each under
// prefix+key. A prefix (such as "prod/") is made of valid key segments; the
// trailing slash is added when missing. With an invalid prefix every call
// fails with an error wrapping storage.ErrInvalidKey; Open checks it up front.
func New(api API, bucket, prefix string) *Store {
	p, err := normalizePrefix(prefix)
	return &Store{api: api, bucket: bucket, prefix: p, prefixErr: err}
}

func normalizePrefix(prefix string) (string, error) {
	if prefix == "" {
		return "", nil
	}
	p := strings.TrimSuffix(prefix, "/")
	if err := storage.ValidKey(p); err != nil {
		return "", fmt.Errorf("s3 key prefix %q: %w", prefix, err)
	}
	return p + "/", nil
}

// Bucket returns the bucket s keeps its objects in.
func (s *Store) Bucket() string { return s.bucket }

// Prefix returns the prefix of the keys s stores, with its trailing slash, or
// "" when there is none.
func (s *Store) Prefix() string { return s.prefix }

// Config configures Open.
type Config struct {
	// Bucket is the bucket to keep objects in. Required.
	Bucket string
	// Prefix is put before every key, such as "prod/"; optional.
	Prefix string
	// Region is the bucket's AWS region. When empty, the SDK's default
	// resolution applies (AWS_REGION, the shared config profile), and with an
	// Endpoint set it falls back to "us-east-1".
	Region string
	// Endpoint is the base URL of an S3-compatible server, such as
	// "http://127.0.0.1:7070"; empty for AWS S3 itself. With an endpoint the
	// store addresses buckets path-style (http://host/bucket/key).
	Endpoint string
	// MaxAttempts bounds the SDK's attempts per call, retries included; 0
	// keeps the SDK's default (3). Callers' context deadlines bound the time.
	MaxAttempts int
}

// Open returns a Store for cfg. It loads the AWS configuration the way the
// SDK does by default (credentials and region from the environment, the
// shared config and credentials files, or the instance or Lambda role), but it
// does not contact S3: a server that is down shows in the first call, not
// here.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Bucket == "" {
		return nil, errors.New("open s3 store: no bucket given")
	}
	if _, err := normalizePrefix(cfg.Prefix); err != nil {
		return nil, fmt.Errorf("open s3 store: %w", err)
	}
	if cfg.Endpoint != "" {
		u, err := url.Parse(cfg.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("open s3 store: endpoint %q is not a URL like http://127.0.0.1:7070", cfg.Endpoint)
		}
	}
	var opts []func(*config.LoadOptions) error
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.MaxAttempts > 0 {
		opts = append(opts, config.WithRetryMaxAttempts(cfg.MaxAttempts))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("open s3 store: load AWS config: %w", err)
	}
	if awsCfg.Region == "" {
		if cfg.Endpoint == "" {
			return nil, errors.New("open s3 store: no AWS region: set AWS_REGION (or the region of the AWS profile)")
		}
		awsCfg.Region = "us-east-1"
	}
	if awsCfg.Credentials != nil {
		awsCfg.Credentials = credentialsHint{awsCfg.Credentials}
	}
	client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
			o.UsePathStyle = true
		}
	})
	return New(client, cfg.Bucket, cfg.Prefix), nil
}

// credentialsHint marks the errors of its provider with ErrNoCredentials, so
// that a missing credential shows as such and not as the last provider's
// complaint (with AWS_EC2_METADATA_DISABLED, "access disabled to EC2 IMDS").
type credentialsHint struct{ aws.CredentialsProvider }

func (c credentialsHint) Retrieve(ctx context.Context) (aws.Credentials, error) {
	creds, err := c.CredentialsProvider.Retrieve(ctx)
	if err != nil && ctx.Err() == nil {
		err = fmt.Errorf("%w: %w", ErrNoCredentials, err)
	}
	return creds, err
}

// key validates key and returns the S3 key it is stored under.
func (s *Store) key(key string) (string, error) {
	if err := storage.ValidKey(key); err != nil {
		return "", err
	}
	if s.prefixErr != nil {
		return "", s.prefixErr
	}
	return s.prefix + key, nil
}

// Get implements storage.Store.
func (s *Store) Get(ctx context.Context, key string, limit int64) (*storage.Object, error) {
	k, err := s.key(key)
	if err != nil {
		return nil, err
	}
	if err := storage.CheckLimit(limit); err != nil {
		return nil, err
	}
	out, err := s.api.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &k})
	if err != nil {
		return nil, s.fail("get", k, err)
	}
	// Closing the body unread ends the transfer: a refused object costs the
	// response's headers, not its bytes.
	defer out.Body.Close()
	if n := aws.ToInt64(out.ContentLength); n > limit {
		return nil, s.fail("get", k, fmt.Errorf("%w: %d bytes, more than %d", storage.ErrTooLarge, n, limit))
	}
	var buf bytes.Buffer
	if n := aws.ToInt64(out.ContentLength); n > 0 {
		// ReadFrom wants MinRead bytes free before each read, the one that sees
		// EOF included: without the margin a body that fills the buffer exactly
		// is copied into one twice as large.
		buf.Grow(int(n) + bytes.MinRead)
	}
	// Through a LimitReader too: a response without a length, or with a wrong
	// one, still stops one byte past the limit.
	if _, err := buf.ReadFrom(io.LimitReader(out.Body, limit+1)); err != nil {
		return nil, s.fail("get", k, fmt.Errorf("read body: %w", err))
	}
	if int64(buf.Len()) > limit {
		return nil, s.fail("get", k, fmt.Errorf("%w: more than %d bytes", storage.ErrTooLarge, limit))
	}
	if n := out.ContentLength; n != nil && *n != int64(buf.Len()) {
		return nil, s.fail("get", k, fmt.Errorf("read body: got %d bytes of %d: %w", buf.Len(), *n, io.ErrUnexpectedEOF))
	}
	info := storage.Info{
		ContentType:  aws.ToString(out.ContentType),
		CacheControl: aws.ToString(out.CacheControl),
		Size:         int64(buf.Len()),
		ModTime:      aws.ToTime(out.LastModified),
		Metadata:     metadata(out.Metadata),
	}
	return &storage.Object{Info: info, Body: buf.Bytes()}, nil
}

// Head implements storage.Store.
func (s *Store) Head(ctx context.Context, key string) (storage.Info, error) {
	k, err := s.key(key)
	if err != nil {
		return storage.Info{}, err
	}
	out, err := s.api.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: &k})
	if err != nil {
		return storage.Info{}, s.fail("head", k, err)
	}
	return storage.Info{
		ContentType:  aws.ToString(out.ContentType),
		CacheControl: aws.ToString(out.CacheControl),
		Size:         aws.ToInt64(out.ContentLength),
		ModTime:      aws.ToTime(out.LastModified),
		Metadata:     metadata(out.Metadata),
	}, nil
}

// Create implements storage.Store.
func (s *Store) Create(ctx context.Context, key string, body []byte, info storage.Info) error {
	k, err := s.key(key)
	if err != nil {
		return err
	}
	if err := info.Validate(); err != nil {
		return fmt.Errorf("s3 put %s: %w", s.url(k), err)
	}
	backoff := 20 * time.Millisecond
	for attempt := 0; ; attempt++ {
		_, err := s.api.PutObject(ctx, &s3.PutObjectInput{
			Bucket:        &s.bucket,
			Key:           &k,
			Body:          bytes.NewReader(body),
			ContentLength: aws.Int64(int64(len(body))),
			ContentType:   aws.String(info.ContentType),
			CacheControl:  nonEmpty(info.CacheControl),
			Metadata:      maps.Clone(info.Metadata),
			IfNoneMatch:   aws.String("*"),
		})
		if err == nil {
			return nil
		}
		code, status := apiError(err)
		if status == 412 || code == "PreconditionFailed" {
			return fmt.Errorf("s3 put %s: %w", s.url(k), storage.ErrExists)
		}
		// Other 409s (versitygw's ObjectParentIsFile, ExistingObjectIsDirectory)
		// are no race: report them.
		if code != "ConditionalRequestConflict" && (status != 409 || code != "") {
			return s.fail("put", k, err)
		}
		if attempt == ConflictRetries {
			return fmt.Errorf("s3 put %s: another conditional write of the key was still in flight after %d tries: %w",
				s.url(k), attempt+1, err)
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("s3 put %s: waiting to retry after a conflicting write: %w", s.url(k), context.Cause(ctx))
		case <-t.C:
		}
		backoff *= 2
	}
}

// url names the object in errors.
func (s *Store) url(k string) string { return "s3://" + s.bucket + "/" + k }

// fail wraps err from operation op on the S3 key k, mapping the S3 errors with
// a meaning for callers to the errors of package storage and this package, and
// saying what to check where a person must act. Error codes are checked before
// HTTP statuses: S3-compatible servers use 404 and 409 for more than one thing
// (versitygw answers an unknown access key 404 XAdminUserNotFound).
func (s *Store) fail(op, k string, err error) error {
	where := fmt.Sprintf("s3 %s %s", op, s.url(k))
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", where, err)
	}
	if errors.Is(err, ErrNoCredentials) {
		return fmt.Errorf("%s: no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an IAM role: %w", where, err)
	}
	code, status := apiError(err)
	switch {
	case code == "NoSuchBucket":
		return fmt.Errorf("%s: %w: bucket %q does not exist (check FACTCARD_BUCKET and the endpoint): %w", where, ErrNoBucket, s.bucket, err)
	case code == "NoSuchKey" || code == "NotFound":
		return fmt.Errorf("%s: %w", where, storage.ErrNotFound)
	case accessCodes[code] || status == 403:
		return fmt.Errorf("%s: %w: %s: %w", where, ErrAccessDenied, accessHint(op, code, s.bucket), err)
	case code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed" || code == "IllegalLocationConstraintException":
		return fmt.Errorf("%s: the bucket is in another region than the one configured (check AWS_REGION): %w", where, err)
	case code == "" && status == 404:
		return fmt.Errorf("%s: %w", where, storage.ErrNotFound)
	}
	var send *smithyhttp.RequestSendError
	if errors.As(err, &send) {
		return fmt.Errorf("%s: cannot reach the S3 server (is it running, is the endpoint right?): %w", where, err)
	}
	return fmt.Errorf("%s: %w", where, err)
}

// accessCodes are the S3 error codes that mean the credentials were refused.
var accessCodes = map[string]bool{
	"AccessDenied":          true,
	"InvalidAccessKeyId":    true,
	"XAdminUserNotFound":    true, // versitygw's answer to an unknown access key
	"SignatureDoesNotMatch": true,
	"ExpiredToken":          true,
	"InvalidToken":          true,
	"TokenRefreshRequired":  true,
	"RequestTimeTooSkewed":  true,
	"AccountProblem":        true,
}

// accessHint says, for a person, why S3 refused a call with 403 and code.
func accessHint(op, code, bucket string) string {
	verb := "read"
	if op == "put" {
		verb = "write"
	}
	switch code {
	case "InvalidAccessKeyId", "XAdminUserNotFound":
		return "the server does not know the access key ID; check AWS_ACCESS_KEY_ID (or the AWS profile)"
	case "SignatureDoesNotMatch":
		return "the secret access key does not match the access key ID; check AWS_SECRET_ACCESS_KEY"
	case "ExpiredToken", "InvalidToken", "TokenRefreshRequired":
		return "the session token is expired or invalid; refresh the credentials (AWS_SESSION_TOKEN)"
	case "RequestTimeTooSkewed":
		return "this machine's clock is too far off the server's"
	case "AccessDenied":
		return fmt.Sprintf("the credentials are not allowed to %s objects in bucket %q; check the IAM policy", verb, bucket)
	}
	return fmt.Sprintf("wrong credentials, or no permission to %s objects in bucket %q (the answer names no reason); check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the IAM policy", verb, bucket)
}

// apiError returns the S3 error code and HTTP status of err, where it has them.
func apiError(err error) (code string, status int) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return code, status
}

func metadata(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
