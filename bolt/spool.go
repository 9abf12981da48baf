package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/laborbot/laborbot/bot"
)

// Spools (bot.Spool) in bbolt: one bucket per spool, "spool:<name>", with
//
//	items  sequence (big-endian, the bucket's) → JSON bot.SpoolItem
//	ids    item ID → sequence (8 bytes, 0 once done) + time added (8 bytes)
//
// ids outlives the items for bot.UpdateTTL, so an ID added again (an update
// delivered twice) is recognised; expired ids are swept at most every
// pruneInterval. Every call is one write transaction, which bbolt fsyncs
// before it returns: an item SpoolAdd returned is on disk.

var (
	spoolItems = []byte("items")
	spoolIDs   = []byte("ids")
)

// spoolBucketPrefix starts every spool's bucket name.
const spoolBucketPrefix = "spool:"

func spoolBucket(name string) []byte { return []byte(spoolBucketPrefix + name) }

// spoolUpdate runs fn with the spool's buckets, created if needed.
func (s *Store) spoolUpdate(ctx context.Context, name string, fn func(items, ids *bbolt.Bucket) error) error {
	return s.spoolTx(ctx, s.db.Update, name, fn)
}

// spoolTx runs fn in a write transaction made by run: db.Update, or
// db.Batch for calls that may share one commit (and so one fsync) with
// concurrent ones, which requires fn to be safe to run again.
func (s *Store) spoolTx(ctx context.Context, run func(func(*bbolt.Tx) error) error, name string, fn func(items, ids *bbolt.Bucket) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return run(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(spoolBucket(name))
		if err != nil {
			return err
		}
		items, err := b.CreateBucketIfNotExists(spoolItems)
		if err != nil {
			return err
		}
		ids, err := b.CreateBucketIfNotExists(spoolIDs)
		if err != nil {
			return err
		}
		return fn(items, ids)
	})
}

// SpoolAdd implements bot.Spool.
func (s *Store) SpoolAdd(ctx context.Context, name, owner string, items []bot.SpoolItem) ([]string, error) {
	var added []string
	now := s.now()
	err := s.spoolUpdate(ctx, name, func(b, ids *bbolt.Bucket) error {
		added = added[:0]
		if !now.Before(s.nextSpoolPrune) {
			if err := pruneSpoolIDs(ids, now); err != nil {
				return err
			}
			s.nextSpoolPrune = now.Add(s.pruneEvery)
		}
		for _, it := range items {
			if v := ids.Get([]byte(it.ID)); len(v) == 16 && now.Sub(spoolIDTime(v)) < bot.UpdateTTL {
				continue
			}
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			it.Added, it.Owner, it.Touched = now, owner, now
			v, err := json.Marshal(it)
			if err != nil {
				return err
			}
			if err := b.Put(seqKey(seq), v); err != nil {
				return err
			}
			if err := ids.Put([]byte(it.ID), spoolIDValue(seq, now)); err != nil {
				return err
			}
			added = append(added, it.ID)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: spool %s: add: %w", name, err)
	}
	return added, nil
}

// SpoolClaim implements bot.Spool.
func (s *Store) SpoolClaim(ctx context.Context, name, owner string, own bool, minIdle time.Duration, limit int) ([]bot.SpoolItem, error) {
	var out []bot.SpoolItem
	now := s.now()
	want := func(it bot.SpoolItem) bool {
		if it.Owner == owner {
			return own
		}
		return now.Sub(it.Touched) >= minIdle
	}
	// Look first in a read transaction: polling an empty spool writes
	// nothing.
	found := false
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(spoolBucket(name))
		if b == nil || b.Bucket(spoolItems) == nil {
			return nil
		}
		return b.Bucket(spoolItems).ForEach(func(_, v []byte) error {
			var it bot.SpoolItem
			if json.Unmarshal(v, &it) == nil && want(it) {
				found = true
				return errQueueScanDone
			}
			return nil
		})
	})
	if err != nil && err != errQueueScanDone {
		return nil, fmt.Errorf("bolt: spool %s: claim: %w", name, err)
	}
	if !found {
		return nil, nil
	}
	err = s.spoolUpdate(ctx, name, func(b, _ *bbolt.Bucket) error {
		out = out[:0]
		type put struct{ k, v []byte }
		var puts []put
		c := b.Cursor()
		for k, v := c.First(); k != nil && len(out) < max(limit, 1); k, v = c.Next() {
			var it bot.SpoolItem
			if err := json.Unmarshal(v, &it); err != nil {
				return fmt.Errorf("decode item %d: %w", binary.BigEndian.Uint64(k), err)
			}
			if !want(it) {
				continue
			}
			it.Owner, it.Touched = owner, now
			nv, err := json.Marshal(it)
			if err != nil {
				return err
			}
			// Put after the walk: writing under a cursor can move it.
			puts = append(puts, put{bytes.Clone(k), nv})
			out = append(out, it)
		}
		for _, p := range puts {
			if err := b.Put(p.k, p.v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: spool %s: claim: %w", name, err)
	}
	return out, nil
}

// SpoolDone implements bot.Spool.
func (s *Store) SpoolDone(ctx context.Context, name string, ids ...string) error {
	if len(ids) == 0 {
		return ctx.Err()
	}
	// Every handled update ends here: concurrent calls share a commit.
	err := s.spoolTx(ctx, s.db.Batch, name, func(b, idx *bbolt.Bucket) error {
		for _, id := range ids {
			v := idx.Get([]byte(id))
			if len(v) != 16 {
				continue
			}
			seq := binary.BigEndian.Uint64(v[:8])
			if seq == 0 {
				continue
			}
			if err := b.Delete(seqKey(seq)); err != nil {
				return err
			}
			if err := idx.Put([]byte(id), spoolIDValue(0, spoolIDTime(v))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bolt: spool %s: done: %w", name, err)
	}
	return nil
}

// SpoolLen implements bot.Spool.
func (s *Store) SpoolLen(ctx context.Context, name string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n := 0
	err := s.db.View(func(tx *bbolt.Tx) error {
		if b := tx.Bucket(spoolBucket(name)); b != nil && b.Bucket(spoolItems) != nil {
			n = b.Bucket(spoolItems).Stats().KeyN
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("bolt: spool %s: len: %w", name, err)
	}
	return n, nil
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

func spoolIDValue(seq uint64, added time.Time) []byte {
	v := binary.BigEndian.AppendUint64(nil, seq)
	return binary.BigEndian.AppendUint64(v, uint64(added.UnixNano()))
}

func spoolIDTime(v []byte) time.Time { return time.Unix(0, int64(binary.BigEndian.Uint64(v[8:16]))) }

// pruneSpoolIDs forgets the IDs of done items added bot.UpdateTTL ago.
func pruneSpoolIDs(ids *bbolt.Bucket, now time.Time) error {
	var old [][]byte
	err := ids.ForEach(func(k, v []byte) error {
		if len(v) != 16 || binary.BigEndian.Uint64(v[:8]) == 0 && now.Sub(spoolIDTime(v)) >= bot.UpdateTTL {
			old = append(old, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range old {
		if err := ids.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
