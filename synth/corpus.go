package synth

import "strings"

// The corpus: information barriers ("I-drempels") as Dutch civil servants
// write them on sticky notes in a "Whole system in the room" workshop. It was
// written by hand before any clustering code existed and must never be tuned
// to a method. People name one barrier in different words, so within a theme
// most notes share no content word; TestCorpusLexicalVariety measures that.

// CorpusNote is one note text of the corpus with the theme it belongs to.
type CorpusNote struct {
	Theme string `json:"theme"`
	Text  string `json:"text"`
}

// Theme names of the corpus.
const (
	ThemePrivacy     = "gegevensdeling & privacywet"
	ThemeLegacy      = "legacy systemen"
	ThemeStaff       = "schaarste IT-personeel"
	ThemeFunding     = "financieringscycli"
	ThemeExecution   = "beleid vs uitvoering"
	ThemeSecurity    = "informatiebeveiliging"
	ThemeStandards   = "standaarden & interoperabiliteit"
	ThemeLeadership  = "digitaal leiderschap"
	ThemeProcurement = "inkoop & leveranciers"
	ThemeDataQuality = "datakwaliteit"
)

var corpus = []struct {
	theme string
	notes []string
}{
	{ThemePrivacy, []string{
		"AVG maakt delen lastig",
		"grondslag voor uitwisseling ontbreekt",
		"privacy officer zegt nee",
		"DPIA duurt maanden",
		"juristen durven geen risico te nemen",
		"FG pas aan het eind betrokken",
		"wettelijke basis voor koppeling onduidelijk",
		"doelbinding blokkeert hergebruik van persoonsgegevens",
		"ketenpartner mag onze bestanden niet inzien",
		"elke gemeente interpreteert de regels anders",
		"angst voor boetes van de toezichthouder",
		"convenant nodig voor elk informatieverzoek",
		"BSN mag alleen binnen eigen taak",
		"toestemming van burgers niet vastgelegd",
		"geheimhoudingsplicht botst met samenwerking",
		"dataminimalisatie als excuus om niets te doen",
		"bewaartermijnen verschillen per afdeling",
		"verwerkersovereenkomst met leverancier mist",
		"geen zicht wie welke gegevens krijgt",
		"by design staat alleen op papier",
		"inzageverzoeken kosten veel handwerk",
		"Woo-verzoeken en vertrouwelijkheid schuren",
		"pseudonimiseren technisch niet mogelijk",
		"transfer naar Amerikaanse cloud juridisch grijs",
	}},
	{ThemeLegacy, []string{
		"mainframe uit 1987 draait nog steeds",
		"COBOL kennis gaat met pensioen",
		"leverancier stopt support volgend jaar",
		"koppelingen met plakband aan elkaar",
		"technische schuld groeit elk kwartaal",
		"niemand durft het oude pakket aan te raken",
		"migratie al drie keer mislukt",
		"documentatie ontbreekt of klopt niet",
		"end-of-life Windows servers in productie",
		"maatwerk op maatwerk gestapeld",
		"batchverwerking draait alleen 's nachts",
		"wetswijziging kost maanden programmeerwerk",
		"vervanging te duur, dus uitstel",
		"silo-applicaties per directie",
		"broncode ligt bij externe partij",
		"Excel-lijsten als schaduwadministratie",
		"upgrade breekt alle interfaces",
		"geen testomgeving voor het kernsysteem",
		"verouderde databases zonder API",
		"exit strategie nooit gemaakt",
		"patchen onmogelijk zonder downtime",
		"applicatielandschap van 400 pakketten",
	}},
	{ThemeStaff, []string{
		"vacatures staan maanden open",
		"markt betaalt twee keer zoveel",
		"inhuur duurder dan eigen mensen",
		"architecten vertrekken naar het bedrijfsleven",
		"salarisschalen Rijk niet concurrerend",
		"geen developers te vinden in de regio",
		"kennis zit in hoofd van één collega",
		"vergrijzing: halve afdeling binnenkort weg",
		"traineeship te klein voor de vraag",
		"security specialisten onbetaalbaar",
		"werving duurt te lang door procedures",
		"ZZP'ers bouwen, wij beheren niet",
		"data scientists vinden ons werk saai",
		"opleidingsbudget eerst geschrapt bij bezuiniging",
		"externen lopen weg met knowhow",
		"Roetkapje maar geen vervanging",
		"hoge werkdruk, mensen haken af",
		"functiehuis kent geen cloud engineer",
		"screening VOG duurt weken",
		"thuiswerken vanuit buitenland niet toegestaan",
		"jonge talenten blijven kort",
		"productowners missen IT-achtergrond",
		"te weinig handen voor beheer",
	}},
	{ThemeFunding, []string{
		"begroting per jaar, project loopt vijf",
		"incidenteel geld voor structurele taken",
		"beheerkosten nooit begroot",
		"subsidie stopt na de pilot",
		"business case moet vooraf sluitend",
		"innovatiebudget verdampt in december",
		"Voorjaarsnota bepaalt alles",
		"geen middelen voor doorontwikkeling",
		"kasschuif maakt planning onmogelijk",
		"CapEx versus OpEx discussie bij cloud",
		"baten vallen bij andere organisatie",
		"tekort op exploitatie na livegang",
		"aanbesteding kost meer dan het systeem",
		"onderuitputting betekent volgend jaar minder",
		"financiering per programma, niet per keten",
		"verantwoording telt euro's, niet waarde",
		"eenmalige impuls, daarna niets",
		"licentiekosten stijgen 20 procent",
		"afschrijving past niet bij levensduur",
		"departementen willen niet meebetalen",
		"bezuinigingstaakstelling raakt eerst ICT",
		"geoormerkt budget is star",
	}},
	{ThemeExecution, []string{
		"wet bedacht zonder uitvoeringstoets",
		"Den Haag snapt de balie niet",
		"invoeringsdatum politiek gekozen, niet haalbaar",
		"beleidsmakers tekenen, ICT moet bouwen",
		"uitvoeringsorganisatie te laat aan tafel",
		"regels te complex om te automatiseren",
		"maatwerk voor burgers past niet in systemen",
		"Kamerbrief belooft wat niemand kan leveren",
		"toeslagen les nog niet geleerd",
		"hardheidsclausule niet te programmeren",
		"beleid wisselt sneller dan releases",
		"werkvloer wordt niet gehoord",
		"doenvermogen burger vergeten",
		"ministerie en agentschap spreken andere taal",
		"uitvoerbaarheid pas getoetst na besluit",
		"open normen, harde code",
		"elke motie is een nieuw project",
		"signalen van loketmedewerkers komen nergens aan",
		"implementatietermijn halveert na onderhandeling",
		"verkokering tussen DG's",
		"ambtelijke top kent frontoffice niet",
		"succes gemeten in nota's, niet resultaat",
	}},
	{ThemeSecurity, []string{
		"BIO compliance kost alle capaciteit",
		"phishing blijft werken bij collega's",
		"ransomware angst remt cloudgebruik",
		"wachtwoorden op post-its aan scherm",
		"pentest bevindingen blijven liggen",
		"CISO zonder mandaat",
		"MFA niet overal ingevoerd",
		"leveranciers hebben te ruime toegang",
		"logging aanwezig maar niemand kijkt",
		"zero trust is vooral powerpoint",
		"kwetsbaarheden in verouderde VPN",
		"classificatie van documenten onduidelijk",
		"incidentrespons nooit geoefend",
		"USB-sticks nog steeds toegestaan",
		"BYOD zonder beleid",
		"beveiligingseisen vertragen elk project",
		"SOC alleen kantoortijden bemand",
		"rechtenbeheer bij vertrek medewerkers vergeten",
		"shadow IT via eigen SaaS-abonnementen",
		"risicoafweging ligt altijd bij security officer",
		"back-ups nooit teruggezet als test",
		"soevereiniteit: data bij Amerikaanse hyperscaler",
	}},
	{ThemeStandards, []string{
		"elk systeem eigen definitie van adres",
		"geen gemeenschappelijk begrippenkader",
		"StUF versus REST API's",
		"comply or explain wordt genegeerd",
		"koppelvlak per ketenpartner maatwerk",
		"datamodel verschilt tussen gemeenten en Rijk",
		"NL API Strategie nog niet gevolgd",
		"basisregistraties kloppen niet met elkaar",
		"leverancier kiest zelf formaat",
		"PDF's uitwisselen in plaats van data",
		"semantiek onduidelijk, velden heten hetzelfde",
		"Common Ground halverwege blijven steken",
		"geen federatief stelsel, wel kopieën",
		"XML-berichten van twintig jaar oud",
		"Digikoppeling implementeren kost maanden",
		"codelijsten verschillen per organisatie",
		"KvK-nummer inconsistent vastgelegd",
		"vendor lock-in door proprietary formaten",
		"metadata ontbreekt bij bestanden",
		"Forum Standaardisatie onbekend bij inkopers",
		"GEMMA-architectuur bestaat alleen op papier",
		"iedere dienst hanteert andere nummering",
	}},
	{ThemeLeadership, []string{
		"bestuurders zien IT als kostenpost",
		"CIO zit niet aan de bestuurstafel",
		"MT delegeert digitalisering naar afdeling ICT",
		"geen visie op datagedreven werken",
		"topambtenaren digitaal laaggeletterd",
		"elke nieuwe SG nieuwe prioriteiten",
		"eigenaarschap van informatie bij niemand belegd",
		"durven kiezen ontbreekt",
		"projecten starten, niemand stopt ze",
		"directeur vraagt app, geen verandering",
		"innovatie als hobby van enkelen",
		"strategie op papier, geen uitvoering",
		"rotatie managers elke drie jaar",
		"geen portfoliosturing, alles prioriteit",
		"opdrachtgeverschap zwak, leverancier bepaalt",
		"risicomijdend gedrag in de top",
		"AI-hype zonder plan",
		"bestuurlijke aandacht pas na incident",
		"cultuur: het zijn maar computers",
		"Chief Data Officer zonder budget",
		"leidinggevenden belonen uren, niet resultaat",
		"ambitieuze agenda, lege handen",
	}},
	{ThemeProcurement, []string{
		"aanbestedingsregels maken samenwerken met startups onmogelijk",
		"contract van acht jaar, markt verandert",
		"vendor bepaalt de roadmap",
		"raamovereenkomst past niet bij agile",
		"inkopers kennen geen SaaS",
		"exit-clausule vergeten in het contract",
		"Microsoft-afhankelijkheid groeit ongemerkt",
		"gunning op laagste prijs",
		"programma van eisen van 300 pagina's",
		"contractmanagement is structureel onderbezet",
		"meerwerk is het verdienmodel",
		"Europese procedure duurt een jaar",
		"geen grip op subverwerkers",
		"licentievoorwaarden wijzigen eenzijdig",
		"dezelfde drie partijen winnen altijd",
		"marktconsultatie komt te laat",
		"SLA's worden niet gehandhaafd",
		"open source mag niet van CISO",
		"offerte-aanvragen kosten weken papierwerk",
		"hyperscalers dicteren hun voorwaarden",
		"kleine leveranciers haken af bij tenders",
	}},
	{ThemeDataQuality, []string{
		"adressen in BRP kloppen niet",
		"dubbele klantrecords in CRM",
		"niemand is eigenaar van de data",
		"vervuilde bestanden na migratie",
		"velden worden vrij ingevuld",
		"terugmelden gebeurt bijna nooit",
		"dashboards tonen verschillende cijfers",
		"handmatig overtypen geeft fouten",
		"historie ontbreekt in de registratie",
		"definities van klant lopen uiteen",
		"geen validatie bij invoer",
		"Excel als bron van waarheid",
		"data steward bestaat alleen in organogram",
		"verouderde gegevens blijven jaren staan",
		"kwaliteitsmetingen doet niemand structureel",
		"foutherstel kost meer dan voorkomen",
		"lege verplichte velden",
		"tijdstempels in verschillende tijdzones",
		"brondata niet herleidbaar",
		"opschonen krijgt nooit prioriteit",
		"rapportages gebaseerd op aannames",
	}},
}

