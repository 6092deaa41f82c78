package dashboard

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"wallscan"
)

// contentSecurityPolicy allows only the server's own scripts, styles and
// images (blob: for the kiosk's camera preview), no inline script, and no
// framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// same-origin: our own pages send a referrer (and a real Origin on form
	// posts, which no-referrer would turn into "null"); other sites get none,
	// so kiosk codes and share tokens in URLs never leak.
	h.Set("Referrer-Policy", "same-origin")
	// The kiosk needs the camera; nothing else does.
	h.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
	c.Next()
}

func (s *Server) recovery(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic", "method", c.Request.Method, "path", c.Request.URL.Path, "panic", v, "stack", string(debug.Stack()))
			if !c.Writer.Written() {
				s.fail(c, fmt.Errorf("panic: %v", v))
			}
			c.Abort()
		}
	}()
	c.Next()
}

func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	// Paths of the kiosk and the director carry their secret; log the route.
	path := c.FullPath()
	if path == "" {
		path = "(no route)"
	}
	// Answers that went wrong are news; the rest is detail.
	level := slog.LevelDebug
	switch st := c.Writer.Status(); {
	case st >= 500:
		level = slog.LevelError
	case st >= 400:
		level = slog.LevelInfo
	}
	s.log.LogAttrs(c.Request.Context(), level, "request",
		slog.String("method", c.Request.Method), slog.String("route", path),
		slog.Int("status", c.Writer.Status()), slog.Duration("took", time.Since(start)),
		slog.String("client", c.ClientIP()))
}

// sameOrigin refuses a state-changing request whose Origin (or Referer)
// names another site. It guards the forms that come before a session
// exists (login) against cross-site posting; session requests are further
// guarded by the CSRF token.
func (s *Server) sameOrigin(c *gin.Context) {
	origin := c.GetHeader("Origin")
	if origin == "" {
		origin = c.GetHeader("Referer")
	}
	if origin == "" {
		c.Next()
		return
	}
	u, err := url.Parse(origin)
	if err != nil || !strings.EqualFold(u.Host, c.Request.Host) {
		s.fail(c, wallscan.Errorf(wallscan.EFORBIDDEN, "This request came from another site (%s) and was refused.", origin))
		c.Abort()
		return
	}
	c.Next()
}

func (s *Server) notFound(c *gin.Context) {
	s.fail(c, keyed("error.nopage", wallscan.Errorf(wallscan.ENOTFOUND, "There is no page at %s.", c.Request.URL.Path)))
}
