package dashboard

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"wallscan"
)

// MaxJSONBytes is the largest JSON request body accepted.
const MaxJSONBytes = 64 << 10

// bindJSON decodes the request's JSON body into v: at most MaxJSONBytes,
// one object, no unknown fields, with a message that says what is wrong.
func bindJSON(c *gin.Context, v any) error {
	if ct := c.ContentType(); ct != "application/json" {
		return wallscan.Errorf(wallscan.EUNSUPPORTED, "Send JSON (Content-Type: application/json), not %q.", ct)
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, MaxJSONBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		var typeErr *json.UnmarshalTypeError
		var syntaxErr *json.SyntaxError
		switch {
		case errors.As(err, &tooLarge):
			return wallscan.Errorf(wallscan.ETOOLARGE, "The request body is over %d KB.", MaxJSONBytes>>10)
		case errors.Is(err, io.EOF):
			return wallscan.Errorf(wallscan.EINVALID, "The request body is empty; send a JSON object.")
		case errors.As(err, &typeErr):
			return wallscan.Errorf(wallscan.EINVALID, "The field %q must be of type %s.", typeErr.Field, typeErr.Type)
		case errors.As(err, &syntaxErr):
			return wallscan.Errorf(wallscan.EINVALID, "The body is not valid JSON (at byte %d).", syntaxErr.Offset)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return wallscan.Errorf(wallscan.EINVALID, "Unknown field %s.", strings.TrimPrefix(err.Error(), "json: unknown field "))
		default:
			return wallscan.Errorf(wallscan.EINVALID, "The body is not valid JSON.")
		}
	}
	if dec.More() {
		return wallscan.Errorf(wallscan.EINVALID, "Send one JSON object, not several.")
	}
	return nil
}

// paramID parses the path parameter name as the positive ID of a what.
// ENOTFOUND otherwise: a malformed ID names nothing.
func paramID(c *gin.Context, name, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, wallscan.Errorf(wallscan.ENOTFOUND, "There is no %s %q.", what, c.Param(name))
	}
	return id, nil
}
