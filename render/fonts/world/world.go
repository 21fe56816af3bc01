// Package world embeds the faces the renderer does not embed itself: every
// script beyond Latin, Greek, Cyrillic, Devanagari and Arabic (Naskh), the CJK
// faces and the colour emoji, about 37 MB, and the word lists Thai, Lao, Khmer
// and Burmese lines break with (dict/, 3.2 MB). The command line imports it, so
// `factcard render` and `make run` draw every script with nothing but the
// module; the Lambda functions do not (their bootstraps would grow by the
// whole set) and open the same files from a folder their layer brings.
//
//	render.UseFonts(world.FS())
package world

import (
	"embed"
	"io/fs"
)

//go:embed *.ttf *.otf dict/*.txt dict/SHA256SUMS
var files embed.FS

// FS returns the world faces at its root, for render.UseFonts.
func FS() fs.FS { return files }
