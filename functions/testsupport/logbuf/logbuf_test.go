package logbuf_test

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/factcard/factcard/functions/testsupport/logbuf"
)

func TestBufferConcurrent(t *testing.T) {
	var b logbuf.Buffer
	const writers, lines = 8, 200
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range lines {
				fmt.Fprintf(&b, "w%d line %d\n", w, i)
				_ = b.String() // a reader while the others write
			}
		})
	}
	wg.Wait()
	if got, want := strings.Count(b.String(), "\n"), writers*lines; got != want {
		t.Errorf("buffer holds %d lines, want %d", got, want)
	}
}

func TestRecords(t *testing.T) {
	var b logbuf.Buffer
	log := slog.New(slog.NewJSONHandler(&b, nil))
	log.Info("request", "path", "/healthz")
	b.Write([]byte("START RequestId: 1 Version: $LATEST\n{not json\n"))
	log.Warn("store read failed", "key", "cards/a")
	log.Info("request", "path", "/facts")

	tests := []struct {
		name  string
		match func(map[string]any) bool
		want  []string // the records' msg, in order
	}{
		{"all", nil, []string{"request", "store read failed", "request"}},
		{"one message", logbuf.Field("msg", "request"), []string{"request", "request"}},
		{"either message", logbuf.Field("msg", "store read failed", "nothing"), []string{"store read failed"}},
		{"another field", logbuf.Field("path", "/facts"), []string{"request"}},
		{"no such field", logbuf.Field("requestId", "1"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, rec := range b.Records(tt.match) {
				got = append(got, fmt.Sprint(rec["msg"]))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Records = %q, want %q", got, tt.want)
			}
		})
	}
}
