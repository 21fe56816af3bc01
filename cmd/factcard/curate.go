package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/curate"
	"github.com/factcard/factcard/render"
	"github.com/factcard/factcard/render/brand"
)

// defaultDataset is where 'facts add' and 'facts add-source' find the dataset: the
// repository's own, from its root.
const defaultDataset = "facts/dataset.json"

func extractCommand() *command {
	return &command{
		name:    "extract",
		args:    "FILE",
		summary: "propose every quoted passage of a source text, with its speaker",
		help: `Extract reads a source text (a news article, a transcript) and proposes every
quoted passage in it: passages in curly or straight quotation marks, and embedded
posts (a block of text followed by a line "— Name (@handle) Month D, YYYY").

For each it gives the quote, the speaker the text attributes it to (the fullest
name the text gives, or its description when it gives no name), the role and
handle where the text gives them, the date words as given, the words around it,
whether it is a fragment, and its offset in characters. It reads these forms:
“…,” X said; X said “…”; X told reporters … that … “…”; X has condemned … as
“…”; according to X; X was quoted … as saying: “…”.

It only proposes: it never writes the dataset, and it never attributes a quote the
text does not clearly attribute. Then the speaker is empty and the reason says why.`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			asJSON := fs.Bool("json", false, "print a JSON array of candidates (keys: quote, speaker, mention, role, handle, said, medium, before, after, fragment, offset, byte_offset, form, reason)")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) != 1 {
					return usagef("extract takes exactly one FILE (a source text)")
				}
				doc, err := readSourceFile(args[0])
				if err != nil {
					return err
				}
				cands, err := curate.ExtractContext(ctx, string(doc))
				if err != nil {
					return err
				}
				if *asJSON {
					if cands == nil {
						cands = []curate.Candidate{}
					}
					return writeJSON(e.stdout, cands)
				}
				return writeCandidates(e.stdout, cands)
			}
		},
	}
}

// readSourceFile reads a source text from disk, with errors that say what to do.
func readSourceFile(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &curate.InputError{Msg: fmt.Sprintf("%s does not exist: give the path of a source text", path)}
		}
		return nil, err
	}
	defer fh.Close()
	if st, err := fh.Stat(); err == nil && !st.Mode().IsRegular() {
		return nil, &curate.InputError{Msg: fmt.Sprintf("%s is not a regular file", path)}
	}
	data, err := curate.ReadAllLimited(fh, facts.MaxDocumentBytes, path)
	if err != nil {
		var inErr *curate.InputError
		if errors.As(err, &inErr) {
			return nil, &curate.InputError{Msg: inErr.Msg + ": give the article's own text, without the rest of the page it was on"}
		}
		return nil, err
	}
	if !utf8.Valid(data) {
		return nil, &curate.InputError{Msg: fmt.Sprintf("%s is not UTF-8 text: save the source as plain UTF-8 text", path)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &curate.InputError{Msg: fmt.Sprintf("%s is empty: save the article's text in it first", path)}
	}
	return data, nil
}

