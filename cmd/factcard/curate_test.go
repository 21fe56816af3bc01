package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/curate"
)

const article = "article-jaishankar-rubio-talks"

// scratchDataset copies the project's dataset and source documents into a temporary
// folder and returns the dataset's path there.
func scratchDataset(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	copyFile(t, filepath.Join("..", "..", "facts", "dataset.json"), filepath.Join(dir, "dataset.json"))
	entries, err := os.ReadDir(filepath.Join("..", "..", "facts", "sources"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		copyFile(t, filepath.Join("..", "..", "facts", "sources", e.Name()), filepath.Join(dir, "sources", e.Name()))
	}
	return filepath.Join(dir, "dataset.json")
}

// snapshot is every file under dir with its bytes.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		files[path] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameFiles(t *testing.T, before, after map[string]string) {
	t.Helper()
	for path, data := range before {
		if after[path] != data {
			t.Errorf("%s changed", path)
		}
	}
	for path := range after {
		if _, ok := before[path]; !ok {
			t.Errorf("%s was created", path)
		}
	}
}

// TestAddBadInput: every mistake exits 2 with a message saying what to do, and
// leaves the dataset and its documents byte for byte as they were.
func TestAddBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"quote not in the source", []string{"--source", article, "--quote", "irresponsible and reckless"},
			"the quote is not in source \"article-jaishankar-rubio-talks\""},
		{"closest passage shown", []string{"--source", article, "--quote", "decades-old hostility must give way to regional peace"},
			"decades-old hostilities must give way to regional stability"},
		{"unknown source", []string{"--source", "no-such-source", "--quote", "methods to de-escalate"},
			`no source with ID "no-such-source"`},
		{"duplicate ID", []string{"--source", article, "--quote", "Had a conversation with US Secretary of State Marco Rubio this morning.", "--speaker", "Jaishankar", "--id", "india-irresponsible-and-cowardly"},
			`--id "india-irresponsible-and-cowardly" is taken`},
		{"duplicate quote", []string{"--source", article, "--quote", "irresponsible  and\ncowardly"},
			`already in the dataset as fact "india-irresponsible-and-cowardly"`},
		{"malformed ID", []string{"--source", article, "--quote", "Had a conversation with US Secretary of State Marco Rubio this morning.", "--speaker", "Jaishankar", "--id", "Bad ID"},
			`--id "Bad ID" is not a slug`},
		{"unattributed words", []string{"--source", article, "--quote", "both strategic and restrained"},
			"does not clearly say who said this"},
		{"a speaker the text does not give", []string{"--source", article, "--quote", "Had a conversation with US Secretary of State Marco Rubio this morning.", "--speaker", "Donald Trump"},
			`attributes these words to "Dr. S. Jaishankar", not "Donald Trump"`},
		{"a name the source does not give", []string{"--source", article, "--quote", "Had a conversation with US Secretary of State Marco Rubio this morning.", "--speaker", "Fixture Person", "--trust-speaker"},
			`speaker.name: "Fixture Person" does not occur in the source`},
		{"a role the source does not give", []string{"--source", article, "--quote", "Had a conversation with US Secretary of State Marco Rubio this morning.", "--role", "Foreign Minister"},
			`speaker.role: "Foreign Minister" does not occur`},
		{"context not verbatim", []string{"--source", article, "--quote", "Had a conversation with US Secretary of State Marco Rubio this morning.", "--before", "Jaishankar wrote"},
			"context.before:"},
		{"a fragment without context", []string{"--source", article, "--quote", "to lower tensions", "--before", "", "--after", ""},
			"context: required for a fragment"},
		{"unreadable date words", []string{"--source", article, "--quote", "Had a conversation with US Secretary of State Marco Rubio this morning.", "--said", "next week"},
			`--said "next week" is not date words`},
		{"date words not in the source", []string{"--source", article, "--quote", "Had a conversation with US Secretary of State Marco Rubio this morning.", "--said", "Thursday"},
			`said.as_given: "Thursday" does not occur`},
		{"malformed kind", []string{"--source", article, "--quote", "x", "--kind", "robot"}, `--kind "robot": use person or body`},
		{"malformed medium", []string{"--source", article, "--quote", "x", "--medium", "fax"}, `--medium "fax": use one of`},
		{"malformed language", []string{"--source", article, "--quote", "Had a conversation with US Secretary of State Marco Rubio this morning.", "--language", "xx"},
			`--language "xx" is not a BCP 47 language tag`},
		{"missing quote", []string{"--source", article}, "add needs --source SOURCE_ID and --quote"},
		{"missing source", []string{"--quote", "methods to de-escalate"}, "add needs --source SOURCE_ID and --quote"},
		{"a stray argument", []string{"--source", article, "methods", "to", "de-escalate"}, "add takes flags only"},
		{"an unknown flag", []string{"--source", article, "--quote", "x", "--frobnicate"}, "flag provided but not defined: -frobnicate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := scratchDataset(t)
			before := snapshot(t, filepath.Dir(path))
			args := append([]string{"facts", "add", "--dataset", path}, tt.args...)
			code, stdout, stderr := runCLI(t, nil, args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitUsage, stdout, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr:\n%s\nwant it to contain %q", stderr, tt.want)
			}
			sameFiles(t, before, snapshot(t, filepath.Dir(path)))
		})
	}
}

