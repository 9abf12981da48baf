package intake_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
)

const (
	admin     = 900
	mediatorA = 500
	mediatorB = 501
)

// t0 is when the tests' world starts.
var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

type fixture struct {
	backend
	svc   *intake.Service
	clock *clock
}

func newFixture(t *testing.T, open func(*testing.T) backend, sealer intake.Sealer) *fixture {
	t.Helper()
	b := open(t)
	c := &clock{now: t0}
	svc := intake.NewService(b.store, intake.Options{Admins: []int64{admin}, Sealer: sealer, Now: c.Now})
	for _, m := range []int64{mediatorA, mediatorB} {
		if err := svc.AddMediator(t.Context(), admin, m); err != nil {
			t.Fatal(err)
		}
	}
	return &fixture{backend: b, svc: svc, clock: c}
}

// forEachBackend runs fn against bolt and Redis.
func forEachBackend(t *testing.T, fn func(t *testing.T, open func(*testing.T) backend)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) { fn(t, b.open) })
	}
}

// complaint is what a worker answers; zero fields take defaults.
type complaint struct {
	types, employer, province, wage, claimed, name, phone, description string
	end                                                                string // the end of employment ("" = still employed)
}

// interview drives a complete interview through the chat-facing API.
func interview(t *testing.T, c *clock, cp complaint) *intake.Interview {
	t.Helper()
	def := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	iv := intake.NewInterview()
	iv.Clock = c.Now
	if err := iv.Press(intake.PressAgree); err != nil {
		t.Fatal(err)
	}
	answers := map[intake.Step]string{
		intake.StepTypes:       def(cp.types, "1"),
		intake.StepEmployer:    def(cp.employer, "深圳市星光电子有限公司"),
		intake.StepProvince:    def(cp.province, "广东省深圳市宝安区"),
		intake.StepCity:        "成都市", // asked only when the province answer had none
		intake.StepDistrict:    "跳过",
		intake.StepStartDate:   "2023-03-01",
		intake.StepEndDate:     def(cp.end, "还在职"),
		intake.StepWage:        def(cp.wage, "8000"),
		intake.StepClaimed:     def(cp.claimed, "跳过"),
		intake.StepCoworkers:   "3",
		intake.StepDescription: def(cp.description, "老板拖欠三个月工资，说公司没钱。"),
		intake.StepEvidence:    "完成",
		intake.StepDemands:     "补发工资",
		intake.StepName:        def(cp.name, "王小明"),
		intake.StepPhone:       def(cp.phone, "13987654321"),
		intake.StepContactTime: "晚上",
	}
	for iv.Step != intake.StepSummary {
		raw, ok := answers[iv.Step]
		if !ok {
			t.Fatalf("no answer for step %s", iv.Step)
		}
		if err := iv.Answer(raw); err != nil {
			t.Fatalf("Answer(%q) at %s: %v", raw, iv.Step, err)
		}
	}
	if err := iv.Press(intake.PressSubmit); err != nil {
		t.Fatal(err)
	}
	return iv
}

func (f *fixture) submit(t *testing.T, worker int64, cp complaint) intake.Ticket {
	t.Helper()
	iv := interview(t, f.clock, cp)
	tk, created, err := f.svc.SubmitInterview(t.Context(), intake.Submitter{UserID: worker, ChatID: worker, Lang: "zh"}, "", iv)
	if err != nil || !created {
		t.Fatalf("SubmitInterview: %v, created %v", err, created)
	}
	return tk
}

