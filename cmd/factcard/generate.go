package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/config"
)

func generateCommand() *command {
	return &command{
		name:    "generate",
		summary: "store every card that is missing (the generate Lambda, locally)",
		help: `Generate renders and stores every card that is not in the store yet, the same
code the generate Lambda function runs, against the configured store (./.factcard,
or FACTCARD_BUCKET). Running it again stores nothing new. Exits 1 if any card failed.

Examples:
  factcard generate
  factcard generate --ids rubio-methods-to-de-escalate --sizes og,story`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			ids := fs.String("ids", "", "comma-separated fact IDs (default all)")
			sizes := fs.String("sizes", "", "comma-separated sizes (default all)")
			themes := fs.String("themes", "", "comma-separated themes (default all)")
			concurrency := fs.Int("concurrency", 0, "cards rendered at once (default FACTCARD_CONCURRENCY or 2×CPUs)")
			asJSON := fs.Bool("json", false, "print the report as JSON, as the Lambda function answers")
			brandFlag(fs)
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return usagef("generate takes flags only, got %q", args)
				}
				cfg, err := config.Load(e.getenv)
				if err != nil {
					return err
				}
				cfg.Brand = e.brand
				svc, err := cfg.NewService(ctx, newLogger(e, cfg))
				if err != nil {
					return err
				}
				req := cards.GenerateRequest{IDs: splitList(*ids), Sizes: splitList(*sizes), Themes: splitList(*themes)}
				var bar *progress
				opts := cards.GenerateOptions{Concurrency: firstNonZero(*concurrency, cfg.Concurrency)}
				opts.Progress = func(done, total int) {
					if bar == nil {
						bar = newProgress(e.stderr, "generating", total)
					}
					bar.Update(done)
				}
				report, err := svc.Generate(ctx, req, opts)
				if err != nil {
					return err
				}
				if bar != nil {
					bar.Finish()
				}
				if *asJSON {
					if err := writeJSON(e.stdout, report); err != nil {
						return err
					}
				} else {
					fmt.Fprintf(e.stdout, "rendered %d, skipped %d (already stored), failed %d, remaining %d (store: %s)\n",
						report.Rendered, report.Skipped, len(report.Failed), report.Remaining, cfg.StoreDescription())
					for _, f := range report.Failed {
						fmt.Fprintf(e.stdout, "  failed: %s %s %s: %s\n", f.ID, f.Size, f.Theme, f.Error)
					}
				}
				if len(report.Failed) > 0 || report.Remaining > 0 {
					return fmt.Errorf("%d cards failed, %d not attempted", len(report.Failed), report.Remaining)
				}
				return nil
			}
		},
	}
}

// firstNonZero returns the first non-zero value.
func firstNonZero(vs ...int) int {
	for _, v := range vs {
		if v != 0 {
			return v
		}
	}
	return 0
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
