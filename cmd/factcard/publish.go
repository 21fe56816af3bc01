package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/config"
	"github.com/factcard/factcard/functions/dataset"
)

func publishCommand() *command {
	return &command{
		name:    "publish",
		summary: "publish the dataset to the card bucket as an immutable version",
		help: `Publish validates a dataset (the embedded one, or --dataset FILE with its source
documents in --sources DIR), provenance included, and writes it to the card bucket
(FACTCARD_BUCKET, FACTCARD_PREFIX, FACTCARD_S3_ENDPOINT, FACTCARD_REGION) as an
immutable version: the facts in shards by a hash of their ID, the source documents,
and a manifest with each shard's SHA-256. The version is a hash of the content, so
publishing the same dataset again writes nothing new. Every write is create-only: an
object already there with other bytes fails the publish and is left as it was.

The last line of output is the dataset URL, s3://BUCKET/PREFIX/VERSION: set it as
FACTCARD_DATASET (locally); on AWS pass VERSION as the stack's DatasetVersion
parameter (published with FACTCARD_PREFIX set to the stack's KeyPrefix) to serve
from it and to get the state machine that generates every card, shard by shard.

Examples:
  FACTCARD_BUCKET=cards factcard publish
  FACTCARD_BUCKET=cards factcard publish --dataset archive.json --sources archive-sources/`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			file := fs.String("dataset", "", "dataset file (default: the embedded dataset)")
			sources := fs.String("sources", "", "folder of the source documents (default: sources/ beside the dataset file)")
			layout := fs.Bool("layout", true, "check that every fact fits on every card size and theme")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return usagef("publish takes flags only, got %q", args)
				}
				cfg, err := config.Load(e.getenv)
				if err != nil {
					return err
				}
				if cfg.Bucket == "" {
					return errors.New("publish needs FACTCARD_BUCKET: the dataset goes to the card bucket")
				}
				start := time.Now()
				d, docs, name, err := loadForPublish(*file, *sources)
				if err != nil {
					return err
				}
				if *layout {
					if err := checkCards(d, e.brand); err != nil {
						return err
					}
				}
				b, err := facts.Pack(d, docs)
				if err != nil {
					return err
				}
				store, err := cfg.OpenStore(ctx)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "%d facts valid (%s); %d shards, %d source documents, version %s\n",
					d.Len(), name, len(b.Manifest.ShardSHA256), len(b.Manifest.Sources), b.Manifest.Version)
				res, err := dataset.Publish(ctx, store, dataset.DefaultRoot, b)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "wrote %d objects, %d already there (%s)\n", res.Written, res.Existing, time.Since(start).Round(time.Millisecond))
				fmt.Fprintf(e.stdout, "DatasetVersion for the stack (KeyPrefix %q): %s\n", normalizedPrefix(cfg.Prefix), res.Version)
				fmt.Fprintf(e.stdout, "s3://%s/%s%s\n", cfg.Bucket, normalizedPrefix(cfg.Prefix), res.Key)
				return nil
			}
		},
	}
}

// normalizedPrefix is the store prefix as the S3 store applies it: with a trailing
// slash, or empty.
func normalizedPrefix(p string) string {
	if p == "" || p[len(p)-1] == '/' {
		return p
	}
	return p + "/"
}

// loadForPublish loads the dataset to publish, provenance checked, and the folder
// of its source documents: the embedded dataset with its embedded documents, or a
// file with the folder given (by default sources/ beside it).
func loadForPublish(file, sources string) (*facts.Dataset, fs.FS, string, error) {
	if file == "" {
		if sources != "" {
			return nil, nil, "", usagef("--sources goes with --dataset: the embedded dataset carries its own documents")
		}
		return facts.Default(), facts.SourceDocuments(), "embedded dataset", nil
	}
	if sources == "" {
		sources = filepath.Join(filepath.Dir(file), "sources")
	}
	fh, err := os.Open(file)
	if err != nil {
		return nil, nil, "", err
	}
	defer fh.Close()
	docs := os.DirFS(sources)
	d, err := facts.LoadLarge(fh, docs, facts.MaxPublishBytes)
	if err != nil {
		return nil, nil, "", err
	}
	return d, docs, file, nil
}
