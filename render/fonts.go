package render

import (
	"bufio"
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"

	"github.com/factcard/factcard/render/brand"
)

// The core faces, embedded in every binary, and faces.txt, which lists every
// built-in face (core and world) with its size, digest and the characters it
// maps: subsets of Noto made by fonts/subset.sh (see fonts/README.md).
//
//go:embed fonts/*.ttf fonts/faces.txt
var fontFiles embed.FS

// worldFonts holds the files of fonts/world (the faces not embedded here), as
// UseFonts set them; nil until then.
var worldFonts atomic.Pointer[fs.FS]

// UseFonts tells the renderer where the faces that it does not embed are: the
// world scripts (Armenian to Tibetan, Urdu's Nastaliq), CJK and the colour
// emoji. fsys holds the files of render/fonts/world at its root: the embedded
// copy of package render/fonts/world, or a folder beside a Lambda function (see
// README, "Fonts"). It checks that fsys has every face, of the size this build
// expects, without reading them, and fails naming those it lacks; then fsys is
// not used. Call it before the first card: each face is read from fsys, and
// parsed, the first time a card needs it. Without it, a card that needs one of
// those faces fails with an error matching ErrFontUnavailable; CoversRune and
// Check answer as if every face were there.
func UseFonts(fsys fs.FS) error {
	var bad []string
	for id, e := range faces() {
		rest, ok := strings.CutPrefix(fileOf(faceID(id)), "world/")
		if !ok {
			continue
		}
		st, err := fs.Stat(fsys, rest)
		switch {
		case err != nil:
			bad = append(bad, rest+" (missing)")
		case st.Size() != e.size:
			bad = append(bad, fmt.Sprintf("%s (%d bytes, want %d)", rest, st.Size(), e.size))
		}
	}
	bad = append(bad, missingDicts(fsys)...) // and the word lists (dictbreak.go)
	if len(bad) > 0 {
		return fmt.Errorf("%w: not the faces of this build: %s", ErrFontUnavailable, strings.Join(bad, ", "))
	}
	worldFonts.Store(&fsys)
	return nil
}

// ErrFontUnavailable is matched (with errors.Is) by the error for a card that
// needs a face the renderer could not open: UseFonts was not called, or its
// folder lacks the file or has another version of it.
var ErrFontUnavailable = errors.New("font unavailable")

// family is one family of built-in faces: a script's Noto face in regular and
// bold (the emoji in one weight only).
type family uint8

const (
	famLatin         family = iota // Noto Sans: Latin (with Vietnamese)
	famDevanagari                  // Noto Sans Devanagari
	famNaskh                       // Noto Naskh Arabic: Arabic, Persian
	famGreekCyrillic               // Noto Sans's Greek and Cyrillic, cut into a face of their own
	famNastaliq                    // Noto Nastaliq Urdu: Urdu
	famArmenian
	famGeorgian
	famHebrew
	famBengali
	famGurmukhi
	famGujarati
	famOriya
	famTamil
	famTelugu
	famKannada
	famMalayalam
	famSinhala
	famThai
	famLao
	famKhmer
	famMyanmar
	famEthiopic
	famTibetan // Noto Serif Tibetan: Debian has no sans
	famCJK     // Noto Sans CJK: Han, kana, Hangul, bopomofo
	famEmoji   // Noto Color Emoji (bitmaps); one weight, last
	numFamilies
)

// familyInfo says where a family's files are and how it sets.
type familyInfo struct {
	name    string // file name stem: name-Regular.ttf, name-Bold.ttf
	ext     string // ".ttf" or ".otf"
	world   bool   // under fonts/world, not embedded
	scripts []language.Script
	// scale sets the face's size relative to the type size: Noto Naskh Arabic's
	// letters are small for their em, so Latin text inside Arabic (names, dates,
	// "(MEA)") would look larger than the letters around it; it is set larger,
	// to match the x-heights by eye. (Noto Nastaliq Urdu has Noto Sans's
	// x-height.)
	scale float64
	// set is the family's class of line pitch (see typeScale.leading).
	set scriptSet
}

