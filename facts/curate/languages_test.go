package curate

import (
	"testing"
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
