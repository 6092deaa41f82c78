package ocr

import (
	"image"
	"strings"
	"testing"
	"time"

	"wallscan"
)

func TestLexicon(t *testing.T) {
	start := time.Now()
	l := sharedLexicon()
	l.load()
	t.Logf("word lists loaded in %v: %d trie nodes", time.Since(start), len(l.term))
	for _, tt := range []struct {
		word string
		has  bool
	}{
		{"convenant", true}, {"Convenant", true}, {"beleidsmakers", true}, {"the", true},
		{"systeem", true}, {"systeen", false}, {"", false}, {"kernsysteem", false},
	} {
		if got := l.has(tt.word); got != tt.has {
			t.Errorf("has(%q) = %v, want %v", tt.word, got, tt.has)
		}
	}
	for _, tt := range []struct {
		word     string
		compound bool
	}{
		{"kernsysteem", true}, {"uitvoeringstoets", true}, {"loketmedewerkers", true},
		{"kernsysteen", false}, {"xqzt", false},
	} {
		if got := l.compound(tt.word); got != tt.compound {
			t.Errorf("compound(%q) = %v, want %v", tt.word, got, tt.compound)
		}
	}
	found := false
	for _, m := range l.near("comvenant", 1) {
		if m.word == "convenant" && m.dist == 1 {
			found = true
		}
	}
	if !found {
		t.Errorf("near(comvenant, 1) = %v, want convenant at 1", l.near("comvenant", 1))
	}
}

func TestCorrect(t *testing.T) {
	r := testReader(t).sp
	withVocab := &speller{lex: r.lex, vocab: newVocabulary([]string{"AVG", "CIO", "ketenpartners", "Woo"}), below: r.below}
	tests := []struct {
		name string
		r    *speller
		word string
		conf float64
		want string // "" means no correction
	}{
		{"one letter wrong", r, "comvenant", 60, "convenant"},
		{"keeps capital", r, "Comvenant", 60, "Convenant"},
		{"keeps capitals", r, "BELEIDSMAKFRS", 60, "BELEIDSMAKERS"},
		{"keeps punctuation", r, "comvenant,", 60, "convenant,"},
		{"compound tail", r, "kernsysteen", 60, "kernsysteem"},
		{"vocabulary word", withVocab, "ketenpartncrs", 60, "ketenpartners"},
		{"vocabulary abbreviation stays", withVocab, "AVG", 30, ""},
		// Corrections that must not happen:
		{"unknown word read surely stays", r, "Zwartewaterland", 95, ""},
		{"unknown name read surely stays", r, "Kubernetes", 90, ""},
		{"known word stays", r, "convenant", 10, ""},
		{"compound stays", r, "kernsysteem", 10, ""},
		{"short word stays", r, "AVC", 10, ""},
		{"too far stays", r, "convxxxnt", 10, ""},
		{"numbers stay", r, "2026", 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.r.correct(tt.word, tt.conf)
			if tt.want == "" {
				if ok {
					t.Errorf("correct(%q, %.0f) = %q, want it left alone", tt.word, tt.conf, got)
				}
				return
			}
			if !ok || got != tt.want {
				t.Errorf("correct(%q, %.0f) = %q, %v; want %q", tt.word, tt.conf, got, ok, tt.want)
			}
		})
	}
}

// TestUnknownWordStays reads a note with a word in no word list, written
// clearly: the correction must leave it as it is.
func TestUnknownWordStays(t *testing.T) {
	r := testReader(t)
	const text = "Zwartewaterland koppelt Kubernetes"
	got := read(t, r, testNote{text: text, paper: yellowPaper, ink: blackInk}.draw(t))
	if got.Text != text {
		t.Errorf("read %q, want %q", got.Text, text)
	}
}

