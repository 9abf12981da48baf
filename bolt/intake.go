package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/laborbot/laborbot/intake"
)

// Intake (intake.Store) lives in its own buckets, created by the first
// write that needs them, so a data file written before this existed needs
// no migration and Open is unchanged. Bucket names and key layouts are part
// of the file format: never change one.
//
//	intake_tickets      number (big-endian) → JSON intake.Ticket; the bucket's sequence numbers tickets
//	intake_events       number, sequence (big-endian each) → JSON intake.Event, in order per ticket
//	intake_employers    len(key) (2 bytes), key, number → empty: the employer index
//	intake_submissions  submission key → number, expiry (Unix ns), big-endian each
//	intake_consent      user id → JSON time of consent
//	intake_mediators    user id → empty
//	intake_queue        see queue.go
const (
	bucketIntakeTickets     = "intake_tickets"
	bucketIntakeEvents      = "intake_events"
	bucketIntakeEmployers   = "intake_employers"
	bucketIntakeSubmissions = "intake_submissions"
	bucketIntakeConsent     = "intake_consent"
	bucketIntakeMediators   = "intake_mediators"
	bucketIntakeQueue       = "intake_queue"
)

var _ intake.Store = (*Store)(nil)

// intakeUpdate runs fn in a write transaction with the intake buckets in
// place.
func (s *Store) intakeUpdate(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		for _, name := range []string{bucketIntakeTickets, bucketIntakeEvents, bucketIntakeEmployers,
			bucketIntakeSubmissions, bucketIntakeConsent, bucketIntakeMediators, bucketIntakeQueue} {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return fmt.Errorf("create bucket %q: %w", name, err)
			}
		}
		return fn(tx)
	})
}

