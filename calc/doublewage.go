package calc

import (
	"fmt"
	"math/big"
	"time"
)

// DoubleWageInput is the input of DoubleWage.
type DoubleWageInput struct {
	// Start is the first day of work (用工之日).
	Start time.Time
	// Signed is the day a written contract was finally signed; zero when it
	// never was.
	Signed time.Time
	// End bounds the period when no contract was signed: the last day of
	// employment, or today while still employed. Zero when Signed is given.
	End time.Time
	// MonthlyWage is the monthly wage (usually the normal wage, without
	// overtime pay).
	MonthlyWage Money
}

// Validate checks the input.
func (in DoubleWageInput) Validate() error {
	if in.Start.IsZero() {
		return inputErr("start", "请填写开始上班（用工）的日期。", "Please give the date you started work.")
	}
	if in.MonthlyWage <= 0 {
		return inputErr("wage", "请填写月工资（大于0）。", "Please give the monthly wage (more than 0).")
	}
	if in.Signed.IsZero() && in.End.IsZero() {
		return inputErr("signed", "请填写补签书面劳动合同的日期；如果一直没签，请填写离职日期（仍在职就填今天）。", "Please give the date a written contract was signed; if it never was, give the last day of work (or today if still employed).")
	}
	if !in.End.IsZero() && Day(in.End).Before(Day(in.Start)) {
		return inputErr("end", "离职日期不能早于入职日期。", "The end date cannot be before the start date.")
	}
	return nil
}

