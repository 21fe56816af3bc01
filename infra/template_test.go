package infra_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"go/build"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/global"
	"github.com/awslabs/goformation/v7/cloudformation/serverless"
	"github.com/awslabs/goformation/v7/intrinsics"

	"github.com/factcard/factcard/functions/httpapi"
)

// templateFile is the SAM template, relative to this folder.
const templateFile = "template.yaml"

// What every function runs on (DESIGN.md, "Lambda functions").
const (
	wantRuntime = "provided.al2023"
	wantArch    = "arm64"
	wantHandler = "bootstrap"
)

// cardActions are the only actions a function may be allowed: get and put
// cards, and list the bucket so that a missing card is a 404, not a 403.
var cardActions = []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket"}

// samTemplate is the parsed template and the folder that its relative paths
// (CodeUri, Metadata ContextPath) are resolved against.
type samTemplate struct {
	*cloudformation.Template
	dir string
}

// intrinsicNames are the intrinsic functions goformation resolves by default.
var intrinsicNames = []string{
	"Fn::And", "Fn::Base64", "Fn::Cidr", "Fn::Equals", "Fn::FindInMap", "Fn::GetAZs",
	"Fn::GetAtt", "Fn::If", "Fn::ImportValue", "Fn::Join", "Fn::Not", "Fn::Or",
	"Fn::Select", "Fn::Split", "Fn::Sub", "Fn::Transform", "Ref",
}

// keepIntrinsics tells goformation to leave every intrinsic function as written.
// By default it evaluates them against parameter defaults and drops what it cannot
// resolve (!GetAtt CardBucket.Arn becomes null, so a policy's Resource vanishes),
// which would hide exactly what the checks look at. Each intrinsic is kept in the
// form goformation itself uses for an intrinsic in a typed field: its JSON, base64
// encoded (what cloudformation.Ref and cloudformation.Sub return). decodeIntrinsics
// turns them back into objects.
func keepIntrinsics() *intrinsics.ProcessorOptions {
	keep := func(name string, input, _ any) any {
		b, err := json.Marshal(map[string]any{name: input})
		if err != nil {
			return nil
		}
		return base64.StdEncoding.EncodeToString(b)
	}
	opts := &intrinsics.ProcessorOptions{IntrinsicHandlerOverrides: map[string]intrinsics.IntrinsicHandler{}}
	for _, name := range intrinsicNames {
		opts.IntrinsicHandlerOverrides[name] = keep
	}
	return opts
}

// decodeIntrinsics returns v with every intrinsic kept by keepIntrinsics, at any
// depth, turned back into its object form, such as {"Ref": "CardBucket"}.
func decodeIntrinsics(v any) any {
	switch v := v.(type) {
	case string:
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return v
		}
		var fn map[string]any
		if json.Unmarshal(b, &fn) != nil || len(fn) != 1 {
			return v
		}
		for name, arg := range fn {
			if slices.Contains(intrinsicNames, name) {
				return map[string]any{name: decodeIntrinsics(arg)}
			}
		}
		return v
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = decodeIntrinsics(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = decodeIntrinsics(e)
		}
		return out
	}
	return v
}

