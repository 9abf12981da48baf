package calc

import (
	"fmt"
	"math/big"
	"strings"
	"time"
)

// AnnualLeaveInput is the input of AnnualLeave.
type AnnualLeaveInput struct {
	// Years is the cumulative years of work, at all employers (累计工作年限,
	// 企业职工带薪年休假实施办法 4), in whole years.
	Years int
	// Taken is the days of annual leave already taken (arranged) this year.
	Taken int
	// MonthlyWage is the average monthly wage of the last 12 months without
	// overtime pay (实施办法 11). Zero: compute days only.
	MonthlyWage Money
	// Year is the calendar year (实施办法 18); 0 means the year of Left, or
	// else of Joined. Needed only for pro-rating.
	Year int
	// Joined is the day the worker joined this employer, when during Year
	// (pro-rating under 实施办法 5); zero otherwise.
	Joined time.Time
	// Left is the day the worker left this employer, when during Year
	// (pro-rating under 实施办法 12); zero otherwise.
	Left time.Time
}

func (in AnnualLeaveInput) year() int {
	switch {
	case in.Year != 0:
		return in.Year
	case !in.Left.IsZero():
		return in.Left.Year()
	case !in.Joined.IsZero():
		return in.Joined.Year()
	}
	return 0
}

// Validate checks the input.
func (in AnnualLeaveInput) Validate() error {
	if in.Years < 0 || in.Years > 70 {
		return inputErr("years", "请填写累计工作年限（0到70之间的整数年）。", "Please give the cumulative years of work (a whole number from 0 to 70).")
	}
	if in.Taken < 0 || in.Taken > 366 {
		return inputErr("taken", "请填写今年已休年休假的天数（0或以上的整数）。", "Please give the days of annual leave already taken this year (0 or more).")
	}
	if in.MonthlyWage < 0 {
		return inputErr("wage", "月工资不能是负数。", "The monthly wage cannot be negative.")
	}
	if in.Year != 0 && (in.Year < 2008 || in.Year > 2200) {
		return inputErr("year", "年度应为2008年以后的公历年份，例如 2025。", "The year must be a calendar year from 2008 on, e.g. 2025.")
	}
	y := in.year()
	if !in.Joined.IsZero() && in.Joined.Year() > y {
		return inputErrf("joined", "入职日期晚于%d年，这一年在本单位没有工作。", "The joining date is after %d: no work at this employer that year.", y)
	}
	if !in.Left.IsZero() && in.Left.Year() < y {
		return inputErrf("left", "离职日期早于%d年，这一年在本单位没有工作。", "The leaving date is before %d: no work at this employer that year.", y)
	}
	if !in.Joined.IsZero() && !in.Left.IsZero() && Day(in.Left).Before(Day(in.Joined)) {
		return inputErr("left", "离职日期不能早于入职日期。", "The leaving date cannot be before the joining date.")
	}
	return nil
}

// fullLeaveDays is the yearly entitlement of 职工带薪年休假条例 3: 5 days from
// one to under ten years of cumulative work, 10 from ten to under twenty, 15
// from twenty; none under one year (实施办法 3: 12 months of continuous work).
func fullLeaveDays(years int) int {
	switch {
	case years >= 20:
		return 15
	case years >= 10:
		return 10
	case years >= 1:
		return 5
	}
	return 0
}

