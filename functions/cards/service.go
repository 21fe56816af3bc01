// Package cards is factcard's card service: it turns a fact ID and render options
// into a stored card. It derives content-addressed storage keys, reads cards from the
// store, renders and writes the missing ones create-only, renders each missing card
// once per process however many requests want it, and keeps serving when the store
// fails or stalls.
package cards

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/panicerr"
	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/render"
	"github.com/factcard/factcard/render/brand"
)

// DefaultStoreTimeout bounds each store call when Config.StoreTimeout is zero. A card
// renders in a few milliseconds, so waiting longer than this for the store is worse
// than rendering again.
const DefaultStoreTimeout = 2 * time.Second

// CacheControl is the Cache-Control stored with every card object: the key changes
// whenever the content would, so a stored object never goes stale.
const CacheControl = "public, max-age=31536000, immutable"

// ErrNotFound is returned for a fact ID that is not in the dataset. It is the
// dataset's own error, so errors.Is works with either name.
var ErrNotFound = facts.ErrNotFound

// RenderFunc renders a fact with resolved options into encoded image bytes.
type RenderFunc func(f facts.Fact, opts render.Options) ([]byte, error)

// Config configures a Service.
type Config struct {
	// Facts is the dataset cards are rendered from: the embedded one or a published
	// version. Required.
	Facts facts.Set
	// Store keeps rendered cards. Required.
	Store storage.Store
	// Logger receives store faults and render errors. Defaults to discarding.
	Logger *slog.Logger
	// StoreTimeout bounds each store call; zero means DefaultStoreTimeout.
	StoreTimeout time.Duration
	// Render renders a card; nil means render.Render. Tests count renders with it.
	Render RenderFunc
	// MaxRenders bounds the cards rendering at once; zero means GOMAXPROCS. A render
	// is CPU-bound and holds a few megabytes, so more at once only adds memory and
	// latency: under a burst of cold cards, requests wait for a slot instead.
	MaxRenders int
	// Brand is the brand every card is drawn in, loaded and checked at start
	// (render.CheckBrand); nil means the built-in brand. Its digest is part of
	// every key, so cards of another brand are never served for it.
	Brand *brand.Brand
	// Metrics receives counts of renders, stored cards served and store faults;
	// nil records nothing.
	Metrics Metrics
}

// Service gets cards by fact ID and options. It is safe for concurrent use.
type Service struct {
	facts        facts.Set
	store        storage.Store
	log          *slog.Logger
	storeTimeout time.Duration
	render       RenderFunc
	brand        *brand.Brand
	fingerprint  string // the renderer's and the brand's
	flights      singleflight.Group
	// digests keeps recent facts' content digests: a dataset does not change while
	// the service runs, and every card URL needs one.
	digests     digestCache
	renderSlots chan struct{}
	metrics     Metrics
}

// New returns a Service. It fails if the dataset or store is missing.
func New(cfg Config) (*Service, error) {
	if cfg.Facts == nil {
		return nil, errors.New("cards: no dataset")
	}
	if cfg.Store == nil {
		return nil, errors.New("cards: no store")
	}
	s := &Service{
		facts:        cfg.Facts,
		store:        cfg.Store,
		log:          cfg.Logger,
		storeTimeout: cfg.StoreTimeout,
		render:       cfg.Render,
		brand:        cfg.Brand,
	}
	if s.brand == nil {
		s.brand = brand.Default()
	}
	s.fingerprint = render.Fingerprint() + " brand " + s.brand.Digest()
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.storeTimeout <= 0 {
		s.storeTimeout = DefaultStoreTimeout
	}
	if s.render == nil {
		s.render = renderBytes
	}
	n := cfg.MaxRenders
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	s.renderSlots = make(chan struct{}, n)
	if s.metrics = cfg.Metrics; s.metrics == nil {
		s.metrics = noMetrics{}
	}
	return s, nil
}

