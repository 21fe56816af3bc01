package curate

import (
	"testing"

	"github.com/factcard/factcard/facts"
)

// TestExtractQuotationMarks: extract finds the quoted words inside the
// quotation marks of each language, and whether they are whole follows the
// language's conventions. The texts are fixture text (fictional officials), not
// reviewed by a native speaker.
func TestExtractQuotationMarks(t *testing.T) {
	tests := []struct {
		name, text, quote string
		fragment          bool
	}{
		{"« » (ru)", "FIXTURE.\nМинистр заявил: «Мы подождём».", "Мы подождём", false},
		{"„ “ (de)", "FIXTURE.\nDer Minister sagte: „Wir warten.“", "Wir warten.", false},
		{"„ ” (pl)", "FIXTURE.\nMinister powiedział: „Poczekamy.”", "Poczekamy.", false},
		{"‚ ‘ (de)", "FIXTURE.\nDer Minister sagte: ‚Wir warten.‘", "Wir warten.", false},
		{"‹ › (fr-CH)", "FIXTURE.\nLe ministre a dit : ‹ Nous attendrons. ›", "Nous attendrons.", false},
		{"“ ” (zh)", "FIXTURE.\n部长说：“我们会等待。”", "我们会等待。", false},
		{"「 」 (ja)", "FIXTURE.\n大臣は「私たちは待つ」と述べた。", "私たちは待つ", false},
		{"『 』 (ja)", "FIXTURE.\n大臣は『私たちは待つ』と述べた。", "私たちは待つ", false},
		{"ASCII quotes with 라고 (ko)", "FIXTURE.\n장관은 \"우리는 기다릴 것\"이라고 말했다.", "우리는 기다릴 것", false},
		{"ASCII quotes with என்று (ta)", "FIXTURE.\nஅமைச்சர் \"நாங்கள் காத்திருப்போம்\" என்று கூறினார்.", "நாங்கள் காத்திருப்போம்", false},
		{"ASCII quotes with ብለዋል (am)", "FIXTURE.\nሚኒስትሩ \"እንጠብቃለን\" ብለዋል።", "እንጠብቃለን", false},
		{"「 」 around 『 』: the outer pair", "FIXTURE.\n大臣は「『待つ』と言った」と述べた。", "『待つ』と言った", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := Extract(tt.text)
			if len(cs) != 1 {
				t.Fatalf("Extract() = %d candidates, want 1: %+v", len(cs), cs)
			}
			if got := cs[0]; got.Quote != tt.quote || got.Fragment != tt.fragment {
				t.Errorf("Extract() = quote %q, fragment %v; want %q, %v", got.Quote, got.Fragment, tt.quote, tt.fragment)
			}
		})
	}
}

// TestDetectLanguage: the quote's script names its language where one language
// mostly writes it, and nothing where several do.
func TestDetectLanguage(t *testing.T) {
	for _, tt := range []struct{ quote, want string }{
		{"We will wait.", "en"},
		{"Chúng tôi sẽ chờ.", "en"}, // Latin script says English: the curator gives --language vi
		{"हम इंतज़ार करेंगे।", "hi"},
		{"私たちは待つ", "ja"},
		{"우리는 기다릴 것", "ko"},
		{"Θα περιμένουμε", "el"},
		{"நாங்கள் காத்திருப்போம்", "ta"},
		{"Мы подождём", ""},
		{"我们会等待。", ""},
		{"እንጠብቃለን", ""},
	} {
		if got := detectLanguage(tt.quote); got != tt.want {
			t.Errorf("detectLanguage(%q) = %q, want %q", tt.quote, got, tt.want)
		}
	}
}

// TestSuggestIDNonLatin: an ID comes from Latin letters, accents dropped; a
// speaker and quote without any give none, and add asks for --id.
func TestSuggestIDNonLatin(t *testing.T) {
	d := facts.Default()
	for _, tt := range []struct{ speaker, quote, want string }{
		{"Nguyễn Văn An", "Chúng tôi sẽ chờ.", "an-chung-toi-se-cho"},
		{"Ana Lenz", "Мы подождём", "lenz"},
		{"Анна Ленц", "Мы подождём", ""},
		{"大臣", "私たちは待つ", ""},
	} {
		f := facts.Fact{Speaker: facts.Speaker{Name: tt.speaker}, Quote: tt.quote}
		if got := suggestID(d, f); got != tt.want {
			t.Errorf("suggestID(%q, %q) = %q, want %q", tt.speaker, tt.quote, got, tt.want)
		}
	}
}

// TestResolveLocaleDates: dates written as the built-in locales write them are
// read as stated dates, as the English ones are; the words are kept as given.
func TestResolveLocaleDates(t *testing.T) {
	unknown := facts.Date{Precision: facts.Unknown}
	for _, tt := range []struct{ words, want string }{
		{"10 мая 2025 года", "2025-05-10"},
		{"10 мая 2025 г.", "2025-05-10"},
		{"10 मई 2025", "2025-05-10"},
		{"१० मई २०२५", "2025-05-10"},
		{"2025年5月10日", "2025-05-10"},
		{"2025년 5월 10일", "2025-05-10"},
		{"10 mai 2025", "2025-05-10"},
		{"10. Mai 2025", "2025-05-10"},
		{"10 de mayo de 2025", "2025-05-10"},
		{"3 червня 2025 р.", "2025-06-03"},
		{"10 May 2025", "2025-05-10"},
		{"31 февраля 2025 г.", ""}, // no such day
		{"10 мая 2025 годовщина", ""},
	} {
		got, err := ResolveDate(tt.words, unknown)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("ResolveDate(%q) = %+v, want an error", tt.words, got)
		case tt.want != "" && (err != nil || got.Value != tt.want || got.Precision != facts.Stated || got.AsGiven != tt.words):
			t.Errorf("ResolveDate(%q) = %+v, %v; want %s stated, as given", tt.words, got, err, tt.want)
		}
	}
}
