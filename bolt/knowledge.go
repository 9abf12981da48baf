package bolt

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	bbolt "go.etcd.io/bbolt"
	bbolterrors "go.etcd.io/bbolt/errors"

	"github.com/laborbot/laborbot/knowledge"
)

// The administered knowledge base (knowledge.Store) lives in its own
// buckets, created by the first write that needs them, so a data file
// written before this existed needs no migration and Open is unchanged.
// Bucket names are part of the file format: never rename one.
//
//	kb_meta      "version" → the change counter; "gaps" → number of gaps
//	kb_entries   entry id → JSON knowledge.EntryState
//	kb_versions  one nested bucket per entry id: version (big-endian) → JSON knowledge.EntryVersion;
//	             the nested bucket's sequence numbers the versions
//	kb_drafts    draft id (big-endian, the bucket's sequence) → JSON knowledge.Draft
//	kb_statutes  short name → JSON knowledge.StatuteFile
//	kb_gaps      gap key (lang:question) → JSON knowledge.Gap
//	kb_audit     sequence (big-endian) → JSON knowledge.AuditRecord, oldest first
const (
	bucketKBMeta     = "kb_meta"
	bucketKBEntries  = "kb_entries"
	bucketKBVersions = "kb_versions"
	bucketKBDrafts   = "kb_drafts"
	bucketKBStatutes = "kb_statutes"
	bucketKBGaps     = "kb_gaps"
	bucketKBAudit    = "kb_audit"
)

var (
	metaKBVersion = []byte("version")
	metaGapCount  = []byte("gaps")
)

// kbWatchInterval is how often WatchKB reads the change counter. bbolt has
// no change hooks and one file has one writer process, so changes come
// from this process (another Admin, laborbot kb in tests); a read
// transaction on the memory-mapped file costs microseconds.
const kbWatchInterval = 200 * time.Millisecond

var _ knowledge.Store = (*Store)(nil)

// kbUpdate runs fn in a write transaction with the knowledge-base buckets
// in place.
func (s *Store) kbUpdate(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		for _, name := range []string{bucketKBMeta, bucketKBEntries, bucketKBVersions, bucketKBDrafts, bucketKBStatutes, bucketKBGaps, bucketKBAudit} {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return fmt.Errorf("create bucket %q: %w", name, err)
			}
		}
		return fn(tx)
	})
}

