// Package config reads factcard's settings from the environment and opens the store
// they name. Only mains call it, passing os.Getenv; everything else takes values.
package config

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/dataset"
	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/s3store"
	"github.com/factcard/factcard/render"
	"github.com/factcard/factcard/render/brand"
)

// Config is every setting of the service. The README's settings table documents
// each variable; keep the two in step.
type Config struct {
	// Bucket is the S3 bucket for cards (FACTCARD_BUCKET). Empty: the directory store.
	Bucket string
	// Prefix is prepended to every S3 key (FACTCARD_PREFIX), e.g. "prod/".
	Prefix string
	// Region is the bucket's region (FACTCARD_REGION, else AWS_REGION).
	Region string
	// Endpoint is an S3-compatible endpoint, used with path-style addressing
	// (FACTCARD_S3_ENDPOINT).
	Endpoint string
	// Dir is the directory store's root when no bucket is set (FACTCARD_DIR).
	Dir string
	// DirServed makes the directory store's files readable by every user, for a web
	// server that serves them directly (FACTCARD_DIR_SERVED=1).
	DirServed bool
	// PublicURL is the absolute base URL for links in share pages (FACTCARD_PUBLIC_URL).
	PublicURL string
	// TrustForwarded lets links follow X-Forwarded-Host/-Proto when PublicURL is
	// empty (FACTCARD_TRUST_FORWARDED=1): only behind a proxy that overwrites them.
	TrustForwarded bool
	// OriginSecret, when set, is the secret every request must carry in the
	// X-Factcard-Origin header (FACTCARD_ORIGIN_SECRET): the template's CDN adds it,
	// and the API refuses (403) what did not come through the CDN.
	OriginSecret string
	// StoreTimeout bounds each store call (FACTCARD_STORE_TIMEOUT, a Go duration).
	StoreTimeout time.Duration
	// LogLevel is the minimum level logged (FACTCARD_LOG_LEVEL: debug, info, warn, error).
	LogLevel slog.Level
	// Concurrency bounds parallel renders in generate (FACTCARD_CONCURRENCY); 0 = 2×GOMAXPROCS.
	Concurrency int
	// Dataset is where facts come from (FACTCARD_DATASET): empty for the dataset
	// embedded in the binary, or the URL of a published version,
	// s3://BUCKET/PREFIX/VERSION, read from S3 with Region and Endpoint.
	Dataset string
	// Facts, when not nil, is the dataset served in place of Dataset's: a file
	// the command line loaded ('factcard serve --dataset FILE').
	Facts facts.Set
	// BrandDir is the brand folder (FACTCARD_BRAND). Empty: the built-in brand, or
	// on Lambda the folder `sam build` bundled beside the bootstrap (see ForLambda).
	BrandDir string
	// Brand is the brand cards and pages are drawn in, loaded from BrandDir with
	// LoadBrand; nil is the built-in brand.
	Brand *brand.Brand
	// Metrics receives the card service's counts (not from the environment: the
	// Lambda mains pass a metrics.Recorder to ForLambda); nil records nothing.
	Metrics cards.Metrics
}

// Defaults.
const (
	DefaultDir = ".factcard"
)

// minOriginSecret is httpapi.MinOriginSecret, checked here to name the variable
// (config does not import httpapi, which the generate function does not need).
const minOriginSecret = 16

