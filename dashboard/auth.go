package dashboard

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"wallscan"
)

// Names of the cookies and fields of a facilitator session.
const (
	SessionCookie = "wallscan_session"
	CSRFHeader    = "X-CSRF-Token"
	CSRFField     = "csrf_token"
)

// Context keys.
const (
	keySession  = "session"
	keyWorkshop = "workshop"
	keyShare    = "share"
)

// csrfToken derives a session's CSRF token from its secret token. It needs
// no storage and stays valid as long as the session does, and nobody who
// lacks the (HttpOnly) session cookie can compute it.
func csrfToken(sessionToken string) string {
	m := hmac.New(sha256.New, []byte(sessionToken))
	m.Write([]byte("wallscan csrf v1"))
	return hex.EncodeToString(m.Sum(nil))
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// requireSession lets through requests with a valid facilitator session
// cookie, and of those only the state-changing ones that carry the
// session's CSRF token in the X-CSRF-Token header or the csrf_token field.
// Others get 401 (API), a redirect to /login (pages), or 403 (no token).
func (s *Server) requireSession(c *gin.Context) {
	token, _ := c.Cookie(SessionCookie)
	var err error
	if token == "" {
		err = wallscan.Errorf(wallscan.EUNAUTHORIZED, "Log in first.")
	} else {
		_, err = s.cfg.Auth.Session(c.Request.Context(), token)
	}
	if err != nil {
		if wallscan.ErrorCode(err) == wallscan.EUNAUTHORIZED {
			err = wallscan.Errorf(wallscan.EUNAUTHORIZED, "Log in first: your session is missing or has expired.")
			if !isAPI(c) && safeMethod(c.Request.Method) {
				c.Abort()
				c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
				return
			}
		}
		s.fail(c, err)
		return
	}
	if !safeMethod(c.Request.Method) {
		got := c.GetHeader(CSRFHeader)
		if got == "" && strings.HasPrefix(c.ContentType(), "application/x-www-form-urlencoded") {
			got = c.PostForm(CSRFField)
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(csrfToken(token))) != 1 {
			s.fail(c, wallscan.Errorf(wallscan.EFORBIDDEN, "The request lacks a valid CSRF token; reload the page and try again."))
			return
		}
	}
	c.Set(keySession, token)
	c.Next()
}

// loginResult is the answer of a successful API login.
type loginResult struct {
	CSRFToken string `json:"csrf_token"`
}

// login checks password against the rate limit and the store and starts a
// session, setting its cookie.
func (s *Server) login(c *gin.Context, password string) (string, error) {
	client := c.ClientIP()
	if s.loginLimit.blocked(client) {
		return "", wallscan.Errorf(wallscan.ERATELIMIT, "Too many wrong passwords. Wait a few minutes and try again.")
	}
	if len(password) > wallscan.MaxPasswordLen {
		s.loginLimit.fail(client)
		return "", wallscan.Errorf(wallscan.EUNAUTHORIZED, "Wrong password.")
	}
	if err := s.cfg.Auth.CheckPassword(c.Request.Context(), password); err != nil {
		if wallscan.ErrorCode(err) == wallscan.EUNAUTHORIZED {
			s.loginLimit.fail(client)
			return "", wallscan.Errorf(wallscan.EUNAUTHORIZED, "Wrong password.")
		}
		return "", err
	}
	sess, err := s.cfg.Auth.CreateSession(c.Request.Context())
	if err != nil {
		return "", err
	}
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(SessionCookie, sess.Token, int(wallscan.SessionTTL.Seconds()), "/", "", s.secure(c), true)
	return sess.Token, nil
}

func (s *Server) secure(c *gin.Context) bool {
	return s.cfg.SecureCookies || c.Request.TLS != nil
}

func (s *Server) apiLogin(c *gin.Context) {
	var in struct {
		Password string `json:"password"`
	}
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	token, err := s.login(c, in.Password)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, loginResult{CSRFToken: csrfToken(token)})
}

