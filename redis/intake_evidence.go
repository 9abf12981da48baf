package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/intake"
)

// Evidence files of a ticket are one hash, under the {intake} hash tag with
// the ticket they belong to:
//
//	<prefix>{intake}:evidence:<number>  hash file id → blob
//
// so that DeleteEvidence is one DEL.

func (s *Store) evidenceKey(number int64) string {
	return s.intakeKey("evidence:" + strconv.FormatInt(number, 10))
}

// PutEvidence implements intake.Store.
func (s *Store) PutEvidence(ctx context.Context, number int64, fileID string, data []byte) error {
	if fileID == "" {
		return errors.New("redis: put evidence: no file id")
	}
	if len(data) > intake.MaxStoredEvidenceSize {
		return fmt.Errorf("redis: put evidence: %d bytes is over the limit of %d", len(data), intake.MaxStoredEvidenceSize)
	}
	if err := s.client.HSet(ctx, s.evidenceKey(number), fileID, data).Err(); err != nil {
		return fmt.Errorf("redis: put evidence of ticket %d: %w", number, err)
	}
	return nil
}

// GetEvidence implements intake.Store.
func (s *Store) GetEvidence(ctx context.Context, number int64, fileID string) ([]byte, error) {
	v, err := s.client.HGet(ctx, s.evidenceKey(number), fileID).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, intake.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("redis: get evidence of ticket %d: %w", number, err)
	}
	return v, nil
}

// DeleteEvidence implements intake.Store.
func (s *Store) DeleteEvidence(ctx context.Context, number int64) error {
	if err := s.client.Del(ctx, s.evidenceKey(number)).Err(); err != nil {
		return fmt.Errorf("redis: delete evidence of ticket %d: %w", number, err)
	}
	return nil
}
