package infra_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"image"
	_ "image/jpeg" // decode JPEG cards
	_ "image/png"  // decode PNG cards
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/testsupport/s3server"
)

// cardDims are the pixel sizes of the cards, by size name (DESIGN.md, "Cards").
var cardDims = map[string]image.Point{
	"og":       {1200, 630},
	"square":   {1080, 1080},
	"portrait": {1080, 1350},
	"story":    {1080, 1920},
}

// cardThemes are the themes every fact is stored in by generate.
var cardThemes = []string{"dark", "light"}

// etagPattern is a card's strong ETag: its content hash.
var etagPattern = regexp.MustCompile(`^"([0-9a-f]{16})"$`)

// apiCase is what the api function must answer to one event of events/.
type apiCase struct {
	event        string
	status       int
	contentType  string // the media type, without parameters
	cacheControl string // "" to not check
	card         string // a card's size: the body is that image
	format       string // the card's image format: png or jpeg
	head         bool   // a HEAD request: no body
	check        func(t *testing.T, ev events.APIGatewayV2HTTPRequest, resp events.APIGatewayV2HTTPResponse)
}

// apiCases covers every api-*.json event; TestAPIFunction fails if an event has no
// case, so a new event file comes with its expectations.
var apiCases = []apiCase{
	{event: "api-card.json", status: 200, contentType: "image/png", cacheControl: "public, max-age=300", card: "og", format: "png"},
	{event: "api-card-head.json", status: 200, contentType: "image/png", cacheControl: "public, max-age=300", card: "square", format: "png", head: true},
	{event: "api-card-story-light-jpg.json", status: 200, contentType: "image/jpeg", card: "story", format: "jpeg"},
	{event: "api-function-url-card.json", status: 200, contentType: "image/png", card: "portrait", format: "png"},
	{event: "api-facts.json", status: 200, contentType: "application/json", check: checkFacts},
	{event: "api-fact.json", status: 200, contentType: "application/json", check: checkFact},
	{event: "api-share.json", status: 200, contentType: "text/html", check: checkSharePage},
	{event: "api-function-url-share.json", status: 200, contentType: "text/html", check: checkSharePage},
	{event: "api-oembed.json", status: 200, contentType: "application/json", check: checkOEmbed},
	{event: "api-healthz.json", status: 200, contentType: "application/json", cacheControl: "no-store", check: checkHealthz},
	{event: "api-index.json", status: 200, contentType: "text/html", check: bodyContains("<html")},
	{event: "api-error-unknown-id.json", status: 404, contentType: "application/json", cacheControl: "no-store"},
	{event: "api-error-bad-size.json", status: 400, contentType: "application/json", cacheControl: "no-store",
		check: bodyContains("huge", "og", "square", "portrait", "story")},
	{event: "api-error-method-not-allowed.json", status: 405, contentType: "application/json", cacheControl: "no-store", check: checkAllow},
	{event: "api-error-no-route.json", status: 404, contentType: "application/json", cacheControl: "no-store"},
}

// storedCard is a card an event should have stored, and what the API served.
type storedCard struct {
	event, key, contentType string
	body                    []byte // nil for HEAD
}

