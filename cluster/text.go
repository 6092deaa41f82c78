package cluster

import (
	"strings"
	"unicode"

	snowball "github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/dutch"
	"github.com/blevesearch/snowballstem/english"
)

// token is one word of a note after folding.
type token struct {
	// fold is the word in lower case without accents.
	fold string
	// surface is the word as written (accents kept), for labels.
	surface string
	// abbrev is set for words written in capitals (AVG, DPIA, CIO): they
	// are kept whole, never stemmed and never taken for stop words.
	abbrev bool
	stop   bool
}

// foldRune lowers r and strips its accent.
func foldRune(r rune) rune {
	r = unicode.ToLower(r)
	if r < 0x80 {
		return r
	}
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā':
		return 'a'
	case 'ç', 'ć', 'č':
		return 'c'
	case 'è', 'é', 'ê', 'ë', 'ē', 'ė', 'ę':
		return 'e'
	case 'ì', 'í', 'î', 'ï', 'ī', 'ı':
		return 'i'
	case 'ñ', 'ń':
		return 'n'
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ō':
		return 'o'
	case 'ù', 'ú', 'û', 'ü', 'ū':
		return 'u'
	case 'ý', 'ÿ':
		return 'y'
	case 'š', 'ś':
		return 's'
	case 'ž', 'ź', 'ż':
		return 'z'
	case 'ß':
		return 's'
	case 'ĳ':
		return 'i' // the ij ligature; "ij" is rare enough as a pair to fold to one letter
	}
	return r
}

// Fold returns s in lower case without accents, the form in which
// the cluster package compares words.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// wordRune reports whether r belongs to a word.
func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// tokenize splits text into folded words. Apostrophes inside a word are
// dropped ("KPI's" is "kpis"); every other non-letter, non-digit separates.
func tokenize(text string) []token {
	var out []token
	rs := []rune(text)
	for i := 0; i < len(rs); {
		if !wordRune(rs[i]) {
			i++
			continue
		}
		j := i
		var word []rune
		upper, letters := 0, 0
		for j < len(rs) {
			r := rs[j]
			if wordRune(r) {
				word = append(word, r)
				if unicode.IsLetter(r) {
					letters++
					if unicode.IsUpper(r) {
						upper++
					}
				}
				j++
				continue
			}
			// An apostrophe between letters joins (KPI's, privacy's).
			if (r == '\'' || r == '’') && j+1 < len(rs) && unicode.IsLetter(rs[j+1]) && len(word) > 0 {
				j++
				continue
			}
			break
		}
		surface := string(word)
		t := token{fold: Fold(surface), surface: surface}
		// AVG, DPIA, ISO27001, KPIs: two to six runes, capitals only
		// (a trailing lower-case s is a plural).
		n := len(word)
		if n >= 2 && n <= 7 && letters > 0 && (upper == letters || (upper == letters-1 && word[n-1] == 's' && upper >= 2)) {
			t.abbrev = true
			if upper == letters-1 {
				t.fold = t.fold[:len(t.fold)-1]
			}
		}
		t.stop = !t.abbrev && stopWords[t.fold]
		out = append(out, t)
		i = j
	}
	return out
}

// Language is a note's language as far as stemming is concerned.
type language int8

const (
	dutchLang language = iota
	englishLang
)

// detectLanguage guesses Dutch or English from stop words; Dutch wins ties
// because most notes are Dutch.
func detectLanguage(toks []token) language {
	nl, en := 0, 0
	for _, t := range toks {
		if t.abbrev {
			continue
		}
		if dutchStop[t.fold] {
			nl++
		}
		if englishStop[t.fold] {
			en++
		}
		if englishHint[t.fold] {
			en++
		}
	}
	if en > nl {
		return englishLang
	}
	return dutchLang
}

// stemmer stems Dutch and English words with a cache. It belongs to one
// goroutine.
type stemmer struct {
	nl, en           *snowball.Env
	nlCache, enCache map[string]string
}

func newStemmer() *stemmer {
	return &stemmer{
		nl: snowball.NewEnv(""), en: snowball.NewEnv(""),
		nlCache: map[string]string{}, enCache: map[string]string{},
	}
}

// stem returns the stem of a folded word in lang. Words of three letters
// or fewer and words with digits are their own stem.
func (s *stemmer) stem(w string, lang language) string {
	if len(w) <= 3 || strings.ContainsAny(w, "0123456789") {
		return w
	}
	cache, env, fn := s.nlCache, s.nl, dutch.Stem
	if lang == englishLang {
		cache, env, fn = s.enCache, s.en, english.Stem
	}
	if st, ok := cache[w]; ok {
		return st
	}
	env.SetCurrent(w)
	fn(env)
	st := env.Current()
	cache[w] = st
	return st
}

var (
	dutchStop   = wordSet(dutchStopList)
	englishStop = wordSet(englishStopList)
	englishHint = wordSet(`is are not no can cannot don't doesn't too very our their we they people have has`)
	stopWords   = union(dutchStop, englishStop, wordSet(extraStopList))
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[Fold(w)] = true
	}
	return m
}

