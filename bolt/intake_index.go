package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	bbolt "go.etcd.io/bbolt"

	"github.com/laborbot/laborbot/intake"
)

// The ticket indexes (intake.Indexes), kept in the same write transaction
// as the tickets they index. Bucket names and key layouts are part of the
// file format: never change one.
//
//	intake_ix           set, 0x00, score (8 bytes, sign bit flipped), number (8) → empty: ordered members
//	intake_ixrev        set, 0x00, number → score: membership and score by number
//	intake_ixcard       set → member count (8 bytes)
//	intake_counters     counter name → value (8 bytes, two's complement)
//	intake_emprank      affected (8, sign bit flipped), employer key → empty: the ranking
//	intake_emprankrev   employer key → affected
//	intake_meta         "index_version" → intake.IndexVersion the indexes were built under
const (
	bucketIx         = "intake_ix"
	bucketIxRev      = "intake_ixrev"
	bucketIxCard     = "intake_ixcard"
	bucketCounters   = "intake_counters"
	bucketEmpRank    = "intake_emprank"
	bucketEmpRankRev = "intake_emprankrev"
	bucketIntakeMeta = "intake_meta"
)

var indexBuckets = []string{bucketIx, bucketIxRev, bucketIxCard, bucketCounters, bucketEmpRank, bucketEmpRankRev}

func setPrefix(set string) []byte {
	return append([]byte(strings.ReplaceAll(set, "\x00", "\x01")), 0)
}

func sortable(score int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(score)^(1<<63)) }

func unsortable(b []byte) int64 { return int64(binary.BigEndian.Uint64(b) ^ (1 << 63)) }

func ixKey(set string, score, number int64) []byte {
	k := append(setPrefix(set), sortable(score)...)
	return binary.BigEndian.AppendUint64(k, uint64(number))
}

func ixRevKey(set string, number int64) []byte {
	return binary.BigEndian.AppendUint64(setPrefix(set), uint64(number))
}

func int64Value(v []byte) int64 {
	if len(v) != 8 {
		return 0
	}
	return int64(binary.BigEndian.Uint64(v))
}

func putInt64(b *bbolt.Bucket, key []byte, v int64) error {
	if v == 0 {
		return b.Delete(key)
	}
	return b.Put(key, binary.BigEndian.AppendUint64(nil, uint64(v)))
}

func indexBucketsOf(tx *bbolt.Tx) (map[string]*bbolt.Bucket, error) {
	bs := map[string]*bbolt.Bucket{}
	for _, name := range append(indexBuckets, bucketIntakeMeta) {
		b, err := tx.CreateBucketIfNotExists([]byte(name))
		if err != nil {
			return nil, err
		}
		bs[name] = b
	}
	return bs, nil
}

// applyIndex applies what a change of ticket number from old (nil: none)
// to t does to the indexes.
func applyIndex(tx *bbolt.Tx, old *intake.Ticket, t intake.Ticket) error {
	bs, err := indexBucketsOf(tx)
	if err != nil {
		return err
	}
	d := intake.DiffIndex(old, t)
	number := t.Number
	ix, rev, card := bs[bucketIx], bs[bucketIxRev], bs[bucketIxCard]
	for _, set := range d.Remove {
		rk := ixRevKey(set, number)
		v := rev.Get(rk)
		if v == nil {
			continue
		}
		if err := ix.Delete(ixKey(set, int64Value(v), number)); err != nil {
			return err
		}
		if err := rev.Delete(rk); err != nil {
			return err
		}
		if err := putInt64(card, []byte(set), int64Value(card.Get([]byte(set)))-1); err != nil {
			return err
		}
	}
	for _, e := range d.Add {
		rk := ixRevKey(e.Set, number)
		if v := rev.Get(rk); v != nil {
			if err := ix.Delete(ixKey(e.Set, int64Value(v), number)); err != nil {
				return err
			}
		} else if err := putInt64(card, []byte(e.Set), int64Value(card.Get([]byte(e.Set)))+1); err != nil {
			return err
		}
		if err := ix.Put(ixKey(e.Set, e.Score, number), []byte{}); err != nil {
			return err
		}
		if err := rev.Put(rk, binary.BigEndian.AppendUint64(nil, uint64(e.Score))); err != nil {
			return err
		}
	}
	counters := bs[bucketCounters]
	for k, v := range d.Counters {
		if err := putInt64(counters, []byte(k), int64Value(counters.Get([]byte(k)))+v); err != nil {
			return err
		}
	}
	for _, key := range d.Employers {
		if err := rankEmployer(bs, key); err != nil {
			return err
		}
	}
	return nil
}

