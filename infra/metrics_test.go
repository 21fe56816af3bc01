package infra_test

import (
	"encoding/json"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/metrics"
	"github.com/factcard/factcard/functions/testsupport/s3server"
)

// metricLines returns the embedded metric format lines the function printed so
// far: JSON lines with an _aws member.
func metricLines(e *emulator) []map[string]any {
	return e.out.Records(func(rec map[string]any) bool { _, ok := rec["_aws"]; return ok })
}

// waitMetricLines waits up to a few seconds for the function's n-th metric line
// (its output reaches the emulator asynchronously) and returns the lines.
func waitMetricLines(t *testing.T, e *emulator, n int) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		lines := metricLines(e)
		if len(lines) >= n || time.Now().After(deadline) {
			if len(lines) < n {
				t.Fatalf("%d metric lines in the function's output, want %d:\n%s", len(lines), n, tail(e.output(), 2000))
			}
			return lines
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkMetricLine checks one EMF line: the namespace, the dimension (the function's
// name as Lambda sets it), every metric it declares present, and the counts.
func checkMetricLine(t *testing.T, line map[string]any, function string, want map[string]float64) {
	t.Helper()
	b, _ := json.Marshal(line)
	var meta struct {
		AWS struct {
			Timestamp         int64
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		} `json:"_aws"`
	}
	if err := json.Unmarshal(b, &meta); err != nil || len(meta.AWS.CloudWatchMetrics) != 1 || meta.AWS.Timestamp == 0 {
		t.Fatalf("metric line %s: want one directive and a timestamp (%v)", b, err)
	}
	d := meta.AWS.CloudWatchMetrics[0]
	if d.Namespace != metrics.Namespace || !slices.EqualFunc(d.Dimensions, [][]string{{metrics.Dimension}}, slices.Equal) || line[metrics.Dimension] != function {
		t.Errorf("metric line %s: want namespace %s, dimension %s = %s", b, metrics.Namespace, metrics.Dimension, function)
	}
	for _, m := range d.Metrics {
		if _, ok := line[m.Name]; !ok {
			t.Errorf("metric line %s declares %s but has no value for it", b, m.Name)
		}
	}
	for name, n := range want {
		if got, _ := line[name].(float64); got != n {
			t.Errorf("metric line %s: %s = %v, want %v", b, name, line[name], n)
		}
	}
	times, _ := line[metrics.RenderTime].([]any)
	if n := want[metrics.CardsRendered]; float64(len(times)) != n {
		t.Errorf("metric line %s: %d render times, want %v", b, len(times), n)
	}
	for _, v := range times {
		if ms, _ := v.(float64); ms <= 0 || ms > 10000 {
			t.Errorf("metric line %s: render time %v ms, want a positive time under 10 s", b, v)
		}
	}
}

// TestMetricsOnLambda runs both bootstraps under the emulator and checks the
// metric lines they print (CloudWatch's embedded metric format): a card rendered
// and stored, then served from the store; a store that is down; and generate's
// renders.
func TestMetricsOnLambda(t *testing.T) {
	rie := rieBinary(t)
	srv := s3server.Start(t)
	bucket := srv.CreateBucket(t, "")

	t.Run("api", func(t *testing.T) {
		emu := startEmulator(t, "api", rie, bootstrap(t, "api"), append(srv.Env(), "FACTCARD_BUCKET="+bucket))
		var resp events.APIGatewayV2HTTPResponse
		emu.invokeJSON(t, "api-card.json", &resp)
		lines := waitMetricLines(t, emu, 1)
		checkMetricLine(t, lines[0], "factcard-api", map[string]float64{metrics.CardsRendered: 1, metrics.CardsFromStore: 0, metrics.StoreFaults: 0})
		emu.invokeJSON(t, "api-card.json", &resp)
		lines = waitMetricLines(t, emu, 2)
		checkMetricLine(t, lines[1], "factcard-api", map[string]float64{metrics.CardsRendered: 0, metrics.CardsFromStore: 1, metrics.StoreFaults: 0})
		emu.invokeJSON(t, "api-healthz.json", &resp)
		emu.invokeJSON(t, "api-card.json", &resp)
		lines = waitMetricLines(t, emu, 3)
		if len(lines) != 3 {
			t.Errorf("%d metric lines after a health check and a third card, want 3: a health check counts nothing", len(lines))
		}
	})

	t.Run("api-store-down", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closed := "http://" + l.Addr().String()
		l.Close()
		env := append(srv.Env(), "FACTCARD_BUCKET="+bucket, "FACTCARD_S3_ENDPOINT="+closed, "FACTCARD_STORE_TIMEOUT=500ms")
		emu := startEmulator(t, "api", rie, bootstrap(t, "api"), env)
		var resp events.APIGatewayV2HTTPResponse
		emu.invokeJSON(t, "api-card.json", &resp)
		if resp.StatusCode != 200 {
			t.Fatalf("card with the store down: status %d, want 200 (rendered anyway)", resp.StatusCode)
		}
		lines := waitMetricLines(t, emu, 1)
		checkMetricLine(t, lines[0], "factcard-api", map[string]float64{metrics.CardsRendered: 1, metrics.CardsFromStore: 0, metrics.StoreFaults: 1})
	})

	t.Run("generate", func(t *testing.T) {
		// A bucket of its own, so that the card is missing and generate renders it.
		emu := startEmulator(t, "generate", rie, bootstrap(t, "generate"), append(srv.Env(), "FACTCARD_BUCKET="+srv.CreateBucket(t, "")))
		var rep cards.GenerateReport
		emu.invokeJSON(t, "generate-one.json", &rep)
		if rep.Rendered != 1 {
			t.Fatalf("generate-one.json: report %+v, want one card rendered", rep)
		}
		lines := waitMetricLines(t, emu, 1)
		checkMetricLine(t, lines[0], "factcard-generate", map[string]float64{metrics.CardsRendered: float64(rep.Rendered), metrics.StoreFaults: 0})
	})
}
