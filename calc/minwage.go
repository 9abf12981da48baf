package calc

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// minWageJSON is the shipped minimum-wage data file. Admins can replace it at
// run time with LoadMinWageTable (the CLI's --data FILE).
//
//go:embed minwage.json
var minWageJSON string

// MinWageTier is one tier (档) of a province's minimum wage: different areas
// of a province can have different standards (最低工资规定 7).
type MinWageTier struct {
	// Tier is the tier number as published (第一档 = 1).
	Tier int `json:"tier"`
	// Monthly is the monthly minimum for full-time workers.
	Monthly Money `json:"monthly"`
	// Hourly is the hourly minimum for part-time workers (最低工资规定 5).
	Hourly Money `json:"hourly"`
	// Areas optionally says where the tier applies.
	Areas string `json:"areas,omitempty"`
}

// MinWageEntry is one province's minimum wage from one effective date.
type MinWageEntry struct {
	Province  string        `json:"province"`
	Tiers     []MinWageTier `json:"tiers"`
	Effective time.Time     `json:"effective"`
	// Source names the issuing document (title and number) and where it
	// was published.
	Source string `json:"source"`
}

// MinWageTable is a set of minimum-wage entries. Build it with
// LoadMinWageTable or DefaultMinWageTable; it is not changed after loading.
type MinWageTable struct {
	entries []MinWageEntry
}

// Entries returns a copy of the table's entries, ordered by province and
// effective date.
func (t *MinWageTable) Entries() []MinWageEntry {
	if t == nil {
		return nil
	}
	out := make([]MinWageEntry, len(t.entries))
	for i, e := range t.entries {
		e.Tiers = append([]MinWageTier(nil), e.Tiers...)
		out[i] = e
	}
	return out
}

// Lookup returns the entry of the province in force on the given day: the
// latest whose effective date is not after it.
func (t *MinWageTable) Lookup(province string, on time.Time) (MinWageEntry, bool) {
	p, ok := LookupProvince(province)
	if !ok || t == nil {
		return MinWageEntry{}, false
	}
	var best MinWageEntry
	found := false
	for _, e := range t.entries {
		if e.Province != p.Short || e.Effective.After(Day(on)) {
			continue
		}
		if !found || e.Effective.After(best.Effective) {
			best, found = e, true
		}
	}
	if found {
		best.Tiers = append([]MinWageTier(nil), best.Tiers...)
	}
	return best, found
}

// The file format (see minwage.json, whose "schema" member describes it).
type minWageFile struct {
	Entries []minWageFileEntry `json:"entries"`
}

type minWageFileEntry struct {
	Province  string            `json:"province"`
	Tiers     []minWageFileTier `json:"tiers"`
	Effective string            `json:"effective"`
	Source    string            `json:"source"`
}

type minWageFileTier struct {
	Tier    int         `json:"tier"`
	Monthly json.Number `json:"monthly"`
	Hourly  json.Number `json:"hourly"`
	Areas   string      `json:"areas"`
}