var families = [numFamilies]familyInfo{
	famLatin:         {name: "NotoSans", ext: ".ttf", scripts: []language.Script{language.Latin}, scale: 1, set: scriptLatin},
	famGreekCyrillic: {name: "NotoSansGreekCyrillic", ext: ".ttf", scripts: []language.Script{language.Greek, language.Cyrillic}, scale: 1, set: scriptLatin},
	famDevanagari:    {name: "NotoSansDevanagari", ext: ".ttf", scripts: []language.Script{language.Devanagari}, scale: 1, set: scriptDevanagari},
	famNaskh:         {name: "NotoNaskhArabic", ext: ".ttf", scripts: []language.Script{language.Arabic}, scale: naskhScale, set: scriptArabic},
	famNastaliq:      {name: "NotoNastaliqUrdu", ext: ".ttf", world: true, scale: 1, set: scriptNastaliq},
	famArmenian:      {name: "NotoSansArmenian", ext: ".ttf", world: true, scripts: []language.Script{language.Armenian}, scale: 1, set: scriptLatin},
	famGeorgian:      {name: "NotoSansGeorgian", ext: ".ttf", world: true, scripts: []language.Script{language.Georgian}, scale: 1, set: scriptLatin},
	famHebrew:        {name: "NotoSansHebrew", ext: ".ttf", world: true, scripts: []language.Script{language.Hebrew}, scale: 1, set: scriptLatin},
	famBengali:       {name: "NotoSansBengali", ext: ".ttf", world: true, scripts: []language.Script{language.Bengali}, scale: 1, set: scriptDevanagari},
	famGurmukhi:      {name: "NotoSansGurmukhi", ext: ".ttf", world: true, scripts: []language.Script{language.Gurmukhi}, scale: 1, set: scriptDevanagari},
	famGujarati:      {name: "NotoSansGujarati", ext: ".ttf", world: true, scripts: []language.Script{language.Gujarati}, scale: 1, set: scriptDevanagari},
	famOriya:         {name: "NotoSansOriya", ext: ".ttf", world: true, scripts: []language.Script{language.Oriya}, scale: 1, set: scriptDevanagari},
	famTamil:         {name: "NotoSansTamil", ext: ".ttf", world: true, scripts: []language.Script{language.Tamil}, scale: 1, set: scriptDevanagari},
	famTelugu:        {name: "NotoSansTelugu", ext: ".ttf", world: true, scripts: []language.Script{language.Telugu}, scale: 1, set: scriptDevanagari},
	famKannada:       {name: "NotoSansKannada", ext: ".ttf", world: true, scripts: []language.Script{language.Kannada}, scale: 1, set: scriptDevanagari},
	famMalayalam:     {name: "NotoSansMalayalam", ext: ".ttf", world: true, scripts: []language.Script{language.Malayalam}, scale: 1, set: scriptDevanagari},
	famSinhala:       {name: "NotoSansSinhala", ext: ".ttf", world: true, scripts: []language.Script{language.Sinhala}, scale: 1, set: scriptDevanagari},
	famThai:          {name: "NotoSansThai", ext: ".ttf", world: true, scripts: []language.Script{language.Thai}, scale: 1, set: scriptDevanagari},
	famLao:           {name: "NotoSansLao", ext: ".ttf", world: true, scripts: []language.Script{language.Lao}, scale: 1, set: scriptDevanagari},
	famKhmer:         {name: "NotoSansKhmer", ext: ".ttf", world: true, scripts: []language.Script{language.Khmer}, scale: 1, set: scriptTall},
	famMyanmar:       {name: "NotoSansMyanmar", ext: ".ttf", world: true, scripts: []language.Script{language.Myanmar}, scale: 1, set: scriptTall},
	famEthiopic:      {name: "NotoSansEthiopic", ext: ".ttf", world: true, scripts: []language.Script{language.Ethiopic}, scale: 1, set: scriptLatin},
	famTibetan:       {name: "NotoSerifTibetan", ext: ".ttf", world: true, scripts: []language.Script{language.Tibetan}, scale: 1, set: scriptTall},
	famCJK:           {name: "NotoSansCJK", ext: ".otf", world: true, scripts: []language.Script{language.Han, language.Hiragana, language.Katakana, language.Katakana_Or_Hiragana, language.Hangul, language.Bopomofo}, scale: 1, set: scriptCJK},
	famEmoji:         {name: "NotoColorEmoji", ext: ".ttf", world: true, scale: 1, set: scriptLatin},
}

const naskhScale = 1.15

// faceID names one face: a built-in face (family and weight), or one of the
// brand's.
type faceID uint8

const (
	// The built-in faces: 2×family + weight, then the emoji's one face.
	sansRegular  faceID = faceID(2*famLatin) + faceID(regular)
	sansBold     faceID = faceID(2*famLatin) + faceID(bold)
	devaRegular  faceID = faceID(2*famDevanagari) + faceID(regular)
	devaBold     faceID = faceID(2*famDevanagari) + faceID(bold)
	naskhRegular faceID = faceID(2*famNaskh) + faceID(regular)
	naskhBold    faceID = faceID(2*famNaskh) + faceID(bold)
	emojiFace    faceID = faceID(2 * famEmoji)
	numFaces            = emojiFace + 1 // the built-in faces

	// The brand's faces, when it has them: the quote's font and the names'.
	brandQuote = numFaces
	brandNames = numFaces + 1
	maxFaces   = numFaces + 2

	// noFace marks the absence of a face.
	noFace faceID = 0xff
)

