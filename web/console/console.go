// Package console is the web console for union mediators and admins: the
// queue, a ticket with its actions, the dashboard, mediators and the audit
// log, served under /console/ by the same binary. It is an adapter over
// intake (and the bot, which delivers messages to workers), like
// bot/telegram: every action is the same intake.Service call as in
// Telegram, with the same checks, and roles are read from intake on every
// request, so a mediator an admin removes loses access at once.
//
// Sign-in needs no password: a mediator sends /console to the bot in a
// private chat and gets a one-time link (SignInLink). The session lives
// in the store (web.SessionStore), so any replica accepts it.
package console

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/letter"
	"github.com/laborbot/laborbot/web"
)

//go:embed templates
var templatesFS embed.FS

// Defaults.
const (
	// LinkValidity is how long a sign-in link works (once).
	LinkValidity = 10 * time.Minute
	// DefaultIdle is how long a session lasts without a request.
	DefaultIdle = 2 * time.Hour
	// touchEvery bounds how often a session's last request is written:
	// not on every page view.
	touchEvery = time.Minute
)

// WorkerMessenger delivers a mediator's message to a ticket's worker and
// records it in the trail (bot.Conversation.MessageWorker).
type WorkerMessenger interface {
	MessageWorker(ctx context.Context, staffID, number int64, text string) (intake.Ticket, error)
}

// Fetcher fetches a file by the channel's id (an evidence file kept only
// on Telegram's servers); nil when there is none.
type Fetcher func(ctx context.Context, fileID string) ([]byte, error)

// Options configure a Console.
type Options struct {
	// BaseURL is the public base URL (CONSOLE_URL), e.g.
	// https://union.example.org: links and the cookie's Secure flag follow
	// it.
	BaseURL   string
	Service   *intake.Service
	Sessions  web.SessionStore
	Messenger WorkerMessenger
	Fetch     Fetcher
	Assets    *web.Assets
	// Letters drafts and issues the union's letters (nil: no letters).
	Letters *letter.Service
	// KB is the knowledge base's administration (nil: no knowledge-base
	// pages).
	KB *knowledge.Admin
	// KBRole is the user's role in the knowledge base: the bot's mapping
	// from intake's roles (nil: no access).
	KBRole func(ctx context.Context, userID int64) (knowledge.Role, error)
	// Idle is how long a session lasts without a request (0: DefaultIdle).
	Idle time.Duration
	// Names are display names of users by id (e.g. from Telegram), shown
	// beside ids; nil: ids only.
	Names func(ctx context.Context, userID int64) string
	// UnionName fills in the union's name on posters (UNION_NAME).
	UnionName string
	// Now is the clock (nil: time.Now).
	Now    func() time.Time
	Logger *slog.Logger
}

// Console serves the web console.
type Console struct {
	base      *url.URL
	secure    bool
	svc       *intake.Service
	sessions  web.SessionStore
	messenger WorkerMessenger
	fetch     Fetcher
	letters   *letter.Service
	kb        *knowledge.Admin
	kbRole    func(ctx context.Context, userID int64) (knowledge.Role, error)
	union     string
	idle      time.Duration
	names     func(ctx context.Context, userID int64) string
	now       func() time.Time
	log       *slog.Logger
	render    *web.Renderer
	handler   http.Handler
}

