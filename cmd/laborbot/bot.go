package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/bot/telegram"
	"github.com/laborbot/laborbot/bot/terminal"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/letter"
	"github.com/laborbot/laborbot/redis"
	"github.com/laborbot/laborbot/schedule"
	"github.com/laborbot/laborbot/web"
	"github.com/laborbot/laborbot/web/webchat"
)

// store is everything laborbot keeps: both the embedded and the Redis store
// implement all of it.
type store interface {
	bot.Store
	bot.Spool
	intake.Store
	knowledge.Store
	web.SessionStore
	schedule.Store
	letter.Store
	webchat.Store
}

// openStore opens Redis when REDIS_URL is set, else the embedded file
// DATA_DIR/laborbot.db.
func openStore(ctx context.Context, cfg Config) (store, string, error) {
	if cfg.RedisURL != "" {
		s, err := redis.Open(ctx, cfg.RedisURL, cfg.RedisPrefix)
		if err != nil {
			return nil, "", fmt.Errorf("REDIS_URL: %w", err)
		}
		return s, "redis", nil
	}
	path := filepath.Join(cfg.DataDir, "laborbot.db")
	s, err := bolt.Open(path)
	if err != nil {
		return nil, "", dataDirError(cfg.DataDir, err)
	}
	return s, "embedded", nil
}

