package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/markdown"
)

// intakeFeature connects the conversation to complaints and mediation: the
// worker's interview, the mediators' actions, notifications and privacy
// commands. The domain rules (who may do what, the states, what is erased)
// are intake's; this file only renders them.
type intakeFeature struct {
	svc          *intake.Service
	sealer       intake.Sealer
	messenger    Messenger
	mediatorChat int64
	evidence     Downloader // nil: keep evidence as file ids only (evidence.go)
}

// WithIntake turns on complaints: /complain and the interview, tickets for
// mediators (posted to mediatorChat), /status, /tickets, /ticket, /stats,
// /export, /mediator and /deletedata.
func WithIntake(svc *intake.Service, sealer intake.Sealer, messenger Messenger, mediatorChat int64) Option {
	return func(c *Conversation) {
		if sealer == nil {
			sealer = intake.NoSealer{}
		}
		f := &intakeFeature{svc: svc, sealer: sealer, messenger: messenger, mediatorChat: mediatorChat}
		c.intake = f
		c.commands["complain"] = c.startComplaint
		c.commands["status"] = c.status
		c.commands["tickets"] = c.tickets
		c.commands["ticket"] = c.ticket
		c.commands["stats"] = c.stats
		c.commands["export"] = c.export
		c.commands["mediator"] = c.mediator
		c.commands["deletedata"] = c.deleteData
		c.callbacks["complain"] = func(ctx context.Context, in Incoming, arg, lang string, out Responder) error {
			if err := out.Ack(ctx, ""); err != nil {
				return err
			}
			// "complain|FEN" comes from a calculator's result: the amount
			// rides on the consent button until there is an interview to
			// hold it (nothing is stored before consent).
			if fen, err := strconv.ParseInt(arg, 10, 64); err == nil && fen > 0 {
				return c.showConsent(ctx, in, lang, out, fen)
			}
			return c.startComplaint(ctx, in, lang, out)
		}
		c.callbacks["ik"] = c.interviewPress
		c.callbacks["tk"] = c.ticketAction
		c.callbacks["dd"] = c.deleteDataConfirm
		c.callbacks["pz"] = c.pausePress
		c.flows["intake"] = c.interviewFlow
		c.flows["tkinput"] = c.ticketInput
		c.flows["reply"] = c.workerReply
		c.intents = append(c.intents, func(ctx context.Context, in Incoming, lang string, out Responder) (bool, error) {
			if !intake.IsComplaintRequest(in.Text) {
				return false, nil
			}
			return true, c.startComplaint(ctx, in, lang, out)
		})
		c.answerButtons = append(c.answerButtons, func(ans *knowledge.Answer, lang string) []Button {
			return []Button{{Text: intakeTexts.complainButton.in(lang), Data: "complain|start"}}
		})
		c.menu["zh"] = append(c.menu["zh"], [2]string{"complain", "申请工会调解（投诉）"}, [2]string{"status", "我的投诉进度"}, [2]string{"deletedata", "删除我的个人信息"})
		c.menu["en"] = append(c.menu["en"], [2]string{"complain", "Ask the union to mediate (complaint)"}, [2]string{"status", "My complaints"}, [2]string{"deletedata", "Delete my personal data"})
		registerFollowUps(c)
	}
}

var intakeTexts = struct {
	complainButton, group, declined, submitted, duplicate, cancelled, noTickets, refused, usageTicket,
	claimedBy, claimTaken, typeNote, typeMessage, typeAmount, typeEvidence, done, relayed, replyButton,
	workerSays, replyPrompt, deleteAsk, deleteYes, deleteNo, deleted, deleteCancelled, mediatorUsage,
	mediatorAdded, mediatorRemoved, notMediator, noData, exportCaption, unknownTicket text
	exportCaptionMasked, exportPersonalHint, exportPersonalRefused, exportUsage text
}{
	complainButton:      text{"📝 申请工会调解", "📝 Ask the union to mediate"},
	group:               text{"投诉需要填写个人信息，请私聊我发送 /complain，不要在群里发个人信息。", "A complaint needs personal details: please send /complain in a private chat with me, not in the group."},
	declined:            text{"好的，没有保存任何信息。需要时随时发送 /complain。", "OK, nothing was saved. Send /complain whenever you need."},
	submitted:           text{"✅ 已提交，投诉编号 **#%d**。工会调解员会尽快联系你，进度会在这里通知你，也可以随时发送 /status 查看。", "✅ Submitted as complaint **#%d**. A union mediator will contact you soon; you will be told of progress here, and /status shows it any time."},
	duplicate:           text{"这份投诉已经提交过了，编号 **#%d**。", "This complaint was already submitted as **#%d**."},
	cancelled:           text{"已取消，填写的内容已删除。", "Cancelled; what you entered has been deleted."},
	noTickets:           text{"你还没有投诉记录。需要工会调解可以发送 /complain。", "You have no complaints yet. Send /complain to ask the union to mediate."},
	refused:             text{"你没有权限做这件事。", "You are not allowed to do that."},
	usageTicket:         text{"用法：/ticket 编号，例如 /ticket 12", "Usage: /ticket NUMBER, e.g. /ticket 12"},
	claimedBy:           text{"✅ #%d 已由你受理，详情已私聊发送。", "✅ You took #%d; the details are in your private chat."},
	claimTaken:          text{"这个投诉已经被其他调解员受理了。", "Another mediator has already taken this complaint."},
	typeNote:            text{"请输入给 #%d 的备注（只有调解员能看到）：", "Type the note for #%d (only mediators see it):"},
	typeMessage:         text{"请输入要发给 #%d 投诉人的消息：", "Type the message to the worker of #%d:"},
	typeAmount:          text{"请输入 #%d 调解达成的金额（元），没有金额输入 0：", "Type the settled amount for #%d in yuan (0 if none):"},
	typeEvidence:        text{"请说明需要 #%d 投诉人补充什么证据：", "Say what evidence the worker of #%d should add:"},
	done:                text{"已完成：#%d %s", "Done: #%d %s"},
	relayed:             text{"✉️ 已转达给投诉人。", "✉️ Sent to the worker."},
	replyButton:         text{"↩️ 回复调解员", "↩️ Reply to the mediator"},
	workerSays:          text{"✉️ 投诉 #%d 的投诉人回复：\n%s", "✉️ The worker of complaint #%d replies:\n%s"},
	replyPrompt:         text{"请输入要回复调解员的话：", "Type your reply to the mediator:"},
	deleteAsk:           text{"确定要删除你的个人信息吗？你的姓名、电话、单位名称、情况描述和证据都会被删除，还没办完的投诉会撤回（调解员会收到通知），工会之后无法再联系你。统计用的非个人信息（纠纷类型、地区、金额、状态）会保留。", "Delete your personal data? Your name, phone, employer, description and evidence will be erased, and complaints still open are withdrawn (their mediator is told): the union can no longer reach you. Non-personal figures (dispute type, region, amounts, states) are kept for statistics."},
	deleteYes:           text{"确认删除", "Yes, delete"},
	deleteNo:            text{"取消", "Cancel"},
	deleted:             text{"已删除你的个人信息（涉及 %d 个投诉），语言设置和进行中的填写也已清除。", "Your personal data has been deleted (complaints: %d); your settings and any form in progress are cleared too."},
	deleteCancelled:     text{"好的，没有删除。", "OK, nothing was deleted."},
	mediatorUsage:       text{"用法：/mediator add 用户ID 或 /mediator remove 用户ID，也可以回复某人的消息发送 /mediator add。", "Usage: /mediator add USER_ID or /mediator remove USER_ID, or reply to someone's message with /mediator add."},
	mediatorAdded:       text{"已添加调解员 %d。", "Mediator %d added."},
	mediatorRemoved:     text{"已移除调解员 %d。", "Mediator %d removed."},
	notMediator:         text{"这个命令只有工会调解员和管理员可以使用。", "Only union mediators and admins can use this command."},
	noData:              text{"没有符合条件的投诉。", "No complaints match."},
	exportCaption:       text{"投诉导出（含个人信息，请妥善保管）", "Complaints export (with personal data: keep it safe)"},
	exportCaptionMasked: text{"投诉导出（不含姓名、电话等个人信息）", "Complaints export (without names, phones and other personal data)"},
	exportPersonalHint:  text{"需要个人信息时发送 /export personal", "For personal data send /export personal"},
	exportPersonalRefused: text{"只有管理员可以导出个人信息。发送 /export 可导出不含个人信息的版本。",
		"Only admins may export personal data. Send /export for the export without it."},
	exportUsage:   text{"用法：`/export [csv|json] [personal]`", "Usage: `/export [csv|json] [personal]`"},
	unknownTicket: text{"找不到这个投诉，或者你无权查看。", "No such complaint, or you may not see it."},
}

