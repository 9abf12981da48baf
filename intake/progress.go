package intake

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/laborbot/laborbot/calc"
)

// IsProgressQuestion reports whether a message asks how the worker's own
// case is going ("进展如何", "我的投诉怎么样了", "how is my case"), which
// the bot answers from the worker's tickets rather than the knowledge
// base. Only short messages count: a long one is a question about the law
// that happens to contain such words.
func IsProgressQuestion(text string) bool {
	t := strings.ToLower(strings.Join(strings.Fields(text), " "))
	if utf8.RuneCountInString(t) > 30 {
		return false
	}
	for _, p := range []string{
		"进展如何", "进展怎么样", "进展怎样", "有进展吗", "有没有进展", "什么进展", "进度如何", "进度怎么样", "查进度", "查询进度",
		"投诉怎么样了", "投诉处理得怎么样", "投诉到哪一步", "案子怎么样了", "案件怎么样了", "调解怎么样了", "申请怎么样了",
		"处理到哪一步", "到哪一步了", "怎么还没人联系",
		"how is my case", "how's my case", "how is my complaint", "how's my complaint", "status of my case",
		"status of my complaint", "my case status", "my complaint status", "any update on my", "any progress on my",
		"any news on my", "what's happening with my", "what is happening with my",
	} {
		if strings.Contains(t, p) {
			return true
		}
	}
	return false
}

// ProgressText tells a worker, in plain words, where their ticket is: what
// has happened, what happens next, and the dates that matter (the
// arbitration deadline, the pay-by day).
func ProgressText(t Ticket, now time.Time, lang string) string {
	var b strings.Builder
	day := func(x time.Time) string { return x.In(Reporting).Format("2006-01-02") }
	fmt.Fprintf(&b, "**#%d** · %s\n", t.Number, t.State.Label(lang))
	switch {
	case t.State == StateNew:
		fmt.Fprintf(&b, calc.Text{
			Zh: "你在 %s 提交了投诉，已经等了 %s，还在等待调解员受理。",
			En: "You filed it on %s and have waited %s; it is still waiting for a mediator.",
		}.In(lang), day(t.CreatedAt), humanDuration(now.Sub(t.CreatedAt), lang))
	case !t.ClaimedAt.IsZero() && t.State.Open():
		fmt.Fprintf(&b, calc.Text{
			Zh: "你在 %s 提交了投诉，%s 由工会调解员受理。",
			En: "You filed it on %s; a union mediator took it on %s.",
		}.In(lang), day(t.CreatedAt), day(t.ClaimedAt))
	}
	b.WriteString("\n")
	if t.State == StateSettled {
		if t.SettledAmount > 0 {
			fmt.Fprintf(&b, calc.Text{Zh: "调解协议金额：%s 元。", En: "Amount agreed: %s yuan. "}.In(lang), t.SettledAmount)
		}
		if !t.PayBy.IsZero() {
			fmt.Fprintf(&b, calc.Text{Zh: "约定付款日：%s。", En: "To be paid by: %s. "}.In(lang), calendarDay(t.PayBy).Format("2006-01-02"))
		}
		if t.FollowUp.Payment == PaidPart || t.FollowUp.Payment == PaidNone {
			fmt.Fprintf(&b, calc.Text{Zh: "你反馈到账 %s 元，调解员已经知道。", En: "You said %s yuan arrived; your mediator knows. "}.In(lang), t.FollowUp.PaidAmount)
		}
		b.WriteString("\n")
	}
	b.WriteString(t.State.NextStep(lang))
	if lim := LimitationOf(t); t.State.Open() && limitationApplies(t) && lim.Running {
		left := lim.DaysLeft(now)
		if left >= 0 {
			fmt.Fprintf(&b, calc.Text{
				Zh: "\n⏳ 申请劳动仲裁的时效估计在 %s 届满（还有 %d 天，%s）。",
				En: "\n⏳ The time limit to apply for arbitration is estimated to end on %s (%d days left, %s).",
			}.In(lang), lim.Last.Format("2006-01-02"), left, citeLimitation.Format(lang))
		}
	}
	if t.FollowUp.RemindersOff && t.State.Open() {
		b.WriteString(calc.Text{Zh: "\n🔕 你关闭了这件投诉的提醒，发送 /reminders on 可以重新打开。", En: "\n🔕 You turned reminders off for this complaint; /reminders on turns them back on."}.In(lang))
	}
	return b.String()
}
