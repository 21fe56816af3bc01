// Command api is the factcard HTTP API as an AWS Lambda function behind an API
// Gateway HTTP API or a function URL. It builds the store, the card service and the
// handler once at start, then serves every invocation with them.
package main

import (
	"context"
	"io"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/factcard/factcard/functions/apigw"
	"github.com/factcard/factcard/functions/config"
	"github.com/factcard/factcard/functions/httpapi"
	"github.com/factcard/factcard/functions/metrics"
)

// version is set by the Makefile with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	log := lambdacontext.NewLogger()
	h, err := setup(context.Background(), os.Getenv, log, os.Stdout)
	if err != nil {
		log.Error("startup failed", "err", err)
		os.Exit(config.ExitCode(err))
	}
	lambda.Start(h)
}

// setup builds the Lambda handler from the environment. The card service's
// metrics go to out as embedded metric format lines, one after each invocation
// that did something worth counting.
func setup(ctx context.Context, getenv func(string) string, log *slog.Logger, out io.Writer) (apigw.Handler, error) {
	rec := metrics.New(out, getenv("AWS_LAMBDA_FUNCTION_NAME"))
	cfg, svc, err := config.ForLambda(ctx, getenv, log, rec)
	if err != nil {
		return nil, err
	}
	h, err := httpapi.New(httpapi.Config{Cards: svc, PublicURL: cfg.PublicURL, TrustForwarded: cfg.TrustForwarded, OriginSecret: cfg.OriginSecret, Version: version, Logger: log})
	if err != nil {
		return nil, err
	}
	log.Info("ready", "store", cfg.StoreDescription(), "facts", svc.Facts().Len(), "dataset", cfg.DatasetDescription(), "version", version, "brand", svc.Brand().Name,
		"locale", svc.Brand().Locale.Tag, "locale_reviewed_by_native_speaker", svc.Brand().Locale.Reviewed)
	serve := apigw.New(h, log)
	return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		resp, err := serve(ctx, ev)
		if ferr := rec.Flush(); ferr != nil {
			log.WarnContext(ctx, "metrics lost", "err", ferr)
		}
		return resp, err
	}, nil
}
