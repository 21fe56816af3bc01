package main

import (
	"context"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/testsupport/logbuf"
	"github.com/factcard/factcard/render"
)

func TestRenderOne(t *testing.T) {
	dir := t.TempDir()
	id := facts.Default().All()[1].ID
	tests := []struct {
		args       []string
		file       string
		wantW      int
		wantH      int
		jpegFormat bool
	}{
		{[]string{"render", id, "-o", filepath.Join(dir, "a.png")}, "a.png", 1200, 630, false},
		{[]string{"render", id, "--size", "story", "--theme", "light", "-o", filepath.Join(dir, "b.png")}, "b.png", 1080, 1920, false},
		{[]string{"render", "--format", "jpg", id, "--size=square", "-o", filepath.Join(dir, "c.jpg")}, "c.jpg", 1080, 1080, true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[2:], " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, nil, tt.args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stdout, tt.file) {
				t.Errorf("stdout %q does not name the file", stdout)
			}
			fh, err := os.Open(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			decode := png.Decode
			if tt.jpegFormat {
				decode = jpeg.Decode
			}
			img, err := decode(fh)
			if err != nil {
				t.Fatalf("%s does not decode: %v", tt.file, err)
			}
			if got := img.Bounds().Size(); got.X != tt.wantW || got.Y != tt.wantH {
				t.Errorf("image is %v, want %dx%d", got, tt.wantW, tt.wantH)
			}
		})
	}
}

func TestRenderToStdout(t *testing.T) {
	code, stdout, stderr := runCLI(t, nil, "render", facts.Default().All()[0].ID, "-o", "-")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := png.Decode(strings.NewReader(stdout)); err != nil {
		t.Errorf("stdout is not a PNG: %v", err)
	}
}

func TestRenderErrors(t *testing.T) {
	id := facts.Default().All()[0].ID
	tests := []struct {
		args     []string
		wantCode int
		wantErr  string
	}{
		{[]string{"render"}, exitUsage, "give one fact ID, or --all"},
		{[]string{"render", id, "--size", "huge"}, exitUsage, `unknown size "huge" (valid: og, square, portrait, story)`},
		{[]string{"render", id, "--theme", "neon"}, exitUsage, `unknown theme "neon"`},
		{[]string{"render", id, "--format", "gif"}, exitUsage, `unknown format "gif"`},
		{[]string{"render", "no-such-fact"}, exitFail, `no fact with ID "no-such-fact"`},
		{[]string{"render", "--all", id}, exitUsage, "give no ID"},
		{[]string{"render", id, "-o", filepath.Join(t.TempDir(), "missing", "dir", "x.png")}, exitFail, "no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, stderr := runCLI(t, nil, tt.args...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.wantCode, tt.wantErr)
			}
		})
	}
}

func TestRenderAll(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cards")
	code, stdout, stderr := runCLI(t, nil, "render", "--all", "-o", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := facts.Default().Len() * len(render.Sizes()) * len(render.Themes())
	files, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	if len(files) != want {
		t.Errorf("%d files, want %d", len(files), want)
	}
	if !regexp.MustCompile(fmt.Sprintf(`^%d cards, [0-9.]+ s, [0-9.]+ [KM]iB in `, want)).MatchString(stdout) {
		t.Errorf("summary line = %q", stdout)
	}
	// Off a terminal the progress is a few plain lines, ending at 100%.
	if !strings.Contains(stderr, fmt.Sprintf("rendering: %d/%d (100%%)", want, want)) {
		t.Errorf("progress output = %q", stderr)
	}
	if n := strings.Count(stderr, "\n"); n > 11 {
		t.Errorf("%d progress lines off a terminal, want at most 11", n)
	}
}

func TestGenerate(t *testing.T) {
	vars := map[string]string{"FACTCARD_DIR": t.TempDir()}
	want := facts.Default().Len() * len(render.Sizes()) * len(render.Themes())
	code, stdout, stderr := runCLI(t, vars, "generate")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, fmt.Sprintf("rendered %d, skipped 0", want)) {
		t.Errorf("first run: %q", stdout)
	}
	code, stdout, stderr = runCLI(t, vars, "generate", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var report cards.GenerateReport
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatalf("--json output: %v\n%s", err, stdout)
	}
	if report.Rendered != 0 || report.Skipped != want {
		t.Errorf("second run = %+v, want all %d skipped", report, want)
	}
	code, stdout, _ = runCLI(t, vars, "generate", "--ids", "no-such-fact", "--sizes", "og", "--themes", "dark")
	if code != exitFail || !strings.Contains(stdout, `failed: no-such-fact og dark: no fact with ID "no-such-fact"`) {
		t.Errorf("unknown ID: exit %d, stdout %q", code, stdout)
	}
	code, _, stderr = runCLI(t, map[string]string{"FACTCARD_STORE_TIMEOUT": "soon"}, "generate")
	if code != exitFail || !strings.Contains(stderr, "FACTCARD_STORE_TIMEOUT") {
		t.Errorf("bad setting: exit %d, stderr %q", code, stderr)
	}
}

func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr logbuf.Buffer
	vars := map[string]string{"FACTCARD_DIR": t.TempDir()}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, func(k string) string { return vars[k] }, strings.NewReader(""), &stdout, &stderr)
	}()
	addr := regexp.MustCompile(`on (http://127\.0\.0\.1:[0-9]+)`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addr.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("serve did not say where it listens; stdout %q stderr %q", stdout.String(), stderr.String())
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"status":"ok"`) {
		t.Errorf("/healthz: %d %s", resp.StatusCode, b)
	}
	if !strings.Contains(stdout.String(), base+"/share/") {
		t.Errorf("serve did not print URLs to try: %q", stdout.String())
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("serve exited %d after cancel, want 0; stderr %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if !strings.Contains(stderr.String(), "msg=request method=GET path=/healthz status=200") {
		t.Errorf("no request log line: %s", stderr.String())
	}
}

func TestServeBadAddress(t *testing.T) {
	code, _, stderr := runCLI(t, map[string]string{"FACTCARD_DIR": t.TempDir()}, "serve", "--addr", "127.0.0.1:99999")
	if code != exitFail || !strings.Contains(stderr, "listen on 127.0.0.1:99999") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