// TestAPIFunction runs the api bootstrap under the Lambda Runtime Interface
// Emulator with its S3 store on a loopback versitygw, invokes it with every
// api-*.json event, and checks the answers, the stored cards and the logs.
func TestAPIFunction(t *testing.T) {
	rie := rieBinary(t)
	srv := s3server.Start(t)
	bucket := srv.CreateBucket(t, "")
	emu := startEmulator(t, "api", rie, bootstrap(t, "api"), append(srv.Env(), "FACTCARD_BUCKET="+bucket))

	files, _ := filepath.Glob(filepath.Join("events", "api-*.json"))
	for _, f := range files {
		if !slices.ContainsFunc(apiCases, func(c apiCase) bool { return c.event == filepath.Base(f) }) {
			t.Errorf("%s has no case in apiCases: say what the api function must answer to it", f)
		}
	}

	var stored []storedCard
	for _, c := range apiCases {
		t.Run(strings.TrimSuffix(c.event, ".json"), func(t *testing.T) {
			ev := readAPIEvent(t, c.event)
			var resp events.APIGatewayV2HTTPResponse
			inv := emu.invokeJSON(t, c.event, &resp)
			checkResponse(t, c, resp)
			if c.check != nil {
				c.check(t, ev, resp)
			}
			if c.card != "" && resp.StatusCode == http.StatusOK {
				stored = append(stored, expectStored(t, c, ev, resp))
			}
			if c.event == "api-healthz.json" {
				checkRequestLog(t, emu, inv.requestID, ev.RequestContext.HTTP.Method, ev.RawPath, c.status)
			}
		})
	}

	t.Run("cards-in-bucket", func(t *testing.T) {
		if len(stored) == 0 {
			t.Fatal("no card was served, so none can be checked in the bucket")
		}
		checkStoredCards(t, srv.Client(t), bucket, stored)
	})

	t.Run("card-from-store", func(t *testing.T) {
		// The first api-card.json invoke rendered and stored the card; this one reads it back.
		i := slices.IndexFunc(stored, func(s storedCard) bool { return s.event == "api-card.json" })
		if i < 0 {
			t.Fatal("api-card.json served no card")
		}
		var resp events.APIGatewayV2HTTPResponse
		emu.invokeJSON(t, "api-card.json", &resp)
		if got := header(resp, "X-Card-Source"); got != "store" {
			t.Errorf("second api-card.json: X-Card-Source = %q, want store (read back from S3)", got)
		}
		if body := decodeBody(t, resp); !bytes.Equal(body, stored[i].body) {
			t.Errorf("second api-card.json: body differs from the first (%d bytes, want %d)", len(body), len(stored[i].body))
		}
	})
}

