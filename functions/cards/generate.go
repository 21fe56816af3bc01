package cards

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/panicerr"
	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/render"
)

// GenerateRequest says which cards to store. An empty list means all of that kind.
type GenerateRequest struct {
	IDs    []string `json:"ids"`
	Sizes  []string `json:"sizes"`
	Themes []string `json:"themes"`
	// Shard, instead of IDs, names one shard of a published dataset by its key (as
	// a Step Functions item reader lists it): every fact in it.
	Shard string `json:"shard,omitempty"`
}

// Failure is one card that could not be stored, and why.
type Failure struct {
	ID    string `json:"id"`
	Size  string `json:"size"`
	Theme string `json:"theme"`
	Error string `json:"error"`
}

// GenerateReport is what a Generate run did.
type GenerateReport struct {
	// Rendered counts cards rendered and written by this run.
	Rendered int `json:"rendered"`
	// Skipped counts cards that were already stored.
	Skipped int `json:"skipped"`
	// Failed lists the cards that could not be stored, including unknown IDs,
	// sizes and themes.
	Failed []Failure `json:"failed"`
	// Remaining counts cards not attempted because the deadline was near or the
	// run was cancelled; running again finishes them.
	Remaining int `json:"remaining"`
	// FailuresNotListed counts failures left out of Failed by Capped.
	FailuresNotListed int `json:"failures_not_listed,omitempty"`
}

// GenerateOptions tunes a Generate run.
type GenerateOptions struct {
	// Concurrency bounds the cards worked on at once; zero means 2 × GOMAXPROCS.
	Concurrency int
	// Progress, if set, is called after each card with the number done and the total.
	// Calls are serialised.
	Progress func(done, total int)
	// Margin is how long before the context's deadline to stop starting cards, so
	// the run can report before it is killed; zero means two store timeouts plus a
	// second.
	Margin time.Duration
}

// job is one card to store, or a request entry that is already known to fail.
type job struct {
	id, size, theme string
	ref             Ref
	err             error
}

// Limits on one generate request, checked before any work: a request is a list of
// jobs held in memory, and a Lambda invocation has minutes, not hours.
const (
	// MaxGenerateFacts is the most facts one request covers: the IDs it names, or
	// the whole dataset when it names none. Larger datasets are generated in
	// requests of at most this many IDs (the Distributed Map's batches).
	MaxGenerateFacts = 10_000
	// MaxGenerateValues is the most sizes, and the most themes, a request may list.
	MaxGenerateValues = 16
)

// MaxGenerateCards is the most cards one request may expand to: MaxGenerateFacts
// facts in every size and theme of the brand (80,000 with four sizes and two
// themes).
func (s *Service) MaxGenerateCards() int {
	return MaxGenerateFacts * len(render.Sizes()) * len(s.Themes())
}

// ErrRequestTooLarge is returned, wrapped with the numbers, for a generate request
// over the limits.
var ErrRequestTooLarge = errors.New("generate request too large")

