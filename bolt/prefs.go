package bolt

import (
	"context"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/laborbot/laborbot/bot"
)

// Prefs are stored as JSON under the user id, so fields added to bot.Prefs
// later read back as their zero value from old records.

// GetPrefs implements bot.Store.
func (s *Store) GetPrefs(ctx context.Context, userID int64) (bot.Prefs, error) {
	var p bot.Prefs
	err := s.view(ctx, bucketPrefs, func(b *bbolt.Bucket) error {
		v := b.Get(idKey(userID))
		if v == nil {
			return nil
		}
		return json.Unmarshal(v, &p)
	})
	if err != nil {
		return bot.Prefs{}, fmt.Errorf("bolt: get prefs of user %d: %w", userID, err)
	}
	return p, nil
}

// SetPrefs implements bot.Store.
func (s *Store) SetPrefs(ctx context.Context, userID int64, p bot.Prefs) error {
	v, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("bolt: encode prefs: %w", err)
	}
	err = s.update(ctx, bucketPrefs, func(b *bbolt.Bucket) error {
		return b.Put(idKey(userID), v)
	})
	if err != nil {
		return fmt.Errorf("bolt: set prefs of user %d: %w", userID, err)
	}
	return nil
}

// DeletePrefs implements bot.Store.
func (s *Store) DeletePrefs(ctx context.Context, userID int64) error {
	err := s.update(ctx, bucketPrefs, func(b *bbolt.Bucket) error {
		return b.Delete(idKey(userID))
	})
	if err != nil {
		return fmt.Errorf("bolt: delete prefs of user %d: %w", userID, err)
	}
	return nil
}
