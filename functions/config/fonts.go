package config

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/factcard/factcard/render"
)

// FontsEnv names a folder of the faces the bootstraps do not embed (the files
// of render/fonts/world), overriding the places the functions look.
const FontsEnv = "FACTCARD_FONTS"

// BundledFonts is the folder beside a bootstrap that holds the world faces, and
// LayerFonts where the fonts layer puts them (Lambda unpacks layers in /opt).
const (
	BundledFonts = "fonts"
	LayerFonts   = "/opt/fonts"
)

// UseFonts points the renderer at the world faces of a Lambda function: the
// folder FACTCARD_FONTS names, else fonts/ beside the executable, else the
// layer's /opt/fonts. A folder that lacks a face or holds another version of it
// is an error (the build shipped the wrong fonts). With no folder at all the
// function starts, saying so: its Latin, Devanagari and Arabic cards render,
// and a card in another script fails.
func UseFonts(getenv func(string) string, log *slog.Logger) error {
	dir := getenv(FontsEnv)
	if dir == "" {
		for _, d := range []string{besideExecutable(BundledFonts), LayerFonts} {
			if st, err := os.Stat(d); err == nil && st.IsDir() && d != "" {
				dir = d
				break
			}
		}
	}
	if dir == "" {
		log.Warn("no fonts folder: cards outside Latin, Greek, Cyrillic, Devanagari and Arabic will fail",
			"looked", []string{besideExecutable(BundledFonts), LayerFonts}, "env", FontsEnv)
		return nil
	}
	if err := render.UseFonts(os.DirFS(dir)); err != nil {
		return fmt.Errorf("fonts folder %s: %w", dir, err)
	}
	return nil
}

// besideExecutable returns name in the running executable's folder, or "".
func besideExecutable(name string) string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	return filepath.Join(filepath.Dir(exe), name)
}
