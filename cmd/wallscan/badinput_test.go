package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"wallscan"
	"wallscan/synth"
)

// badUpload is one upload of TestBadInput: the multipart body and what the
// server must answer.
type badUpload struct {
	name   string
	body   func() ([]byte, string) // body and Content-Type
	status int
	code   string // the error code, for refusals
	words  []string
}

// photoPart builds a multipart body with the photo field (when data is not
// nil) and the wall field (when not empty).
func photoPart(filename string, data []byte, wall string) func() ([]byte, string) {
	return func() ([]byte, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		if data != nil {
			fw, _ := mw.CreateFormFile("photo", filename)
			fw.Write(data)
		}
		if wall != "" {
			mw.WriteField("wall", wall)
		}
		mw.Close()
		return buf.Bytes(), mw.FormDataContentType()
	}
}

// TestBadInput sends the real server (real store, OpenCV and Tesseract)
// every kind of bad upload and bad JSON a kiosk or browser may send. Each
// is refused with its status, code and a message that says what is wrong
// (and for HEIC what to do), or, for the odd but valid photos (a PNG named
// .jpg, CMYK JPEG, 16-bit PNG, PNG with alpha), accepted and processed.
// Afterwards the photo uploaded first and its notes are as they were.
func TestBadInput(t *testing.T) {
	s := startServer(t, t.TempDir())
	c := newAPIClient(t, s.URL())
	c.login()
	w := c.createWorkshop(map[string]any{"title": "Slechte invoer"})
	kiosk := fmt.Sprintf("/api/v1/kiosk/%s/photos", w.JoinCode)

	wall, err := synth.Generate(synth.Options{Seed: 7, Level: synth.LevelEasy, Width: 1600, Height: 1200, Notes: 5, Printed: true})
	if err != nil {
		t.Fatal(err)
	}
	good, _ := wall.JPEG(90)
	var first wallscan.Photo
	if code := c.upload(kiosk, "eerste.jpg", good, &first); code != http.StatusCreated {
		t.Fatalf("good upload: %d", code)
	}
	first = c.waitPhoto(first.ID, 3*time.Minute)
	var notesBefore []wallscan.Note
	c.json("GET", fmt.Sprintf("/api/v1/workshops/%d/notes", w.ID), nil, &notesBefore)
	if first.Status != wallscan.PhotoDone || len(notesBefore) == 0 {
		t.Fatalf("the good photo: %s with %d notes", first.Status, len(notesBefore))
	}

	pngOf := func(img image.Image) []byte {
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	plainPNG := pngOf(wall.Image)
	deep := image.NewRGBA64(wall.Image.Rect)
	draw.Draw(deep, deep.Rect, wall.Image, image.Point{}, draw.Src)
	alpha := image.NewNRGBA(wall.Image.Rect)
	draw.Draw(alpha, alpha.Rect, wall.Image, image.Point{}, draw.Src)
	for y := range 200 { // a transparent band along the top, as a cut-out would leave
		for x := range alpha.Rect.Dx() {
			alpha.Pix[alpha.PixOffset(x, y)+3] = uint8(y)
		}
	}
	tooBig := append(append([]byte{}, good...), make([]byte, wallscan.MaxUploadBytes)...)

	uploads := []badUpload{
		{"text file", photoPart("notes.txt", []byte("dit is geen foto"), ""), 415, wallscan.EUNSUPPORTED, []string{"JPEG or PNG"}},
		{"text named .jpg", photoPart("muur.jpg", []byte("dit is ook geen foto"), ""), 415, wallscan.EUNSUPPORTED, []string{"JPEG or PNG"}},
		{"0 bytes", photoPart("leeg.jpg", []byte{}, ""), 400, wallscan.EINVALID, []string{"empty"}},
		{"truncated JPEG", photoPart("half.jpg", good[:len(good)/2], ""), 400, wallscan.EINVALID, []string{"truncated"}},
		{"truncated PNG", photoPart("half.png", plainPNG[:len(plainPNG)*2/3], ""), 400, wallscan.EINVALID, []string{"truncated"}},
		{"JPEG without its scan data", photoPart("kop.jpg", synth.JPEGClaiming(1600, 1200), ""), 0, "", nil}, // stored, then fails in processing: checked below
		{"over MaxUploadBytes", photoPart("groot.jpg", tooBig, ""), 413, wallscan.ETOOLARGE, []string{"MB"}},
		{"PNG bomb 100000x100000", photoPart("bom.png", synth.PNGClaiming(100_000, 100_000), ""), 413, wallscan.ETOOLARGE, []string{"longest side"}},
		{"PNG bomb 10000x6000", photoPart("bom.png", synth.PNGClaiming(10_000, 6_000), ""), 413, wallscan.ETOOLARGE, []string{"million"}},
		{"JPEG bomb 12000x9000", photoPart("bom.jpg", synth.JPEGClaiming(12_000, 9_000), ""), 413, wallscan.ETOOLARGE, []string{"million"}},
		{"HEIC", photoPart("IMG_0001.HEIC", append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 4000)...), ""), 415, wallscan.EUNSUPPORTED, []string{"HEIC", "JPEG"}},
		{"GIF", photoPart("anim.gif", []byte("GIF89a\x10\x00\x10\x00\x00\x00\x00;"), ""), 415, wallscan.EUNSUPPORTED, []string{"GIF"}},
		{"PDF", photoPart("scan.pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), ""), 415, wallscan.EUNSUPPORTED, []string{"PDF"}},
		{"WebP", photoPart("foto.webp", []byte("RIFF\x24\x00\x00\x00WEBPVP8 "), ""), 415, wallscan.EUNSUPPORTED, []string{"WebP"}},
		{"tiny photo", photoPart("klein.png", pngOf(image.NewGray(image.Rect(0, 0, 120, 90))), ""), 400, wallscan.EINVALID, []string{"at least"}},
		{"no photo field", photoPart("", nil, "muur B"), 400, wallscan.EINVALID, []string{`"photo"`}},
		{"wall name too long", photoPart("muur.jpg", good, strings.Repeat("m", wallscan.MaxTitle+1)), 400, wallscan.EINVALID, []string{"wall"}},
		{"two photos", func() ([]byte, string) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			for range 2 {
				fw, _ := mw.CreateFormFile("photo", "muur.jpg")
				fw.Write(good)
			}
			mw.Close()
			return buf.Bytes(), mw.FormDataContentType()
		}, 400, wallscan.EINVALID, []string{"one photo"}},
		{"JSON instead of multipart", func() ([]byte, string) { return []byte(`{"photo":"..."}`), "application/json" }, 400, wallscan.EINVALID, []string{"multipart/form-data", `"photo"`}},
		{"multipart cut off", func() ([]byte, string) {
			b, ct := photoPart("muur.jpg", good, "")()
			return b[:len(b)/2], ct
		}, 400, wallscan.EINVALID, []string{"again"}},
		// Odd but valid photos: accepted and processed.
		{"PNG named .jpg", photoPart("eigenlijk-png.jpg", plainPNG, ""), 201, "", nil},
		{"CMYK JPEG", photoPart("drukkerij.jpg", cmykJPEG(wall.Image), ""), 201, "", nil},
		{"16-bit PNG", photoPart("diep.png", pngOf(deep), ""), 201, "", nil},
		{"PNG with alpha", photoPart("uitgeknipt.png", pngOf(alpha), ""), 201, "", nil},
	}

	var accepted []string
	accepted2 := map[int64]string{}
	for _, u := range uploads {
		body, ct := u.body()
		var answer string
		got := c.rawDo("POST", kiosk, ct, body, &answer)
		if u.status == 0 { // stored: checked by processing below
			var p wallscan.Photo
			if got != http.StatusCreated || json.Unmarshal([]byte(answer), &p) != nil {
				t.Errorf("%s: status %d, want 201 (%s)", u.name, got, short(answer))
				continue
			}
			accepted2[p.ID] = u.name
			continue
		}
		if got != u.status {
			t.Errorf("%s: status %d, want %d (%s)", u.name, got, u.status, short(answer))
			continue
		}
		if u.status == http.StatusCreated {
			var p wallscan.Photo
			json.Unmarshal([]byte(answer), &p)
			accepted = append(accepted, u.name)
			accepted2[p.ID] = u.name
			continue
		}
		checkAPIError(t, u.name, answer, u.code, u.words)
	}

	// JSON of the facilitator's API: too long, wrong type, missing, unknown.
	var notes []wallscan.Note
	c.json("GET", fmt.Sprintf("/api/v1/workshops/%d/notes", w.ID), nil, &notes)
	var clusters []wallscan.Cluster
	c.json("GET", fmt.Sprintf("/api/v1/workshops/%d/clusters", w.ID), nil, &clusters)
	if len(notes) == 0 || len(clusters) == 0 {
		t.Fatalf("%d notes, %d clusters after the good photo", len(notes), len(clusters))
	}
	notePath := fmt.Sprintf("/api/v1/notes/%d", notes[0].ID)
	clusterPath := fmt.Sprintf("/api/v1/workshops/%d/clusters/%d", w.ID, clusters[0].ID)
	jsonCases := []struct {
		name, method, path, contentType, body string
		status                                int
		code                                  string
		words                                 []string
	}{
		{"body over MaxJSONBytes", "POST", "/api/v1/workshops", "application/json", `{"title":"` + strings.Repeat("x", 70<<10) + `"}`, 413, wallscan.ETOOLARGE, []string{"KB"}},
		{"title too long", "POST", "/api/v1/workshops", "application/json", `{"title":"` + strings.Repeat("t", wallscan.MaxTitle+1) + `"}`, 400, wallscan.EINVALID, []string{"title"}},
		{"title wrong type", "POST", "/api/v1/workshops", "application/json", `{"title":42}`, 400, wallscan.EINVALID, []string{`"title"`, "string"}},
		{"title missing", "POST", "/api/v1/workshops", "application/json", `{"case":"zonder titel"}`, 400, wallscan.EINVALID, []string{"title"}},
		{"date malformed", "POST", "/api/v1/workshops", "application/json", `{"title":"x","date":"29-11-2026"}`, 400, wallscan.EINVALID, []string{"date"}},
		{"unknown field", "POST", "/api/v1/workshops", "application/json", `{"title":"x","titel":"y"}`, 400, wallscan.EINVALID, []string{`"titel"`}},
		{"not JSON", "POST", "/api/v1/workshops", "application/json", `{"title":`, 400, wallscan.EINVALID, []string{"JSON"}},
		{"empty body", "POST", "/api/v1/workshops", "application/json", ``, 400, wallscan.EINVALID, []string{"empty"}},
		{"form instead of JSON", "POST", "/api/v1/workshops", "application/x-www-form-urlencoded", `title=x`, 415, wallscan.EUNSUPPORTED, []string{"JSON"}},
		{"vocabulary wrong type", "PATCH", fmt.Sprintf("/api/v1/workshops/%d", w.ID), "application/json", `{"vocabulary":"AVG"}`, 400, wallscan.EINVALID, []string{`"vocabulary"`}},
		{"note text too long", "PATCH", notePath, "application/json", `{"text":"` + strings.Repeat("n", wallscan.MaxNoteText+1) + `"}`, 400, wallscan.EINVALID, []string{"text"}},
		{"note text wrong type", "PATCH", notePath, "application/json", `{"text":["a"]}`, 400, wallscan.EINVALID, []string{`"text"`}},
		{"note text missing", "PATCH", notePath, "application/json", `{}`, 400, wallscan.EINVALID, []string{`"text"`}},
		{"cluster label too long", "PATCH", clusterPath, "application/json", `{"label":"` + strings.Repeat("l", wallscan.MaxTitle+1) + `"}`, 400, wallscan.EINVALID, []string{"label"}},
		{"cluster locked wrong type", "PATCH", clusterPath, "application/json", `{"locked":"ja"}`, 400, wallscan.EINVALID, []string{`"locked"`}},
		{"cluster label missing", "POST", fmt.Sprintf("/api/v1/workshops/%d/clusters", w.ID), "application/json", `{}`, 400, wallscan.EINVALID, []string{"label"}},
		{"password wrong type", "POST", "/api/v1/login", "application/json", `{"password":123}`, 400, wallscan.EINVALID, []string{`"password"`}},
	}
	for _, jc := range jsonCases {
		var answer string
		got := c.rawDo(jc.method, jc.path, jc.contentType, []byte(jc.body), &answer)
		if got != jc.status {
			t.Errorf("%s: status %d, want %d (%s)", jc.name, got, jc.status, short(answer))
			continue
		}
		checkAPIError(t, jc.name, answer, jc.code, jc.words)
	}

	// The accepted photos are processed; the one without scan data fails
	// with a message.
	for id, name := range accepted2 {
		p := c.waitPhoto(id, 3*time.Minute)
		switch name {
		case "JPEG without its scan data":
			if p.Status != wallscan.PhotoFailed || !strings.Contains(p.Error, "damaged") {
				t.Errorf("%s: %s (%q), want failed saying damaged", name, p.Status, p.Error)
			}
		default:
			if p.Status != wallscan.PhotoDone || p.NotesFound == 0 {
				t.Errorf("%s: %s with %d notes (%s), want done with notes", name, p.Status, p.NotesFound, p.Error)
			}
		}
	}

	// Nothing lost: the first photo and its notes are as they were.
	var after wallscan.Photo
	c.json("GET", fmt.Sprintf("/api/v1/photos/%d", first.ID), nil, &after)
	var image string
	c.rawDo("GET", fmt.Sprintf("/api/v1/photos/%d/image", first.ID), "", nil, &image)
	if after.Status != wallscan.PhotoDone || image != string(good) {
		t.Errorf("the first photo is now %s, its bytes equal: %v", after.Status, image == string(good))
	}
	var notesAfter []wallscan.Note
	c.json("GET", fmt.Sprintf("/api/v1/workshops/%d/notes?photo=%d", w.ID, first.ID), nil, &notesAfter)
	if got, want := len(notesAfter), len(notesBefore); got != want {
		t.Errorf("the first photo has %d notes, had %d", got, want)
	} else {
		for i := range notesAfter {
			if a, b := notesAfter[i], notesBefore[i]; a.ID != b.ID || a.Text != b.Text || a.Index != b.Index {
				t.Errorf("note %d changed: %q -> %q", b.ID, b.Text, a.Text)
			}
		}
	}
	t.Logf("%d bad uploads and %d bad JSON requests refused with their message; %d odd photos accepted and processed: %s",
		len(uploads)-len(accepted)-1, len(jsonCases), len(accepted), strings.Join(accepted, ", "))
}

