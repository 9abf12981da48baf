package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// runConsoleLink makes a one-time sign-in link to the web console for a
// mediator or admin: the console's own sign-in links (what /console sends
// in Telegram), for unions that run without Telegram. The link is written
// into the store, so the running bot honours it: with REDIS_URL directly;
// with the embedded file the running bot makes it (through its control
// socket), or, when the bot is stopped, this command, and the link then
// waits for the bot to start.
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
	return m.onStore(ctx, cfg, controlRequest{Cmd: "console-link", UserID: userID}, nil, m.Stdout, nil)
}
