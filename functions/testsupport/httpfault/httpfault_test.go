package httpfault_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/factcard/factcard/functions/testsupport/httpfault"
)

// body is what the backend answers GETs with and what the tests upload.
var body = strings.Repeat("0123456789", 1000)

// startBackend serves GET with body and PUT by echoing how many bytes it read
// and whether the upload was whole.
func startBackend(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			w.Header().Set("Content-Length", "10000")
			io.WriteString(w, body)
		case http.MethodPut:
			b, err := io.ReadAll(r.Body)
			if err != nil || len(b) != len(body) {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			w.WriteHeader(http.StatusCreated)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func do(method, url string) (int, string, error) {
	var r io.Reader
	if method == http.MethodPut {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return 0, "", err
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestPassAndFail(t *testing.T) {
	f := httpfault.Start(t, startBackend(t).URL)
	if !strings.HasPrefix(f.URL(), "http://127.0.0.1:") || f.URL() != "http://"+f.Addr() {
		t.Errorf("URL() = %q, Addr() = %q; want http://127.0.0.1:PORT and its address", f.URL(), f.Addr())
	}
	f.Fail(http.MethodGet, 2)
	var got []int
	for range 3 {
		status, b, err := do(http.MethodGet, f.URL()+"/a")
		if err != nil {
			t.Fatal(err)
		}
		if status == http.StatusInternalServerError && b != httpfault.InternalError {
			t.Errorf("500 body = %q, want InternalError", b)
		}
		got = append(got, status)
	}
	if status, _, _ := do(http.MethodPut, f.URL()+"/a"); status != http.StatusCreated {
		t.Errorf("PUT while GETs fail: status %d, want 201", status)
	}
	if want := []int{500, 500, 200}; !slices.Equal(got, want) {
		t.Errorf("GET statuses = %v, want %v", got, want)
	}
	f.WaitIdle(t)
	if got, want := f.SeenList(), []string{"GET 500", "GET 500", "GET 200", "PUT 201"}; !slices.Equal(got, want) {
		t.Errorf("SeenList() = %q, want %q", got, want)
	}
	f.ResetSeen()
	f.Fail("", -1)
	for _, m := range []string{http.MethodGet, http.MethodPut} {
		if status, _, _ := do(m, f.URL()+"/a"); status != http.StatusInternalServerError {
			t.Errorf("%s with Fail(\"\", -1): status %d, want 500", m, status)
		}
	}
	f.Clear()
	if status, _, _ := do(http.MethodGet, f.URL()+"/a"); status != http.StatusOK {
		t.Errorf("GET after Clear: status %d, want 200", status)
	}
	f.WaitIdle(t)
	if got := len(f.Seen()); got != 3 {
		t.Errorf("after ResetSeen, Seen() has %d attempts, want 3", got)
	}
}

func TestHold(t *testing.T) {
	tests := []struct {
		name   string
		method string
		at     httpfault.Point
		// wantErr: the request breaks off (a cut upload or download).
		wantErr    bool
		wantStatus int
	}{
		{"before forward", http.MethodGet, httpfault.BeforeForward, false, http.StatusOK},
		{"mid upload", http.MethodPut, httpfault.MidUpload, false, http.StatusBadGateway},
		{"mid download", http.MethodGet, httpfault.MidDownload, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := httpfault.Start(t, startBackend(t).URL)
			h := f.HoldNext(tt.method, tt.at)
			type result struct {
				status int
				body   string
				err    error
			}
			done := make(chan result, 1)
			go func() {
				s, b, err := do(tt.method, f.URL()+"/x")
				done <- result{s, b, err}
			}()
			h.Await(t)
			select {
			case r := <-done:
				t.Fatalf("request finished while held: %+v", r)
			case <-time.After(50 * time.Millisecond):
			}
			h.Release()
			h.Release() // twice is fine
			r := <-done
			if tt.wantErr {
				if r.err == nil {
					t.Errorf("request = %d with %d bytes, want it cut off", r.status, len(r.body))
				}
				return
			}
			if r.err != nil || r.status != tt.wantStatus {
				t.Errorf("request = %d, %v; want %d", r.status, r.err, tt.wantStatus)
			}
			if tt.wantStatus == http.StatusOK && r.body != body {
				t.Errorf("body of %d bytes, want the backend's %d", len(r.body), len(body))
			}
		})
	}
}

func TestGather(t *testing.T) {
	f := httpfault.Start(t, startBackend(t).URL)
	f.Gather(http.MethodPut, 2)
	var wg sync.WaitGroup
	ends := make(chan time.Time, 2)
	start := time.Now()
	wg.Go(func() {
		do(http.MethodPut, f.URL()+"/a")
		ends <- time.Now()
	})
	time.Sleep(200 * time.Millisecond)
	wg.Go(func() {
		do(http.MethodPut, f.URL()+"/b")
		ends <- time.Now()
	})
	wg.Wait()
	close(ends)
	for end := range ends {
		if d := end.Sub(start); d < 200*time.Millisecond {
			t.Errorf("a gathered PUT finished after %v, before the second arrived", d)
		}
	}
	if got := f.SeenList(); !slices.Equal(got, []string{"PUT 201", "PUT 201"}) {
		t.Errorf("SeenList() = %q, want two PUT 201", got)
	}
}

func TestClearReleasesHolds(t *testing.T) {
	f := httpfault.Start(t, startBackend(t).URL)
	h := f.HoldNext(http.MethodGet, httpfault.BeforeForward)
	done := make(chan error, 1)
	go func() {
		_, b, err := do(http.MethodGet, f.URL()+"/x")
		if err == nil && !bytes.Equal([]byte(b), []byte(body)) {
			err = io.ErrUnexpectedEOF
		}
		done <- err
	}()
	h.Await(t)
	f.Clear()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("held GET after Clear: %v, want the whole body", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Clear did not release the held GET")
	}
}
