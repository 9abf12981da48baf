package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
)

// Follow-ups in the conversation: delivering the reminders intake's
// follow-ups decide on (DeliverReminder, with the buttons that answer
// them), the worker's answers (did the settlement's money arrive, turn
// reminders off), the mediator's answer about a referral's result, the
// worker's "进展如何", and /reminders. Every reminder goes through the
// Messenger, by chat id: web-chat workers (WebIDBase and up) are reached
// the same way as Telegram's.

var followTexts = struct {
	paidFull, paidPart, paidNone, off, progress, askPart, offDone, onDone, noOpen, remindersUsage,
	pending, resultDone, notAwaiting, unreachable text
}{
	paidFull:       text{"✅ 全部到账", "✅ Paid in full"},
	paidPart:       text{"🟡 部分到账", "🟡 Part of it"},
	paidNone:       text{"❌ 没有到账", "❌ Nothing yet"},
	off:            text{"🔕 不再提醒", "🔕 No more reminders"},
	progress:       text{"📋 查看进度", "📋 See progress"},
	askPart:        text{"投诉 #%d：到账了多少钱？请输入金额（元），例如 3000：", "Complaint #%d: how much arrived? Type the amount in yuan, e.g. 3000:"},
	offDone:        text{"🔕 好的，投诉 #%d 不再给你发提醒（进展通知照常）。发送 /reminders on 可以重新打开。", "🔕 OK, no more reminders about complaint #%d (you are still told of changes). /reminders on turns them back on."},
	onDone:         text{"🔔 已打开提醒：%s。", "🔔 Reminders are on: %s."},
	noOpen:         text{"你没有正在处理中的投诉。", "You have no open complaints."},
	remindersUsage: text{"提醒：%s\n发送 /reminders off 关闭，/reminders on 打开。", "Reminders: %s\nSend /reminders off to turn them off, /reminders on to turn them on."},
	pending:        text{"好的，之后再问你。", "OK, you will be asked again later."},
	resultDone:     text{"已记录 #%d 的结果：%s，投诉已结案。", "Recorded for #%d: %s; the complaint is closed."},
	notAwaiting:    text{"这件投诉已经不在等待付款了（可能已经结案），不需要再回答。", "This complaint is no longer waiting for a payment (it may be closed); no answer is needed."},
	unreachable:    text{"（调解员 %d 无法通过机器人联系，提醒发到群里）", "(mediator %d cannot be reached through the bot; the reminder goes to the group)"},
}

// registerFollowUps adds the follow-up commands, buttons, flows and the
// progress intent to a conversation with complaints.
func registerFollowUps(c *Conversation) {
	c.commands["reminders"] = c.reminders
	c.callbacks["fu"] = c.followUpPress
	c.callbacks["fr"] = c.referralResultPress
	c.flows["payamount"] = c.paymentAmountFlow
	c.intents = append(c.intents, func(ctx context.Context, in Incoming, lang string, out Responder) (bool, error) {
		if in.ChatType != ChatPrivate || !intake.IsProgressQuestion(in.Text) {
			return false, nil
		}
		return true, c.progress(ctx, in, 0, lang, out)
	})
	c.menu["zh"] = append(c.menu["zh"], [2]string{"reminders", "提醒设置（付款、时效）"})
	c.menu["en"] = append(c.menu["en"], [2]string{"reminders", "Reminders (payment, deadlines)"})
}