// rankEmployer recomputes an employer's place in the ranking: the larger
// of its ticket count and its largest reported group.
func rankEmployer(bs map[string]*bbolt.Bucket, key string) error {
	n := int64Value(bs[bucketIxCard].Get([]byte(intake.SetEmployer(key))))
	var group int64
	prefix := setPrefix(intake.SetEmployerGroups(key))
	c := bs[bucketIx].Cursor()
	// The last member of the group-size set has the largest score.
	if k, _ := c.Seek(append(bytes.Clone(prefix[:len(prefix)-1]), 1)); k != nil {
		if k, _ = c.Prev(); k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+16 {
			group = unsortable(k[len(prefix) : len(prefix)+8])
		}
	} else if k, _ = c.Last(); k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+16 {
		group = unsortable(k[len(prefix) : len(prefix)+8])
	}
	affected := max(n, group)
	rank, rankRev := bs[bucketEmpRank], bs[bucketEmpRankRev]
	if v := rankRev.Get([]byte(key)); v != nil {
		if err := rank.Delete(append(sortable(int64Value(v)), key...)); err != nil {
			return err
		}
	}
	if n == 0 {
		return rankRev.Delete([]byte(key))
	}
	if err := rank.Put(append(sortable(affected), key...), []byte{}); err != nil {
		return err
	}
	return putInt64(rankRev, []byte(key), affected)
}