// Corpus returns every note of the corpus, theme by theme, in a fixed order.
func Corpus() []CorpusNote {
	var out []CorpusNote
	for _, t := range corpus {
		for _, n := range t.notes {
			out = append(out, CorpusNote{Theme: t.theme, Text: n})
		}
	}
	return out
}

// Themes returns the theme names of the corpus in a fixed order.
func Themes() []string {
	out := make([]string, len(corpus))
	for i, t := range corpus {
		out[i] = t.theme
	}
	return out
}

// themeNotes returns the texts of one theme.
func themeNotes(theme string) []string {
	for _, t := range corpus {
		if t.theme == theme {
			return t.notes
		}
	}
	return nil
}

// stopWords is a small Dutch and English stop-word list (Snowball's Dutch
// list plus common English function words): words that carry no topic.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar om hem dan
		zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar haar naar heb hoe heeft
		hebben deze u want nog zal me zij nu ge geen omdat iets worden toch al waren veel meer doen toen moet
		ben zonder kan hun dus alles onder ja eens hier wie werd altijd doch wordt wezen kunnen ons zelf tegen
		na reeds wil kon niets uw iemand geweest andere wij we onze elk elke welke per pas wel
		the a an of to and is are for in on with no not or by at be it as from this that`) {
		m[w] = true
	}
	return m
}()

// StopWord reports whether the lowercased word w is on a small Dutch and
// English stop-word list (Snowball's Dutch list plus common English
// function words): a word that carries no topic. The corpus test and the
// benchmark's TF-IDF peer share it.
func StopWord(w string) bool { return stopWords[w] }
