package intake

import (
	"context"
	"time"
)

// ConsumeOptions tune Consume. Zero fields take the defaults.
type ConsumeOptions struct {
	// MinIdle is how long an entry may stay pending with a consumer before
	// another takes it over (default 1 minute): longer than handling one
	// entry ever takes, or an entry is handled twice.
	MinIdle time.Duration
	// Block is how long one read waits for new entries (default 5s).
	Block time.Duration
	// Batch is how many entries are read at once (default 10).
	Batch int
	// RetryAfter is the pause after a store error (default 1s).
	RetryAfter time.Duration
}

// Consume reads the notification queue as consumer (a name unique to this
// replica and stable across its restarts, e.g. the host name) and passes
// each notification to handle until ctx is done. It starts with the
// entries still pending for consumer: a replica killed between taking a
// notification and handling it handles it as soon as it is back. An entry
// is acknowledged when handle returns nil; otherwise it stays pending and
// is retried once it has been idle for MinIdle, by this consumer or
// another. Entries left pending by a consumer that died and did not come
// back are taken over the same way. So a notification is handled at least
// once, and by one consumer at a time.
func (s *Service) Consume(ctx context.Context, consumer string, o ConsumeOptions, handle func(context.Context, Notification) error) error {
	if o.MinIdle <= 0 {
		o.MinIdle = time.Minute
	}
	if o.Block <= 0 {
		o.Block = 5 * time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 10
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = time.Second
	}
	pause := func() bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(o.RetryAfter):
			return true
		}
	}
	handleAll := func(es []QueueEntry) {
		for _, e := range es {
			if err := handle(ctx, e.Notification); err != nil {
				// Only ids in the log: the handler's error may quote a
				// message to the worker.
				s.log.Warn("notification not handled; will retry", "ticket", e.Notification.Ticket, "action", string(e.Notification.Action))
				continue
			}
			if err := s.store.AckQueue(ctx, e.ID); err != nil && ctx.Err() == nil {
				s.log.Warn("notification queue ack", "err", err)
			}
		}
	}
	// This consumer's own pending entries first, until a read brings
	// nothing new (an entry handle fails on stays pending and comes back
	// after MinIdle, like any other).
	tried := make(map[string]bool)
	for ctx.Err() == nil {
		own, err := s.store.PendingFor(ctx, consumer, o.Batch)
		if err != nil {
			s.log.Warn("notification queue", "err", err)
			if !pause() {
				return nil
			}
			continue
		}
		fresh := own[:0]
		for _, e := range own {
			if !tried[e.ID] {
				tried[e.ID] = true
				fresh = append(fresh, e)
			}
		}
		if len(fresh) == 0 {
			break
		}
		handleAll(fresh)
	}
	for ctx.Err() == nil {
		stale, err := s.store.ClaimStale(ctx, consumer, o.MinIdle, o.Batch)
		if err == nil && len(stale) == 0 {
			stale, err = s.store.ReadQueue(ctx, consumer, o.Batch, o.Block)
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			s.log.Warn("notification queue", "err", err)
			if !pause() {
				break
			}
			continue
		}
		handleAll(stale)
	}
	return nil
}
