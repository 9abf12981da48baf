package main

import (
	"context"
	"fmt"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/letter"
	"github.com/laborbot/laborbot/web"
	"github.com/laborbot/laborbot/web/console"
)

// newConsole makes the web console when CONSOLE_URL is set (nil
// otherwise). Messages to workers go through the conversation, which is
// made after the console (it needs the console's sign-in links): conv
// returns it once it exists.
// consoleDeps are the services the console adapts.
type consoleDeps struct {
	store   store
	tickets *intake.Service
	files   bot.Downloader
	sealer  intake.Sealer
	engine  *knowledge.Engine
	kb      *knowledge.Admin
}

func (m *Main) newConsole(ctx context.Context, cfg Config, deps consoleDeps, conv func() *bot.Conversation) (*console.Console, error) {
	st, tickets, files := deps.store, deps.tickets, deps.files
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
	// Letters quote the statutes the engine has loaded now (LAWS_DIR and
	// uploads, kept current on every replica by the knowledge Admin).
	letters, err := letter.NewService(letter.Options{Store: st, Tickets: tickets, Sealer: deps.sealer, Logger: m.Logger,
		Statutes: func() *knowledge.Statutes {
			if lib := deps.engine.Library(); lib != nil {
				return lib.Statutes()
			}
			return nil
		}})
	if err != nil {
		return nil, err
	}
	c, err := console.New(console.Options{Letters: letters, KB: deps.kb, KBRole: knowledgeRoles(tickets),
		BaseURL: cfg.ConsoleURL, UnionName: cfg.UnionName, Service: tickets, Sessions: st, Assets: assets, Idle: cfg.ConsoleIdle, Logger: m.Logger,
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

// knowledgeRoles maps intake's roles to the knowledge base's: admins
// (ADMIN_IDS) administer it, mediators read it and propose entries. The
// bot and the console use this one mapping.
func knowledgeRoles(tickets *intake.Service) func(ctx context.Context, userID int64) (knowledge.Role, error) {
	return func(ctx context.Context, userID int64) (knowledge.Role, error) {
		p, err := tickets.Principal(ctx, userID)
		if err != nil {
			return knowledge.RoleNone, err
		}
		switch p.Role {
		case intake.RoleAdmin:
			return knowledge.RoleAdmin, nil
		case intake.RoleMediator:
			return knowledge.RoleMediator, nil
		}
		return knowledge.RoleNone, nil
	}
}