// drain reads and acknowledges every queued notification.
func (f *fixture) drain(t *testing.T) []intake.Notification {
	t.Helper()
	var out []intake.Notification
	for {
		es, err := f.store.ReadQueue(t.Context(), "test", 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) == 0 {
			return out
		}
		for _, e := range es {
			out = append(out, e.Notification)
			if err := f.store.AckQueue(t.Context(), e.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestSubmitTwiceMakesOneTicket(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		f := newFixture(t, open, nil)
		ctx := t.Context()
		w := intake.Submitter{UserID: 101, ChatID: 101, Lang: "zh"}
		iv := interview(t, f.clock, complaint{})

		// The same update delivered twice (key = update id).
		first, created, err := f.svc.SubmitInterview(ctx, w, "update-77", iv)
		if err != nil || !created || first.Number != 1 {
			t.Fatalf("first submission = #%d, %v, %v", first.Number, created, err)
		}
		again, created, err := f.svc.SubmitInterview(ctx, w, "update-77", iv)
		if err != nil || created || again.Number != 1 {
			t.Fatalf("duplicate submission = #%d, %v, %v; want #1, not created", again.Number, created, err)
		}
		// Submit pressed twice at once (two updates, key = the interview).
		iv2 := interview(t, f.clock, complaint{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		nums := map[int64]int{}
		for range 8 {
			wg.Go(func() {
				tk, c, err := f.svc.SubmitInterview(ctx, w, "", iv2)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Errorf("SubmitInterview: %v", err)
				}
				if c {
					nums[tk.Number]++
				}
			})
		}
		wg.Wait()
		if len(nums) != 1 || nums[2] != 1 {
			t.Fatalf("8 concurrent submissions of one interview created %v; want ticket #2 once", nums)
		}
		all, err := f.svc.ListTickets(ctx, admin, intake.Filter{})
		if err != nil || len(all) != 2 {
			t.Fatalf("tickets = %d, %v; want 2", len(all), err)
		}
		if n := f.drain(t); len(n) != 2 {
			t.Fatalf("%d new-ticket notifications, want 2 (one per ticket)", len(n))
		}
		// The same key in another chat is another submission.
		other, created, err := f.svc.SubmitInterview(ctx, intake.Submitter{UserID: 102, ChatID: 102}, "update-77", iv)
		if err != nil || !created || other.Number != 3 {
			t.Fatalf("same key from another chat = #%d, %v, %v", other.Number, created, err)
		}
	})
}

func TestSubmitChecksTheInterview(t *testing.T) {
	f := newFixture(t, openBolt, nil)
	w := intake.Submitter{UserID: 101, ChatID: 101}
	iv := interview(t, f.clock, complaint{})
	iv.Step = intake.StepSummary // not confirmed
	if _, _, err := f.svc.SubmitInterview(t.Context(), w, "", iv); err == nil {
		t.Fatal("an unconfirmed interview was submitted")
	}
	if _, _, err := f.svc.SubmitInterview(t.Context(), w, "", intake.NewInterview()); err == nil {
		t.Fatal("an empty interview was submitted")
	}
	if all, _ := f.store.ListTickets(t.Context()); len(all) != 0 {
		t.Fatalf("refused submissions stored %d tickets", len(all))
	}
	if _, ok, _ := f.store.GetConsent(t.Context(), 101); ok {
		t.Fatal("a refused submission recorded consent")
	}
	tk := f.submit(t, 101, complaint{})
	if at, ok, err := f.store.GetConsent(t.Context(), 101); err != nil || !ok || !at.Equal(t0) || !tk.ConsentAt.Equal(t0) {
		t.Fatalf("consent after submitting = %v, %v, %v; ticket %v", at, ok, err, tk.ConsentAt)
	}
}

func TestForgedClaimIsRefused(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		f := newFixture(t, open, nil)
		ctx := t.Context()
		tk := f.submit(t, 101, complaint{})
		f.drain(t)

		// A worker (or anyone not a mediator) pressing Claim in the group,
		// or sending a forged callback, is refused and changes nothing.
		for _, user := range []int64{101, 102, 0} {
			if _, err := f.svc.Claim(ctx, user, tk.Number); !errors.Is(err, intake.ErrForbidden) {
				t.Fatalf("Claim by user %d: %v; want ErrForbidden", user, err)
			}
		}
		if _, err := f.svc.Claim(ctx, 102, 999); !errors.Is(err, intake.ErrForbidden) {
			t.Fatalf("Claim of a missing ticket by a worker: %v; want ErrForbidden (nothing learnt)", err)
		}
		got, _ := f.store.GetTicket(ctx, tk.Number)
		if got.State != intake.StateNew || got.Mediator != 0 || got.Version != 1 {
			t.Fatalf("a refused claim changed the ticket: %+v", got)
		}
		if n := f.drain(t); len(n) != 0 {
			t.Fatalf("a refused claim notified: %+v", n)
		}

		claimed, err := f.svc.Claim(ctx, mediatorA, tk.Number)
		if err != nil || claimed.State != intake.StateClaimed || claimed.Mediator != mediatorA || !claimed.ClaimedAt.Equal(t0) {
			t.Fatalf("Claim by a mediator = %+v, %v", claimed, err)
		}
		if claimed.Phone != "13987654321" {
			t.Fatalf("the claiming mediator sees phone %q, want it in full", claimed.Phone)
		}
		if _, err := f.svc.Claim(ctx, mediatorB, tk.Number); !errors.Is(err, intake.ErrAlreadyClaimed) {
			t.Fatalf("second Claim: %v; want ErrAlreadyClaimed", err)
		}
		// The other mediator cannot act on it; the admin can.
		for name, call := range map[string]func() error{
			"note":  func() error { _, err := f.svc.AddNote(ctx, mediatorB, tk.Number, "x"); return err },
			"close": func() error { _, err := f.svc.Close(ctx, mediatorB, tk.Number, ""); return err },
			"mediate": func() error {
				_, err := f.svc.Transition(ctx, mediatorB, tk.Number, intake.StateInMediation, "")
				return err
			},
			"message":  func() error { _, _, err := f.svc.WorkerChat(ctx, mediatorB, tk.Number); return err },
			"history":  func() error { _, err := f.svc.Events(ctx, mediatorB, tk.Number); return err },
			"withdraw": func() error { _, err := f.svc.Withdraw(ctx, mediatorA, tk.Number, ""); return err },
		} {
			if err := call(); !errors.Is(err, intake.ErrForbidden) {
				t.Errorf("%s by a non-claiming mediator: %v; want ErrForbidden", name, err)
			}
		}
		if _, err := f.svc.AddNote(ctx, admin, tk.Number, "admin note"); err != nil {
			t.Fatalf("admin note: %v", err)
		}
	})
}

func TestConcurrentClaimsOneWinner(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		f := newFixture(t, open, nil)
		ctx := t.Context()
		tk := f.submit(t, 101, complaint{})
		ids := []int64{mediatorA, mediatorB, 502, 503, 504, admin}
		for _, m := range ids[2:5] {
			if err := f.svc.AddMediator(ctx, admin, m); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		won, lost := 0, 0
		for _, m := range ids {
			wg.Go(func() {
				_, err := f.svc.Claim(ctx, m, tk.Number)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won++
				case errors.Is(err, intake.ErrAlreadyClaimed):
					lost++
				default:
					t.Errorf("Claim by %d: %v", m, err)
				}
			})
		}
		wg.Wait()
		if won != 1 || lost != len(ids)-1 {
			t.Fatalf("%d claims won, %d lost; want 1 and %d", won, lost, len(ids)-1)
		}
		evs, _ := f.store.ListEvents(ctx, tk.Number)
		if len(evs) != 2 {
			t.Fatalf("%d events after concurrent claims, want submit + one claim", len(evs))
		}
	})
}

