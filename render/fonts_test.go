package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"

	"github.com/go-text/typesetting/font"
)

// TestMain points the renderer at the world faces in fonts/world, as the
// command line does with its embedded copy.
func TestMain(m *testing.M) {
	if err := UseFonts(os.DirFS("fonts/world")); err != nil {
		fmt.Fprintln(os.Stderr, "render tests: fonts/world:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// readFace returns the bytes of built-in face id from the checkout.
func readFace(t *testing.T, id faceID) []byte {
	t.Helper()
	data, err := os.ReadFile("fonts/" + fileOf(id))
	if err != nil {
		t.Fatalf("read face %d: %v", id, err)
	}
	return data
}

// TestFacesTxt checks faces.txt against the files: each face's size and SHA-256,
// and that the characters it lists are exactly those the face's cmap maps.
func TestFacesTxt(t *testing.T) {
	tbl := faces()
	for id := range numFaces {
		t.Run(fileOf(id), func(t *testing.T) {
			e := tbl[id]
			data := readFace(t, id)
			sum := sha256.Sum256(data)
			if int64(len(data)) != e.size || hex.EncodeToString(sum[:]) != e.sha256 {
				t.Fatalf("file has %d bytes, SHA-256 %x; faces.txt says %d, %s (run make fonts)", len(data), sum, e.size, e.sha256)
			}
			f, err := font.ParseTTF(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			n := 0
			it := f.Cmap.Iter()
			for it.Next() {
				r, gid := it.Char()
				if gid == 0 {
					continue // a format 4 subtable's closing segment maps U+FFFF to .notdef
				}
				n++
				if !e.covers(r) {
					t.Fatalf("the face maps %U, faces.txt does not list it", r)
				}
			}
			listed := 0
			e.covers(0) // parses the ranges
			for i := 0; i < len(e.ranges); i += 2 {
				listed += int(e.ranges[i+1]-e.ranges[i]) + 1
			}
			if listed != n {
				t.Errorf("faces.txt lists %d characters, the face maps %d", listed, n)
			}
		})
	}
}

// TestCoreFacesEmbedded checks that the core faces are the embedded ones and
// the world faces are not embedded: the bootstraps must not carry them.
func TestCoreFacesEmbedded(t *testing.T) {
	for id := range numFaces {
		_, err := fontFiles.ReadFile("fonts/" + fileOf(id))
		embedded := err == nil
		if world := families[familyOf(id)].world; embedded == world {
			t.Errorf("%s: embedded %v, want %v", fileOf(id), embedded, !world)
		}
	}
}

// TestUseFontsRefuses checks that a fonts folder without every face, or with
// another version of one, is refused, naming the files.
func TestUseFontsRefuses(t *testing.T) {
	full := fstest.MapFS{}
	for id, e := range faces() {
		if rest, ok := strings.CutPrefix(fileOf(faceID(id)), "world/"); ok {
			full[rest] = &fstest.MapFile{Data: make([]byte, e.size)}
		}
	}
	short := fstest.MapFS{}
	for k, v := range full {
		short[k] = v
	}
	delete(short, "NotoSansThai-Bold.ttf")
	short["NotoSansCJK-Regular.otf"] = &fstest.MapFile{Data: []byte("x")}
	before := worldFonts.Load()
	err := UseFonts(short)
	if !errors.Is(err, ErrFontUnavailable) {
		t.Fatalf("UseFonts(folder lacking a face) = %v, want ErrFontUnavailable", err)
	}
	for _, want := range []string{"NotoSansThai-Bold.ttf (missing)", "NotoSansCJK-Regular.otf (1 bytes"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if worldFonts.Load() != before {
		t.Error("a refused folder replaced the fonts in use")
	}
}

// TestCoversRune checks characters of every script family, and some that no
// shipped face has.
func TestCoversRune(t *testing.T) {
	for _, tc := range []struct {
		r    rune
		want bool
	}{
		{'A', true}, {'ẫ', true}, {'Ж', true}, {'λ', true}, {'Ա', true}, {'ა', true}, {'ש', true},
		{'ب', true}, {'ڈ', true}, {'क', true}, {'ক', true}, {'ਕ', true}, {'ક', true}, {'କ', true},
		{'க', true}, {'క', true}, {'ಕ', true}, {'ക', true}, {'ක', true}, {'ก', true}, {'ກ', true},
		{'ក', true}, {'က', true}, {'ሀ', true}, {'ཀ', true}, {'直', true}, {'骨', true}, {'誤', true},
		{'嘅', true}, {'あ', true}, {'ア', true}, {'한', true}, {'€', true}, {'😀', true}, {'🇮', true},
		{'\ue000', false}, {'\U00012000', false}, {'\U0002a6d6', false}, {'ᚠ', false},
	} {
		if got := CoversRune(tc.r); got != tc.want {
			t.Errorf("CoversRune(%U %q) = %v, want %v", tc.r, tc.r, got, tc.want)
		}
	}
}

// scriptFamilies maps each script fixture to the family its letters set in.
var scriptFamilies = map[string]family{
	"script-russian": famGreekCyrillic, "script-greek": famGreekCyrillic, "script-vietnamese": famLatin,
	"script-armenian": famArmenian, "script-georgian": famGeorgian, "script-hebrew": famHebrew,
	"script-arabic": famNaskh, "script-persian": famNaskh, "urdu": famNastaliq, "hindi": famDevanagari,
	"script-bengali": famBengali, "script-gurmukhi": famGurmukhi, "script-gujarati": famGujarati,
	"script-oriya": famOriya, "script-tamil": famTamil, "script-telugu": famTelugu,
	"script-kannada": famKannada, "script-malayalam": famMalayalam, "script-sinhala": famSinhala,
	"script-thai": famThai, "script-lao": famLao, "script-khmer": famKhmer, "script-myanmar": famMyanmar,
	"script-ethiopic": famEthiopic, "script-tibetan": famTibetan,
	"script-chinese-simplified": famCJK, "script-chinese-traditional": famCJK, "script-chinese-hongkong": famCJK,
	"script-japanese": famCJK, "script-korean": famCJK, "script-regional-ja": famCJK, "script-regional-zh-hans": famCJK,
}

// TestScriptFaces shapes every script fixture's quote, in regular and bold, and
// checks that every letter and mark of its script is set in its family's face
// with a real glyph, and Latin letters (Go, digits) in Noto Sans.
func TestScriptFaces(t *testing.T) {
	s := testShaper(t)
	fx := loadFixtures(t)
	for name, fam := range scriptFamilies {
		f, ok := fx[name]
		if !ok {
			t.Fatalf("no fixture %q", name)
		}
		for _, w := range []weight{regular, bold} {
			p, err := s.shape(f.Quote, paraStyle{weight: w, lang: f.Language, rtl: langRTL(f.Language), field: "quote"})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, wd := range p.words {
				for _, pc := range wd.pieces {
					for _, g := range pc.glyphs {
						r := p.text[g.cluster]
						want := faceOfFamily(fam, w)
						if unicode.Is(unicode.Latin, r) {
							want = faceOfFamily(famLatin, w)
						} else if !unicode.IsLetter(r) && !unicode.IsMark(r) {
							continue
						}
						if g.face != want {
							t.Errorf("%s (weight %d): %q (%U) is set in %s, want %s", name, w, r, r, fileOf(g.face), fileOf(want))
						}
						if g.id == 0 {
							t.Errorf("%s: %q has no glyph", name, r)
						}
					}
				}
			}
		}
	}
}

// TestFallbackInRun checks per-character fallback inside one script's run:
// punctuation and symbols a script's face lacks come from the next face of the
// chain that has them.
func TestFallbackInRun(t *testing.T) {
	s := testShaper(t)
	for _, tc := range []struct {
		text, lang string
		r          rune
		want       family
	}{
		{"Билет стоит 5 €.", "ru", '€', famLatin},
		{"हिंदी में English शब्द", "hi", 'E', famLatin},
		{"これは Go です", "ja", 'G', famLatin},
		{"これは Go です", "ja", 'こ', famCJK},
		{"«ניסוי» — בדיקה", "he", '—', famLatin},
		{"ทดสอบ (หนึ่ง)", "th", '(', famLatin},
		{"یہ 50% ہے", "ur", '%', famLatin},
		{"یہ (MEA) ہے", "ur", '(', famNastaliq},
		{"سلام “دنیا”", "fa", '“', famLatin},
	} {
		p, err := s.shape(tc.text, paraStyle{lang: tc.lang, rtl: langRTL(tc.lang)})
		if err != nil {
			t.Fatalf("shape(%q): %v", tc.text, err)
		}
		found := false
		for _, wd := range p.words {
			for _, pc := range wd.pieces {
				for _, g := range pc.glyphs {
					if p.text[g.cluster] != tc.r {
						continue
					}
					found = true
					if g.face != faceOfFamily(tc.want, regular) {
						t.Errorf("%q: %q is set in %s, want %s", tc.text, tc.r, fileOf(g.face), fileOf(faceOfFamily(tc.want, regular)))
					}
				}
			}
		}
		if !found {
			t.Errorf("%q: no glyph for %q", tc.text, tc.r)
		}
	}
}

// TestRegionalForms checks the locl feature: 直, 骨 and 誤 take different glyphs
// in Japanese and Simplified Chinese, and Traditional Chinese differs from
// Simplified in at least one of them.
func TestRegionalForms(t *testing.T) {
	s := testShaper(t)
	gids := func(lang string) []font.GID {
		p, err := s.shape("直骨誤", paraStyle{lang: lang})
		if err != nil {
			t.Fatalf("shape in %s: %v", lang, err)
		}
		var out []font.GID
		for _, wd := range p.words {
			for _, pc := range wd.pieces {
				for _, g := range pc.glyphs {
					if g.face != faceOfFamily(famCJK, regular) {
						t.Errorf("%s: %q is set in %s", lang, p.text[g.cluster], fileOf(g.face))
					}
					out = append(out, g.id)
				}
			}
		}
		if len(out) != 3 {
			t.Fatalf("%s: %d glyphs, want 3", lang, len(out))
		}
		return out
	}
	ja, hans, hant, ko, hk := gids("ja"), gids("zh-Hans"), gids("zh-Hant"), gids("ko"), gids("zh-HK")
	for i, r := range []rune("直骨誤") {
		if ja[i] == hans[i] {
			t.Errorf("%q: the same glyph %d in ja and zh-Hans", r, ja[i])
		}
	}
	if fmt.Sprint(hans) == fmt.Sprint(hant) {
		t.Errorf("zh-Hans and zh-Hant give the same glyphs %v", hans)
	}
	if fmt.Sprint(ko) == fmt.Sprint(hans) || fmt.Sprint(hk) == fmt.Sprint(hans) {
		t.Errorf("ko %v or zh-HK %v gives the zh-Hans glyphs %v", ko, hk, hans)
	}
	t.Logf("ja %v zh-Hans %v zh-Hant %v ko %v zh-HK %v", ja, hans, hant, ko, hk)
}

// TestEmojiRuns checks that emoji sequences shape to one glyph each in the
// emoji face: a ZWJ sequence with a skin tone, a flag, a keycap, a heart with
// the emoji presentation selector, between words.
func TestEmojiRuns(t *testing.T) {
	s := testShaper(t)
	for _, seq := range []string{"👷🏽\u200d♀️", "🇮🇳", "1️⃣", "❤️", "😀", "👨\u200d👩\u200d👧"} {
		text := "a " + seq + " b"
		p, err := s.shape(text, paraStyle{lang: "en"})
		if err != nil {
			t.Fatalf("shape(%q): %v", text, err)
		}
		var got []glyph
		for _, wd := range p.words {
			for _, pc := range wd.pieces {
				for _, g := range pc.glyphs {
					if g.face == emojiFace {
						got = append(got, g)
					} else if r := p.text[g.cluster]; r != 'a' && r != 'b' && r != ' ' {
						t.Errorf("%q: %q (%U) is set in %s, not the emoji face", seq, r, r, fileOf(g.face))
					}
				}
			}
		}
		if len(got) != 1 || got[0].id == 0 {
			t.Errorf("%q: %d glyphs in the emoji face (%v), want one", seq, len(got), got)
		}
	}
}

// TestNamesTakeTheQuotesForms checks that the speaker's name and role are
// shaped in the quote's language: a Han name on a zh-Hans card takes the
// Simplified forms, on a ja card the Japanese ones.
func TestNamesTakeTheQuotesForms(t *testing.T) {
	s := testShaper(t)
	f := loadFixtures(t)["script-regional-ja"]
	f.Speaker.Name, f.Speaker.Role = "直骨誤", "誤"
	ids := func(lang string) (name, role []font.GID) {
		f.Language = lang
		c, err := s.shapeContent(f)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		for _, b := range []struct {
			p   *para
			out *[]font.GID
		}{{c.speaker, &name}, {c.role, &role}} {
			for _, wd := range b.p.words {
				for _, pc := range wd.pieces {
					for _, g := range pc.glyphs {
						*b.out = append(*b.out, g.id)
					}
				}
			}
		}
		return name, role
	}
	jaName, jaRole := ids("ja")
	hansName, hansRole := ids("zh-Hans")
	if fmt.Sprint(jaName) == fmt.Sprint(hansName) || fmt.Sprint(jaRole) == fmt.Sprint(hansRole) {
		t.Errorf("name %v / role %v in ja, %v / %v in zh-Hans: want the regional forms to differ", jaName, jaRole, hansName, hansRole)
	}
}
