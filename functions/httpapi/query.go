package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxValueBytes bounds the raw value of a parameter the API reads. The longest
// legitimate one, oEmbed's url, is a share page URL of well under 200 bytes.
const maxValueBytes = 2048

// QueryParameters lists every query parameter the handler reads, on any route. A
// cache in front of the API keys on these and forwards only these (see infra/); the
// infrastructure tests check that the template says the same.
func QueryParameters() []string {
	return []string{"size", "theme", "url", "maxwidth", "maxheight", "format", "type", "limit", "cursor"}
}

// singleQuery returns the named parameters of a raw query string, and reads nothing
// else. Any other parameter (utm_*, fbclid, or garbage such as a NUL, a bad percent
// escape or a ';') is never decoded and never changes the answer: caches in front of
// the API key on the parameters it reads alone, so an answer that depended on another
// one would be served to everyone asking for the same card. A name matches only as
// written, unescaped, as a cache compares it.
//
// A named parameter that is malformed, too long or given more than once is the
// client's mistake: a 400 (414 when too long), keyed by the cache on that parameter.
func singleQuery(raw string, names ...string) (map[string]string, error) {
	out := make(map[string]string, len(names))
	for pair := range strings.SplitSeq(raw, "&") {
		name, value, _ := strings.Cut(pair, "=")
		if !slices.Contains(names, name) {
			continue
		}
		if _, seen := out[name]; seen {
			return nil, badRequest(fmt.Sprintf("%s given more than once; give it once", name))
		}
		if len(value) > maxValueBytes {
			return nil, &httpError{http.StatusRequestURITooLong, fmt.Sprintf("%s longer than %d bytes", name, maxValueBytes)}
		}
		v, err := url.QueryUnescape(value)
		if err != nil || !utf8.ValidString(v) || strings.ContainsFunc(v, isControl) {
			return nil, badRequest(fmt.Sprintf("malformed value of %s: percent-encoded UTF-8 without control characters, please", name))
		}
		out[name] = v
	}
	return out, nil
}

// isControl reports the characters no parameter value may hold: C0 controls
// (NUL included) and DEL.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
