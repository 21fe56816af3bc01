package infra_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/s3"
	"github.com/awslabs/goformation/v7/cloudformation/serverless"
)

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

// mutations are the ways of breaking the template that the checks must catch.
var mutations = []mutation{
	{"global runtime go1.x", "runtime", func(t *testing.T, tpl *samTemplate) {
		tpl.globalFunction().Runtime = cloudformation.String("go1.x")
	}},
	{"function on x86_64", "runtime", func(t *testing.T, tpl *samTemplate) {
		function(t, tpl, "ApiFunction").Architectures = []string{"x86_64"}
	}},
	{"function handler overridden", "runtime", func(t *testing.T, tpl *samTemplate) {
		function(t, tpl, "GenerateFunction").Handler = cloudformation.String("main")
	}},
	{"no global architectures", "runtime", func(t *testing.T, tpl *samTemplate) {
		tpl.globalFunction().Architectures = nil
	}},
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
	{"Allow s3:*", "policies", func(t *testing.T, tpl *samTemplate) {
		addStatement(t, tpl, "ApiFunction", map[string]any{"Effect": "Allow", "Action": "s3:*", "Resource": cloudformation.GetAtt("CardBucket", "Arn")})
	}},
	{"Allow on Resource *", "policies", func(t *testing.T, tpl *samTemplate) {
		addStatement(t, tpl, "GenerateFunction", map[string]any{"Effect": "Allow", "Action": []any{"s3:GetObject"}, "Resource": []any{"*"}})
	}},
	{"Allow NotAction", "policies", func(t *testing.T, tpl *samTemplate) {
		addStatement(t, tpl, "GenerateFunction", map[string]any{"Effect": "Allow", "NotAction": "iam:*", "Resource": cloudformation.GetAtt("CardBucket", "Arn")})
	}},
	{"bucket policy Deny turned Allow", "policies", func(t *testing.T, tpl *samTemplate) {
		bucketPolicyStatement(t, tpl)["Effect"] = "Allow"
	}},
	{"managed policy", "policies", func(t *testing.T, tpl *samTemplate) {
		function(t, tpl, "ApiFunction").Policies = &serverless.Function_Policies{String: cloudformation.String("AmazonS3FullAccess")}
	}},
	{"DeleteObject allowed", "least-privilege", func(t *testing.T, tpl *samTemplate) {
		addStatement(t, tpl, "ApiFunction", map[string]any{"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": cloudformation.Sub("${CardBucket.Arn}/cards/*")})
	}},
	{"objects outside cards/", "least-privilege", func(t *testing.T, tpl *samTemplate) {
		addStatement(t, tpl, "GenerateFunction", map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": cloudformation.Sub("${CardBucket.Arn}/*")})
	}},
	{"another bucket", "least-privilege", func(t *testing.T, tpl *samTemplate) {
		addStatement(t, tpl, "GenerateFunction", map[string]any{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::someone-elses"})
	}},
	{"no PutObject", "least-privilege", func(t *testing.T, tpl *samTemplate) {
		function(t, tpl, "GenerateFunction").Policies = &serverless.Function_Policies{IAMPolicyDocumentArray: &[]serverless.Function_IAMPolicyDocument{{
			Statement: []any{map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": cloudformation.Sub("${CardBucket.Arn}/cards/*")}},
		}}}
	}},
	{"public ACLs allowed", "bucket", func(t *testing.T, tpl *samTemplate) {
		bucket(t, tpl).PublicAccessBlockConfiguration.BlockPublicAcls = cloudformation.Bool(false)
	}},
	{"RestrictPublicBuckets unset", "bucket", func(t *testing.T, tpl *samTemplate) {
		bucket(t, tpl).PublicAccessBlockConfiguration.RestrictPublicBuckets = nil
	}},
	{"no encryption", "bucket", func(t *testing.T, tpl *samTemplate) {
		bucket(t, tpl).BucketEncryption = nil
	}},
	{"TLS condition inverted", "bucket-policy", func(t *testing.T, tpl *samTemplate) {
		bucketPolicyStatement(t, tpl)["Condition"] = map[string]any{"Bool": map[string]any{"aws:SecureTransport": "true"}}
	}},
	{"TLS Deny only on objects", "bucket-policy", func(t *testing.T, tpl *samTemplate) {
		bucketPolicyStatement(t, tpl)["Resource"] = cloudformation.Sub("${CardBucket.Arn}/*")
	}},
	{"no bucket policy", "bucket-policy", func(t *testing.T, tpl *samTemplate) {
		for id := range tpl.GetAllS3BucketPolicyResources() {
			delete(tpl.Resources, id)
		}
	}},
	{"no FACTCARD_BUCKET", "environment", func(t *testing.T, tpl *samTemplate) {
		delete(tpl.globalFunction().Environment.Variables, "FACTCARD_BUCKET")
	}},
	{"FACTCARD_BUCKET a literal", "environment", func(t *testing.T, tpl *samTemplate) {
		function(t, tpl, "GenerateFunction").Environment = &serverless.Function_FunctionEnvironment{Variables: map[string]string{"FACTCARD_BUCKET": "cards"}}
	}},
	{"no LogLevel", "parameters", func(t *testing.T, tpl *samTemplate) { delete(tpl.Parameters, "LogLevel") }},
	{"no PublicBaseURL", "parameters", func(t *testing.T, tpl *samTemplate) { delete(tpl.Parameters, "PublicBaseURL") }},
	{"no ApiURL", "outputs", func(t *testing.T, tpl *samTemplate) { delete(tpl.Outputs, "ApiURL") }},
	{"no CardBucketName", "outputs", func(t *testing.T, tpl *samTemplate) { delete(tpl.Outputs, "CardBucketName") }},
	{"no CdnURL", "outputs", func(t *testing.T, tpl *samTemplate) { delete(tpl.Outputs, "CdnURL") }},
	{"CdnURL unconditional", "outputs", func(t *testing.T, tpl *samTemplate) {
		tpl.Outputs["CdnURL"] = cloudformation.Output{Value: cloudformation.Sub("https://${Cdn.DomainName}")}
	}},
	{"distribution without condition", "cdn", func(t *testing.T, tpl *samTemplate) {
		for id, d := range tpl.GetAllCloudFrontDistributionResources() {
			d.AWSCloudFormationCondition = ""
			tpl.Resources[id] = d
		}
	}},
	{"no CreateCDN condition", "cdn", func(t *testing.T, tpl *samTemplate) { delete(tpl.Conditions, "CreateCDN") }},
}

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
	for _, c := range templateChecks {
		if !covered[c.name] {
			t.Errorf("no mutation shows that check %s can fail", c.name)
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

// addStatement appends a statement to the function's first inline policy.
func addStatement(t *testing.T, tpl *samTemplate, id string, st map[string]any) {
	t.Helper()
	p := function(t, tpl, id).Policies
	if p == nil || p.IAMPolicyDocumentArray == nil || len(*p.IAMPolicyDocumentArray) == 0 {
		t.Fatalf("mutation needs an inline policy on %s", id)
	}
	doc := &(*p.IAMPolicyDocumentArray)[0]
	doc.Statement = append(doc.Statement, st)
}

// bucket returns the template's one bucket.
func bucket(t *testing.T, tpl *samTemplate) *s3.Bucket {
	t.Helper()
	for _, b := range tpl.GetAllS3BucketResources() {
		return b
	}
	t.Fatal("mutation needs a bucket")
	return nil
}

// bucketPolicyStatement returns the first statement of the bucket policy.
func bucketPolicyStatement(t *testing.T, tpl *samTemplate) map[string]any {
	t.Helper()
	for _, p := range tpl.GetAllS3BucketPolicyResources() {
		doc, _ := p.PolicyDocument.(map[string]any)
		sts, _ := doc["Statement"].([]any)
		if len(sts) > 0 {
			if st, ok := sts[0].(map[string]any); ok {
				return st
			}
		}
	}
	t.Fatal("mutation needs a bucket policy statement")
	return nil
}
