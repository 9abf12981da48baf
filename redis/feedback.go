package redis

import (
	"context"
	"encoding/json"
	"fmt"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/bot"
)

// Feedback is a list with the newest entry at the head: LPUSH adds,
// LRANGE 0 n-1 reads newest first, and LTRIM keeps the list capped.

// AddFeedback implements bot.Store.
func (s *Store) AddFeedback(ctx context.Context, f bot.Feedback) error {
	v, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("redis: encode feedback: %w", err)
	}
	key := s.feedbackKey()
	// MULTI, so no reader ever sees the list over its cap, and one round
	// trip for both commands.
	_, err = s.client.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.LPush(ctx, key, v)
		p.LTrim(ctx, key, 0, s.maxFeedback-1)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redis: add feedback: %w", err)
	}
	return nil
}

// ListFeedback implements bot.Store.
func (s *Store) ListFeedback(ctx context.Context, limit int) ([]bot.Feedback, error) {
	if limit <= 0 {
		return nil, ctx.Err()
	}
	vs, err := s.client.LRange(ctx, s.feedbackKey(), 0, int64(limit)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: list feedback: %w", err)
	}
	if len(vs) == 0 {
		return nil, nil
	}
	out := make([]bot.Feedback, len(vs))
	for i, v := range vs {
		if err := json.Unmarshal([]byte(v), &out[i]); err != nil {
			return nil, fmt.Errorf("redis: decode feedback entry %d: %w", i, err)
		}
	}
	return out, nil
}
