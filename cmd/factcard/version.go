package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"

	"github.com/factcard/factcard/facts"
)

// version is the build's version, set by the Makefile with
// -ldflags "-X main.version=..."; "dev" for go run.
var version = "dev"

func versionCommand() *command {
	return &command{
		name:    "version",
		summary: "print the version, the renderer version, the dataset size and the brand",
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			return func(_ context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return usagef("version takes no arguments")
				}
				_, err := fmt.Fprintf(e.stdout, "factcard %s (%s, %s/%s), %d facts, brand %s (%.12s)\n",
					version, runtime.Version(), runtime.GOOS, runtime.GOARCH, facts.Default().Len(), e.brand.Name, e.brand.Digest())
				return err
			}
		},
	}
}
