// Command generate is the AWS Lambda function that stores every missing card. It
// takes {"ids": [...], "sizes": [...], "themes": [...]} (an empty list means all)
// and answers {"rendered": n, "skipped": n, "failed": [...], "remaining": n},
// stopping before the invocation's deadline so it can always report.
//
// At scale it is the worker of a Step Functions Distributed Map over a published
// dataset's shards: {"shard": "facts/VERSION/shards/0007.json", "sizes": [...],
// "themes": [...]} stores every card of one shard. A shard that is not finished
// (failures, or out of time) answers an IncompleteError, which the Map retries; the
// report lists at most cards.MaxListedFailures failures.
package main

import (
	"context"
	"io"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/config"
	"github.com/factcard/factcard/functions/metrics"
)

func main() {
	log := lambdacontext.NewLogger()
	h, err := setup(context.Background(), os.Getenv, log, os.Stdout)
	if err != nil {
		log.Error("startup failed", "err", err)
		os.Exit(config.ExitCode(err))
	}
	lambda.Start(h)
}

// handler is the generate function's Lambda handler.
type handler func(ctx context.Context, req cards.GenerateRequest) (cards.GenerateReport, error)

// setup builds the handler from the environment. The card service's metrics go to
// out as embedded metric format lines, at the end of each invocation (and every
// hundred renders).
func setup(ctx context.Context, getenv func(string) string, log *slog.Logger, out io.Writer) (handler, error) {
	rec := metrics.New(out, getenv("AWS_LAMBDA_FUNCTION_NAME"))
	cfg, svc, err := config.ForLambda(ctx, getenv, log, rec)
	if err != nil {
		return nil, err
	}
	log.Info("ready", "store", cfg.StoreDescription(), "facts", svc.Facts().Len(), "dataset", cfg.DatasetDescription(), "brand", svc.Brand().Name,
		"locale", svc.Brand().Locale.Tag, "locale_reviewed_by_native_speaker", svc.Brand().Locale.Reviewed)
	return func(ctx context.Context, req cards.GenerateRequest) (cards.GenerateReport, error) {
		defer func() {
			if err := rec.Flush(); err != nil {
				log.WarnContext(ctx, "metrics lost", "err", err)
			}
		}()
		report, err := svc.Generate(ctx, req, cards.GenerateOptions{Concurrency: cfg.Concurrency})
		if err != nil {
			log.WarnContext(ctx, "refused", "err", err)
			return report, err
		}
		log.InfoContext(ctx, "generated", "shard", req.Shard, "rendered", report.Rendered, "skipped", report.Skipped,
			"failed", len(report.Failed), "remaining", report.Remaining)
		report = report.Capped()
		if req.Shard != "" && (len(report.Failed) > 0 || report.Remaining > 0) {
			return report, &cards.IncompleteError{Shard: req.Shard, Report: report}
		}
		return report, nil
	}, nil
}
