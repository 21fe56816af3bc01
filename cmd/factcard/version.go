package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/render/locale"
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
				_, err := fmt.Fprintf(e.stdout, "factcard %s (%s, %s/%s), %d facts, brand %s (%.12s), locale %s\n",
					version, runtime.Version(), runtime.GOOS, runtime.GOARCH, facts.Default().Len(), e.brand.Name, e.brand.Digest(), localeNote(e.brand.Locale))
				return err
			}
		},
	}
}

// localeNote names a brand's locale and says whether a native speaker has
// reviewed its translation, and which labels the brand overrides.
func localeNote(l *locale.Locale) string {
	if l == nil {
		l = locale.MustDefault()
	}
	s := l.Tag
	if !l.Reviewed {
		s += " (not reviewed by a native speaker"
		if n := len(l.Overridden); n > 0 {
			s += fmt.Sprintf("; %d labels the brand's own", n)
		}
		s += ")"
	}
	return s
}