// LoadMinWageTable reads a minimum-wage data file: a JSON object whose
// "entries" member lists {"province", "tiers": [{"tier", "monthly",
// "hourly", "areas"}], "effective": "YYYY-MM-DD", "source"}, amounts in yuan.
// Every entry must name a known province, its effective date and its source
// document, and have at least one tier with positive monthly and hourly
// amounts. Other top-level members (a description, the schema) are ignored.
func LoadMinWageTable(r io.Reader) (*MinWageTable, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var f minWageFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("minimum-wage data: %w", err)
	}
	t := &MinWageTable{}
	seen := map[string]bool{}
	for i, fe := range f.Entries {
		where := fmt.Sprintf("minimum-wage data: entry %d (%s)", i+1, fe.Province)
		p, ok := LookupProvince(fe.Province)
		if !ok {
			return nil, fmt.Errorf("%s: unknown province %q; use a short name such as 四川", where, fe.Province)
		}
		eff, err := ParseDate(fe.Effective)
		if err != nil {
			return nil, fmt.Errorf("%s: effective date %q: want YYYY-MM-DD", where, fe.Effective)
		}
		if strings.TrimSpace(fe.Source) == "" {
			return nil, fmt.Errorf("%s: no source: name the issuing document and where it was published", where)
		}
		key := p.Short + " " + ymd(eff)
		if seen[key] {
			return nil, fmt.Errorf("%s: a second entry for %s effective %s", where, p.Short, ymd(eff))
		}
		seen[key] = true
		if len(fe.Tiers) == 0 {
			return nil, fmt.Errorf("%s: no tiers", where)
		}
		e := MinWageEntry{Province: p.Short, Effective: eff, Source: strings.TrimSpace(fe.Source)}
		tiers := map[int]bool{}
		for _, ft := range fe.Tiers {
			if ft.Tier < 1 || tiers[ft.Tier] {
				return nil, fmt.Errorf("%s: tier numbers must be 1, 2, 3... without repeats (got %d)", where, ft.Tier)
			}
			tiers[ft.Tier] = true
			m, err := ParseMoney(string(ft.Monthly))
			if err != nil || m <= 0 {
				return nil, fmt.Errorf("%s: tier %d: monthly amount %q is not a positive amount of yuan", where, ft.Tier, ft.Monthly)
			}
			h, err := ParseMoney(string(ft.Hourly))
			if err != nil || h <= 0 {
				return nil, fmt.Errorf("%s: tier %d: hourly amount %q is not a positive amount of yuan", where, ft.Tier, ft.Hourly)
			}
			e.Tiers = append(e.Tiers, MinWageTier{Tier: ft.Tier, Monthly: m, Hourly: h, Areas: strings.TrimSpace(ft.Areas)})
		}
		sort.Slice(e.Tiers, func(a, b int) bool { return e.Tiers[a].Tier < e.Tiers[b].Tier })
		t.entries = append(t.entries, e)
	}
	sort.SliceStable(t.entries, func(a, b int) bool {
		if t.entries[a].Province != t.entries[b].Province {
			return t.entries[a].Province < t.entries[b].Province
		}
		return t.entries[a].Effective.Before(t.entries[b].Effective)
	})
	return t, nil
}

// DefaultMinWageTable returns the table shipped with the program
// (calc/minwage.json). It is parsed on every call, so callers that need it
// often should keep the result.
func DefaultMinWageTable() (*MinWageTable, error) {
	return LoadMinWageTable(strings.NewReader(minWageJSON))
}

// MinWageInput is the input of MinWage.
type MinWageInput struct {
	// Province is the province where the work is done (short, full or
	// English name).
	Province string
	// Wage is the wage to check: per month, or per hour when Hourly.
	Wage Money
	// Hourly: Wage is an hourly wage of a part-time worker.
	Hourly bool
	// Tier is the tier of the worker's area when known (1 = 第一档); 0 when
	// unknown.
	Tier int
	// Date is the day the wage was paid for; the entry in force that day is
	// used. The caller passes today when checking a current wage.
	Date time.Time
	// Table is the minimum-wage data; nil means DefaultMinWageTable.
	Table *MinWageTable
}

// Validate checks the input.
func (in MinWageInput) Validate() error {
	if strings.TrimSpace(in.Province) == "" {
		return inputErr("province", "请填写工作所在的省、自治区或直辖市，例如 四川。", "Please give the province where you work, e.g. Sichuan (四川).")
	}
	if _, ok := LookupProvince(in.Province); !ok {
		return &InputError{Field: "province", Msg: Text{
			Zh: fmt.Sprintf("不认识“%s”这个省份。请从以下选择：%s", in.Province, provinceNames("zh")),
			En: fmt.Sprintf("%q is not a province we know. Choose one of: %s", in.Province, provinceNames("en")),
		}}
	}
	if in.Wage <= 0 {
		return inputErr("wage", "请填写要核对的工资（大于0）：全日制填月工资，非全日制填小时工资。", "Please give the wage to check (more than 0): monthly for full-time work, hourly for part-time work.")
	}
	if in.Tier < 0 || in.Tier > 10 {
		return inputErr("tier", "档次应为1、2、3等（第一档为1）；不知道可以不填。", "The tier is 1, 2, 3... (第一档 = 1); leave it empty if you do not know.")
	}
	if in.Date.IsZero() {
		return inputErr("date", "缺少核对的日期。", "The date to check is missing.")
	}
	return nil
}

