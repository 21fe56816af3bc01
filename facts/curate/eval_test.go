package curate

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/factcard/factcard/facts/internal/passage"
)

// The evaluation corpus (testdata/eval, its README says how it was made and scored):
// English Wikinews articles annotated by hand, a tuning half and a held-out half.
var (
	evalReport = flag.Bool("eval.report", false, "print the evaluation table on standard output (make eval-extract)")
	evalShow   = flag.Bool("eval.show", false, "log every quote of the tuning half that extract misses or attributes wrongly (never the held-out half's)")
)

// Floors on the held-out half and on the unseen (4th) set, at what they read when
// the rules were last changed: a change that makes extraction worse there fails
// TestEvalHeldOutFloor. Raise them when the figures rise; never lower them to pass.
// (Issue 19's targets are 0.90 right and at most 0.02 wrong; not met yet.)
var floors = []struct {
	set                     string
	recall, right, maxWrong float64
}{
	{"heldout.json", 0.98, 0.84, 0.10},
	{"unseen2.json", 0.98, 0.64, 0.13},
}

type evalQuote struct {
	Quote   string   `json:"quote"`
	Speaker string   `json:"speaker"`
	Also    []string `json:"also,omitempty"`
}

type evalArticle struct {
	File    string      `json:"file"`
	Title   string      `json:"title"`
	URL     string      `json:"url"`
	Date    string      `json:"date"`
	Licence string      `json:"licence"`
	Quotes  []evalQuote `json:"quotes"`
}

type evalSet struct {
	Note     string        `json:"note"`
	Articles []evalArticle `json:"articles"`
}

// unattributed is the annotation of words whose speaker the text does not give.
const unattributed = "unattributed"

func loadEvalSet(t testing.TB, name string) evalSet {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "eval", name))
	if err != nil {
		t.Fatalf("reading the evaluation set: %v", err)
	}
	var s evalSet
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("decoding %s: %v", name, err)
	}
	if len(s.Articles) == 0 {
		t.Fatalf("%s has no articles", name)
	}
	return s
}

func readEvalArticle(t testing.TB, a evalArticle) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "eval", a.File))
	if err != nil {
		t.Fatalf("reading article %q: %v", a.Title, err)
	}
	return string(data)
}

// evalScore counts how extract fares on a set of annotated articles.
type evalScore struct {
	articles, quotes int
	found            int // annotated quotes extract proposes
	spurious         int // candidates that are not quotes but are given a speaker
	right, wrong     int // found quotes with the annotated speaker, with another one
	empty            int // attributed quotes extract leaves without a speaker
}

func (s *evalScore) add(o evalScore) {
	s.articles += o.articles
	s.quotes += o.quotes
	s.found += o.found
	s.spurious += o.spurious
	s.right += o.right
	s.wrong += o.wrong
	s.empty += o.empty
}

func (s evalScore) recall() float64    { return ratio(s.found, s.quotes) }
func (s evalScore) precision() float64 { return ratio(s.found, s.found+s.spurious) }
func (s evalScore) rightShare() float64 {
	return ratio(s.right, s.found)
}
func (s evalScore) wrongShare() float64 { return ratio(s.wrong+s.spurious, s.found) }

// quoteKey folds a quote for matching: quotation marks and white space as the
// provenance rule folds them, and no final comma or full stop.
func quoteKey(q string) string {
	k := strings.Join(strings.Fields(passage.FoldString(q)), " ")
	return strings.TrimRight(k, ",.;: ")
}

