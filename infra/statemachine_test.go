package infra_test

// The checks of the generate state machine (issue 12): its resource in
// template.yaml and its definition, statemachine/generate.asl.json. cfn-lint does
// not look inside a SAM state machine's definition, so these do: the fields a
// Distributed Map over the published shards needs, every state reachable, and the
// item reader pointing at the prefix 'factcard publish' writes the shards under.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts/published"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/dataset"
)

// stateMachineID is the logical ID of the generate state machine.
const stateMachineID = "GenerateStateMachine"

// machine is the state machine's resource and definition, as plain JSON values.
type machine struct {
	resource map[string]any // the template's resource, intrinsics as written
	doc      map[string]any // the whole template, for parameters and conditions
	def      map[string]any // the definition file, parsed
	defText  string         // the definition file as written
}

func loadMachine(t testing.TB) *machine {
	t.Helper()
	doc := rawDocument(t)
	res, _ := at(doc, "Resources", stateMachineID).(map[string]any)
	if res == nil {
		t.Fatalf("%s declares no %s", templateFile, stateMachineID)
	}
	uri, _ := at(res, "Properties", "DefinitionUri").(string)
	if uri == "" {
		t.Fatalf("%s: no DefinitionUri file", stateMachineID)
	}
	text, err := os.ReadFile(filepath.Clean(uri))
	if err != nil {
		t.Fatalf("%s: %v", stateMachineID, err)
	}
	m := &machine{resource: res, doc: doc, defText: string(text)}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&m.def); err != nil {
		t.Fatalf("%s: %s is not JSON: %v", stateMachineID, uri, err)
	}
	return m
}

// sample is a deployment to resolve the template's values against.
type sample struct {
	keyPrefix, version string
	bucket             string // "" for "card-bucket"
}

// resolve evaluates the few intrinsics the state machine's values use (Ref,
// Fn::GetAtt, Fn::Sub with parameters and resources) for a sample deployment.
func (m *machine) resolve(v any, s sample) (string, error) {
	bucket := cmp.Or(s.bucket, "card-bucket")
	values := func(name string) (string, error) {
		switch name {
		case "CardBucket":
			return bucket, nil
		case "CardBucket.Arn":
			return "arn:aws:s3:::" + bucket, nil
		case "GenerateFunction", "GenerateFunction.Arn":
			return "arn:aws:lambda:us-east-1:123456789012:function:generate", nil
		case "KeyPrefix":
			return s.keyPrefix, nil
		case "DatasetVersion":
			return s.version, nil
		case "AWS::StackName":
			return "stack", nil
		}
		if p, ok := at(m.doc, "Parameters", name).(map[string]any); ok {
			return fmt.Sprint(p["Default"]), nil
		}
		return "", fmt.Errorf("unknown name %q", name)
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case map[string]any:
		if r, ok := v["Ref"].(string); ok {
			return values(r)
		}
		if g, ok := v["Fn::GetAtt"]; ok {
			parts := strs(g)
			if len(parts) == 0 {
				s, _ := g.(string)
				parts = strings.SplitN(s, ".", 2)
			}
			return values(strings.Join(parts, "."))
		}
		if sub, ok := v["Fn::Sub"].(string); ok {
			var err error
			out := subPattern.ReplaceAllStringFunc(sub, func(ref string) string {
				val, e := values(ref[2 : len(ref)-1])
				if e != nil {
					err = e
				}
				return val
			})
			return out, err
		}
	}
	return "", fmt.Errorf("cannot resolve %s", jsonOf(v))
}

var subPattern = regexp.MustCompile(`\$\{[A-Za-z0-9:.]+\}`)