func writeCandidates(w io.Writer, cands []curate.Candidate) error {
	if len(cands) == 0 {
		_, err := fmt.Fprintln(w, "no quoted passages found")
		return err
	}
	for i, c := range cands {
		fmt.Fprintf(w, "%d. “%s”\n", i+1, c.Quote)
		tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
		speaker := c.Speaker
		if speaker == "" {
			speaker = "(not clearly attributed)"
		} else if c.Mention != "" {
			speaker += " (given as “" + c.Mention + "”)"
		}
		rows := [][2]string{{"speaker", speaker}, {"role", c.Role}, {"handle", c.Handle}, {"said", c.Said},
			{"medium", string(c.Medium)}, {"before", c.Before}, {"after", c.After},
			{"fragment", fmt.Sprintf("%v", c.Fragment)}, {"offset", fmt.Sprintf("%d", c.Offset)}, {"form", c.Form}, {"reason", c.Reason}}
		for _, r := range rows {
			if r[1] != "" {
				fmt.Fprintf(tw, "   %s:\t%s\n", r[0], r[1])
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	attributed := 0
	for _, c := range cands {
		if c.Speaker != "" {
			attributed++
		}
	}
	_, err := fmt.Fprintf(w, "\n%d quoted passages, %d attributed. These are proposals: check each against the source before 'factcard facts add'.\n", len(cands), attributed)
	return err
}

// datasetFlags are the flags 'facts add' and 'facts add-source' share.
type datasetFlags struct {
	dataset, sources *string
}

func addDatasetFlags(fs *flag.FlagSet) datasetFlags {
	return datasetFlags{
		dataset: fs.String("dataset", defaultDataset, "the dataset `FILE` to change"),
		sources: fs.String("sources", "", "the `DIR` of source documents (default: sources/ beside the dataset)"),
	}
}

func (d datasetFlags) sourcesDir() string {
	if *d.sources != "" {
		return *d.sources
	}
	return filepath.Join(filepath.Dir(*d.dataset), "sources")
}

// hold locks the dataset file for a change (see holdDataset), opens its
// documents and checks it against them. The caller releases both.
func (d datasetFlags) hold(ctx context.Context) (*heldDataset, *sourcesFS, *facts.Dataset, error) {
	h, err := holdDataset(ctx, *d.dataset)
	if err != nil {
		return nil, nil, nil, err
	}
	docs, err := openSources(d.sourcesDir())
	if err != nil {
		h.release()
		return nil, nil, nil, err
	}
	ds, err := facts.Load(bytes.NewReader(h.data), docs)
	if err != nil {
		h.release()
		docs.Close()
		return nil, nil, nil, fmt.Errorf("%s is not valid as it stands; fix it first (factcard facts validate %s):\n%w", *d.dataset, *d.dataset, err)
	}
	return h, docs, ds, nil
}

// interrupted says that a curation command stopped on a signal and changed
// nothing, when ctx is done; otherwise it returns err.
func interrupted(ctx context.Context, dataset string, err error) error {
	if ctx.Err() == nil {
		return err
	}
	return fmt.Errorf("interrupted: %s not changed", dataset)
}

// stringFlag is a string flag that knows whether it was given.
type stringFlag struct {
	value string
	set   bool
}

func (s *stringFlag) String() string     { return s.value }
func (s *stringFlag) Set(v string) error { s.value, s.set = v, true; return nil }

func addCommand() *command {
	return &command{
		name:    "add",
		args:    "--source SOURCE_ID --quote \"…\"",
		summary: "add a quote from a source to the dataset",
		help: `Add finds a quote in its source document, exactly as the source gives it (only
quotation marks and white space may differ), fills in what the text gives (the
speaker, role and handle, whether it is a fragment and the words around it, the
date words, how it was said) and writes the dataset with that one fact added at
the end, every other byte unchanged. Relative days ("Friday", "this morning") are
resolved against the source's date, keeping the source's words and a note.

Flags override what the text gives. When the text does not clearly say who spoke,
add refuses unless --speaker names them as the source does. Anything wrong (a quote
not in the source, an unknown source, a duplicate ID or quote, a bad flag) exits 2
with what to do, and leaves the dataset file as it was: it is written to a
temporary file, validated, and renamed over the old one.`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			ds := addDatasetFlags(fs)
			var req curate.AddRequest
			var before, after stringFlag
			kind := fs.String("kind", "", "`person` (the default) or body, for words a country or institution is said to have said")
			medium := fs.String("medium", "", "how the words were said: "+joinStrings(media())+" (default: what the text says, else unspecified)")
			fs.StringVar(&req.SourceID, "source", "", "the `ID` of the source the quote is in (required; 'factcard facts add-source' adds one)")
			fs.StringVar(&req.Quote, "quote", "", "the quoted `words`, exactly as the source gives them (required)")
			fs.StringVar(&req.ID, "id", "", "the fact's `ID`, a slug (default: from the speaker and the quote)")
			fs.StringVar(&req.Speaker, "speaker", "", "the speaker's `name` as the source gives it (default: whom the text attributes the quote to)")
			fs.StringVar(&req.Role, "role", "", "the speaker's `role` as the source gives it")
			fs.StringVar(&req.Handle, "handle", "", "the speaker's `handle` as the source gives it")
			fs.StringVar(&req.Said, "said", "", "the date `words` as the source gives them (\"May 10, 2025\", \"Friday\", \"this morning\") or unknown")
			fs.StringVar(&req.SaidNote, "said-note", "", "a `note` on the date, replacing the one add writes")
			fs.StringVar(&req.Language, "language", "", "the quote's language, a BCP 47 `tag` (en, hi, ru, zh-Hans …) in a script the fonts cover (default: from its script, where that says)")
			fs.Var(&before, "before", "the source's `words` directly before the quote, shown with it (default for a fragment: its sentence from the speaker's name)")
			fs.Var(&after, "after", "the source's `words` directly after the quote")
			fs.StringVar(&req.Note, "note", "", "a curation `note` for readers of the data")
			fs.BoolVar(&req.TrustSpeaker, "trust-speaker", false, "take --speaker even where the text attributes the quote to someone else (check the source first)")
			dryRun := fs.Bool("dry-run", false, "print the fact that would be added, and write nothing")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return usagef("add takes flags only, got %q (quote the words: --quote \"…\")", args)
				}
				if req.SourceID == "" || req.Quote == "" {
					return usagef("add needs --source SOURCE_ID and --quote \"…\"")
				}
				switch k := facts.SpeakerKind(*kind); k {
				case "", facts.Person, facts.Body:
					req.Kind = k
				default:
					return usagef("--kind %q: use person or body", *kind)
				}
				if m := facts.Medium(*medium); m != "" && !m.Valid() {
					return usagef("--medium %q: use one of %s", *medium, joinStrings(media()))
				}
				req.Medium = facts.Medium(*medium)
				if req.Language != "" {
					tag, err := checkLanguage(req.Language)
					if err != nil {
						return err
					}
					req.Language = tag
				}
				if before.set {
					req.Before = &before.value
				}
				if after.set {
					req.After = &after.value
				}
				held, docs, d, err := ds.hold(ctx)
				if err != nil {
					return interrupted(ctx, *ds.dataset, err)
				}
				defer held.release()
				defer docs.Close()
				src, ok := findSource(d, req.SourceID)
				if !ok {
					return &curate.InputError{Msg: fmt.Sprintf("no source with ID %q in %s (sources: %s); add one with 'factcard facts add-source FILE'", req.SourceID, *ds.dataset, sourceIDs(d))}
				}
				doc, err := docs.ReadFile(src.Document)
				if err != nil {
					return err
				}
				f, err := curate.BuildFact(ctx, d, src, string(doc), req)
				if err != nil {
					return interrupted(ctx, *ds.dataset, err)
				}
				updated, err := curate.InsertFact(held.data, f)
				if err != nil {
					return err
				}
				nd, err := checkNewDataset(updated, docs, e.brand)
				if err != nil {
					return err
				}
				added, _ := nd.Lookup(f.ID)
				enc, err := facts.EncodeFact(added)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "%s\n", enc)
				if *dryRun {
					fmt.Fprintf(e.stdout, "dry run: %s not changed\n", *ds.dataset)
					return nil
				}
				if err := held.replace(ctx, updated); err != nil {
					return interrupted(ctx, *ds.dataset, fmt.Errorf("write %s: %w", *ds.dataset, err))
				}
				fmt.Fprintf(e.stdout, "added fact %q to %s; %d facts valid\n", f.ID, *ds.dataset, nd.Len())
				return nil
			}
		},
	}
}

