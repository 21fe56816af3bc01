package render

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"io"
	"slices"
	"sort"
	"sync"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/render/brand"
	"github.com/factcard/factcard/render/locale"
)

// Version is the renderer's output version. Bump it whenever the same fact and
// options would give different bytes (layout, colours, fonts, encoding), so
// cache keys that include it (see Fingerprint) change.
const Version = "6"

// Card draws the card for f with opts (defaults filled in) and returns it as a
// paletted image. It fails with an *OptionError for an unknown option, a
// *MissingGlyphError for a character no embedded font has, an error matching
// ErrDoesNotFit for text that cannot fit at the minimum type size, and one
// matching ErrNoQuote for an empty quote.
func Card(f facts.Fact, opts Options) (image.Image, error) {
	opts, err := opts.Resolve()
	if err != nil {
		return nil, err
	}
	w, h := opts.Size.Dimensions()
	img := image.NewPaletted(image.Rect(0, 0, w, h), nil)
	if err := card(f, opts, img); err != nil {
		return nil, err
	}
	img.Palette = slices.Clone(img.Palette) // the caller's to change
	return img, nil
}

// card draws the card for f with resolved opts on img, a zeroed paletted image
// of the card's size.
func card(f facts.Fact, opts Options, img *image.Paletted) error {
	s, err := getShaperFor(opts.Brand)
	if err != nil {
		return err
	}
	// Not deferred: a shaper whose shaping or drawing panicked (a damaged font,
	// recovered by the caller) may hold half-written state, so it is dropped
	// rather than put back for the next card.
	th, _ := s.st.theme(opts.Theme)
	c, err := s.shapeContent(f)
	if err != nil {
		putShaper(s)
		return fmt.Errorf("fact %s: %w", f.ID, err)
	}
	l, err := arrange(c, opts.Size, th)
	if err != nil {
		putShaper(s)
		return fmt.Errorf("fact %s: %w", f.ID, err)
	}
	s.paint(l, img)
	putShaper(s)
	return nil
}

// cardImages keeps the paletted images Render draws on and encodes, one pool per
// size: the image never leaves Render, and reusing it saves allocating and
// faulting in a fresh 0.75 to 2 MB for every card.
var cardImages sync.Map // Size -> *reuse[*image.Paletted]

// Render draws the card for f with opts and writes it to w in opts.Format: the
// same bytes as Card followed by Encode.
func Render(w io.Writer, f facts.Fact, opts Options) error {
	opts, err := opts.Resolve()
	if err != nil {
		return err
	}
	v, _ := cardImages.LoadOrStore(opts.Size, new(reuse[*image.Paletted]))
	pool := v.(*reuse[*image.Paletted])
	img, ok := pool.get()
	if ok {
		clear(img.Pix)
	} else {
		w, h := opts.Size.Dimensions()
		img = image.NewPaletted(image.Rect(0, 0, w, h), nil)
	}
	defer pool.put(img)
	if err := card(f, opts, img); err != nil {
		return err
	}
	return Encode(w, img, opts)
}

// Check lays f out on every size in every theme of the built-in brand without
// drawing. It returns nil if every character has a glyph and the fact fits
// everywhere, else the first error (a *MissingGlyphError, or an error matching
// ErrDoesNotFit that names the size).
func Check(f facts.Fact) error { return CheckFor(nil, f) }

// CheckFor is Check in brand b (nil for the built-in brand): a brand's fonts
// and brand line change what fits.
func CheckFor(b *brand.Brand, f facts.Fact) error {
	s, err := getShaperFor(b)
	if err != nil {
		return err
	}
	defer putShaper(s)
	c, err := s.shapeContent(f)
	if err != nil {
		return fmt.Errorf("fact %s: %w", f.ID, err)
	}
	for _, size := range Sizes() {
		for _, th := range s.st.themes {
			if _, err := arrange(c, size, th); err != nil {
				return fmt.Errorf("fact %s: %w", f.ID, err)
			}
		}
	}
	return nil
}

// Fingerprint returns a hex digest of everything that decides a card's pixels
// besides the fact, the options and the brand: Version, every built-in font
// (by the digests in fonts/faces.txt), the word lists (by their SHA256SUMS),
// the type scale, the card geometries and
// the built-in locales (their labels and CLDR dates). Storage keys include it
// and the brand's digest (brand.Brand.Digest), so a change to any of them gives
// new keys. It is computed once per process.
func Fingerprint() string { return cachedFingerprint() }

var cachedFingerprint = sync.OnceValue(fingerprint)

func fingerprint() string {
	h := sha256.New()
	fmt.Fprintf(h, "factcard render %s\n", Version)
	// faces.txt holds the size and SHA-256 of every built-in face, embedded or
	// not, so hashing it hashes the fonts without reading them.
	data, err := fontFiles.ReadFile("fonts/faces.txt")
	if err != nil {
		panic("render: embedded faces.txt missing") // go:embed guarantees it
	}
	h.Write(data)
	fmt.Fprintf(h, "word lists\n%s", dictSums) // their SHA-256s (dictbreak.go)
	fmt.Fprintf(h, "scale %+v\n", standardScale)
	fmt.Fprintf(h, "locales %s\n", locale.Digest())
	sizes := Sizes()
	sort.Slice(sizes, func(i, j int) bool { return sizes[i] < sizes[j] })
	for _, sz := range sizes {
		fmt.Fprintf(h, "size %s %+v\n", sz, geometries[sz])
	}
	return hex.EncodeToString(h.Sum(nil))
}
