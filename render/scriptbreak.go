package render

import (
	"unicode"

	"github.com/go-text/typesetting/segmenter"
)

// lineBreak is a place where a line may end: after the rune before end.
type lineBreak struct {
	end int // rune index of the segment's end, exclusive
	// glue is set when the break lies inside a word (after a hyphen or a dash,
	// between Hangul syllables): lines break there only when the whole word
	// does not fit a line (see runs).
	glue bool
}

// lineBreaks returns the segments of text between the places where a line may
// break, in order, the last ending at len(text); none for empty text. The places
// are those of UAX #14 (go-text's segmenter), then
//
//   - CJK: breaks between ideographs and kana are breaks between words; kinsoku
//     shori removes those before a character that may not start a line (、。」）！？
//     and the like) and after one that may not end a line (「（ and the like);
//   - Korean: breaks between Hangul syllables are kept for words too wide for a
//     line; lines break at spaces (as word-break: keep-all does);
//   - Thai, Lao, Khmer and Myanmar, written without spaces between words: breaks
//     between the words a dictionary finds (see dictBreaks).
//
// The rules follow the characters, not the text's language. out is reused if it
// has room.
func lineBreaks(seg *segmenter.Segmenter, text []rune, out []lineBreak) []lineBreak {
	out = out[:0]
	n := len(text)
	if n == 0 {
		return out
	}
	seg.Init(text)
	if !needsScriptRules(text) {
		// Latin, Cyrillic, Devanagari, Arabic…: UAX #14 alone.
		for it := seg.LineIterator(); it.Next(); {
			l := it.Line()
			end := l.Offset + len(l.Text)
			out = append(out, lineBreak{end: end, glue: end < n && !breaksAtSpace(text[end-1])})
		}
		return out
	}
	// brk[i]: a line may break before text[i] (0 < i < n).
	brk := make([]bool, n+1)
	for it := seg.LineIterator(); it.Next(); {
		l := it.Line()
		brk[l.Offset+len(l.Text)] = true
	}
	for i := 1; i < n; i++ {
		// Kinsoku is for text without spaces: a break at a space stays.
		if brk[i] && !breaksAtSpace(text[i-1]) && (noLineStart(text[i]) || noLineEnd(text[i-1])) {
			brk[i] = false
		}
	}
	// word[i]: the break before text[i] lies between words.
	word := make([]bool, n+1)
	for a := 0; a < n; {
		sc := complexScript(text[a])
		if sc == nil {
			a++
			continue
		}
		b := a + 1
		for b < n && complexScript(text[b]) == sc {
			b++
		}
		for _, i := range sc.dictBreaks(text, a, b) {
			brk[i], word[i] = true, true
		}
		a = b
	}
	for i := 1; i <= n; i++ {
		if !brk[i] && i < n {
			continue
		}
		glue := i < n && !word[i] && !breaksAtSpace(text[i-1]) && !isCJK(text[i-1]) && !isCJK(text[i])
		out = append(out, lineBreak{end: i, glue: glue})
	}
	return out
}

// needsScriptRules reports whether text has a character that lineBreaks treats
// beyond UAX #14: one from U+0E00 (Thai) up, where the scripts without spaces,
// Hangul, CJK and the kinsoku punctuation lie, except the general punctuation
// block (dashes, quotation marks), which UAX #14 covers.
func needsScriptRules(text []rune) bool {
	for _, r := range text {
		if r >= 0xe00 && (r < 0x2000 || r > 0x206f) {
			return true
		}
	}
	return false
}

// isCJK reports whether r is written in Chinese or Japanese text without spaces
// between words: ideographs, kana, bopomofo and their punctuation, and the
// fullwidth forms. Hangul is not: Korean puts spaces between words.
func isCJK(r rune) bool {
	switch {
	case r >= 0x3000 && r <= 0x30ff, // CJK symbols and punctuation, hiragana, katakana
		r >= 0x3100 && r <= 0x312f, // bopomofo
		r >= 0x31a0 && r <= 0x31ff, // bopomofo extended, CJK strokes, katakana extensions
		r >= 0xff00 && r <= 0xff60, // fullwidth forms
		r >= 0xff61 && r <= 0xff9f: // halfwidth katakana and punctuation
		return true
	}
	return unicode.Is(unicode.Han, r)
}

// noLineStart reports whether r may not start a line (kinsoku shori, the
// strict set of JIS X 4051 and CSS line-break: strict): closing brackets and
// quotation marks, the ideographic comma and full stop, the middle dot, the
// iteration marks, the prolonged sound mark, small kana, and the fullwidth
// forms of ! ? , . : ; and closing brackets.
func noLineStart(r rune) bool {
	switch r {
	case '、', '。', '，', '．', '：', '；', '！', '？', '）', '］', '｝', '〕', '〉', '》', '」', '』', '】', '〙', '〗', '〟', '｠', '｣',
		'・', '･', '‥', '…', 'ー', 'ｰ', '々', '〻', 'ゝ', 'ゞ', 'ヽ', 'ヾ', '〜', '゠', '‼', '⁇', '⁈', '⁉',
		'ぁ', 'ぃ', 'ぅ', 'ぇ', 'ぉ', 'っ', 'ゃ', 'ゅ', 'ょ', 'ゎ', 'ゕ', 'ゖ',
		'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ッ', 'ャ', 'ュ', 'ョ', 'ヮ', 'ヵ', 'ヶ',
		'ｧ', 'ｨ', 'ｩ', 'ｪ', 'ｫ', 'ｯ', 'ｬ', 'ｭ', 'ｮ', '｡', '､':
		return true
	}
	return r >= 'ㇰ' && r <= 'ㇿ' // small katakana extensions
}

// noLineEnd reports whether r may not end a line: opening brackets and
// quotation marks, fullwidth and CJK.
func noLineEnd(r rune) bool {
	switch r {
	case '（', '［', '｛', '〔', '〈', '《', '「', '『', '【', '〘', '〖', '〝', '｟', '｢':
		return true
	}
	return false
}
