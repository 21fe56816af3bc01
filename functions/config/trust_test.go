package config

import "testing"

func TestTrustForwarded(t *testing.T) {
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
	for _, tt := range tests {
		c, err := Load(env(map[string]string{"FACTCARD_TRUST_FORWARDED": tt.value}))
		if (err != nil) != tt.wantErr {
			t.Errorf("FACTCARD_TRUST_FORWARDED=%q: err = %v, want error %v", tt.value, err, tt.wantErr)
			continue
		}
		if c.TrustForwarded != tt.want {
			t.Errorf("FACTCARD_TRUST_FORWARDED=%q: TrustForwarded = %v, want %v", tt.value, c.TrustForwarded, tt.want)
		}
	}
}
