package cards

import (
	"errors"
	"time"

	"github.com/factcard/factcard/functions/storage"
)

// Metrics receives counts of the service's work, for an operator's dashboards and
// alarms (package metrics writes them as CloudWatch metrics). Implementations are
// safe for concurrent use.
type Metrics interface {
	// CardRendered is called after each card rendered and encoded, with the time
	// that took (not the wait for a render slot).
	CardRendered(d time.Duration)
	// CardFromStore is called for each card served as stored.
	CardFromStore()
	// StoreFault is called for each store call that failed for another reason
	// than a missing or already stored card (or a store that cannot list).
	StoreFault()
}

// noMetrics records nothing.
type noMetrics struct{}

func (noMetrics) CardRendered(time.Duration) {}
func (noMetrics) CardFromStore()             {}
func (noMetrics) StoreFault()                {}

// counted reports err from a store call to the metrics when it is a fault, and
// returns it.
func (s *Service) counted(err error) error {
	if err != nil && !errors.Is(err, storage.ErrNotFound) && !errors.Is(err, storage.ErrExists) && !errors.Is(err, errors.ErrUnsupported) {
		s.metrics.StoreFault()
	}
	return err
}
