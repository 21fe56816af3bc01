package s3store_test

// In-process tests of the S3 store with a hand-written fake of its API: what
// it sends, and how it maps the errors the SDK returns. The fake's errors are
// built the way the SDK builds them (an OperationError around an HTTP
// ResponseError around the API error), with the codes S3 and versitygw send.

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/s3store"
)

// fakeAPI answers each call with the next of its errors (nil: success), and
// records the inputs.
type fakeAPI struct {
	mu      sync.Mutex
	errs    []error // popped per call; when empty, lastErr
	lastErr error
	body    string    // body of a successful GetObject
	length  *int64    // Content-Length of a successful GetObject; nil means len(body)
	reader  io.Reader // when set, the body of a successful GetObject instead of body
	puts    []*s3.PutObjectInput
	calls   int
}

func (f *fakeAPI) next() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if len(f.errs) > 0 {
		err := f.errs[0]
		f.errs = f.errs[1:]
		return err
	}
	return f.lastErr
}

func (f *fakeAPI) GetObject(ctx context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	if err := f.next(); err != nil {
		return nil, err
	}
	n := int64(len(f.body))
	if f.length != nil {
		n = *f.length
	}
	var body io.Reader = strings.NewReader(f.body)
	if f.reader != nil {
		body = f.reader
	}
	return &s3.GetObjectOutput{
		Body:          io.NopCloser(body),
		ContentLength: &n,
		ContentType:   aws.String("image/png"),
		CacheControl:  aws.String("max-age=1"),
		LastModified:  aws.Time(time.Unix(1700000000, 0)),
		Metadata:      map[string]string{"Fact-Id": "f"},
	}, nil
}

func (f *fakeAPI) HeadObject(ctx context.Context, in *s3.HeadObjectInput, _ ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	if err := f.next(); err != nil {
		return nil, err
	}
	return &s3.HeadObjectOutput{ContentLength: aws.Int64(4), ContentType: aws.String("image/png"), Metadata: map[string]string{}}, nil
}

func (f *fakeAPI) PutObject(ctx context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	f.mu.Lock()
	f.puts = append(f.puts, in)
	f.mu.Unlock()
	if err := f.next(); err != nil {
		return nil, err
	}
	return &s3.PutObjectOutput{}, nil
}

// apiErr builds the error the SDK returns for an S3 error response.
func apiErr(op string, status int, code, message string) error {
	var inner error = &smithy.GenericAPIError{Code: code, Message: message}
	switch code {
	case "NoSuchKey":
		inner = &types.NoSuchKey{Message: &message}
	case "NotFound":
		inner = &types.NotFound{Message: &message}
	}
	return &smithy.OperationError{
		ServiceID:     "S3",
		OperationName: op,
		Err: &awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{
				Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
				Err:      inner,
			},
			RequestID: "REQ",
		},
	}
}

// sendErr builds the error the SDK returns when it cannot connect.
func sendErr(op string) error {
	return &smithy.OperationError{
		ServiceID:     "S3",
		OperationName: op,
		Err: &smithyhttp.RequestSendError{Err: &net.OpError{
			Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused"),
		}},
	}
}

