// Package telegram connects the conversation layer to Telegram through
// github.com/go-telegram/bot: it turns updates into bot.Incoming, handles
// each chat's updates in order, and renders replies as Telegram HTML within
// Telegram's rate limits, retrying after 429 answers.
package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf16"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/laborbot/laborbot/bot"
)

// Options configure the transport.
type Options struct {
	Token  string
	APIURL string // "" for api.telegram.org
	// WebhookURL switches from long polling to a webhook; WebhookSecret is
	// then required and checked on every request.
	WebhookURL    string
	WebhookSecret string
	// DrainTimeout bounds how long shutdown waits for answers in progress.
	DrainTimeout time.Duration
	// PollTimeout is the long-polling timeout (default 30 s; tests use less).
	PollTimeout time.Duration
	// MaxRate is the most messages a second the bot sends overall (default
	// 30, Telegram's limit for ordinary bots; raise it for paid broadcasts).
	MaxRate float64
	// ChatRate is the most messages a second to one private chat (default
	// 1; a group gets a third of it, 20 a minute). Tests raise it.
	ChatRate float64
	Logger   *slog.Logger
	Metrics  *bot.Metrics

	// Spool keeps the inbox of updates taken in and not yet handled and
	// the outbox of replies not yet delivered (durable.go, bot.Outbox).
	// nil: neither (updates and replies live in memory only).
	Spool bot.Spool
	// Owner names this process among replicas sharing the store; it
	// should survive a restart (the host name), so that a restarted
	// process takes back its own updates at once.
	Owner string
	// Sealer seals spooled updates and replies (they hold messages).
	Sealer interface {
		Seal(string) (string, error)
		Open(string) (string, error)
	}
	// InboxTakeOver is how long updates another replica left untouched
	// wait before this one handles them (default 2 minutes).
	InboxTakeOver time.Duration
	// OutboxMaxAge and OutboxInterval tune the outbox (bot.OutboxOptions).
	OutboxMaxAge, OutboxInterval time.Duration
	// Clock is the time retries and the outbox wait by (nil: the wall
	// clock); tests pass a fast one.
	Clock bot.Clock
}

// Transport is the bot on Telegram.
type Transport struct {
	opts   Options
	client *tgbot.Bot
	conv   *bot.Conversation
	disp   *dispatcher
	limits *limits
	log    *slog.Logger
	me     *models.User

	clock      bot.Clock
	pollClient *http.Client
	inflight   inflight
	outbox     *bot.Outbox // nil without a Spool
	api        apiHealth   // outages of the Bot API's methods, for the log (outage.go)
}