// New returns a Console.
func New(o Options) (*Console, error) {
	u, err := url.Parse(strings.TrimRight(o.BaseURL, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("console: base URL %q is not an http(s) URL", o.BaseURL)
	}
	if o.Service == nil || o.Sessions == nil || o.Assets == nil {
		return nil, errors.New("console: Service, Sessions and Assets are required")
	}
	c := &Console{base: u, secure: u.Scheme == "https", svc: o.Service, sessions: o.Sessions, messenger: o.Messenger,
		fetch: o.Fetch, union: o.UnionName, letters: o.Letters, kb: o.KB, kbRole: o.KBRole, idle: o.Idle, names: o.Names, now: o.Now, log: o.Logger}
	if c.idle <= 0 {
		c.idle = DefaultIdle
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	pages, err := fs.Sub(templatesFS, "templates")
	if err != nil {
		return nil, err
	}
	c.render, err = web.NewRenderer(web.RendererOptions{Pages: pages, Partials: "partials/*.html", Texts: texts, Funcs: c.funcs(),
		Assets: o.Assets, Home: "/console/", LangPath: "/console/lang", Logger: c.log})
	if err != nil {
		return nil, err
	}
	c.handler = c.routes()
	return c, nil
}

// ServeHTTP serves /console/.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.handler.ServeHTTP(w, r) }

func (c *Console) routes() http.Handler {
	mux := http.NewServeMux()
	// Without a session.
	mux.HandleFunc("GET /console/signin/{token}", c.signInPage)
	mux.HandleFunc("POST /console/signin/{token}", c.signIn)
	mux.HandleFunc("GET /console/lang", c.setLang)
	// Staff.
	staff := func(pattern string, h func(http.ResponseWriter, *http.Request, *user)) {
		mux.Handle(pattern, c.requireUser(false, h))
	}
	admin := func(pattern string, h func(http.ResponseWriter, *http.Request, *user)) {
		mux.Handle(pattern, c.requireUser(true, h))
	}
	staff("GET /console/{$}", c.queuePage)
	staff("POST /console/search", c.searchPage)
	staff("GET /console/queue.csv", c.queueExport)
	staff("GET /console/queue.json", c.queueExport)
	staff("GET /console/t/{n}", c.ticketPage)
	staff("GET /console/t/{n}/timeline", c.timelineFragment)
	staff("GET /console/t/{n}/evidence/{i}", c.evidence)
	staff("POST /console/t/{n}/{action}", c.ticketAction)
	staff("GET /console/t/{n}/letter/{kind}", c.letterDraft)
	staff("POST /console/t/{n}/letter/{kind}", c.letterIssue)
	staff("GET /console/t/{n}/letters/{id}", c.letterView)
	staff("GET /console/t/{n}/letters/{id}/{format}", c.letterFile)
	staff("GET /console/dashboard", c.dashboardPage)
	staff("GET /console/dashboard.csv", c.dashboardExport)
	staff("GET /console/dashboard.json", c.dashboardExport)
	staff("POST /console/signout", c.signOut)
	staff("POST /console/signout-all", c.signOutAll)
	admin("GET /console/admin/mediators", c.mediatorsPage)
	admin("POST /console/admin/mediators", c.addMediator)
	admin("POST /console/admin/mediators/{id}/remove", c.removeMediator)
	staff("GET /console/kb/{$}", c.withKB(c.kbList))
	staff("GET /console/kb/new", c.withKB(c.kbNew))
	staff("POST /console/kb/check", c.withKB(c.kbCheck))
	staff("POST /console/kb/save", c.withKB(c.kbSave))
	staff("GET /console/kb/e/{id}", c.withKB(c.kbEntry))
	staff("GET /console/kb/e/{id}/edit", c.withKB(c.kbEdit))
	staff("GET /console/kb/e/{id}/history", c.withKB(c.kbHistory))
	admin("POST /console/kb/e/{id}/rollback", c.withKB(c.kbRollback))
	admin("POST /console/kb/e/{id}/{op}", c.withKB(c.kbDisable))
	admin("GET /console/kb/drafts", c.withKB(c.kbDrafts))
	admin("GET /console/kb/drafts/{n}", c.withKB(c.kbDraft))
	admin("POST /console/kb/drafts/{n}/reject", c.withKB(c.kbRejectDraft))
	admin("GET /console/kb/gaps", c.withKB(c.kbGaps))
	admin("POST /console/kb/gaps/dismiss", c.withKB(c.kbDismissGap))
	admin("GET /console/kb/statutes", c.withKB(c.kbStatutes))
	admin("POST /console/kb/statutes", c.withKB(c.kbUploadStatute))
	admin("POST /console/kb/statutes/{short}/delete", c.withKB(c.kbDeleteStatute))
	admin("GET /console/admin/audit", c.auditPage)
	admin("GET /console/admin/letters", c.letterSettings)
	admin("POST /console/admin/letters/letterhead", c.saveLetterhead)
	admin("POST /console/admin/letters/{kind}", c.saveTemplate)
	admin("GET /console/admin/posters", c.postersPage)
	admin("POST /console/admin/posters", c.makePoster)
	mux.HandleFunc("/console/", func(w http.ResponseWriter, r *http.Request) {
		c.render.Error(w, r, http.StatusNotFound, "")
	})
	deny := c.render.Deny()
	cop := http.NewCrossOriginProtection()
	_ = cop.AddTrustedOrigin(c.base.Scheme + "://" + c.base.Host)
	cop.SetDenyHandler(deny)
	// Forms are small; a statute file is up to knowledge.MaxStatuteFileBytes.
	limited := web.LimitBody(web.MaxFormBytes, cop.Handler(mux))
	uploads := web.LimitBody(knowledge.MaxStatuteFileBytes+64<<10, cop.Handler(mux))
	return c.render.Recover(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/console/kb/statutes" {
			uploads.ServeHTTP(w, r)
			return
		}
		limited.ServeHTTP(w, r)
	}))
}

// funcs are the console's template functions.
func (c *Console) funcs() template.FuncMap {
	return template.FuncMap{
		"stateLabel": func(s intake.State, lang string) string { return s.Label(lang) },
		"typeLabel":  func(d intake.DisputeType, lang string) string { return d.Label(lang) },
		"kindLabel":  func(k letter.Kind, lang string) string { return k.Label(lang) },
		"join":       strings.Join,
		"hasPrefix":  strings.HasPrefix,
		// fp are the problems of a form's fields.
		"fp": func(d kbEditPage, fields ...string) []knowledge.FieldProblem {
			var out []knowledge.FieldProblem
			for _, p := range d.Problems {
				if slices.Contains(fields, p.Field) {
					out = append(out, p)
				}
			}
			return out
		},
		// badCite reports a problem with the i-th citation input.
		"badCite": func(d kbEditPage, i int) bool {
			for _, p := range d.Problems {
				if p.Field == "citations" && p.Line == i+1 {
					return true
				}
			}
			return false
		},
		"topicName": func(id, lang string) string {
			for _, t := range knowledge.Topics() {
				if t.ID == id {
					if lang == "en" {
						return t.En
					}
					return t.Zh
				}
			}
			return id
		},
		"money": func(m interface{ String() string }) string { return m.String() },
		"day": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(intake.Reporting).Format("2006-01-02")
		},
		"when": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(intake.Reporting).Format("2006-01-02 15:04")
		},
		"percent": func(f float64) string { return fmt.Sprintf("%.1f%%", f*100) },
		"dur":     humanDuration,
		"add":     func(a, b int) int { return a + b },
		"since":   func(t time.Time) time.Duration { return c.now().Sub(t) },
		"late":    func(t time.Time) bool { return c.now().Sub(t) > 24*time.Hour },
		"svg":     func(s string) template.HTML { return template.HTML(s) }, // charts are built from numbers by charts.go
	}
}