func TestErrorMapping(t *testing.T) {
	type call func(*s3store.Store) error
	get := func(s *s3store.Store) error {
		_, err := s.Get(context.Background(), "cards/f/x.png", 1<<30)
		return err
	}
	head := func(s *s3store.Store) error { _, err := s.Head(context.Background(), "cards/f/x.png"); return err }
	put := func(s *s3store.Store) error {
		return s.Create(context.Background(), "cards/f/x.png", []byte("png"), storage.Info{ContentType: "image/png"})
	}
	for _, tc := range []struct {
		name     string
		call     call
		err      error
		want     error  // errors.Is target; nil: none of ours
		wantText string // in the message
	}{
		{"get NoSuchKey", get, apiErr("GetObject", 404, "NoSuchKey", "The specified key does not exist."), storage.ErrNotFound, "s3 get s3://bucket/prod/cards/f/x.png: object not found"},
		{"head NotFound", head, apiErr("HeadObject", 404, "NotFound", ""), storage.ErrNotFound, "s3 head s3://bucket/prod/cards/f/x.png"},
		{"get bare 404", get, apiErr("GetObject", 404, "", ""), storage.ErrNotFound, "object not found"},
		{"get NoSuchBucket", get, apiErr("GetObject", 404, "NoSuchBucket", "The specified bucket does not exist."), s3store.ErrNoBucket, `bucket "bucket" does not exist`},
		{"put NoSuchBucket", put, apiErr("PutObject", 404, "NoSuchBucket", ""), s3store.ErrNoBucket, "FACTCARD_BUCKET"},
		{"get unknown key versitygw", get, apiErr("GetObject", 404, "XAdminUserNotFound", "No user exists with the provided access key ID."), s3store.ErrAccessDenied, "check AWS_ACCESS_KEY_ID"},
		{"get InvalidAccessKeyId", get, apiErr("GetObject", 403, "InvalidAccessKeyId", ""), s3store.ErrAccessDenied, "does not know the access key ID"},
		{"put SignatureDoesNotMatch", put, apiErr("PutObject", 403, "SignatureDoesNotMatch", ""), s3store.ErrAccessDenied, "check AWS_SECRET_ACCESS_KEY"},
		{"get AccessDenied", get, apiErr("GetObject", 403, "AccessDenied", "Access Denied"), s3store.ErrAccessDenied, `not allowed to read objects in bucket "bucket"`},
		{"put AccessDenied", put, apiErr("PutObject", 403, "AccessDenied", "Access Denied"), s3store.ErrAccessDenied, "not allowed to write objects"},
		{"head 403", head, apiErr("HeadObject", 403, "Forbidden", "Forbidden"), s3store.ErrAccessDenied, "wrong credentials, or no permission"},
		{"get ExpiredToken", get, apiErr("GetObject", 400, "ExpiredToken", ""), s3store.ErrAccessDenied, "AWS_SESSION_TOKEN"},
		{"get wrong region", get, apiErr("GetObject", 301, "PermanentRedirect", ""), nil, "check AWS_REGION"},
		{"put 412", put, apiErr("PutObject", 412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold."), storage.ErrExists, "s3 put s3://bucket/prod/cards/f/x.png: object already exists"},
		{"put 409 parent is a file", put, apiErr("PutObject", 409, "ObjectParentIsFile", "Object parent already exists as a file."), nil, "ObjectParentIsFile"},
		{"get 500", get, apiErr("GetObject", 500, "InternalError", "We encountered an internal error."), nil, "s3 get s3://bucket/prod/cards/f/x.png: operation error S3: GetObject"},
		{"get refused", get, sendErr("GetObject"), nil, "cannot reach the S3 server"},
		{"put refused", put, sendErr("PutObject"), nil, "cannot reach the S3 server"},
		{"get cancelled", get, &smithy.OperationError{ServiceID: "S3", OperationName: "GetObject", Err: &smithy.CanceledError{Err: context.Canceled}}, context.Canceled, "s3 get"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := &fakeAPI{lastErr: tc.err}
			err := tc.call(s3store.New(api, "bucket", "prod/"))
			if err == nil {
				t.Fatal("got nil error, want one")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("got %v, want errors.Is %v", err, tc.want)
			}
			for _, not := range []error{storage.ErrNotFound, storage.ErrExists, s3store.ErrAccessDenied, s3store.ErrNoBucket} {
				if not != tc.want && errors.Is(err, not) {
					t.Errorf("got %v, which is also %v", err, not)
				}
			}
			if !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("got %q, want it to contain %q", err, tc.wantText)
			}
			if api.calls != 1 {
				t.Errorf("API calls = %d, want 1", api.calls)
			}
		})
	}
}

func conflict() error {
	return apiErr("PutObject", 409, "ConditionalRequestConflict", "A conflicting operation occurred.")
}

func TestCreateConflict(t *testing.T) {
	ctx := context.Background()
	info := storage.Info{ContentType: "image/png"}
	for _, tc := range []struct {
		name      string
		errs      []error
		last      error
		want      error // nil: success; else errors.Is target, or errAny
		wantText  string
		wantCalls int
	}{
		{"conflict then lost", []error{conflict(), conflict()}, apiErr("PutObject", 412, "PreconditionFailed", ""), storage.ErrExists, "object already exists", 3},
		{"conflict then won", []error{conflict()}, nil, nil, "", 2},
		{"conflict outlasts retries", nil, conflict(), errAny, "still in flight after 5 tries", s3store.ConflictRetries + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := &fakeAPI{errs: tc.errs, lastErr: tc.last}
			err := s3store.New(api, "bucket", "").Create(ctx, "k", []byte("x"), info)
			switch {
			case tc.want == nil && err != nil:
				t.Errorf("Create = %v, want nil", err)
			case tc.want == errAny && (err == nil || errors.Is(err, storage.ErrExists)):
				t.Errorf("Create = %v, want an error other than ErrExists", err)
			case tc.want != nil && tc.want != errAny && !errors.Is(err, tc.want):
				t.Errorf("Create = %v, want %v", err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("Create = %q, want it to contain %q", err, tc.wantText)
			}
			if api.calls != tc.wantCalls {
				t.Errorf("PutObject calls = %d, want %d", api.calls, tc.wantCalls)
			}
		})
	}
}

