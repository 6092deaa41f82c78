package dashboard

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestCataloguesCoverEveryString checks that every string the templates,
// scripts and Go code ask for is in both catalogues (loadCatalogues already
// checks that the catalogues have the same keys).
func TestCataloguesCoverEveryString(t *testing.T) {
	cat, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	uses := map[string]*regexp.Regexp{
		"templates": regexp.MustCompile(`\.(?:T|N) "([a-z0-9_.]+)"`),
		"static":    regexp.MustCompile(`\btn?\("([a-zA-Z0-9_.]*[a-zA-Z0-9_])"\s*[,)]`),
	}
	seen := 0
	for dir, re := range uses {
		var fsys fs.FS = templateFS
		if dir == "static" {
			fsys = staticFS
		}
		err := fs.WalkDir(fsys, dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(fsys, path)
			if err != nil {
				return err
			}
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				seen++
				for _, lang := range languages {
					if _, ok := cat[lang][m[1]]; !ok {
						t.Errorf("%s uses %q, missing in %s.json", path, m[1], lang)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Keys built at run time: colours, warnings, error codes and statuses.
	for _, prefix := range []string{"color.", "advice.", "apierror.", "status.", "error."} {
		n := 0
		for k := range cat["nl"] {
			if strings.HasPrefix(k, prefix) {
				n++
			}
		}
		if n == 0 {
			t.Errorf("no catalogue keys %s*", prefix)
		}
	}
	if seen < 100 {
		t.Errorf("found only %d uses of the catalogue; the patterns are broken", seen)
	}
}

// TestCataloguesDiffer catches a catalogue copied without translation.
func TestCataloguesDiffer(t *testing.T) {
	cat, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	same := 0
	for k, nl := range cat["nl"] {
		if cat["en"][k] == nl {
			same++
		}
	}
	if same > len(cat["nl"])/5 {
		t.Errorf("%d of %d strings are the same in Dutch and English", same, len(cat["nl"]))
	}
}
