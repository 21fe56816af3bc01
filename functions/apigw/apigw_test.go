package apigw

import (
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// echo answers with what the request looked like: binary for /bin, text otherwise.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/bin" {
		w.Header().Set("Content-Type", "image/png")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte{0x89, 'P', 'N', 'G', 0xff, 0x00})
		return
	}
	reqID := ""
	if lc, ok := lambdacontext.FromContext(r.Context()); ok {
		reqID = lc.AwsRequestID
	}
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("X-Seen", r.Method+" "+r.Host+" "+r.URL.RequestURI()+" "+r.Header.Get("X-Forwarded-Proto")+" "+reqID)
	w.WriteHeader(http.StatusTeapot)
	_, _ = w.Write([]byte("plain text"))
})

func event(method, rawPath, rawQuery string) events.APIGatewayV2HTTPRequest {
	return events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "$default", RawPath: rawPath, RawQueryString: rawQuery,
		Headers: map[string]string{"host": "abc.execute-api.us-east-1.amazonaws.com", "x-forwarded-proto": "https"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			DomainName: "abc.execute-api.us-east-1.amazonaws.com",
			HTTP:       events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: rawPath},
		},
	}
}

func TestAdapter(t *testing.T) {
	h := New(echo, slog.New(slog.DiscardHandler))
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})
	tests := []struct {
		name       string
		ev         events.APIGatewayV2HTTPRequest
		wantStatus int
		wantBase64 bool
		wantBody   string
		wantSeen   string
	}{
		{"text stays text", event("GET", "/hello", "a=1&b=%20"), 418, false, "plain text",
			"GET abc.execute-api.us-east-1.amazonaws.com /hello?a=1&b=%20 https req-1"},
		{"binary is base64", event("GET", "/bin", ""), 200, true, "\x89PNG\xff\x00", ""},
		{"method passes", event("DELETE", "/x", ""), 418, false, "plain text",
			"DELETE abc.execute-api.us-east-1.amazonaws.com /x https req-1"},
		{"malformed URL is a 400", event("GET", "/%zz", ""), 400, false, `{"error":"malformed request URL"}` + "\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := h(ctx, tt.ev)
			if err != nil {
				t.Fatalf("handler error %v; API Gateway would answer 502", err)
			}
			if resp.StatusCode != tt.wantStatus || resp.IsBase64Encoded != tt.wantBase64 {
				t.Fatalf("status %d base64 %v, want %d %v", resp.StatusCode, resp.IsBase64Encoded, tt.wantStatus, tt.wantBase64)
			}
			body := resp.Body
			if resp.IsBase64Encoded {
				b, err := base64.StdEncoding.DecodeString(resp.Body)
				if err != nil {
					t.Fatal(err)
				}
				body = string(b)
			}
			if body != tt.wantBody {
				t.Errorf("body = %q, want %q", body, tt.wantBody)
			}
			if got := resp.Headers["X-Seen"]; got != tt.wantSeen {
				t.Errorf("the handler saw %q, want %q", got, tt.wantSeen)
			}
		})
	}
}
