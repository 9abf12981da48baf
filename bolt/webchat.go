package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/laborbot/laborbot/web/webchat"
)

// The web chat's buckets, created by their first write. The layout is part
// of the file format:
//
//	webchat_inbox    worker (8 bytes) + seq (8 bytes) → entry
//	webchat_seq      worker → the last seq given (8 bytes), the last append's time (Unix ns, 8 bytes)
//	webchat_uploads  worker + id → expiry (Unix ns, 8 bytes) + file
//	webchat_push     worker + key → subscription
//	webchat_meta     "cookie_key" → the cookie-signing key
//
// The worker prefix keeps each worker's entries together, so reading an
// inbox and deleting a worker are ranges. Deleted values are freed pages,
// which PurgeErased (run by the worker's data deletion) overwrites.
const (
	bucketWebInbox   = "webchat_inbox"
	bucketWebSeq     = "webchat_seq"
	bucketWebUploads = "webchat_uploads"
	bucketWebPush    = "webchat_push"
	bucketWebMeta    = "webchat_meta"
)

var _ webchat.Store = (*Store)(nil)

func (s *Store) chatUpdate(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(fn)
}

// chatBatch is chatUpdate as a group commit (bbolt's Batch): concurrent
// appends share one write and fsync. fn may run twice (after a failed
// batch, alone), which a fresh transaction makes harmless.
func (s *Store) chatBatch(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Batch(fn)
}

func (s *Store) chatView(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

func bucketOf(tx *bbolt.Tx, name string) (*bbolt.Bucket, error) {
	if tx.Writable() {
		return tx.CreateBucketIfNotExists([]byte(name))
	}
	return tx.Bucket([]byte(name)), nil
}

// AppendInbox implements webchat.Store.
func (s *Store) AppendInbox(ctx context.Context, worker int64, entries ...[]byte) (int64, error) {
	var seq int64
	if len(entries) == 0 {
		return 0, errors.New("bolt: append to an inbox: no entries")
	}
	now := s.now()
	err := s.chatBatch(ctx, func(tx *bbolt.Tx) error {
		seqs, err := bucketOf(tx, bucketWebSeq)
		if err != nil {
			return err
		}
		inbox, err := bucketOf(tx, bucketWebInbox)
		if err != nil {
			return err
		}
		seq = 0
		if v := seqs.Get(idKey(worker)); len(v) >= 8 {
			seq = int64(binary.BigEndian.Uint64(v))
		}
		for _, entry := range entries {
			seq++
			if err := inbox.Put(binary.BigEndian.AppendUint64(idKey(worker), uint64(seq)), bytes.Clone(entry)); err != nil {
				return err
			}
		}
		if err := seqs.Put(idKey(worker), binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, uint64(seq)), uint64(now.UnixNano()))); err != nil {
			return err
		}
		// Drop what is beyond the newest MaxInbox: seq numbers are dense
		// from the worker's first entry, so everything at or below
		// seq-MaxInbox goes.
		if seq > webchat.MaxInbox {
			c := inbox.Cursor()
			prefix := idKey(worker)
			limit := binary.BigEndian.AppendUint64(idKey(worker), uint64(seq-webchat.MaxInbox))
			// (bbolt's cursor skips an item after Delete: seek again.)
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && bytes.Compare(k, limit) <= 0; k, _ = c.Seek(prefix) {
				if err := c.Delete(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("bolt: append to an inbox: %w", err)
	}
	return seq, nil
}

// Inbox implements webchat.Store.
func (s *Store) Inbox(ctx context.Context, worker int64, after int64, limit int) ([]webchat.InboxEntry, error) {
	var out []webchat.InboxEntry
	if limit <= 0 {
		return nil, ctx.Err()
	}
	err := s.chatView(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketWebInbox))
		if b == nil {
			return nil
		}
		prefix := idKey(worker)
		c := b.Cursor()
		// Walk back from the newest: the page wants the last ones.
		k, v := c.Seek(binary.BigEndian.AppendUint64(idKey(worker), ^uint64(0)))
		if k == nil || !bytes.HasPrefix(k, prefix) {
			k, v = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, v = c.Prev() {
			seq := int64(binary.BigEndian.Uint64(k[8:]))
			if seq <= after {
				break
			}
			out = append(out, webchat.InboxEntry{Seq: seq, Data: bytes.Clone(v)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: read an inbox: %w", err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

func webItemKey(worker int64, id string) []byte { return append(idKey(worker), id...) }

// PutUpload implements webchat.Store.
func (s *Store) PutUpload(ctx context.Context, worker int64, id string, data []byte, expires time.Time) error {
	if id == "" || len(id)+8 > bbolt.MaxKeySize {
		return fmt.Errorf("bolt: put upload: bad id length %d", len(id))
	}
	if len(data) > webchat.MaxUploadSize {
		return fmt.Errorf("bolt: put upload: %d bytes is over the limit of %d", len(data), webchat.MaxUploadSize)
	}
	now := s.now()
	err := s.chatUpdate(ctx, func(tx *bbolt.Tx) error {
		b, err := bucketOf(tx, bucketWebUploads)
		if err != nil {
			return err
		}
		// Expired uploads of this worker go now: bbolt has no TTL.
		var expired [][]byte
		c := b.Cursor()
		prefix := idKey(worker)
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(v) < 8 || !now.Before(time.Unix(0, int64(binary.BigEndian.Uint64(v)))) {
				expired = append(expired, bytes.Clone(k))
			}
		}
		for _, k := range expired {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		if !now.Before(expires) {
			return nil
		}
		val := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(data)), uint64(expires.UnixNano()))
		return b.Put(webItemKey(worker, id), append(val, data...))
	})
	if err != nil {
		return fmt.Errorf("bolt: put upload: %w", err)
	}
	return nil
}

// GetUpload implements webchat.Store.
func (s *Store) GetUpload(ctx context.Context, worker int64, id string) ([]byte, error) {
	var out []byte
	now := s.now()
	err := s.chatView(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketWebUploads))
		if b == nil {
			return webchat.ErrNotFound
		}
		v := b.Get(webItemKey(worker, id))
		if len(v) < 8 || !now.Before(time.Unix(0, int64(binary.BigEndian.Uint64(v)))) {
			return webchat.ErrNotFound
		}
		out = bytes.Clone(v[8:])
		return nil
	})
	if err != nil && !errors.Is(err, webchat.ErrNotFound) {
		return nil, fmt.Errorf("bolt: get upload: %w", err)
	}
	return out, err
}

// PutPushSubscription implements webchat.Store.
func (s *Store) PutPushSubscription(ctx context.Context, worker int64, key string, sub []byte) error {
	if key == "" || len(key)+8 > bbolt.MaxKeySize {
		return fmt.Errorf("bolt: put push subscription: bad key length %d", len(key))
	}
	err := s.chatUpdate(ctx, func(tx *bbolt.Tx) error {
		b, err := bucketOf(tx, bucketWebPush)
		if err != nil {
			return err
		}
		k := webItemKey(worker, key)
		if b.Get(k) == nil {
			var keys [][]byte
			c := b.Cursor()
			prefix := idKey(worker)
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				keys = append(keys, bytes.Clone(k))
			}
			for i := 0; i <= len(keys)-webchat.MaxPushSubscriptions; i++ {
				if err := b.Delete(keys[i]); err != nil {
					return err
				}
			}
		}
		return b.Put(k, bytes.Clone(sub))
	})
	if err != nil {
		return fmt.Errorf("bolt: put push subscription: %w", err)
	}
	return nil
}

// PushSubscriptions implements webchat.Store.
func (s *Store) PushSubscriptions(ctx context.Context, worker int64) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := s.chatView(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketWebPush))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		prefix := idKey(worker)
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			out[string(k[8:])] = bytes.Clone(v)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: push subscriptions: %w", err)
	}
	return out, nil
}

