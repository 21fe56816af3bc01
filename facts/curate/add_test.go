package curate

import (
	"errors"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
)

func TestResolveDate(t *testing.T) {
	saturday := facts.Date{Value: "2025-05-10", Precision: facts.Resolved, AsGiven: "Saturday morning", Note: "n"}
	tests := []struct {
		words     string
		published facts.Date
		want      facts.Date // Value, Precision, AsGiven compared
		wantErr   string
	}{
		{"May 10, 2025", facts.Date{Precision: facts.Unknown}, facts.Date{Value: "2025-05-10", Precision: facts.Stated, AsGiven: "May 10, 2025"}, ""},
		{"10 May 2025", facts.Date{Precision: facts.Unknown}, facts.Date{Value: "2025-05-10", Precision: facts.Stated, AsGiven: "10 May 2025"}, ""},
		{"Friday", saturday, facts.Date{Value: "2025-05-09", Precision: facts.Resolved, AsGiven: "Friday"}, ""},
		{"Saturday", saturday, facts.Date{Value: "2025-05-10", Precision: facts.Resolved, AsGiven: "Saturday"}, ""},
		{"Sunday", saturday, facts.Date{Value: "2025-05-04", Precision: facts.Resolved, AsGiven: "Sunday"}, ""},
		{"this morning", saturday, facts.Date{Value: "2025-05-10", Precision: facts.Resolved, AsGiven: "this morning"}, ""},
		{"yesterday", saturday, facts.Date{Value: "2025-05-09", Precision: facts.Resolved, AsGiven: "yesterday"}, ""},
		{"", saturday, facts.Date{Precision: facts.Unknown}, ""},
		{"unknown", saturday, facts.Date{Precision: facts.Unknown}, ""},
		{"Friday", facts.Date{Precision: facts.Unknown}, facts.Date{}, "has no date to resolve"},
		{"February 30, 2025", saturday, facts.Date{}, "is not a real date"},
		{"next week", saturday, facts.Date{}, "is not date words"},
	}
	for _, tt := range tests {
		t.Run(tt.words, func(t *testing.T) {
			got, err := ResolveDate(tt.words, tt.published)
			if tt.wantErr != "" {
				var ie *InputError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &ie) {
					t.Fatalf("ResolveDate(%q) error = %v, want an InputError with %q", tt.words, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Value != tt.want.Value || got.Precision != tt.want.Precision || got.AsGiven != tt.want.AsGiven {
				t.Errorf("ResolveDate(%q) = %+v, want %+v", tt.words, got, tt.want)
			}
			if got.Precision == facts.Resolved && !strings.Contains(got.Note, tt.words) {
				t.Errorf("note %q does not quote the source's words", got.Note)
			}
		})
	}
}

func TestClosest(t *testing.T) {
	doc := "Fixture text. The council said the plan was a fair result for everyone in the town, and left. A fair day."
	tests := []struct{ quote, want string }{
		{"a fair outcome for everyone", "a fair result for everyone"},
		{"the plan was fair", "the plan was a"},
		{"everyone in the town", "everyone in the town,"},
		{"Fixture words", "Fixture text."},
	}
	for _, tt := range tests {
		got, err := Closest(t.Context(), doc, tt.quote)
		if err != nil || got != tt.want {
			t.Errorf("Closest(%q) = %q, %v; want %q", tt.quote, got, err, tt.want)
		}
	}
}

func TestInsert(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"after the last element", "{\n  \"sources\": [],\n  \"facts\": [\n    {\n      \"a\": 1\n    }\n  ]\n}\n",
			"{\n  \"sources\": [],\n  \"facts\": [\n    {\n      \"a\": 1\n    },\n    {\n      \"b\": 2\n    }\n  ]\n}\n"},
		{"after a one-line element", "{\n  \"sources\": [],\n  \"facts\": [\n    {}\n  ]\n}\n",
			"{\n  \"sources\": [],\n  \"facts\": [\n    {},\n    {\n      \"b\": 2\n    }\n  ]\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := insert([]byte(tt.in), "facts", []byte("{\n  \"b\": 2\n}"))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("insert() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
	got, err := insert([]byte("{\"sources\": [], \"facts\": [{}]}"), "sources", []byte("{}"))
	if err != nil || !strings.Contains(string(got), "\"sources\": [\n    {}\n  ]") {
		t.Errorf("insert into an empty sources array = %q, %v", got, err)
	}
	if _, err := insert([]byte(`{"facts": [{}]}`), "sources", []byte("{}")); err == nil {
		t.Error("insert into a missing array: want an error")
	}
}
