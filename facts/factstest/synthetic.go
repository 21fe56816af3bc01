// Package factstest makes datasets for tests and simulations: synthetic facts with
// fictional speakers and generated text, and the generated source documents they are
// checked against, so that provenance holds at any size.
//
// Nothing here is a quote of anyone. Every text says so: IDs start with
// "synthetic-", speakers are "Synthetic Speaker …", every quote begins "Synthetic
// sentence N, not a quote:", and every document opens with a notice that it is
// generated. None of it ever enters facts/dataset.json.
package factstest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing/fstest"

	"github.com/factcard/factcard/facts"
)

// FactsPerDocument is how many synthetic facts share one generated source document,
// about the number of quotes a long article carries.
const FactsPerDocument = 100

// Synthetic returns a dataset file (JSON, the schema facts.Load reads) of n synthetic
// facts and the source documents it cites, by file name. The same n gives the same
// bytes. Quotes run from about 50 to 190 characters (120 on average; the embedded
// dataset's quotes with their context average about 110), so cards cost
// what real cards cost.
func Synthetic(n int) (dataset []byte, docs fstest.MapFS) {
	docs = fstest.MapFS{}
	var buf bytes.Buffer
	err := Write(&buf, n, func(name string, data []byte) error {
		docs[name] = &fstest.MapFile{Data: data, Mode: 0o644}
		return nil
	})
	if err != nil {
		panic("factstest: write to memory: " + err.Error()) // a bytes.Buffer does not fail
	}
	return buf.Bytes(), docs
}

// Write streams what Synthetic returns: the dataset file to w (facts first, then
// the sources, which carry their documents' hashes), and each source document to doc
// as soon as it is complete, so that a million facts never sit in memory at once.
func Write(w io.Writer, n int, doc func(name string, data []byte) error) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	var (
		text    strings.Builder
		sources []fileSource
		line    bytes.Buffer
	)
	bw.WriteString("{\n\"facts\": [\n")
	for i := range n {
		d := i / FactsPerDocument
		if i%FactsPerDocument == 0 {
			text.Reset()
			fmt.Fprintf(&text, "%s\n\n%s\n\nPublished 10 May 2025.\n\n", notice, headline(d))
		}
		f := fact(i)
		fmt.Fprintf(&text, "%s %s, %s, said on %s: “%s” %s\n\n",
			f.before, f.Speaker.Name, f.Speaker.Role, f.Said.AsGiven, f.Quote, f.after)
		if i%FactsPerDocument == FactsPerDocument-1 || i == n-1 {
			data := []byte(text.String())
			sources = append(sources, source(d, data))
			if err := doc(documentName(d), data); err != nil {
				return fmt.Errorf("write document %s: %w", documentName(d), err)
			}
		}
		if i > 0 {
			bw.WriteString(",\n")
		}
		line.Reset()
		writeJSON(&line, f.fileFact)
		bw.Write(line.Bytes())
	}
	bw.WriteString("\n],\n\"sources\": [\n")
	for d, s := range sources {
		if d > 0 {
			bw.WriteString(",\n")
		}
		line.Reset()
		writeJSON(&line, s)
		bw.Write(line.Bytes())
	}
	bw.WriteString("\n]\n}\n")
	return bw.Flush()
}

// notice opens every generated document.
const notice = "GENERATED TEST DOCUMENT: factcard's synthetic data for tests and simulations. " +
	"It is not an article, and nobody said any of the words below."

func headline(d int) string {
	return fmt.Sprintf("Synthetic bulletin %05d (generated test data, not a real source)", d)
}

func documentName(d int) string { return fmt.Sprintf("synthetic-%05d.txt", d) }

type speaker struct {
	Name string `json:"name"`
	Role string `json:"role,omitempty"`
}

type date struct {
	Value     string `json:"value,omitempty"`
	Precision string `json:"precision"`
	AsGiven   string `json:"as_given,omitempty"`
}

type fileSource struct {
	ID        string   `json:"id"`
	Document  string   `json:"document"`
	SHA256    string   `json:"sha256"`
	Headline  string   `json:"headline"`
	Unknown   []string `json:"unknown"`
	Published date     `json:"published"`
	Retrieved date     `json:"retrieved"`
}

type fileFact struct {
	ID       string  `json:"id"`
	Quote    string  `json:"quote"`
	Language string  `json:"language"`
	Speaker  speaker `json:"speaker"`
	Said     date    `json:"said"`
	Medium   string  `json:"medium"`
	Source   string  `json:"source"`
}

