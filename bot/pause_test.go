package bot_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/knowledge"
)

// knowledgeTopic is the first topic's id.
func knowledgeTopic() string { return knowledge.Topics()[0].ID }

const aWorker = 42

// lastReply is the last thing the recorder was told, with its buttons.
func (r *recorder) lastReply() bot.Reply {
	if len(r.replies) == 0 {
		return bot.Reply{}
	}
	return r.replies[len(r.replies)-1]
}

// texts joins everything a recorder was told.
func (r *recorder) all() string {
	var b strings.Builder
	for _, rep := range r.replies {
		b.WriteString(rep.Text + "\n")
	}
	return b.String()
}

func inLang(in bot.Incoming, lang string) bot.Incoming {
	in.LangCode = lang
	return in
}

// toStartDate takes a worker through consent and the first steps of the
// interview, to the start date (step 6 of 16).
func (e *fuEnv) toStartDate(t *testing.T, user int64) {
	t.Helper()
	e.handle(t, say(user, "/complain"))
	e.handle(t, press(user, "ik|agree"))
	e.handle(t, press(user, "ik|type:unpaid_wages"))
	e.handle(t, press(user, "ik|next"))
	for _, a := range []string{"深圳市某某电子厂", "广东", "深圳"} {
		e.handle(t, say(user, a))
	}
	if got := e.handle(t, say(user, "宝安")).last(); !strings.Contains(got, "(6/16)") {
		t.Fatalf("not at the start date: %q", got)
	}
}

func TestHelpByRole(t *testing.T) {
	e := newFollowUpConv(t)
	worker := []string{"/calc", "/complain", "/status", "/deletedata", "/privacy", "/cancel", "/lang", "/help", "/start", "/reminders"}
	// Mediators export without personal data; admins may ask for it.
	staff := []string{"/tickets", "/ticket", "/stats", "/export"}
	admin := []string{"/mediator", "/export [csv|json] personal"}
	for _, tc := range []struct {
		name     string
		user     int64
		has, not []string
	}{
		{"worker", 42, worker, append(slices.Clone(staff), admin...)},
		{"mediator", fuMediator, append(slices.Clone(worker), staff...), admin},
		{"admin", fuAdmin, append(append(slices.Clone(worker), staff...), admin...), nil},
	} {
		for _, lang := range []string{"zh", "en"} {
			got := e.handle(t, inLang(say(tc.user, "/help"), lang)).last()
			for _, c := range tc.has {
				if !strings.Contains(got, c+" ") {
					t.Errorf("%s (%s): /help lacks %s:\n%s", tc.name, lang, c, got)
				}
			}
			for _, c := range tc.not {
				if strings.Contains(got, c+" ") {
					t.Errorf("%s (%s): /help offers %s:\n%s", tc.name, lang, c, got)
				}
			}
			// Features not in use are not offered.
			for _, c := range []string{"/kb ", "/console "} {
				if strings.Contains(got, c) {
					t.Errorf("%s (%s): /help offers %s, which is not registered", tc.name, lang, c)
				}
			}
			if lang == "en" && !strings.Contains(got, "What you can do") || lang == "zh" && !strings.Contains(got, "你可以做的事") {
				t.Errorf("%s: /help not in %s:\n%s", tc.name, lang, got)
			}
		}
	}
	// Without complaints there are no complaint commands.
	conv, _ := newConv(t)
	out := &recorder{}
	if err := conv.Handle(context.Background(), command("help", ""), out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.last(), "/complain") || !strings.Contains(out.last(), "/calc") {
		t.Errorf("/help without complaints:\n%s", out.last())
	}
}

func TestPrivacy(t *testing.T) {
	e := newFollowUpConv(t)
	for lang, want := range map[string][]string{
		"zh": {"/deletedata", "2 年", "调解员和管理员", "打码", "同意"},
		"en": {"/deletedata", "2 years", "mediators and admins", "masked", "I agree"},
	} {
		got := e.handle(t, inLang(say(aWorker, "/privacy"), lang)).last()
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("/privacy (%s) lacks %q:\n%s", lang, w, got)
			}
		}
		// No DATA_KEY here: nothing may claim encryption.
		if strings.Contains(got, "加密") || strings.Contains(got, "encrypted") {
			t.Errorf("/privacy (%s) claims encryption without a DATA_KEY:\n%s", lang, got)
		}
	}
	web := e.handle(t, say(webWorker, "/privacy")).last()
	if !strings.Contains(web, "300") || !strings.Contains(web, "两年") {
		t.Errorf("/privacy in the web chat does not tell what the page keeps:\n%s", web)
	}
	menu := e.conv.Menu("zh")
	if !slices.ContainsFunc(menu, func(c [2]string) bool { return c[0] == "privacy" }) {
		t.Errorf("/privacy is not in the menu: %v", menu)
	}
}

