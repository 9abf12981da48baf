package bolt

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"

	bbolt "go.etcd.io/bbolt"

	"github.com/laborbot/laborbot/intake"
)

// The audit log (intake.AuditLog) is one bucket, append-only:
//
//	intake_audit  sequence (big-endian) → JSON intake.AuditRecord
//
// A record's ID is its sequence number in decimal.
const bucketIntakeAudit = "intake_audit"

// AppendStaffAudit implements intake.AuditLog.
func (s *Store) AppendStaffAudit(ctx context.Context, r intake.AuditRecord) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var id string
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketIntakeAudit))
		if err != nil {
			return err
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		id = strconv.FormatUint(seq, 10)
		r.ID = ""
		v, err := json.Marshal(r)
		if err != nil {
			return err
		}
		return b.Put(intakeNumKey(seq), v)
	})
	return id, err
}

// ListStaffAudit implements intake.AuditLog.
func (s *Store) ListStaffAudit(ctx context.Context, f intake.AuditFilter) ([]intake.AuditRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var before uint64
	if f.Before != "" {
		n, err := strconv.ParseUint(f.Before, 10, 64)
		if err != nil || n == 0 {
			return nil, intake.ErrBadCursor
		}
		before = n
	}
	limit := f.EffectiveLimit()
	var out []intake.AuditRecord
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketIntakeAudit))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		var k, v []byte
		if before != 0 {
			// Seek lands on the first key >= before; step back from it.
			if k, _ = c.Seek(intakeNumKey(before)); k == nil {
				k, v = c.Last()
			} else {
				k, v = c.Prev()
			}
			for k != nil && binary.BigEndian.Uint64(k) >= before {
				k, v = c.Prev()
			}
		} else {
			k, v = c.Last()
		}
		for scanned := 0; k != nil && len(out) < limit && scanned < intake.AuditScanLimit; k, v = c.Prev() {
			scanned++
			var r intake.AuditRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("audit record %d: %w", binary.BigEndian.Uint64(k), err)
			}
			if f.Match(r) {
				r.ID = strconv.FormatUint(binary.BigEndian.Uint64(k), 10)
				out = append(out, r)
			}
		}
		return nil
	})
	return out, err
}
