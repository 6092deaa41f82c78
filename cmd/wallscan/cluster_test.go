package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestClusterJSON(t *testing.T) {
	in := strings.Join([]string{
		`{"id": "a", "text": "AVG maakt delen lastig"}`,
		`{"id": "b", "text": "privacy officer zegt nee", "color": "pink"}`,
		``,
		`{"id": "c", "text": "mainframe uit 1985", "x": 0.1, "y": 0.2, "photo": "w.jpg"}`,
		`{"id": "d", "text": "COBOL kennis verdwijnt", "x": 0.15, "y": 0.2, "photo": "w.jpg"}`,
		`{"id": "e", "text": "de het een"}`,
	}, "\n")
	code, stdout, stderr := runCmd(t, in, "cluster", "--json")
	if code != 0 {
		t.Fatalf("exit code %d, stderr %q", code, stderr)
	}
	var out struct {
		Clusters []struct {
			ID       string   `json:"id"`
			Label    string   `json:"label"`
			Keywords []string `json:"keywords"`
			Notes    []string `json:"notes"`
			Unsorted bool     `json:"unsorted"`
		} `json:"clusters"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("stdout is no JSON document: %v\n%s", err, stdout)
	}
	where := map[string]string{}
	for i, c := range out.Clusters {
		if got, want := c.ID, fmt.Sprintf("c%d", i+1); got != want {
			t.Errorf("cluster id %q, want %q", got, want)
		}
		if c.Label == "" || c.Keywords == nil {
			t.Errorf("cluster %s: label %q keywords %v", c.ID, c.Label, c.Keywords)
		}
		for _, n := range c.Notes {
			where[n] = c.ID
		}
	}
	if len(where) != 5 {
		t.Errorf("%d notes in clusters, want 5: %s", len(where), stdout)
	}
	if where["a"] != where["b"] || where["c"] != where["d"] || where["a"] == where["c"] {
		t.Errorf("notes grouped as %v, want a+b and c+d apart", where)
	}
}

func TestClusterEmptyInput(t *testing.T) {
	code, stdout, stderr := runCmd(t, "", "cluster", "--json")
	if code != 0 {
		t.Fatalf("exit code %d, stderr %q", code, stderr)
	}
	if got, want := strings.Join(strings.Fields(stdout), ""), `{"clusters":[]}`; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}

func TestClusterBadInput(t *testing.T) {
	long := strings.Repeat("x", MaxClusterLine)
	tests := []struct {
		name, in, want string
	}{
		{"not JSON", "{\"id\":\"a\",\"text\":\"x\"}\nhello", "line 2: not a JSON note object"},
		{"unknown field", `{"id":"a","text":"x","txt":"y"}`, `line 1: not a JSON note object (json: unknown field "txt")`},
		{"missing id", `{"text":"x"}`, `line 1: "id" is missing`},
		{"missing text", `{"id":"a"}`, `line 1: "text" is missing`},
		{"duplicate id", "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"a\",\"text\":\"y\"}", `line 2: id "a" was already used on line 1`},
		{"text too long", `{"id":"a","text":"` + strings.Repeat("x", 2001) + `"}`, "line 1: \"text\" is 2001 bytes, more than 2000 (MaxNoteText)"},
		{"line too long", `{"id":"a","text":"` + long + `"}`, fmt.Sprintf("line 1 is longer than %d bytes (MaxClusterLine)", MaxClusterLine)},
		{"half a position", `{"id":"a","text":"x","x":0.5}`, `line 1: give both "x" and "y"`},
		{"bad colour", `{"id":"a","text":"x","color":"mauve"}`, `line 1: "color" "mauve" is not one of`},
		{"two values", `{"id":"a","text":"x"} {"id":"b","text":"y"}`, "line 1: more than one JSON value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, tt.in, "cluster", "--json")
			if code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want it to say %q", stderr, tt.want)
			}
		})
	}
}

func TestClusterVocabularyAndText(t *testing.T) {
	in := "{\"id\":\"a\",\"text\":\"Suwinet is traag\"}\n{\"id\":\"b\",\"text\":\"geen toegang tot inkomensportaal\"}\n"
	code, stdout, stderr := runCmd(t, in, "cluster", "--vocab", "Suwinet, inkomensportaal")
	if code != 0 {
		t.Fatalf("exit code %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "c1  ") || !strings.Contains(stdout, "notes: a b") {
		t.Errorf("text output %q, want a and b in c1", stdout)
	}
}

// TestClusterUnknownWords: --unknown lists the words the grouping does not
// know, in JSON and text, and the vocabulary teaches them.
func TestClusterUnknownWords(t *testing.T) {
	in := strings.Join([]string{
		`{"id": "a", "text": "Pluvius kent geen koppeling"}`,
		`{"id": "b", "text": "gegevens uit Pluvius overtypen"}`,
		`{"id": "c", "text": "AVG maakt delen lastig"}`,
	}, "\n")
	code, stdout, stderr := runCmd(t, in, "cluster", "--json", "--unknown")
	if code != 0 {
		t.Fatalf("exit code %d, stderr %q", code, stderr)
	}
	var out struct {
		Unknown []struct {
			Word    string `json:"word"`
			Notes   int    `json:"notes"`
			Example string `json:"example"`
		} `json:"unknown_words"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("stdout is no JSON document: %v\n%s", err, stdout)
	}
	if len(out.Unknown) != 1 || out.Unknown[0].Word != "Pluvius" || out.Unknown[0].Notes != 2 || out.Unknown[0].Example != "Pluvius kent geen koppeling" {
		t.Errorf("unknown_words = %+v, want Pluvius on 2 notes", out.Unknown)
	}

	code, stdout, stderr = runCmd(t, in, "cluster", "--json", "--unknown", "--vocab", "Pluvius")
	if code != 0 {
		t.Fatalf("exit code %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, `"unknown_words": []`) {
		t.Errorf("with Pluvius in the vocabulary stdout = %s, want an empty unknown_words", stdout)
	}
	code, stdout, _ = runCmd(t, in, "cluster", "--json")
	if code != 0 || strings.Contains(stdout, "unknown_words") {
		t.Errorf("without --unknown: exit %d, stdout %s; want no unknown_words", code, stdout)
	}
	code, stdout, _ = runCmd(t, in, "cluster", "--unknown")
	if code != 0 || !strings.Contains(stdout, "Pluvius (2)") {
		t.Errorf("text output %q, want Pluvius (2) listed", stdout)
	}
}
