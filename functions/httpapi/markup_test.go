package httpapi

import (
	"strings"
	"testing"
)

func TestTmpl(t *testing.T) {
	tm, err := parseTmpl("t", `<p title="{{a}}">{{ b }}</p>{{c}}{{n}}`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		vals    map[string]any
		want    string
		wantErr string
	}{
		{"escapes strings", map[string]any{"a": `x" onload="y`, "b": "<b>&</b>", "c": markup("<i>ok</i>"), "n": 7},
			`<p title="x&#34; onload=&#34;y">&lt;b&gt;&amp;&lt;/b&gt;</p><i>ok</i>7`, ""},
		{"missing value", map[string]any{"a": "", "b": "", "c": markup("")}, "", "no value for {{n}}"},
		{"wrong type", map[string]any{"a": 1.5, "b": "", "c": markup(""), "n": 1}, "", "{{a}} is a float64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tm.render(tt.vals)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	if _, err := parseTmpl("bad", "a {{b"); err == nil {
		t.Error("unclosed hole parsed")
	}
}

// TestTemplatesFilled: every page template parses and no hole is left unfilled.
func TestTemplatesFilled(t *testing.T) {
	ts := newTestServer(t, "")
	for _, path := range []string{"/", "/share/" + firstFact().ID} {
		resp := ts.do(t, "GET", path, nil)
		b := string(body(t, resp))
		if resp.StatusCode != 200 || strings.Contains(b, "{{") {
			t.Errorf("%s: status %d, or a hole left in the page:\n%.300s", path, resp.StatusCode, b)
		}
	}
}
