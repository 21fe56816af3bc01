package curate

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/internal/passage"
)

// TestExtractFindsTheDataset: on the article in facts/sources, extract proposes every
// quote the dataset holds, with the dataset's speaker, role, handle, fragment flag
// and (for fragments) context.
func TestExtractFindsTheDataset(t *testing.T) {
	d := facts.Default()
	for _, f := range d.All() {
		t.Run(f.ID, func(t *testing.T) {
			doc, err := fs.ReadFile(facts.SourceDocuments(), f.Source.Document)
			if err != nil {
				t.Fatal(err)
			}
			var got *Candidate
			for _, c := range Extract(string(doc)) {
				if passage.FoldString(c.Quote) == passage.FoldString(f.Quote) {
					got = &c
					break
				}
			}
			if got == nil {
				t.Fatalf("no candidate with quote %q", f.Quote)
			}
			checks := []struct{ field, got, want string }{
				{"speaker", got.Speaker, f.Speaker.Name},
				{"role", got.Role, f.Speaker.Role},
				{"handle", got.Handle, f.Speaker.Handle},
				{"fragment", fmt.Sprint(got.Fragment), fmt.Sprint(f.Fragment)},
			}
			if f.Fragment {
				checks = append(checks, struct{ field, got, want string }{"before", got.Before, f.Context.Before})
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
				}
			}
		})
	}
}

// TestExtractForms runs each attribution form the extractor handles on a fixture
// sentence (test text, fictional speakers).
func TestExtractForms(t *testing.T) {
	tests := []struct {
		name, text string
		want       Candidate // the fields compared: Quote, Speaker, Role, Handle, Said, Medium, Fragment, Before
	}{
		{"“…,” X said", "FIXTURE.\n“We will wait,” Fixture Minister Ana Lenz said on Tuesday.",
			Candidate{Quote: "We will wait.", Speaker: "Ana Lenz", Role: "Fixture Minister", Said: "Tuesday"}},
		{"straight quotes", "FIXTURE.\n\"We will wait,\" Ana Lenz said.",
			Candidate{Quote: "We will wait.", Speaker: "Ana Lenz"}},
		{"“…,” said X", "FIXTURE.\n“We will wait,” said Ana Lenz.",
			Candidate{Quote: "We will wait.", Speaker: "Ana Lenz"}},
		{"X said “…”", "FIXTURE.\nAna Lenz said: “We will wait.”",
			Candidate{Quote: "We will wait.", Speaker: "Ana Lenz"}},
		{"X told reporters … that … “…”", "FIXTURE.\nAna Lenz told reporters Friday that the board believes “waiting is wise.”",
			Candidate{Quote: "waiting is wise.", Speaker: "Ana Lenz", Said: "Friday", Medium: facts.RemarksToReporters, Fragment: true,
				Before: "Ana Lenz told reporters Friday that the board believes"}},
		{"X has condemned … as “…”", "FIXTURE.\nThe Fixture Union has condemned the plan as “slow and costly”, citing delays.",
			Candidate{Quote: "slow and costly", Speaker: "Fixture Union", Fragment: true, Before: "Fixture Union has condemned the plan as"}},
		{"according to X, “…”", "FIXTURE.\nAccording to Ana Lenz, “the work is done.”",
			Candidate{Quote: "the work is done.", Speaker: "Ana Lenz", Fragment: true, Before: "Ana Lenz,"}},
		{"“…,” according to X", "FIXTURE.\n“The work is done,” according to Ana Lenz.",
			Candidate{Quote: "The work is done.", Speaker: "Ana Lenz"}},
		{"X was quoted … as saying: “…”", "FIXTURE.\nAna Lenz was quoted by the Fixture Gazette as saying: “The work is done.”",
			Candidate{Quote: "The work is done.", Speaker: "Ana Lenz"}},
		{"embedded post", "FIXTURE: a long paragraph of fixture text that stands before the post and is far longer than any post could be, so that the post's own lines can be told apart from it by their length alone, which is how the extractor finds where a post starts when nothing else marks it, as here.\nFixture post text.\n— Ana Lenz (@fixture_lenz) May 10, 2025",
			Candidate{Quote: "Fixture post text.", Speaker: "Ana Lenz", Handle: "@fixture_lenz", Said: "May 10, 2025", Medium: facts.PostOnX}},
		{"a surname resolved to the name the text gives", "FIXTURE.\nFixture Minister Ana Lenz spoke first.\n“We will wait,” Lenz said in a statement.",
			Candidate{Quote: "We will wait.", Speaker: "Ana Lenz", Role: "Fixture Minister", Medium: facts.Statement}},
		{"a description, not a name", "FIXTURE.\n“We will wait,” a senior official said.",
			Candidate{Quote: "We will wait.", Speaker: "a senior official"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := Extract(tt.text)
			if len(cs) != 1 {
				t.Fatalf("Extract() = %d candidates, want 1: %+v", len(cs), cs)
			}
			got, want := cs[0], tt.want
			if got.Quote != want.Quote || got.Speaker != want.Speaker || got.Role != want.Role || got.Handle != want.Handle ||
				got.Said != want.Said || got.Medium != want.Medium || got.Fragment != want.Fragment || (want.Fragment && got.Before != want.Before) {
				t.Errorf("Extract() =\n%+v\nwant\n%+v", got, want)
			}
			if r := []rune(tt.text); string(r[got.Offset:got.Offset+len([]rune(strings.TrimSuffix(got.Quote, ".")))]) != strings.TrimSuffix(got.Quote, ".") {
				t.Errorf("offset %d does not point at the quote", got.Offset)
			}
		})
	}
}

