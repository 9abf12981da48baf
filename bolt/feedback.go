package bolt

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/laborbot/laborbot/bot"
)

// Feedback is keyed by the bucket's sequence number (big-endian, so the
// cursor walks it in insertion order): "newest first" is then a backwards
// walk, and dropping the oldest entries is a walk from the front.

// AddFeedback implements bot.Store.
func (s *Store) AddFeedback(ctx context.Context, f bot.Feedback) error {
	v, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("bolt: encode feedback: %w", err)
	}
	err = s.update(ctx, bucketFeedback, func(b *bbolt.Bucket) error {
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		if err := b.Put(binary.BigEndian.AppendUint64(nil, seq), v); err != nil {
			return err
		}
		return s.trimFeedback(b, seq)
	})
	if err != nil {
		return fmt.Errorf("bolt: add feedback: %w", err)
	}
	return nil
}

// trimFeedback drops entries older than the newest maxFeedback. Done on
// every insert it deletes at most one entry per call in steady state.
func (s *Store) trimFeedback(b *bbolt.Bucket, newest uint64) error {
	if newest <= s.maxFeedback {
		return nil
	}
	oldestKept := newest - s.maxFeedback + 1
	c := b.Cursor()
	// Re-seek after each delete: deleting under a cursor and then calling
	// Next can skip an entry in bbolt.
	for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) < oldestKept; k, _ = c.First() {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// ListFeedback implements bot.Store.
func (s *Store) ListFeedback(ctx context.Context, limit int) ([]bot.Feedback, error) {
	if limit <= 0 {
		return nil, ctx.Err()
	}
	var out []bot.Feedback
	err := s.view(ctx, bucketFeedback, func(b *bbolt.Bucket) error {
		c := b.Cursor()
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			var f bot.Feedback
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("decode entry %d: %w", binary.BigEndian.Uint64(k), err)
			}
			out = append(out, f)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: list feedback: %w", err)
	}
	return out, nil
}
