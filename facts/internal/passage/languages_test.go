package passage

import "testing"

// TestFragmentLanguages: whether a quote is whole sentences follows its
// language's conventions. The texts are fixture text in each language (short
// sentences of fictional officials, not quotes of anyone), not reviewed by a
// native speaker.
func TestFragmentLanguages(t *testing.T) {
	tests := []struct {
		name, text, quote string
		fragment          bool
	}{
		{"ru: the full stop after the guillemet", "Министр заявил: «Мы подождём».", "Мы подождём", false},
		{"ru: a comma and a dash after the guillemet", "«Мы подождём», — заявил министр.", "Мы подождём", false},
		{"ru: a word in guillemets mid-sentence", "Министр назвал план «медленным» и ушёл.", "медленным", true},
		{"fr: spaces inside the guillemets", "Le ministre a dit : « Nous attendrons ».", "Nous attendrons", false},
		{"el: the full stop after the guillemet", "Ο υπουργός δήλωσε: «Θα περιμένουμε».", "Θα περιμένουμε", false},
		{"de: „…“ with its full stop inside", "Der Minister sagte: „Wir warten.“", "Wir warten.", false},
		{"ja: brackets without 。", "大臣は「私たちは待つ」と述べた。", "私たちは待つ", false},
		{"ja: part of the bracketed words", "大臣は「私たちは待つ。明日も」と述べた。", "明日も", true},
		{"zh: after a full-width colon", "部长说：“我们会等待。”", "我们会等待。", false},
		{"zh: brackets without 。", "部长说「我们会等待」。", "我们会等待", false},
		{"ko: 라고 after the quote", "장관은 \"우리는 기다릴 것\"이라고 말했다.", "우리는 기다릴 것", false},
		{"ko: 고 after the quote", "장관은 “우리는 기다린다”고 말했다.", "우리는 기다린다", false},
		{"ta: என்று after the quote", "அமைச்சர் \"நாங்கள் காத்திருப்போம்\" என்று கூறினார்.", "நாங்கள் காத்திருப்போம்", false},
		{"am: ብለዋል after the quote", "ሚኒስትሩ \"እንጠብቃለን\" ብለዋል።", "እንጠብቃለን", false},
		{"en: scare quotes stay a fragment", "Some call it a “fixture plan”.", "fixture plan", true},
		{"en: a title stays a fragment", "The film “Fixture Harbour” opens today.", "Fixture Harbour", true},
		{"en: a sentence whose full stop is outside", "Lenz said: “We will wait”.", "We will wait", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := Fold(tt.text)
			ms := text.Find(tt.quote)
			if len(ms) != 1 {
				t.Fatalf("Find(%q) = %d matches, want 1", tt.quote, len(ms))
			}
			if got := text.Fragment(ms[0]); got != tt.fragment {
				t.Errorf("Fragment(%q) = %v, want %v", tt.quote, got, tt.fragment)
			}
		})
	}
}

// TestSentenceMarks: the marks that end a sentence, and those after which no
// space comes.
func TestSentenceMarks(t *testing.T) {
	for _, tt := range []struct {
		r              rune
		ends, unspaced bool
	}{
		{'.', true, false}, {'।', true, false}, {'。', true, true}, {'！', true, true}, {'።', true, false},
		{'։', true, false}, {';', false, false}, {',', false, false}, {'、', false, false},
	} {
		if got := EndsSentence(tt.r); got != tt.ends {
			t.Errorf("EndsSentence(%q) = %v, want %v", tt.r, got, tt.ends)
		}
		if got := EndsSentenceUnspaced(tt.r); got != tt.unspaced {
			t.Errorf("EndsSentenceUnspaced(%q) = %v, want %v", tt.r, got, tt.unspaced)
		}
	}
}

// TestBoundaryLanguages: a quote, a name or date words start and end on word
// boundaries as each script marks them (fixture text).
func TestBoundaryLanguages(t *testing.T) {
	tests := []struct {
		name, text, words string
		want              int
	}{
		{"ja: a date between kana", "田中大臣は2025年5月10日に述べた。", "2025年5月10日", 1},
		{"ja: a name before は", "田中大臣は述べた。", "田中", 1},
		{"th: a name without spaces", "รัฐมนตรีสมชายกล่าวว่า", "สมชาย", 1},
		{"ko: a name before 은", "김 장관은 말했다.", "김 장관", 1},
		{"ko: not inside a word", "우리는 기다릴 것", "기다", 0},
		{"en: not inside a word", "careless and slow", "careles", 0},
		{"en: not before digits", "in 2025 and 20250", "2025", 1},
		{"ru: not inside a word", "Мы подождём", "подож", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := len(Fold(tt.text).Find(tt.words)); got != tt.want {
				t.Errorf("Find(%q) = %d matches, want %d", tt.words, got, tt.want)
			}
		})
	}
}
