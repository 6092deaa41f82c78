package spool

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"wallscan"
)

// Upload defaults.
const (
	// DefaultMinBackoff is the first wait after a failed attempt.
	DefaultMinBackoff = time.Second
	// DefaultMaxBackoff caps the wait between attempts, so a station whose
	// server comes back sends its photos within a minute.
	DefaultMaxBackoff = time.Minute
	// DefaultTimeout bounds one upload, request and answer.
	DefaultTimeout = 2 * time.Minute
	// maxAnswer is the most of a server's answer kept as a rejection reason.
	maxAnswer = 4 << 10
	// IdempotencyHeader carries the photo's spool ID; a server that honours
	// it stores a photo sent twice only once.
	IdempotencyHeader = "Idempotency-Key"
)

// Uploader sends a spool's photos to the kiosk endpoint of a wallscan
// server, POST {Server}/api/v1/kiosk/{Kiosk}/photos, in spool order.
type Uploader struct {
	Spool  *Spool
	Server string // base URL, e.g. http://wallscan.local:8080
	Kiosk  string // the workshop's kiosk code
	// Client sends the requests; nil means a client with DefaultTimeout.
	Client *http.Client
	// MinBackoff and MaxBackoff bound the wait between attempts after a
	// failure; zero means the defaults.
	MinBackoff, MaxBackoff time.Duration
	// Report, if set, is told of every attempt's outcome.
	Report func(Event)

	flushing sync.Mutex // one Flush at a time, so no photo is sent twice at once
}

// Outcome is what became of one attempt to send a photo.
type Outcome string

// Outcomes of an upload attempt.
const (
	Sent     Outcome = "sent"     // the server accepted the photo; it left the spool
	Rejected Outcome = "rejected" // the server refused it for good; moved to rejected/
	Retry    Outcome = "retry"    // not sent (server down, network gone); kept for later
	Stopped  Outcome = "stopped"  // the server refuses the kiosk itself; kept, sending stops
)

// Event reports one attempt.
type Event struct {
	Item    Item
	Outcome Outcome
	Status  int    // the HTTP status, 0 without an answer
	Message string // the server's message or the network error
	Waiting int    // photos still waiting in the spool afterwards
}

// ErrKiosk is returned (wrapped in a *wallscan.Error) when the server
// refuses the kiosk rather than the photo: an unknown kiosk code, a
// workshop closed for uploads. Photos stay in the spool.
var ErrKiosk = errors.New("the server refuses this kiosk")

// retryError is a failure that sending again later may cure.
type retryError struct {
	status     int
	msg        string
	retryAfter time.Duration
}

func (e *retryError) Error() string {
	if e.status != 0 {
		return fmt.Sprintf("server answered %d: %s", e.status, e.msg)
	}
	return e.msg
}

// Flush sends every waiting photo, oldest first, and returns how many the
// server accepted. It stops at the first photo that could not be sent
// (server down, network gone, busy), so the order is kept, and returns that
// error; the photo stays in the spool. A photo the server refuses for good
// (a 4xx answer other than 408 and 429) is moved to rejected/ and the next
// one is sent. An answer that refuses the kiosk (401, 403, 404) stops
// sending with an error that wraps ErrKiosk.
func (u *Uploader) Flush(ctx context.Context) (sent int, err error) {
	if err := u.check(); err != nil {
		return 0, err
	}
	u.flushing.Lock()
	defer u.flushing.Unlock()
	items, err := u.Spool.Pending()
	if err != nil {
		return 0, err
	}
	for i, it := range items {
		if err := ctx.Err(); err != nil {
			return sent, err
		}
		data, err := u.Spool.Data(it)
		if errors.Is(err, fs.ErrNotExist) {
			continue // taken out of the folder by hand
		} else if err != nil {
			return sent, fmt.Errorf("spool photo %d: %w", it.Seq, err)
		}
		status, msg, err := u.send(ctx, it, data)
		ev := Event{Item: it, Status: status, Message: msg, Waiting: len(items) - i}
		switch {
		case err == nil:
			if err := u.Spool.Remove(it); err != nil {
				return sent, err
			}
			sent++
			ev.Outcome, ev.Waiting = Sent, len(items)-i-1
			u.report(ev)
		case ctx.Err() != nil:
			return sent, ctx.Err() // stopped, not failed
		case isRetry(err):
			ev.Outcome = Retry
			u.report(ev)
			return sent, err
		case errors.Is(err, ErrKiosk):
			ev.Outcome = Stopped
			u.report(ev)
			return sent, err
		default: // refused for good
			if err := u.Spool.Reject(it, fmt.Sprintf("%d %s", status, msg)); err != nil {
				return sent, err
			}
			ev.Outcome, ev.Waiting = Rejected, len(items)-i-1
			u.report(ev)
		}
	}
	return sent, nil
}

// Run sends waiting photos until ctx is done: at once, whenever wake
// receives, and after a failure again after a backoff that doubles from
// MinBackoff to MaxBackoff (or the server's Retry-After). It returns
// ctx's error, or the error of Flush when the server refuses the kiosk.
func (u *Uploader) Run(ctx context.Context, wake <-chan struct{}) error {
	if err := u.check(); err != nil {
		return err
	}
	minB, maxB := u.MinBackoff, u.MaxBackoff
	if minB <= 0 {
		minB = DefaultMinBackoff
	}
	if maxB < minB {
		maxB = max(DefaultMaxBackoff, minB)
	}
	backoff := minB
	for {
		_, err := u.Flush(ctx)
		var wait <-chan time.Time
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, ErrKiosk):
			return err
		case err != nil:
			d := backoff
			var re *retryError
			if errors.As(err, &re) && re.retryAfter > d {
				d = min(re.retryAfter, maxB)
			}
			wait = time.After(d)
			backoff = min(2*backoff, maxB)
		default:
			backoff = minB
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		case <-wait: // nil when all was sent: wait for wake
		}
	}
}