var honorifics = map[string]bool{"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "sir": true}

// speakerKey folds a speaker's name or description for comparing: no case, no
// honorific, no leading article.
func speakerKey(s string) string {
	words := strings.Fields(strings.ToLower(passage.FoldString(s)))
	for len(words) > 0 {
		w := strings.TrimRight(words[0], ".")
		if honorifics[w] || w == "the" || w == "a" || w == "an" {
			words = words[1:]
			continue
		}
		break
	}
	return strings.TrimRightFunc(strings.Join(words, " "), func(r rune) bool { return unicode.IsPunct(r) })
}

func speakerMatches(q evalQuote, got string) bool {
	if q.Speaker == unattributed {
		return got == ""
	}
	if got == "" {
		return false
	}
	for _, want := range append([]string{q.Speaker}, q.Also...) {
		if speakerKey(want) == speakerKey(got) {
			return true
		}
	}
	return false
}

// scoreArticle runs extract on one article and compares its candidates with the
// annotation. logf, when not nil, is told every miss and every wrong speaker.
func scoreArticle(t testing.TB, a evalArticle, logf func(format string, args ...any)) evalScore {
	t.Helper()
	cands := Extract(readEvalArticle(t, a))
	s := evalScore{articles: 1}
	used := make([]bool, len(cands))
	for _, q := range a.Quotes {
		s.quotes++
		idx := -1
		for i, c := range cands {
			if !used[i] && quoteKey(c.Quote) == quoteKey(q.Quote) {
				idx = i
				break
			}
		}
		if idx < 0 {
			if logf != nil {
				logf("%s: missed %q (%s)", a.File, q.Quote, q.Speaker)
			}
			continue
		}
		used[idx] = true
		s.found++
		c := cands[idx]
		switch {
		case speakerMatches(q, c.Speaker):
			s.right++
		case c.Speaker == "":
			s.empty++
			if logf != nil {
				logf("%s: %q left without a speaker (%s); the text says %q", a.File, q.Quote, c.Reason, q.Speaker)
			}
		default:
			s.wrong++
			if logf != nil {
				logf("%s: %q attributed to %q (%s); the text says %q", a.File, q.Quote, c.Speaker, c.Form, q.Speaker)
			}
		}
	}
	for i, c := range cands {
		if !used[i] && c.Speaker != "" {
			s.spurious++
			if logf != nil {
				logf("%s: %q is not a quote but is given to %q (%s)", a.File, c.Quote, c.Speaker, c.Form)
			}
		}
	}
	return s
}

func scoreSet(t testing.TB, name string, logf func(format string, args ...any)) evalScore {
	t.Helper()
	var total evalScore
	for _, a := range loadEvalSet(t, name).Articles {
		total.add(scoreArticle(t, a, logf))
	}
	return total
}

func pct(part, whole int) string {
	return fmt.Sprintf("%.1f%% (%d/%d)", 100*ratio(part, whole), part, whole)
}

// evalTable is the README's table for the two halves.
func evalTable(rows map[string]evalScore, order []string) string {
	var b strings.Builder
	b.WriteString("| half | articles | quotes | quote recall | quote precision | right speaker (of found) | wrong speakers (of found) | left empty |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, name := range order {
		s := rows[name]
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s | %s | %s | %d |\n", name, s.articles, s.quotes,
			pct(s.found, s.quotes), fmt.Sprintf("%.1f%% (%d/%d)", 100*s.precision(), s.found, s.found+s.spurious), pct(s.right, s.found), pct(s.wrong+s.spurious, s.found), s.empty)
	}
	return b.String()
}