func TestWorkersSeeOnlyTheirOwnTickets(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		f := newFixture(t, open, nil)
		ctx := t.Context()
		mine := f.submit(t, 101, complaint{})
		f.submit(t, 102, complaint{name: "李四", phone: "13600000000"})

		got, err := f.svc.Ticket(ctx, 101, mine.Number)
		if err != nil || got.Phone != "13987654321" || got.Name != "王小明" || got.Linked != nil {
			t.Fatalf("own ticket = %+v, %v; want full contact and no links to others", got, err)
		}
		for _, n := range []int64{2, 3, 999, 0, -1} {
			if _, err := f.svc.Ticket(ctx, 101, n); !errors.Is(err, intake.ErrForbidden) {
				t.Errorf("worker 101 asking for #%d: %v; want ErrForbidden, the same for others' and missing", n, err)
			}
		}
		if _, err := f.svc.Events(ctx, 101, mine.Number); !errors.Is(err, intake.ErrForbidden) {
			t.Errorf("worker reading the audit trail: %v", err)
		}
		if _, err := f.svc.Withdraw(ctx, 102, mine.Number, ""); !errors.Is(err, intake.ErrForbidden) {
			t.Errorf("worker withdrawing another's ticket: %v", err)
		}
		if _, err := f.svc.Stats(ctx, 101, t0); !errors.Is(err, intake.ErrForbidden) {
			t.Errorf("worker reading stats: %v", err)
		}
		var buf bytes.Buffer
		if err := f.svc.Export(ctx, mediatorA, &buf, intake.FormatCSV); !errors.Is(err, intake.ErrForbidden) || buf.Len() != 0 {
			t.Errorf("mediator exporting: %v, %d bytes", err, buf.Len())
		}
		// /status: a worker's list is theirs, whatever filter they send.
		list, err := f.svc.ListTickets(ctx, 101, intake.Filter{Worker: 102})
		if err != nil || len(list) != 1 || list[0].Number != mine.Number {
			t.Fatalf("worker's list = %v, %v; want only their ticket", list, err)
		}
		// Mediators see every ticket, masked until claimed.
		list, err = f.svc.ListTickets(ctx, mediatorA, intake.Filter{OpenOnly: true})
		if err != nil || len(list) != 2 {
			t.Fatalf("mediator's list = %d, %v", len(list), err)
		}
		for _, tk := range list {
			if tk.Phone == "13987654321" || tk.Phone == "13600000000" || !strings.Contains(tk.Phone, "****") || strings.Contains(tk.Name, "小明") {
				t.Fatalf("an unclaimed ticket shows contact details to a mediator: %q %q", tk.Name, tk.Phone)
			}
		}
	})
}