// DeliverReminder sends one follow-up reminder with the buttons that
// answer it: for intake.Service.FollowUp.
func (c *Conversation) DeliverReminder(ctx context.Context, r intake.Reminder) error {
	if c.intake == nil {
		return errors.New("bot: complaints are off")
	}
	t, n := r.Ticket, strconv.FormatInt(r.Ticket.Number, 10)
	reply := Reply{Text: r.Text}
	switch r.To {
	case intake.ToWorker:
		l := r.Lang
		off := Button{Text: followTexts.off.in(l), Data: "fu|off|" + n}
		if r.Kind == intake.FollowPayment {
			reply.Buttons = [][]Button{
				{{Text: followTexts.paidFull.in(l), Data: "fu|paid|" + n}},
				{{Text: followTexts.paidPart.in(l), Data: "fu|part|" + n}, {Text: followTexts.paidNone.in(l), Data: "fu|none|" + n}},
				{off},
			}
		} else {
			reply.Buttons = [][]Button{{{Text: followTexts.progress.in(l), Data: "fu|progress|" + n}, off}}
		}
		return c.intake.messenger.SendTo(ctx, r.ChatID, reply)
	case intake.ToGroup:
		if c.intake.mediatorChat == 0 {
			return errors.New("no mediators' group (MEDIATOR_CHAT_ID)")
		}
		reply.Buttons = mediatorButtons(t, "zh")
		return c.intake.messenger.SendTo(ctx, c.intake.mediatorChat, reply)
	}
	// A mediator or an admin, privately.
	if r.Kind == intake.FollowReferral {
		var row []Button
		for _, res := range intake.ReferralResults() {
			row = append(row, Button{Text: res.Label(r.Lang), Data: "fr|" + string(res) + "|" + n})
		}
		reply.Buttons = [][]Button{row[:2], row[2:], {{Text: text{"⏳ 还没有结果", "⏳ No result yet"}.in(r.Lang), Data: "fr|pending|" + n}}}
	} else {
		reply.Buttons = mediatorButtons(t, "zh")
	}
	err := c.intake.messenger.SendTo(ctx, r.ChatID, reply)
	if err == nil || r.To != intake.ToMediator || c.intake.mediatorChat == 0 {
		return err
	}
	// A mediator who works in the web console only may have no chat with
	// the bot: the group sees the reminder instead (it names no worker).
	c.log.Warn("a reminder could not reach the mediator; posting it to the group", "ticket", t.Number, "kind", r.Kind)
	reply.Text = fmt.Sprintf(followTexts.unreachable.in("zh"), r.ChatID) + "\n" + reply.Text
	reply.Buttons = nil
	return c.intake.messenger.SendTo(ctx, c.intake.mediatorChat, reply)
}

// followUpPress handles the worker's buttons under reminders:
// "fu|paid|N", "fu|part|N", "fu|none|N", "fu|off|N", "fu|progress|N".
func (c *Conversation) followUpPress(ctx context.Context, in Incoming, arg, lang string, out Responder) error {
	action, num, _ := strings.Cut(arg, "|")
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || in.ChatType != ChatPrivate {
		return out.Ack(ctx, texts.expired.in(lang))
	}
	svc := c.intake.svc
	switch action {
	case "paid", "none":
		report := intake.PaidFull
		if action == "none" {
			report = intake.PaidNone
		}
		t, err := svc.ReportPayment(ctx, in.UserID, n, report, 0)
		return c.paymentAnswered(ctx, t, err, lang, out)
	case "part":
		// Check first that the worker may answer, then ask how much.
		t, err := svc.Ticket(ctx, in.UserID, n)
		if err == nil && t.WorkerID != in.UserID {
			err = intake.ErrForbidden // staff may see it, but only its worker answers
		}
		if err != nil {
			return c.refusal(ctx, err, lang, out)
		}
		if err := out.Ack(ctx, ""); err != nil {
			return err
		}
		if t.State != intake.StateSettled {
			return out.Send(ctx, Reply{Text: followTexts.notAwaiting.in(lang)})
		}
		data, _ := json.Marshal(ticketInputState{Action: "part", Ticket: n})
		if err := c.saveState(ctx, in.ChatID, &chatState{Flow: "payamount", Data: data}); err != nil {
			return err
		}
		return out.Send(ctx, Reply{Text: fmt.Sprintf(followTexts.askPart.in(lang), n),
			Buttons: [][]Button{{{Text: calcTexts.cancel.in(lang), Data: "ik|cancel"}}}})
	case "off":
		if _, err := svc.SetReminders(ctx, in.UserID, n, false); err != nil {
			return c.refusal(ctx, err, lang, out)
		}
		if err := out.Ack(ctx, ""); err != nil {
			return err
		}
		return out.Send(ctx, Reply{Text: fmt.Sprintf(followTexts.offDone.in(lang), n)})
	case "progress":
		if err := out.Ack(ctx, ""); err != nil {
			return err
		}
		return c.progress(ctx, in, n, lang, out)
	}
	return out.Ack(ctx, texts.expired.in(lang))
}

// paymentAnswered tells the worker what their answer did.
func (c *Conversation) paymentAnswered(ctx context.Context, t intake.Ticket, err error, lang string, out Responder) error {
	if errors.Is(err, intake.ErrNotAwaitingPayment) {
		if err := out.Ack(ctx, ""); err != nil {
			return err
		}
		return out.Send(ctx, Reply{Text: followTexts.notAwaiting.in(lang)})
	}
	if err != nil {
		return c.refusal(ctx, err, lang, out)
	}
	if err := out.Ack(ctx, ""); err != nil {
		return err
	}
	return out.Send(ctx, Reply{Text: intake.PaymentReplyText(t, lang)})
}