// refusal turns a domain error into what the user is told: a forged button
// or a guess at someone else's ticket learns nothing.
func (c *Conversation) refusal(ctx context.Context, err error, lang string, out Responder) error {
	switch {
	case errors.Is(err, intake.ErrForbidden), errors.Is(err, intake.ErrNotFound):
		if err := out.Ack(ctx, intakeTexts.refused.in(lang)); err != nil {
			return err
		}
		return out.Send(ctx, Reply{Text: intakeTexts.unknownTicket.in(lang)})
	case errors.Is(err, intake.ErrAlreadyClaimed):
		return out.Ack(ctx, intakeTexts.claimTaken.in(lang))
	}
	var te *intake.TransitionError
	if errors.As(err, &te) {
		return out.Send(ctx, Reply{Text: "⚠️ " + markdown.Literal(err.Error())})
	}
	return err
}

// --- The worker's interview ---

func (c *Conversation) startComplaint(ctx context.Context, in Incoming, lang string, out Responder) error {
	if in.ChatType == ChatGroup {
		return out.Send(ctx, Reply{Text: intakeTexts.group.in(lang), Buttons: c.privateLink(lang, "complain")})
	}
	return c.showConsent(ctx, in, lang, out, 0)
}

// showConsent asks for consent first; nothing is stored before it, so the
// question is shown from a fresh interview that is not saved. claimedFen, a
// calculator's figure, travels in the Agree button's data.
func (c *Conversation) showConsent(ctx context.Context, in Incoming, lang string, out Responder, claimedFen int64) error {
	if in.ChatType == ChatGroup {
		return out.Send(ctx, Reply{Text: intakeTexts.group.in(lang), Buttons: c.privateLink(lang, "complain")})
	}
	// A complaint under way or paused goes on from its step: consent was
	// given and nothing is asked twice.
	if resumed, err := c.resumeComplaint(ctx, in, lang, out); resumed || err != nil {
		return err
	}
	p := intake.NewInterview().Prompt(lang)
	var rows [][]Button
	for _, row := range p.Options {
		var r []Button
		for _, o := range row {
			data := "ik|" + o.Value
			if o.Value == intake.PressAgree && claimedFen > 0 {
				data += ":" + strconv.FormatInt(claimedFen, 10)
			}
			r = append(r, Button{Text: o.Label, Data: data})
		}
		rows = append(rows, r)
	}
	return out.Send(ctx, Reply{Text: p.Text, Buttons: rows})
}

func (c *Conversation) showInterview(ctx context.Context, iv *intake.Interview, lang string, out Responder, prefix string) error {
	p := iv.Prompt(lang)
	var rows [][]Button
	for _, row := range p.Options {
		var r []Button
		for _, o := range row {
			r = append(r, Button{Text: o.Label, Data: "ik|" + o.Value})
		}
		rows = append(rows, r)
	}
	if iv.Step != intake.StepConsent {
		rows = append(rows, []Button{{Text: calcTexts.cancel.in(lang), Data: "ik|cancel"}})
	}
	return out.Send(ctx, Reply{Text: prefix + p.Text, Buttons: rows})
}

