package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
)

// runCLI runs the CLI in-process with the given environment and returns its exit
// code and output.
func runCLI(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return vars[k] }
	code = run(context.Background(), args, getenv, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"no arguments", nil, exitUsage, "", "Usage: factcard <command>"},
		{"help flag", []string{"--help"}, exitOK, "Commands:", ""},
		{"help word", []string{"help"}, exitOK, "facts", ""},
		{"unknown command", []string{"frobnicate"}, exitUsage, "", `unknown command "frobnicate"`},
		{"unknown top-level flag", []string{"--verbose"}, exitUsage, "", "unknown flag --verbose"},
		{"facts without verb", []string{"facts"}, exitUsage, "", "Usage: factcard facts <command>"},
		{"facts help", []string{"facts", "--help"}, exitOK, "validate", ""},
		{"facts unknown verb", []string{"facts", "delete"}, exitUsage, "", `unknown command "delete"`},
		{"list help", []string{"facts", "list", "--help"}, exitOK, "-json", ""},
		{"list unknown flag", []string{"facts", "list", "--yaml"}, exitUsage, "", "flag provided but not defined: -yaml"},
		{"list extra argument", []string{"facts", "list", "extra"}, exitUsage, "", "list takes no arguments"},
		{"show without ID", []string{"facts", "show"}, exitUsage, "", "exactly one fact ID"},
		{"show unknown ID", []string{"facts", "show", "no-such-fact"}, exitFail, "", `no fact with ID "no-such-fact"`},
		{"validate help", []string{"facts", "validate", "-h"}, exitOK, "every fact fits on every card", ""},
		{"version", []string{"version"}, exitOK, "factcard dev", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, nil, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, stdout, stderr)
			}
			if !strings.Contains(stdout, tt.wantStdout) {
				t.Errorf("stdout = %q, want it to contain %q", stdout, tt.wantStdout)
			}
			if !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.wantStderr)
			}
		})
	}
}

func TestFactsList(t *testing.T) {
	code, stdout, stderr := runCLI(t, nil, "facts", "list")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range facts.Default().All() {
		if !strings.Contains(stdout, f.ID) {
			t.Errorf("list output lacks %q:\n%s", f.ID, stdout)
		}
	}
	if !strings.HasPrefix(stdout, "ID ") {
		t.Errorf("list output does not start with a header row:\n%s", stdout)
	}
}

func TestFactsListJSON(t *testing.T) {
	code, stdout, stderr := runCLI(t, nil, "facts", "list", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []facts.Fact
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("output is not a JSON array of facts: %v\n%s", err, stdout)
	}
	if len(got) != facts.Default().Len() {
		t.Errorf("got %d facts, want %d", len(got), facts.Default().Len())
	}
	if !strings.Contains(stdout, "’") {
		t.Error("JSON output escaped or lost typographic apostrophes")
	}
}

func TestFactsShow(t *testing.T) {
	want := facts.Default().All()[1]
	// Flags may follow the ID, as people type them.
	code, stdout, stderr := runCLI(t, nil, "facts", "show", want.ID)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got facts.Fact
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != want.ID || got.Quote != want.Quote || got.Source.Headline != want.Source.Headline {
		t.Errorf("show %s = %+v, want %+v", want.ID, got, want)
	}
}

func TestFactsValidate(t *testing.T) {
	code, stdout, stderr := runCLI(t, nil, "facts", "validate")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := fmt.Sprintf("%d facts valid", facts.Default().Len()); !strings.Contains(stdout, want) {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}

	bad := filepath.Join("..", "..", "facts", "testdata", "many-problems.json")
	code, _, stderr = runCLI(t, nil, "facts", "validate", bad)
	if code != exitFail {
		t.Errorf("validate %s: exit %d, want %d", bad, code, exitFail)
	}
	for _, want := range []string{`fact 1 ("Bad Slug"): quote: required`, `fact 2 ("fixture-ok"): language: "xx"`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	code, _, stderr = runCLI(t, nil, "facts", "validate", filepath.Join(t.TempDir(), "missing.json"))
	if code != exitFail || !strings.Contains(stderr, "no such file") {
		t.Errorf("validate of a missing file: exit %d, stderr %q", code, stderr)
	}

	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	copyFile(t, filepath.Join("..", "..", "facts", "testdata", "valid.json"), good)
	code, _, stderr = runCLI(t, nil, "facts", "validate", good)
	if code != exitFail || !strings.Contains(stderr, `document: "fixture.txt" is missing from the source documents`) {
		t.Errorf("validate without the documents: exit %d, stderr %q; want the missing document named", code, stderr)
	}
	code, stdout, stderr = runCLI(t, nil, "facts", "validate", "--sources", filepath.Join("..", "..", "facts", "testdata", "sources"), good)
	if code != exitOK || !strings.Contains(stdout, "3 facts valid") {
		t.Errorf("validate valid.json --sources testdata/sources: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	copyFile(t, filepath.Join("..", "..", "facts", "testdata", "sources", "fixture.txt"), filepath.Join(dir, "sources", "fixture.txt"))
	code, stdout, stderr = runCLI(t, nil, "facts", "validate", good)
	if code != exitOK || !strings.Contains(stdout, "3 facts valid") {
		t.Errorf("validate valid.json with sources/ beside it: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// copyFile copies a file, making the folders it goes in.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