// Load reads the configuration from getenv, applying defaults. It fails on a value
// that does not parse, naming the variable.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		Bucket:       strings.TrimSpace(getenv("FACTCARD_BUCKET")),
		Prefix:       getenv("FACTCARD_PREFIX"),
		Region:       firstNonEmpty(getenv("FACTCARD_REGION"), getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION")),
		Endpoint:     getenv("FACTCARD_S3_ENDPOINT"),
		Dir:          firstNonEmpty(getenv("FACTCARD_DIR"), DefaultDir),
		PublicURL:    getenv("FACTCARD_PUBLIC_URL"),
		OriginSecret: getenv("FACTCARD_ORIGIN_SECRET"),
		Dataset:      strings.TrimSpace(getenv("FACTCARD_DATASET")),
		BrandDir:     getenv("FACTCARD_BRAND"),
		StoreTimeout: cards.DefaultStoreTimeout,
		LogLevel:     slog.LevelInfo,
	}
	if v := getenv("FACTCARD_STORE_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return Config{}, fmt.Errorf("FACTCARD_STORE_TIMEOUT=%q: want a positive duration such as 2s or 500ms", v)
		}
		c.StoreTimeout = d
	}
	if n := len(c.OriginSecret); n > 0 && n < minOriginSecret {
		return Config{}, fmt.Errorf("FACTCARD_ORIGIN_SECRET: %d bytes, want at least %d (a secret a client cannot guess)", n, minOriginSecret)
	}
	if v := getenv("FACTCARD_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return Config{}, fmt.Errorf("FACTCARD_LOG_LEVEL=%q: want debug, info, warn or error", v)
		}
	}
	if v := getenv("FACTCARD_CONCURRENCY"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 256 {
			return Config{}, fmt.Errorf("FACTCARD_CONCURRENCY=%q: want a whole number from 1 to 256", v)
		}
		c.Concurrency = n
	}
	var err error
	if c.TrustForwarded, err = flag01(getenv, "FACTCARD_TRUST_FORWARDED", "behind a proxy that sets X-Forwarded-Host"); err != nil {
		return Config{}, err
	}
	if c.DirServed, err = flag01(getenv, "FACTCARD_DIR_SERVED", "a web server serves the directory store"); err != nil {
		return Config{}, err
	}
	if c.Dataset != "" {
		if _, err := dataset.ParseURL(c.Dataset); err != nil {
			return Config{}, fmt.Errorf("FACTCARD_DATASET: %w", err)
		}
	}
	if c.Bucket == "" && (c.Prefix != "" || (c.Endpoint != "" && c.Dataset == "")) {
		return Config{}, fmt.Errorf("FACTCARD_PREFIX and FACTCARD_S3_ENDPOINT need FACTCARD_BUCKET")
	}
	return c, nil
}

// StoreDescription says in words which store the configuration uses, for logs.
func (c Config) StoreDescription() string {
	if c.Bucket == "" {
		return "directory " + c.Dir
	}
	d := "s3://" + c.Bucket + "/" + c.Prefix
	if c.Endpoint != "" {
		d += " at " + c.Endpoint
	}
	return d
}

// OpenStore opens the store the configuration names: S3 when a bucket is set,
// otherwise the directory store (created if missing).
func (c Config) OpenStore(ctx context.Context) (storage.Store, error) {
	if c.Bucket == "" {
		d, err := storage.OpenDir(c.Dir, storage.DirOptions{Served: c.DirServed})
		if err != nil {
			return nil, fmt.Errorf("open directory store %s: %w", c.Dir, err)
		}
		return d, nil
	}
	s, err := s3store.Open(ctx, s3store.Config{Bucket: c.Bucket, Prefix: c.Prefix, Region: c.Region, Endpoint: c.Endpoint})
	if err != nil {
		return nil, fmt.Errorf("open S3 store %s: %w", c.StoreDescription(), err)
	}
	return s, nil
}

