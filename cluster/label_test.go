package cluster

import "testing"

// A group whose notes share no concept but mostly name one theme is
// labelled with the theme's name, cut to at most four words.
func TestThemeLabel(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Financiering", "Financiering"},
		{"Legacy en ICT-landschap", "Legacy en ICT-landschap"},
		{"Sturing, eigenaarschap en samenwerking", "Sturing, eigenaarschap en samenwerking"},
		{"Cloud, leveranciers en digitale autonomie", "Cloud en leveranciers"},
		{"een heel lang label zonder opsomming erin", "een heel lang label"},
	} {
		if got := themeLabel(c.in); got != c.want {
			t.Errorf("themeLabel(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