func renderBytes(f facts.Fact, opts render.Options) ([]byte, error) {
	var buf bytes.Buffer
	if err := render.Render(&buf, f, opts); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Facts returns the dataset the service renders from.
func (s *Service) Facts() facts.Set { return s.facts }

// Brand returns the brand the service draws cards in.
func (s *Service) Brand() *brand.Brand { return s.brand }

// Themes returns the brand's themes, in its order.
func (s *Service) Themes() []render.Theme { return render.ThemesFor(s.brand) }

// ParseTheme returns the brand's theme named name; "" gives its default theme.
// An unknown name gives a *render.OptionError listing the brand's themes.
func (s *Service) ParseTheme(name string) (render.Theme, error) {
	return render.ParseThemeFor(s.brand, name)
}

// Ref names one card: which fact, which options, and where it is stored.
type Ref struct {
	Fact    facts.Fact
	Options render.Options // resolved: no zero fields
	// Hash covers the fact's content, the options, the renderer's version and its
	// fonts, and the brand (its brand.json and files); it is the card's strong ETag
	// and part of its key.
	Hash string
	// Key is the storage key: cards/r<renderer>/<fact-id>/<size>-<theme>-<hash>.<ext>
	// (see KeyPrefix).
	Key string
}

// Name is the card's file name within its fact's folder: <size>-<theme>-<hash>.<ext>.
func (r Ref) Name() string {
	return fmt.Sprintf("%s-%s-%s.%s", r.Options.Size, r.Options.Theme, r.Hash, r.Options.Format.Ext())
}

// Ref looks a fact ID up in the dataset and resolves it with the options into a card
// reference. Unknown IDs give an error wrapping ErrNotFound; bad options a
// *render.OptionError; any other error means the dataset could not be read.
func (s *Service) Ref(ctx context.Context, id string, opts render.Options) (Ref, error) {
	f, err := s.facts.Fact(ctx, id)
	if err != nil {
		return Ref{}, err
	}
	return s.FactRef(f, opts)
}

// FactRef resolves a fact already read from the dataset and options into a card
// reference, without any I/O. Bad options give a *render.OptionError. The card
// is drawn in the service's brand, whatever opts.Brand says.
func (s *Service) FactRef(f facts.Fact, opts render.Options) (Ref, error) {
	opts.Brand = s.brand
	opts, err := opts.Resolve()
	if err != nil {
		return Ref{}, err
	}
	r := Ref{Fact: f, Options: opts, Hash: s.hash(s.digests.get(f), opts)}
	r.Key = KeyPrefix() + f.ID + "/" + r.Name()
	return r, nil
}

// KeyPrefix is where the cards of this renderer version are stored:
// cards/r<render.Version>/. The hash in a card's name already changes with the
// renderer; the version in the prefix lets one S3 lifecycle rule expire every card
// of a renderer that is no longer deployed.
func KeyPrefix() string { return "cards/r" + render.Version + "/" }

// hashLen is how many hex digits of the SHA-256 a key keeps: 64 bits, plenty to tell
// the versions of one fact's card apart.
const hashLen = 16

// contentDigest is the SHA-256 of a fact's JSON: everything a card shows of it.
func contentDigest(f facts.Fact) [sha256.Size]byte {
	content, err := json.Marshal(f)
	if err != nil {
		// A Fact is plain strings; this cannot fail.
		panic("cards: marshal fact: " + err.Error())
	}
	return sha256.Sum256(content)
}

// hash is a card's hash: over its fact's content digest, the options, the
// renderer's fingerprint and the brand's digest.
func (s *Service) hash(digest [sha256.Size]byte, opts render.Options) string {
	h := sha256.New()
	for _, part := range [][]byte{digest[:], []byte(opts.Size), []byte(opts.Theme), []byte(opts.Format), []byte(s.fingerprint)} {
		fmt.Fprintf(h, "%d:", len(part))
		h.Write(part)
	}
	return hex.EncodeToString(h.Sum(nil))[:hashLen]
}

// Card is a rendered card and where it came from.
type Card struct {
	Ref
	Body        []byte
	ContentType string
	// Stored reports whether the card was read from the store rather than rendered
	// for this request.
	Stored bool
}

// Card returns the card for a fact ID and options: from the store when it is there,
// otherwise rendered, written create-only and returned. A store that fails or stalls
// does not fail the call: the card is rendered and the fault logged once with the key.
// Concurrent calls for the same missing card render it once.
func (s *Service) Card(ctx context.Context, id string, opts render.Options) (*Card, error) {
	ref, err := s.Ref(ctx, id, opts)
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, ref)
}