// kbView runs fn in a read transaction; buckets not created yet are nil
// (nothing stored), which kbGet and kbEach treat as empty.
func (s *Store) kbView(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

func kbGet(tx *bbolt.Tx, bucket string, key []byte) []byte {
	if b := tx.Bucket([]byte(bucket)); b != nil {
		return b.Get(key)
	}
	return nil
}

func kbEach(tx *bbolt.Tx, bucket string, fn func(k, v []byte) error) error {
	if b := tx.Bucket([]byte(bucket)); b != nil {
		return b.ForEach(fn)
	}
	return nil
}

func u64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func readU64(v []byte) uint64 {
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

func putJSON(b *bbolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

// bumpKB increments the change counter in the transaction of the change.
func bumpKB(tx *bbolt.Tx) error {
	meta := tx.Bucket([]byte(bucketKBMeta))
	return meta.Put(metaKBVersion, u64(readU64(meta.Get(metaKBVersion))+1))
}

func appendAudit(tx *bbolt.Tx, rec knowledge.AuditRecord) error {
	b := tx.Bucket([]byte(bucketKBAudit))
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	return putJSON(b, u64(seq), rec)
}

// LoadKB implements knowledge.Store.
func (s *Store) LoadKB(ctx context.Context) (knowledge.KBSnapshot, error) {
	var snap knowledge.KBSnapshot
	err := s.kbView(ctx, func(tx *bbolt.Tx) error {
		snap.Version = readU64(kbGet(tx, bucketKBMeta, metaKBVersion))
		// Keys are walked in byte order, which is the order of the ids
		// and short names as Go strings.
		err := kbEach(tx, bucketKBEntries, func(k, v []byte) error {
			var st knowledge.EntryState
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("decode entry %q: %w", k, err)
			}
			snap.Entries = append(snap.Entries, st)
			return nil
		})
		if err != nil {
			return err
		}
		return kbEach(tx, bucketKBStatutes, func(k, v []byte) error {
			var sf knowledge.StatuteFile
			if err := json.Unmarshal(v, &sf); err != nil {
				return fmt.Errorf("decode statute %q: %w", k, err)
			}
			snap.Statutes = append(snap.Statutes, sf)
			return nil
		})
	})
	if err != nil {
		return knowledge.KBSnapshot{}, fmt.Errorf("bolt: load knowledge base: %w", err)
	}
	return snap, nil
}

// KBVersion implements knowledge.Store.
func (s *Store) KBVersion(ctx context.Context) (uint64, error) {
	var v uint64
	err := s.kbView(ctx, func(tx *bbolt.Tx) error {
		v = readU64(kbGet(tx, bucketKBMeta, metaKBVersion))
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("bolt: knowledge base version: %w", err)
	}
	return v, nil
}

// WatchKB implements knowledge.Store by reading the change counter every
// kbWatchInterval. The channel closes when ctx is done or the Store is
// closed.
func (s *Store) WatchKB(ctx context.Context) (<-chan struct{}, error) {
	last, err := s.KBVersion(ctx)
	if err != nil {
		return nil, err
	}
	out := make(chan struct{}, 1)
	go func() {
		defer close(out)
		tick := time.NewTicker(kbWatchInterval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			v, err := s.KBVersion(ctx)
			if errors.Is(err, bbolterrors.ErrDatabaseNotOpen) {
				return
			}
			if err != nil || v == last {
				continue
			}
			last = v
			select {
			case out <- struct{}{}:
			default: // a signal is already waiting: they coalesce
			}
		}
	}()
	return out, nil
}

// PutEntryVersion implements knowledge.Store.
func (s *Store) PutEntryVersion(ctx context.Context, v knowledge.EntryVersion, audit knowledge.AuditRecord) (int, error) {
	if v.ID == "" {
		return 0, errors.New("bolt: put entry version: empty id")
	}
	err := s.kbUpdate(ctx, func(tx *bbolt.Tx) error {
		vb, err := tx.Bucket([]byte(bucketKBVersions)).CreateBucketIfNotExists([]byte(v.ID))
		if err != nil {
			return err
		}
		n, err := vb.NextSequence()
		if err != nil {
			return err
		}
		v.Version = int(n)
		if err := putJSON(vb, u64(n), v); err != nil {
			return err
		}
		st := knowledge.EntryState{ID: v.ID, Version: v.Version, Source: v.Source, Actor: v.Actor, At: v.At}
		if err := putJSON(tx.Bucket([]byte(bucketKBEntries)), []byte(v.ID), st); err != nil {
			return err
		}
		audit.Version = v.Version
		if err := appendAudit(tx, audit); err != nil {
			return err
		}
		return bumpKB(tx)
	})
	if err != nil {
		return 0, fmt.Errorf("bolt: put entry %s: %w", v.ID, err)
	}
	return v.Version, nil
}

// EntryVersion implements knowledge.Store.
func (s *Store) EntryVersion(ctx context.Context, id string, version int) (knowledge.EntryVersion, error) {
	var v knowledge.EntryVersion
	err := s.kbView(ctx, func(tx *bbolt.Tx) error {
		var data []byte
		if vs := tx.Bucket([]byte(bucketKBVersions)); vs != nil && id != "" && version > 0 {
			if vb := vs.Bucket([]byte(id)); vb != nil {
				data = vb.Get(u64(uint64(version)))
			}
		}
		if data == nil {
			return knowledge.ErrNotFound
		}
		return json.Unmarshal(data, &v)
	})
	if err != nil {
		return knowledge.EntryVersion{}, fmt.Errorf("bolt: entry %s version %d: %w", id, version, err)
	}
	return v, nil
}

// EntryHistory implements knowledge.Store.
func (s *Store) EntryHistory(ctx context.Context, id string) ([]knowledge.EntryVersion, error) {
	var out []knowledge.EntryVersion
	err := s.kbView(ctx, func(tx *bbolt.Tx) error {
		vs := tx.Bucket([]byte(bucketKBVersions))
		if vs == nil || id == "" {
			return nil
		}
		vb := vs.Bucket([]byte(id))
		if vb == nil {
			return nil
		}
		return vb.ForEach(func(k, data []byte) error {
			var v knowledge.EntryVersion
			if err := json.Unmarshal(data, &v); err != nil {
				return fmt.Errorf("decode version %d: %w", readU64(k), err)
			}
			out = append(out, v)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: history of entry %s: %w", id, err)
	}
	return out, nil
}

// SetEntryDisabled implements knowledge.Store.
func (s *Store) SetEntryDisabled(ctx context.Context, id string, disabled bool, audit knowledge.AuditRecord) (bool, error) {
	if id == "" {
		return false, errors.New("bolt: set entry disabled: empty id")
	}
	changed := false
	err := s.kbUpdate(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketKBEntries))
		st := knowledge.EntryState{ID: id}
		if data := b.Get([]byte(id)); data != nil {
			if err := json.Unmarshal(data, &st); err != nil {
				return fmt.Errorf("decode entry: %w", err)
			}
		}
		if st.Disabled == disabled {
			return nil
		}
		changed = true
		st.Disabled, st.Actor, st.At = disabled, audit.Actor, audit.At
		var err error
		if st.Version == 0 && !disabled {
			// Only the mark existed (a built-in entry): nothing left to keep.
			err = b.Delete([]byte(id))
		} else {
			err = putJSON(b, []byte(id), st)
		}
		if err != nil {
			return err
		}
		if err := appendAudit(tx, audit); err != nil {
			return err
		}
		return bumpKB(tx)
	})
	if err != nil {
		return false, fmt.Errorf("bolt: set entry %s disabled=%v: %w", id, disabled, err)
	}
	return changed, nil
}

// AddDraft implements knowledge.Store.
func (s *Store) AddDraft(ctx context.Context, d knowledge.Draft, audit knowledge.AuditRecord) (knowledge.Draft, error) {
	err := s.kbUpdate(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketKBDrafts))
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		d.ID = int64(seq)
		if err := putJSON(b, u64(seq), d); err != nil {
			return err
		}
		audit.ID = knowledge.DraftRef(d.ID)
		return appendAudit(tx, audit)
	})
	if err != nil {
		return knowledge.Draft{}, fmt.Errorf("bolt: add draft: %w", err)
	}
	return d, nil
}

