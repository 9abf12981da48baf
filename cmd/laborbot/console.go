package main

import (
	"context"
	"fmt"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/web"
	"github.com/laborbot/laborbot/web/console"
)

// newConsole makes the web console when CONSOLE_URL is set (nil
// otherwise). Messages to workers go through the conversation, which is
// made after the console (it needs the console's sign-in links): conv
// returns it once it exists.
func (m *Main) newConsole(ctx context.Context, cfg Config, st store, tickets *intake.Service, files bot.Downloader, conv func() *bot.Conversation) (*console.Console, error) {
	if cfg.ConsoleURL == "" {
		return nil, nil
	}
	// The console lists and counts from the ticket indexes: build them if
	// this store has none yet (tickets filed before they existed).
	if err := tickets.EnsureIndex(ctx); err != nil {
		return nil, fmt.Errorf("ticket indexes: %w", err)
	}
	assets, err := web.NewAssets()
	if err != nil {
		return nil, err
	}
	c, err := console.New(console.Options{
		BaseURL: cfg.ConsoleURL, Service: tickets, Sessions: st, Assets: assets, Idle: cfg.ConsoleIdle, Logger: m.Logger,
		Messenger: messengerFunc(func(ctx context.Context, staffID, number int64, text string) (intake.Ticket, error) {
			return conv().MessageWorker(ctx, staffID, number, text)
		}),
		Fetch: files.Download,
	})
	if err != nil {
		return nil, fmt.Errorf("CONSOLE_URL: %w", err)
	}
	return c, nil
}

// messengerFunc adapts a function to console.WorkerMessenger.
type messengerFunc func(ctx context.Context, staffID, number int64, text string) (intake.Ticket, error)

func (f messengerFunc) MessageWorker(ctx context.Context, staffID, number int64, text string) (intake.Ticket, error) {
	return f(ctx, staffID, number, text)
}
