package infra_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aws/aws-lambda-go/events"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/published"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/dataset"
	"github.com/factcard/factcard/functions/storage/s3store"
	"github.com/factcard/factcard/functions/testsupport/s3server"
	"github.com/factcard/factcard/render"
)

// Fixture facts in the scripts whose faces the bootstraps do not embed: sample
// text for the tests, attributed to a fictional speaker, never a quote of
// anyone, and never in facts/dataset.json.
var worldFixtures = []struct{ id, lang, quote string }{
	{"fixture-zh-hans", "zh-Hans", "这是为卡片准备的测试句子，不是任何人的引语"},
	{"fixture-ja", "ja", "これはカード用のテスト文で、誰の発言でもありません"},
	{"fixture-th", "th", "นี่คือประโยคทดสอบสำหรับการ์ด ไม่ใช่คำพูดของใคร"},
}

// publishWorldFixtures publishes the world fixtures, with a generated source
// document that holds them, and returns the dataset and its URL.
func publishWorldFixtures(t *testing.T, srv *s3server.Server, bucket string) (*facts.Dataset, dataset.URL) {
	t.Helper()
	const (
		name     = "Fixture Speaker"
		role     = "Test fixture, not a quote of anyone"
		said     = "12 May 2025"
		headline = "Render test fixture (not a real source)"
	)
	doc := "Generated test document, not a source. " + headline + ".\n"
	type fileFact struct {
		ID       string            `json:"id"`
		Quote    string            `json:"quote"`
		Fragment bool              `json:"fragment"`
		Context  map[string]string `json:"context"`
		Language string            `json:"language"`
		Speaker  map[string]string `json:"speaker"`
		Said     map[string]string `json:"said"`
		Medium   string            `json:"medium"`
		Source   string            `json:"source"`
	}
	var ff []fileFact
	for _, f := range worldFixtures {
		doc += fmt.Sprintf("%s, %s, on %s said: %s (end of fixture)\n", name, role, said, f.quote)
		// Each quote runs on into "(end of fixture)" in the document, without a
		// full stop: a fragment there, with its context.
		ff = append(ff, fileFact{f.id, f.quote, true, map[string]string{"before": "said:", "after": "(end of fixture)"}, f.lang, map[string]string{"name": name, "role": role},
			map[string]string{"value": "2025-05-12", "precision": "stated", "as_given": said}, "statement", "fixture-source"})
	}
	file := map[string]any{
		"facts": ff,
		"sources": []map[string]any{{
			"id": "fixture-source", "document": "fixture.txt", "sha256": facts.DocumentSHA256([]byte(doc)),
			"headline": headline, "unknown": []string{facts.UnknownPublisher, facts.UnknownURL},
			"published": map[string]string{"precision": "unknown"},
			"retrieved": map[string]string{"value": "2025-05-12", "precision": "stated"},
		}},
	}
	data, err := json.Marshal(file)
	if err != nil {
		t.Fatal(err)
	}
	docs := fstest.MapFS{"fixture.txt": &fstest.MapFile{Data: []byte(doc)}}
	d, err := facts.Load(bytes.NewReader(data), docs)
	if err != nil {
		t.Fatalf("load the fixture dataset: %v", err)
	}
	b, err := published.Pack(d, docs)
	if err != nil {
		t.Fatal(err)
	}
	res, err := dataset.Publish(context.Background(), s3store.New(srv.Client(t), bucket, ""), dataset.DefaultRoot, b)
	if err != nil {
		t.Fatal(err)
	}
	return d, dataset.URL{Bucket: bucket, Root: dataset.DefaultRoot, Version: res.Version}
}

// fontsLayer builds the fonts layer as sam build does (make build-FontsLayer)
// into a temporary folder and returns its fonts/ folder, as Lambda would unpack
// it at /opt/fonts.
func fontsLayer(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not on PATH: the fonts layer cannot be built as sam build builds it")
	}
	dir := t.TempDir()
	cmd := exec.Command("make", "-s", "build-FontsLayer", "ARTIFACTS_DIR="+dir)
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make build-FontsLayer: %v\n%s", err, out)
	}
	return filepath.Join(dir, "fonts")
}

