package dashboard

import (
	"strings"
	"testing"
)

// TestVocabularyInput: every word of the vocabulary, in a theme of the
// workshop's own too, is held to MaxWordLen, and a line to MaxTitle; the
// settings page shows the words on one line and each theme on its own.
func TestVocabularyInput(t *testing.T) {
	long := strings.Repeat("x", MaxWordLen+1)
	for _, c := range []struct {
		name  string
		vocab []string
		err   string
	}{
		{"words and a theme", []string{"AVG", "Chat en apps: WhatsApp, Signal, appjes"}, ""},
		{"a long word", []string{long}, "longer than 64"},
		{"a long word in a theme", []string{"Chat: " + long}, "longer than 64"},
		{"a long theme line", []string{"Chat: " + strings.Repeat("app, ", 50)}, "line"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := workshopInput{Vocabulary: &c.vocab}
			err := in.validate()
			if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
				t.Errorf("validate = %v, want an error with %q", err, c.err)
			}
		})
	}
	if got, want := vocabText([]string{"AVG", "Chat: WhatsApp, Signal", "CIO", "Kamer: Kamervragen"}), "AVG, CIO\nChat: WhatsApp, Signal\nKamer: Kamervragen"; got != want {
		t.Errorf("vocabText = %q, want %q", got, want)
	}
}