func union(ms ...map[string]bool) map[string]bool {
	out := map[string]bool{}
	for _, m := range ms {
		for w := range m {
			out[w] = true
		}
	}
	return out
}

// dutchStopList holds Dutch function words (after the Snowball Dutch list,
// with common note fillers).
const dutchStopList = `aan af al alle alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door
dus een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik in is ja je
kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat ons ook op over reeds
te tegen toch toen tot u uit uw van veel voor want waren was wat we wel werd wezen wie wij wil worden wordt
zal ze zelf zich zij zijn zo zonder zou zouden zullen word wordt werden heel erg wel weer elk elke ieder iedere
onze jullie hen hun hunne mag mogen moeten kunnen waar waarom wanneer welke welk dus daardoor hierdoor
daarom toch nog steeds vaak soms nooit echt gewoon zeer best vrij eigenlijk ofwel hoewel terwijl tussen via
per sinds tijdens volgens zoals binnen buiten onder boven achter naast rond`

// englishStopList holds English function words.
const englishStopList = `a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has have having
he her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
now of off on once only or other our ours ourselves out over own same she should so some such than that the their
theirs them themselves then there these they this those through to too under until up very was we were what when
where which while who whom why will with would you your yours yourself yourselves cannot can't don't doesn't isn't
aren't won't there's it's let's also get gets got`

// weakWords are words that name no topic: common verbs, general
// adjectives and adverbs, quantities and times. Unlike stop words they
// are matched against the lexicon (its phrasings use them: "niemand is
// eigenaar", "budget loopt af"), but two notes are no more alike for
// sharing one, and they never become a group's keyword or label ("gaat
// fout" and "eigen across" named groups before).
var weakWords = wordSet(dutchWeakList + " " + englishWeakList)

const dutchWeakList = `gaan ga gaat ging gingen gegaan komen kom komt kwam kwamen gekomen staan sta staat stond
stonden gestaan liggen ligt lag lagen gelegen lopen loopt liep liepen gelopen doet deed deden gedaan maken maakt
maakte maakten gemaakt krijgen krijg krijgt kreeg kregen gekregen geven geeft gaf gaven gegeven nemen neemt nam
namen genomen zien zie ziet zag zagen gezien weten weet wist wisten geweten denken denk denkt dacht dachten
gedacht vinden vind vindt vond vonden gevonden zetten zet zette gezet houden houdt hield gehouden blijven
blijft bleef bleven gebleven laten laat liet lieten gelaten zeggen zegt zei zeiden gezegd willen wilde wilden
hoeven hoeft kennen ken kent kende brengen brengt bracht gebracht gebeuren gebeurt gebeurde gebeurd kloppen klopt
klopte tellen telt telde lijken lijkt leek proberen probeert probeerde zitten zit zat zaten halen haalt haalde
kijken kijkt keek horen hoort hoorde heeft hebt had gehad eigen eigenen alleen anders ander elkaar niemand
iedereen allemaal alles weinig minder meeste hoog hoge hoger laag lage lager oud oude ouder nieuw nieuwe nieuwer
groot grote groter klein kleine kleiner goed goede beter slecht slechte slechter lang lange langer kort korte
zelfs pas eerst later vooral helemaal steeds telkens direct meteen overal nergens ergens niks hetzelfde dezelfde
zelfde verschillende verschillend diverse bepaalde bepaald huidige huidig actief actieve mogelijk mogelijke
onmogelijk lastig lastige moeilijk moeilijke makkelijk duidelijk duidelijke onduidelijk volledig genoeg
teveel zeker waarschijnlijk misschien straks vandaag morgen gisteren jaar jaren maand maanden week weken dag
dagen keer keren tijd uur uren een twee drie vier vijf zes zeven acht negen tien twintig honderd duizend
eerste tweede laatste heleboel beetje paar elkaars ontbreekt ontbreken ontbrak ontbraken begrijpen begrijpt
snapt snappen externe extern interne intern vrije vrij apart eerlijk onbekend onbekende voelt voelen voelde
aandacht bepaalt bepalen bepaald kost ervaren ervaart informatie info systeem systemen probleem problemen
mensen partij partijen lijst lijsten open gebruikt gebruiken bestaat bestaan bestond verschilt durft durven
durfde eerder klaar raakt raken raakte mooi idee ideeen hangen hangt hing ene vorig vorige volgend
volgende`

const englishWeakList = `across still always never every everyone everybody nobody someone somebody something
nothing everything anything new old own same different many much little less least high low big small good bad
better worse long short go goes went gone going come comes came coming make makes made making take takes took
taken know knows knew known see sees saw seen think thinks thought want wants wanted keep keeps kept give gives
gave given put puts say says said seem seems seemed really again already yet even instead without one two three
four five ten hundred year years month months week weeks day days time times hour hours first last dont doesnt
didnt cant isnt arent wont missing lacking information system systems problem problems people party parties
external internal`

// extraStopList holds words that say nothing about a barrier on a note.
const extraStopList = `etc enz bijv bv oa o.a. eg ie nvt n.v.t. dingen ding zaken zaak thing things stuff lot lots
soort manier way ways`
