package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
)

// OriginHeader is the request header that carries the origin secret
// (Config.OriginSecret). The template's CDN adds it to every request it sends to
// the API (CloudFront's origin custom headers), so a request without it did not
// come through the CDN.
const OriginHeader = "X-Factcard-Origin"

// MinOriginSecret is the shortest origin secret New accepts: one a client could
// guess is no secret.
const MinOriginSecret = 16

// originGate admits only requests that carry the origin secret. Its zero value
// admits every request.
type originGate struct {
	on     bool
	digest [sha256.Size]byte
}

// newOriginGate returns the gate for secret; "" admits every request.
func newOriginGate(secret string) (originGate, error) {
	if secret == "" {
		return originGate{}, nil
	}
	if len(secret) < MinOriginSecret {
		return originGate{}, fmt.Errorf("httpapi: origin secret of %d bytes, want at least %d", len(secret), MinOriginSecret)
	}
	return originGate{on: true, digest: sha256.Sum256([]byte(secret))}, nil
}

// admit reports whether r may be answered, and removes the secret from r so that
// no handler can echo or log it. The comparison takes the same time whatever the
// header holds: both sides are hashed to one length, then compared in constant
// time.
func (g originGate) admit(r *http.Request) bool {
	if !g.on {
		return true
	}
	got := sha256.Sum256([]byte(r.Header.Get(OriginHeader)))
	r.Header.Del(OriginHeader)
	return subtle.ConstantTimeCompare(got[:], g.digest[:]) == 1
}
