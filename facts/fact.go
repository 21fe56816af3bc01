// Package facts holds factcard's curated dataset of sourced quotes: its schema, the
// embedded data, loading, lookup and validation.
//
// A card puts words in a real person's mouth, so every fact here is verbatim from a
// source document the repository names, with the speaker, role and date exactly as that
// source gives them. Nothing in this package talks to AWS, reads the environment or
// touches the disk.
//
// # Sources and provenance
//
// The source documents live in the project, in facts/sources, embedded next to the
// dataset. Each source records its document's file name and SHA-256. Load checks
// every fact against its document: the document is there and unchanged, and the
// quote, its context, the speaker's name, role and handle, the date words and the
// source's headline occur in it verbatim, up to quotation-mark style and white
// space. The one other change allowed is a final full stop where the source's
// sentence runs on into its attribution with a comma (“…lower tensions,” Bruce said).
//
// # Fragments and context
//
// A quote is a fragment when it is not one or more whole sentences as the source
// gives them. It starts a sentence when nothing but white space and quotation marks
// stands between it and the start of the document, a line break, or a mark that
// ends a sentence or a colon (. ! ? … । ۔ ؟ :); it ends a sentence when its last
// character is one of those marks (not the colon), or when the source follows it
// with a comma and a closing quotation mark (“…,” X said). A quote that does not
// both start and end a sentence is a fragment: “irresponsible and cowardly” in
// "India has condemned the attacks as “irresponsible and cowardly”". A fragment must
// carry Context, the source's own words around it, so that a card never shows
// verbatim words that mean something else without them; a whole sentence may.
package facts

import (
	"fmt"
	"time"
)

// Fact is one curated quote with its attribution and provenance.
type Fact struct {
	// ID is the stable slug that names the fact in URLs and storage keys:
	// lower-case letters, digits and single hyphens, at most 64 characters.
	ID string `json:"id"`
	// Quote is the quoted words, verbatim from the source, without the
	// surrounding quotation marks (the renderer adds those of the language).
	Quote string `json:"quote"`
	// Fragment reports that the quote is not one or more whole sentences as the
	// source gives them (the rule is in the package documentation). A fragment
	// carries Context.
	Fragment bool `json:"fragment,omitempty"`
	// Context is the source's own words directly around the quote, shown with it
	// so that a fragment reads as the source meant it.
	Context Context `json:"context,omitzero"`
	// Language is the BCP 47 tag of the quote's language, in canonical form
	// ("en", "hi", "zh-Hans"). The card's check finds a quote the fonts cannot draw.
	Language string `json:"language"`
	// Speaker is who said it, as the source names them.
	Speaker Speaker `json:"speaker"`
	// Said is when it was said, as precisely as the source allows.
	Said Date `json:"said"`
	// Medium is how it was said (a post on X, a briefing, ...).
	Medium Medium `json:"medium"`
	// Source is the document the quote was curated from.
	Source Source `json:"source"`
	// Note records curation decisions a reader of the data should know about,
	// such as a fragment quoted mid-sentence. It is not shown on cards.
	Note string `json:"note,omitempty"`
}

// Context is the source's own words directly before and after a quote, verbatim:
// Before + the quote + After is one passage of the source, up to quotation-mark
// style and white space. Either may be empty.
type Context struct {
	// Before is the words that lead into the quote ("India has condemned the attacks as").
	Before string `json:"before,omitempty"`
	// After is the words that follow it, up to the end of the source's sentence at most.
	After string `json:"after,omitempty"`
}

// IsZero reports whether c has neither words before nor after.
func (c Context) IsZero() bool { return c.Before == "" && c.After == "" }

// Speaker is the person or body a quote is attributed to.
type Speaker struct {
	// Name is the name exactly as the source gives it ("Dr. S. Jaishankar", "India").
	Name string `json:"name"`
	// Role is the title or office the source gives, if any ("External Affairs Minister").
	Role string `json:"role,omitempty"`
	// Handle is the social-media handle the source shows, if any ("@DrSJaishankar").
	Handle string `json:"handle,omitempty"`
	// Kind is Person (the default when empty) or Body, for words the source
	// attributes to a country, government or institution rather than a person.
	Kind SpeakerKind `json:"kind,omitempty"`
}

// SpeakerKind says whether a speaker is a person or a body.
type SpeakerKind string

// The kinds of speaker.
const (
	Person SpeakerKind = "person"
	Body   SpeakerKind = "body"
)

