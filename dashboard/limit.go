package dashboard

import (
	"sync"
	"time"
)

// limiter counts failed attempts per key (a client address) in fixed
// windows. Only failures count, so a kiosk or facilitator that knows its
// code or password is never slowed down, while guessing is.
type limiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	seen map[string]*attempts
}

type attempts struct {
	start time.Time
	n     int
}

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, now: time.Now, seen: map[string]*attempts{}}
}

// blocked reports whether key has used up its failures in this window.
func (l *limiter) blocked(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.seen[key]
	return a != nil && l.now().Sub(a.start) < l.window && a.n >= l.max
}

// fail records a failure of key.
func (l *limiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	a := l.seen[key]
	if a == nil || now.Sub(a.start) >= l.window {
		// Forget stale entries now and then, so the map stays small.
		if len(l.seen) > 10_000 {
			for k, v := range l.seen {
				if now.Sub(v.start) >= l.window {
					delete(l.seen, k)
				}
			}
		}
		a = &attempts{start: now}
		l.seen[key] = a
	}
	a.n++
}