// TestExtractNeverGuesses: where the text does not clearly say who spoke, the
// speaker is empty and a reason says why.
func TestExtractNeverGuesses(t *testing.T) {
	tests := []struct{ name, text, reason string }{
		{"a pronoun", "FIXTURE.\nAna Lenz arrived.\n“We will wait,” she said.", "pronoun"},
		{"two speakers", "FIXTURE.\n“We will wait,” Ana Lenz and Per Holm said.", "more than one speaker"},
		{"a report within a report", "FIXTURE.\nAna Lenz said that Per Holm had told her “the plan is late.”", "two speakers"},
		{"scare quotes", "FIXTURE.\nSome call it a “fixture plan”.", "no speaker"},
		{"a title", "FIXTURE.\nThe film “Fixture Harbour” opens today.", "no speaker"},
		{"a quotation on its own", "FIXTURE.\n“Fixture words on their own.”", "does not say who"},
		{"a verb of thought", "FIXTURE.\nThe board believes “waiting is wise.”", "no speaker"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := Extract(tt.text)
			if len(cs) != 1 {
				t.Fatalf("Extract() = %d candidates, want 1: %+v", len(cs), cs)
			}
			if cs[0].Speaker != "" {
				t.Errorf("speaker = %q, want empty (the text does not clearly attribute it)", cs[0].Speaker)
			}
			if !strings.Contains(cs[0].Reason, tt.reason) {
				t.Errorf("reason = %q, want it to mention %q", cs[0].Reason, tt.reason)
			}
		})
	}
}

type goldText struct {
	Name   string `json:"name"`
	File   string `json:"file"`
	Quotes []struct {
		Quote   string `json:"quote"`
		Speaker string `json:"speaker"`
	} `json:"quotes"`
}

// score compares extract's candidates with what a careful reader finds.
type score struct {
	gold, found               int // quoted passages, and those extract found
	attributedGold            int // passages the text attributes
	attributed, right, wrong  int // candidates with a speaker; right and wrong ones
	rightEmpty, unsureMissing int // unattributed passages left empty; attributed ones left empty
}

