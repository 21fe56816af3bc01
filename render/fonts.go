package render

import (
	"bytes"
	"embed"
	"fmt"
	"sync"

	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"

	"github.com/factcard/factcard/render/brand"
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
	numFaces // the embedded faces

	// The brand's faces, when it has them: the quote's font and the names'.
	brandQuote = numFaces
	brandNames = numFaces + 1
	maxFaces   = numFaces + 2

	// noFace marks the absence of a face.
	noFace faceID = 0xff
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

// fontData holds the parsed fonts of a brand, shared read-only by every
// goroutine: a *font.Font is safe for concurrent use (a *font.Face is not; see
// shaper). The embedded faces come first, then the brand's own, nil where the
// brand has none.
type fontData struct {
	fonts [maxFaces]*font.Font
	// upem is each face's font units per em of the card's type size: its units
	// per em, divided by its scale (see faceScale).
	upem [maxFaces]float64
	// Line extents of each face in ems, from its horizontal header: ascent is
	// positive upwards, descent positive downwards.
	ascent, descent [maxFaces]float64
	// covers records, for each brand face, the scripts with a Noto fallback it
	// has letters of, so those runs take it first (see fontmap).
	covers [maxFaces]scriptSet
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
		fd.ascent[id] = float64(ext.Ascender) / upem
		fd.descent[id] = -float64(ext.Descender) / upem
	}
	return fd, nil
})

// withBrand returns the embedded fonts plus the brand's, for a brand's shapers.
func (fd *fontData) withBrand(b *brand.Brand) *fontData {
	out := *fd
	for _, bf := range []struct {
		id faceID
		f  *brand.Font
	}{{brandQuote, b.Quote}, {brandNames, b.Names}} {
		if bf.f == nil {
			continue
		}
		out.fonts[bf.id] = bf.f.Face
		out.upem[bf.id] = bf.f.Upem
		out.ascent[bf.id] = bf.f.Ascent
		out.descent[bf.id] = bf.f.Descent
		face := font.NewFace(bf.f.Face)
		out.covers[bf.id] = scriptLatin
		for _, c := range []struct {
			set    scriptSet
			letter rune
		}{{scriptDevanagari, 'क'}, {scriptArabic, 'ب'}} {
			if _, ok := face.NominalGlyph(c.letter); ok {
				out.covers[bf.id] |= c.set
			}
		}
	}
	return &out
}

// fontRole says which of a brand's fonts, if any, a text is set in.
type fontRole uint8

const (
	roleOther fontRole = iota // the embedded fonts only
	roleQuote                 // the brand's quote font, then the embedded fonts
	roleNames                 // the brand's names font, then the embedded fonts
)

// brandFace returns the brand's face for a role, or noFace.
func (fd *fontData) brandFace(r fontRole) faceID {
	switch {
	case r == roleQuote && fd.fonts[brandQuote] != nil:
		return brandQuote
	case r == roleNames && fd.fonts[brandNames] != nil:
		return brandNames
	}
	return noFace
}

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
