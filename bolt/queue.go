package bolt

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/laborbot/laborbot/intake"
)

// The notification queue (intake.Queue) in bbolt, with the semantics of a
// Redis Streams consumer group in one process:
//
//	intake_queue  sequence (big-endian, the bucket's) → JSON queuedNotification
//
// An entry is undelivered until ReadQueue hands it to a consumer; it then
// records the consumer and the delivery time, and stays until AckQueue
// deletes it. Because that is in the file, entries pending with a consumer
// that died (or a process that restarted) are still there, and ClaimStale
// moves them to a live consumer once idle long enough. Entry ids are the
// sequence numbers in decimal.
//
// bbolt has no change notification, so a blocked ReadQueue polls, with a
// read transaction (microseconds, no disk write) every queuePollInterval;
// only a read that finds entries takes the write transaction.

// queuePollInterval is how often a blocked ReadQueue looks for entries:
// short enough that a notification waits no noticeable time.
const queuePollInterval = 20 * time.Millisecond

// queuedNotification is a queue entry as stored: the notification and,
// once delivered, to whom and when.
type queuedNotification struct {
	Notification intake.Notification `json:"n"`
	Consumer     string              `json:"consumer,omitempty"`
	DeliveredAt  time.Time           `json:"delivered_at,omitzero"`
}

// enqueueNotification appends n to the queue bucket.
func enqueueNotification(b *bbolt.Bucket, n intake.Notification) (string, error) {
	v, err := json.Marshal(queuedNotification{Notification: n})
	if err != nil {
		return "", fmt.Errorf("encode notification: %w", err)
	}
	seq, err := b.NextSequence()
	if err != nil {
		return "", err
	}
	if err := b.Put(intakeNumKey(seq), v); err != nil {
		return "", err
	}
	return strconv.FormatUint(seq, 10), nil
}

// Enqueue implements intake.Queue.
func (s *Store) Enqueue(ctx context.Context, n intake.Notification) (string, error) {
	var id string
	err := s.intakeUpdate(ctx, func(tx *bbolt.Tx) error {
		var err error
		id, err = enqueueNotification(tx.Bucket([]byte(bucketIntakeQueue)), n)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("bolt: enqueue: %w", err)
	}
	return id, nil
}

// ReadQueue implements intake.Queue.
func (s *Store) ReadQueue(ctx context.Context, consumer string, count int, block time.Duration) ([]intake.QueueEntry, error) {
	if consumer == "" {
		return nil, errors.New("bolt: read queue: no consumer name")
	}
	count = max(count, 1)
	deadline := time.Now().Add(block)
	for {
		entries, err := s.takeEntries(ctx, consumer, count, func(r queuedNotification, _ time.Time) bool { return r.Consumer == "" })
		if err != nil || len(entries) > 0 {
			return entries, err
		}
		wait := time.Until(deadline)
		if wait <= 0 {
			return nil, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("bolt: read queue: %w", ctx.Err())
		case <-time.After(min(wait, queuePollInterval)):
		}
	}
}

// ClaimStale implements intake.Queue.
func (s *Store) ClaimStale(ctx context.Context, consumer string, minIdle time.Duration, count int) ([]intake.QueueEntry, error) {
	if consumer == "" {
		return nil, errors.New("bolt: claim stale: no consumer name")
	}
	return s.takeEntries(ctx, consumer, max(count, 1), func(r queuedNotification, now time.Time) bool {
		return r.Consumer != "" && now.Sub(r.DeliveredAt) >= minIdle
	})
}

// PendingFor implements intake.Queue.
func (s *Store) PendingFor(ctx context.Context, consumer string, count int) ([]intake.QueueEntry, error) {
	if consumer == "" {
		return nil, errors.New("bolt: pending: no consumer name")
	}
	return s.takeEntries(ctx, consumer, max(count, 1), func(r queuedNotification, _ time.Time) bool {
		return r.Consumer == consumer
	})
}

// takeEntries makes up to count entries for which want holds pending for
// consumer as of now, oldest first, and returns them. It looks in a read
// transaction first, so finding nothing (the common case when polling)
// writes nothing; the write transaction checks want again, as another
// consumer may have taken the entries in between.
func (s *Store) takeEntries(ctx context.Context, consumer string, count int, want func(queuedNotification, time.Time) bool) ([]intake.QueueEntry, error) {
	found := false
	err := s.intakeView(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketIntakeQueue))
		if b == nil {
			return nil
		}
		now := s.now()
		return b.ForEach(func(_, v []byte) error {
			var r queuedNotification
			if json.Unmarshal(v, &r) == nil && want(r, now) {
				found = true
				return errQueueScanDone
			}
			return nil
		})
	})
	if err != nil && !errors.Is(err, errQueueScanDone) {
		return nil, fmt.Errorf("bolt: read queue: %w", err)
	}
	if !found {
		return nil, nil
	}

	var out []intake.QueueEntry
	err = s.intakeUpdate(ctx, func(tx *bbolt.Tx) error {
		out = nil
		b := tx.Bucket([]byte(bucketIntakeQueue))
		now := s.now()
		type update struct {
			key []byte
			val []byte
		}
		var updates []update
		c := b.Cursor()
		for k, v := c.First(); k != nil && len(out) < count; k, v = c.Next() {
			var r queuedNotification
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode queue entry %d: %w", binary.BigEndian.Uint64(k), err)
			}
			if !want(r, now) {
				continue
			}
			r.Consumer, r.DeliveredAt = consumer, now
			nv, err := json.Marshal(r)
			if err != nil {
				return err
			}
			// Put after the walk: writing under a cursor can move it.
			updates = append(updates, update{append([]byte(nil), k...), nv})
			out = append(out, intake.QueueEntry{ID: strconv.FormatUint(binary.BigEndian.Uint64(k), 10), Notification: r.Notification})
		}
		for _, u := range updates {
			if err := b.Put(u.key, u.val); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: read queue: %w", err)
	}
	return out, nil
}

// errQueueScanDone ends a ForEach early.
var errQueueScanDone = errors.New("stop scan")

// AckQueue implements intake.Queue.
func (s *Store) AckQueue(ctx context.Context, ids ...string) error {
	var keys [][]byte
	for _, id := range ids {
		if seq, err := strconv.ParseUint(id, 10, 64); err == nil {
			keys = append(keys, intakeNumKey(seq))
		}
	}
	if err := ctx.Err(); err != nil || len(keys) == 0 {
		return err
	}
	err := s.intakeUpdate(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketIntakeQueue))
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bolt: ack queue: %w", err)
	}
	return nil
}
