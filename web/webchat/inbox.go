package webchat

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"sync"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/renderer/html"

	"github.com/laborbot/laborbot/bot"
)

// Who a message is from, as the page shows it.
const (
	fromBot    = "bot"    // the conversation's reply, or a mediator's message relayed by it
	fromWorker = "me"     // what the worker typed or pressed
	fromNotice = "notice" // a short notice (a button's acknowledgement)
)

// Message is one entry of a worker's inbox. It is stored as JSON, sealed
// with DATA_KEY: what a worker types during a complaint is personal data.
type Message struct {
	Seq int64 `json:"-"`
	// Temp numbers a message of the request in progress, shown before it
	// is stored (and has a Seq).
	Temp    int            `json:"-"`
	At      time.Time      `json:"at"`
	From    string         `json:"from"`
	Text    string         `json:"text"`
	Buttons [][]bot.Button `json:"buttons,omitempty"`
}

// append seals msgs and adds them to the worker's inbox at once (one
// write), returning them with their sequence numbers.
func (c *Chat) append(ctx context.Context, worker int64, msgs ...Message) ([]Message, error) {
	entries := make([][]byte, len(msgs))
	for i := range msgs {
		if msgs[i].At.IsZero() {
			msgs[i].At = c.now()
		}
		e, err := c.encode(msgs[i])
		if err != nil {
			return nil, err
		}
		entries[i] = e
	}
	last, err := c.store.AppendInbox(ctx, worker, entries...)
	if err != nil {
		return nil, err
	}
	for i := range msgs {
		msgs[i].Seq = last - int64(len(msgs)-1-i)
	}
	return msgs, nil
}

// An entry is the message's JSON, deflated (answers are long and the
// store writes every byte to disk), then sealed: "z" + deflate data, or
// plain JSON ("{") as written by nothing today but readable anyway.
func (c *Chat) encode(m Message) ([]byte, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteByte('z')
	// A flate writer holds about a megabyte of state: reuse them.
	zw, _ := deflaters.Get().(*flate.Writer)
	if zw == nil {
		zw, _ = flate.NewWriter(&buf, flate.BestSpeed)
	} else {
		zw.Reset(&buf)
	}
	zw.Write(data)
	err = zw.Close()
	deflaters.Put(zw)
	if err != nil {
		return nil, err
	}
	sealed, err := c.sealer.Seal(buf.String())
	return []byte(sealed), err
}

var deflaters sync.Pool

func (c *Chat) decode(entry []byte) (Message, error) {
	var m Message
	plain, err := c.sealer.Open(string(entry))
	if err != nil {
		return m, err
	}
	data := []byte(plain)
	if len(data) > 0 && data[0] == 'z' {
		if data, err = io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(data[1:])), 1<<20)); err != nil {
			return m, err
		}
	}
	err = json.Unmarshal(data, &m)
	return m, err
}

// inbox returns the worker's messages after seq (the newest limit).
// Entries that cannot be opened (a changed DATA_KEY) are skipped.
func (c *Chat) inbox(ctx context.Context, worker, after int64, limit int) ([]Message, error) {
	entries, err := c.store.Inbox(ctx, worker, after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Message, 0, len(entries))
	for _, e := range entries {
		m, err := c.decode(e.Data)
		if err != nil {
			c.log.Warn("webchat: an inbox entry cannot be opened", "err", err)
			continue
		}
		m.Seq = e.Seq
		out = append(out, m)
	}
	return out, nil
}

// markdown renders the conversation's light Markdown (bold, lists, line
// breaks) as HTML. Raw HTML in it is not passed through and dangerous
// link schemes are dropped (goldmark's defaults without WithUnsafe), so
// text a user typed that the conversation quotes cannot inject markup.
var markdown = goldmark.New(goldmark.WithRendererOptions(html.WithHardWraps()))

// view is a message as the template shows it.
type view struct {
	Seq     int64
	Temp    int
	From    string
	HTML    template.HTML // a bot message, rendered
	Text    string        // the worker's own text, shown as typed
	Time    string
	Buttons [][]bot.Button
}

func renderMarkdown(text string) template.HTML {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(text), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(text))
	}
	// goldmark escapes text and drops raw HTML, so its output is safe.
	return template.HTML(buf.String())
}

func (c *Chat) view(m Message) view {
	v := view{Seq: m.Seq, Temp: m.Temp, From: m.From, Time: m.At.In(c.tz).Format("01-02 15:04"), Buttons: m.Buttons}
	if m.From == fromBot {
		v.HTML = renderMarkdown(m.Text)
	} else {
		v.Text = m.Text
	}
	return v
}

// messageHTML renders one message as the page's fragment does.
func (c *Chat) messageHTML(lang string, m Message) (string, error) {
	var buf bytes.Buffer
	if err := c.fragments[lang].ExecuteTemplate(&buf, "message", c.view(m)); err != nil {
		return "", fmt.Errorf("webchat: render a message: %w", err)
	}
	return buf.String(), nil
}
