package wallscan

import (
	"context"
	"strings"
	"time"
	"unicode"
)

// Workshop is one "Whole system in the room" session about one
// organisation's case.
type Workshop struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Case  string `json:"case"` // the organisation or question at hand
	Date  string `json:"date"` // YYYY-MM-DD
	// Legend maps note colours to the perspective that wrote on them.
	Legend []Perspective `json:"legend"`
	// JoinCode lets a kiosk upload photos to this workshop, and nothing else.
	JoinCode string `json:"join_code,omitempty"`
	// Vocabulary holds the workshop's own words (AVG, CIO, ketenpartners):
	// the reader prefers them and the grouper knows them. An entry may list
	// synonyms ("Suwinet, inkomensportaal") or name a theme of the
	// workshop's own with its words ("Chat en apps: WhatsApp, Signal,
	// appjes"); see ParseVocabularyEntry.
	Vocabulary []string `json:"vocabulary,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Perspective is one part of the system in the room (beleid, uitvoering,
// toezicht, I-specialist), recognised by the colour of its notes.
type Perspective struct {
	Color Color  `json:"color"`
	Name  string `json:"name"`
}

// PerspectiveOf returns the perspective whose colour is c, or "".
func (w *Workshop) PerspectiveOf(c Color) string {
	for _, p := range w.Legend {
		if p.Color == c {
			return p.Name
		}
	}
	return ""
}

// Validate checks w's fields against the named limits. EINVALID.
func (w *Workshop) Validate() error {
	switch {
	case w.Title == "":
		return Errorf(EINVALID, "A workshop needs a title.")
	case len(w.Title) > MaxTitle:
		return Errorf(EINVALID, "The title is longer than %d characters.", MaxTitle)
	case len(w.Case) > MaxTitle:
		return Errorf(EINVALID, "The case is longer than %d characters.", MaxTitle)
	case w.Date != "" && !validDate(w.Date):
		return Errorf(EINVALID, "The date %q is not of the form YYYY-MM-DD.", w.Date)
	}
	for _, p := range w.Legend {
		if !p.Color.Valid() {
			return Errorf(EINVALID, "The legend names an unknown colour %q.", p.Color)
		} else if len(p.Name) > MaxTitle {
			return Errorf(EINVALID, "A perspective name is longer than %d characters.", MaxTitle)
		}
	}
	return nil
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// WorkshopUpdate holds the fields a facilitator changes. Nil fields stay.
type WorkshopUpdate struct {
	Title      *string
	Case       *string
	Date       *string
	Legend     *[]Perspective
	Vocabulary *[]string
}

// WorkshopService stores workshops.
type WorkshopService interface {
	// CreateWorkshop stores w and gives it an ID and a fresh JoinCode. EINVALID.
	CreateWorkshop(ctx context.Context, w *Workshop) error
	// Workshop returns one workshop. ENOTFOUND.
	Workshop(ctx context.Context, id int64) (*Workshop, error)
	// WorkshopByJoinCode returns the workshop a kiosk code opens. ENOTFOUND.
	WorkshopByJoinCode(ctx context.Context, code string) (*Workshop, error)
	// Workshops returns all workshops, newest first.
	Workshops(ctx context.Context) ([]*Workshop, error)
	// UpdateWorkshop applies u. EINVALID, ENOTFOUND.
	UpdateWorkshop(ctx context.Context, id int64, u WorkshopUpdate) (*Workshop, error)
	// RenewJoinCode replaces the kiosk code; the old one stops working. ENOTFOUND.
	RenewJoinCode(ctx context.Context, id int64) (string, error)
}

// ParseVocabularyEntry reads one entry of a workshop's vocabulary. An
// entry "Label: term, term, ..." names a theme of the workshop's own: the
// grouper gathers the notes that use its terms under Label, whatever its
// lexicon says of them. Any other entry is a word, a phrase or a
// comma-separated list of synonyms, returned with an empty label.
func ParseVocabularyEntry(entry string) (label string, terms []string) {
	head, rest, found := strings.Cut(entry, ":")
	if found && strings.ContainsFunc(head, unicode.IsLetter) && !strings.Contains(rest, "//") {
		if terms = splitList(rest); len(terms) > 0 {
			return strings.Join(strings.Fields(head), " "), terms
		}
	}
	return "", splitList(entry)
}

// VocabularyTerms returns the words and phrases of a vocabulary, theme
// labels left out: what a reader should prefer.
func VocabularyTerms(entries []string) []string {
	var out []string
	for _, e := range entries {
		_, terms := ParseVocabularyEntry(e)
		out = append(out, terms...)
	}
	return out
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}
