package httpapi

import (
	"fmt"
	"html"
	"strconv"
	"strings"
)

// markup is HTML that a template wrote, inserted into another as it is.
type markup string

// tmpl is an HTML template from templates/: literal text with {{name}} holes and
// {{if name}}…{{else}}…{{end}} sections. A hole filled with a string is
// HTML-escaped (safe in text and in double-quoted attributes); one filled with
// markup is inserted as it is; an int is written in digits. A section is shown
// when its value is true, a non-empty string or markup, or a non-zero int, and
// its {{else}} part otherwise. Every hole and section must have a value.
//
// Every tag of the pages lives in templates/; Go fills in text, URLs that the
// handler builds from validated parts, and what other templates wrote.
//
// It stands in for html/template, which would put the reflection-driven method
// tables of every type in the Lambda bootstraps: they were 19 MB with it and
// 13 MB without (README, Benchmarks). TestBootstrapDeps in infra fails if
// html/template or text/template comes back into a bootstrap.
type tmpl struct {
	name string
	root []node
}

// node is one piece of a template: literal text, a hole, or a section.
type node struct {
	text            string // literal text, when hole and cond are ""
	hole            string // the name in {{hole}}
	cond            string // the name in {{if cond}}
	then, otherwise []node
}

// parseTmpl parses a template's source; name is for messages.
func parseTmpl(name, src string) (*tmpl, error) {
	t := &tmpl{name: name}
	type open struct {
		n      *node
		inElse bool
	}
	var stack []open
	// add appends to the innermost open section, or to the root.
	add := func(n node) {
		if len(stack) == 0 {
			t.root = append(t.root, n)
			return
		}
		top := stack[len(stack)-1]
		if top.inElse {
			top.n.otherwise = append(top.n.otherwise, n)
		} else {
			top.n.then = append(top.n.then, n)
		}
	}
	for {
		i := strings.Index(src, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(src[i:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("template %s: unclosed {{", name)
		}
		if i > 0 {
			add(node{text: src[:i]})
		}
		action := strings.Fields(src[i+2 : i+j])
		src = src[i+j+2:]
		switch {
		case len(action) == 2 && action[0] == "if":
			stack = append(stack, open{n: &node{cond: action[1]}})
		case len(action) == 1 && action[0] == "else":
			if len(stack) == 0 || stack[len(stack)-1].inElse {
				return nil, fmt.Errorf("template %s: {{else}} outside {{if}}", name)
			}
			stack[len(stack)-1].inElse = true
		case len(action) == 1 && action[0] == "end":
			if len(stack) == 0 {
				return nil, fmt.Errorf("template %s: {{end}} without {{if}}", name)
			}
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			add(*top.n)
		case len(action) == 1 && action[0] != "if":
			add(node{hole: action[0]})
		default:
			return nil, fmt.Errorf("template %s: {{%s}} is neither a name nor if NAME, else or end", name, strings.Join(action, " "))
		}
	}
	if src != "" {
		add(node{text: src})
	}
	if len(stack) > 0 {
		return nil, fmt.Errorf("template %s: {{if %s}} without {{end}}", name, stack[len(stack)-1].n.cond)
	}
	return t, nil
}

// exec writes the template with its holes filled and its sections chosen from
// vals.
func (t *tmpl) exec(b *strings.Builder, vals map[string]any) error {
	return t.write(b, t.root, vals)
}

func (t *tmpl) write(b *strings.Builder, nodes []node, vals map[string]any) error {
	for _, n := range nodes {
		switch {
		case n.cond != "":
			show, err := t.truth(n.cond, vals[n.cond])
			if err != nil {
				return err
			}
			part := n.otherwise
			if show {
				part = n.then
			}
			if err := t.write(b, part, vals); err != nil {
				return err
			}
		case n.hole != "":
			switch v := vals[n.hole].(type) {
			case string:
				b.WriteString(html.EscapeString(v))
			case markup:
				b.WriteString(string(v))
			case int:
				b.WriteString(strconv.Itoa(v))
			case nil:
				return fmt.Errorf("template %s: no value for {{%s}}", t.name, n.hole)
			default:
				return fmt.Errorf("template %s: {{%s}} is a %T", t.name, n.hole, v)
			}
		default:
			b.WriteString(n.text)
		}
	}
	return nil
}

// truth is whether a section shows.
func (t *tmpl) truth(name string, v any) (bool, error) {
	switch v := v.(type) {
	case bool:
		return v, nil
	case string:
		return v != "", nil
	case markup:
		return v != "", nil
	case int:
		return v != 0, nil
	case nil:
		return false, fmt.Errorf("template %s: no value for {{if %s}}", t.name, name)
	}
	return false, fmt.Errorf("template %s: {{if %s}} is a %T", t.name, name, v)
}

// render executes t into a new markup value.
func (t *tmpl) render(vals map[string]any) (markup, error) {
	var b strings.Builder
	if err := t.exec(&b, vals); err != nil {
		return "", err
	}
	return markup(b.String()), nil
}
