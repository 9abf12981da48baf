package intake_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/intake"
)

// TestAuditLog checks that staff actions reach the audit log without
// personal data, workers' own actions do not, and only admins read it.
func TestAuditLog(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		f := newFixture(t, open, nil)
		ctx := t.Context()
		const worker = 42
		tk := f.submit(t, worker, complaint{})
		if _, err := f.svc.Claim(ctx, mediatorA, tk.Number); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddNote(ctx, mediatorA, tk.Number, "王小明说老板电话是13987654321"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Transition(ctx, mediatorA, tk.Number, intake.StateInMediation, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Export(ctx, admin, &bytes.Buffer{}, intake.FormatCSV); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RecordAudit(ctx, mediatorB, intake.ActionSignIn, 0, "console"); err != nil {
			t.Fatal(err)
		}
		// A worker's action and a refused one leave no record.
		if _, err := f.svc.Withdraw(ctx, worker, tk.Number, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RecordAudit(ctx, worker, intake.ActionSignIn, 0, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Claim(ctx, worker, tk.Number); !errors.Is(err, intake.ErrForbidden) {
			t.Fatalf("a worker claiming: %v", err)
		}

		got, err := f.svc.Audit(ctx, admin, intake.AuditFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, r := range got {
			lines = append(lines, fmt.Sprintf("%d %s %s #%d %s", r.UserID, r.Role, r.Action, r.Ticket, r.Detail))
		}
		want := []string{
			"501 mediator sign_in #0 console",
			"900 admin export #0 csv",
			"500 mediator transition #1 claimed → in_mediation",
			"500 mediator note #1 ",
			"500 mediator claim #1 new → claimed",
			"900 admin manage_mediators #0 add 501",
			"900 admin manage_mediators #0 add 500",
		}
		if strings.Join(lines, "\n") != strings.Join(want, "\n") {
			t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}
		for _, r := range got {
			if !r.At.Equal(t0) {
				t.Fatalf("record %+v: At is not the service clock's time", r)
			}
		}
		// Filtering by ticket and by user.
		if got, _ := f.svc.Audit(ctx, admin, intake.AuditFilter{Ticket: tk.Number}); len(got) != 3 {
			t.Fatalf("ticket filter: %d records; want 3", len(got))
		}
		if got, _ := f.svc.Audit(ctx, admin, intake.AuditFilter{UserID: mediatorB}); len(got) != 1 {
			t.Fatalf("user filter: %d records; want 1", len(got))
		}
		for _, who := range []int64{mediatorA, worker} {
			if _, err := f.svc.Audit(ctx, who, intake.AuditFilter{}); !errors.Is(err, intake.ErrForbidden) {
				t.Fatalf("user %d reading the audit log: %v; want ErrForbidden", who, err)
			}
		}
	})
}
