package main

import (
	"context"
	"errors"
)

func (m *Main) runBot(ctx context.Context, cfg Config, cmd string, args []string) error {
	return errors.New("the bot is not built yet")
}
