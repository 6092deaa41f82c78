package dashboard_test

import (
	"context"
	"fmt"
	"image/color"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"wallscan"
)

// samePlaceMatcher stands in for capture's matcher (OpenCV is not the
// dashboard's business): the test walls are drawn without perspective, so
// a note of a later shot is the same note as an earlier one exactly when
// its outline is the same.
type samePlaceMatcher struct{}

func (samePlaceMatcher) MatchShot(_ context.Context, shot wallscan.Shot, earlier []wallscan.Shot) ([]wallscan.DuplicateNote, error) {
	var out []wallscan.DuplicateNote
	for i, n := range shot.Segmentation.Notes {
	shots:
		for s, e := range earlier {
			for j, o := range e.Segmentation.Notes {
				if o.Polygon == n.Polygon {
					out = append(out, wallscan.DuplicateNote{Note: i, OfShot: s, OfNote: j})
					break shots
				}
			}
		}
	}
	return out, nil
}

// TestDuplicatesCountOnce: a second, overlapping shot of a wall shows the
// notes it shares with the first as duplicates of them, and the review
// list, the clusters and the report count each note once; a photo of
// another wall is never matched, even when it looks the same.
func TestDuplicatesCountOnce(t *testing.T) {
	e := newEnv(t)
	e.proc.Pipeline.Matcher = samePlaceMatcher{}
	s := e.login()
	w := e.workshop("Dubbel")
	first := e.processedWall(w) // wall "Muur A", six notes

	// The second shot overlaps the first: three notes are the same, two
	// are new (their widths are unique, so the reader tells them apart).
	shared, fresh := secondShot()
	upload := func(wall string, notes []testNote) *wallscan.Photo {
		t.Helper()
		data := e.drawWall(notes)
		p := &wallscan.Photo{WorkshopID: w.ID, Wall: wall, Filename: "shot.jpg", ContentType: "image/jpeg", Size: int64(len(data))}
		if err := e.db.AddPhoto(context.Background(), p, data); err != nil {
			t.Fatal(err)
		}
		if p = e.waitPhoto(p.ID); p.Status != wallscan.PhotoDone {
			t.Fatalf("photo %d: %s %s", p.ID, p.Status, p.Error)
		}
		return p
	}
	second := upload(" muur a", append(append([]testNote{}, shared...), fresh...))
	// The same wall again, named as another one: not matched.
	other := upload("Muur B", wallNotes())

	notesOf := func(photoID int64) []wallscan.Note {
		t.Helper()
		rec := e.do(s, "GET", fmt.Sprintf("/api/v1/workshops/%d/notes?photo=%d", w.ID, photoID), nil, "")
		if rec.Code != http.StatusOK {
			t.Fatalf("notes: %d %s", rec.Code, rec.Body)
		}
		var ns []wallscan.Note
		decode(t, rec, &ns)
		return ns
	}
	firstNotes := notesOf(first.ID)
	byPlace := map[wallscan.Quad]int64{}
	for _, n := range firstNotes {
		byPlace[n.Polygon] = n.ID
	}
	dups := map[int64]bool{}
	for _, n := range notesOf(second.ID) {
		want := byPlace[n.Polygon] // 0 for the new notes
		if n.DuplicateOf != want {
			t.Errorf("second shot, note %d: duplicate_of = %d, want %d", n.Index, n.DuplicateOf, want)
		}
		if want == 0 {
			if !n.Read || n.Text == "" {
				t.Errorf("second shot, new note %d was not read: %+v", n.Index, n)
			}
			continue
		}
		dups[n.ID] = true
		if n.DuplicateOfPhoto != first.ID || n.Read || n.Text != "" || n.Review {
			t.Errorf("second shot, duplicate %d: photo %d, read %v, text %q, review %v; want photo %d, not read",
				n.Index, n.DuplicateOfPhoto, n.Read, n.Text, n.Review, first.ID)
		}
	}
	if got, want := len(dups), len(shared); got != want {
		t.Fatalf("%d duplicates on the second shot, want %d", got, want)
	}
	if got, want := [2]int{second.NotesFound, second.NotesRead}, [2]int{len(fresh), len(fresh)}; got != want {
		t.Errorf("second shot: notes found, read = %v, want %v (its new notes)", got, want)
	}
	for _, n := range notesOf(other.ID) {
		if n.DuplicateOf != 0 {
			t.Errorf("a photo of another wall has duplicate %+v", n)
		}
	}

	// Clusters and the report hold every physical note once.
	var clusters []wallscan.Cluster
	decode(t, e.do(s, "GET", fmt.Sprintf("/api/v1/workshops/%d/clusters", w.ID), nil, ""), &clusters)
	grouped := 0
	for _, c := range clusters {
		for _, id := range c.NoteIDs {
			grouped++
			if dups[id] {
				t.Errorf("cluster %q holds duplicate %d", c.Label, id)
			}
		}
	}
	want := len(wallNotes()) + len(fresh) + len(wallNotes())
	if grouped != want {
		t.Errorf("clusters hold %d notes, want %d", grouped, want)
	}
	var rep struct {
		NoteCount int `json:"note_count"`
		Clusters  []struct {
			Count int `json:"count"`
			Notes []struct {
				ID int64 `json:"id"`
			} `json:"notes"`
		} `json:"clusters"`
	}
	decode(t, e.do(s, "GET", fmt.Sprintf("/api/v1/workshops/%d/report", w.ID), nil, ""), &rep)
	counted := 0
	for _, c := range rep.Clusters {
		counted += c.Count
		for _, n := range c.Notes {
			if dups[n.ID] {
				t.Errorf("the report lists duplicate %d", n.ID)
			}
		}
	}
	if rep.NoteCount != want || counted != want {
		t.Errorf("report: note_count %d, clusters count %d; want %d", rep.NoteCount, counted, want)
	}
}

