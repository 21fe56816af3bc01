package passage

import "testing"

// fixtureDoc is test text, not a quote of anyone: its speakers are fictional.
const fixtureDoc = "Fixture Headline\nThe Fixture Ministry has condemned the plan as “careless and slow”, pointing to delays.\n" +
	"“We will look again. Nothing is decided,” Fixture Minister Ana Lenz said.\n" +
	"Lenz said: “the roads come first.”\nShe stressed the need for “methods to go slower,” even as work went on.\n" +
	"Posted text on one line.\n— Ana Lenz (@fixture_lenz) May 10, 2025"

func TestFind(t *testing.T) {
	text := Fold(fixtureDoc)
	tests := []struct {
		quote     string
		wantN     int
		wantComma bool
	}{
		{"careless and slow", 1, false},
		{"careless  and\nslow", 1, false},
		{"We will look again.", 1, false},
		{"Nothing is decided.", 1, true}, // the full stop for the source's comma
		{"Nothing is decided,", 1, false},
		{"Nothing is decided!", 0, false},
		{"careless", 1, false},
		{"careles", 0, false}, // not on a word boundary
		{"areless and slow", 0, false},
		{"careless and fast", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got := text.Find(tt.quote)
		if len(got) != tt.wantN {
			t.Errorf("Find(%q) = %d matches, want %d", tt.quote, len(got), tt.wantN)
			continue
		}
		if tt.wantN > 0 && got[0].Comma != tt.wantComma {
			t.Errorf("Find(%q).Comma = %v, want %v", tt.quote, got[0].Comma, tt.wantComma)
		}
	}
}

func TestContext(t *testing.T) {
	text := Fold(fixtureDoc)
	tests := []struct {
		quote, before, after string
		want                 bool
	}{
		{"careless and slow", "The Fixture Ministry has condemned the plan as", "", true},
		{"careless and slow", "has condemned the plan as", ", pointing to delays.", true},
		{"careless and slow", "Ministry has condemned the plan", "", false},   // a word left out
		{"careless and slow", "inistry has condemned the plan as", "", false}, // not on a word boundary
		{"careless and slow", "", "pointing to delays.", false},               // the comma is the source's
		{"methods to go slower", "She stressed the need for", "even as work went on.", true},
		{"methods to go slower", "", ", even as work went on.", true},
		{"Nothing is decided.", "We will look again.", "Fixture Minister Ana Lenz said.", true},
		{"Nothing is decided.", "", "Ana Lenz said.", false},
		{"the roads come first.", "Lenz said:", "", true},
	}
	for _, tt := range tests {
		ms := text.Find(tt.quote)
		if len(ms) != 1 {
			t.Fatalf("Find(%q) = %d matches, want 1", tt.quote, len(ms))
		}
		got := text.Before(ms[0], tt.before) && text.After(ms[0], tt.after)
		if got != tt.want {
			t.Errorf("context of %q (before %q, after %q) = %v, want %v", tt.quote, tt.before, tt.after, got, tt.want)
		}
	}
}

func TestFragment(t *testing.T) {
	text := Fold(fixtureDoc)
	tests := []struct {
		quote string
		want  bool
	}{
		{"careless and slow", true},                              // mid-sentence
		{"We will look again.", false},                           // starts after a line break, ends with a full stop
		{"We will look again. Nothing is decided.", false},       // two sentences, the comma before the attribution
		{"Nothing is decided,", false},                           // after a full stop, before “…,” X said
		{"We will look again", true},                             // stops short of its full stop
		{"the roads come first.", false},                         // after a colon
		{"methods to go slower", true},                           // after “the need for”
		{"Posted text on one line.", false},                      // a line of its own
		{"look again. Nothing is decided.", true},                // starts mid-sentence
		{"Fixture Ministry has condemned the plan as", true},     // no end mark
		{"The Fixture Ministry has condemned the plan as", true}, // starts but does not end
	}
	for _, tt := range tests {
		ms := text.Find(tt.quote)
		if len(ms) != 1 {
			t.Fatalf("Find(%q) = %d matches, want 1", tt.quote, len(ms))
		}
		if got := text.Fragment(ms[0]); got != tt.want {
			t.Errorf("Fragment(%q) = %v, want %v", tt.quote, got, tt.want)
		}
	}
}

func TestFoldOffsets(t *testing.T) {
	src := "  a\u00a0\u00a0“b”\n\nc’d  "
	text := Fold(src)
	if got, want := text.Folded, `a "b" c'd`; got != want {
		t.Fatalf("Folded = %q, want %q", got, want)
	}
	ms := text.Find(`"b" c'd`)
	if len(ms) != 1 {
		t.Fatalf("Find = %v", ms)
	}
	if got, want := text.Span(ms[0].Start, ms[0].End), "“b”\n\nc’d"; got != want {
		t.Errorf("Span = %q, want %q", got, want)
	}
}
