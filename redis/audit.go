package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/intake"
)

// The audit log (intake.AuditLog) is one stream, never trimmed:
//
//	<prefix>{audit}:log  stream of field "r" = JSON intake.AuditRecord
//
// A record's ID is its stream id. It changes alone, so it has a hash tag
// of its own.

func (s *Store) auditKey() string { return s.prefix + "{audit}:log" }

// streamID is the form of a Redis stream id, the audit log's cursor.
var streamID = regexp.MustCompile(`^[0-9]{1,20}-[0-9]{1,20}$`)

// auditBatch is how many records one XREVRANGE reads.
const auditBatch = 500

// AppendStaffAudit implements intake.AuditLog.
func (s *Store) AppendStaffAudit(ctx context.Context, r intake.AuditRecord) (string, error) {
	r.ID = ""
	v, err := json.Marshal(r)
	if err != nil {
		return "", err
	}
	return s.client.XAdd(ctx, &goredis.XAddArgs{Stream: s.auditKey(), Values: []any{"r", v}}).Result()
}

// ListStaffAudit implements intake.AuditLog.
func (s *Store) ListStaffAudit(ctx context.Context, f intake.AuditFilter) ([]intake.AuditRecord, error) {
	if f.Before != "" && !streamID.MatchString(f.Before) {
		return nil, intake.ErrBadCursor
	}
	limit := f.EffectiveLimit()
	end := "+"
	if f.Before != "" {
		end = "(" + f.Before
	}
	var out []intake.AuditRecord
	for scanned := 0; len(out) < limit && scanned < intake.AuditScanLimit; {
		msgs, err := s.client.XRevRangeN(ctx, s.auditKey(), end, "-", auditBatch).Result()
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			scanned++
			raw, _ := m.Values["r"].(string)
			var r intake.AuditRecord
			if err := json.Unmarshal([]byte(raw), &r); err != nil {
				return nil, fmt.Errorf("audit record %s: %w", m.ID, err)
			}
			if f.Match(r) {
				r.ID = m.ID
				out = append(out, r)
				if len(out) == limit {
					break
				}
			}
			if scanned == intake.AuditScanLimit {
				break
			}
		}
		if len(msgs) < auditBatch {
			break
		}
		end = "(" + msgs[len(msgs)-1].ID
	}
	return out, nil
}
