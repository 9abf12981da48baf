package webchat

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/laborbot/laborbot/bot"
)

// responder is the web chat's bot.Responder for one request: every reply
// goes into the worker's inbox, and to chat.js as an event when it asked
// for events.
type responder struct {
	c      *Chat
	worker int64
	lang   string
	events *sse // nil: a plain form post
	last   int64
}

func (r *responder) emit(m Message) {
	if m.Seq > r.last {
		r.last = m.Seq
	}
	if r.events == nil {
		return
	}
	html, err := r.c.messageHTML(r.lang, m)
	if err != nil {
		r.c.log.Error("webchat: rendering a message", "err", err)
		return
	}
	r.events.send("msg", map[string]any{"seq": m.Seq, "html": html})
}

func (r *responder) Typing(context.Context) error {
	if r.events != nil {
		r.events.send("typing", map[string]any{})
	}
	return nil
}

func (r *responder) Send(ctx context.Context, rep bot.Reply) error {
	m, err := r.c.append(ctx, r.worker, Message{From: fromBot, Text: rep.Text, Buttons: rep.Buttons})
	if err != nil {
		return err
	}
	r.emit(m)
	return nil
}

func (r *responder) Stream(context.Context) bot.Stream { return &stream{r: r} }

func (r *responder) Ack(ctx context.Context, notice string) error {
	if notice == "" {
		return nil
	}
	m, err := r.c.append(ctx, r.worker, Message{From: fromNotice, Text: notice})
	if err != nil {
		return err
	}
	r.emit(m)
	return nil
}

// SendFile: workers get no files from the conversation (exports are for
// admins, who work in Telegram or the console); say so rather than drop it.
func (r *responder) SendFile(ctx context.Context, name string, _ []byte, caption string) error {
	return r.Send(ctx, bot.Reply{Text: fmt.Sprintf(texts["chat.nofile"].In(r.lang), caption)})
}

func (r *responder) ResendFile(ctx context.Context, _, _, caption string) error {
	return r.Send(ctx, bot.Reply{Text: fmt.Sprintf(texts["chat.nofile"].In(r.lang), caption)})
}

// stream shows a model's answer as it is written: a draft rendered at most
// every draftEvery, then the final reply (with its legal basis and the
// disclaimer) replaces it.
type stream struct {
	r     *responder
	shown time.Time
}

const draftEvery = 80 * time.Millisecond

func (s *stream) Update(_ context.Context, text string) error {
	if s.r.events == nil || time.Since(s.shown) < draftEvery {
		return nil
	}
	s.shown = time.Now()
	s.r.events.send("draft", map[string]any{"html": string(renderMarkdown(text))})
	return nil
}

func (s *stream) Finish(ctx context.Context, rep bot.Reply) error { return s.r.Send(ctx, rep) }

// sse writes Server-Sent Events: "event: NAME" and one line of JSON data.
// Writes after the browser left fail quietly (the inbox has everything).
type sse struct {
	mu   sync.Mutex
	w    http.ResponseWriter
	rc   *http.ResponseController
	dead bool
}

func newSSE(w http.ResponseWriter) *sse { return newSSEStatus(w, http.StatusOK) }

func newSSEStatus(w http.ResponseWriter, status int) *sse {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not hold the stream back
	w.WriteHeader(status)
	s := &sse{w: w, rc: http.NewResponseController(w)}
	_ = s.rc.Flush()
	return s
}

func (s *sse) send(event string, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dead {
		return
	}
	if _, err := fmt.Fprintf(s.w, "event: %s\ndata: %s\n\n", event, b); err != nil {
		s.dead = true
		return
	}
	if err := s.rc.Flush(); err != nil {
		s.dead = true
	}
}