// GetDraft implements knowledge.Store.
func (s *Store) GetDraft(ctx context.Context, id int64) (knowledge.Draft, error) {
	var d knowledge.Draft
	err := s.kbView(ctx, func(tx *bbolt.Tx) error {
		data := kbGet(tx, bucketKBDrafts, u64(uint64(id)))
		if data == nil || id <= 0 {
			return knowledge.ErrNotFound
		}
		return json.Unmarshal(data, &d)
	})
	if err != nil {
		return knowledge.Draft{}, fmt.Errorf("bolt: draft %d: %w", id, err)
	}
	return d, nil
}

// ListDrafts implements knowledge.Store.
func (s *Store) ListDrafts(ctx context.Context) ([]knowledge.Draft, error) {
	var out []knowledge.Draft
	err := s.kbView(ctx, func(tx *bbolt.Tx) error {
		return kbEach(tx, bucketKBDrafts, func(k, v []byte) error {
			var d knowledge.Draft
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("decode draft %d: %w", readU64(k), err)
			}
			out = append(out, d)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: list drafts: %w", err)
	}
	return out, nil
}

// UpdateDraft implements knowledge.Store.
func (s *Store) UpdateDraft(ctx context.Context, d knowledge.Draft, audit knowledge.AuditRecord) error {
	err := s.kbUpdate(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketKBDrafts))
		if d.ID <= 0 || b.Get(u64(uint64(d.ID))) == nil {
			return knowledge.ErrNotFound
		}
		if err := putJSON(b, u64(uint64(d.ID)), d); err != nil {
			return err
		}
		return appendAudit(tx, audit)
	})
	if err != nil {
		return fmt.Errorf("bolt: update draft %d: %w", d.ID, err)
	}
	return nil
}

// DeleteDraft implements knowledge.Store.
func (s *Store) DeleteDraft(ctx context.Context, id int64, audit knowledge.AuditRecord) error {
	err := s.kbUpdate(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketKBDrafts))
		if id <= 0 || b.Get(u64(uint64(id))) == nil {
			return knowledge.ErrNotFound
		}
		if err := b.Delete(u64(uint64(id))); err != nil {
			return err
		}
		return appendAudit(tx, audit)
	})
	if err != nil {
		return fmt.Errorf("bolt: delete draft %d: %w", id, err)
	}
	return nil
}

// PutStatute implements knowledge.Store.
func (s *Store) PutStatute(ctx context.Context, sf knowledge.StatuteFile, audit knowledge.AuditRecord) error {
	if sf.Short == "" {
		return errors.New("bolt: put statute: empty short name")
	}
	err := s.kbUpdate(ctx, func(tx *bbolt.Tx) error {
		if err := putJSON(tx.Bucket([]byte(bucketKBStatutes)), []byte(sf.Short), sf); err != nil {
			return err
		}
		if err := appendAudit(tx, audit); err != nil {
			return err
		}
		return bumpKB(tx)
	})
	if err != nil {
		return fmt.Errorf("bolt: put statute %s: %w", sf.Short, err)
	}
	return nil
}

// DeleteStatute implements knowledge.Store.
func (s *Store) DeleteStatute(ctx context.Context, short string, audit knowledge.AuditRecord) error {
	err := s.kbUpdate(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketKBStatutes))
		if short == "" || b.Get([]byte(short)) == nil {
			return knowledge.ErrNotFound
		}
		if err := b.Delete([]byte(short)); err != nil {
			return err
		}
		if err := appendAudit(tx, audit); err != nil {
			return err
		}
		return bumpKB(tx)
	})
	if err != nil {
		return fmt.Errorf("bolt: delete statute %s: %w", short, err)
	}
	return nil
}

