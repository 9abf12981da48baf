package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"golang.org/x/time/rate"

	"github.com/laborbot/laborbot/bot"
)

// limits keeps the bot within Telegram's broadcast limits: about 30
// messages a second overall, one a second per chat (short bursts are
// tolerated) and 20 a minute per group.
type limits struct {
	perChat rate.Limit
	global  *rate.Limiter
	mu      sync.Mutex
	chats   map[int64]*chatLimit
}

type chatLimit struct {
	l    *rate.Limiter
	used time.Time
}

func newLimits(perSecond, perChat float64) *limits {
	return &limits{perChat: rate.Limit(perChat), global: rate.NewLimiter(rate.Limit(perSecond), max(int(perSecond), 1)), chats: map[int64]*chatLimit{}}
}

func (l *limits) wait(ctx context.Context, chatID int64, group bool) error {
	l.mu.Lock()
	c, ok := l.chats[chatID]
	if !ok {
		if len(l.chats) > 10000 {
			// Forget chats idle for a minute: their buckets are full again.
			for id, c := range l.chats {
				if time.Since(c.used) > time.Minute {
					delete(l.chats, id)
				}
			}
		}
		lim := rate.NewLimiter(l.perChat, 3)
		if group {
			lim = rate.NewLimiter(l.perChat/3, 3)
		}
		c = &chatLimit{l: lim}
		l.chats[chatID] = c
	}
	c.used = time.Now()
	l.mu.Unlock()
	if err := c.l.Wait(ctx); err != nil {
		return err
	}
	return l.global.Wait(ctx)
}

// maxRetries is how often a call is retried after a 429 or a transient
// failure before the reply is given up (and counted as failed).
const maxRetries = 3

// directRetries is how often a reply is retried before it goes to the
// outbox, which then waits as long as Telegram asks: a chat's handler is
// not held up for long.
const directRetries = 1

// retry calls fn within the rate limits of chatID (0: global only), retrying
// after Telegram's retry_after on 429 and after a short pause on other
// transient errors, up to maxRetries times.
func (t *Transport) retry(ctx context.Context, method string, chatID int64, fn func() error) error {
	return t.retryN(ctx, method, chatID, maxRetries, fn)
}

// retryN is retry with at most retries retries. A 429 asking to wait more
// than a few seconds is not waited for when the caller has an outbox.
func (t *Transport) retryN(ctx context.Context, method string, chatID int64, retries int, fn func() error) error {
	group := chatID < 0
	var err error
	for attempt := 0; attempt <= retries; attempt++ {
		if chatID != 0 {
			if werr := t.limits.wait(ctx, chatID, group); werr != nil {
				return werr
			}
		}
		err = fn()
		if err == nil {
			t.apiAnswered(method)
			return nil
		}
		var tooMany *tgbot.TooManyRequestsError
		var wait time.Duration
		switch {
		case errors.As(err, &tooMany):
			wait = time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
		case isPermanent(err):
			if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				// The API answered, if only to refuse this call.
				t.apiAnswered(method)
			}
			return err
		default:
			wait = time.Duration(attempt+1) * 500 * time.Millisecond
		}
		if attempt == retries || retries < maxRetries && wait > 2*time.Second {
			// The caller keeps the call (the outbox) or gives up on it.
			t.apiFailed(method, "telegram call failed", "err", t.redact(err.Error()))
			break
		}
		t.apiFailed(method, "telegram call failed; retrying", "attempt", attempt+1, "wait", wait, "err", t.redact(err.Error()))
		select {
		case <-t.clock.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return err
}

// isPermanent tells errors a retry will not fix (a bad request, a chat that
// blocked the bot) from transient ones.
func isPermanent(err error) bool {
	return errors.Is(err, tgbot.ErrorBadRequest) || errors.Is(err, tgbot.ErrorForbidden) ||
		errors.Is(err, tgbot.ErrorUnauthorized) || errors.Is(err, tgbot.ErrorNotFound) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// responder answers one incoming update.
type responder struct {
	t          *Transport
	chatID     int64
	private    bool
	callbackID string
	acked      bool
	// retries bounds sendMessage's retries (0: maxRetries).
	retries int
}

// redactedError is an error whose text has the token removed but which
// still unwraps to the library's error (a 429, a 403...).
type redactedError struct {
	err  error
	text string
}

func (e redactedError) Error() string { return e.text }
func (e redactedError) Unwrap() error { return e.err }

func (t *Transport) responder(in bot.Incoming) *responder {
	r := &responder{t: t, chatID: in.ChatID, private: in.ChatType == bot.ChatPrivate, callbackID: in.CallbackID}
	if t.outbox != nil {
		// Replies that fail go to the outbox; drafts and edits are not
		// worth holding a chat up for.
		r.retries = directRetries
	}
	return r
}

func (r *responder) Typing(ctx context.Context) error {
	// Typing is a courtesy: no rate-limit wait, no retry.
	_, err := r.t.client.SendChatAction(ctx, &tgbot.SendChatActionParams{ChatID: r.chatID, Action: models.ChatActionTyping})
	return err
}

// Send sends a reply through the outbox: at once if Telegram takes it,
// later if it does not (bot.Outbox).
func (r *responder) Send(ctx context.Context, rep bot.Reply) error {
	if r.t.outbox != nil {
		return r.t.outbox.Send(ctx, r.chatID, rep)
	}
	if err := r.t.deliverN(ctx, r.chatID, rep, maxRetries); err != nil {
		r.t.opts.Metrics.RepliesFailed.Inc()
		return err
	}
	return nil
}

// deliver sends a reply now (the outbox's Deliver).
func (t *Transport) deliver(ctx context.Context, chatID int64, rep bot.Reply) error {
	return t.deliverN(ctx, chatID, rep, directRetries)
}

func (t *Transport) deliverN(ctx context.Context, chatID int64, rep bot.Reply, retries int) error {
	r := &responder{t: t, chatID: chatID, private: chatID > 0, retries: retries}
	parts := MessagesHTML(rep)
	for i, part := range parts {
		var markup models.ReplyMarkup
		if i == len(parts)-1 {
			markup = keyboard(rep.Buttons)
		}
		if _, err := r.sendMessage(ctx, part, markup); err != nil {
			return err
		}
	}
	return nil
}

// sendMessage sends one HTML part; if Telegram cannot parse it, the part is
// sent again as plain text rather than lost.
func (r *responder) sendMessage(ctx context.Context, htmlText string, markup models.ReplyMarkup) (*models.Message, error) {
	var msg *models.Message
	retries := r.retries
	if retries == 0 {
		retries = maxRetries
	}
	send := func(text string, mode models.ParseMode) error {
		return r.t.retryN(ctx, "sendMessage", r.chatID, retries, func() error {
			var err error
			msg, err = r.t.client.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: r.chatID, Text: text, ParseMode: mode,
				ReplyMarkup: markup, LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()}})
			return err
		})
	}
	err := send(htmlText, models.ParseModeHTML)
	if errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(strings.ToLower(err.Error()), "parse") {
		err = send(html.UnescapeString(stripTags(htmlText)), "")
	}
	if err != nil {
		// The error keeps its kind (errors.Is, errors.As) for the outbox;
		// its text may hold the token.
		return nil, redactedError{err: err, text: "sendMessage: " + r.t.redact(err.Error())}
	}
	return msg, nil
}

