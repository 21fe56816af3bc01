package httpapi

import (
	"strings"
	"testing"
)

func TestValidHost(t *testing.T) {
	label := strings.Repeat("a", 63)
	name253 := strings.Join([]string{label, label, label, strings.Repeat("b", 61)}, ".")
	for _, tc := range []struct {
		host string
		want bool
	}{
		{"example.com", true},
		{"example.com:8080", true},
		{"127.0.0.1:3000", true},
		{"[::1]:3000", true},
		{"[2001:db8::1]", true},
		{"a", true},
		{name253, true},
		{name253 + ":443", true},
		{name253 + "c", false},
		{"-example.com", false},
		{"example.com.", false},
		{"example.com:123456", false},
		{"exa mple.com", false},
		{`evil.example"><script>`, false},
		{"[::1", false},
		{"", false},
	} {
		if got := validHost(tc.host); got != tc.want {
			t.Errorf("validHost(%.30q…, %d bytes) = %v, want %v", tc.host, len(tc.host), got, tc.want)
		}
	}
}
