package httpapi

import (
	"fmt"
	"html"
	"strconv"
	"strings"
)

// markup is HTML this package built from escaped pieces, inserted as it is.
type markup string

// tmpl is an HTML template with {{name}} holes. A hole filled with a string is
// HTML-escaped (safe in text and in double-quoted attributes); one filled with markup
// is inserted as it is. Every hole must be filled.
//
// It stands in for html/template, whose reflection makes the linker keep every
// exported method of every type in the binary: 8.8 MB of the 19 MB api bootstrap.
// The pages here only need escaped text in fixed places, and URLs that the handler
// builds from validated parts.
type tmpl struct {
	name  string
	parts []string // literal text; parts[i] precedes holes[i]
	holes []string
}

func parseTmpl(name, src string) (*tmpl, error) {
	t := &tmpl{name: name}
	for {
		i := strings.Index(src, "{{")
		if i < 0 {
			t.parts = append(t.parts, src)
			return t, nil
		}
		j := strings.Index(src[i:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("template %s: unclosed {{", name)
		}
		t.parts = append(t.parts, src[:i])
		t.holes = append(t.holes, strings.TrimSpace(src[i+2:i+j]))
		src = src[i+j+2:]
	}
}

// exec writes the template with its holes filled from vals: a string (escaped),
// markup (as is) or an int.
func (t *tmpl) exec(b *strings.Builder, vals map[string]any) error {
	for i, hole := range t.holes {
		b.WriteString(t.parts[i])
		switch v := vals[hole].(type) {
		case string:
			b.WriteString(html.EscapeString(v))
		case markup:
			b.WriteString(string(v))
		case int:
			b.WriteString(strconv.Itoa(v))
		case nil:
			return fmt.Errorf("template %s: no value for {{%s}}", t.name, hole)
		default:
			return fmt.Errorf("template %s: {{%s}} is a %T", t.name, hole, v)
		}
	}
	b.WriteString(t.parts[len(t.parts)-1])
	return nil
}

// render executes t into a new markup value.
func (t *tmpl) render(vals map[string]any) (markup, error) {
	var b strings.Builder
	if err := t.exec(&b, vals); err != nil {
		return "", err
	}
	return markup(b.String()), nil
}

// esc escapes text for HTML.
func esc(s string) markup { return markup(html.EscapeString(s)) }
