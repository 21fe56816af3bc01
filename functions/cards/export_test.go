package cards

import "testing"

// LogBuffer lets the external tests (package cards_test) capture the service's
// JSON log the way the internal ones do.
type LogBuffer = logBuffer

// Records returns the log records whose message is one of msgs.
func (l *LogBuffer) Records(t *testing.T, msgs ...string) []map[string]any {
	t.Helper()
	return l.records(t, msgs...)
}
