package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/laborbot/laborbot/schedule"
)

// ScheduleStoreFactory opens a new, empty schedule.Store for a subtest
// (closed in t.Cleanup) and returns with it reopen, which closes that
// store and opens the same data again, as a restart would.
type ScheduleStoreFactory func(t *testing.T) (s schedule.Store, reopen func() schedule.Store)

// TestScheduleStore runs the conformance suite for schedule.Store.
func TestScheduleStore(t *testing.T, open ScheduleStoreFactory) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	job := func(id string, due time.Time) schedule.Job {
		return schedule.Job{ID: id, Kind: "test", Due: due, Data: `{"ticket":` + fmt.Sprint(len(id)) + `}`}
	}
	mustAdd := func(t *testing.T, s schedule.Store, want int, jobs ...schedule.Job) {
		t.Helper()
		n, err := s.AddJobs(t.Context(), jobs...)
		if err != nil || n != want {
			t.Fatalf("AddJobs = %d, %v; want %d", n, err, want)
		}
	}
	claim := func(t *testing.T, s schedule.Store, owner string, now time.Time, max int) []string {
		t.Helper()
		js, err := s.ClaimDueJobs(t.Context(), owner, now, 5*time.Minute, max)
		if err != nil {
			t.Fatalf("ClaimDueJobs: %v", err)
		}
		var ids []string
		for _, j := range js {
			ids = append(ids, j.ID)
		}
		return ids
	}
	status := func(t *testing.T, s schedule.Store, id string) (schedule.Job, schedule.Status) {
		t.Helper()
		j, st, err := s.GetJob(t.Context(), id)
		if err != nil {
			t.Fatalf("GetJob(%s): %v", id, err)
		}
		return j, st
	}

	t.Run("AddIsIdempotent", func(t *testing.T) {
		s, _ := open(t)
		a := job("a", t0)
		mustAdd(t, s, 1, a)
		mustAdd(t, s, 0, a)
		mustAdd(t, s, 1, a, job("b", t0))
		got, st := status(t, s, "a")
		if st != schedule.StatusPending || got.Kind != "test" || got.Data != a.Data || !got.Due.Equal(t0) || got.Attempt != 0 {
			t.Fatalf("GetJob(a) = %+v, %s", got, st)
		}
		if _, st := status(t, s, "never"); st != schedule.StatusNone {
			t.Fatalf("an unknown job has status %q", st)
		}
	})

	t.Run("ClaimsDueJobsEarliestFirst", func(t *testing.T) {
		s, _ := open(t)
		mustAdd(t, s, 4, job("h3", t0.Add(3*time.Hour)), job("h1", t0.Add(time.Hour)), job("past", t0.Add(-time.Hour)), job("h2", t0.Add(2*time.Hour)))
		if got := claim(t, s, "A", t0, 10); fmt.Sprint(got) != "[past]" {
			t.Fatalf("claimed at t0: %v; want [past]", got)
		}
		if err := s.CompleteJob(t.Context(), "past", "A", t0); err != nil {
			t.Fatal(err)
		}
		if got := claim(t, s, "A", t0.Add(150*time.Minute), 1); fmt.Sprint(got) != "[h1]" {
			t.Fatalf("claimed one at t0+2h30: %v; want [h1]", got)
		}
		if got := claim(t, s, "A", t0.Add(150*time.Minute), 10); fmt.Sprint(got) != "[h2]" {
			t.Fatalf("claimed at t0+2h30: %v; want [h2]", got)
		}
		if got := claim(t, s, "A", t0.Add(150*time.Minute), 10); len(got) != 0 {
			t.Fatalf("claimed again: %v", got)
		}
		// Claimed and never completed: due again once the claim runs out.
		if got := claim(t, s, "B", t0.Add(150*time.Minute+6*time.Minute), 10); fmt.Sprint(got) != "[h1 h2]" {
			t.Fatalf("after the claims expired: %v; want [h1 h2]", got)
		}
	})

	t.Run("ClaimHeldUntilItExpires", func(t *testing.T) {
		s, _ := open(t)
		mustAdd(t, s, 1, job("x", t0))
		if got := claim(t, s, "A", t0, 10); len(got) != 1 {
			t.Fatalf("A claimed %v", got)
		}
		if got := claim(t, s, "B", t0.Add(4*time.Minute), 10); len(got) != 0 {
			t.Fatalf("B claimed %v while A's claim holds", got)
		}
		if due, _, err := s.JobStats(t.Context(), t0.Add(4*time.Minute)); err != nil || due != 0 {
			t.Fatalf("JobStats counts a claimed job as waiting: %d, %v", due, err)
		}
		// A hangs; its claim runs out and B takes the job over.
		if got := claim(t, s, "B", t0.Add(6*time.Minute), 10); fmt.Sprint(got) != "[x]" {
			t.Fatalf("B after A's claim expired: %v", got)
		}
		if err := s.CompleteJob(t.Context(), "x", "A", t0.Add(7*time.Minute)); !errors.Is(err, schedule.ErrLeaseLost) {
			t.Fatalf("A completes a job B holds: %v; want ErrLeaseLost", err)
		}
		if err := s.RescheduleJob(t.Context(), job("x", t0.Add(time.Hour)), "A"); !errors.Is(err, schedule.ErrLeaseLost) {
			t.Fatalf("A reschedules a job B holds: %v; want ErrLeaseLost", err)
		}
		if err := s.FailJob(t.Context(), "x", "A", "no", t0); !errors.Is(err, schedule.ErrLeaseLost) {
			t.Fatalf("A fails a job B holds: %v; want ErrLeaseLost", err)
		}
		if err := s.CompleteJob(t.Context(), "x", "B", t0.Add(7*time.Minute)); err != nil {
			t.Fatalf("B completes: %v", err)
		}
		if _, st := status(t, s, "x"); st != schedule.StatusDone {
			t.Fatalf("status after completion: %q", st)
		}
		if err := s.CompleteJob(t.Context(), "never", "B", t0); !errors.Is(err, schedule.ErrLeaseLost) {
			t.Fatalf("completing a job never claimed: %v; want ErrLeaseLost", err)
		}
	})

	t.Run("DoneIsNotAddedAgainWithinRetention", func(t *testing.T) {
		s, _ := open(t)
		mustAdd(t, s, 1, job("once", t0))
		claim(t, s, "A", t0, 10)
		if err := s.CompleteJob(t.Context(), "once", "A", t0); err != nil {
			t.Fatal(err)
		}
		mustAdd(t, s, 0, job("once", t0.Add(time.Hour)))
		if got := claim(t, s, "A", t0.Add(2*time.Hour), 10); len(got) != 0 {
			t.Fatalf("a done job ran again: %v", got)
		}
		// Long after, completing another job forgets the old done id.
		later := t0.Add(schedule.DoneRetention + 48*time.Hour)
		mustAdd(t, s, 1, job("other", later))
		claim(t, s, "A", later, 10)
		if err := s.CompleteJob(t.Context(), "other", "A", later); err != nil {
			t.Fatal(err)
		}
		if _, st := status(t, s, "once"); st != schedule.StatusNone {
			t.Fatalf("a done id past retention is still %q", st)
		}
		if _, st := status(t, s, "other"); st != schedule.StatusDone {
			t.Fatalf("the fresh done id is %q", st)
		}
	})

	t.Run("Reschedule", func(t *testing.T) {
		s, _ := open(t)
		mustAdd(t, s, 1, job("r", t0))
		claim(t, s, "A", t0, 10)
		next := schedule.Job{ID: "r", Kind: "test", Due: t0.Add(24 * time.Hour), Attempt: 2, Data: "changed"}
		if err := s.RescheduleJob(t.Context(), next, "A"); err != nil {
			t.Fatal(err)
		}
		if got := claim(t, s, "B", t0.Add(23*time.Hour), 10); len(got) != 0 {
			t.Fatalf("claimed before its new due time: %v", got)
		}
		js, err := s.ClaimDueJobs(t.Context(), "B", t0.Add(24*time.Hour), time.Minute, 10)
		if err != nil || len(js) != 1 {
			t.Fatalf("at the new due time: %v, %v", js, err)
		}
		if j := js[0]; j.Attempt != 2 || j.Data != "changed" || !j.Due.Equal(next.Due) || j.Kind != "test" {
			t.Fatalf("rescheduled job = %+v", j)
		}
		if err := s.CompleteJob(t.Context(), "r", "B", t0.Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Fail", func(t *testing.T) {
		s, _ := open(t)
		mustAdd(t, s, 1, job("f", t0))
		claim(t, s, "A", t0, 10)
		if err := s.FailJob(t.Context(), "f", "A", "the chat is gone", t0); err != nil {
			t.Fatal(err)
		}
		if j, st := status(t, s, "f"); st != schedule.StatusFailed || j.ID != "f" || j.Kind != "test" {
			t.Fatalf("GetJob after FailJob = %+v, %q", j, st)
		}
		mustAdd(t, s, 0, job("f", t0))
		if got := claim(t, s, "A", t0.Add(time.Hour), 10); len(got) != 0 {
			t.Fatalf("a failed job is claimed: %v", got)
		}
	})

	t.Run("ConcurrentClaimsTakeEachJobOnce", func(t *testing.T) {
		s, _ := open(t)
		var jobs []schedule.Job
		for i := range 60 {
			jobs = append(jobs, job(fmt.Sprintf("c%02d", i), t0.Add(time.Duration(i)*time.Second)))
		}
		mustAdd(t, s, 60, jobs...)
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for w := range 6 {
			wg.Go(func() {
				owner := fmt.Sprintf("replica-%d", w)
				for {
					js, err := s.ClaimDueJobs(context.Background(), owner, t0.Add(time.Hour), time.Minute, 4)
					if err != nil {
						t.Error(err)
						return
					}
					if len(js) == 0 {
						return
					}
					for _, j := range js {
						mu.Lock()
						seen[j.ID]++
						mu.Unlock()
						if err := s.CompleteJob(context.Background(), j.ID, owner, t0.Add(time.Hour)); err != nil {
							t.Error(err)
						}
					}
				}
			})
		}
		wg.Wait()
		if len(seen) != 60 {
			t.Errorf("%d jobs claimed; want 60", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("job %s claimed %d times", id, n)
			}
		}
	})

	t.Run("Stats", func(t *testing.T) {
		s, _ := open(t)
		if due, oldest, err := s.JobStats(t.Context(), t0); err != nil || due != 0 || !oldest.IsZero() {
			t.Fatalf("empty JobStats = %d, %v, %v", due, oldest, err)
		}
		mustAdd(t, s, 4, job("s1", t0.Add(-2*time.Hour)), job("s2", t0.Add(-time.Hour)), job("s3", t0), job("s4", t0.Add(time.Hour)))
		due, oldest, err := s.JobStats(t.Context(), t0)
		if err != nil || due != 3 || !oldest.Equal(t0.Add(-2*time.Hour)) {
			t.Fatalf("JobStats = %d, %v, %v; want 3 due, the oldest 2h late", due, oldest, err)
		}
	})

	t.Run("SurvivesReopen", func(t *testing.T) {
		s, reopen := open(t)
		mustAdd(t, s, 2, job("kept", t0.Add(time.Hour)), job("held", t0))
		claim(t, s, "A", t0, 10) // A claims "held", then the process stops
		s = reopen()
		if _, st := status(t, s, "kept"); st != schedule.StatusPending {
			t.Fatalf("after reopening, kept is %q", st)
		}
		if got := claim(t, s, "B", t0.Add(time.Minute), 10); len(got) != 0 {
			t.Fatalf("a live claim was lost in the restart: B claimed %v", got)
		}
		if got := claim(t, s, "B", t0.Add(2*time.Hour), 10); fmt.Sprint(got) != "[held kept]" {
			t.Fatalf("after the restart and the claim's expiry: %v; want [held kept]", got)
		}
	})

	t.Run("CanceledContext", func(t *testing.T) {
		s, _ := open(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		for name, call := range map[string]func() error{
			"AddJobs":       func() error { _, err := s.AddJobs(ctx, job("z", t0)); return err },
			"ClaimDueJobs":  func() error { _, err := s.ClaimDueJobs(ctx, "A", t0, time.Minute, 1); return err },
			"CompleteJob":   func() error { return s.CompleteJob(ctx, "z", "A", t0) },
			"RescheduleJob": func() error { return s.RescheduleJob(ctx, job("z", t0), "A") },
			"FailJob":       func() error { return s.FailJob(ctx, "z", "A", "x", t0) },
			"GetJob":        func() error { _, _, err := s.GetJob(ctx, "z"); return err },
			"JobStats":      func() error { _, _, err := s.JobStats(ctx, t0); return err },
		} {
			if err := call(); !errors.Is(err, context.Canceled) {
				t.Errorf("%s with a canceled context: %v; want context.Canceled", name, err)
			}
		}
	})
}
