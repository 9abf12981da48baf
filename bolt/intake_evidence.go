package bolt

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/laborbot/laborbot/intake"
)

// Evidence files live in their own bucket, created by the first PutEvidence
// (not by intakeUpdate: most deployments never download evidence). The
// layout is part of the file format:
//
//	intake_evidence  number (big-endian), file id → blob
//
// The number prefix keeps a ticket's files together, so DeleteEvidence is
// one range. A blob is freed pages once deleted; PurgeErased overwrites
// those like any other.
const bucketIntakeEvidence = "intake_evidence"

func evidenceKey(number int64, fileID string) []byte {
	return append(intakeNumKey(uint64(number)), fileID...)
}

// PutEvidence implements intake.Store.
func (s *Store) PutEvidence(ctx context.Context, number int64, fileID string, data []byte) error {
	if fileID == "" || len(fileID)+8 > bbolt.MaxKeySize {
		return fmt.Errorf("bolt: put evidence: bad file id length %d", len(fileID))
	}
	if len(data) > intake.MaxStoredEvidenceSize {
		return fmt.Errorf("bolt: put evidence: %d bytes is over the limit of %d", len(data), intake.MaxStoredEvidenceSize)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketIntakeEvidence))
		if err != nil {
			return err
		}
		return b.Put(evidenceKey(number, fileID), bytes.Clone(data))
	})
	if err != nil {
		return fmt.Errorf("bolt: put evidence of ticket %d: %w", number, err)
	}
	return nil
}

// GetEvidence implements intake.Store.
func (s *Store) GetEvidence(ctx context.Context, number int64, fileID string) ([]byte, error) {
	var out []byte
	err := s.intakeView(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketIntakeEvidence))
		if b == nil {
			return intake.ErrNotFound
		}
		v := b.Get(evidenceKey(number, fileID))
		if v == nil {
			return intake.ErrNotFound
		}
		out = bytes.Clone(v)
		return nil
	})
	if err != nil && !errors.Is(err, intake.ErrNotFound) {
		return nil, fmt.Errorf("bolt: get evidence of ticket %d: %w", number, err)
	}
	return out, err
}

// DeleteEvidence implements intake.Store.
func (s *Store) DeleteEvidence(ctx context.Context, number int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketIntakeEvidence))
		if b == nil {
			return nil
		}
		return deleteIntakePrefix(b, intakeNumKey(uint64(number)))
	})
	if err != nil {
		return fmt.Errorf("bolt: delete evidence of ticket %d: %w", number, err)
	}
	return nil
}
