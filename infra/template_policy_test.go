package infra_test

// What the template's policies allow and deny, decided request by request (issue
// 21): a small evaluator of IAM statements, with the template's Fn::Sub and
// Fn::GetAtt filled in for one bucket and one KeyPrefix, asked about the requests
// the functions, publish and an attacker make. It understands only the condition
// operators the template uses and fails on any other, so a new operator cannot make
// a check pass unread.

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"testing"
)

// testBucketARN is the card bucket's ARN in the evaluated requests.
const testBucketARN = "arn:aws:s3:::factcard-cards"

// request is one S3 request as IAM sees it: the action, the resource ARN and the
// condition keys the request carries (a key that is absent is not in the map).
type request struct {
	action   string
	resource string
	keys     map[string]string
}

func (q request) String() string {
	return fmt.Sprintf("%s on %s with %v", q.action, q.resource, q.keys)
}

// policyEnv fills in the template's references: the bucket's ARN and the KeyPrefix
// parameter.
type policyEnv struct{ keyPrefix string }

// resolve turns a raw template string value ("s3:GetObject", {"Fn::Sub": …},
// {"Fn::GetAtt": "CardBucket.Arn"}) into a string, or an error naming what it
// cannot resolve.
func (e policyEnv) resolve(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case map[string]any:
		if s, ok := v["Fn::Sub"].(string); ok {
			r := strings.NewReplacer("${CardBucket.Arn}", testBucketARN, "${KeyPrefix}", e.keyPrefix)
			out := r.Replace(s)
			if strings.Contains(out, "${") {
				return "", fmt.Errorf("cannot resolve %s", jsonOf(v))
			}
			return out, nil
		}
		switch a := v["Fn::GetAtt"].(type) {
		case string:
			if a == "CardBucket.Arn" {
				return testBucketARN, nil
			}
		case []any:
			if len(a) == 2 && a[0] == "CardBucket" && a[1] == "Arn" {
				return testBucketARN, nil
			}
		}
	}
	return "", fmt.Errorf("cannot resolve %s", jsonOf(v))
}

