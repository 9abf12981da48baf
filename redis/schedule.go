package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/schedule"
)

// Scheduled jobs (schedule.Store): a sorted set of due times plus claims
// that expire. The keys change together, so they share the {jobs} hash
// tag, and every change is one Lua script:
//
//	<prefix>{jobs}:due     sorted set id → due time (ms); a claimed job's score is its claim's expiry
//	<prefix>{jobs}:data    hash id → JSON schedule.Job (pending jobs)
//	<prefix>{jobs}:owner   hash id → the owner holding the claim
//	<prefix>{jobs}:done    sorted set id → when it was done (ms), trimmed after schedule.DoneRetention
//	<prefix>{jobs}:failed  hash id → JSON failedJob
//
// Claiming sets the score to now + lease and records the owner: the job
// is out of every replica's range until the claim expires, and one whose
// owner died comes back into range by itself. Expiry is by the callers'
// clock (the now they pass), never Redis's, like everything in package
// schedule.

func (s *Store) jobsKey(what string) string { return s.prefix + "{jobs}:" + what }

var _ schedule.Store = (*Store)(nil)

// failedJob is a job given up, as kept.
type failedJob struct {
	Job    schedule.Job `json:"job"`
	Reason string       `json:"reason"`
	At     time.Time    `json:"at"`
}

func jobMillis(t time.Time) int64 { return max(t.UnixMilli(), 0) }

// addJobsScript adds the jobs whose id is not pending, done or failed.
// KEYS: due, data, done, failed. ARGV: triples of id, due ms, job JSON.
// Returns how many were added.
var addJobsScript = goredis.NewScript(`
local added = 0
for i = 1, #ARGV, 3 do
  local id = ARGV[i]
  if not redis.call('ZSCORE', KEYS[1], id) and not redis.call('ZSCORE', KEYS[3], id)
     and redis.call('HEXISTS', KEYS[4], id) == 0 then
    redis.call('ZADD', KEYS[1], ARGV[i+1], id)
    redis.call('HSET', KEYS[2], id, ARGV[i+2])
    added = added + 1
  end
end
return added
`)