// readAPIEvent reads and decodes an HTTP API event from events/.
func readAPIEvent(t *testing.T, name string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	var ev events.APIGatewayV2HTTPRequest
	data, err := os.ReadFile(filepath.Join("events", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return ev
}

// header returns a response header, matching its name in any case, as API
// Gateway does.
func header(resp events.APIGatewayV2HTTPResponse, name string) string {
	for k, v := range resp.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// decodeBody returns the response body, base64-decoded if it says so.
func decodeBody(t *testing.T, resp events.APIGatewayV2HTTPResponse) []byte {
	t.Helper()
	if !resp.IsBase64Encoded {
		return []byte(resp.Body)
	}
	b, err := base64.StdEncoding.DecodeString(resp.Body)
	if err != nil {
		t.Fatalf("isBase64Encoded body does not decode: %v", err)
	}
	return b
}

// checkResponse checks what every answer of the case must have.
func checkResponse(t *testing.T, c apiCase, resp events.APIGatewayV2HTTPResponse) {
	t.Helper()
	if resp.StatusCode != c.status {
		t.Errorf("statusCode = %d, want %d; body %q", resp.StatusCode, c.status, tail(resp.Body, 300))
	}
	ct := header(resp, "Content-Type")
	if mt, _, _ := strings.Cut(ct, ";"); mt != c.contentType {
		t.Errorf("Content-Type = %q, want %s", ct, c.contentType)
	}
	if got := header(resp, "X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
	if got := header(resp, "Cache-Control"); c.cacheControl != "" && got != c.cacheControl {
		t.Errorf("Cache-Control = %q, want %q", got, c.cacheControl)
	}
	if c.status >= 400 {
		checkErrorBody(t, resp)
		return
	}
	if c.card == "" {
		if resp.IsBase64Encoded {
			t.Errorf("isBase64Encoded = true for %s, want text", ct)
		}
		return
	}
	// A card.
	if etag := header(resp, "ETag"); !etagPattern.MatchString(etag) {
		t.Errorf("ETag = %q, want a quoted 16-digit hex hash", etag)
	}
	if cc := header(resp, "Cache-Control"); !strings.HasPrefix(cc, "public, max-age=") {
		t.Errorf("Cache-Control = %q, want public with a max-age", cc)
	}
	if c.head {
		if resp.Body != "" || resp.IsBase64Encoded {
			t.Errorf("HEAD: body = %d bytes, isBase64Encoded = %v; want no body", len(resp.Body), resp.IsBase64Encoded)
		}
		if n, err := strconv.Atoi(header(resp, "Content-Length")); err != nil || n <= 0 {
			t.Errorf("HEAD: Content-Length = %q, want the card's size", header(resp, "Content-Length"))
		}
		return
	}
	if !resp.IsBase64Encoded {
		t.Fatalf("isBase64Encoded = false for a %s card, want true (API Gateway decodes it)", c.format)
	}
	body := decodeBody(t, resp)
	img, format, err := image.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("card does not decode as an image: %v", err)
	}
	if format != c.format {
		t.Errorf("card format = %s, want %s", format, c.format)
	}
	if got, want := img.Bounds().Size(), cardDims[c.card]; got != want {
		t.Errorf("%s card is %dx%d, want %dx%d", c.card, got.X, got.Y, want.X, want.Y)
	}
	if got := header(resp, "Content-Length"); got != strconv.Itoa(len(body)) {
		t.Errorf("Content-Length = %q, want %d (the decoded body)", got, len(body))
	}
}

// checkErrorBody checks an error answer: JSON {"error": "..."} and nothing else.
func checkErrorBody(t *testing.T, resp events.APIGatewayV2HTTPResponse) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(resp.Body))
	dec.DisallowUnknownFields()
	var e struct {
		Error string `json:"error"`
	}
	if err := dec.Decode(&e); err != nil || e.Error == "" {
		t.Errorf("error body = %q (%v), want {\"error\": \"...\"}", resp.Body, err)
	}
	if resp.IsBase64Encoded {
		t.Error("isBase64Encoded = true for a JSON error")
	}
}

// bodyContains returns a check that the body holds each string.
func bodyContains(subs ...string) func(*testing.T, events.APIGatewayV2HTTPRequest, events.APIGatewayV2HTTPResponse) {
	return func(t *testing.T, _ events.APIGatewayV2HTTPRequest, resp events.APIGatewayV2HTTPResponse) {
		t.Helper()
		for _, s := range subs {
			if !strings.Contains(resp.Body, s) {
				t.Errorf("body %q does not contain %q", tail(resp.Body, 300), s)
			}
		}
	}
}

// checkAllow: a 405 lists the methods the route takes.
func checkAllow(t *testing.T, _ events.APIGatewayV2HTTPRequest, resp events.APIGatewayV2HTTPResponse) {
	t.Helper()
	allow := header(resp, "Allow")
	for _, m := range []string{"GET", "HEAD"} {
		if !slices.Contains(strings.Split(strings.ReplaceAll(allow, " ", ""), ","), m) {
			t.Errorf("Allow = %q, want it to list %s", allow, m)
		}
	}
}

// publicBase is the base URL the request was made to, as the API must use in
// absolute links: https and the request's domain.
func publicBase(ev events.APIGatewayV2HTTPRequest) string {
	return "https://" + ev.RequestContext.DomainName
}

// factJSON is the part of a fact in the API's JSON the tests read.
type factJSON struct {
	ID       string `json:"id"`
	ShareURL string `json:"share_url"`
	Cards    []struct {
		Size   string `json:"size"`
		Theme  string `json:"theme"`
		Width  int    `json:"width"`
		Height int    `json:"height"`
		URL    string `json:"url"`
	} `json:"cards"`
}

// checkFactJSON checks one fact's links: absolute, on the request's domain, one
// card per size and theme with its dimensions.
func checkFactJSON(t *testing.T, ev events.APIGatewayV2HTTPRequest, f factJSON) {
	t.Helper()
	base := publicBase(ev)
	if want := base + "/share/" + f.ID; f.ShareURL != want {
		t.Errorf("fact %s: share_url = %q, want %q", f.ID, f.ShareURL, want)
	}
	if got, want := len(f.Cards), len(cardDims)*len(cardThemes); got != want {
		t.Errorf("fact %s: %d cards, want %d (every size and theme)", f.ID, got, want)
	}
	for _, c := range f.Cards {
		if !strings.HasPrefix(c.URL, base+"/cards/"+f.ID) {
			t.Errorf("fact %s: card URL %q, want it under %s/cards/%s", f.ID, c.URL, base, f.ID)
		}
		if got, want := (image.Point{c.Width, c.Height}), cardDims[c.Size]; got != want {
			t.Errorf("fact %s: %s card is %v, want %v", f.ID, c.Size, got, want)
		}
	}
}

func checkFacts(t *testing.T, ev events.APIGatewayV2HTTPRequest, resp events.APIGatewayV2HTTPResponse) {
	t.Helper()
	var body struct {
		Facts []factJSON `json:"facts"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		t.Fatalf("decode /facts: %v", err)
	}
	if got, want := len(body.Facts), facts.Default().Len(); got != want {
		t.Errorf("/facts lists %d facts, want %d (the dataset)", got, want)
	}
	for _, f := range body.Facts {
		checkFactJSON(t, ev, f)
	}
}

func checkFact(t *testing.T, ev events.APIGatewayV2HTTPRequest, resp events.APIGatewayV2HTTPResponse) {
	t.Helper()
	var f factJSON
	if err := json.Unmarshal([]byte(resp.Body), &f); err != nil {
		t.Fatalf("decode fact: %v", err)
	}
	if want := ev.PathParameters["id"]; f.ID != want {
		t.Errorf("fact id = %q, want %q", f.ID, want)
	}
	checkFactJSON(t, ev, f)
}

// ogImage finds the og:image of a page.
var ogImage = regexp.MustCompile(`<meta\s+property="og:image"\s+content="([^"]*)"`)

// checkSharePage: the page's og:image is the card's absolute URL on the domain
// the request came to.
func checkSharePage(t *testing.T, ev events.APIGatewayV2HTTPRequest, resp events.APIGatewayV2HTTPResponse) {
	t.Helper()
	m := ogImage.FindStringSubmatch(resp.Body)
	if m == nil {
		t.Fatalf("share page has no og:image meta tag:\n%s", tail(resp.Body, 1000))
	}
	id := strings.TrimPrefix(ev.RawPath, "/share/")
	if got, want := html.UnescapeString(m[1]), publicBase(ev)+"/cards/"+id; !strings.HasPrefix(got, want) {
		t.Errorf("og:image = %q, want the card under %s", got, want)
	}
}

func checkOEmbed(t *testing.T, ev events.APIGatewayV2HTTPRequest, resp events.APIGatewayV2HTTPResponse) {
	t.Helper()
	var o struct {
		Version      string `json:"version"`
		Type         string `json:"type"`
		HTML         string `json:"html"`
		Width        int    `json:"width"`
		Height       int    `json:"height"`
		ThumbnailURL string `json:"thumbnail_url"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &o); err != nil {
		t.Fatalf("decode oEmbed: %v", err)
	}
	if o.Version != "1.0" || o.Type != "rich" {
		t.Errorf("oEmbed version %q type %q, want 1.0 rich", o.Version, o.Type)
	}
	if !strings.HasPrefix(o.ThumbnailURL, publicBase(ev)+"/cards/") || !strings.Contains(o.HTML, `src="`+o.ThumbnailURL+`"`) {
		t.Errorf("oEmbed thumbnail_url = %q and html %q, want the html to show a card under %s/cards/", o.ThumbnailURL, o.HTML, publicBase(ev))
	}
	maxWidth, _ := strconv.Atoi(ev.QueryStringParameters["maxwidth"])
	if o.Width <= 0 || o.Height <= 0 || (maxWidth > 0 && o.Width > maxWidth) {
		t.Errorf("oEmbed size %dx%d, want positive and at most maxwidth %d wide", o.Width, o.Height, maxWidth)
	}
}

func checkHealthz(t *testing.T, _ events.APIGatewayV2HTTPRequest, resp events.APIGatewayV2HTTPResponse) {
	t.Helper()
	var h struct {
		Status  string `json:"status"`
		Facts   int    `json:"facts"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &h); err != nil {
		t.Fatalf("decode healthz: %v", err)
	}
	if want := facts.Default().Len(); h.Status != "ok" || h.Facts != want || h.Version != testVersion {
		t.Errorf("healthz = %+v, want status ok, %d facts, version %s (from -ldflags)", h, want, testVersion)
	}
}

// checkRequestLog: the function logged the request as a JSON line carrying the
// invocation's request ID (lambdacontext's logger under AWS_LAMBDA_LOG_FORMAT=JSON).
func checkRequestLog(t *testing.T, emu *emulator, requestID, method, path string, status int) {
	t.Helper()
	line, ok := emu.waitLog(requestID, func(l map[string]any) bool { return l["message"] == "request" })
	if !ok {
		t.Errorf("no JSON log line with message \"request\" and requestId %s in the function's output", requestID)
		return
	}
	if line["method"] != method || line["path"] != path || line["status"] != float64(status) || line["level"] != "INFO" {
		t.Errorf("request log line = %v, want level INFO, method %s, path %s, status %d", line, method, path, status)
	}
}

// expectStored returns the card a card event must have stored:
// cards/<id>/<size>-<theme>-<hash>.<ext>, the hash being the ETag.
func expectStored(t *testing.T, c apiCase, ev events.APIGatewayV2HTTPRequest, resp events.APIGatewayV2HTTPResponse) storedCard {
	t.Helper()
	file := strings.TrimPrefix(ev.RawPath, "/cards/")
	id := strings.TrimSuffix(strings.TrimSuffix(file, ".png"), ".jpg")
	q, _ := url.ParseQuery(ev.RawQueryString)
	theme := cmp.Or(q.Get("theme"), "dark")
	ext := map[string]string{"png": "png", "jpeg": "jpg"}[c.format]
	var hash string
	if m := etagPattern.FindStringSubmatch(header(resp, "ETag")); m != nil {
		hash = m[1]
	}
	s := storedCard{
		event:       c.event,
		key:         fmt.Sprintf("%s%s/%s-%s-%s.%s", cards.KeyPrefix(), id, c.card, theme, hash, ext),
		contentType: c.contentType,
	}
	if !c.head {
		s.body = decodeBody(t, resp)
	}
	return s
}

// checkStoredCards: each served card is in the bucket under its key, with its
// content type and the bytes that were served; nothing else is there.
func checkStoredCards(t *testing.T, client *s3.Client, bucket string, want []storedCard) {
	t.Helper()
	ctx := context.Background()
	keys := listKeys(t, client, bucket, "")
	for _, s := range want {
		if !slices.Contains(keys, s.key) {
			t.Errorf("%s: no object %s in the bucket; have %q", s.event, s.key, keys)
			continue
		}
		head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String(s.key)})
		if err != nil {
			t.Errorf("%s: head %s: %v", s.event, s.key, err)
			continue
		}
		if got := aws.ToString(head.ContentType); got != s.contentType {
			t.Errorf("%s: %s has Content-Type %q, want %q", s.event, s.key, got, s.contentType)
		}
		if s.body != nil && aws.ToInt64(head.ContentLength) != int64(len(s.body)) {
			t.Errorf("%s: %s is %d bytes, but %d were served", s.event, s.key, aws.ToInt64(head.ContentLength), len(s.body))
		}
	}
	for _, k := range keys {
		if !slices.ContainsFunc(want, func(s storedCard) bool { return s.key == k }) {
			t.Errorf("unexpected object %s in the bucket", k)
		}
	}
}

