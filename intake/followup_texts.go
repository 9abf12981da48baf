package intake

import (
	"fmt"
	"strings"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/knowledge"
)

// The words of follow-ups. Staff get Chinese (the union's language);
// workers get their own. Every rule a worker is told cites its article;
// followup_texts_test.go checks each citation, and the words it rests on,
// against the statute texts.

// UnionHotline is the trade unions' national workers' hotline.
const UnionHotline = "12351"

func kindLabel(kind string) calc.Text {
	switch kind {
	case FollowEscalateGroup:
		return calc.Text{Zh: "无人受理提醒", En: "unclaimed reminder"}
	case FollowEscalateAdmins:
		return calc.Text{Zh: "无人受理升级", En: "unclaimed, escalated"}
	case FollowEscalateWorker:
		return calc.Text{Zh: "等待受理告知", En: "waiting notice"}
	case FollowCheckIn:
		return calc.Text{Zh: "进展提醒", En: "progress check-in"}
	case FollowPayment:
		return calc.Text{Zh: "付款确认", En: "payment check"}
	case FollowLimitation:
		return calc.Text{Zh: "仲裁时效提醒", En: "arbitration deadline reminder"}
	case FollowReferral:
		return calc.Text{Zh: "转出结果询问", En: "referral result request"}
	}
	return calc.Text{Zh: kind, En: kind}
}

func audienceLabel(a Audience) calc.Text {
	switch a {
	case ToWorker:
		return calc.Text{Zh: "劳动者", En: "worker"}
	case ToMediator:
		return calc.Text{Zh: "调解员", En: "mediator"}
	case ToGroup:
		return calc.Text{Zh: "调解员群", En: "mediators' group"}
	case ToAdmin:
		return calc.Text{Zh: "管理员", En: "admins"}
	}
	return calc.Text{Zh: string(a), En: string(a)}
}

func cites(lang string, cs ...knowledge.Citation) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Format(lang))
	}
	sep := "；"
	if lang == "en" {
		sep = "; "
	}
	return strings.Join(out, sep)
}

var (
	citeAgreementDoc   = knowledge.Citation{Law: "劳动争议调解仲裁法", Article: 14}
	citeArbitration    = knowledge.Citation{Law: "劳动争议调解仲裁法", Article: 15}
	citePaymentOrder   = knowledge.Citation{Law: "劳动争议调解仲裁法", Article: 16}
	citeArbitrationLoc = knowledge.Citation{Law: "劳动争议调解仲裁法", Article: 21}
	citeLimitation     = knowledge.Citation{Law: "劳动争议调解仲裁法", Article: 27}
	citeArbitrationFee = knowledge.Citation{Law: "劳动争议调解仲裁法", Article: 53}
	citeWagesOrder     = knowledge.Citation{Law: "劳动合同法", Article: 30}
	citePaymentOrderJI = knowledge.Citation{Law: "劳动争议解释（一）", Article: 13}
	citeConfirmation   = knowledge.Citation{Law: "劳动争议解释（一）", Article: 52}
)

// days renders a duration in whole days (at least 1).
func days(d time.Duration) int { return max(int(d/(24*time.Hour)), 1) }

func escalationStaffText(t Ticket, waited time.Duration, admins bool) string {
	head := fmt.Sprintf("⏰ 投诉 #%d 已等待 %s，还没有调解员受理，请尽快受理。", t.Number, humanDuration(waited, "zh"))
	if admins {
		head = fmt.Sprintf("⏰ 投诉 #%d 已等待 %s 仍无人受理（调解员群已提醒过）。请安排调解员受理。", t.Number, humanDuration(waited, "zh"))
	}
	return head + "\n\n" + t.Masked().Text("zh")
}

func escalationWorkerText(t Ticket, now time.Time, lang string) string {
	return fmt.Sprintf(calc.Text{
		Zh: "你的投诉 #%d 已经提交 %s，还在等待调解员受理，让你久等了。我们已经再次提醒了工会的调解员，工会在跟进你的投诉，受理后会马上在这里告诉你。情况紧急的话（例如马上要离开当地、生活已经很困难），可以直接拨打工会职工服务热线 %s。",
		En: "Your complaint #%d was filed %s ago and is still waiting for a mediator; sorry for the wait. We have reminded the union's mediators again; the union is following your complaint and you will be told here as soon as someone takes it. If it is urgent (you must leave the area soon, or cannot make ends meet), call the union's workers' hotline %s.",
	}.In(lang), t.Number, humanDuration(now.Sub(t.CreatedAt), lang), UnionHotline)
}

