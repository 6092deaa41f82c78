package dashboard_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"wallscan"
)

// chromiumPath is Debian's Chromium, which the setup script installs.
const chromiumPath = "/usr/bin/chromium"

// newBrowser starts a headless Chromium with a fresh profile and a fake
// camera, and returns a tab's context.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		// The kiosk's camera: Chromium's synthetic test pattern, allowed without a prompt.
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// moduleRoot finds the directory of go.mod above the test's directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// shooter saves full-page screenshots at phone and desktop width.
type shooter struct {
	t   *testing.T
	dir string
}

// Viewports of the screenshots.
var viewports = []struct {
	name          string
	width, height int64
	mobile        bool
}{
	{"phone", 390, 844, true},
	{"desktop", 1366, 900, false},
}

func (s *shooter) shoot(ctx context.Context, name string) {
	s.t.Helper()
	for _, v := range viewports {
		var opts []chromedp.EmulateViewportOption
		if v.mobile {
			opts = append(opts, chromedp.EmulatePortrait, chromedp.EmulateMobile)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(v.width, v.height, opts...)); err != nil {
			s.t.Fatalf("viewport %s: %v", v.name, err)
		}
		// Let the page lay itself out (and lazy images load) at this width.
		if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.readyState === "complete" && [...document.images].every(i => i.complete) || null`,
			chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			s.t.Logf("screenshot %s-%s: images still loading: %v", name, v.name, err)
		}
		// Nothing sticks out sideways: a page scrolls only down.
		if wide := eval[int](s.t, ctx, `document.documentElement.scrollWidth`); wide > int(v.width) {
			s.t.Errorf("%s at %s width: the page is %d px wide, wider than the screen (%d)", name, v.name, wide, v.width)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			s.t.Fatalf("screenshot %s-%s: %v", name, v.name, err)
		}
		path := filepath.Join(s.dir, name+"-"+v.name+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			s.t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		s.t.Fatal(err)
	}
}

// poll waits until the JavaScript expression is truthy.
func poll(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(20*time.Second), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		var dump string
		dump, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 1500)`))
		t.Fatalf("waiting for %s: %v\npage: %s", what, err, dump)
	}
}

