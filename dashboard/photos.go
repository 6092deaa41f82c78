package dashboard

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"wallscan"
)

// maxUploadOverhead is what a multipart body may carry beyond the photo:
// boundaries, part headers and the wall field.
const maxUploadOverhead = 64 << 10

// upload is a photo as it arrived in a multipart request.
type upload struct {
	data     []byte
	filename string
	wall     string
}

// readUpload reads the multipart fields photo (the file) and wall (text)
// as a stream, holding at most MaxUploadBytes of photo in memory and never
// writing to disk. ETOOLARGE over the limit; EINVALID for a request that
// is not a photo upload.
func readUpload(c *gin.Context) (*upload, error) {
	mt, params, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, wallscan.Errorf(wallscan.EINVALID, "Send the photo as multipart/form-data, in the field \"photo\".")
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, wallscan.MaxUploadBytes+maxUploadOverhead)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, wallscan.Errorf(wallscan.EINVALID, "Send the photo as multipart/form-data, in the field \"photo\".")
	}
	up := &upload{}
	var gotPhoto bool
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, uploadError(err)
		}
		switch part.FormName() {
		case "photo":
			if gotPhoto {
				return nil, wallscan.Errorf(wallscan.EINVALID, "Send one photo per upload.")
			}
			gotPhoto = true
			up.filename = part.FileName()
			up.data, err = io.ReadAll(io.LimitReader(part, wallscan.MaxUploadBytes+1))
			if err != nil {
				return nil, uploadError(err)
			}
			if len(up.data) > wallscan.MaxUploadBytes {
				return nil, wallscan.Errorf(wallscan.ETOOLARGE, "The photo is larger than %d MB, the limit.", wallscan.MaxUploadBytes>>20)
			}
		case "wall":
			b, err := io.ReadAll(io.LimitReader(part, wallscan.MaxTitle+1))
			if err != nil {
				return nil, uploadError(err)
			}
			if len(b) > wallscan.MaxTitle {
				return nil, wallscan.Errorf(wallscan.EINVALID, "The wall name is longer than %d characters.", wallscan.MaxTitle)
			}
			up.wall = strings.TrimSpace(string(b))
		}
		part.Close()
	}
	if !gotPhoto {
		return nil, wallscan.Errorf(wallscan.EINVALID, "The upload has no photo: send it in the field \"photo\".")
	}
	if len(up.filename) > wallscan.MaxTitle {
		up.filename = up.filename[:wallscan.MaxTitle]
	}
	up.filename = strings.ToValidUTF8(up.filename, "")
	return up, nil
}

func uploadError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return wallscan.Errorf(wallscan.ETOOLARGE, "The upload is larger than %d MB, the limit.", wallscan.MaxUploadBytes>>20)
	}
	return wallscan.Errorf(wallscan.EINVALID, "The upload broke off or is malformed (%v). Send the photo again.", err)
}

// IdempotencyHeader names an upload for its sender. A sender that lost the
// answer (the network cut after the photo was stored) sends the photo
// again under the same key; the server finds the photo it stored and
// answers with it instead of storing a copy.
const IdempotencyHeader = "Idempotency-Key"

// ReplayedHeader is set to "true" on the answer to a repeated upload.
const ReplayedHeader = "Idempotent-Replayed"

// idempotencyKey reads the Idempotency-Key header: "" when absent,
// EINVALID unless it is one value of printable ASCII of at most
// wallscan.MaxIdempotencyKey bytes.
func idempotencyKey(c *gin.Context) (string, error) {
	values := c.Request.Header.Values(IdempotencyHeader)
	switch {
	case len(values) == 0:
		return "", nil
	case len(values) > 1:
		return "", wallscan.Errorf(wallscan.EINVALID, "Send one %s header, not %d.", IdempotencyHeader, len(values))
	}
	key := values[0]
	if key == "" || len(key) > wallscan.MaxIdempotencyKey {
		return "", wallscan.Errorf(wallscan.EINVALID, "The %s header must be 1 to %d characters long.", IdempotencyHeader, wallscan.MaxIdempotencyKey)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return "", wallscan.Errorf(wallscan.EINVALID, "The %s header may hold only printable ASCII characters.", IdempotencyHeader)
		}
	}
	return key, nil
}