// rawDo sends a body as is and returns the status; the answer's body goes
// to out.
func (c *apiClient) rawDo(method, path, contentType string, body []byte, out *string) int {
	c.t.Helper()
	return c.do(method, path, contentType, bytes.NewReader(body), out)
}

// checkAPIError checks that answer is the API's JSON error with code and
// a message holding every one of words.
func checkAPIError(t *testing.T, name, answer, code string, words []string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(answer), &e); err != nil {
		t.Errorf("%s: answer is not a JSON error: %s", name, short(answer))
		return
	}
	if e.Error.Code != code {
		t.Errorf("%s: code %q, want %q (%s)", name, e.Error.Code, code, e.Error.Message)
	}
	for _, w := range words {
		if !strings.Contains(strings.ToLower(e.Error.Message), strings.ToLower(w)) {
			t.Errorf("%s: message %q does not say %q", name, e.Error.Message, w)
		}
	}
}

func short(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// cmykJPEG encodes img as a baseline JPEG with four components (Adobe
// CMYK, stored inverted as Adobe applications write it) in blocks of one
// colour each: only the DC coefficient is coded, which is enough for a
// decoder to take the CMYK path and for the segmenter to see the notes.
func cmykJPEG(img *image.RGBA) []byte {
	W, H := img.Rect.Dx(), img.Rect.Dy()
	var out bytes.Buffer
	marker := func(m byte, payload []byte) {
		out.Write([]byte{0xff, m, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)})
		out.Write(payload)
	}
	out.Write([]byte{0xff, 0xd8})
	marker(0xee, []byte("Adobe\x00\x64\x00\x00\x00\x00\x00")) // APP14, transform 0: CMYK
	dqt := append([]byte{0x00}, bytes.Repeat([]byte{8}, 64)...)
	marker(0xdb, dqt)
	sof := []byte{8, byte(H >> 8), byte(H), byte(W >> 8), byte(W), 4}
	for id := byte(1); id <= 4; id++ {
		sof = append(sof, id, 0x11, 0)
	}
	marker(0xc0, sof)
	// The standard DC luminance table, and an AC table that holds only
	// end-of-block (code "0").
	dcBits := []byte{0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0}
	dht := append([]byte{0x00}, dcBits...)
	dht = append(dht, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	dht = append(dht, 0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00)
	marker(0xc4, dht)
	marker(0xda, []byte{4, 1, 0, 2, 0, 3, 0, 4, 0, 0, 63, 0})

	// Canonical Huffman codes of the DC table.
	var dcCode [12]uint16
	var dcLen [12]uint8
	code, k := uint16(0), 0
	for l, n := range dcBits {
		for range n {
			dcCode[k], dcLen[k] = code, uint8(l+1)
			code++
			k++
		}
		code <<= 1
	}
	var acc uint32
	var nacc uint
	put := func(v uint32, n uint) {
		acc, nacc = acc<<n|v&(1<<n-1), nacc+n
		for nacc >= 8 {
			b := byte(acc >> (nacc - 8))
			out.WriteByte(b)
			if b == 0xff {
				out.WriteByte(0)
			}
			nacc -= 8
		}
	}
	var prev [4]int
	for by := 0; by < H; by += 8 {
		for bx := 0; bx < W; bx += 8 {
			var sum [4]int
			n := 0
			for y := by; y < min(by+8, H); y++ {
				for x := bx; x < min(bx+8, W); x++ {
					c := img.RGBAAt(x, y)
					sum[0] += int(c.R)
					sum[1] += int(c.G)
					sum[2] += int(c.B)
					sum[3] += 255
					n++
				}
			}
			for ch := range 4 {
				dc := (sum[ch]+n/2)/n - 128
				diff := dc - prev[ch]
				prev[ch] = dc
				mag, cat := diff, 0
				if mag < 0 {
					mag = -mag
				}
				for mag > 0 {
					cat++
					mag >>= 1
				}
				put(uint32(dcCode[cat]), uint(dcLen[cat]))
				if cat > 0 {
					v := diff
					if v < 0 {
						v += 1<<cat - 1
					}
					put(uint32(v), uint(cat))
				}
				put(0, 1) // end of block
			}
		}
	}
	if nacc > 0 {
		put(1<<(8-nacc)-1, 8-nacc)
	}
	out.Write([]byte{0xff, 0xd9})
	return out.Bytes()
}

// TestCMYKJPEG checks the CMYK encoder of the tests against Go's decoder:
// four components, and the colours come back.
func TestCMYKJPEG(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	draw.Draw(img, img.Rect, image.NewUniform(color.RGBA{200, 40, 90, 255}), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(16, 8, 40, 32), image.NewUniform(color.RGBA{250, 220, 20, 255}), image.Point{}, draw.Src)
	got, err := jpeg.Decode(bytes.NewReader(cmykJPEG(img)))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.(*image.CMYK); !ok {
		t.Fatalf("decoded as %T, want *image.CMYK", got)
	}
	for _, p := range []image.Point{{2, 2}, {20, 12}} {
		r, g, b, _ := got.At(p.X, p.Y).RGBA()
		w := img.RGBAAt(p.X, p.Y)
		if d := max(absDiff(int(r>>8), int(w.R)), absDiff(int(g>>8), int(w.G)), absDiff(int(b>>8), int(w.B))); d > 3 {
			t.Errorf("at %v: decoded %d,%d,%d, drawn %v", p, r>>8, g>>8, b>>8, w)
		}
	}
}

func absDiff(a, b int) int {
	if a > b {
		return a - b
	}
	return b - a
}
