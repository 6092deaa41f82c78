package store

import (
	"context"
	"strings"
	"testing"

	"wallscan"
	"wallscan/store/storetest"
)

func TestJoinCodes(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	seen := map[string]bool{}
	var ws []*wallscan.Workshop
	for i := range 50 {
		w := storetest.MustWorkshop(t, db, "w")
		ws = append(ws, w)
		if got, want := len(w.JoinCode), JoinCodeLen; got != want {
			t.Fatalf("join code %q has %d symbols, want %d", w.JoinCode, got, want)
		}
		for _, r := range w.JoinCode {
			if !strings.ContainsRune(JoinCodeAlphabet, r) {
				t.Fatalf("join code %q has %q, not in the alphabet", w.JoinCode, r)
			}
		}
		if seen[w.JoinCode] {
			t.Fatalf("workshop %d got join code %q twice", i, w.JoinCode)
		}
		seen[w.JoinCode] = true
	}
	for _, c := range "0O1I" {
		if strings.ContainsRune(JoinCodeAlphabet, c) {
			t.Errorf("alphabet holds ambiguous %q", c)
		}
	}

	w := ws[0]
	code := strings.ToLower(w.JoinCode[:3]) + "-" + w.JoinCode[3:]
	got, err := db.WorkshopByJoinCode(ctx, code)
	if err != nil {
		t.Fatalf("WorkshopByJoinCode(%q): %v", code, err)
	}
	if got.ID != w.ID {
		t.Errorf("WorkshopByJoinCode = %d, want %d", got.ID, w.ID)
	}
	for _, c := range []string{"", "ABC", "ZZZZZZZZZZ", "'; DROP TABLE workshops; --"} {
		_, err := db.WorkshopByJoinCode(ctx, c)
		storetest.WantCode(t, err, wallscan.ENOTFOUND)
	}

	renewed, err := db.RenewJoinCode(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if renewed == w.JoinCode {
		t.Errorf("RenewJoinCode kept %q", renewed)
	}
	_, err = db.WorkshopByJoinCode(ctx, w.JoinCode)
	storetest.WantCode(t, err, wallscan.ENOTFOUND)
	if got, err := db.WorkshopByJoinCode(ctx, renewed); err != nil || got.ID != w.ID {
		t.Errorf("WorkshopByJoinCode(renewed) = %v, %v", got, err)
	}
	_, err = db.RenewJoinCode(ctx, 99999)
	storetest.WantCode(t, err, wallscan.ENOTFOUND)
}

func TestVocabularyLimit(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	w := &wallscan.Workshop{Title: "t", Vocabulary: make([]string, MaxVocabulary+1)}
	storetest.WantCode(t, db.CreateWorkshop(ctx, w), wallscan.EINVALID)
	w.Vocabulary = w.Vocabulary[:MaxVocabulary]
	if err := db.CreateWorkshop(ctx, w); err != nil {
		t.Errorf("vocabulary at the limit: %v", err)
	}
}
