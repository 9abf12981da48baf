package bot_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/intake"
)

// TestRedeliveredStepsAreNotAppliedTwice: an update handed over again
// after a restart (the process was killed after saving the step, maybe
// before replying) shows the current question again instead of taking the
// answer a second time; a Submit pressed again answers with the complaint
// already filed (issue 15, defect 6).
func TestRedeliveredStepsAreNotAppliedTwice(t *testing.T) {
	store, err := bolt.Open(filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc := intake.NewService(store, intake.Options{})
	conv := bot.NewConversation(testEngine(t), store, nil, nil,
		bot.WithIntake(svc, nil, bot.MessengerFunc(func(context.Context, int64, bot.Reply) error { return nil }), 0))
	ctx := context.Background()
	const chat = 77
	var update int64 = 100
	step := func(kind bot.Kind, text string, redeliver bool) string {
		t.Helper()
		if !redeliver {
			update++
		}
		in := bot.Incoming{UpdateID: update, Deduped: true, Redelivered: redeliver, ChatID: chat, UserID: chat,
			ChatType: bot.ChatPrivate, LangCode: "zh", Kind: kind}
		if kind == bot.KindCallback {
			in.Data, in.CallbackID = text, "cb"
		} else {
			in.Text = text
		}
		r := &recorder{}
		if err := conv.Handle(ctx, in, r); err != nil {
			t.Fatalf("Handle(%q): %v", text, err)
		}
		// The text and the buttons' labels.
		shown := r.last()
		if len(r.replies) > 0 {
			for _, row := range r.replies[len(r.replies)-1].Buttons {
				for _, b := range row {
					shown += " [" + b.Text + "]"
				}
			}
		}
		return shown
	}
	say := func(text string) string { return step(bot.KindText, text, false) }
	press := func(data string) string { return step(bot.KindCallback, data, false) }
	again := func(kind bot.Kind, text string) string { return step(kind, text, true) }

	say("/complain")
	press("ik|agree")
	if got := press("ik|type:unpaid_wages"); !strings.Contains(got, "✅") {
		t.Fatalf("type not selected: %q", got)
	}
	// The toggle is replayed: still selected, not toggled off.
	if got := again(bot.KindCallback, "ik|type:unpaid_wages"); !strings.Contains(got, "✅") || !strings.Contains(got, "(1/16)") {
		t.Errorf("a replayed toggle changed the answer: %q", got)
	}
	press("ik|next")
	if got := say("深圳市星光电子有限公司"); !strings.Contains(got, "(3/16)") {
		t.Fatalf("after the employer: %q", got)
	}
	// The employer's update again: the question after it, not "广东" taken
	// as the employer or the employer as the province.
	if got := again(bot.KindText, "深圳市星光电子有限公司"); !strings.Contains(got, "(3/16)") {
		t.Errorf("a replayed answer was applied again: %q", got)
	}
	for _, a := range []string{"广东", "深圳", "宝安", "2023-03-01", "在职", "6000", "18000", "5", "老板三个月没发工资"} {
		say(a)
	}
	press("ik|next")
	for _, a := range []string{"补发工资", "张三", "13800138000"} {
		say(a)
	}
	if got := press("ik|next"); !strings.Contains(got, "核对") {
		t.Fatalf("no summary: %q", got)
	}
	if got := press("ik|submit"); !strings.Contains(got, "#1") {
		t.Fatalf("submit: %q", got)
	}
	// The Submit update replayed after a restart, and a second press.
	if got := again(bot.KindCallback, "ik|submit"); !strings.Contains(got, "#1") {
		t.Errorf("a replayed Submit says %q; want the ticket number", got)
	}
	if got := press("ik|submit"); !strings.Contains(got, "#1") {
		t.Errorf("Submit pressed again says %q; want the ticket number", got)
	}
	ts, err := svc.ListTickets(ctx, chat, intake.Filter{Worker: chat})
	if err != nil || len(ts) != 1 {
		t.Errorf("%d tickets, %v; want 1", len(ts), err)
	}
}
