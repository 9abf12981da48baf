package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/web"
)

// benchTickets is how many tickets the benchmarks' desk holds.
const benchTickets = 20_000

// seed fills the store with n tickets over two years, in every state,
// across provinces, employers and mediators, straight through the store.
func seed(b *testing.B, e *env, n int) {
	b.Helper()
	ctx := context.Background()
	provinces := [][2]string{{"广东", "深圳市"}, {"广东", "东莞市"}, {"浙江", "杭州市"}, {"四川", "成都市"}, {"江苏", "苏州市"}, {"河南", "郑州市"}, {"山西", "太原市"}}
	states := []intake.State{intake.StateNew, intake.StateClaimed, intake.StateInMediation, intake.StateSettled, intake.StateNotSettled,
		intake.StateReferredArbitration, intake.StateClosed, intake.StateClosed, intake.StateSettled, intake.StateWithdrawn}
	start := time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC)
	types := intake.DisputeTypes()
	for i := range n {
		p := provinces[i%len(provinces)]
		at := start.Add(time.Duration(i) * 50 * time.Minute)
		st := states[(i*7)%len(states)]
		tk := intake.Ticket{WorkerID: int64(100000 + i), ChatID: int64(100000 + i), Types: []intake.DisputeType{types[i%len(types)]},
			Employer: fmt.Sprintf("%s某某公司%d", p[1], i%1500), Province: p[0], City: p[1], Coworkers: i % 13,
			Name: fmt.Sprintf("工人%d", i), Phone: "13800000000", Claimed: calc.Yuan(int64(2000 + i%9000)), MonthlyWage: calc.Yuan(6000),
			State: st, CreatedAt: at, UpdatedAt: at, ConsentAt: at}
		tk.EmployerKey = intake.NormalizeEmployer(tk.Employer)
		tk.NameKey = e.svc.NameKey(tk.Name)
		if st != intake.StateNew {
			tk.Mediator, tk.ClaimedAt = mediatorA+int64(i%2), at.Add(time.Duration(1+i%40)*time.Hour)
		}
		switch st {
		case intake.StateSettled, intake.StateClosed:
			tk.Outcome, tk.SettledAmount, tk.ConcludedAt = intake.OutcomeSettled, calc.Yuan(int64(1000+i%8000)), at.Add(time.Duration(48+i%500)*time.Hour)
		case intake.StateNotSettled, intake.StateReferredArbitration:
			tk.Outcome, tk.ConcludedAt = intake.OutcomeNotSettled, at.Add(time.Duration(48+i%500)*time.Hour)
		}
		if st == intake.StateClosed || st == intake.StateWithdrawn {
			tk.ClosedAt = at.Add(time.Duration(100+i%900) * time.Hour)
		}
		if _, _, err := e.store.CreateTicket(ctx, fmt.Sprint("bench-", i), time.Hour, tk,
			intake.Event{Actor: tk.WorkerID, Role: intake.RoleWorker, Action: intake.ActionSubmit, To: intake.StateNew, At: at},
			intake.Notification{Action: intake.ActionSubmit, To: intake.StateNew, Role: intake.RoleWorker, At: at}); err != nil {
			b.Fatal(err)
		}
	}
	e.clock.now = start.Add(time.Duration(n) * 50 * time.Minute)
}

// BenchmarkConsole measures the server time of a queue page (plain and
// filtered) and the dashboard with 20,000 tickets, on both stores:
//
//	go test ./web/console -run XXX -bench Console -benchtime 50x
func BenchmarkConsole(b *testing.B) {
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			e := newEnv(b, st.open)
			seed(b, e, benchTickets)
			id := web.NewToken()
			now := e.clock.Now()
			if err := e.store.PutSession(context.Background(), web.Session{Hash: web.TokenHash(id), UserID: mediatorA, Site: "console", At: now, LastSeen: now}, 24*time.Hour); err != nil {
				b.Fatal(err)
			}
			for _, page := range []struct{ name, path string }{
				{"queue", "/console/"},
				{"queue-page-40", "/console/?view=all&page=40"},
				{"queue-mine", "/console/?view=mine"},
				{"queue-filtered", "/console/?view=all&province=广东&type=overtime&from=2025-01-01&to=2025-12-31"},
				{"queue-search-employer", "/console/?q=东莞市某某公司12"},
				{"dashboard", "/console/dashboard"},
			} {
				b.Run(page.name, func(b *testing.B) {
					for b.Loop() {
						req := httptest.NewRequest("GET", page.path, nil)
						req.AddCookie(&http.Cookie{Name: "__Host-laborbot_console", Value: id})
						rec := httptest.NewRecorder()
						e.console.ServeHTTP(rec, req)
						if rec.Code != 200 {
							b.Fatalf("%s: %d", page.path, rec.Code)
						}
					}
				})
			}
		})
	}
}
