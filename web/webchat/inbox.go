package webchat

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
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
	Seq     int64          `json:"-"`
	At      time.Time      `json:"at"`
	From    string         `json:"from"`
	Text    string         `json:"text"`
	Buttons [][]bot.Button `json:"buttons,omitempty"`
}

// append seals m and adds it to the worker's inbox.
func (c *Chat) append(ctx context.Context, worker int64, m Message) (Message, error) {
	if m.At.IsZero() {
		m.At = c.now()
	}
	data, err := json.Marshal(m)
	if err != nil {
		return m, err
	}
	sealed, err := c.sealer.Seal(string(data))
	if err != nil {
		return m, err
	}
	m.Seq, err = c.store.AppendInbox(ctx, worker, []byte(sealed))
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
		plain, err := c.sealer.Open(string(e.Data))
		if err != nil {
			c.log.Warn("webchat: an inbox entry cannot be opened", "err", err)
			continue
		}
		var m Message
		if err := json.Unmarshal([]byte(plain), &m); err != nil {
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
	v := view{Seq: m.Seq, From: m.From, Time: m.At.In(c.tz).Format("01-02 15:04"), Buttons: m.Buttons}
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
