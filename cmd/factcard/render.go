package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/panicerr"
	"github.com/factcard/factcard/render"
)

func renderCommand() *command {
	return &command{
		name:    "render",
		args:    "ID | --all",
		summary: "render a card to a file (or every card to a folder)",
		help: `Render draws the card of one fact to a file, or with --all every fact in every
size and theme into a folder, with a progress bar and a summary.

Examples:
  factcard render jaishankar-measured-and-responsible -o card.png
  factcard render rubio-methods-to-de-escalate --size story --theme light -o story.png
  factcard render --all -o cards/
  factcard render --dataset my-newsroom/dataset.json brevik-gift-big-fleets -o card.png
  factcard render --brand infra/brands/example rubio-methods-to-de-escalate --theme paper`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			size := fs.String("size", string(render.SizeOG), "card size: "+joinStrings(render.Sizes()))
			theme := fs.String("theme", "", "theme: one of the brand's (default its dark theme, else its first; built-in: "+joinStrings(render.Themes())+")")
			format := fs.String("format", string(render.FormatPNG), "image format: png or jpeg")
			out := fs.String("o", "", "output file, - for standard output (default ID-SIZE-THEME.EXT); with --all, the output folder (default cards)")
			all := fs.Bool("all", false, "render every fact in every size and theme")
			dataset := fs.String("dataset", "", "render from this dataset `FILE` (checked against sources/ beside it) instead of the embedded one")
			brandFlag(fs)
			return func(ctx context.Context, e *env, args []string) error {
				d := facts.Default()
				if *dataset != "" {
					var err error
					if d, err = loadDatasetFile(*dataset); err != nil {
						return err
					}
				}
				opts := render.Options{Brand: e.brand}
				var err error
				if opts.Format, err = render.ParseFormat(*format); err != nil {
					return usagef("%v", err)
				}
				if *all {
					if len(args) > 0 {
						return usagef("--all renders every fact; give no ID")
					}
					dir := *out
					if dir == "" {
						dir = "cards"
					}
					return renderAll(ctx, e, d.All(), opts, dir)
				}
				if len(args) != 1 {
					return usagef("give one fact ID, or --all")
				}
				if opts.Size, err = render.ParseSize(*size); err != nil {
					return usagef("%v", err)
				}
				if opts.Theme, err = render.ParseThemeFor(e.brand, *theme); err != nil {
					return usagef("%v", err)
				}
				f, ok := d.Lookup(args[0])
				if !ok {
					return fmt.Errorf("no fact with ID %q (see 'factcard facts list')", args[0])
				}
				return renderOne(e, f, opts, *out)
			}
		},
	}
}

// loadDatasetFile loads a dataset file, checked against the documents in sources/
// beside it.
func loadDatasetFile(path string) (*facts.Dataset, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	docs, err := openSources(filepath.Join(filepath.Dir(path), "sources"))
	if err != nil {
		return nil, err
	}
	defer docs.Close()
	return facts.Load(fh, docs)
}

func renderOne(e *env, f facts.Fact, opts render.Options, out string) error {
	opts, err := opts.Resolve()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := render.Render(&buf, f, opts); err != nil {
		return fmt.Errorf("render %s: %w", f.ID, err)
	}
	if out == "-" {
		_, err := e.stdout.Write(buf.Bytes())
		return err
	}
	if out == "" {
		out = cardFileName(f.ID, opts)
	}
	if err := writeFileAtomic(out, buf.Bytes()); err != nil {
		return err
	}
	w, h := opts.Size.Dimensions()
	fmt.Fprintf(e.stdout, "%s: %s card, %d×%d, %s\n", out, opts.Format, w, h, humanBytes(int64(buf.Len())))
	return nil
}

func cardFileName(id string, opts render.Options) string {
	return fmt.Sprintf("%s-%s-%s.%s", id, opts.Size, opts.Theme, opts.Format.Ext())
}

// renderAll renders every fact × size × theme of the brand into dir, in the
// format and brand of opts, in parallel, with progress.
func renderAll(ctx context.Context, e *env, all []facts.Fact, opts render.Options, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	type job struct {
		f    facts.Fact
		opts render.Options
	}
	var jobs []job
	for _, f := range all {
		for _, size := range render.Sizes() {
			for _, theme := range render.ThemesFor(opts.Brand) {
				jobs = append(jobs, job{f, render.Options{Size: size, Theme: theme, Format: opts.Format, Brand: opts.Brand}})
			}
		}
	}
	start := time.Now()
	bar := newProgress(e.stderr, "rendering", len(jobs))
	var (
		mu   sync.Mutex
		done int
		size int64
		errs []error
		next = make(chan job)
		wg   sync.WaitGroup
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range next {
				n, err := renderToFile(j.f, j.opts, filepath.Join(dir, cardFileName(j.f.ID, j.opts)))
				mu.Lock()
				done++
				size += n
				if err != nil {
					errs = append(errs, err)
				}
				bar.Update(done)
				mu.Unlock()
			}
		})
	}
feed:
	for _, j := range jobs {
		select {
		case next <- j:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	bar.Finish()
	fmt.Fprintf(e.stdout, "%d cards, %.2f s, %s in %s\n", done-len(errs), time.Since(start).Seconds(), humanBytes(size), dir)
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return ctx.Err()
}

func renderToFile(f facts.Fact, opts render.Options, path string) (int64, error) {
	var buf bytes.Buffer
	// render --all draws on worker goroutines: a card that panics is that card's
	// error, and the others are still written.
	if err := panicerr.Do(func() error { return render.Render(&buf, f, opts) }); err != nil {
		return 0, fmt.Errorf("render %s %s %s: %w", f.ID, opts.Size, opts.Theme, err)
	}
	return int64(buf.Len()), writeFileAtomic(path, buf.Bytes())
}

// writeFileAtomic writes a file via a temporary file and a rename, so a reader never
// sees half a card.
func writeFileAtomic(path string, data []byte) error { return writeViaTemp(path, data, os.Rename) }

// writeViaTemp writes data to a temporary file beside path (mode 0644) and then
// puts it in place with commit(temporary, path): os.Rename to replace, os.Link to
// create only. The temporary file is always removed.
func writeViaTemp(path string, data []byte, commit func(oldname, newname string) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".factcard-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return commit(tmp.Name(), path)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func joinStrings[S ~string](vs []S) string {
	ss := make([]string, len(vs))
	for i, v := range vs {
		ss[i] = string(v)
	}
	return strings.Join(ss, ", ")
}