// substituted returns the definition with its ${...} placeholders replaced by the
// template's DefinitionSubstitutions, resolved for a sample deployment, as Step
// Functions receives it.
func (m *machine) substituted(s sample) (map[string]any, error) {
	subs, _ := at(m.resource, "Properties", "DefinitionSubstitutions").(map[string]any)
	var err error
	text := subPattern.ReplaceAllStringFunc(m.defText, func(ref string) string {
		name := ref[2 : len(ref)-1]
		v, ok := subs[name]
		if !ok {
			err = fmt.Errorf("placeholder %s has no DefinitionSubstitution", ref)
			return ref
		}
		val, e := m.resolve(v, s)
		if e != nil {
			err = fmt.Errorf("substitution %s: %w", name, e)
		}
		b, _ := json.Marshal(val)
		return string(b[1 : len(b)-1])
	})
	if err != nil {
		return nil, err
	}
	var def map[string]any
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&def); err != nil {
		return nil, fmt.Errorf("definition after substitution: %w", err)
	}
	return def, nil
}

// stateMachineCheck is one rule the state machine follows.
type stateMachineCheck struct {
	name string
	run  func(r reporter, m *machine)
}

var stateMachineChecks = []stateMachineCheck{
	{"resource", checkMachineResource},
	{"substitutions", checkSubstitutions},
	{"states-reachable", checkReachable},
	{"distributed-map", checkDistributedMap},
	{"item-reader-on-published-shards", checkItemReader},
	{"child-input-is-a-generate-request", checkChildInput},
	{"pacing", checkPacing},
	{"retries", checkRetries},
	{"machine-policies", checkMachinePolicies},
}

func TestStateMachine(t *testing.T) {
	m := loadMachine(t)
	for _, c := range stateMachineChecks {
		t.Run(c.name, func(t *testing.T) { c.run(t, m) })
	}
}

// checkMachineResource: a Standard state machine with a fixed name (its policy
// names its own ARN), created only when a dataset version is deployed.
func checkMachineResource(r reporter, m *machine) {
	if got := at(m.resource, "Type"); got != "AWS::Serverless::StateMachine" {
		r.Errorf("%s: Type %v, want AWS::Serverless::StateMachine", stateMachineID, got)
	}
	cond, _ := at(m.resource, "Condition").(string)
	if c := at(m.doc, "Conditions", cond); cond == "" || !strings.Contains(jsonOf(c), `"Ref":"DatasetVersion"`) {
		r.Errorf("%s: Condition %q (%s), want one on DatasetVersion being set: without a published dataset there are no shards", stateMachineID, cond, jsonOf(c))
	}
	if got := at(m.resource, "Properties", "Type"); got != "STANDARD" {
		r.Errorf("%s: Type %v, want STANDARD (a Distributed Map's parent runs for as long as the run)", stateMachineID, got)
	}
	if name, err := m.resolve(at(m.resource, "Properties", "Name"), sample{}); err != nil || name != "stack-generate" {
		r.Errorf("%s: Name %s, want \"${AWS::StackName}-generate\" (%v)", stateMachineID, jsonOf(at(m.resource, "Properties", "Name")), err)
	}
}

