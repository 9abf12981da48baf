package telegram

import (
	"sync"
	"time"
)

// apiHealth turns the Bot API's failures into two log lines per outage:
// a warning at the first failed call and an info line, with how long it
// lasted, at the first call that works again. In between, each retry is
// logged at debug level only: an outage of a few minutes would otherwise
// write a warning per retry of every chat's reply and of getUpdates.
type apiHealth struct {
	mu    sync.Mutex
	down  bool
	since time.Time
	fails int
}

// failed records a failed call; first tells whether it began an outage.
func (h *apiHealth) failed(now time.Time) (first bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fails++
	if h.down {
		return false
	}
	h.down, h.since, h.fails = true, now, 1
	return true
}

// ok records a call the API answered; when it ends an outage, it returns
// the outage's length and the number of failed calls in it.
func (h *apiHealth) ok(now time.Time) (outage time.Duration, fails int, recovered bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.down {
		return 0, 0, false
	}
	h.down = false
	return now.Sub(h.since), h.fails, true
}

// apiFailed logs a failed Bot API call: as the start of an outage when it
// is one, at debug level otherwise.
func (t *Transport) apiFailed(msg string, args ...any) {
	if t.api.failed(t.clock.Now()) {
		t.log.Warn("Telegram Bot API failing; retrying until it answers ("+msg+")", args...)
		return
	}
	t.log.Debug(msg, args...)
}

// apiAnswered notes that the Bot API answered a call, and logs the end of
// an outage.
func (t *Transport) apiAnswered() {
	if outage, fails, ok := t.api.ok(t.clock.Now()); ok {
		t.log.Info("Telegram Bot API recovered", "outage", outage.Round(time.Millisecond), "failed_calls", fails)
	}
}