// paymentAmountFlow takes the amount that arrived after "part of it".
func (c *Conversation) paymentAmountFlow(ctx context.Context, in Incoming, st *chatState, lang string, out Responder) (bool, error) {
	if in.Kind != KindText {
		return false, nil
	}
	var s ticketInputState
	if err := json.Unmarshal(st.Data, &s); err != nil || s.Ticket <= 0 {
		return true, c.store.DeleteChatState(ctx, in.ChatID)
	}
	again := func(msg string) (bool, error) {
		return true, out.Send(ctx, Reply{Text: "⚠️ " + msg + "\n" + fmt.Sprintf(followTexts.askPart.in(lang), s.Ticket),
			Buttons: [][]Button{{{Text: calcTexts.cancel.in(lang), Data: "ik|cancel"}}}})
	}
	amount, err := calc.ParseMoney(in.Text)
	if err != nil {
		return again(inputMessage(err, lang))
	}
	t, err := c.intake.svc.ReportPayment(ctx, in.UserID, s.Ticket, intake.PaidPart, amount)
	var ve *intake.ValidationError
	if errors.As(err, &ve) {
		return again(ve.Message(lang))
	}
	if err := c.store.DeleteChatState(ctx, in.ChatID); err != nil {
		return true, err
	}
	return true, c.paymentAnswered(ctx, t, err, lang, out)
}

// referralResultPress records a referral's result: "fr|RESULT|N", or
// "fr|pending|N" (asked again later).
func (c *Conversation) referralResultPress(ctx context.Context, in Incoming, arg, lang string, out Responder) error {
	result, num, _ := strings.Cut(arg, "|")
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return out.Ack(ctx, texts.expired.in(lang))
	}
	if result == "pending" {
		// Only staff who may act on the ticket get an answer that says
		// anything.
		if _, err := c.intake.svc.Events(ctx, in.UserID, n); err != nil {
			return c.refusal(ctx, err, lang, out)
		}
		return out.Ack(ctx, followTexts.pending.in(lang))
	}
	r := intake.ReferralResult(result)
	t, err := c.intake.svc.RecordReferralResult(ctx, in.UserID, n, r, "")
	if err != nil {
		return c.refusal(ctx, err, lang, out)
	}
	if err := out.Ack(ctx, ""); err != nil {
		return err
	}
	return out.Send(ctx, Reply{Text: fmt.Sprintf(followTexts.resultDone.in(lang), t.Number, r.Label(lang))})
}

// workerTickets returns the worker's own tickets, open ones only if open.
func (c *Conversation) workerTickets(ctx context.Context, userID int64, open bool) ([]intake.Ticket, error) {
	ts, err := c.intake.svc.ListTickets(ctx, userID, intake.Filter{Worker: userID, OpenOnly: open})
	if err != nil {
		return nil, err
	}
	var mine []intake.Ticket
	for _, t := range ts {
		if t.WorkerID == userID {
			mine = append(mine, t)
		}
	}
	return mine, nil
}

// progress answers "进展如何": where each open ticket of the worker is
// (or ticket number only), in plain words, with the next step.
func (c *Conversation) progress(ctx context.Context, in Incoming, number int64, lang string, out Responder) error {
	ts, err := c.workerTickets(ctx, in.UserID, number == 0)
	if err != nil {
		return err
	}
	var parts []string
	for _, t := range ts {
		if number == 0 || t.Number == number {
			parts = append(parts, intake.ProgressText(t, c.now(), lang))
		}
	}
	if len(parts) == 0 {
		return out.Send(ctx, Reply{Text: intakeTexts.noTickets.in(lang)})
	}
	return out.Send(ctx, Reply{Text: strings.Join(parts, "\n\n")})
}

// reminders shows or sets the worker's reminders: /reminders [on|off].
func (c *Conversation) reminders(ctx context.Context, in Incoming, lang string, out Responder) error {
	if in.ChatType != ChatPrivate {
		return out.Send(ctx, Reply{Text: intakeTexts.group.in(lang), Buttons: c.privateLink(lang, "status")})
	}
	ts, err := c.workerTickets(ctx, in.UserID, true)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		return out.Send(ctx, Reply{Text: followTexts.noOpen.in(lang)})
	}
	arg := strings.ToLower(strings.TrimSpace(in.Args))
	if arg == "on" || arg == "off" || arg == "开" || arg == "关" {
		on := arg == "on" || arg == "开"
		for i, t := range ts {
			if ts[i], err = c.intake.svc.SetReminders(ctx, in.UserID, t.Number, on); err != nil {
				return c.refusal(ctx, err, lang, out)
			}
		}
	}
	var states []string
	for _, t := range ts {
		s := text{"开", "on"}
		if t.FollowUp.RemindersOff {
			s = text{"关", "off"}
		}
		states = append(states, fmt.Sprintf("#%d %s", t.Number, s.in(lang)))
	}
	return out.Send(ctx, Reply{Text: fmt.Sprintf(followTexts.remindersUsage.in(lang), strings.Join(states, ", "))})
}

