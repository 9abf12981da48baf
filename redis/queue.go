package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/intake"
)

// The notification queue (intake.Queue) is a Redis stream,
// <prefix>{intake}:queue, with one consumer group, queueGroup, shared by
// every replica: XREADGROUP hands each entry to one consumer, XAUTOCLAIM
// moves entries idle too long (their consumer died) to a live one, and an
// acknowledged entry is deleted (XACK then XDEL), so the stream holds only
// entries not yet handled. Each entry has one field, "n": the JSON
// intake.Notification. Only commands of Redis 7.0 are used.

// queueGroup is the consumer group's name.
const queueGroup = "laborbot"

// Enqueue implements intake.Queue.
func (s *Store) Enqueue(ctx context.Context, n intake.Notification) (string, error) {
	v, err := json.Marshal(n)
	if err != nil {
		return "", fmt.Errorf("redis: encode notification: %w", err)
	}
	id, err := s.client.XAdd(ctx, &goredis.XAddArgs{Stream: s.intakeKey("queue"), Values: []any{"n", v}}).Result()
	if err != nil {
		return "", fmt.Errorf("redis: enqueue: %w", err)
	}
	return id, nil
}

// ensureQueueGroup creates the consumer group (and the stream) if missing. The
// group starts at the stream's beginning, so entries added before any
// consumer existed are delivered too.
func (s *Store) ensureQueueGroup(ctx context.Context) error {
	err := s.client.XGroupCreateMkStream(ctx, s.intakeKey("queue"), queueGroup, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return err
	}
	return nil
}

func isNoQueueGroup(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "NOGROUP") }

// ReadQueue implements intake.Queue.
func (s *Store) ReadQueue(ctx context.Context, consumer string, count int, block time.Duration) ([]intake.QueueEntry, error) {
	if consumer == "" {
		return nil, errors.New("redis: read queue: no consumer name")
	}
	args := &goredis.XReadGroupArgs{
		Group: queueGroup, Consumer: consumer, Streams: []string{s.intakeKey("queue"), ">"},
		Count: int64(max(count, 1)), Block: -1, // go-redis: -1 = no BLOCK; 0 would block forever
	}
	if block > 0 {
		args.Block = max(block, time.Millisecond)
	}
	for attempt := 0; ; attempt++ {
		streams, err := s.client.XReadGroup(ctx, args).Result()
		if isNoQueueGroup(err) && attempt == 0 {
			if err := s.ensureQueueGroup(ctx); err != nil {
				return nil, fmt.Errorf("redis: create consumer group: %w", err)
			}
			continue
		}
		if errors.Is(err, goredis.Nil) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("redis: read queue: %w", err)
		}
		var msgs []goredis.XMessage
		for _, st := range streams {
			msgs = append(msgs, st.Messages...)
		}
		return s.queueEntries(ctx, msgs)
	}
}

// queueEntries decodes stream messages. An entry that is not a notification
// (written by something else) is acknowledged and dropped, so it cannot
// come back forever.
func (s *Store) queueEntries(ctx context.Context, msgs []goredis.XMessage) ([]intake.QueueEntry, error) {
	var out []intake.QueueEntry
	var junk []string
	for _, m := range msgs {
		raw, _ := m.Values["n"].(string)
		var n intake.Notification
		if raw == "" || json.Unmarshal([]byte(raw), &n) != nil {
			junk = append(junk, m.ID)
			continue
		}
		out = append(out, intake.QueueEntry{ID: m.ID, Notification: n})
	}
	if len(junk) > 0 {
		if err := s.AckQueue(ctx, junk...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AckQueue implements intake.Queue.
func (s *Store) AckQueue(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return ctx.Err()
	}
	key := s.intakeKey("queue")
	// MULTI: an acknowledged entry is never left behind undeleted, where a
	// new consumer group would deliver it again.
	_, err := s.client.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.XAck(ctx, key, queueGroup, ids...)
		p.XDel(ctx, key, ids...)
		return nil
	})
	if err != nil && !isInvalidID(err) {
		return fmt.Errorf("redis: ack queue: %w", err)
	}
	return nil
}

// isInvalidID reports Redis's refusal of an id that is not a stream id;
// AckQueue ignores unknown ids, and such an id is unknown.
func isInvalidID(err error) bool {
	return err != nil && strings.Contains(err.Error(), "Invalid stream ID")
}

// PendingFor implements intake.Queue.
func (s *Store) PendingFor(ctx context.Context, consumer string, count int) ([]intake.QueueEntry, error) {
	if consumer == "" {
		return nil, errors.New("redis: pending: no consumer name")
	}
	// XREADGROUP from id 0 reads the consumer's own pending entries (its
	// history) rather than new ones, and never blocks.
	streams, err := s.client.XReadGroup(ctx, &goredis.XReadGroupArgs{
		Group: queueGroup, Consumer: consumer, Streams: []string{s.intakeKey("queue"), "0"},
		Count: int64(max(count, 1)), Block: -1,
	}).Result()
	if isNoQueueGroup(err) {
		// No group yet: nothing was ever read, so nothing is pending.
		return nil, s.ensureQueueGroup(ctx)
	}
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("redis: pending: %w", err)
	}
	var msgs []goredis.XMessage
	for _, st := range streams {
		msgs = append(msgs, st.Messages...)
	}
	return s.queueEntries(ctx, msgs)
}

// ClaimStale implements intake.Queue.
func (s *Store) ClaimStale(ctx context.Context, consumer string, minIdle time.Duration, count int) ([]intake.QueueEntry, error) {
	if consumer == "" {
		return nil, errors.New("redis: claim stale: no consumer name")
	}
	count = max(count, 1)
	// Redis counts idle time in whole milliseconds.
	idle := max(minIdle, 0)
	if idle > 0 && idle < time.Millisecond {
		idle = time.Millisecond
	}
	var msgs []goredis.XMessage
	start := "0-0"
	for len(msgs) < count {
		got, next, err := s.client.XAutoClaim(ctx, &goredis.XAutoClaimArgs{
			Stream: s.intakeKey("queue"), Group: queueGroup, Consumer: consumer,
			MinIdle: idle, Start: start, Count: int64(count - len(msgs)),
		}).Result()
		if isNoQueueGroup(err) {
			// No group yet: nothing was ever read, so nothing is pending.
			return nil, s.ensureQueueGroup(ctx)
		}
		if err != nil {
			return nil, fmt.Errorf("redis: claim stale: %w", err)
		}
		msgs = append(msgs, got...)
		if next == "0-0" || next == "" {
			break
		}
		start = next
	}
	return s.queueEntries(ctx, msgs)
}