func (c *Conversation) loadInterview(ctx context.Context, chatID int64) (*intake.Interview, error) {
	st, err := c.loadState(ctx, chatID)
	if err != nil || st == nil || st.Flow != "intake" {
		return nil, err
	}
	var sealed []byte
	if err := json.Unmarshal(st.Data, &sealed); err != nil {
		return nil, nil
	}
	iv, err := intake.DecodeInterview(c.intake.sealer, sealed)
	if err != nil {
		c.log.Warn("dropping an unreadable interview", "err", err)
		return nil, c.store.DeleteChatState(ctx, chatID)
	}
	iv.Clock = c.now // relative dates (去年三月) are read against the conversation's clock
	return iv, nil
}

func (c *Conversation) saveInterview(ctx context.Context, chatID int64, iv *intake.Interview) error {
	sealed, err := iv.Encode(c.intake.sealer)
	if err != nil {
		return err
	}
	data, err := json.Marshal(sealed)
	if err != nil {
		return err
	}
	return c.saveState(ctx, chatID, &chatState{Flow: "intake", Data: data})
}

// interviewPress handles the interview's buttons.
func (c *Conversation) interviewPress(ctx context.Context, in Incoming, arg, lang string, out Responder) error {
	if in.ChatType != ChatPrivate {
		return out.Ack(ctx, texts.expired.in(lang))
	}
	if err := out.Ack(ctx, ""); err != nil {
		return err
	}
	switch arg {
	case "resume":
		if resumed, err := c.resumeComplaint(ctx, in, lang, out); resumed || err != nil {
			return err
		}
		return out.Send(ctx, Reply{Text: texts.expired.in(lang)})
	case "discard":
		if err := c.store.DeleteChatState(ctx, draftKey(in.ChatID)); err != nil {
			return err
		}
		return out.Send(ctx, Reply{Text: pauseTexts.discarded.in(lang)})
	}
	iv, err := c.loadInterview(ctx, in.ChatID)
	if err != nil {
		return err
	}
	switch {
	case arg == "cancel" && iv == nil:
		// The Cancel button of an interview no longer under way (an older
		// message; the complaint paused for a calculation): it must not end
		// what the chat does now, nor say a complaint was deleted. As
		// /cancel with nothing to stop, it offers the paused one.
		if offered, err := c.offerDraft(ctx, in, lang, out); offered || err != nil {
			return err
		}
		if st, err := c.loadState(ctx, in.ChatID); err != nil || st != nil {
			return out.Send(ctx, Reply{Text: texts.expired.in(lang)})
		}
		return out.Send(ctx, Reply{Text: pauseTexts.nothing.in(lang)})
	case arg == "cancel":
		if err := c.store.DeleteChatState(ctx, in.ChatID); err != nil {
			return err
		}
		return out.Send(ctx, Reply{Text: intakeTexts.cancelled.in(lang)})
	case iv == nil && arg == intake.PressDecline:
		return out.Send(ctx, Reply{Text: intakeTexts.declined.in(lang)})
	case iv == nil && (arg == intake.PressAgree || strings.HasPrefix(arg, intake.PressAgree+":")):
		// An older consent message pressed while a complaint is paused:
		// the paused one goes on rather than a second starting.
		if resumed, err := c.resumeComplaint(ctx, in, lang, out); resumed || err != nil {
			return err
		}
		iv = intake.NewInterview()
		now := c.now()
		if err := iv.Consent(now); err != nil {
			return err
		}
		if err := c.intake.svc.RecordConsent(ctx, in.UserID, now); err != nil {
			return err
		}
		if _, fenText, ok := strings.Cut(arg, ":"); ok {
			if fen, err := strconv.ParseInt(fenText, 10, 64); err == nil && fen > 0 {
				iv.PrefillClaimed(calc.Result{Kind: "calc", Unit: calc.UnitYuan, Fen: fen, Exact: big.NewRat(fen, 100)})
			}
		}
	case iv == nil && arg == intake.PressSubmit:
		// Submit again once the interview is gone: the complaint it
		// filed, if any (replay.go).
		if t, ok, err := c.submittedRecently(ctx, in); err != nil || ok {
			if err != nil {
				return err
			}
			return out.Send(ctx, Reply{Text: fmt.Sprintf(intakeTexts.duplicate.in(lang), t.Number)})
		}
		return out.Send(ctx, Reply{Text: texts.expired.in(lang)})
	case iv == nil:
		return out.Send(ctx, Reply{Text: texts.expired.in(lang)})
	default:
		if err := iv.Press(arg); err != nil {
			return c.interviewError(ctx, in, iv, err, lang, out)
		}
	}
	return c.afterInterviewStep(ctx, in, iv, lang, out)
}

// interviewFlow takes typed answers, photos and files.
func (c *Conversation) interviewFlow(ctx context.Context, in Incoming, _ *chatState, lang string, out Responder) (bool, error) {
	iv, err := c.loadInterview(ctx, in.ChatID)
	if err != nil || iv == nil {
		return false, err
	}
	switch in.Kind {
	case KindText:
		if err := iv.Answer(in.Text); err != nil {
			if intake.IsQuestion(err) || intake.LooksLikeQuestion(in.Text) {
				// "加班费怎么算？" at the date step: answered, then the
				// same step is asked again, not a date error.
				return true, c.questionMidInterview(ctx, in, lang, out)
			}
			if intake.IsComplaintRequest(in.Text) {
				// "我要投诉" while filling it in: this is the complaint.
				return true, c.showInterview(ctx, iv, lang, out, pauseTexts.backTo.in(lang))
			}
			return true, c.interviewError(ctx, in, iv, err, lang, out)
		}
	case KindPhoto, KindDocument:
		if iv.Step != intake.StepEvidence {
			return true, c.showInterview(ctx, iv, lang, out, "⚠️ "+intakeWrongTime.in(lang)+"\n\n")
		}
		for _, f := range in.Files {
			if err := iv.AddEvidence(intake.Evidence{FileID: f.ID, Kind: f.Kind}); err != nil {
				return true, c.interviewError(ctx, in, iv, err, lang, out)
			}
		}
	default:
		return false, nil
	}
	return true, c.afterInterviewStep(ctx, in, iv, lang, out)
}