// AnnualLeave computes the paid annual leave days of a year and the pay
// owed for untaken days.
//
// Days: from cumulative years (职工带薪年休假条例 3). For a worker who joined
// during the year: remaining calendar days of the year at this employer
// (the joining day included) ÷ 365 × the full days, fractions of a day
// dropped (实施办法 5). For a worker who left during the year: calendar days
// of the year at this employer (the leaving day included) ÷ 365 × the full
// days, fractions dropped, minus the days taken (实施办法 12). Both: the days
// between joining and leaving. Never more than the full days.
//
// Pay: each untaken day is paid at 300% of the daily wage (monthly wage ÷
// 21.75, 实施办法 11), of which 100% is already in the normal wage
// (实施办法 10); the amount is the extra 200%. Without a wage, the amount is
// the untaken days.
func AnnualLeave(in AnnualLeaveInput) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	full := fullLeaveDays(in.Years)
	year := in.year()

	r := Result{Kind: KindAnnualLeave}
	r.cite(lawLeaveRegs, 3)
	r.cite(lawLeaveMeasures, 3, 4)

	var band Text
	switch full {
	case 15:
		band = tx("已满20年", "20 years or more")
	case 10:
		band = tx("已满10年不满20年", "10 to under 20 years")
	case 5:
		band = tx("已满1年不满10年", "1 to under 10 years")
	default:
		band = tx("不满1年", "under 1 year")
	}
	fzh := []string{fmt.Sprintf("累计工作 %d 年（%s）→ 全年应休年休假 %d 天", in.Years, band.Zh, full)}
	fen := []string{fmt.Sprintf("%s of cumulative work (%s) → %d days of annual leave a year", plural(in.Years, "year"), band.En, full)}

	entitled := full
	joined, left := Day(in.Joined), Day(in.Left)
	jan1, dec31 := Date(year, time.January, 1), Date(year, time.December, 31)
	from, to := jan1, dec31
	newcomer := !joined.IsZero() && joined.After(jan1)
	leaver := !left.IsZero() && left.Before(dec31)
	if newcomer {
		from = joined
		r.cite(lawLeaveMeasures, 5)
	}
	if leaver {
		to = left
		r.cite(lawLeaveMeasures, 12)
	}
	if (newcomer || leaver) && full > 0 {
		days := daysBetween(from, to) + 1
		exact := big.NewRat(int64(days*full), 365)
		entitled = int(new(big.Int).Quo(exact.Num(), exact.Denom()).Int64())
		if entitled > full {
			entitled = full
		}
		var whoZh, whoEn string
		switch {
		case newcomer && leaver:
			whoZh = fmt.Sprintf("%s 入职、%s 离职，%d年在本单位 %d 天", ymd(joined), ymd(left), year, days)
			whoEn = fmt.Sprintf("joined %s and left %s: %d days at this employer in %d", ymd(joined), ymd(left), days, year)
		case newcomer:
			whoZh = fmt.Sprintf("%s 入职，%d年在本单位剩余日历天数 %d 天", ymd(joined), year, days)
			whoEn = fmt.Sprintf("joined %s: %d remaining calendar days of %d at this employer", ymd(joined), days, year)
		default:
			whoZh = fmt.Sprintf("%s 离职，%d年在本单位已过日历天数 %d 天", ymd(left), year, days)
			whoEn = fmt.Sprintf("left %s: %d calendar days of %d at this employer", ymd(left), days, year)
		}
		fzh = append(fzh, fmt.Sprintf("%s：%d ÷ 365 × %d = %s，不足1整天的部分不计 → %d 天", whoZh, days, full, truncStr(exact), entitled))
		fen = append(fen, fmt.Sprintf("%s: %d ÷ 365 × %d = %s, dropping the fraction of a day → %d days", whoEn, days, full, truncStr(exact), entitled))
	}
	untaken := entitled - in.Taken
	if untaken < 0 {
		untaken = 0
	}
	fzh = append(fzh, fmt.Sprintf("已休 %d 天，应休未休 %d 天", in.Taken, untaken))
	fen = append(fen, fmt.Sprintf("%d taken, %d untaken", in.Taken, untaken))

	if in.MonthlyWage > 0 {
		r.Unit = UnitYuan
		daily := quo(in.MonthlyWage.Rat(), paidDaysPerMonth())
		extra := mul(ratInt(int64(untaken)), daily, ratInt(2))
		r.setExact(extra)
		fzh = append(fzh, fmt.Sprintf("日工资 = 月工资 %s ÷ 21.75 ≈ %s 元；未休年休假工资为日工资的300%%，其中100%%已含在正常工资里，还应另付200%%：%d × %s × 200%% = %s 元",
			in.MonthlyWage, yuanStr(daily), untaken, yuanStr(daily), yuanStr(extra)))
		fen = append(fen, fmt.Sprintf("daily wage = monthly wage %s ÷ 21.75 ≈ %s yuan; untaken days are paid at 300%% of the daily wage, 100%% of which is already in the normal wage, so 200%% more is owed: %d × %s × 200%% = %s yuan",
			in.MonthlyWage, yuanStr(daily), untaken, yuanStr(daily), yuanStr(extra)))
		r.cite(lawLeaveRegs, 5)
		r.cite(lawLeaveMeasures, 10, 11)
	} else {
		r.Unit = UnitDays
		r.setExact(ratInt(int64(untaken)))
	}
	r.Formula = tx(strings.Join(fzh, "；"), strings.Join(fen, "; "))

	if full == 0 {
		r.note("连续工作满12个月以上才享受年休假（《企业职工带薪年休假实施办法》第3条）；人社部办公厅复函（人社厅函〔2009〕149号）说明，在不同单位连续工作满12个月也算。累计工作年限不满1年的，一般还没有年休假。",
			"Annual leave starts after 12 months of continuous work (Implementing Measures art. 3); a Ministry reply (人社厅函〔2009〕149号) says 12 months across different employers also count. With under one year of cumulative work there is usually no annual leave yet.")
	}
	r.note("累计工作年限包括在不同单位工作的时间，以及依法视同工作的期间（《企业职工带薪年休假实施办法》第4条）；可以用社保缴费记录、劳动合同、档案等证明。",
		"Cumulative years include work at different employers and periods deemed work by law (Implementing Measures art. 4); social insurance records, contracts and personnel files can prove them.")
	if newcomer || leaver {
		r.note("折算按公历年度（《企业职工带薪年休假实施办法》第18条）计算，入职或离职当天计入在本单位的天数，除以365天（闰年也按365天），不足1整天的部分不计；离职时单位已安排的年休假多于折算天数的，不再扣回（第12条第3款）。",
			"Pro-rating is by calendar year (Implementing Measures art. 18), counting the joining or leaving day as a day at the employer, divided by 365 (also in a leap year), dropping fractions of a day; leave already granted beyond the pro-rated days is not clawed back on leaving (art. 12 para 3).")
		r.cite(lawLeaveMeasures, 18)
	}
	if in.MonthlyWage > 0 {
		r.note("计算日工资的月工资，是支付未休年休假工资报酬前12个月剔除加班工资后的月平均工资，在本单位不满12个月的按实际月份平均（《企业职工带薪年休假实施办法》第11条）。",
			"The monthly wage for the daily wage is the average of the 12 months before payment, without overtime pay; under 12 months at the employer, average over the months worked (Implementing Measures art. 11).")
		r.note("单位安排了年休假、但劳动者因本人原因书面提出不休的，单位可以只付正常工资，不付另外的200%（第10条第2款）。",
			"If the employer arranged the leave but the worker asked in writing, for personal reasons, not to take it, the employer need only pay the normal wage, not the extra 200% (art. 10 para 2).")
	}
	r.note("请病假或事假较多、享受寒暑假的，可能不享受当年年休假（《职工带薪年休假条例》第4条）；劳动合同或单位制度规定的天数更多的，按更高的标准（《企业职工带薪年休假实施办法》第13条）。累计年限在年内跨过10年或20年的，各地对当年天数的算法不同。",
		"Long sick or personal leave, or school vacations, can remove that year's leave (Regulations on Paid Annual Leave art. 4); a contract or company rule giving more days prevails (Implementing Measures art. 13). When cumulative years pass 10 or 20 during the year, places differ on that year's days.")
	r.cite(lawLeaveRegs, 4)
	r.cite(lawLeaveMeasures, 13)
	return r, nil
}

// truncStr renders a non-negative number truncated (not rounded) to two
// decimals, so that 4.999 shows as 4.99 and never as a misleading 5.00.
func truncStr(r *big.Rat) string {
	h := new(big.Int).Quo(new(big.Int).Mul(r.Num(), big.NewInt(100)), r.Denom())
	return fmt.Sprintf("%d.%02d", h.Int64()/100, h.Int64()%100)
}
