package cluster_test

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wallscan"
	"wallscan/bench"
	"wallscan/cluster"
)

// fixture holds notes of my own, three barriers in varied words.
var fixture = []struct{ key, text string }{
	{"p1", "AVG maakt delen lastig"},
	{"p2", "grondslag voor uitwisseling ontbreekt"},
	{"p3", "privacy officer zegt nee"},
	{"p4", "DPIA duurt maanden"},
	{"p5", "persoonsgegevens mogen niet gedeeld worden"},
	{"l1", "mainframe uit 1985"},
	{"l2", "COBOL kennis verdwijnt met pensioen"},
	{"l3", "verouderde systemen niet te vervangen"},
	{"l4", "technische schuld groeit elk jaar"},
	{"f1", "geen budget voor structurele financiering"},
	{"f2", "alleen incidenteel projectgeld"},
	{"f3", "bezuinigingen op ICT"},
	{"f4", "begrotingscyclus past niet bij meerjarige vernieuwing"},
}

func fixtureNotes() []wallscan.GroupNote {
	out := make([]wallscan.GroupNote, len(fixture))
	for i, f := range fixture {
		out[i] = wallscan.GroupNote{Key: f.key, Text: f.text}
	}
	return out
}

func newGrouper(t testing.TB) *cluster.Grouper {
	return cluster.New(cluster.Options{})
}

