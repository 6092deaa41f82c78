package dashboard_test

import (
	"net/http"
	"testing"

	"wallscan"
)

func TestSmokeProcessedWall(t *testing.T) {
	e := newEnv(t)
	w := e.workshop("Smoke")
	p := e.processedWall(w)
	s := e.login()
	rec := e.do(s, "GET", "/api/v1/workshops/"+itoa(w.ID)+"/notes", nil, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var notes []wallscan.Note
	decode(t, rec, &notes)
	if got, want := len(notes), 6; got != want {
		t.Fatalf("notes = %d, want %d", got, want)
	}
	t.Logf("photo %+v", p)
	for _, n := range notes {
		t.Logf("note %d %s %q cluster %d", n.Index, n.Color, n.Text, n.ClusterID)
	}
}
