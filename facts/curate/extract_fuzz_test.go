package curate

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzExtract feeds arbitrary text to Extract: it must not panic, and every
// candidate must point into the text where its offsets say.
func FuzzExtract(f *testing.F) {
	for _, seed := range []string{
		"",
		"FIXTURE.\n“We will wait,” Fixture Minister Ana Lenz said on Tuesday.",
		"FIXTURE.\n\"A,\" she said, \"B.\" \"C\"",
		"FIXTURE.\nThe head of fixtures, who saw it, spoke to the fixture radio, saying “Fixture words.”",
		"FIXTURE.\n‘British fixture words,’ said Ana Lenz. ‘More.’",
		"FIXTURE.\n“unclosed “nested ” » « „ ‚ ‘ ’ \" '",
		"FIXTURE post text.\n— Ana Lenz (@fixture_lenz) May 10, 2025",
		"\xff\xfe“\x80”",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, c := range Extract(text) {
			if c.ByteOffset < 0 || c.ByteOffset > len(text) {
				t.Fatalf("byte offset %d outside the text (%d bytes)", c.ByteOffset, len(text))
			}
			if utf8.ValidString(text) && c.ByteOffset < len(text) && !utf8.RuneStart(text[c.ByteOffset]) {
				t.Fatalf("byte offset %d is inside a character", c.ByteOffset)
			}
			if n := utf8.RuneCountInString(text[:c.ByteOffset]); c.Offset != n {
				t.Fatalf("offset %d, want %d (the characters before byte %d)", c.Offset, n, c.ByteOffset)
			}
			if c.Speaker == "" && c.Reason == "" {
				t.Fatalf("candidate %q has neither a speaker nor a reason", c.Quote)
			}
		}
	})
}

// benchArticle is about 5,000 words of real news: the tuning half's articles one
// after another.
func benchArticle(b *testing.B, words int) string {
	b.Helper()
	var sb strings.Builder
	n := 0
	for n < words {
		for _, a := range loadEvalSet(b, "tuning.json").Articles {
			for _, line := range strings.SplitAfter(readEvalArticle(b, a), "\n") {
				sb.WriteString(line)
				n += len(strings.Fields(line))
				if n >= words {
					return sb.String()
				}
			}
		}
	}
	return sb.String()
}

// BenchmarkExtract5000Words extracts from a 5,000-word article (issue: at most
// 50 ms). go test ./facts/curate -run '^$' -bench Extract5000 -benchmem
func BenchmarkExtract5000Words(b *testing.B) {
	text := benchArticle(b, 5000)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Extract(text)
	}
}
