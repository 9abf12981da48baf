package calc

import (
	"fmt"
	"time"
)

// DeadlineInput is the input of Deadline.
type DeadlineInput struct {
	// Knew is the day the worker knew or should have known the right was
	// infringed (e.g. the day of dismissal, or the payday that was missed).
	// Not needed for a wage claim (Wages), which runs from Ended.
	Knew time.Time
	// Ended is the day the labor relationship ended; zero while employed.
	Ended time.Time
	// Wages: the claim is for unpaid labor remuneration (wages, overtime pay)
	// that arose during employment (劳动争议调解仲裁法 27 para 4).
	Wages bool
	// Today is the day to count the days left from; the caller passes it
	// (the domain never reads the clock).
	Today time.Time
}

// Validate checks the input.
func (in DeadlineInput) Validate() error {
	if in.Today.IsZero() {
		return inputErr("today", "缺少今天的日期。", "Today's date is missing.")
	}
	if in.Knew.IsZero() && !in.Wages {
		return inputErr("knew", "请填写你知道或者应当知道权利被侵害的日期（例如被辞退的日期）。", "Please give the date you knew or should have known your rights were infringed (e.g. the day you were dismissed).")
	}
	today := Day(in.Today)
	if !in.Knew.IsZero() && Day(in.Knew).After(today) {
		return inputErr("knew", "知道权利被侵害的日期不能晚于今天。", "The date you knew cannot be after today.")
	}
	if !in.Ended.IsZero() && Day(in.Ended).After(today) {
		return inputErr("ended", "离职日期不能晚于今天；还没离职的话请不要填写。", "The end of employment cannot be after today; leave it empty while still employed.")
	}
	return nil
}

// Deadline computes the days left to apply for labor arbitration under the
// one-year limitation period of 劳动争议调解仲裁法 27: one year from the day
// the worker knew or should have known (para 1); for unpaid wages while
// employed no limit runs, and after the job ends one year from the end
// (para 4). One year ends on the corresponding day of the next year (民法典
// 202; 29 February → 28 February). The amount is the days from Today to the
// last day: 0 means today is the last day, negative means the period has
// run out. A wage claim while still employed has no figure (Exact nil).
func Deadline(in DeadlineInput) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	today := Day(in.Today)
	r := Result{Kind: KindDeadline, Unit: UnitDays}
	r.cite(lawArbitration, 27)

	if in.Wages && in.Ended.IsZero() {
		r.Formula = tx("劳动关系存续期间因拖欠劳动报酬发生争议的，申请仲裁不受一年仲裁时效的限制；劳动关系终止后，应当自终止之日起一年内申请",
			"While the employment continues, a claim for unpaid labor remuneration is not bound by the one-year limitation period; once the employment ends, apply within one year of the end")
		r.note("目前仍在职，欠薪的仲裁时效尚未起算；离职后一年内必须申请仲裁（《劳动争议调解仲裁法》第27条第4款）。建议保存工资条、银行流水、考勤和催讨记录。",
			"While still employed, the limitation period for unpaid wages has not started; after leaving, arbitration must be sought within one year (Labor Dispute Mediation and Arbitration Law art. 27 para 4). Keep pay slips, bank statements, attendance records and records of asking for payment.")
		r.note("“劳动报酬”一般指工资、加班费等；二倍工资中的另一倍、经济补偿、赔偿金等在很多地方不算劳动报酬，仍适用一年时效，从知道权利被侵害时起算。",
			"Labor remuneration usually means wages and overtime pay; in many places the extra wage for no contract, severance and damages are not remuneration and stay under the one-year period from when the worker knew.")
		addTimeNotes(&r)
		return r, nil
	}

	var from time.Time
	var fromZh, fromEn string
	if in.Wages {
		from = Day(in.Ended)
		fromZh, fromEn = "劳动关系终止之日", "the end of employment"
	} else {
		from = Day(in.Knew)
		fromZh, fromEn = "知道或者应当知道权利被侵害之日", "the day the worker knew or should have known of the infringement"
	}
	last := addMonths(from, 12)
	left := daysBetween(today, last)
	r.setExact(ratInt(int64(left)))

	var stateZh, stateEn string
	switch {
	case left > 0:
		stateZh = fmt.Sprintf("今天 %s 距截止日还有 %d 天", ymd(today), left)
		stateEn = fmt.Sprintf("from today, %s, %s are left", ymd(today), plural(left, "day"))
	case left == 0:
		stateZh = fmt.Sprintf("今天 %s 就是最后一天，请立即申请仲裁", ymd(today))
		stateEn = fmt.Sprintf("today, %s, is the last day: apply for arbitration at once", ymd(today))
	default:
		stateZh = fmt.Sprintf("截至今天 %s 已超过 %d 天，仲裁时效可能已过", ymd(today), -left)
		stateEn = fmt.Sprintf("as of today, %s, it passed %s ago: the limitation period may have run out", ymd(today), plural(-left, "day"))
	}
	r.Formula = Text{
		Zh: fmt.Sprintf("仲裁时效一年，从%s %s 起算，最后一天为 %s；%s", fromZh, ymd(from), ymd(last), stateZh),
		En: fmt.Sprintf("The limitation period is one year from %s, %s; the last day is %s; %s", fromEn, ymd(from), ymd(last), stateEn),
	}
	if left < 0 {
		r.note("时效已过不等于一定输：如果期间向单位主张过权利（催讨记录）、向劳动监察或工会等部门求助过，或者单位同意过支付，时效从那时中断并重新计算（第27条第2款）；因不可抗力等正当理由不能申请的，时效中止（第27条第3款）。仍可以申请仲裁，由仲裁委审查是否超过时效。",
			"A lapsed period is not always fatal: if the worker demanded payment from the employer (keep the messages), asked a labor inspectorate, the union or another body for help, or the employer agreed to pay, the period was interrupted and starts again from then (art. 27 para 2); if force majeure or another good reason prevented an application, it was suspended (para 3). You can still apply; the arbitration commission decides whether the period has run out.")
	}
	if in.Wages {
		r.note("欠薪在职期间不受一年时效限制，离职后自劳动关系终止之日起一年内申请（《劳动争议调解仲裁法》第27条第4款）。",
			"Unpaid wages are not time-barred while employed; after leaving, apply within one year of the end of employment (Labor Dispute Mediation and Arbitration Law art. 27 para 4).")
	} else if !in.Ended.IsZero() {
		r.note("不是欠薪的请求（例如经济补偿、赔偿金、二倍工资），时效从知道或应当知道权利被侵害之日起算；被辞退的，一般就是收到解除通知的那天。如果是在职期间的欠薪，请选择“欠薪”重新计算。",
			"For claims other than unpaid wages (severance, damages, the double wage), the period runs from when the worker knew or should have known, usually the day the dismissal notice arrived. For wages unpaid during employment, choose the wage option and recalculate.")
	}
	addTimeNotes(&r)
	return r, nil
}

