package strict

import "testing"

func TestUnmarshal(t *testing.T) {
	type v struct {
		A int `json:"a"`
	}
	for _, tc := range []struct {
		in      string
		wantErr bool
	}{
		{`{"a":1}`, false},
		{` {"a":1} `, false},
		{`{"a":1,"b":2}`, true}, // unknown field
		{`{"a":1}{}`, true},     // trailing value
		{`{"a":1} x`, true},     // trailing garbage
		{``, true},
	} {
		var got v
		err := Unmarshal([]byte(tc.in), &got)
		if (err != nil) != tc.wantErr {
			t.Errorf("Unmarshal(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
		}
	}
}

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"abcdef", 3, "abc…"},
		{"aé", 2, "a…"}, // é is two bytes: cut before it, not inside
		{"éé", 1, "…"},
	} {
		if got := Clip(tc.in, tc.n); got != tc.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
