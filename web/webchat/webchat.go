package webchat

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/web"
)

//go:embed templates
var templateFS embed.FS

//go:embed sw.js
var serviceWorker []byte

// Conversation is what the web chat talks to: bot.Conversation.
type Conversation interface {
	Handle(ctx context.Context, in bot.Incoming, out bot.Responder) error
}

// Options configure a Chat.
type Options struct {
	Conversation Conversation
	Store        Store
	// Sealer seals inbox entries and uploads (DATA_KEY); nil: stored as
	// they are.
	Sealer intake.Sealer
	Assets *web.Assets
	// Key signs the session cookies and resume links (see LoadKey); at
	// least 16 bytes.
	Key []byte
	// BaseURL is the site's public URL, for resume links ("" = the
	// request's host). With an https BaseURL cookies are Secure.
	BaseURL string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (web.ClientIP).
	TrustedProxies []netip.Prefix
	// Rate limits: a session may send SessionRate messages a second with
	// bursts of SessionBurst; one client address IPRate with IPBurst (a
	// site's workers may share one address behind a NAT). Zero: defaults.
	SessionRate  rate.Limit
	SessionBurst int
	IPRate       rate.Limit
	IPBurst      int
	// Push turns on Web Push notifications (nil: off).
	Push *PushOptions
	// UploadTTL is how long an uploaded file waits for a complaint to
	// take it (default 30 days).
	UploadTTL time.Duration
	// AnswerTimeout bounds one message's handling, which goes on if the
	// browser goes away so the answer is in the inbox when the worker
	// returns (default 2 minutes).
	AnswerTimeout time.Duration
	Logger        *slog.Logger
	Now           func() time.Time
}

// Default rate limits.
const (
	DefaultSessionRate  = 0.5 // a message every 2 s on average
	DefaultSessionBurst = 30  // a whole complaint (about 22 answers) tapped through quickly
	DefaultIPRate       = 10
	DefaultIPBurst      = 120
)

// Chat is the web chat. Make it with New; it is an http.Handler for the
// paths under /chat.
type Chat struct {
	conv      Conversation
	store     Store
	sealer    intake.Sealer
	render    *web.Renderer
	fragments map[string]*template.Template // lang → the message fragment
	key       []byte
	base      *url.URL
	secure    bool
	proxies   []netip.Prefix
	sessions  *limiter
	ips       *limiter
	push      *pusher
	uploadTTL time.Duration
	timeout   time.Duration
	log       *slog.Logger
	now       func() time.Time
	tz        *time.Location
	locks     keyedLocks // one worker's messages are handled one at a time
	mux       *http.ServeMux
}

// China Standard Time, for the times on messages (no tz database needed).
var chinaTime = time.FixedZone("CST", 8*3600)

// New makes the web chat.
func New(o Options) (*Chat, error) {
	if o.Conversation == nil || o.Store == nil || o.Assets == nil {
		return nil, errors.New("webchat: Conversation, Store and Assets are required")
	}
	if len(o.Key) < 16 {
		return nil, errors.New("webchat: the cookie key must be at least 16 bytes")
	}
	c := &Chat{conv: o.Conversation, store: o.Store, sealer: o.Sealer, key: o.Key, proxies: o.TrustedProxies,
		uploadTTL: o.UploadTTL, timeout: o.AnswerTimeout, log: o.Logger, now: o.Now, tz: chinaTime}
	if c.sealer == nil {
		c.sealer = intake.NoSealer{}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.uploadTTL <= 0 {
		c.uploadTTL = 30 * 24 * time.Hour
	}
	if c.timeout <= 0 {
		c.timeout = 2 * time.Minute
	}
	if o.BaseURL != "" {
		u, err := url.Parse(strings.TrimSuffix(o.BaseURL, "/"))
		if err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
			return nil, fmt.Errorf("webchat: base URL %q is not an http(s) URL", o.BaseURL)
		}
		c.base, c.secure = u, u.Scheme == "https"
	}
	c.sessions = newLimiter(orRate(o.SessionRate, DefaultSessionRate), orInt(o.SessionBurst, DefaultSessionBurst))
	c.ips = newLimiter(orRate(o.IPRate, DefaultIPRate), orInt(o.IPBurst, DefaultIPBurst))
	if o.Push != nil {
		p, err := newPusher(*o.Push, c.log)
		if err != nil {
			return nil, err
		}
		c.push = p
	}
	pages, err := fs.Sub(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	c.render, err = web.NewRenderer(web.RendererOptions{Pages: pages, Partials: "partials/*.html", Texts: texts,
		Funcs: template.FuncMap{"chips": func() []chip { return menuChips }}, Assets: o.Assets, Home: "/chat", LangPath: "/chat/lang", Logger: c.log})
	if err != nil {
		return nil, err
	}
	c.fragments = map[string]*template.Template{}
	for _, lang := range []string{"zh", "en"} {
		t, err := template.New("fragments").Funcs(template.FuncMap{"t": func(key string) string { return c.render.Text(key, lang) }}).
			ParseFS(pages, "partials/*.html")
		if err != nil {
			return nil, fmt.Errorf("webchat: fragments: %w", err)
		}
		c.fragments[lang] = t
	}
	c.routes()
	return c, nil
}

// chip is a menu button under the chat: a command, shown by its label.
type chip struct{ Command, Label, Icon string }

var menuChips = []chip{{"/start", "menu.topics", ""}, {"/calc", "menu.calc", "🧮 "}, {"/complain", "menu.complain", "📝 "},
	{"/status", "menu.status", ""}, {"/help", "menu.help", ""}}

func orRate(r, def rate.Limit) rate.Limit {
	if r <= 0 {
		return def
	}
	return r
}

func orInt(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

func (c *Chat) routes() {
	m := http.NewServeMux()
	form := func(h http.HandlerFunc) http.Handler { return web.LimitBody(web.MaxFormBytes, h) }
	m.HandleFunc("GET /chat", c.page)
	m.HandleFunc("GET /chat/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/chat", http.StatusMovedPermanently)
	})
	m.HandleFunc("GET /chat/messages", c.messages)
	m.Handle("POST /chat/send", form(c.send))
	m.Handle("POST /chat/press", form(c.press))
	m.Handle("POST /chat/upload", web.LimitBody(MaxFileSize+64<<10, http.HandlerFunc(c.upload)))
	m.HandleFunc("GET /chat/lang", c.setLang)
	m.HandleFunc("GET /chat/save", c.savePage)
	m.HandleFunc("GET /chat/r/{token}", c.resumePage)
	m.Handle("POST /chat/r/{token}", form(c.resume))
	m.Handle("POST /chat/push", form(c.subscribe))
	m.HandleFunc("GET /chat/sw.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(serviceWorker)
	})
	m.HandleFunc("/chat/", func(w http.ResponseWriter, r *http.Request) { c.render.Error(w, r, http.StatusNotFound, "") })
	c.mux = m
}