// intakeView runs fn in a read transaction. Buckets not created yet are
// nil: callers treat a nil bucket as empty.
func (s *Store) intakeView(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

func intakeNumKey(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// employerIndexKey is len(key), key, number: the length prefix keeps one
// key's entries from running into a longer key that starts the same way.
func employerIndexKey(key string, number int64) []byte {
	k := binary.BigEndian.AppendUint16(nil, uint16(len(key)))
	k = append(k, key...)
	return binary.BigEndian.AppendUint64(k, uint64(number))
}

func employerPrefix(key string) []byte {
	k := binary.BigEndian.AppendUint16(nil, uint16(len(key)))
	return append(k, key...)
}

// CreateTicket implements intake.Store.
func (s *Store) CreateTicket(ctx context.Context, key string, keyTTL time.Duration, t intake.Ticket, first intake.Event, n intake.Notification) (int64, bool, error) {
	if len(key) == 0 || len(key) > bbolt.MaxKeySize {
		return 0, false, fmt.Errorf("bolt: create ticket: bad submission key length %d", len(key))
	}
	if len(t.EmployerKey) > 1024 {
		return 0, false, errors.New("bolt: create ticket: employer key too long")
	}
	var (
		number  int64
		created bool
	)
	err := s.intakeUpdate(ctx, func(tx *bbolt.Tx) error {
		now := s.now()
		subs := tx.Bucket([]byte(bucketIntakeSubmissions))
		if v := subs.Get([]byte(key)); len(v) == 16 && now.UnixNano() < int64(binary.BigEndian.Uint64(v[8:])) {
			number, created = int64(binary.BigEndian.Uint64(v[:8])), false
			return nil
		}
		if err := pruneSubmissions(subs, now); err != nil {
			return err
		}
		tickets := tx.Bucket([]byte(bucketIntakeTickets))
		seq, err := tickets.NextSequence()
		if err != nil {
			return err
		}
		number, created = int64(seq), true
		t.Number, t.Version = number, 1
		if err := putTicket(tickets, t); err != nil {
			return err
		}
		if err := applyIndex(tx, nil, t); err != nil {
			return err
		}
		if t.EmployerKey != "" {
			if err := tx.Bucket([]byte(bucketIntakeEmployers)).Put(employerIndexKey(t.EmployerKey, number), []byte{}); err != nil {
				return err
			}
		}
		first.Ticket = number
		if err := appendTicketEvents(tx.Bucket([]byte(bucketIntakeEvents)), number, []intake.Event{first}); err != nil {
			return err
		}
		n.Ticket = number
		if _, err := enqueueNotification(tx.Bucket([]byte(bucketIntakeQueue)), n); err != nil {
			return err
		}
		v := binary.BigEndian.AppendUint64(nil, uint64(number))
		v = binary.BigEndian.AppendUint64(v, uint64(now.Add(keyTTL).UnixNano()))
		return subs.Put([]byte(key), v)
	})
	if err != nil {
		return 0, false, fmt.Errorf("bolt: create ticket: %w", err)
	}
	return number, created, nil
}

// pruneSubmissions drops expired submission keys. There is one per ticket
// filed in the last SubmissionKeyTTL, so a full sweep on each creation is
// cheap. Keys are copied first: deleting while iterating skips entries.
func pruneSubmissions(b *bbolt.Bucket, now time.Time) error {
	var old [][]byte
	err := b.ForEach(func(k, v []byte) error {
		if len(v) != 16 || now.UnixNano() >= int64(binary.BigEndian.Uint64(v[8:])) {
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

func putTicket(b *bbolt.Bucket, t intake.Ticket) error {
	v, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("encode ticket %d: %w", t.Number, err)
	}
	return b.Put(intakeNumKey(uint64(t.Number)), v)
}

func getTicket(b *bbolt.Bucket, number int64) (intake.Ticket, error) {
	var v []byte
	if b != nil && number > 0 {
		v = b.Get(intakeNumKey(uint64(number)))
	}
	if v == nil {
		return intake.Ticket{}, intake.ErrNotFound
	}
	var t intake.Ticket
	if err := json.Unmarshal(v, &t); err != nil {
		return intake.Ticket{}, fmt.Errorf("decode ticket %d: %w", number, err)
	}
	return t, nil
}

// appendTicketEvents adds events to a ticket's trail under the bucket's
// sequence, so they keep their order.
func appendTicketEvents(b *bbolt.Bucket, number int64, events []intake.Event) error {
	for _, e := range events {
		e.Ticket = number
		v, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode event: %w", err)
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		if err := b.Put(binary.BigEndian.AppendUint64(intakeNumKey(uint64(number)), seq), v); err != nil {
			return err
		}
	}
	return nil
}

// GetTicket implements intake.Store.
func (s *Store) GetTicket(ctx context.Context, number int64) (intake.Ticket, error) {
	var t intake.Ticket
	err := s.intakeView(ctx, func(tx *bbolt.Tx) error {
		var err error
		t, err = getTicket(tx.Bucket([]byte(bucketIntakeTickets)), number)
		return err
	})
	if errors.Is(err, intake.ErrNotFound) {
		return intake.Ticket{}, err
	}
	if err != nil {
		return intake.Ticket{}, fmt.Errorf("bolt: get ticket %d: %w", number, err)
	}
	return t, nil
}

// ListTickets implements intake.Store.
func (s *Store) ListTickets(ctx context.Context) ([]intake.Ticket, error) {
	var out []intake.Ticket
	err := s.intakeView(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketIntakeTickets))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var t intake.Ticket
			if err := json.Unmarshal(v, &t); err != nil {
				return fmt.Errorf("decode ticket %d: %w", binary.BigEndian.Uint64(k), err)
			}
			out = append(out, t)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: list tickets: %w", err)
	}
	return out, nil
}

// UpdateTicket implements intake.Store. bbolt runs one write transaction
// at a time, so the version check and the writes are atomic.
func (s *Store) UpdateTicket(ctx context.Context, u intake.TicketUpdate) error {
	number := u.Ticket.Number
	err := s.intakeUpdate(ctx, func(tx *bbolt.Tx) error {
		tickets := tx.Bucket([]byte(bucketIntakeTickets))
		old, err := getTicket(tickets, number)
		if err != nil {
			return err
		}
		if old.Version != u.Ticket.Version {
			return intake.ErrConflict
		}
		t := u.Ticket
		t.Version++
		if err := putTicket(tickets, t); err != nil {
			return err
		}
		if err := applyIndex(tx, &old, t); err != nil {
			return err
		}
		if old.EmployerKey != t.EmployerKey {
			idx := tx.Bucket([]byte(bucketIntakeEmployers))
			if old.EmployerKey != "" {
				if err := idx.Delete(employerIndexKey(old.EmployerKey, number)); err != nil {
					return err
				}
			}
			if t.EmployerKey != "" {
				if err := idx.Put(employerIndexKey(t.EmployerKey, number), []byte{}); err != nil {
					return err
				}
			}
		}
		events := tx.Bucket([]byte(bucketIntakeEvents))
		if u.ReplaceEvents {
			if err := deleteIntakePrefix(events, intakeNumKey(uint64(number))); err != nil {
				return err
			}
		}
		if err := appendTicketEvents(events, number, u.Events); err != nil {
			return err
		}
		queue := tx.Bucket([]byte(bucketIntakeQueue))
		for _, n := range u.Notify {
			n.Ticket = number
			if _, err := enqueueNotification(queue, n); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, intake.ErrConflict) || errors.Is(err, intake.ErrNotFound) {
		return err
	}
	if err != nil {
		return fmt.Errorf("bolt: update ticket %d: %w", number, err)
	}
	return nil
}

// deleteIntakePrefix deletes every key starting with prefix. The keys are
// collected first: deleting under a cursor can skip entries.
func deleteIntakePrefix(b *bbolt.Bucket, prefix []byte) error {
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// ListEvents implements intake.Store.
func (s *Store) ListEvents(ctx context.Context, number int64) ([]intake.Event, error) {
	var out []intake.Event
	err := s.intakeView(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketIntakeEvents))
		if b == nil {
			return nil
		}
		prefix := intakeNumKey(uint64(number))
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var e intake.Event
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("decode event: %w", err)
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: list events of ticket %d: %w", number, err)
	}
	return out, nil
}

// TicketsByEmployer implements intake.Store.
func (s *Store) TicketsByEmployer(ctx context.Context, key string) ([]int64, error) {
	var out []int64
	err := s.intakeView(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketIntakeEmployers))
		if b == nil || key == "" {
			return nil
		}
		prefix := employerPrefix(key)
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if len(k) == len(prefix)+8 {
				out = append(out, int64(binary.BigEndian.Uint64(k[len(prefix):])))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: tickets by employer: %w", err)
	}
	return out, nil
}

// RecordConsent implements intake.Store.
func (s *Store) RecordConsent(ctx context.Context, userID int64, at time.Time) error {
	v, err := json.Marshal(at)
	if err != nil {
		return fmt.Errorf("bolt: encode consent time: %w", err)
	}
	err = s.intakeUpdate(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(bucketIntakeConsent)).Put(idKey(userID), v)
	})
	if err != nil {
		return fmt.Errorf("bolt: record consent of user %d: %w", userID, err)
	}
	return nil
}

// GetConsent implements intake.Store.
func (s *Store) GetConsent(ctx context.Context, userID int64) (time.Time, bool, error) {
	var (
		at time.Time
		ok bool
	)
	err := s.intakeView(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketIntakeConsent))
		if b == nil {
			return nil
		}
		v := b.Get(idKey(userID))
		if v == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &at)
	})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("bolt: get consent of user %d: %w", userID, err)
	}
	return at, ok, nil
}

