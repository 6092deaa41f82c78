package wallscan

import (
	"errors"
	"fmt"
)

// Application error codes. Interface docs name the codes a method returns;
// the dashboard maps each code to one HTTP status in one place.
const (
	ECONFLICT     = "conflict"     // the request clashes with the current state
	EINTERNAL     = "internal"     // a fault of ours; details go to the log only
	EINVALID      = "invalid"      // the input is malformed or out of a named limit
	ENOTFOUND     = "not_found"    // the thing asked for does not exist
	EUNAUTHORIZED = "unauthorized" // no valid login, code or link
	EFORBIDDEN    = "forbidden"    // logged in, but not allowed to do this
	ETOOLARGE     = "too_large"    // bytes or pixels over a named limit
	EUNSUPPORTED  = "unsupported"  // a format wallscan does not read (HEIC, PDF, ...)
	ERATELIMIT    = "rate_limit"   // too many attempts; try again later
)

// Error is wallscan's application error: a code for programs and a message
// that a participant or facilitator can read and act on.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("wallscan error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human-readable message of the first *Error in
// err's chain, or a generic message for internal errors, whose details must
// not reach a user.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
