package infra_test

// The template's access rules and resources: IAM policies (least privilege on
// cards/*), the bucket and its policy, the CDN and the outputs.

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/serverless"
)

// cardActions are the only actions a function may be allowed: get and put
// cards, and list the bucket so that a missing card is a 404, not a 403.
var cardActions = []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket"}

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
// prefix of the card bucket, get (only) the published dataset under facts/, and
// list that bucket; nothing else.
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
			objects, puts := false, false
			for _, a := range list(st["Action"]) {
				s, _ := a.(string)
				if !slices.Contains(cardActions, s) {
					r.Errorf("%s: statement %q allows %s, want only %v", name, sid, show(a), cardActions)
				}
				granted[s] = true
				objects = objects || s == "s3:GetObject" || s == "s3:PutObject"
				puts = puts || s == "s3:PutObject"
			}
			for _, res := range list(st["Resource"]) {
				if !refersTo(res, bucket) {
					r.Errorf("%s: statement %q has Resource %s, want an ARN of %s", name, sid, show(res), bucket)
				}
				cardsOnly := strings.HasSuffix(subString(res), "}cards/*")
				dataset := !puts && strings.HasSuffix(subString(res), "}facts/*")
				if objects && !cardsOnly && !dataset {
					r.Errorf("%s: statement %q gets or puts objects in %s, want only the cards/ prefix (…cards/*), or gets only in the dataset's facts/", name, sid, show(res))
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

// accessMutations break least privilege.
var accessMutations = []mutation{
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
