package ocr

import (
	"testing"
)

// drawEvalCases draws n notes; every other one is hand-lettered.
func drawEvalCases(t testing.TB, n int) []evalCase {
	texts := []string{
		"AVG maakt delen lastig", "grondslag voor uitwisseling ontbreekt", "privacy officer zegt nee",
		"DPIA duurt maanden", "juristen durven geen risico te nemen", "FG pas aan het eind betrokken",
		"wettelijke basis voor koppeling onduidelijk", "doelbinding blokkeert hergebruik van persoonsgegevens",
		"ketenpartner mag onze bestanden niet inzien", "elke gemeente interpreteert de regels anders",
		"angst voor boetes van de toezichthouder", "convenant nodig voor elk informatieverzoek",
		"BSN mag alleen binnen eigen taak", "toestemming van burgers niet vastgelegd",
		"geheimhoudingsplicht botst met samenwerking", "dataminimalisatie als excuus om niets te doen",
		"bewaartermijnen verschillen per afdeling", "brondata niet herleidbaar",
		"opschonen krijgt nooit prioriteit", "rapportages gebaseerd op aannames",
	}
	papers := []testNote{{paper: yellowPaper}, {paper: pinkPaper}, {paper: greenPaper}}
	inks := []testNote{{ink: blackInk}, {ink: blueInk}}
	var out []evalCase
	for i := range n {
		nt := testNote{text: texts[i%len(texts)], paper: papers[i%3].paper, ink: inks[(i/3)%2].ink, hand: i%2 == 1, size: 600}
		out = append(out, evalCase{text: nt.text, hand: nt.hand, crop: nt.draw(t)})
	}
	return out
}