func TestLifecycleEventsAndNotifications(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		f := newFixture(t, open, nil)
		ctx := t.Context()
		tk := f.submit(t, 101, complaint{})
		step := func(d time.Duration) { f.clock.Add(d) }

		if _, err := f.svc.Transition(ctx, mediatorA, tk.Number, intake.StateInMediation, ""); !errors.Is(err, intake.ErrForbidden) {
			t.Fatalf("mediating an unclaimed ticket: %v", err)
		}
		step(time.Hour)
		must := func(_ intake.Ticket, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(f.svc.Claim(ctx, mediatorA, tk.Number))
		var te *intake.TransitionError
		if _, err := f.svc.RecordOutcome(ctx, mediatorA, tk.Number, intake.OutcomeSettled, calc.Yuan(5000), ""); !errors.As(err, &te) {
			t.Fatalf("outcome before mediation: %v; want a *TransitionError", err)
		}
		step(time.Hour)
		must(f.svc.Transition(ctx, mediatorA, tk.Number, intake.StateInMediation, "called the employer"))
		must(f.svc.RequestEvidence(ctx, mediatorA, tk.Number, "pay slips please"))
		must(f.svc.AddEvidence(ctx, 101, tk.Number, intake.Evidence{FileID: "slip-1", UniqueID: "s1", Kind: "photo"}))
		must(f.svc.AddEvidence(ctx, 101, tk.Number, intake.Evidence{FileID: "slip-1b", UniqueID: "s1"})) // the same file
		must(f.svc.AddNote(ctx, mediatorA, tk.Number, "employer agrees to pay"))
		step(24 * time.Hour)
		if _, err := f.svc.Close(ctx, mediatorA, tk.Number, ""); !errors.As(err, &te) {
			t.Fatalf("closing during mediation: %v; want a *TransitionError", err)
		}
		settled, err := f.svc.RecordOutcome(ctx, mediatorA, tk.Number, intake.OutcomeSettled, calc.Yuan(5000), "agreement signed")
		if err != nil || settled.State != intake.StateSettled || settled.Outcome != intake.OutcomeSettled || settled.SettledAmount != calc.Yuan(5000) ||
			!settled.ConcludedAt.Equal(t0.Add(26*time.Hour)) || len(settled.Evidence) != 1 {
			t.Fatalf("settled = %+v, %v", settled, err)
		}
		if _, err := f.svc.Withdraw(ctx, 101, tk.Number, ""); !errors.As(err, &te) {
			t.Fatalf("withdrawing a settled ticket: %v", err)
		}
		must(f.svc.Close(ctx, mediatorA, tk.Number, "paid"))

		evs, err := f.svc.Events(ctx, mediatorA, tk.Number)
		if err != nil {
			t.Fatal(err)
		}
		var trail []string
		for _, e := range evs {
			trail = append(trail, fmt.Sprintf("%s:%s>%s:%d", e.Action, e.From, e.To, e.Actor))
		}
		want := []string{
			"submit:>new:101", "claim:new>claimed:500", "transition:claimed>in_mediation:500",
			"request_evidence:>:500", "add_evidence:>:101", "note:>:500",
			"outcome:in_mediation>settled:500", "close:settled>closed:500",
		}
		if !slices.Equal(trail, want) {
			t.Fatalf("trail =\n%v\nwant\n%v", trail, want)
		}
		if evs[6].Amount != calc.Yuan(5000) || evs[6].Note != "agreement signed" || !evs[6].At.Equal(t0.Add(26*time.Hour)) {
			t.Fatalf("outcome event = %+v", evs[6])
		}

		var notes []string
		for _, n := range f.drain(t) {
			if n.Ticket != tk.Number {
				t.Fatalf("notification for ticket %d", n.Ticket)
			}
			notes = append(notes, fmt.Sprintf("%s:%d", n.Action, n.Actor))
		}
		wantNotes := []string{"submit:0", "claim:500", "transition:500", "request_evidence:500", "add_evidence:0",
			"note:500", "outcome:500", "close:500"}
		if !slices.Equal(notes, wantNotes) {
			t.Fatalf("notifications = %v, want %v (the worker's own id is never queued)", notes, wantNotes)
		}
	})
}

