package curate

import (
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/internal/passage"
)

// TestExtractNewsForms runs the ways news attributes a quotation (issue 19) on
// fixture sentences (test text, fictional speakers): each quotation with the
// speaker a careful reader gives it, or none where the text does not say.
func TestExtractNewsForms(t *testing.T) {
	type want struct{ quote, speaker string }
	tests := []struct {
		name string
		text string
		want []want
	}{
		{"an apposition after a title", "FIXTURE.\nThe fixture minister of Norland, Ana Lenz, has stated that “we will wait.”",
			[]want{{"we will wait.", "Ana Lenz"}}},
		{"a continuation verb", "FIXTURE.\nFixture Minister Ana Lenz spoke first.\nLenz continued by saying that “the harbour is safe.”",
			[]want{{"the harbour is safe.", "Ana Lenz"}}},
		{"a described speaker, without its relative clause", "FIXTURE.\nThe head of news for the fixture station, who saw the flood, spoke to the state broadcaster about it, saying “The water rose fast.”",
			[]want{{"The water rose fast.", "The head of news for the fixture station"}}},
		{"a pronoun and a follow-on quote", "FIXTURE.\nAna Lenz opened the fixture bridge. “It is ready,” she said. “Cross it.”",
			[]want{{"It is ready.", "Ana Lenz"}, {"Cross it.", "Ana Lenz"}}},
		{"a split quote", "FIXTURE.\n“We will wait,” Ana Lenz said, “and then we will build.”",
			[]want{{"We will wait.", "Ana Lenz"}, {"and then we will build.", "Ana Lenz"}}},
		{"a name after the quote, in apposition", "FIXTURE.\n“We will wait,” said her deputy, Per Holm.",
			[]want{{"We will wait.", "Per Holm"}}},
		{"the full name from its first mention", "FIXTURE.\nFixture Minister Ana Lenz arrived.\n“We will wait,” Lenz told reporters.",
			[]want{{"We will wait.", "Ana Lenz"}}},
		{"a body in a statement", "FIXTURE.\nIn a statement, the Fixture Union said: “We will wait.”",
			[]want{{"We will wait.", "Fixture Union"}}},
		{"a passive with its agent", "FIXTURE.\nThe plan was described as “a fixture folly” by Per Holm.",
			[]want{{"a fixture folly", "Per Holm"}}},
		{"british single marks", "FIXTURE.\n‘We will wait,’ said Ana Lenz. 'We won't hurry,' said Per Holm.",
			[]want{{"We will wait.", "Ana Lenz"}, {"We won't hurry.", "Per Holm"}}},
		{"a nested quote stays in its quotation", "FIXTURE.\nAna Lenz said: “They told us ‘wait’, and we did.”",
			[]want{{"They told us ‘wait’, and we did.", "Ana Lenz"}}},
		{"a title is no one's words", "FIXTURE.\nAna Lenz named the plan “Operation Fixture Harbour”.",
			[]want{{"Operation Fixture Harbour", ""}}},
		{"a pronoun with two people before it", "FIXTURE.\nAna Lenz met Per Holm. “We will wait,” he said.",
			[]want{{"We will wait.", ""}}},
		{"a follow-on quote after someone else is named", "FIXTURE.\n“We will wait,” Ana Lenz said. Per Holm left. “Cross it.”",
			[]want{{"We will wait.", "Ana Lenz"}, {"Cross it.", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := Extract(tt.text)
			if len(cs) != len(tt.want) {
				t.Fatalf("Extract() = %d candidates, want %d: %+v", len(cs), len(tt.want), cs)
			}
			for i, w := range tt.want {
				if passage.FoldString(cs[i].Quote) != passage.FoldString(w.quote) || cs[i].Speaker != w.speaker {
					t.Errorf("candidate %d = (%q, %q: %s; %s), want (%q, %q)", i, cs[i].Quote, cs[i].Speaker, cs[i].Form, cs[i].Reason, w.quote, w.speaker)
				}
				if w.speaker == "" && cs[i].Reason == "" {
					t.Errorf("candidate %d has no speaker and no reason", i)
				}
			}
		})
	}
}

// TestAddTakesTheNewsForms: BuildFact ('facts add') attributes as extract does,
// so a quote whose speaker the text gives in these forms needs no --speaker, and
// one it does not clearly attribute still does.
func TestAddTakesTheNewsForms(t *testing.T) {
	doc := "FIXTURE: test text, fictional people, not a quote of anyone.\n" +
		"The fixture minister of Norland, Ana Lenz, has stated that “the harbour will open in spring.”\n" +
		"“We have waited long enough,” she said. “The boats are ready.”\n" +
		"Per Holm, a fixture councillor, met her later. “It is too soon,” he said, “and too costly.”\n" +
		"Ana Lenz and Per Holm argued. “Nothing is settled,” she said.\n"
	src := facts.Source{ID: "fixture", Document: "fixture.txt", Published: facts.Date{Precision: facts.Unknown}}
	tests := []struct {
		quote, speaker string // speaker "" when add must ask for --speaker
	}{
		{"the harbour will open in spring.", "Ana Lenz"},
		{"We have waited long enough.", "Ana Lenz"},
		{"The boats are ready.", "Ana Lenz"},
		{"It is too soon.", "Per Holm"},
		{"and too costly.", "Per Holm"},
		{"Nothing is settled.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.quote, func(t *testing.T) {
			f, err := BuildFact(t.Context(), facts.Default(), src, doc, AddRequest{Quote: tt.quote, Said: "unknown", ID: "fixture-news-form"})
			if tt.speaker == "" {
				if err == nil || !strings.Contains(err.Error(), "--speaker") {
					t.Errorf("BuildFact() = %q, %v; want an error asking for --speaker", f.Speaker.Name, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("BuildFact() without --speaker: %v", err)
			}
			if f.Speaker.Name != tt.speaker {
				t.Errorf("speaker = %q, want %q", f.Speaker.Name, tt.speaker)
			}
		})
	}
}
