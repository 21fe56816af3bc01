package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/render"
	"github.com/factcard/factcard/render/brand"
)

func factsCommand() *command {
	return &command{
		name:    "facts",
		summary: "list, show, validate and curate the dataset",
		sub: []*command{
			{
				name:    "list",
				summary: "list every fact as a table (or JSON)",
				flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
					asJSON := fs.Bool("json", false, "print the whole dataset as a JSON array")
					return func(_ context.Context, e *env, args []string) error {
						if len(args) > 0 {
							return usagef("list takes no arguments, got %q", args)
						}
						all := facts.Default().All()
						if *asJSON {
							return writeJSON(e.stdout, all)
						}
						return writeFactTable(e.stdout, all)
					}
				},
			},
			{
				name:    "show",
				args:    "ID",
				summary: "print one fact as JSON",
				flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
					return func(_ context.Context, e *env, args []string) error {
						if len(args) != 1 {
							return usagef("show takes exactly one fact ID")
						}
						f, err := lookup(args[0])
						if err != nil {
							return err
						}
						return writeJSON(e.stdout, f)
					}
				},
			},
			{
				name:    "validate",
				args:    "[FILE]",
				summary: "check a dataset file (default: the embedded one)",
				help: `Validate checks a dataset: the schema (unknown fields are errors), unique IDs,
dates that parse, required fields, text limits, no control or bidi characters, and
that every fact fits on every card size and theme with glyphs in the embedded
fonts. It checks provenance too: every source document is present with the
SHA-256 its source records, and every quote, context, name, role, handle, date
as given and headline occurs in its document. It lists every problem, naming the
fact or source, and exits 1 if there are any.

Without FILE it checks the dataset and documents embedded in this binary (with go
run, the files in facts/ as they are now). With FILE, the documents are read from
sources/ beside it, or from --sources DIR.`,
				flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
					sources := fs.String("sources", "", "the `DIR` of source documents (default: sources/ beside FILE)")
					return func(_ context.Context, e *env, args []string) error {
						if len(args) > 1 {
							return usagef("validate takes at most one file")
						}
						name := "embedded dataset"
						var d *facts.Dataset
						if len(args) == 0 {
							var err error
							if d, err = facts.Load(bytes.NewReader(facts.EmbeddedDataset()), facts.SourceDocuments()); err != nil {
								return err
							}
						} else {
							name = args[0]
							fh, err := os.Open(args[0])
							if err != nil {
								return err
							}
							defer fh.Close()
							dir := *sources
							if dir == "" {
								dir = filepath.Join(filepath.Dir(args[0]), "sources")
							}
							docs, err := openSources(dir)
							if err != nil {
								return err
							}
							defer docs.Close()
							if d, err = facts.Load(fh, docs); err != nil {
								return err
							}
						}
						if err := checkCards(d, e.brand); err != nil {
							return err
						}
						fmt.Fprintf(e.stdout, "%d facts valid, %d sources checked (%s)\n", d.Len(), len(d.Sources()), name)
						return nil
					}
				},
			},
			extractCommand(),
			addCommand(),
			addSourceCommand(),
		},
	}
}

// lookup finds a fact in the embedded dataset, with an error that says what to do.
func lookup(id string) (facts.Fact, error) {
	f, ok := facts.Default().Lookup(id)
	if !ok {
		return facts.Fact{}, fmt.Errorf("no fact with ID %q (see 'factcard facts list')", id)
	}
	return f, nil
}

// checkCards lays every fact out on every card of brand b (nil for the
// built-in brand), listing every one that does not fit. The error wraps each
// fact's, so a character no font has (*render.MissingGlyphError) exits 2.
func checkCards(d *facts.Dataset, b *brand.Brand) error {
	var msgs []string
	var errs []error
	for i, f := range d.All() {
		if err := render.CheckFor(b, f); err != nil {
			msgs = append(msgs, fmt.Sprintf("fact %d (%q): %v", i+1, f.ID, err))
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return &listError{msg: "invalid dataset: " + strings.Join(msgs, "\n  "), errs: errs}
	}
	return nil
}

// listError is a message over a list of errors, which it wraps.
type listError struct {
	msg  string
	errs []error
}

func (e *listError) Error() string   { return e.msg }
func (e *listError) Unwrap() []error { return e.errs }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func writeFactTable(w io.Writer, all []facts.Fact) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSAID\tSPEAKER\tQUOTE")
	for _, f := range all {
		said := f.Said.Value
		switch {
		case f.Said.Precision == facts.Unknown:
			said = "unknown"
		case f.Said.Precision == facts.Resolved:
			said += "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.ID, said, f.Speaker.Name, ellipsize("“"+f.Quote+"”", 60))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d facts. * date resolved from the source's relative day ('factcard facts show ID' says how).\n", len(all))
	return err
}

// ellipsize shortens s to at most n runes, ending in an ellipsis when cut.
func ellipsize(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
