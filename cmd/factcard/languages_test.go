package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/curate"
	"github.com/factcard/factcard/render"
	"github.com/factcard/factcard/render/locale"
)

// TestDateLocalesAreTheBuiltIns: add reads the dates of every built-in locale,
// and of no other.
func TestDateLocalesAreTheBuiltIns(t *testing.T) {
	if got, want := curate.DateLocales(), locale.Tags(); !slices.Equal(got, want) {
		t.Errorf("curate.DateLocales() = %v, want the built-in locales %v", got, want)
	}
}

// addFixtureSource adds a fixture source document with text to a scratch
// dataset and returns the dataset's path.
func addFixtureSource(t *testing.T, name, text string) string {
	t.Helper()
	path := scratchDataset(t)
	doc := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(doc, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, nil, "facts", "add-source", doc, "--dataset", path, "--headline", "FIXTURE Headline")
	if code != exitOK {
		t.Fatalf("add-source: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	return path
}

// TestAddInLanguages: quotes in other languages' marks, with their date words,
// are added with --language; a tag whose script the fonts do not cover is
// refused with the list of those they do; a character no font has exits 2
// naming it, and nothing is written. The texts are fixture text (fictional
// officials), not reviewed by a native speaker.
func TestAddInLanguages(t *testing.T) {
	tests := []struct {
		name, doc string
		args      []string
		script    string // the script the quote needs the fonts to cover
		wantOut   string // in stdout when added
		wantErr   string // in stderr when refused
	}{
		{"de: „…“ and a German date", "FIXTURE Headline\nDer Fixture-Minister Karl Brandt sagte am 10. Mai 2025: „Wir warten.“\n",
			[]string{"--quote", "Wir warten.", "--speaker", "Karl Brandt", "--language", "de", "--said", "10. Mai 2025"}, "Latn", `"value": "2025-05-10"`, ""},
		{"vi: an ID without the accents", "FIXTURE Headline\nBộ trưởng Nguyễn Văn An nói: “Chúng tôi sẽ chờ.”\n",
			[]string{"--quote", "Chúng tôi sẽ chờ.", "--speaker", "Nguyễn Văn An", "--language", "vi", "--said", "unknown"}, "Latn", `"id": "an-chung-toi-se-cho"`, ""},
		{"hi: a Hindi date", "FIXTURE Headline\nमंत्री अना लेन्ज़ ने 10 मई 2025 को कहा: “हम इंतज़ार करेंगे।”\n",
			[]string{"--quote", "हम इंतज़ार करेंगे।", "--speaker", "अना लेन्ज़", "--language", "hi", "--said", "10 मई 2025", "--id", "fixture-lenz-wait"}, "Deva", `"as_given": "10 मई 2025"`, ""},
		{"ru: «…». and a Russian date", "FIXTURE Headline\nМинистр Анна Ленц заявила 10 мая 2025 года: «Мы подождём».\n",
			[]string{"--quote", "Мы подождём", "--speaker", "Анна Ленц", "--language", "ru", "--said", "10 мая 2025 года", "--id", "fixture-lenz-ru"}, "Cyrl", `"as_given": "10 мая 2025 года"`, ""},
		{"ru without --id", "FIXTURE Headline\nМинистр Анна Ленц заявила: «Мы подождём».\n",
			[]string{"--quote", "Мы подождём", "--speaker", "Анна Ленц", "--language", "ru", "--said", "unknown"}, "Cyrl", "", "give --id"},
		{"ru without --language", "FIXTURE Headline\nМинистр Анна Ленц заявила: «Мы подождём».\n",
			[]string{"--quote", "Мы подождём", "--speaker", "Анна Ленц", "--said", "unknown", "--id", "fixture-lenz-ru"}, "", "", "give --language"},
		{"a malformed --language", "FIXTURE Headline\nAna Lenz said: “We will wait.”\n",
			[]string{"--quote", "We will wait.", "--language", "english"}, "", "", "is not a BCP 47 language tag"},
		{"a character no font has", "FIXTURE Headline\nAna Lenz said: “We keep \U00010000 here.”\n",
			[]string{"--quote", "We keep \U00010000 here.", "--speaker", "Ana Lenz", "--language", "en", "--said", "unknown"}, "", "", "U+10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := addFixtureSource(t, "fixture-lang.txt", tt.doc)
			before := snapshot(t, filepath.Dir(path))
			args := append([]string{"facts", "add", "--dataset", path, "--source", "fixture-lang"}, tt.args...)
			code, stdout, stderr := runCLI(t, nil, args...)
			wantErr := tt.wantErr
			if tt.script != "" && !render.CoversScript(tt.script) {
				// Until the fonts cover the script, the language is refused.
				wantErr = "a script the fonts do not cover; they cover " + strings.Join(render.Scripts(), ", ")
				if !strings.Contains(strings.Join(tt.args, " "), "--language") {
					wantErr = "no embedded font"
				}
			}
			if wantErr != "" {
				if code != exitUsage || !strings.Contains(stderr, wantErr) {
					t.Errorf("exit %d, stderr %q; want 2 saying %q", code, stderr, wantErr)
				}
				sameFiles(t, before, snapshot(t, filepath.Dir(path)))
				return
			}
			if code != exitOK || !strings.Contains(stdout, tt.wantOut) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 0 with %q", code, stdout, stderr, tt.wantOut)
			}
			// Each quote is a whole sentence in its language's convention.
			if strings.Contains(stdout, `"fragment": true`) {
				t.Errorf("added as a fragment: %s", stdout)
			}
			if code, _, stderr := runCLI(t, nil, "facts", "validate", path); code != exitOK {
				t.Errorf("validate after add: exit %d: %s", code, stderr)
			}
		})
	}
}

// TestValidateMissingGlyph: validate refuses a dataset whose quote holds a
// character no shipped font has, exit 2, naming the character and its code point.
func TestValidateMissingGlyph(t *testing.T) {
	path := addFixtureSource(t, "fixture-lang.txt", "FIXTURE Headline\nAna Lenz said: “We keep \U00010000 here.”\n")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := loadDatasetFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src, _ := findSource(d, "fixture-lang")
	f := facts.Fact{ID: "fixture-linear-b", Quote: "We keep \U00010000 here.", Language: "en", Speaker: facts.Speaker{Name: "Ana Lenz"},
		Said: facts.Date{Precision: facts.Unknown, Note: "The source gives no date for these words."}, Medium: facts.Unspecified, Source: src}
	updated, err := curate.InsertFact(data, f)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, updated, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, nil, "facts", "validate", path)
	if code != exitUsage || !strings.Contains(stderr, "U+10000") {
		t.Errorf("validate: exit %d, stderr %q; want 2 naming U+10000", code, stderr)
	}
}
