package bot_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
)

const (
	fuAdmin    = 900
	fuMediator = 901
	fuGroup    = -100500
	// webWorker is a web-chat worker's id (the reserved range above 1<<60):
	// reminders reach them through the same Messenger as anyone.
	webWorker = int64(1)<<60 + 7
)

// sentTo is a Messenger that keeps what the bot sent where; chats in down
// cannot be reached.
type sentTo struct {
	mu   sync.Mutex
	msgs map[int64][]bot.Reply
	down map[int64]bool
}

func (s *sentTo) SendTo(_ context.Context, chat int64, r bot.Reply) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down[chat] {
		return errors.New("forbidden: bot can't initiate conversation with a user")
	}
	s.msgs[chat] = append(s.msgs[chat], r)
	return nil
}

func (s *sentTo) last(chat int64) bot.Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.msgs[chat]) == 0 {
		return bot.Reply{}
	}
	return s.msgs[chat][len(s.msgs[chat])-1]
}

type fuEnv struct {
	conv  *bot.Conversation
	svc   *intake.Service
	store *bolt.Store
	sent  *sentTo
	now   time.Time
}

func newFollowUpConv(t *testing.T) *fuEnv {
	t.Helper()
	store, err := bolt.Open(filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := &fuEnv{store: store, sent: &sentTo{msgs: map[int64][]bot.Reply{}, down: map[int64]bool{}},
		now: time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return e.now }
	e.svc = intake.NewService(store, intake.Options{Admins: []int64{fuAdmin}, Now: clock,
		FollowUp: intake.FollowUpOptions{Jobs: store, MediatorGroup: true}})
	if err := e.svc.AddMediator(t.Context(), fuAdmin, fuMediator); err != nil {
		t.Fatal(err)
	}
	e.conv = bot.NewConversation(testEngine(t), store, nil, nil,
		bot.WithIntake(e.svc, nil, e.sent, fuGroup), bot.WithClock(clock))
	return e
}

// file stores a complaint of worker, as the interview would.
func (e *fuEnv) file(t *testing.T, worker int64) int64 {
	t.Helper()
	tk := intake.Ticket{WorkerID: worker, ChatID: worker, Lang: "zh", Types: []intake.DisputeType{intake.TypeDismissal},
		Employer: "深圳市星光电子有限公司", Province: "广东", City: "深圳市", EndDate: calc.Date(2025, 12, 1),
		Name: "王小明", Phone: "13987654321", State: intake.StateNew, CreatedAt: e.now, UpdatedAt: e.now, ConsentAt: e.now}
	n, _, err := e.store.CreateTicket(t.Context(), "k"+time.Now().String(), time.Hour, tk,
		intake.Event{Actor: worker, Role: intake.RoleWorker, Action: intake.ActionSubmit, To: intake.StateNew, At: e.now},
		intake.Notification{Action: intake.ActionSubmit, To: intake.StateNew, Role: intake.RoleWorker, At: e.now})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *fuEnv) settle(t *testing.T, n int64) intake.Ticket {
	t.Helper()
	ctx := t.Context()
	if _, err := e.svc.Claim(ctx, fuMediator, n); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Transition(ctx, fuMediator, n, intake.StateInMediation, ""); err != nil {
		t.Fatal(err)
	}
	tk, err := e.svc.Settle(ctx, fuMediator, n, calc.Yuan(9000), calc.Date(2026, 3, 31), "")
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func (e *fuEnv) handle(t *testing.T, in bot.Incoming) *recorder {
	t.Helper()
	rec := &recorder{}
	if err := e.conv.Handle(t.Context(), in, rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

func press(user int64, data string) bot.Incoming {
	return bot.Incoming{ChatID: user, UserID: user, ChatType: bot.ChatPrivate, Kind: bot.KindCallback, Data: data}
}

func say(user int64, text string) bot.Incoming {
	in := private(text)
	in.ChatID, in.UserID = user, user
	if strings.HasPrefix(text, "/") {
		cmd, args, _ := strings.Cut(text[1:], " ")
		in.Kind, in.Command, in.Args = bot.KindCommand, cmd, args
	}
	return in
}

func buttonData(r bot.Reply) []string {
	var out []string
	for _, row := range r.Buttons {
		for _, b := range row {
			out = append(out, b.Data)
		}
	}
	return out
}

func TestDeliverReminderRoutesAndButtons(t *testing.T) {
	e := newFollowUpConv(t)
	ctx := t.Context()
	n := e.file(t, webWorker)
	tk, err := e.svc.NotificationTicket(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	// A web-chat worker gets the payment question at their own id.
	if err := e.conv.DeliverReminder(ctx, intake.Reminder{Kind: intake.FollowPayment, To: intake.ToWorker, ChatID: webWorker, Lang: "en", Text: "paid?", Ticket: tk}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(buttonData(e.sent.last(webWorker)), " "); got != "fu|paid|1 fu|part|1 fu|none|1 fu|off|1" {
		t.Errorf("payment buttons: %s", got)
	}
	// The group's escalation can be claimed from the message.
	if err := e.conv.DeliverReminder(ctx, intake.Reminder{Kind: intake.FollowEscalateGroup, To: intake.ToGroup, Lang: "zh", Text: "⏰", Ticket: tk}); err != nil {
		t.Fatal(err)
	}
	if got := buttonData(e.sent.last(fuGroup)); len(got) != 1 || got[0] != "tk|claim|1" {
		t.Errorf("group buttons: %v", got)
	}
	// A mediator the bot cannot reach (console only): the group sees it.
	e.sent.down[fuMediator] = true
	if err := e.conv.DeliverReminder(ctx, intake.Reminder{Kind: intake.FollowCheckIn, To: intake.ToMediator, ChatID: fuMediator, Lang: "zh", Text: "📋 #1", Ticket: tk}); err != nil {
		t.Fatal(err)
	}
	if got := e.sent.last(fuGroup).Text; !strings.Contains(got, "901") || !strings.Contains(got, "📋 #1") {
		t.Errorf("fallback to the group: %q", got)
	}
	// Referral results are buttons for the mediator.
	delete(e.sent.down, fuMediator)
	if err := e.conv.DeliverReminder(ctx, intake.Reminder{Kind: intake.FollowReferral, To: intake.ToMediator, ChatID: fuMediator, Lang: "zh", Text: "⚖️", Ticket: tk}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(buttonData(e.sent.last(fuMediator)), " "); got != "fr|award|1 fr|judgment|1 fr|settled|1 fr|withdrawn|1 fr|pending|1" {
		t.Errorf("referral buttons: %s", got)
	}
}

func TestWorkerAnswersThePaymentQuestion(t *testing.T) {
	e := newFollowUpConv(t)
	const worker = 700
	n := e.file(t, worker)
	e.settle(t, n)
	// Someone else cannot answer for the worker.
	if rec := e.handle(t, press(702, "fu|none|1")); !strings.Contains(rec.last(), "找不到") {
		t.Errorf("a stranger's answer: %q %q", rec.acks, rec.last())
	}
	rec := e.handle(t, press(worker, "fu|part|1"))
	if !strings.Contains(rec.last(), "到账了多少钱") {
		t.Fatalf("part: %q", rec.last())
	}
	if rec := e.handle(t, say(worker, "很多")); !strings.Contains(rec.last(), "⚠️") {
		t.Errorf("a bad amount: %q", rec.last())
	}
	if rec := e.handle(t, say(worker, "9000")); !strings.Contains(rec.last(), "少于约定") {
		t.Errorf("the whole amount as a part: %q", rec.last())
	}
	rec = e.handle(t, say(worker, "3000"))
	for _, s := range []string{"到账 3,000.00 元，还差 6,000.00 元", "支付令", "《劳动争议调解仲裁法》第15条"} {
		if !strings.Contains(rec.last(), s) {
			t.Errorf("after a part payment the worker is not told %q:\n%s", s, rec.last())
		}
	}
	tk, _ := e.svc.NotificationTicket(t.Context(), n)
	if tk.FollowUp.Payment != intake.PaidPart || tk.FollowUp.PaidAmount != calc.Yuan(3000) || tk.State != intake.StateSettled {
		t.Errorf("ticket after a part payment: %+v %s", tk.FollowUp, tk.State)
	}
	// The rest arrives: paid in full closes it; asking again says so.
	if rec := e.handle(t, press(worker, "fu|paid|1")); !strings.Contains(rec.last(), "已结案") {
		t.Errorf("paid: %q", rec.last())
	}
	if rec := e.handle(t, press(worker, "fu|none|1")); !strings.Contains(rec.last(), "不在等待付款") {
		t.Errorf("an answer after closing: %q", rec.last())
	}
}

func TestProgressAndReminderSettings(t *testing.T) {
	e := newFollowUpConv(t)
	const worker = 700
	if rec := e.handle(t, say(worker, "进展如何")); !strings.Contains(rec.last(), "还没有投诉") {
		t.Errorf("progress without complaints: %q", rec.last())
	}
	n := e.file(t, worker)
	if _, err := e.svc.Claim(t.Context(), fuMediator, n); err != nil {
		t.Fatal(err)
	}
	rec := e.handle(t, say(worker, "我的投诉怎么样了？"))
	for _, s := range []string{"#1", "已受理", "下一步", "2026-12-01"} {
		if !strings.Contains(rec.last(), s) {
			t.Errorf("progress lacks %q:\n%s", s, rec.last())
		}
	}
	if rec := e.handle(t, say(worker, "/reminders off")); !strings.Contains(rec.last(), "#1 关") {
		t.Errorf("/reminders off: %q", rec.last())
	}
	if tk, _ := e.svc.NotificationTicket(t.Context(), n); !tk.FollowUp.RemindersOff {
		t.Error("reminders still on")
	}
	if rec := e.handle(t, press(worker, "fu|off|1")); !strings.Contains(rec.last(), "不再给你发提醒") {
		t.Errorf("the off button: %q", rec.last())
	}
	if rec := e.handle(t, say(worker, "/reminders on")); !strings.Contains(rec.last(), "#1 开") {
		t.Errorf("/reminders on: %q", rec.last())
	}
}

func TestMediatorRecordsTheReferralResult(t *testing.T) {
	e := newFollowUpConv(t)
	ctx := t.Context()
	n := e.file(t, 700)
	e.svc.Claim(ctx, fuMediator, n)
	e.svc.Transition(ctx, fuMediator, n, intake.StateInMediation, "")
	e.svc.RecordOutcome(ctx, fuMediator, n, intake.OutcomeNotSettled, 0, "")
	if _, err := e.svc.Refer(ctx, fuMediator, n, intake.ReferArbitration, ""); err != nil {
		t.Fatal(err)
	}
	if rec := e.handle(t, press(702, "fr|award|1")); !strings.Contains(rec.last(), "找不到") {
		t.Errorf("a stranger's result: %q", rec.last())
	}
	if rec := e.handle(t, press(fuMediator, "fr|pending|1")); len(rec.acks) == 0 || !strings.Contains(rec.acks[0], "再问") {
		t.Errorf("pending: %q", rec.acks)
	}
	if rec := e.handle(t, press(fuMediator, "fr|judgment|1")); !strings.Contains(rec.last(), "法院判决") {
		t.Errorf("judgment: %q", rec.last())
	}
	if tk, _ := e.svc.NotificationTicket(ctx, n); tk.State != intake.StateClosed || tk.FollowUp.Result != intake.ResultJudgment {
		t.Errorf("after the result: %s %s", tk.State, tk.FollowUp.Result)
	}
}