func (m *Main) runBot(ctx context.Context, cfg Config, cmd string, args []string) error {
	what := "run the bot: the web chat (and console) on HTTP_ADDR, Telegram with TELEGRAM_BOT_TOKEN,\n/healthz and /metrics on OPS_ADDR; configured by environment variables (see README.md)"
	if cmd == "chat" {
		what = "talk to the bot in this terminal (the same conversation as in Telegram)"
	}
	fs := m.flagSet(cmd, "", what)
	// The terminal chat starts in Chinese unless told otherwise; it does
	// not follow $LANG (a server's en_US.UTF-8 says nothing of the user).
	chatLang := "zh"
	if cmd == "chat" {
		fs.StringVar(&chatLang, "lang", "zh", "the chat's language: zh or en")
	}
	if err := m.parseFlags(fs, args, 0); err != nil {
		return err
	}
	if chatLang != "zh" && chatLang != "en" {
		fmt.Fprintf(m.Stderr, "laborbot chat: --lang must be zh or en, not %q\n", chatLang)
		return errUsage
	}
	if cmd == "run" && cfg.TelegramToken == "" && cfg.MediatorChatID != 0 {
		return errors.New("MEDIATOR_CHAT_ID is a Telegram group, but TELEGRAM_BOT_TOKEN is not set: set the token, or leave MEDIATOR_CHAT_ID empty and work in the console")
	}
	if cmd == "run" && cfg.TelegramToken == "" && !cfg.WebChat {
		return errors.New("TELEGRAM_BOT_TOKEN is not set and WEBCHAT is off: set a token from @BotFather, or turn the web chat on (or try `laborbot chat` in the terminal)")
	}
	store, kind, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	// The engine is loaded once, by the knowledge-base Admin below: the
	// built-in entries with the published ones over them.
	// The model's state, checked before serving (below); while the check
	// fails the engine answers retrieval-only at once rather than each
	// answer waiting LLM_TIMEOUT for a server known to be down.
	model := newModelState(cfg, m.Logger)
	engine := newGatedEngine(cfg, m.Logger, model)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), buildInfo())
	metrics := bot.NewMetrics(reg)
	sealer, err := intake.NewSealer(cfg.DataKey)
	if err != nil {
		return fmt.Errorf("DATA_KEY: %w", err)
	}
	tickets := intake.NewService(store, intake.Options{Admins: cfg.AdminIDs, Sealer: sealer, Logger: m.Logger, Now: m.clock(),
		FollowUp: followUpOptions(cfg, store)})
	// Notes written in clear (before notes were sealed, or before DATA_KEY
	// was set) are sealed now; a failure only delays that to the next start.
	if _, err := tickets.SealStoredNotes(ctx); err != nil {
		m.Logger.Warn("sealing stored notes failed", "err", err)
	}
	// The channels (Telegram, the web chat) are made after the
	// conversation they serve, so the conversation reaches other chats
	// through this late binding, which routes web ids to the web chat.
	ch := &channels{evidence: cfg.EvidenceDownload, log: m.Logger}
	messenger := bot.Messenger(ch)
	if cmd == "chat" {
		messenger = terminal.Messenger(m.Stdout)
	}
	// The knowledge base as published by admins, kept current on every
	// replica.
	kbAdmin, err := newKBAdmin(ctx, cfg, store, engine, m.Logger)
	if err != nil {
		return err
	}
	go func() {
		if err := kbAdmin.Follow(ctx); err != nil && ctx.Err() == nil {
			m.Logger.Error("following knowledge-base changes stopped", "err", err)
		}
	}()
	roleOf := knowledgeRoles(tickets)
	downloader := bot.DownloaderFunc(ch.Download)
	opts := []bot.Option{bot.WithIntake(tickets, sealer, messenger, cfg.MediatorChatID), bot.WithKnowledgeAdmin(kbAdmin, roleOf, downloader)}
	if cfg.EvidenceDownload || cfg.WebChat && cmd != "chat" {
		opts = append(opts, bot.WithEvidenceDownload(ch.EvidenceDownloader()))
	}
	var conv *bot.Conversation
	con, err := m.newConsole(ctx, cfg, consoleDeps{store: store, tickets: tickets, files: downloader, sealer: sealer, engine: engine, kb: kbAdmin},
		func() *bot.Conversation { return conv })
	if err != nil {
		return err
	}
	if con != nil {
		opts = append(opts, bot.WithConsole(con))
	}
	// Backup, restore, export and the other store commands reach the
	// embedded store through this process while it runs (control.go).
	if kind == "embedded" {
		var signIn func(context.Context, int64) (string, time.Duration, error)
		if con != nil {
			signIn = con.SignInLink
		}
		stopControl := m.startControl(ctx, cfg, m.liveOps(cfg, store, tickets, sealer, kbAdmin, signIn))
		defer stopControl()
	}
	opts = append(opts, bot.WithClock(m.clock()))
	conv = bot.NewConversation(engine, store, metrics, m.Logger, opts...)

	if cmd == "chat" {
		return terminal.Run(ctx, conv, m.Stdin, m.Stdout, chatLang)
	}

	var tg *telegram.Transport
	if cfg.TelegramToken != "" {
		tg, err = telegram.New(ctx, telegram.Options{Token: cfg.TelegramToken, APIURL: cfg.TelegramAPIURL,
			WebhookURL: cfg.WebhookURL, WebhookSecret: cfg.WebhookSecret, PollTimeout: m.PollTimeout, MaxRate: cfg.TelegramRate, ChatRate: m.ChatRate,
			Logger: m.Logger, Metrics: metrics, Spool: store, Owner: spoolOwner(), Sealer: sealer, Clock: m.Clock}, conv)
		if err != nil {
			return err
		}
		ch.tg = tg
	}
	chat, err := m.newWebChat(ctx, cfg, store, conv, sealer)
	if err != nil {
		return err
	}
	ch.chat = chat
	// The model is checked once before serving, so a wrong key or address
	// is in the log at start and in /healthz, then again now and then.
	if model != nil && cmd == "run" {
		model.probe(ctx)
		go model.follow(ctx)
	}
	// /healthz and /metrics are for operators: on OPS_ADDR, not the
	// public address.
	checks := healthChecks{store: store.Ping, model: model}
	if tg != nil {
		checks.telegram = tg.Ping
	}
	ops, err := startOps(cfg.OpsAddr, reg, checks)
	if err != nil {
		return err
	}
	defer ops.srv.Close()
	mux := http.NewServeMux()
	if cfg.WebhookURL != "" && tg != nil {
		mux.Handle("POST "+webhookPath(cfg.WebhookURL), tg.WebhookHandler())
	}
	sites := webSites{}
	if con != nil {
		sites.Console = con
	}
	if chat != nil {
		sites.Chat = chat
	}
	if err := mountWeb(mux, sites); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: web.MaxHeaderBytes}
	srvErr := make(chan error, 1)
	go func() { srvErr <- srv.Serve(ln) }()
	username := ""
	if tg != nil {
		username = tg.Username()
	}
	m.Logger.Info("laborbot started", "bot", username, "webchat", chat != nil, "store", kind, "http", ln.Addr().String(), "ops", ops.ln.Addr().String(),
		"llm", engine.HasModel(), "entries", len(engine.Library().Entries()), "statutes", engine.Library().Statutes().Len())
	if m.OnOpsReady != nil {
		m.OnOpsReady(ops.ln.Addr().String())
	}
	if m.OnReady != nil {
		m.OnReady(ln.Addr().String())
	}

	// Notifications (new tickets to the mediators, changes to workers) come
	// from the store's queue; each replica is one consumer of the group.
	notifyDone := make(chan struct{})
	go func() {
		defer close(notifyDone)
		// Named like the spool's owner (the host name, kept across a
		// container's restarts), so a replica killed while it held a
		// notification takes it back as soon as it is up again.
		if err := conv.RunNotifications(ctx, spoolOwner()); err != nil && ctx.Err() == nil {
			m.Logger.Error("notifications stopped", "err", err)
		}
	}()
	// Follow-ups: escalations, check-ins, payment and deadline reminders.
	followDone, err := m.startFollowUps(ctx, store, tickets, conv, reg)
	if err != nil {
		return err
	}
	// Personal data of cases that ended long ago is erased, as the consent
	// text promises; once at start and then daily.
	go func() {
		for {
			if n, err := tickets.PurgeExpired(ctx, time.Now()); err != nil && ctx.Err() == nil {
				m.Logger.Error("purging expired personal data", "err", err)
			} else if n > 0 {
				m.Logger.Info("expired personal data erased", "tickets", n)
			}
			if chat != nil {
				// A web worker's chat id is their user id.
				forget := func(ctx context.Context, worker int64) error { return conv.ForgetChat(ctx, worker, worker) }
				if n, err := chat.PurgeInactive(ctx, time.Now(), forget); err != nil && ctx.Err() == nil {
					m.Logger.Error("purging idle web chats", "err", err)
				} else if n > 0 {
					m.Logger.Info("idle web chats erased", "workers", n)
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(24 * time.Hour):
			}
		}
	}()
	runErr := make(chan error, 1)
	go func() {
		if tg == nil {
			// The web chat alone: it serves until the program stops.
			<-ctx.Done()
			runErr <- nil
			return
		}
		runErr <- tg.Run(ctx)
	}()
	select {
	case err = <-runErr:
	case err = <-srvErr:
		return fmt.Errorf("HTTP server: %w", err)
	case err = <-ops.errc:
		return fmt.Errorf("operators' HTTP server (OPS_ADDR): %w", err)
	}
	// Telegram intake has stopped and answers in progress have drained;
	// now stop serving HTTP.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shutdownCtx); serr != nil {
		m.Logger.Warn("HTTP shutdown", "err", serr)
	}
	// The operators' server last: /healthz answers while the rest stops.
	if serr := ops.srv.Shutdown(shutdownCtx); serr != nil {
		m.Logger.Warn("operators' HTTP shutdown", "err", serr)
	}
	<-notifyDone
	<-followDone
	m.Logger.Info("laborbot stopped")
	return err
}

// webhookPath is where Telegram posts updates: the path of WEBHOOK_URL.
func webhookPath(webhookURL string) string {
	u, err := url.Parse(webhookURL)
	if err != nil || u.Path == "" || u.Path == "/" {
		return "/telegram/webhook"
	}
	return u.Path
}
