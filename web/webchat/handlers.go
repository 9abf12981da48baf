package webchat

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/web"
)

// pageSize is how many of the newest messages the page shows.
const pageSize = 120

type chatData struct {
	Messages []view
	Last     int64
	PushKey  string // the VAPID public key, when push is on
}

// page shows the conversation. A worker's first visit starts it with the
// welcome (topics and common questions), as /start does in Telegram; a
// link's ?src=TAG is remembered for a complaint's source.
func (c *Chat) page(w http.ResponseWriter, r *http.Request) {
	if !c.ips.allow(web.ClientIP(r, c.proxies).String()) {
		w.Header().Set("Retry-After", "10")
		c.render.Error(w, r, http.StatusTooManyRequests, c.render.Text("chat.slowdown", web.Lang(r)))
		return
	}
	worker := c.session(w, r)
	if src := r.URL.Query().Get("src"); validSource(src) {
		http.SetCookie(w, &http.Cookie{Name: sourceCookie, Value: src, Path: "/", MaxAge: 90 * 24 * 3600,
			HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode})
	}
	c.renderPage(w, r, worker, http.StatusOK, "")
}

func (c *Chat) renderPage(w http.ResponseWriter, r *http.Request, worker int64, status int, alert string) {
	ctx := r.Context()
	msgs, err := c.inbox(ctx, worker, 0, pageSize)
	if err != nil {
		c.fail(w, r, nil, err)
		return
	}
	if len(msgs) == 0 {
		// A first visit shows the welcome without storing it: nothing is
		// kept for a visitor (or a link preview) who never writes. The
		// first message stores it (welcome).
		out := c.welcome(ctx, r, worker)
		msgs = out.pending
	}
	d := chatData{}
	for _, m := range msgs {
		d.Messages = append(d.Messages, c.view(m))
		d.Last = m.Seq
	}
	if c.push != nil {
		d.PushKey = c.push.publicKey
	}
	p := &web.Page{Title: "chat.title", Data: d, Scripts: []string{"chat.js"}, BodyClass: "chat-page", Alert: alert}
	c.render.Render(w, r, status, "chat", p)
}

// welcome is the conversation's start (topics and common questions, as
// /start in Telegram), not yet stored, numbered 1, 2, … as the page shows
// it before the worker's first message.
func (c *Chat) welcome(ctx context.Context, r *http.Request, worker int64) *responder {
	in := c.incoming(r, worker)
	in.Kind, in.Command = bot.KindCommand, "start"
	out := &responder{c: c, worker: worker, lang: web.Lang(r)}
	if err := c.conv.Handle(ctx, in, out); err != nil {
		c.log.Error("webchat: starting a conversation failed", "err", err)
	}
	return out
}

// messages returns what came after ?after=SEQ, for chat.js to add: replies
// of another tab, mediators' messages, ticket changes.
func (c *Chat) messages(w http.ResponseWriter, r *http.Request) {
	worker, fresh := c.worker(r)
	if fresh {
		http.Error(w, "no session", http.StatusUnauthorized)
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	msgs, err := c.inbox(r.Context(), worker, after, pageSize)
	if err != nil {
		c.log.Error("webchat: reading an inbox", "err", err)
		http.Error(w, "error", http.StatusInternalServerError)
		return
	}
	lang := web.Lang(r)
	var b strings.Builder
	last := after
	for _, m := range msgs {
		html, err := c.messageHTML(lang, m)
		if err != nil {
			continue
		}
		b.WriteString(html)
		last = m.Seq
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]any{"last": last, "html": b.String()})
}

// send takes a typed message: a question, an answer in a flow, or a
// command ("/status").
func (c *Chat) send(w http.ResponseWriter, r *http.Request) {
	worker := c.session(w, r)
	if !c.allow(w, r, worker) {
		return
	}
	if err := r.ParseForm(); err != nil {
		c.badForm(w, r, err)
		return
	}
	text := strings.TrimSpace(r.PostForm.Get("text"))
	in := c.incoming(r, worker)
	in.Kind, in.Text = bot.KindText, text
	if strings.HasPrefix(text, "/") {
		word, args, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
		in.Kind, in.Text, in.Command, in.Args = bot.KindCommand, "", strings.ToLower(word), strings.TrimSpace(args)
	}
	var mine *Message
	if label := strings.TrimSpace(r.PostForm.Get("label")); label != "" {
		// A menu button: show its label, not the command behind it.
		mine = &Message{From: fromWorker, Text: label}
	} else if text != "" {
		mine = &Message{From: fromWorker, Text: text}
	}
	c.handle(w, r, worker, in, mine, nil)
}