// checkLanguage checks a --language tag: a BCP 47 tag whose script the shipped
// fonts cover. It returns the tag in canonical form.
func checkLanguage(s string) (string, error) {
	tag, err := language.Parse(s)
	if err != nil || tag == language.Und {
		return "", &curate.InputError{Msg: fmt.Sprintf("--language %q is not a BCP 47 language tag: give one such as en, hi, ru, ja, zh-Hans", s)}
	}
	script, _ := tag.Script()
	if !render.CoversScript(script.String()) {
		return "", &curate.InputError{Msg: fmt.Sprintf("--language %s is written in %s, a script the fonts do not cover; they cover %s", tag, script, strings.Join(render.Scripts(), ", "))}
	}
	return tag.String(), nil
}

// checkNewDataset validates a dataset about to be written: provenance against its
// documents, and every card fits in brand b. A failure is the curator's to fix: exit 2.
func checkNewDataset(data []byte, docs fs.FS, b *brand.Brand) (*facts.Dataset, error) {
	nd, err := facts.Load(bytes.NewReader(data), docs)
	if err != nil {
		return nil, &curate.InputError{Msg: "the dataset would not be valid with this change, so nothing was written:\n" + err.Error()}
	}
	if err := checkCards(nd, b); err != nil {
		return nil, &curate.InputError{Msg: "a card would not fit, so nothing was written:\n" + err.Error()}
	}
	return nd, nil
}

func findSource(d *facts.Dataset, id string) (facts.Source, bool) {
	for _, s := range d.Sources() {
		if s.ID == id {
			return s, true
		}
	}
	return facts.Source{}, false
}