// faceOfFamily returns the face of family f in weight w.
func faceOfFamily(f family, w weight) faceID {
	if f == famEmoji {
		return emojiFace
	}
	return faceID(2*int(f) + int(w))
}

// familyOf returns the family of built-in face id.
func familyOf(id faceID) family { return family(id / 2) }

// fileOf returns the path of built-in face id in fonts/ ("world/..." for a
// world face).
func fileOf(id faceID) string {
	f := families[familyOf(id)]
	w := "-Regular"
	switch {
	case familyOf(id) == famEmoji:
		w = ""
	case id%2 == 1:
		w = "-Bold"
	}
	if f.world {
		return "world/" + f.name + w + f.ext
	}
	return f.name + w + f.ext
}

// scriptFamily maps each script with a face of its own to that family.
var scriptFamily = func() map[language.Script]family {
	m := make(map[language.Script]family)
	for f, info := range families {
		for _, s := range info.scripts {
			m[s] = family(f)
		}
	}
	return m
}()

// familyFor returns the family that sets script in language lang first: Urdu
// sets in Nastaliq, other Arabic-script text in Naskh.
func familyFor(script language.Script, lang language.Language) family {
	if script == language.Arabic && lang.Primary() == "ur" {
		return famNastaliq
	}
	if f, ok := scriptFamily[script]; ok {
		return f
	}
	return famLatin
}

// chain lists the families in the order fallback tries them after the run's
// own: Latin first (punctuation, digits and Latin words inside other scripts),
// then the others, the emoji last.
var chain = func() []family {
	out := make([]family, 0, numFamilies)
	for f := range numFamilies {
		out = append(out, f)
	}
	return out
}()

// faceEntry is one line of faces.txt.
type faceEntry struct {
	size   int64
	sha256 string
	raw    string // the ranges, parsed on first use

	once   sync.Once
	ranges []rune // pairs lo, hi (inclusive), sorted
}

// covers reports whether the face maps r.
func (e *faceEntry) covers(r rune) bool {
	e.once.Do(func() { e.ranges = parseRanges(e.raw) })
	i, found := slices.BinarySearch(e.ranges, r)
	return found || i%2 == 1
}

// parseRanges parses "20-7E,A0,..." into pairs lo, hi; faces.txt is generated
// and checked by TestFacesTxt, so a malformed part is skipped.
func parseRanges(s string) []rune {
	var out []rune
	for part := range strings.SplitSeq(s, ",") {
		lo, hi, ok := strings.Cut(part, "-")
		if !ok {
			hi = lo
		}
		a, err1 := strconv.ParseUint(lo, 16, 32)
		b, err2 := strconv.ParseUint(hi, 16, 32)
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, rune(a), rune(b))
	}
	return out
}

// faceTable holds the built-in faces' entries of faces.txt, by face.
var faceTable = sync.OnceValues(func() (*[numFaces]*faceEntry, error) {
	data, err := fontFiles.ReadFile("fonts/faces.txt")
	if err != nil {
		return nil, fmt.Errorf("read embedded faces.txt: %w", err)
	}
	byFile := make(map[string]*faceEntry)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 {
			return nil, fmt.Errorf("faces.txt: malformed line %.60q", line)
		}
		size, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("faces.txt: size of %s: %w", f[0], err)
		}
		byFile[f[0]] = &faceEntry{size: size, sha256: f[2], raw: f[3]}
	}
	var t [numFaces]*faceEntry
	for id := range numFaces {
		e, ok := byFile[fileOf(id)]
		if !ok {
			return nil, fmt.Errorf("faces.txt lists no %s", fileOf(id))
		}
		t[id] = e
	}
	return &t, nil
})

// faces returns the built-in faces' entries; faces.txt is embedded and checked
// by the tests, so it fails only on a broken build.
func faces() *[numFaces]*faceEntry {
	t, err := faceTable()
	if err != nil {
		panic("render: " + err.Error())
	}
	return t
}

// loaded is a parsed built-in face.
type loaded struct {
	font *font.Font
	// upem is the face's font units per em of the card's type size: its units
	// per em, divided by its family's scale.
	upem float64
	// Line extents in ems, from the horizontal header: ascent is positive
	// upwards, descent positive downwards.
	ascent, descent float64
}