var errAny = errors.New("any error")

// TestCreateConflictDeadline checks that waiting to retry a conflicted put
// ends with the caller's deadline.
func TestCreateConflictDeadline(t *testing.T) {
	api := &fakeAPI{lastErr: conflict()}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s3store.New(api, "bucket", "").Create(ctx, "k", []byte("x"), storage.Info{ContentType: "image/png"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Create = %v, want context.DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 200*time.Millisecond {
		t.Errorf("Create took %v, want it to stop at the 30ms deadline", elapsed)
	}
}

// TestPutInput checks what Create sends: the conditional header, the
// prefixed key, the length and every header of the Info.
func TestPutInput(t *testing.T) {
	api := &fakeAPI{}
	info := storage.Info{
		ContentType:  "image/png",
		CacheControl: "public, max-age=60",
		Metadata:     map[string]string{"fact-id": "f", "renderer-version": "2"},
		Size:         99, // ignored
	}
	if err := s3store.New(api, "bucket", "prod").Create(context.Background(), "cards/f/x.png", []byte("png!"), info); err != nil {
		t.Fatal(err)
	}
	if len(api.puts) != 1 {
		t.Fatalf("PutObject calls = %d, want 1", len(api.puts))
	}
	in := api.puts[0]
	body, _ := io.ReadAll(in.Body)
	for _, tc := range []struct{ name, got, want string }{
		{"Bucket", aws.ToString(in.Bucket), "bucket"},
		{"Key", aws.ToString(in.Key), "prod/cards/f/x.png"},
		{"IfNoneMatch", aws.ToString(in.IfNoneMatch), "*"},
		{"ContentType", aws.ToString(in.ContentType), "image/png"},
		{"CacheControl", aws.ToString(in.CacheControl), "public, max-age=60"},
		{"Metadata fact-id", in.Metadata["fact-id"], "f"},
		{"Metadata renderer-version", in.Metadata["renderer-version"], "2"},
		{"Body", string(body), "png!"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if got := aws.ToInt64(in.ContentLength); got != 4 {
		t.Errorf("ContentLength = %d, want 4", got)
	}
	// The caller's map is not handed to the SDK.
	info.Metadata["fact-id"] = "changed"
	if in.Metadata["fact-id"] != "f" {
		t.Error("the PutObject input shares the caller's metadata map")
	}
	// No Cache-Control header when the Info has none.
	if err := s3store.New(api, "bucket", "").Create(context.Background(), "y", nil, storage.Info{ContentType: "image/png"}); err != nil {
		t.Fatal(err)
	}
	if cc := api.puts[1].CacheControl; cc != nil {
		t.Errorf("CacheControl = %q, want none", *cc)
	}
}

// countingZeros is an endless body of zeros that counts what is read of it.
type countingZeros struct{ n atomic.Int64 }

func (c *countingZeros) Read(p []byte) (int, error) {
	clear(p)
	c.n.Add(int64(len(p)))
	return len(p), nil
}

// TestGetLimit checks that Get refuses an object over its limit by its
// Content-Length without reading a byte of it, and that a body longer than its
// Content-Length (or without one) is read no further than one byte past the
// limit. Before the limit, Get read a 1.5 GiB object whole.
func TestGetLimit(t *testing.T) {
	const limit = 16 << 20
	for _, tc := range []struct {
		name     string
		length   *int64
		maxRead  int64
		wantSays string
	}{
		{"Content-Length 1.5 GiB", aws.Int64(3 << 29), 0, "1610612736 bytes, more than 16777216"},
		{"Content-Length that lies", aws.Int64(100), limit + 1 + 32<<10, "more than 16777216 bytes"},
		{"no Content-Length", aws.Int64(0), limit + 1 + 32<<10, "more than 16777216 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := &countingZeros{}
			api := &fakeAPI{reader: body, length: tc.length}
			obj, err := s3store.New(api, "bucket", "").Get(context.Background(), "facts/v/shards/0000.json", limit)
			if !errors.Is(err, storage.ErrTooLarge) || obj != nil {
				t.Fatalf("Get = %v, %v; want ErrTooLarge", obj, err)
			}
			if !strings.Contains(err.Error(), tc.wantSays) || !strings.Contains(err.Error(), "s3://bucket/facts/v/shards/0000.json") {
				t.Errorf("err = %v; want it to name the key and say %q", err, tc.wantSays)
			}
			if got := body.n.Load(); got > tc.maxRead {
				t.Errorf("read %d bytes of the body, want at most %d", got, tc.maxRead)
			}
		})
	}
}

func TestGetOutput(t *testing.T) {
	api := &fakeAPI{body: "png!"}
	obj, err := s3store.New(api, "bucket", "").Get(context.Background(), "k", 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if string(obj.Body) != "png!" || obj.Size != 4 || obj.ContentType != "image/png" || obj.CacheControl != "max-age=1" ||
		!obj.ModTime.Equal(time.Unix(1700000000, 0)) || obj.Metadata["fact-id"] != "f" {
		t.Errorf("Get = %+v, want the fake's object with lower-case metadata keys", obj)
	}
	info, err := s3store.New(api, "bucket", "").Head(context.Background(), "k")
	if err != nil || info.Metadata != nil || info.Size != 4 {
		t.Errorf("Head = %+v, %v; want Size 4 and nil Metadata", info, err)
	}

	// A body cut short of its Content-Length is an error, not a short card.
	api = &fakeAPI{body: "png", length: aws.Int64(10)}
	if _, err := s3store.New(api, "bucket", "").Get(context.Background(), "k", 1<<30); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("Get of a truncated body = %v, want io.ErrUnexpectedEOF", err)
	}
}

// TestNoCallForInvalidInput checks that invalid keys, prefixes and Info never
// reach the API.
func TestNoCallForInvalidInput(t *testing.T) {
	ctx := context.Background()
	info := storage.Info{ContentType: "image/png"}
	api := &fakeAPI{}
	good := s3store.New(api, "bucket", "")
	badPrefix := s3store.New(api, "bucket", "../prod/")
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"get invalid key", func() error { _, err := good.Get(ctx, "../x", 1<<30); return err }(), storage.ErrInvalidKey},
		{"head invalid key", func() error { _, err := good.Head(ctx, "/x"); return err }(), storage.ErrInvalidKey},
		{"put invalid key", good.Create(ctx, "X", nil, info), storage.ErrInvalidKey},
		{"put invalid info", good.Create(ctx, "x", nil, storage.Info{}), storage.ErrInvalidInfo},
		{"get invalid prefix", func() error { _, err := badPrefix.Get(ctx, "x", 1<<30); return err }(), storage.ErrInvalidKey},
		{"put invalid prefix", badPrefix.Create(ctx, "x", nil, info), storage.ErrInvalidKey},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s = %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	if api.calls != 0 {
		t.Errorf("API calls = %d, want 0", api.calls)
	}
}

func TestOpenConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  s3store.Config
		want string
	}{
		{"no bucket", s3store.Config{}, "no bucket"},
		{"bad prefix", s3store.Config{Bucket: "b", Prefix: "Prod/"}, `prefix "Prod/"`},
		{"endpoint without scheme", s3store.Config{Bucket: "b", Endpoint: "127.0.0.1:7070"}, "not a URL like"},
		{"endpoint with another scheme", s3store.Config{Bucket: "b", Endpoint: "ftp://127.0.0.1"}, "not a URL like"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s3store.Open(context.Background(), tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Open(%+v) = %v, want an error containing %q", tc.cfg, err, tc.want)
			}
		})
	}
}

func TestOpenNoRegion(t *testing.T) {
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": dir + "/none", "AWS_SHARED_CREDENTIALS_FILE": dir + "/none",
		"AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
	if _, err := s3store.Open(context.Background(), s3store.Config{Bucket: "b"}); err == nil || !strings.Contains(err.Error(), "set AWS_REGION") {
		t.Errorf("Open without a region = %v, want an error saying to set AWS_REGION", err)
	}
	// With an endpoint, an S3-compatible server, the region falls back.
	s, err := s3store.Open(context.Background(), s3store.Config{Bucket: "b", Endpoint: "http://127.0.0.1:1"})
	if err != nil {
		t.Errorf("Open with an endpoint and no region = %v, want nil", err)
	} else if s.Bucket() != "b" || s.Prefix() != "" {
		t.Errorf("Bucket(), Prefix() = %q, %q; want b and none", s.Bucket(), s.Prefix())
	}
}
