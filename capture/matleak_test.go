//go:build matprofile

package capture

import (
	"context"
	"testing"

	"gocv.io/x/gocv"
)

// TestNoMatLeaks checks, with `go test -tags matprofile`, that segmenting,
// drawing an overlay and matching shots close every Mat they make.
func TestNoMatLeaks(t *testing.T) {
	before := gocv.MatProfile.Count()
	photo := encodeJPEG(t, drawWall(1600, 1000, wallWhite, []drawnNote{
		{q: square(200, 200, 300, 0), paper: paperYellow},
		{q: square(500, 200, 300, 0), paper: paperYellow, shade: 0.04},
		{q: square(1000, 300, 300, 20), paper: paperPink},
	}, pt{400, 300}, 100))
	seg, err := NewSegmenter(Options{}).Segment(context.Background(), photo)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DrawOverlay(photo, seg, OverlayOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := MatchShots(context.Background(), []WallShot{{photo, seg}, {photo, seg}}); err != nil {
		t.Fatal(err)
	}
	if _, err := NewSegmenter(Options{}).Segment(context.Background(), photo[:len(photo)/2]); err == nil {
		t.Fatal("truncated photo accepted")
	}
	if got := gocv.MatProfile.Count() - before; got != 0 {
		t.Errorf("%d Mats left open", got)
	}
}