// openFaces holds each built-in face once parsed; a face is read and parsed
// the first time a card needs it.
var openFaces [numFaces]struct {
	once sync.Once
	l    *loaded
	err  error
}

// openFace returns built-in face id, parsing it on first use.
func openFace(id faceID) (*loaded, error) {
	o := &openFaces[id]
	o.once.Do(func() { o.l, o.err = parseFace(id) })
	return o.l, o.err
}

// parseFace reads and parses built-in face id. It hands the parser the file
// itself where it can (an embedded file, an os file): the parser copies out
// only the tables it keeps, where reading the whole file first would copy a
// CJK face's 12 MB once more.
func parseFace(id faceID) (*loaded, error) {
	name := fileOf(id)
	fsys, path := fs.FS(fontFiles), "fonts/"+name
	if rest, ok := strings.CutPrefix(name, "world/"); ok {
		p := worldFonts.Load()
		if p == nil {
			return nil, fmt.Errorf("open font %s: no fonts folder (render.UseFonts): %w", name, ErrFontUnavailable)
		}
		fsys, path = *p, rest
	}
	f, err := fsys.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open font %s: %w: %w", name, ErrFontUnavailable, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open font %s: %w: %w", name, ErrFontUnavailable, err)
	}
	if want := faces()[id].size; st.Size() != want {
		return nil, fmt.Errorf("open font %s: %d bytes, this build expects %d (another version of the fonts?): %w", name, st.Size(), want, ErrFontUnavailable)
	}
	res, ok := f.(font.Resource)
	if !ok {
		data, err := io.ReadAll(f)
		if err != nil {
			return nil, fmt.Errorf("read font %s: %w", name, err)
		}
		res = bytes.NewReader(data)
	}
	face, err := font.ParseTTF(res)
	if err != nil {
		return nil, fmt.Errorf("parse font %s: %w", name, err)
	}
	ext, ok := face.FontHExtents()
	if !ok {
		return nil, fmt.Errorf("font %s has no horizontal extents", name)
	}
	upem := float64(face.Upem()) / families[familyOf(id)].scale
	return &loaded{
		font:    face.Font,
		upem:    upem,
		ascent:  float64(ext.Ascender) / upem,
		descent: -float64(ext.Descender) / upem,
	}, nil
}

// loadFonts parses the core faces once per process: every card needs them.
var loadFonts = sync.OnceValue(func() error {
	if _, err := faceTable(); err != nil {
		return err
	}
	for _, id := range []faceID{sansRegular, sansBold} {
		if _, err := openFace(id); err != nil {
			return err
		}
	}
	return nil
})

// CoversRune reports whether some built-in face has a glyph for r: whether a
// fact may contain it. It needs no font parsed, and answers for every shipped
// face, whether or not UseFonts was called.
func CoversRune(r rune) bool {
	for _, e := range faces() {
		if e.covers(r) {
			return true
		}
	}
	return false
}

// fontData holds a brand's own parsed fonts, shared read-only by every
// goroutine: a *font.Font is safe for concurrent use (a *font.Face is not; see
// shaper). The built-in faces are process-wide (openFace).
type fontData struct {
	brand [2]*brand.Font // brandQuote, brandNames; nil where the brand has none
	// covers records, for each brand face, the scripts with a Noto fallback it
	// has letters of, so those runs take it first (see fontmap).
	covers [2]map[language.Script]bool
}

// withBrand returns the fonts of brand b.
func withBrand(b *brand.Brand) *fontData {
	out := new(fontData)
	for i, f := range []*brand.Font{b.Quote, b.Names} {
		if f == nil {
			continue
		}
		out.brand[i] = f
		face := font.NewFace(f.Face)
		out.covers[i] = map[language.Script]bool{language.Latin: true}
		for _, c := range []struct {
			s      language.Script
			letter rune
		}{{language.Devanagari, 'क'}, {language.Arabic, 'ب'}, {language.Cyrillic, 'Ж'}, {language.Greek, 'λ'}} {
			if _, ok := face.NominalGlyph(c.letter); ok {
				out.covers[i][c.s] = true
			}
		}
	}
	return out
}

// fontRole says which of a brand's fonts, if any, a text is set in.
type fontRole uint8

const (
	roleOther fontRole = iota // the built-in fonts only
	roleQuote                 // the brand's quote font, then the built-in fonts
	roleNames                 // the brand's names font, then the built-in fonts
)

// brandFace returns the brand's face for a role, or noFace.
func (fd *fontData) brandFace(r fontRole) faceID {
	switch {
	case r == roleQuote && fd.brand[0] != nil:
		return brandQuote
	case r == roleNames && fd.brand[1] != nil:
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
