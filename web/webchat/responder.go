package webchat

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/laborbot/laborbot/bot"
)

// responder is the web chat's bot.Responder for one request: replies are
// shown to chat.js at once as events (numbered provisionally), and all of
// the request's messages go into the worker's inbox in one write when it
// ends (flush), so the answer never waits for the disk.
type responder struct {
	c       *Chat
	worker  int64
	lang    string
	events  *sse // nil: a plain form post
	pending []Message
}

// add shows m and keeps it for the inbox.
func (r *responder) add(m Message) {
	if m.At.IsZero() {
		m.At = r.c.now()
	}
	m.Temp = len(r.pending) + 1
	r.pending = append(r.pending, m)
	if r.events == nil {
		return
	}
	html, err := r.c.messageHTML(r.lang, m)
	if err != nil {
		r.c.log.Error("webchat: rendering a message", "err", err)
		return
	}
	r.events.send("msg", map[string]any{"temp": m.Temp, "html": html})
}

// flush stores the request's messages; for chat.js it says which sequence
// numbers the provisional ones got.
func (r *responder) flush(ctx context.Context) error {
	if len(r.pending) == 0 {
		if r.events != nil {
			r.events.send("done", map[string]any{"ids": map[string]int64{}})
		}
		return nil
	}
	stored, err := r.c.append(ctx, r.worker, r.pending...)
	if err != nil {
		return err
	}
	r.pending = nil
	if r.events != nil {
		ids := map[string]int64{}
		for _, m := range stored {
			ids["p"+strconv.Itoa(m.Temp)] = m.Seq
		}
		r.events.send("done", map[string]any{"ids": ids})
	}
	return nil
}

func (r *responder) Typing(context.Context) error {
	if r.events != nil {
		r.events.send("typing", map[string]any{})
	}
	return nil
}

func (r *responder) Send(_ context.Context, rep bot.Reply) error {
	r.add(Message{From: fromBot, Text: rep.Text, Buttons: rep.Buttons})
	return nil
}

func (r *responder) Stream(context.Context) bot.Stream { return &stream{r: r} }

func (r *responder) Ack(_ context.Context, notice string) error {
	if notice != "" {
		r.add(Message{From: fromNotice, Text: notice})
	}
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

// close ends the stream: the handler is returning, and a late write (a
// typing indicator's timer) must not touch the finished response.
func (s *sse) close() {
	s.mu.Lock()
	s.dead = true
	s.mu.Unlock()
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
