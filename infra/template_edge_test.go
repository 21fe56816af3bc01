package infra_test

// The checks that keep the edge and the functions' limits safe (issue 14): what the
// CDN forwards and caches, when links may follow forwarded headers, create-only
// card writes, and throttling. They read the template as written (rawDocument), so
// that they see intrinsics in number fields too.

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/factcard/factcard/functions/httpapi"
)

// edgeCheck is one rule, checked on the raw template.
type edgeCheck struct {
	name string
	run  func(r reporter, doc map[string]any)
}

var edgeChecks = []edgeCheck{
	{"cdn-forwards-cache-key-parameters-only", checkOriginRequestPolicy},
	{"cdn-caches-no-errors", checkErrorCaching},
	{"trust-forwarded-only-behind-cdn", checkTrustForwarded},
	{"create-only-card-writes", checkCreateOnly},
	{"list-cards-prefix-only", checkListPrefix},
	{"published-dataset-immutable", checkDatasetImmutable},
	{"origin-answers-only-the-cdn", checkOriginSecret},
	{"cdn-rate-limit", checkRateLimit},
	{"alarms", checkAlarms},
	{"throttling", checkThrottling},
}

func TestTemplateEdge(t *testing.T) {
	doc := rawDocument(t)
	for _, c := range edgeChecks {
		t.Run(c.name, func(t *testing.T) { c.run(t, doc) })
	}
}

