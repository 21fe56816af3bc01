package facts

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDefault(t *testing.T) {
	d := Default()
	if d.Len() == 0 {
		t.Fatal("embedded dataset has no facts")
	}
	if err := d.Validate(); err != nil {
		t.Fatalf("embedded dataset: %v", err)
	}
	if Default() != d {
		t.Error("Default() parsed the dataset twice")
	}
	for _, f := range d.All() {
		// Fixture text must never be served.
		for _, s := range []string{f.ID, f.Speaker.Name, f.Speaker.Role, f.Source.ID, f.Source.Document} {
			if strings.Contains(strings.ToLower(s), "fixture") {
				t.Errorf("fact %q: %q looks like test fixture data; fixtures never enter the served dataset", f.ID, s)
			}
		}
		got, ok := d.Lookup(f.ID)
		if !ok || got.ID != f.ID {
			t.Errorf("Lookup(%q) = %q, %v; want the fact", f.ID, got.ID, ok)
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	d := Default()
	for _, id := range []string{"", "no-such-fact", "../etc/passwd", strings.ToUpper(d.All()[0].ID)} {
		if _, ok := d.Lookup(id); ok {
			t.Errorf("Lookup(%q) found a fact; want none", id)
		}
	}
}

func TestAllIsACopy(t *testing.T) {
	d := Default()
	all := d.All()
	first := all[0].ID
	all[0].ID = "changed"
	if d.All()[0].ID != first {
		t.Error("changing the slice from All() changed the dataset")
	}
}

func TestAllStableOrder(t *testing.T) {
	a, b := Default().All(), Default().All()
	if !slices.EqualFunc(a, b, func(x, y Fact) bool { return x.ID == y.ID }) {
		t.Error("All() returned facts in a different order on a second call")
	}
}

func TestLoadValid(t *testing.T) {
	d := loadFile(t, "valid.json")
	if got, want := d.Len(), 3; got != want {
		t.Fatalf("Len() = %d, want %d", got, want)
	}
	f, ok := d.Lookup("fixture-second")
	if !ok {
		t.Fatal("Lookup(fixture-second) found nothing")
	}
	if got, want := f.Source.Headline, "Fixture headline (test data, not a real source)"; got != want {
		t.Errorf("source headline = %q, want %q (the source reference resolved)", got, want)
	}
}

func loadFile(t *testing.T, name string) *Dataset {
	t.Helper()
	fh, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	d, err := Load(fh, testDocs)
	if err != nil {
		t.Fatalf("Load(%s): %v", name, err)
	}
	return d
}

// testDocs is the folder of fixture source documents the testdata datasets cite.
var testDocs = os.DirFS(filepath.Join("testdata", "sources"))

// TestLoadBadInput runs every broken file in testdata through Load: each must fail
// with an error that names the fact (by position and ID) and the field.
func TestLoadBadInput(t *testing.T) {
	tests := []struct {
		file string
		want []string // substrings of the error, in any order
	}{
		{"duplicate-ids.json", []string{`fact 2 ("fixture-fact"): id: duplicate ID`}},
		{"bad-slug.json", []string{`fact 1 ("Fixture_Fact!"): id: "Fixture_Fact!" is not a slug`}},
		{"long-id.json", []string{`fact 1 ("aaaa`, `id: `, "at most 64 characters"}},
		{"empty-quote.json", []string{`fact 1 ("fixture-fact"): quote: required`}},
		{"quoted-quote.json", []string{`fact 1 ("fixture-fact"): quote: starts with a quotation mark`}},
		{"impossible-date.json", []string{`fact 1 ("fixture-fact"): said.value: "2025-13-01": month out of range`}},
		{"day-out-of-range.json", []string{`fact 1 ("fixture-fact"): said.value: "2025-02-30": day out of range`}},
		{"not-iso-date.json", []string{`said.value: "10 May 2025": not a date in YYYY-MM-DD form`}},
		{"resolved-without-note.json", []string{`said.precision: a resolved date needs as_given`}},
		{"unknown-with-value.json", []string{`said.value: must be empty when precision is "unknown"`}},
		{"unknown-language.json", []string{`fact 1 ("fixture-fact"): language: "xx" is not a BCP 47 language tag`}},
		{"missing-source.json", []string{`fact 1 ("fixture-fact"): source: required`}},
		{"dangling-source.json", []string{`source: "no-such-source" is not a source listed in this dataset`}},
		{"unknown-field.json", []string{`fact 1 ("fixture-fact"): json: unknown field "speakr"`}},
		{"unknown-medium.json", []string{`medium: "carrier-pigeon" is not a known medium`}},
		{"bad-speaker-kind.json", []string{`fact 1 ("fixture-fact"): speaker.kind: "robot" is not "person" or "body"`}},
		{"missing-speaker.json", []string{`fact 1 ("fixture-fact"): speaker.name: required`}},
		{"said-after-published.json", []string{`said.value: 2025-06-01 is after the source's publication date 2025-05-10`}},
		{"source-without-document.json", []string{`source 1 ("fixture-source"): document: required`}},
		{"wrong-type.json", []string{`fact 1 ("fixture-fact"): quote: got a JSON number, want string`}},
		{"no-facts.json", []string{`facts: the dataset has no facts`}},
		{"not-json.json", []string{"parse dataset: invalid character", "line 2"}},
		{"trailing-data.json", []string{"unexpected data after the top-level value"}},
		{"invalid-utf8.json", []string{"invalid UTF-8 at line", `fact 1 ("fixture-fact"): quote: contains invalid UTF-8`}},
		// Limits, and characters that can reorder or hide text, in every text field.
		{"long-quote.json", []string{`fact 1 ("fixture-fact"): quote: longer than 1000 characters`}},
		{"long-source-note.json", []string{`source 1 ("fixture-source"): published.note: longer than 1000 characters`}},
		{"bidi-override-quote.json", []string{`fact 1 ("fixture-fact"): quote: contains the invisible format character U+202E (RIGHT-TO-LEFT OVERRIDE)`}},
		{"bidi-isolate-name.json", []string{`fact 1 ("fixture-fact"): speaker.name: contains the invisible format character U+2066 (LEFT-TO-RIGHT ISOLATE)`}},
		{"bidi-embedding-role.json", []string{`fact 1 ("fixture-fact"): speaker.role: contains the invisible format character U+202B`}},
		{"zero-width-space-context.json", []string{`fact 1 ("fixture-fact"): context.before: contains the invisible format character U+200B (ZERO WIDTH SPACE)`}},
		{"rlm-headline.json", []string{`source 1 ("fixture-source"): headline: contains the invisible format character U+200F (RIGHT-TO-LEFT MARK)`}},
		{"soft-hyphen-as-given.json", []string{`fact 1 ("fixture-fact"): said.as_given: contains the invisible format character U+00AD`}},
		{"control-date-note.json", []string{`fact 1 ("fixture-fact"): said.note: contains a control character U+0007`}},
		{"control-context-after.json", []string{`fact 1 ("fixture-fact"): context.after: contains a control character U+000A`}},
		{"control-publisher.json", []string{`source 1 ("fixture-source"): publisher: contains a control character U+001B`}},
		{"control-source-note.json", []string{`source 1 ("fixture-source"): retrieved.note: contains a control character U+0000`}},
		{"bad-sha256.json", []string{`source 1 ("fixture-source"): sha256: "E853" is not a SHA-256`}},
		{"bad-unknown.json", []string{`source 1 ("fixture-source"): unknown: "author" is not "publisher" or "url"`}},
		{"document-path.json", []string{`source 1 ("fixture-source"): document: "../dataset.json" must be a plain file name`}},
		// Provenance: checked against testdata/sources on every run.
		{"quote-not-in-source.json", []string{`fact 1 ("fixture-fact"): quote: "Fixture text for tests, not a quote of someone." does not occur verbatim`}},
		{"context-not-in-source.json", []string{`fact 1 ("fixture-fragment"): context.before: "Fixture Speaker called the plan" is not the source's words directly before the quote`}},
		{"fragment-without-context.json", []string{`fact 1 ("fixture-fragment"): context: required for a fragment`}},
		{"undeclared-fragment.json", []string{`fact 1 ("fixture-fragment"): fragment: the quote is a fragment in the source`}},
		{"missing-document.json", []string{`source 1 ("fixture-source"): document: "no-such-document.txt" is missing from the source documents`}},
		{"hash-mismatch.json", []string{`source 1 ("fixture-source"): sha256: document "fixture.txt" has SHA-256 686dfa05`, "the source records 0000"}},
		{"unrecorded-publisher.json", []string{`source 1 ("fixture-source"): publisher: required, or list "publisher" in unknown`}},
		{"headline-not-in-source.json", []string{`source 1 ("fixture-source"): headline: "Fixture headline (not test data)" does not occur`}},
		// Every problem is reported, not just the first.
		{"many-problems.json", []string{
			`fact 1 ("Bad Slug"): id:`,
			`fact 1 ("Bad Slug"): quote: required`,
			`fact 2 ("fixture-ok"): language: "xx"`,
			`fact 2 ("fixture-ok"): said.value: "2025-13-01": month out of range`,
			"4 problems",
		}},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".json"), func(t *testing.T) {
			fh, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			d, err := Load(fh, testDocs)
			if err == nil {
				t.Fatalf("Load(%s) = %d facts, nil error; want an error", tt.file, d.Len())
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Load(%s) error:\n%v\nwant it to contain %q", tt.file, err, w)
				}
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("Load(%s) error is %T, want *ValidationError", tt.file, err)
			}
		})
	}
}

