package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/bot"
)

// Prefs are stored as JSON, so fields added to bot.Prefs later read back
// as their zero value from old records.

// GetPrefs implements bot.Store.
func (s *Store) GetPrefs(ctx context.Context, userID int64) (bot.Prefs, error) {
	v, err := s.client.Get(ctx, s.userKey(userID, "prefs")).Bytes()
	if errors.Is(err, goredis.Nil) {
		return bot.Prefs{}, nil
	}
	if err != nil {
		return bot.Prefs{}, fmt.Errorf("redis: get prefs of user %d: %w", userID, err)
	}
	var p bot.Prefs
	if err := json.Unmarshal(v, &p); err != nil {
		return bot.Prefs{}, fmt.Errorf("redis: decode prefs of user %d: %w", userID, err)
	}
	return p, nil
}

// SetPrefs implements bot.Store.
func (s *Store) SetPrefs(ctx context.Context, userID int64, p bot.Prefs) error {
	v, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("redis: encode prefs: %w", err)
	}
	if err := s.client.Set(ctx, s.userKey(userID, "prefs"), v, 0).Err(); err != nil {
		return fmt.Errorf("redis: set prefs of user %d: %w", userID, err)
	}
	return nil
}

// DeletePrefs implements bot.Store.
func (s *Store) DeletePrefs(ctx context.Context, userID int64) error {
	if err := s.client.Del(ctx, s.userKey(userID, "prefs")).Err(); err != nil {
		return fmt.Errorf("redis: delete prefs of user %d: %w", userID, err)
	}
	return nil
}
