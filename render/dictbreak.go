package render

import (
	"crypto/sha256"
	_ "embed" // the lists' digests
	"encoding/hex"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// The word lists of the scripts written without spaces between words, made by
// fonts/world/dict/build.sh from Debian's packages (see the README there for
// their sources and licences). They travel with the world faces, not in the
// binary (3.2 MB): UseFonts gives their folder, and SHA256SUMS, embedded here,
// says which lists this build was made with.
//
//go:embed fonts/world/dict/SHA256SUMS
var dictSums string

// dictScript is a script whose lines break between words found in a word list.
type dictScript struct {
	name string // the list's language tag, for errors
	file string // under the world fonts

	mu    sync.Mutex
	words []string // sorted by bytes; nil until loaded
}

var (
	dictThai    = &dictScript{name: "th", file: "th.txt"}
	dictLao     = &dictScript{name: "lo", file: "lo.txt"}
	dictKhmer   = &dictScript{name: "km", file: "km.txt"}
	dictMyanmar = &dictScript{name: "my", file: "my.txt"}
)

// dictScripts lists the scripts with a word list.
var dictScripts = []*dictScript{dictThai, dictLao, dictKhmer, dictMyanmar}

// complexScript returns the dictionary of r's script if r is a letter or mark
// of Thai, Lao, Khmer or Myanmar (line break class SA of UAX #14), else nil.
// Digits and punctuation of those scripts break by UAX #14's rules.
func complexScript(r rune) *dictScript {
	if r < 0xe00 || !(unicode.IsLetter(r) || unicode.IsMark(r)) {
		return nil
	}
	switch {
	case r <= 0xe7f:
		return dictThai
	case r <= 0xeff:
		return dictLao
	case r >= 0x1000 && r <= 0x109f, r >= 0xa9e0 && r <= 0xa9ff, r >= 0xaa60 && r <= 0xaa7f:
		return dictMyanmar
	case r >= 0x1780 && r <= 0x17ff, r >= 0x19e0 && r <= 0x19ff:
		return dictKhmer
	}
	return nil
}

// sum returns the SHA-256 that SHA256SUMS gives for the list, in hex.
func (d *dictScript) sum() string {
	for _, line := range strings.Split(dictSums, "\n") {
		if sum, name, ok := strings.Cut(line, "  "); ok && name == d.file {
			return sum
		}
	}
	return ""
}

// missingDicts returns what is wrong with the word lists in fsys, the folder
// UseFonts is given: a list that is missing (dict/NAME (missing)).
func missingDicts(fsys fs.FS) []string {
	var bad []string
	for _, d := range dictScripts {
		if _, err := fs.Stat(fsys, "dict/"+d.file); err != nil {
			bad = append(bad, "dict/"+d.file+" (missing)")
		}
	}
	return bad
}

// load reads and parses the list from the world fonts the first time it is
// needed, and checks it against SHA256SUMS. Before UseFonts there is no list
// (and nothing is kept, so a later call finds it).
func (d *dictScript) load() ([]string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.words != nil {
		return d.words, nil
	}
	p := worldFonts.Load()
	if p == nil {
		return nil, fmt.Errorf("word list %s: %w: no world fonts (UseFonts)", d.name, ErrFontUnavailable)
	}
	data, err := fs.ReadFile(*p, "dict/"+d.file)
	if err != nil {
		return nil, fmt.Errorf("word list %s: %w", d.name, err)
	}
	if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != d.sum() {
		return nil, fmt.Errorf("word list %s: dict/%s is not this build's (SHA-256 %x, want %s)", d.name, d.file, got, d.sum())
	}
	words, err := parseFrontCoded(string(data))
	if err != nil {
		return nil, fmt.Errorf("word list %s: %w", d.name, err)
	}
	d.words = words
	return words, nil
}

// parseFrontCoded parses a front-coded word list (see load) into its words, in
// one backing string.
func parseFrontCoded(data string) ([]string, error) {
	var b strings.Builder
	b.Grow(len(data) * 2)
	var ends []int
	prev := ""
	for ln, line := range strings.Split(data, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		k := 0
		for k < len(line) && line[k] >= '0' && line[k] <= '9' {
			k++
		}
		shared, err := strconv.Atoi(line[:k])
		if err != nil || shared > len(prev) || k == len(line) {
			return nil, fmt.Errorf("line %d: %q is not a count of shared bytes and a suffix", ln+1, line)
		}
		w := prev[:shared] + line[k:]
		if w <= prev {
			return nil, fmt.Errorf("line %d: %q is not after %q", ln+1, w, prev)
		}
		b.WriteString(w)
		ends = append(ends, b.Len())
		prev = w
	}
	all := b.String()
	words := make([]string, len(ends))
	start := 0
	for i, e := range ends {
		words[i] = all[start:e]
		start = e
	}
	return words, nil
}

// dictBreaks returns the places inside text[a:b], a run of d's script, where a
// line may break: between the words of the segmentation into dictionary words
// that leaves the fewest runes in no word, and of those the fewest words
// (maximal matching). Runes in no word stay together with each other, so a
// name the list lacks is not broken. Without its word list (no world fonts) a
// run breaks nowhere; the script's face is missing then too.
func (d *dictScript) dictBreaks(text []rune, a, b int) []int {
	if b-a < 2 {
		return nil
	}
	words, err := d.load()
	if err != nil || len(words) == 0 {
		return nil
	}
	s := string(text[a:b])
	n := b - a
	off := make([]int, n+1) // byte offset of each rune in s
	for i, j := 0, 0; i < n; i++ {
		off[i] = j
		j += len(string(text[a+i]))
	}
	off[n] = len(s)

	type state struct {
		unknown, words int // runes in no word, words and unknown stretches
		from           int // where the last piece starts
		isWord         bool
		ok             bool
	}
	best := make([]state, n+1)
	best[0].ok = true
	better := func(j int, c state) {
		o := best[j]
		if !o.ok || c.unknown < o.unknown || (c.unknown == o.unknown && c.words < o.words) {
			best[j] = c
		}
	}
	for i := 0; i < n; i++ {
		if !best[i].ok || !wordBoundary(text, a, b, a+i) {
			continue
		}
		cur := best[i]
		// Every dictionary word that starts at i.
		lo, hi := 0, len(words)
		for j := i + 1; j <= n && lo < hi; j++ {
			p := s[off[i]:off[j]]
			lo += sort.SearchStrings(words[lo:hi], p)
			hi = lo + sort.Search(hi-lo, func(k int) bool { return !strings.HasPrefix(words[lo+k], p) })
			if lo < hi && words[lo] == p && wordBoundary(text, a, b, a+j) {
				better(j, state{cur.unknown, cur.words + 1, i, true, true})
			}
		}
		// Or one cluster in no word, up to the next place a word may start.
		j := i + 1
		for j < n && !wordBoundary(text, a, b, a+j) {
			j++
		}
		better(j, state{cur.unknown + j - i, cur.words + 1, i, false, true})
	}
	// Walk back over the pieces; a break between two unless both are in no word.
	var brks []int
	for j := n; j > 0; j = best[j].from {
		i := best[j].from
		if i > 0 && (best[j].isWord || best[i].isWord) {
			brks = append(brks, a+i)
		}
	}
	slices.Reverse(brks)
	return brks
}

// wordBoundary reports whether a word may start at text[i], inside or at the
// ends of the run text[a:b]: not before a combining mark or a vowel sign that
// follows its consonant, nor after a vowel that precedes its consonant or a
// sign that stacks the next consonant under this one.
func wordBoundary(text []rune, a, b, i int) bool {
	if i <= a || i >= b {
		return true
	}
	r, prev := text[i], text[i-1]
	if unicode.IsMark(r) {
		return false
	}
	switch r {
	case 0xe30, 0xe32, 0xe33, 0xe45, 0xe46, // Thai sara a, aa, am, lakkhangyao, maiyamok
		0xeb0, 0xeb2, 0xeb3, 0xec6: // Lao
		return false
	}
	switch {
	case prev >= 0xe40 && prev <= 0xe44, prev >= 0xec0 && prev <= 0xec4: // Thai and Lao vowels written first
		return false
	case prev == 0x17d2, prev == 0x1039: // Khmer coeng, Myanmar virama
		return false
	}
	// A Myanmar consonant killed by asat or stacked by virama ends the syllable
	// before it.
	// So does a Khmer consonant under bantoc or toandakhiat.
	if i+1 < b {
		switch text[i+1] {
		case 0x103a, 0x1039, 0x17cb, 0x17cd:
			return false
		}
	}
	return true
}