// questionMidInterview answers a question typed at a step that refused it
// as an answer, then asks the step again from the stored interview (the
// refused answer changed nothing).
func (c *Conversation) questionMidInterview(ctx context.Context, in Incoming, lang string, out Responder) error {
	if err := c.question(ctx, in, lang, out); err != nil {
		return err
	}
	iv, err := c.loadInterview(ctx, in.ChatID)
	if err != nil || iv == nil {
		return err
	}
	return c.showInterview(ctx, iv, lang, out, pauseTexts.backTo.in(lang))
}

var intakeWrongTime = text{"现在还不需要发文件，请先回答上面的问题。", "No files yet, please answer the question above first."}

func (c *Conversation) interviewError(ctx context.Context, in Incoming, iv *intake.Interview, err error, lang string, out Responder) error {
	if errors.Is(err, intake.ErrDeclined) {
		if err := c.store.DeleteChatState(ctx, in.ChatID); err != nil {
			return err
		}
		return out.Send(ctx, Reply{Text: intakeTexts.declined.in(lang)})
	}
	msg := err.Error()
	var ve interface{ Message(string) string }
	if errors.As(err, &ve) {
		msg = ve.Message(lang)
	}
	// A validation message may quote what the worker typed.
	return c.showInterview(ctx, iv, lang, out, "⚠️ "+markdown.Literal(msg)+"\n\n")
}

// afterInterviewStep saves the interview and asks the next question, or
// files the complaint once the worker has confirmed the summary.
func (c *Conversation) afterInterviewStep(ctx context.Context, in Incoming, iv *intake.Interview, lang string, out Responder) error {
	if iv.Step != intake.StepDone {
		if err := c.saveInterview(ctx, in.ChatID, iv); err != nil {
			return err
		}
		return c.showInterview(ctx, iv, lang, out, "")
	}
	// The interview's id makes the submission idempotent: a double press
	// or a redelivered update returns the ticket already made.
	t, created, err := c.intake.svc.SubmitInterview(ctx, intake.Submitter{UserID: in.UserID, ChatID: in.ChatID, Lang: lang, Source: in.Source}, "", iv)
	if err != nil {
		return err
	}
	if err := c.store.DeleteChatState(ctx, in.ChatID); err != nil {
		return err
	}
	if !created {
		return out.Send(ctx, Reply{Text: fmt.Sprintf(intakeTexts.duplicate.in(lang), t.Number)})
	}
	c.storeEvidence(ctx, t.Number, t.Evidence)
	return out.Send(ctx, Reply{Text: fmt.Sprintf(intakeTexts.submitted.in(lang), t.Number)})
}

// --- Worker commands ---

func (c *Conversation) status(ctx context.Context, in Incoming, lang string, out Responder) error {
	if in.ChatType == ChatGroup {
		return out.Send(ctx, Reply{Text: intakeTexts.group.in(lang), Buttons: c.privateLink(lang, "status")})
	}
	ts, err := c.intake.svc.ListTickets(ctx, in.UserID, intake.Filter{Worker: in.UserID})
	if err != nil {
		return c.refusal(ctx, err, lang, out)
	}
	var mine []intake.Ticket
	for _, t := range ts {
		if t.WorkerID == in.UserID {
			mine = append(mine, t)
		}
	}
	// A complaint not yet submitted (being filled in, or paused) is no
	// ticket, but a worker asking for their complaints' state is looking
	// for it too: say it is there and offer to go on with it.
	unsent, label, err := c.unsubmitted(ctx, in.ChatID, lang)
	if err != nil {
		return err
	}
	var resume [][]Button
	if unsent != "" {
		resume = [][]Button{{{Text: label, Data: "ik|resume"}}}
	}
	if len(mine) == 0 {
		if unsent != "" {
			return out.Send(ctx, Reply{Text: unsent, Buttons: resume})
		}
		return out.Send(ctx, Reply{Text: intakeTexts.noTickets.in(lang)})
	}
	var b strings.Builder
	var rows [][]Button
	for _, t := range mine {
		fmt.Fprintf(&b, "**#%d** · %s\n%s\n\n", t.Number, t.State.Label(lang), t.State.NextStep(lang))
		if t.State.Open() {
			rows = append(rows, []Button{{Text: fmt.Sprintf(withdrawLabel.in(lang), t.Number), Data: "tk|wd|" + strconv.FormatInt(t.Number, 10)}})
		}
	}
	b.WriteString(unsent)
	return out.Send(ctx, Reply{Text: strings.TrimSpace(b.String()), Buttons: append(rows, resume...)})
}

var unsubmittedTexts = struct{ filling, paused text }{
	filling: text{"📝 你正在填写的投诉还没提交。", "📝 The complaint you are filling in is not submitted yet."},
	paused:  text{"⏸ 你有一份暂停的投诉还没提交，发送 /complain 可以接着填。", "⏸ You have a paused complaint that is not submitted: send /complain to go on."},
}

// unsubmitted says whether the chat has a complaint in progress or paused,
// with the label of the button that goes on with it; "" when it has
// neither.
func (c *Conversation) unsubmitted(ctx context.Context, chatID int64, lang string) (say, button string, err error) {
	on, err := c.interviewing(ctx, chatID)
	if err != nil {
		return "", "", err
	}
	if on {
		return unsubmittedTexts.filling.in(lang), pauseTexts.keepOn.in(lang), nil
	}
	paused, err := c.hasDraft(ctx, chatID)
	if err != nil || !paused {
		return "", "", err
	}
	return unsubmittedTexts.paused.in(lang), pauseTexts.resumeButton.in(lang), nil
}

var noEvidence = text{"投诉 #%d 没有证据文件。", "Complaint #%d has no evidence files."}

var withdrawLabel = text{"撤回 #%d", "Withdraw #%d"}

var withdrawTexts = struct{ ask, yes, no, kept text }{
	ask:  text{"确定要撤回投诉 **#%d** 吗？撤回后调解员会停止处理，这份投诉不能再恢复；需要时可以重新发送 /complain。", "Withdraw complaint **#%d**? The mediator stops working on it and it cannot be taken up again; you can always send /complain anew."},
	yes:  text{"是，撤回", "Yes, withdraw it"},
	no:   text{"不撤回", "No, keep it"},
	kept: text{"好的，投诉 **#%d** 没有撤回，调解员会继续处理。", "OK: complaint **#%d** is not withdrawn; the mediator goes on with it."},
}