// MinWage checks a monthly (full-time) or hourly (part-time) wage against
// the provincial minimum-wage tiers in force on Date. The amount is the
// shortfall: how much the wage is below the minimum of the worker's tier
// when Tier is given, else below the lowest tier (0 when not below). A
// province without data in force gives a result without a figure that says
// where to check.
func MinWage(in MinWageInput) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	table := in.Table
	if table == nil {
		var err error
		if table, err = DefaultMinWageTable(); err != nil {
			return Result{}, err
		}
	}
	p, _ := LookupProvince(in.Province)
	on := Day(in.Date)
	r := Result{Kind: KindMinWage, Unit: UnitYuan}
	r.cite(lawLabor, 48)
	r.cite(lawMinWage, 3, 5, 7, 12)

	per := tx("月", "month")
	kindZh, kindEn := "月最低工资标准", "monthly minimum wage"
	if in.Hourly {
		per = tx("小时", "hour")
		kindZh, kindEn = "小时最低工资标准", "hourly minimum wage"
	}

	entry, ok := table.Lookup(p.Short, on)
	if !ok {
		r.Formula = Text{
			Zh: fmt.Sprintf("暂无%s在 %s 适用的最低工资标准数据，无法比较（工资 %s 元/%s）", p.Full, ymd(on), in.Wage, per.Zh),
			En: fmt.Sprintf("No minimum-wage data for %s in force on %s, so no comparison (wage %s yuan per %s)", p.En, ymd(on), in.Wage, per.En),
		}
		r.Notes = append(r.Notes, Text{
			Zh: fmt.Sprintf("本程序的数据文件里还没有%s的最低工资标准。请查看%s人力资源和社会保障厅（局）官网公布的最低工资标准通知，或拨打12333人社服务热线询问；注意看各档适用的地区和执行日期。", p.Full, p.Full),
			En: fmt.Sprintf("The program's data file has no minimum wage for %s yet. Check the notice on the website of the %s human resources and social security department, or call the 12333 hotline; note which areas each tier covers and from when it applies.", p.En, p.En),
		})
		addMinWageNotes(&r)
		return r, nil
	}

	std := func(t MinWageTier) Money {
		if in.Hourly {
			return t.Hourly
		}
		return t.Monthly
	}
	lowest, highest := entry.Tiers[0], entry.Tiers[0]
	for _, t := range entry.Tiers {
		if std(t) < std(lowest) {
			lowest = t
		}
		if std(t) > std(highest) {
			highest = t
		}
	}
	var tiersZh, tiersEn []string
	for _, t := range entry.Tiers {
		tiersZh = append(tiersZh, fmt.Sprintf("第%d档 %s 元", t.Tier, std(t)))
		tiersEn = append(tiersEn, fmt.Sprintf("tier %d %s", t.Tier, std(t)))
	}
	head := Text{
		Zh: fmt.Sprintf("%s自 %s 起执行的%s：%s；工资 %s 元/%s", p.Full, ymd(entry.Effective), kindZh, strings.Join(tiersZh, "，"), in.Wage, per.Zh),
		En: fmt.Sprintf("%s %s from %s: %s yuan; wage %s yuan per %s", p.En, kindEn, ymd(entry.Effective), strings.Join(tiersEn, ", "), in.Wage, per.En),
	}

	var shortfall Money
	var verdict Text
	if in.Tier > 0 {
		var tier *MinWageTier
		for i := range entry.Tiers {
			if entry.Tiers[i].Tier == in.Tier {
				tier = &entry.Tiers[i]
			}
		}
		if tier == nil {
			return Result{}, inputErrf("tier", "%s只有 %d 档最低工资标准，没有第%d档。", "%s has %d minimum-wage tiers, no tier %d.", p.Full, len(entry.Tiers), in.Tier)
		}
		if in.Wage < std(*tier) {
			shortfall = std(*tier) - in.Wage
			verdict = txf("低于所在地区第%d档标准 %s 元，差 %s 元", "below the tier %d minimum of %s yuan by %s yuan", tier.Tier, std(*tier), shortfall)
		} else {
			verdict = txf("不低于所在地区第%d档标准 %s 元", "not below the tier %d minimum of %s yuan", tier.Tier, std(*tier))
		}
	} else {
		switch {
		case in.Wage < std(lowest):
			shortfall = std(lowest) - in.Wage
			verdict = txf("低于全省最低一档 %s 元，差 %s 元：无论在哪个地区都低于最低工资标准", "below even the lowest tier, %s yuan, by %s yuan: below the minimum wage anywhere in the province", std(lowest), shortfall)
		case in.Wage < std(highest):
			verdict = txf("介于各档之间：是否低于标准取决于工作地点属于哪一档（最高一档 %s 元）", "between the tiers: whether it is below the minimum depends on which tier the place of work belongs to (highest tier %s yuan)", std(highest))
		default:
			verdict = txf("不低于最高一档 %s 元：不低于任何地区的最低工资标准", "not below the highest tier, %s yuan: not below the minimum anywhere in the province", std(highest))
		}
	}
	r.Formula = Text{Zh: head.Zh + "；" + verdict.Zh, En: head.En + "; " + verdict.En}
	r.setExact(shortfall.Rat())
	for _, t := range entry.Tiers {
		if t.Areas != "" {
			r.notef("第%d档适用：%s", "Tier %d applies to: %s", t.Tier, t.Areas)
		}
	}
	r.notef("数据来源：%s（自 %s 起执行）。标准会调整，请以当地人社部门最新公布为准。", "Source: %s (in force from %s). Standards change: check the latest notice of the local human resources and social security department.", entry.Source, ymd(entry.Effective))
	addMinWageNotes(&r)
	if shortfall > 0 {
		r.note("工资低于当地最低工资标准的，由劳动保障行政部门责令单位限期补发所欠工资，并可责令按所欠工资的1至5倍支付赔偿金（《最低工资规定》第13条）；也可以申请劳动仲裁要求补足差额。",
			"An employer paying below the local minimum wage is ordered by the labor authority to pay the shortfall and may be ordered to pay 1 to 5 times the shortfall as compensation (Minimum Wage Provisions art. 13); the worker can also seek arbitration for the difference.")
		r.cite(lawMinWage, 13)
	}
	return r, nil
}