// DoubleWage computes the extra wage owed for working without a written
// contract (劳动合同法 82 para 1; 劳动合同法实施条例 6, 7).
//
// Rule: the first month of work runs from Start to the day before the
// corresponding day of the next month, within which a contract must be
// signed (劳动合同法 10). The double wage runs from that corresponding day
// (满一个月的次日) to the day before the contract was signed, or to End when it
// never was, and never past the day before the first anniversary (满一年的前一日),
// when an open-ended contract is deemed signed (劳动合同法 14 para 3): at most
// 11 months. Month k of the period runs from Start + k months to the day
// before Start + k+1 months; a partial month is pro-rated by its calendar
// days. A contract signed within the first month (on or before Start + 1
// month) gives 0. The amount is the extra (second) wage only; the normal
// wage is owed anyway.
func DoubleWage(in DoubleWageInput) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	start := Day(in.Start)
	periodStart := addMonths(start, 1)
	anniversary := addMonths(start, 12)

	stop := anniversary // exclusive end of the period
	stopZh, stopEn := "满一年的前一日", "the day before the first anniversary"
	if !in.End.IsZero() {
		if e := addDays(Day(in.End), 1); e.Before(stop) {
			stop = e
			stopZh, stopEn = "离职或计算截止日", "the end date"
		}
	}
	if !in.Signed.IsZero() && !Day(in.Signed).After(stop) {
		stop = Day(in.Signed)
		stopZh, stopEn = "补签合同的前一日", "the day before the contract was signed"
	}

	r := Result{Kind: KindDoubleWage, Unit: UnitYuan}
	r.cite(lawContract, 10, 82)
	r.cite(lawContractRegs, 6)

	if !stop.After(periodStart) {
		r.setExact(new(big.Rat))
		if !in.Signed.IsZero() {
			r.Formula = txf("用工之日 %s，书面劳动合同于 %s 签订，在用工之日起一个月内（%s 之前）已签，没有二倍工资：0 元",
				"Work started %s and the written contract was signed on %s, within the first month (before %s): no double wage, 0 yuan",
				ymd(start), ymd(Day(in.Signed)), ymd(periodStart))
		} else {
			r.Formula = txf("用工之日 %s，截止 %s 仍在第一个月内（二倍工资自 %s 起算）：0 元",
				"Work started %s and %s is still within the first month (double wage starts %s): 0 yuan",
				ymd(start), ymd(Day(in.End)), ymd(periodStart))
		}
		r.note("用人单位应当自用工之日起一个月内与劳动者订立书面劳动合同（《劳动合同法》第10条）；一个月内签了的，不产生二倍工资。",
			"The employer must sign a written contract within one month of the first day of work (Labor Contract Law art. 10); signed within that month, no double wage is owed.")
		return r, nil
	}

	// Whole months k = 1.. of the period, then the partial month.
	full := 0
	for k := 1; k <= 11 && !addMonths(start, k+1).After(stop); k++ {
		full++
	}
	partStart := addMonths(start, full+1)
	partDays := daysBetween(partStart, stop)
	partLen := daysBetween(partStart, addMonths(start, full+2))
	months := ratInt(int64(full))
	if partDays > 0 {
		months.Add(months, big.NewRat(int64(partDays), int64(partLen)))
	}
	amount := mul(in.MonthlyWage.Rat(), months)
	r.setExact(amount)

	last := addDays(stop, -1)
	var lenZh, lenEn, monthsZh, monthsEn string
	switch {
	case full > 0 && partDays > 0:
		lenZh = fmt.Sprintf("%d个月又%d天（按该月%d天折算为 %d/%d 个月）", full, partDays, partLen, partDays, partLen)
		lenEn = fmt.Sprintf("%s and %s (pro-rated over that month's %d days: %d/%d month)", plural(full, "month"), plural(partDays, "day"), partLen, partDays, partLen)
		monthsZh = fmt.Sprintf("(%d + %d/%d)", full, partDays, partLen)
		monthsEn = monthsZh
	case full > 0:
		lenZh = fmt.Sprintf("%d个月", full)
		lenEn = plural(full, "month")
		monthsZh = fmt.Sprintf("%d", full)
		monthsEn = monthsZh
	default:
		lenZh = fmt.Sprintf("%d天（按该月%d天折算为 %d/%d 个月）", partDays, partLen, partDays, partLen)
		lenEn = fmt.Sprintf("%s (pro-rated over that month's %d days: %d/%d month)", plural(partDays, "day"), partLen, partDays, partLen)
		monthsZh = fmt.Sprintf("%d/%d", partDays, partLen)
		monthsEn = monthsZh
	}
	r.Formula = Text{
		Zh: fmt.Sprintf("用工之日 %s；二倍工资自用工满一个月的 %s 起，至%s %s 止，共%s；另一倍工资 = 月工资 %s × %s = %s 元",
			ymd(start), ymd(periodStart), stopZh, ymd(last), lenZh, in.MonthlyWage, monthsZh, yuanStr(amount)),
		En: fmt.Sprintf("Work started %s; the double wage runs from %s, when the first month ended, to %s (%s): %s; the extra wage = monthly wage %s × %s = %s yuan",
			ymd(start), ymd(periodStart), ymd(last), stopEn, lenEn, in.MonthlyWage, monthsEn, yuanStr(amount)),
	}

	r.note("二倍工资期间不足一个月的部分按该月的日历天数折算；有的地方按21.75天或30天折算，或只算整月，以当地口径为准。",
		"A partial month is pro-rated by the calendar days of that month; some places divide by 21.75 or 30 days or count whole months only, so check local practice.")
	r.note("这里算的是“另一倍”工资，即单位还应额外支付的部分；正常工资另行照付。计算基数一般为正常工作时间的月工资（不含加班费），各地口径不同。",
		"This is the extra (second) wage the employer still owes on top of the normal wage, which is owed anyway. The base is usually the normal monthly wage without overtime pay; local practice differs.")
	reached := !stop.Before(anniversary)
	if reached {
		r.cite(lawContractRegs, 7)
		r.cite(lawContract, 14)
		r.notef("用工满一年（%s）仍未签书面合同的，视为自该日起已与劳动者订立无固定期限劳动合同，二倍工资最多计11个月，单位应立即补签（《劳动合同法》第14条第3款、《劳动合同法实施条例》第7条）。",
			"If no written contract was signed by the first anniversary (%s), an open-ended contract is deemed signed from that day; the double wage counts at most 11 months, and the employer must sign a written contract at once (Labor Contract Law art. 14 para 3; Implementing Regulations, art. 7).",
			ymd(anniversary))
	} else if in.Signed.IsZero() {
		r.notef("至今仍未签合同的，二倍工资会继续累计，至用工满一年的前一日（%s）为止，最多11个月；满一年视为已订立无固定期限劳动合同（《劳动合同法》第14条第3款）。",
			"If there is still no contract, the double wage keeps running until the day before the first anniversary (%s), at most 11 months; at one year an open-ended contract is deemed signed (Labor Contract Law art. 14 para 3).",
			ymd(addDays(anniversary, -1)))
		r.cite(lawContract, 14)
	}
	r.note("时效：不少地方认为二倍工资中的“另一倍”不属于劳动报酬，适用一年仲裁时效（《劳动争议调解仲裁法》第27条），从未签合同的事实结束或离职时起算，各地起算方式不同。请尽早申请仲裁。",
		"Time limit: many places hold that the extra wage is not labor remuneration, so the one-year limitation applies (Labor Dispute Mediation and Arbitration Law art. 27), counted from when the unsigned period ended or from leaving, depending on the place. Apply for arbitration early.")
	r.cite(lawArbitration, 27)
	r.note("需要证明：存在劳动关系和开始上班的日期（工资转账、考勤、工牌、工作群记录、社保记录、同事证言）；是否签了书面合同由单位举证。如果是单位书面通知后劳动者本人拒绝签订，单位可以书面终止劳动关系，二倍工资可能得不到支持（《劳动合同法实施条例》第5条、第6条）。",
		"What to prove: the employment relationship and the first day of work (wage transfers, attendance, a work badge, work-chat records, social insurance records, colleagues); the employer must prove a written contract was signed. If the worker refused to sign after written notice, the employer may end the relationship in writing and the double wage may not be upheld (Implementing Regulations, arts. 5 and 6).")
	r.cite(lawContractRegs, 5)
	return r, nil
}
