package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/factcard/factcard/facts/curate"
	"github.com/factcard/factcard/functions/config"
	"github.com/factcard/factcard/render"
	"github.com/factcard/factcard/render/brand"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// env is what a command may touch of the outside world; tests pass their own.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// brand is the brand every command draws in: --brand, else FACTCARD_BRAND,
	// else the built-in brand. run loads and checks it before the command runs.
	brand *brand.Brand
}

// command is one verb of the CLI, possibly with sub-verbs.
type command struct {
	name    string
	args    string // synopsis of the arguments, for usage lines
	summary string
	// help is the long description printed by --help.
	help string
	// flags declares the command's flags on fs and returns the function that runs it.
	flags func(fs *flag.FlagSet) func(ctx context.Context, e *env, args []string) error
	sub   []*command
}

// brandFlag declares --brand on a command that draws cards.
func brandFlag(fs *flag.FlagSet) {
	fs.String("brand", "", "brand folder: brand.json and its files (default FACTCARD_BRAND, else the built-in brand)")
}

// usageError is a mistake in how the command was called: exit 2 with usage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

func root() *command {
	return &command{
		name:    "factcard",
		summary: "render and serve shareable cards of curated, sourced quotes",
		help: `factcard renders a fact from its curated dataset into a PNG card and serves the
cards, share pages and JSON API over HTTP. Locally it needs no AWS account: cards
are stored under ./.factcard unless FACTCARD_BUCKET names an S3 bucket.`,
		sub: []*command{factsCommand(), renderCommand(), serveCommand(), generateCommand(), publishCommand(), versionCommand(), brandCommand()},
	}
}

// run is the whole CLI: it parses args, runs a command and returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	cmd := root()
	path := []string{cmd.name}
	for {
		if len(cmd.sub) == 0 {
			break
		}
		if len(args) == 0 {
			printUsage(e.stderr, cmd, path)
			return exitUsage
		}
		switch a := args[0]; {
		case a == "-h" || a == "--help" || a == "-help" || a == "help":
			printUsage(e.stdout, cmd, path)
			return exitOK
		case strings.HasPrefix(a, "-"):
			fmt.Fprintf(e.stderr, "%s: unknown flag %s\n\n", strings.Join(path, " "), a)
			printUsage(e.stderr, cmd, path)
			return exitUsage
		}
		next := find(cmd.sub, args[0])
		if next == nil {
			fmt.Fprintf(e.stderr, "%s: unknown command %q\n\n", strings.Join(path, " "), args[0])
			printUsage(e.stderr, cmd, path)
			return exitUsage
		}
		cmd, args = next, args[1:]
		path = append(path, cmd.name)
	}

	fs := flag.NewFlagSet(strings.Join(path, " "), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	runFn := cmd.flags(fs)
	if err := fs.Parse(interspersed(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(e.stdout, cmd, path, fs)
			return exitOK
		}
		fmt.Fprintf(e.stderr, "%s: %v\n\n", strings.Join(path, " "), err)
		printUsage(e.stderr, cmd, path, fs)
		return exitUsage
	}
	// The brand is loaded and checked before anything runs, so a bad brand fails
	// every command at start (exit 2), and nothing is drawn or served half-branded.
	brandDir := e.getenv("FACTCARD_BRAND")
	if f := fs.Lookup("brand"); f != nil && f.Value.String() != "" {
		brandDir = f.Value.String()
	}
	var err error
	if e.brand, err = config.LoadBrand(brandDir); err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", strings.Join(path, " "), err)
		return exitUsage
	}
	err = runFn(ctx, e, fs.Args())
	var ue *usageError
	var ie *curate.InputError
	var be *brand.Error
	var mg *render.MissingGlyphError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &mg):
		// A character no shipped font has: bad input, like a bad brand.
		fmt.Fprintf(e.stderr, "%s: %v\n", strings.Join(path, " "), err)
		return exitUsage
	case errors.As(err, &be):
		// A bad brand named by an argument ('brand bundle'), as at start.
		fmt.Fprintf(e.stderr, "%s: %v\n", strings.Join(path, " "), err)
		return exitUsage
	case errors.As(err, &ie):
		// Bad input to a curation command: what to do, without the usage.
		fmt.Fprintf(e.stderr, "%s: %v\n", strings.Join(path, " "), err)
		return exitUsage
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "%s: %v\n\n", strings.Join(path, " "), err)
		printUsage(e.stderr, cmd, path, fs)
		return exitUsage
	default:
		fmt.Fprintf(e.stderr, "%s: %v\n", strings.Join(path, " "), err)
		return exitFail
	}
}

func find(cmds []*command, name string) *command {
	for _, c := range cmds {
		if c.name == name {
			return c
		}
	}
	return nil
}

// interspersed reorders args so flags may follow positional arguments
// ("render ID -o card.png"), as people type them. A lone "--" ends the flags.
func interspersed(fs *flag.FlagSet, args []string) []string {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		// A flag that takes a value consumes the next argument.
		if f := fs.Lookup(name); f != nil && i+1 < len(args) {
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !bf.IsBoolFlag() {
				flags = append(flags, args[i+1])
				i++
			}
		}
	}
	return append(append(flags, "--"), positional...)
}

func printUsage(w io.Writer, cmd *command, path []string, fs ...*flag.FlagSet) {
	name := strings.Join(path, " ")
	if len(cmd.sub) > 0 {
		fmt.Fprintf(w, "Usage: %s <command> [flags]\n\n", name)
	} else {
		fmt.Fprintf(w, "Usage: %s", name)
		if len(fs) > 0 && hasFlags(fs[0]) {
			fmt.Fprint(w, " [flags]")
		}
		if cmd.args != "" {
			fmt.Fprint(w, " "+cmd.args)
		}
		fmt.Fprint(w, "\n\n")
	}
	if cmd.help != "" {
		fmt.Fprintln(w, cmd.help)
		fmt.Fprintln(w)
	} else if cmd.summary != "" {
		fmt.Fprintln(w, strings.ToUpper(cmd.summary[:1])+cmd.summary[1:]+".")
		fmt.Fprintln(w)
	}
	if len(cmd.sub) > 0 {
		fmt.Fprintln(w, "Commands:")
		for _, c := range cmd.sub {
			fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
		}
		fmt.Fprintf(w, "\nRun '%s <command> --help' for more about a command.\n", name)
		return
	}
	if len(fs) > 0 && hasFlags(fs[0]) {
		fmt.Fprintln(w, "Flags:")
		fs[0].SetOutput(w)
		fs[0].PrintDefaults()
		fs[0].SetOutput(io.Discard)
	}
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}