func keyboard(rows [][]bot.Button) models.ReplyMarkup {
	if len(rows) == 0 {
		return nil
	}
	kb := &models.InlineKeyboardMarkup{}
	for _, row := range rows {
		var out []models.InlineKeyboardButton
		for _, b := range row {
			btn := models.InlineKeyboardButton{Text: b.Text, CallbackData: b.Data, URL: b.URL}
			out = append(out, btn)
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, out)
	}
	return kb
}

func (r *responder) Ack(ctx context.Context, notice string) error {
	if r.callbackID == "" || r.acked {
		return nil
	}
	r.acked = true
	err := r.t.retryN(ctx, "answerCallbackQuery", 0, directRetries, func() error {
		_, err := r.t.client.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: r.callbackID, Text: notice})
		return err
	})
	if err != nil && ctx.Err() == nil {
		// Answering a button only stops its spinner: the press itself
		// goes on even when Telegram cannot take the answer.
		r.t.log.Warn("answerCallbackQuery failed", "err", r.t.redact(err.Error()))
	}
	return nil
}

// Stream shows a streamed answer: as a draft in a private chat
// (sendMessageDraft), as a message edited at most every few seconds in a
// group. Updates that come faster are skipped; the final text always lands.
func (r *responder) Stream(ctx context.Context) bot.Stream {
	if r.private {
		return &draftStream{r: r, id: newDraftID(), every: 400 * time.Millisecond}
	}
	return &editStream{r: r, every: 3 * time.Second}
}

var draftSeq atomic.Int64

func newDraftID() string {
	return strconv.FormatInt(time.Now().UnixNano()/1000+draftSeq.Add(1), 36)
}

type draftStream struct {
	r     *responder
	id    string
	every time.Duration
	last  time.Time
}

func (s *draftStream) Update(ctx context.Context, text string) error {
	if time.Since(s.last) < s.every || strings.TrimSpace(text) == "" {
		return nil
	}
	s.last = time.Now()
	// A draft longer than one message shows its beginning: the final
	// message carries the rest.
	parts := SplitHTML(RenderHTML(text))
	if len(parts) == 0 {
		return nil
	}
	_, err := s.r.t.client.SendMessageDraft(ctx, &tgbot.SendMessageDraftParams{ChatID: s.r.chatID, DraftID: s.id, Text: parts[0], ParseMode: models.ParseModeHTML})
	return err
}

func (s *draftStream) Finish(ctx context.Context, rep bot.Reply) error {
	// A draft is only a preview: the answer is the real message.
	return s.r.Send(ctx, rep)
}

type editStream struct {
	r     *responder
	every time.Duration
	last  time.Time
	msgID int
	shown string
}