func TestAddMissingDataset(t *testing.T) {
	code, _, stderr := runCLI(t, nil, "facts", "add", "--dataset", filepath.Join(t.TempDir(), "dataset.json"),
		"--source", article, "--quote", "methods to de-escalate")
	if code != exitUsage || !strings.Contains(stderr, "does not exist: run from the repository's root, or give --dataset FILE") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestAddReproducesTheDataset takes each fact out of the dataset and adds it back
// with only its source, quote and ID (and Rubio's date words, which the article
// gives in Jaishankar's post, not in Rubio's sentence): add finds the same speaker,
// role, handle, context, date and medium, and writes the fact at the end, leaving
// every byte before it as it was.
func TestAddReproducesTheDataset(t *testing.T) {
	for _, f := range facts.Default().All() {
		t.Run(f.ID, func(t *testing.T) {
			path := scratchDataset(t)
			original, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			without := removeFact(t, original, f.ID)
			if err := os.WriteFile(path, without, 0o644); err != nil {
				t.Fatal(err)
			}
			args := []string{"facts", "add", "--dataset", path, "--source", f.Source.ID, "--quote", f.Quote, "--id", f.ID}
			if f.ID == "rubio-methods-to-de-escalate" {
				args = append(args, "--said", f.Said.AsGiven)
			}
			if f.Speaker.Kind == facts.Body {
				args = append(args, "--kind", "body")
			}
			code, stdout, stderr := runCLI(t, nil, args...)
			if code != exitOK {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			if !strings.Contains(stdout, `added fact "`+f.ID+`"`) {
				t.Errorf("stdout %q does not say the fact was added", stdout)
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// Everything up to the end of the last fact is unchanged.
			cut := bytes.LastIndex(without, []byte("\n    }")) + len("\n    }")
			if !bytes.HasPrefix(after, without[:cut]) {
				t.Errorf("the facts before the new one changed")
			}
			d, err := loadDatasetFile(path)
			if err != nil {
				t.Fatalf("the written dataset does not load: %v", err)
			}
			got, ok := d.Lookup(f.ID)
			if !ok {
				t.Fatal("the fact is not in the written dataset")
			}
			all := d.All()
			if all[len(all)-1].ID != f.ID {
				t.Errorf("the new fact is not the last one")
			}
			checks := []struct{ field, got, want string }{
				{"quote", got.Quote, f.Quote},
				{"speaker", got.Speaker.Name, f.Speaker.Name},
				{"role", got.Speaker.Role, f.Speaker.Role},
				{"handle", got.Speaker.Handle, f.Speaker.Handle},
				{"kind", string(got.Speaker.Kind), string(f.Speaker.Kind)},
				{"fragment", boolString(got.Fragment), boolString(f.Fragment)},
				{"context.before", got.Context.Before, f.Context.Before},
				{"context.after", got.Context.After, f.Context.After},
				{"said.value", got.Said.Value, f.Said.Value},
				{"said.precision", string(got.Said.Precision), string(f.Said.Precision)},
				{"said.as_given", got.Said.AsGiven, f.Said.AsGiven},
				{"medium", string(got.Medium), string(f.Medium)},
				{"language", got.Language, f.Language},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
				}
			}
		})
	}
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// removeFact returns the dataset file without the fact id, in the file's own form.
func removeFact(t *testing.T, data []byte, id string) []byte {
	t.Helper()
	d, err := facts.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("{\n  \"sources\": [\n")
	for i, s := range d.Sources() {
		enc, err := facts.EncodeSource(s)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString("    " + strings.ReplaceAll(string(enc), "\n", "\n    "))
	}
	b.WriteString("\n  ],\n  \"facts\": [\n")
	n := 0
	for _, f := range d.All() {
		if f.ID == id {
			continue
		}
		enc, err := facts.EncodeFact(f)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			b.WriteString(",\n")
		}
		n++
		b.WriteString("    " + strings.ReplaceAll(string(enc), "\n", "\n    "))
	}
	b.WriteString("\n  ]\n}\n")
	if b.String() == string(data) {
		t.Fatalf("fact %q was not removed", id)
	}
	return []byte(b.String())
}

// TestAddSourceThenFact is the README's walkthrough on a fixture text: add the
// source, extract, add a fact, validate, render.
func TestAddSourceThenFact(t *testing.T) {
	path := scratchDataset(t)
	fixture := filepath.Join("..", "..", "facts", "curate", "testdata", "fixture-fishing.txt")
	code, stdout, stderr := runCLI(t, nil, "facts", "add-source", fixture, "--dataset", path,
		"--headline", "Ministers Trade Words Over Fishing Rights", "--published", "June 3, 2025", "--retrieved", "2026-11-30")
	if code != exitOK {
		t.Fatalf("add-source: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, `added source "fixture-fishing"`) {
		t.Errorf("add-source stdout = %q", stdout)
	}
	doc, err := os.ReadFile(filepath.Join(filepath.Dir(path), "sources", "fixture-fishing.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(fixture)
	if !bytes.Equal(doc, want) {
		t.Error("the document was not copied byte for byte")
	}

	code, stdout, stderr = runCLI(t, nil, "facts", "extract", "--json", fixture)
	if code != exitOK {
		t.Fatalf("extract: exit %d: %s", code, stderr)
	}
	var cands []map[string]any
	if err := json.Unmarshal([]byte(stdout), &cands); err != nil {
		t.Fatalf("extract --json is not a JSON array: %v", err)
	}
	for _, c := range cands {
		if _, ok := c["quote"]; !ok {
			t.Errorf("candidate without a quote key: %v", c)
		}
		if _, ok := c["speaker"]; !ok {
			t.Errorf("candidate without a speaker key: %v", c)
		}
	}

	code, stdout, stderr = runCLI(t, nil, "facts", "add", "--dataset", path, "--source", "fixture-fishing", "--quote", "Nobody asked the harbours")
	if code != exitOK {
		t.Fatalf("add: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	d, err := loadDatasetFile(path)
	if err != nil {
		t.Fatal(err)
	}
	all := d.All()
	f := all[len(all)-1]
	if f.Speaker.Name != "Tomas Brevik" || f.Quote != "Nobody asked the harbours." || f.Said.Value != "2025-05-28" || f.Said.AsGiven != "Wednesday" || f.Said.Precision != facts.Resolved {
		t.Errorf("added %+v; want Tomas Brevik, the full stop for the comma, and Wednesday resolved to 2025-05-28", f)
	}

	code, stdout, stderr = runCLI(t, nil, "facts", "validate", path)
	if code != exitOK || !strings.Contains(stdout, "7 facts valid, 2 sources checked") {
		t.Errorf("validate: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	card := filepath.Join(t.TempDir(), "card.png")
	code, _, stderr = runCLI(t, nil, "render", "--dataset", path, f.ID, "-o", card)
	if code != exitOK {
		t.Errorf("render: exit %d: %s", code, stderr)
	}
}

// TestAddSourceBadInput: each mistake exits 2 and changes nothing.
func TestAddSourceBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fixture := write("fixture-doc.txt", "FIXTURE Headline\nFixture text, published May 1, 2025.\n")
	articleCopy := write("same-article.txt", mustRead(t, filepath.Join("..", "..", "facts", "sources", "000_c1ab32550f819f58.txt")))
	sameName := write("000_c1ab32550f819f58.txt", "FIXTURE Headline\nOther fixture text.\n")
	notUTF8 := write("latin1.txt", "FIXTURE Headline caf\xe9\n")
	empty := write("empty.txt", " \n")
	badName := write("_hidden.txt", "FIXTURE Headline\n")
	capitalised := write("Fixture-Doc.txt", "FIXTURE Headline\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no headline", []string{fixture}, "--headline is required"},
		{"a headline not in the document", []string{fixture, "--headline", "Another Headline"}, `--headline "Another Headline" does not occur`},
		{"a missing file", []string{filepath.Join(dir, "missing.txt"), "--headline", "x"}, "does not exist"},
		{"not UTF-8", []string{notUTF8, "--headline", "FIXTURE Headline"}, "is not UTF-8 text"},
		{"empty", []string{empty, "--headline", "x"}, "is empty"},
		{"the same document again", []string{articleCopy, "--headline", "Jaishankar Marco Rubio Talks"}, `this document is already source "article-jaishankar-rubio-talks"`},
		{"a taken file name", []string{sameName, "--headline", "FIXTURE Headline"}, "a source already has the document name"},
		{"a taken ID", []string{fixture, "--headline", "FIXTURE Headline", "--id", article}, `source ID "article-jaishankar-rubio-talks" is taken`},
		{"a malformed ID", []string{fixture, "--headline", "FIXTURE Headline", "--id", "Not A Slug"}, `source ID "Not A Slug" is not a slug`},
		{"a file name go:embed would drop", []string{badName, "--headline", "FIXTURE Headline"}, "must be a plain file name"},
		{"a capitalised file name, which publish could not store", []string{capitalised, "--headline", "FIXTURE Headline"}, `"Fixture-Doc.txt" must be a plain file name of at most 200 characters: lower-case letters`},
		{"a publication date not in the document", []string{fixture, "--headline", "FIXTURE Headline", "--published", "May 2, 2025"}, `--published "May 2, 2025" does not occur`},
		{"a malformed publication date", []string{fixture, "--headline", "FIXTURE Headline", "--published", "soon"}, `--published "soon"`},
		{"an impossible retrieval date", []string{fixture, "--headline", "FIXTURE Headline", "--retrieved", "2025-02-30"}, `--retrieved "2025-02-30" is not a real date`},
		{"a malformed URL", []string{fixture, "--headline", "FIXTURE Headline", "--url", "not a url"}, `url: "not a url" is not an absolute http(s) URL`},
		{"no file", []string{"--headline", "x"}, "add-source takes exactly one FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := scratchDataset(t)
			before := snapshot(t, filepath.Dir(path))
			args := append([]string{"facts", "add-source", "--dataset", path}, tt.args...)
			code, stdout, stderr := runCLI(t, nil, args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitUsage, stdout, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr:\n%s\nwant it to contain %q", stderr, tt.want)
			}
			sameFiles(t, before, snapshot(t, filepath.Dir(path)))
		})
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestExtractCommand(t *testing.T) {
	source := filepath.Join("..", "..", "facts", "sources", "000_c1ab32550f819f58.txt")
	code, stdout, stderr := runCLI(t, nil, "facts", "extract", source)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"“irresponsible and cowardly”", "speaker:  India", "before:   India has condemned the attacks as", "7 quoted passages, 7 attributed"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = runCLI(t, nil, "facts", "extract", source, "--json")
	var cands []curate.Candidate
	if code != exitOK || json.Unmarshal([]byte(stdout), &cands) != nil || len(cands) != 7 {
		t.Errorf("extract --json: exit %d, %d candidates; want 7 in a JSON array", code, len(cands))
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "latin1.txt")
	if err := os.WriteFile(bad, []byte("caf\xe9"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(empty, []byte(" \n\t\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge.txt")
	if err := os.WriteFile(huge, bytes.Repeat([]byte("a"), facts.MaxDocumentBytes+1), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"an empty file", []string{empty}, "is empty: save the article's text"},
		{"over the size limit", []string{huge}, "give the article's own text"},
		{"no file", nil, "extract takes exactly one FILE"},
		{"two files", []string{source, source}, "extract takes exactly one FILE"},
		{"a missing file", []string{filepath.Join(dir, "missing.txt")}, "does not exist"},
		{"a folder", []string{dir}, "is not a regular file"},
		{"not UTF-8", []string{bad}, "is not UTF-8 text"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, nil, append([]string{"facts", "extract"}, tt.args...)...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, exitUsage, tt.want)
			}
		})
	}
}

// TestValidateCatchesEdits: one word changed in a quote, a context or a source
// document makes 'facts validate' fail, naming the fact or the source.
func TestValidateCatchesEdits(t *testing.T) {
	tests := []struct {
		name      string
		file      string // dataset.json or the document
		old, new  string
		wantNamed string
	}{
		{"a quote", "dataset.json", `"quote": "methods to de-escalate"`, `"quote": "methods to escalate"`, `fact 2 ("rubio-methods-to-de-escalate"): quote:`},
		{"a context", "dataset.json", `"before": "Karoline Leavitt told reporters Friday`, `"before": "Karoline Leavitt told reporters Thursday`, `fact 4 ("leavitt-decades-old-hostilities"): context.before:`},
		{"a source document", filepath.Join("sources", "000_c1ab32550f819f58.txt"), "measured and responsible", "measured and reasonable", `source 1 ("article-jaishankar-rubio-talks"): sha256:`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := scratchDataset(t)
			target := filepath.Join(filepath.Dir(path), tt.file)
			data := mustRead(t, target)
			changed := strings.Replace(data, tt.old, tt.new, 1)
			if changed == data {
				t.Fatalf("%q is not in %s", tt.old, tt.file)
			}
			if err := os.WriteFile(target, []byte(changed), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, stderr := runCLI(t, nil, "facts", "validate", path)
			if code != exitFail || !strings.Contains(stderr, tt.wantNamed) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d naming %q", code, stderr, exitFail, tt.wantNamed)
			}
		})
	}
}
