package cards

import (
	"bytes"
	"context"
	"encoding/binary"
	"log/slog"
	"strings"
	"testing"

	"github.com/factcard/factcard/facts"
	"github.com/factcard/factcard/functions/cards/cardtest"
	"github.com/factcard/factcard/functions/storage"
	"github.com/factcard/factcard/functions/storage/storagetest"
	"github.com/factcard/factcard/functions/testsupport/logbuf"
	"github.com/factcard/factcard/render"
)

// realCard renders a real card of the first dataset fact.
func realCard(t *testing.T, opts render.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := render.Render(&buf, facts.Default().All()[0], opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// damage is one way a stored card can be wrong, as a change to a good one.
type damage struct {
	name string
	// body returns the damaged object, given good cards of the ref's options.
	body func(good, otherSize, otherFormat []byte) []byte
}

var damages = []damage{
	{"empty", func(good, _, _ []byte) []byte { return nil }},
	{"one byte", func(good, _, _ []byte) []byte { return good[:1] }},
	{"cut in half", func(good, _, _ []byte) []byte { return good[:len(good)/2] }},
	{"last byte missing", func(good, _, _ []byte) []byte { return good[:len(good)-1] }},
	{"a byte after the end", func(good, _, _ []byte) []byte { return append(bytes.Clone(good), 0) }},
	{"another size", func(_, otherSize, _ []byte) []byte { return otherSize }},
	{"another format", func(_, _, otherFormat []byte) []byte { return otherFormat }},
	{"an HTML error page", func(good, _, _ []byte) []byte { return []byte("<html><body>502 Bad Gateway</body></html>") }},
	{"zeros", func(good, _, _ []byte) []byte { return make([]byte, len(good)) }},
}

func TestCheckCard(t *testing.T) {
	for _, format := range render.Formats() {
		opts := render.Options{Size: render.SizeOG, Theme: render.ThemeDark, Format: format}
		ref := Ref{Options: opts, Key: "cards/x/og.png"}
		good := realCard(t, opts)
		otherSize := realCard(t, render.Options{Size: render.SizeSquare, Format: format})
		other := render.FormatJPEG
		if format == render.FormatJPEG {
			other = render.FormatPNG
		}
		otherFormat := realCard(t, render.Options{Size: render.SizeOG, Format: other})
		t.Run(string(format)+"/good", func(t *testing.T) {
			if err := checkCard(good, int64(len(good)), ref); err != nil {
				t.Errorf("a freshly rendered card fails: %v", err)
			}
			fake := cardtest.Fake(opts, "stand-in")
			if err := checkCard(fake, int64(len(fake)), ref); err != nil {
				t.Errorf("cardtest.Fake fails: %v", err)
			}
		})
		for _, d := range damages {
			t.Run(string(format)+"/"+d.name, func(t *testing.T) {
				b := d.body(good, otherSize, otherFormat)
				if err := checkCard(b, int64(len(b)), ref); err == nil {
					t.Errorf("a card damaged by %s (%d bytes) passes", d.name, len(b))
				}
			})
		}
		t.Run(string(format)+"/recorded length", func(t *testing.T) {
			if err := checkCard(good, int64(len(good))+1, ref); err == nil || !strings.Contains(err.Error(), "recorded") {
				t.Errorf("a length other than the store recorded: err = %v, want one about the recorded length", err)
			}
		})
		t.Run(string(format)+"/over the cap", func(t *testing.T) {
			// A card that would pass but for its size: a PNG with a huge text chunk, a
			// JPEG with a huge comment... of zeros in its image data.
			big := cardtest.Fake(opts, strings.Repeat("x", MaxCardBytes))
			if format == render.FormatJPEG {
				big = append(append(bytes.Clone(good[:len(good)-2]), make([]byte, MaxCardBytes)...), 0xff, 0xd9)
			}
			if err := checkCard(big, int64(len(big)), ref); err == nil || !strings.Contains(err.Error(), "more than") {
				t.Errorf("a card of %d bytes: err = %v, want one about the cap of %d", len(big), err, MaxCardBytes)
			}
		})
	}
	t.Run("png/cut, then IEND", func(t *testing.T) {
		// A JPEG cut and closed with EOI looks whole without decoding its image data;
		// a PNG's chunk lengths tell.
		opts := render.Options{Size: render.SizeOG, Format: render.FormatPNG}
		good := realCard(t, opts)
		b := append(bytes.Clone(good[:len(good)/2]), good[len(good)-12:]...)
		if err := checkCard(b, int64(len(b)), Ref{Options: opts}); err == nil {
			t.Error("a PNG cut in half and closed with IEND passes")
		}
	})
	t.Run("png/chunk length lie", func(t *testing.T) {
		opts := render.Options{Size: render.SizeOG, Format: render.FormatPNG}
		b := bytes.Clone(realCard(t, opts))
		// The chunk after IHDR claims more bytes than the file has.
		binary.BigEndian.PutUint32(b[33:], uint32(len(b)))
		if err := checkCard(b, int64(len(b)), Ref{Options: opts}); err == nil {
			t.Error("a PNG whose second chunk overruns the file passes")
		}
	})
}

// recordedSize is a store that reports a length other than the body's, as a store
// whose object was cut short after its length was recorded would.
type recordedSize struct {
	storage.Store
	delta int64
}

func (r recordedSize) Get(ctx context.Context, key string, limit int64) (*storage.Object, error) {
	obj, err := r.Store.Get(ctx, key, limit)
	if err == nil {
		obj.Size += r.delta
	}
	return obj, err
}

// TestDamagedStoredCardIsRenderedAgain: a stored object that is not a complete card
// of the key's format and size is never served; the card is rendered again and
// served, with one log line naming the key, and the object is left as it is
// (create-only: the operator removes it).
func TestDamagedStoredCardIsRenderedAgain(t *testing.T) {
	f := facts.Default().All()[0]
	opts := render.Options{Size: render.SizeOG, Theme: render.ThemeLight, Format: render.FormatPNG}
	good := realCard(t, opts)
	otherSize := realCard(t, render.Options{Size: render.SizeStory, Theme: render.ThemeLight})
	otherFormat := realCard(t, render.Options{Size: render.SizeOG, Theme: render.ThemeLight, Format: render.FormatJPEG})
	cases := append([]damage(nil), damages...)
	cases = append(cases, damage{"recorded length", func(good, _, _ []byte) []byte { return good }},
		// Over MaxCardBytes: the store refuses it unread (ErrTooLarge).
		damage{"larger than any card", func(good, _, _ []byte) []byte { return append(bytes.Clone(good), make([]byte, MaxCardBytes)...) }})
	for _, d := range cases {
		t.Run(d.name, func(t *testing.T) {
			mem := storagetest.NewMemory()
			var store storage.Store = mem
			if d.name == "recorded length" {
				store = recordedSize{Store: mem, delta: 100}
			}
			logs := &logbuf.Buffer{}
			renders := &counter{}
			svc, err := New(Config{Facts: facts.Default(), Store: store, Logger: slog.New(slog.NewJSONHandler(logs, nil)),
				Render: func(f facts.Fact, o render.Options) ([]byte, error) {
					renders.calls.Add(1)
					return renderBytes(f, o)
				}})
			if err != nil {
				t.Fatal(err)
			}
			ref, err := svc.Ref(context.Background(), f.ID, opts)
			if err != nil {
				t.Fatal(err)
			}
			bad := d.body(good, otherSize, otherFormat)
			if err := mem.Create(context.Background(), ref.Key, bad, svc.info(ref, bad)); err != nil {
				t.Fatal(err)
			}
			c, err := svc.Get(context.Background(), ref)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if c.Stored || !bytes.Equal(c.Body, good) {
				t.Errorf("served %d bytes (Stored %v), want the fresh render (%d bytes)", len(c.Body), c.Stored, len(good))
			}
			if n := renders.calls.Load(); n != 1 {
				t.Errorf("%d renders, want 1", n)
			}
			recs := logs.Records(logbuf.Field("msg", damagedCardMessage))
			if len(recs) != 1 || recs[0]["key"] != ref.Key {
				t.Errorf("log records %v, want one naming key %s", recs, ref.Key)
			}
			if obj, err := mem.Get(context.Background(), ref.Key, 1<<30); err != nil || !bytes.Equal(obj.Body, bad) {
				t.Errorf("the damaged object changed (err %v): create-only stores never overwrite", err)
			}
		})
	}
}