// TestWorldFontsOnLambda runs both bootstraps under the emulator with the fonts
// layer built by the Makefile (FACTCARD_FONTS pointing at it, as /opt/fonts on
// Lambda): the api function serves Chinese, Japanese and Thai cards whose bytes
// are those this process renders from the checkout's fonts, and the generate
// function stores them. Without the layer, the api function starts, says so in
// its log, and answers those cards with a 500.
func TestWorldFontsOnLambda(t *testing.T) {
	rie := rieBinary(t)
	layer := fontsLayer(t)
	if err := render.UseFonts(os.DirFS("../render/fonts/world")); err != nil {
		t.Fatal(err)
	}
	srv := s3server.Start(t)
	d, u := publishWorldFixtures(t, srv, srv.CreateBucket(t, ""))

	t.Run("api", func(t *testing.T) {
		emu := startEmulator(t, "api", rie, bootstrap(t, "api"),
			append(srv.Env(), "FACTCARD_BUCKET="+srv.CreateBucket(t, ""), "FACTCARD_DATASET="+u.String(), "FACTCARD_FONTS="+layer))
		for _, f := range worldFixtures {
			inv := emu.invoke(t, apiEvent(t, "api-card.json", "/cards/"+f.id+".png", ""))
			var resp events.APIGatewayV2HTTPResponse
			if err := json.Unmarshal(inv.body, &resp); err != nil {
				t.Fatalf("%s: %v: %s", f.id, err, tail(string(inv.body), 300))
			}
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET /cards/%s.png: %d, want 200: %s", f.id, resp.StatusCode, resp.Body)
				continue
			}
			got := decodeBody(t, resp)
			fact, ok := d.Lookup(f.id)
			if !ok {
				t.Fatalf("no fact %s in the fixture dataset", f.id)
			}
			var want bytes.Buffer
			if err := render.Render(&want, fact, render.Options{}); err != nil {
				t.Fatalf("render %s here: %v", f.id, err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("%s: the Lambda card (%d bytes) differs from the card rendered here (%d bytes)", f.id, len(got), want.Len())
			}
		}
	})

	t.Run("generate", func(t *testing.T) {
		bucket := srv.CreateBucket(t, "")
		emu := startEmulator(t, "generate", rie, bootstrap(t, "generate"),
			append(srv.Env(), "FACTCARD_BUCKET="+bucket, "FACTCARD_DATASET="+u.String(), "FACTCARD_FONTS="+layer))
		var ids []string
		for _, f := range worldFixtures {
			ids = append(ids, f.id)
		}
		ev, _ := json.Marshal(map[string][]string{"ids": ids, "sizes": {"og", "story"}, "themes": {"dark"}})
		inv := emu.invoke(t, ev)
		var report cards.GenerateReport
		if err := json.Unmarshal(inv.body, &report); err != nil {
			t.Fatalf("generate: %v: %s", err, tail(string(inv.body), 300))
		}
		if report.Rendered != 2*len(ids) || len(report.Failed) != 0 {
			t.Errorf("generate: rendered %d, failed %+v; want %d and none", report.Rendered, report.Failed, 2*len(ids))
		}
	})

	t.Run("no fonts folder", func(t *testing.T) {
		emu := startEmulator(t, "api", rie, bootstrap(t, "api"),
			append(srv.Env(), "FACTCARD_BUCKET="+srv.CreateBucket(t, ""), "FACTCARD_DATASET="+u.String()))
		status, _ := apiCall(t, emu, apiEvent(t, "api-card.json", "/cards/"+worldFixtures[0].id+".png", ""))
		if status != http.StatusInternalServerError {
			t.Errorf("GET a Chinese card without fonts: %d, want 500", status)
		}
		if _, ok := emu.waitLog("", func(l map[string]any) bool {
			m, _ := l["message"].(string)
			return l["level"] == "WARN" && strings.HasPrefix(m, "no fonts folder")
		}); !ok {
			t.Error("no WARN log line \"no fonts folder\" at start")
		}
	})
}
