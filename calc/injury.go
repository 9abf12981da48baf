package calc

import (
	"fmt"
	"math/big"
)

// InjuryInput is the input of Injury.
type InjuryInput struct {
	// Grade is the disability grade from the work-ability appraisal, 1 (most
	// severe) to 10 (工伤保险条例 22).
	Grade int
	// MonthlyWage is the worker's own wage (本人工资): the average monthly
	// contribution wage of the 12 months before the injury (工伤保险条例 64).
	MonthlyWage Money
	// LocalAverage is the average monthly wage of the pooling area
	// (统筹地区职工平均工资); 0 when unknown. When given, the own wage is held
	// between 60% and 300% of it (工伤保险条例 64 para 2).
	LocalAverage Money
}

// Validate checks the input.
func (in InjuryInput) Validate() error {
	if in.Grade < 1 || in.Grade > 10 {
		return inputErr("grade", "伤残等级应为1到10级（一级最重，十级最轻），以劳动能力鉴定结论为准。", "The disability grade must be 1 to 10 (1 is the most severe), as set by the work-ability appraisal.")
	}
	if in.MonthlyWage <= 0 {
		return inputErr("wage", "请填写本人工资：受伤前12个月的平均月缴费工资（大于0）。", "Please give your own wage: the average monthly contribution wage of the 12 months before the injury (more than 0).")
	}
	if in.LocalAverage < 0 {
		return inputErr("local-avg", "金额不能是负数。", "Amounts cannot be negative.")
	}
	return nil
}

// disabilityMonths is the one-time disability allowance in months of the
// worker's own wage by grade 1..10 (工伤保险条例 35(1), 36(1), 37(1)).
func disabilityMonths(grade int) int {
	return [...]int{0, 27, 25, 23, 21, 18, 16, 13, 11, 9, 7}[grade]
}

// disabilityArticle is the 工伤保险条例 article for a grade.
func disabilityArticle(grade int) int {
	switch {
	case grade <= 4:
		return 35
	case grade <= 6:
		return 36
	}
	return 37
}

