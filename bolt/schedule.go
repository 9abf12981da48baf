package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/laborbot/laborbot/schedule"
)

// Scheduled jobs (schedule.Store) in bbolt, a bucket keyed by due time:
//
//	jobs          id → JSON jobRecord (the job, and its claim while one is held)
//	jobs_due      due time (ms, big-endian) + id → empty; a claimed job sits at its claim's expiry
//	jobs_done     id → when it was done (ms, big-endian), kept for schedule.DoneRetention
//	jobs_done_at  done time (ms) + id → empty, to forget old done ids in order
//	jobs_failed   id → JSON failedJob
//
// Claiming a job moves its key in jobs_due to the claim's expiry, so a
// claimed job is not seen again until its claim runs out, and one that
// ran out (its owner died) is claimable by a cursor walk like any other
// due job. One process holds the file, so "replicas" are goroutines, and
// every operation is one write transaction.
const (
	bucketJobs       = "jobs"
	bucketJobsDue    = "jobs_due"
	bucketJobsDone   = "jobs_done"
	bucketJobsDoneAt = "jobs_done_at"
	bucketJobsFailed = "jobs_failed"
)

var _ schedule.Store = (*Store)(nil)

// jobRecord is a pending job as stored.
type jobRecord struct {
	Job   schedule.Job `json:"job"`
	Owner string       `json:"owner,omitempty"`
	// At is the time (ms) of the job's key in jobs_due: its due time, or
	// its claim's expiry while claimed.
	At int64 `json:"at"`
}

type failedJob struct {
	Job    schedule.Job `json:"job"`
	Reason string       `json:"reason"`
	At     time.Time    `json:"at"`
}

func millis(t time.Time) int64 { return max(t.UnixMilli(), 0) }

func timeIDKey(ms int64, id string) []byte {
	return append(binary.BigEndian.AppendUint64(nil, uint64(ms)), id...)
}

func keyMillis(k []byte) int64 { return int64(binary.BigEndian.Uint64(k[:8])) }

// jobsUpdate runs fn in a write transaction with the job buckets in
// place.
func (s *Store) jobsUpdate(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		for _, name := range []string{bucketJobs, bucketJobsDue, bucketJobsDone, bucketJobsDoneAt, bucketJobsFailed} {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return fmt.Errorf("create bucket %q: %w", name, err)
			}
		}
		return fn(tx)
	})
}

func putJobRecord(tx *bbolt.Tx, r jobRecord) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := tx.Bucket([]byte(bucketJobs)).Put([]byte(r.Job.ID), v); err != nil {
		return err
	}
	return tx.Bucket([]byte(bucketJobsDue)).Put(timeIDKey(r.At, r.Job.ID), nil)
}

func getJobRecord(tx *bbolt.Tx, id string) (jobRecord, bool, error) {
	b := tx.Bucket([]byte(bucketJobs))
	if b == nil {
		return jobRecord{}, false, nil
	}
	v := b.Get([]byte(id))
	if v == nil {
		return jobRecord{}, false, nil
	}
	var r jobRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return jobRecord{}, false, fmt.Errorf("job %s: %w", id, err)
	}
	return r, true, nil
}

// removeJobRecord deletes a pending job and its due key.
func removeJobRecord(tx *bbolt.Tx, r jobRecord) error {
	if err := tx.Bucket([]byte(bucketJobs)).Delete([]byte(r.Job.ID)); err != nil {
		return err
	}
	return tx.Bucket([]byte(bucketJobsDue)).Delete(timeIDKey(r.At, r.Job.ID))
}