// listKeys lists every key in the bucket under prefix, sorted.
func listKeys(t *testing.T, client *s3.Client, bucket, prefix string) []string {
	t.Helper()
	var keys []string
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("list %s/%s: %v", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	slices.Sort(keys)
	return keys
}

// cardKey matches a stored PNG card's key: cards/r<renderer>/<id>/<size>-<theme>-<hash>.png.
var cardKey = regexp.MustCompile(`^cards/r[0-9]+/([a-z0-9-]+)/([a-z]+)-([a-z]+)-[0-9a-f]{16}\.png$`)

// TestGenerateFunction runs the generate bootstrap under the emulator against a
// loopback versitygw: it stores what is asked once, skips it the second time,
// lists unknown IDs and sizes as failures, and with an empty request stores every
// card of the dataset.
func TestGenerateFunction(t *testing.T) {
	rie := rieBinary(t)
	srv := s3server.Start(t)
	bucket := srv.CreateBucket(t, "")
	client := srv.Client(t)
	emu := startEmulator(t, "generate", rie, bootstrap(t, "generate"), append(srv.Env(), "FACTCARD_BUCKET="+bucket))
	total := facts.Default().Len() * len(cardDims) * len(cardThemes)

	type failure struct{ id, size, theme string }
	for _, c := range []struct {
		name              string
		event             string
		rendered, skipped int
		failed            []failure
		check             func(t *testing.T)
		errorMentions     map[failure]string
	}{
		{name: "one", event: "generate-one.json", rendered: 1, check: func(t *testing.T) {
			keys := listKeys(t, client, bucket, cards.KeyPrefix()+"rubio-methods-to-de-escalate/og-dark-")
			if len(keys) != 1 {
				t.Errorf("og dark card of rubio-methods-to-de-escalate: objects %q, want one", keys)
			}
		}},
		{name: "one-again", event: "generate-one.json", skipped: 1},
		{name: "unknown", event: "generate-unknown.json", skipped: 1,
			failed: []failure{{"no-such-fact", "huge", "dark"}, {"no-such-fact", "og", "dark"}, {"rubio-methods-to-de-escalate", "huge", "dark"}},
			errorMentions: map[failure]string{
				{"no-such-fact", "og", "dark"}:                   "no-such-fact",
				{"no-such-fact", "huge", "dark"}:                 "huge",
				{"rubio-methods-to-de-escalate", "huge", "dark"}: "huge",
			}},
		{name: "all", event: "generate-all.json", rendered: total - 1, skipped: 1, check: func(t *testing.T) {
			checkAllCards(t, client, bucket)
		}},
		{name: "all-again", event: "generate-all.json", skipped: total},
	} {
		t.Run(c.name, func(t *testing.T) {
			var report cards.GenerateReport
			emu.invokeJSON(t, c.event, &report)
			if report.Rendered != c.rendered || report.Skipped != c.skipped || report.Remaining != 0 {
				t.Errorf("%s: rendered %d, skipped %d, remaining %d; want %d, %d, 0",
					c.event, report.Rendered, report.Skipped, report.Remaining, c.rendered, c.skipped)
			}
			var got []failure
			for _, f := range report.Failed {
				ff := failure{f.ID, f.Size, f.Theme}
				got = append(got, ff)
				if want, ok := c.errorMentions[ff]; ok && !strings.Contains(f.Error, want) {
					t.Errorf("failure %v: error %q, want it to mention %q", ff, f.Error, want)
				}
			}
			if !slices.Equal(got, c.failed) {
				t.Errorf("%s: failed = %v, want %v (full: %+v)", c.event, got, c.failed, report.Failed)
			}
			if c.check != nil {
				c.check(t)
			}
		})
	}
}

// checkAllCards: the bucket holds one PNG card for every fact, size and theme.
func checkAllCards(t *testing.T, client *s3.Client, bucket string) {
	t.Helper()
	keys := listKeys(t, client, bucket, "cards/")
	have := map[string]string{}
	for _, k := range keys {
		m := cardKey.FindStringSubmatch(k)
		if m == nil {
			t.Errorf("object %s is not a PNG card key cards/r<renderer>/<id>/<size>-<theme>-<hash>.png", k)
			continue
		}
		have[m[1]+" "+m[2]+" "+m[3]] = k
	}
	for _, f := range facts.Default().All() {
		for size := range cardDims {
			for _, theme := range cardThemes {
				if _, ok := have[f.ID+" "+size+" "+theme]; !ok {
					t.Errorf("no %s %s card of %s in the bucket", size, theme, f.ID)
				}
			}
		}
	}
	if want := facts.Default().Len() * len(cardDims) * len(cardThemes); len(keys) != want {
		t.Errorf("bucket holds %d objects, want %d", len(keys), want)
	}
	for _, k := range keys[:min(len(keys), 3)] { // a sample: every put sets it the same way
		head, err := client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String(k)})
		if err != nil {
			t.Errorf("head %s: %v", k, err)
		} else if ct := aws.ToString(head.ContentType); ct != "image/png" {
			t.Errorf("%s: Content-Type %q, want image/png", k, ct)
		}
	}
}