func sourceIDs(d *facts.Dataset) string {
	var ids []string
	for _, s := range d.Sources() {
		ids = append(ids, s.ID)
	}
	return strings.Join(ids, ", ")
}

func media() []facts.Medium {
	return []facts.Medium{facts.PostOnX, facts.Briefing, facts.RemarksToReporters, facts.PhoneCall, facts.Statement, facts.Unspecified}
}

func addSourceCommand() *command {
	return &command{
		name:    "add-source",
		args:    "FILE --headline \"…\"",
		summary: "add a source document to the dataset, with its SHA-256",
		help: `Add-source copies a source text (UTF-8) into the dataset's sources folder under its
own file name and adds a source entry for it: the file name, the SHA-256 of its
bytes, and what is known of it. What you do not give is recorded as unknown, never
guessed: a missing --publisher or --url is listed in "unknown", a missing
--published or --retrieved date is "unknown" with a note.

The headline must occur in the document, and so must --published when given as
words ("May 10, 2025"); give YYYY-MM-DD for a date you know from the publisher.
Bad input exits 2 and changes nothing.`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			ds := addDatasetFlags(fs)
			var req curate.SourceRequest
			fs.StringVar(&req.ID, "id", "", "the source's `ID`, a slug (default: from the file name)")
			fs.StringVar(&req.Headline, "headline", "", "the document's headline or title, as it gives it (required)")
			fs.StringVar(&req.Publisher, "publisher", "", "who published it, when known")
			fs.StringVar(&req.URL, "url", "", "where it was published, when known")
			fs.StringVar(&req.Published, "published", "", "its publication date: the document's `words` (\"May 10, 2025\") or YYYY-MM-DD")
			fs.StringVar(&req.PublishedNote, "published-note", "", "a `note` on how the publication date is known")
			fs.StringVar(&req.Retrieved, "retrieved", "", "when you obtained the document, `YYYY-MM-DD`")
			fs.StringVar(&req.Note, "note", "", "a `note` on the source for readers of the data")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) != 1 {
					return usagef("add-source takes exactly one FILE (the source text)")
				}
				doc, err := readSourceFile(args[0])
				if err != nil {
					return err
				}
				held, docs, d, err := ds.hold(ctx)
				if err != nil {
					return interrupted(ctx, *ds.dataset, err)
				}
				defer held.release()
				defer docs.Close()
				name := filepath.Base(args[0])
				src, err := curate.BuildSource(d, name, doc, req)
				if err != nil {
					return err
				}
				dir := ds.sourcesDir()
				target := filepath.Join(dir, name)
				if _, err := os.Lstat(target); err == nil {
					return &curate.InputError{Msg: fmt.Sprintf("%s already exists and no source names it: remove it or rename your file", target)}
				}
				updated, err := curate.InsertSource(held.data, src)
				if err != nil {
					return err
				}
				if _, err := checkNewDataset(updated, overlayFS{base: docs, name: name, data: doc}, e.brand); err != nil {
					return err
				}
				removeStaleTemps(dir, time.Now().Add(-staleTemp))
				if err := writeDurable(ctx, target, doc, 0o644, os.Link); err != nil {
					return interrupted(ctx, *ds.dataset, fmt.Errorf("copy %s into %s: %w", args[0], dir, err))
				}
				if err := held.replace(ctx, updated); err != nil {
					os.Remove(target)
					return interrupted(ctx, *ds.dataset, fmt.Errorf("write %s: %w", *ds.dataset, err))
				}
				enc, err := facts.EncodeSource(src)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "%s\nadded source %q (%s, SHA-256 %s) to %s\n", enc, src.ID, target, src.SHA256[:12]+"…", *ds.dataset)
				return nil
			}
		},
	}
}

// overlayFS is a folder with one more file in it, not yet written.
type overlayFS struct {
	base fs.FS
	name string
	data []byte
}

func (o overlayFS) Open(name string) (fs.File, error) {
	if name == o.name {
		return &memFile{Reader: bytes.NewReader(o.data), name: name, size: int64(len(o.data))}, nil
	}
	return o.base.Open(name)
}

type memFile struct {
	*bytes.Reader
	name string
	size int64
}

func (f *memFile) Stat() (fs.FileInfo, error) { return memInfo{f.name, f.size}, nil }
func (f *memFile) Close() error               { return nil }

type memInfo struct {
	name string
	size int64
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
