package render

import (
	"errors"
	"slices"
	"testing"

	"github.com/factcard/factcard/render/brand"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    Size
		wantErr string
	}{
		{"", SizeOG, ""},
		{"og", SizeOG, ""},
		{"square", SizeSquare, ""},
		{"portrait", SizePortrait, ""},
		{"story", SizeStory, ""},
		{"huge", "", `unknown size "huge" (valid: og, square, portrait, story)`},
		{"OG", "", `unknown size "OG" (valid: og, square, portrait, story)`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSize(tt.in)
			checkParse(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestParseTheme(t *testing.T) {
	tests := []struct {
		in      string
		want    Theme
		wantErr string
	}{
		{"", ThemeDark, ""},
		{"dark", ThemeDark, ""},
		{"light", ThemeLight, ""},
		{"sepia", "", `unknown theme "sepia" (valid: dark, light)`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTheme(tt.in)
			checkParse(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		wantErr string
	}{
		{"", FormatPNG, ""},
		{"png", FormatPNG, ""},
		{"jpeg", FormatJPEG, ""},
		{"jpg", FormatJPEG, ""},
		{"gif", "", `unknown format "gif" (valid: png, jpeg)`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFormat(tt.in)
			checkParse(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func checkParse[T comparable](t *testing.T, got T, err error, want T, wantErr string) {
	t.Helper()
	if wantErr != "" {
		var oe *OptionError
		if !errors.As(err, &oe) {
			t.Fatalf("error = %v (%T), want *OptionError", err, err)
		}
		if err.Error() != wantErr {
			t.Errorf("error = %q, want %q", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatalf("error = %v, want none", err)
	}
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestOptionsResolve(t *testing.T) {
	tests := []struct {
		name       string
		in         Options
		want       Options
		wantOption string // the option an *OptionError names, if any
	}{
		{"zero is the default card", Options{}, Options{SizeOG, ThemeDark, FormatPNG, brand.Default()}, ""},
		{"set values kept", Options{SizeStory, ThemeLight, FormatJPEG, nil}, Options{SizeStory, ThemeLight, FormatJPEG, brand.Default()}, ""},
		{"jpg alias", Options{Format: "jpg"}, Options{SizeOG, ThemeDark, FormatJPEG, brand.Default()}, ""},
		{"bad size", Options{Size: "a4"}, Options{}, "size"},
		{"bad theme", Options{Theme: "neon"}, Options{}, "theme"},
		{"bad format", Options{Format: "webp"}, Options{}, "format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.Resolve()
			if tt.wantOption != "" {
				var oe *OptionError
				if !errors.As(err, &oe) || oe.Option != tt.wantOption {
					t.Fatalf("error = %v, want an *OptionError for %s", err, tt.wantOption)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Resolve() = %+v, %v; want %+v, nil", got, err, tt.want)
			}
		})
	}
}

func TestSizes(t *testing.T) {
	want := map[Size][2]int{
		SizeOG:       {1200, 630},
		SizeSquare:   {1080, 1080},
		SizePortrait: {1080, 1350},
		SizeStory:    {1080, 1920},
	}
	if got := Sizes(); !slices.Equal(got, []Size{SizeOG, SizeSquare, SizePortrait, SizeStory}) {
		t.Errorf("Sizes() = %v, want og, square, portrait, story", got)
	}
	for s, wh := range want {
		if w, h := s.Dimensions(); w != wh[0] || h != wh[1] {
			t.Errorf("%s.Dimensions() = %d, %d; want %d, %d", s, w, h, wh[0], wh[1])
		}
	}
	if w, h := Size("huge").Dimensions(); w != 0 || h != 0 {
		t.Errorf("unknown size Dimensions() = %d, %d; want 0, 0", w, h)
	}
}

func TestThemesAndFormats(t *testing.T) {
	if got := Themes(); !slices.Equal(got, []Theme{ThemeDark, ThemeLight}) {
		t.Errorf("Themes() = %v, want dark, light", got)
	}
	if got := Formats(); !slices.Equal(got, []Format{FormatPNG, FormatJPEG}) {
		t.Errorf("Formats() = %v, want png, jpeg", got)
	}
	tests := []struct {
		f       Format
		ct, ext string
	}{
		{FormatPNG, "image/png", "png"},
		{FormatJPEG, "image/jpeg", "jpg"},
		{"gif", "", ""},
	}
	for _, tt := range tests {
		if got := tt.f.ContentType(); got != tt.ct {
			t.Errorf("%q.ContentType() = %q, want %q", tt.f, got, tt.ct)
		}
		if got := tt.f.Ext(); got != tt.ext {
			t.Errorf("%q.Ext() = %q, want %q", tt.f, got, tt.ext)
		}
	}
}

// TestGeometry checks every card's margins against the design: at least 5% of
// the short side on every edge.
func TestGeometry(t *testing.T) {
	for _, s := range Sizes() {
		g := geometries[s]
		short := float64(min(g.w, g.h))
		safe := g.safe()
		margins := []float64{safe.x0, safe.y0, float64(g.w) - safe.x1, float64(g.h) - safe.y1}
		for _, m := range margins {
			if m < 0.05*short {
				t.Errorf("%s: margin %.1f px, want at least %.1f (5%% of %v)", s, m, 0.05*short, short)
			}
		}
	}
}