// Get returns the card for a resolved reference; see Card.
func (s *Service) Get(ctx context.Context, ref Ref) (*Card, error) {
	ch := s.flights.DoChan(ref.Key, func() (any, error) {
		// The flight outlives any one caller: a caller that gives up must not fail
		// the others waiting on the same card. It runs on a goroutine of its own,
		// which no handler's recover covers and where singleflight re-panics: a
		// panic becomes this card's error here, or it would end the process.
		ctx := context.WithoutCancel(ctx)
		c, err := panicerr.Call(func() (*Card, error) { return s.load(ctx, ref) })
		return c, s.panicked(ctx, ref.Key, err)
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		c := *res.Val.(*Card)
		return &c, nil
	}
}

func (s *Service) load(ctx context.Context, ref Ref) (*Card, error) {
	obj, err := s.storeGet(ctx, ref.Key)
	switch {
	case err == nil:
		cerr := checkCard(obj.Body, obj.Size, ref)
		if cerr == nil {
			s.metrics.CardFromStore()
			return &Card{Ref: ref, Body: obj.Body, ContentType: ref.Options.Format.ContentType(), Stored: true}, nil
		}
		// Empty, cut short or not ours. Create-only writes cannot replace it: serve a
		// fresh render and tell the operator, who removes the object (README).
		body, rerr := s.renderCard(ref)
		if rerr != nil {
			return nil, rerr
		}
		s.log.ErrorContext(ctx, damagedCardMessage, "key", ref.Key, "err", cerr)
		return &Card{Ref: ref, Body: body, ContentType: ref.Options.Format.ContentType()}, nil
	case errors.Is(err, storage.ErrTooLarge):
		// Larger than any card: not read, and damaged as above.
		body, rerr := s.renderCard(ref)
		if rerr != nil {
			return nil, rerr
		}
		s.log.ErrorContext(ctx, damagedCardMessage, "key", ref.Key, "err", err)
		return &Card{Ref: ref, Body: body, ContentType: ref.Options.Format.ContentType()}, nil
	case errors.Is(err, storage.ErrNotFound):
		body, err := s.renderCard(ref)
		if err != nil {
			return nil, err
		}
		if err := s.storeCreate(ctx, ref, body); err != nil && !errors.Is(err, storage.ErrExists) {
			s.log.WarnContext(ctx, "store write failed; served the rendered card", faultAttrs(ref.Key, err)...)
		}
		return &Card{Ref: ref, Body: body, ContentType: ref.Options.Format.ContentType()}, nil
	default:
		// The store is down or slow: serve a fresh render and leave the store alone
		// until the next request tries it again.
		body, rerr := s.renderCard(ref)
		if rerr != nil {
			return nil, rerr
		}
		s.log.WarnContext(ctx, "store read failed; served a freshly rendered card", faultAttrs(ref.Key, err)...)
		return &Card{Ref: ref, Body: body, ContentType: ref.Options.Format.ContentType()}, nil
	}
}

// panicMessage is logged, once with the key, the panic and its stack, for a card
// whose render or store call panicked: the card is an error (a 500) and nothing
// is stored.
const panicMessage = "card panicked; answered an error and stored nothing"

// panicked logs err once with the key and the stack when it is a recovered panic
// (see panicerr), and returns it wrapped with the key; any other err is returned
// as it is.
func (s *Service) panicked(ctx context.Context, key string, err error) error {
	pe, ok := panicerr.As(err)
	if !ok {
		return err
	}
	s.log.ErrorContext(ctx, panicMessage, "key", key, "panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))
	return fmt.Errorf("card %s: %w", key, err)
}

// faultAttrs returns the log attributes of a store fault: the key, the error, and
// the stack when the store call panicked (storage.Within recovers it).
func faultAttrs(key string, err error) []any {
	if pe, ok := panicerr.As(err); ok {
		return []any{"key", key, "err", err, "stack", string(pe.Stack)}
	}
	return []any{"key", key, "err", err}
}

// damagedCardMessage is logged, with the key, for a stored object that fails
// checkCard. The README tells operators what to do about it.
const damagedCardMessage = "stored card is damaged; served a fresh render (remove the object to store a good one)"

func (s *Service) renderCard(ref Ref) ([]byte, error) {
	s.renderSlots <- struct{}{}
	defer func() { <-s.renderSlots }()
	start := time.Now()
	body, err := s.render(ref.Fact, ref.Options)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", ref.Key, err)
	}
	s.metrics.CardRendered(time.Since(start))
	return body, nil
}

// Each store call returns by its deadline even if the store ignores it (storage.Within),
// so a stuck store can never hold a card's single flight, and with it every request
// waiting for that card.

func (s *Service) storeGet(ctx context.Context, key string) (*storage.Object, error) {
	ctx, cancel := context.WithTimeout(ctx, s.storeTimeout)
	defer cancel()
	obj, err := storage.Within(ctx, func() (*storage.Object, error) { return s.store.Get(ctx, key, MaxCardBytes) })
	return obj, s.counted(err)
}

func (s *Service) storeHead(ctx context.Context, key string) (storage.Info, error) {
	ctx, cancel := context.WithTimeout(ctx, s.storeTimeout)
	defer cancel()
	info, err := storage.Within(ctx, func() (storage.Info, error) { return s.store.Head(ctx, key) })
	return info, s.counted(err)
}

func (s *Service) storeCreate(ctx context.Context, ref Ref, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.storeTimeout)
	defer cancel()
	_, err := storage.Within(ctx, func() (struct{}, error) {
		return struct{}{}, s.store.Create(ctx, ref.Key, body, s.info(ref, body))
	})
	return s.counted(err)
}

func (s *Service) info(ref Ref, body []byte) storage.Info {
	return storage.Info{
		ContentType:  ref.Options.Format.ContentType(),
		CacheControl: CacheControl,
		Size:         int64(len(body)),
		Metadata: map[string]string{
			"fact-id":          ref.Fact.ID,
			"renderer-version": render.Version,
		},
	}
}