func checkInText(t Ticket, idle time.Duration, lang string) string {
	extra := ""
	if t.State == StateSettled {
		extra = calc.Text{Zh: "调解协议约定的付款情况请向劳动者核实。", En: "Check with the worker whether the settlement was paid. "}.In(lang)
		if t.FollowUp.Payment == PaidNone || t.FollowUp.Payment == PaidPart {
			extra = calc.Text{Zh: "劳动者反馈用人单位没有按协议付清，请督促用人单位并协助劳动者申请支付令或仲裁。", En: "The worker says the employer has not paid in full: press the employer and help the worker apply for a payment order or arbitration. "}.In(lang)
		}
	}
	return fmt.Sprintf(calc.Text{
		Zh: "📋 投诉 #%d（%s）已经 %d 天没有新进展。%s请联系劳动者或记录进展；需要时可以转仲裁、转法院或结案。",
		En: "📋 Complaint #%d (%s) has had no progress for %d days. %sContact the worker or record what happened; refer or close the case if that is where it stands.",
	}.In(lang), t.Number, t.State.Label(lang), days(idle), extra)
}

func paymentQuestionText(t Ticket, _ time.Time, lang string) string {
	day := calendarDay(t.PayBy).Format("2006-01-02")
	if t.SettledAmount > 0 {
		return fmt.Sprintf(calc.Text{
			Zh: "💰 投诉 #%d：调解协议约定用人单位在 %s 前支付 %s 元。今天到期了，钱到账了吗？",
			En: "💰 Complaint #%d: the mediation agreement says the employer pays %s yuan by %s. That is today: has the money arrived?",
		}.In(lang), t.Number, pick(lang, day, t.SettledAmount.String()), pick(lang, t.SettledAmount.String(), day))
	}
	return fmt.Sprintf(calc.Text{
		Zh: "💰 投诉 #%d：调解协议约定用人单位在 %s 前履行。今天到期了，单位做到了吗？",
		En: "💰 Complaint #%d: the mediation agreement says the employer performs by %s. That is today: has it?",
	}.In(lang), t.Number, day)
}