// CheckGenerate reports, without any I/O, whether req is within the limits:
// at most MaxGenerateFacts facts, MaxGenerateValues sizes and themes, and
// MaxGenerateCards cards in all.
func (s *Service) CheckGenerate(req GenerateRequest) error {
	if n := len(req.IDs); n > MaxGenerateFacts {
		return fmt.Errorf("%w: %d IDs, at most %d per request: split the list", ErrRequestTooLarge, n, MaxGenerateFacts)
	}
	for _, l := range []struct {
		name string
		n    int
	}{{"sizes", len(req.Sizes)}, {"themes", len(req.Themes)}} {
		if l.n > MaxGenerateValues {
			return fmt.Errorf("%w: %d %s, at most %d", ErrRequestTooLarge, l.n, l.name, MaxGenerateValues)
		}
	}
	nFacts := len(dedupe(req.IDs))
	if req.Shard != "" {
		// A shard is a few hundred facts; its size is in the dataset's manifest. A
		// key that names no shard fails in plan, saying so.
		if sharded, ok := s.facts.(facts.Sharded); ok {
			nFacts, _ = sharded.ShardLen(req.Shard)
		}
	} else if nFacts == 0 {
		if nFacts = s.facts.Len(); nFacts > MaxGenerateFacts {
			return fmt.Errorf("%w: all %d facts of the dataset, at most %d per request: name the IDs, %d at most per request",
				ErrRequestTooLarge, nFacts, MaxGenerateFacts, MaxGenerateFacts)
		}
	}
	nSizes, nThemes := len(dedupe(req.Sizes)), len(dedupe(req.Themes))
	if nSizes == 0 {
		nSizes = len(render.Sizes())
	}
	if nThemes == 0 {
		nThemes = len(s.Themes())
	}
	if n := nFacts * nSizes * nThemes; n > s.MaxGenerateCards() {
		return fmt.Errorf("%w: %d facts × %d sizes × %d themes = %d cards, at most %d per request",
			ErrRequestTooLarge, nFacts, nSizes, nThemes, n, s.MaxGenerateCards())
	}
	return nil
}

// Generate stores every requested card that is missing, with bounded concurrency.
// It is idempotent: a second run skips what the first stored. It stops starting new
// cards shortly before ctx's deadline and reports what remains. A request over the
// limits (CheckGenerate) is an error before any work.
func (s *Service) Generate(ctx context.Context, req GenerateRequest, opts GenerateOptions) (GenerateReport, error) {
	if err := s.CheckGenerate(req); err != nil {
		return GenerateReport{Failed: []Failure{}}, err
	}
	jobs := s.plan(ctx, req)
	workers := opts.Concurrency
	if workers <= 0 {
		workers = 2 * runtime.GOMAXPROCS(0)
	}
	margin := opts.Margin
	if margin <= 0 {
		margin = 2*s.storeTimeout + time.Second
	}
	stopAt, hasDeadline := ctx.Deadline()
	stopAt = stopAt.Add(-margin)
	stored := s.listings(jobs)

	var (
		mu     sync.Mutex
		report = GenerateReport{Failed: []Failure{}}
		done   int
		next   int
	)
	take := func() (job, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= len(jobs) || ctx.Err() != nil || (hasDeadline && time.Now().After(stopAt)) {
			return job{}, false
		}
		j := jobs[next]
		next++
		return j, true
	}
	record := func(j job, stored bool, err error) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err != nil:
			report.Failed = append(report.Failed, Failure{ID: j.id, Size: j.size, Theme: j.theme, Error: err.Error()})
		case stored:
			report.Rendered++
		default:
			report.Skipped++
		}
		done++
		if opts.Progress != nil {
			opts.Progress(done, len(jobs))
		}
	}

	var wg sync.WaitGroup
	for range min(workers, max(len(jobs), 1)) {
		wg.Go(func() {
			for {
				j, ok := take()
				if !ok {
					return
				}
				if j.err != nil {
					record(j, false, j.err)
					continue
				}
				// A worker is a goroutine of its own: a panic in one card fails that
				// card, never the run or the process.
				wrote, err := panicerr.Call(func() (bool, error) { return s.ensure(ctx, j.ref, stored[j.ref.Fact.ID]) })
				record(j, wrote, s.panicked(ctx, j.ref.Key, err))
			}
		})
	}
	wg.Wait()
	report.Remaining = len(jobs) - done
	slices.SortFunc(report.Failed, func(a, b Failure) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Size, b.Size), cmp.Compare(a.Theme, b.Theme))
	})
	return report, nil
}

