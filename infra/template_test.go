package infra_test

// The checks of template.yaml: its parsing and the rules every part follows;
// template_build_test.go checks the functions, their build and their routes,
// template_access_test.go the policies, the bucket, the CDN and the outputs;
// template_edge_test.go what keeps the edge and the functions' limits safe.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/global"
	"github.com/awslabs/goformation/v7/cloudformation/serverless"
	"github.com/awslabs/goformation/v7/intrinsics"
)

// templateFile is the SAM template, relative to this folder.
const templateFile = "template.yaml"

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
//
// A typed field that holds a number (ReservedConcurrentExecutions, a throttling
// limit) cannot hold that string, so an intrinsic that stands for a number (a Ref
// to a Number parameter, an Fn::If with a number in a branch) becomes the number of
// the parameter's default instead. The checks of such fields read rawDocument.
func keepIntrinsics() *intrinsics.ProcessorOptions {
	keep := func(name string, input, template any) any {
		if n, ok := numberIntrinsic(name, input, template); ok {
			return n
		}
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

// numberIntrinsic returns the number an intrinsic stands for, if it stands for one:
// the default of a Number parameter it refers to, or a number in an Fn::If branch
// (inner intrinsics are already processed when the outer one is).
func numberIntrinsic(name string, input, template any) (float64, bool) {
	switch name {
	case "Ref":
		id, _ := input.(string)
		doc, _ := template.(map[string]any)
		params, _ := doc["Parameters"].(map[string]any)
		p, _ := params[id].(map[string]any)
		if p["Type"] != "Number" {
			return 0, false
		}
		n, err := strconv.ParseFloat(fmt.Sprint(p["Default"]), 64)
		return n, err == nil
	case "Fn::If":
		args, _ := input.([]any)
		for _, a := range args[min(1, len(args)):] {
			if n, ok := a.(float64); ok {
				return n, true
			}
		}
	}
	return 0, false
}

// rawDocument returns template.yaml as plain JSON values with every intrinsic as
// written ({"Ref": "X"}), before goformation processes or types anything: for the
// checks of fields that keepIntrinsics cannot keep.
func rawDocument(t testing.TB) map[string]any {
	t.Helper()
	data, err := os.ReadFile(templateFile)
	if err != nil {
		t.Fatal(err)
	}
	b, err := intrinsics.ProcessYAML(data, &intrinsics.ProcessorOptions{NoProcess: true})
	if err != nil {
		t.Fatalf("parse %s: %v", templateFile, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("parse %s: %v", templateFile, err)
	}
	return doc
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
	doc := rawDocument(t)
	// goformation v7.14.9, the newest, has no CompatibleArchitectures in its
	// AWS::Serverless::LayerVersion and refuses the field: drop it for the typed
	// parse (the checks of the layer read rawDocument).
	res, _ := doc["Resources"].(map[string]any)
	for _, id := range resourcesOfType(doc, "AWS::Serverless::LayerVersion") {
		if props, ok := at(res[id], "Properties").(map[string]any); ok {
			delete(props, "CompatibleArchitectures")
		}
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := goformation.ParseJSONWithOptions(data, keepIntrinsics())
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

// recorder is a reporter that keeps what a check reported.
type recorder struct{ errors []string }

func (*recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// mutation breaks one rule in a freshly parsed template.
type mutation struct {
	name   string
	check  string // the templateChecks entry that must catch it
	mutate func(t *testing.T, tpl *samTemplate)
}

// mutations are the ways of breaking the template that the checks of the
// project's own rules must catch: the build targets, the routes, and least
// privilege on the cards. (Generic rules, such as a private, encrypted bucket
// or the CDN's condition, are checked by TestTemplate without mutations.)
var mutations = slices.Concat(buildMutations, accessMutations)

// mutatedChecks are the checks that TestTemplateChecksFail must show failing.
var mutatedChecks = []string{"code", "build", "routes", "policies", "least-privilege"}

// TestTemplateChecksFail shows that every check can fail: each mutation breaks
// one rule in a fresh parse of template.yaml, and its check must complain. (The
// file itself is never touched.)
func TestTemplateChecksFail(t *testing.T) {
	covered := map[string]bool{}
	for _, m := range mutations {
		t.Run(strings.ReplaceAll(m.name, " ", "_"), func(t *testing.T) {
			i := slices.IndexFunc(templateChecks, func(c templateCheck) bool { return c.name == m.check })
			if i < 0 {
				t.Fatalf("no template check %q", m.check)
			}
			covered[m.check] = true
			tpl := loadTemplate(t)
			m.mutate(t, tpl)
			var rec recorder
			templateChecks[i].run(&rec, tpl)
			if len(rec.errors) == 0 {
				t.Errorf("check %s passed a template with %s, want it to fail", m.check, m.name)
			}
			for _, e := range rec.errors {
				t.Logf("%s: %s", m.check, e)
			}
		})
	}
	for _, name := range mutatedChecks {
		if !covered[name] {
			t.Errorf("no mutation shows that check %s can fail", name)
		}
	}
}

// function returns the function id of the template, failing t if it has none.
func function(t *testing.T, tpl *samTemplate, id string) *serverless.Function {
	t.Helper()
	fn, err := tpl.GetServerlessFunctionWithName(id)
	if err != nil {
		t.Fatalf("mutation needs function %s: %v", id, err)
	}
	return fn
}
