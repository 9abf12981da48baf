package bot

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/laborbot/laborbot/calc"
)

// A complaint half filled in is never dropped by something else the worker
// starts. Starting a calculator asks first ("pause the complaint?"); any
// other flow that would replace the interview (a reply to a mediator, a
// payment answer) parks it; /complain, the complaint button or "continue
// the complaint" restore it at the same step. The parked interview is kept
// in the Store under the chat's draft key, as the same sealed bytes the
// interview is saved as, so a restart keeps it and /deletedata erases it.

// draftBit sets a chat id apart as the key of the chat's parked complaint.
// Telegram's user ids stay below 2^52 and web-chat ids start at 2^60
// (WebIDBase), so no chat has it set.
const draftBit int64 = 1 << 62

// Only private chats (positive ids) have drafts: a group's negative id
// already has the bit set in two's complement.
func draftKey(chatID int64) int64 { return chatID | draftBit }

var pauseTexts = struct {
	ask, keepOn, pauseCalc, resumed, resumeButton, discardButton, discarded, nothing, nothingButDraft, paused, cancelled,
	backTo, backToCalc text
}{
	ask:             text{"你的投诉还没提交。要先暂停投诉，去算一算吗？暂停的投诉会保留，之后发送 /complain 可以从这一步接着填。", "Your complaint is not submitted yet. Pause it and calculate first? The paused complaint is kept: send /complain later to go on from this step."},
	keepOn:          text{"📝 继续填写投诉", "📝 Go on with the complaint"},
	pauseCalc:       text{"⏸ 暂停投诉，先去算", "⏸ Pause it and calculate"},
	resumed:         text{"📝 接着填写你的投诉：\n\n", "📝 Back to your complaint:\n\n"},
	resumeButton:    text{"📝 继续填写暂停的投诉", "📝 Go on with the paused complaint"},
	discardButton:   text{"🗑 删除这份投诉草稿", "🗑 Delete the draft complaint"},
	discarded:       text{"已删除没提交的投诉草稿。需要时随时发送 /complain。", "The unsubmitted draft complaint is deleted. Send /complain whenever you need."},
	nothing:         text{"现在没有进行中的操作，不需要取消。", "Nothing is in progress, so there is nothing to cancel."},
	nothingButDraft: text{"现在没有进行中的操作。你有一份暂停的投诉还没提交：", "Nothing is in progress. You have a paused complaint that is not submitted:"},
	paused:          text{"⏸ 投诉已暂停，填写的内容都保留着，发送 /complain 可以接着填。", "⏸ Your complaint is paused and nothing is lost: send /complain to go on."},
	cancelled:       text{"已取消。", "Cancelled."},
	backToCalc:      text{"🧮 回到计算，接着填这一项：\n\n", "🧮 Back to the calculation, this question again:\n\n"},
	backTo:          text{"📝 回到投诉，接着填这一项：\n\n", "📝 Back to the complaint, this step again:\n\n"},
}

// interviewing reports whether the chat has a complaint interview under
// way (one is stored only after consent).
func (c *Conversation) interviewing(ctx context.Context, chatID int64) (bool, error) {
	if c.intake == nil {
		return false, nil
	}
	st, err := c.loadState(ctx, chatID)
	if err != nil {
		// The store is down and the chat not remembered: whatever the chat
		// was doing is unknown here, and a calculator needs no store.
		c.log.Warn("chat state unavailable; no interview assumed", "err", err)
		return false, nil
	}
	return st != nil && st.Flow == "intake", nil
}

// hasDraft reports whether a complaint is parked for the chat.
func (c *Conversation) hasDraft(ctx context.Context, chatID int64) (bool, error) {
	if c.intake == nil || chatID <= 0 {
		return false, nil
	}
	raw, err := c.store.GetChatState(ctx, draftKey(chatID))
	return raw != nil, err
}

// parkInterview moves the chat's interview in progress, if any, to its
// draft key. The caller then stores the chat's new state.
func (c *Conversation) parkInterview(ctx context.Context, chatID int64) (bool, error) {
	if chatID <= 0 {
		return false, nil // interviews run in private chats only
	}
	raw, err := c.store.GetChatState(ctx, chatID)
	if err != nil {
		// As in interviewing: during an outage a chat the bot does not
		// remember goes on without the check.
		c.log.Warn("chat state unavailable; nothing parked", "err", err)
		return false, nil
	}
	var st chatState
	if raw == nil || json.Unmarshal(raw, &st) != nil || st.Flow != "intake" {
		return false, nil
	}
	if err := c.store.SetChatState(ctx, draftKey(chatID), raw); err != nil {
		return false, err
	}
	return true, c.store.DeleteChatState(ctx, chatID)
}