func TestReferralsAndWithdrawal(t *testing.T) {
	f := newFixture(t, openBolt, nil)
	ctx := t.Context()
	a := f.submit(t, 101, complaint{})
	b := f.submit(t, 102, complaint{})
	for _, n := range []int64{a.Number, b.Number} {
		if _, err := f.svc.Claim(ctx, mediatorA, n); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Transition(ctx, mediatorA, n, intake.StateInMediation, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.RecordOutcome(ctx, mediatorA, a.Number, intake.OutcomeNotSettled, calc.Yuan(1), ""); err == nil {
		t.Fatal("an amount for a failed mediation was accepted")
	}
	if _, err := f.svc.RecordOutcome(ctx, mediatorA, a.Number, intake.OutcomeNotSettled, 0, "employer refused"); err != nil {
		t.Fatal(err)
	}
	if tk, err := f.svc.Refer(ctx, mediatorA, a.Number, intake.ReferArbitration, ""); err != nil || tk.State != intake.StateReferredArbitration {
		t.Fatalf("Refer arbitration: %v, %v", tk.State, err)
	}
	if tk, err := f.svc.Refer(ctx, mediatorA, a.Number, intake.ReferCourt, ""); err != nil || tk.State != intake.StateReferredCourt {
		t.Fatalf("Refer court: %v, %v", tk.State, err)
	}
	if _, err := f.svc.Transition(ctx, mediatorA, b.Number, intake.StateClaimed, ""); err == nil {
		t.Fatal("Transition to claimed accepted: claiming says who")
	}
	tk, err := f.svc.Withdraw(ctx, 102, b.Number, "resolved myself")
	if err != nil || tk.State != intake.StateWithdrawn || !tk.ClosedAt.Equal(t0) {
		t.Fatalf("Withdraw = %+v, %v", tk, err)
	}
	if _, err := f.svc.AddNote(ctx, mediatorA, b.Number, "late note"); err == nil {
		t.Fatal("a note on a withdrawn ticket was accepted")
	}
}

func TestRelay(t *testing.T) {
	f := newFixture(t, openBolt, nil)
	ctx := t.Context()
	tk := f.submit(t, 101, complaint{})
	if _, ok, err := f.svc.RelayTarget(ctx, 101); err != nil || ok {
		t.Fatalf("relay before a claim: %v, %v; want none", ok, err)
	}
	if _, err := f.svc.Claim(ctx, mediatorA, tk.Number); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Hour)
	// A second, newer ticket of the same worker, claimed by another.
	tk2 := f.submit(t, 101, complaint{})
	f.clock.Add(time.Hour)
	if _, err := f.svc.Claim(ctx, mediatorB, tk2.Number); err != nil {
		t.Fatal(err)
	}
	r, ok, err := f.svc.RelayTarget(ctx, 101)
	if err != nil || !ok || r.Mediator != mediatorB || r.Ticket != tk2.Number {
		t.Fatalf("relay = %+v, %v, %v; want the most recent claimed ticket's mediator", r, ok, err)
	}
	if _, ok, _ := f.svc.RelayTarget(ctx, 102); ok {
		t.Fatal("a worker without tickets has a relay")
	}
	chat, lang, err := f.svc.WorkerChat(ctx, mediatorA, tk.Number)
	if err != nil || chat != 101 || lang != "zh" {
		t.Fatalf("WorkerChat = %d, %q, %v", chat, lang, err)
	}
	if _, _, err := f.svc.WorkerChat(ctx, mediatorB, tk.Number); !errors.Is(err, intake.ErrForbidden) {
		t.Fatalf("WorkerChat by the other mediator: %v", err)
	}
	if _, err := f.svc.Withdraw(ctx, 101, tk2.Number, ""); err != nil {
		t.Fatal(err)
	}
	if r, _, _ := f.svc.RelayTarget(ctx, 101); r.Mediator != mediatorA {
		t.Fatalf("after withdrawing the newer ticket the relay is %+v; want mediator A's", r)
	}
}

func TestTicketsOfOneEmployerAreLinked(t *testing.T) {
	f := newFixture(t, openBolt, nil)
	ctx := t.Context()
	a := f.submit(t, 101, complaint{employer: "深圳市星光电子有限公司"})
	b := f.submit(t, 102, complaint{employer: "深圳市 星光电子"})
	c := f.submit(t, 103, complaint{employer: "宏达物流"})
	got, err := f.svc.Ticket(ctx, mediatorA, a.Number)
	if err != nil || !slices.Equal(got.Linked, []int64{b.Number}) {
		t.Fatalf("links of #%d = %v, %v; want [#%d]", a.Number, got.Linked, err, b.Number)
	}
	if b.Linked == nil || b.Linked[0] != a.Number {
		t.Fatalf("the new ticket's links = %v", b.Linked)
	}
	list, _ := f.svc.ListTickets(ctx, admin, intake.Filter{})
	if !slices.Equal(list[1].Linked, []int64{a.Number}) || len(list[2].Linked) != 0 || list[2].Number != c.Number {
		t.Fatalf("links in the list: %v / %v", list[1].Linked, list[2].Linked)
	}
}

func TestMediatorManagement(t *testing.T) {
	f := newFixture(t, openBolt, nil)
	ctx := t.Context()
	if err := f.svc.AddMediator(ctx, mediatorA, 600); !errors.Is(err, intake.ErrForbidden) {
		t.Fatalf("a mediator adding a mediator: %v", err)
	}
	if err := f.svc.AddMediator(ctx, 101, 101); !errors.Is(err, intake.ErrForbidden) {
		t.Fatalf("a worker making themself a mediator: %v", err)
	}
	if err := f.svc.AddMediator(ctx, admin, 600); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.svc.Principal(ctx, 600); p.Role != intake.RoleMediator {
		t.Fatalf("added mediator's role = %s", p.Role)
	}
	if err := f.svc.RemoveMediator(ctx, admin, 600); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.svc.Principal(ctx, 600); p.Role != intake.RoleWorker {
		t.Fatalf("removed mediator's role = %s", p.Role)
	}
	// A configured admin stays one, even if "removed" as a mediator.
	f.svc.AddMediator(ctx, admin, admin)
	f.svc.RemoveMediator(ctx, admin, admin)
	if p, _ := f.svc.Principal(ctx, admin); p.Role != intake.RoleAdmin {
		t.Fatalf("configured admin's role = %s", p.Role)
	}
	ms, err := f.svc.Mediators(ctx, mediatorA)
	if err != nil || !slices.Equal(ms, []int64{mediatorA, mediatorB}) {
		t.Fatalf("Mediators = %v, %v", ms, err)
	}
	if _, err := f.svc.Mediators(ctx, 101); !errors.Is(err, intake.ErrForbidden) {
		t.Fatalf("a worker listing mediators: %v", err)
	}
}

func TestParseAdminIDs(t *testing.T) {
	for in, want := range map[string]string{"": "[]", "1": "[1]", " 1, 22 ,333,": "[1 22 333]"} {
		got, err := intake.ParseAdminIDs(in)
		if err != nil || fmt.Sprint(got) != want && !(len(got) == 0 && want == "[]") {
			t.Errorf("ParseAdminIDs(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"abc", "1;2", "-5", "0"} {
		if _, err := intake.ParseAdminIDs(in); err == nil {
			t.Errorf("ParseAdminIDs(%q) accepted", in)
		}
	}
}

// personal is what DeleteWorkerData must remove from the raw store.
var personal = complaint{
	employer: "鸿运精密模具厂",
	name:     "欧阳春花",
	phone:    "13711112222",
	// Long enough to span several pages, as real stories do.
	description: "主管周扒皮每天让我们加班到半夜，工资一直拖着不发。" + strings.Repeat("从三月份开始，每个月都说下个月一起发。", 120),
}

func rawContains(raw []byte, s string) bool { return bytes.Contains(raw, []byte(s)) }

func TestDeleteWorkerDataLeavesNoPersonalData(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		f := newFixture(t, open, nil)
		ctx := t.Context()
		const worker = 101
		tk := f.submit(t, worker, personal)
		other := f.submit(t, 102, complaint{name: "赵六", phone: "13500009999", employer: "鸿运精密模具厂"})
		if _, err := f.svc.Claim(ctx, mediatorA, tk.Number); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddNote(ctx, mediatorA, tk.Number, "called 13711112222, 欧阳春花 has pay slips"); err != nil {
			t.Fatal(err)
		}
		// A downloaded photo, long enough to take overflow pages in bbolt.
		photo := "JFIF" + strings.Repeat("工资条照片-pay-slip-photo-bytes ", 3000)
		if _, err := f.svc.AddEvidence(ctx, worker, tk.Number, intake.Evidence{FileID: "AgACAgUAAxkBAAIBpayslip", Kind: "photo"}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.StoreEvidence(ctx, tk.Number, "AgACAgUAAxkBAAIBpayslip", []byte(photo)); err != nil {
			t.Fatal(err)
		}
		statsBefore, _ := f.svc.Stats(ctx, admin, t0)
		secrets := []string{personal.name, personal.phone, personal.description, personal.employer, photo}
		raw := f.raw(t)
		for _, s := range secrets {
			if !rawContains(raw, s) {
				t.Fatalf("before deletion the raw store lacks %q: this test would prove nothing", s)
			}
		}

		n, err := f.svc.DeleteWorkerData(ctx, worker)
		if err != nil || n != 1 {
			t.Fatalf("DeleteWorkerData = %d, %v", n, err)
		}
		raw = f.raw(t)
		for _, s := range []string{personal.name, personal.phone, personal.description, "周扒皮", "鸿运精密模具", "工资条照片", "pay-slip-photo-bytes"} {
			if s == "鸿运精密模具" {
				// The other worker's ticket names the same employer and stays.
				if !rawContains(raw, "赵六") {
					t.Fatal("the other worker's data was deleted too")
				}
				continue
			}
			if rawContains(raw, s) {
				t.Errorf("after DeleteWorkerData the raw store still holds %q", s)
			}
		}

		got, err := f.store.GetTicket(ctx, tk.Number)
		if err != nil {
			t.Fatal(err)
		}
		if got.WorkerID != 0 || got.ChatID != 0 || got.Name != "" || got.Phone != "" || got.Description != "" ||
			got.Demands != "" || got.Employer != "" || got.EmployerKey != "" || got.District != "" || got.Evidence != nil ||
			got.ContactTime != "" || !got.Erased() {
			t.Fatalf("erased ticket keeps personal fields: %+v", got)
		}
		if got.State != intake.StateWithdrawn || got.Province != "广东" || got.City != "深圳市" || got.MonthlyWage != calc.Yuan(8000) ||
			!slices.Equal(got.Types, []intake.DisputeType{intake.TypeUnpaidWages}) || got.Mediator != mediatorA || got.ClaimedAt.IsZero() {
			t.Fatalf("erased ticket lost statistical fields: %+v", got)
		}
		evs, _ := f.store.ListEvents(ctx, tk.Number)
		for _, e := range evs {
			if e.Note != "" || (e.Role == intake.RoleWorker && e.Actor != 0) {
				t.Fatalf("an erased trail keeps %+v", e)
			}
		}
		if last := evs[len(evs)-1]; last.Action != intake.ActionErase {
			t.Fatalf("the trail does not record the erasure: %+v", last)
		}
		if _, err := f.store.GetEvidence(ctx, tk.Number, "AgACAgUAAxkBAAIBpayslip"); !errors.Is(err, intake.ErrNotFound) {
			t.Fatalf("the evidence file survived: %v", err)
		}
		if _, ok, _ := f.store.GetConsent(ctx, worker); ok {
			t.Fatal("the consent record survived")
		}
		if links, _ := f.store.TicketsByEmployer(ctx, intake.NormalizeEmployer(personal.employer)); !slices.Equal(links, []int64{other.Number}) {
			t.Fatalf("employer index after erasure = %v; want only the other ticket", links)
		}
		if list, _ := f.svc.ListTickets(ctx, worker, intake.Filter{}); len(list) != 0 {
			t.Fatalf("the worker still has %d tickets", len(list))
		}
		// The statistics do not change (but for the state: it was withdrawn).
		statsAfter, _ := f.svc.Stats(ctx, admin, t0)
		if statsAfter.Total != statsBefore.Total || statsAfter.ByProvince["广东"] != statsBefore.ByProvince["广东"] ||
			statsAfter.ByType[intake.TypeUnpaidWages] != statsBefore.ByType[intake.TypeUnpaidWages] || statsAfter.ClaimedCount != statsBefore.ClaimedCount {
			t.Fatalf("stats changed: %+v → %+v", statsBefore, statsAfter)
		}
		// The mediator was told.
		var withdrawn bool
		for _, n := range f.drain(t) {
			withdrawn = withdrawn || (n.Ticket == tk.Number && n.Action == intake.ActionWithdraw)
		}
		if !withdrawn {
			t.Fatal("no withdrawal notification for the mediator")
		}
		// Running it again is harmless.
		if n, err := f.svc.DeleteWorkerData(ctx, worker); err != nil || n != 0 {
			t.Fatalf("second DeleteWorkerData = %d, %v", n, err)
		}
	})
}

func TestPersonalDataIsEncryptedAtRest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		sealer, err := intake.NewSealer("test-data-key-0123456789")
		if err != nil {
			t.Fatal(err)
		}
		f := newFixture(t, open, sealer)
		ctx := t.Context()
		tk := f.submit(t, 101, personal)
		raw := f.raw(t)
		for _, s := range []string{personal.phone, personal.name, personal.description} {
			if rawContains(raw, s) {
				t.Errorf("with DATA_KEY set the raw store holds %q in clear text", s)
			}
		}
		if !rawContains(raw, "鸿运精密模具厂") {
			t.Fatal("the employer (not sealed) is missing from the raw store: is this the right store?")
		}
		if _, err := f.svc.Claim(ctx, mediatorA, tk.Number); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.Ticket(ctx, mediatorA, tk.Number)
		if err != nil || got.Phone != personal.phone || got.Name != personal.name || got.Description != personal.description {
			t.Fatalf("reading back with the key = %+v, %v", got, err)
		}
		// Without the key, or with another, the data cannot be read.
		noKey := intake.NewService(f.store, intake.Options{Admins: []int64{admin}})
		if _, err := noKey.Ticket(ctx, admin, tk.Number); !errors.Is(err, intake.ErrNoDataKey) {
			t.Fatalf("reading without the key: %v; want ErrNoDataKey", err)
		}
		wrong, _ := intake.NewSealer("another-key-9876543210")
		if _, err := intake.NewService(f.store, intake.Options{Admins: []int64{admin}, Sealer: wrong}).Ticket(ctx, admin, tk.Number); err == nil {
			t.Fatal("read with the wrong key")
		}
	})
}

