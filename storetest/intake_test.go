package storetest_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/storetest"
)

// intakeBugEnv tells a child test process which bug its intake store has.
const intakeBugEnv = "STORETEST_INTAKE_BUG"

// TestIntakeSuiteCatchesBugs runs TestIntakeStore against a bbolt store
// with one plausible mistake wrapped around it, in a child process (a
// failing suite would otherwise fail this test), and checks that the
// subtest meant to catch the mistake fails.
func TestIntakeSuiteCatchesBugs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process per bug")
	}
	for _, tc := range []struct {
		bug     string
		failing string // a subtest of TestBuggyIntakeStore that must fail
	}{
		{"submission-key-ignored", "Submissions/SameKeyOneTicket"},
		{"no-version-check", "Updates/StaleVersionConflicts"},
		{"replace-appends", "Updates/ReplaceEvents"},
		{"employer-index-stale", "Employers"},
		{"read-redelivers-pending", "Queue/InOrderOnce"},
		{"claim-ignores-idle", "Queue/UnackedIsReclaimedAfterMinIdle"},
		{"ack-noop", "Queue/UnackedIsReclaimedAfterMinIdle"},
		{"no-block", "Queue/BlockWaitsForEntries"},
		{"ignores-context", "CanceledContext"},
		{"audit-before-ignored", "Audit/NewestFirstWithFiltersAndPages"},
		{"audit-filter-ignored", "Audit/NewestFirstWithFiltersAndPages"},
	} {
		t.Run(tc.bug, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBuggyIntakeStore$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), intakeBugEnv+"="+tc.bug)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a store with bug %q:\n%s", tc.bug, out)
			}
			if want := "--- FAIL: TestBuggyIntakeStore/" + tc.failing + " "; !strings.Contains(string(out), want) {
				t.Fatalf("bug %q: output lacks %q:\n%s", tc.bug, want, out)
			}
		})
	}
}

// TestBuggyIntakeStore is the child process of TestIntakeSuiteCatchesBugs.
func TestBuggyIntakeStore(t *testing.T) {
	bug := os.Getenv(intakeBugEnv)
	if bug == "" {
		t.Skip("only run as a child process of TestIntakeSuiteCatchesBugs")
	}
	storetest.TestIntakeStore(t, func(t *testing.T) intake.Store {
		s, err := bolt.Open(filepath.Join(t.TempDir(), "laborbot.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return &buggyIntake{Store: s, bug: bug}
	})
}

// buggyIntake is a correct store with one mistake added.
type buggyIntake struct {
	*bolt.Store
	bug string
}

func (b *buggyIntake) CreateTicket(ctx context.Context, key string, ttl time.Duration, t intake.Ticket, e intake.Event, n intake.Notification) (int64, bool, error) {
	if b.bug == "submission-key-ignored" {
		r := make([]byte, 8)
		rand.Read(r)
		key = hex.EncodeToString(r)
	}
	return b.Store.CreateTicket(b.ctx(ctx), key, ttl, t, e, n)
}

func (b *buggyIntake) UpdateTicket(ctx context.Context, u intake.TicketUpdate) error {
	old, err := b.Store.GetTicket(b.ctx(ctx), u.Ticket.Number)
	switch {
	case err != nil:
	case b.bug == "no-version-check":
		u.Ticket.Version = old.Version
	case b.bug == "employer-index-stale":
		// The index keeps the ticket under the employer it was filed with.
		u.Ticket.EmployerKey = old.EmployerKey
	case b.bug == "replace-appends":
		u.ReplaceEvents = false
	}
	return b.Store.UpdateTicket(b.ctx(ctx), u)
}

func (b *buggyIntake) ReadQueue(ctx context.Context, consumer string, count int, block time.Duration) ([]intake.QueueEntry, error) {
	if b.bug == "no-block" {
		block = 0
	}
	es, err := b.Store.ReadQueue(b.ctx(ctx), consumer, count, block)
	if b.bug == "read-redelivers-pending" && err == nil {
		stale, _ := b.Store.ClaimStale(ctx, consumer, 0, count)
		es = append(stale, es...)
	}
	return es, err
}

func (b *buggyIntake) ClaimStale(ctx context.Context, consumer string, minIdle time.Duration, count int) ([]intake.QueueEntry, error) {
	if b.bug == "claim-ignores-idle" {
		minIdle = 0
	}
	return b.Store.ClaimStale(b.ctx(ctx), consumer, minIdle, count)
}

func (b *buggyIntake) AckQueue(ctx context.Context, ids ...string) error {
	if b.bug == "ack-noop" {
		return ctx.Err()
	}
	return b.Store.AckQueue(b.ctx(ctx), ids...)
}

func (b *buggyIntake) RecordConsent(ctx context.Context, userID int64, at time.Time) error {
	return b.Store.RecordConsent(b.ctx(ctx), userID, at)
}

func (b *buggyIntake) AddMediator(ctx context.Context, userID int64) error {
	return b.Store.AddMediator(b.ctx(ctx), userID)
}

func (b *buggyIntake) Enqueue(ctx context.Context, n intake.Notification) (string, error) {
	return b.Store.Enqueue(b.ctx(ctx), n)
}

func (b *buggyIntake) ListStaffAudit(ctx context.Context, f intake.AuditFilter) ([]intake.AuditRecord, error) {
	switch b.bug {
	case "audit-before-ignored":
		f.Before = ""
	case "audit-filter-ignored":
		f.UserID, f.Ticket, f.Action = 0, 0, ""
	}
	return b.Store.ListStaffAudit(b.ctx(ctx), f)
}

// ctx drops cancellation for the "ignores-context" bug.
func (b *buggyIntake) ctx(ctx context.Context) context.Context {
	if b.bug == "ignores-context" {
		return context.WithoutCancel(ctx)
	}
	return ctx
}
