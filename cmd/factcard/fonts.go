package main

import (
	"github.com/factcard/factcard/render"
	"github.com/factcard/factcard/render/fonts/world"
)

// The command line embeds every face (package world), so it draws every script
// on any machine; a Latin card parses none of them (see README, "Fonts").
// The embedded copy always matches the build (render's TestWorldFonts checks).
func init() {
	if err := render.UseFonts(world.FS()); err != nil {
		panic("factcard: " + err.Error())
	}
}