// TestStartupFailure: a bootstrap without FACTCARD_BUCKET fails its init, as on
// Lambda it must (a directory store would vanish with the sandbox), the emulator
// answers the invocation with an error, and the function's log says what is
// missing.
func TestStartupFailure(t *testing.T) {
	rie := rieBinary(t)
	for _, c := range []struct{ function, event string }{
		{"api", "api-healthz.json"},
		{"generate", "generate-one.json"},
	} {
		t.Run(c.function, func(t *testing.T) {
			emu := startEmulator(t, c.function, rie, bootstrap(t, c.function), []string{"AWS_REGION=us-east-1"})
			payload, err := os.ReadFile(filepath.Join("events", c.event))
			if err != nil {
				t.Fatal(err)
			}
			inv := emu.invoke(t, payload)
			// aws-lambda-rie answers a failed init with 502 Bad Gateway.
			if inv.status != http.StatusBadGateway {
				t.Errorf("invoke without FACTCARD_BUCKET: emulator status %d, want 502 (init failed); body %q", inv.status, inv.body)
			}
			line, ok := emu.waitLog("", func(l map[string]any) bool {
				s, _ := l["err"].(string)
				return l["level"] == "ERROR" && strings.Contains(s, "FACTCARD_BUCKET")
			})
			if !ok {
				t.Fatalf("no ERROR log line naming FACTCARD_BUCKET in the function's output")
			}
			if line["message"] != "startup failed" {
				t.Errorf("startup error log line = %v, want message \"startup failed\"", line)
			}
		})
	}
}

