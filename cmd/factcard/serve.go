package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/config"
	"github.com/factcard/factcard/functions/httpapi"
	"github.com/factcard/factcard/render"
)

// shutdownGrace is how long serve waits for requests in flight after a signal.
const shutdownGrace = 10 * time.Second

// defaultMaxConns is how many connections serve holds open at once by default: far
// more than a newsroom's traffic needs on one machine (renders are bounded by the
// processors anyway), few enough that a flood of idle connections cannot exhaust
// the process's file descriptors or memory.
const defaultMaxConns = 256

func serveCommand() *command {
	return &command{
		name:    "serve",
		summary: "serve the cards, share pages and JSON API over HTTP",
		help: `Serve runs the factcard HTTP API, the same handler the Lambda function runs.
Cards are stored under ./.factcard (FACTCARD_DIR) unless FACTCARD_BUCKET names an
S3 bucket; see the README for every setting. SIGINT or SIGTERM stops it gracefully.

--dataset FILE serves a dataset file of your own, checked against the documents
in sources/ beside it, as 'factcard render --dataset' renders it: a newsroom's
facts, seen as readers will see them before they are published.

Example:
  factcard serve --dataset my-newsroom/dataset.json --brand my-newsroom/brand`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
			maxConns := fs.Int("max-conns", defaultMaxConns, "connections served at once; more wait to be accepted")
			dataset := fs.String("dataset", "", "serve this dataset `FILE` (checked against sources/ beside it) instead of the embedded one or FACTCARD_DATASET's")
			brandFlag(fs)
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return usagef("serve takes no arguments")
				}
				if *maxConns < 1 {
					return usagef("--max-conns must be at least 1")
				}
				return serve(ctx, e, *addr, *maxConns, *dataset)
			}
		},
	}
}

// newLogger is the local logger: text on standard error at the configured level.
func newLogger(e *env, cfg config.Config) *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
}

func serve(ctx context.Context, e *env, addr string, maxConns int, datasetFile string) error {
	if datasetFile != "" && e.getenv("FACTCARD_DATASET") != "" {
		return usagef("--dataset and FACTCARD_DATASET both name a dataset: give one")
	}
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return err
	}
	if datasetFile != "" {
		d, err := loadDatasetFile(datasetFile)
		if err != nil {
			return fmt.Errorf("load %s: %w", datasetFile, err)
		}
		cfg.Facts = d
	}
	log := newLogger(e, cfg)
	// A server renders many cards at once for a long time: warm the renderer for
	// that before the first request, so neither its latency nor its memory grows
	// with the first traffic. (The Lambda functions skip this: a sandbox renders
	// one card at a time, and its cold start would pay for all of it.)
	cfg.Brand = e.brand
	if err := render.PreloadFor(e.brand); err != nil {
		return fmt.Errorf("load the renderer: %w", err)
	}
	svc, err := cfg.NewService(ctx, log)
	if err != nil {
		return err
	}
	h, err := httpapi.New(httpapi.Config{Cards: svc, PublicURL: cfg.PublicURL, TrustForwarded: cfg.TrustForwarded, OriginSecret: cfg.OriginSecret, Version: version, Logger: log})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	// Past maxConns, new connections wait in the kernel's backlog until one closes;
	// ReadHeaderTimeout and IdleTimeout free the slots of clients that say nothing.
	ln = netutil.LimitListener(ln, maxConns)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	base := "http://" + ln.Addr().String()
	described := cfg.DatasetDescription()
	if datasetFile != "" {
		described = datasetFile
	}
	printURLs(ctx, e, base, cfg.StoreDescription(), described, svc.Facts())
	log.InfoContext(ctx, "serving", "addr", ln.Addr().String(), "max_conns", maxConns, "store", cfg.StoreDescription(), "facts", svc.Facts().Len(), "dataset", described, "brand", svc.Brand().Name,
		"locale", svc.Brand().Locale.Tag, "locale_reviewed_by_native_speaker", svc.Brand().Locale.Reviewed)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", shutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func printURLs(ctx context.Context, e *env, base, store, dataset string, set facts.Set) {
	fmt.Fprintf(e.stdout, "factcard serving %d facts on %s (store: %s, dataset: %s)\n\nTry:\n", set.Len(), base, store, dataset)
	rows := [][2]string{{base + "/", "every card, for people"}}
	if first, err := set.List(ctx, "", 1); err == nil && len(first.Facts) > 0 {
		id := first.Facts[0].ID
		rows = append(rows,
			[2]string{base + "/share/" + id, "a share page that unfurls into the card"},
			[2]string{base + "/cards/" + id + ".png", "the card (og, dark)"},
			[2]string{base + "/cards/" + id + ".png?size=story&theme=light", "another size and theme"},
		)
	}
	rows = append(rows, [2]string{base + "/facts", "the facts as JSON"}, [2]string{base + "/healthz", "health"})
	for _, r := range rows {
		fmt.Fprintf(e.stdout, "  %-90s %s\n", r[0], r[1])
	}
	fmt.Fprintln(e.stdout, "\nCtrl-C stops.")
}