func (s score) precision() float64 { return ratio(s.right, s.attributed) }
func (s score) recall() float64    { return ratio(s.right, s.attributedGold) }
func (s score) found_() float64    { return ratio(s.found, s.gold) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func scoreText(t *testing.T, g goldText) score {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", g.File))
	if err != nil {
		t.Fatal(err)
	}
	cands := Extract(string(data))
	var s score
	used := make([]bool, len(cands))
	for _, q := range g.Quotes {
		s.gold++
		if q.Speaker != "" {
			s.attributedGold++
		}
		idx := -1
		for i, c := range cands {
			if !used[i] && passage.FoldString(c.Quote) == passage.FoldString(q.Quote) {
				idx = i
				break
			}
		}
		if idx < 0 {
			t.Logf("%s: missed %q", g.Name, q.Quote)
			continue
		}
		used[idx] = true
		s.found++
		c := cands[idx]
		switch {
		case c.Speaker == "" && q.Speaker == "":
			s.rightEmpty++
		case c.Speaker == "":
			s.unsureMissing++
			t.Logf("%s: %q left unattributed (%s), the text says %q", g.Name, q.Quote, c.Reason, q.Speaker)
		case c.Speaker == q.Speaker:
			s.attributed++
			s.right++
		default:
			s.attributed++
			s.wrong++
			t.Logf("%s: %q attributed to %q, the text says %q", g.Name, q.Quote, c.Speaker, q.Speaker)
		}
	}
	for i, c := range cands {
		if !used[i] {
			s.attributed += boolInt(c.Speaker != "")
			s.wrong += boolInt(c.Speaker != "")
			t.Logf("%s: proposed %q, which is not a quoted passage", g.Name, c.Quote)
		}
	}
	return s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestExtractFigures measures extract against testdata/gold.json: what share of the
// quoted passages it finds, and the precision and recall of its speakers. The
// README's figures are this test's log (go test ./facts/curate -run Figures -v).
func TestExtractFigures(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "gold.json"))
	if err != nil {
		t.Fatal(err)
	}
	var gold struct {
		Texts []goldText `json:"texts"`
	}
	if err := json.Unmarshal(data, &gold); err != nil {
		t.Fatal(err)
	}
	var total score
	var table strings.Builder
	table.WriteString("| text | quoted passages | found | speaker precision | speaker recall | wrong speakers |\n|---|---:|---:|---:|---:|---:|\n")
	row := func(name string, s score) {
		fmt.Fprintf(&table, "| %s | %d | %d | %.0f%% (%d/%d) | %.0f%% (%d/%d) | %d |\n", name, s.gold, s.found,
			100*s.precision(), s.right, s.attributed, 100*s.recall(), s.right, s.attributedGold, s.wrong)
	}
	for _, g := range gold.Texts {
		s := scoreText(t, g)
		row(g.Name, s)
		total.gold += s.gold
		total.found += s.found
		total.attributedGold += s.attributedGold
		total.attributed += s.attributed
		total.right += s.right
		total.wrong += s.wrong
		if strings.HasPrefix(g.Name, "article") && (s.found != s.gold || s.wrong != 0 || s.right != s.attributedGold) {
			t.Errorf("%s: found %d of %d, %d right and %d wrong speakers; want every quote with its speaker", g.Name, s.found, s.gold, s.right, s.wrong)
		}
	}
	row("all", total)
	t.Log("\n" + table.String())
	// Floors, so that a change that makes extraction worse fails here.
	if p := total.precision(); p < 0.95 {
		t.Errorf("speaker precision = %.2f, want at least 0.95: extract must not put words in the wrong mouth", p)
	}
	if r := total.recall(); r < 0.8 {
		t.Errorf("speaker recall = %.2f, want at least 0.80", r)
	}
	if f := total.found_(); f < 0.9 {
		t.Errorf("found %.2f of the quoted passages, want at least 0.90", f)
	}
}