// TestEvalReport measures extract on both halves of the evaluation corpus; with
// -eval.report (make eval-extract) it prints the table the README shows.
func TestEvalReport(t *testing.T) {
	var logf func(string, ...any)
	if *evalShow {
		logf = t.Logf
	}
	rows := map[string]evalScore{
		"tuning":                              scoreSet(t, "tuning.json", logf),
		"held-out":                            scoreSet(t, "heldout.json", nil),
		"2nd set (tuned after its first run)": scoreSet(t, "fresh.json", nil),
		"3rd set (tuned after its first run)": scoreSet(t, "unseen.json", nil),
		"unseen (4th set, run once)":          scoreSet(t, "unseen2.json", nil),
	}
	for name, s := range rows {
		if s.quotes == 0 || s.articles == 0 {
			t.Errorf("%s: no quotes scored", name)
		}
	}
	table := evalTable(rows, []string{"tuning", "held-out", "2nd set (tuned after its first run)", "3rd set (tuned after its first run)", "unseen (4th set, run once)"})
	table += "\n"
	for _, tr := range []struct{ name, file string }{
		{"Tried as a new user would, unseen", "trial-unseen2.json"},
		{"The 2nd trial, tuned on after its first run", "trial-unseen.json"},
		{"The first trial, tuned on after its first run", "trial.json"},
	} {
		s := scoreSet(t, tr.file, nil)
		table += fmt.Sprintf("%s (%d quotes in no set above): %d right speakers, %d wrong, %d left empty, %d not found.\n",
			tr.name, s.quotes, s.right, s.wrong, s.empty, s.quotes-s.found)
	}
	if *evalReport {
		fmt.Print(table)
	} else {
		t.Log("\n" + table)
	}
}

// TestEvalHeldOutFloor holds the held-out figures: a change to the rules that
// lowers them fails here.
func TestEvalHeldOutFloor(t *testing.T) {
	for _, f := range floors {
		s := scoreSet(t, f.set, nil)
		if s.articles < 10 {
			t.Errorf("%s has %d articles, want at least 10", f.set, s.articles)
		}
		if r := s.recall(); r < f.recall {
			t.Errorf("%s: quote recall = %.3f (%d/%d), want at least %.2f", f.set, r, s.found, s.quotes, f.recall)
		}
		if r := s.rightShare(); r < f.right {
			t.Errorf("%s: right speakers = %.3f (%d/%d), want at least %.2f", f.set, r, s.right, s.found, f.right)
		}
		if w := s.wrongShare(); w > f.maxWrong {
			t.Errorf("%s: wrong speakers = %.3f (%d/%d), want at most %.2f: extract must not put words in the wrong mouth", f.set, w, s.wrong+s.spurious, s.found, f.maxWrong)
		}
	}
}

// TestEvalCorpus checks the annotation files themselves: each article has its
// provenance, each annotated quote is in its article between quotation marks, and
// the halves do not share an article.
func TestEvalCorpus(t *testing.T) {
	seen := map[string]string{}
	for _, name := range []string{"tuning.json", "heldout.json", "fresh.json", "unseen.json", "unseen2.json", "trial.json", "trial-unseen.json", "trial-unseen2.json"} {
		for _, a := range loadEvalSet(t, name).Articles {
			if a.Title == "" || !strings.HasPrefix(a.URL, "https://en.wikinews.org/wiki/") || a.Date == "" || !strings.Contains(a.Licence, "CC BY 2.5") {
				t.Errorf("%s: %s lacks its title, Wikinews URL, date or licence", name, a.File)
			}
			if prev, ok := seen[a.File]; ok && prev != name {
				t.Errorf("%s is in both %s and %s", a.File, prev, name)
			}
			seen[a.File] = name
			text := readEvalArticle(t, a)
			for _, q := range a.Quotes {
				if q.Quote == "" || q.Speaker == "" {
					t.Errorf("%s: a quote or speaker is empty: %+v", a.File, q)
					continue
				}
				if !afterMark(text, q.Quote) {
					t.Errorf("%s: %q is not in the article right after a quotation mark", a.File, q.Quote)
				}
			}
		}
	}
}

// afterMark reports whether quote is in text right after an opening quotation mark.
func afterMark(text, quote string) bool {
	for from := 0; ; {
		at := strings.Index(text[from:], quote)
		if at < 0 {
			return false
		}
		at += from
		head := strings.TrimRight(text[:at], " ")
		for _, mark := range []string{`"`, "“", "'", "‘"} {
			if strings.HasSuffix(head, mark) {
				return true
			}
		}
		from = at + 1
	}
}