func (s *editStream) Update(ctx context.Context, text string) error {
	if time.Since(s.last) < s.every || strings.TrimSpace(text) == "" {
		return nil
	}
	parts := SplitHTML(RenderHTML(text + " …"))
	if len(parts) == 0 || parts[0] == s.shown {
		return nil
	}
	s.last = time.Now()
	if s.msgID == 0 {
		msg, err := s.r.sendMessage(ctx, parts[0], nil)
		if err != nil {
			return err
		}
		s.msgID, s.shown = msg.ID, parts[0]
		return nil
	}
	if err := s.edit(ctx, parts[0], nil); err != nil {
		return err
	}
	s.shown = parts[0]
	return nil
}

func (s *editStream) edit(ctx context.Context, text string, markup models.ReplyMarkup) error {
	retries := s.r.retries
	if retries == 0 {
		retries = maxRetries
	}
	return s.r.t.retryN(ctx, "editMessageText", s.r.chatID, retries, func() error {
		_, err := s.r.t.client.EditMessageText(ctx, &tgbot.EditMessageTextParams{ChatID: s.r.chatID, MessageID: s.msgID,
			Text: text, ParseMode: models.ParseModeHTML, ReplyMarkup: markup,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()}})
		if err != nil && strings.Contains(err.Error(), "message is not modified") {
			return nil
		}
		return err
	})
}

func (s *editStream) Finish(ctx context.Context, rep bot.Reply) error {
	if s.msgID == 0 {
		return s.r.Send(ctx, rep)
	}
	parts := MessagesHTML(rep)
	markup := keyboard(rep.Buttons)
	first := markup
	if len(parts) > 1 {
		first = nil
	}
	if err := s.edit(ctx, parts[0], first); err != nil {
		// The draft message cannot be edited (deleted, too old): send the
		// answer anew rather than lose it.
		return s.r.Send(ctx, rep)
	}
	for i, part := range parts[1:] {
		var m models.ReplyMarkup
		if i == len(parts)-2 {
			m = markup
		}
		if _, err := s.r.sendMessage(ctx, part, m); err != nil {
			return err
		}
	}
	return nil
}

func (r *responder) SendFile(ctx context.Context, name string, data []byte, caption string) error {
	err := r.t.retry(ctx, "sendDocument", r.chatID, func() error {
		_, err := r.t.client.SendDocument(ctx, &tgbot.SendDocumentParams{ChatID: r.chatID,
			Document: &models.InputFileUpload{Filename: name, Data: bytes.NewReader(data)}, Caption: caption})
		return err
	})
	if err != nil {
		r.t.opts.Metrics.RepliesFailed.Inc()
		return fmt.Errorf("sendDocument: %s", r.t.redact(err.Error()))
	}
	return nil
}

// SendTo sends a reply to any chat the bot is in, within the same limits
// and through the same outbox.
func (t *Transport) SendTo(ctx context.Context, chatID int64, rep bot.Reply) error {
	r := &responder{t: t, chatID: chatID, private: chatID > 0}
	return r.Send(ctx, rep)
}

// maxDownload bounds a file users may send the bot (an entry, a zip of
// entries, a statute): far above any of them, far below what would hurt.
const maxDownload = 10 << 20

// Download fetches a file a user sent. The download link holds the token,
// so it is never logged.
func (t *Transport) Download(ctx context.Context, fileID string) ([]byte, error) {
	f, err := t.client.GetFile(ctx, &tgbot.GetFileParams{FileID: fileID})
	if err != nil {
		return nil, fmt.Errorf("getFile: %s", t.redact(err.Error()))
	}
	if f.FileSize > maxDownload {
		return nil, fmt.Errorf("file too large (%d bytes, at most %d)", f.FileSize, maxDownload)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.client.FileDownloadLink(f), nil)
	if err != nil {
		return nil, errors.New(t.redact(err.Error()))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download: %s", t.redact(err.Error()))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download: HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxDownload+1))
	if err != nil {
		return nil, fmt.Errorf("download: %s", t.redact(err.Error()))
	}
	if len(data) > maxDownload {
		return nil, fmt.Errorf("file too large (more than %d bytes)", maxDownload)
	}
	return data, nil
}

func (r *responder) ResendFile(ctx context.Context, kind, fileID, caption string) error {
	method := "sendDocument"
	if kind == "photo" {
		method = "sendPhoto"
	}
	err := r.t.retry(ctx, method, r.chatID, func() error {
		var err error
		if kind == "photo" {
			_, err = r.t.client.SendPhoto(ctx, &tgbot.SendPhotoParams{ChatID: r.chatID, Photo: &models.InputFileString{Data: fileID}, Caption: caption})
		} else {
			_, err = r.t.client.SendDocument(ctx, &tgbot.SendDocumentParams{ChatID: r.chatID, Document: &models.InputFileString{Data: fileID}, Caption: caption})
		}
		return err
	})
	if err != nil {
		r.t.opts.Metrics.RepliesFailed.Inc()
		return fmt.Errorf("resend file: %s", r.t.redact(err.Error()))
	}
	return nil
}