// AddJobs implements schedule.Store.
func (s *Store) AddJobs(ctx context.Context, jobs ...schedule.Job) (int, error) {
	added := 0
	err := s.jobsUpdate(ctx, func(tx *bbolt.Tx) error {
		added = 0
		for _, j := range jobs {
			if j.ID == "" {
				return fmt.Errorf("a job without an id")
			}
			id := []byte(j.ID)
			if tx.Bucket([]byte(bucketJobs)).Get(id) != nil || tx.Bucket([]byte(bucketJobsDone)).Get(id) != nil ||
				tx.Bucket([]byte(bucketJobsFailed)).Get(id) != nil {
				continue
			}
			if err := putJobRecord(tx, jobRecord{Job: j, At: millis(j.Due)}); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("bolt: add jobs: %w", err)
	}
	return added, nil
}

// ClaimDueJobs implements schedule.Store.
func (s *Store) ClaimDueJobs(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]schedule.Job, error) {
	if owner == "" {
		return nil, fmt.Errorf("bolt: claim jobs: no owner")
	}
	var out []schedule.Job
	err := s.jobsUpdate(ctx, func(tx *bbolt.Tx) error {
		out = nil
		nowMs, until := millis(now), millis(now.Add(lease))
		var keys [][]byte
		c := tx.Bucket([]byte(bucketJobsDue)).Cursor()
		for k, _ := c.First(); k != nil && len(keys) < limit && keyMillis(k) <= nowMs; k, _ = c.Next() {
			keys = append(keys, bytes.Clone(k))
		}
		for _, k := range keys {
			if err := tx.Bucket([]byte(bucketJobsDue)).Delete(k); err != nil {
				return err
			}
			r, ok, err := getJobRecord(tx, string(k[8:]))
			if err != nil {
				return err
			}
			if !ok {
				continue // a stray key (never written so); drop it
			}
			r.Owner, r.At = owner, until
			if err := putJobRecord(tx, r); err != nil {
				return err
			}
			out = append(out, r.Job)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: claim jobs: %w", err)
	}
	return out, nil
}

// claimed runs fn on a job claimed by owner, or returns ErrLeaseLost.
func (s *Store) claimed(ctx context.Context, id, owner string, fn func(tx *bbolt.Tx, r jobRecord) error) error {
	return s.jobsUpdate(ctx, func(tx *bbolt.Tx) error {
		r, ok, err := getJobRecord(tx, id)
		if err != nil {
			return err
		}
		if !ok || r.Owner != owner {
			return schedule.ErrLeaseLost
		}
		return fn(tx, r)
	})
}

// CompleteJob implements schedule.Store.
func (s *Store) CompleteJob(ctx context.Context, id, owner string, now time.Time) error {
	return s.claimed(ctx, id, owner, func(tx *bbolt.Tx, r jobRecord) error {
		if err := removeJobRecord(tx, r); err != nil {
			return err
		}
		nowMs := millis(now)
		if err := tx.Bucket([]byte(bucketJobsDone)).Put([]byte(id), binary.BigEndian.AppendUint64(nil, uint64(nowMs))); err != nil {
			return err
		}
		if err := tx.Bucket([]byte(bucketJobsDoneAt)).Put(timeIDKey(nowMs, id), nil); err != nil {
			return err
		}
		return pruneDoneJobs(tx, nowMs-schedule.DoneRetention.Milliseconds())
	})
}

// pruneDoneJobs forgets done ids older than cutoff (ms).
func pruneDoneJobs(tx *bbolt.Tx, cutoff int64) error {
	byTime := tx.Bucket([]byte(bucketJobsDoneAt))
	done := tx.Bucket([]byte(bucketJobsDone))
	var old [][]byte
	c := byTime.Cursor()
	for k, _ := c.First(); k != nil && keyMillis(k) < cutoff; k, _ = c.Next() {
		old = append(old, bytes.Clone(k))
	}
	for _, k := range old {
		if err := byTime.Delete(k); err != nil {
			return err
		}
		if err := done.Delete(k[8:]); err != nil {
			return err
		}
	}
	return nil
}

// RescheduleJob implements schedule.Store.
func (s *Store) RescheduleJob(ctx context.Context, j schedule.Job, owner string) error {
	return s.claimed(ctx, j.ID, owner, func(tx *bbolt.Tx, r jobRecord) error {
		if err := removeJobRecord(tx, r); err != nil {
			return err
		}
		r.Job.Due, r.Job.Attempt, r.Job.Data = j.Due, j.Attempt, j.Data
		r.Owner, r.At = "", millis(j.Due)
		return putJobRecord(tx, r)
	})
}

// FailJob implements schedule.Store.
func (s *Store) FailJob(ctx context.Context, id, owner, reason string, now time.Time) error {
	return s.claimed(ctx, id, owner, func(tx *bbolt.Tx, r jobRecord) error {
		if err := removeJobRecord(tx, r); err != nil {
			return err
		}
		v, err := json.Marshal(failedJob{Job: r.Job, Reason: reason, At: now})
		if err != nil {
			return err
		}
		return tx.Bucket([]byte(bucketJobsFailed)).Put([]byte(id), v)
	})
}

// GetJob implements schedule.Store.
func (s *Store) GetJob(ctx context.Context, id string) (schedule.Job, schedule.Status, error) {
	if err := ctx.Err(); err != nil {
		return schedule.Job{}, schedule.StatusNone, err
	}
	var (
		j  schedule.Job
		st schedule.Status
	)
	err := s.db.View(func(tx *bbolt.Tx) error {
		r, ok, err := getJobRecord(tx, id)
		if err != nil || ok {
			j, st = r.Job, schedule.StatusPending
			return err
		}
		if b := tx.Bucket([]byte(bucketJobsFailed)); b != nil {
			if v := b.Get([]byte(id)); v != nil {
				var f failedJob
				if err := json.Unmarshal(v, &f); err != nil {
					return err
				}
				j, st = f.Job, schedule.StatusFailed
				return nil
			}
		}
		if b := tx.Bucket([]byte(bucketJobsDone)); b != nil && b.Get([]byte(id)) != nil {
			j, st = schedule.Job{ID: id}, schedule.StatusDone
		}
		return nil
	})
	if err != nil {
		return schedule.Job{}, schedule.StatusNone, fmt.Errorf("bolt: get job: %w", err)
	}
	return j, st, nil
}

// JobStats implements schedule.Store.
func (s *Store) JobStats(ctx context.Context, now time.Time) (int, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return 0, time.Time{}, err
	}
	n := 0
	var oldest time.Time
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketJobsDue))
		if b == nil {
			return nil
		}
		nowMs := millis(now)
		c := b.Cursor()
		for k, _ := c.First(); k != nil && keyMillis(k) <= nowMs; k, _ = c.Next() {
			if n == 0 {
				oldest = time.UnixMilli(keyMillis(k))
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("bolt: job stats: %w", err)
	}
	return n, oldest, nil
}
