package webchat

import (
	"net/http"
	"strconv"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"

	"github.com/laborbot/laborbot/web"
)

// limiter keeps a token bucket per key (a session, a client address), the
// most recently used limiterKeys of them: a key forgotten starts again with
// a full bucket, which only a flood of new keys can cause and the address
// limit still bounds.
type limiter struct {
	buckets *lru.Cache[string, *rate.Limiter]
	rate    rate.Limit
	burst   int
}

const limiterKeys = 100_000

func newLimiter(r rate.Limit, burst int) *limiter {
	c, _ := lru.New[string, *rate.Limiter](limiterKeys)
	return &limiter{buckets: c, rate: r, burst: burst}
}

func (l *limiter) allow(key string) bool {
	b, ok := l.buckets.Get(key)
	if !ok {
		b = rate.NewLimiter(l.rate, l.burst)
		if prev, found, _ := l.buckets.PeekOrAdd(key, b); found {
			b = prev
		}
	}
	return b.Allow()
}

// allow applies the rate limits to a message from worker; when they are
// exceeded it answers with the friendly message (429) and returns false.
// Limits are per process: with several replicas a worker may send a bit
// more, which the limits' margin absorbs.
func (c *Chat) allow(w http.ResponseWriter, r *http.Request, worker int64) bool {
	ip := web.ClientIP(r, c.proxies).String()
	if c.ips.allow(ip) && c.sessions.allow(strconv.FormatInt(worker, 10)) {
		return true
	}
	w.Header().Set("Retry-After", "10")
	msg := c.render.Text("chat.slowdown", web.Lang(r))
	if wantsEvents(r) {
		events := newSSEStatus(w, http.StatusTooManyRequests)
		events.send("error", map[string]string{"message": msg})
		events.close()
		return false
	}
	c.renderPage(w, r, worker, http.StatusTooManyRequests, msg)
	return false
}
