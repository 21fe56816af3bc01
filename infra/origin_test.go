package infra_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/factcard/factcard/functions/httpapi"
	"github.com/factcard/factcard/functions/testsupport/s3server"
)

// testOriginSecret is the origin secret the api function is given in these tests
// (on AWS the template generates one per stack).
const testOriginSecret = "fixture-origin-secret-0123456789abcdef"

// TestOriginHeaderOnLambda: the api function configured as the template configures
// it behind the CDN (forwarded headers trusted, an origin secret) answers only
// requests that carry the secret, as CloudFront adds it. A request straight to the
// execute-api origin, with or without a forged X-Forwarded-Host, gets a 403 that
// names no host; before issue 21 it got a share page linking to the forged host.
func TestOriginHeaderOnLambda(t *testing.T) {
	rie := rieBinary(t)
	srv := s3server.Start(t)
	bucket := srv.CreateBucket(t, "")
	env := append(srv.Env(), "FACTCARD_BUCKET="+bucket, "FACTCARD_TRUST_FORWARDED=1", "FACTCARD_ORIGIN_SECRET="+testOriginSecret)
	emu := startEmulator(t, "api", rie, bootstrap(t, "api"), env)

	tests := []struct {
		name    string
		headers map[string]string
		status  int
		host    string // the host the share page must link to, when it answers
	}{
		{"direct, forged X-Forwarded-Host", map[string]string{"x-forwarded-host": "evil.example"}, http.StatusForbidden, ""},
		{"direct, no forwarded host", nil, http.StatusForbidden, ""},
		{"wrong secret", map[string]string{strings.ToLower(httpapi.OriginHeader): "guess", "x-forwarded-host": "evil.example"}, http.StatusForbidden, ""},
		{"secret with a suffix", map[string]string{strings.ToLower(httpapi.OriginHeader): testOriginSecret + "x"}, http.StatusForbidden, ""},
		{"through the CDN", map[string]string{strings.ToLower(httpapi.OriginHeader): testOriginSecret, "x-forwarded-host": "cards.example.org"}, http.StatusOK, "cards.example.org"},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, " ", "_"), func(t *testing.T) {
			ev := readAPIEvent(t, "api-share.json")
			for k, v := range tt.headers {
				ev.Headers[k] = v
			}
			payload, err := json.Marshal(ev)
			if err != nil {
				t.Fatal(err)
			}
			inv := emu.invoke(t, payload)
			if inv.status != http.StatusOK {
				t.Fatalf("emulator status %d, want 200; body %q", inv.status, tail(string(inv.body), 300))
			}
			var resp events.APIGatewayV2HTTPResponse
			if err := json.Unmarshal(inv.body, &resp); err != nil {
				t.Fatalf("decode the answer: %v", err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %.300s", resp.StatusCode, tt.status, resp.Body)
			}
			body := string(decodeBody(t, resp))
			if strings.Contains(body, "evil.example") {
				t.Errorf("the answer names the forged host: %.300s", body)
			}
			if tt.host != "" && !strings.Contains(body, "https://"+tt.host+"/share/") {
				t.Errorf("the share page does not link to %s: %.300s", tt.host, body)
			}
			if strings.Contains(body, testOriginSecret) {
				t.Errorf("the answer shows the origin secret")
			}
		})
	}
	if strings.Contains(emu.output(), testOriginSecret) {
		t.Errorf("the function's log shows the origin secret")
	}
}