func TestPurgeExpired(t *testing.T) {
	f := newFixture(t, openBolt, nil)
	ctx := t.Context()
	old := f.submit(t, 101, complaint{})
	open := f.submit(t, 102, complaint{})
	if _, err := f.svc.Withdraw(ctx, 101, old.Number, ""); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(intake.DefaultRetention - time.Hour)
	if n, err := f.svc.PurgeExpired(ctx, f.clock.Now()); err != nil || n != 0 {
		t.Fatalf("PurgeExpired before the retention period = %d, %v", n, err)
	}
	f.clock.Add(2 * time.Hour)
	if n, err := f.svc.PurgeExpired(ctx, f.clock.Now()); err != nil || n != 1 {
		t.Fatalf("PurgeExpired after it = %d, %v; want 1", n, err)
	}
	if got, _ := f.store.GetTicket(ctx, old.Number); !got.Erased() || got.Phone != "" {
		t.Fatalf("expired ticket not erased: %+v", got)
	}
	if got, _ := f.store.GetTicket(ctx, open.Number); got.Erased() || got.Phone == "" {
		t.Fatalf("an open ticket was erased: %+v", got)
	}
}

func TestConsume(t *testing.T) {
	f := newFixture(t, openBolt, nil)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	f.submit(t, 101, complaint{})
	f.submit(t, 102, complaint{})

	var (
		mu       sync.Mutex
		handled  []string
		failOnce = true
	)
	done := make(chan error, 1)
	go func() {
		done <- f.svc.Consume(ctx, "replica-1", intake.ConsumeOptions{MinIdle: 50 * time.Millisecond, Block: 20 * time.Millisecond},
			func(_ context.Context, n intake.Notification) error {
				mu.Lock()
				defer mu.Unlock()
				handled = append(handled, strconv.FormatInt(n.Ticket, 10))
				if n.Ticket == 2 && failOnce {
					failOnce = false
					return errors.New("telegram is down")
				}
				return nil
			})
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		got := strings.Join(handled, ",")
		mu.Unlock()
		if got == "1,2,2" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("handled %q; want 1, then 2 failing, then 2 again after MinIdle", got)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Consume returned %v", err)
	}
	tk, err := f.svc.NotificationTicket(t.Context(), 2)
	if err != nil || tk.Phone != "13987654321" || tk.ChatID != 102 {
		t.Fatalf("NotificationTicket = %+v, %v; want the full ticket", tk, err)
	}
	if msg := tk.Masked().Text("zh"); strings.Contains(msg, "13987654321") {
		t.Fatalf("the group's text shows the phone:\n%s", msg)
	}
	// Everything was acknowledged: nothing is pending or new.
	if es, _ := f.store.ClaimStale(t.Context(), "x", 0, 10); len(es) != 0 {
		t.Fatalf("pending after Consume: %+v", es)
	}
	if es, _ := f.store.ReadQueue(t.Context(), "x", 10, 0); len(es) != 0 {
		t.Fatalf("new after Consume: %+v", es)
	}
}

