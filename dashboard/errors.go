package dashboard

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"wallscan"
)

// statusOf maps each application error code to its HTTP status. It is the
// one place where codes become statuses.
var statusOf = map[string]int{
	wallscan.EINVALID:      http.StatusBadRequest,
	wallscan.EUNAUTHORIZED: http.StatusUnauthorized,
	wallscan.EFORBIDDEN:    http.StatusForbidden,
	wallscan.ENOTFOUND:     http.StatusNotFound,
	wallscan.ECONFLICT:     http.StatusConflict,
	wallscan.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	wallscan.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
	wallscan.ERATELIMIT:    http.StatusTooManyRequests,
	wallscan.EINTERNAL:     http.StatusInternalServerError,
}

// ErrorStatus returns the HTTP status for err's application error code.
func ErrorStatus(err error) int {
	if st, ok := statusOf[wallscan.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// pageError gives an error a catalogue key: pages show the person the
// key's text in their language, the API the error's own message.
type pageError struct {
	key string
	err error
}

func (e *pageError) Error() string { return e.err.Error() }
func (e *pageError) Unwrap() error { return e.err }

// keyed marks err with the catalogue key of its page message.
func keyed(key string, err error) error { return &pageError{key: key, err: err} }

// apiError is the JSON body of every error answer of the API.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// fail answers err: JSON under /api/v1, an HTML page elsewhere. The status
// comes from the error code unless status is given. Internal errors are
// logged with their details; the client only reads ErrorMessage.
func (s *Server) fail(c *gin.Context, err error, status ...int) {
	st := ErrorStatus(err)
	if len(status) > 0 {
		st = status[0]
	}
	code := wallscan.ErrorCode(err)
	if code == wallscan.EINTERNAL {
		s.log.Error("internal error", "method", c.Request.Method, "route", c.FullPath(), "err", err)
	}
	if st == http.StatusTooManyRequests {
		c.Header("Retry-After", "60")
	}
	c.Abort()
	if isAPI(c) {
		var body apiError
		body.Error.Code, body.Error.Message = code, wallscan.ErrorMessage(err)
		c.JSON(st, body)
		return
	}
	msg := wallscan.ErrorMessage(err)
	var pe *pageError
	if errors.As(err, &pe) {
		msg = s.loc(c).T(pe.key)
	}
	s.renderError(c, st, msg)
}

func isAPI(c *gin.Context) bool {
	return strings.HasPrefix(c.Request.URL.Path, "/api/")
}
