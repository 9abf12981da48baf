package calc

import (
	"fmt"
	"math/big"
	"strings"
	"time"
)

// SeveranceInput is the input of Severance.
type SeveranceInput struct {
	// Start is the first day of work (用工之日).
	Start time.Time
	// End is the day the labor contract was ended or terminated: the last
	// day of service, counted as a day worked.
	End time.Time
	// MonthlyWage is the average monthly wage of the 12 months before the
	// end (劳动合同法 47 para 3; 劳动合同法实施条例 27: all wages due, bonuses,
	// allowances and subsidies included).
	MonthlyWage Money
	// LocalAverage is the previous year's average monthly wage of the city
	// (直辖市 or 设区的市) as published by its government; 0 when unknown.
	// When given, the three-times cap of 劳动合同法 47 para 2 is applied.
	LocalAverage Money
	// Unlawful: the employer ended the contract unlawfully and the worker
	// claims the damages of 劳动合同法 48 and 87 (twice the severance)
	// instead of reinstatement.
	Unlawful bool
	// InLieuOfNotice: the employer dismissed the worker under 劳动合同法 40
	// without 30 days' written notice, so one extra month's wage is owed.
	InLieuOfNotice bool
	// LastMonthWage is the previous month's wage, the base of the extra
	// month in lieu of notice (劳动合同法实施条例 20); 0 means MonthlyWage.
	LastMonthWage Money
}

// Validate checks the input.
func (in SeveranceInput) Validate() error {
	if in.Start.IsZero() {
		return inputErr("start", "请填写入职（开始用工）日期。", "Please give the date you started work.")
	}
	if in.End.IsZero() {
		return inputErr("end", "请填写劳动合同解除或终止的日期。", "Please give the date the contract was ended.")
	}
	if !Day(in.End).After(Day(in.Start)) {
		return inputErr("end", "离职（解除或终止）日期应当晚于入职日期。", "The end date must be after the start date.")
	}
	if in.MonthlyWage <= 0 {
		return inputErr("wage", "请填写离职前12个月的平均月工资（大于0）。", "Please give the average monthly wage of the last 12 months (more than 0).")
	}
	if in.LocalAverage < 0 || in.LastMonthWage < 0 {
		return inputErr("local-avg", "金额不能是负数。", "Amounts cannot be negative.")
	}
	return nil
}

