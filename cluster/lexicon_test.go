package cluster

import (
	"fmt"
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
	if got := len(lx.Concepts); got < 100 {
		t.Errorf("%d concepts, want at least 100", got)
	}
	themes := map[string]bool{}
	for _, th := range lx.Themes {
		themes[th.Key] = true
	}
	perTheme := map[string]int{}
	for _, c := range lx.Concepts {
		perTheme[c.Theme]++
	}
	for _, th := range lx.Themes {
		if n := perTheme[th.Key]; n < 3 {
			t.Errorf("theme %s: %d concepts, want at least 3", th.Key, n)
		}
		if th.LabelEN == "" {
			t.Errorf("theme %s: no English label", th.Key)
		}
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
		// A particle and a word make no compound of two things.
		{"terugkoppeling", ""},
		{"onderwijs", ""},
		{"onderwijsdata", "onderwijs data"},
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

// TestLexiconTermsCanMatch checks that every term of the embedded lexicon
// can match a note: matching starts only at a word that is no stop word, so
// a term such as "geen budget" would never be found.
func TestLexiconTermsCanMatch(t *testing.T) {
	for _, c := range mustDefaultLexicon().Concepts {
		for _, term := range c.Terms {
			toks := tokenize(strings.TrimPrefix(term, "~"))
			if len(toks) == 0 {
				t.Errorf("concept %s: term %q has no words", c.Key, term)
				continue
			}
			if toks[0].stop {
				t.Errorf("concept %s: term %q starts with the stop word %q and never matches", c.Key, term, toks[0].fold)
			}
		}
	}
}

// TestLexiconOneThemePerWord checks that a term is listed once, and that no
// two one-word terms of different themes share a lookup key (the word or a
// stem): such a word would pull a note towards two themes at once.
func TestLexiconOneThemePerWord(t *testing.T) {
	lx := mustDefaultLexicon()
	st := newStemmer()
	seen := map[string]string{}     // folded term -> concept
	keyTheme := map[string]string{} // lookup key -> theme
	keyTerm := map[string]string{}  // lookup key -> term, for the message
	for _, c := range lx.Concepts {
		for _, term := range c.Terms {
			toks := tokenize(strings.TrimPrefix(term, "~"))
			words := make([]string, len(toks))
			for i, tk := range toks {
				words[i] = tk.fold
			}
			f := strings.Join(words, " ")
			if prev, ok := seen[f]; ok {
				t.Errorf("term %q listed twice: in %s and in %s", term, prev, c.Key)
			}
			seen[f] = c.Key
			if len(toks) != 1 || toks[0].stop {
				continue
			}
			for _, k := range keysOf(st, toks[0].fold, toks[0].abbrev) {
				if th, ok := keyTheme[k]; ok && th != c.Theme {
					t.Errorf("%q (theme %s) and %q (theme %s) share the key %q", keyTerm[k], th, term, c.Theme, k)
				}
				keyTheme[k], keyTerm[k] = c.Theme, term
			}
		}
	}
}

// lexiconThemeWeights returns the weight of each theme that text mentions,
// the way the analysis finds concepts: folded words, their stems and the
// parts of Dutch compounds.
func lexiconThemeWeights(m *matcher, st *stemmer, sp *splitter, text string) map[string]float32 {
	toks := tokenize(text)
	keys := make([][]string, len(toks))
	stop := make([]bool, len(toks))
	for j, tk := range toks {
		stop[j] = tk.stop
		if tk.stop {
			keys[j] = []string{tk.fold}
			continue
		}
		keys[j] = keysOf(st, tk.fold, tk.abbrev)
		if !tk.abbrev {
			for _, p := range sp.split(tk.fold) {
				keys[j] = append(keys[j], keysOf(st, p, false)...)
			}
		}
	}
	w := map[string]float32{}
	for _, h := range m.match(keys, stop) {
		w[m.concepts[h.concept].Theme] += h.weight
	}
	return w
}

// TestLexiconPhrasings checks that barriers phrased the way workshop
// participants write them, without a shared keyword, land in the theme a
// facilitator would put them in. The phrasings are written for this test,
// not taken from any corpus.
func TestLexiconPhrasings(t *testing.T) {
	st := newStemmer()
	m := newMatcher(mustDefaultLexicon(), nil, st)
	sp := newSplitter(m.words)
	tests := []struct{ theme, note string }{
		{"privacy", "Privacy officer zegt steeds nee"},
		{"privacy", "Grondslag voor uitwisseling ontbreekt"},
		{"privacy", "DPIA duurt maanden"},
		{"privacy", "Gemeente mag het BSN niet doorgeven"},
		{"privacy", "Data sharing between agencies is blocked by GDPR"},
		{"privacy", "Juristen interpreteren de regels allemaal anders"},
		{"privacy", "Wetgeving is niet techniekneutraal"},
		{"uitvoering", "Beleid wordt bedacht zonder de uitvoering"},
		{"uitvoering", "Uitvoeringstoets komt altijd te laat"},
		{"uitvoering", "Minister wil het voor de verkiezingen geregeld hebben"},
		{"data", "Adressen in de registratie kloppen niet"},
		{"begrippen", "Iedereen hanteert een eigen definitie van inkomen"},
		{"data", "Data quality is poor and nobody cleans it"},
		{"woo", "Woo-verzoeken stapelen zich op"},
		{"vindbaar", "Metadata ontbreekt, dus terugvinden lukt niet"},
		{"informatiehuishouding", "Mails worden niet gearchiveerd"},
		{"informatiehuishouding", "Chatberichten worden na een maand gewist"},
		{"weerbaarheid", "Ransomware-aanval legde alles plat"},
		{"weerbaarheid", "Security blokkeert elke USB-stick"},
		{"legacy", "Ons mainframe draait nog op COBOL"},
		{"legacy", "Vervanging van het oude systeem wordt telkens uitgesteld"},
		{"legacy", "We werken nog met Excel-lijsten en overtypen"},
		{"cloud", "Leverancier bepaalt de prijs en wij kunnen niet weg"},
		{"cloud", "Aanbesteding duurt anderhalf jaar"},
		{"cloud", "Afhankelijk van Amerikaanse clouddiensten"},
		{"voorzieningen", "Systemen praten niet met elkaar"},
		{"voorzieningen", "Elke gemeente bouwt zijn eigen oplossing"},
		{"voorzieningen", "DigiD werkt niet voor mensen in het buitenland"},
		{"sturing", "Niemand is eigenaar van het proces"},
		{"leiderschap", "Ministeries werken langs elkaar heen in hun eigen kokers"},
		{"sturing", "ICT-projecten lopen steeds uit"},
		{"leiderschap", "Bestuurders zien ICT als kostenpost"},
		{"leiderschap", "Risicomijdende cultuur, fouten maken mag niet"},
		{"leiderschap", "Weerstand tegen verandering op de werkvloer"},
		{"financiering", "Budget stopt na het project"},
		{"financiering", "Alleen incidenteel geld, beheer is niet begroot"},
		{"financiering", "Wie betaalt als de baten bij een ander liggen?"},
		{"vakmanschap", "Vacatures blijven open"},
		{"vakmanschap", "De markt betaalt ontwikkelaars veel meer"},
		{"vakmanschap", "Kennis vertrekt met de externen"},
		{"dienstverlening", "Burgers worden van het kastje naar de muur gestuurd"},
		{"dienstverlening", "Ouderen kunnen niet mee met de digitale overheid"},
		{"innovatie", "Algoritme discrimineert op nationaliteit"},
		{"innovatie", "Pilots worden nooit opgeschaald"},
		{"werkomgeving", "Laptop is traag en loopt vast"},
		{"werkomgeving", "Geen gastaccount in de Teams-omgeving van een ander ministerie"},
		{"privacy", "Purpose limitation prevents reuse"},
		{"privacy", "De wet zegt niets over digitale aanvragen"},
		{"uitvoering", "Kamer neemt een motie aan en wij moeten het morgen regelen"},
		{"data", "Cijfers uit verschillende bronnen spreken elkaar tegen"},
		{"informatiehuishouding", "Besluiten zijn later niet meer te reconstrueren"},
		{"weerbaarheid", "Te veel mensen hebben beheerrechten"},
		{"legacy", "Outdated systems hold us back"},
		{"cloud", "Vendor lock-in makes switching impossible"},
		{"sturing", "Geen mandaat om door te pakken"},
		{"financiering", "Funding is only for one year"},
		{"vakmanschap", "We cannot hire data engineers"},
		{"dienstverlening", "Lange wachttijden bij het klantcontactcentrum"},
		{"innovatie", "Generative AI is banned at work"},
		{"werkomgeving", "Software installeren moet via een ticket"},
		{"keten", "Ketenpartners leveren hun gegevens steeds te laat aan"},
		{"lasten", "Instellingen klagen over de stapeling van informatieverplichtingen"},
		{"keten", "Geen ketenregie, iedere partner kijkt alleen naar zijn eigen proces"},
		{"sturing", "Niemand is data-eigenaar van de klantgegevens"},
		{"sturing", "Het MT schuift het besluit steeds door"},
	}
	for _, tt := range tests {
		w := lexiconThemeWeights(m, st, sp, tt.note)
		if best := heaviest(w); best != tt.theme {
			t.Errorf("%q: theme %q (weights %v), want %q", tt.note, best, w, tt.theme)
		}
	}
}

// Everyday words that share a stem with a lexicon term (betrokken and
// betrokkene, kort and korting, meteen and meten, available and
// availability) must not pull a note towards that term's theme, or at
// most as a related term (ouder and ouderen).
func TestLexiconFalseFriends(t *testing.T) {
	st := newStemmer()
	m := newMatcher(mustDefaultLexicon(), nil, st)
	sp := newSplitter(m.words)
	tests := []struct {
		note, theme string
		most        float32
	}{
		{"De uitvoering wordt pas aan het eind betrokken", "privacy", 0},
		{"Dat is wel erg kort door de bocht", "financiering", 0},
		{"Het resultaat is meteen zichtbaar", "data", 0},
		{"Dit geldt uitsluitend voor dit jaar", "dienstverlening", 0},
		{"Het kost weken om alles na te lopen", "financiering", 0},
		{"Oudere collega's weten hoe het zit", "dienstverlening", 0.5},
		{"The data is not available to local authorities", "weerbaarheid", 0},
		{"This is definitely the most complete overview", "data", 0},
		{"We took the decision last year", "weerbaarheid", 0},
	}
	for _, tt := range tests {
		if w := lexiconThemeWeights(m, st, sp, tt.note); w[tt.theme] > tt.most {
			t.Errorf("%q weighs theme %q %v (weights %v), want at most %v", tt.note, tt.theme, w[tt.theme], w, tt.most)
		}
	}
}

// TestLexiconTermsPointHome reads every term as if it were a note and
// checks that nearly all of them weigh their own theme strictly highest.
// Compounds of two themes' words ("privacywetgeving", "datagovernance")
// may tie, which is why this is a share and not every term.
func TestLexiconTermsPointHome(t *testing.T) {
	lx := mustDefaultLexicon()
	st := newStemmer()
	m := newMatcher(lx, nil, st)
	sp := newSplitter(m.words)
	total, home := 0, 0
	var astray []string
	for _, c := range lx.Concepts {
		for _, term := range c.Terms {
			total++
			w := lexiconThemeWeights(m, st, sp, strings.TrimPrefix(term, "~"))
			ok := w[c.Theme] > 0
			for th, v := range w {
				if th != c.Theme && v >= w[c.Theme] {
					ok = false
				}
			}
			if ok {
				home++
			} else if len(astray) < 10 {
				astray = append(astray, fmt.Sprintf("%s/%s %q %v", c.Theme, c.Key, term, w))
			}
		}
	}
	if got, want := float64(home)/float64(total), 0.95; got < want {
		t.Errorf("%d of %d terms weigh their own theme highest (%.3f), want at least %.2f; for example %v", home, total, got, want, astray)
	}
}

// One mention names a concept once, by its longest matching term, however
// many forms of the word the concept lists; two mentions name it twice.
func TestMatchCountsAMentionOnce(t *testing.T) {
	m, st := testMatcher(t, `= it | IT | IT
dc | Datacenter | datacenter, datacenters, eigen datacenter
`)
	for _, c := range []struct {
		note string
		want float32
	}{
		{"datacenters", 1},
		{"eigen datacenter", 2},
		{"datacenter naast datacenter", 2},
		{"printer", 0},
	} {
		var got float32
		for _, h := range m.match(noteKeys(st, c.note)) {
			got += h.weight
		}
		if got != c.want {
			t.Errorf("%q names the concept with weight %v, want %v", c.note, got, c.want)
		}
	}
}

// A note may put one stop word between the words of a term, as people
// write ("budget loopt nu af"), but not more, nor a word that says
// something ("budget loopt helemaal af").
func TestMatchPassesOverAStopWord(t *testing.T) {
	m, st := testMatcher(t, `= geld | Geld | Money
eind | Budget loopt af | budget loopt af
`)
	for _, c := range []struct {
		note string
		want bool
	}{
		{"budget loopt af", true},
		{"budget loopt nu af", true},
		{"het budget loopt dan af", true},
		{"budget loopt nu ook af", false},
		{"budget loopt helemaal af", false},
		{"budget af", false},
	} {
		if got := len(m.match(noteKeys(st, c.note))) > 0; got != c.want {
			t.Errorf("%q names %q: %v, want %v", c.note, "budget loopt af", got, c.want)
		}
	}
}

// testMatcher compiles a small lexicon for a matcher test.
func testMatcher(t *testing.T, lexicon string) (*matcher, *stemmer) {
	t.Helper()
	lx, err := ParseLexicon(lexicon)
	if err != nil {
		t.Fatal(err)
	}
	st := newStemmer()
	return newMatcher(lx, nil, st), st
}

// noteKeys reads a note as the matcher sees it, without compound splitting
// or misreading correction: each word's lookup keys and whether it is a
// stop word.
func noteKeys(st *stemmer, note string) ([][]string, []bool) {
	toks := tokenize(note)
	keys := make([][]string, len(toks))
	stop := make([]bool, len(toks))
	for i, tk := range toks {
		keys[i], stop[i] = keysOf(st, tk.fold, tk.abbrev), tk.stop
	}
	return keys, stop
}