func (c *Conversation) deleteData(ctx context.Context, in Incoming, lang string, out Responder) error {
	if in.ChatType == ChatGroup {
		return out.Send(ctx, Reply{Text: intakeTexts.group.in(lang), Buttons: c.privateLink(lang, "deletedata")})
	}
	return out.Send(ctx, Reply{Text: intakeTexts.deleteAsk.in(lang), Buttons: [][]Button{{
		{Text: intakeTexts.deleteYes.in(lang), Data: "dd|yes"}, {Text: intakeTexts.deleteNo.in(lang), Data: "dd|no"}}}})
}

func (c *Conversation) deleteDataConfirm(ctx context.Context, in Incoming, arg, lang string, out Responder) error {
	if in.ChatType != ChatPrivate {
		return out.Ack(ctx, texts.expired.in(lang))
	}
	if err := out.Ack(ctx, ""); err != nil {
		return err
	}
	if arg != "yes" {
		return out.Send(ctx, Reply{Text: intakeTexts.deleteCancelled.in(lang)})
	}
	// What the bot itself keeps about the user goes first (the form in
	// progress, the language setting), so that the store's purge of freed
	// space that DeleteWorkerData ends with covers it too.
	if err := c.ForgetChat(ctx, in.ChatID, in.UserID); err != nil {
		return err
	}
	if err := c.forgetGaps(ctx, in.UserID); err != nil {
		return err
	}
	n, err := c.intake.svc.DeleteWorkerData(ctx, in.UserID)
	if err != nil {
		return err
	}
	return out.Send(ctx, Reply{Text: fmt.Sprintf(intakeTexts.deleted.in(lang), n)})
}

// ForgetChat deletes what the conversation keeps of a chat and its user
// outside tickets: the form in progress, a paused complaint and the
// settings. /deletedata starts with it; the web chat's purge of workers
// silent for two years calls it for each.
func (c *Conversation) ForgetChat(ctx context.Context, chatID, userID int64) error {
	if err := c.store.DeleteChatState(ctx, chatID); err != nil {
		return err
	}
	if err := c.store.DeleteChatState(ctx, draftKey(chatID)); err != nil {
		return err
	}
	return c.store.DeletePrefs(ctx, userID)
}

// forgetGaps deletes the knowledge-base gaps (questions the bot answered
// badly) that name the worker or their employers as their complaints give
// them: gaps are stored without names where the rules recognise them, and
// this takes what they missed.
func (c *Conversation) forgetGaps(ctx context.Context, workerID int64) error {
	if c.kb == nil {
		return nil
	}
	ts, err := c.intake.svc.ListTickets(ctx, workerID, intake.Filter{Worker: workerID})
	if err != nil {
		return err
	}
	var terms []string
	for _, t := range ts {
		if t.WorkerID == workerID {
			terms = append(terms, t.Name, t.Employer)
		}
	}
	_, err = c.kb.admin.ForgetGapsAbout(ctx, terms)
	return err
}

// --- Mediators ---

func (c *Conversation) requireStaff(ctx context.Context, in Incoming, lang string, out Responder) (intake.Principal, bool, error) {
	p, err := c.intake.svc.Principal(ctx, in.UserID)
	if err != nil {
		return p, false, err
	}
	if !p.Role.Staff() {
		return p, false, out.Send(ctx, Reply{Text: intakeTexts.notMediator.in(lang)})
	}
	return p, true, nil
}

// tickets lists open tickets: /tickets [mine|new|STATE...].
func (c *Conversation) tickets(ctx context.Context, in Incoming, lang string, out Responder) error {
	if _, ok, err := c.requireStaff(ctx, in, lang, out); !ok || err != nil {
		return err
	}
	f := intake.Filter{OpenOnly: true}
	for _, a := range strings.Fields(strings.ToLower(in.Args)) {
		switch a {
		case "mine", "我的":
			f.Mediator = in.UserID
		case "all", "全部":
			f.OpenOnly = false
		default:
			f.States = append(f.States, intake.State(a))
		}
	}
	ts, err := c.intake.svc.ListTickets(ctx, in.UserID, f)
	if err != nil {
		return c.refusal(ctx, err, lang, out)
	}
	if len(ts) == 0 {
		return out.Send(ctx, Reply{Text: intakeTexts.noData.in(lang)})
	}
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "#%d · %s · %s · %s\n", t.Number, t.State.Label(lang), typeLabels(t.Types, lang), markdown.Literal(strings.TrimSpace(t.Province+" "+t.City)))
	}
	return out.Send(ctx, Reply{Text: b.String()})
}

func typeLabels(ts []intake.DisputeType, lang string) string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Label(lang))
	}
	return strings.Join(out, "、")
}

// ticket shows one ticket: /ticket N. Staff see it masked unless they are
// its mediator; workers see their own.
func (c *Conversation) ticket(ctx context.Context, in Incoming, lang string, out Responder) error {
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(in.Args), "#"), 10, 64)
	if err != nil || n <= 0 {
		return out.Send(ctx, Reply{Text: intakeTexts.usageTicket.in(lang)})
	}
	if in.ChatType == ChatGroup {
		// Even masked, a ticket is for the mediator's private chat.
		return out.Send(ctx, Reply{Text: intakeTexts.group.in(lang)})
	}
	t, err := c.intake.svc.Ticket(ctx, in.UserID, n)
	if err != nil {
		return c.refusal(ctx, err, lang, out)
	}
	p, err := c.intake.svc.Principal(ctx, in.UserID)
	if err != nil {
		return err
	}
	var rows [][]Button
	if p.Role.Staff() && t.WorkerID != in.UserID {
		rows = mediatorButtons(t, lang)
	}
	return out.Send(ctx, Reply{Text: t.Text(lang), Buttons: rows})
}

