package intake

import (
	"fmt"
	"time"

	"github.com/laborbot/laborbot/calc"
)

// Limitation is the worker's deadline to apply for labor arbitration
// (劳动争议调解仲裁法 27), estimated from the dates the interview asked
// for. It is an estimate that errs early:
//
//   - The period is counted from the end of employment. For a dismissal
//     that is the day the worker knew of it; for other claims the worker
//     may have known earlier, and the real deadline may be earlier too.
//   - Interruptions (a demand to the employer, a request for help to the
//     union or another authority, 27 para 2) restart the year; they are not
//     counted, so the real deadline is never earlier than the estimate for
//     that reason.
type Limitation struct {
	// Known: the dates allow an estimate. Not known while the worker is
	// still employed with a claim other than unpaid wages (when they knew
	// of it is not asked).
	Known bool
	// Running: a year is running. A claim only for unpaid labor
	// remuneration (wages, overtime pay) has none while the worker is still
	// employed (27 para 4).
	Running bool
	// From is the day the year runs from (the end of employment) and Last
	// the last day to apply, both calendar days (midnight UTC).
	From, Last time.Time
	// Wages: the claim is only for unpaid labor remuneration.
	Wages bool
}

// remunerationOnly reports whether every dispute type of the ticket is a
// claim for labor remuneration in the sense of 27 para 4.
func remunerationOnly(types []DisputeType) bool {
	if len(types) == 0 {
		return false
	}
	for _, d := range types {
		if d != TypeUnpaidWages && d != TypeOvertime {
			return false
		}
	}
	return true
}

// LimitationOf estimates the ticket's arbitration deadline with the
// calculator's rule (calc.LastDay).
func LimitationOf(t Ticket) Limitation {
	l := Limitation{Wages: remunerationOnly(t.Types)}
	if t.EndDate.IsZero() {
		l.Known = l.Wages
		return l
	}
	end := calendarDay(t.EndDate)
	last, running := calc.LastDay(calc.DeadlineInput{Knew: end, Ended: end, Wages: l.Wages})
	l.Known, l.Running, l.From, l.Last = true, running, end, last
	return l
}

// DaysLeft is how many days are left on today (a time; its day in China
// time counts): 0 on the last day, negative after it.
func (l Limitation) DaysLeft(today time.Time) int {
	d := calendarDay(today.In(Reporting))
	return int(l.Last.Sub(d).Hours() / 24)
}

// Line is the deadline as mediators see it on the ticket.
func (l Limitation) Line(lang string) string {
	switch {
	case l.Known && !l.Running:
		return calc.Text{
			Zh: "仲裁时效：在职期间拖欠劳动报酬不受一年时效限制；离职后一年内申请（劳动争议调解仲裁法 27 条）",
			En: "Arbitration deadline: none runs for unpaid wages while employed; within a year of leaving (Labor Dispute Mediation and Arbitration Law art. 27)",
		}.In(lang)
	case l.Known:
		return fmt.Sprintf(calc.Text{
			Zh: "仲裁时效（估算）：%s 前申请仲裁（自离职日 %s 起一年，劳动争议调解仲裁法 27 条；知道权利受侵害更早的，以更早为准）",
			En: "Arbitration deadline (estimate): apply by %s (one year from leaving on %s, Labor Dispute Mediation and Arbitration Law art. 27; earlier if the worker knew earlier)",
		}.In(lang), l.Last.Format("2006-01-02"), l.From.Format("2006-01-02"))
	}
	return calc.Text{
		Zh: "仲裁时效：无法从填写的日期估算，请向劳动者核实何时知道权利受侵害（一年，劳动争议调解仲裁法 27 条）",
		En: "Arbitration deadline: cannot be estimated from the dates given; ask the worker when they learned of the infringement (one year, Labor Dispute Mediation and Arbitration Law art. 27)",
	}.In(lang)
}

// limitationLine is the deadline line of Ticket.Text: only for open
// tickets, where it still matters.
func limitationLine(t Ticket, lang string) string {
	if !t.State.Open() {
		return ""
	}
	return LimitationOf(t).Line(lang)
}