// resumeComplaint shows the interview in progress, or restores the parked
// one and shows it, at the step it was left. It reports false when there
// is neither.
func (c *Conversation) resumeComplaint(ctx context.Context, in Incoming, lang string, out Responder) (bool, error) {
	if c.intake == nil || in.ChatType != ChatPrivate {
		return false, nil
	}
	iv, err := c.loadInterview(ctx, in.ChatID)
	if err != nil {
		return false, err
	}
	if iv == nil {
		raw, err := c.store.GetChatState(ctx, draftKey(in.ChatID))
		if err != nil || raw == nil {
			return false, err
		}
		// Whatever else the chat was doing (a calculation) gives way to
		// the complaint the worker asked to go on with.
		if err := c.store.SetChatState(ctx, in.ChatID, raw); err != nil {
			return false, err
		}
		if err := c.store.DeleteChatState(ctx, draftKey(in.ChatID)); err != nil {
			return false, err
		}
		if iv, err = c.loadInterview(ctx, in.ChatID); err != nil || iv == nil {
			return false, err
		}
	}
	return true, c.showInterview(ctx, iv, lang, out, pauseTexts.resumed.in(lang))
}

// draftButtons offer to go on with a parked complaint, after a flow ends.
func (c *Conversation) draftButtons(ctx context.Context, chatID int64, lang string) [][]Button {
	ok, err := c.hasDraft(ctx, chatID)
	if err != nil || !ok {
		return nil
	}
	return [][]Button{{{Text: pauseTexts.resumeButton.in(lang), Data: "ik|resume"}}}
}

// askPauseForCalc asks before a calculator replaces the interview in
// progress; then is "calc" (the menu) or "calc:NAME" (that calculator).
func (c *Conversation) askPauseForCalc(ctx context.Context, lang, then string, out Responder) error {
	return out.Send(ctx, Reply{Text: pauseTexts.ask.in(lang), Buttons: [][]Button{
		{{Text: pauseTexts.keepOn.in(lang), Data: "ik|resume"}},
		{{Text: pauseTexts.pauseCalc.in(lang), Data: "pz|" + then}},
	}})
}

// pausePress handles "pz|calc" and "pz|calc:NAME": park the interview,
// then go where the worker wanted.
func (c *Conversation) pausePress(ctx context.Context, in Incoming, arg, lang string, out Responder) error {
	if in.ChatType != ChatPrivate {
		return out.Ack(ctx, texts.expired.in(lang))
	}
	what, name, _ := strings.Cut(arg, ":")
	if what != "calc" {
		return out.Ack(ctx, texts.expired.in(lang))
	}
	parked, err := c.parkInterview(ctx, in.ChatID)
	if err != nil {
		return err
	}
	if name != "" {
		if parked {
			if err := out.Send(ctx, Reply{Text: pauseTexts.paused.in(lang)}); err != nil {
				return err
			}
		}
		return c.startCalc(ctx, in, name, lang, out) // it answers the press
	}
	if err := out.Ack(ctx, ""); err != nil {
		return err
	}
	if parked {
		if err := out.Send(ctx, Reply{Text: pauseTexts.paused.in(lang)}); err != nil {
			return err
		}
	}
	return c.calcMenu(ctx, in, lang, out)
}

// offerDraft tells a private chat with nothing in progress but a paused
// complaint that it has one, with buttons to go on or discard it; it
// reports whether it did.
func (c *Conversation) offerDraft(ctx context.Context, in Incoming, lang string, out Responder) (bool, error) {
	ok, err := c.hasDraft(ctx, in.ChatID)
	if err != nil || !ok || in.ChatType != ChatPrivate {
		return false, err
	}
	return true, out.Send(ctx, Reply{Text: pauseTexts.nothingButDraft.in(lang), Buttons: [][]Button{
		{{Text: pauseTexts.resumeButton.in(lang), Data: "ik|resume"}},
		{{Text: pauseTexts.discardButton.in(lang), Data: "ik|discard"}},
	}})
}

