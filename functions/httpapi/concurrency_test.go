package httpapi

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/render"
)

// TestConcurrentColdCard sends 100 requests at once, each on its own
// connection to a real server on loopback, for one card that is not stored
// yet. The one render is held until all 100 requests are in the handler, so
// every one of them finds the card missing: the process must render it once,
// write it once, and give all 100 the same bytes and the same ETag.
func TestConcurrentColdCard(t *testing.T) {
	const n = 100
	var (
		mem     = storagetest.NewMemory()
		store   = storagetest.NewFaulty(mem) // counts the store calls
		renders atomic.Int64
		entered atomic.Int64
		conns   atomic.Int64
		allIn   = make(chan struct{})
	)
	countingRender := func(f facts.Fact, opts render.Options) ([]byte, error) {
		renders.Add(1)
		select {
		case <-allIn:
		case <-time.After(10 * time.Second):
			t.Error("not all requests reached the handler within 10s")
		}
		// From the handler to the service's flight is a few microseconds;
		// give the last ones ample time to join.
		time.Sleep(50 * time.Millisecond)
		var buf bytes.Buffer
		if err := render.Render(&buf, f, opts); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	svc, err := cards.New(cards.Config{Facts: facts.Default(), Store: store, Render: countingRender})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Cards: svc, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if entered.Add(1) == n {
			close(allIn)
		}
		h.ServeHTTP(w, r)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	id := firstFact().ID
	ref, err := svc.Ref(t.Context(), id, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type response struct {
		status       int
		etag, source string
		body         []byte
		err          error
	}
	responses := make([]response, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			// A transport of its own: a connection of its own.
			tr := &http.Transport{DisableKeepAlives: true}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
			<-start
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+"/cards/"+id+".png", nil)
			resp, err := client.Do(req)
			if err != nil {
				responses[i].err = err
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			responses[i] = response{resp.StatusCode, resp.Header.Get("ETag"), resp.Header.Get("X-Card-Source"), body, err}
		})
	}
	close(start)
	wg.Wait()

	if got := renders.Load(); got != 1 {
		t.Errorf("renders = %d; want 1", got)
	}
	if got := store.Calls(storagetest.MethodCreate); got != 1 {
		t.Errorf("store writes = %d; want 1", got)
	}
	if got := store.Calls(storagetest.MethodGet); got != 1 {
		t.Errorf("store reads = %d; want 1 (every request joined the one flight)", got)
	}
	if got := conns.Load(); got != n {
		t.Errorf("server saw %d connections; want %d, one per request", got, n)
	}
	wantETag := `"` + ref.Hash + `"`
	for i, r := range responses {
		switch {
		case r.err != nil:
			t.Errorf("request %d: %v", i, r.err)
		case r.status != http.StatusOK:
			t.Errorf("request %d: status %d; want 200", i, r.status)
		case r.etag != wantETag:
			t.Errorf("request %d: ETag %s; want %s", i, r.etag, wantETag)
		case r.source != "render":
			t.Errorf("request %d: X-Card-Source %q; want render (the card was not stored before)", i, r.source)
		case !bytes.Equal(r.body, responses[0].body):
			t.Errorf("request %d: %d bytes that differ from request 0's %d", i, len(r.body), len(responses[0].body))
		}
	}
	if t.Failed() {
		return
	}
	img, err := png.Decode(bytes.NewReader(responses[0].body))
	if err != nil {
		t.Fatalf("body is not a PNG: %v", err)
	}
	w, hgt := ref.Options.Size.Dimensions()
	if got := img.Bounds().Size(); got.X != w || got.Y != hgt {
		t.Errorf("card is %dx%d; want %dx%d (%s)", got.X, got.Y, w, hgt, ref.Options.Size)
	}
	obj, err := mem.Get(context.Background(), ref.Key, 1<<30)
	if err != nil {
		t.Fatalf("card not stored: %v", err)
	}
	if !bytes.Equal(obj.Body, responses[0].body) {
		t.Error("stored card differs from the served one")
	}
}
