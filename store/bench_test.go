package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"testing"

	"wallscan"
	"wallscan/store/storetest"
)

// BenchmarkAddPhoto measures an answered upload of a 4 MiB photo (row,
// bytes and job in one synced transaction), under synchronous FULL (what
// the server runs) and NORMAL (for comparison).
//
//	go test ./store -run '^$' -bench AddPhoto -count 5
func BenchmarkAddPhoto(b *testing.B) {
	data := make([]byte, 4<<20)
	rand.Read(data)
	for _, sync := range []string{"FULL", "NORMAL"} {
		b.Run("sync="+sync, func(b *testing.B) {
			db := openBench(b, sync)
			w := &wallscan.Workshop{Title: "bench"}
			if err := db.CreateWorkshop(context.Background(), w); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				p := &wallscan.Photo{WorkshopID: w.ID}
				if err := db.AddPhoto(context.Background(), p, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSetReading measures the small transaction each read note
// costs (text, words, progress), the most frequent write of processing.
//
//	go test ./store -run '^$' -bench SetReading -count 5
func BenchmarkSetReading(b *testing.B) {
	for _, sync := range []string{"FULL", "NORMAL"} {
		b.Run("sync="+sync, func(b *testing.B) {
			db := openBench(b, sync)
			ctx := context.Background()
			w := &wallscan.Workshop{Title: "bench"}
			if err := db.CreateWorkshop(ctx, w); err != nil {
				b.Fatal(err)
			}
			p := &wallscan.Photo{WorkshopID: w.ID}
			if err := db.AddPhoto(ctx, p, []byte("photo")); err != nil {
				b.Fatal(err)
			}
			s, notes := storetest.Segmentation(30)
			if err := db.ReplaceNotes(ctx, p.ID, s, notes); err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				n := notes[i%len(notes)]
				i++
				r := wallscan.Reading{Text: fmt.Sprintf("gegevens delen %d", i), Confidence: 80}
				if err := db.SetReading(ctx, n.ID, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkClusters measures the board query of a workshop with 600 notes
// in 30 clusters.
//
//	go test ./store -run '^$' -bench Clusters -count 5
func BenchmarkClusters(b *testing.B) {
	db := openBench(b, "FULL")
	ctx := context.Background()
	w := &wallscan.Workshop{Title: "bench"}
	if err := db.CreateWorkshop(ctx, w); err != nil {
		b.Fatal(err)
	}
	var groups []wallscan.Group
	for ph := range 20 {
		p := &wallscan.Photo{WorkshopID: w.ID}
		if err := db.AddPhoto(ctx, p, []byte("photo")); err != nil {
			b.Fatal(err)
		}
		s, notes := storetest.Segmentation(30)
		for _, f := range s.Notes {
			f.Crop = nil
		}
		if err := db.ReplaceNotes(ctx, p.ID, s, notes); err != nil {
			b.Fatal(err)
		}
		for i, n := range notes {
			g := (ph*30 + i) % 30
			for len(groups) <= g {
				groups = append(groups, wallscan.Group{Key: fmt.Sprintf("g%d", len(groups)), Label: fmt.Sprintf("thema %d", len(groups))})
			}
			groups[g].Notes = append(groups[g].Notes, fmt.Sprint(n.ID))
		}
	}
	if err := db.ApplyGroups(ctx, w.ID, groups); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		cs, err := db.Clusters(ctx, w.ID)
		if err != nil || len(cs) != 30 {
			b.Fatal(len(cs), err)
		}
	}
}

func openBench(b *testing.B, sync string) *DB {
	b.Helper()
	db, err := Open(context.Background(), b.TempDir()+"/bench.db",
		append(testOptions(), func(o *options) { o.synchronous = sync })...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}
