package calc

import (
	"fmt"
	"math"
	"math/big"
	"strings"
)

// Monthly paid days and hours (劳社部发〔2008〕3号《关于职工全年月平均工作时间和
// 工资折算问题的通知》: (365 - 104) / 12 = 21.75 paid days, × 8 = 174 hours).
const paidHoursPerMonth = 174

func paidDaysPerMonth() *big.Rat { return big.NewRat(2175, 100) }

// OvertimeInput is the input of Overtime. Hours may have up to two
// decimals (1.5 hours).
type OvertimeInput struct {
	// MonthlyWage is the normal monthly wage, the base of overtime pay.
	MonthlyWage Money
	// WeekdayHours: hours worked beyond the normal working day (150%).
	WeekdayHours float64
	// RestDayHours: hours worked on rest days (200% unless time off was
	// given instead).
	RestDayHours float64
	// RestDayOffHours: how many of RestDayHours were made up with time off
	// (补休); those are not paid at 200%.
	RestDayOffHours float64
	// HolidayHours: hours worked on statutory holidays (300%).
	HolidayHours float64
}

// Validate checks the input.
func (in OvertimeInput) Validate() error {
	if in.MonthlyWage <= 0 {
		return inputErr("wage", "请填写正常工作时间的月工资（大于0）。", "Please give the normal monthly wage (more than 0).")
	}
	for _, h := range []struct {
		name string
		v    float64
	}{{"weekday-hours", in.WeekdayHours}, {"restday-hours", in.RestDayHours}, {"restday-off-hours", in.RestDayOffHours}, {"holiday-hours", in.HolidayHours}} {
		if math.IsNaN(h.v) || math.IsInf(h.v, 0) || h.v < 0 {
			return inputErr(h.name, "小时数不能是负数。", "Hours cannot be negative.")
		}
		if h.v > 10000 {
			return inputErr(h.name, "小时数太大了，请填写一段时间内实际加班的小时数。", "Too many hours: give the overtime hours actually worked in the period.")
		}
		if math.Abs(h.v*100-math.Round(h.v*100)) > 1e-6 {
			return inputErr(h.name, "小时数最多保留两位小数，例如 1.5。", "Hours can have at most two decimals, e.g. 1.5.")
		}
	}
	if in.WeekdayHours+in.RestDayHours+in.HolidayHours == 0 {
		return inputErr("weekday-hours", "请至少填写一种加班的小时数。", "Please give the hours of at least one kind of overtime.")
	}
	if in.RestDayOffHours > in.RestDayHours {
		return inputErr("restday-off-hours", "已补休的小时数不能多于休息日加班的小时数。", "Hours made up with time off cannot exceed the rest-day hours.")
	}
	return nil
}

func hoursRat(h float64) *big.Rat { return big.NewRat(int64(math.Round(h*100)), 100) }

