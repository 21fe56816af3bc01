package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
)

// TestValidateRefusesUncoveredCharacter: a quote with a character no shipped
// font has (here U+12000, cuneiform, edited into the quote and its document
// alike, so provenance holds) makes 'facts validate' exit 2 naming the
// character and its code point; one in a script the world fonts cover
// (Georgian) validates.
func TestValidateRefusesUncoveredCharacter(t *testing.T) {
	for _, tc := range []struct {
		name, insert string
		code         int
		want         string
	}{
		{"cuneiform", "𒀀", exitUsage, "U+12000 '𒀀'"},
		{"Georgian", "ა", exitOK, "facts valid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := scratchDataset(t)
			doc := filepath.Join(filepath.Dir(path), "sources", "000_c1ab32550f819f58.txt")
			const old = "measured and responsible"
			edited := "measured " + tc.insert + " and responsible"
			docData := mustRead(t, doc)
			if !strings.Contains(docData, old) {
				t.Fatalf("%q is not in the document", old)
			}
			newDoc := strings.ReplaceAll(docData, old, edited)
			if err := os.WriteFile(doc, []byte(newDoc), 0o644); err != nil {
				t.Fatal(err)
			}
			data := mustRead(t, path)
			data = strings.ReplaceAll(data, old, edited)
			data = strings.Replace(data, facts.DocumentSHA256([]byte(docData)), facts.DocumentSHA256([]byte(newDoc)), 1)
			if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runCLI(t, nil, "facts", "validate", path)
			if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant exit %d and %q", code, stdout, stderr, tc.code, tc.want)
			}
		})
	}
}