// Check asks the server about the kiosk code, GET
// {Server}/api/v1/kiosk/{Kiosk}, and returns the workshop's title. It
// returns an error wrapping ErrKiosk when the server refuses the code, and
// a retryable error when the server cannot be reached or answers 5xx:
// photos can then still be taken and wait in the spool.
func (u *Uploader) Check(ctx context.Context) (title string, err error) {
	if err := u.check(); err != nil {
		return "", err
	}
	endpoint, _ := u.endpoint()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(endpoint, "/photos"), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := u.client().Do(req)
	if err != nil {
		return "", &retryError{msg: err.Error()}
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	status, msg := resp.StatusCode, serverMessage(answer)
	switch {
	case status == http.StatusOK:
		var w struct {
			Title string `json:"title"`
		}
		json.Unmarshal(answer, &w)
		return w.Title, nil
	case status == http.StatusUnauthorized, status == http.StatusForbidden, status == http.StatusNotFound:
		return "", u.kioskError(status, msg)
	}
	return "", &retryError{status: status, msg: msg}
}

func (u *Uploader) kioskError(status int, msg string) error {
	return fmt.Errorf("%w: %w", wallscan.Errorf(wallscan.EUNAUTHORIZED,
		"The server at %s refuses kiosk code %q (%d: %s). Check the code on the facilitator's board; the photos stay in the spool.",
		u.Server, u.Kiosk, status, msg), ErrKiosk)
}

// IsRetry reports whether err is a failure that sending again later may
// cure: the server down or busy, the network gone.
func IsRetry(err error) bool { return isRetry(err) }

func (u *Uploader) client() *http.Client {
	if u.Client != nil {
		return u.Client
	}
	return &http.Client{Timeout: DefaultTimeout}
}

func (u *Uploader) check() error {
	switch {
	case u.Spool == nil:
		return wallscan.Errorf(wallscan.EINVALID, "The uploader has no spool.")
	case u.Kiosk == "":
		return wallscan.Errorf(wallscan.EINVALID, "The kiosk code is not set.")
	}
	if _, err := u.endpoint(); err != nil {
		return err
	}
	return nil
}

// endpoint is the URL photos are posted to.
func (u *Uploader) endpoint() (string, error) {
	base, err := url.Parse(u.Server)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return "", wallscan.Errorf(wallscan.EINVALID, "The server address %q is not an http:// or https:// URL.", u.Server)
	}
	return strings.TrimRight(base.String(), "/") + "/api/v1/kiosk/" + url.PathEscape(u.Kiosk) + "/photos", nil
}

// send posts one photo. It returns the answer's status and message, and
// nil when the server accepted the photo, a *retryError when sending again
// may help, an error wrapping ErrKiosk when the kiosk is refused, or a
// permanent rejection error.
func (u *Uploader) send(ctx context.Context, it Item, data []byte) (status int, msg string, err error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="photo"; filename=%q`, it.Filename()))
	h.Set("Content-Type", "image/jpeg")
	pw, err := mw.CreatePart(h)
	if err != nil {
		return 0, "", err
	}
	if _, err := pw.Write(data); err != nil {
		return 0, "", err
	}
	if it.Wall != "" {
		if err := mw.WriteField("wall", it.Wall); err != nil {
			return 0, "", err
		}
	}
	if err := mw.Close(); err != nil {
		return 0, "", err
	}
	endpoint, err := u.endpoint()
	if err != nil {
		return 0, "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, &body)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set(IdempotencyHeader, it.ID)
	req.Header.Set("Accept", "application/json")
	resp, err := u.client().Do(req)
	if err != nil {
		return 0, err.Error(), &retryError{msg: err.Error()}
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	status, msg = resp.StatusCode, serverMessage(answer)
	switch {
	case status >= 200 && status < 300:
		return status, msg, nil
	case status == http.StatusRequestTimeout, status == http.StatusTooManyRequests, status >= 500:
		return status, msg, &retryError{status: status, msg: msg, retryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	case status == http.StatusUnauthorized, status == http.StatusForbidden, status == http.StatusNotFound:
		return status, msg, u.kioskError(status, msg)
	default:
		return status, msg, fmt.Errorf("server refused photo %s: %d %s", it.ID, status, msg)
	}
}

func (u *Uploader) report(ev Event) {
	if u.Report != nil {
		u.Report(ev)
	}
}

func isRetry(err error) bool {
	var re *retryError
	return errors.As(err, &re)
}

// serverMessage reads the message of an answer: the "error" or "message"
// field of a JSON body (a string, or an object with a "message"), or the
// text itself.
func serverMessage(b []byte) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) == nil {
		for _, k := range []string{"error", "message"} {
			raw, ok := m[k]
			if !ok {
				continue
			}
			var s string
			if json.Unmarshal(raw, &s) == nil && s != "" {
				return s
			}
			var obj struct {
				Message string `json:"message"`
			}
			if json.Unmarshal(raw, &obj) == nil && obj.Message != "" {
				return obj.Message
			}
		}
	}
	return strings.TrimSpace(string(b))
}

// retryAfter reads a Retry-After header given in seconds; 0 otherwise.
func retryAfter(v string) time.Duration {
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return 0
}
