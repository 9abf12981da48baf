// Package schedule runs timed work durably: a job is stored with the time
// it is due, survives restarts, and runs once even with several replicas
// sharing one store. A job that fails is retried with a growing pause, and
// given up (kept aside for inspection) after a number of attempts.
//
// The package knows nothing of tickets or chats: a job is an id, a kind
// and an opaque payload, and the Handler a Runner is given decides what a
// kind does (package intake's follow-ups are the one user today). The Store
// is implemented by package bolt (a bucket keyed by due time) and package
// redis (a sorted set of due times with claims that expire), and both pass
// storetest.TestScheduleStore.
//
// Time is always the caller's: stores compare due times and claim expiries
// with the now they are given, never their own clock, so tests drive a
// whole schedule with an injected clock, and replicas only need their
// clocks in sync (NTP).
package schedule

import (
	"context"
	"errors"
	"time"
)

// Job is one piece of timed work.
type Job struct {
	// ID names the job uniquely and makes scheduling idempotent: a job
	// whose ID is pending, done or failed is not added again (see AddJobs).
	ID string `json:"id"`
	// Kind selects what the handler does.
	Kind string `json:"kind"`
	// Due is when the job should run.
	Due time.Time `json:"due"`
	// Attempt counts the runs that failed since the job was added or last
	// rescheduled by its handler.
	Attempt int `json:"attempt,omitempty"`
	// Data is the payload, opaque to the store (the handler's JSON).
	Data string `json:"data,omitempty"`
}

// Status is where a job is.
type Status string

// The statuses GetJob reports.
const (
	StatusNone    Status = ""        // never added, or its record was pruned
	StatusPending Status = "pending" // waiting for its due time, or running
	StatusDone    Status = "done"    // ran to completion
	StatusFailed  Status = "failed"  // given up after too many failed attempts
)

// DoneRetention is how long a store remembers that a job ran (so that
// adding it again is a no-op). It outlasts any follow-up, which are at
// most about a year ahead.
const DoneRetention = 2 * 365 * 24 * time.Hour

// ErrLeaseLost is returned by CompleteJob, RescheduleJob and FailJob when
// the job is no longer claimed by the caller: its lease ran out and
// another owner claimed it. The other owner's run is the one that counts.
var ErrLeaseLost = errors.New("schedule: the job's claim was lost")

// Store keeps jobs. Implementations must be safe for concurrent use, also
// by several processes sharing the store where it allows that (Redis),
// and must make ClaimDueJobs atomic: a job is claimed by one owner at a
// time.
type Store interface {
	// AddJobs adds the jobs whose ID is neither pending, nor done (within
	// DoneRetention), nor failed, and returns how many it added. Adding a
	// job again is therefore harmless, which lets callers schedule from
	// state that may be seen twice.
	AddJobs(ctx context.Context, jobs ...Job) (added int, err error)
	// ClaimDueJobs claims up to max pending jobs due at or before now that
	// no one holds a live claim on, earliest due first, for owner until
	// now + lease, and returns them. A claim that expires makes its job
	// claimable again: its owner died or hung.
	ClaimDueJobs(ctx context.Context, owner string, now time.Time, lease time.Duration, max int) ([]Job, error)
	// CompleteJob marks a job claimed by owner done (at now).
	CompleteJob(ctx context.Context, id, owner string, now time.Time) error
	// RescheduleJob makes a job claimed by owner pending again with j's
	// Due, Attempt and Data (j.ID names the job), releasing the claim.
	RescheduleJob(ctx context.Context, j Job, owner string) error
	// FailJob gives up a job claimed by owner: it is kept as failed, with
	// the reason, and never runs or is added again.
	FailJob(ctx context.Context, id, owner, reason string, now time.Time) error
	// GetJob returns a job and its status; StatusNone with a zero Job when
	// the store knows nothing of id.
	GetJob(ctx context.Context, id string) (Job, Status, error)
	// JobStats counts the pending jobs due at now that no live claim holds
	// (waiting to run), and returns the earliest due time among them (zero
	// when none).
	JobStats(ctx context.Context, now time.Time) (due int, oldest time.Time, err error)
}