func green() color.RGBA { return color.RGBA{60, 170, 80, 255} }

// secondShot is a photo that overlaps the standard wall: its first three
// notes, and two new ones.
func secondShot() (shared, fresh []testNote) {
	return wallNotes()[:3], []testNote{
		{120, 300, 170, 150, green(), "budget volgt de wet niet", false},
		{420, 300, 210, 150, green(), "niemand is eigenaar van de keten", false},
	}
}

// TestBrowserDuplicates: a participant sends the second shot of a wall
// at the kiosk and sees which notes are already on the earlier photo; the
// facilitator's wall view outlines them apart and leads to that photo, in
// Dutch and English, and the review list leaves them out.
func TestBrowserDuplicates(t *testing.T) {
	e := newEnv(t)
	e.proc.Pipeline.Matcher = samePlaceMatcher{}
	ts := e.listen()
	w := e.workshop("Dubbel in de browser")
	first := e.processedWall(w)
	shared, fresh := secondShot()
	photoFile := filepath.Join(t.TempDir(), "muur-a-rechts.jpg")
	if err := os.WriteFile(photoFile, e.drawWall(append(append([]testNote{}, shared...), fresh...)), 0o644); err != nil {
		t.Fatal(err)
	}
	shots := &shooter{t: t, dir: filepath.Join(moduleRoot(t), "testout", "screenshots")}
	if err := os.MkdirAll(shots.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	url := func(p string) string { return ts.URL + p }
	ws := fmt.Sprint(w.ID)

	do(t, ctx, "open kiosk", chromedp.Navigate(url("/k/"+w.JoinCode)), chromedp.WaitVisible("#start-camera"))
	do(t, ctx, "choose wall and photo", chromedp.SetValue("#wall", "Muur A"), chromedp.SetUploadFiles("#file", []string{photoFile}))
	poll(t, ctx, "five outlines, two texts to fix", `document.querySelectorAll("#kiosk-wall polygon.line").length === 5 &&
		[...document.querySelectorAll("#texts textarea")].filter(t => t.value).length === 2 &&
		document.getElementById("status").textContent === "Klaar"`)
	if got, want := eval[int](t, ctx, `document.querySelectorAll("#kiosk-wall .note-outline.duplicate").length`), len(shared); got != want {
		t.Errorf("kiosk: %d outlines marked duplicate, want %d", got, want)
	}
	if got, want := eval[string](t, ctx, `document.getElementById("count").textContent`), "5 notities gevonden (waarvan 3 al op een eerdere foto)"; got != want {
		t.Errorf("kiosk count = %q, want %q", got, want)
	}
	if got, want := eval[int](t, ctx, `document.querySelectorAll("#texts li.duplicate").length`), len(shared); got != want {
		t.Errorf("kiosk: %d notes listed as already on an earlier photo, want %d", got, want)
	}
	shots.shoot(ctx, "kiosk-duplicates")

	ps, err := e.db.Photos(context.Background(), w.ID)
	if err != nil || len(ps) != 2 {
		t.Fatalf("photos: %v %v", ps, err)
	}
	second := ps[1].ID

	do(t, ctx, "log in", chromedp.Navigate(url("/workshops/"+ws+"/wall?photo="+fmt.Sprint(second))), chromedp.WaitVisible("#password"),
		chromedp.SendKeys("#password", testPassword), chromedp.Click(`#login-form button[type=submit]`),
		chromedp.WaitVisible("#wall"))
	poll(t, ctx, "outlines", `document.querySelectorAll("#wall polygon.line").length === 5 &&
		document.querySelectorAll("#wall .note-outline.duplicate").length === 3`)
	label := eval[string](t, ctx, `document.querySelector("#wall .note-outline.duplicate").getAttribute("aria-label")`)
	if want := "al op foto Muur A · "; !strings.Contains(label, want) {
		t.Errorf("a duplicate's label = %q, want it to say %q", label, want)
	}
	// Its dashed line: the outline is drawn apart from the others.
	if got := eval[string](t, ctx, `getComputedStyle(document.querySelector("#wall .note-outline.duplicate .line")).strokeDasharray`); got == "none" || got == "" {
		t.Errorf("a duplicate's outline is not dashed (stroke-dasharray %q)", got)
	}
	do(t, ctx, "click a duplicate", chromedp.Click(`#wall .note-outline.duplicate polygon.line`))
	poll(t, ctx, "the way to the first photo", `!!document.querySelector("#note-detail button.primary") && !document.getElementById("detail-text")`)
	shots.shoot(ctx, "wall-duplicates")
	do(t, ctx, "go there", chromedp.Click(`#note-detail button.primary`))
	poll(t, ctx, "the first photo", `location.search === "?photo=`+fmt.Sprint(first.ID)+`" &&
		document.querySelectorAll("#wall polygon.line").length === 6 && !document.querySelector("#wall .note-outline.duplicate")`)

	do(t, ctx, "review", chromedp.Navigate(url("/workshops/"+ws+"/review")))
	poll(t, ctx, "review list", `document.querySelectorAll("#review-list input").length === 8`)
	do(t, ctx, "board", chromedp.Navigate(url("/workshops/"+ws+"/board")))
	poll(t, ctx, "board cards", `document.querySelectorAll(".card").length === 8`)

	do(t, ctx, "wall in English", chromedp.Navigate(url("/workshops/"+ws+"/wall?lang=en&photo="+fmt.Sprint(second))))
	poll(t, ctx, "English outlines", `document.querySelectorAll("#wall .note-outline.duplicate").length === 3`)
	if label := eval[string](t, ctx, `document.querySelector("#wall .note-outline.duplicate").getAttribute("aria-label")`); !strings.Contains(label, "already on photo Muur A") {
		t.Errorf("English label = %q, want it to say %q", label, "already on photo Muur A")
	}
}
