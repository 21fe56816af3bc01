// Package metrics counts what a function's card service does and writes the counts
// as CloudWatch embedded metric format (EMF) lines: one JSON object a line, which
// CloudWatch Logs turns into metrics when a Lambda function prints it. The
// metrics are in Namespace with one dimension, FunctionName, so the template's
// alarms and a dashboard can tell the two functions apart.
//
// A Recorder implements cards.Metrics. The mains make one on standard output and
// flush it after every invocation; nothing is sent anywhere by this package.
package metrics

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"
)

// Namespace is the CloudWatch namespace of every metric.
const Namespace = "factcard"

// Dimension is the one dimension of every metric: the Lambda function's name.
const Dimension = "FunctionName"

// The metrics, as CloudWatch shows them.
const (
	// CardsRendered counts cards drawn and encoded (Count).
	CardsRendered = "CardsRendered"
	// RenderTime is the time of each render and encode (Milliseconds).
	RenderTime = "RenderTime"
	// StoreFaults counts store calls that failed for another reason than a
	// missing or already stored card: S3 down, slow past the deadline, refusing
	// the credentials (Count).
	StoreFaults = "StoreFaults"
	// CardsFromStore counts cards served as stored, without a render (Count).
	CardsFromStore = "CardsFromStore"
)

// maxValues is the most values of one metric an EMF line may hold.
const maxValues = 100

// Recorder counts and writes EMF lines. It is safe for concurrent use; a nil
// Recorder records nothing.
type Recorder struct {
	mu       sync.Mutex
	w        io.Writer
	function string
	now      func() time.Time

	rendered, fromStore, faults int
	renderMs                    []float64
	err                         error // of a write between two Flushes
}

// New returns a Recorder that writes to w, each line with function as its
// FunctionName.
func New(w io.Writer, function string) *Recorder {
	return &Recorder{w: w, function: function, now: time.Now}
}

// CardRendered records one card rendered in d. A line is written at once when a
// line's worth of render times has gathered.
func (r *Recorder) CardRendered(d time.Duration) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rendered++
	r.renderMs = append(r.renderMs, float64(d.Microseconds())/1000)
	if len(r.renderMs) == maxValues {
		if err := r.flushLocked(); err != nil && r.err == nil {
			r.err = err
		}
	}
}

// CardFromStore records one card served from the store.
func (r *Recorder) CardFromStore() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.fromStore++
	r.mu.Unlock()
}

// StoreFault records one failed store call.
func (r *Recorder) StoreFault() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.faults++
	r.mu.Unlock()
}

// Flush writes what was recorded since the last line as one line, if anything
// was, and starts counting afresh. It returns the error of this write, or of one
// since the last Flush.
func (r *Recorder) Flush() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.flushLocked()
	if r.err != nil {
		err, r.err = r.err, nil
	}
	return err
}

// metric names one metric of a line and its unit.
type metric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

// directive tells CloudWatch which members of the line are metrics.
type directive struct {
	Namespace  string     `json:"Namespace"`
	Dimensions [][]string `json:"Dimensions"`
	Metrics    []metric   `json:"Metrics"`
}

// line is one EMF document: the metadata under _aws, the dimension and the
// values at the root.
type line struct {
	AWS struct {
		Timestamp         int64       `json:"Timestamp"`
		CloudWatchMetrics []directive `json:"CloudWatchMetrics"`
	} `json:"_aws"`
	Message        string    `json:"message"`
	FunctionName   string    `json:"FunctionName"`
	CardsRendered  int       `json:"CardsRendered"`
	RenderTime     []float64 `json:"RenderTime,omitempty"`
	StoreFaults    int       `json:"StoreFaults"`
	CardsFromStore int       `json:"CardsFromStore"`
}

func (r *Recorder) flushLocked() error {
	if r.rendered == 0 && r.fromStore == 0 && r.faults == 0 {
		return nil
	}
	var l line
	l.AWS.Timestamp = r.now().UnixMilli()
	d := directive{Namespace: Namespace, Dimensions: [][]string{{Dimension}}, Metrics: []metric{
		{CardsRendered, "Count"}, {StoreFaults, "Count"}, {CardsFromStore, "Count"},
	}}
	if len(r.renderMs) > 0 {
		d.Metrics = append(d.Metrics, metric{RenderTime, "Milliseconds"})
	}
	l.AWS.CloudWatchMetrics = []directive{d}
	l.Message = "metrics"
	l.FunctionName = r.function
	l.CardsRendered, l.RenderTime, l.StoreFaults, l.CardsFromStore = r.rendered, r.renderMs, r.faults, r.fromStore
	b, err := json.Marshal(l)
	if err == nil {
		// One write a line, so that lines from other writers of the same output
		// (the logger) never interleave with it.
		_, err = r.w.Write(append(b, '\n'))
	}
	r.rendered, r.fromStore, r.faults, r.renderMs = 0, 0, 0, nil
	if err != nil {
		return fmt.Errorf("write metrics: %w", err)
	}
	return nil
}