// RangeIndex implements intake.Indexes.
func (s *Store) RangeIndex(ctx context.Context, set string, r intake.IndexRange) ([]intake.IndexMember, int, error) {
	var (
		out   []intake.IndexMember
		total int
	)
	err := s.intakeView(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketIx))
		if b == nil {
			return nil
		}
		prefix := setPrefix(set)
		bounded := r.Min != 0 || r.Max != 0
		lo, hi := append(bytes.Clone(prefix), sortable(r.Min)...), append(bytes.Clone(prefix), sortable(r.Max)...)
		hi = append(hi, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
		if !bounded {
			lo = prefix
			hi = append(bytes.Clone(prefix[:len(prefix)-1]), 1)
		}
		if !bounded {
			if cb := tx.Bucket([]byte(bucketIxCard)); cb != nil {
				total = int(int64Value(cb.Get([]byte(set))))
			}
		}
		c := b.Cursor()
		var k []byte
		next := c.Next
		if r.Desc {
			next = c.Prev
			if k, _ = c.Seek(hi); k == nil {
				k, _ = c.Last()
			} else {
				k, _ = c.Prev()
			}
		} else {
			k, _ = c.Seek(lo)
		}
		skipped := 0
		for ; k != nil && bytes.HasPrefix(k, prefix) && bytes.Compare(k, lo) >= 0 && bytes.Compare(k, hi) < 0; k, _ = next() {
			if len(k) != len(prefix)+16 {
				continue
			}
			if r.Limit > 0 && len(out) >= r.Limit && !bounded {
				break
			}
			if bounded {
				total++
			}
			if skipped < r.Offset {
				skipped++
				continue
			}
			if r.Limit <= 0 || len(out) < r.Limit {
				out = append(out, intake.IndexMember{Number: int64(binary.BigEndian.Uint64(k[len(prefix)+8:])), Score: unsortable(k[len(prefix) : len(prefix)+8])})
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("bolt: range index %s: %w", set, err)
	}
	return out, total, nil
}

// IndexScores implements intake.Indexes.
func (s *Store) IndexScores(ctx context.Context, set string, numbers []int64) ([]int64, []bool, error) {
	scores, ok := make([]int64, len(numbers)), make([]bool, len(numbers))
	err := s.intakeView(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketIxRev))
		if b == nil {
			return nil
		}
		for i, n := range numbers {
			if v := b.Get(ixRevKey(set, n)); v != nil {
				scores[i], ok[i] = int64Value(v), true
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("bolt: index scores %s: %w", set, err)
	}
	return scores, ok, nil
}

// IndexSizes implements intake.Indexes.
func (s *Store) IndexSizes(ctx context.Context, sets ...string) ([]int, error) {
	out := make([]int, len(sets))
	err := s.intakeView(ctx, func(tx *bbolt.Tx) error {
		if b := tx.Bucket([]byte(bucketIxCard)); b != nil {
			for i, set := range sets {
				out[i] = int(int64Value(b.Get([]byte(set))))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: index sizes: %w", err)
	}
	return out, nil
}

// Counters implements intake.Indexes.
func (s *Store) Counters(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	err := s.intakeView(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketCounters))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			if n := int64Value(v); n != 0 {
				out[string(k)] = n
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: counters: %w", err)
	}
	return out, nil
}

// TopEmployers implements intake.Indexes.
func (s *Store) TopEmployers(ctx context.Context, n int) ([]intake.EmployerRank, error) {
	var out []intake.EmployerRank
	err := s.intakeView(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketEmpRank))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, _ := c.Last(); k != nil && len(out) < n; k, _ = c.Prev() {
			if len(k) > 8 {
				out = append(out, intake.EmployerRank{Key: string(k[8:]), Affected: unsortable(k[:8])})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: top employers: %w", err)
	}
	return out, nil
}

// EmployerKeys implements intake.Indexes.
func (s *Store) EmployerKeys(ctx context.Context) ([]string, error) {
	var out []string
	err := s.intakeView(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketEmpRankRev))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error {
			out = append(out, string(k))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: employer keys: %w", err)
	}
	return out, nil
}

// GetTickets implements intake.Indexes.
func (s *Store) GetTickets(ctx context.Context, numbers []int64) ([]intake.Ticket, error) {
	out := make([]intake.Ticket, 0, len(numbers))
	err := s.intakeView(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketIntakeTickets))
		for _, n := range numbers {
			t, err := getTicket(b, n)
			if errors.Is(err, intake.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: get tickets: %w", err)
	}
	return out, nil
}

// IndexVersion implements intake.Indexes.
func (s *Store) IndexVersion(ctx context.Context) (string, error) {
	var v string
	err := s.intakeView(ctx, func(tx *bbolt.Tx) error {
		if b := tx.Bucket([]byte(bucketIntakeMeta)); b != nil {
			v = string(b.Get([]byte("index_version")))
		}
		return nil
	})
	return v, err
}

// RebuildIndex implements intake.Indexes, in one transaction.
func (s *Store) RebuildIndex(ctx context.Context, version string) error {
	err := s.intakeUpdate(ctx, func(tx *bbolt.Tx) error {
		for _, name := range indexBuckets {
			if tx.Bucket([]byte(name)) != nil {
				if err := tx.DeleteBucket([]byte(name)); err != nil {
					return err
				}
			}
		}
		err := tx.Bucket([]byte(bucketIntakeTickets)).ForEach(func(k, v []byte) error {
			var t intake.Ticket
			if err := json.Unmarshal(v, &t); err != nil {
				return fmt.Errorf("decode ticket %d: %w", binary.BigEndian.Uint64(k), err)
			}
			return applyIndex(tx, nil, t)
		})
		if err != nil {
			return err
		}
		meta, err := tx.CreateBucketIfNotExists([]byte(bucketIntakeMeta))
		if err != nil {
			return err
		}
		return meta.Put([]byte("index_version"), []byte(version))
	})
	if err != nil {
		return fmt.Errorf("bolt: rebuild index: %w", err)
	}
	return nil
}
