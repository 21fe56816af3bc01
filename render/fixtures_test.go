package render

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/factcard/factcard/facts"
)

// fixture is a test card from testdata/fixtures.json: neutral sample text
// attributed to a fictional speaker, never a fact.
type fixture struct {
	Case string     `json:"case"`
	Why  string     `json:"why"`
	Fact facts.Fact `json:"fact"`
}

// loadFixtures reads testdata/fixtures.json, keyed by case.
func loadFixtures(t testing.TB) map[string]facts.Fact {
	t.Helper()
	data, err := os.ReadFile("testdata/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Fixtures []fixture `json:"fixtures"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("testdata/fixtures.json: %v", err)
	}
	out := make(map[string]facts.Fact)
	for _, f := range file.Fixtures {
		out[f.Case] = f.Fact
	}
	return out
}
