package intake_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/redis"
	"github.com/laborbot/laborbot/schedule"
)

// Follow-ups are tested on both stores with a clock the tests move: a
// reminder fires when the runner finds it due at the clock's time, so no
// test sleeps.

// followStore is what follow-ups need of a store.
type followStore interface {
	intake.Store
	schedule.Store
}

// storeSite opens the same stored data as often as a test restarts: a
// file for bolt, a key prefix for Redis.
type storeSite struct {
	name string
	open func(t testing.TB) followStore
}

func followSites(t testing.TB) []storeSite {
	t.Helper()
	path := filepath.Join(t.TempDir(), "laborbot.db")
	boltSite := storeSite{name: "bolt", open: func(t testing.TB) followStore {
		s, err := bolt.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}}
	b := make([]byte, 8)
	rand.Read(b)
	prefix := "laborbot-test:" + hex.EncodeToString(b) + ":"
	redisSite := storeSite{name: "redis", open: func(t testing.TB) followStore {
		client := redisClient(t)
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			for _, k := range redisKeys(t, ctx, client, prefix) {
				client.Del(ctx, k)
			}
			client.Close()
		})
		return redis.New(client, prefix)
	}}
	return []storeSite{boltSite, redisSite}
}

// redisClient connects to the test Redis (skipped without one unless CI
// is set, as in openRedis).
func redisClient(t testing.TB) goredis.UniversalClient {
	t.Helper()
	url := os.Getenv("REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379"
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("REDIS_URL: %v", err)
	}
	probeOpts := *opts
	probeOpts.DialerRetries, probeOpts.MaxRetries = 1, -1
	probe := goredis.NewUniversalClient(&probeOpts)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	err = probe.Ping(ctx).Err()
	cancel()
	probe.Close()
	if err != nil {
		msg := "no Redis at " + strings.Join(opts.Addrs, ",") + ": " + err.Error()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg + "; skipping because CI is not set")
	}
	return goredis.NewUniversalClient(opts)
}

func forEachSite(t *testing.T, fn func(t *testing.T, site storeSite)) {
	for _, s := range followSites(t) {
		t.Run(s.name, func(t *testing.T) { fn(t, s) })
	}
}

// inbox collects the reminders a runner delivers.
type inbox struct {
	mu   sync.Mutex
	got  []intake.Reminder
	fail int // fail the next n deliveries
}

func (b *inbox) deliver(_ context.Context, r intake.Reminder) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fail > 0 {
		b.fail--
		return errors.New("the channel is down")
	}
	b.got = append(b.got, r)
	return nil
}

// take returns what arrived since the last take, as "kind→audience#ticket".
func (b *inbox) take() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, r := range b.got {
		out = append(out, fmt.Sprintf("%s→%s#%d", r.Kind, r.To, r.Ticket.Number))
	}
	b.got = nil
	slices.Sort(out)
	return out
}

func (b *inbox) last() intake.Reminder {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.got) == 0 {
		return intake.Reminder{}
	}
	return b.got[len(b.got)-1]
}

// replica is one process: a Service and a Runner on a store.
type replica struct {
	store  followStore
	svc    *intake.Service
	runner *schedule.Runner
}

type followEnv struct {
	site  storeSite
	clock *clock
	inbox *inbox
	opts  intake.FollowUpOptions
	*replica
}

