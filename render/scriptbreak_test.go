package render

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// icuCase is a paragraph of test data and the places inside its runs of Thai,
// Lao, Khmer or Myanmar where ICU finds a word boundary.
type icuCase struct {
	text []rune
	want map[int]bool
}

// readICU reads testdata/scriptbreak/icu-LANG.txt (made by icu.mjs there).
func readICU(t *testing.T, lang string) []icuCase {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "scriptbreak", "icu-"+lang+".txt"))
	if err != nil {
		t.Fatalf("open ICU word boundaries: %v", err)
	}
	defer f.Close()
	var cases []icuCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := icuCase{want: map[int]bool{}}
		for k, s := range strings.Split(line, "|") {
			if k > 0 {
				c.want[len(c.text)] = true
			}
			c.text = append(c.text, []rune(s)...)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read ICU word boundaries: %v", err)
	}
	return cases
}

// readICURaw returns the paragraphs of testdata/scriptbreak/icu-LANG.txt as
// plain text.
func readICURaw(t *testing.T, lang string) []string {
	t.Helper()
	var out []string
	for _, c := range readICU(t, lang) {
		out = append(out, string(c.text))
	}
	return out
}

// inRun reports whether the place before text[i] lies inside a run of one
// script written without spaces, where only a dictionary can find words.
func inRun(text []rune, i int) bool {
	if i <= 0 || i >= len(text) {
		return false
	}
	d := complexScript(text[i-1])
	return d != nil && complexScript(text[i]) == d
}

// agreement compares the line breaks inside runs of the dictionary scripts
// with ICU's word boundaries there: the share of the breaks that ICU has too
// (precision) and of ICU's boundaries that are breaks (recall).
func agreement(t *testing.T, cases []icuCase) (precision, recall float64, breaks, icu int) {
	t.Helper()
	s, err := getShaper()
	if err != nil {
		t.Fatal(err)
	}
	defer putShaper(s)
	var both int
	for _, c := range cases {
		got := map[int]bool{}
		for _, b := range lineBreaks(&s.lines, c.text, nil) {
			if inRun(c.text, b.end) {
				got[b.end] = true
			}
		}
		for i := range c.want {
			if inRun(c.text, i) {
				icu++
				if got[i] {
					both++
				}
			}
		}
		breaks += len(got)
	}
	return float64(both) / float64(breaks), float64(both) / float64(icu), breaks, icu
}

// TestDictBreaksAgreeWithICU measures how well the dictionary breaks of Thai,
// Lao, Khmer and Myanmar agree with ICU's word boundaries on the Universal
// Declaration of Human Rights, and fails if either share falls below what was
// measured when the lists were chosen (README, "Line breaking").
func TestDictBreaksAgreeWithICU(t *testing.T) {
	tests := []struct {
		lang                    string
		minPrecision, minRecall float64
	}{
		{"th", 0.98, 0.74},
		{"lo", 0.95, 0.94},
		{"km", 0.88, 0.69},
		{"my", 0.80, 0.45},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			p, r, nb, ni := agreement(t, readICU(t, tt.lang))
			t.Logf("%s: %d breaks, %d ICU boundaries; precision %.3f, recall %.3f", tt.lang, nb, ni, p, r)
			if p < tt.minPrecision || r < tt.minRecall {
				t.Errorf("precision %.3f, recall %.3f; want at least %.3f, %.3f", p, r, tt.minPrecision, tt.minRecall)
			}
		})
	}
}

// marked writes text with its line breaks marked: "|" between words, "~"
// inside one (glue).
func marked(text []rune, bs []lineBreak) string {
	var b strings.Builder
	start := 0
	for _, br := range bs {
		b.WriteString(string(text[start:br.end]))
		if br.end < len(text) {
			if br.glue {
				b.WriteByte('~')
			} else {
				b.WriteByte('|')
			}
		}
		start = br.end
	}
	return b.String()
}