// TestInvokeLatency measures invocations under the emulator: the first (cold: the
// process starts and runs its init) and the median of warm ones, for the api
// card and health events and the generate one-card event. It logs them; the only
// assertions are generous sanity bounds.
func TestInvokeLatency(t *testing.T) {
	rie := rieBinary(t)
	srv := s3server.Start(t)
	const warm = 10
	var rows []string
	for _, c := range []struct {
		name, function, event string
	}{
		{"api card (og png)", "api", "api-card.json"},
		{"api healthz", "api", "api-healthz.json"},
		{"generate one", "generate", "generate-one.json"},
	} {
		t.Run(c.event, func(t *testing.T) {
			bucket := srv.CreateBucket(t, "")
			emu := startEmulator(t, c.function, rie, bootstrap(t, c.function), append(srv.Env(), "FACTCARD_BUCKET="+bucket))
			var out any = new(events.APIGatewayV2HTTPResponse)
			if c.function == "generate" {
				out = new(cards.GenerateReport)
			}
			cold := emu.invokeJSON(t, c.event, out).elapsed
			times := make([]time.Duration, warm)
			for i := range times {
				times[i] = emu.invokeJSON(t, c.event, out).elapsed
			}
			slices.Sort(times)
			median := (times[warm/2-1] + times[warm/2]) / 2
			t.Logf("%s: cold %v, warm median %v (min %v, max %v, n=%d)", c.name, cold, median, times[0], times[warm-1], warm)
			rows = append(rows, fmt.Sprintf("| %-18s | %8.1f ms | %8.1f ms |", c.name, ms(cold), ms(median)))
			if cold > 20*time.Second || median > 5*time.Second {
				t.Errorf("%s: cold %v, warm median %v; want under 20s and 5s", c.name, cold, median)
			}
		})
	}
	t.Logf("invoke latency under aws-lambda-rie (%s/%s):\n| invoke             |    cold     | warm median |\n%s", runtime.GOOS, runtime.GOARCH, strings.Join(rows, "\n"))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