// Severance computes the economic compensation (经济补偿) of 劳动合同法 46 and
// 47, or the damages for unlawful dismissal (劳动合同法 48, 87: twice the
// severance), plus the extra month's wage in lieu of notice (劳动合同法 40).
//
// Service time rule: the service runs from Start to End, both days counted
// (serviceSpan), as whole years, then remaining months and days. Each whole
// year counts one month's wage; a remainder of six months or more counts one
// month; any shorter remainder (even a single day) counts half a month
// (劳动合同法 47 para 1). So 2024-01-01 to 2024-06-29 (5 months 29 days) is
// half a month, 2024-01-01 to 2024-06-30 (six months) one month, and
// 2023-03-01 to 2024-02-29 exactly one year, one month.
//
// Cap: when LocalAverage is given and MonthlyWage is above three times it,
// the base is three times LocalAverage and at most 12 months are counted
// (劳动合同法 47 para 2). A wage equal to three times is not "above" it.
func Severance(in SeveranceInput) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	start, end := Day(in.Start), Day(in.End)
	sp := serviceSpan(start, end)
	years, rem := sp.years(), sp.remMonths()

	// Counted months in halves.
	halves := 2 * years
	var countZh, countEn []string
	if years > 0 {
		countZh = append(countZh, fmt.Sprintf("满%d年计%d个月", years, years))
		countEn = append(countEn, fmt.Sprintf("%s count %d months", plural(years, "full year"), years))
	}
	remSpan := span{rem, sp.Days}
	switch {
	case rem >= 6:
		halves += 2
		countZh = append(countZh, fmt.Sprintf("%s%s（六个月以上不满一年）计1个月", remPrefixZh(years), remSpan.zh()))
		countEn = append(countEn, fmt.Sprintf("%s%s (six months or more) count 1 month", remPrefixEn(years), remSpan.en()))
	case rem > 0 || sp.Days > 0:
		halves++
		countZh = append(countZh, fmt.Sprintf("%s%s（不满六个月）计半个月", remPrefixZh(years), remSpan.zh()))
		countEn = append(countEn, fmt.Sprintf("%s%s (less than six months) count half a month", remPrefixEn(years), remSpan.en()))
	}

	rawMonths := big.NewRat(int64(halves), 2)
	base := in.MonthlyWage
	capped, yearsCapped := false, false
	if in.LocalAverage > 0 && in.MonthlyWage > 3*in.LocalAverage {
		base = 3 * in.LocalAverage
		capped = true
		if halves > 24 {
			halves = 24
			yearsCapped = true
		}
	}
	months := big.NewRat(int64(halves), 2)
	severance := mul(base.Rat(), months)

	var r Result
	r.Kind = KindSeverance
	r.Unit = UnitYuan
	r.cite(lawContract, 46, 47)
	r.cite(lawContractRegs, 27)

	fzh := fmt.Sprintf("工作年限 %s 至 %s，共%s：%s，合计%s个月",
		ymd(start), ymd(end), sp.zh(), strings.Join(countZh, "，"), numStr(rawMonths))
	fen := fmt.Sprintf("Service from %s to %s is %s: %s; %s months in all",
		ymd(start), ymd(end), sp.en(), strings.Join(countEn, ", "), numStr(rawMonths))
	if yearsCapped {
		fzh += "，因月工资高于当地职工月平均工资三倍，年限最多计12年，按12个月计"
		fen += "; as the wage is above three times the local average, at most 12 years count: 12 months"
	}
	if capped {
		fzh += fmt.Sprintf("；月工资 %s 元高于当地上年度职工月平均工资 %s 元的三倍，按三倍 %s 元计算",
			in.MonthlyWage, in.LocalAverage, base)
		fen += fmt.Sprintf("; the monthly wage %s is above three times the local average wage %s, so the base is %s",
			in.MonthlyWage, in.LocalAverage, base)
	} else {
		fzh += fmt.Sprintf("；月工资 %s 元", base)
		fen += fmt.Sprintf("; monthly wage %s yuan", base)
	}
	fzh += fmt.Sprintf("；经济补偿 = %s × %s = %s 元", base, numStr(months), yuanStr(severance))
	fen += fmt.Sprintf("; severance = %s × %s = %s yuan", base, numStr(months), yuanStr(severance))

	total := severance
	if in.Unlawful {
		total = mul(severance, ratInt(2))
		fzh += fmt.Sprintf("；违法解除赔偿金 = 经济补偿 × 2 = %s × 2 = %s 元", yuanStr(severance), yuanStr(total))
		fen += fmt.Sprintf("; damages for unlawful dismissal = severance × 2 = %s × 2 = %s yuan", yuanStr(severance), yuanStr(total))
		r.cite(lawContract, 48, 87)
		r.cite(lawContractRegs, 25)
	}
	if in.InLieuOfNotice && !in.Unlawful {
		lieu := in.LastMonthWage
		if lieu == 0 {
			lieu = in.MonthlyWage
		}
		before := total
		total = add(total, lieu.Rat())
		fzh += fmt.Sprintf("；另加代通知金一个月工资 %s 元：%s + %s = %s 元", lieu, yuanStr(before), lieu, yuanStr(total))
		fen += fmt.Sprintf("; plus one month's wage in lieu of notice, %s: %s + %s = %s yuan", lieu, yuanStr(before), lieu, yuanStr(total))
		r.cite(lawContract, 40)
		r.cite(lawContractRegs, 20)
	}
	r.Formula = tx(fzh, fen)
	r.setExact(total)

	r.note("月工资指解除或终止劳动合同前12个月的平均应得工资，包括计时或计件工资以及奖金、津贴和补贴；工作不满12个月的按实际月数平均；低于当地最低工资标准的按最低工资标准计算（《劳动合同法实施条例》第27条）。",
		"The monthly wage is the average wage due over the 12 months before the contract ended, including time or piece wages, bonuses, allowances and subsidies; under 12 months of work, average over the months worked; below the local minimum wage, use the minimum wage (Implementing Regulations, art. 27).")
	r.note("经济补偿只在《劳动合同法》第46条列明的情形下才有，例如单位提出协商解除、单位依第40条或第41条解除、因单位过错劳动者依第38条解除、固定期限合同到期单位不续签（单位维持或提高条件而劳动者不续签的除外）；劳动者自己辞职一般没有经济补偿。",
		"Severance is owed only in the cases listed in Labor Contract Law art. 46, e.g. a mutual termination proposed by the employer, a dismissal under art. 40 or 41, the worker quitting under art. 38 because of the employer's fault, or a fixed-term contract not renewed by the employer (unless the employer offered the same or better terms); a worker who simply resigns usually gets none.")
	r.note("需要证明：劳动关系、入职和离职日期、离职前12个月工资（工资条、银行流水、劳动合同），以及解除的原因和由谁提出（解除通知、聊天记录）。",
		"What to prove: the employment relationship, the start and end dates, the wages of the last 12 months (pay slips, bank statements, the contract) and why and by whom the contract was ended (the dismissal notice, messages).")
	switch {
	case in.LocalAverage == 0:
		r.note("如果月工资高于所在直辖市或设区的市公布的上年度职工月平均工资的三倍，经济补偿按三倍封顶，且年限最多计12年（《劳动合同法》第47条第2款）。本次未填写当地月平均工资，未作封顶计算；当地数字可查当地人社局或统计局公布的数据。",
			"If the monthly wage is above three times the previous year's average monthly wage published by the city (a municipality or a city with districts), the base is capped at three times that average and at most 12 years count (Labor Contract Law art. 47 para 2). No local average was given, so no cap was applied; the local figure is published by the city's human resources and social security or statistics bureau.")
	case !capped:
		r.note("月工资不高于当地上年度职工月平均工资的三倍，不适用三倍封顶和12年上限（《劳动合同法》第47条第2款）。",
			"The monthly wage is not above three times the local average, so neither the three-times cap nor the 12-year limit applies (Labor Contract Law art. 47 para 2).")
	default:
		r.note("已按当地职工月平均工资三倍封顶；当地平均工资以所在直辖市、设区的市人民政府公布的上年度数字为准，各地公布口径不同。",
			"The three-times cap was applied; the local average is the previous year's figure published by the city government, and cities publish it differently.")
	}
	if in.Unlawful {
		r.note("违法解除的，劳动者可以要求继续履行劳动合同；不要求继续履行或者无法继续履行的，才按经济补偿的二倍支付赔偿金（《劳动合同法》第48条、第87条）。支付了赔偿金的，不再另付经济补偿，赔偿金年限自用工之日起计算（《劳动合同法实施条例》第25条）。",
			"After an unlawful dismissal the worker may demand to keep the job; only if the worker does not, or the contract can no longer be performed, are damages of twice the severance owed (Labor Contract Law arts. 48, 87). Damages replace severance, and count from the first day of work (Implementing Regulations, art. 25).")
		r.note("因单位作出的解除劳动合同、计算工作年限等决定发生争议的，由用人单位负举证责任（《劳动争议解释（一）》第44条）。",
			"In a dispute over the employer's decision to dismiss or over how it counts the years of work, the employer bears the burden of proof (SPC Interpretation (I), art. 44).")
		r.cite("劳动争议解释（一）", 44)
		if in.InLieuOfNotice {
			r.note("违法解除时按二倍赔偿金计算，一般不再另计代通知金（额外一个月工资只适用于依第40条合法解除而未提前30日通知的情形），各地裁判口径可能不同。",
				"With damages for unlawful dismissal, the extra month in lieu of notice is usually not added (it belongs to a lawful dismissal under art. 40 without 30 days' notice); local courts may differ.")
		}
	}
	if in.InLieuOfNotice && !in.Unlawful {
		r.note("代通知金：单位依《劳动合同法》第40条解除（医疗期满不能工作、不能胜任工作、客观情况重大变化）而未提前30日书面通知的，应额外支付一个月工资，按劳动者上一个月的工资标准确定（《劳动合同法实施条例》第20条）。",
			"In lieu of notice: an employer dismissing under Labor Contract Law art. 40 (unfit after medical leave, incompetence, a major change of circumstances) without 30 days' written notice owes one extra month's wage, at the previous month's wage (Implementing Regulations, art. 20).")
	}
	if start.Before(Date(2008, time.January, 1)) {
		if in.Unlawful {
			r.note("违法解除赔偿金的计算年限自用工之日起计算（《劳动合同法实施条例》第25条），包括2008年1月1日《劳动合同法》施行前的年限；但2008年前的年限是否适用三倍封顶和12年上限，各地理解不同，请向当地仲裁委或律师确认。",
				"Damages for unlawful dismissal count from the first day of work (Implementing Regulations, art. 25), including years before the Labor Contract Law took effect on 2008-01-01; places differ on whether the three-times cap and the 12-year limit reach those earlier years, so check locally.")
		} else {
			r.note("2008年1月1日《劳动合同法》施行前的工作年限，按当时的有关规定计算经济补偿，新法的年限自2008年1月1日起算（《劳动合同法》第97条第3款）；本计算把全部年限按新法计算，仅供参考，请向当地仲裁委或律师确认。",
				"For service before 2008-01-01, when the Labor Contract Law took effect, severance follows the rules of that time and the new law's years count from 2008-01-01 (Labor Contract Law art. 97 para 3); this calculation treats all years under the new law and is only a guide.")
		}
		r.cite(lawContract, 97)
	}
	r.note("按月工资和年限直接计算，未扣个人所得税；各地对“月工资”的组成和工作年限的起止日可能有不同口径，以当地仲裁委和法院的认定为准。",
		"Computed straight from the wage and the years, before income tax; local arbitration commissions and courts may read the wage components and the start and end dates differently.")
	return r, nil
}

func remPrefixZh(years int) string {
	if years > 0 {
		return "剩余"
	}
	return ""
}

func remPrefixEn(years int) string {
	if years > 0 {
		return "the remaining "
	}
	return ""
}
