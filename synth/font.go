package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomedium"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

// Font files of the Debian packages fonts-humor-sans, fonts-comic-neue and
// fonts-dejavu-core (scripts/setup.sh installs them).
var (
	handFontFiles = []string{
		"/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf",
		"/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf",
		"/usr/share/fonts/opentype/comic-neue/ComicNeue-Bold.otf",
		"/usr/share/fonts/opentype/comic-neue/ComicNeue-Light.otf",
	}
	printedFontFiles = []string{
		"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
		"/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
	}
)

// typeface is one parsed font and how heavy a marker it imitates.
type typeface struct {
	name string
	font *opentype.Font
	// stroke is the extra marker width in units of the font size.
	stroke float64
	// capitals is set for a face that draws every letter as a capital
	// (Humor Sans): what the note shows, and so its truth, is upper case.
	capitals bool
}

type fontSet struct {
	hand, printed []typeface
}

var (
	fontsOnce sync.Once
	fonts     fontSet
	fontsErr  error
)

// loadFonts parses the font files once. The parsed fonts are safe for
// concurrent use; faces made from them are not.
func loadFonts() (fontSet, error) {
	fontsOnce.Do(func() {
		for _, p := range handFontFiles {
			f, err := parseFontFile(p)
			if err != nil {
				fontsErr = err
				return
			}
			stroke := 0.035
			switch filepath.Base(p) {
			case "ComicNeue-Bold.otf":
				stroke = 0.01
			case "ComicNeue-Light.otf":
				stroke = 0.05
			}
			name := filepath.Base(p)
			fonts.hand = append(fonts.hand, typeface{name: name, font: f, stroke: stroke, capitals: name == "Humor-Sans.ttf"})
		}
		for _, data := range [][]byte{goregular.TTF, gomedium.TTF, gobold.TTF} {
			f, err := opentype.Parse(data)
			if err != nil {
				fontsErr = fmt.Errorf("synth: parse gofont: %w", err)
				return
			}
			fonts.printed = append(fonts.printed, typeface{name: "gofont", font: f})
		}
		for _, p := range printedFontFiles {
			f, err := parseFontFile(p)
			if err != nil {
				fontsErr = err
				return
			}
			fonts.printed = append(fonts.printed, typeface{name: filepath.Base(p), font: f})
		}
	})
	return fonts, fontsErr
}

func parseFontFile(path string) (*opentype.Font, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("synth: font %s is missing (install fonts-humor-sans, fonts-comic-neue and fonts-dejavu-core; scripts/setup.sh does): %w", path, err)
	}
	f, err := opentype.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("synth: parse font %s: %w", path, err)
	}
	return f, nil
}