// pick returns zh or en: for format arguments whose order differs.
func pick(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

func paymentMediatorText(t Ticket, lang string) string {
	why := calc.Text{Zh: "劳动者无法通过机器人联系", En: "the worker cannot be reached through the bot"}
	if t.FollowUp.RemindersOff {
		why = calc.Text{Zh: "劳动者关闭了提醒", En: "the worker turned reminders off"}
	}
	return fmt.Sprintf(calc.Text{
		Zh: "💰 投诉 #%d：调解协议约定的付款日 %s 到了（%s 元）。%s，请你向劳动者核实是否已经付款。",
		En: "💰 Complaint #%d: the pay-by day %s of the settlement (%s yuan) has come. As %s, please check with the worker whether the money arrived.",
	}.In(lang), t.Number, calendarDay(t.PayBy).Format("2006-01-02"), t.SettledAmount, why.In(lang))
}

// PaymentAlertText tells the mediator what the worker answered about the
// settlement's payment.
func PaymentAlertText(t Ticket, lang string) string {
	switch t.FollowUp.Payment {
	case PaidFull:
		return fmt.Sprintf(calc.Text{
			Zh: "✅ 投诉 #%d：劳动者确认已全额收到 %s 元，投诉已结案。",
			En: "✅ Complaint #%d: the worker confirms the %s yuan arrived in full; the complaint is closed.",
		}.In(lang), t.Number, t.FollowUp.PaidAmount)
	case PaidPart:
		return fmt.Sprintf(calc.Text{
			Zh: "⚠️ 投诉 #%d：劳动者反馈用人单位只付了 %s 元（约定 %s 元，%s 前）。请联系用人单位督促履行，并协助劳动者申请支付令或仲裁。",
			En: "⚠️ Complaint #%d: the worker says the employer paid only %s yuan (%s agreed, by %s). Press the employer and help the worker apply for a payment order or arbitration.",
		}.In(lang), t.Number, t.FollowUp.PaidAmount, t.SettledAmount, calendarDay(t.PayBy).Format("2006-01-02"))
	}
	return fmt.Sprintf(calc.Text{
		Zh: "⚠️ 投诉 #%d：劳动者反馈用人单位没有按调解协议付款（约定 %s 元，%s 前）。请联系用人单位督促履行，并协助劳动者申请支付令或仲裁。",
		En: "⚠️ Complaint #%d: the worker says the employer has not paid as agreed (%s yuan by %s). Press the employer and help the worker apply for a payment order or arbitration.",
	}.In(lang), t.Number, t.SettledAmount, calendarDay(t.PayBy).Format("2006-01-02"))
}

// PaymentReplyText is what the worker is told after answering: thanks and
// the closing for a full payment; the next steps otherwise.
func PaymentReplyText(t Ticket, lang string) string {
	if t.FollowUp.Payment == PaidFull {
		return fmt.Sprintf(calc.Text{
			Zh: "✅ 已记录：你已全额收到 %s 元，投诉 #%d 已结案。谢谢你告诉我们！以后有新的问题，随时可以再找工会。",
			En: "✅ Noted: the %s yuan arrived in full, and complaint #%d is closed. Thank you for telling us! If anything new comes up, the union is here.",
		}.In(lang), t.FollowUp.PaidAmount, t.Number)
	}
	head := calc.Text{
		Zh: "已记录：用人单位没有按调解协议付款。你的调解员已经收到通知，会联系单位督促付款。",
		En: "Noted: the employer has not paid as agreed. Your mediator has been told and will press the employer to pay.",
	}.In(lang)
	if t.FollowUp.Payment == PaidPart {
		head = fmt.Sprintf(calc.Text{
			Zh: "已记录：到账 %s 元，还差 %s 元。你的调解员已经收到通知，会联系单位督促付清。",
			En: "Noted: %s yuan arrived, %s yuan is still owed. Your mediator has been told and will press the employer to pay the rest.",
		}.In(lang), t.FollowUp.PaidAmount, max(t.SettledAmount-t.FollowUp.PaidAmount, 0))
	}
	return head + "\n\n" + UnpaidNextSteps(lang)
}

// legalStep is one way forward when a settlement is not paid.
type legalStep struct {
	Title, Body, Bring calc.Text
	Cites              []knowledge.Citation
}

// unpaidSteps are the ways forward when the employer does not carry out a
// mediation agreement, each resting on the articles it cites (the test
// checks each against the statute text):
//
//   - 劳动争议调解仲裁法 16 and 劳动争议解释（一）13: for an agreement on
//     unpaid wages, work-injury medical costs, severance or damages, the
//     worker may apply to the people's court for a payment order with the
//     mediation agreement (调解协议书, 14).
//   - 劳动合同法 30: for unpaid wages, a payment order from the local
//     people's court.
//   - 劳动争议调解仲裁法 15: if a party does not perform the agreement in
//     time, the other may apply for arbitration (where the contract was
//     performed or the employer is, 21; free of charge, 53).
//   - 劳动争议解释（一）52: an agreement reached before a people's
//     mediation committee, only on payment, may be judicially confirmed by
//     the basic court where the committee sits, on both parties' joint
//     application. (The article covers people's mediation committees only;
//     what applies to other mediation, such as the court's online platform,
//     is not stated here.)
func unpaidSteps() []legalStep {
	return []legalStep{
		{
			Title: calc.Text{Zh: "申请支付令（较快）", En: "A payment order (quickest)"},
			Body: calc.Text{
				Zh: "调解协议是关于拖欠工资、工伤医疗费、经济补偿或者赔偿金的，单位到期不付，你可以拿着调解协议书向人民法院申请支付令，法院应当依法发出支付令。拖欠工资的，也可以向当地人民法院申请支付令。",
				En: "If the agreement is about unpaid wages, work-injury medical costs, severance or damages and the employer has not paid by the date, you can take the mediation agreement to the people's court and apply for a payment order, which the court shall issue according to law. For unpaid wages you can also apply to the local people's court for a payment order.",
			},
			Bring: calc.Text{
				Zh: "调解协议书原件和复印件、身份证、单位的全称和地址、没有收到钱的证明（例如银行流水）。",
				En: "the mediation agreement (original and a copy), your ID card, the employer's full name and address, proof the money did not arrive (such as bank statements).",
			},
			Cites: []knowledge.Citation{citePaymentOrder, citePaymentOrderJI, citeWagesOrder, citeAgreementDoc},
		},
		{
			Title: calc.Text{Zh: "申请劳动仲裁", En: "Labor arbitration"},
			Body: calc.Text{
				Zh: "单位在协议约定的期限内不履行调解协议的，你可以依法申请仲裁。向劳动合同履行地或者用人单位所在地的劳动人事争议仲裁委员会申请，不收费。",
				En: "If the employer does not carry out the agreement within the time agreed, you can apply for arbitration, at the labor dispute arbitration commission where you worked or where the employer is. It is free.",
			},
			Bring: calc.Text{
				Zh: "仲裁申请书（写清单位名称地址、要求和理由）、身份证、调解协议书、劳动关系的证据（劳动合同、工资条、考勤、工作证等）和欠款证据。",
				En: "the arbitration application (the employer's name and address, what you claim and why), your ID card, the mediation agreement, proof of employment (contract, pay slips, attendance, work badge) and proof of what is owed.",
			},
			Cites: []knowledge.Citation{citeArbitration, citeArbitrationLoc, citeArbitrationFee},
		},
		{
			Title: calc.Text{Zh: "司法确认（人民调解委员会达成的协议）", En: "Judicial confirmation (agreements made before a people's mediation committee)"},
			Body: calc.Text{
				Zh: "如果协议是在人民调解委员会主持下达成、只涉及给付（付钱）的，双方认为有必要时，可以共同向人民调解委员会所在地的基层人民法院申请司法确认。需要单位一起申请；单位不配合的，请走支付令或仲裁。不清楚你的协议属于哪一种，可以问调解员。",
				En: "If the agreement was made before a people's mediation committee and is only about payment, both sides together may, if they think it necessary, apply for judicial confirmation at the basic court where the committee sits. The employer must apply with you; if it will not, use a payment order or arbitration. Ask your mediator which kind of agreement you have.",
			},
			Bring: calc.Text{
				Zh: "调解协议书、双方身份证明（单位的营业执照复印件）。",
				En: "the mediation agreement and both sides' proof of identity (a copy of the employer's business licence).",
			},
			Cites: []knowledge.Citation{citeConfirmation},
		},
	}
}

// UnpaidNextSteps tells a worker, in plain words, what to do when the
// employer does not pay a settlement, with what to bring, citing the
// articles.
func UnpaidNextSteps(lang string) string {
	var b strings.Builder
	b.WriteString(calc.Text{Zh: "**接下来可以怎么做：**\n", En: "**What you can do next:**\n"}.In(lang))
	for i, s := range unpaidSteps() {
		fmt.Fprintf(&b, pick(lang, "%d. **%s**：%s（%s）\n   %s%s\n", "%d. **%s**: %s (%s)\n   %s%s\n"), i+1, s.Title.In(lang), s.Body.In(lang), cites(lang, s.Cites...),
			calc.Text{Zh: "带上：", En: "Bring: "}.In(lang), s.Bring.In(lang))
	}
	b.WriteString(fmt.Sprintf(calc.Text{
		Zh: "\n注意申请仲裁的时效一般是一年（%s），不要拖。可以拨打 12348 申请法律援助，或拨打工会职工服务热线 %s。",
		En: "\nArbitration must usually be sought within a year (%s): do not wait. Legal aid: 12348; the union's workers' hotline: %s.",
	}.In(lang), citeLimitation.Format(lang), UnionHotline))
	return b.String()
}

func limitationText(t Ticket, now time.Time, lang string) string {
	lim := LimitationOf(t)
	left := lim.DaysLeft(now)
	advice := calc.Text{
		Zh: "如果调解可能谈不成，请在截止前向劳动人事争议仲裁委员会申请仲裁，不用等调解结束，可以先和调解员商量。",
		En: "If mediation may not succeed, apply to the labor dispute arbitration commission before then: you need not wait for mediation to end; talk to your mediator first.",
	}
	switch t.State {
	case StateSettled:
		advice = calc.Text{
			Zh: "用人单位没有按调解协议付清的，请在截止前申请仲裁或支付令，可以先和调解员商量。",
			En: "As the employer has not paid the settlement in full, apply for arbitration or a payment order before then; talk to your mediator first.",
		}
	case StateReferredArbitration:
		advice = calc.Text{
			Zh: "如果还没有向劳动人事争议仲裁委员会递交仲裁申请，请在截止前递交。",
			En: "If you have not yet filed your application with the labor dispute arbitration commission, file it before then.",
		}
	}
	return fmt.Sprintf(calc.Text{
		Zh: "⏳ 提醒：按你填写的离职日期 %s 估算，你申请劳动仲裁的时效（一般为一年，%s）将在 %s 届满，还有 %d 天（投诉 #%d）。%s这是估算：如果你更早就知道权利被侵害，时效可能更早届满。",
		En: "⏳ Reminder: from the end date you gave, %s, the time limit to apply for labor arbitration (usually one year, %s) is estimated to end on %s: %d days left (complaint #%d). %s This is an estimate: if you learned of the infringement earlier, the time limit may end earlier.",
	}.In(lang), lim.From.Format("2006-01-02"), citeLimitation.Format(lang), lim.Last.Format("2006-01-02"), left, t.Number, advice.In(lang))
}

func referralText(t Ticket, since, repeat time.Duration, lang string) string {
	where := calc.Text{Zh: "劳动仲裁", En: "arbitration"}
	if t.State == StateReferredCourt {
		where = calc.Text{Zh: "法院", En: "court"}
	}
	return fmt.Sprintf(calc.Text{
		Zh: "⚖️ 投诉 #%d 转%s已经 %d 天。结果如何？请选择；还没有结果的，%d 天后会再问你。记录结果后投诉结案，统计会覆盖整个流程。",
		En: "⚖️ Complaint #%d went to %s %d days ago. How did it end? Choose below; if there is no result yet, you will be asked again in %d days. Recording the result closes the complaint, so the statistics cover the whole chain.",
	}.In(lang), t.Number, where.In(lang), days(since), days(repeat))
}
