package infra_test

// The template's functions: runtime, code, build targets, environment and
// parameters, and the HTTP routes.

import (
	"go/build"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/serverless"

	"github.com/factcard/factcard/functions/httpapi"
)

// What every function runs on (DESIGN.md, "Lambda functions").
const (
	wantRuntime = "provided.al2023"
	wantArch    = "arm64"
	wantHandler = "bootstrap"
)

// checkRuntime: every function runs provided.al2023 on arm64 with handler
// bootstrap, whether set in Globals or on the function.
func checkRuntime(r reporter, tpl *samTemplate) {
	g := tpl.globalFunction()
	names, fns := tpl.functions()
	for _, name := range names {
		fn := fns[name]
		runtime, from := effective(fn.Runtime, g.Runtime)
		if runtime != wantRuntime {
			r.Errorf("%s: Runtime = %q (%s), want %q", name, runtime, from, wantRuntime)
		}
		handler, from := effective(fn.Handler, g.Handler)
		if handler != wantHandler {
			r.Errorf("%s: Handler = %q (%s), want %q", name, handler, from, wantHandler)
		}
		arch, from := fn.Architectures, "set on the function"
		if len(arch) == 0 {
			arch, from = nil, "from Globals"
			if g.Architectures != nil {
				arch = *g.Architectures
			}
		}
		if !slices.Equal(arch, []string{wantArch}) {
			r.Errorf("%s: Architectures = %q (%s), want [%s]", name, arch, from, wantArch)
		}
	}
}

// effective returns a function's own setting if it has one, else the global one,
// and says which.
func effective(own, global *string) (string, string) {
	switch {
	case own != nil:
		return *own, "set on the function"
	case global != nil:
		return *global, "from Globals"
	}
	return "", "not set"
}

// checkCode: each function's CodeUri is a folder under functions/ holding a main
// package.
func checkCode(r reporter, tpl *samTemplate) {
	root := filepath.Dir(tpl.dir)
	names, fns := tpl.functions()
	for _, name := range names {
		uri := codeURI(fns[name])
		if uri == "" {
			r.Errorf("%s: CodeUri = %s, want a local folder such as ../functions/<name>", name, show(fns[name].CodeUri))
			continue
		}
		dir := filepath.Join(tpl.dir, uri)
		rel, err := filepath.Rel(root, dir)
		if rel = filepath.ToSlash(rel); err != nil || !strings.HasPrefix(rel, "functions/") {
			r.Errorf("%s: CodeUri %q is %s in the repository, want a folder under functions/", name, uri, rel)
		}
		pkg, err := build.ImportDir(dir, 0)
		if err != nil {
			r.Errorf("%s: CodeUri %q: %v", name, uri, err)
			continue
		}
		if pkg.Name != "main" {
			r.Errorf("%s: CodeUri %q holds package %s, want package main", name, uri, pkg.Name)
		}
	}
}

// codeURI returns a function's CodeUri when it is a local path, else "".
func codeURI(fn *serverless.Function) string {
	if fn.CodeUri == nil || fn.CodeUri.String == nil {
		return ""
	}
	return *fn.CodeUri.String
}

// makeRule matches a Makefile rule line and captures its targets; it skips
// special targets such as .PHONY and variable assignments (:=, ::=).
var makeRule = regexp.MustCompile(`(?m)^([^\s#.:=][^:#=]*)::?(?:[^=]|$)`)

// checkBuild: each function is built by `sam build` with BuildMethod makefile,
// and the Makefile that sam runs (in Metadata ContextPath, else in CodeUri) has
// its build-<LogicalId> target.
func checkBuild(r reporter, tpl *samTemplate) {
	names, fns := tpl.functions()
	for _, name := range names {
		md := fns[name].AWSCloudFormationMetadata
		if got, _ := md["BuildMethod"].(string); got != "makefile" {
			r.Errorf("%s: Metadata.BuildMethod = %q, want makefile", name, got)
			continue
		}
		dir := codeURI(fns[name])
		if cp, _ := md["ContextPath"].(string); cp != "" {
			dir = cp
		}
		makefile := filepath.Join(tpl.dir, dir, "Makefile")
		data, err := os.ReadFile(makefile)
		if err != nil {
			r.Errorf("%s: sam build runs make in %q: %v", name, dir, err)
			continue
		}
		target := "build-" + name
		var found bool
		for _, m := range makeRule.FindAllSubmatch(data, -1) {
			targets := strings.Fields(string(m[1]))
			found = found || slices.Contains(targets, target) || slices.Contains(targets, "build-%")
		}
		if !found {
			r.Errorf("%s: %s has no %s target for sam build", name, makefile, target)
		}
	}
}

