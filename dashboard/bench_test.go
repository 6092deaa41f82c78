package dashboard_test

import (
	"context"
	"net/http"
	"testing"
)

// benchWorkshop stores photos walls of the standard test wall (six notes
// each), processed, and returns a share link token of the workshop.
func benchWorkshop(b *testing.B, photos int) (*env, string) {
	b.Helper()
	e := newEnv(b)
	w := e.workshop("Bench")
	for range photos {
		e.processedWall(w)
	}
	link, err := e.db.CreateShareLink(context.Background(), w.ID)
	if err != nil {
		b.Fatal(err)
	}
	return e, link.Token
}

// BenchmarkExport measures each download of a workshop of 50 photos and
// 300 notes: what a director waits for.
func BenchmarkExport(b *testing.B) {
	e, token := benchWorkshop(b, 50)
	for _, format := range []string{"pdf", "md", "csv", "json"} {
		b.Run(format, func(b *testing.B) {
			var size int
			for b.Loop() {
				rec := e.do(nil, "GET", "/r/"+token+"/export/"+format, nil, "")
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", format, rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/export")
		})
	}
}

// BenchmarkReportPage measures the director's report page of the same workshop.
func BenchmarkReportPage(b *testing.B) {
	e, token := benchWorkshop(b, 50)
	for b.Loop() {
		if rec := e.do(nil, "GET", "/r/"+token, nil, ""); rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}