// plan expands a request into the cross product of IDs, sizes and themes, in a
// stable order, with unknown values (and a dataset that cannot be read) as jobs that
// fail.
func (s *Service) plan(ctx context.Context, req GenerateRequest) []job {
	var (
		targets []target
		jobs    []job
	)
	if req.Shard != "" {
		// A shard that cannot be read, even by panicking, fails as a whole: the
		// report says so and the Map retries it.
		all, err := panicerr.Call(func() ([]facts.Fact, error) { return s.shardFacts(ctx, req) })
		if pe, ok := panicerr.As(err); ok {
			s.log.ErrorContext(ctx, "shard panicked; recorded as failed", "shard", truncateID(req.Shard), "panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))
			err = fmt.Errorf("read shard: %w", err)
		}
		if err != nil {
			jobs = append(jobs, job{err: err})
		}
		for _, f := range all {
			targets = append(targets, target{id: f.ID, fact: f})
		}
	} else if ids := dedupe(req.IDs); len(ids) > 0 {
		for _, id := range ids {
			f, err := s.facts.Fact(ctx, id)
			if errors.Is(err, ErrNotFound) {
				err = fmt.Errorf("no fact with ID %q", truncateID(id))
			}
			targets = append(targets, target{id: id, fact: f, err: err})
		}
	} else {
		all, err := s.allFacts(ctx)
		if err != nil {
			jobs = append(jobs, job{err: err})
		}
		for _, f := range all {
			targets = append(targets, target{id: f.ID, fact: f})
		}
	}
	sizes := dedupe(req.Sizes)
	if len(sizes) == 0 {
		for _, sz := range render.Sizes() {
			sizes = append(sizes, string(sz))
		}
	}
	themes := dedupe(req.Themes)
	if len(themes) == 0 {
		for _, th := range s.Themes() {
			themes = append(themes, string(th))
		}
	}
	for _, t := range targets {
		for _, size := range sizes {
			for _, theme := range themes {
				j := job{id: t.id, size: size, theme: theme}
				j.ref, j.err = s.planRef(t, size, theme)
				jobs = append(jobs, j)
			}
		}
	}
	return jobs
}

// target is one fact a request names, or the error of looking it up.
type target struct {
	id   string
	fact facts.Fact
	err  error
}

// shardFacts reads the facts of the shard a request names.
func (s *Service) shardFacts(ctx context.Context, req GenerateRequest) ([]facts.Fact, error) {
	if len(req.IDs) > 0 {
		return nil, errors.New("give ids or shard, not both")
	}
	sharded, ok := s.facts.(facts.Sharded)
	if !ok {
		return nil, fmt.Errorf("shard %q: the dataset is not a published one, so it has no shards", truncateID(req.Shard))
	}
	all, err := sharded.ShardFacts(ctx, req.Shard)
	if err != nil {
		return nil, fmt.Errorf("read shard: %w", err)
	}
	return all, nil
}

// allFacts pages through the whole dataset.
func (s *Service) allFacts(ctx context.Context) ([]facts.Fact, error) {
	var all []facts.Fact
	cursor := ""
	for {
		p, err := s.facts.List(ctx, cursor, 500)
		if err != nil {
			return all, fmt.Errorf("list the dataset: %w", err)
		}
		all = append(all, p.Facts...)
		if p.Next == "" {
			return all, nil
		}
		cursor = p.Next
	}
}

func (s *Service) planRef(t target, size, theme string) (Ref, error) {
	sz, err := render.ParseSize(size)
	if err != nil {
		return Ref{}, err
	}
	th, err := s.ParseTheme(theme)
	if err != nil {
		return Ref{}, err
	}
	if t.err != nil {
		return Ref{}, t.err
	}
	return s.FactRef(t.fact, render.Options{Size: sz, Theme: th, Format: render.FormatPNG})
}

// listing is the card keys of one fact already in the store, listed once for all
// the fact's cards: one request instead of a Head each.
type listing struct {
	once sync.Once
	keys map[string]bool
	err  error
}

// listings returns a listing to fill for each fact the jobs cover, when the store
// can list; nil otherwise.
func (s *Service) listings(jobs []job) map[string]*listing {
	if _, ok := s.store.(storage.Lister); !ok {
		return nil
	}
	out := map[string]*listing{}
	for _, j := range jobs {
		if j.err == nil && out[j.ref.Fact.ID] == nil {
			out[j.ref.Fact.ID] = &listing{}
		}
	}
	return out
}

// has reports whether the store holds key, from the fact's listing, made on first
// use. ok is false when the store could not list: then ask it with Head.
func (s *Service) has(ctx context.Context, l *listing, ref Ref) (has, ok bool) {
	if l == nil {
		return false, false
	}
	l.once.Do(func() {
		ctx, cancel := context.WithTimeout(ctx, s.storeTimeout)
		defer cancel()
		keys, err := storage.Within(ctx, func() ([]string, error) {
			return s.store.(storage.Lister).List(ctx, KeyPrefix()+ref.Fact.ID+"/")
		})
		l.err = s.counted(err)
		l.keys = make(map[string]bool, len(keys))
		for _, k := range keys {
			l.keys[k] = true
		}
	})
	return l.keys[ref.Key], l.err == nil
}

// ensure stores the card if it is missing. It reports whether this call wrote it.
// With a listing of the fact's stored cards it asks the store nothing more before
// rendering; without one it asks with Head.
func (s *Service) ensure(ctx context.Context, ref Ref, l *listing) (bool, error) {
	if has, ok := s.has(ctx, l, ref); ok {
		if has {
			return false, nil
		}
	} else {
		_, err := s.storeHead(ctx, ref.Key)
		switch {
		case err == nil:
			return false, nil
		case !errors.Is(err, storage.ErrNotFound):
			return false, fmt.Errorf("check %s: %w", ref.Key, err)
		}
	}
	body, err := s.renderCard(ref)
	if err != nil {
		return false, err
	}
	switch err := s.storeCreate(ctx, ref, body); {
	case err == nil:
		return true, nil
	case errors.Is(err, storage.ErrExists):
		return false, nil // another writer stored it first: same bytes, nothing lost
	default:
		return false, fmt.Errorf("store %s: %w", ref.Key, err)
	}
}

// dedupe returns in without repeats, in order of first appearance, in linear time.
func dedupe(in []string) []string {
	seen := make(map[string]struct{}, len(in))
	out := make([]string, 0, len(in))
	for _, v := range in {
		if _, ok := seen[v]; !ok {
			seen[v] = struct{}{}
			out = append(out, v)
		}
	}
	return out
}

// truncateID keeps an untrusted ID short enough to echo in a message.
func truncateID(id string) string {
	const n = 80
	if len(id) <= n {
		return id
	}
	return strings.ToValidUTF8(id[:n], "") + "…"
}

// MaxListedFailures bounds the failures a capped report lists: a Step Functions
// state's output is at most 256 KiB, and the count says how many there were.
const MaxListedFailures = 50

// Capped returns the report with at most MaxListedFailures failures listed and the
// rest counted in FailuresNotListed.
func (r GenerateReport) Capped() GenerateReport {
	if len(r.Failed) > MaxListedFailures {
		r.FailuresNotListed += len(r.Failed) - MaxListedFailures
		r.Failed = r.Failed[:MaxListedFailures:MaxListedFailures]
	}
	return r
}

// IncompleteError is the error of a shard that was not finished: some cards failed
// or were not attempted before the deadline. A Step Functions Map retries it by this
// type's name, which the Lambda runtime reports as the error type; running a shard
// again stores only what is still missing.
type IncompleteError struct {
	// Shard is the shard's key.
	Shard string
	// Report is what the run did, capped.
	Report GenerateReport
}

func (e *IncompleteError) Error() string {
	msg := fmt.Sprintf("shard %s incomplete: rendered %d, skipped %d, failed %d, remaining %d",
		e.Shard, e.Report.Rendered, e.Report.Skipped, len(e.Report.Failed)+e.Report.FailuresNotListed, e.Report.Remaining)
	if len(e.Report.Failed) > 0 {
		f := e.Report.Failed[0]
		msg += fmt.Sprintf("; first failure: %s %s %s: %s", f.ID, f.Size, f.Theme, f.Error)
	}
	return msg
}
