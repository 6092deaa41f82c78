package store

import (
	"context"
	"strings"
	"testing"

	"wallscan"
)

func TestWorkshops(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	a := mustWorkshop(t, db, "Ketenoverleg")
	b := mustWorkshop(t, db, "Toezicht")

	if a.ID == 0 || a.CreatedAt.IsZero() {
		t.Fatalf("CreateWorkshop left ID or CreatedAt unset: %+v", a)
	}
	got, err := db.Workshop(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != a.Title || got.Case != a.Case || got.Date != a.Date || len(got.Legend) != 1 ||
		got.Legend[0] != a.Legend[0] || !got.CreatedAt.Equal(a.CreatedAt) {
		t.Errorf("Workshop = %+v, want %+v", got, a)
	}
	_, err = db.Workshop(ctx, 9999)
	wantCode(t, err, wallscan.ENOTFOUND)

	all, err := db.Workshops(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(all), 2; got != want {
		t.Fatalf("Workshops = %d, want %d", got, want)
	}
	if all[0].ID != b.ID {
		t.Errorf("Workshops()[0] = %d, want newest %d", all[0].ID, b.ID)
	}

	title, vocab := "Ketenoverleg 2", []string{"AVG", "ketenpartners"}
	u, err := db.UpdateWorkshop(ctx, a.ID, wallscan.WorkshopUpdate{Title: &title, Vocabulary: &vocab})
	if err != nil {
		t.Fatal(err)
	}
	if u.Title != title || len(u.Vocabulary) != 2 || u.Case != a.Case {
		t.Errorf("UpdateWorkshop = %+v", u)
	}
	got, _ = db.Workshop(ctx, a.ID)
	if got.Title != title || strings.Join(got.Vocabulary, ",") != "AVG,ketenpartners" {
		t.Errorf("stored update = %+v", got)
	}
}

func TestWorkshopInvalid(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	w := mustWorkshop(t, db, "ok")
	long := strings.Repeat("x", wallscan.MaxTitle+1)
	bad := wallscan.Color("magenta")
	for _, tc := range []struct {
		name string
		w    wallscan.Workshop
	}{
		{"no title", wallscan.Workshop{}},
		{"long title", wallscan.Workshop{Title: long}},
		{"bad date", wallscan.Workshop{Title: "t", Date: "29-11-2026"}},
		{"bad colour", wallscan.Workshop{Title: "t", Legend: []wallscan.Perspective{{Color: bad, Name: "x"}}}},
		{"long term", wallscan.Workshop{Title: "t", Vocabulary: []string{long}}},
		{"many terms", wallscan.Workshop{Title: "t", Vocabulary: make([]string, MaxVocabulary+1)}},
		{"bad utf8", wallscan.Workshop{Title: "t\xff"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w2 := tc.w
			wantCode(t, db.CreateWorkshop(ctx, &w2), wallscan.EINVALID)
		})
	}
	empty := ""
	_, err := db.UpdateWorkshop(ctx, w.ID, wallscan.WorkshopUpdate{Title: &empty})
	wantCode(t, err, wallscan.EINVALID)
	_, err = db.UpdateWorkshop(ctx, 12345, wallscan.WorkshopUpdate{})
	wantCode(t, err, wallscan.ENOTFOUND)
}

func TestJoinCodes(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	seen := map[string]bool{}
	var ws []*wallscan.Workshop
	for i := range 50 {
		w := mustWorkshop(t, db, "w")
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
		wantCode(t, err, wallscan.ENOTFOUND)
	}

	renewed, err := db.RenewJoinCode(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if renewed == w.JoinCode {
		t.Errorf("RenewJoinCode kept %q", renewed)
	}
	_, err = db.WorkshopByJoinCode(ctx, w.JoinCode)
	wantCode(t, err, wallscan.ENOTFOUND)
	if got, err := db.WorkshopByJoinCode(ctx, renewed); err != nil || got.ID != w.ID {
		t.Errorf("WorkshopByJoinCode(renewed) = %v, %v", got, err)
	}
	_, err = db.RenewJoinCode(ctx, 99999)
	wantCode(t, err, wallscan.ENOTFOUND)
}