// New connects to the Bot API (getMe) and prepares the transport. It fails
// with a clear error when the token is wrong or the server unreachable.
func New(ctx context.Context, opts Options, conv *bot.Conversation) (*Transport, error) {
	if opts.Token == "" {
		return nil, errors.New("TELEGRAM_BOT_TOKEN is empty")
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = 15 * time.Second
	}
	if opts.PollTimeout <= 0 {
		opts.PollTimeout = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Metrics == nil {
		opts.Metrics = bot.NewMetrics(nil)
	}
	if opts.MaxRate <= 0 {
		opts.MaxRate = 30
	}
	if opts.ChatRate <= 0 {
		opts.ChatRate = 1
	}
	if opts.Clock == nil {
		opts.Clock = bot.RealClock{}
	}
	if opts.InboxTakeOver <= 0 {
		opts.InboxTakeOver = 2 * time.Minute
	}
	if opts.Owner == "" {
		opts.Owner = "laborbot"
	}
	// While the store fails, the inbox and outbox do not wait for it on
	// every call.
	opts.Spool = bot.GuardSpool(opts.Spool)
	t := &Transport{opts: opts, conv: conv, limits: newLimits(opts.MaxRate, opts.ChatRate), log: opts.Logger,
		clock: opts.Clock, pollClient: &http.Client{Timeout: opts.PollTimeout + 15*time.Second},
		inflight: inflight{durable: map[int64]bool{}, volatile: map[int64]bool{}}}
	t.disp = newDispatcher(t.handle, func(in bot.Incoming) {
		opts.Metrics.Errors.WithLabelValues("flood").Inc()
		t.log.Warn("chat backlog full; update dropped", "update_id", in.UpdateID)
		t.finish(in)
	})
	if opts.Spool != nil {
		t.outbox = bot.NewOutbox(bot.OutboxOptions{Spool: opts.Spool, Name: outboxName, Owner: opts.Owner, Sealer: opts.Sealer,
			Deliver: t.deliver, Classify: classify, MaxAge: opts.OutboxMaxAge, Interval: opts.OutboxInterval,
			Clock: opts.Clock, Metrics: opts.Metrics, Logger: opts.Logger})
	}
	botOpts := []tgbot.Option{
		tgbot.WithSkipGetMe(),
		// One worker calling a non-async handler keeps updates in arrival
		// order until the dispatcher queues them per chat.
		tgbot.WithWorkers(1),
		tgbot.WithNotAsyncHandlers(),
		// Updates are fetched by the transport's own loop (durable.go).
		tgbot.WithDefaultHandler(func(context.Context, *tgbot.Bot, *models.Update) {}),
		tgbot.WithErrorsHandler(func(err error) {
			// The library's errors can carry request URLs, which hold the token.
			t.log.Warn("telegram client", "err", t.redact(err.Error()))
		}),
		tgbot.WithHTTPClient(opts.PollTimeout, &http.Client{Timeout: opts.PollTimeout + 15*time.Second}),
		tgbot.WithAllowedUpdates(tgbot.AllowedUpdates{"message", "edited_message", "callback_query"}),
	}
	if opts.APIURL != "" {
		botOpts = append(botOpts, tgbot.WithServerURL(strings.TrimRight(opts.APIURL, "/")))
	}
	client, err := tgbot.New(opts.Token, botOpts...)
	if err != nil {
		return nil, fmt.Errorf("telegram: %s", t.redact(err.Error()))
	}
	t.client = client
	me, err := client.GetMe(ctx)
	if err != nil {
		return nil, fmt.Errorf("telegram getMe (is TELEGRAM_BOT_TOKEN right and the Bot API reachable?): %s", t.redact(err.Error()))
	}
	t.me = me
	conv.BotUsername = me.Username
	return t, nil
}

func (t *Transport) redact(s string) string {
	if t.opts.Token == "" {
		return s
	}
	return strings.ReplaceAll(s, t.opts.Token, "<token>")
}

// Username is the bot's @username, without the @.
func (t *Transport) Username() string { return t.me.Username }

// Ping checks that the Bot API answers (for /healthz).
func (t *Transport) Ping(ctx context.Context) error {
	if _, err := t.client.GetMe(ctx); err != nil {
		return errors.New(t.redact(err.Error()))
	}
	return nil
}

// Run registers the command menus and receives updates until ctx ends: by
// long polling, or through WebhookHandler when a webhook URL is set. Then it
// waits for the answers in progress (up to DrainTimeout).
func (t *Transport) Run(ctx context.Context) error {
	if err := t.setCommands(ctx); err != nil {
		t.log.Warn("setting the command menu failed", "err", t.redact(err.Error()))
	}
	if t.opts.WebhookURL != "" {
		_, err := t.client.SetWebhook(ctx, &tgbot.SetWebhookParams{URL: t.opts.WebhookURL, SecretToken: t.opts.WebhookSecret,
			AllowedUpdates: []string{"message", "edited_message", "callback_query"}})
		if err != nil {
			return fmt.Errorf("telegram setWebhook: %s", t.redact(err.Error()))
		}
		t.log.Info("receiving updates by webhook")
		outboxDone := t.runOutbox(ctx)
		t.replay(ctx, true)
		// Updates another replica took in and left are taken over now and
		// then (long polling does this in its loop).
		for ctx.Err() == nil {
			t.sleep(ctx, t.opts.InboxTakeOver/2)
			t.replay(ctx, false)
		}
		<-outboxDone
	} else {
		// A webhook left over from an earlier deployment would make
		// getUpdates fail with 409 forever.
		if _, err := t.client.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); err != nil {
			t.log.Warn("deleting the webhook failed", "err", t.redact(err.Error()))
		}
		t.log.Info("receiving updates by long polling")
		outboxDone := t.runOutbox(ctx)
		// What was taken in before a restart goes first.
		t.replay(ctx, true)
		t.poll(ctx)
		<-outboxDone
	}
	t.log.Info("draining answers in progress", "timeout", t.opts.DrainTimeout)
	if !t.disp.drain(t.opts.DrainTimeout) {
		t.log.Warn("shutdown: some answers did not finish in time")
	}
	return nil
}

func (t *Transport) setCommands(ctx context.Context) error {
	for _, lang := range []string{"zh", "en"} {
		var cmds []models.BotCommand
		for _, c := range t.conv.Menu(lang) {
			cmds = append(cmds, models.BotCommand{Command: c[0], Description: c[1]})
		}
		params := &tgbot.SetMyCommandsParams{Commands: cmds}
		if lang == "en" {
			params.LanguageCode = "en"
		}
		if err := t.retry(ctx, "setMyCommands", 0, func() error { _, err := t.client.SetMyCommands(ctx, params); return err }); err != nil {
			return err
		}
	}
	return nil
}

