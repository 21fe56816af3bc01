package facts

import (
	"strings"
	"testing"
)

func TestValidDocumentName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"000_c1ab32550f819f58.txt", true},
		{"a", true},
		{"a-b_c.9", true},
		{"A-b_c.9", false}, // publish stores it under its name, and keys are lower case
		{"Report.TXT", false},
		{strings.Repeat("a", 200), true},
		{strings.Repeat("a", 201), false},
		{"", false},
		{".hidden", false},
		{"_ignored", false},
		{"-dash", false},
		{"a..b", false},
		{"dir/file.txt", false},
		{"café.txt", false},
		{"name with space", false},
	} {
		if got := ValidDocumentName(tc.name); got != tc.want {
			t.Errorf("ValidDocumentName(%.20q… %d bytes) = %v, want %v", tc.name, len(tc.name), got, tc.want)
		}
	}
}
