package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress draws a progress bar on a terminal, or a few plain lines elsewhere (a
// log, a CI run), so long work never looks stuck.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	label   string
	total   int
	tty     bool
	start   time.Time
	lastPct int
}

func newProgress(w io.Writer, label string, total int) *progress {
	return &progress{w: w, label: label, total: total, tty: isTerminal(w), start: time.Now(), lastPct: -1}
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Update records that done of total items are finished.
func (p *progress) Update(done int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.total <= 0 {
		return
	}
	pct := done * 100 / p.total
	if p.tty {
		const width = 30
		filled := done * width / p.total
		fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d %3d%% %5.1fs", p.label,
			strings.Repeat("█", filled), strings.Repeat("·", width-filled), done, p.total, pct,
			time.Since(p.start).Seconds())
		return
	}
	// Off a terminal, one line per tenth of the work.
	if step := pct / 10 * 10; step > p.lastPct && (step > 0 || done == p.total) {
		p.lastPct = step
		fmt.Fprintf(p.w, "%s: %d/%d (%d%%)\n", p.label, done, p.total, pct)
	}
}

// Finish ends the bar's line on a terminal.
func (p *progress) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		fmt.Fprintln(p.w)
	}
}