// endless yields the same byte for ever: Load must stop reading at its limit.
type endless byte

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e)
	}
	return len(p), nil
}

func TestLoadTooLarge(t *testing.T) {
	r := &countingReader{r: io.Reader(endless(' '))}
	_, err := Parse(r)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("Load(endless input) error = %v, want a size limit error", err)
	}
	if r.n > MaxDatasetBytes+64<<10 {
		t.Errorf("Load read %d bytes of an endless input; want at most about %d", r.n, MaxDatasetBytes)
	}
}

// TestLoadHugeQuote: a quote of megabytes is refused by its limit, naming the fact
// and field, before it is decoded.
func TestLoadHugeQuote(t *testing.T) {
	huge := strings.Repeat("a", 3<<20)
	data := `{"sources": [], "facts": [{"id": "fixture-huge", "quote": "` + huge + `"}]}`
	_, err := Parse(strings.NewReader(data))
	if err == nil || !strings.Contains(err.Error(), `fact 1 ("fixture-huge"): quote: longer than 1000 characters`) {
		t.Fatalf("Parse(3 MiB quote) error = %v, want the quote refused by its limit", err)
	}
	if strings.Contains(err.Error(), "required") {
		t.Errorf("error = %v: the fact was decoded and checked further after its quote was refused", err)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestValidID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"a", true},
		{"rubio-methods-to-de-escalate", true},
		{"abc123", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"", false},
		{"-a", false},
		{"a-", false},
		{"a--b", false},
		{"A", false},
		{"a_b", false},
		{"a/b", false},
		{"..", false},
		{"a.png", false},
		{"é", false},
	}
	for _, tt := range tests {
		if got := ValidID(tt.id); got != tt.want {
			t.Errorf("ValidID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestDateDisplay(t *testing.T) {
	tests := []struct {
		name string
		date Date
		want string
	}{
		{"stated", Date{Value: "2025-05-10", Precision: Stated}, "10 May 2025"},
		{"single digit day", Date{Value: "2025-01-02", Precision: Stated}, "2 January 2025"},
		{"resolved", Date{Value: "2025-05-09", Precision: Resolved, AsGiven: "Friday", Note: "n"}, "9 May 2025 (“Friday” in the source)"},
		{"unknown", Date{Precision: Unknown}, "Date not given in the source"},
		{"malformed", Date{Value: "2025-13-01", Precision: Stated}, "Date not given in the source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.date.Display(); got != tt.want {
				t.Errorf("Display() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFactValidate(t *testing.T) {
	f := Default().All()[0]
	if err := f.Validate(); err != nil {
		t.Fatalf("Validate() on a dataset fact: %v", err)
	}
	// Any BCP 47 tag in canonical form: the card's check finds a script the
	// fonts cannot draw.
	for _, tt := range []struct{ tag, wantErr string }{
		{"de", ""}, {"zh-Hans", ""}, {"sr-Latn", ""}, {"ja", ""},
		{"xx", "is not a BCP 47 language tag"}, {"english", "is not a BCP 47 language tag"}, {"und", "is not a BCP 47 language tag"},
		{"EN", `write it "en"`}, {"zh-hans", `write it "zh-Hans"`},
	} {
		f.Language = tt.tag
		err := f.Validate()
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), "language: ") || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("Validate() with language %q = %v, want %q", tt.tag, err, tt.wantErr)
		}
	}
}

func TestMediumLabel(t *testing.T) {
	if got, want := PostOnX.Label(), "Post on X"; got != want {
		t.Errorf("PostOnX.Label() = %q, want %q", got, want)
	}
	if got := Unspecified.Label(); got != "" {
		t.Errorf("Unspecified.Label() = %q, want empty", got)
	}
	if Medium("fax").Valid() {
		t.Error(`Medium("fax").Valid() = true, want false`)
	}
}

// TestDatasetIsCanonical: dataset.json is written exactly as EncodeFact and
// EncodeSource write its entries, so 'facts add' changes no byte of what is there.
func TestDatasetIsCanonical(t *testing.T) {
	d := Default()
	var b strings.Builder
	b.WriteString("{\n  \"sources\": [\n")
	for i, s := range d.Sources() {
		enc, err := EncodeSource(s)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString(indent(string(enc), "    "))
	}
	b.WriteString("\n  ],\n  \"facts\": [\n")
	for i, f := range d.All() {
		enc, err := EncodeFact(f)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString(indent(string(enc), "    "))
	}
	b.WriteString("\n  ]\n}\n")
	if got := b.String(); got != string(embedded) {
		t.Errorf("dataset.json is not in the form EncodeFact writes; re-encoded:\n%s", got)
	}
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