// synthFact is a generated fact with the sentences around it in its document.
type synthFact struct {
	fileFact
	before, after string
}

func source(d int, doc []byte) fileSource {
	return fileSource{
		ID:        fmt.Sprintf("synthetic-source-%05d", d),
		Document:  documentName(d),
		SHA256:    facts.DocumentSHA256(doc),
		Headline:  headline(d),
		Unknown:   []string{facts.UnknownPublisher, facts.UnknownURL},
		Published: date{Value: "2025-05-10", Precision: "stated", AsGiven: "10 May 2025"},
		Retrieved: date{Value: "2025-05-11", Precision: "stated"},
	}
}

var (
	syllables = []string{"ta", "ven", "mor", "li", "sa", "ren", "ko", "dal", "mi", "ra", "tho", "el", "vin", "ost", "ka", "ber", "nu", "shi", "lo", "fen"}
	offices   = []string{"Lanterns", "Orchards", "Harbours", "Bridges", "Weather", "Libraries", "Canals", "Kites", "Meadows", "Bells"}
	nouns     = []string{"lantern", "orchard", "harbour", "bridge", "meadow", "library", "canal", "kite", "bell", "ferry", "garden", "clock", "river", "market", "tower"}
	verbs     = []string{"will weigh", "has reviewed", "should repaint", "can rebuild", "must measure", "would welcome", "may revisit", "plans to light"}
	adjs      = []string{"quiet", "northern", "old", "bright", "narrow", "patient", "wooden", "early", "shared", "small"}
	months    = []string{"May 1, 2025", "May 2, 2025", "May 3, 2025", "May 4, 2025", "May 5, 2025", "May 6, 2025", "May 7, 2025", "May 8, 2025"}
	isoDays   = []string{"2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04", "2025-05-05", "2025-05-06", "2025-05-07", "2025-05-08"}
	media     = []string{"statement", "briefing", "remarks-to-reporters", "post-on-x", "phone-call"}
)

func name(r *rand.Rand) string {
	word := func() string {
		w := ""
		for range 2 + r.IntN(2) {
			w += syllables[r.IntN(len(syllables))]
		}
		return strings.ToUpper(w[:1]) + w[1:]
	}
	return "Synthetic Speaker " + word() + " " + word()
}

func fact(i int) synthFact {
	r := rand.New(rand.NewPCG(uint64(i), 0x5ca1e))
	var q strings.Builder
	fmt.Fprintf(&q, "Synthetic sentence %d, not a quote: the", i)
	// Clauses until the quote reaches its drawn length (50 to 190 characters).
	target := 50 + r.IntN(141)
	for q.Len() < target {
		fmt.Fprintf(&q, " %s %s %s the %s %s", adjs[r.IntN(len(adjs))], nouns[r.IntN(len(nouns))],
			verbs[r.IntN(len(verbs))], adjs[r.IntN(len(adjs))], nouns[r.IntN(len(nouns))])
		if q.Len() < target {
			q.WriteString(", and the")
		}
	}
	q.WriteString(".")
	day := r.IntN(len(months))
	return synthFact{
		fileFact: fileFact{
			ID:       fmt.Sprintf("synthetic-%07d-%s", i, nouns[r.IntN(len(nouns))]),
			Quote:    q.String(),
			Language: "en",
			Speaker:  speaker{Name: name(r), Role: "Fictional Minister of " + offices[r.IntN(len(offices))]},
			Said:     date{Value: isoDays[day], Precision: "stated", AsGiven: months[day]},
			Medium:   media[r.IntN(len(media))],
			Source:   fmt.Sprintf("synthetic-source-%05d", i/FactsPerDocument),
		},
		before: fmt.Sprintf("Generated paragraph %d.", i),
		after:  fmt.Sprintf("The generated paragraph %d ends here.", i),
	}
}

func writeJSON(buf *bytes.Buffer, v any) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("factstest: encode: " + err.Error()) // plain strings: cannot fail
	}
	buf.Truncate(buf.Len() - 1)
}

// Dataset loads n synthetic facts as a checked dataset, provenance included, with
// their documents.
func Dataset(n int) (*facts.Dataset, fstest.MapFS, error) {
	data, docs := Synthetic(n)
	d, err := facts.LoadLarge(bytes.NewReader(data), docs, facts.MaxPublishBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("load %d synthetic facts: %w", n, err)
	}
	return d, docs, nil
}

// ID returns the ID of synthetic fact i, as Synthetic and Write give it, without
// making the rest of the dataset.
func ID(i int) string { return fact(i).ID }
