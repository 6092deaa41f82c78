// Package wallscan turns photos of workshop walls into grouped, readable
// findings. It holds the domain types (Workshop, Photo, Note, Cluster,
// Perspective), the small interfaces through which the rest of the program
// talks (Segmenter, Reader, Grouper and the storage services), the pipeline
// that joins them, and the application error codes.
//
// The package imports only the standard library. Adapters live below it:
// capture (OpenCV), ocr (Tesseract), cluster (pure Go), store (SQLite and the
// job queue) and dashboard (Gin). Only cmd/wallscan wires them together.
package wallscan

// Named limits. Every input that crosses a trust boundary is held to one of
// these, and the error that rejects it names the limit.
const (
	// MaxUploadBytes is the largest photo file accepted (32 MiB).
	MaxUploadBytes = 32 << 20

	// MaxPhotoPixels is the largest photo accepted, in pixels (width x height),
	// checked from the file header before the photo is decoded, so that a
	// decompression bomb never allocates. 50 MP covers every phone camera.
	MaxPhotoPixels = 50_000_000

	// MaxPhotoSide is the longest side accepted, in pixels.
	MaxPhotoSide = 12_000

	// MinPhotoSide is the shortest side worth segmenting, in pixels.
	MinPhotoSide = 200

	// MaxNoteText is the longest note text stored, in bytes.
	MaxNoteText = 2000

	// MaxTitle is the longest workshop title, case, wall or cluster label, in bytes.
	MaxTitle = 200

	// MaxIdempotencyKey is the longest Idempotency-Key an upload may carry,
	// in bytes.
	MaxIdempotencyKey = 200

	// MaxNotesPerPhoto is the most notes kept from one photo; beyond it the
	// segmentation is taken to have failed (a pattern, not notes).
	MaxNotesPerPhoto = 500
)