// at returns the value at a path of object keys, or nil.
func at(v any, path ...string) any {
	for _, k := range path {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// resourcesOfType returns the logical IDs of the resources of a type, sorted.
func resourcesOfType(doc map[string]any, typ string) []string {
	res, _ := doc["Resources"].(map[string]any)
	var ids []string
	for _, id := range slices.Sorted(maps.Keys(res)) {
		if at(res[id], "Type") == typ {
			ids = append(ids, id)
		}
	}
	return ids
}

// strs returns a list of strings, or nil when v is not one.
func strs(v any) []string {
	var out []string
	for _, e := range list(v) {
		s, ok := e.(string)
		if !ok {
			return nil
		}
		out = append(out, s)
	}
	return out
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

// jsonOf formats a raw template value for a message.
func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// checkOriginRequestPolicy: every cache behaviour uses an origin request policy of
// this template (not a managed one) that forwards only the query parameters the API
// reads, which are exactly the cache key's, no cookies, and of the headers only the
// viewer's host as the CDN function sets it. A parameter the cache does not key on
// never reaches the API, so it cannot change an answer cached for everyone.
func checkOriginRequestPolicy(r reporter, doc map[string]any) {
	res, _ := doc["Resources"].(map[string]any)
	want := httpapi.QueryParameters()
	for _, id := range resourcesOfType(doc, "AWS::CloudFront::CachePolicy") {
		got := strs(at(res[id], "Properties", "CachePolicyConfig", "ParametersInCacheKeyAndForwardedToOrigin", "QueryStringsConfig", "QueryStrings"))
		if !sameSet(got, want) {
			r.Errorf("%s: cache key query strings %q, want the parameters the API reads %q", id, got, want)
		}
	}
	dists := resourcesOfType(doc, "AWS::CloudFront::Distribution")
	if len(dists) == 0 {
		r.Errorf("no AWS::CloudFront::Distribution")
	}
	for _, id := range dists {
		cfg := at(res[id], "Properties", "DistributionConfig")
		behaviours := append([]any{at(cfg, "DefaultCacheBehavior")}, list(at(cfg, "CacheBehaviors"))...)
		for i, b := range behaviours {
			ref, _ := at(b, "OriginRequestPolicyId", "Ref").(string)
			if ref == "" || at(res[ref], "Type") != "AWS::CloudFront::OriginRequestPolicy" {
				r.Errorf("%s: behaviour %d: OriginRequestPolicyId %s, want a Ref to an AWS::CloudFront::OriginRequestPolicy of this template (a managed one forwards every parameter)",
					id, i, jsonOf(at(b, "OriginRequestPolicyId")))
				continue
			}
			pc := at(res[ref], "Properties", "OriginRequestPolicyConfig")
			if got := at(pc, "QueryStringsConfig", "QueryStringBehavior"); got != "whitelist" && got != "none" {
				r.Errorf("%s: QueryStringBehavior %s, want whitelist (or none: the cache key's only)", ref, jsonOf(got))
			}
			if got := strs(at(pc, "QueryStringsConfig", "QueryStrings")); at(pc, "QueryStringsConfig", "QueryStringBehavior") == "whitelist" && !sameSet(got, want) {
				r.Errorf("%s: forwards query strings %q, want only the cache key's %q", ref, got, want)
			}
			if got := at(pc, "CookiesConfig", "CookieBehavior"); got != "none" {
				r.Errorf("%s: CookieBehavior %s, want none", ref, jsonOf(got))
			}
			headers := at(pc, "HeadersConfig")
			if got := at(headers, "HeaderBehavior"); got != "whitelist" && got != "none" {
				r.Errorf("%s: HeaderBehavior %s, want whitelist: viewer headers (X-Forwarded-Proto, Forwarded, …) must not reach the API", ref, jsonOf(got))
			}
			for _, h := range strs(at(headers, "Headers")) {
				if !strings.EqualFold(h, "x-forwarded-host") {
					r.Errorf("%s: forwards header %q, want only x-forwarded-host", ref, h)
				}
			}
		}
	}
}

// cachedErrors are the error statuses CloudFront caches (for ErrorCachingMinTTL,
// 10 s by default, honouring no-store only for 404, 414 and 501 among them). The API
// sends 400, 404, 405, 414, 500, 501 and 503; API Gateway and Lambda add 403, 502,
// 503 and 504; 416 comes with ranges.
var cachedErrors = []int{400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504}

// checkErrorCaching: the distribution caches none of the errors it would cache:
// each has a CustomErrorResponse with ErrorCachingMinTTL 0 and no replacement page,
// so the API's JSON error reaches the viewer as it is.
func checkErrorCaching(r reporter, doc map[string]any) {
	res, _ := doc["Resources"].(map[string]any)
	for _, id := range resourcesOfType(doc, "AWS::CloudFront::Distribution") {
		ttl := map[int]any{}
		for _, e := range list(at(res[id], "Properties", "DistributionConfig", "CustomErrorResponses")) {
			code, ok := at(e, "ErrorCode").(float64)
			if !ok {
				r.Errorf("%s: CustomErrorResponse %s without a numeric ErrorCode", id, jsonOf(e))
				continue
			}
			ttl[int(code)] = at(e, "ErrorCachingMinTTL")
			for _, k := range []string{"ResponsePagePath", "ResponseCode"} {
				if v := at(e, k); v != nil {
					r.Errorf("%s: error %d has %s %s; want the API's own JSON error passed through", id, int(code), k, jsonOf(v))
				}
			}
		}
		for _, code := range cachedErrors {
			v, ok := ttl[code]
			if !ok {
				r.Errorf("%s: no CustomErrorResponse for %d: CloudFront would cache it for 10 s for every viewer", id, code)
				continue
			}
			if n, isNum := v.(float64); !isNum || n != 0 {
				r.Errorf("%s: error %d: ErrorCachingMinTTL %s, want 0", id, code, jsonOf(v))
			}
		}
	}
}

// checkTrustForwarded: the api function trusts X-Forwarded-Host exactly when the
// CDN exists, whose viewer-request function overwrites that header with the host
// the viewer asked for; nothing else sets the variable.
func checkTrustForwarded(r reporter, doc map[string]any) {
	res, _ := doc["Resources"].(map[string]any)
	wantIf := []any{"CreateCDN", "1", "0"}
	for _, id := range resourcesOfType(doc, "AWS::Serverless::Function") {
		vars, _ := at(res[id], "Properties", "Environment", "Variables").(map[string]any)
		v, set := vars["FACTCARD_TRUST_FORWARDED"]
		switch {
		case id == "ApiFunction" && !set:
			r.Errorf("ApiFunction: FACTCARD_TRUST_FORWARDED not set; want !If [CreateCDN, \"1\", \"0\"]")
		case id == "ApiFunction" && !slices.Equal(list(at(v, "Fn::If")), wantIf):
			r.Errorf("ApiFunction: FACTCARD_TRUST_FORWARDED = %s, want !If [CreateCDN, \"1\", \"0\"]", jsonOf(v))
		case id != "ApiFunction" && set && v != "0":
			r.Errorf("%s: FACTCARD_TRUST_FORWARDED = %s; only the api function builds links", id, jsonOf(v))
		}
	}
	globals, _ := at(doc, "Globals", "Function", "Environment", "Variables").(map[string]any)
	if v, set := globals["FACTCARD_TRUST_FORWARDED"]; set && v != "0" {
		r.Errorf("Globals: FACTCARD_TRUST_FORWARDED = %s, want it set per function, only with the CDN", jsonOf(v))
	}
	for _, id := range resourcesOfType(doc, "AWS::CloudFront::Function") {
		code, _ := at(res[id], "Properties", "FunctionCode").(string)
		if !strings.Contains(code, "request.headers['x-forwarded-host'] = {value: request.headers.host.value}") {
			r.Errorf("%s: the viewer-request function must overwrite x-forwarded-host with the viewer's host; code:\n%s", id, code)
		}
	}
}

// functionStatementsRaw returns each function's inline policy statements, by
// function.
func functionStatementsRaw(doc map[string]any) map[string][]map[string]any {
	res, _ := doc["Resources"].(map[string]any)
	out := map[string][]map[string]any{}
	for _, id := range resourcesOfType(doc, "AWS::Serverless::Function") {
		for _, p := range list(at(res[id], "Properties", "Policies")) {
			for _, st := range list(at(p, "Statement")) {
				if m, ok := st.(map[string]any); ok {
					out[id] = append(out[id], m)
				}
			}
		}
	}
	return out
}

// checkCreateOnly: every statement that allows s3:PutObject allows nothing else and
// only with the condition s3:if-none-match "*": a role can create a card, never
// overwrite one (with the S3 store's If-None-Match: *).
func checkCreateOnly(r reporter, doc map[string]any) {
	byFn := functionStatementsRaw(doc)
	for _, fn := range slices.Sorted(maps.Keys(byFn)) {
		puts := 0
		for _, st := range byFn[fn] {
			actions := strs(st["Action"])
			if st["Effect"] != "Allow" || !slices.Contains(actions, "s3:PutObject") {
				continue
			}
			puts++
			if len(actions) != 1 {
				r.Errorf("%s: statement %v allows %q with s3:PutObject; its condition would deny the others, so give PutObject a statement of its own", fn, st["Sid"], actions)
			}
			if got := at(st, "Condition", "StringEquals", "s3:if-none-match"); got != "*" {
				r.Errorf("%s: statement %v allows s3:PutObject with Condition %s, want StringEquals s3:if-none-match \"*\" (create-only)", fn, st["Sid"], jsonOf(st["Condition"]))
			}
		}
		if puts == 0 {
			r.Errorf("%s: no statement allows s3:PutObject", fn)
		}
	}
}

// numberParameter checks that the template has a Number parameter name with a
// positive default and a minimum of at least min.
func numberParameter(r reporter, doc map[string]any, name string, min float64) {
	p, ok := at(doc, "Parameters", name).(map[string]any)
	if !ok {
		r.Errorf("no parameter %s", name)
		return
	}
	def, _ := p["Default"].(float64)
	lo, _ := p["MinValue"].(float64)
	if p["Type"] != "Number" || def <= 0 || p["MinValue"] == nil || lo < min {
		r.Errorf("parameter %s = %s, want a Number with a positive Default and MinValue at least %v", name, jsonOf(p), min)
	}
}

// checkThrottling: the HTTP API throttles every route by default, and the api
// function has a reserved concurrency, all from parameters with safe defaults (a
// reserved concurrency of 0 means none, for accounts too small to reserve any).
func checkThrottling(r reporter, doc map[string]any) {
	res, _ := doc["Resources"].(map[string]any)
	apis := resourcesOfType(doc, "AWS::Serverless::HttpApi")
	if len(apis) == 0 {
		r.Errorf("no AWS::Serverless::HttpApi")
	}
	for _, id := range apis {
		s := at(res[id], "Properties", "DefaultRouteSettings")
		for k, param := range map[string]string{"ThrottlingRateLimit": "ApiThrottleRate", "ThrottlingBurstLimit": "ApiThrottleBurst"} {
			if got := at(s, k, "Ref"); got != param {
				r.Errorf("%s: DefaultRouteSettings.%s = %s, want !Ref %s", id, k, jsonOf(at(s, k)), param)
			}
		}
	}
	numberParameter(r, doc, "ApiThrottleRate", 1)
	numberParameter(r, doc, "ApiThrottleBurst", 1)
	numberParameter(r, doc, "ApiReservedConcurrency", 0)
	v := at(res["ApiFunction"], "Properties", "ReservedConcurrentExecutions")
	args := list(at(v, "Fn::If"))
	var cond any
	if len(args) == 3 {
		name, _ := args[0].(string)
		cond = at(doc, "Conditions", name)
	}
	if len(args) != 3 || at(args[1], "Ref") != "ApiReservedConcurrency" || at(args[2], "Ref") != "AWS::NoValue" ||
		!strings.Contains(jsonOf(cond), `"Ref":"ApiReservedConcurrency"`) {
		r.Errorf("ApiFunction: ReservedConcurrentExecutions = %s, want !If [a condition on ApiReservedConcurrency being 0, !Ref ApiReservedConcurrency, !Ref AWS::NoValue]", jsonOf(v))
	}
}

// edgeMutations break one rule each in a fresh raw template; the named check must
// complain.
var edgeMutations = []struct {
	name, check string
	mutate      func(doc map[string]any)
}{
	{"managed origin request policy", "cdn-forwards-cache-key-parameters-only", func(doc map[string]any) {
		at(doc, "Resources", "Cdn", "Properties", "DistributionConfig", "DefaultCacheBehavior").(map[string]any)["OriginRequestPolicyId"] = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
	}},
	{"a tracking parameter forwarded", "cdn-forwards-cache-key-parameters-only", func(doc map[string]any) {
		qs := at(doc, "Resources", "CdnOriginRequestPolicy", "Properties", "OriginRequestPolicyConfig", "QueryStringsConfig").(map[string]any)
		qs["QueryStrings"] = append(list(qs["QueryStrings"]), "fbclid")
	}},
	{"all viewer headers forwarded", "cdn-forwards-cache-key-parameters-only", func(doc map[string]any) {
		at(doc, "Resources", "CdnOriginRequestPolicy", "Properties", "OriginRequestPolicyConfig").(map[string]any)["HeadersConfig"] = map[string]any{"HeaderBehavior": "allViewer"}
	}},
	{"a 400 cached for 10 s", "cdn-caches-no-errors", func(doc map[string]any) {
		for _, e := range list(at(doc, "Resources", "Cdn", "Properties", "DistributionConfig", "CustomErrorResponses")) {
			if at(e, "ErrorCode") == float64(400) {
				e.(map[string]any)["ErrorCachingMinTTL"] = float64(10)
			}
		}
	}},
	{"trust without the CDN", "trust-forwarded-only-behind-cdn", func(doc map[string]any) {
		at(doc, "Resources", "ApiFunction", "Properties", "Environment", "Variables").(map[string]any)["FACTCARD_TRUST_FORWARDED"] = "1"
	}},
	{"PutObject without its condition", "create-only-card-writes", func(doc map[string]any) {
		for _, st := range functionStatementsRaw(doc)["GenerateFunction"] {
			delete(st, "Condition")
		}
	}},
	{"ListBucket on the whole bucket", "list-cards-prefix-only", func(doc map[string]any) {
		for _, st := range functionStatementsRaw(doc)["ApiFunction"] {
			if st["Sid"] == "TellMissingCardsFromForbidden" {
				delete(st, "Condition")
			}
		}
	}},
	{"ListBucket prefix with IfExists (issue 21: lists the whole bucket)", "list-cards-prefix-only", func(doc map[string]any) {
		for _, st := range functionStatementsRaw(doc)["GenerateFunction"] {
			if st["Sid"] == "TellMissingCardsFromForbidden" || st["Sid"] == "ListCards" {
				cond := st["Condition"].(map[string]any)
				for _, op := range []string{"StringLike", "StringLikeIfExists"} {
					if v, ok := cond[op]; ok {
						delete(cond, op)
						cond["StringLikeIfExists"] = v
					}
				}
			}
		}
	}},
	{"dataset overwrite not denied (issue 21)", "published-dataset-immutable", func(doc map[string]any) {
		pd := at(doc, "Resources", "CardBucketPolicy", "Properties", "PolicyDocument").(map[string]any)
		pd["Statement"] = list(pd["Statement"])[:1]
	}},
	{"dataset delete not denied", "published-dataset-immutable", func(doc map[string]any) {
		pd := at(doc, "Resources", "CardBucketPolicy", "Properties", "PolicyDocument").(map[string]any)
		var keep []any
		for _, st := range list(pd["Statement"]) {
			if !slices.Contains(strs(at(st, "Action")), "s3:DeleteObject") {
				keep = append(keep, st)
			}
		}
		pd["Statement"] = keep
	}},
	{"dataset PutObject denied only with a wrong If-None-Match", "published-dataset-immutable", func(doc map[string]any) {
		for _, st := range list(at(doc, "Resources", "CardBucketPolicy", "Properties", "PolicyDocument", "Statement")) {
			if slices.Contains(strs(at(st, "Action")), "s3:PutObject") {
				st.(map[string]any)["Condition"] = map[string]any{"StringNotEquals": map[string]any{"s3:if-none-match": "*"}, "Null": map[string]any{"s3:if-none-match": "false"}}
			}
		}
	}},
	{"no origin header (issue 21: the execute-api origin is public)", "origin-answers-only-the-cdn", func(doc map[string]any) {
		for _, o := range list(at(doc, "Resources", "Cdn", "Properties", "DistributionConfig", "Origins")) {
			delete(o.(map[string]any), "OriginCustomHeaders")
		}
		delete(at(doc, "Resources", "ApiFunction", "Properties", "Environment", "Variables").(map[string]any), "FACTCARD_ORIGIN_SECRET")
	}},
	{"origin header the function does not know", "origin-answers-only-the-cdn", func(doc map[string]any) {
		for _, o := range list(at(doc, "Resources", "Cdn", "Properties", "DistributionConfig", "Origins")) {
			for _, h := range list(at(o, "OriginCustomHeaders")) {
				h.(map[string]any)["HeaderName"] = "X-Origin-Verify"
			}
		}
	}},
	{"a fixed origin secret", "origin-answers-only-the-cdn", func(doc map[string]any) {
		at(doc, "Resources", "CdnOriginSecret", "Properties").(map[string]any)["SecretString"] = "hunter2"
	}},
	{"a different secret at the edge", "origin-answers-only-the-cdn", func(doc map[string]any) {
		for _, o := range list(at(doc, "Resources", "Cdn", "Properties", "DistributionConfig", "Origins")) {
			for _, h := range list(at(o, "OriginCustomHeaders")) {
				h.(map[string]any)["HeaderValue"] = "fixed"
			}
		}
	}},
	{"rate limit on by default", "cdn-rate-limit", func(doc map[string]any) {
		at(doc, "Parameters", "CdnRateLimit").(map[string]any)["Default"] = float64(2000)
	}},
	{"rate limit counts instead of blocking", "cdn-rate-limit", func(doc map[string]any) {
		for _, rule := range list(at(doc, "Resources", "CdnWebAcl", "Properties", "Rules")) {
			rule.(map[string]any)["Action"] = map[string]any{"Count": map[string]any{}}
		}
	}},
	{"web ACL not attached", "cdn-rate-limit", func(doc map[string]any) {
		delete(at(doc, "Resources", "Cdn", "Properties", "DistributionConfig").(map[string]any), "WebACLId")
	}},
	{"no generate throttles alarm", "alarms", func(doc map[string]any) {
		delete(at(doc, "Resources").(map[string]any), "GenerateFunctionThrottlesAlarm")
	}},
	{"5xx count without the request count", "alarms", func(doc map[string]any) {
		props := at(doc, "Resources", "Api5xxRateAlarm", "Properties").(map[string]any)
		props["Metrics"] = list(props["Metrics"])[:1]
	}},
	{"an alarm that tells no one", "alarms", func(doc map[string]any) {
		delete(at(doc, "Resources", "ApiFunctionErrorsAlarm", "Properties").(map[string]any), "AlarmActions")
	}},
	{"failed runs alarm on another machine", "alarms", func(doc map[string]any) {
		for _, m := range list(at(doc, "Resources", "GenerateRunsFailedAlarm", "Properties", "Metrics")) {
			for _, d := range list(at(m, "MetricStat", "Metric", "Dimensions")) {
				d.(map[string]any)["Value"] = "arn:aws:states:us-east-1:123456789012:stateMachine:other"
			}
		}
	}},
	{"an alarm on a metric nobody emits", "alarms", func(doc map[string]any) {
		at(doc, "Resources", "ApiStoreFaultsAlarm", "Properties").(map[string]any)["MetricName"] = "StoreErrors"
	}},
	{"e-mail subscribed without an address", "alarms", func(doc map[string]any) {
		delete(at(doc, "Resources", "AlarmEmailSubscription").(map[string]any), "Condition")
	}},
	{"no route throttling", "throttling", func(doc map[string]any) {
		delete(at(doc, "Resources", "HttpApi", "Properties").(map[string]any), "DefaultRouteSettings")
	}},
	{"reserved concurrency without a parameter", "throttling", func(doc map[string]any) {
		at(doc, "Resources", "ApiFunction", "Properties").(map[string]any)["ReservedConcurrentExecutions"] = float64(1000)
	}},
}

// TestTemplateEdgeChecksFail shows that every edge check can fail.
func TestTemplateEdgeChecksFail(t *testing.T) {
	covered := map[string]bool{}
	for _, m := range edgeMutations {
		t.Run(strings.ReplaceAll(m.name, " ", "_"), func(t *testing.T) {
			i := slices.IndexFunc(edgeChecks, func(c edgeCheck) bool { return c.name == m.check })
			if i < 0 {
				t.Fatalf("no edge check %q", m.check)
			}
			covered[m.check] = true
			doc := rawDocument(t)
			m.mutate(doc)
			var rec recorder
			edgeChecks[i].run(&rec, doc)
			if len(rec.errors) == 0 {
				t.Errorf("check %s passed a template with %s, want it to fail", m.check, m.name)
			}
		})
	}
	for _, c := range edgeChecks {
		if !covered[c.name] {
			t.Errorf("no mutation shows that check %s can fail", c.name)
		}
	}
}
