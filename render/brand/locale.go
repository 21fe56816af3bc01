package brand

import (
	"errors"

	"github.com/factcard/factcard/render/locale"
)

// parseLocale returns the built-in locale tag names ("" for the default, "en")
// with the brand's label overrides. An unknown tag is an *Error on "locale"
// that lists the built-in locales; an override of an unknown label, or one
// without the label's placeholders, an *Error on "labels.KEY".
func parseLocale(tag string, labels map[string]string) (*locale.Locale, error) {
	l, err := locale.Lookup(tag)
	if err != nil {
		return nil, &Error{Field: "locale", Err: err}
	}
	l, err = l.WithLabels(labels)
	if err != nil {
		var le *locale.LabelError
		if errors.As(err, &le) {
			return nil, &Error{Field: "labels." + le.Key, Err: le.Err}
		}
		return nil, &Error{Field: "labels", Err: err}
	}
	return l, nil
}