// MaxConcurrentUploads is how many uploads are read into memory at once;
// more wait their turn, so memory stays under MaxConcurrentUploads x
// MaxUploadBytes however many kiosks send at the same moment.
const MaxConcurrentUploads = 8

// storePhoto checks an upload and stores it for workshop w; it is queued
// for processing in the same transaction. The photo is stored before the
// client hears of it. An upload under an Idempotency-Key the workshop
// already holds stores nothing: storePhoto returns the stored photo with
// Repeat set.
func (s *Server) storePhoto(c *gin.Context, workshopID int64) (*wallscan.Photo, error) {
	key, err := idempotencyKey(c)
	if err != nil {
		return nil, err
	}
	select {
	case s.uploads <- struct{}{}:
		defer func() { <-s.uploads }()
	case <-c.Request.Context().Done():
		return nil, wallscan.Errorf(wallscan.EINVALID, "The upload was cancelled.")
	}
	up, err := readUpload(c)
	if err != nil {
		return nil, err
	}
	info, err := wallscan.CheckPhoto(up.data)
	if err != nil {
		return nil, err
	}
	p := &wallscan.Photo{
		WorkshopID: workshopID, Wall: up.wall, Filename: up.filename,
		ContentType: info.ContentType, Size: int64(len(up.data)), IdempotencyKey: key,
	}
	if err := s.cfg.Photos.AddPhoto(c.Request.Context(), p, up.data); err != nil {
		return nil, err
	}
	if p.Repeat {
		return p, nil // told of when it was first stored
	}
	s.events.Publish(wallscan.Event{Type: wallscan.EventPhotoAdded, WorkshopID: workshopID, PhotoID: p.ID})
	return p, nil
}

func (s *Server) uploadPhoto(c *gin.Context) {
	w, err := s.workshop(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.storePhoto(c, w.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	answerUpload(c, p)
}

// answerUpload answers a stored upload: 201 Created with the photo, or,
// for a repeat, 200 OK with the same photo as it is now and
// Idempotent-Replayed: true.
func answerUpload(c *gin.Context, p *wallscan.Photo) {
	if p.Repeat {
		c.Header(ReplayedHeader, "true")
		c.JSON(http.StatusOK, p)
		return
	}
	c.JSON(http.StatusCreated, p)
}

func (s *Server) listPhotos(c *gin.Context) {
	w, err := s.workshop(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ps, err := s.cfg.Photos.Photos(c.Request.Context(), w.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	if ps == nil {
		ps = []*wallscan.Photo{}
	}
	c.JSON(http.StatusOK, ps)
}

// photo loads the photo of the :id path parameter; if workshopID is not 0
// the photo must belong to that workshop (ENOTFOUND otherwise).
func (s *Server) photo(c *gin.Context, workshopID int64) (*wallscan.Photo, error) {
	id, err := paramID(c, "id", "photo")
	if err != nil {
		return nil, err
	}
	p, err := s.cfg.Photos.Photo(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	if workshopID != 0 && p.WorkshopID != workshopID {
		return nil, wallscan.Errorf(wallscan.ENOTFOUND, "There is no photo %d.", id)
	}
	return p, nil
}

func (s *Server) getPhoto(c *gin.Context) {
	p, err := s.photo(c, 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// sendPhotoImage answers the original bytes of the photo of :id, which must
// belong to workshopID unless it is 0.
func (s *Server) sendPhotoImage(c *gin.Context, workshopID int64) {
	p, err := s.photo(c, workshopID)
	if err != nil {
		s.fail(c, err)
		return
	}
	data, err := s.cfg.Photos.PhotoData(c.Request.Context(), p.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	ct := p.ContentType
	if ct != "image/jpeg" && ct != "image/png" {
		ct = "application/octet-stream"
	}
	c.Header("Cache-Control", "private, max-age=3600")
	c.Data(http.StatusOK, ct, data)
}

func (s *Server) photoImage(c *gin.Context) { s.sendPhotoImage(c, 0) }