func (s *Server) apiSession(c *gin.Context) {
	c.JSON(http.StatusOK, loginResult{CSRFToken: csrfToken(c.GetString(keySession))})
}

func (s *Server) logout(c *gin.Context) error {
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(SessionCookie, "", -1, "/", "", s.secure(c), true)
	return s.cfg.Auth.DeleteSession(c.Request.Context(), c.GetString(keySession))
}

func (s *Server) apiLogout(c *gin.Context) {
	if err := s.logout(c); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) logoutForm(c *gin.Context) {
	if err := s.logout(c); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/login")
}

func (s *Server) loginForm(c *gin.Context) {
	next := localPath(c.PostForm("next"))
	if _, err := s.login(c, c.PostForm("password")); err != nil {
		if wallscan.ErrorCode(err) == wallscan.EINTERNAL {
			s.fail(c, err)
			return
		}
		s.renderLogin(c, ErrorStatus(err), next, s.errorText(c, err))
		return
	}
	c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) loginPage(c *gin.Context) {
	s.renderLogin(c, http.StatusOK, localPath(c.Query("next")), "")
}

// localPath returns p if it is a path on this site, else "/workshops", so a
// login never redirects to another site.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/workshops"
	}
	return p
}

// requireKiosk opens the workshop of the join code in the path. Unknown
// codes count against the client's rate limit.
func (s *Server) requireKiosk(c *gin.Context) {
	client := c.ClientIP()
	if s.codeLimit.blocked(client) {
		s.fail(c, keyed("error.ratelimit", wallscan.Errorf(wallscan.ERATELIMIT, "Too many wrong codes. Wait a few minutes and try again.")))
		return
	}
	code := c.Param("code")
	var w *wallscan.Workshop
	var err error
	if code == "" || len(code) > 64 {
		err = wallscan.Errorf(wallscan.ENOTFOUND, "No workshop has this code.")
	} else {
		w, err = s.cfg.Workshops.WorkshopByJoinCode(c.Request.Context(), code)
	}
	if err != nil {
		if wallscan.ErrorCode(err) == wallscan.ENOTFOUND {
			s.codeLimit.fail(client)
			err = keyed("error.code", wallscan.Errorf(wallscan.ENOTFOUND, "No workshop has the code %q. Check the code with the facilitator.", code))
		}
		s.fail(c, err)
		return
	}
	c.Set(keyWorkshop, w)
	c.Next()
}

// requireShare opens the workshop of the share link token in the path.
// Unknown and revoked tokens count against the client's rate limit.
func (s *Server) requireShare(c *gin.Context) {
	client := c.ClientIP()
	if s.codeLimit.blocked(client) {
		s.fail(c, keyed("error.ratelimit", wallscan.Errorf(wallscan.ERATELIMIT, "Too many wrong links. Wait a few minutes and try again.")))
		return
	}
	token := c.Param("token")
	var link *wallscan.ShareLink
	var err error
	if token == "" || len(token) > 128 {
		err = wallscan.Errorf(wallscan.EUNAUTHORIZED, "unknown link")
	} else {
		link, err = s.cfg.Auth.ShareLinkByToken(c.Request.Context(), token)
	}
	if err != nil {
		if wallscan.ErrorCode(err) == wallscan.EUNAUTHORIZED {
			s.codeLimit.fail(client)
			err = keyed("error.link", wallscan.Errorf(wallscan.EUNAUTHORIZED, "This report link does not work (any more). Ask the facilitator for a new link."))
		}
		s.fail(c, err)
		return
	}
	w, err := s.cfg.Workshops.Workshop(c.Request.Context(), link.WorkshopID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(keyShare, link)
	c.Set(keyWorkshop, w)
	c.Next()
}

func ctxWorkshop(c *gin.Context) *wallscan.Workshop {
	return c.MustGet(keyWorkshop).(*wallscan.Workshop)
}