// cancel is /cancel: it stops the flow in progress and says which, or says
// that nothing was in progress (offering a parked complaint, if any).
func (c *Conversation) cancel(ctx context.Context, in Incoming, lang string, out Responder) error {
	st, err := c.loadState(ctx, in.ChatID)
	if err != nil {
		return err
	}
	if st == nil {
		if offered, err := c.offerDraft(ctx, in, lang, out); offered || err != nil {
			return err
		}
		return out.Send(ctx, Reply{Text: pauseTexts.nothing.in(lang)})
	}
	if err := c.store.DeleteChatState(ctx, in.ChatID); err != nil {
		return err
	}
	msg := pauseTexts.cancelled
	switch st.Flow {
	case "calc":
		msg = calcTexts.cancelled
	case "intake":
		msg = intakeTexts.cancelled
	}
	return out.Send(ctx, Reply{Text: msg.in(lang), Buttons: c.draftButtons(ctx, in.ChatID, lang)})
}

// fileHint answers a photo or file sent outside a complaint (a complaint
// under way or open takes it as evidence before this). With complaints on
// it says what files the bot takes and how to send them; it never opens
// with what the worker may not do (a .md is not for them to know about).
func (c *Conversation) fileHint(kind Kind, lang string) string {
	if c.intake == nil {
		if kind == KindPhoto {
			return texts.photoNoFlow.in(lang)
		}
		return texts.document.in(lang)
	}
	first := fileNotOpened
	if kind == KindPhoto {
		first = photoNotRead
	}
	return first.in(lang) + "\n\n" + evidenceHint.in(lang)
}

var (
	fileNotOpened = text{"这个文件我没有打开。问题请直接打字问我。", "I did not open this file. Please type your question."}
	photoNotRead  = text{"图片里的内容我看不懂。问题请直接打字问我。", "I cannot read pictures. Please type your question."}
	evidenceHint  = text{
		"我能收下的文件是投诉的证据：照片、截图、PDF、Word 等（工资条、考勤记录、聊天记录、劳动合同）。还没投诉的，发送 /complain 申请工会调解，填到“证据”这一步时发给我；投诉提交后，直接把证据发给我就会补充进去。",
		"The files I take are evidence for a complaint: photos, screenshots, PDF, Word and the like (payslips, attendance records, chats, your contract). If you have not complained yet, send /complain to ask the union to mediate and send the files at the evidence step; once your complaint is submitted, just send me the evidence and it is added.",
	}
)

// complaintUnderWay is a "go on with the complaint" row for the welcome
// screen when the chat has a complaint under way or paused: /start does
// not end it, and the worker should not have to remember it is there.
func (c *Conversation) complaintUnderWay(ctx context.Context, in Incoming, lang string) [][]Button {
	if c.intake == nil || in.ChatType != ChatPrivate {
		return nil
	}
	busy, _ := c.interviewing(ctx, in.ChatID)
	if !busy {
		if ok, err := c.hasDraft(ctx, in.ChatID); err != nil || !ok {
			return nil
		}
	}
	return [][]Button{{{Text: pauseTexts.keepOn.in(lang), Data: "ik|resume"}}}
}

// stepInNewLang asks the interview's current step again after a language
// switch, so the worker sees where they are in the language they chose.
func (c *Conversation) stepInNewLang(ctx context.Context, in Incoming, lang string, out Responder) error {
	if in.ChatType != ChatPrivate {
		return nil
	}
	if busy, _ := c.interviewing(ctx, in.ChatID); !busy {
		// A calculation's question, in the new language.
		return c.stepAgain(ctx, in, lang, out)
	}
	_, err := c.resumeComplaint(ctx, in, lang, out)
	return err
}

// stepAgain asks the question a form (the complaint interview, a
// calculator) is waiting at again, after /help or /privacy read in its
// middle: the reply's text pushed the question and its buttons out of
// sight, and the worker is left not knowing the form is still waiting.
func (c *Conversation) stepAgain(ctx context.Context, in Incoming, lang string, out Responder) error {
	if in.ChatType != ChatPrivate {
		return nil
	}
	st, err := c.loadState(ctx, in.ChatID)
	if err != nil || st == nil {
		// As in interviewing: a store down here leaves only the re-ask out.
		return nil
	}
	switch st.Flow {
	case "intake":
		iv, err := c.loadInterview(ctx, in.ChatID)
		if err != nil || iv == nil {
			return err
		}
		return c.showInterview(ctx, iv, lang, out, pauseTexts.backTo.in(lang))
	case "calc":
		if k, ok := calc.LookupCalculator(st.Calc); ok && st.Step < len(k.Fields) {
			return c.askField(ctx, st, lang, out, pauseTexts.backToCalc.in(lang))
		}
	}
	return nil
}
