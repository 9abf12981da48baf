package bolt

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"
	bbolterrors "go.etcd.io/bbolt/errors"
)

// Deleting a record in bbolt does not remove its bytes from the file: the
// page that held it is copied on write, and the old page goes to the free
// list with its contents intact until a later write reuses it. A worker
// who deletes their data (/deletedata) must not have their phone number
// and story readable in the file for weeks after, so PurgeErased
// overwrites every page that was free when it started.
//
// It uses only bbolt's public API. bbolt writes every page it allocates in
// full (a zeroed buffer with the node's data) and allocates from the free
// list, lowest page first, before growing the file; so filling a scratch
// bucket with enough small entries to need more single-page leaves than
// there are free pages takes every free page and overwrites it. Dropping
// the scratch bucket frees those pages again, holding only filler. Pages
// still pending (a read transaction older than the deletion is open) are
// taken in a later round.

// bucketIntakeScrub is the scratch bucket; it exists only during a purge.
const bucketIntakeScrub = "intake_scrub"

// purgeRounds bounds the fill rounds; one is normally enough, more are
// needed only while old read transactions hold pages back.
const purgeRounds = 50

// PurgeErased implements intake.Store.
func (s *Store) PurgeErased(ctx context.Context) error {
	tainted, err := s.freePages(ctx, nil)
	if err != nil {
		return fmt.Errorf("bolt: purge: %w", err)
	}
	pageSize := s.db.Info().PageSize
	for round := 0; len(tainted) > 0; round++ {
		if round == purgeRounds {
			return fmt.Errorf("bolt: purge: %d free pages could not be overwritten (a long read transaction?)", len(tainted))
		}
		if round > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(round) * 10 * time.Millisecond):
			}
		}
		if err := s.fillScratch(ctx, round, len(tainted), pageSize); err != nil {
			return fmt.Errorf("bolt: purge: %w", err)
		}
		if tainted, err = s.freePages(ctx, tainted); err != nil {
			return fmt.Errorf("bolt: purge: %w", err)
		}
	}
	err = s.db.Update(func(tx *bbolt.Tx) error {
		err := tx.DeleteBucket([]byte(bucketIntakeScrub))
		if errors.Is(err, bbolterrors.ErrBucketNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("bolt: purge: drop scratch bucket: %w", err)
	}
	return nil
}

// freePages returns the free (or pending) pages among among, or among all
// pages when among is nil.
func (s *Store) freePages(ctx context.Context, among []int) ([]int, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var free []int
	err := s.db.View(func(tx *bbolt.Tx) error {
		check := func(id int) error {
			info, err := tx.Page(id)
			if err != nil {
				return err
			}
			if info != nil && info.Type == "free" {
				free = append(free, id)
			}
			return nil
		}
		if among != nil {
			for _, id := range among {
				if err := check(id); err != nil {
					return err
				}
			}
			return nil
		}
		// Pages 0 and 1 are the meta pages; tx.Page returns nil past the
		// high-water mark.
		for id := 2; ; id++ {
			info, err := tx.Page(id)
			if err != nil {
				return err
			}
			if info == nil {
				return nil
			}
			if info.Type == "free" {
				free = append(free, id)
			}
		}
	})
	return free, err
}

// fillScratch writes enough filler into the scratch bucket to need about
// twice as many single-page leaves as there are pages to overwrite.
func (s *Store) fillScratch(ctx context.Context, round, pages, pageSize int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// Eight values of pageSize/10 fill a leaf to about 80%: under bbolt's
	// split threshold at FillPercent 0.9, so every leaf is one page.
	const perLeaf = 8
	value := make([]byte, pageSize/10)
	return s.db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketIntakeScrub))
		if err != nil {
			return err
		}
		b.FillPercent = 0.9
		for i := range 2*perLeaf*pages + perLeaf {
			k := binary.BigEndian.AppendUint32(nil, uint32(round))
			k = binary.BigEndian.AppendUint32(k, uint32(i))
			if err := b.Put(k, value); err != nil {
				return err
			}
		}
		return nil
	})
}