func group(t testing.TB, g *cluster.Grouper, req wallscan.GroupRequest) []wallscan.Group {
	t.Helper()
	gs, err := g.Group(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	checkPartition(t, req, gs)
	return gs
}

// checkPartition holds every grouping to the contract: each note in exactly
// one group, labels of one to four words (curated labels excepted), a
// representative among the group's notes, one unsorted group at most.
func checkPartition(t testing.TB, req wallscan.GroupRequest, gs []wallscan.Group) {
	t.Helper()
	seen := map[string]string{}
	keys := map[string]bool{}
	unsorted := 0
	for _, g := range gs {
		if keys[g.Key] {
			t.Errorf("group key %q twice", g.Key)
		}
		keys[g.Key] = true
		if g.Unsorted {
			unsorted++
		}
		if n := len(strings.Fields(g.Label)); !g.Renamed && !g.Locked && (n < 1 || n > 4) {
			t.Errorf("group %s label %q has %d words", g.Key, g.Label, n)
		}
		in := false
		for _, k := range g.Notes {
			if other, ok := seen[k]; ok {
				t.Errorf("note %s in %s and %s", k, other, g.Key)
			}
			seen[k] = g.Key
			in = in || k == g.Representative
		}
		if len(g.Notes) > 0 && !in {
			t.Errorf("group %s: representative %q is not one of its notes", g.Key, g.Representative)
		}
	}
	if unsorted > 1 {
		t.Errorf("%d unsorted groups", unsorted)
	}
	for _, n := range req.Notes {
		if _, ok := seen[n.Key]; !ok {
			t.Errorf("note %s in no group", n.Key)
		}
	}
}

func groupOf(gs []wallscan.Group, note string) *wallscan.Group {
	for i := range gs {
		for _, k := range gs[i].Notes {
			if k == note {
				return &gs[i]
			}
		}
	}
	return nil
}

func TestFixtureThemes(t *testing.T) {
	gs := group(t, newGrouper(t), wallscan.GroupRequest{Notes: fixtureNotes()})
	for _, f := range fixture {
		for _, o := range fixture {
			same := groupOf(gs, f.key) == groupOf(gs, o.key)
			if want := f.key[0] == o.key[0]; same != want {
				t.Errorf("%s and %s together = %v, want %v", f.key, o.key, same, want)
			}
		}
	}
	if g := groupOf(gs, "l1"); g.Theme == "" || !strings.Contains(strings.ToLower(g.Label+g.Theme), "legacy") {
		t.Errorf("legacy group: label %q theme %q, want the legacy concept", g.Label, g.Theme)
	}
}

func TestEdgeCases(t *testing.T) {
	g := newGrouper(t)
	tests := []struct {
		name  string
		notes []string
		check func(t *testing.T, gs []wallscan.Group)
	}{
		{"empty", nil, func(t *testing.T, gs []wallscan.Group) {
			if gs == nil || len(gs) != 0 {
				t.Errorf("groups = %v, want an empty non-nil list", gs)
			}
		}},
		{"one note", []string{"AVG maakt delen lastig"}, func(t *testing.T, gs []wallscan.Group) {
			if len(gs) != 1 || !gs[0].Unsorted {
				t.Errorf("groups = %+v, want the note alone in the unsorted group", gs)
			}
		}},
		{"identical notes", []string{"mainframe uit 1985", "mainframe uit 1985", "mainframe uit 1985"}, func(t *testing.T, gs []wallscan.Group) {
			if len(gs) != 1 || gs[0].Unsorted || len(gs[0].Notes) != 3 {
				t.Errorf("groups = %+v, want one theme of three notes", gs)
			}
		}},
		{"only stop words", []string{"de het een en van", "AVG maakt delen lastig", "privacy officer zegt nee"}, func(t *testing.T, gs []wallscan.Group) {
			if g := groupOf(gs, "n0"); g == nil || !g.Unsorted {
				t.Errorf("stop-word note in %+v, want the unsorted group", g)
			}
			if g := groupOf(gs, "n1"); g == nil || g.Unsorted || g != groupOf(gs, "n2") {
				t.Errorf("privacy notes not grouped together: %+v", gs)
			}
		}},
		{"unknown words", []string{"xyzzy plugh frobnicate", "AVG maakt delen lastig", "privacy officer zegt nee"}, func(t *testing.T, gs []wallscan.Group) {
			if g := groupOf(gs, "n0"); g == nil || !g.Unsorted || g.Label != cluster.UnsortedLabel {
				t.Errorf("unknown-word note in %+v, want the unsorted group labelled %q", g, cluster.UnsortedLabel)
			}
		}},
		{"empty text", []string{"", "   ", "AVG maakt delen lastig"}, func(t *testing.T, gs []wallscan.Group) {
			if len(gs) != 1 || !gs[0].Unsorted {
				t.Errorf("groups = %+v, want all unsorted", gs)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var notes []wallscan.GroupNote
			for i, s := range tt.notes {
				notes = append(notes, wallscan.GroupNote{Key: fmt.Sprintf("n%d", i), Text: s})
			}
			tt.check(t, group(t, g, wallscan.GroupRequest{Notes: notes}))
		})
	}
}

func TestInvalidRequests(t *testing.T) {
	g := newGrouper(t)
	long := strings.Repeat("a", wallscan.MaxNoteText+1)
	tests := []struct {
		name string
		req  wallscan.GroupRequest
		want string
	}{
		{"empty key", wallscan.GroupRequest{Notes: []wallscan.GroupNote{{Text: "x"}}}, "no key"},
		{"duplicate key", wallscan.GroupRequest{Notes: []wallscan.GroupNote{{Key: "a"}, {Key: "a"}}}, "twice"},
		{"text too long", wallscan.GroupRequest{Notes: []wallscan.GroupNote{{Key: "a", Text: long}}}, "MaxNoteText"},
		{"curated without key", wallscan.GroupRequest{Curated: []wallscan.Group{{Label: "x"}}}, "no key"},
		{"pin to empty key", wallscan.GroupRequest{Notes: []wallscan.GroupNote{{Key: "a"}}, Pins: map[string]string{"a": ""}}, "pin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := g.Group(context.Background(), tt.req)
			if got, want := wallscan.ErrorCode(err), wallscan.EINVALID; got != want {
				t.Fatalf("code = %q (%v), want %q", got, err, want)
			}
			if !strings.Contains(wallscan.ErrorMessage(err), tt.want) {
				t.Errorf("message %q does not name %q", wallscan.ErrorMessage(err), tt.want)
			}
		})
	}
}

// TestCurationSurvives regroups after the facilitator locked a cluster,
// pinned a note against the text and renamed a cluster, with new notes
// arriving: none of that may change.
func TestCurationSurvives(t *testing.T) {
	g := newGrouper(t)
	first := group(t, g, wallscan.GroupRequest{Notes: fixtureNotes()})
	legacy, funding := *groupOf(first, "l1"), *groupOf(first, "f1")

	locked := wallscan.Group{Key: "c-legacy", Label: "Oude meuk", Locked: true, Renamed: true,
		Notes: []string{"l1", "l2", "l3", "p4"}} // p4 put here by hand, against its text
	renamed := funding
	renamed.Label, renamed.Renamed = "Geld", true
	req := wallscan.GroupRequest{
		Notes:   append(fixtureNotes(), wallscan.GroupNote{Key: "new1", Text: "COBOL mainframe is end-of-life"}, wallscan.GroupNote{Key: "new2", Text: "de privacy officer blokkeert gegevensuitwisseling"}),
		Curated: []wallscan.Group{locked, renamed},
		Pins:    map[string]string{"p5": renamed.Key}, // a privacy note pinned into the funding group
	}
	_ = legacy
	for round := 0; round < 2; round++ {
		gs := group(t, g, req)
		lg := groupOf(gs, "l1")
		if lg == nil || lg.Key != "c-legacy" || lg.Label != "Oude meuk" || !lg.Locked {
			t.Fatalf("locked group came back as %+v", lg)
		}
		for _, k := range locked.Notes {
			if got := groupOf(gs, k); got == nil || got.Key != "c-legacy" {
				t.Errorf("locked note %s moved to %+v", k, got)
			}
		}
		if got := groupOf(gs, "new1"); got == nil || got.Key != "c-legacy" {
			t.Errorf("new legacy note went to %+v, want the locked legacy group", got)
		}
		if got := groupOf(gs, "new2"); got != nil && got.Key == "c-legacy" {
			t.Errorf("privacy note classified into the locked legacy group")
		}
		if got := groupOf(gs, "p5"); got == nil || got.Key != renamed.Key {
			t.Errorf("pinned note went to %+v, want %s", got, renamed.Key)
		}
		fg := groupOf(gs, "f2")
		if fg == nil || fg.Key != renamed.Key || fg.Label != "Geld" || !fg.Renamed {
			t.Errorf("renamed group came back as %+v", fg)
		}
		// The next round takes this output as the facilitator's state.
		req.Curated = nil
		for _, gr := range gs {
			if gr.Locked || gr.Renamed {
				req.Curated = append(req.Curated, gr)
			}
		}
	}
}

func TestPinToUnknownGroup(t *testing.T) {
	req := wallscan.GroupRequest{Notes: fixtureNotes(), Pins: map[string]string{"p1": "mine"}}
	gs := group(t, newGrouper(t), req)
	if got := groupOf(gs, "p1"); got == nil || got.Key != "mine" {
		t.Errorf("pinned note in %+v, want group mine", got)
	}
}

func TestNewKeysSkipCurated(t *testing.T) {
	req := wallscan.GroupRequest{Notes: fixtureNotes(), Curated: []wallscan.Group{{Key: "g1", Label: "Mijn thema", Renamed: true}}}
	gs := group(t, newGrouper(t), req)
	n := 0
	for _, g := range gs {
		if g.Key == "g1" {
			n++
			if g.Label != "Mijn thema" {
				t.Errorf("curated g1 label %q", g.Label)
			}
		}
	}
	if n != 1 {
		t.Errorf("key g1 used %d times", n)
	}
}

func TestVocabulary(t *testing.T) {
	notes := []wallscan.GroupNote{
		{Key: "a", Text: "Suwinet is traag"}, {Key: "b", Text: "geen toegang tot het inkomensportaal"},
		{Key: "c", Text: "mainframe uit 1985"}, {Key: "d", Text: "COBOL kennis verdwijnt"},
	}
	g := newGrouper(t)
	without := group(t, g, wallscan.GroupRequest{Notes: notes})
	with := group(t, g, wallscan.GroupRequest{Notes: notes, Vocabulary: []string{"Suwinet, inkomensportaal"}})
	if a, b := groupOf(without, "a"), groupOf(without, "b"); a == b && !a.Unsorted {
		t.Fatalf("without vocabulary a and b already together: %+v", without)
	}
	if a, b := groupOf(with, "a"), groupOf(with, "b"); a != b || a.Unsorted {
		t.Errorf("with the workshop's terms a and b should form a theme: %+v", with)
	}
}

// TestWorkshopTheme: the facilitator names a theme the lexicon does not
// have ("Chat en apps") with a few of its words; the notes that use them
// form that theme under that name, though the lexicon files chat apps
// with archiving, and the other notes group as before.
func TestWorkshopTheme(t *testing.T) {
	notes := []wallscan.GroupNote{
		{Key: "c1", Text: "WhatsApp-berichten van de DG worden niet bewaard"},
		{Key: "c2", Text: "Signal met verdwijnende berichten staat aan"},
		{Key: "c3", Text: "appjes met lobbyisten blijven buiten beeld"},
		{Key: "c4", Text: "sms van de minister kwijt na nieuwe telefoon"},
		{Key: "a1", Text: "archiefwet wordt niet nageleefd"},
		{Key: "a2", Text: "selectielijst verouderd, bewaartermijnen onduidelijk"},
		{Key: "a3", Text: "overbrenging naar het Nationaal Archief loopt achter"},
		{Key: "p1", Text: "AVG maakt delen lastig"},
		{Key: "p2", Text: "grondslag voor uitwisseling ontbreekt"},
		{Key: "p3", Text: "privacy officer zegt nee"},
	}
	g := newGrouper(t)
	gs := group(t, g, wallscan.GroupRequest{Notes: notes, Vocabulary: []string{"AVG", "Chat en apps: WhatsApp, Signal, appjes, sms"}})
	chat := groupOf(gs, "c1")
	for _, k := range []string{"c2", "c3", "c4"} {
		if groupOf(gs, k) != chat {
			t.Errorf("%s not with c1: %+v", k, gs)
		}
	}
	if chat == nil || chat.Label != "Chat en apps" || chat.Theme != "Chat en apps" {
		t.Errorf("chat group %+v, want label and theme %q", chat, "Chat en apps")
	}
	for _, k := range []string{"a1", "p1"} {
		if groupOf(gs, k) == chat {
			t.Errorf("%s joined the workshop's theme: %+v", k, gs)
		}
	}
}

func TestWallGroups(t *testing.T) {
	// Two physical groups on one photo whose texts share nothing: the wall
	// keeps them apart as the participants made them.
	notes := []wallscan.GroupNote{
		{Key: "a1", Text: "overleg kost veel tijd", Photo: "w.jpg", X: 0.1, Y: 0.1, HasPosition: true},
		{Key: "a2", Text: "niemand weet wie beslist", Photo: "w.jpg", X: 0.17, Y: 0.1, HasPosition: true},
		{Key: "a3", Text: "te veel lagen", Photo: "w.jpg", X: 0.1, Y: 0.17, HasPosition: true},
		{Key: "b1", Text: "schermen zijn onduidelijk", Photo: "w.jpg", X: 0.7, Y: 0.7, HasPosition: true},
		{Key: "b2", Text: "formulier vraagt dubbel", Photo: "w.jpg", X: 0.77, Y: 0.7, HasPosition: true},
		{Key: "b3", Text: "knoppen op rare plekken", Photo: "w.jpg", X: 0.7, Y: 0.77, HasPosition: true},
	}
	gs := group(t, newGrouper(t), wallscan.GroupRequest{Notes: notes})
	for _, pair := range [][2]string{{"a1", "a2"}, {"a1", "a3"}, {"b1", "b2"}, {"b1", "b3"}} {
		if groupOf(gs, pair[0]) != groupOf(gs, pair[1]) {
			t.Errorf("%s and %s sat together but were split: %+v", pair[0], pair[1], gs)
		}
	}
	if groupOf(gs, "a1") == groupOf(gs, "b1") {
		t.Errorf("the two wall groups were merged: %+v", gs)
	}
	// Neighbours given by the segmenter do the same without positions.
	for i := range notes {
		notes[i].HasPosition = false
		if notes[i].Key[0] == 'a' {
			notes[i].Neighbours = []string{"a1", "a2", "a3"}
		} else {
			notes[i].Neighbours = []string{"b1"}
		}
	}
	gs = group(t, newGrouper(t), wallscan.GroupRequest{Notes: notes})
	if groupOf(gs, "a1") != groupOf(gs, "a3") || groupOf(gs, "b2") != groupOf(gs, "b3") || groupOf(gs, "a1") == groupOf(gs, "b1") {
		t.Errorf("neighbour groups not kept: %+v", gs)
	}
}

func TestColourIsNotTheKey(t *testing.T) {
	notes := fixtureNotes()
	for i := range notes {
		notes[i].Color = wallscan.Colors[i%3]
	}
	a := group(t, newGrouper(t), wallscan.GroupRequest{Notes: notes})
	b := group(t, newGrouper(t), wallscan.GroupRequest{Notes: fixtureNotes()})
	if !reflect.DeepEqual(a, b) {
		t.Errorf("colours changed the grouping:\n%+v\n%+v", a, b)
	}
}

// largeRequest returns n notes made from the bench corpus with misreadings,
// spread over photos of 25 positioned notes.
func largeRequest(t testing.TB, n int, seed int64) wallscan.GroupRequest {
	items := corpus(t)
	rng := newRand(seed)
	var big []item
	for len(big) < n {
		it := items[rng.IntN(len(items))]
		big = append(big, item{bench.AddCharNoise(it.text, 0.03, rng), it.theme})
	}
	notes := workshop(big, 0.05, rng)
	for i := range notes {
		notes[i].Key = fmt.Sprintf("n%d", i)
		notes[i].Text = big[i].text
	}
	return wallscan.GroupRequest{Notes: notes}
}

func TestDeterministic(t *testing.T) {
	req := largeRequest(t, 600, 7)
	req.Curated = []wallscan.Group{{Key: "mine", Label: "Vast", Locked: true, Notes: []string{"n1", "n2", "n3"}}}
	req.Pins = map[string]string{"n10": "mine", "n11": "mine", "n12": "elders"}
	g := newGrouper(t)
	first := group(t, g, req)
	for i := 0; i < 2; i++ {
		// A fresh Grouper and shuffled map insertion must not matter.
		pins := map[string]string{}
		for _, k := range []string{"n12", "n11", "n10"} {
			pins[k] = req.Pins[k]
		}
		req.Pins = pins
		if again := group(t, newGrouper(t), req); !reflect.DeepEqual(first, again) {
			t.Fatalf("run %d differs from the first", i+2)
		}
	}
}

// TestMemory10000 groups 10,000 notes and samples the heap while it runs:
// the peak must stay well under the 1 GB the issue allows.
func TestMemory10000(t *testing.T) {
	req := largeRequest(t, 10_000, 3)
	g := newGrouper(t)
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	gs, err := g.Group(context.Background(), req)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	checkPartition(t, req, gs)
	used := peak.Load() - min(peak.Load(), base.HeapAlloc)
	t.Logf("10,000 notes: %d groups, peak heap %.0f MB above the %.0f MB before", len(gs), float64(used)/1e6, float64(base.HeapAlloc)/1e6)
	if limit := uint64(512 << 20); used > limit {
		t.Errorf("peak heap %d MB above start, want under %d MB", used>>20, limit>>20)
	}
}

func benchmarkGroup(b *testing.B, n int) {
	req := largeRequest(b, n, 1)
	g := newGrouper(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := g.Group(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGroup1000(b *testing.B)  { benchmarkGroup(b, 1000) }
func BenchmarkGroup10000(b *testing.B) { benchmarkGroup(b, 10_000) }

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newGrouper(t).Group(ctx, largeRequest(t, 300, 1))
	if err == nil {
		t.Fatal("grouping with a cancelled context succeeded")
	}
}

func TestConcurrentUse(t *testing.T) {
	g := newGrouper(t)
	req := wallscan.GroupRequest{Notes: fixtureNotes(), Vocabulary: []string{"Suwinet"}}
	want := group(t, g, req)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := g.Group(context.Background(), req)
			if err != nil || !reflect.DeepEqual(got, want) {
				errs <- fmt.Sprintf("concurrent grouping differs: %v", err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
