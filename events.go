package wallscan

import "sync"

// Event types, as the dashboard's live updates name them.
const (
	EventPhotoAdded      = "photo_added"
	EventPhotoStatus     = "photo_status"
	EventNotesFound      = "notes_found"
	EventNoteRead        = "note_read"
	EventNoteEdited      = "note_edited"
	EventClustersChanged = "clusters_changed"
)

// Event tells the screens of one workshop that something changed. It
// carries IDs only: a screen fetches what it shows, so an event never leaks
// more than the screen may see.
type Event struct {
	Type       string `json:"type"`
	WorkshopID int64  `json:"workshop_id"`
	PhotoID    int64  `json:"photo_id,omitempty"`
	NoteID     int64  `json:"note_id,omitempty"`
}

// EventService delivers events to the screens that watch a workshop.
type EventService interface {
	Publish(e Event)
	// Subscribe returns a channel of the workshop's events and a function
	// that ends the subscription and closes the channel.
	Subscribe(workshopID int64) (<-chan Event, func())
}

// Broker is an in-process EventService. A slow subscriber misses events
// rather than holding up processing: events are hints to refetch, and the
// next one brings the screen up to date.
type Broker struct {
	mu   sync.Mutex
	subs map[int64]map[chan Event]struct{}
}

// NewBroker returns an empty Broker.
func NewBroker() *Broker {
	return &Broker{subs: map[int64]map[chan Event]struct{}{}}
}

// Publish sends e to every subscriber of its workshop without blocking.
func (b *Broker) Publish(e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs[e.WorkshopID] {
		select {
		case ch <- e:
		default:
		}
	}
}

// Subscribe implements EventService.
func (b *Broker) Subscribe(workshopID int64) (<-chan Event, func()) {
	ch := make(chan Event, 64)
	b.mu.Lock()
	if b.subs[workshopID] == nil {
		b.subs[workshopID] = map[chan Event]struct{}{}
	}
	b.subs[workshopID][ch] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs[workshopID], ch)
			if len(b.subs[workshopID]) == 0 {
				delete(b.subs, workshopID)
			}
			b.mu.Unlock()
			close(ch)
		})
	}
}
