package render

import (
	"sync"

	"github.com/factcard/factcard/facts/panicerr"
	"github.com/factcard/factcard/render/brand"
	"github.com/factcard/factcard/render/locale"
)

// brandState is what the renderer derives from a brand, once per process: its
// fonts beside the embedded ones, its themes with the type scale, the shaped
// brand line, and the pools and caches its cards reuse. It is read-only once
// built, apart from the pools and caches, which are safe for concurrent use.
type brandState struct {
	b      *brand.Brand
	fd     *fontData
	themes []theme

	// The brand's name and URL, shaped once by the first shaper that needs them
	// (see brandLine), and read-only after.
	lineOnce  sync.Once
	name, url *para
	lineErr   error

	// shapers holds the brand's shapers: a shaper's faces are the brand's fonts.
	shapers reuse[*shaper]
	// preloaded warms the brand's shapers and buffers once (see PreloadFor).
	preloaded func() error
	// logos holds the logo scaled and mapped to each theme's palette, per
	// logoKey, built on first use (see logoTile).
	logos sync.Map
}

// states holds the state of every brand drawn so far. A process draws one
// brand, or a few in tests.
var states sync.Map // *brand.Brand -> *brandState

// stateOf returns the state of brand b (nil for the built-in brand), building
// it on first use.
func stateOf(b *brand.Brand) (*brandState, error) {
	if b == nil {
		b = brand.Default()
	}
	if v, ok := states.Load(b); ok {
		return v.(*brandState), nil
	}
	if err := loadFonts(); err != nil {
		return nil, err
	}
	st := &brandState{b: b, fd: withBrand(b)}
	// sync.OnceValue panics again on every call after f panics: a panic in the
	// warm-up is its error instead, once.
	st.preloaded = sync.OnceValue(func() error { return panicerr.Do(st.warm) })
	for _, t := range b.Themes {
		st.themes = append(st.themes, themeOf(t))
	}
	v, _ := states.LoadOrStore(b, st)
	return v.(*brandState), nil
}

// theme returns the brand's theme of the given name.
func (st *brandState) theme(name Theme) (theme, bool) {
	for _, t := range st.themes {
		if t.name == name {
			return t, true
		}
	}
	return theme{}, false
}

// locale returns the brand's locale, the default one for a brand made without
// brand.Load.
func (st *brandState) locale() *locale.Locale {
	if st.b.Locale != nil {
		return st.b.Locale
	}
	return locale.MustDefault()
}