// Injury computes the one-time disability allowance (一次性伤残补助金) paid
// from the work-injury insurance fund: the months for the grade × the
// worker's own wage (工伤保险条例 35, 36, 37), the own wage held between 60%
// and 300% of the local average when that is given (64).
func Injury(in InjuryInput) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	months := disabilityMonths(in.Grade)
	art := disabilityArticle(in.Grade)
	base := in.MonthlyWage
	var adjZh, adjEn string
	if in.LocalAverage > 0 {
		hi := 3 * in.LocalAverage
		lo := Money(roundFen(mul(in.LocalAverage.Rat(), big.NewRat(6, 10))))
		switch {
		case base > hi:
			adjZh = fmt.Sprintf("（本人工资 %s 元高于统筹地区职工平均工资 %s 元的300%%，按 %s 元计算）", base, in.LocalAverage, hi)
			adjEn = fmt.Sprintf(" (the own wage %s is above 300%% of the local average %s, so %s is used)", base, in.LocalAverage, hi)
			base = hi
		case base < lo:
			adjZh = fmt.Sprintf("（本人工资 %s 元低于统筹地区职工平均工资 %s 元的60%%，按 %s 元计算）", base, in.LocalAverage, lo)
			adjEn = fmt.Sprintf(" (the own wage %s is below 60%% of the local average %s, so %s is used)", base, in.LocalAverage, lo)
			base = lo
		}
	}
	amount := mul(base.Rat(), ratInt(int64(months)))
	r := newResult(KindInjury, UnitYuan, amount)
	r.Formula = Text{
		Zh: fmt.Sprintf("%s级伤残的一次性伤残补助金为 %d 个月的本人工资：%s × %d = %s 元%s", chineseNumeral(in.Grade), months, base, months, yuanStr(amount), adjZh),
		En: fmt.Sprintf("The one-time disability allowance for grade %d is %d months of the worker's own wage: %s × %d = %s yuan%s", in.Grade, months, base, months, yuanStr(amount), adjEn),
	}
	r.cite(lawInjury, art, 64)

	switch {
	case in.Grade <= 4:
		pct := [...]int{0, 90, 85, 80, 75}[in.Grade]
		allowance := mul(base.Rat(), big.NewRat(int64(pct), 100))
		r.Notes = append(r.Notes, Text{
			Zh: fmt.Sprintf("一至四级：保留劳动关系，退出工作岗位；另由工伤保险基金按月支付伤残津贴，%s级为本人工资的%d%%（约 %s 元/月），低于当地最低工资标准的补足差额；达到退休年龄后改领养老保险待遇，低于伤残津贴的由基金补足（《工伤保险条例》第35条）。",
				chineseNumeral(in.Grade), pct, yuanStr(allowance)),
			En: fmt.Sprintf("Grades 1 to 4: the labor relationship is kept and the worker leaves the post; the fund also pays a monthly disability allowance, for grade %d %d%% of the own wage (about %s yuan a month), topped up to the local minimum wage; at retirement age the pension replaces it, topped up by the fund if lower (Work Injury Insurance Regulations art. 35).",
				in.Grade, pct, yuanStr(allowance)),
		})
	case in.Grade <= 6:
		pct := [...]int{0, 0, 0, 0, 0, 70, 60}[in.Grade]
		allowance := mul(base.Rat(), big.NewRat(int64(pct), 100))
		r.Notes = append(r.Notes, Text{
			Zh: fmt.Sprintf("五、六级：保留劳动关系，由单位安排适当工作；难以安排的，由单位按月发伤残津贴，%s级为本人工资的%d%%（约 %s 元/月），并缴纳社会保险费。经本人提出解除或终止劳动关系的，由工伤保险基金支付一次性工伤医疗补助金、由单位支付一次性伤残就业补助金，具体标准由省、自治区、直辖市规定（《工伤保险条例》第36条）。",
				chineseNumeral(in.Grade), pct, yuanStr(allowance)),
			En: fmt.Sprintf("Grades 5 and 6: the labor relationship is kept and the employer arranges suitable work; if it cannot, it pays a monthly disability allowance, for grade %d %d%% of the own wage (about %s yuan a month), plus social insurance. If the worker asks to end the relationship, the fund pays a one-time medical subsidy and the employer a one-time disability employment subsidy, at standards set by each province (Work Injury Insurance Regulations art. 36).",
				in.Grade, pct, yuanStr(allowance)),
		})
	default:
		r.note("七至十级：劳动合同期满终止，或者本人提出解除劳动合同的，由工伤保险基金支付一次性工伤医疗补助金、由单位支付一次性伤残就业补助金，具体标准由省、自治区、直辖市规定（《工伤保险条例》第37条），请查当地规定。",
			"Grades 7 to 10: when the contract expires or the worker resigns, the fund pays a one-time medical subsidy and the employer a one-time disability employment subsidy, at standards set by each province (Work Injury Insurance Regulations art. 37); check the local rule.")
	}
	r.note("本人工资指受伤前12个月的平均月缴费工资；高于统筹地区职工平均工资300%的按300%计，低于60%的按60%计（《工伤保险条例》第64条）。",
		"The own wage is the average monthly contribution wage of the 12 months before the injury, counted at no more than 300% and no less than 60% of the local average wage (Work Injury Insurance Regulations art. 64).")
	if in.LocalAverage == 0 {
		r.note("本次未填写统筹地区职工平均工资，未按60%至300%的上下限调整。",
			"No local average wage was given, so the 60%-300% limits were not applied.")
	}
	r.note("先要有工伤认定和劳动能力鉴定结论：单位应在事故伤害发生之日起30日内申请工伤认定，单位不申请的，本人、近亲属或工会可在1年内直接申请（《工伤保险条例》第17条）；伤残等级由设区的市级劳动能力鉴定委员会鉴定（第23条）。",
		"A work-injury determination and a work-ability appraisal come first: the employer must apply for the determination within 30 days of the accident; if it does not, the worker, a close relative or the union may apply within 1 year (Work Injury Insurance Regulations art. 17); the grade is set by the city's work-ability appraisal committee (art. 23).")
	r.note("单位应当参加工伤保险而没有参加的，由单位按同样的项目和标准支付（《工伤保险条例》第62条）。停工留薪期内原工资福利待遇不变，由单位按月支付（第33条）。",
		"An employer that should have joined work-injury insurance but did not pays the same benefits itself (art. 62). During the paid leave for treatment, the original wage and benefits continue, paid monthly by the employer (art. 33).")
	r.cite(lawInjury, 17, 23, 33, 62)
	return r, nil
}
