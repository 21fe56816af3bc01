// Package apigw adapts an http.Handler to Lambda events in the HTTP API payload
// format 2.0, which both API Gateway HTTP APIs and Lambda function URLs send. It uses
// aws-lambda-go-api-proxy for the conversion and answers events that cannot become
// an http.Request with a 400 of its own instead of the library's 504.
package apigw

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// Handler is a Lambda handler for HTTP API (payload 2.0) and function URL events.
type Handler func(ctx context.Context, event events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// New adapts h. Binary responses (images) come back base64-encoded, as API Gateway
// and function URLs expect; text stays text.
func New(h http.Handler, log *slog.Logger) Handler {
	adapter := httpadapter.NewV2(h)
	return func(ctx context.Context, event events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		// The query goes to the handler as the client sent it, never parsed here: a
		// parameter the handler does not read (a stray NUL, a '#') must not fail or
		// cut the request (see httpapi's singleQuery).
		rawQuery := event.RawQueryString
		if rawQuery == "" && len(event.QueryStringParameters) > 0 {
			rawQuery = encodeQuery(event.QueryStringParameters)
		}
		event.RawQueryString, event.QueryStringParameters = "", nil
		req, err := adapter.EventToRequestWithContext(ctx, event)
		if err != nil {
			// A path or query no http.Request can hold: the client's mistake.
			log.WarnContext(ctx, "event is not a valid HTTP request", "path", truncate(event.RawPath, 200), "err", err)
			return events.APIGatewayV2HTTPResponse{
				StatusCode: http.StatusBadRequest,
				Headers: map[string]string{
					"Content-Type":           "application/json; charset=utf-8",
					"X-Content-Type-Options": "nosniff",
					"Cache-Control":          "no-store",
				},
				Body: `{"error":"malformed request URL"}` + "\n",
			}, nil
		}
		req.URL.RawQuery = rawQuery
		req.RequestURI = req.URL.RequestURI()
		// API Gateway and function URLs answer HTTPS only (TLS ends at AWS), at the
		// domain the event reports: the request's Host and scheme, which the handler
		// builds links from when no public URL is set.
		req.Host = event.RequestContext.DomainName
		req.TLS = &tls.ConnectionState{HandshakeComplete: true, ServerName: event.RequestContext.DomainName}
		w := core.NewProxyResponseWriterV2()
		h.ServeHTTP(w, req)
		return w.GetProxyResponse()
	}
}

// encodeQuery rebuilds a query string from the parsed parameters, for events that
// carry only those (payload 1.0 style tests and tools); keys in sorted order.
func encodeQuery(params map[string]string) string {
	v := url.Values{}
	for k, p := range params {
		v.Set(k, p)
	}
	return v.Encode()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