// resolveAll resolves a string-or-list field.
func (e policyEnv) resolveAll(v any) ([]string, error) {
	var out []string
	for _, x := range list(v) {
		s, err := e.resolve(x)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// globMatch matches IAM's wildcards: * any run of characters (slashes too), ? one.
func globMatch(pattern, s string) bool {
	// path.Match treats / specially and [ as a class: escape what IAM takes
	// literally, and match segment-free by replacing / on both sides.
	esc := strings.NewReplacer(`\`, `\\`, "[", `\[`, "/", "\x00")
	ok, err := path.Match(esc.Replace(pattern), strings.ReplaceAll(s, "/", "\x00"))
	return err == nil && ok
}

// conditionHolds evaluates a statement's Condition block against q: every operator
// and every key must hold (AND); a key's values are alternatives (OR).
func (e policyEnv) conditionHolds(cond any, q request) (bool, error) {
	m, _ := cond.(map[string]any)
	for op, body := range m {
		keys, ok := body.(map[string]any)
		if !ok {
			return false, fmt.Errorf("condition %s: not a map of keys", op)
		}
		base, ifExists := strings.CutSuffix(op, "IfExists")
		for key, want := range keys {
			values, err := e.resolveAll(want)
			if err != nil {
				return false, err
			}
			got, present := q.keys[key]
			var holds bool
			switch {
			case base == "Null":
				holds = (values[0] == "true") == !present
			case !present && ifExists:
				holds = true
			case !present:
				// Absent keys: a positive operator fails, a negated one holds.
				holds = strings.Contains(base, "Not")
			default:
				switch base {
				case "StringEquals":
					holds = slices.Contains(values, got)
				case "StringNotEquals":
					holds = !slices.Contains(values, got)
				case "StringLike":
					holds = slices.ContainsFunc(values, func(p string) bool { return globMatch(p, got) })
				case "StringNotLike":
					holds = !slices.ContainsFunc(values, func(p string) bool { return globMatch(p, got) })
				case "Bool":
					holds = slices.Contains(values, got)
				default:
					return false, fmt.Errorf("condition operator %s is not understood by this evaluator", op)
				}
			}
			if !holds {
				return false, nil
			}
		}
	}
	return true, nil
}

// matches reports whether a statement applies to q: its action, resource and
// condition.
func (e policyEnv) matches(st map[string]any, q request) (bool, error) {
	if _, ok := st["NotAction"]; ok {
		return false, fmt.Errorf("statement %v: NotAction is not understood by this evaluator", st["Sid"])
	}
	if _, ok := st["NotResource"]; ok {
		return false, fmt.Errorf("statement %v: NotResource is not understood by this evaluator", st["Sid"])
	}
	actions, err := e.resolveAll(st["Action"])
	if err != nil {
		return false, err
	}
	if !slices.ContainsFunc(actions, func(a string) bool { return globMatch(strings.ToLower(a), strings.ToLower(q.action)) }) {
		return false, nil
	}
	resources, err := e.resolveAll(st["Resource"])
	if err != nil {
		return false, err
	}
	if !slices.ContainsFunc(resources, func(r string) bool { return globMatch(r, q.resource) }) {
		return false, nil
	}
	return e.conditionHolds(st["Condition"], q)
}

// decision is what a set of statements says about a request.
type decision int

const (
	implicitDeny decision = iota
	allowed
	explicitDeny
)

func (d decision) String() string {
	return [...]string{"not allowed", "allowed", "denied"}[d]
}

// decide evaluates statements as IAM does: an explicit Deny wins, then an Allow,
// else the request is not allowed.
func (e policyEnv) decide(sts []map[string]any, q request) (decision, error) {
	d := implicitDeny
	for _, st := range sts {
		ok, err := e.matches(st, q)
		if err != nil {
			return 0, err
		}
		switch {
		case ok && st["Effect"] == "Deny":
			return explicitDeny, nil
		case ok && st["Effect"] == "Allow":
			d = allowed
		}
	}
	return d, nil
}

// bucketPolicyStatementsRaw returns the statements of the card bucket's policy.
func bucketPolicyStatementsRaw(doc map[string]any) []map[string]any {
	res, _ := doc["Resources"].(map[string]any)
	var out []map[string]any
	for _, id := range resourcesOfType(doc, "AWS::S3::BucketPolicy") {
		for _, st := range list(at(res[id], "Properties", "PolicyDocument", "Statement")) {
			if m, ok := st.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// objectARN is the ARN of key under the KeyPrefix.
func (e policyEnv) objectARN(key string) string { return testBucketARN + "/" + e.keyPrefix + key }

// policyCase is a request and what the policy must decide for it.
type policyCase struct {
	name string
	q    request
	want decision
}

// keyPrefixes are the KeyPrefix values every request is evaluated under.
var keyPrefixes = []string{"", "prod/"}

// checkDecisions evaluates each case and reports those decided otherwise.
func checkDecisions(r reporter, who string, sts []map[string]any, e policyEnv, cases []policyCase) {
	r.Helper()
	for _, c := range cases {
		got, err := e.decide(sts, c.q)
		if err != nil {
			r.Errorf("%s, KeyPrefix %q: %s: %v", who, e.keyPrefix, c.name, err)
			continue
		}
		if got != c.want {
			r.Errorf("%s, KeyPrefix %q: %s (%s): %s, want %s", who, e.keyPrefix, c.name, c.q, got, c.want)
		}
	}
}

// checkDatasetImmutable: the bucket policy lets nobody overwrite or delete an object
// of a published dataset (facts/ under the KeyPrefix): a PutObject there without
// If-None-Match: * is denied, as is every DeleteObject. Creating one, as publish
// does, is not denied, and cards are left to the roles.
func checkDatasetImmutable(r reporter, doc map[string]any) {
	sts := bucketPolicyStatementsRaw(doc)
	if len(sts) == 0 {
		r.Errorf("no AWS::S3::BucketPolicy statements")
		return
	}
	tls := map[string]string{"aws:SecureTransport": "true"}
	with := func(k, v string) map[string]string {
		m := map[string]string{"aws:SecureTransport": "true"}
		m[k] = v
		return m
	}
	for _, p := range keyPrefixes {
		e := policyEnv{p}
		manifest := e.objectARN("facts/0123456789abcdef0123456789abcdef/manifest.json")
		shard := e.objectARN("facts/0123456789abcdef0123456789abcdef/shards/0007.json")
		card := e.objectARN("cards/r3/some-fact/og-dark-0123456789abcdef.png")
		checkDecisions(r, "bucket policy", sts, e, []policyCase{
			{"overwrite a manifest (no If-None-Match)", request{"s3:PutObject", manifest, tls}, explicitDeny},
			{"overwrite a shard (no If-None-Match)", request{"s3:PutObject", shard, tls}, explicitDeny},
			{"overwrite a shard (If-None-Match other than *)", request{"s3:PutObject", shard, with("s3:if-none-match", "abc")}, explicitDeny},
			{"delete a manifest", request{"s3:DeleteObject", manifest, tls}, explicitDeny},
			{"delete a shard", request{"s3:DeleteObject", shard, tls}, explicitDeny},
			{"delete a version of a shard", request{"s3:DeleteObjectVersion", shard, tls}, explicitDeny},
			{"publish creates a shard", request{"s3:PutObject", shard, with("s3:if-none-match", "*")}, implicitDeny},
			{"a card write is the roles' business", request{"s3:PutObject", card, tls}, implicitDeny},
			{"a plain-HTTP read", request{"s3:GetObject", card, map[string]string{"aws:SecureTransport": "false"}}, explicitDeny},
		})
	}
}

// checkListPrefix: s3:ListBucket, which the functions need so that a missing card
// is a 404 and not a 403, and generate to list a fact's stored cards, is limited to
// the keys under cards/ after the KeyPrefix. A listing of the whole bucket, of
// facts/ or of another prefix is not allowed. For a GetObject of a missing key S3
// asks whether the caller may list with the key as s3:prefix, so that check passes
// for a missing card.
func checkListPrefix(r reporter, doc map[string]any) {
	byFn := functionStatementsRaw(doc)
	if len(byFn) == 0 {
		r.Errorf("no functions with inline policies")
	}
	for _, fn := range slices.Sorted(maps.Keys(byFn)) {
		for _, p := range keyPrefixes {
			e := policyEnv{p}
			listing := func(prefix ...string) request {
				keys := map[string]string{}
				if len(prefix) > 0 {
					keys["s3:prefix"] = prefix[0]
				}
				return request{"s3:ListBucket", testBucketARN, keys}
			}
			checkDecisions(r, fn, byFn[fn], e, []policyCase{
				{"list the whole bucket (no prefix)", listing(), implicitDeny},
				{"list with an empty prefix", listing(""), implicitDeny},
				{"list the published datasets", listing(p + "facts/"), implicitDeny},
				{"list the run results", listing(p + "runs/"), implicitDeny},
				{"list a prefix that only starts like cards/", listing(p + "cards"), implicitDeny},
				{"list another KeyPrefix's cards", listing("other/cards/r3/"), implicitDeny},
				{"generate lists a fact's cards", listing(p + "cards/r3/some-fact/"), allowed},
				{"the 404 check of a missing card", listing(p + "cards/r3/some-fact/og-dark-0123456789abcdef.png"), allowed},
			})
		}
	}
}

// TestGlobMatch: IAM's wildcards as the evaluator reads them.
func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"cards/*", "cards/", true},
		{"cards/*", "cards/r3/a/b.png", true},
		{"cards/*", "cards", false},
		{"cards/*", "facts/x", false},
		{"arn:aws:s3:::b/facts/*", "arn:aws:s3:::b/facts/v/shards/1.json", true},
		{"s3:*", "s3:PutObject", true},
		{"a?c", "abc", true},
		{"a[b]c", "a[b]c", true},
		{"a[b]c", "abc", false},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}