// Precision says how a Date was obtained from its source.
type Precision string

// The precisions a Date can have.
const (
	// Stated: the source gives the calendar date itself.
	Stated Precision = "stated"
	// Resolved: the source gives a relative day ("Friday", "this morning"),
	// resolved against a date the source itself carries; AsGiven keeps the words
	// and Note says how it was resolved.
	Resolved Precision = "resolved"
	// Unknown: the source gives no date. Value is empty.
	Unknown Precision = "unknown"
)

// Date is a calendar day with a record of how it was derived from the source.
type Date struct {
	// Value is the day in ISO 8601 form (YYYY-MM-DD), empty when Precision is Unknown.
	Value string `json:"value,omitempty"`
	// Precision says whether the source stated the date, implied it, or gave none.
	Precision Precision `json:"precision"`
	// AsGiven is the source's own words for the date ("May 10, 2025", "Friday").
	AsGiven string `json:"as_given,omitempty"`
	// Note explains a resolution or an absence.
	Note string `json:"note,omitempty"`
}

// Known reports whether the date has a calendar value.
func (d Date) Known() bool { return d.Precision != Unknown && d.Value != "" }

// Time returns the date as midnight UTC. It fails for an unknown or malformed date.
func (d Date) Time() (time.Time, error) {
	if !d.Known() {
		return time.Time{}, fmt.Errorf("date is unknown")
	}
	return time.Parse(time.DateOnly, d.Value)
}

// Medium is how a quote was delivered.
type Medium string

// The media a fact can have.
const (
	PostOnX            Medium = "post-on-x"
	Briefing           Medium = "briefing"
	RemarksToReporters Medium = "remarks-to-reporters"
	PhoneCall          Medium = "phone-call"
	Statement          Medium = "statement"
	// Unspecified: the source does not say how the words were delivered.
	Unspecified Medium = "unspecified"
)

var mediumLabels = map[Medium]string{
	PostOnX:            "Post on X",
	Briefing:           "Briefing",
	RemarksToReporters: "Remarks to reporters",
	PhoneCall:          "Phone call",
	Statement:          "Statement",
	Unspecified:        "",
}

// Label returns the medium's human-readable name ("Post on X"), or "" for
// Unspecified and unknown media.
func (m Medium) Label() string { return mediumLabels[m] }

// Valid reports whether m is one of the known media.
func (m Medium) Valid() bool {
	_, ok := mediumLabels[m]
	return ok
}

// Source describes the document a fact was curated from. Facts refer to it by ID.
type Source struct {
	// ID names the source within the dataset.
	ID string `json:"id"`
	// Document is the file name of the source text in the project's facts/sources
	// folder, so every quote can be checked against it.
	Document string `json:"document"`
	// SHA256 is the hex SHA-256 of the document's bytes: a changed document is
	// noticed, never silently trusted.
	SHA256 string `json:"sha256,omitempty"`
	// Headline is the source's headline or title, verbatim.
	Headline string `json:"headline"`
	// Publisher is who published it, only when known; otherwise Unknown lists it.
	Publisher string `json:"publisher,omitempty"`
	// URL is where it was published, only when known; otherwise Unknown lists it.
	URL string `json:"url,omitempty"`
	// Unknown names what is not known of the source ("publisher", "url"), so that
	// an absence is recorded rather than left to guess.
	Unknown []string `json:"unknown,omitempty"`
	// Published is the publication date, with how it was derived.
	Published Date `json:"published"`
	// Retrieved is when the document was obtained, or Unknown with a note.
	Retrieved Date `json:"retrieved,omitzero"`
	// Note records what a reader of the data should know about the source.
	Note string `json:"note,omitempty"`
}

// The fields a Source may list as Unknown.
const (
	UnknownPublisher = "publisher"
	UnknownURL       = "url"
)

// Display writes the date out for people: "10 May 2025" when the source states it;
// for a resolved date the day followed by the source's own words,
// `9 May 2025 (“Friday” in the source)`; and "Date not given in the source" when
// the source gives none. A card never shows a resolved date as if it were stated.
func (d Date) Display() string {
	t, err := d.Time()
	if err != nil {
		return "Date not given in the source"
	}
	day := t.Format("2 January 2006")
	if d.Precision == Resolved && d.AsGiven != "" {
		return day + " (“" + d.AsGiven + "” in the source)"
	}
	return day
}
