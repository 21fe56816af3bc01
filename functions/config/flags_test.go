package config

import "testing"

func TestFlags(t *testing.T) {
	tests := []struct {
		value   string
		want    bool
		wantErr bool
	}{
		{"", false, false},
		{"0", false, false},
		{"1", true, false},
		{"true", false, true},
		{"yes", false, true},
		{" 1", false, true},
	}
	for _, v := range []struct {
		name string
		get  func(Config) bool
	}{
		{"FACTCARD_TRUST_FORWARDED", func(c Config) bool { return c.TrustForwarded }},
		{"FACTCARD_DIR_SERVED", func(c Config) bool { return c.DirServed }},
	} {
		for _, tt := range tests {
			c, err := Load(env(map[string]string{v.name: tt.value}))
			if (err != nil) != tt.wantErr {
				t.Errorf("%s=%q: err = %v, want error %v", v.name, tt.value, err, tt.wantErr)
				continue
			}
			if got := v.get(c); got != tt.want {
				t.Errorf("%s=%q: %v, want %v", v.name, tt.value, got, tt.want)
			}
		}
	}
}