func TestLineBreaks(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"latin at spaces", "we will act now", "we |will |act |now"},
		{"hyphen inside a word", "a de-escalation", "a |de-~escalation"},
		{"devanagari at spaces", "हम यह करेंगे", "हम |यह |करेंगे"},
		{"japanese between ideographs and kana", "今日は晴れ", "今|日|は|晴|れ"},
		{"japanese kinsoku", "「今日は、晴れ。」と言った", "「今|日|は、|晴|れ。」|と|言っ|た"},
		{"japanese no start with prolonged sound or small kana", "コーヒーを飲みます", "コー|ヒー|を|飲|み|ま|す"},
		{"chinese full stop and brackets", "我们（今天）到了！好吗？", "我|们|（今|天）|到|了！|好|吗？"},
		{"latin inside japanese", "iPhoneを買った", "iPhone|を|買っ|た"},
		{"korean at spaces only", "대한민국 만세", "대~한~민~국 |만~세"},
		{"thai between words", "เขาไปโรงเรียน", "เขา|ไป|โรงเรียน"},
		// The list has ทุกวัน (every day) whole, so the fewest words keep it;
		// ICU breaks it into ทุก|วัน.
		{"thai compound in the list", "ทุกวัน", "ทุกวัน"},
		{"thai and latin", "ฉันรักเธอมาก GDP", "ฉัน|รัก|เธอ|มาก |GDP"},
		{"khmer between words", "ខ្ញុំស្រឡាញ់អ្នក", "ខ្ញុំ|ស្រឡាញ់|អ្នក"},
		{"myanmar between words", "ကျွန်တော်စာအုပ်ဖတ်တယ်", "ကျွန်တော်|စာအုပ်|ဖတ်တယ်"},
		{"lao between words", "ພາສາລາວ", "ພາສາ|ລາວ"},
		{"empty", "", ""},
	}
	s, err := getShaper()
	if err != nil {
		t.Fatal(err)
	}
	defer putShaper(s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := []rune(tt.text)
			if got := marked(text, lineBreaks(&s.lines, text, nil)); got != tt.want {
				t.Errorf("lineBreaks(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestKinsoku checks every character of the kinsoku sets between ideographs:
// no line starts with one that may not start a line, none ends with one that
// may not end a line.
func TestKinsoku(t *testing.T) {
	s, err := getShaper()
	if err != nil {
		t.Fatal(err)
	}
	defer putShaper(s)
	for r := rune(0x2000); r < 0x10000; r++ {
		start, end := noLineStart(r), noLineEnd(r)
		if !start && !end {
			continue
		}
		text := []rune{'漢', r, '字'}
		for _, b := range lineBreaks(&s.lines, text, nil) {
			if start && b.end == 1 {
				t.Errorf("a line may start with %q (U+%04X)", r, r)
			}
			if end && b.end == 2 {
				t.Errorf("a line may end with %q (U+%04X)", r, r)
			}
		}
	}
}

func TestParseFrontCoded(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string
		wantErr    bool
	}{
		{"words", "# comment\n0ab\n1c\n2d\n0b\n", []string{"ab", "ac", "acd", "b"}, false},
		{"no count", "ab\n", nil, true},
		{"count past the word before", "0a\n3b\n", nil, true},
		{"out of order", "0b\n0a\n", nil, true},
		{"nothing after the count", "0a\n1\n", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFrontCoded(tt.data)
			if (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) {
				t.Errorf("parseFrontCoded(%q) = %q, %v; want %q, error %v", tt.data, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestWordLists loads each shipped list: it parses, and it holds words of its
// script only.
func TestWordLists(t *testing.T) {
	for _, d := range dictScripts {
		t.Run(d.name, func(t *testing.T) {
			words, err := d.load()
			if err != nil {
				t.Fatal(err)
			}
			if len(words) < 10000 {
				t.Errorf("%d words, want at least 10000", len(words))
			}
			for _, w := range words {
				for _, r := range w {
					if complexScript(r) != d {
						t.Fatalf("word %q has %q, not of its script", w, r)
					}
				}
			}
		})
	}
}

// TestWordListsFromWorldFonts checks where the lists come from: UseFonts's
// folder, each checked against SHA256SUMS, and a folder without them refused.
func TestWordListsFromWorldFonts(t *testing.T) {
	if got := missingDicts(fstest.MapFS{}); len(got) != len(dictScripts) {
		t.Errorf("missingDicts(empty folder) = %q, want every list", got)
	}
	if got := missingDicts(os.DirFS(filepath.Join("fonts", "world"))); len(got) != 0 {
		t.Errorf("missingDicts(fonts/world) = %q, want none", got)
	}
	saved := worldFonts.Load()
	defer worldFonts.Store(saved)
	var other fs.FS = fstest.MapFS{"dict/th.txt": {Data: []byte("0กก\n")}}
	worldFonts.Store(&other)
	d := &dictScript{name: "th", file: "th.txt"}
	if _, err := d.load(); err == nil || !strings.Contains(err.Error(), "not this build's") {
		t.Errorf("load of a list with another digest: error %v, want one saying it is not this build's", err)
	}
	worldFonts.Store(saved)
	if words, err := d.load(); err != nil || len(words) == 0 {
		t.Errorf("load from fonts/world = %d words, %v; want the list", len(words), err)
	}
}
