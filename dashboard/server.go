// Package dashboard is wallscan's web face: the kiosk where participants
// photograph their walls, the facilitator's board, the director's report,
// and the JSON API under /api/v1 that the pages use. It is a Gin server
// whose handlers talk only to the root package's service interfaces, so it
// runs the same against the SQLite store and against test doubles.
package dashboard

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"wallscan"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

//go:embed i18n/*.json
var i18nFS embed.FS

// Regrouper groups a workshop's notes again, keeping the facilitator's
// curation. *wallscan.Processor implements it.
type Regrouper interface {
	GroupWorkshop(ctx context.Context, workshopID int64) error
}

// WordAdvisor lists the words of a workshop's notes that the grouping does
// not know, for the facilitator to add to the vocabulary.
// *wallscan.Processor implements it.
type WordAdvisor interface {
	UnknownWords(ctx context.Context, workshopID int64) ([]wallscan.UnknownWord, error)
}

// Config holds what a Server needs. Every service field is required except
// Events, Regrouper and Words; cmd/wallscan passes the store for all the
// services and the Processor for the last two.
type Config struct {
	Workshops wallscan.WorkshopService
	Photos    wallscan.PhotoService
	Notes     wallscan.NoteService
	Clusters  wallscan.ClusterService
	Curation  wallscan.CurationService
	Auth      wallscan.AuthService

	// Events carries live updates to the screens. Nil: the server uses a
	// Broker of its own, so only the dashboard's own changes are announced.
	Events wallscan.EventService
	// Regrouper runs "re-run grouping". Nil: that action answers 501.
	Regrouper Regrouper
	// Words suggests vocabulary on the settings page. Nil: no suggestions.
	Words WordAdvisor

	// Logger receives request logs and internal error details. Nil: slog.Default().
	Logger *slog.Logger
	// SecureCookies sets the Secure flag on cookies even when the request
	// did not arrive over TLS (behind a TLS-terminating proxy). Requests
	// over TLS always get Secure cookies.
	SecureCookies bool
	// TrustedProxies lists the addresses (or CIDR ranges) of reverse proxies
	// whose X-Forwarded-For names the client. Nil: none; the client is the
	// peer of the connection.
	TrustedProxies []string
}

// Server serves the kiosk, facilitator and director pages and the JSON API.
type Server struct {
	cfg    Config
	log    *slog.Logger
	events wallscan.EventService
	pages  *pages
	cat    catalogues

	uploads    chan struct{} // one token per upload being read, MaxConcurrentUploads in all
	loginLimit *limiter      // failed logins per client address
	codeLimit  *limiter      // unknown kiosk codes and share tokens per client address
}

// Rate limits: failed attempts allowed per client address within a window,
// after which every attempt from that address is refused until the window ends.
const (
	MaxLoginFailures = 10
	MaxCodeFailures  = 30
	FailureWindow    = 5 * time.Minute
)

// NewServer returns a Server for cfg. It parses the embedded templates and
// catalogues once and panics if they are broken, which a test catches.
func NewServer(cfg Config) *Server {
	s := &Server{cfg: cfg, log: cfg.Logger, events: cfg.Events}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.events == nil {
		s.events = wallscan.NewBroker()
	}
	var err error
	if s.cat, err = loadCatalogues(); err != nil {
		panic(err)
	}
	if s.pages, err = parsePages(s.cat); err != nil {
		panic(err)
	}
	s.uploads = make(chan struct{}, MaxConcurrentUploads)
	s.loginLimit = newLimiter(MaxLoginFailures, FailureWindow)
	s.codeLimit = newLimiter(MaxCodeFailures, FailureWindow)
	return s
}