// RecordGap implements knowledge.Store. The number of gaps is kept in
// kb_meta so the cap costs a scan only when it is reached.
func (s *Store) RecordGap(ctx context.Context, lang, question string, reason knowledge.GapReason, at time.Time, maxGaps int) error {
	key := []byte(knowledge.GapKey(lang, question))
	err := s.kbUpdate(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketKBGaps))
		meta := tx.Bucket([]byte(bucketKBMeta))
		g := knowledge.Gap{Question: question, Lang: lang}
		data := b.Get(key)
		if data != nil {
			if err := json.Unmarshal(data, &g); err != nil {
				return fmt.Errorf("decode gap: %w", err)
			}
		}
		g.Count++
		if at.After(g.LastSeen) {
			g.LastSeen = at
		}
		if g.Reasons == nil {
			g.Reasons = map[knowledge.GapReason]int{}
		}
		g.Reasons[reason]++
		if err := putJSON(b, key, g); err != nil {
			return err
		}
		if data != nil {
			return nil
		}
		n := readU64(meta.Get(metaGapCount)) + 1
		if maxGaps > 0 && n > uint64(maxGaps) {
			if err := evictGap(b, key); err != nil {
				return err
			}
			n--
		}
		return meta.Put(metaGapCount, u64(n))
	})
	if err != nil {
		return fmt.Errorf("bolt: record gap: %w", err)
	}
	return nil
}

// evictGap deletes the least frequent gap other than keep (the least
// recently seen of equally frequent ones).
func evictGap(b *bbolt.Bucket, keep []byte) error {
	var victim []byte
	var worst knowledge.Gap
	err := b.ForEach(func(k, v []byte) error {
		if string(k) == string(keep) {
			return nil
		}
		var g knowledge.Gap
		if err := json.Unmarshal(v, &g); err != nil {
			return fmt.Errorf("decode gap %q: %w", k, err)
		}
		if victim == nil || g.Count < worst.Count || g.Count == worst.Count && g.LastSeen.Before(worst.LastSeen) {
			victim, worst = append(victim[:0], k...), g
		}
		return nil
	})
	if err != nil || victim == nil {
		return err
	}
	return b.Delete(victim)
}

// ListGaps implements knowledge.Store.
func (s *Store) ListGaps(ctx context.Context, limit int) ([]knowledge.Gap, error) {
	if limit <= 0 {
		return nil, ctx.Err()
	}
	var all []knowledge.Gap
	err := s.kbView(ctx, func(tx *bbolt.Tx) error {
		return kbEach(tx, bucketKBGaps, func(k, v []byte) error {
			var g knowledge.Gap
			if err := json.Unmarshal(v, &g); err != nil {
				return fmt.Errorf("decode gap %q: %w", k, err)
			}
			all = append(all, g)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: list gaps: %w", err)
	}
	// ForEach walked them in key order; a stable sort by count keeps it
	// among equal counts.
	sort.SliceStable(all, func(i, j int) bool { return all[i].Count > all[j].Count })
	if len(all) > limit {
		all = all[:limit]
	}
	return all, nil
}

// DeleteGaps implements knowledge.Store.
func (s *Store) DeleteGaps(ctx context.Context, keys []string, audit knowledge.AuditRecord) (int, error) {
	deleted := 0
	err := s.kbUpdate(ctx, func(tx *bbolt.Tx) error {
		deleted = 0
		b := tx.Bucket([]byte(bucketKBGaps))
		for _, k := range keys {
			if b.Get([]byte(k)) == nil {
				continue
			}
			if err := b.Delete([]byte(k)); err != nil {
				return err
			}
			deleted++
		}
		if deleted == 0 {
			return nil
		}
		meta := tx.Bucket([]byte(bucketKBMeta))
		n := readU64(meta.Get(metaGapCount))
		if n < uint64(deleted) {
			n = uint64(deleted)
		}
		if err := meta.Put(metaGapCount, u64(n-uint64(deleted))); err != nil {
			return err
		}
		return appendAudit(tx, audit)
	})
	if err != nil {
		return 0, fmt.Errorf("bolt: delete gaps: %w", err)
	}
	return deleted, nil
}

// ListAudit implements knowledge.Store.
func (s *Store) ListAudit(ctx context.Context, limit int) ([]knowledge.AuditRecord, error) {
	if limit <= 0 {
		return nil, ctx.Err()
	}
	var out []knowledge.AuditRecord
	err := s.kbView(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketKBAudit))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			var r knowledge.AuditRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode audit record %d: %w", readU64(k), err)
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: list audit: %w", err)
	}
	return out, nil
}
