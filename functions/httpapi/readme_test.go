package httpapi

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestREADMEListsQueryParameters: every place the README lists the query
// parameters the API reads (and a CDN must key on) names exactly
// QueryParameters(). Issue 21 found the security notes' list without type.
func TestREADMEListsQueryParameters(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := strings.Join(strings.Fields(string(data)), " ")
	want := slices.Sorted(slices.Values(QueryParameters()))
	for _, lead := range []string{
		"The API reads only the query parameters it knows (",
		"A CDN keys on the query parameters the API reads (",
	} {
		i := strings.Index(readme, lead)
		if i < 0 {
			t.Errorf("README has no %q: keep the list there, or change this test", lead)
			continue
		}
		rest := readme[i+len(lead):]
		end := strings.Index(rest, ")")
		if end < 0 {
			t.Errorf("README: %q has no closing parenthesis", lead)
			continue
		}
		var got []string
		for _, m := range regexp.MustCompile("`([a-z_]+)`").FindAllStringSubmatch(rest[:end], -1) {
			got = append(got, m[1])
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("README after %q lists %q, want the parameters the API reads %q", lead, got, want)
		}
	}
}