// show formats a template value for a message, intrinsics decoded.
func show(v any) string {
	b, err := json.Marshal(decodeIntrinsics(v))
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// refersTo reports whether v (a template value) refers to the resource or
// parameter id: {"Ref": id}, {"Fn::GetAtt": "id.Attr"}, or a ${id} or ${id.Attr}
// in an Fn::Sub, at any depth.
func refersTo(v any, id string) bool {
	switch v := decodeIntrinsics(v).(type) {
	case map[string]any:
		for name, arg := range v {
			switch name {
			case "Ref":
				if arg == id {
					return true
				}
			case "Fn::GetAtt":
				switch a := arg.(type) {
				case string:
					if strings.HasPrefix(a, id+".") {
						return true
					}
				case []any:
					if len(a) > 0 && a[0] == id {
						return true
					}
				}
			case "Fn::Sub":
				s, _ := arg.(string)
				if a, ok := arg.([]any); ok && len(a) > 0 {
					s, _ = a[0].(string)
				}
				if strings.Contains(s, "${"+id+"}") || strings.Contains(s, "${"+id+".") {
					return true
				}
			}
			if refersTo(arg, id) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if refersTo(e, id) {
				return true
			}
		}
	}
	return false
}

// loadTemplate parses template.yaml with goformation, keeping intrinsics as written.
func loadTemplate(t testing.TB) *samTemplate {
	t.Helper()
	tpl, err := goformation.OpenWithOptions(templateFile, keepIntrinsics())
	if err != nil {
		t.Fatalf("parse %s: %v", templateFile, err)
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	return &samTemplate{Template: tpl, dir: dir}
}

// document returns the whole template as plain JSON values, intrinsics decoded:
// for the checks that look everywhere (policy statements, conditions).
func (tpl *samTemplate) document() (map[string]any, error) {
	b, err := json.Marshal(tpl.Template)
	if err != nil {
		return nil, fmt.Errorf("marshal template: %w", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	return decodeIntrinsics(doc).(map[string]any), nil
}

// functions returns the AWS::Serverless::Function resources by logical ID, in
// the order of their IDs.
func (tpl *samTemplate) functions() ([]string, map[string]*serverless.Function) {
	fns := tpl.GetAllServerlessFunctionResources()
	return slices.Sorted(maps.Keys(fns)), fns
}

// globalFunction returns Globals.Function, or an empty one when there is none.
// goformation does not apply Globals to the functions, so the checks do: a
// function's own value wins, as in SAM.
func (tpl *samTemplate) globalFunction() *global.Function {
	if g, err := tpl.GetServerlessGlobalFunction(); err == nil {
		return g
	}
	return &global.Function{}
}

// bucketID returns the logical ID of the template's one S3 bucket.
func (tpl *samTemplate) bucketID(r reporter) (string, bool) {
	r.Helper()
	ids := slices.Sorted(maps.Keys(tpl.GetAllS3BucketResources()))
	if len(ids) != 1 {
		r.Errorf("S3 buckets = %v, want exactly one (the card bucket)", ids)
		return "", false
	}
	return ids[0], true
}

// reporter is the part of testing.TB the checks use, so that a test can run a
// check on a broken template and see it complain.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

// templateCheck is one rule template.yaml must follow.
type templateCheck struct {
	name string
	run  func(r reporter, tpl *samTemplate)
}

// templateChecks are the rules, each run as a subtest of TestTemplate and each
// shown to fail on a broken template by TestTemplateChecksFail.
var templateChecks = []templateCheck{
	{"runtime", checkRuntime},
	{"code", checkCode},
	{"build", checkBuild},
	{"routes", checkRoutes},
	{"policies", checkPolicies},
	{"least-privilege", checkLeastPrivilege},
	{"bucket", checkBucket},
	{"bucket-policy", checkBucketPolicy},
	{"environment", checkEnvironment},
	{"parameters", checkParameters},
	{"outputs", checkOutputs},
	{"cdn", checkCDN},
}

// TestTemplate checks infra/template.yaml as goformation reads it.
func TestTemplate(t *testing.T) {
	tpl := loadTemplate(t)
	names, _ := tpl.functions()
	if len(names) == 0 {
		t.Fatalf("%s declares no AWS::Serverless::Function", templateFile)
	}
	for _, c := range templateChecks {
		t.Run(c.name, func(t *testing.T) { c.run(t, tpl) })
	}
}

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

// statement is one IAM policy statement found in the template, and where.
type statement struct {
	where string
	body  map[string]any
}

// statements returns every policy statement anywhere in the template: any object
// with an Effect and an Action or NotAction.
func statements(v any, where string) []statement {
	var out []statement
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["Effect"]; ok {
			_, a := v["Action"]
			_, na := v["NotAction"]
			if a || na {
				return []statement{{where, v}}
			}
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			out = append(out, statements(v[k], strings.TrimPrefix(where+"."+k, "."))...)
		}
	case []any:
		for i, e := range v {
			out = append(out, statements(e, fmt.Sprintf("%s[%d]", where, i))...)
		}
	}
	return out
}

// list returns a policy field (a string or a list) as a list.
func list(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	}
	return []any{v}
}

// checkPolicies: no statement anywhere allows s3:* (or any service:*, or *), or
// Resource "*", or uses NotAction/NotResource with Allow. A Deny may be as wide
// as it likes: the bucket policy denies s3:* without TLS. Functions take inline
// statements only, which this check can read; a managed policy or SAM policy
// template could grant anything.
func checkPolicies(r reporter, tpl *samTemplate) {
	doc, err := tpl.document()
	if err != nil {
		r.Errorf("%v", err)
		return
	}
	found := statements(doc, "")
	if len(found) == 0 {
		r.Errorf("found no policy statements in the template; the functions need some")
	}
	for _, st := range found {
		effect := st.body["Effect"]
		if effect == "Deny" {
			continue
		}
		if effect != "Allow" {
			r.Errorf("%s: Effect = %s, want Allow or Deny", st.where, show(effect))
			continue
		}
		for _, k := range []string{"NotAction", "NotResource"} {
			if _, ok := st.body[k]; ok {
				r.Errorf("%s: Allow with %s grants everything not listed", st.where, k)
			}
		}
		for _, a := range list(st.body["Action"]) {
			if s, _ := a.(string); s == "*" || strings.HasSuffix(s, ":*") {
				r.Errorf("%s: Allow of Action %q, want the single actions needed", st.where, s)
			}
		}
		res := list(st.body["Resource"])
		if len(res) == 0 {
			r.Errorf("%s: Allow without a Resource", st.where)
		}
		for _, x := range res {
			if x == "*" {
				r.Errorf("%s: Allow on Resource \"*\", want the card bucket's ARNs", st.where)
			}
		}
	}
	names, fns := tpl.functions()
	for _, name := range names {
		p := fns[name].Policies
		switch {
		case p == nil:
			r.Errorf("%s: no Policies; it needs inline statements to read and write cards", name)
		case p.String != nil:
			r.Errorf("%s: Policies = %q, a managed policy; want inline statements", name, *p.String)
		case p.IAMPolicyDocument == nil && p.IAMPolicyDocumentArray == nil:
			r.Errorf("%s: Policies = %s, want inline policy documents", name, show(p))
		}
		if p != nil && p.StringArray != nil {
			for _, s := range *p.StringArray {
				if s != "" {
					r.Errorf("%s: Policies lists managed policy %q; want inline statements", name, s)
				}
			}
		}
		if p != nil && p.SAMPolicyTemplateArray != nil {
			for _, pt := range *p.SAMPolicyTemplateArray {
				if b, _ := json.Marshal(pt); string(b) != "{}" {
					r.Errorf("%s: Policies uses SAM policy template %s; want inline statements", name, b)
				}
			}
		}
	}
}

// functionStatements returns the inline statements of a function's Policies.
func functionStatements(fn *serverless.Function) []map[string]any {
	if fn.Policies == nil {
		return nil
	}
	var docs []serverless.Function_IAMPolicyDocument
	if fn.Policies.IAMPolicyDocument != nil {
		docs = append(docs, *fn.Policies.IAMPolicyDocument)
	}
	if fn.Policies.IAMPolicyDocumentArray != nil {
		docs = append(docs, *fn.Policies.IAMPolicyDocumentArray...)
	}
	var out []map[string]any
	for _, d := range docs {
		for _, s := range d.Statement {
			if m, ok := decodeIntrinsics(s).(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// subString returns the format string of an Fn::Sub, or "".
func subString(v any) string {
	m, _ := decodeIntrinsics(v).(map[string]any)
	switch a := m["Fn::Sub"].(type) {
	case string:
		return a
	case []any:
		if len(a) > 0 {
			s, _ := a[0].(string)
			return s
		}
	}
	return ""
}

// checkLeastPrivilege: each function may get and put objects under the cards/
// prefix of the card bucket, and list that bucket; nothing else.
func checkLeastPrivilege(r reporter, tpl *samTemplate) {
	bucket, ok := tpl.bucketID(r)
	if !ok {
		return
	}
	names, fns := tpl.functions()
	for _, name := range names {
		granted := map[string]bool{}
		for _, st := range functionStatements(fns[name]) {
			if st["Effect"] != "Allow" {
				continue
			}
			sid, _ := st["Sid"].(string)
			objects := false
			for _, a := range list(st["Action"]) {
				s, _ := a.(string)
				if !slices.Contains(cardActions, s) {
					r.Errorf("%s: statement %q allows %s, want only %v", name, sid, show(a), cardActions)
				}
				granted[s] = true
				objects = objects || s == "s3:GetObject" || s == "s3:PutObject"
			}
			for _, res := range list(st["Resource"]) {
				if !refersTo(res, bucket) {
					r.Errorf("%s: statement %q has Resource %s, want an ARN of %s", name, sid, show(res), bucket)
				}
				if objects && !strings.HasSuffix(subString(res), "cards/*") {
					r.Errorf("%s: statement %q gets or puts objects in %s, want only the cards/ prefix (…cards/*)", name, sid, show(res))
				}
			}
		}
		for _, a := range []string{"s3:GetObject", "s3:PutObject"} {
			if !granted[a] {
				r.Errorf("%s: not allowed %s on the cards; it reads and stores them", name, a)
			}
		}
	}
}

// checkBucket: the bucket blocks every kind of public access and is encrypted.
func checkBucket(r reporter, tpl *samTemplate) {
	buckets := tpl.GetAllS3BucketResources()
	if len(buckets) == 0 {
		r.Errorf("no AWS::S3::Bucket")
	}
	for _, id := range slices.Sorted(maps.Keys(buckets)) {
		b := buckets[id]
		pab := b.PublicAccessBlockConfiguration
		if pab == nil {
			r.Errorf("%s: no PublicAccessBlockConfiguration", id)
		} else {
			for _, s := range []struct {
				name string
				v    *bool
			}{
				{"BlockPublicAcls", pab.BlockPublicAcls},
				{"BlockPublicPolicy", pab.BlockPublicPolicy},
				{"IgnorePublicAcls", pab.IgnorePublicAcls},
				{"RestrictPublicBuckets", pab.RestrictPublicBuckets},
			} {
				if s.v == nil || !*s.v {
					r.Errorf("%s: PublicAccessBlockConfiguration.%s = %s, want true", id, s.name, show(s.v))
				}
			}
		}
		if b.BucketEncryption == nil || len(b.BucketEncryption.ServerSideEncryptionConfiguration) == 0 {
			r.Errorf("%s: no BucketEncryption rule", id)
			continue
		}
		for i, rule := range b.BucketEncryption.ServerSideEncryptionConfiguration {
			var alg string
			if rule.ServerSideEncryptionByDefault != nil {
				alg = rule.ServerSideEncryptionByDefault.SSEAlgorithm
			}
			if !slices.Contains([]string{"AES256", "aws:kms", "aws:kms:dsse"}, alg) {
				r.Errorf("%s: encryption rule %d: SSEAlgorithm = %q, want AES256 or aws:kms", id, i, alg)
			}
		}
	}
}

// checkBucketPolicy: a bucket policy on the card bucket denies every S3 action on
// the bucket and its objects to requests without TLS (aws:SecureTransport false).
func checkBucketPolicy(r reporter, tpl *samTemplate) {
	bucket, ok := tpl.bucketID(r)
	if !ok {
		return
	}
	var denies bool
	policies := tpl.GetAllS3BucketPolicyResources()
	for _, id := range slices.Sorted(maps.Keys(policies)) {
		p := policies[id]
		if !refersTo(p.Bucket, bucket) {
			continue
		}
		doc, _ := decodeIntrinsics(p.PolicyDocument).(map[string]any)
		for _, st := range statements(doc, id) {
			body := st.body
			cond, _ := body["Condition"].(map[string]any)
			boolCond, _ := cond["Bool"].(map[string]any)
			insecure := fmt.Sprint(boolCond["aws:SecureTransport"]) == "false"
			if body["Effect"] != "Deny" || !insecure {
				continue
			}
			if !slices.Contains(list(body["Action"]), any("s3:*")) {
				r.Errorf("%s: the insecure-transport Deny covers %s, want s3:*", st.where, show(body["Action"]))
			}
			var onBucket, onObjects bool
			for _, res := range list(body["Resource"]) {
				onObjects = onObjects || (refersTo(res, bucket) && strings.HasSuffix(subString(res), "/*"))
				onBucket = onBucket || (refersTo(res, bucket) && subString(res) == "")
			}
			if !onBucket || !onObjects {
				r.Errorf("%s: the insecure-transport Deny covers %s, want the bucket ARN and its objects (ARN/*)", st.where, show(body["Resource"]))
			}
			denies = true
		}
	}
	if !denies {
		r.Errorf("no AWS::S3::BucketPolicy on %s denies requests with aws:SecureTransport false", bucket)
	}
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

// checkOutputs: the stack tells where the API, the CDN and the bucket are; the CDN
// URL only when there is a CDN.
func checkOutputs(r reporter, tpl *samTemplate) {
	for _, name := range []string{"ApiURL", "CdnURL", "CardBucketName"} {
		if _, ok := tpl.Outputs[name]; !ok {
			r.Errorf("no output %s; have %v", name, slices.Sorted(maps.Keys(tpl.Outputs)))
		}
	}
	if bucket, ok := tpl.bucketID(r); ok {
		if out, ok := tpl.Outputs["CardBucketName"]; ok && !refersTo(out.Value, bucket) {
			r.Errorf("output CardBucketName = %s, want a Ref to %s", show(out.Value), bucket)
		}
	}
	if out, ok := tpl.Outputs["ApiURL"]; ok {
		apis := slices.Sorted(maps.Keys(tpl.GetAllServerlessHttpApiResources()))
		if !slices.ContainsFunc(apis, func(id string) bool { return refersTo(out.Value, id) }) {
			r.Errorf("output ApiURL = %s, want the URL of the HTTP API %v", show(out.Value), apis)
		}
	}
	if out, ok := tpl.Outputs["CdnURL"]; ok {
		v, _ := decodeIntrinsics(out.Value).(map[string]any)
		args, _ := v["Fn::If"].([]any)
		conditional := (out.Condition != nil && *out.Condition == "CreateCDN") || (len(args) == 3 && args[0] == "CreateCDN")
		if !conditional {
			r.Errorf("output CdnURL = %s, want it under the CreateCDN condition (Condition or !If): the distribution may not exist", show(out.Value))
		}
	}
}

// checkCDN: the CloudFront resources exist only when CreateCDN holds.
func checkCDN(r reporter, tpl *samTemplate) {
	if _, ok := tpl.Conditions["CreateCDN"]; !ok {
		r.Errorf("no condition CreateCDN; have %v", slices.Sorted(maps.Keys(tpl.Conditions)))
	}
	doc, err := tpl.document()
	if err != nil {
		r.Errorf("%v", err)
		return
	}
	resources, _ := doc["Resources"].(map[string]any)
	var distributions int
	for _, id := range slices.Sorted(maps.Keys(resources)) {
		res, _ := resources[id].(map[string]any)
		typ, _ := res["Type"].(string)
		if !strings.HasPrefix(typ, "AWS::CloudFront::") {
			continue
		}
		if typ == "AWS::CloudFront::Distribution" {
			distributions++
		}
		if c := res["Condition"]; c != "CreateCDN" {
			r.Errorf("%s (%s): Condition = %s, want CreateCDN", id, typ, show(c))
		}
	}
	if distributions == 0 {
		r.Errorf("no AWS::CloudFront::Distribution: the optional CDN is missing")
	}
}
