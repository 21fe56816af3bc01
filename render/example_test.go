package render_test

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"log"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/render"
)

// A card for a fact, as PNG bytes: the zero Options give the og size, the dark
// theme and PNG.
func ExampleRender() {
	f, ok := facts.Default().Lookup("jaishankar-measured-and-responsible")
	if !ok {
		log.Fatal("no such fact")
	}
	var buf bytes.Buffer
	if err := render.Render(&buf, f, render.Options{}); err != nil {
		log.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(img.Bounds().Dx(), "x", img.Bounds().Dy())
	// Output: 1200 x 630
}

// Options usually come from a request; Resolve fills in the defaults and
// rejects unknown values with an error that lists the valid ones.
func ExampleOptions_Resolve() {
	opts, err := render.Options{Size: "story", Format: "jpg"}.Resolve()
	fmt.Println(opts.Size, opts.Theme, opts.Format, opts.Format.ContentType(), err)

	_, err = render.Options{Size: "huge"}.Resolve()
	var oe *render.OptionError
	fmt.Println(errors.As(err, &oe), err)
	// Output:
	// story dark jpeg image/jpeg <nil>
	// true unknown size "huge" (valid: og, square, portrait, story)
}

// Check is what dataset validation runs: every size and theme, no drawing.
func ExampleCheck() {
	f, _ := facts.Default().Lookup("jaishankar-measured-and-responsible")
	fmt.Println(render.Check(f))

	f.Quote = "From here → there"
	var mg *render.MissingGlyphError
	err := render.Check(f)
	fmt.Println(errors.As(err, &mg), mg)
	// Output:
	// <nil>
	// true no font factcard ships has U+2192 '→' (in quote)
}