// A question typed at a step that refuses it is answered, and the step is
// asked again; the interview goes on.
func TestQuestionMidInterview(t *testing.T) {
	e := newFollowUpConv(t)
	e.toStartDate(t, aWorker)
	r := e.handle(t, say(aWorker, "加班费怎么算？"))
	if len(r.replies) < 2 {
		t.Fatalf("want an answer and the step again, got %q", r.all())
	}
	answer, again := r.replies[len(r.replies)-2].Text, r.last()
	if !strings.Contains(answer, "加班") || strings.Contains(answer, "⚠️") {
		t.Errorf("the question was not answered: %q", answer)
	}
	if !strings.Contains(again, "(6/16)") || strings.Contains(again, "⚠️") {
		t.Errorf("the step is not asked again plainly: %q", again)
	}
	// A wrong answer that is no question still gets the step's message.
	if got := e.handle(t, say(aWorker, "2099-13-45")).last(); !strings.Contains(got, "⚠️") || !strings.Contains(got, "(6/16)") {
		t.Errorf("a bad date: %q", got)
	}
	if got := e.handle(t, say(aWorker, "2023-03-01")).last(); !strings.Contains(got, "(7/16)") {
		t.Errorf("the interview does not go on after the question: %q", got)
	}
}

func TestQuestionMidCalculation(t *testing.T) {
	conv, _ := newConv(t)
	do := func(in bot.Incoming) *recorder {
		r := &recorder{}
		if err := conv.Handle(context.Background(), in, r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	do(bot.Incoming{ChatID: 42, UserID: 42, ChatType: bot.ChatPrivate, Kind: bot.KindCallback, Data: "calc|overtime"})
	r := do(private("试用期可以不交社保吗"))
	if len(r.replies) != 2 || !strings.Contains(r.replies[0].Text, "社") || !strings.Contains(r.last(), "(1/") || strings.Contains(r.last(), "⚠️") {
		t.Errorf("a question mid-calculation: %q", r.all())
	}
	if got := do(private("abc")).last(); !strings.Contains(got, "⚠️") {
		t.Errorf("a wrong wage is not refused: %q", got)
	}
	if got := do(private("8000")).last(); !strings.Contains(got, "(2/") {
		t.Errorf("the calculation does not go on: %q", got)
	}
}

// /calc in the middle of a complaint asks first; pausing keeps the
// complaint, and /complain (or the button) goes on at the same step.
func TestCalcPausesTheComplaint(t *testing.T) {
	e := newFollowUpConv(t)
	e.toStartDate(t, aWorker)

	ask := e.handle(t, say(aWorker, "/calc")).replies[0]
	if !strings.Contains(ask.Text, "还没提交") || !slices.Contains(buttonData(ask), "ik|resume") || !slices.Contains(buttonData(ask), "pz|calc") {
		t.Fatalf("/calc mid-interview: %q %v", ask.Text, buttonData(ask))
	}
	// "Go on" shows the same step.
	if got := e.handle(t, press(aWorker, "ik|resume")).last(); !strings.Contains(got, "(6/16)") {
		t.Errorf("go on with the complaint: %q", got)
	}
	// A calculator's button asks too.
	ask = e.handle(t, press(aWorker, "calc|severance")).lastReply()
	if !slices.Contains(buttonData(ask), "pz|calc:severance") {
		t.Fatalf("a calculator's button mid-interview: %q %v", ask.Text, buttonData(ask))
	}
	r := e.handle(t, press(aWorker, "pz|calc:severance"))
	if !strings.Contains(r.all(), "暂停") || !strings.Contains(r.last(), "(1/7)") {
		t.Fatalf("pause and calculate: %q", r.all())
	}
	// The calculation runs to its end and offers the paused complaint.
	var res bot.Reply
	for _, in := range []bot.Incoming{say(aWorker, "2021-03-01"), say(aWorker, "2024-09-15"), say(aWorker, "8000"),
		press(aWorker, "cv|"), press(aWorker, "cv|否"), press(aWorker, "cv|否")} {
		rr := e.handle(t, in)
		res = rr.replies[len(rr.replies)-1]
	}
	if !strings.Contains(res.Text, "元") || !slices.Contains(buttonData(res), "ik|resume") {
		t.Fatalf("the result does not offer the paused complaint: %q %v", res.Text, buttonData(res))
	}
	// /complain goes on at the start date: no consent asked again.
	got := e.handle(t, say(aWorker, "/complain")).last()
	if !strings.Contains(got, "(6/16)") || strings.Contains(got, "同意") {
		t.Fatalf("/complain after the pause: %q", got)
	}
	if got := e.handle(t, say(aWorker, "2023-03-01")).last(); !strings.Contains(got, "(7/16)") {
		t.Errorf("the resumed interview does not go on: %q", got)
	}
	if got := e.handle(t, press(aWorker, "ik|next")).last(); !strings.Contains(got, "(8/16)") {
		t.Errorf("after the end date: %q", got)
	}
}

// /deletedata erases a paused complaint too.
func TestDeleteDataErasesThePausedComplaint(t *testing.T) {
	e := newFollowUpConv(t)
	e.toStartDate(t, aWorker)
	e.handle(t, say(aWorker, "/calc"))
	e.handle(t, press(aWorker, "pz|calc"))
	e.handle(t, press(aWorker, "dd|yes"))
	if got := e.handle(t, say(aWorker, "/complain")).last(); !strings.Contains(got, "同意") {
		t.Errorf("after /deletedata, /complain resumes something: %q", got)
	}
	raw, err := e.store.GetChatState(t.Context(), aWorker|1<<62)
	if err != nil || raw != nil {
		t.Errorf("the paused complaint is still stored: %d bytes, %v", len(raw), err)
	}
}

func TestCancelSaysWhatItCancelled(t *testing.T) {
	e := newFollowUpConv(t)
	for lang, want := range map[string]string{"zh": "没有进行中", "en": "Nothing is in progress"} {
		got := e.handle(t, inLang(say(aWorker, "/cancel"), lang)).last()
		if !strings.Contains(got, want) || strings.Contains(got, "删除") || strings.Contains(got, "deleted") {
			t.Errorf("/cancel with nothing in progress (%s): %q", lang, got)
		}
	}
	e.handle(t, press(aWorker, "calc|overtime"))
	if got := e.handle(t, say(aWorker, "/cancel")).last(); !strings.Contains(got, "计算") {
		t.Errorf("/cancel of a calculation: %q", got)
	}
	// A paused complaint is offered, not silently deleted.
	e.toStartDate(t, aWorker)
	e.handle(t, say(aWorker, "/calc"))
	e.handle(t, press(aWorker, "pz|calc"))
	r := e.handle(t, say(aWorker, "/cancel"))
	if d := buttonData(r.replies[0]); !slices.Contains(d, "ik|resume") || !slices.Contains(d, "ik|discard") {
		t.Fatalf("/cancel with a paused complaint: %q %v", r.last(), d)
	}
	if got := e.handle(t, press(aWorker, "ik|discard")).last(); !strings.Contains(got, "已删除") {
		t.Errorf("discarding the draft: %q", got)
	}
	if got := e.handle(t, say(aWorker, "/complain")).last(); !strings.Contains(got, "同意") {
		t.Errorf("after discarding, /complain starts anew: %q", got)
	}
	// /cancel of the interview itself deletes it, and says so.
	e.toStartDate(t, aWorker)
	if got := e.handle(t, say(aWorker, "/cancel")).last(); !strings.Contains(got, "已删除") {
		t.Errorf("/cancel of the interview: %q", got)
	}
}

// The severance calculator does not ask for last month's wage when no
// month in lieu of notice is owed.
func TestSeveranceSkipsLastWageWhenNotOwed(t *testing.T) {
	for _, tc := range []struct {
		inLieu   string
		wantLast bool
	}{{"否", false}, {"是", true}} {
		conv, _ := newConv(t)
		do := func(in bot.Incoming) string {
			r := &recorder{}
			if err := conv.Handle(context.Background(), in, r); err != nil {
				t.Fatal(err)
			}
			return r.last()
		}
		cb := func(data string) bot.Incoming {
			return bot.Incoming{ChatID: 42, UserID: 42, ChatType: bot.ChatPrivate, Kind: bot.KindCallback, Data: data}
		}
		do(cb("calc|severance"))
		do(private("2021-03-01"))
		do(private("2024-09-15"))
		do(private("8000"))
		do(cb("cv|"))
		do(cb("cv|否"))
		got := do(cb("cv|" + tc.inLieu))
		if asked := strings.Contains(got, "(7/7)"); asked != tc.wantLast {
			t.Errorf("in lieu of notice %s: last month's wage asked = %v:\n%s", tc.inLieu, asked, got)
		}
		if !tc.wantLast && !strings.Contains(got, "元") {
			t.Errorf("no result after the last question that applies: %q", got)
		}
	}
}

// What starts nothing new keeps the complaint: /start offers to go on with
// it, a topic is shown without touching it, and /lang asks the same step in
// the new language.
func TestOtherCommandsKeepTheComplaint(t *testing.T) {
	e := newFollowUpConv(t)
	e.toStartDate(t, aWorker)
	if d := buttonData(e.handle(t, say(aWorker, "/start")).lastReply()); !slices.Contains(d, "ik|resume") {
		t.Errorf("/start mid-interview does not offer the complaint: %v", d)
	}
	topic := "topic|" + knowledgeTopic()
	if got := e.handle(t, press(aWorker, topic)).last(); got == "" {
		t.Error("a topic mid-interview shows nothing")
	}
	r := e.handle(t, say(aWorker, "/lang en"))
	if got := r.last(); !strings.Contains(got, "(6/16)") || !strings.Contains(got, "Back to your complaint") {
		t.Errorf("/lang mid-interview: %q", r.all())
	}
	if got := e.handle(t, say(aWorker, "2023-03-01")).last(); !strings.Contains(got, "(7/16)") {
		t.Errorf("the interview does not go on: %q", got)
	}
	// Without a complaint, /start offers none.
	if d := buttonData(e.handle(t, say(43, "/start")).lastReply()); slices.Contains(d, "ik|resume") {
		t.Errorf("/start offers a complaint that does not exist: %v", d)
	}
}

// A flow that takes the chat over (a reply to the mediator) parks the
// complaint under way instead of dropping it.
func TestReplyToMediatorParksTheComplaint(t *testing.T) {
	e := newFollowUpConv(t)
	n := e.file(t, aWorker)
	if _, err := e.svc.Claim(t.Context(), fuMediator, n); err != nil {
		t.Fatal(err)
	}
	e.toStartDate(t, aWorker)
	e.handle(t, press(aWorker, "tk|rp|"+strconv.FormatInt(n, 10)))
	r := e.handle(t, say(aWorker, "我明天有空"))
	if !slices.Contains(buttonData(r.lastReply()), "ik|resume") {
		t.Fatalf("after the reply, the complaint is not offered: %q %v", r.last(), buttonData(r.lastReply()))
	}
	if !strings.Contains(e.sent.last(fuMediator).Text, "我明天有空") {
		t.Errorf("the reply did not reach the mediator: %q", e.sent.last(fuMediator).Text)
	}
	if got := e.handle(t, press(aWorker, "ik|resume")).last(); !strings.Contains(got, "(6/16)") {
		t.Errorf("the parked complaint does not go on: %q", got)
	}
}

// /status speaks of the complaint not yet submitted, being filled in or
// paused, instead of "you have no complaints", and offers to go on with it.
func TestStatusShowsTheUnsubmittedComplaint(t *testing.T) {
	e := newFollowUpConv(t)
	e.toStartDate(t, aWorker)
	st := e.handle(t, say(aWorker, "/status")).lastReply()
	if strings.Contains(st.Text, "还没有投诉") || !strings.Contains(st.Text, "还没提交") || !slices.Contains(buttonData(st), "ik|resume") {
		t.Errorf("/status mid-interview: %q %v", st.Text, buttonData(st))
	}
	// It is not paused: the button does not say so.
	if len(st.Buttons) == 0 || strings.Contains(st.Buttons[0][0].Text, "暂停") {
		t.Errorf("/status mid-interview offers %v", st.Buttons)
	}
	if got := e.handle(t, press(aWorker, "ik|resume")).last(); !strings.Contains(got, "(6/16)") {
		t.Errorf("go on after /status: %q", got)
	}
	e.handle(t, say(aWorker, "/calc"))
	e.handle(t, press(aWorker, "pz|calc"))
	st = e.handle(t, inLang(say(aWorker, "/status"), "en")).lastReply()
	if !strings.Contains(st.Text, "paused complaint") || !slices.Contains(buttonData(st), "ik|resume") {
		t.Errorf("/status with a paused complaint: %q %v", st.Text, buttonData(st))
	}
	// Beside submitted tickets, too.
	e.handle(t, say(aWorker, "/complain"))
	e.handle(t, say(aWorker, "/cancel"))
	e.file(t, aWorker)
	e.toStartDate(t, aWorker)
	st = e.handle(t, say(aWorker, "/status")).lastReply()
	if !strings.Contains(st.Text, "#") || !strings.Contains(st.Text, "还没提交") || !slices.Contains(buttonData(st), "ik|resume") {
		t.Errorf("/status with a ticket and a complaint in progress: %q %v", st.Text, buttonData(st))
	}
	// With neither, nothing is offered.
	if st := e.handle(t, say(43, "/status")).lastReply(); !strings.Contains(st.Text, "还没有投诉") || len(st.Buttons) != 0 {
		t.Errorf("/status of a newcomer: %q", st.Text)
	}
}

// /deletedata warns that open complaints are withdrawn (which it does), and
// its English count reads as English.
func TestDeleteDataSaysOpenComplaintsAreWithdrawn(t *testing.T) {
	e := newFollowUpConv(t)
	n := e.file(t, aWorker)
	for lang, want := range map[string]string{"zh": "撤回", "en": "withdrawn"} {
		if got := e.handle(t, inLang(say(aWorker, "/deletedata"), lang)).last(); !strings.Contains(got, want) {
			t.Errorf("/deletedata (%s) does not say open complaints are withdrawn: %q", lang, got)
		}
	}
	got := e.handle(t, inLang(press(aWorker, "dd|yes"), "en")).last()
	if !strings.Contains(got, "complaints: 1") {
		t.Errorf("after /deletedata: %q", got)
	}
	if tk, err := e.store.GetTicket(t.Context(), n); err != nil || tk.State.Open() {
		t.Errorf("ticket #%d after /deletedata: %v, %v", n, tk.State, err)
	}
}

// "Withdraw" in /status asks first: a mistaken tap does not end the
// complaint, and "yes" does.
func TestWithdrawAsksFirst(t *testing.T) {
	e := newFollowUpConv(t)
	n := e.file(t, aWorker)
	st := e.handle(t, say(aWorker, "/status")).lastReply()
	wd := "tk|wd|" + strconv.FormatInt(n, 10)
	if !slices.Contains(buttonData(st), wd) {
		t.Fatalf("/status offers no withdrawal: %v", buttonData(st))
	}
	ask := e.handle(t, press(aWorker, wd)).lastReply()
	if !strings.Contains(ask.Text, "撤回") || !slices.Contains(buttonData(ask), "tk|wdy|"+strconv.FormatInt(n, 10)) {
		t.Fatalf("withdraw does not ask: %q %v", ask.Text, buttonData(ask))
	}
	open := func() bool {
		tk, err := e.store.GetTicket(t.Context(), n)
		if err != nil {
			t.Fatal(err)
		}
		return tk.State.Open()
	}
	if !open() {
		t.Fatal("the complaint was withdrawn before the worker said yes")
	}
	if got := e.handle(t, press(aWorker, "tk|wdn|"+strconv.FormatInt(n, 10))).last(); !strings.Contains(got, "没有撤回") || !open() {
		t.Errorf("keeping it: %q", got)
	}
	e.handle(t, press(aWorker, "tk|wdy|"+strconv.FormatInt(n, 10)))
	if open() {
		t.Error("yes did not withdraw the complaint")
	}
	// Another user's yes changes nothing.
	m := e.file(t, aWorker)
	e.handle(t, press(43, "tk|wdy|"+strconv.FormatInt(m, 10)))
	if tk, _ := e.store.GetTicket(t.Context(), m); !tk.State.Open() {
		t.Error("someone else withdrew the complaint")
	}
}

// /help and /privacy read in the middle of a form end with the form's
// question again (with its buttons), so the worker sees it still waits.
func TestHelpMidFormAsksTheStepAgain(t *testing.T) {
	e := newFollowUpConv(t)
	e.toStartDate(t, aWorker)
	for _, cmd := range []string{"/help", "/privacy"} {
		r := e.handle(t, say(aWorker, cmd))
		if len(r.replies) != 2 || !strings.Contains(r.last(), "(6/16)") || !strings.Contains(r.last(), "回到投诉") {
			t.Errorf("%s mid-interview: %q", cmd, r.all())
		}
	}
	if got := e.handle(t, say(aWorker, "2023-03-01")).last(); !strings.Contains(got, "(7/16)") {
		t.Errorf("the interview does not go on: %q", got)
	}
	e.handle(t, press(43, "calc|overtime"))
	if r := e.handle(t, say(43, "/help")); len(r.replies) != 2 || !strings.Contains(r.last(), "(1/") {
		t.Errorf("/help mid-calculation: %q", r.all())
	}
	// /lang mid-calculation asks the question again in the new language.
	if r := e.handle(t, say(43, "/lang en")); !strings.Contains(r.last(), "(1/") || !strings.Contains(r.last(), "Back to the calculation") {
		t.Errorf("/lang en mid-calculation: %q", r.all())
	}
	// Outside a form, /help is all.
	if r := e.handle(t, say(44, "/help")); len(r.replies) != 1 {
		t.Errorf("/help outside a form: %q", r.all())
	}
}

// The interview's Cancel button on an older message, pressed while the
// complaint is paused for a calculation, neither ends the calculation nor
// says the complaint was deleted: it offers the paused complaint.
func TestStaleInterviewCancelKeepsCalculationAndDraft(t *testing.T) {
	e := newFollowUpConv(t)
	e.toStartDate(t, aWorker)
	e.handle(t, say(aWorker, "/calc"))
	e.handle(t, press(aWorker, "pz|calc:overtime"))
	r := e.handle(t, press(aWorker, "ik|cancel"))
	if strings.Contains(r.all(), "已删除") || !slices.Contains(buttonData(r.lastReply()), "ik|resume") {
		t.Errorf("an old Cancel during the calculation: %q %v", r.all(), buttonData(r.lastReply()))
	}
	if got := e.handle(t, say(aWorker, "8000")).last(); !strings.Contains(got, "(2/5)") {
		t.Errorf("the calculation did not go on: %q", got)
	}
	if got := e.handle(t, say(aWorker, "/complain")).last(); !strings.Contains(got, "(6/16)") {
		t.Errorf("the paused complaint is gone: %q", got)
	}
	// With nothing at all, it says nothing is in progress.
	if got := e.handle(t, press(43, "ik|cancel")).last(); strings.Contains(got, "已删除") || !strings.Contains(got, "没有进行中") {
		t.Errorf("an old Cancel with nothing in progress: %q", got)
	}
}

// A calculator's Cancel button on an older message, pressed after the
// worker went back to the complaint, keeps the complaint (it used to
// delete it and say the calculation was cancelled).
func TestStaleCalcCancelKeepsTheComplaint(t *testing.T) {
	e := newFollowUpConv(t)
	e.toStartDate(t, aWorker)
	e.handle(t, say(aWorker, "/calc"))
	e.handle(t, press(aWorker, "pz|calc:overtime"))
	if got := e.handle(t, say(aWorker, "/complain")).last(); !strings.Contains(got, "(6/16)") {
		t.Fatalf("/complain after the pause: %q", got)
	}
	if got := e.handle(t, press(aWorker, "calc|cancel")).last(); !strings.Contains(got, "(6/16)") {
		t.Errorf("an old calculator Cancel during the interview: %q", got)
	}
	if got := e.handle(t, say(aWorker, "2023-03-01")).last(); !strings.Contains(got, "(7/16)") {
		t.Errorf("the complaint does not go on: %q", got)
	}
}

// A calculator takes "跳过" and "不知道" typed for a question it lets the
// worker skip, as the interview does, and "还在职" for the day the job
// ended; a yes/no question still reads "没有" as no.
func TestCalcTypedSkip(t *testing.T) {
	conv, _ := newConv(t)
	do := func(in bot.Incoming) string {
		r := &recorder{}
		if err := conv.Handle(context.Background(), in, r); err != nil {
			t.Fatal(err)
		}
		return r.last()
	}
	cb := func(data string) bot.Incoming {
		return bot.Incoming{ChatID: 42, UserID: 42, ChatType: bot.ChatPrivate, Kind: bot.KindCallback, Data: data}
	}
	do(cb("calc|severance"))
	do(private("2021-03-01"))
	do(private("2024-09-15"))
	do(private("8000"))
	if got := do(private("不知道")); !strings.Contains(got, "(5/7)") {
		t.Errorf("不知道 for the local average wage: %q", got)
	}
	do(cb("calc|deadline"))
	do(private("2025-06-01"))
	do(private("是"))
	if got := do(private("还在职")); strings.Contains(got, "⚠️") || !strings.Contains(got, "元") && !strings.Contains(got, "时效") {
		t.Errorf("还在职 for the end of the job: %q", got)
	}
	do(cb("calc|double-wage"))
	do(private("2025-01-10"))
	if got := do(private("跳过")); !strings.Contains(got, "(3/4)") {
		t.Errorf("跳过 for the day the contract was signed: %q", got)
	}
	do(private("还在职"))
	if got := do(private("5000")); strings.Contains(got, "⚠️") || !strings.Contains(got, "元") {
		t.Errorf("double wages while still employed: %q", got)
	}
}

// /export names its file by the unions' date (UTC+8), as the console does:
// at 22:00 UTC it is already the next day in China.
func TestExportFileNamedByChinaDate(t *testing.T) {
	e := newFollowUpConv(t)
	e.now = time.Date(2026, 3, 2, 22, 0, 0, 0, time.UTC)
	e.file(t, aWorker)
	if got := e.handle(t, say(fuMediator, "/export")).last(); !strings.Contains(got, "tickets-2026-03-03.csv") {
		t.Errorf("/export at 22:00 UTC: %q", got)
	}
}

// "我要投诉" typed in the middle of a calculation starts the complaint (its
// consent), as it does outside one, instead of "not a date".
func TestComplaintRequestMidCalculation(t *testing.T) {
	e := newFollowUpConv(t)
	e.handle(t, press(aWorker, "calc|severance"))
	got := e.handle(t, say(aWorker, "我要投诉")).last()
	if strings.Contains(got, "⚠️") || !strings.Contains(got, "同意") {
		t.Errorf("我要投诉 mid-calculation: %q", got)
	}
	// In the interview itself it is no wrong answer: the step again.
	e.toStartDate(t, 43)
	if got := e.handle(t, say(43, "我要投诉")).last(); strings.Contains(got, "⚠️") || !strings.Contains(got, "(6/16)") {
		t.Errorf("我要投诉 mid-interview: %q", got)
	}
}

// "/calc severance", "/calc 加班费" open that calculator; an argument naming
// none, or several ("工资"), shows the menu; mid-interview it asks first.
func TestCalcWithName(t *testing.T) {
	e := newFollowUpConv(t)
	for arg, want := range map[string]string{"severance": "(1/7)", "加班费": "(1/5)", "Overtime": "(1/5)", "年休假": "(1/"} {
		if got := e.handle(t, say(43, "/calc "+arg)).last(); !strings.Contains(got, want) {
			t.Errorf("/calc %s: %q", arg, got)
		}
		e.handle(t, say(43, "/cancel"))
	}
	for _, arg := range []string{"工资", "foo"} {
		if d := buttonData(e.handle(t, say(43, "/calc "+arg)).lastReply()); !slices.Contains(d, "calc|severance") {
			t.Errorf("/calc %s does not show the menu: %v", arg, d)
		}
	}
	e.toStartDate(t, aWorker)
	if d := buttonData(e.handle(t, say(aWorker, "/calc severance")).lastReply()); !slices.Contains(d, "pz|calc:severance") {
		t.Errorf("/calc severance mid-interview: %v", d)
	}
}