// mediatorButtons are the actions on a ticket, as fit its state.
func mediatorButtons(t intake.Ticket, lang string) [][]Button {
	n := strconv.FormatInt(t.Number, 10)
	b := func(zh, en, data string) Button {
		return Button{Text: text{zh, en}.in(lang), Data: "tk|" + data + "|" + n}
	}
	switch t.State {
	case intake.StateNew:
		return [][]Button{{b("✋ 受理", "✋ Claim", "claim")}}
	case intake.StateClosed, intake.StateWithdrawn:
		return nil
	}
	rows := [][]Button{
		{b("✉️ 联系投诉人", "✉️ Message worker", "msg"), b("📎 要求补充证据", "📎 Ask for evidence", "ev")},
		{b("📝 备注", "📝 Note", "note"), b("🗂 查看证据", "🗂 See evidence", "files")},
	}
	switch t.State {
	case intake.StateClaimed:
		rows = append(rows, []Button{b("🤝 开始调解", "🤝 Start mediation", "med")})
	case intake.StateInMediation:
		rows = append(rows, []Button{b("✅ 调解成功", "✅ Settled", "ok"), b("❌ 调解不成", "❌ Not settled", "fail")})
	case intake.StateNotSettled:
		rows = append(rows, []Button{b("⚖️ 转仲裁", "⚖️ To arbitration", "arb"), b("🏛️ 转法院", "🏛️ To court", "court")})
	}
	rows = append(rows, []Button{b("🔒 结案", "🔒 Close", "close")})
	return rows
}

// ticketAction handles the ticket buttons "tk|ACTION|N". Every action is
// checked by intake on the server side.
func (c *Conversation) ticketAction(ctx context.Context, in Incoming, arg, lang string, out Responder) error {
	action, num, _ := strings.Cut(arg, "|")
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return out.Ack(ctx, texts.expired.in(lang))
	}
	svc := c.intake.svc
	var t intake.Ticket
	switch action {
	case "claim":
		t, err = svc.Claim(ctx, in.UserID, n)
		if err != nil {
			return c.refusal(ctx, err, lang, out)
		}
		if err := out.Ack(ctx, fmt.Sprintf(intakeTexts.claimedBy.in(lang), n)); err != nil {
			return err
		}
		// The full ticket goes to the mediator's private chat, not the group.
		full, err := svc.Ticket(ctx, in.UserID, n)
		if err != nil {
			return err
		}
		return c.intake.messenger.SendTo(ctx, in.UserID, Reply{Text: full.Text(lang), Buttons: mediatorButtons(full, lang)})
	case "wd":
		// A worker's tap on "withdraw" in /status is asked about first: a
		// withdrawn complaint is not taken up again.
		if err := out.Ack(ctx, ""); err != nil {
			return err
		}
		return out.Send(ctx, Reply{Text: fmt.Sprintf(withdrawTexts.ask.in(lang), n), Buttons: [][]Button{
			{{Text: withdrawTexts.yes.in(lang), Data: "tk|wdy|" + num}},
			{{Text: withdrawTexts.no.in(lang), Data: "tk|wdn|" + num}},
		}})
	case "wdn":
		if err := out.Ack(ctx, ""); err != nil {
			return err
		}
		return out.Send(ctx, Reply{Text: fmt.Sprintf(withdrawTexts.kept.in(lang), n)})
	case "wdy":
		t, err = svc.Withdraw(ctx, in.UserID, n, "")
	case "med":
		t, err = svc.Transition(ctx, in.UserID, n, intake.StateInMediation, "")
	case "fail":
		t, err = svc.RecordOutcome(ctx, in.UserID, n, intake.OutcomeNotSettled, 0, "")
	case "arb":
		t, err = svc.Refer(ctx, in.UserID, n, intake.ReferArbitration, "")
	case "court":
		t, err = svc.Refer(ctx, in.UserID, n, intake.ReferCourt, "")
	case "close":
		t, err = svc.Close(ctx, in.UserID, n, "")
	case "files":
		// The evidence goes to the mediator's private chat; reading the
		// ticket with contact details checks they are its mediator.
		full, err := svc.Ticket(ctx, in.UserID, n)
		if err == nil {
			_, err = svc.Events(ctx, in.UserID, n)
		}
		if err != nil {
			return c.refusal(ctx, err, lang, out)
		}
		if err := out.Ack(ctx, ""); err != nil {
			return err
		}
		if len(full.Evidence) == 0 {
			return c.intake.messenger.SendTo(ctx, in.UserID, Reply{Text: fmt.Sprintf(noEvidence.in(lang), n)})
		}
		// Opening a worker's evidence is on the record, as in the console.
		_ = svc.RecordAudit(ctx, in.UserID, intake.ActionViewEvidence, n, "telegram")
		for i, e := range full.Evidence {
			caption := fmt.Sprintf("#%d · %d/%d", n, i+1, len(full.Evidence))
			if err := c.sendEvidence(ctx, in.UserID, n, i, e, caption, out); err != nil {
				return err
			}
		}
		return nil
	case "msg", "ev", "note", "ok":
		// These need text: check the mediator may act before asking for it.
		if _, err := svc.Events(ctx, in.UserID, n); err != nil {
			return c.refusal(ctx, err, lang, out)
		}
		if err := out.Ack(ctx, ""); err != nil {
			return err
		}
		data, _ := json.Marshal(ticketInputState{Action: action, Ticket: n})
		if err := c.saveState(ctx, in.UserID, &chatState{Flow: "tkinput", Data: data}); err != nil {
			return err
		}
		prompt := map[string]text{"msg": intakeTexts.typeMessage, "ev": intakeTexts.typeEvidence, "note": intakeTexts.typeNote, "ok": intakeTexts.typeAmount}[action]
		return c.intake.messenger.SendTo(ctx, in.UserID, Reply{Text: fmt.Sprintf(prompt.in(lang), n),
			Buttons: [][]Button{{{Text: calcTexts.cancel.in(lang), Data: "calc|cancel"}}}})
	case "rp":
		// The worker wants to reply to the mediator of their ticket.
		if _, ok, err := svc.RelayTarget(ctx, in.UserID); err != nil || !ok {
			if err != nil {
				return err
			}
			return out.Ack(ctx, texts.expired.in(lang))
		}
		if err := out.Ack(ctx, ""); err != nil {
			return err
		}
		if err := c.saveState(ctx, in.ChatID, &chatState{Flow: "reply"}); err != nil {
			return err
		}
		return out.Send(ctx, Reply{Text: intakeTexts.replyPrompt.in(lang)})
	default:
		return out.Ack(ctx, texts.expired.in(lang))
	}
	if err != nil {
		return c.refusal(ctx, err, lang, out)
	}
	if err := out.Ack(ctx, ""); err != nil {
		return err
	}
	return out.Send(ctx, Reply{Text: fmt.Sprintf(intakeTexts.done.in(lang), t.Number, t.State.Label(lang)), Buttons: mediatorButtonsFor(t, in.UserID, lang)})
}

