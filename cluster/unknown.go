package cluster

import (
	"context"
	"sort"

	"wallscan"
)

// Limits of UnknownWords.
const (
	// MinUnknownNotes is the fewest notes that must use a word before it is
	// suggested: a word on one note links it to nothing.
	MinUnknownNotes = 2
	// MaxUnknownWords is the most words suggested at once.
	MaxUnknownWords = 40
)

var _ wallscan.VocabularyAdvisor = (*Grouper)(nil)

// UnknownWords lists the words of req's notes that neither the lexicon nor
// req.Vocabulary knows, whole or by a compound part, and that at least
// MinUnknownNotes notes use: the names of systems, forms and apps and the
// local jargon that no lexicon holds. Most used first, then in alphabetical
// order, at most MaxUnknownWords. Stop words, numbers, words that say
// little and words of fewer than three letters (abbreviations of two
// capitals excepted) are left out. Words are counted by stem, so
// "appgroep" and "appgroepen" are one word, and a misreading counts as
// the word it was corrected to, as in Group. EINVALID as Group.
func (g *Grouper) UnknownWords(ctx context.Context, req wallscan.GroupRequest) ([]wallscan.UnknownWord, error) {
	if err := validate(req); err != nil {
		return nil, err
	}
	if len(req.Notes) == 0 {
		return []wallscan.UnknownWord{}, nil
	}
	m := g.matcher(req.Vocabulary)
	an := analyse(req.Notes, m, newStemmer(), g.w)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	type tally struct {
		notes, first int
		forms        map[string]int
	}
	byStem := map[string]*tally{}
	for i := range an.notes {
		nt := &an.notes[i]
		seen := map[string]bool{}
		for j, s := range nt.stems {
			tk := nt.toks[j]
			short := len([]rune(tk.fold)) < 3 && !tk.abbrev
			if s == "" || nt.known[j] || short || weakWords[tk.fold] || isNumber(tk.fold) {
				continue
			}
			t := byStem[s]
			if t == nil {
				t = &tally{first: i, forms: map[string]int{}}
				byStem[s] = t
			}
			t.forms[tk.surface]++
			if !seen[s] {
				seen[s] = true
				t.notes++
			}
		}
	}
	out := []wallscan.UnknownWord{}
	for _, t := range byStem {
		if t.notes < MinUnknownNotes {
			continue
		}
		out = append(out, wallscan.UnknownWord{Word: heaviest(t.forms), Notes: t.notes, Example: req.Notes[t.first].Text})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Notes != out[j].Notes {
			return out[i].Notes > out[j].Notes
		}
		return out[i].Word < out[j].Word
	})
	if len(out) > MaxUnknownWords {
		out = out[:MaxUnknownWords]
	}
	return out, nil
}