func newFollowEnv(t *testing.T, site storeSite) *followEnv {
	t.Helper()
	e := &followEnv{site: site, clock: &clock{now: t0}, inbox: &inbox{},
		opts: intake.FollowUpOptions{EscalateAfter: 24 * time.Hour, MediatorGroup: true}}
	e.replica = e.start(t, "replica-1")
	for _, m := range []int64{mediatorA, mediatorB} {
		if err := e.svc.AddMediator(t.Context(), admin, m); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// start opens the store (again, after a restart) and makes a Service and
// a Runner on it.
func (e *followEnv) start(t *testing.T, owner string) *replica {
	t.Helper()
	st := e.site.open(t)
	o := e.opts
	o.Jobs = st
	svc := intake.NewService(st, intake.Options{Admins: []int64{admin, admin + 1}, Now: e.clock.Now, FollowUp: o})
	r, err := schedule.NewRunner(st, func(ctx context.Context, j schedule.Job) (schedule.Result, error) {
		return svc.FollowUp(ctx, j, e.inbox.deliver)
	}, schedule.Options{Owner: owner, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return &replica{store: st, svc: svc, runner: r}
}

// at moves the clock to at and runs what is due; it returns what was
// delivered.
func (e *followEnv) at(t *testing.T, at time.Time) []string {
	t.Helper()
	e.clock.Set(at)
	if _, err := e.runner.RunDue(t.Context()); err != nil {
		t.Fatal(err)
	}
	return e.inbox.take()
}

func (e *followEnv) submit(t *testing.T, worker int64, cp complaint) intake.Ticket {
	t.Helper()
	iv := interview(t, e.clock, cp)
	tk, created, err := e.svc.SubmitInterview(t.Context(), intake.Submitter{UserID: worker, ChatID: worker, Lang: "zh"}, "", iv)
	if err != nil || !created {
		t.Fatalf("SubmitInterview: %v, created %v", err, created)
	}
	return tk
}

func (e *followEnv) reminderEvents(t *testing.T, number int64) []string {
	t.Helper()
	events, err := e.svc.Events(t.Context(), admin, number)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range events {
		if ev.Action == intake.ActionReminder {
			if ev.Role != intake.RoleSystem || ev.Actor != 0 {
				t.Errorf("a reminder event by %s %d", ev.Role, ev.Actor)
			}
			out = append(out, ev.Note)
		}
	}
	return out
}

func want(t *testing.T, got []string, want ...string) {
	t.Helper()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("delivered %q; want %q", got, want)
	}
}

// cst is o'clock on a day in China time.
func cst(y int, m time.Month, d, hour, minute int) time.Time {
	return time.Date(y, m, d, hour, minute, 0, 0, intake.Reporting)
}

func TestEscalationOfUnclaimedTickets(t *testing.T) {
	forEachSite(t, func(t *testing.T, site storeSite) {
		e := newFollowEnv(t, site)
		// t0 is 16:00 in China: filed in the afternoon.
		tk := e.submit(t, 700, complaint{})
		claimed := e.submit(t, 701, complaint{})
		if _, err := e.svc.Claim(t.Context(), mediatorA, claimed.Number); err != nil {
			t.Fatal(err)
		}
		want(t, e.at(t, t0.Add(24*time.Hour-time.Minute)))
		want(t, e.at(t, t0.Add(24*time.Hour)), "escalate_group→group#1", "escalate_worker→worker#1")
		want(t, e.at(t, t0.Add(25*time.Hour)))
		want(t, e.at(t, t0.Add(48*time.Hour)), "escalate_admins→admin#1", "escalate_admins→admin#1")
		// Only the claimed ticket's check-in from now on.
		want(t, e.at(t, t0.Add(30*24*time.Hour)), "checkin→mediator#2")
		if got := e.reminderEvents(t, tk.Number); len(got) != 3 {
			t.Errorf("reminder events: %q; want three", got)
		}
		if got := e.reminderEvents(t, claimed.Number); len(got) != 1 || !strings.Contains(got[0], "progress check-in") {
			t.Errorf("the claimed ticket was escalated: %q", got)
		}
	})
}

func TestEscalationTellsTheWorkerHonestly(t *testing.T) {
	forEachSite(t, func(t *testing.T, site storeSite) {
		e := newFollowEnv(t, site)
		e.submit(t, 700, complaint{})
		e.clock.Set(t0.Add(24 * time.Hour))
		e.runner.RunDue(t.Context())
		var worker, group intake.Reminder
		for _, r := range e.inbox.got {
			switch r.To {
			case intake.ToWorker:
				worker = r
			case intake.ToGroup:
				group = r
			}
		}
		if worker.ChatID != 700 || !strings.Contains(worker.Text, "12351") || !strings.Contains(worker.Text, "还在等待调解员受理") {
			t.Errorf("the worker's notice: %+v", worker)
		}
		if !strings.Contains(group.Text, "#1") || strings.Contains(group.Text, "13987654321") || strings.Contains(group.Text, "王小明") {
			t.Errorf("the group's reminder must show the ticket masked: %s", group.Text)
		}
	})
}

func TestQuietHoursByTheWorkersClock(t *testing.T) {
	forEachSite(t, func(t *testing.T, site storeSite) {
		e := newFollowEnv(t, site)
		// Filed at 23:00 China time: the reminders are due at 23:00 the
		// next night.
		e.clock.Set(cst(2026, 3, 2, 23, 0))
		e.submit(t, 700, complaint{})                       // 广东
		e.submit(t, 702, complaint{province: "新疆乌鲁木齐市天山区"}) // Xinjiang: quiet until 08:00 Xinjiang time
		want(t, e.at(t, cst(2026, 3, 3, 23, 0)))
		want(t, e.at(t, cst(2026, 3, 4, 7, 59)))
		want(t, e.at(t, cst(2026, 3, 4, 8, 0)), "escalate_group→group#1", "escalate_group→group#2", "escalate_worker→worker#1")
		want(t, e.at(t, cst(2026, 3, 4, 9, 59)))
		want(t, e.at(t, cst(2026, 3, 4, 10, 0)), "escalate_worker→worker#2")
		want(t, e.at(t, cst(2026, 3, 4, 12, 0)))
	})
}

func TestQuietUntil(t *testing.T) {
	xj := intake.ProvinceClocks("新疆")
	gd := intake.ProvinceClocks("广东")
	for _, tc := range []struct {
		at     time.Time
		clocks []*time.Location
		want   time.Time // zero: not quiet
	}{
		{cst(2026, 1, 1, 21, 59), gd, time.Time{}},
		{cst(2026, 1, 1, 22, 0), gd, cst(2026, 1, 2, 8, 0)},
		{cst(2026, 1, 2, 3, 0), gd, cst(2026, 1, 2, 8, 0)},
		{cst(2026, 1, 2, 8, 0), gd, time.Time{}},
		{cst(2026, 1, 2, 8, 0), xj, cst(2026, 1, 2, 10, 0)}, // 06:00 in Xinjiang time
		{cst(2026, 1, 1, 23, 0), xj, cst(2026, 1, 2, 10, 0)},
		{cst(2026, 1, 2, 21, 59), xj, time.Time{}},
		{cst(2026, 1, 2, 22, 0), xj, cst(2026, 1, 3, 10, 0)},
	} {
		got, quiet := intake.QuietUntil(tc.at, tc.clocks)
		if quiet != !tc.want.IsZero() || (quiet && !got.Equal(tc.want)) {
			t.Errorf("QuietUntil(%s, %d clocks) = %s, %v; want %s", tc.at, len(tc.clocks), got, quiet, tc.want)
		}
	}
}

func TestCheckInAfterAWeekWithoutEvents(t *testing.T) {
	forEachSite(t, func(t *testing.T, site storeSite) {
		e := newFollowEnv(t, site)
		tk := e.submit(t, 700, complaint{})
		if _, err := e.svc.Claim(t.Context(), mediatorA, tk.Number); err != nil {
			t.Fatal(err)
		}
		day := 24 * time.Hour
		want(t, e.at(t, t0.Add(7*day-time.Minute)))
		want(t, e.at(t, t0.Add(7*day)), "checkin→mediator#1")
		// The prompt itself is not progress: a week later, again.
		want(t, e.at(t, t0.Add(14*day)), "checkin→mediator#1")
		// The mediator acts on day 15: the next prompt is a week after that.
		e.clock.Set(t0.Add(15 * day))
		if _, err := e.svc.AddNote(t.Context(), mediatorA, tk.Number, "called the employer"); err != nil {
			t.Fatal(err)
		}
		want(t, e.at(t, t0.Add(21*day)))
		want(t, e.at(t, t0.Add(22*day)), "checkin→mediator#1")
		// Closed: no more prompts.
		if _, err := e.svc.Close(t.Context(), mediatorA, tk.Number, ""); err != nil {
			t.Fatal(err)
		}
		want(t, e.at(t, t0.Add(60*day)))
	})
}

// settle walks a ticket to a settlement paid by payBy.
func (e *followEnv) settle(t *testing.T, number int64, amount string, payBy time.Time) intake.Ticket {
	t.Helper()
	ctx := t.Context()
	if _, err := e.svc.Claim(ctx, mediatorA, number); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Transition(ctx, mediatorA, number, intake.StateInMediation, ""); err != nil {
		t.Fatal(err)
	}
	m, err := calc.ParseMoney(amount)
	if err != nil {
		t.Fatal(err)
	}
	tk, err := e.svc.Settle(ctx, mediatorA, number, m, payBy, "")
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestPaymentFollowUp(t *testing.T) {
	forEachSite(t, func(t *testing.T, site storeSite) {
		e := newFollowEnv(t, site)
		ctx := t.Context()
		payBy := calc.Date(2026, 3, 31)
		for _, w := range []int64{700, 701, 702} {
			tk := e.submit(t, w, complaint{})
			e.settle(t, tk.Number, "15000", payBy)
		}
		// Worker 702 turns reminders off: the mediator checks instead.
		if _, err := e.svc.SetReminders(ctx, 702, 3, false); err != nil {
			t.Fatal(err)
		}
		e.inbox.take()
		want(t, e.at(t, cst(2026, 3, 31, 17, 59)))
		want(t, e.at(t, cst(2026, 3, 31, 18, 0)), "payment→mediator#3", "payment→worker#1", "payment→worker#2")
		want(t, e.at(t, cst(2026, 3, 31, 19, 0)))
		if notes := e.reminderEvents(t, 3); len(notes) != 2 || !strings.Contains(notes[0], "关闭") {
			t.Errorf("the opted-out worker's trail: %q", notes)
		}
		if _, err := e.store.ReadQueue(ctx, "drain", 1000, 0); err != nil {
			t.Fatal(err)
		}

		// Worker 1 was paid in full: closed with the amount.
		tk, err := e.svc.ReportPayment(ctx, 700, 1, intake.PaidFull, 0)
		if err != nil {
			t.Fatal(err)
		}
		if tk.State != intake.StateClosed || tk.FollowUp.PaidAmount != 15000_00 || tk.FollowUp.Payment != intake.PaidFull {
			t.Fatalf("after paid in full: %s %s %s", tk.State, tk.FollowUp.Payment, tk.FollowUp.PaidAmount)
		}
		if !strings.Contains(intake.PaymentReplyText(tk, "zh"), "已结案") {
			t.Errorf("reply: %s", intake.PaymentReplyText(tk, "zh"))
		}
		// Worker 2 got nothing: the ticket stays open, the mediator is
		// alerted through the queue, the worker gets the next steps.
		if _, err := e.svc.ReportPayment(ctx, 701, 2, intake.PaidPart, 15000_00); err == nil {
			t.Error("a part payment as large as the whole was accepted")
		}
		if _, err := e.svc.ReportPayment(ctx, 700, 2, intake.PaidNone, 0); !errors.Is(err, intake.ErrForbidden) {
			t.Errorf("another worker answered for #2: %v", err)
		}
		tk, err = e.svc.ReportPayment(ctx, 701, 2, intake.PaidNone, 0)
		if err != nil {
			t.Fatal(err)
		}
		if tk.State != intake.StateSettled || tk.FollowUp.Payment != intake.PaidNone {
			t.Fatalf("after nothing paid: %s %s", tk.State, tk.FollowUp.Payment)
		}
		reply := intake.PaymentReplyText(tk, "zh")
		for _, s := range []string{"支付令", "《劳动争议调解仲裁法》第16条", "《劳动争议解释（一）》第13条", "《劳动争议调解仲裁法》第15条", "《劳动争议解释（一）》第52条", "调解协议书", "身份证"} {
			if !strings.Contains(reply, s) {
				t.Errorf("the next steps lack %q:\n%s", s, reply)
			}
		}
		if alert := intake.PaymentAlertText(tk, "zh"); !strings.Contains(alert, "没有按调解协议付款") {
			t.Errorf("alert: %s", alert)
		}
		es, err := e.store.ReadQueue(ctx, "drain", 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		var payments int
		for _, en := range es {
			if en.Notification.Action == intake.ActionPayment {
				payments++
			}
		}
		if payments != 2 {
			t.Errorf("%d payment notifications queued; want 2 (paid, not paid)", payments)
		}
		// The limitation reminders apply again to an unpaid settlement;
		// the check-in prompts the mediator after a quiet week.
		want(t, e.at(t, cst(2026, 4, 8, 12, 0)), "checkin→mediator#2", "checkin→mediator#3")
		if _, err := e.svc.ReportPayment(ctx, 701, 1, intake.PaidFull, 0); !errors.Is(err, intake.ErrForbidden) {
			t.Errorf("answering for a closed ticket of someone else: %v", err)
		}
		if _, err := e.svc.ReportPayment(ctx, 700, 1, intake.PaidNone, 0); !errors.Is(err, intake.ErrNotAwaitingPayment) {
			t.Errorf("answering again for a closed ticket: %v", err)
		}
		st, err := e.svc.Stats(ctx, admin, e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if st.Payments[intake.PaidFull] != 1 || st.Payments[intake.PaidNone] != 1 || st.PaidAmount != 15000_00 {
			t.Errorf("stats: %+v %s", st.Payments, st.PaidAmount)
		}
	})
}

func TestPaymentAnsweredEarlyMakesTheJobDoNothing(t *testing.T) {
	forEachSite(t, func(t *testing.T, site storeSite) {
		e := newFollowEnv(t, site)
		tk := e.submit(t, 700, complaint{})
		e.settle(t, tk.Number, "8000", calc.Date(2026, 3, 20))
		if _, err := e.svc.ReportPayment(t.Context(), 700, tk.Number, intake.PaidFull, 0); err != nil {
			t.Fatal(err)
		}
		e.inbox.take()
		want(t, e.at(t, cst(2026, 3, 20, 18, 0)))
	})
}

func TestLimitationReminders(t *testing.T) {
	forEachSite(t, func(t *testing.T, site storeSite) {
		e := newFollowEnv(t, site)
		// Dismissed on 2025-06-15: the year ends on 2026-06-15.
		tk := e.submit(t, 700, complaint{types: "5", end: "2025-06-15"})
		e.submit(t, 701, complaint{types: "5", end: "2025-06-15"})
		if lim := intake.LimitationOf(tk); !lim.Running || lim.Last != calc.Date(2026, 6, 15) {
			t.Fatalf("LimitationOf = %+v", lim)
		}
		if !strings.Contains(tk.Text("zh"), "2026-06-15 前申请仲裁") {
			t.Errorf("mediators do not see the deadline on the ticket:\n%s", tk.Text("zh"))
		}
		if _, err := e.svc.Withdraw(t.Context(), 700, tk.Number, ""); err != nil {
			t.Fatal(err)
		}
		e.at(t, t0.Add(3*24*time.Hour)) // the escalations
		want(t, e.at(t, cst(2026, 4, 16, 9, 59)))
		want(t, e.at(t, cst(2026, 4, 16, 10, 0)), "limitation→worker#2")
		want(t, e.at(t, cst(2026, 5, 31, 12, 0)))
		want(t, e.at(t, cst(2026, 6, 1, 10, 0)), "limitation→worker#2")
		want(t, e.at(t, cst(2026, 6, 20, 10, 0)))
	})
}

func TestLimitationCloseToTheDeadlineRemindsOnce(t *testing.T) {
	forEachSite(t, func(t *testing.T, site storeSite) {
		e := newFollowEnv(t, site)
		// Filed on 2026-03-02 with the year ending on 2026-04-01 (30 days
		// left): the 60-day reminder's moment has passed, so one reminder
		// goes now, and the 14-day one on its day.
		e.submit(t, 700, complaint{types: "5", end: "2025-04-01"})
		// ...and one 10 days before its deadline: one reminder now only.
		e.submit(t, 701, complaint{types: "5", end: "2025-03-12"})
		// ...and one already past it: none.
		e.submit(t, 702, complaint{types: "5", end: "2025-02-01"})
		want(t, e.at(t, t0.Add(time.Minute)), "limitation→worker#1", "limitation→worker#2")
		e.at(t, t0.Add(3*24*time.Hour)) // the escalations
		want(t, e.at(t, cst(2026, 3, 18, 9, 59)))
		want(t, e.at(t, cst(2026, 3, 18, 10, 0)), "limitation→worker#1")
		want(t, e.at(t, cst(2026, 4, 30, 10, 0)))
	})
}

func TestStillEmployedWageClaimHasNoDeadline(t *testing.T) {
	tk := intake.Ticket{State: intake.StateNew, Types: []intake.DisputeType{intake.TypeUnpaidWages, intake.TypeOvertime}}
	if lim := intake.LimitationOf(tk); !lim.Known || lim.Running {
		t.Errorf("wages while employed: %+v", lim)
	}
	tk.Types = append(tk.Types, intake.TypeDismissal)
	if lim := intake.LimitationOf(tk); lim.Known {
		t.Errorf("a dismissal claim while employed has no known start: %+v", lim)
	}
	if !strings.Contains(tk.Text("zh"), "无法从填写的日期估算") {
		t.Errorf("ticket text: %s", tk.Text("zh"))
	}
	tk.EndDate = calc.Date(2024, 2, 29)
	if lim := intake.LimitationOf(tk); !lim.Running || lim.Last != calc.Date(2025, 2, 28) {
		t.Errorf("from 29 February: %+v", lim)
	}
}

func TestReferralFeedback(t *testing.T) {
	forEachSite(t, func(t *testing.T, site storeSite) {
		e := newFollowEnv(t, site)
		ctx := t.Context()
		day := 24 * time.Hour
		var nums []int64
		for _, w := range []int64{700, 701} {
			tk := e.submit(t, w, complaint{})
			nums = append(nums, tk.Number)
			e.svc.Claim(ctx, mediatorA, tk.Number)
			e.svc.Transition(ctx, mediatorA, tk.Number, intake.StateInMediation, "")
			if _, err := e.svc.RecordOutcome(ctx, mediatorA, tk.Number, intake.OutcomeNotSettled, 0, ""); err != nil {
				t.Fatal(err)
			}
		}
		e.clock.Set(t0.Add(day))
		if _, err := e.svc.Refer(ctx, mediatorA, nums[0], intake.ReferArbitration, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Refer(ctx, mediatorA, nums[1], intake.ReferCourt, ""); err != nil {
			t.Fatal(err)
		}
		e.at(t, t0.Add(8*day)) // check-ins for the first week (in mediation)
		want(t, e.at(t, t0.Add(46*day-time.Minute)))
		want(t, e.at(t, t0.Add(46*day)), "referral→mediator#1", "referral→mediator#2")
		// The first ends in an award; the second has no result yet.
		if _, err := e.svc.RecordReferralResult(ctx, mediatorB, nums[0], intake.ResultAward, ""); !errors.Is(err, intake.ErrForbidden) {
			t.Errorf("another mediator recorded a result: %v", err)
		}
		tk, err := e.svc.RecordReferralResult(ctx, mediatorA, nums[0], intake.ResultAward, "")
		if err != nil {
			t.Fatal(err)
		}
		if tk.State != intake.StateClosed || tk.FollowUp.Result != intake.ResultAward {
			t.Fatalf("after the result: %s %s", tk.State, tk.FollowUp.Result)
		}
		want(t, e.at(t, t0.Add(76*day)), "referral→mediator#2")
		st, err := e.svc.Stats(ctx, admin, e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if st.Referred != 2 || st.ByReferral[intake.ResultAward] != 1 || st.ReferralOpen != 1 {
			t.Errorf("stats: referred %d, results %v, open %d", st.Referred, st.ByReferral, st.ReferralOpen)
		}
		if !strings.Contains(st.Render("zh"), "仲裁裁决 1") {
			t.Errorf("stats render: %s", st.Render("zh"))
		}
	})
}

func TestOptOutIsRecordedAndRespected(t *testing.T) {
	forEachSite(t, func(t *testing.T, site storeSite) {
		e := newFollowEnv(t, site)
		tk := e.submit(t, 700, complaint{})
		if _, err := e.svc.SetReminders(t.Context(), 701, tk.Number, false); !errors.Is(err, intake.ErrForbidden) {
			t.Errorf("someone else turned the worker's reminders off: %v", err)
		}
		if _, err := e.svc.SetReminders(t.Context(), 700, tk.Number, false); err != nil {
			t.Fatal(err)
		}
		want(t, e.at(t, t0.Add(24*time.Hour)), "escalate_group→group#1")
		notes := e.reminderEvents(t, tk.Number)
		if len(notes) != 2 || !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, "劳动者已关闭提醒") }) {
			t.Errorf("trail: %q", notes)
		}
		events, _ := e.svc.Events(t.Context(), admin, tk.Number)
		if !slices.ContainsFunc(events, func(ev intake.Event) bool { return ev.Action == intake.ActionReminders && ev.Note == "off" }) {
			t.Error("turning reminders off is not in the trail")
		}
	})
}

func TestRemindersSurviveARestart(t *testing.T) {
	forEachSite(t, func(t *testing.T, site storeSite) {
		e := newFollowEnv(t, site)
		e.submit(t, 700, complaint{})
		// The process stops before the reminders are due and another
		// starts on the same data.
		e.replica.store.(interface{ Close() error }).Close()
		e.replica = e.start(t, "replica-after-restart")
		want(t, e.at(t, t0.Add(24*time.Hour)), "escalate_group→group#1", "escalate_worker→worker#1")
		want(t, e.at(t, t0.Add(25*time.Hour)))
	})
}

func TestTwoReplicasRemindOnce(t *testing.T) {
	forEachSite(t, func(t *testing.T, site storeSite) {
		e := newFollowEnv(t, site)
		for w := range int64(8) {
			e.submit(t, 700+w, complaint{})
		}
		other := e.replica
		if site.name == "redis" {
			other = e.start(t, "replica-2") // its own connection, as another process
		} else {
			// One process holds a bbolt file: a second runner in it.
			o := *e.replica
			r, err := schedule.NewRunner(o.store, func(ctx context.Context, j schedule.Job) (schedule.Result, error) {
				return o.svc.FollowUp(ctx, j, e.inbox.deliver)
			}, schedule.Options{Owner: "replica-2", Now: e.clock.Now})
			if err != nil {
				t.Fatal(err)
			}
			o.runner = r
			other = &o
		}
		e.clock.Set(t0.Add(24 * time.Hour))
		var wg sync.WaitGroup
		for _, r := range []*replica{e.replica, other} {
			wg.Go(func() {
				if _, err := r.runner.RunDue(context.Background()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got := e.inbox.take()
		if len(got) != 16 || len(slices.Compact(slices.Clone(got))) != 16 {
			t.Fatalf("two replicas delivered %d reminders (%q); want 16, each once", len(got), got)
		}
	})
}

func TestFailedDeliveryIsRetried(t *testing.T) {
	forEachSite(t, func(t *testing.T, site storeSite) {
		e := newFollowEnv(t, site)
		tk := e.submit(t, 700, complaint{})
		e.inbox.fail = 2 // both of the first two deliveries fail
		want(t, e.at(t, t0.Add(24*time.Hour)))
		want(t, e.at(t, t0.Add(24*time.Hour+30*time.Second)))
		want(t, e.at(t, t0.Add(24*time.Hour+time.Minute)), "escalate_group→group#1", "escalate_worker→worker#1")
		if got := e.reminderEvents(t, tk.Number); len(got) != 2 {
			t.Errorf("trail after retries: %q", got)
		}
	})
}

func TestReconcileSchedulesExistingTickets(t *testing.T) {
	forEachSite(t, func(t *testing.T, site storeSite) {
		e := newFollowEnv(t, site)
		// Tickets filed by a Service without follow-ups (an older version).
		plain := intake.NewService(e.store, intake.Options{Now: e.clock.Now})
		for w := range int64(3) {
			iv := interview(t, e.clock, complaint{})
			if _, _, err := plain.SubmitInterview(t.Context(), intake.Submitter{UserID: 700 + w, ChatID: 700 + w, Lang: "zh"}, "", iv); err != nil {
				t.Fatal(err)
			}
		}
		want(t, e.at(t, t0.Add(24*time.Hour)))
		n, err := e.svc.ReconcileFollowUps(t.Context())
		if err != nil || n != 9 {
			t.Fatalf("ReconcileFollowUps = %d, %v; want 9 jobs (3 escalations each)", n, err)
		}
		want(t, e.at(t, t0.Add(24*time.Hour+time.Minute)), "escalate_group→group#1", "escalate_group→group#2", "escalate_group→group#3",
			"escalate_worker→worker#1", "escalate_worker→worker#2", "escalate_worker→worker#3")
		if n, err := e.svc.ReconcileFollowUps(t.Context()); err != nil || n != 0 {
			t.Fatalf("a second ReconcileFollowUps = %d, %v; want none added", n, err)
		}
		want(t, e.at(t, t0.Add(25*time.Hour)))
	})
}

func TestProgressQuestion(t *testing.T) {
	for _, q := range []string{"进展如何", "我的投诉怎么样了？", "有进展吗", "How is my case?", "any update on my complaint"} {
		if !intake.IsProgressQuestion(q) {
			t.Errorf("%q is a progress question", q)
		}
	}
	for _, q := range []string{"加班费怎么算", "公司拖欠工资三个月，我想问一下仲裁的进展如何计算时效，需要准备哪些材料才能申请", "how do I file a complaint"} {
		if intake.IsProgressQuestion(q) {
			t.Errorf("%q is not a progress question", q)
		}
	}
	tk := intake.Ticket{Number: 4, State: intake.StateInMediation, Types: []intake.DisputeType{intake.TypeDismissal},
		CreatedAt: t0, ClaimedAt: t0.Add(24 * time.Hour), EndDate: calc.Date(2025, 12, 1)}
	got := intake.ProgressText(tk, t0.Add(72*time.Hour), "zh")
	for _, s := range []string{"#4", "调解中", "2026-03-03 由工会调解员受理", "下一步", "2026-12-01", "还有 271 天"} {
		if !strings.Contains(got, s) {
			t.Errorf("progress lacks %q:\n%s", s, got)
		}
	}
	if en := intake.ProgressText(tk, t0.Add(72*time.Hour), "en"); !strings.Contains(en, "Next:") || strings.ContainsAny(en, "调解") {
		t.Errorf("English progress: %s", en)
	}
}
