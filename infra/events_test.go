package infra_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/factcard/factcard/functions/cards"
)

// TestEvents checks the sample events in events/ that `sam local invoke -e` and
// the emulator tests use. Each api-*.json must decode strictly (no unknown or
// misspelt field) as an HTTP API payload 2.0 event, agree with itself the way
// API Gateway's events do, and be routed by a route of the template (function URL
// events by $default); each generate-*.json must decode strictly as a
// cards.GenerateRequest.
func TestEvents(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("events", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("events/*.json = %v, %v; want the sample events", files, err)
	}
	tpl := loadTemplate(t)
	routes := tpl.httpRoutes(t)
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			switch {
			case strings.HasPrefix(name, "api-"):
				var ev events.APIGatewayV2HTTPRequest
				decodeStrict(t, file, &ev)
				checkAPIEvent(t, name, ev, routes)
			case strings.HasPrefix(name, "generate-"):
				var req cards.GenerateRequest
				decodeStrict(t, file, &req)
			default:
				t.Errorf("%s: want api-*.json (an HTTP API event) or generate-*.json (a generate request)", file)
			}
		})
	}
}

// decodeStrict decodes the one JSON value in file into v, rejecting unknown fields
// and trailing data.
func decodeStrict(t *testing.T, file string, v any) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s as %T: %v", file, v, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		t.Fatalf("%s: data after the event (%v)", file, err)
	}
}

// checkAPIEvent checks that an HTTP API event agrees with itself and the template.
func checkAPIEvent(t *testing.T, name string, ev events.APIGatewayV2HTTPRequest, routes []httpRoute) {
	t.Helper()
	rc := ev.RequestContext
	if ev.Version != "2.0" {
		t.Errorf("version = %q, want 2.0", ev.Version)
	}
	if m := rc.HTTP.Method; m == "" || m != strings.ToUpper(m) {
		t.Errorf("requestContext.http.method = %q, want an upper-case method", m)
	}
	if !strings.HasPrefix(ev.RawPath, "/") || ev.RawPath != rc.HTTP.Path {
		t.Errorf("rawPath = %q, requestContext.http.path = %q; want the same absolute path", ev.RawPath, rc.HTTP.Path)
	}
	if host := ev.Headers["host"]; host == "" || host != rc.DomainName {
		t.Errorf("headers.host = %q, requestContext.domainName = %q; want the same host", host, rc.DomainName)
	}
	if ev.RouteKey != rc.RouteKey {
		t.Errorf("routeKey = %q, requestContext.routeKey = %q; want the same", ev.RouteKey, rc.RouteKey)
	}

	// API Gateway decodes queryStringParameters and joins repeated ones with commas.
	q, err := url.ParseQuery(ev.RawQueryString)
	if err != nil {
		t.Errorf("rawQueryString %q: %v", ev.RawQueryString, err)
	}
	want := map[string]string{}
	for k, vs := range q {
		want[k] = strings.Join(vs, ",")
	}
	if got := ev.QueryStringParameters; !maps.Equal(got, want) && (len(got) > 0 || len(want) > 0) {
		t.Errorf("queryStringParameters = %q, want %q (rawQueryString %q, decoded)", got, want, ev.RawQueryString)
	}

	if strings.Contains(name, "function-url") {
		if ev.RouteKey != "$default" || len(ev.PathParameters) > 0 {
			t.Errorf("function URL event: routeKey = %q, pathParameters = %q; want $default and none", ev.RouteKey, ev.PathParameters)
		}
		return
	}
	method, path, _ := strings.Cut(ev.RouteKey, " ")
	i := slices.IndexFunc(routes, func(rt httpRoute) bool { return rt.method == method && rt.path == path })
	if i < 0 {
		t.Errorf("routeKey %q is not a route of %s", ev.RouteKey, templateFile)
		return
	}
	params, ok := matchRoute(path, ev.RawPath)
	if !ok {
		t.Errorf("routeKey %q does not match rawPath %q", ev.RouteKey, ev.RawPath)
	}
	if got := ev.PathParameters; !maps.Equal(got, params) && (len(got) > 0 || len(params) > 0) {
		t.Errorf("pathParameters = %q, want %q from route %s and path %s", got, params, path, ev.RawPath)
	}
}

// matchRoute matches a concrete path against an API Gateway route path and
// returns the path parameters: {name} takes one segment, {name+} the rest.
func matchRoute(route, path string) (map[string]string, bool) {
	rs, ps := strings.Split(route, "/"), strings.Split(path, "/")
	params := map[string]string{}
	for i, seg := range rs {
		isParam, greedy := param(seg)
		switch {
		case greedy:
			rest := strings.Join(ps[min(i, len(ps)):], "/")
			params[strings.Trim(seg, "{+}")] = rest
			return params, rest != ""
		case i >= len(ps):
			return nil, false
		case isParam:
			if ps[i] == "" {
				return nil, false
			}
			params[strings.Trim(seg, "{}")] = ps[i]
		case seg != ps[i]:
			return nil, false
		}
	}
	return params, len(rs) == len(ps)
}
