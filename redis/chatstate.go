package redis

import (
	"context"
	"errors"
	"fmt"

	goredis "github.com/redis/go-redis/v9"
)

// GetChatState implements bot.Store.
func (s *Store) GetChatState(ctx context.Context, chatID int64) ([]byte, error) {
	v, err := s.client.Get(ctx, s.chatKey(chatID, "state")).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("redis: get state of chat %d: %w", chatID, err)
	}
	if len(v) == 0 {
		// Not written by SetChatState, but keep "no state" = nil.
		return nil, nil
	}
	return v, nil
}

// SetChatState implements bot.Store.
func (s *Store) SetChatState(ctx context.Context, chatID int64, state []byte) error {
	if len(state) == 0 {
		return s.DeleteChatState(ctx, chatID)
	}
	if err := s.client.Set(ctx, s.chatKey(chatID, "state"), state, 0).Err(); err != nil {
		return fmt.Errorf("redis: set state of chat %d: %w", chatID, err)
	}
	return nil
}

// DeleteChatState implements bot.Store.
func (s *Store) DeleteChatState(ctx context.Context, chatID int64) error {
	if err := s.client.Del(ctx, s.chatKey(chatID, "state")).Err(); err != nil {
		return fmt.Errorf("redis: delete state of chat %d: %w", chatID, err)
	}
	return nil
}
