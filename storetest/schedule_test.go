package storetest_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/schedule"
	"github.com/laborbot/laborbot/storetest"
)

const scheduleBugEnv = "STORETEST_SCHEDULE_BUG"

// TestScheduleSuiteCatchesBugs runs TestScheduleStore against a bbolt
// store with one plausible mistake, in a child process, and checks that
// the subtest meant to catch it fails.
func TestScheduleSuiteCatchesBugs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process per bug")
	}
	for _, tc := range []struct{ bug, failing string }{
		{"add-forgets-done", "DoneIsNotAddedAgainWithinRetention"},
		{"claim-ignores-lease", "ClaimHeldUntilItExpires"},
		{"claim-ignores-due", "ClaimsDueJobsEarliestFirst"},
		{"complete-ignores-owner", "ClaimHeldUntilItExpires"},
		{"reschedule-keeps-due", "Reschedule"},
		{"ignores-context", "CanceledContext"},
	} {
		t.Run(tc.bug, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBuggyScheduleStore$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), scheduleBugEnv+"="+tc.bug)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a store with bug %q:\n%s", tc.bug, out)
			}
			if want := "--- FAIL: TestBuggyScheduleStore/" + tc.failing + " "; !strings.Contains(string(out), want) {
				t.Fatalf("bug %q: output lacks %q:\n%s", tc.bug, want, out)
			}
		})
	}
}

// TestBuggyScheduleStore is the child process of TestScheduleSuiteCatchesBugs.
func TestBuggyScheduleStore(t *testing.T) {
	bug := os.Getenv(scheduleBugEnv)
	if bug == "" {
		t.Skip("only run as a child process of TestScheduleSuiteCatchesBugs")
	}
	storetest.TestScheduleStore(t, func(t *testing.T) (schedule.Store, func() schedule.Store) {
		path := filepath.Join(t.TempDir(), "laborbot.db")
		open := func() *bolt.Store {
			s, err := bolt.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
		s := open()
		return &buggySchedule{Store: s, bug: bug}, func() schedule.Store {
			s.Close()
			return &buggySchedule{Store: open(), bug: bug}
		}
	})
}

// buggySchedule is a correct store with one mistake added.
type buggySchedule struct {
	*bolt.Store
	bug string
}

func (b *buggySchedule) ctx(ctx context.Context) context.Context {
	if b.bug == "ignores-context" {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (b *buggySchedule) AddJobs(ctx context.Context, jobs ...schedule.Job) (int, error) {
	if b.bug == "add-forgets-done" {
		// Adds under a fresh id what was done before.
		for i, j := range jobs {
			if _, st, _ := b.Store.GetJob(ctx, j.ID); st == schedule.StatusDone {
				jobs[i].ID += "-again"
			}
		}
	}
	return b.Store.AddJobs(b.ctx(ctx), jobs...)
}

func (b *buggySchedule) GetJob(ctx context.Context, id string) (schedule.Job, schedule.Status, error) {
	if b.bug == "add-forgets-done" {
		if j, st, err := b.Store.GetJob(ctx, id+"-again"); st != schedule.StatusNone || err != nil {
			return j, st, err
		}
	}
	return b.Store.GetJob(b.ctx(ctx), id)
}

func (b *buggySchedule) ClaimDueJobs(ctx context.Context, owner string, now time.Time, lease time.Duration, max int) ([]schedule.Job, error) {
	switch b.bug {
	case "claim-ignores-lease":
		lease = 0
	case "claim-ignores-due":
		now = now.Add(24 * time.Hour)
	}
	return b.Store.ClaimDueJobs(b.ctx(ctx), owner, now, lease, max)
}

func (b *buggySchedule) CompleteJob(ctx context.Context, id, owner string, now time.Time) error {
	if b.bug == "complete-ignores-owner" {
		// Completes whoever holds the claim.
		if err := b.Store.CompleteJob(ctx, id, owner, now); err == nil {
			return nil
		}
		for _, o := range []string{"A", "B"} {
			if err := b.Store.CompleteJob(ctx, id, o, now); err == nil {
				return nil
			}
		}
	}
	return b.Store.CompleteJob(b.ctx(ctx), id, owner, now)
}

func (b *buggySchedule) RescheduleJob(ctx context.Context, j schedule.Job, owner string) error {
	if b.bug == "reschedule-keeps-due" {
		if old, _, err := b.Store.GetJob(ctx, j.ID); err == nil {
			j.Due = old.Due
		}
	}
	return b.Store.RescheduleJob(b.ctx(ctx), j, owner)
}

func (b *buggySchedule) FailJob(ctx context.Context, id, owner, reason string, now time.Time) error {
	return b.Store.FailJob(b.ctx(ctx), id, owner, reason, now)
}

func (b *buggySchedule) JobStats(ctx context.Context, now time.Time) (int, time.Time, error) {
	return b.Store.JobStats(b.ctx(ctx), now)
}