// Handler builds the Gin engine with all middleware and routes.
func (s *Server) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// The client address is the connection's: a client cannot pick its own
	// with X-Forwarded-For and slip past the rate limits.
	if err := r.SetTrustedProxies(s.cfg.TrustedProxies); err != nil {
		s.log.Error("trusted proxies", "err", err)
	}
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	r.Use(s.recovery, s.logRequests, securityHeaders, s.language)
	r.NoRoute(s.notFound)
	r.NoMethod(func(c *gin.Context) {
		s.fail(c, wallscan.Errorf(wallscan.EINVALID, "Method %s is not allowed here.", c.Request.Method), http.StatusMethodNotAllowed)
	})

	static, _ := fs.Sub(staticFS, "static")
	r.StaticFS("/static", http.FS(static))
	r.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })

	// Nobody: login.
	r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/workshops") })
	r.GET("/login", s.loginPage)
	r.POST("/login", s.sameOrigin, s.loginForm)
	api := r.Group("/api/v1")
	api.POST("/login", s.sameOrigin, s.apiLogin)

	// Facilitator: session cookie, CSRF token on every change.
	fac := r.Group("/", s.requireSession)
	fac.POST("/logout", s.logoutForm)
	fac.GET("/workshops", s.workshopsPage)
	fac.GET("/workshops/:id", s.workshopPage("overview"))
	fac.GET("/workshops/:id/settings", s.workshopPage("settings"))
	fac.GET("/workshops/:id/wall", s.workshopPage("wall"))
	fac.GET("/workshops/:id/review", s.workshopPage("review"))
	fac.GET("/workshops/:id/board", s.workshopPage("board"))
	fac.GET("/workshops/:id/matrix", s.matrixPage)
	fac.GET("/workshops/:id/report", s.facilitatorReportPage)
	fac.GET("/workshops/:id/export/:format", s.facilitatorExport)

	fapi := api.Group("/", s.requireSession)
	fapi.GET("/session", s.apiSession)
	fapi.POST("/logout", s.apiLogout)
	fapi.GET("/workshops", s.listWorkshops)
	fapi.POST("/workshops", s.createWorkshop)
	fapi.GET("/workshops/:id", s.getWorkshop)
	fapi.PATCH("/workshops/:id", s.updateWorkshop)
	fapi.POST("/workshops/:id/joincode", s.renewJoinCode)
	fapi.GET("/workshops/:id/unknown-words", s.unknownWords)
	fapi.GET("/workshops/:id/photos", s.listPhotos)
	fapi.POST("/workshops/:id/photos", s.uploadPhoto)
	fapi.GET("/workshops/:id/notes", s.listNotes)
	fapi.GET("/workshops/:id/clusters", s.listClusters)
	fapi.POST("/workshops/:id/clusters", s.createCluster)
	fapi.PATCH("/workshops/:id/clusters/:cluster", s.updateCluster)
	fapi.DELETE("/workshops/:id/clusters/:cluster", s.deleteCluster)
	fapi.POST("/workshops/:id/clusters/:cluster/merge", s.mergeClusters)
	fapi.POST("/workshops/:id/clusters/:cluster/split", s.splitCluster)
	fapi.POST("/workshops/:id/notes/:note/move", s.moveNote)
	fapi.POST("/workshops/:id/undo", s.undo)
	fapi.POST("/workshops/:id/regroup", s.regroup)
	fapi.GET("/workshops/:id/matrix", s.getMatrix)
	fapi.GET("/workshops/:id/report", s.getReport)
	fapi.GET("/workshops/:id/shares", s.listShares)
	fapi.POST("/workshops/:id/shares", s.createShare)
	fapi.POST("/workshops/:id/shares/:share/revoke", s.revokeShare)
	fapi.GET("/workshops/:id/events", s.workshopEvents)
	fapi.GET("/photos/:id", s.getPhoto)
	fapi.GET("/photos/:id/image", s.photoImage)
	fapi.GET("/notes/:id", s.getNote)
	fapi.PATCH("/notes/:id", s.editNote)
	fapi.GET("/notes/:id/crop", s.noteCrop)

	// Kiosk: the join code in the path opens one workshop, for uploads only.
	r.GET("/k/:code", s.requireKiosk, s.kioskPage)
	kiosk := api.Group("/kiosk/:code", s.requireKiosk)
	kiosk.GET("", s.kioskWorkshop)
	kiosk.POST("/photos", s.kioskUpload)
	kiosk.GET("/photos/:id", s.kioskPhoto)
	kiosk.GET("/photos/:id/image", s.kioskPhotoImage)
	kiosk.GET("/photos/:id/events", s.kioskEvents)
	kiosk.PATCH("/notes/:id", s.kioskEditNote)

	// Director: the share link token opens one workshop's report, read-only.
	dir := r.Group("/r/:token", s.requireShare)
	dir.GET("", s.directorReportPage)
	dir.GET("/export/:format", s.directorExport)
	dir.GET("/photos/:id/image", s.sharedPhotoImage)
	dir.GET("/notes/:id/crop", s.sharedNoteCrop)
	api.GET("/shared/:token/report", s.requireShare, s.sharedReport)

	return r
}
