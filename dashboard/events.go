package dashboard

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"wallscan"
)

// heartbeat is how often an idle event stream sends a comment, so proxies
// and browsers keep it open.
const heartbeat = 20 * time.Second

// streamEvents sends the workshop's events that keep accepts as
// server-sent events until the client goes away. Each event is named by
// its type and carries the Event as JSON: IDs only, so the screen fetches
// what it may see. A "ready" event opens the stream.
func (s *Server) streamEvents(c *gin.Context, workshopID int64, keep func(wallscan.Event) bool) {
	events, stop := s.events.Subscribe(workshopID)
	defer stop()
	h := c.Writer.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	c.Status(http.StatusOK)
	fmt.Fprint(c.Writer, "retry: 3000\nevent: ready\ndata: {}\n\n")
	c.Writer.Flush()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-c.Request.Context().Done():
			return
		case <-tick.C:
			fmt.Fprint(c.Writer, ": ping\n\n")
		case e, ok := <-events:
			if !ok {
				return
			}
			if !keep(e) {
				continue
			}
			data, _ := json.Marshal(e)
			fmt.Fprintf(c.Writer, "event: %s\ndata: %s\n\n", e.Type, data)
		}
		c.Writer.Flush()
	}
}

func (s *Server) workshopEvents(c *gin.Context) {
	w, err := s.workshop(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.streamEvents(c, w.ID, func(wallscan.Event) bool { return true })
}