// ServeHTTP serves /chat and the paths under it, with cross-origin
// protection for every post and the error page for panics. The security
// headers are the caller's (web.Secure), as for every site.
func (c *Chat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.render.Recover(web.CrossOrigin(c.mux, c.render.Deny())).ServeHTTP(w, r)
}

func (c *Chat) lock(worker int64) func() { return c.locks.lock(worker) }

// keyedLocks is a mutex per worker, kept while someone holds or waits
// for it: workers never wait for each other, and idle ones cost nothing.
type keyedLocks struct {
	mu sync.Mutex
	m  map[int64]*keyedLock
}

type keyedLock struct {
	sync.Mutex
	users int
}

func (k *keyedLocks) lock(id int64) (unlock func()) {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[int64]*keyedLock{}
	}
	l := k.m[id]
	if l == nil {
		l = &keyedLock{}
		k.m[id] = l
	}
	l.users++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.m, id)
		}
		k.mu.Unlock()
	}
}

// session is the request's worker, with a new signed cookie for a new
// (or tampered) session.
func (c *Chat) session(w http.ResponseWriter, r *http.Request) int64 {
	id, fresh := c.worker(r)
	if fresh {
		c.setSession(w, id)
	}
	return id
}

// incoming is what the worker did, for the conversation.
func (c *Chat) incoming(r *http.Request, worker int64) bot.Incoming {
	return bot.Incoming{ChatID: worker, UserID: worker, ChatType: bot.ChatPrivate, LangCode: web.Lang(r), Source: source(r)}
}

// wantsEvents tells chat.js's fetch (answer as Server-Sent Events) from a
// plain form post (answer with a redirect to the page).
func wantsEvents(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

// handle runs one input through the conversation: the worker's own
// message first (shown: what they typed or pressed), then the replies,
// into the inbox and, for chat.js, as events. The conversation goes on if
// the browser leaves, so the answer waits in the inbox.
func (c *Chat) handle(w http.ResponseWriter, r *http.Request, worker int64, in bot.Incoming, mine *Message, before func(ctx context.Context) error) {
	lang := web.Lang(r)
	var events *sse
	if wantsEvents(r) {
		events = newSSE(w)
		defer events.close()
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), c.timeout)
	defer cancel()
	unlock := c.lock(worker)
	defer unlock()
	out := &responder{c: c, worker: worker, lang: lang, events: events}
	if before != nil {
		if err := before(ctx); err != nil {
			c.fail(w, r, events, err)
			return
		}
	}
	// A worker's first message stores the welcome the page showed before
	// it (under the numbers the page gave it), then the message.
	if first, err := c.store.Inbox(ctx, worker, 0, 1); err != nil {
		c.fail(w, r, events, err)
		return
	} else if len(first) == 0 {
		out.pending = append(out.pending, c.welcome(ctx, r, worker).pending...)
	}
	if mine != nil {
		out.add(*mine)
	}
	if err := c.conv.Handle(ctx, in, out); err != nil {
		// The conversation told the worker already; log without content.
		c.log.Error("webchat: handling a message failed", "kind", in.Kind, "err", err)
	}
	if events != nil && in.Data == "dd|yes" {
		// The page still shows what was just deleted: reload it.
		defer events.send("reload", map[string]any{})
	}
	if err := out.flush(ctx); err != nil {
		c.fail(w, r, events, err)
		return
	}
	if events != nil {
		return
	}
	http.Redirect(w, r, "/chat#end", http.StatusSeeOther)
}

// fail answers a store failure: an event for chat.js, the error page
// otherwise. Nothing about the message is logged.
func (c *Chat) fail(w http.ResponseWriter, r *http.Request, events *sse, err error) {
	c.log.Error("webchat: request failed", "path", r.URL.Path, "err", err)
	if events != nil {
		events.send("error", map[string]string{"message": c.render.Text("chat.error", web.Lang(r))})
		return
	}
	c.render.Error(w, r, http.StatusInternalServerError, c.render.Text("chat.error", web.Lang(r)))
}