// flag01 reads a variable that is 1 (on) or 0 or unset (off).
func flag01(getenv func(string) string, name, when string) (bool, error) {
	switch v := getenv(name); v {
	case "", "0":
		return false, nil
	case "1":
		return true, nil
	default:
		return false, fmt.Errorf("%s=%q: want 1 (%s) or 0", name, v, when)
	}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// NewService opens the configured store and dataset and builds the card service.
func (c Config) NewService(ctx context.Context, log *slog.Logger) (*cards.Service, error) {
	store, err := c.OpenStore(ctx)
	if err != nil {
		return nil, err
	}
	set, err := c.OpenFacts(ctx, log)
	if err != nil {
		return nil, err
	}
	return cards.New(cards.Config{Facts: set, Store: store, Logger: log, StoreTimeout: c.StoreTimeout, Brand: c.Brand, Metrics: c.Metrics})
}

// OpenFacts opens the dataset the configuration names: the embedded one, or the
// published version of FACTCARD_DATASET, whose manifest it reads and checks. A
// version that is not there fails here, at start, with a message that says so.
func (c Config) OpenFacts(ctx context.Context, log *slog.Logger) (facts.Set, error) {
	if c.Facts != nil {
		return c.Facts, nil
	}
	if c.Dataset == "" {
		return facts.Default(), nil
	}
	u, err := dataset.ParseURL(c.Dataset)
	if err != nil {
		return nil, fmt.Errorf("FACTCARD_DATASET: %w", err)
	}
	store, err := s3store.Open(ctx, s3store.Config{Bucket: u.Bucket, Region: c.Region, Endpoint: c.Endpoint})
	if err != nil {
		return nil, fmt.Errorf("FACTCARD_DATASET=%s: %w", c.Dataset, err)
	}
	p, err := dataset.Open(ctx, u, store, log)
	if err != nil {
		return nil, fmt.Errorf("FACTCARD_DATASET: %w", err)
	}
	return p, nil
}

// DatasetDescription says in words which dataset the configuration uses, for logs.
func (c Config) DatasetDescription() string {
	if c.Dataset == "" {
		return "embedded"
	}
	return c.Dataset
}

// LoadBrand loads the brand folder dir and checks it for every card size
// (render.CheckBrand); "" gives the built-in brand. A bad brand is an error
// wrapping the *brand.Error that names the field, for example
// `brand infra/brands/x: themes.dark.muted: #777777 on background #ffffff has
// contrast 4.47:1, below the 4.5:1 WCAG AA needs for text`. The mains exit 2 on it.
func LoadBrand(dir string) (*brand.Brand, error) {
	if dir == "" {
		return brand.Default(), nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("brand %s: %w", dir, &brand.Error{Field: brand.File, Err: errors.New("not a folder: want the folder that holds brand.json and its files")})
	}
	b, err := loadBrandFolder(dir)
	if err == nil {
		err = render.CheckBrand(b)
	}
	if err != nil {
		return nil, fmt.Errorf("brand %s: %w", dir, err)
	}
	return b, nil
}

// loadBrandFolder loads the brand folder dir opened as a root: a link that
// leaves it, or a FIFO or device where a file is named, fails the load.
func loadBrandFolder(dir string) (*brand.Brand, error) {
	folder, err := storage.OpenFolder(dir)
	if err != nil {
		return nil, &brand.Error{Field: brand.File, Err: err}
	}
	defer folder.Close()
	return brand.Load(folder)
}

// ExitCode is the exit status of a main that failed to start with err: 2 for a
// bad brand (the brand's *brand.Error), 1 for anything else.
func ExitCode(err error) int {
	var be *brand.Error
	if errors.As(err, &be) {
		return 2
	}
	return 1
}

// BundledBrand is the folder, beside the bootstrap, that `sam build` copies
// the brand named by the BRAND make variable into.
const BundledBrand = "brand"

// bundledBrand returns the brand folder bundled beside the running executable,
// or "" if there is none.
func bundledBrand() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	dir := filepath.Join(filepath.Dir(exe), BundledBrand)
	if _, err := os.Stat(filepath.Join(dir, brand.File)); err != nil {
		return ""
	}
	return dir
}

// ForLambda reads the configuration of a Lambda function from getenv, loads its
// brand (FACTCARD_BRAND, else the folder bundled beside the bootstrap, else the
// built-in brand) and builds its card service, which reports to m (nil: nowhere).
// A bucket is required: a directory store would vanish with the sandbox.
func ForLambda(ctx context.Context, getenv func(string) string, log *slog.Logger, m cards.Metrics) (Config, *cards.Service, error) {
	c, err := Load(getenv)
	if err != nil {
		return Config{}, nil, err
	}
	c.Metrics = m
	if c.Bucket == "" {
		return Config{}, nil, fmt.Errorf("FACTCARD_BUCKET is required on Lambda (a directory store would vanish with the sandbox)")
	}
	if c.BrandDir == "" {
		c.BrandDir = bundledBrand()
	}
	if c.Brand, err = LoadBrand(c.BrandDir); err != nil {
		return Config{}, nil, err
	}
	if err := UseFonts(getenv, log); err != nil {
		return Config{}, nil, err
	}
	svc, err := c.NewService(ctx, log)
	return c, svc, err
}