// DeletePushSubscription implements webchat.Store.
func (s *Store) DeletePushSubscription(ctx context.Context, worker int64, key string) error {
	err := s.chatUpdate(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketWebPush))
		if b == nil {
			return nil
		}
		return b.Delete(webItemKey(worker, key))
	})
	if err != nil {
		return fmt.Errorf("bolt: delete push subscription: %w", err)
	}
	return nil
}

// DeleteWebWorker implements webchat.Store. The sequence number stays, so
// numbers are never reused (a page still open must not mistake new entries
// for ones it has shown).
func (s *Store) DeleteWebWorker(ctx context.Context, worker int64) error {
	err := s.chatUpdate(ctx, func(tx *bbolt.Tx) error { return deleteWebWorker(tx, worker) })
	if err != nil {
		return fmt.Errorf("bolt: delete a web worker: %w", err)
	}
	return nil
}

func deleteWebWorker(tx *bbolt.Tx, worker int64) error {
	for _, name := range []string{bucketWebInbox, bucketWebUploads, bucketWebPush} {
		b := tx.Bucket([]byte(name))
		if b == nil {
			continue
		}
		c := b.Cursor()
		prefix := idKey(worker)
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
			if err := c.Delete(); err != nil {
				return err
			}
		}
	}
	return nil
}

// PurgeInactive implements webchat.Store. A purged worker's sequence
// number stays (without a time), so the purge does not find it again.
func (s *Store) PurgeInactive(ctx context.Context, before time.Time) ([]int64, error) {
	var purged []int64
	err := s.chatUpdate(ctx, func(tx *bbolt.Tx) error {
		purged = nil
		seqs := tx.Bucket([]byte(bucketWebSeq))
		if seqs == nil {
			return nil
		}
		var idle [][]byte
		err := seqs.ForEach(func(k, v []byte) error {
			if len(v) == 16 && time.Unix(0, int64(binary.BigEndian.Uint64(v[8:]))).Before(before) {
				idle = append(idle, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range idle {
			worker := int64(binary.BigEndian.Uint64(k))
			if err := deleteWebWorker(tx, worker); err != nil {
				return err
			}
			v := seqs.Get(k)
			if err := seqs.Put(k, bytes.Clone(v[:8])); err != nil {
				return err
			}
			purged = append(purged, worker)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: purge inactive web workers: %w", err)
	}
	return purged, nil
}

// WebChatKey implements webchat.Store.
func (s *Store) WebChatKey(ctx context.Context, gen func() ([]byte, error)) ([]byte, error) {
	var key []byte
	err := s.chatUpdate(ctx, func(tx *bbolt.Tx) error {
		b, err := bucketOf(tx, bucketWebMeta)
		if err != nil {
			return err
		}
		if v := b.Get([]byte("cookie_key")); len(v) > 0 {
			key = bytes.Clone(v)
			return nil
		}
		if key, err = gen(); err != nil {
			return err
		}
		return b.Put([]byte("cookie_key"), key)
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: web chat key: %w", err)
	}
	return key, nil
}
