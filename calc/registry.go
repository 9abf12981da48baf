package calc

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// FieldKind is the type of an input field, which tells a chat flow how to
// ask for it and how the answer is read.
type FieldKind string

// The field kinds.
const (
	// FieldDate is a calendar day: 2024-09-15, 2024/9/15, 2024年9月15日, a
	// month alone (2024年9月: the 1st), and with ParseOn relative days
	// (去年三月, 上个月底, last month); see ParseDateOn.
	FieldDate FieldKind = "date"
	// FieldMoney is an amount of yuan with at most two decimals: 8000,
	// 8000.50, 1.5万, 一万五, 15k; see ParseMoney.
	FieldMoney FieldKind = "money"
	// FieldInt is a whole number.
	FieldInt FieldKind = "int"
	// FieldNumber is a decimal number with at most two decimals (hours).
	FieldNumber FieldKind = "number"
	// FieldBool is yes or no (是/否, yes/no, true/false, 1/0).
	FieldBool FieldKind = "bool"
	// FieldChoice is one of Field.Choices.
	FieldChoice FieldKind = "choice"
	// FieldProvince is a provincial-level division (see Provinces).
	FieldProvince FieldKind = "province"
)

// Choice is one allowed answer of a FieldChoice field.
type Choice struct {
	Value string `json:"value"`
	Label Text   `json:"label"`
}

// Field describes one input of a calculator. Name is both the key in
// Values and the command-line flag (--name).
type Field struct {
	Name   string    `json:"name"`
	Prompt Text      `json:"prompt"`
	Kind   FieldKind `json:"kind"`
	// Required fields must be answered; optional ones may be skipped (a
	// skipped bool is false). Some combinations are checked only by the
	// input's Validate (e.g. double-wage needs "signed" or "end").
	Required bool     `json:"required"`
	Choices  []Choice `json:"choices,omitempty"`
	// when, if set, says from the answers given so far whether the field
	// is asked at all: a question that cannot change the result (the
	// last month's wage when no month in lieu of notice is owed) is not
	// put to the worker.
	when func(a answers) bool
}

// Parse reads one answer for the field. The value is a time.Time (date),
// Money (money), int (int), float64 (number), bool (bool) or string
// (choice: the Choice.Value; province: the Province.Short). Errors are
// *InputError.
func (f Field) Parse(raw string) (any, error) { return f.ParseOn(raw, time.Time{}) }

// ParseOn is Parse with today's date, against which relative dates (去年三月,
// 上个月底, last month) are read; Parse refuses those.
func (f Field) ParseOn(raw string, today time.Time) (any, error) {
	s := Normalize(raw)
	v, err := f.parse(s, today)
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			out := *ie
			out.Field = f.Name
			return nil, &out
		}
		return nil, &InputError{Field: f.Name, Msg: tx(err.Error(), err.Error())}
	}
	return v, nil
}

func (f Field) parse(s string, today time.Time) (any, error) {
	switch f.Kind {
	case FieldDate:
		p, err := ParseDateOn(s, today)
		return p.Time, err
	case FieldMoney:
		return ParseMoney(s)
	case FieldInt:
		r, ok := ParseNumber(strings.TrimRight(s, "年天档级个"))
		if !ok || !r.IsInt() || !r.Num().IsInt64() || r.Num().Int64() > 1_000_000 {
			return nil, inputErrf("", "请填写一个整数，例如 3（收到的是“%s”）。", "Please give a whole number such as 3 (got %q).", s)
		}
		return int(r.Num().Int64()), nil
	case FieldNumber:
		r, ok := parseDecimal(strings.TrimSpace(strings.TrimRight(s, "小时h")))
		if !ok {
			return nil, inputErrf("", "请填写一个数字，例如 2 或 1.5（收到的是“%s”）。", "Please give a number such as 2 or 1.5 (got %q).", s)
		}
		x, _ := r.Float64()
		return x, nil
	case FieldBool:
		switch strings.ToLower(s) {
		case "", "0", "n", "no", "false", "f", "否", "不", "不是", "没有", "无", "没":
			return false, nil
		case "1", "y", "yes", "true", "t", "是", "是的", "对", "有", "嗯":
			return true, nil
		}
		return nil, inputErrf("", "请回答“是”或“否”（收到的是“%s”）。", "Please answer yes or no (got %q).", s)
	case FieldChoice:
		for _, c := range f.Choices {
			if strings.EqualFold(s, c.Value) || s == c.Label.Zh || strings.EqualFold(s, c.Label.En) {
				return c.Value, nil
			}
		}
		var vals []string
		for _, c := range f.Choices {
			vals = append(vals, c.Value)
		}
		return nil, inputErrf("", "请从以下选项中选择：%s", "Please choose one of: %s", strings.Join(vals, ", "))
	case FieldProvince:
		p, ok := LookupProvince(s)
		if !ok {
			return nil, &InputError{Msg: Text{
				Zh: fmt.Sprintf("不认识“%s”这个省份。请从以下选择：%s", s, provinceNames("zh")),
				En: fmt.Sprintf("%q is not a province we know. Choose one of: %s", s, provinceNames("en")),
			}}
		}
		return p.Short, nil
	}
	return nil, fmt.Errorf("field %s: unknown kind %q", f.Name, f.Kind)
}

