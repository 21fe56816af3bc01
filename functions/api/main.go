// Command api is the factcard HTTP API as an AWS Lambda function behind an API
// Gateway HTTP API or a function URL. It builds the store, the card service and the
// handler once at start, then serves every invocation with them.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/factcard/factcard/functions/apigw"
	"github.com/factcard/factcard/functions/config"
	"github.com/factcard/factcard/functions/httpapi"
)

// version is set by the Makefile with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	log := lambdacontext.NewLogger()
	h, err := setup(context.Background(), os.Getenv, log)
	if err != nil {
		log.Error("startup failed", "err", err)
		os.Exit(config.ExitCode(err))
	}
	lambda.Start(h)
}

// setup builds the Lambda handler from the environment.
func setup(ctx context.Context, getenv func(string) string, log *slog.Logger) (apigw.Handler, error) {
	cfg, svc, err := config.ForLambda(ctx, getenv, log)
	if err != nil {
		return nil, err
	}
	h, err := httpapi.New(httpapi.Config{Cards: svc, PublicURL: cfg.PublicURL, TrustForwarded: cfg.TrustForwarded, OriginSecret: cfg.OriginSecret, Version: version, Logger: log})
	if err != nil {
		return nil, err
	}
	log.Info("ready", "store", cfg.StoreDescription(), "facts", svc.Facts().Len(), "dataset", cfg.DatasetDescription(), "version", version, "brand", svc.Brand().Name,
		"locale", svc.Brand().Locale.Tag, "locale_reviewed_by_native_speaker", svc.Brand().Locale.Reviewed)
	return apigw.New(h, log), nil
}