// httpRoute is one HttpApi event of a function.
type httpRoute struct {
	function, event string
	method, path    string
	apiID           any
}

// httpRoutes returns every HttpApi event of every function.
func (tpl *samTemplate) httpRoutes(r reporter) []httpRoute {
	r.Helper()
	var out []httpRoute
	names, fns := tpl.functions()
	for _, name := range names {
		for _, ev := range slices.Sorted(maps.Keys(fns[name].Events)) {
			src := fns[name].Events[ev]
			if src.Type != "HttpApi" {
				continue
			}
			if src.Properties == nil || src.Properties.HttpApiEvent == nil {
				r.Errorf("%s: event %s: goformation could not read it as an HttpApi event", name, ev)
				continue
			}
			p := src.Properties.HttpApiEvent
			rt := httpRoute{function: name, event: ev, apiID: p.ApiId}
			if p.Method != nil {
				rt.method = strings.ToUpper(*p.Method)
			}
			if p.Path != nil {
				rt.path = *p.Path
			}
			if p.ApiId != nil {
				rt.apiID = *p.ApiId
			}
			out = append(out, rt)
		}
	}
	return out
}

// checkRoutes: every route of the handler (httpapi.Routes) has its own HttpApi
// route, for GET and HEAD, on the template's HTTP API; and a catch-all sends
// everything else to the handler, so unknown paths get its JSON errors.
func checkRoutes(r reporter, tpl *samTemplate) {
	routes := tpl.httpRoutes(r)
	apis := slices.Sorted(maps.Keys(tpl.GetAllServerlessHttpApiResources()))
	for _, rt := range routes {
		if !slices.ContainsFunc(apis, func(id string) bool { return refersTo(rt.apiID, id) }) {
			r.Errorf("%s: event %s: ApiId = %s, want a Ref to the template's HTTP API %v (without it SAM makes an implicit API that ApiURL does not name)",
				rt.function, rt.event, show(rt.apiID), apis)
		}
	}
	for _, line := range httpapi.Routes() {
		method, pattern, ok := strings.Cut(line, " ")
		if !ok {
			r.Errorf("httpapi.Routes() line %q: want \"METHOD /pattern\"", line)
			continue
		}
		want := []string{method}
		if method == "GET" {
			want = append(want, "HEAD") // the handler answers HEAD on every GET route
		}
		for _, m := range want {
			if !slices.ContainsFunc(routes, func(rt httpRoute) bool {
				return samePath(rt.path, pattern) && (rt.method == "ANY" || rt.method == m)
			}) {
				r.Errorf("handler route %s: no HttpApi event routes %s %s; add one with Path %q and Method ANY", line, m, pattern, pattern)
			}
		}
	}
	if !slices.ContainsFunc(routes, func(rt httpRoute) bool { return rt.path == "/{proxy+}" && rt.method == "ANY" }) {
		r.Errorf("no ANY /{proxy+} route: unknown paths would get API Gateway's 404, not the handler's JSON error")
	}
}

// samePath reports whether an API Gateway route path and a net/http pattern name
// the same paths: equal literal segments, a parameter where the other has one.
func samePath(route, pattern string) bool {
	pattern = strings.TrimSuffix(pattern, "{$}")
	a, b := strings.Split(route, "/"), strings.Split(pattern, "/")
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		pa, ga := param(a[i])
		pb, gb := param(b[i])
		if pa != pb || ga != gb || (!pa && a[i] != b[i]) {
			return false
		}
	}
	return true
}

// param reports whether a path segment is a parameter ({id}) and whether it is
// greedy ({proxy+} in API Gateway, {rest...} in net/http).
func param(seg string) (isParam, greedy bool) {
	if !strings.HasPrefix(seg, "{") || !strings.HasSuffix(seg, "}") {
		return false, false
	}
	return true, strings.HasSuffix(seg, "+}") || strings.HasSuffix(seg, "...}")
}

