package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/bot/telegram"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/web"
	"github.com/laborbot/laborbot/web/webchat"
)

// validateWeb checks the web chat's settings.
func (c Config) validateWeb() []error {
	var errs []error
	if c.WebChatKey != "" && len(c.WebChatKey) < 32 {
		errs = append(errs, errors.New("WEBCHAT_KEY must be at least 32 characters (openssl rand -base64 32), or unset to keep a generated one in the store"))
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			errs = append(errs, fmt.Errorf("PUBLIC_URL %q must be the site's base URL, like https://help.union.example (the chat is at /chat)", c.PublicURL))
		}
	}
	if _, err := web.ParseProxies(c.TrustedProxies); err != nil {
		errs = append(errs, fmt.Errorf("TRUSTED_PROXIES: %w", err))
	}
	if (c.WebPushPublicKey == "") != (c.WebPushPrivateKey == "") {
		errs = append(errs, errors.New("WEBPUSH_PUBLIC_KEY and WEBPUSH_PRIVATE_KEY go together (make a pair with `laborbot webpush-keys`)"))
	}
	if c.WebPushPublicKey != "" && c.WebPushSubject == "" {
		errs = append(errs, errors.New("WEBPUSH_SUBJECT is required with Web Push: an e-mail address or https URL push services can reach you at"))
	}
	return errs
}

// publicURL is the site's base URL: PUBLIC_URL, else the console's
// CONSOLE_URL (the same site), else "" (links use the request's host).
func (c Config) publicURL() string {
	if c.PublicURL != "" {
		return c.PublicURL
	}
	return c.ConsoleURL
}

// newWebChat makes the web chat when WEBCHAT is on (nil otherwise).
func (m *Main) newWebChat(ctx context.Context, cfg Config, st store, conv *bot.Conversation, sealer intake.Sealer) (*webchat.Chat, error) {
	if !cfg.WebChat {
		return nil, nil
	}
	key, err := webchat.LoadKey(ctx, st, cfg.WebChatKey)
	if err != nil {
		return nil, fmt.Errorf("WEBCHAT_KEY: %w", err)
	}
	assets, err := web.NewAssets()
	if err != nil {
		return nil, err
	}
	proxies, _ := web.ParseProxies(cfg.TrustedProxies) // validated with the configuration
	o := webchat.Options{Conversation: conv, Store: st, Sealer: sealer, Assets: assets, Key: key,
		BaseURL: strings.TrimSuffix(cfg.publicURL(), "/"), TrustedProxies: proxies, Logger: m.Logger}
	if cfg.WebPushPublicKey != "" {
		o.Push = &webchat.PushOptions{PublicKey: cfg.WebPushPublicKey, PrivateKey: cfg.WebPushPrivateKey, Subject: cfg.WebPushSubject}
		if m.PushEndpoints != nil {
			o.Push.AllowEndpoint = m.PushEndpoints
		}
	}
	if m.WebChatLimits != nil {
		m.WebChatLimits(&o)
	}
	return webchat.New(o)
}

// channels reach workers and mediators on the channel they use: web ids
// (bot.IsWebID) through the web chat's inbox, every other chat through
// Telegram. Both are bound after the conversation is made.
type channels struct {
	tg   *telegram.Transport
	chat *webchat.Chat
	log  *slog.Logger
	// evidence copies Telegram files into the store too (EVIDENCE_DOWNLOAD).
	evidence bool
}

// SendTo is the conversation's messenger.
func (c *channels) SendTo(ctx context.Context, chatID int64, r bot.Reply) error {
	if bot.IsWebID(chatID) {
		if c.chat == nil {
			return errors.New("a web chat worker, but WEBCHAT is off")
		}
		return c.chat.Deliver(ctx, chatID, r)
	}
	if c.tg == nil {
		// Telegram is off (a union that moved to the web chat alone): the
		// message can never be delivered, so retrying it is pointless.
		c.log.Warn("a message for a Telegram chat was dropped: TELEGRAM_BOT_TOKEN is not set")
		return nil
	}
	return c.tg.SendTo(ctx, chatID, r)
}

// Download fetches a file a user sent, from the channel that holds it.
func (c *channels) Download(ctx context.Context, fileID string) ([]byte, error) {
	if bot.IsWebFile(fileID) {
		if c.chat == nil {
			return nil, errors.New("a web chat file, but WEBCHAT is off")
		}
		return c.chat.Download(ctx, fileID)
	}
	if c.tg == nil {
		return nil, errors.New("files can only be sent through Telegram")
	}
	return c.tg.Download(ctx, fileID)
}

// EvidenceDownloader is the downloader for a complaint's evidence: the web
// chat's uploads always go into the store (nobody else holds them);
// Telegram's files only with EVIDENCE_DOWNLOAD.
func (c *channels) EvidenceDownloader() bot.Downloader {
	return bot.DownloaderFunc(func(ctx context.Context, fileID string) ([]byte, error) {
		if !bot.IsWebFile(fileID) && !c.evidence {
			return nil, bot.ErrNotDownloaded
		}
		return c.Download(ctx, fileID)
	})
}
