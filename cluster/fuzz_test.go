package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"wallscan"
)

// fuzzNote is one JSON line of `wallscan cluster` input.
type fuzzNote struct {
	ID         string   `json:"id"`
	Text       string   `json:"text"`
	X          *float64 `json:"x"`
	Y          *float64 `json:"y"`
	Photo      string   `json:"photo"`
	Color      string   `json:"color"`
	Neighbours []string `json:"neighbours"`
}

// FuzzGroup feeds the grouper what `wallscan cluster` and the server feed
// it: JSON lines of notes (any text, positions, photos, neighbours that may
// name no note), a workshop vocabulary, and a locked cluster with a pinned
// note. Every request must either be refused with EINVALID and a message,
// or come back with every note in exactly one group, the facilitator's
// locked group intact, and the same groups on a second run.
//
//	go test -run='^$' -fuzz=FuzzGroup -fuzztime=3m ./cluster
func FuzzGroup(f *testing.F) {
	seeds := []struct {
		lines  string
		vocab  string
		curate uint8
	}{
		{`{"id":"a#1","text":"AVG maakt gegevens delen lastig","x":0.1,"y":0.2,"photo":"a","color":"yellow","neighbours":["a#2"]}
{"id":"a#2","text":"grondslag voor uitwisseling ontbreekt","x":0.15,"y":0.22,"photo":"a","neighbours":["a#1"]}
{"id":"b#1","text":"privacy officer zegt nee","x":0.8,"y":0.5,"photo":"b"}
{"id":"b#2","text":"systemen praten niet met elkaar","photo":"b","color":"blue"}
{"id":"b#3","text":"legacy systeem, geen koppeling","photo":"b"}
{"id":"c","text":"koffie"}`, "AVG, privacywet", 2},
		{`{"id":"1","text":""}
{"id":"2","text":"   "}
{"id":"3","text":"ééé ß ∑ 🙂 \u0000"}`, "", 1},
		{`{"id":"x","text":"data kwaliteit slecht","neighbours":["x","nobody",""]}
{"id":"y","text":"datakwaliteit is slecht","x":1e308,"y":-1e308}`, "datakwaliteit", 0},
		{`{"id":"dup","text":"een"}
{"id":"dup","text":"twee"}`, "", 0},
		{`{"id":"","text":"geen sleutel"}`, "", 3},
		{"not json at all\n{\n}", ",,,", 1},
	}
	for _, s := range seeds {
		f.Add([]byte(s.lines), s.vocab, s.curate)
	}
	g := New(Options{})
	f.Fuzz(func(t *testing.T, lines []byte, vocab string, curate uint8) {
		req := wallscan.GroupRequest{Pins: map[string]string{}}
		for _, line := range bytes.Split(lines, []byte("\n")) {
			var n fuzzNote
			if json.Unmarshal(line, &n) != nil {
				continue
			}
			gn := wallscan.GroupNote{Key: n.ID, Text: n.Text, Photo: n.Photo, Color: wallscan.Color(n.Color), Neighbours: n.Neighbours}
			if n.X != nil && n.Y != nil {
				gn.X, gn.Y, gn.HasPosition = *n.X, *n.Y, true
			}
			req.Notes = append(req.Notes, gn)
		}
		if vocab != "" {
			req.Vocabulary = bytes2strings(bytes.Split([]byte(vocab), []byte(";")))
		}
		// Every curate-th note goes to a locked group; the first of them is pinned.
		var locked []string
		if curate > 0 {
			for i := 0; i < len(req.Notes); i += int(curate) {
				locked = append(locked, req.Notes[i].Key)
			}
			req.Curated = []wallscan.Group{{Key: "c1", Label: "Vastgezet door de facilitator", Notes: locked, Locked: true, Renamed: true}}
			if len(locked) > 0 {
				req.Pins[locked[0]] = "c1"
			}
		}

		groups, err := g.Group(context.Background(), req)
		if err != nil {
			if got, want := wallscan.ErrorCode(err), wallscan.EINVALID; got != want {
				t.Fatalf("code %q, want %q (%v)", got, want, err)
			}
			if wallscan.ErrorMessage(err) == "" {
				t.Fatal("error without a message")
			}
			return
		}
		want := map[string]int{}
		for _, n := range req.Notes {
			want[n.Key] = 0
		}
		for _, gr := range groups {
			if gr.Key == "" {
				t.Fatalf("group %q has no key", gr.Label)
			}
			for _, k := range gr.Notes {
				seen, ok := want[k]
				if !ok {
					t.Fatalf("group %q holds note %q, which was not asked for", gr.Key, k)
				}
				if seen > 0 {
					t.Fatalf("note %q is in two groups", k)
				}
				want[k] = seen + 1
			}
		}
		for k, seen := range want {
			if seen != 1 {
				t.Fatalf("note %q is in no group", k)
			}
		}
		if curate > 0 {
			var c1 *wallscan.Group
			for i := range groups {
				if groups[i].Key == "c1" {
					c1 = &groups[i]
				}
			}
			if c1 == nil {
				t.Fatal("the locked group c1 is gone")
			}
			if c1.Label != "Vastgezet door de facilitator" || !c1.Locked {
				t.Fatalf("locked group came back as %q locked=%v", c1.Label, c1.Locked)
			}
			in := map[string]bool{}
			for _, k := range c1.Notes {
				in[k] = true
			}
			for _, k := range locked {
				if _, asked := want[k]; asked && !in[k] {
					t.Fatalf("note %q was taken out of the locked group", k)
				}
			}
		}
		again, err := g.Group(context.Background(), req)
		if err != nil {
			t.Fatalf("second run: %v", err)
		}
		if !reflect.DeepEqual(groups, again) {
			t.Fatalf("the same request gave different groups:\n%v\n%v", groups, again)
		}
	})
}

func bytes2strings(bs [][]byte) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = string(b)
	}
	return out
}