// checkSubstitutions: every placeholder in the definition has a substitution, and
// every substitution is used.
func checkSubstitutions(r reporter, m *machine) {
	subs, _ := at(m.resource, "Properties", "DefinitionSubstitutions").(map[string]any)
	used := map[string]bool{}
	for _, ref := range subPattern.FindAllString(m.defText, -1) {
		used[ref[2:len(ref)-1]] = true
	}
	for _, name := range slices.Sorted(maps.Keys(used)) {
		if _, ok := subs[name]; !ok {
			r.Errorf("definition uses ${%s}, which DefinitionSubstitutions does not give", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(subs)) {
		if !used[name] {
			r.Errorf("DefinitionSubstitutions gives %s, which the definition never uses", name)
		}
	}
	if _, err := m.substituted(sample{version: strings.Repeat("a", 64)}); err != nil {
		r.Errorf("%v", err)
	}
}

// states returns a States object's states.
func states(v any) map[string]map[string]any {
	out := map[string]map[string]any{}
	obj, _ := at(v, "States").(map[string]any)
	for name, s := range obj {
		st, _ := s.(map[string]any)
		out[name] = st
	}
	return out
}

// transitions lists the states a state can go to next.
func transitions(st map[string]any) []string {
	var next []string
	add := func(v any) {
		if s, ok := v.(string); ok {
			next = append(next, s)
		}
	}
	add(st["Next"])
	add(st["Default"])
	for _, c := range list(st["Choices"]) {
		add(at(c, "Next"))
	}
	for _, c := range list(st["Catch"]) {
		add(at(c, "Next"))
	}
	return next
}

// checkGraph checks one States object (the machine, or a Map's ItemProcessor): the
// start state exists, every transition names a state, every state is reachable
// from the start, and every state either goes on or ends.
func checkGraph(r reporter, where string, v any) {
	sts := states(v)
	start, _ := at(v, "StartAt").(string)
	if len(sts) == 0 {
		r.Errorf("%s: no States", where)
		return
	}
	if _, ok := sts[start]; !ok {
		r.Errorf("%s: StartAt %q is not a state", where, start)
		return
	}
	reached := map[string]bool{start: true}
	queue := []string{start}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		st := sts[name]
		next := transitions(st)
		terminal := st["End"] == true || st["Type"] == "Succeed" || st["Type"] == "Fail"
		if len(next) == 0 && !terminal {
			r.Errorf("%s: state %q neither goes on nor ends", where, name)
		}
		for _, n := range next {
			if _, ok := sts[n]; !ok {
				r.Errorf("%s: state %q goes to %q, which is not a state", where, name, n)
				continue
			}
			if !reached[n] {
				reached[n] = true
				queue = append(queue, n)
			}
		}
		if proc, ok := st["ItemProcessor"]; ok {
			checkGraph(r, where+" > "+name+".ItemProcessor", proc)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(sts)) {
		if !reached[name] {
			r.Errorf("%s: state %q cannot be reached from %q", where, name, start)
		}
	}
}

func checkReachable(r reporter, m *machine) { checkGraph(r, "definition", m.def) }

// mapStates returns the machine's Map states, by name, at the top level.
func mapStates(def map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for name, st := range states(def) {
		if st["Type"] == "Map" {
			out[name] = st
		}
	}
	return out
}

// theMap returns the one Map state, reporting when there is not exactly one.
func theMap(r reporter, def map[string]any) (string, map[string]any, bool) {
	maps := mapStates(def)
	if len(maps) != 1 {
		r.Errorf("definition has %d Map states at the top level, want one", len(maps))
		return "", nil, false
	}
	for name, st := range maps {
		return name, st, true
	}
	return "", nil, false
}

// checkDistributedMap: the Map runs each item as a child execution, and writes its
// results to S3 rather than into its output (4,096 child results would not fit the
// 256 KiB a state's output may hold).
func checkDistributedMap(r reporter, m *machine) {
	name, st, ok := theMap(r, m.def)
	if !ok {
		return
	}
	if got := at(st, "ItemProcessor", "ProcessorConfig", "Mode"); got != "DISTRIBUTED" {
		r.Errorf("%s: ItemProcessor.ProcessorConfig.Mode = %v, want DISTRIBUTED", name, got)
	}
	if got := at(st, "ItemProcessor", "ProcessorConfig", "ExecutionType"); got != "STANDARD" && got != "EXPRESS" {
		r.Errorf("%s: ItemProcessor.ProcessorConfig.ExecutionType = %v, want STANDARD or EXPRESS", name, got)
	}
	if _, ok := st["Iterator"]; ok {
		r.Errorf("%s: uses Iterator (Inline Map); a Distributed Map has an ItemProcessor", name)
	}
	if got := at(st, "ResultWriter", "Resource"); got != "arn:aws:states:::s3:putObject" {
		r.Errorf("%s: ResultWriter.Resource = %v, want arn:aws:states:::s3:putObject", name, got)
	}
	def, err := m.substituted(sample{keyPrefix: "prod/", version: strings.Repeat("b", 64)})
	if err != nil {
		r.Errorf("%v", err)
		return
	}
	_, sst, _ := theMap(r, def)
	if got := at(sst, "ResultWriter", "Parameters", "Bucket"); got != "card-bucket" {
		r.Errorf("%s: ResultWriter writes to bucket %v, want the card bucket", name, got)
	}
	if p, _ := at(sst, "ResultWriter", "Parameters", "Prefix").(string); !strings.HasPrefix(p, "prod/runs/") {
		r.Errorf("%s: ResultWriter prefix %q, want under ${KeyPrefix}runs/", name, p)
	}
	tolerated, ok := at(st, "ToleratedFailurePercentage").(json.Number)
	if f, err := tolerated.Float64(); !ok || err != nil || f < 0 || f > 10 {
		r.Errorf("%s: ToleratedFailurePercentage = %v, want a number from 0 to 10", name, at(st, "ToleratedFailurePercentage"))
	}
	// The children invoke the generate function, whose answer is kept small.
	var task map[string]any
	for _, s := range states(at(st, "ItemProcessor")) {
		if s["Type"] == "Task" {
			task = s
		}
	}
	if task == nil {
		r.Errorf("%s: the ItemProcessor has no Task", name)
		return
	}
	if got := task["Resource"]; got != "arn:aws:states:::lambda:invoke" {
		r.Errorf("%s: child task Resource %v, want arn:aws:states:::lambda:invoke", name, got)
	}
	subs, _ := at(m.resource, "Properties", "DefinitionSubstitutions").(map[string]any)
	fn, _ := at(task, "Parameters", "FunctionName").(string)
	if ref := strings.TrimSuffix(strings.TrimPrefix(fn, "${"), "}"); !strings.Contains(jsonOf(subs[ref]), "GenerateFunction") {
		r.Errorf("%s: child task invokes %q (%s), want the generate function", name, fn, jsonOf(subs[ref]))
	}
	if got := at(task, "Parameters", "Payload.$"); got != "$" {
		r.Errorf("%s: child task Payload.$ = %v, want \"$\": the item as selected is the generate request", name, got)
	}
}

// checkItemReader: the items are the objects under the published version's shards
// prefix, the very prefix published.ShardsPrefix names and the functions' FACTCARD_DATASET
// points at, for any key prefix.
func checkItemReader(r reporter, m *machine) {
	name, st, ok := theMap(r, m.def)
	if !ok {
		return
	}
	if got := at(st, "ItemReader", "Resource"); got != "arn:aws:states:::s3:listObjectsV2" {
		r.Errorf("%s: ItemReader.Resource = %v, want arn:aws:states:::s3:listObjectsV2 (the shard objects are the items)", name, got)
	}
	envDataset := at(m.doc, "Globals", "Function", "Environment", "Variables", "FACTCARD_DATASET")
	for _, s := range []sample{{"", strings.Repeat("0", 64), ""}, {"prod/", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ""}} {
		def, err := m.substituted(s)
		if err != nil {
			r.Errorf("%v", err)
			return
		}
		_, sst, _ := theMap(r, def)
		bucket := at(sst, "ItemReader", "Parameters", "Bucket")
		prefix, _ := at(sst, "ItemReader", "Parameters", "Prefix").(string)
		want := published.ShardsPrefix(s.keyPrefix+dataset.DefaultRoot, s.version)
		if bucket != "card-bucket" || prefix != want {
			r.Errorf("%s with KeyPrefix %q: ItemReader lists s3://%v/%s, want s3://card-bucket/%s where 'factcard publish' puts the shards", name, s.keyPrefix, bucket, prefix, want)
		}
		// The functions read the same version: FACTCARD_DATASET when a version is set.
		args, _ := at(envDataset, "Fn::If").([]any)
		if len(args) != 3 {
			r.Errorf("Globals FACTCARD_DATASET = %s, want !If [UseDataset, the URL, \"\"]", jsonOf(envDataset))
			continue
		}
		raw, err := m.resolve(args[1], s)
		if err != nil {
			r.Errorf("FACTCARD_DATASET: %v", err)
			continue
		}
		u, err := dataset.ParseURL(raw)
		if err != nil {
			r.Errorf("FACTCARD_DATASET with KeyPrefix %q resolves to %q: %v", s.keyPrefix, raw, err)
			continue
		}
		if got := published.ShardsPrefix(u.Root, u.Version); u.Bucket != "card-bucket" || got != want {
			r.Errorf("FACTCARD_DATASET %s reads shards at %s, but the Map lists %s", raw, got, want)
		}
	}
}

// checkChildInput: the ItemSelector makes each child's input a generate request for
// one shard, the S3 key of the listed object, with nothing generate does not know.
func checkChildInput(r reporter, m *machine) {
	name, st, ok := theMap(r, m.def)
	if !ok {
		return
	}
	sel, _ := st["ItemSelector"].(map[string]any)
	if sel["shard.$"] != "$$.Map.Item.Value.Key" {
		r.Errorf("%s: ItemSelector shard.$ = %v, want $$.Map.Item.Value.Key (the listed object's key)", name, sel["shard.$"])
	}
	// Build the child input as Step Functions would, and decode it strictly.
	item := map[string]any{}
	for k, v := range sel {
		if field, ok := strings.CutSuffix(k, ".$"); ok {
			if v == "$$.Map.Item.Value.Key" {
				item[field] = "facts/" + strings.Repeat("c", 64) + "/shards/0007.json"
			} else {
				r.Errorf("%s: ItemSelector %s = %v: only the object's key comes from the item", name, k, v)
			}
			continue
		}
		item[k] = v
	}
	b, _ := json.Marshal(item)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var req cards.GenerateRequest
	if err := dec.Decode(&req); err != nil {
		r.Errorf("%s: a child's input %s is not a generate request: %v", name, b, err)
	}
	if req.Shard == "" || len(req.IDs) != 0 {
		r.Errorf("%s: a child's input %s names no shard, or IDs too", name, b)
	}
}

// checkPacing: the Map's concurrency is bounded (unset, Step Functions runs 10,000
// children at once), comes from the MapMaxConcurrency parameter, and its default is
// at most generate's reserved concurrency, which is itself a parameter.
func checkPacing(r reporter, m *machine) {
	name, st, ok := theMap(r, m.def)
	if !ok {
		return
	}
	def, err := m.substituted(sample{version: strings.Repeat("d", 64)})
	if err != nil {
		r.Errorf("%v", err)
		return
	}
	_, sst, _ := theMap(r, def)
	var limit string
	switch {
	case sst["MaxConcurrency"] != nil:
		limit = fmt.Sprint(sst["MaxConcurrency"])
	case st["MaxConcurrencyPath"] != nil:
		// The path reads what the state before the Map computed.
		path, _ := st["MaxConcurrencyPath"].(string)
		field, _ := strings.CutPrefix(path, "$.")
		for _, prev := range states(def) {
			if prev["Next"] == name {
				expr, _ := at(prev, "Parameters", field+".$").(string)
				if n, ok := strings.CutPrefix(expr, "States.StringToJson('"); ok {
					limit = strings.TrimSuffix(n, "')")
				}
			}
		}
	}
	n, err := strconv.Atoi(limit)
	if err != nil || n < 1 {
		r.Errorf("%s: no bounded MaxConcurrency (got %q): without one Step Functions runs 10,000 children at once", name, limit)
		return
	}
	params, _ := m.doc["Parameters"].(map[string]any)
	mapDefault := fmt.Sprint(at(params, "MapMaxConcurrency", "Default"))
	if limit != mapDefault {
		r.Errorf("%s: MaxConcurrency resolves to %s, want the MapMaxConcurrency parameter (default %s)", name, limit, mapDefault)
	}
	reserved, err := strconv.Atoi(fmt.Sprint(at(params, "GenerateReservedConcurrency", "Default")))
	if err != nil || reserved < n {
		r.Errorf("GenerateReservedConcurrency default %v is below MapMaxConcurrency's %d: children would be throttled from the start", at(params, "GenerateReservedConcurrency", "Default"), n)
	}
	if n > 50 {
		r.Errorf("MapMaxConcurrency default %d: start at 50 or less, S3 takes about 3,500 PUTs a second on a new prefix", n)
	}
	rc := at(m.doc, "Resources", "GenerateFunction", "Properties", "ReservedConcurrentExecutions")
	if !strings.Contains(jsonOf(rc), `"Ref":"GenerateReservedConcurrency"`) {
		r.Errorf("GenerateFunction: ReservedConcurrentExecutions = %s, want the GenerateReservedConcurrency parameter", jsonOf(rc))
	}
}

// checkRetries: a child retries Lambda's own errors, throttling included, and a
// shard generate could not finish (its IncompleteError, by the type name the Lambda
// runtime reports), a bounded number of times.
func checkRetries(r reporter, m *machine) {
	name, st, ok := theMap(r, m.def)
	if !ok {
		return
	}
	retried := map[string]bool{}
	for _, s := range states(at(st, "ItemProcessor")) {
		if s["Type"] != "Task" {
			continue
		}
		for _, rule := range list(s["Retry"]) {
			attempts, _ := at(rule, "MaxAttempts").(json.Number)
			if n, err := attempts.Int64(); err != nil || n < 1 || n > 10 {
				r.Errorf("%s: a Retry has MaxAttempts %v, want 1 to 10", name, at(rule, "MaxAttempts"))
			}
			for _, e := range strs(at(rule, "ErrorEquals")) {
				retried[e] = true
			}
		}
	}
	incomplete := reflect.TypeFor[cards.IncompleteError]().Name()
	for _, e := range []string{"Lambda.TooManyRequestsException", "Lambda.ServiceException", incomplete} {
		if !retried[e] {
			r.Errorf("%s: the child task does not retry %s", name, e)
		}
	}
}

// checkMachinePolicies: the state machine may invoke generate, list the shards,
// write its results, and run its own children; the ListBucket condition covers
// the prefix the item reader lists.
func checkMachinePolicies(r reporter, m *machine) {
	pols := list(at(m.resource, "Properties", "Policies"))
	text := jsonOf(pols)
	if !strings.Contains(text, `"LambdaInvokePolicy":{"FunctionName":{"Ref":"GenerateFunction"}}`) {
		r.Errorf("%s: no LambdaInvokePolicy on GenerateFunction", stateMachineID)
	}
	var actions []string
	for _, p := range pols {
		for _, st := range list(at(p, "Statement")) {
			actions = append(actions, strs(at(st, "Action"))...)
			if a, ok := at(st, "Action").(string); ok {
				actions = append(actions, a)
			}
			if slices.Contains(strs(at(st, "Action")), "s3:ListBucket") || at(st, "Action") == "s3:ListBucket" {
				cond := at(st, "Condition", "StringLike", "s3:prefix")
				got, err := m.resolve(cond, sample{keyPrefix: "prod/", version: strings.Repeat("e", 64)})
				want := published.ShardsPrefix("prod/facts", strings.Repeat("e", 64)) + "*"
				if err != nil || got != want {
					r.Errorf("%s: ListBucket only for prefix %q, want %q (%v)", stateMachineID, got, want, err)
				}
			}
		}
	}
	for _, a := range []string{"s3:ListBucket", "s3:PutObject", "states:StartExecution", "states:DescribeExecution", "states:StopExecution"} {
		if !slices.Contains(actions, a) {
			r.Errorf("%s: policies do not allow %s", stateMachineID, a)
		}
	}
	for _, a := range actions {
		if strings.Contains(a, "*") || a == "s3:DeleteObject" {
			r.Errorf("%s: policies allow %s", stateMachineID, a)
		}
	}
}

// TestStateMachineChecksFail shows that each check can fail: every mutation breaks
// the definition or the resource in a fresh copy, and its check must complain.
func TestStateMachineChecksFail(t *testing.T) {
	mapState := func(m *machine) map[string]any {
		return at(m.def, "States", "Shards").(map[string]any)
	}
	replaceText := func(old, new string) func(*machine) {
		return func(m *machine) {
			m.defText = strings.Replace(m.defText, old, new, 1)
			if err := json.Unmarshal([]byte(m.defText), &m.def); err != nil {
				panic(err)
			}
		}
	}
	for _, tc := range []struct {
		name, check string
		mutate      func(m *machine)
	}{
		{"inline map", "distributed-map", func(m *machine) {
			at(mapState(m), "ItemProcessor", "ProcessorConfig").(map[string]any)["Mode"] = "INLINE"
		}},
		{"no result writer", "distributed-map", func(m *machine) { delete(mapState(m), "ResultWriter") }},
		{"unreachable state", "states-reachable", func(m *machine) {
			at(m.def, "States").(map[string]any)["Orphan"] = map[string]any{"Type": "Succeed"}
		}},
		{"dangling next", "states-reachable", func(m *machine) {
			at(m.def, "States", "Settings").(map[string]any)["Next"] = "Nowhere"
		}},
		{"reader on the version folder", "item-reader-on-published-shards", func(m *machine) {
			subs := at(m.resource, "Properties", "DefinitionSubstitutions").(map[string]any)
			subs["ShardsPrefix"] = map[string]any{"Fn::Sub": "${KeyPrefix}facts/${DatasetVersion}/"}
		}},
		{"reader without key prefix", "item-reader-on-published-shards", func(m *machine) {
			subs := at(m.resource, "Properties", "DefinitionSubstitutions").(map[string]any)
			subs["ShardsPrefix"] = map[string]any{"Fn::Sub": "facts/${DatasetVersion}/shards/"}
		}},
		{"child gets the whole object", "child-input-is-a-generate-request", func(m *machine) {
			sel := mapState(m)["ItemSelector"].(map[string]any)
			delete(sel, "shard.$")
			sel["object.$"] = "$$.Map.Item.Value"
		}},
		{"unbounded concurrency", "pacing", func(m *machine) { delete(mapState(m), "MaxConcurrencyPath") }},
		{"no retry of unfinished shards", "retries", replaceText(`"IncompleteError"`, `"Remaining"`)},
		{"unused substitution", "substitutions", func(m *machine) {
			at(m.resource, "Properties", "DefinitionSubstitutions").(map[string]any)["Spare"] = "x"
		}},
		{"no condition", "resource", func(m *machine) { delete(m.resource, "Condition") }},
		{"delete allowed", "machine-policies", func(m *machine) {
			pols := at(m.resource, "Properties", "Policies").([]any)
			m.resource["Properties"].(map[string]any)["Policies"] = append(pols,
				map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "*"}}})
		}},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			i := slices.IndexFunc(stateMachineChecks, func(c stateMachineCheck) bool { return c.name == tc.check })
			if i < 0 {
				t.Fatalf("no check %q", tc.check)
			}
			m := loadMachine(t)
			tc.mutate(m)
			var rec recorder
			stateMachineChecks[i].run(&rec, m)
			if len(rec.errors) == 0 {
				t.Errorf("check %s passed a machine with %s, want it to fail", tc.check, tc.name)
			}
			for _, e := range rec.errors {
				t.Logf("%s: %s", tc.check, e)
			}
		})
	}
}