// mediatorButtonsFor shows the next actions only to the acting mediator, not
// to a worker who withdrew.
func mediatorButtonsFor(t intake.Ticket, userID int64, lang string) [][]Button {
	if t.WorkerID == userID {
		return nil
	}
	return mediatorButtons(t, lang)
}

type ticketInputState struct {
	Action string `json:"action"`
	Ticket int64  `json:"ticket"`
	// Amount is the settled amount (fen) while the pay-by day is asked.
	Amount int64 `json:"amount,omitempty"`
}

// ticketInput takes the text a mediator types after pressing a button that
// needs it: a message to the worker, a note, an evidence request, the
// settled amount.
func (c *Conversation) ticketInput(ctx context.Context, in Incoming, st *chatState, lang string, out Responder) (bool, error) {
	if in.Kind != KindText {
		return false, nil
	}
	var s ticketInputState
	if err := json.Unmarshal(st.Data, &s); err != nil {
		return true, c.store.DeleteChatState(ctx, in.ChatID)
	}
	if err := c.store.DeleteChatState(ctx, in.ChatID); err != nil {
		return true, err
	}
	svc := c.intake.svc
	var t intake.Ticket
	var err error
	switch s.Action {
	case "note":
		t, err = svc.AddNote(ctx, in.UserID, s.Ticket, in.Text)
	case "ev":
		t, err = svc.RequestEvidence(ctx, in.UserID, s.Ticket, in.Text)
	case "ok":
		amount, perr := calc.ParseMoney(in.Text)
		if perr != nil {
			if err := c.saveState(ctx, in.ChatID, st); err != nil {
				return true, err
			}
			return true, out.Send(ctx, Reply{Text: "⚠️ " + inputMessage(perr, lang) + "\n" + fmt.Sprintf(intakeTexts.typeAmount.in(lang), s.Ticket)})
		}
		// Then the day the employer must pay by (followup.go).
		return true, c.askPayBy(ctx, in, s.Ticket, amount, lang, out)
	case "payby":
		return true, c.payByInput(ctx, in, s, st, lang, out)
	case "msg":
		t, err = c.MessageWorker(ctx, in.UserID, s.Ticket, in.Text)
		if err != nil {
			return true, c.refusal(ctx, err, lang, out)
		}
		return true, out.Send(ctx, Reply{Text: intakeTexts.relayed.in(lang), Buttons: mediatorButtons(t, lang)})
	default:
		return true, nil
	}
	if err != nil {
		return true, c.refusal(ctx, err, lang, out)
	}
	return true, out.Send(ctx, Reply{Text: fmt.Sprintf(intakeTexts.done.in(lang), t.Number, t.State.Label(lang)), Buttons: mediatorButtons(t, lang)})
}

// MessageWorker sends text from a mediator (or admin) to the worker of
// ticket number, with a button to reply, and records it in the ticket's
// trail (sealed; the audit log records only that a message went out).
// The Telegram flow and the web console both send through it; intake
// checks that the sender may.
func (c *Conversation) MessageWorker(ctx context.Context, staffID, number int64, text string) (intake.Ticket, error) {
	if c.intake == nil {
		return intake.Ticket{}, errors.New("bot: complaints are off")
	}
	svc := c.intake.svc
	chatID, wlang, err := svc.WorkerChat(ctx, staffID, number)
	if err != nil {
		return intake.Ticket{}, err
	}
	if strings.TrimSpace(text) == "" {
		return intake.Ticket{}, errors.New("bot: empty message")
	}
	msg := fmt.Sprintf(mediatorSays.in(wlang), number) + "\n" + markdown.Literal(text)
	if err := c.intake.messenger.SendTo(ctx, chatID, Reply{Text: msg, Buttons: [][]Button{{{Text: intakeTexts.replyButton.in(wlang), Data: "tk|rp|" + strconv.FormatInt(number, 10)}}}}); err != nil {
		return intake.Ticket{}, err
	}
	return svc.RecordMessage(ctx, staffID, number, text)
}

var mediatorSays = text{"✉️ 工会调解员关于投诉 #%d 的消息：", "✉️ Message from the union mediator about complaint #%d:"}

// workerReply relays what a worker types after "Reply to the mediator" to
// the mediator of their open ticket.
func (c *Conversation) workerReply(ctx context.Context, in Incoming, _ *chatState, lang string, out Responder) (bool, error) {
	if in.Kind != KindText {
		return false, nil
	}
	if err := c.store.DeleteChatState(ctx, in.ChatID); err != nil {
		return true, err
	}
	r, ok, err := c.intake.svc.RelayTarget(ctx, in.UserID)
	if err != nil {
		return true, err
	}
	if !ok {
		return true, out.Send(ctx, Reply{Text: texts.expired.in(lang)})
	}
	// The reply joins the ticket's trail first (the console shows it),
	// then goes to the mediator's chat.
	if _, err := c.intake.svc.RecordReply(ctx, in.UserID, r.Ticket, in.Text); err != nil {
		c.log.Warn("recording a worker's reply failed", "ticket", r.Ticket, "err", err)
	}
	msg := fmt.Sprintf(intakeTexts.workerSays.in(lang), r.Ticket, markdown.Literal(in.Text))
	if err := c.intake.messenger.SendTo(ctx, r.Mediator, Reply{Text: msg, Buttons: [][]Button{{{Text: text{"✉️ 回复", "✉️ Reply"}.in(lang), Data: "tk|msg|" + strconv.FormatInt(r.Ticket, 10)}}}}); err != nil {
		// A mediator who works in the web console only may not have a
		// chat with the bot: the reply is in the ticket's trail anyway.
		c.log.Warn("relaying a worker's reply to the mediator's chat failed", "ticket", r.Ticket, "err", err)
	}
	return true, out.Send(ctx, Reply{Text: intakeTexts.relayed.in(lang), Buttons: c.draftButtons(ctx, in.ChatID, lang)})
}