func addMinWageNotes(r *Result) {
	r.note("核对时先从工资中剔除：加班工资；中班、夜班、高温、低温、井下、有毒有害等特殊条件下的津贴；法律、法规和国家规定的福利待遇；剩下的部分不得低于最低工资标准（《最低工资规定》第12条）。计件、提成工资也适用。",
		"Before comparing, take out of the wage: overtime pay; allowances for middle and night shifts, heat, cold, underground, toxic or hazardous work; and benefits due by law; what remains must not be below the minimum (Minimum Wage Provisions art. 12). This also applies to piece and commission wages.")
	r.note("最低工资标准以劳动者在法定工作时间内提供了正常劳动为前提；带薪年休假、婚丧假、产假等法定假期视为正常劳动（第3条）。月标准适用于全日制劳动者，小时标准适用于非全日制劳动者（第5条）。",
		"The minimum assumes normal work in the legal working hours; paid annual leave, marriage and funeral leave, maternity leave and other statutory leave count as normal work (art. 3). The monthly standard is for full-time workers, the hourly one for part-time workers (art. 5).")
	r.note("个人缴纳的社会保险费和住房公积金是否包含在最低工资标准内，各省规定不同，请看当地通知。",
		"Whether the worker's own social insurance and housing fund contributions are included in the minimum wage differs by province: check the local notice.")
}
