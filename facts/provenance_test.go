package facts

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// TestProvenance checks every fact of the embedded dataset against its source
// document, which lives in the project: it never skips. The same check runs in
// Default and in 'factcard facts validate'.
func TestProvenance(t *testing.T) {
	d, err := Load(bytes.NewReader(embedded), SourceDocuments())
	if err != nil {
		t.Fatalf("Load(embedded dataset, facts/sources): %v", err)
	}
	if d.Len() == 0 {
		t.Fatal("the embedded dataset has no facts to check")
	}
	docs := SourceDocuments()
	for _, s := range d.Sources() {
		data, err := fs.ReadFile(docs, s.Document)
		if err != nil {
			t.Fatalf("source %q: %v", s.ID, err)
		}
		if got := DocumentSHA256(data); got != s.SHA256 {
			t.Errorf("source %q: document SHA-256 = %s, want %s", s.ID, got, s.SHA256)
		}
	}
	for _, f := range d.All() {
		if f.Fragment && f.Context.IsZero() {
			t.Errorf("fact %q is a fragment without context", f.ID)
		}
	}
}

// TestProvenanceMutations changes one word of a quote, of a context, of a name or of
// a source document, or takes the document away: loading must fail and name the fact
// or source and the field.
func TestProvenanceMutations(t *testing.T) {
	doc, err := fs.ReadFile(SourceDocuments(), "000_c1ab32550f819f58.txt")
	if err != nil {
		t.Fatal(err)
	}
	dataset := string(embedded)
	tests := []struct {
		name    string
		dataset func(string) string
		doc     func(string) string
		want    []string
	}{
		{"one word of a quote", replace(`"quote": "irresponsible and cowardly"`, `"quote": "irresponsible and weak"`), nil,
			[]string{`("india-irresponsible-and-cowardly"): quote: "irresponsible and weak" does not occur verbatim`}},
		{"a completed fragment", replace(`"quote": "methods to de-escalate"`, `"quote": "Methods to de-escalate are needed."`), nil,
			[]string{`("rubio-methods-to-de-escalate"): quote:`}},
		{"one word of a context", replace(`"before": "India has condemned the attacks as"`, `"before": "India has denounced the attacks as"`), nil,
			[]string{`("india-irresponsible-and-cowardly"): context.before: "India has denounced the attacks as" is not the source's words directly before the quote`}},
		{"a context that skips words", replace(`"before": "Rubio emphasised the need for"`, `"before": "Rubio emphasised the need"`), nil,
			[]string{`("rubio-methods-to-de-escalate"): context.before:`}},
		{"a context after that is not there", replace(`"before": "India has condemned the attacks as"`, `"before": "India has condemned the attacks as", "after": "and nothing else"`), nil,
			[]string{`("india-irresponsible-and-cowardly"): context.after:`}},
		{"a fragment without context", replace(`"context": {
        "before": "Rubio emphasised the need for"
      },`, ``), nil,
			[]string{`("rubio-methods-to-de-escalate"): context: required for a fragment`}},
		{"a fragment not declared", replace(`"fragment": true,
      "context": {
        "before": "India has condemned the attacks as"
      },`, ``), nil,
			[]string{`("india-irresponsible-and-cowardly"): fragment: the quote is a fragment in the source`}},
		{"a whole sentence declared a fragment", replace(`"quote": "We have offered`, `"fragment": true, "context": {"after": "US State Department spokesperson Tammy Bruce said in a briefing."}, "quote": "We have offered`), nil,
			[]string{`("bruce-offered-us-assistance"): fragment: the quote is whole sentences in the source`}},
		{"a changed role", replace(`"role": "White House Press Secretary"`, `"role": "White House Spokesperson"`), nil,
			[]string{`("leavitt-decades-old-hostilities"): speaker.role: "White House Spokesperson" does not occur`}},
		{"a guessed day", replace(`"as_given": "Friday"`, `"as_given": "Thursday"`), nil,
			[]string{`("leavitt-decades-old-hostilities"): said.as_given: "Thursday" does not occur`}},
		{"one word of the document", nil, replace("decades-old hostilities must give way", "decades-old hostilities should give way"),
			[]string{`source 1 ("article-jaishankar-rubio-talks"): sha256: document "000_c1ab32550f819f58.txt" has SHA-256`,
				`("leavitt-decades-old-hostilities"): quote:`}},
		{"one character of the document", nil, func(s string) string { return s + " " },
			[]string{`source 1 ("article-jaishankar-rubio-talks"): sha256:`}},
		{"a missing document", replace(`"document": "000_c1ab32550f819f58.txt"`, `"document": "001_missing.txt"`), nil,
			[]string{`source 1 ("article-jaishankar-rubio-talks"): document: "001_missing.txt" is missing from the source documents`}},
		{"an unrecorded hash", replace(`"sha256": "e853711d94d970f82ad015e066e1719d4e2953ae9cd99c9f7cc7f22246038ccc",`, ``), nil,
			[]string{`source 1 ("article-jaishankar-rubio-talks"): sha256: required`}},
		{"an unknown publisher not recorded", replace(`"publisher",
        "url"`, `"url"`), nil,
			[]string{`source 1 ("article-jaishankar-rubio-talks"): publisher: required, or list "publisher" in unknown`}},
		{"a changed headline", replace(`What The Leaders Spoke?`, `What The Leaders Said`), nil,
			[]string{`source 1 ("article-jaishankar-rubio-talks"): headline: "Jaishankar Marco Rubio Talks | What The Leaders Said" does not occur`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, dc := dataset, string(doc)
			if tt.dataset != nil {
				if ds = tt.dataset(ds); ds == dataset {
					t.Fatal("the edit did not change the dataset")
				}
			}
			if tt.doc != nil {
				if dc = tt.doc(dc); dc == string(doc) {
					t.Fatal("the edit did not change the document")
				}
			}
			docs := fstest.MapFS{"000_c1ab32550f819f58.txt": {Data: []byte(dc)}}
			_, err := Load(strings.NewReader(ds), docs)
			if err == nil {
				t.Fatal("Load() = nil error, want the change caught")
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("error is %T, want *ValidationError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error:\n%v\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

func replace(old, new string) func(string) string {
	return func(s string) string { return strings.Replace(s, old, new, 1) }
}

// TestLoadNeedsDocuments: a dataset is never loaded without its documents.
func TestLoadNeedsDocuments(t *testing.T) {
	if _, err := Load(bytes.NewReader(embedded), nil); err == nil {
		t.Error("Load(dataset, nil) = nil error, want an error saying there is nothing to check against")
	}
	if _, err := Load(bytes.NewReader(embedded), fstest.MapFS{}); err == nil || !strings.Contains(err.Error(), "is missing from the source documents") {
		t.Errorf("Load(dataset, empty folder) = %v, want the missing document named", err)
	}
}

// TestSourcesAreTheArticle: the document in facts/sources is the seed article, byte
// for byte (its SHA-256 as recorded when it was copied in).
func TestSourcesAreTheArticle(t *testing.T) {
	data, err := os.ReadFile("sources/000_c1ab32550f819f58.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := DocumentSHA256(data), "e853711d94d970f82ad015e066e1719d4e2953ae9cd99c9f7cc7f22246038ccc"; got != want {
		t.Errorf("SHA-256 = %s, want %s", got, want)
	}
}
