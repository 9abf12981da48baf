package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/laborbot/laborbot/bot"
)

// Update ids are stored with the time they were marked (Unix nanoseconds).
// An id older than bot.UpdateTTL counts as unseen whether or not it has
// been swept yet, so the sweep's timing never changes MarkUpdate's answer.

// MarkUpdate implements bot.Store. bbolt runs write transactions one at a
// time, so the read-then-write below is atomic. It is on every update's
// path, so it goes through bbolt's Batch: concurrent marks share one commit
// (one fsync) instead of queueing for one each. Batch may run the function
// again if another function in the batch fails; the mark's own timestamp
// tells a re-run of this call from an earlier call for the same id.
func (s *Store) MarkUpdate(ctx context.Context, updateID int64) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("bolt: mark update %d: %w", updateID, err)
	}
	var first bool
	now := s.now()
	// The mark is the time (for expiry) and a number unique to this call.
	mark := binary.BigEndian.AppendUint64(nil, uint64(now.UnixNano()))
	mark = binary.BigEndian.AppendUint64(mark, s.markSeq.Add(1))
	err := s.db.Batch(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketUpdates))
		first = false
		if !now.Before(s.nextPrune) {
			if err := pruneUpdates(b, now); err != nil {
				return fmt.Errorf("prune: %w", err)
			}
			s.nextPrune = now.Add(s.pruneEvery)
		}

		key := idKey(updateID)
		if v := b.Get(key); len(v) >= 8 && !expired(v, now) {
			first = bytes.Equal(v, mark)
			return nil
		}
		first = true
		return b.Put(key, mark)
	})
	if err != nil {
		return false, fmt.Errorf("bolt: mark update %d: %w", updateID, err)
	}
	return first, nil
}

// expired reports whether a stored mark time is bot.UpdateTTL or more ago.
func expired(v []byte, now time.Time) bool {
	marked := time.Unix(0, int64(binary.BigEndian.Uint64(v[:8])))
	return now.Sub(marked) >= bot.UpdateTTL
}

// pruneUpdates deletes expired ids. Keys are copied out first because
// deleting while walking a bbolt cursor can skip entries, and the walked
// keys point into pages that the deletes modify.
func pruneUpdates(b *bbolt.Bucket, now time.Time) error {
	var old [][]byte
	err := b.ForEach(func(k, v []byte) error {
		if len(v) < 8 || expired(v, now) {
			old = append(old, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