// notifyFollowUp tells the mediator what the worker answered about the
// settlement's payment (the worker's own answer was confirmed to them
// already). It reports whether n was one for it.
func (c *Conversation) notifyFollowUp(ctx context.Context, n intake.Notification, t intake.Ticket) (bool, error) {
	if n.Action != intake.ActionPayment {
		return false, nil
	}
	to := t.Mediator
	if to == 0 {
		to = c.intake.mediatorChat
	}
	if to == 0 {
		return true, nil
	}
	r := Reply{Text: intake.PaymentAlertText(t, "zh"), Buttons: mediatorButtons(t, "zh")}
	err := c.intake.messenger.SendTo(ctx, to, r)
	if err != nil && to != c.intake.mediatorChat && c.intake.mediatorChat != 0 {
		// As for reminders: a console-only mediator is told through the group.
		r.Text = fmt.Sprintf(followTexts.unreachable.in("zh"), to) + "\n" + r.Text
		r.Buttons = nil
		err = c.intake.messenger.SendTo(ctx, c.intake.mediatorChat, r)
	}
	return true, err
}

var payByTexts = struct{ ask, bad, early text }{
	ask:   text{"#%d 调解协议约定用人单位哪天前付款？请输入日期，例如 2026-07-31；当场已付或没有约定日期的，输入 0。到那天机器人会问劳动者钱是否到账。", "#%d: by which day must the employer pay? Type a date like 2026-07-31, or 0 if it was paid on the spot or no day was agreed. On that day the bot asks the worker whether the money arrived."},
	bad:   text{"请输入日期，例如 2026-07-31，或者输入 0。", "Type a date like 2026-07-31, or 0."},
	early: text{"付款日不能早于投诉提交的日期。", "The pay-by day cannot be before the complaint was filed."},
}

// askPayBy asks the mediator who recorded a settlement of amount for the
// day the employer must pay by.
func (c *Conversation) askPayBy(ctx context.Context, in Incoming, number int64, amount calc.Money, lang string, out Responder) error {
	data, _ := json.Marshal(ticketInputState{Action: "payby", Ticket: number, Amount: int64(amount)})
	if err := c.saveState(ctx, in.ChatID, &chatState{Flow: "tkinput", Data: data}); err != nil {
		return err
	}
	return out.Send(ctx, Reply{Text: fmt.Sprintf(payByTexts.ask.in(lang), number),
		Buttons: [][]Button{{{Text: calcTexts.cancel.in(lang), Data: "calc|cancel"}}}})
}

// payByInput records the settlement once the pay-by day is typed.
func (c *Conversation) payByInput(ctx context.Context, in Incoming, s ticketInputState, st *chatState, lang string, out Responder) error {
	again := func(msg text) error {
		if err := c.saveState(ctx, in.ChatID, st); err != nil {
			return err
		}
		return out.Send(ctx, Reply{Text: "⚠️ " + msg.in(lang) + "\n" + fmt.Sprintf(payByTexts.ask.in(lang), s.Ticket)})
	}
	var payBy time.Time
	if raw := strings.TrimSpace(in.Text); raw != "0" && raw != "无" && !strings.EqualFold(raw, "none") {
		d, err := intake.ParseDate(raw)
		if err != nil {
			return again(payByTexts.bad)
		}
		payBy = d
	}
	t, err := c.intake.svc.Settle(ctx, in.UserID, s.Ticket, calc.Money(s.Amount), payBy, "")
	if errors.Is(err, intake.ErrPayByBeforeComplaint) {
		return again(payByTexts.early)
	}
	if err != nil {
		return c.refusal(ctx, err, lang, out)
	}
	return out.Send(ctx, Reply{Text: fmt.Sprintf(intakeTexts.done.in(lang), t.Number, t.State.Label(lang)), Buttons: mediatorButtons(t, lang)})
}

// WithClock makes the conversation read the time from now (tests move
// it; the default is time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *Conversation) {
		if now != nil {
			c.now = now
		}
	}
}