// TestConsumeTakesBackOwnPendingAtStart: a replica killed after it took a
// notification and before it handled it handles it as soon as it is back
// under the same name, not after MinIdle (an hour here), and only once.
func TestConsumeTakesBackOwnPendingAtStart(t *testing.T) {
	f := newFixture(t, openBolt, nil)
	f.submit(t, 101, complaint{})
	f.submit(t, 102, complaint{})
	f.submit(t, 103, complaint{})
	// The first life of "host-a" took tickets 1 and 2, then died.
	if es, err := f.store.ReadQueue(t.Context(), "host-a", 2, 0); err != nil || len(es) != 2 {
		t.Fatalf("ReadQueue = %v, %v", es, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var (
		mu      sync.Mutex
		handled []string
	)
	done := make(chan error, 1)
	go func() {
		done <- f.svc.Consume(ctx, "host-a", intake.ConsumeOptions{MinIdle: time.Hour, Block: 20 * time.Millisecond},
			func(_ context.Context, n intake.Notification) error {
				mu.Lock()
				defer mu.Unlock()
				handled = append(handled, strconv.FormatInt(n.Ticket, 10))
				return nil
			})
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		got := strings.Join(handled, ",")
		mu.Unlock()
		if got == "1,2,3" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("handled %q; want its own pending 1 and 2 at once, then the new 3", got)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Consume returned %v", err)
	}
	if es, _ := f.store.PendingFor(t.Context(), "host-a", 10); len(es) != 0 {
		t.Fatalf("pending after Consume: %+v", es)
	}
}
