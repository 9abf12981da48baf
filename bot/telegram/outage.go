package telegram

import (
	"sync"
	"time"
)

// apiHealth turns the Bot API's failures into two log lines per outage of
// a method: a warning at the first failed call and an info line, with how
// long it lasted, at the first call of that method that works again. In
// between, each retry is logged at debug level only: an outage of a few
// minutes would otherwise write a warning per retry of every chat's reply
// and of getUpdates. Methods are followed apart: an API that refuses
// sendMessage while it still takes setMyCommands or delivers updates is
// one outage of sendMessage, not an outage that ends and begins again
// each time another method works.
type apiHealth struct {
	mu      sync.Mutex
	methods map[string]*methodOutage
}

// methodOutage is the state of one method's outage.
type methodOutage struct {
	since time.Time
	fails int
}

// failed records a failed call of method; first tells whether it began an
// outage of it.
func (h *apiHealth) failed(method string, now time.Time) (first bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if o, down := h.methods[method]; down {
		o.fails++
		return false
	}
	if h.methods == nil {
		h.methods = make(map[string]*methodOutage)
	}
	h.methods[method] = &methodOutage{since: now, fails: 1}
	return true
}

// ok records a call of method the API answered; when it ends an outage of
// it, it returns the outage's length and the number of failed calls in it.
func (h *apiHealth) ok(method string, now time.Time) (outage time.Duration, fails int, recovered bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	o, down := h.methods[method]
	if !down {
		return 0, 0, false
	}
	delete(h.methods, method)
	return now.Sub(o.since), o.fails, true
}

// apiFailed logs a failed Bot API call of method: as the start of an
// outage when it is one, at debug level otherwise.
func (t *Transport) apiFailed(method, msg string, args ...any) {
	if t.api.failed(method, t.clock.Now()) {
		t.log.Warn("Telegram Bot API failing; retrying until it answers ("+msg+")", append(args, "method", method)...)
		return
	}
	t.log.Debug(msg, append(args, "method", method)...)
}

// apiAnswered notes that the Bot API answered a call of method, and logs
// the end of an outage of it.
func (t *Transport) apiAnswered(method string) {
	if outage, fails, ok := t.api.ok(method, t.clock.Now()); ok {
		t.log.Info("Telegram Bot API recovered", "method", method, "outage", outage.Round(time.Millisecond), "failed_calls", fails)
	}
}
