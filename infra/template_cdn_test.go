package infra_test

// The checks of what keeps the API behind the CDN (issue 21): the origin secret
// CloudFront adds and the api function requires, and the optional WAF rate limit.

import (
	"strings"

	"github.com/factcard/factcard/functions/httpapi"
)

// checkOriginSecret: with the CDN, a secret generated per stack (a Secrets Manager
// secret of at least 32 random characters, made only with the CDN) is both the
// value of the origin custom header every CloudFront origin sends, under
// httpapi.OriginHeader, and the api function's FACTCARD_ORIGIN_SECRET, which is
// empty without the CDN. No other function and no global gets it.
func checkOriginSecret(r reporter, doc map[string]any) {
	res, _ := doc["Resources"].(map[string]any)
	env := at(res["ApiFunction"], "Properties", "Environment", "Variables", "FACTCARD_ORIGIN_SECRET")
	args := list(at(env, "Fn::If"))
	if len(args) != 3 || args[0] != "CreateCDN" || args[2] != "" {
		r.Errorf("ApiFunction: FACTCARD_ORIGIN_SECRET = %s, want !If [CreateCDN, the generated secret, \"\"]", jsonOf(env))
		return
	}
	value := args[1]
	sub, _ := at(value, "Fn::Sub").(string)
	var secretID string
	if rest, ok := strings.CutPrefix(sub, "{{resolve:secretsmanager:${"); ok {
		secretID, _, _ = strings.Cut(rest, "}")
	}
	secret := res[secretID]
	if secretID == "" || at(secret, "Type") != "AWS::SecretsManager::Secret" {
		r.Errorf("ApiFunction: FACTCARD_ORIGIN_SECRET's value %s, want !Sub \"{{resolve:secretsmanager:${Secret}}}\" of an AWS::SecretsManager::Secret of this template", jsonOf(value))
		return
	}
	if at(secret, "Condition") != "CreateCDN" {
		r.Errorf("%s: Condition %s, want CreateCDN", secretID, jsonOf(at(secret, "Condition")))
	}
	gen := at(secret, "Properties", "GenerateSecretString")
	if n, _ := at(gen, "PasswordLength").(float64); n < 32 || at(secret, "Properties", "SecretString") != nil {
		r.Errorf("%s: GenerateSecretString %s, want a generated secret of PasswordLength at least 32 (and no SecretString)", secretID, jsonOf(gen))
	}
	dists := resourcesOfType(doc, "AWS::CloudFront::Distribution")
	for _, id := range dists {
		for i, o := range list(at(res[id], "Properties", "DistributionConfig", "Origins")) {
			found := false
			for _, h := range list(at(o, "OriginCustomHeaders")) {
				name, _ := at(h, "HeaderName").(string)
				if !strings.EqualFold(name, httpapi.OriginHeader) {
					continue
				}
				found = true
				if jsonOf(at(h, "HeaderValue")) != jsonOf(value) {
					r.Errorf("%s: origin %d sends %s = %s, want the api function's secret %s", id, i, name, jsonOf(at(h, "HeaderValue")), jsonOf(value))
				}
			}
			if !found {
				r.Errorf("%s: origin %d has no OriginCustomHeaders entry %s: the API would refuse every request from the CDN", id, i, httpapi.OriginHeader)
			}
		}
	}
	for _, id := range resourcesOfType(doc, "AWS::Serverless::Function") {
		vars, _ := at(res[id], "Properties", "Environment", "Variables").(map[string]any)
		if v, set := vars["FACTCARD_ORIGIN_SECRET"]; id != "ApiFunction" && set {
			r.Errorf("%s: FACTCARD_ORIGIN_SECRET = %s; only the api function answers HTTP", id, jsonOf(v))
		}
	}
	if v := at(doc, "Globals", "Function", "Environment", "Variables", "FACTCARD_ORIGIN_SECRET"); v != nil {
		r.Errorf("Globals: FACTCARD_ORIGIN_SECRET = %s, want it on the api function only", jsonOf(v))
	}
}

// checkRateLimit: the optional per-client limit is off by default (CdnRateLimit 0)
// and, when on, a CloudFront-scoped web ACL made only with the CDN blocks a client
// IP over CdnRateLimit requests with a rate-based rule, allows everything else, and
// is attached to the distribution.
func checkRateLimit(r reporter, doc map[string]any) {
	res, _ := doc["Resources"].(map[string]any)
	p, ok := at(doc, "Parameters", "CdnRateLimit").(map[string]any)
	if !ok || p["Type"] != "Number" || p["Default"] != float64(0) {
		r.Errorf("parameter CdnRateLimit = %s, want a Number defaulting to 0 (off)", jsonOf(p))
	}
	acls := resourcesOfType(doc, "AWS::WAFv2::WebACL")
	if len(acls) != 1 {
		r.Errorf("web ACLs %q, want one", acls)
		return
	}
	id := acls[0]
	acl := res[id]
	condName, _ := at(acl, "Condition").(string)
	cond := jsonOf(at(doc, "Conditions", condName))
	if !strings.Contains(cond, `"CreateCDN"`) || !strings.Contains(cond, `"Ref":"CdnRateLimit"`) {
		r.Errorf("%s: Condition %q = %s, want one that needs CreateCDN and a CdnRateLimit other than 0", id, condName, cond)
	}
	props := at(acl, "Properties")
	if at(props, "Scope") != "CLOUDFRONT" {
		r.Errorf("%s: Scope %s, want CLOUDFRONT", id, jsonOf(at(props, "Scope")))
	}
	if _, ok := at(props, "DefaultAction", "Allow").(map[string]any); !ok {
		r.Errorf("%s: DefaultAction %s, want Allow", id, jsonOf(at(props, "DefaultAction")))
	}
	limited := false
	for _, rule := range list(at(props, "Rules")) {
		rb := at(rule, "Statement", "RateBasedStatement")
		if rb == nil {
			continue
		}
		_, blocks := at(rule, "Action", "Block").(map[string]any)
		if at(rb, "Limit", "Ref") == "CdnRateLimit" && at(rb, "AggregateKeyType") == "IP" && blocks {
			limited = true
		}
	}
	if !limited {
		r.Errorf("%s: no rule blocks with a RateBasedStatement of Limit !Ref CdnRateLimit per IP; rules %s", id, jsonOf(at(props, "Rules")))
	}
	for _, d := range resourcesOfType(doc, "AWS::CloudFront::Distribution") {
		v := at(res[d], "Properties", "DistributionConfig", "WebACLId")
		args := list(at(v, "Fn::If"))
		if len(args) != 3 || args[0] != condName || jsonOf(args[1]) != jsonOf(map[string]any{"Fn::GetAtt": id + ".Arn"}) || at(args[2], "Ref") != "AWS::NoValue" {
			r.Errorf("%s: WebACLId = %s, want !If [%s, !GetAtt %s.Arn, !Ref AWS::NoValue]", d, jsonOf(v), condName, id)
		}
	}
}
