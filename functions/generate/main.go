// Command generate is the AWS Lambda function that stores every missing card. It
// takes {"ids": [...], "sizes": [...], "themes": [...]} (an empty list means all)
// and answers {"rendered": n, "skipped": n, "failed": [...], "remaining": n},
// stopping before the invocation's deadline so it can always report.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/functions/config"
)

func main() {
	log := lambdacontext.NewLogger()
	h, err := setup(context.Background(), os.Getenv, log)
	if err != nil {
		log.Error("startup failed", "err", err)
		os.Exit(1)
	}
	lambda.Start(h)
}

// handler is the generate function's Lambda handler.
type handler func(ctx context.Context, req cards.GenerateRequest) (cards.GenerateReport, error)

// setup builds the handler from the environment.
func setup(ctx context.Context, getenv func(string) string, log *slog.Logger) (handler, error) {
	cfg, svc, err := config.ForLambda(ctx, getenv, log)
	if err != nil {
		return nil, err
	}
	log.Info("ready", "store", cfg.StoreDescription(), "facts", svc.Facts().Len())
	return func(ctx context.Context, req cards.GenerateRequest) (cards.GenerateReport, error) {
		report, err := svc.Generate(ctx, req, cards.GenerateOptions{Concurrency: cfg.Concurrency})
		if err != nil {
			log.WarnContext(ctx, "refused", "err", err)
			return report, err
		}
		log.InfoContext(ctx, "generated", "rendered", report.Rendered, "skipped", report.Skipped,
			"failed", len(report.Failed), "remaining", report.Remaining)
		return report, nil
	}, nil
}
