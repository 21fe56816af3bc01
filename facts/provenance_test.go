package facts

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// sourcesDir is where the project keeps its source documents: shared/sources beside
// the checkout, or the folder named by FACTCARD_SOURCES.
func sourcesDir() string {
	if dir := os.Getenv("FACTCARD_SOURCES"); dir != "" {
		return dir
	}
	return filepath.Join("..", "..", "shared", "sources")
}

// TestProvenance checks every fact against the document it cites: the quote occurs
// verbatim, and so do the speaker's name, role and handle, the date as given, and the
// headline. Only quotation-mark style, apostrophes, whitespace and the quote's final
// punctuation mark are normalised.
func TestProvenance(t *testing.T) {
	for _, f := range Default().All() {
		t.Run(f.ID, func(t *testing.T) {
			path := filepath.Join(sourcesDir(), f.Source.Document)
			data, err := os.ReadFile(path)
			if os.IsNotExist(err) {
				t.Skipf("source document %s is not here, so the quote cannot be checked against it (set FACTCARD_SOURCES to the folder of source texts)", path)
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, problem := range provenanceProblems(f, string(data)) {
				t.Errorf("%s (in %s)", problem, path)
			}
		})
	}
}

// provenanceProblems lists what of f does not occur in the source text doc.
func provenanceProblems(f Fact, doc string) []string {
	var problems []string
	doc = normalize(doc)
	quote := normalize(f.Quote)
	if !strings.Contains(doc, quote) {
		trimmed := strings.TrimRightFunc(quote, unicode.IsPunct)
		if trimmed == quote || !strings.Contains(doc, trimmed) {
			problems = append(problems, fmt.Sprintf("quote %q does not occur verbatim", f.Quote))
		}
	}
	for _, field := range []struct{ name, value string }{
		{"speaker.name", f.Speaker.Name},
		{"speaker.role", f.Speaker.Role},
		{"speaker.handle", f.Speaker.Handle},
		{"said.as_given", f.Said.AsGiven},
		{"source.headline", f.Source.Headline},
	} {
		if field.value != "" && !strings.Contains(doc, normalize(field.value)) {
			problems = append(problems, fmt.Sprintf("%s %q does not occur", field.name, field.value))
		}
	}
	return problems
}

// TestProvenanceCheck shows the check catches what it must: a paraphrase, a completed
// fragment, a changed role; and allows only the normalisations it names.
func TestProvenanceCheck(t *testing.T) {
	doc := "Fixture source. Smith said the plan was “good for everyone,” and left.\nFixture Minister Jane Smith spoke Friday.\n"
	base := Fact{Quote: "good for everyone", Speaker: Speaker{Name: "Jane Smith", Role: "Fixture Minister"},
		Said: Date{AsGiven: "Friday"}, Source: Source{Headline: "Fixture source."}}
	tests := []struct {
		name  string
		edit  func(*Fact)
		wantN int
	}{
		{"verbatim fragment", func(*Fact) {}, 0},
		{"final full stop for the source's comma", func(f *Fact) { f.Quote = "good for everyone." }, 0},
		{"straight quotes and new lines folded", func(f *Fact) { f.Quote = "good  for\neveryone" }, 0},
		{"paraphrase", func(f *Fact) { f.Quote = "good for all" }, 1},
		{"completed fragment", func(f *Fact) { f.Quote = "The plan was good for everyone." }, 1},
		{"changed role", func(f *Fact) { f.Speaker.Role = "Fixture Secretary" }, 1},
		{"guessed day", func(f *Fact) { f.Said.AsGiven = "Thursday" }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := base
			tt.edit(&f)
			if got := provenanceProblems(f, doc); len(got) != tt.wantN {
				t.Errorf("provenanceProblems() = %q, want %d problems", got, tt.wantN)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"India’s approach", "India's approach"},
		{"“methods to de-escalate,”", `"methods to de-escalate,"`},
		{"this morning.\nIndia’s", "this morning. India's"},
		{"  a \t b  ", "a b"},
	}
	for _, tt := range tests {
		if got := normalize(tt.in); got != tt.want {
			t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// normalize folds quotation-mark and apostrophe styles and runs of white space.
func normalize(s string) string {
	s = strings.NewReplacer("‘", "'", "’", "'", "‛", "'", "“", `"`, "”", `"`, "„", `"`, "‟", `"`).Replace(s)
	return strings.Join(strings.Fields(s), " ")
}
