package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"wallscan"
	"wallscan/cluster"
)

// FuzzClusterInput feeds arbitrary stdin to the JSON-lines reader of
// `wallscan cluster` and what it accepts to the real grouper. The reader
// must refuse bad input with EINVALID and a message that names the line,
// or return notes within the named limits, with unique keys; the grouper
// must then place every note in exactly one group.
//
//	go test -run='^$' -fuzz=FuzzClusterInput -fuzztime=3m ./cmd/wallscan
func FuzzClusterInput(f *testing.F) {
	for _, s := range []string{
		`{"id":"a#1","text":"AVG maakt delen lastig","x":0.1,"y":0.2,"photo":"a","color":"yellow","neighbours":["a#2"]}` + "\n" +
			`{"id":"a#2","text":"grondslag ontbreekt","x":0.2,"y":0.2,"photo":"a"}` + "\n",
		`{"id":"1","text":"een"}` + "\r\n\r\n" + `{"id":"2","text":"twee"}`,
		`{"id":"1","text":"een"}` + "\n" + `{"id":"1","text":"nog eens"}`,
		`{"id":"","text":"x"}`, `{"id":"x"}`, `{"id":"x","text":"y","x":1}`, `{"id":"x","text":"y","x":1,"y":"2"}`,
		`{"id":"x","text":"y","color":"teal"}`, `{"id":"x","text":"y","kleur":"geel"}`, `{"id":"x","text":"y"} {"id":"z","text":"w"}`,
		`{"id":"` + strings.Repeat("k", 201) + `","text":"x"}`, `{"id":"x","text":"` + strings.Repeat("t", 2001) + `"}`,
		strings.Repeat("a", MaxClusterLine+1), "[1,2,3]", "null", "", "\n\n\n", "\xff\xfe",
	} {
		f.Add([]byte(s))
	}
	g := cluster.New(cluster.Options{})
	f.Fuzz(func(t *testing.T, in []byte) {
		notes, err := readClusterNotes(bytes.NewReader(in))
		if err != nil {
			if got, want := wallscan.ErrorCode(err), wallscan.EINVALID; got != want {
				t.Fatalf("code %q, want %q (%v)", got, want, err)
			}
			if msg := wallscan.ErrorMessage(err); !strings.HasPrefix(msg, "line ") {
				t.Fatalf("message %q does not name the line", msg)
			}
			return
		}
		keys := map[string]bool{}
		for _, n := range notes {
			switch {
			case n.Key == "" || len(n.Key) > cluster.MaxKey:
				t.Fatalf("accepted key %q", n.Key)
			case keys[n.Key]:
				t.Fatalf("accepted key %q twice", n.Key)
			case len(n.Text) > wallscan.MaxNoteText:
				t.Fatalf("accepted a text of %d bytes", len(n.Text))
			case n.Color != "" && !n.Color.Valid():
				t.Fatalf("accepted colour %q", n.Color)
			}
			keys[n.Key] = true
		}
		groups, err := g.Group(context.Background(), wallscan.GroupRequest{Notes: notes})
		if err != nil {
			t.Fatalf("the grouper refused what the reader accepted: %v", err)
		}
		for _, gr := range groups {
			for _, k := range gr.Notes {
				if !keys[k] {
					t.Fatalf("note %q is in no group or in two", k)
				}
				delete(keys, k)
			}
		}
		if len(keys) > 0 {
			t.Fatalf("%d notes in no group", len(keys))
		}
	})
}
