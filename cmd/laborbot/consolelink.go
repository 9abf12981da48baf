package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/intake"
)

// runConsoleLink makes a one-time sign-in link to the web console for a
// mediator or admin: the console's own sign-in links (what /console sends
// in Telegram), for unions that run without Telegram. The link is written
// into the store, so the running bot honours it: with REDIS_URL at any
// time; with the embedded file only while the bot is stopped (the file is
// the running bot's alone), and the link then waits for it to start.
func (m *Main) runConsoleLink(ctx context.Context, cfg Config, args []string) error {
	fs := m.flagSet("console-link", "USER_ID", "print a one-time sign-in link to the web console for a mediator or admin (USER_ID: their user id)")
	if err := m.parseFlags(fs, args, 1); err != nil {
		return err
	}
	args = fs.Args()
	userID, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || userID <= 0 {
		return fmt.Errorf("console-link: %q is not a user id", args[0])
	}
	if cfg.ConsoleURL == "" {
		return errors.New("CONSOLE_URL is not set: the web console is off (set it to the site's base URL, e.g. https://help.union.example)")
	}
	st, _, err := openStore(ctx, cfg)
	var inUse *bolt.InUseError
	if errors.As(err, &inUse) {
		return fmt.Errorf("the bot is running on %s: send /console to the bot in Telegram, or stop the bot for a moment and run this again (with REDIS_URL a link can be made while it runs)", inUse.Path)
	}
	if err != nil {
		return err
	}
	defer st.Close()
	sealer, err := intake.NewSealer(cfg.DataKey)
	if err != nil {
		return fmt.Errorf("DATA_KEY: %w", err)
	}
	tickets := intake.NewService(st, intake.Options{Admins: cfg.AdminIDs, Sealer: sealer, Logger: m.Logger})
	noFiles := bot.DownloaderFunc(func(context.Context, string) ([]byte, error) { return nil, errors.New("no files here") })
	// Only the sign-in links are used here: no knowledge base, no files.
	con, err := m.newConsole(ctx, cfg, consoleDeps{store: st, tickets: tickets, files: noFiles, sealer: sealer, engine: newEngine(cfg, m.Logger)},
		func() *bot.Conversation { return nil })
	if err != nil {
		return err
	}
	link, valid, err := con.SignInLink(ctx, userID)
	if errors.Is(err, intake.ErrForbidden) {
		return fmt.Errorf("user %d is not a mediator or admin (admins: ADMIN_IDS; mediators: added by an admin)", userID)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s\n(works once, for %d minutes; give it only to user %d)\n", link, int(valid.Minutes()), userID)
	return nil
}
