package render

import (
	"bytes"
	"embed"
	"fmt"
	"sync"

	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
)

// The embedded faces: subsets of Noto made by fonts/subset.sh (see fonts/README.md).
//
//go:embed fonts/*.ttf
var fontFiles embed.FS

// faceID names one embedded face. The order is the order of fontTable.
type faceID uint8

const (
	sansRegular faceID = iota
	sansBold
	devaRegular
	devaBold
	naskhRegular
	naskhBold
	numFaces
)

// fontTable maps each face to its file under fonts/.
var fontTable = [numFaces]string{
	sansRegular:  "NotoSans-Regular.ttf",
	sansBold:     "NotoSans-Bold.ttf",
	devaRegular:  "NotoSansDevanagari-Regular.ttf",
	devaBold:     "NotoSansDevanagari-Bold.ttf",
	naskhRegular: "NotoNaskhArabic-Regular.ttf",
	naskhBold:    "NotoNaskhArabic-Bold.ttf",
}

// fontData holds the parsed fonts, shared read-only by every goroutine: a
// *font.Font is safe for concurrent use (a *font.Face is not; see shaper).
type fontData struct {
	fonts [numFaces]*font.Font
	raw   [numFaces][]byte
	// upem is each face's font units per em of the card's type size: its units
	// per em, divided by its scale (see faceScale).
	upem [numFaces]float64
	// Line extents of each face in ems, from its horizontal header: ascent is
	// positive upwards, descent positive downwards.
	ascent, descent [numFaces]float64
}

// faceScale sets each face's size relative to the type size. Noto Naskh
// Arabic's letters are small for their em: at one size, Latin text inside Urdu
// (names, dates, "(MEA)") looks larger than the Naskh around it, so Naskh is
// set larger, to match the x-heights by eye.
var faceScale = [numFaces]float64{
	sansRegular: 1, sansBold: 1, devaRegular: 1, devaBold: 1,
	naskhRegular: naskhScale, naskhBold: naskhScale,
}

const naskhScale = 1.15

// loadFonts parses the embedded fonts once per process.
var loadFonts = sync.OnceValues(func() (*fontData, error) {
	fd := new(fontData)
	for id, name := range fontTable {
		data, err := fontFiles.ReadFile("fonts/" + name)
		if err != nil {
			return nil, fmt.Errorf("read embedded font %s: %w", name, err)
		}
		face, err := font.ParseTTF(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("parse embedded font %s: %w", name, err)
		}
		ext, ok := face.FontHExtents()
		if !ok {
			return nil, fmt.Errorf("embedded font %s has no horizontal extents", name)
		}
		upem := float64(face.Upem()) / faceScale[id]
		fd.upem[id] = upem
		fd.fonts[id] = face.Font
		fd.raw[id] = data
		fd.ascent[id] = float64(ext.Ascender) / upem
		fd.descent[id] = -float64(ext.Descender) / upem
	}
	return fd, nil
})

// weight selects the regular or bold member of each family.
type weight uint8

const (
	regular weight = iota
	bold
)

// families lists, per weight, the faces in fallback order: Latin, Devanagari, Arabic.
var families = [2][3]faceID{
	regular: {sansRegular, devaRegular, naskhRegular},
	bold:    {sansBold, devaBold, naskhBold},
}

// preferred returns the face to try first for script in the given weight, and
// the rest of the family in fallback order.
func preferred(w weight, script language.Script) [3]faceID {
	f := families[w]
	switch script {
	case language.Devanagari:
		return [3]faceID{f[1], f[0], f[2]}
	case language.Arabic:
		return [3]faceID{f[2], f[0], f[1]}
	}
	return f
}