// Values are a calculator's answers as typed: field name → raw text. A
// missing or empty value means the field was skipped.
type Values map[string]string

// Env is what a calculator takes from its surroundings rather than from the
// worker: today's date (never read from the clock inside this package) and
// the minimum-wage data.
type Env struct {
	// Today is used by the deadline calculator and as the default date of
	// the minimum-wage check.
	Today time.Time
	// MinWage is the minimum-wage data; nil means DefaultMinWageTable.
	MinWage *MinWageTable
}

// Calculator is one calculator: its name (the CLI subcommand and
// Result.Kind), its title and summary in zh/en, and its input fields in the
// order a chat flow should ask them.
type Calculator struct {
	Name    string  `json:"name"`
	Title   Text    `json:"title"`
	Summary Text    `json:"summary"`
	Fields  []Field `json:"fields"`
	run     func(a answers, env Env) (Result, error)
}

// Field returns the field of the given name.
func (c Calculator) Field(name string) (Field, bool) {
	for _, f := range c.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Asks reports whether the field named is asked, given the values answered
// so far: false for a field whose answer cannot change the result (see
// Field.when). Unparseable or missing values count as not given.
func (c Calculator) Asks(name string, values Values) bool {
	f, ok := c.Field(name)
	if !ok {
		return false
	}
	if f.when == nil {
		return true
	}
	a := answers{}
	for n, raw := range values {
		if g, ok := c.Field(n); ok && strings.TrimSpace(raw) != "" {
			if v, err := g.Parse(raw); err == nil {
				a[n] = v
			}
		}
	}
	return f.when(a)
}

// Run parses the values (see Field.Parse), builds the calculator's input
// and computes the result. Input problems are *InputError values naming the
// field.
func (c Calculator) Run(values Values, env Env) (Result, error) {
	a := answers{}
	for name, raw := range values {
		f, ok := c.Field(name)
		if !ok {
			return Result{}, inputErrf(name, "%s计算器没有“%s”这一项。", "The %s calculator has no field %q.", c.Name, name)
		}
		if strings.TrimSpace(raw) == "" {
			continue
		}
		v, err := f.ParseOn(raw, env.Today)
		if err != nil {
			return Result{}, err
		}
		a[name] = v
	}
	for _, f := range c.Fields {
		if _, ok := a[f.Name]; f.Required && !ok {
			return Result{}, &InputError{Field: f.Name, Msg: Text{
				Zh: "缺少必填项：" + f.Prompt.Zh,
				En: "Missing required input: " + f.Prompt.En,
			}}
		}
	}
	return c.run(a, env)
}

// answers are parsed field values.
type answers map[string]any

func (a answers) date(name string) time.Time {
	v, _ := a[name].(time.Time)
	return v
}

func (a answers) money(name string) Money {
	v, _ := a[name].(Money)
	return v
}

func (a answers) int(name string) int {
	v, _ := a[name].(int)
	return v
}

func (a answers) num(name string) float64 {
	v, _ := a[name].(float64)
	return v
}

func (a answers) bool(name string) bool {
	v, _ := a[name].(bool)
	return v
}

func (a answers) str(name string) string {
	v, _ := a[name].(string)
	return v
}

func field(name string, kind FieldKind, required bool, zh, en string) Field {
	return Field{Name: name, Kind: kind, Required: required, Prompt: tx(zh, en)}
}

// withWhen sets the condition under which f is asked (Field.when).
func withWhen(f Field, when func(a answers) bool) Field {
	f.when = when
	return f
}

// Calculators returns the calculators in the order a menu should show them.
func Calculators() []Calculator {
	grades := make([]Choice, 10)
	for g := 1; g <= 10; g++ {
		grades[g-1] = Choice{Value: strconv.Itoa(g), Label: Text{Zh: chineseNumeral(g) + "级", En: fmt.Sprintf("grade %d", g)}}
	}
	return []Calculator{
		{
			Name:    KindSeverance,
			Title:   tx("经济补偿（离职补偿）", "Severance pay"),
			Summary: tx("按工作年限计算经济补偿；违法解除按二倍计算赔偿金；依第40条解除未提前通知的另加一个月工资。", "Severance by years of service; twice that for unlawful dismissal; plus a month's wage in lieu of notice for an art. 40 dismissal."),
			Fields: []Field{
				field("start", FieldDate, true, "你哪天开始在这家单位上班？（例如 2021-03-01）", "When did you start working for this employer? (e.g. 2021-03-01)"),
				field("end", FieldDate, true, "劳动合同哪天解除或终止？（例如 2024-09-15）", "On what date was the contract ended? (e.g. 2024-09-15)"),
				field("wage", FieldMoney, true, "离职前12个月平均每月工资是多少元？（含奖金、津贴、补贴，税前）", "What was your average monthly wage over the last 12 months, in yuan? (bonuses and allowances included, before tax)"),
				field("local-avg", FieldMoney, false, "所在城市上年度职工月平均工资是多少元？（不知道可跳过；月工资很高时用于三倍封顶）", "What is your city's average monthly wage of last year, in yuan? (skip if unknown; used for the three-times cap on high wages)"),
				field("unlawful", FieldBool, false, "单位是否违法解除或终止合同，而你不要求回去上班？（是/否）", "Did the employer end the contract unlawfully, and you do not want the job back? (yes/no)"),
				field("in-lieu", FieldBool, false, "单位是否依《劳动合同法》第40条（不能胜任、医疗期满、客观情况变化）解除，且没有提前30天书面通知？（是/否）", "Were you dismissed under Labor Contract Law art. 40 (incompetence, end of medical leave, changed circumstances) without 30 days' written notice? (yes/no)"),
				withWhen(field("last-wage", FieldMoney, false, "解除前一个月的工资是多少元？（用于代通知金，不填则按平均月工资）", "What was your wage in the month before dismissal, in yuan? (for the month in lieu of notice; defaults to the average)"),
					// Only the month in lieu of notice uses it, and that is
					// owed only for a lawful art. 40 dismissal without notice.
					func(a answers) bool { return a.bool("in-lieu") && !a.bool("unlawful") }),
			},
			run: func(a answers, env Env) (Result, error) {
				return Severance(SeveranceInput{
					Start: a.date("start"), End: a.date("end"), MonthlyWage: a.money("wage"),
					LocalAverage: a.money("local-avg"), Unlawful: a.bool("unlawful"),
					InLieuOfNotice: a.bool("in-lieu"), LastMonthWage: a.money("last-wage"),
				})
			},
		},
		{
			Name:    KindOvertime,
			Title:   tx("加班费", "Overtime pay"),
			Summary: tx("按月工资折算小时工资（÷21.75÷8），工作日加班150%、休息日200%（已补休的除外）、法定节假日300%。", "Hourly wage = monthly wage ÷ 21.75 ÷ 8; weekday overtime at 150%, rest days at 200% (unless time off was given), statutory holidays at 300%."),
			Fields: []Field{
				field("wage", FieldMoney, true, "正常工作时间的月工资是多少元？（不含加班费）", "What is your normal monthly wage, in yuan? (without overtime pay)"),
				field("weekday-hours", FieldNumber, false, "工作日下班后加班了多少小时？（没有填0）", "How many hours of overtime after normal hours on working days? (0 if none)"),
				field("restday-hours", FieldNumber, false, "休息日（周末）加班了多少小时？（没有填0）", "How many hours did you work on rest days (weekends)? (0 if none)"),
				field("restday-off-hours", FieldNumber, false, "其中单位安排补休了多少小时？（没有填0）", "How many of those rest-day hours were made up with time off? (0 if none)"),
				field("holiday-hours", FieldNumber, false, "法定节假日加班了多少小时？（没有填0）", "How many hours did you work on statutory holidays? (0 if none)"),
			},
			run: func(a answers, env Env) (Result, error) {
				return Overtime(OvertimeInput{
					MonthlyWage: a.money("wage"), WeekdayHours: a.num("weekday-hours"),
					RestDayHours: a.num("restday-hours"), RestDayOffHours: a.num("restday-off-hours"),
					HolidayHours: a.num("holiday-hours"),
				})
			},
		},
		{
			Name:    KindDoubleWage,
			Title:   tx("未签劳动合同的二倍工资", "Double wages without a written contract"),
			Summary: tx("用工满一个月后仍未签书面合同的，每月另付一倍工资，直到补签前一日，最多11个月。", "From the end of the first month without a written contract, one extra month's wage per month until the day before signing, at most 11 months."),
			Fields: []Field{
				field("start", FieldDate, true, "你哪天开始上班？（例如 2024-01-10）", "When did you start work? (e.g. 2024-01-10)"),
				field("signed", FieldDate, false, "哪天补签了书面劳动合同？（一直没签就跳过）", "On what date was a written contract signed? (skip if never)"),
				field("end", FieldDate, false, "如果一直没签：哪天离职？（仍在职就填今天）", "If never signed: when did the job end? (today if still employed)"),
				field("wage", FieldMoney, true, "月工资是多少元？", "What is your monthly wage, in yuan?"),
			},
			run: func(a answers, env Env) (Result, error) {
				return DoubleWage(DoubleWageInput{Start: a.date("start"), Signed: a.date("signed"), End: a.date("end"), MonthlyWage: a.money("wage")})
			},
		},
		{
			Name:    KindAnnualLeave,
			Title:   tx("带薪年休假", "Paid annual leave"),
			Summary: tx("按累计工作年限计算年休假天数（5/10/15天），新入职或离职当年折算，未休天数按日工资的300%支付（含正常工资100%）。", "Annual leave days by cumulative years of work (5/10/15), pro-rated in the year of joining or leaving; untaken days paid at 300% of the daily wage (100% already in the normal wage)."),
			Fields: []Field{
				field("years", FieldInt, true, "你累计工作了多少年？（所有单位合计，整年）", "How many years have you worked in total? (all employers, whole years)"),
				field("taken", FieldInt, false, "今年已经休了几天年休假？（没有填0）", "How many days of annual leave have you taken this year? (0 if none)"),
				field("wage", FieldMoney, false, "月工资是多少元？（前12个月平均，不含加班费；只想知道天数可跳过）", "What is your monthly wage, in yuan? (12-month average without overtime; skip for days only)"),
				field("year", FieldInt, false, "计算哪一年？（例如 2025；不填则按入职或离职日期所在年）", "Which year? (e.g. 2025; defaults to the year of joining or leaving)"),
				field("joined", FieldDate, false, "如果是今年新入职：入职日期？（否则跳过）", "If you joined this year: the joining date? (else skip)"),
				field("left", FieldDate, false, "如果今年离职：离职日期？（否则跳过）", "If you left this year: the leaving date? (else skip)"),
			},
			run: func(a answers, env Env) (Result, error) {
				return AnnualLeave(AnnualLeaveInput{
					Years: a.int("years"), Taken: a.int("taken"), MonthlyWage: a.money("wage"),
					Year: a.int("year"), Joined: a.date("joined"), Left: a.date("left"),
				})
			},
		},
		{
			Name:    KindInjury,
			Title:   tx("工伤一次性伤残补助金", "Work-injury one-time disability allowance"),
			Summary: tx("按伤残等级（一至十级）支付27至7个月的本人工资。", "27 down to 7 months of the worker's own wage by disability grade 1 to 10."),
			Fields: []Field{
				{Name: "grade", Kind: FieldChoice, Required: true, Choices: grades,
					Prompt: tx("劳动能力鉴定的伤残等级是几级？（1到10，一级最重）", "What disability grade did the appraisal give? (1 to 10, 1 is the most severe)")},
				field("wage", FieldMoney, true, "受伤前12个月平均月缴费工资（本人工资）是多少元？", "What was your average monthly contribution wage over the 12 months before the injury, in yuan?"),
				field("local-avg", FieldMoney, false, "统筹地区上年度职工月平均工资是多少元？（不知道可跳过）", "What is the local average monthly wage of the pooling area, in yuan? (skip if unknown)"),
			},
			run: func(a answers, env Env) (Result, error) {
				g, _ := strconv.Atoi(a.str("grade"))
				return Injury(InjuryInput{Grade: g, MonthlyWage: a.money("wage"), LocalAverage: a.money("local-avg")})
			},
		},
		{
			Name:    KindDeadline,
			Title:   tx("劳动仲裁时效", "Arbitration time limit"),
			Summary: tx("仲裁时效一年，从知道或应当知道权利被侵害之日起算；在职期间的欠薪不受限制，离职后一年内申请。", "One year from when the worker knew or should have known; unpaid wages are not time-barred while employed, then one year from the end of employment."),
			Fields: []Field{
				field("knew", FieldDate, false, "你哪天知道（或应当知道）自己的权利被侵害？（例如被辞退、工资没发的日期）", "When did you know (or should have known) your rights were infringed? (e.g. the dismissal date, the missed payday)"),
				field("wages", FieldBool, false, "是不是追讨被拖欠的工资（劳动报酬）？（是/否）", "Is the claim for unpaid wages (labor remuneration)? (yes/no)"),
				field("ended", FieldDate, false, "劳动关系哪天结束？（仍在职就跳过）", "When did the employment end? (skip if still employed)"),
			},
			run: func(a answers, env Env) (Result, error) {
				return Deadline(DeadlineInput{Knew: a.date("knew"), Ended: a.date("ended"), Wages: a.bool("wages"), Today: env.Today})
			},
		},
		{
			Name:    KindMinWage,
			Title:   tx("最低工资核对", "Minimum wage check"),
			Summary: tx("把月工资或小时工资与所在省份各档最低工资标准比较。", "Compares a monthly or hourly wage with the province's minimum-wage tiers."),
			Fields: []Field{
				{Name: "province", Kind: FieldProvince, Required: true, Prompt: tx("你在哪个省、自治区或直辖市工作？（例如 四川）", "In which province do you work? (e.g. Sichuan)")},
				field("wage", FieldMoney, true, "要核对的工资是多少元？（全日制填月工资，非全日制填小时工资；先扣除加班费和特殊津贴）", "What wage should be checked, in yuan? (monthly for full-time, hourly for part-time; leave out overtime pay and special allowances)"),
				field("hourly", FieldBool, false, "这是小时工资（非全日制）吗？（是/否）", "Is this an hourly wage (part-time work)? (yes/no)"),
				field("tier", FieldInt, false, "工作地点属于第几档？（不知道可跳过）", "Which tier is your place of work in? (skip if unknown)"),
				field("date", FieldDate, false, "核对哪一天的标准？（不填为今天）", "Check the standard in force on which day? (defaults to today)"),
			},
			run: func(a answers, env Env) (Result, error) {
				d := a.date("date")
				if d.IsZero() {
					d = env.Today
				}
				return MinWage(MinWageInput{Province: a.str("province"), Wage: a.money("wage"), Hourly: a.bool("hourly"), Tier: a.int("tier"), Date: d, Table: env.MinWage})
			},
		},
	}
}

// LookupCalculator finds a calculator by name ("severance", ...).
func LookupCalculator(name string) (Calculator, bool) {
	for _, c := range Calculators() {
		if c.Name == name {
			return c, true
		}
	}
	return Calculator{}, false
}

// chineseNumeral writes 1..99 in Chinese numerals: 7 → 七, 10 → 十, 12 → 十二.
func chineseNumeral(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n == 10:
		return "十"
	case n < 20:
		return "十" + digits[n%10]
	case n%10 == 0:
		return digits[n/10] + "十"
	}
	return digits[n/10] + "十" + digits[n%10]
}
