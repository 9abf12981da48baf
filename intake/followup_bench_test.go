package intake_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/schedule"
)

// BenchmarkFollowUps measures, on both stores, what follow-ups cost a
// desk of benchTickets open and closed tickets: scheduling every open
// ticket's jobs at start (ReconcileFollowUps, the upgrade case), and
// running the jobs that are due a month later (escalations, check-ins,
// deadline reminders; delivery is a no-op). Run with
//
//	go test ./intake -run XXX -bench FollowUps -benchtime 1x
func BenchmarkFollowUps(b *testing.B) {
	const benchTickets = 5000
	for _, site := range followSites(b) {
		b.Run(site.name, func(b *testing.B) {
			for range b.N {
				st := site.open(b)
				c := &clock{now: t0}
				svc := intake.NewService(st, intake.Options{Admins: []int64{admin}, Now: c.Now,
					FollowUp: intake.FollowUpOptions{Jobs: st, MediatorGroup: true}})
				seedFollowUps(b, st, benchTickets)
				c.Set(t0.Add(time.Duration(benchTickets) * 10 * time.Minute))
				start := time.Now()
				n, err := svc.ReconcileFollowUps(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				reconcile := time.Since(start)
				c.Set(c.Now().Add(30 * 24 * time.Hour))
				r, _ := schedule.NewRunner(st, func(ctx context.Context, j schedule.Job) (schedule.Result, error) {
					return svc.FollowUp(ctx, j, func(context.Context, intake.Reminder) error { return nil })
				}, schedule.Options{Owner: "bench", Now: c.Now, Batch: 100})
				start = time.Now()
				ran, err := r.RunDue(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				run := time.Since(start)
				b.ReportMetric(float64(n), "jobs")
				b.ReportMetric(reconcile.Seconds()*1000, "reconcile-ms")
				b.ReportMetric(float64(ran), "ran")
				b.ReportMetric(float64(ran)/run.Seconds(), "jobs/s")
			}
		})
	}
}

// seedFollowUps stores n tickets, filed ten minutes apart: a fifth
// unclaimed, the rest claimed, mediating, settled with a pay-by day or
// closed; half with an end of employment (a running deadline).
func seedFollowUps(b *testing.B, st intake.Store, n int) {
	b.Helper()
	ctx := context.Background()
	states := []intake.State{intake.StateNew, intake.StateClaimed, intake.StateInMediation, intake.StateSettled, intake.StateClosed}
	for i := range n {
		at := t0.Add(time.Duration(i) * 10 * time.Minute)
		s := states[i%len(states)]
		tk := intake.Ticket{WorkerID: int64(10000 + i), ChatID: int64(10000 + i), Lang: "zh", Types: []intake.DisputeType{intake.TypeDismissal},
			Employer: fmt.Sprintf("某某公司%d", i%700), Province: "广东", City: "深圳市", State: s, CreatedAt: at, UpdatedAt: at, ConsentAt: at}
		tk.EmployerKey = intake.NormalizeEmployer(tk.Employer)
		if i%2 == 0 {
			tk.EndDate = calc.Date(2025, 5, 1+i%28)
		}
		if s != intake.StateNew {
			tk.Mediator, tk.ClaimedAt = mediatorA, at.Add(time.Hour)
		}
		if s == intake.StateSettled {
			tk.Outcome, tk.SettledAmount, tk.PayBy = intake.OutcomeSettled, calc.Yuan(5000), calc.Date(2026, 4, 1+i%28)
		}
		if _, _, err := st.CreateTicket(ctx, fmt.Sprint("bench-", i), time.Hour, tk,
			intake.Event{Actor: tk.WorkerID, Role: intake.RoleWorker, Action: intake.ActionSubmit, To: intake.StateNew, At: at},
			intake.Notification{Action: intake.ActionSubmit, To: intake.StateNew, Role: intake.RoleWorker, At: at}); err != nil {
			b.Fatal(err)
		}
	}
}
