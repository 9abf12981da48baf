package bolt

import (
	"bytes"
	"context"
	"fmt"

	bbolt "go.etcd.io/bbolt"
)

// GetChatState implements bot.Store.
func (s *Store) GetChatState(ctx context.Context, chatID int64) ([]byte, error) {
	var state []byte
	err := s.view(ctx, bucketChatState, func(b *bbolt.Bucket) error {
		// bbolt's value points into the memory map and is only valid
		// inside the transaction, so hand out a copy.
		if v := b.Get(idKey(chatID)); len(v) > 0 {
			state = bytes.Clone(v)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: get state of chat %d: %w", chatID, err)
	}
	return state, nil
}

// SetChatState implements bot.Store.
func (s *Store) SetChatState(ctx context.Context, chatID int64, state []byte) error {
	err := s.update(ctx, bucketChatState, func(b *bbolt.Bucket) error {
		if len(state) == 0 {
			return b.Delete(idKey(chatID))
		}
		// Put keeps a reference to state until the transaction commits,
		// and Update commits before returning, so the caller may reuse it.
		return b.Put(idKey(chatID), state)
	})
	if err != nil {
		return fmt.Errorf("bolt: set state of chat %d: %w", chatID, err)
	}
	return nil
}

// DeleteChatState implements bot.Store.
func (s *Store) DeleteChatState(ctx context.Context, chatID int64) error {
	err := s.update(ctx, bucketChatState, func(b *bbolt.Bucket) error {
		return b.Delete(idKey(chatID))
	})
	if err != nil {
		return fmt.Errorf("bolt: delete state of chat %d: %w", chatID, err)
	}
	return nil
}