// LastDay is the last day to apply for arbitration under 劳动争议调解仲裁法
// 27, as Deadline computes it: one year from the day the worker knew (or,
// for unpaid wages, from the end of employment). running is false for a
// wage claim while still employed (no period runs). Today is not used.
func LastDay(in DeadlineInput) (last time.Time, running bool) {
	if in.Wages && in.Ended.IsZero() {
		return time.Time{}, false
	}
	from := in.Knew
	if in.Wages {
		from = in.Ended
	}
	if from.IsZero() {
		return time.Time{}, false
	}
	return addMonths(Day(from), 12), true
}

func addTimeNotes(r *Result) {
	r.note("时效中断：向对方主张权利、向有关部门请求权利救济、或者对方同意履行义务的，时效中断，从中断时起重新计算一年（第27条第2款）；时效中止：因不可抗力或其他正当理由不能申请的，中止，原因消除后继续计算（第27条第3款）。请保留催讨和求助的证据。",
		"Interruption: demanding payment from the other side, asking an authority for relief, or the other side agreeing to perform interrupts the period, and a new year starts (art. 27 para 2); suspension: force majeure or another good reason that prevents applying suspends it until the cause ends (para 3). Keep proof of demands and requests for help.")
	r.note("按民法典计算期间：起算当日不计入，一年到次年的对应日届满；最后一天是法定节假日的，顺延到节假日后的第一天。哪一天“知道或者应当知道”是事实问题，有争议时以仲裁委认定为准，最好提前申请。",
		"Periods are counted as the Civil Code counts them: the first day is not counted, and a year ends on the corresponding day of the next year; if the last day is a public holiday, it moves to the day after the holiday. When the worker knew or should have known is a question of fact for the arbitration commission: apply early.")
}
