package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/factcard/factcard/functions/cards"
	"github.com/factcard/factcard/render"
)

// Cache lifetimes. A hashed URL names one version of a card for ever; the plain
// /cards/{id}.png follows the fact, which may be corrected, so caches recheck it.
const (
	immutableCache = "public, max-age=31536000, immutable"
	plainCache     = "public, max-age=300"
)

// card serves GET /cards/{id}.png and .jpg with ?size= and ?theme=.
func (s *server) card(w http.ResponseWriter, r *http.Request) error {
	id, format, ok := splitExt(r.PathValue("file"))
	if !ok {
		return notFound("cards are served as /cards/{id}.png or /cards/{id}.jpg")
	}
	opts := render.Options{Format: format}
	q, err := singleQuery(r.URL.RawQuery, "size", "theme")
	if err != nil {
		return err
	}
	if opts.Size, err = render.ParseSize(q["size"]); err != nil {
		return err
	}
	if opts.Theme, err = s.cards.ParseTheme(q["theme"]); err != nil {
		return err
	}
	ref, err := s.ref(r.Context(), id, opts)
	if err != nil {
		return err
	}
	return s.serveCard(w, r, ref, plainCache)
}

// hashedCard serves GET /cards/{id}/{size}-{theme}-{hash}.{ext}, the immutable URL
// of one version of a card. A hash that is no longer current (the fact or renderer
// changed) redirects to the current version.
func (s *server) hashedCard(w http.ResponseWriter, r *http.Request) error {
	name, format, ok := splitExt(r.PathValue("file"))
	parts := strings.Split(name, "-")
	if !ok || len(parts) != 3 || !isHex(parts[2]) {
		return notFound("no such card: card URLs look like /cards/{id}/{size}-{theme}-{hash}.png")
	}
	size, err := render.ParseSize(parts[0])
	if err != nil {
		return err
	}
	theme, err := s.cards.ParseTheme(parts[1])
	if err != nil {
		return err
	}
	ref, err := s.ref(r.Context(), r.PathValue("id"), render.Options{Size: size, Theme: theme, Format: format})
	if err != nil {
		return err
	}
	if ref.Hash != parts[2] {
		w.Header().Set("Cache-Control", plainCache)
		http.Redirect(w, r, cardPath(ref), http.StatusFound)
		return nil
	}
	return s.serveCard(w, r, ref, immutableCache)
}

// ref looks the fact up and resolves the card, validating the ID before anything
// else sees it.
func (s *server) ref(ctx context.Context, id string, opts render.Options) (cards.Ref, error) {
	f, err := s.lookup(ctx, id)
	if err != nil {
		return cards.Ref{}, err
	}
	return s.cards.FactRef(f, opts)
}

func (s *server) serveCard(w http.ResponseWriter, r *http.Request, ref cards.Ref, cacheControl string) error {
	h := w.Header()
	etag := `"` + ref.Hash + `"`
	h.Set("ETag", etag)
	h.Set("Cache-Control", cacheControl)
	if etagMatch(r.Header.Get("If-None-Match"), ref.Hash) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	c, err := s.cards.Get(r.Context(), ref)
	if err != nil {
		return err
	}
	h.Set("Content-Type", c.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(c.Body)))
	h.Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s-%s-%s.%s"`, ref.Fact.ID, ref.Options.Size, ref.Options.Theme, ref.Options.Format.Ext()))
	if c.Stored {
		h.Set("X-Card-Source", "store")
	} else {
		h.Set("X-Card-Source", "render")
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(c.Body)
	}
	return nil
}

// etagMatch reports whether an If-None-Match header matches the hash, using the weak
// comparison RFC 9110 prescribes for If-None-Match.
func etagMatch(header, hash string) bool {
	if header == "" {
		return false
	}
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" {
			return true
		}
		tag = strings.TrimPrefix(tag, "W/")
		if tag == `"`+hash+`"` {
			return true
		}
	}
	return false
}

// splitExt splits "name.png" into name and format; .jpg and .jpeg are JPEG.
func splitExt(file string) (string, render.Format, bool) {
	for _, ext := range []struct {
		suffix string
		format render.Format
	}{{".png", render.FormatPNG}, {".jpg", render.FormatJPEG}, {".jpeg", render.FormatJPEG}} {
		if name, ok := strings.CutSuffix(file, ext.suffix); ok && name != "" {
			return name, ext.format, true
		}
	}
	return "", "", false
}

func isHex(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// cardPath is the immutable path of a card version.
func cardPath(ref cards.Ref) string {
	return "/cards/" + ref.Fact.ID + "/" + ref.Name()
}