// WebhookHandler receives updates that Telegram posts. A request without the
// right secret token is refused with 401 and not processed.
func (t *Transport) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if t.opts.WebhookSecret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(t.opts.WebhookSecret)) != 1 {
			t.opts.Metrics.Errors.WithLabelValues("webhook_secret").Inc()
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		var u models.Update
		if err == nil {
			err = json.Unmarshal(raw, &u)
		}
		if err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		// Recorded in the inbox before Telegram hears it arrived.
		if _, ok := t.take(r.Context(), []models.Update{u}, []json.RawMessage{raw}); !ok {
			// Shutting down: ask Telegram to deliver it again later.
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// handle runs the conversation on one update. A panic is recovered here,
// per update: it is logged and counted and the update is skipped, so one
// malformed update neither stops the process nor, replayed after a
// restart, every update behind it.
func (t *Transport) handle(ctx context.Context, in bot.Incoming) {
	defer t.finish(in)
	defer func() {
		if r := recover(); r != nil {
			t.recovered("handle", in.UpdateID, r)
		}
	}()
	out := t.responder(in)
	if err := t.conv.Handle(ctx, in, out); err != nil {
		t.log.Error("handling update failed", "update_id", in.UpdateID, "kind", in.Kind, "err", t.redact(err.Error()))
	}
}

// recovered logs and counts a panic while an update was being taken in or
// handled. The panic value and the stack name code, not message text.
func (t *Transport) recovered(where string, updateID int64, r any) {
	t.opts.Metrics.Errors.WithLabelValues("panic").Inc()
	t.log.Error("panic while handling an update; update skipped", "where", where, "update_id", updateID,
		"panic", t.redact(fmt.Sprint(r)), "stack", t.redact(string(debug.Stack())))
}

// forged counts and logs an update a genuine Telegram would not send (a
// webhook endpoint or a proxy can be fed anything): it is not handled.
func (t *Transport) forged(u *models.Update, why string) (bot.Incoming, bool) {
	t.opts.Metrics.Errors.WithLabelValues("forged_update").Inc()
	t.log.Warn("malformed or forged update ignored", "update_id", u.ID, "why", why)
	return bot.Incoming{}, false
}

// toIncoming reads what the conversation needs from an update. It keeps no
// names or usernames: the conversation works with ids only.
func (t *Transport) toIncoming(u *models.Update) (bot.Incoming, bool) {
	in := bot.Incoming{UpdateID: u.ID}
	switch {
	case u.CallbackQuery != nil:
		cq := u.CallbackQuery
		msg := cq.Message.Message
		if msg == nil {
			if cq.Message.InaccessibleMessage == nil {
				return in, false
			}
			in.ChatID = cq.Message.InaccessibleMessage.Chat.ID
			in.ChatType = chatType(cq.Message.InaccessibleMessage.Chat.Type)
		} else {
			in.ChatID = msg.Chat.ID
			in.ChatType = chatType(msg.Chat.Type)
		}
		// In a private chat the chat is the user: a button pressed "in"
		// someone else's private chat would act on their interview.
		if in.ChatType == bot.ChatPrivate && in.ChatID != cq.From.ID {
			return t.forged(u, "callback_query in a private chat of another user")
		}
		in.UserID, in.LangCode = cq.From.ID, cq.From.LanguageCode
		in.Kind, in.Data = bot.KindCallback, cq.Data
		in.CallbackID = cq.ID
		return in, true
	case u.EditedMessage != nil:
		m := u.EditedMessage
		if why := checkMessage(m); why != "" {
			return t.forged(u, why)
		}
		t.fillFrom(&in, m)
		in.Kind = bot.KindEdited
		in.Addressed = t.addressed(m)
		return in, true
	case u.Message != nil:
		m := u.Message
		if why := checkMessage(m); why != "" {
			return t.forged(u, why)
		}
		t.fillFrom(&in, m)
		in.Addressed = t.addressed(m)
		switch {
		case m.ForwardOrigin != nil:
			in.Kind = bot.KindForwarded
		case m.Text != "":
			if cmd, args, ok := t.command(m); ok {
				if cmd == "" {
					return in, false // a command for another bot
				}
				in.Kind, in.Command, in.Args = bot.KindCommand, cmd, args
			} else {
				in.Kind, in.Text = bot.KindText, t.stripMention(m.Text)
			}
		case m.Sticker != nil || m.Animation != nil || m.Dice != nil:
			in.Kind = bot.KindSticker
		case m.Voice != nil || m.Audio != nil || m.VideoNote != nil:
			in.Kind = bot.KindVoice
		case len(m.Photo) > 0 || m.Video != nil:
			in.Kind, in.Text = bot.KindPhoto, m.Caption
			if len(m.Photo) > 0 {
				in.Files = []bot.File{{ID: m.Photo[len(m.Photo)-1].FileID, Kind: "photo"}}
			}
		case m.Document != nil:
			in.Kind, in.Text = bot.KindDocument, m.Caption
			in.Files = []bot.File{{ID: m.Document.FileID, Name: m.Document.FileName, Kind: "document"}}
		default:
			if m.From == nil || m.NewChatMembers != nil || m.LeftChatMember != nil {
				return in, false // service messages: nothing to answer
			}
			in.Kind = bot.KindOther
		}
		return in, true
	}
	return in, false
}

// checkMessage tells what makes a message one Telegram would never send
// ("" when nothing): entities outside the text they annotate (a negative
// length used to panic the command parser), or a private chat whose
// message comes from someone other than the chat's user.
func checkMessage(m *models.Message) string {
	if m.Chat.Type == models.ChatTypePrivate && m.From != nil && m.From.ID != m.Chat.ID {
		return "message in a private chat from another user"
	}
	if !entitiesFit(m.Entities, m.Text) || !entitiesFit(m.CaptionEntities, m.Caption) {
		return "entity outside its text"
	}
	return ""
}

// entitiesFit reports whether every entity lies within text, counted in
// UTF-16 units as Telegram counts them.
func entitiesFit(es []models.MessageEntity, text string) bool {
	if len(es) == 0 {
		return true
	}
	n := utf16Len(text)
	for _, e := range es {
		if e.Offset < 0 || e.Length <= 0 || e.Offset > n || e.Length > n-e.Offset {
			return false
		}
	}
	return true
}

func (t *Transport) fillFrom(in *bot.Incoming, m *models.Message) {
	in.ChatID, in.ChatType = m.Chat.ID, chatType(m.Chat.Type)
	if m.From != nil {
		in.UserID, in.LangCode = m.From.ID, m.From.LanguageCode
	}
	if m.ReplyToMessage != nil && m.ReplyToMessage.From != nil {
		in.ReplyToUserID = m.ReplyToMessage.From.ID
	}
}

func chatType(t models.ChatType) bot.ChatType {
	if t == models.ChatTypePrivate {
		return bot.ChatPrivate
	}
	return bot.ChatGroup
}

// command parses "/cmd@bot args" from a message starting with a bot_command
// entity. It returns cmd "" for a command addressed to another bot. The
// parsing is our own: the library's matcher slices text with UTF-16 offsets
// as byte offsets, which breaks after Chinese text.
func (t *Transport) command(m *models.Message) (cmd, args string, ok bool) {
	if len(m.Entities) == 0 || m.Entities[0].Type != models.MessageEntityTypeBotCommand || m.Entities[0].Offset != 0 {
		return "", "", false
	}
	units := utf16.Encode([]rune(m.Text))
	end := min(max(m.Entities[0].Length, 0), len(units))
	word := string(utf16.Decode(units[:end]))
	rest := string(utf16.Decode(units[end:]))
	word = strings.TrimPrefix(word, "/")
	if name, target, found := strings.Cut(word, "@"); found {
		if !strings.EqualFold(target, t.me.Username) {
			return "", "", true
		}
		word = name
	}
	return strings.ToLower(word), strings.TrimSpace(rest), true
}

// addressed reports whether a message speaks to the bot: a reply to one of
// its messages or an @mention of it.
func (t *Transport) addressed(m *models.Message) bool {
	if m.Chat.Type == models.ChatTypePrivate {
		return true
	}
	if m.ReplyToMessage != nil && m.ReplyToMessage.From != nil && m.ReplyToMessage.From.ID == t.me.ID {
		return true
	}
	text := m.Text
	if text == "" {
		text = m.Caption
	}
	return t.me.Username != "" && strings.Contains(strings.ToLower(text), "@"+strings.ToLower(t.me.Username))
}

func (t *Transport) stripMention(s string) string {
	if t.me.Username == "" {
		return s
	}
	mention := "@" + t.me.Username
	for {
		i := strings.Index(strings.ToLower(s), strings.ToLower(mention))
		if i < 0 {
			return strings.TrimSpace(s)
		}
		s = s[:i] + s[i+len(mention):]
	}
}
