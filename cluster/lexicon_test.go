package cluster

import (
	"strings"
	"testing"
)

func TestDefaultLexicon(t *testing.T) {
	lx, err := DefaultLexicon()
	if err != nil {
		t.Fatal(err)
	}
	if got := len(lx.Themes); got < 10 {
		t.Errorf("%d themes, want at least 10", got)
	}
	themes := map[string]bool{}
	for _, th := range lx.Themes {
		themes[th.Key] = true
	}
	for _, c := range lx.Concepts {
		if n := len(strings.Fields(c.Label)); n < 1 || n > 4 {
			t.Errorf("concept %s: label %q has %d words, want 1-4", c.Key, c.Label, n)
		}
		if !themes[c.Theme] {
			t.Errorf("concept %s: unknown theme %q", c.Key, c.Theme)
		}
		if len(c.Terms) < 10 {
			t.Errorf("concept %s: %d terms, want at least 10", c.Key, len(c.Terms))
		}
	}
}

func TestParseLexiconErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"empty", "# nothing\n", "no concepts"},
		{"concept before theme", "a | A | x\n", "before any theme"},
		{"terms before concept", "= t | T\n    x, y\n", "before any concept"},
		{"bad concept", "= t | T\na | A\n", "key | label | terms"},
		{"theme twice", "= t | T\n= t | U\n", "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseLexicon(tt.text)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
}

func TestNormalisation(t *testing.T) {
	st := newStemmer()
	m := newMatcher(mustDefaultLexicon(), nil, st)
	sp := newSplitter(m.words)
	tests := []struct {
		name, text string
		check      func(t *testing.T, toks []token)
	}{
		{"accents and case", "Privacy-Officer Één CAFÉ", func(t *testing.T, toks []token) {
			if got, want := toks[1].fold, "officer"; got != want {
				t.Errorf("fold = %q, want %q", got, want)
			}
			if got, want := toks[2].fold, "een"; got != want {
				t.Errorf("fold = %q, want %q", got, want)
			}
		}},
		{"abbreviations kept", "AVG DPIA CIO API KPI's", func(t *testing.T, toks []token) {
			for _, tk := range toks {
				if !tk.abbrev || tk.stop {
					t.Errorf("%q: abbrev %v stop %v, want an abbreviation", tk.surface, tk.abbrev, tk.stop)
				}
			}
			if got, want := toks[4].fold, "kpi"; got != want {
				t.Errorf("plural abbreviation folds to %q, want %q", got, want)
			}
		}},
		{"stop words", "de het een the of and", func(t *testing.T, toks []token) {
			for _, tk := range toks {
				if !tk.stop {
					t.Errorf("%q is no stop word", tk.fold)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, tokenize(tt.text)) })
	}
	for _, c := range []struct {
		word string
		want string
	}{
		{"gegevensuitwisseling", "gegevens uitwisseling"},
		{"privacywetgeving", "privacy wetgeving"},
		{"ketensamenwerking", "keten samenwerking"},
		{"informatiebeveiliging", "informatie beveiliging"},
		{"digitalisering", ""},
		{"organisatie", ""},
	} {
		if got := strings.Join(sp.split(c.word), " "); got != c.want {
			t.Errorf("split(%s) = %q, want %q", c.word, got, c.want)
		}
	}
	if got, want := st.stem("uitwisselingen", dutchLang), st.stem("uitwisseling", dutchLang); got != want {
		t.Errorf("stems differ: %q, %q", got, want)
	}
	// Misreadings of lexicon words are recognised.
	for _, c := range []struct{ misread, want string }{
		{"persoonsgegevns", "persoonsgegevens"}, {"mainfrarne", "mainframe"}, {"privacv", "privacy"},
	} {
		if got, ok := m.fuzzy.nearest(c.misread); !ok || got != c.want {
			t.Errorf("nearest(%s) = %q, %v, want %q", c.misread, got, ok, c.want)
		}
	}
}

func TestLanguage(t *testing.T) {
	if got := detectLanguage(tokenize("the privacy officer is not available")); got != englishLang {
		t.Errorf("English note taken for %v", got)
	}
	if got := detectLanguage(tokenize("de privacy officer is er niet")); got != dutchLang {
		t.Errorf("Dutch note taken for %v", got)
	}
}
