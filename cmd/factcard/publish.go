package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/published"
	"github.com/factcard/factcard/functions/config"
	"github.com/factcard/factcard/functions/dataset"
	"github.com/factcard/factcard/render"
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
				var check func(int, facts.Fact)
				var misfits []string
				if *layout {
					check = func(i int, f facts.Fact) {
						if err := render.CheckFor(e.brand, f); err != nil {
							misfits = append(misfits, fmt.Sprintf("fact %d (%q): %v", i, f.ID, err))
						}
					}
				}
				b, name, cleanup, err := packForPublish(*file, *sources, check)
				if err != nil {
					return err
				}
				defer cleanup()
				if len(misfits) > 0 {
					return errors.New("invalid dataset: " + strings.Join(misfits, "\n  "))
				}
				store, err := cfg.OpenStore(ctx)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "%d facts valid (%s); %d shards, %d source documents, version %s\n",
					b.Manifest.Facts, name, len(b.Manifest.ShardSHA256), len(b.Manifest.Sources), b.Manifest.Version)
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

// packForPublish validates the dataset to publish, provenance included, and packs
// it, calling check with each fact while it is valid: the embedded dataset with
// its embedded documents, or a file with the folder given (by default sources/
// beside it). A file is read twice, a piece at a time, and its checked facts wait
// for publishing in a temporary file, so that a million facts fit in a few
// hundred megabytes of memory; cleanup removes that file once the bundle is
// written.
func packForPublish(file, sources string, check func(int, facts.Fact)) (b *published.Bundle, name string, cleanup func(), err error) {
	if file == "" {
		if sources != "" {
			return nil, "", nil, usagef("--sources goes with --dataset: the embedded dataset carries its own documents")
		}
		data := facts.EmbeddedDataset()
		b, err := published.PackFile(bytes.NewReader(data), int64(len(data)), facts.SourceDocuments(), published.PackOptions{Check: check})
		return b, "embedded dataset", func() {}, err
	}
	if sources == "" {
		sources = filepath.Join(filepath.Dir(file), "sources")
	}
	fh, err := os.Open(file)
	if err != nil {
		return nil, "", nil, err
	}
	defer fh.Close()
	r, size, done, err := seekable(fh)
	if err != nil {
		return nil, "", nil, err
	}
	defer done()
	docs, err := openSources(sources)
	if err != nil {
		return nil, "", nil, err
	}
	spill, err := dataset.NewSpillFile("")
	if err != nil {
		docs.Close()
		return nil, "", nil, err
	}
	b, err = published.PackFile(r, size, docs, published.PackOptions{Spill: spill, Check: check})
	if err != nil {
		spill.Close()
		docs.Close()
		return nil, "", nil, err
	}
	return b, file, func() { spill.Close(); docs.Close() }, nil
}

// seekable returns the dataset file to read at any offset, with its size: the
// file itself, or, for a pipe or other stream, a temporary copy that done
// removes.
func seekable(fh *os.File) (io.ReaderAt, int64, func(), error) {
	info, err := fh.Stat()
	if err != nil {
		return nil, 0, nil, err
	}
	if info.Mode().IsRegular() {
		return fh, info.Size(), func() {}, nil
	}
	tmp, err := os.CreateTemp("", "factcard-dataset-*.json")
	if err != nil {
		return nil, 0, nil, fmt.Errorf("copy %s to read it twice: %w", fh.Name(), err)
	}
	done := func() { tmp.Close(); os.Remove(tmp.Name()) }
	size, err := io.Copy(tmp, io.LimitReader(fh, facts.MaxPublishBytes+1))
	if err != nil {
		done()
		return nil, 0, nil, fmt.Errorf("copy %s to read it twice: %w", fh.Name(), err)
	}
	return tmp, size, done, nil
}