// press takes a button press (the button's data, as Telegram's callback).
// The conversation checks what a press may do, so a forged one achieves
// nothing a worker could not do anyway.
func (c *Chat) press(w http.ResponseWriter, r *http.Request) {
	worker := c.session(w, r)
	if !c.allow(w, r, worker) {
		return
	}
	if err := r.ParseForm(); err != nil {
		c.badForm(w, r, err)
		return
	}
	data := r.PostForm.Get("data")
	if data == "" || len(data) > 256 {
		c.badForm(w, r, nil)
		return
	}
	in := c.incoming(r, worker)
	in.Kind, in.Data, in.CallbackID = bot.KindCallback, data, "web"
	var mine *Message
	if label := strings.TrimSpace(r.PostForm.Get("label")); label != "" && len(label) <= 200 {
		mine = &Message{From: fromWorker, Text: label}
	}
	var before func(ctx context.Context) error
	if data == "dd|yes" {
		// Deleting one's data: what the web chat keeps goes first (the
		// inbox, uploads, push subscriptions); the conversation then
		// erases the rest, and the embedded store overwrites the freed
		// space once, for both.
		before = func(ctx context.Context) error { return c.store.DeleteWebWorker(ctx, worker) }
	}
	c.handle(w, r, worker, in, mine, before)
}

func (c *Chat) badForm(w http.ResponseWriter, r *http.Request, err error) {
	if web.TooLarge(err) {
		c.render.Error(w, r, http.StatusRequestEntityTooLarge, "")
		return
	}
	c.render.Error(w, r, http.StatusBadRequest, "")
}

// setLang switches the page's language and the conversation's (the same
// as /lang in Telegram).
func (c *Chat) setLang(w http.ResponseWriter, r *http.Request) {
	to := r.URL.Query().Get("to")
	if to != "en" {
		to = "zh"
	}
	worker := c.session(w, r)
	web.SetLang(w, to, c.secure)
	r.Header.Set("Accept-Language", to) // the request now speaks the new language
	r.AddCookie(&http.Cookie{Name: web.LangCookie, Value: to})
	if c.allow(w, r, worker) {
		in := c.incoming(r, worker)
		in.Kind, in.Data, in.CallbackID = bot.KindCallback, "lang|"+to, "web"
		c.handle(w, r, worker, in, nil, nil)
	}
}

type saveData struct{ Link string }

// savePage shows the resume link, to copy and keep.
func (c *Chat) savePage(w http.ResponseWriter, r *http.Request) {
	worker := c.session(w, r)
	c.render.Render(w, r, http.StatusOK, "save", &web.Page{Title: "save.title",
		Data: saveData{Link: c.baseURL(r) + "/chat/r/" + c.sign(purposeResume, worker)}})
}

// resumePage asks to confirm before a resume link takes effect: a chat
// app fetching the link for a preview does not change any session, and a
// worker sent someone else's link is warned.
func (c *Chat) resumePage(w http.ResponseWriter, r *http.Request) {
	if _, ok := c.verify(purposeResume, r.PathValue("token")); !ok {
		c.render.Error(w, r, http.StatusNotFound, c.render.Text("resume.bad", web.Lang(r)))
		return
	}
	c.render.Render(w, r, http.StatusOK, "resume", &web.Page{Title: "resume.title", Data: r.PathValue("token")})
}

func (c *Chat) resume(w http.ResponseWriter, r *http.Request) {
	if !c.ips.allow(web.ClientIP(r, c.proxies).String()) {
		w.Header().Set("Retry-After", "10")
		c.render.Error(w, r, http.StatusTooManyRequests, c.render.Text("chat.slowdown", web.Lang(r)))
		return
	}
	id, ok := c.verify(purposeResume, r.PathValue("token"))
	if !ok {
		c.render.Error(w, r, http.StatusNotFound, c.render.Text("resume.bad", web.Lang(r)))
		return
	}
	c.setSession(w, id)
	http.Redirect(w, r, "/chat#end", http.StatusSeeOther)
}

// baseURL is the site's public URL: BaseURL, else the request's own host
// (over https when it came over TLS).
func (c *Chat) baseURL(r *http.Request) string {
	if c.base != nil {
		return c.base.String()
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