// Overtime computes overtime pay under 劳动法 44: the hourly wage is the
// monthly wage ÷ 21.75 ÷ 8 = monthly wage ÷ 174; weekday overtime is paid
// at 150%, rest-day work at 200% unless time off was given instead, and
// work on statutory holidays at 300% (on top of the normal wage, which
// already pays the holiday). The amount is the overtime pay owed for the
// hours given; it is computed from the exact hourly wage and rounded once.
func Overtime(in OvertimeInput) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	hourly := quo(in.MonthlyWage.Rat(), ratInt(paidHoursPerMonth))
	wd, rd, off, hd := hoursRat(in.WeekdayHours), hoursRat(in.RestDayHours), hoursRat(in.RestDayOffHours), hoursRat(in.HolidayHours)
	rdPaid := new(big.Rat).Sub(rd, off)

	type part struct {
		hours *big.Rat
		rate  *big.Rat
		zh    string
		en    string
	}
	parts := []part{
		{wd, big.NewRat(3, 2), "工作日延长工作时间", "weekday overtime"},
		{rdPaid, ratInt(2), "休息日加班（未补休）", "rest-day work (no time off given)"},
		{hd, ratInt(3), "法定休假日加班", "statutory-holiday work"},
	}
	total := new(big.Rat)
	var fzh, fen []string
	fzh = append(fzh, fmt.Sprintf("小时工资 = 月工资 %s ÷ 21.75天 ÷ 8小时 = %s ÷ 174 ≈ %s 元", in.MonthlyWage, in.MonthlyWage, yuanStr(hourly)))
	fen = append(fen, fmt.Sprintf("hourly wage = monthly wage %s ÷ 21.75 days ÷ 8 hours = %s ÷ 174 ≈ %s yuan", in.MonthlyWage, in.MonthlyWage, yuanStr(hourly)))
	for _, p := range parts {
		if p.hours.Sign() == 0 {
			continue
		}
		v := mul(p.hours, hourly, p.rate)
		total.Add(total, v)
		pct := numStr(mul(p.rate, ratInt(100)))
		fzh = append(fzh, fmt.Sprintf("%s %s 小时 × %s × %s%% ≈ %s 元", p.zh, numStr(p.hours), yuanStr(hourly), pct, yuanStr(v)))
		fen = append(fen, fmt.Sprintf("%s %s h × %s × %s%% ≈ %s yuan", p.en, numStr(p.hours), yuanStr(hourly), pct, yuanStr(v)))
	}
	if off.Sign() > 0 {
		fzh = append(fzh, fmt.Sprintf("休息日加班中已补休的 %s 小时不计加班费", numStr(off)))
		fen = append(fen, fmt.Sprintf("the %s rest-day hours made up with time off are not paid extra", numStr(off)))
	}
	fzh = append(fzh, fmt.Sprintf("合计 %s 元（按未取整的小时工资计算）", yuanStr(total)))
	fen = append(fen, fmt.Sprintf("total %s yuan (computed with the unrounded hourly wage)", yuanStr(total)))

	r := newResult(KindOvertime, UnitYuan, total)
	r.Formula = tx(strings.Join(fzh, "；"), strings.Join(fen, "; "))
	r.cite(lawLabor, 44)
	r.cite(lawWagePayment, 13)
	r.note("月计薪天数21.75天、每月174小时来自原劳动和社会保障部《关于职工全年月平均工作时间和工资折算问题的通知》（劳社部发〔2008〕3号）：日工资 = 月工资 ÷ 21.75，小时工资 = 月工资 ÷ (21.75 × 8)。",
		"21.75 paid days and 174 hours a month come from the Notice on Average Monthly Working Time and Wage Conversion (劳社部发〔2008〕3号): daily wage = monthly wage ÷ 21.75, hourly wage = monthly wage ÷ (21.75 × 8).")
	r.note("加班费的计算基数各地规定不同：一般按劳动合同约定的正常工作时间工资，不含加班费本身，有的地方排除奖金、津贴，也不得低于当地最低工资标准。请按当地规定核对基数。",
		"The base of overtime pay differs by province: usually the normal wage agreed in the contract, without overtime pay itself; some places leave out bonuses and allowances, and it may not be below the local minimum wage. Check the local rule for the base.")
	r.note("休息日加班单位安排了同等时间补休的，可以不付200%；法定休假日（元旦、春节、劳动节、国庆节等）加班不能用补休代替，须付300%，节日当天的正常工资已含在月工资中，300%是另付的。",
		"Rest-day work made up with the same time off need not be paid at 200%; work on statutory holidays (New Year, Spring Festival, Labor Day, National Day and so on) cannot be made up with time off and must be paid at 300%, on top of the normal pay for the holiday that the monthly wage already includes.")
	r.note("加班的事实由劳动者举证（考勤记录、打卡截图、工作群消息、排班表等）；有证据证明考勤等证据在单位手中而单位不提供的，由单位承担不利后果（《劳动争议解释（一）》第42条）。",
		"The worker must prove the overtime (attendance records, clock-in screenshots, work-chat messages, rosters); if the worker shows the employer holds such evidence and the employer does not produce it, the employer bears the consequences (SPC Interpretation (I), art. 42).")
	r.cite("劳动争议解释（一）", 42)
	r.note("实行综合计算工时工作制的，综合计算周期内超过法定标准的部分视为加班；经批准实行不定时工作制的，不适用上述标准（《工资支付暂行规定》第13条）。",
		"Under an approved comprehensive working-hours system, the hours beyond the legal standard over the whole period count as overtime; under an approved flexible working-hours system these rates do not apply (Interim Provisions on Wage Payment, art. 13).")
	totalHours := add(wd, rd, hd)
	if totalHours.Cmp(ratInt(36)) > 0 {
		r.note("若这些小时是在一个月内发生的，已超过法定上限：延长工作时间一般每日不超过1小时，特殊原因每日不超过3小时，每月不超过36小时（《劳动法》第41条）。超时加班同样要付加班费，也可以向劳动监察投诉。",
			"If these hours fell within one month, they exceed the legal limit: overtime is normally at most 1 hour a day, 3 hours for special reasons, and 36 hours a month (Labor Law art. 41). Overtime beyond the limit must still be paid, and can be reported to the labor inspectorate.")
		r.cite(lawLabor, 41)
	}
	return r, nil
}