func TestTextAssembly(t *testing.T) {
	r := testReader(t)
	tests := []struct {
		name  string
		words []rawWord
		want  string
	}{
		{"lines joined by a space", []rawWord{{text: "AVG", line: 0}, {text: "maakt", line: 0}, {text: "delen", line: 1}, {text: "lastig", line: 1}}, "AVG maakt delen lastig"},
		{"hyphenated word joined", []rawWord{{text: "gegevens-", line: 0}, {text: "deling", line: 1}, {text: "stokt", line: 1}}, "gegevensdeling stokt"},
		{"broken capitals joined", []rawWord{{text: "BELEIDSMA-", line: 0}, {text: "KERS", line: 1}}, "BELEIDSMAKERS"},
		{"abbreviation keeps hyphen", []rawWord{{text: "ICT-", line: 0}, {text: "afdeling", line: 1}}, "ICT-afdeling"},
		{"vowel clash keeps hyphen", []rawWord{{text: "offerte-", line: 0}, {text: "aanvragen", line: 1}}, "offerte-aanvragen"},
		{"hyphen inside a line stays", []rawWord{{text: "e-", line: 0}, {text: "mail", line: 0}}, "e- mail"},
		{"dash as last word", []rawWord{{text: "kosten", line: 0}, {text: "-", line: 0}, {text: "baten", line: 1}}, "kosten baten"},
		{"full stop before lower case", []rawWord{{text: "uren.", line: 0}, {text: "niet", line: 0}, {text: "resultaat", line: 0}}, "uren, niet resultaat"},
		{"abbreviation stop stays", []rawWord{{text: "o.a.", line: 0}, {text: "privacy", line: 0}}, "o.a. privacy"},
		{"full stop before capital stays", []rawWord{{text: "Klaar.", line: 0}, {text: "Nu", line: 0}}, "Klaar. Nu"},
		{"em dash between letters", []rawWord{{text: "silo—applicaties", line: 0}}, "silo-applicaties"},
		{"ij ligature", []rawWord{{text: "BĲ", line: 0}, {text: "bĳ", line: 0}}, "BIJ bij"},
		{"bars dropped", []rawWord{{text: "|", conf: 95, line: 0}, {text: "AVG", line: 0}, {text: "&", conf: 90, line: 0}, {text: "Woo", line: 0}}, "AVG & Woo"},
	}
	p := &prepared{w: 100, h: 100, scale: [2]float64{1, 1}, steps: defaultSteps}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.words {
				if tt.words[i].conf == 0 {
					tt.words[i].conf = 95
				}
				tt.words[i].box = image.Rect(30, 30, 40, 40)
			}
			got := r.finish(attempt{words: tt.words, complete: 1}, p, r.sp)
			if got.Text != tt.want {
				t.Errorf("text %q, want %q", got.Text, tt.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	long := strings.Repeat("gegevens delen ", 200)
	got := truncate(long, wallscan.MaxNoteText)
	if len(got) > wallscan.MaxNoteText || !strings.HasSuffix(got, "delen") && !strings.HasSuffix(got, "gegevens") {
		t.Errorf("truncate gave %d bytes ending %q", len(got), got[len(got)-10:])
	}
	if got := truncate("één twee", 2); got != "é" {
		t.Errorf("truncate(één twee, 2) = %q, want é", got)
	}
}

func TestWithVocabulary(t *testing.T) {
	r := testReader(t)
	v, ok := r.WithVocabulary([]string{"ketenpartners", "CISO"}).(*vocabularyReader)
	if !ok {
		t.Fatalf("WithVocabulary returned %T", r.WithVocabulary(nil))
	}
	if !v.sp.vocab.has("CISO") || r.sp.vocab.has("CISO") {
		t.Errorf("vocabulary: view has CISO %v, reader has CISO %v; want true, false", v.sp.vocab.has("CISO"), r.sp.vocab.has("CISO"))
	}
	if got, ok := v.sp.correct("ketenpartncrs", 50); !ok || got != "ketenpartners" {
		t.Errorf("correct through the view = %q, %v; want ketenpartners", got, ok)
	}
	const text = "ketenpartners delen niets"
	got := read(t, v, testNote{text: text, paper: yellowPaper, ink: blackInk}.draw(t))
	if got.Text != text {
		t.Errorf("read %q through the view, want %q", got.Text, text)
	}
}