// checkEnvironment: each function is told the bucket (FACTCARD_BUCKET, without
// which the mains refuse to start) and the public base URL parameter.
func checkEnvironment(r reporter, tpl *samTemplate) {
	bucket, ok := tpl.bucketID(r)
	if !ok {
		return
	}
	g := tpl.globalFunction()
	names, fns := tpl.functions()
	for _, name := range names {
		env := map[string]string{}
		if g.Environment != nil {
			maps.Copy(env, g.Environment.Variables)
		}
		if fns[name].Environment != nil {
			maps.Copy(env, fns[name].Environment.Variables)
		}
		for _, want := range []struct{ variable, ref string }{
			{"FACTCARD_BUCKET", bucket},
			{"FACTCARD_PUBLIC_URL", "PublicBaseURL"},
		} {
			v, ok := env[want.variable]
			if !ok || !refersTo(v, want.ref) {
				r.Errorf("%s: environment %s = %s (set: %v), want a Ref to %s", name, want.variable, show(v), ok, want.ref)
			}
		}
	}
}

// checkParameters: the parameters people set when deploying exist.
func checkParameters(r reporter, tpl *samTemplate) {
	for _, name := range []string{"PublicBaseURL", "LogLevel"} {
		if _, ok := tpl.Parameters[name]; !ok {
			r.Errorf("no parameter %s; have %v", name, slices.Sorted(maps.Keys(tpl.Parameters)))
		}
	}
}

// buildMutations break the build targets and the routes.
var buildMutations = []mutation{
	{"CodeUri missing folder", "code", func(t *testing.T, tpl *samTemplate) {
		function(t, tpl, "ApiFunction").CodeUri = &serverless.Function_CodeUri{String: cloudformation.String("../functions/nope")}
	}},
	{"CodeUri not a main package", "code", func(t *testing.T, tpl *samTemplate) {
		function(t, tpl, "ApiFunction").CodeUri = &serverless.Function_CodeUri{String: cloudformation.String("../functions/httpapi")}
	}},
	{"CodeUri outside functions", "code", func(t *testing.T, tpl *samTemplate) {
		function(t, tpl, "GenerateFunction").CodeUri = &serverless.Function_CodeUri{String: cloudformation.String("../cmd/factcard")}
	}},
	{"BuildMethod go1.x", "build", func(t *testing.T, tpl *samTemplate) {
		function(t, tpl, "ApiFunction").AWSCloudFormationMetadata["BuildMethod"] = "go1.x"
	}},
	{"no Makefile in ContextPath", "build", func(t *testing.T, tpl *samTemplate) {
		function(t, tpl, "ApiFunction").AWSCloudFormationMetadata["ContextPath"] = "."
	}},
	{"function renamed without Makefile target", "build", func(t *testing.T, tpl *samTemplate) {
		fn := function(t, tpl, "GenerateFunction")
		delete(tpl.Resources, "GenerateFunction")
		tpl.Resources["FillFunction"] = fn
	}},
	{"healthz route removed", "routes", func(t *testing.T, tpl *samTemplate) {
		delete(function(t, tpl, "ApiFunction").Events, event(t, tpl, "/healthz"))
	}},
	{"card route POST only", "routes", func(t *testing.T, tpl *samTemplate) {
		ev := function(t, tpl, "ApiFunction").Events[event(t, tpl, "/cards/{file}")]
		ev.Properties.HttpApiEvent.Method = cloudformation.String("POST")
	}},
	{"share route GET only, no HEAD", "routes", func(t *testing.T, tpl *samTemplate) {
		ev := function(t, tpl, "ApiFunction").Events[event(t, tpl, "/share/{id}")]
		ev.Properties.HttpApiEvent.Method = cloudformation.String("GET")
	}},
	{"facts route on another path", "routes", func(t *testing.T, tpl *samTemplate) {
		ev := function(t, tpl, "ApiFunction").Events[event(t, tpl, "/facts/{id}")]
		ev.Properties.HttpApiEvent.Path = cloudformation.String("/fact/{id}")
	}},
	{"catch-all removed", "routes", func(t *testing.T, tpl *samTemplate) {
		delete(function(t, tpl, "ApiFunction").Events, event(t, tpl, "/{proxy+}"))
	}},
	{"route on the implicit API", "routes", func(t *testing.T, tpl *samTemplate) {
		ev := function(t, tpl, "ApiFunction").Events[event(t, tpl, "/oembed")]
		ev.Properties.HttpApiEvent.ApiId = nil
	}},
}

// event returns the name of ApiFunction's HttpApi event on path.
func event(t *testing.T, tpl *samTemplate, path string) string {
	t.Helper()
	for name, ev := range function(t, tpl, "ApiFunction").Events {
		if ev.Properties != nil && ev.Properties.HttpApiEvent != nil && ev.Properties.HttpApiEvent.Path != nil && *ev.Properties.HttpApiEvent.Path == path {
			return name
		}
	}
	t.Fatalf("mutation needs an ApiFunction event on %s", path)
	return ""
}