// claimJobsScript claims due jobs. KEYS: due, data, owner. ARGV: now ms,
// claim expiry ms, max, owner. Returns the claimed jobs' JSON.
var claimJobsScript = goredis.NewScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local j = redis.call('HGET', KEYS[2], id)
  if j then
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    redis.call('HSET', KEYS[3], id, ARGV[4])
    out[#out + 1] = j
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
`)

// completeJobScript marks a claimed job done. KEYS: due, data, owner,
// done. ARGV: id, owner, now ms, cutoff ms (done ids older are
// forgotten). Returns 1, or 0 when the caller holds no claim.
var completeJobScript = goredis.NewScript(`
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[4])
return 1
`)

// rescheduleJobScript makes a claimed job pending again. KEYS: due, data,
// owner. ARGV: id, owner, due ms, job JSON. Returns 1 or 0 as above.
var rescheduleJobScript = goredis.NewScript(`
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
`)

// failJobScript gives up a claimed job. KEYS: due, data, owner, failed.
// ARGV: id, owner, failed JSON. Returns 1 or 0 as above.
var failJobScript = goredis.NewScript(`
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
return 1
`)

// AddJobs implements schedule.Store.
func (s *Store) AddJobs(ctx context.Context, jobs ...schedule.Job) (int, error) {
	if len(jobs) == 0 {
		return 0, ctx.Err()
	}
	args := make([]any, 0, 3*len(jobs))
	for _, j := range jobs {
		if j.ID == "" {
			return 0, errors.New("redis: add jobs: a job without an id")
		}
		v, err := json.Marshal(j)
		if err != nil {
			return 0, fmt.Errorf("redis: add jobs: %w", err)
		}
		args = append(args, j.ID, jobMillis(j.Due), v)
	}
	n, err := addJobsScript.Run(ctx, s.client,
		[]string{s.jobsKey("due"), s.jobsKey("data"), s.jobsKey("done"), s.jobsKey("failed")}, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("redis: add jobs: %w", err)
	}
	return n, nil
}

// ClaimDueJobs implements schedule.Store.
func (s *Store) ClaimDueJobs(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]schedule.Job, error) {
	if owner == "" {
		return nil, errors.New("redis: claim jobs: no owner")
	}
	raw, err := claimJobsScript.Run(ctx, s.client, []string{s.jobsKey("due"), s.jobsKey("data"), s.jobsKey("owner")},
		jobMillis(now), jobMillis(now.Add(lease)), max(limit, 1), owner).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("redis: claim jobs: %w", err)
	}
	out := make([]schedule.Job, 0, len(raw))
	for _, v := range raw {
		var j schedule.Job
		if err := json.Unmarshal([]byte(v), &j); err != nil {
			return nil, fmt.Errorf("redis: claim jobs: %w", err)
		}
		out = append(out, j)
	}
	return out, nil
}

func leaseResult(n int64, err error, what string) error {
	if err != nil {
		return fmt.Errorf("redis: %s: %w", what, err)
	}
	if n == 0 {
		return schedule.ErrLeaseLost
	}
	return nil
}

// CompleteJob implements schedule.Store.
func (s *Store) CompleteJob(ctx context.Context, id, owner string, now time.Time) error {
	cutoff := jobMillis(now) - schedule.DoneRetention.Milliseconds()
	n, err := completeJobScript.Run(ctx, s.client,
		[]string{s.jobsKey("due"), s.jobsKey("data"), s.jobsKey("owner"), s.jobsKey("done")},
		id, owner, jobMillis(now), cutoff).Int64()
	return leaseResult(n, err, "complete job")
}

// RescheduleJob implements schedule.Store.
func (s *Store) RescheduleJob(ctx context.Context, j schedule.Job, owner string) error {
	v, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("redis: reschedule job: %w", err)
	}
	n, err := rescheduleJobScript.Run(ctx, s.client, []string{s.jobsKey("due"), s.jobsKey("data"), s.jobsKey("owner")},
		j.ID, owner, jobMillis(j.Due), v).Int64()
	return leaseResult(n, err, "reschedule job")
}

// FailJob implements schedule.Store.
func (s *Store) FailJob(ctx context.Context, id, owner, reason string, now time.Time) error {
	j, st, err := s.GetJob(ctx, id)
	if err != nil {
		return err
	}
	if st != schedule.StatusPending {
		return schedule.ErrLeaseLost
	}
	v, err := json.Marshal(failedJob{Job: j, Reason: reason, At: now})
	if err != nil {
		return fmt.Errorf("redis: fail job: %w", err)
	}
	n, err := failJobScript.Run(ctx, s.client,
		[]string{s.jobsKey("due"), s.jobsKey("data"), s.jobsKey("owner"), s.jobsKey("failed")}, id, owner, v).Int64()
	return leaseResult(n, err, "fail job")
}

// GetJob implements schedule.Store.
func (s *Store) GetJob(ctx context.Context, id string) (schedule.Job, schedule.Status, error) {
	pipe := s.client.Pipeline()
	data := pipe.HGet(ctx, s.jobsKey("data"), id)
	failed := pipe.HGet(ctx, s.jobsKey("failed"), id)
	done := pipe.ZScore(ctx, s.jobsKey("done"), id)
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, goredis.Nil) {
		return schedule.Job{}, schedule.StatusNone, fmt.Errorf("redis: get job: %w", err)
	}
	if v, err := data.Bytes(); err == nil {
		var j schedule.Job
		if err := json.Unmarshal(v, &j); err != nil {
			return schedule.Job{}, schedule.StatusNone, fmt.Errorf("redis: get job: %w", err)
		}
		return j, schedule.StatusPending, nil
	}
	if v, err := failed.Bytes(); err == nil {
		var f failedJob
		if err := json.Unmarshal(v, &f); err != nil {
			return schedule.Job{}, schedule.StatusNone, fmt.Errorf("redis: get job: %w", err)
		}
		return f.Job, schedule.StatusFailed, nil
	}
	if done.Err() == nil {
		return schedule.Job{ID: id}, schedule.StatusDone, nil
	}
	return schedule.Job{}, schedule.StatusNone, nil
}

// JobStats implements schedule.Store.
func (s *Store) JobStats(ctx context.Context, now time.Time) (int, time.Time, error) {
	upto := strconv.FormatInt(jobMillis(now), 10)
	pipe := s.client.Pipeline()
	count := pipe.ZCount(ctx, s.jobsKey("due"), "-inf", upto)
	first := pipe.ZRangeByScoreWithScores(ctx, s.jobsKey("due"), &goredis.ZRangeBy{Min: "-inf", Max: upto, Count: 1})
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, time.Time{}, fmt.Errorf("redis: job stats: %w", err)
	}
	var oldest time.Time
	if zs := first.Val(); len(zs) > 0 {
		oldest = time.UnixMilli(int64(zs[0].Score))
	}
	return int(count.Val()), oldest, nil
}
