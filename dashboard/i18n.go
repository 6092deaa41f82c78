package dashboard

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"
)

// Languages the interface speaks; the first is the default.
var languages = []string{"nl", "en"}

// LangCookie remembers the language a person chose.
const LangCookie = "wallscan_lang"

const keyLang = "lang"

// catalogues holds one catalogue of interface strings per language.
type catalogues map[string]map[string]string

// loadCatalogues reads the embedded catalogues and checks that every
// language has every key, so a missing translation fails a test, not a page.
func loadCatalogues() (catalogues, error) {
	cat := catalogues{}
	for _, l := range languages {
		b, err := i18nFS.ReadFile("i18n/" + l + ".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", l, err)
		}
		cat[l] = m
	}
	for _, l := range languages[1:] {
		var missing []string
		for k := range cat[languages[0]] {
			if _, ok := cat[l][k]; !ok {
				missing = append(missing, l+":"+k)
			}
		}
		for k := range cat[l] {
			if _, ok := cat[languages[0]][k]; !ok {
				missing = append(missing, languages[0]+":"+k)
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			return nil, fmt.Errorf("catalogues lack keys: %v", missing)
		}
	}
	return cat, nil
}

// localizer gives a page the strings of one language.
type localizer struct {
	Lang string
	m    map[string]string
}

// T returns the string of key, formatted with args; a missing key shows
// itself, so it is easy to spot.
func (l *localizer) T(key string, args ...any) string {
	s, ok := l.m[key]
	if !ok {
		return "[" + key + "]"
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// N is T for a count n: it takes the key's ".one" form when n is 1.
func (l *localizer) N(key string, n int) string {
	if _, ok := l.m[key+".one"]; ok && n == 1 {
		return l.T(key+".one", n)
	}
	return l.T(key, n)
}

// Catalog is the whole catalogue, for the page's scripts.
func (l *localizer) Catalog() map[string]string { return l.m }

// Other is the language the switch offers.
func (l *localizer) Other() string {
	if l.Lang == "en" {
		return "nl"
	}
	return "en"
}

// language picks the request's language: ?lang= (remembered in a cookie),
// else the cookie, else Dutch.
func (s *Server) language(c *gin.Context) {
	lang := ""
	if q := c.Query("lang"); s.cat[q] != nil {
		lang = q
		c.SetSameSite(http.SameSiteLaxMode)
		c.SetCookie(LangCookie, q, 365*24*3600, "/", "", s.secure(c), true)
	} else if ck, _ := c.Cookie(LangCookie); s.cat[ck] != nil {
		lang = ck
	} else {
		lang = languages[0]
	}
	c.Set(keyLang, lang)
	c.Next()
}

func (s *Server) loc(c *gin.Context) *localizer {
	lang := c.GetString(keyLang)
	if s.cat[lang] == nil {
		lang = languages[0]
	}
	return &localizer{Lang: lang, m: s.cat[lang]}
}
