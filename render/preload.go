package render

import (
	"errors"
	"io"
	"runtime"
	"sync"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/facts/panicerr"
	"github.com/factcard/factcard/render/brand"
)

// Preload parses the embedded fonts and warms the shaper, so the first request
// of a server or Lambda pays nothing: it shapes sample text in every script and
// weight, and draws and encodes a sample card on every size, which fills what
// a render reuses (HarfBuzz plans, glyph outlines, band canvases, card images,
// palettes, deflate state). The warmed shaper and buffers are kept for later
// renders on any goroutine; the garbage collector does not drop them. Preload
// is safe to call many times and concurrently; the work is done once. It
// returns the font error, if any.
func Preload() error { return PreloadFor(nil) }

// PreloadFor is Preload for the cards of brand b (nil for the built-in brand):
// a brand's fonts, logo and palettes are its own. The work is done once per brand.
func PreloadFor(b *brand.Brand) error {
	st, err := stateOf(b)
	if err != nil {
		return err
	}
	return st.preloaded()
}

// warm warms st's shapers and the shared buffers; see Preload. It runs once
// per brand, through st.preloaded.
func (st *brandState) warm() error {
	if err := loadFonts(); err != nil {
		return err
	}
	s, err := getShaperFor(st.b)
	if err != nil {
		return err
	}
	// A sample whose face is not at hand (no fonts folder: UseFonts) is left out.
	var samples []facts.Fact
	for _, f := range preloadFacts {
		if _, err := s.shapeContent(f); errors.Is(err, ErrFontUnavailable) {
			continue
		} else if err != nil {
			putShaper(s)
			return err
		}
		samples = append(samples, f)
	}
	putShaper(s)
	// Draw every size on every processor at once, so the pools hold the card
	// images and buffers a busy server uses, not just one of each: after this the
	// memory a render reuses does not grow with traffic.
	themes := ThemesFor(st.b)
	var wg sync.WaitGroup
	errs := make([]error, runtime.GOMAXPROCS(0))
	for p := range errs {
		// A panic on this goroutine would end the process: it is an error of the
		// warm-up instead, which the caller reports.
		wg.Go(func() {
			errs[p] = panicerr.Do(func() error {
				// Every sample on every size: the band canvases a line needs depend
				// on its script's height (Nastaliq's are the tallest) and the card's width.
				for i, size := range Sizes() {
					for k, f := range samples {
						if err := Render(io.Discard, f, Options{Size: size, Theme: themes[(i+k+p)%len(themes)], Brand: st.b}); err != nil {
							return err
						}
					}
				}
				// One story JPEG sizes the JPEG copy's buffers for any card.
				return Render(io.Discard, samples[0], Options{Size: SizeStory, Format: FormatJPEG, Brand: st.b})
			})
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// preloadFacts are sample texts for Preload, one per script the fonts cover,
// with names in the others so every face and weight is shaped. The Urdu and
// Hindi quotes run through the letters (each Arabic letter three times joined,
// for its initial, medial and final forms; each Devanagari consonant, then the
// vowel signs and common conjuncts), so drawing them parses most outlines a
// card needs. They are never shown.
var preloadFacts = []facts.Fact{
	{
		ID:       "preload-en",
		Quote:    "The quick brown fox jumps over the lazy dog. THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG — 0123456789 (“quotes”, ‘marks’) & @handle · 12 May 2025?!",
		Language: "en",
		Speaker:  facts.Speaker{Name: "Sample नमूना", Role: "Sample role · @sample"},
		Source:   facts.Source{Publisher: "Sample publisher نمونہ"},
	},
	{
		ID: "preload-hi",
		Quote: "क ख ग घ ङ च छ ज झ ञ ट ठ ड ढ ण त थ द ध न प फ ब भ म य र ल व श ष स ह " +
			"का कि की कु कू कृ के कै को कौ कं कः कँ क्ष त्र ज्ञ श्र द्ध ष्ट्र र्क ड़ ढ़ फ़ ज़ । ॥ ०१२३४५६७८९",
		Language: "hi",
		Speaker:  facts.Speaker{Name: "नमूना", Role: "नमूना"},
		Source:   facts.Source{Publisher: "नमूना"},
	},
	{
		ID: "preload-ur",
		Quote: "ااا ببب پپپ تتت ٹٹٹ ثثث ججج چچچ ححح خخخ ددد ڈڈڈ ذذذ ررر ڑڑڑ ززز ژژژ سسس ششش صصص " +
			"ضضض ططط ظظظ ععع غغغ ففف ققق ککک گگگ للل ممم ننن ںںں ووو ہہہ ھھھ ءءء ییی ےےے آ ئ ۓ ؤ ۃ لا، ؟ ۔ (ABC) ۱۲۳",
		Language: "ur",
		Speaker:  facts.Speaker{Name: "نمونہ", Role: "نمونہ"},
		Source:   facts.Source{Publisher: "نمونہ"},
	},
}