// stepTimeout bounds one browser step, so a selector that never matches
// fails the test instead of hanging it.
const stepTimeout = 20 * time.Second

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(tctx, steps...); err != nil {
		dump, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 1500)`))
		t.Fatalf("%s: %v\npage: %s", what, err, dump)
	}
}

func pressed(p *input.DispatchMouseEventParams) {
	p.Button = input.MouseButtonLeft
	p.Buttons = 1
	p.ClickCount = 1
}

// drag moves the mouse with the left button held from one point to another.
func drag(t *testing.T, ctx context.Context, from, to [2]float64) {
	t.Helper()
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MouseMoved, from[0], from[1]),
		chromedp.MouseEvent(chromedp.MousePressed, from[0], from[1], pressed)}
	for i := 1; i <= 10; i++ {
		x := from[0] + (to[0]-from[0])*float64(i)/10
		y := from[1] + (to[1]-from[1])*float64(i)/10
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, x, y, pressed))
	}
	steps = append(steps, chromedp.MouseEvent(chromedp.MouseReleased, to[0], to[1], pressed))
	do(t, ctx, "drag", steps...)
}

// TestBrowser drives the three roles through Chromium: the kiosk uploads a
// photo and fixes a reading, the director reads the report and downloads
// the PDF, the facilitator curates the board (drag, rename, lock, reload,
// re-group), and a revoked link is refused. Screenshots of every page go to
// testout/screenshots at phone and desktop width.
func TestBrowser(t *testing.T) {
	e := newEnv(t)
	ts := e.listen()
	w := e.workshop("Informatiedrempels Gemeente Testdorp")
	ctx0 := context.Background()
	link, err := e.db.CreateShareLink(ctx0, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	shots := &shooter{t: t, dir: filepath.Join(moduleRoot(t), "testout", "screenshots")}
	if err := os.MkdirAll(shots.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	photoFile := filepath.Join(t.TempDir(), "muur-a.jpg")
	if err := os.WriteFile(photoFile, e.drawWall(wallNotes()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	url := func(p string) string { return ts.URL + p }
	ws := fmt.Sprint(w.ID)

	t.Run("kiosk", func(t *testing.T) {
		do(t, ctx, "open kiosk", chromedp.Navigate(url("/k/"+w.JoinCode)), chromedp.WaitVisible("#start-camera"))
		shots.shoot(ctx, "kiosk-start")
		// By keyboard: from the wall field, Tab reaches the camera button and then the file picker.
		do(t, ctx, "tab to the file picker", chromedp.Focus("#wall"), chromedp.KeyEvent("\t"), chromedp.KeyEvent("\t"))
		if got, want := eval[string](t, ctx, `document.activeElement.id`), "file"; got != want {
			t.Errorf("two Tabs from the wall field reach %q, want %q", got, want)
		}
		do(t, ctx, "choose wall and photo", chromedp.SetValue("#wall", "Muur A"),
			chromedp.SetUploadFiles("#file", []string{photoFile}))
		poll(t, ctx, "six outlines and six texts", `document.querySelectorAll("#kiosk-wall polygon.line").length === 6 &&
			[...document.querySelectorAll("#texts textarea")].filter(t => t.value).length === 6 &&
			document.getElementById("status").textContent === "Klaar"`)
		texts := eval[[]string](t, ctx, `[...document.querySelectorAll("#texts textarea")].map(t => t.value)`)
		var want []string
		for _, n := range wallNotes() {
			want = append(want, n.text)
		}
		sort.Strings(texts)
		sort.Strings(want)
		if got, want := strings.Join(texts, "|"), strings.Join(want, "|"); got != want {
			t.Errorf("kiosk texts = %s, want %s", got, want)
		}
		if got, want := eval[string](t, ctx, `document.getElementById("count").textContent`), "6 notities gevonden"; got != want {
			t.Errorf("count = %q, want %q", got, want)
		}
		// The lamp's reflection on note 5 comes back as advice in words.
		if got, want := eval[string](t, ctx, `document.getElementById("advice").textContent`), "Schittering op 1 notitie: ga iets opzij staan."; got != want {
			t.Errorf("advice = %q, want %q", got, want)
		}
		// The outlines lie over the notes: the first one's box in photo pixels.
		if got, want := eval[string](t, ctx, `document.querySelector("#kiosk-wall polygon.line").getAttribute("points")`), "60,60 240,60 240,212 60,212"; got != want {
			t.Logf("first outline %s (drawn at %s)", got, want)
		}
		// Fix the reading of the note the reader was unsure of.
		do(t, ctx, "fix a text", chromedp.Click(`#texts li.review textarea`))
		eval[bool](t, ctx, `(() => { const ta = document.querySelector("#texts li.review textarea"); ta.value = "De CIO zit niet aan tafel"; ta.blur(); return true })()`)
		poll(t, ctx, "saved", `document.querySelector("#texts li.review .state").textContent === "Opgeslagen"`)
		shots.shoot(ctx, "kiosk-result")
		notes, err := e.db.Notes(ctx0, wallscan.NoteFilter{WorkshopID: w.ID})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, n := range notes {
			if n.Text == "De CIO zit niet aan tafel" && n.Edited {
				found = true
			}
		}
		if !found {
			t.Errorf("the kiosk's fix is not stored")
		}
		photos, _ := e.db.Photos(ctx0, w.ID)
		if len(photos) != 1 || photos[0].Wall != "Muur A" {
			t.Fatalf("photos after upload: %+v", photos)
		}

		// The live camera: Chromium's fake camera stands in for the tablet's.
		do(t, ctx, "retake with the camera", chromedp.Click("#retake"), chromedp.Click("#start-camera"))
		poll(t, ctx, "camera preview", `document.getElementById("preview").videoWidth > 0`)
		shots.shoot(ctx, "kiosk-camera")
		do(t, ctx, "shoot", chromedp.Click("#shutter"))
		poll(t, ctx, "camera photo sent", `!document.getElementById("result").hidden && /Klaar|Mislukt|Lezen|Groeperen|zoeken|wachtrij/.test(document.getElementById("status").textContent)`)
		photos, _ = e.db.Photos(ctx0, w.ID)
		if got, want := len(photos), 2; got != want {
			t.Fatalf("%d photos after the camera shot, want %d", got, want)
		}
		if got, want := photos[1].Wall, "Muur A"; got != want {
			t.Errorf("camera photo's wall = %q, want %q (retake keeps the wall)", got, want)
		}
		if got, want := photos[1].ContentType, "image/jpeg"; got != want {
			t.Errorf("camera photo is %s, want %s", got, want)
		}
		e.waitPhoto(photos[1].ID)
	})

	t.Run("director", func(t *testing.T) {
		do(t, ctx, "open report", chromedp.Navigate(url("/r/"+link.Token)), chromedp.WaitVisible(".report-doc"))
		if got, want := eval[int](t, ctx, `document.querySelectorAll(".report-note").length`), 6; got < want {
			t.Errorf("report shows %d notes, want at least %d", got, want)
		}
		if got := eval[string](t, ctx, `document.querySelector("h1").textContent`); got != w.Title {
			t.Errorf("report title = %q, want %q", got, w.Title)
		}
		poll(t, ctx, "crops loaded", `[...document.querySelectorAll(".report-note img")].every(i => i.complete && i.naturalWidth > 0)`)
		shots.shoot(ctx, "report")
		// As printed: the print style sheet hides the buttons and breaks pages.
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		if got := eval[string](t, ctx, `getComputedStyle(document.querySelector(".downloads")).display`); got != "none" {
			t.Errorf("downloads shown in print (display %q)", got)
		}
		shots.shoot(ctx, "report-print")
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""}); err != nil {
			t.Fatal(err)
		}

		dir := t.TempDir()
		if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir}); err != nil {
			t.Fatal(err)
		}
		do(t, ctx, "download pdf", chromedp.Click("#dl-pdf"))
		pdf := waitDownload(t, dir)
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("download is not a PDF: %q", pdf[:min(len(pdf), 20)])
		}
		if err := os.WriteFile(filepath.Join(shots.dir, "report.pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("facilitator", func(t *testing.T) {
		do(t, ctx, "open board without login", chromedp.Navigate(url("/workshops/"+ws+"/board")), chromedp.WaitVisible("#password"))
		shots.shoot(ctx, "login")
		do(t, ctx, "log in", chromedp.SendKeys("#password", testPassword), chromedp.Click(`#login-form button[type=submit]`),
			chromedp.WaitVisible("#board"))
		poll(t, ctx, "the board after login", `location.pathname === "/workshops/`+ws+`/board" && document.querySelectorAll(".column").length >= 3 && document.querySelectorAll(".card").length >= 6`)

		poll(t, ctx, "crops on the board", `[...document.querySelectorAll(".card img")].every(i => i.complete)`)
		// Each suggested cluster says why its notes are together; the
		// unsorted one does not.
		if got, want := eval[string](t, ctx, `[...document.querySelectorAll(".column")].find(c => c.querySelector(".label").textContent === "thema pink").querySelector(".col-why").textContent`), "pink"; got != want {
			t.Errorf("the pink cluster explains itself as %q, want %q (its keywords)", got, want)
		}
		if eval[bool](t, ctx, `document.querySelector(".column.unsorted .col-why") !== null`) {
			t.Error("the unsorted cluster claims a reason")
		}
		// Drag the note about the AVG to the cluster of the blue notes.
		pos := eval[[]float64](t, ctx, `(() => {
			const card = [...document.querySelectorAll(".card")].find(c => c.textContent.includes("AVG angst"));
			const col = [...document.querySelectorAll(".column")].find(c => c.querySelector(".label").textContent === "thema blue");
			const a = card.getBoundingClientRect(), b = col.querySelector(".cards").getBoundingClientRect();
			return [a.x + a.width / 2, a.y + 20, b.x + b.width / 2, b.y + 10];
		})()`)
		drag(t, ctx, [2]float64{pos[0], pos[1]}, [2]float64{pos[2], pos[3]})
		poll(t, ctx, "the card in the blue column", `[...document.querySelectorAll(".column")].some(c =>
			c.querySelector(".label").textContent === "thema blue" && c.textContent.includes("AVG angst"))`)

		// Rename and lock that cluster.
		do(t, ctx, "rename", chromedp.Click(`//section[contains(@class,"column")][.//span[@class="label" and text()="thema blue"]]//button[contains(@class,"rename")]`))
		do(t, ctx, "type label", chromedp.SendKeys(".rename-input", "Systemen en data\r"))
		poll(t, ctx, "renamed", `[...document.querySelectorAll(".column .label")].some(l => l.textContent === "Systemen en data")`)
		do(t, ctx, "lock", chromedp.Click(`//section[contains(@class,"column")][.//span[@class="label" and text()="Systemen en data"]]//button[contains(@class,"lock-toggle")]`))
		poll(t, ctx, "locked", `[...document.querySelectorAll(".column.locked .label")].some(l => l.textContent === "Systemen en data")`)

		survives := `[...document.querySelectorAll(".column.locked")].some(c =>
			c.querySelector(".label").textContent === "Systemen en data" && c.textContent.includes("AVG angst") &&
			c.textContent.includes("systemen praten niet"))`
		do(t, ctx, "reload", chromedp.Reload())
		poll(t, ctx, "the change after a reload", survives)
		do(t, ctx, "regroup", chromedp.Click("#regroup"))
		poll(t, ctx, "regrouped", `document.getElementById("board-state").textContent === "Opnieuw gegroepeerd."`)
		do(t, ctx, "reload", chromedp.Reload())
		poll(t, ctx, "the change after re-grouping", survives)
		shots.shoot(ctx, "board")

		// Split a note off the pink cluster, then undo it.
		pink := `//section[contains(@class,"column")][.//span[@class="label" and text()="thema pink"]]`
		do(t, ctx, "split mode", chromedp.Click(pink+`//button[contains(@class,"split")]`))
		do(t, ctx, "pick a note", chromedp.Click(pink+`//input[contains(@class,"pick")]`))
		do(t, ctx, "name and split", chromedp.SendKeys(pink+`//form[contains(@class,"split-form")]//input`, "Beveiliging\r"))
		poll(t, ctx, "the split-off cluster", `[...document.querySelectorAll(".column .label")].some(l => l.textContent === "Beveiliging")`)
		do(t, ctx, "undo", chromedp.Click("#undo"))
		poll(t, ctx, "the split undone", `![...document.querySelectorAll(".column .label")].some(l => l.textContent === "Beveiliging") &&
			[...document.querySelectorAll(".column")].some(c => c.querySelector(".label").textContent === "thema pink" && c.querySelectorAll(".card").length === 2)`)

		// The store agrees.
		cs, _ := e.db.Clusters(ctx0, w.ID)
		var kept *wallscan.Cluster
		for _, c := range cs {
			if c.Label == "Systemen en data" {
				kept = c
			}
		}
		if kept == nil || !kept.Locked || !kept.Renamed {
			t.Fatalf("stored clusters lack the locked, renamed one: %+v", cs)
		}

		// The other pages, for the screenshots and a look at what they show.
		do(t, ctx, "workshops", chromedp.Navigate(url("/workshops")), chromedp.WaitVisible("#new-workshop"))
		shots.shoot(ctx, "workshops")
		do(t, ctx, "create a workshop", chromedp.SendKeys("#w-title", "Provincie Noord: datadeling"),
			chromedp.SendKeys("#w-case", "Provincie Noord"), chromedp.Click(`#new-workshop button[type=submit]`),
			chromedp.WaitVisible("#workshop-form"))
		if got, want := eval[string](t, ctx, `document.getElementById("s-title").value + " / " + document.getElementById("p-green").value`), "Provincie Noord: datadeling / toezicht"; got != want {
			t.Errorf("new workshop's settings show %q, want %q", got, want)
		}
		do(t, ctx, "overview", chromedp.Navigate(url("/workshops/"+ws)))
		poll(t, ctx, "photo rows", `document.querySelectorAll("#photo-rows tr").length === 2 && document.getElementById("live-state").textContent.startsWith("Live")`)
		// A photo arriving now shows up and runs to done without a reload.
		e.processedWall(w)
		poll(t, ctx, "the new photo, live", `document.querySelectorAll("#photo-rows tr").length === 3 &&
			document.querySelector("#photo-rows tr").dataset.status === "done"`)
		shots.shoot(ctx, "overview")
		do(t, ctx, "wall", chromedp.Navigate(url("/workshops/"+ws+"/wall?photo="+fmt.Sprint(firstPhoto(t, e, w.ID)))))
		poll(t, ctx, "outlines", `document.querySelectorAll("#wall polygon.line").length === 6`)
		do(t, ctx, "click a note", chromedp.Click(`#wall polygon.line[data-note]`))
		poll(t, ctx, "note detail", `document.querySelector("#note-detail img") && document.querySelector("#note-detail img").naturalWidth > 0 && document.getElementById("detail-text").value !== ""`)
		shots.shoot(ctx, "wall")
		do(t, ctx, "review", chromedp.Navigate(url("/workshops/"+ws+"/review")))
		poll(t, ctx, "review list", `document.querySelectorAll("#review-list input").length >= 6 && document.activeElement.classList.contains("review-text")`)
		first := eval[string](t, ctx, `document.activeElement.dataset.note`)
		do(t, ctx, "fix and Enter", chromedp.SendKeys(`#review-list input[data-note="`+first+`"]`, " (nagekeken)\r"))
		poll(t, ctx, "next note focused", `document.activeElement.dataset.note !== "`+first+`" && document.activeElement.classList.contains("review-text")`)
		shots.shoot(ctx, "review")
		do(t, ctx, "matrix", chromedp.Navigate(url("/workshops/"+ws+"/matrix")), chromedp.WaitVisible("#matrix"))
		shots.shoot(ctx, "matrix")
		do(t, ctx, "facilitator report", chromedp.Navigate(url("/workshops/"+ws+"/report")), chromedp.WaitVisible(".report-doc"))
		do(t, ctx, "settings", chromedp.Navigate(url("/workshops/"+ws+"/settings")), chromedp.WaitVisible("#workshop-form"))
		// Words on a line split at commas; a theme of the workshop's own
		// keeps its line, and comes back on a line of its own.
		vocab := "AVG, CIO\nChat en apps: WhatsApp, Signal, appjes"
		do(t, ctx, "vocabulary", chromedp.SetValue("#s-vocab", vocab), chromedp.Click(`#workshop-form button[type=submit]`))
		poll(t, ctx, "saved", `document.getElementById("toast").textContent === "Workshop opgeslagen."`)
		if got, err := e.db.Workshop(ctx0, w.ID); err != nil || !slices.Equal(got.Vocabulary, []string{"AVG", "CIO", "Chat en apps: WhatsApp, Signal, appjes"}) {
			t.Errorf("stored vocabulary %q (%v)", got.Vocabulary, err)
		}
		do(t, ctx, "settings again", chromedp.Navigate(url("/workshops/"+ws+"/settings")), chromedp.WaitVisible("#workshop-form"))
		if got := eval[string](t, ctx, `document.getElementById("s-vocab").value`); got != vocab {
			t.Errorf("settings show the vocabulary as %q, want %q", got, vocab)
		}
		// A word of the notes that the grouping does not know is offered;
		// a click puts it on the words line, and once saved it is known.
		poll(t, ctx, "unknown words", `document.querySelector('#unknown-list button[data-word="Pluvius"]') !== null`)
		shots.shoot(ctx, "settings-words")
		do(t, ctx, "add an unknown word", chromedp.Click(`#unknown-list button[data-word="Pluvius"]`))
		if got, want := eval[string](t, ctx, `document.getElementById("s-vocab").value`), "AVG, CIO, Pluvius\nChat en apps: WhatsApp, Signal, appjes"; got != want {
			t.Errorf("after a click on the word the vocabulary reads %q, want %q", got, want)
		}
		do(t, ctx, "save the word", chromedp.Click(`#workshop-form button[type=submit]`))
		poll(t, ctx, "no more suggestions", `document.getElementById("unknown-words").hidden`)
		if got, err := e.db.Workshop(ctx0, w.ID); err != nil || !slices.Contains(got.Vocabulary, "Pluvius") {
			t.Errorf("stored vocabulary %q (%v), want Pluvius in it", got.Vocabulary, err)
		}
		poll(t, ctx, "share links", `document.querySelectorAll("#share-list li").length === 1`)
		do(t, ctx, "second share link", chromedp.Click("#new-share"))
		poll(t, ctx, "two share links", `document.querySelectorAll("#share-list li").length === 2`)
		shots.shoot(ctx, "settings")
		// Revoke the director's link.
		do(t, ctx, "revoke", chromedp.Click(fmt.Sprintf(`#share-list li[data-share="%d"] button.revoke`, link.ID)))
		poll(t, ctx, "revoked", fmt.Sprintf(`document.querySelector('#share-list li[data-share="%d"]').classList.contains("revoked")`, link.ID))
	})

	t.Run("revoked link", func(t *testing.T) {
		do(t, ctx, "open revoked link", chromedp.Navigate(url("/r/"+link.Token)), chromedp.WaitVisible("h1"))
		if got, want := eval[string](t, ctx, `document.querySelector("h1").textContent`), "Geen toegang"; got != want {
			t.Errorf("revoked link page says %q, want %q", got, want)
		}
		if eval[bool](t, ctx, `!!document.querySelector(".report-doc")`) {
			t.Error("a revoked link still shows the report")
		}
		shots.shoot(ctx, "report-revoked")
	})

	t.Run("english", func(t *testing.T) {
		do(t, ctx, "board in English", chromedp.Navigate(url("/workshops/"+ws+"/board?lang=en")), chromedp.WaitVisible("#board"))
		poll(t, ctx, "English board", `document.querySelector("h1").textContent === "Cluster board" && document.querySelectorAll(".card").length >= 7`)
		shots.shoot(ctx, "board-en")
		do(t, ctx, "kiosk in English", chromedp.Navigate(url("/k/"+w.JoinCode)), chromedp.WaitVisible("#start-camera"))
		if got, want := eval[string](t, ctx, `document.getElementById("start-camera").textContent`), "Start camera"; got != want {
			t.Errorf("kiosk button %q, want %q (the choice of language is remembered)", got, want)
		}
	})
}

func firstPhoto(t *testing.T, e *env, workshopID int64) int64 {
	ps, err := e.db.Photos(context.Background(), workshopID)
	if err != nil || len(ps) == 0 {
		t.Fatalf("photos: %v %v", ps, err)
	}
	return ps[0].ID
}

// waitDownload waits for the one finished download in dir and returns it.
func waitDownload(t *testing.T, dir string) []byte {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(dir)
		for _, en := range entries {
			if strings.HasSuffix(en.Name(), ".crdownload") {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, en.Name()))
			if err == nil && len(data) > 0 {
				return data
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no download in %s after 20s", dir)
	return nil
}
