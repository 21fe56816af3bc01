package httpapi

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestTmpl(t *testing.T) {
	tm, err := parseTmpl("t", `<p title="{{a}}">{{ b }}</p>{{c}}{{n}}`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []tmplCase{
		{"escapes strings", map[string]any{"a": `x" onload="y`, "b": "<b>&</b>", "c": markup("<i>ok</i>"), "n": 7},
			`<p title="x&#34; onload=&#34;y">&lt;b&gt;&amp;&lt;/b&gt;</p><i>ok</i>7`, ""},
		{"missing value", map[string]any{"a": "", "b": "", "c": markup("")}, "", "no value for {{n}}"},
		{"wrong type", map[string]any{"a": 1.5, "b": "", "c": markup(""), "n": 1}, "", "{{a}} is a float64"},
	}
	runTmplCases(t, tm, tests)
	for _, src := range []string{"a {{b", "{{if a}}x", "{{end}}", "{{else}}", "{{if a}}{{else}}{{else}}{{end}}", "{{}}", "{{a b}}", "{{if}}{{end}}"} {
		if _, err := parseTmpl("bad", src); err == nil {
			t.Errorf("parseTmpl(%q) = nil error, want one", src)
		}
	}
}

// tmplCase is one rendering of a template: its values, and the output or the
// error (a part of its message) wanted.
type tmplCase struct {
	name    string
	vals    map[string]any
	want    string
	wantErr string
}

// runTmplCases renders tm with each case's values as a subtest.
func runTmplCases(t *testing.T, tm *tmpl, tests []tmplCase) {
	t.Helper()
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
}

func TestTmplSections(t *testing.T) {
	tm, err := parseTmpl("t", `<p>{{if name}}<b>{{name}}</b>{{else}}nobody{{end}}{{if n}} ({{n}}){{end}}{{if on}}{{if inner}}[{{inner}}]{{end}}!{{end}}</p>`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []tmplCase{
		{"all shown", map[string]any{"name": "A&B", "n": 2, "on": true, "inner": markup("<i>x</i>")}, `<p><b>A&amp;B</b> (2)[<i>x</i>]!</p>`, ""},
		{"else and empty values", map[string]any{"name": "", "n": 0, "on": false, "inner": ""}, `<p>nobody</p>`, ""},
		{"outer shown, inner not", map[string]any{"name": "", "n": 0, "on": true, "inner": markup("")}, `<p>nobody!</p>`, ""},
		{"section without a value", map[string]any{"name": "x", "n": 1, "inner": ""}, "", "no value for {{if on}}"},
		{"section of another type", map[string]any{"name": "x", "n": 1, "on": 1.5, "inner": ""}, "", "{{if on}} is a float64"},
		{"hole in a hidden part still needs no value", map[string]any{"name": "", "n": 0, "on": false}, `<p>nobody</p>`, ""},
	}
	runTmplCases(t, tm, tests)
}

// TestNoTagsInGo: the pages' markup lives in templates/, not in Go strings.
func TestNoTagsInGo(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	tag := regexp.MustCompile(`["` + "`" + `]<[a-zA-Z/!]`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if tag.MatchString(line) {
				t.Errorf("%s:%d builds markup in Go; put it in templates/: %s", f, i+1, strings.TrimSpace(line))
			}
		}
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
