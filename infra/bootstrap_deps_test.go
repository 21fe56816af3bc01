package infra_test

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/factcard/factcard/functions/testsupport/proc"
)

// heavyPackages may not be linked into a Lambda bootstrap: their reflection
// makes the linker keep every exported method of every type, which took the
// api bootstrap from 13 to 19 MB (README, Benchmarks). The share pages use
// functions/httpapi's own small template instead (markup.go).
var heavyPackages = []string{"html/template", "text/template"}

// shippedBuild is how `sam build` builds a function: the go build command of
// the Makefile's build-<Function> target, read with make -n.
type shippedBuild struct {
	env  []string // CGO_ENABLED=0 GOOS=linux GOARCH=arm64
	tags string   // the value of -tags, "" without
	pkg  string   // ./functions/api
}

// readShippedBuild returns the go build command of `make build-<target>`.
func readShippedBuild(t *testing.T, target string) shippedBuild {
	t.Helper()
	makeCmd := proc.Tool(t, "", "make")
	cmd := exec.Command(makeCmd, "-n", "-s", "build-"+target, "ARTIFACTS_DIR="+t.TempDir())
	cmd.Dir = ".." // the module root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make -n build-%s: %v", target, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		words := shellWords(line)
		i := slices.Index(words, "build")
		if i < 1 || !strings.HasSuffix(words[i-1], "go") {
			continue
		}
		b := shippedBuild{env: words[:i-1], pkg: words[len(words)-1]}
		if j := slices.Index(words, "-tags"); j > 0 && j+1 < len(words) {
			b.tags = words[j+1]
		}
		return b
	}
	t.Fatalf("make -n build-%s prints no go build command:\n%s", target, out)
	return shippedBuild{}
}

// shellWords splits a shell command line into words, honouring single and
// double quotes (enough for what make prints of a go build).
func shellWords(line string) []string {
	var words []string
	var w strings.Builder
	var quote rune
	inWord := false
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// importGraph is `go list -deps` of a package: each package's imports.
type importGraph map[string][]string

// listDeps runs go list -deps on pkg with the build's environment and tags.
func listDeps(t *testing.T, b shippedBuild) importGraph {
	t.Helper()
	goCmd := proc.Tool(t, "", "go")
	args := []string{"list", "-deps", "-f", `{{.ImportPath}} {{join .Imports " "}}`}
	if b.tags != "" {
		args = append(args, "-tags", b.tags)
	}
	cmd := exec.Command(goCmd, append(args, b.pkg)...)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), b.env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s (%s): %v", strings.Join(append(args, b.pkg), " "), strings.Join(b.env, " "), err)
	}
	g := importGraph{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		g[f[0]] = f[1:]
	}
	return g
}

// path returns the import chain from the first package that imports to, the
// way go list printed it, as "a → b → to"; "" if no package imports to.
func (g importGraph) path(from, to string) string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p == to {
			chain := []string{to}
			for q := prev[to]; q != ""; q = prev[q] {
				chain = append([]string{q}, chain...)
			}
			return strings.Join(chain, " → ")
		}
		for _, imp := range g[p] {
			if _, seen := prev[imp]; !seen {
				prev[imp] = p
				queue = append(queue, imp)
			}
		}
	}
	return ""
}

// heavyImports returns, for each heavy package a main depends on, the chain
// that brings it in.
func heavyImports(g importGraph, main string) []string {
	var found []string
	for _, heavy := range heavyPackages {
		if chain := g.path(main, heavy); chain != "" {
			found = append(found, chain)
		}
	}
	return found
}

// TestBootstrapDeps checks that the Lambda bootstraps, listed as `sam build`
// builds them (the Makefile's tags, GOOS and GOARCH), depend on neither
// html/template nor text/template; and that the check finds them where they
// are: without -tags lambda.norpc, aws-lambda-go's net/rpc brings
// html/template into the api function.
func TestBootstrapDeps(t *testing.T) {
	for _, fn := range []string{"ApiFunction", "GenerateFunction"} {
		t.Run(fn, func(t *testing.T) {
			b := readShippedBuild(t, fn)
			if b.tags == "" {
				t.Errorf("make build-%s builds without -tags; want lambda.norpc (the runtime's net/rpc brings html/template)", fn)
			}
			g := listDeps(t, b)
			main := "github.com/factcard/factcard/" + strings.TrimPrefix(b.pkg, "./")
			if _, ok := g[main]; !ok {
				t.Fatalf("go list -deps %s did not list %s", b.pkg, main)
			}
			for _, chain := range heavyImports(g, main) {
				t.Errorf("the %s bootstrap (%s, -tags %q) links %s", fn, strings.Join(b.env, " "), b.tags, chain)
			}
		})
	}
	t.Run("the check finds html/template without the tag", func(t *testing.T) {
		b := readShippedBuild(t, "ApiFunction")
		b.tags = ""
		g := listDeps(t, b)
		found := heavyImports(g, "github.com/factcard/factcard/functions/api")
		if !slices.ContainsFunc(found, func(chain string) bool {
			return strings.Contains(chain, "net/rpc → html/template")
		}) {
			t.Errorf("without -tags lambda.norpc the check found %q; want a chain through net/rpc → html/template", found)
		}
		for _, chain := range found {
			t.Logf("without the tag: %s", chain)
		}
	})
}

func TestShellWords(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{`CGO_ENABLED=0 go build -ldflags "-s -w -X main.version=v1" -o 'a b' ./x`,
			[]string{"CGO_ENABLED=0", "go", "build", "-ldflags", "-s -w -X main.version=v1", "-o", "a b", "./x"}},
		{`  a   ""  b`, []string{"a", "", "b"}},
		{``, nil},
	}
	for _, tt := range tests {
		if got := shellWords(tt.line); fmt.Sprint(got) != fmt.Sprint(tt.want) || len(got) != len(tt.want) {
			t.Errorf("shellWords(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}
