package infra_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/factcard/factcard/functions/testsupport/proc"
	"github.com/factcard/factcard/functions/testsupport/s3server"
)

// exampleBrand is the example brand, relative to the repository root.
const exampleBrand = "infra/brands/example"

// TestBundledBrand builds the api function as `BRAND=infra/brands/example sam
// build` does (the Makefile's build-ApiFunction with ARTIFACTS_DIR and BRAND, for
// this machine's architecture so that it runs here), runs what it built under
// the emulator, and checks that the function wears the bundled brand: its name on
// the share page and its third theme for cards. A bad brand in FACTCARD_BRAND
// stops the function at init, exit status 2, with a log line naming the field.
func TestBundledBrand(t *testing.T) {
	rie := rieBinary(t)
	if testing.Short() {
		t.Skip("builds the function with make")
	}
	makeBin := proc.Tool(t, "", "make") // the bundled brand is built by the Makefile
	art := t.TempDir()
	cmd := exec.Command(makeBin, "build-ApiFunction", "ARTIFACTS_DIR="+art, "BRAND="+exampleBrand, "LAMBDA_ARCH="+runtime.GOARCH)
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make build-ApiFunction BRAND=%s: %v\n%s", exampleBrand, err, out)
	}
	for _, f := range []string{"bootstrap", "brand/brand.json", "brand/logo.png", "brand/fonts/DejaVuSerif-Latin.ttf"} {
		if _, err := os.Stat(filepath.Join(art, f)); err != nil {
			t.Errorf("the build has no %s: %v", f, err)
		}
	}

	srv := s3server.Start(t)
	bucket := srv.CreateBucket(t, "")
	env := append(srv.Env(), "FACTCARD_BUCKET="+bucket)
	emu := startEmulator(t, "api-branded", rie, filepath.Join(art, "bootstrap"), env)
	var resp events.APIGatewayV2HTTPResponse
	emu.invokeJSON(t, "api-share.json", &resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, `<meta property="og:site_name" content="Example Gazette">`) {
		t.Errorf("share page: %d, want 200 with og:site_name Example Gazette:\n%s", resp.StatusCode, tail(resp.Body, 600))
	}
	emu.invokeJSON(t, "api-fact.json", &resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, `"theme":"paper"`) {
		t.Errorf("fact JSON: %d, want 200 listing cards in the brand's paper theme:\n%s", resp.StatusCode, tail(resp.Body, 600))
	}

	// FACTCARD_BRAND names a bad brand: the function does not start.
	bad := t.TempDir()
	js := `{"name": "Fixture News", "themes": {"dark": {"background": "#101010", "text": "#f0f0f0", "muted": "#a0a0a0", "accent": "#303030"}}}`
	if err := os.WriteFile(filepath.Join(bad, "brand.json"), []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	emu = startEmulator(t, "api-bad-brand", rie, filepath.Join(art, "bootstrap"), append(env, "FACTCARD_BRAND="+bad))
	payload, err := os.ReadFile(filepath.Join("events", "api-healthz.json"))
	if err != nil {
		t.Fatal(err)
	}
	if inv := emu.invoke(t, payload); inv.status != http.StatusBadGateway {
		t.Errorf("invoke with a bad brand: emulator status %d, want 502 (init failed); body %q", inv.status, inv.body)
	}
	if _, ok := emu.waitLog("", func(l map[string]any) bool {
		s, _ := l["err"].(string)
		return l["message"] == "startup failed" && strings.Contains(s, "themes.dark.accent")
	}); !ok {
		t.Errorf("no startup failure naming themes.dark.accent in the function's log")
	}
	// The emulator reports how the process ended a moment after the log line.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(emu.output(), "exit status 2") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(emu.output(), "exit status 2") {
		t.Errorf("the emulator does not report exit status 2:\n%s", tail(emu.output(), 2000))
	}
}
