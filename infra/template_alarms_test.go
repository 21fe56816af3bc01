package infra_test

// The checks of the operator's alarms (issue 21): which metrics the template
// watches, that every alarm tells the SNS topic, and the optional e-mail.

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/factcard/factcard/functions/metrics"
)

// watched is one metric an alarm reads.
type watched struct {
	namespace, name string
	dims            map[string]any // dimension name → raw value ({"Ref": …})
}

// alarmMetrics returns the metrics an alarm reads: its own Namespace and
// MetricName, or each MetricStat of its Metrics.
func alarmMetrics(props any) []watched {
	one := func(m any) watched {
		w := watched{dims: map[string]any{}}
		w.namespace, _ = at(m, "Namespace").(string)
		w.name, _ = at(m, "MetricName").(string)
		for _, d := range list(at(m, "Dimensions")) {
			if n, ok := at(d, "Name").(string); ok {
				w.dims[n] = at(d, "Value")
			}
		}
		return w
	}
	if at(props, "MetricName") != nil {
		return []watched{one(props)}
	}
	var out []watched
	for _, m := range list(at(props, "Metrics")) {
		if stat := at(m, "MetricStat", "Metric"); stat != nil {
			out = append(out, one(stat))
		}
	}
	return out
}

// wantedAlarm is an alarm the template must have: one on metric name in
// namespace, with dimension dim referring to resource ref, made under condition
// (empty: always).
type wantedAlarm struct {
	what, namespace, name, dim, ref, condition string
	alsoReads                                  string // another metric the same alarm must read (a rate's denominator)
}

var wantedAlarms = []wantedAlarm{
	{"API 5xx rate", "AWS/ApiGateway", "5xx", "ApiId", "HttpApi", "", "Count"},
	{"api function errors", "AWS/Lambda", "Errors", "FunctionName", "ApiFunction", "", ""},
	{"api function throttles", "AWS/Lambda", "Throttles", "FunctionName", "ApiFunction", "", ""},
	{"generate function errors", "AWS/Lambda", "Errors", "FunctionName", "GenerateFunction", "", ""},
	{"generate function throttles", "AWS/Lambda", "Throttles", "FunctionName", "GenerateFunction", "", ""},
	{"failed generate runs", "AWS/States", "ExecutionsFailed", "StateMachineArn", "GenerateStateMachine", "UseDataset", ""},
	{"api store faults", metrics.Namespace, metrics.StoreFaults, metrics.Dimension, "ApiFunction", "", ""},
}

// checkAlarms: the alarms of wantedAlarms exist; every alarm notifies the SNS
// topic when it fires and when it clears, treats missing data as fine (no traffic
// is no fault), says in its description where the README explains it, and reads
// only metrics the functions emit when it reads factcard's own; the topic's e-mail
// subscription exists exactly when AlarmEmail, empty by default, is set.
func checkAlarms(r reporter, doc map[string]any) {
	res, _ := doc["Resources"].(map[string]any)
	topics := resourcesOfType(doc, "AWS::SNS::Topic")
	if len(topics) != 1 {
		r.Errorf("SNS topics %q, want one for the alarms", topics)
		return
	}
	topic := topics[0]
	alarms := resourcesOfType(doc, "AWS::CloudWatch::Alarm")
	emitted := []string{metrics.CardsRendered, metrics.RenderTime, metrics.StoreFaults, metrics.CardsFromStore}
	for _, id := range alarms {
		props := at(res[id], "Properties")
		for _, k := range []string{"AlarmActions", "OKActions"} {
			if !slices.ContainsFunc(list(at(props, k)), func(v any) bool { return at(v, "Ref") == topic }) {
				r.Errorf("%s: %s %s, want !Ref %s", id, k, jsonOf(at(props, k)), topic)
			}
		}
		if at(props, "TreatMissingData") != "notBreaching" {
			r.Errorf("%s: TreatMissingData %s, want notBreaching", id, jsonOf(at(props, "TreatMissingData")))
		}
		if d, _ := at(props, "AlarmDescription").(string); !strings.Contains(d, "README") {
			r.Errorf("%s: AlarmDescription %q, want it to point at the README's Alarms section", id, d)
		}
		for _, w := range alarmMetrics(props) {
			if w.namespace == metrics.Namespace && !slices.Contains(emitted, w.name) {
				r.Errorf("%s: reads %s/%s, which the functions do not emit (they emit %v)", id, w.namespace, w.name, emitted)
			}
		}
	}
	for _, want := range wantedAlarms {
		found := false
		for _, id := range alarms {
			ws := alarmMetrics(at(res[id], "Properties"))
			match := func(name string) bool {
				return slices.ContainsFunc(ws, func(w watched) bool {
					return w.namespace == want.namespace && w.name == name && at(w.dims[want.dim], "Ref") == want.ref
				})
			}
			if !match(want.name) || (want.alsoReads != "" && !match(want.alsoReads)) {
				continue
			}
			found = true
			if c, _ := at(res[id], "Condition").(string); c != want.condition {
				r.Errorf("%s (%s): Condition %q, want %q", id, want.what, c, want.condition)
			}
		}
		if !found {
			extra := ""
			if want.alsoReads != "" {
				extra = fmt.Sprintf(" and %s", want.alsoReads)
			}
			r.Errorf("no alarm for %s: none reads %s %s%s with %s = !Ref %s", want.what, want.namespace, want.name, extra, want.dim, want.ref)
		}
	}
	p, _ := at(doc, "Parameters", "AlarmEmail").(map[string]any)
	if p == nil || p["Default"] != "" {
		r.Errorf("parameter AlarmEmail = %s, want a String defaulting to \"\"", jsonOf(p))
	}
	subs := resourcesOfType(doc, "AWS::SNS::Subscription")
	if len(subs) != 1 {
		r.Errorf("SNS subscriptions %q, want one (the e-mail)", subs)
		return
	}
	sub := res[subs[0]]
	cond, _ := at(sub, "Condition").(string)
	def := jsonOf(at(doc, "Conditions", cond))
	if !strings.Contains(def, `"Ref":"AlarmEmail"`) || !strings.Contains(def, "Fn::Not") {
		r.Errorf("%s: Condition %q = %s, want one that holds when AlarmEmail is not empty", subs[0], cond, def)
	}
	sp := at(sub, "Properties")
	if at(sp, "Protocol") != "email" || at(sp, "Endpoint", "Ref") != "AlarmEmail" || at(sp, "TopicArn", "Ref") != topic {
		r.Errorf("%s: %s, want Protocol email, Endpoint !Ref AlarmEmail, TopicArn !Ref %s", subs[0], jsonOf(sp), topic)
	}
	if !slices.Contains(slices.Collect(maps.Keys(at(doc, "Outputs").(map[string]any))), "AlarmTopicArn") {
		r.Errorf("no output AlarmTopicArn: an operator needs the topic to subscribe to")
	}
}
