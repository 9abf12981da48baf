package redis

import (
	"context"
	"fmt"

	"github.com/laborbot/laborbot/bot"
)

// MarkUpdate implements bot.Store with SET key 1 NX EX 172800: Redis
// checks and sets in one command, so exactly one of any number of
// concurrent callers (in any replica) gets true, and the key's own expiry
// does the forgetting.
func (s *Store) MarkUpdate(ctx context.Context, updateID int64) (bool, error) {
	first, err := s.client.SetNX(ctx, s.updateKey(updateID), 1, bot.UpdateTTL).Result()
	if err != nil {
		return false, fmt.Errorf("redis: mark update %d: %w", updateID, err)
	}
	return first, nil
}