// DeleteConsent implements intake.Store.
func (s *Store) DeleteConsent(ctx context.Context, userID int64) error {
	err := s.intakeUpdate(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(bucketIntakeConsent)).Delete(idKey(userID))
	})
	if err != nil {
		return fmt.Errorf("bolt: delete consent of user %d: %w", userID, err)
	}
	return nil
}

// AddMediator implements intake.Store.
func (s *Store) AddMediator(ctx context.Context, userID int64) error {
	err := s.intakeUpdate(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(bucketIntakeMediators)).Put(idKey(userID), []byte{})
	})
	if err != nil {
		return fmt.Errorf("bolt: add mediator %d: %w", userID, err)
	}
	return nil
}

// RemoveMediator implements intake.Store.
func (s *Store) RemoveMediator(ctx context.Context, userID int64) error {
	err := s.intakeUpdate(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(bucketIntakeMediators)).Delete(idKey(userID))
	})
	if err != nil {
		return fmt.Errorf("bolt: remove mediator %d: %w", userID, err)
	}
	return nil
}

// IsMediator implements intake.Store.
func (s *Store) IsMediator(ctx context.Context, userID int64) (bool, error) {
	var ok bool
	err := s.intakeView(ctx, func(tx *bbolt.Tx) error {
		if b := tx.Bucket([]byte(bucketIntakeMediators)); b != nil {
			ok = b.Get(idKey(userID)) != nil
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("bolt: is mediator %d: %w", userID, err)
	}
	return ok, nil
}

// ListMediators implements intake.Store.
func (s *Store) ListMediators(ctx context.Context) ([]int64, error) {
	var out []int64
	err := s.intakeView(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketIntakeMediators))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error {
			out = append(out, int64(binary.BigEndian.Uint64(k)))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: list mediators: %w", err)
	}
	// idKey orders negative ids after positive ones.
	slices.Sort(out)
	return out, nil
}