func (c *Conversation) stats(ctx context.Context, in Incoming, lang string, out Responder) error {
	st, err := c.intake.svc.Stats(ctx, in.UserID, c.now())
	if err != nil {
		if errors.Is(err, intake.ErrForbidden) {
			return out.Send(ctx, Reply{Text: intakeTexts.notMediator.in(lang)})
		}
		return err
	}
	return out.Send(ctx, Reply{Text: st.Render(lang)})
}

// export sends the tickets as a file: /export [csv|json] [personal]. Staff
// may export; personal fields (names, phones, the worker's own words) only
// admins, and only when they ask for them, as in the console. Every export
// is in the audit log (ExportQueue records it).
func (c *Conversation) export(ctx context.Context, in Incoming, lang string, out Responder) error {
	if in.ChatType == ChatGroup {
		return out.Send(ctx, Reply{Text: intakeTexts.group.in(lang)})
	}
	// Permission first: someone who may not export learns nothing, not
	// even which formats there are.
	p, err := c.intake.svc.Principal(ctx, in.UserID)
	if err != nil {
		return err
	}
	if intake.Authorize(p, intake.ActionList, nil) != nil {
		return out.Send(ctx, Reply{Text: intakeTexts.refused.in(lang)})
	}
	format, personal := intake.FormatCSV, false
	for _, w := range strings.Fields(in.Args) {
		if strings.EqualFold(w, "personal") || w == "个人信息" {
			personal = true
			continue
		}
		if format, err = intake.ParseFormat(w); err != nil {
			return out.Send(ctx, Reply{Text: "⚠️ " + markdown.Literal(err.Error()) + "\n" + intakeTexts.exportUsage.in(lang)})
		}
	}
	if personal && intake.Authorize(p, intake.ActionExport, nil) != nil {
		return out.Send(ctx, Reply{Text: intakeTexts.exportPersonalRefused.in(lang)})
	}
	var buf bytes.Buffer
	if err := c.intake.svc.ExportQueue(ctx, in.UserID, intake.QueueQuery{View: intake.ViewAll}, format, personal, &buf); err != nil {
		if errors.Is(err, intake.ErrForbidden) {
			return out.Send(ctx, Reply{Text: intakeTexts.refused.in(lang)})
		}
		return err
	}
	name := "tickets-" + c.now().In(intake.Reporting).Format("2006-01-02") + "." + string(format)
	caption := intakeTexts.exportCaption.in(lang)
	if !personal {
		caption = intakeTexts.exportCaptionMasked.in(lang)
		if p.Role == intake.RoleAdmin {
			caption += "\n" + intakeTexts.exportPersonalHint.in(lang)
		}
	}
	return out.SendFile(ctx, name, buf.Bytes(), caption)
}

// mediator adds or removes mediators: /mediator add|remove ID, or as a
// reply to the person's message.
func (c *Conversation) mediator(ctx context.Context, in Incoming, lang string, out Responder) error {
	f := strings.Fields(in.Args)
	if len(f) == 0 || (f[0] != "add" && f[0] != "remove") {
		return out.Send(ctx, Reply{Text: intakeTexts.mediatorUsage.in(lang)})
	}
	var id int64
	if len(f) > 1 {
		id, _ = strconv.ParseInt(f[1], 10, 64)
	} else {
		id = in.ReplyToUserID
	}
	if id <= 0 {
		return out.Send(ctx, Reply{Text: intakeTexts.mediatorUsage.in(lang)})
	}
	var err error
	msg := intakeTexts.mediatorAdded
	if f[0] == "add" {
		err = c.intake.svc.AddMediator(ctx, in.UserID, id)
	} else {
		err = c.intake.svc.RemoveMediator(ctx, in.UserID, id)
		msg = intakeTexts.mediatorRemoved
	}
	if errors.Is(err, intake.ErrForbidden) {
		return out.Send(ctx, Reply{Text: intakeTexts.refused.in(lang)})
	}
	if err != nil {
		return err
	}
	return out.Send(ctx, Reply{Text: fmt.Sprintf(msg.in(lang), id)})
}

// --- Notifications ---

// RunNotifications posts ticket changes from the store's queue until ctx
// ends: new tickets to the mediators' group, changes to the worker. The
// queue hands each entry to one consumer at a time and keeps it until it is
// handled, so a restart loses nothing and replicas do not post twice.
func (c *Conversation) RunNotifications(ctx context.Context, consumer string) error {
	if c.intake == nil {
		<-ctx.Done()
		return nil
	}
	return c.intake.svc.Consume(ctx, consumer, intake.ConsumeOptions{Block: 2 * time.Second}, c.notify)
}

func (c *Conversation) notify(ctx context.Context, n intake.Notification) error {
	t, err := c.intake.svc.NotificationTicket(ctx, n.Ticket)
	if err != nil {
		if errors.Is(err, intake.ErrNotFound) {
			return nil // erased or gone: nothing to tell
		}
		return err
	}
	if n.Action == intake.ActionSubmit {
		if c.intake.mediatorChat == 0 {
			c.log.Warn("new ticket but MEDIATOR_CHAT_ID is not set", "ticket", t.Number)
			return nil
		}
		m := t.Masked()
		text := "🆕 " + m.Text("zh")
		return c.intake.messenger.SendTo(ctx, c.intake.mediatorChat, Reply{Text: text, Buttons: mediatorButtons(t, "zh")})
	}
	if handled, err := c.notifyFollowUp(ctx, n, t); handled {
		return err
	}
	if t.ChatID == 0 || t.Erased() {
		return nil
	}
	notice := intake.WorkerNotice(n, t, t.Lang)
	if notice == "" {
		return nil
	}
	return c.intake.messenger.SendTo(ctx, t.ChatID, Reply{Text: notice})
}
