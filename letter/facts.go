package letter

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/knowledge"
)

// Facts are what a letter says about a case: gathered from the ticket and
// the other open complaints against the same employer.
type Facts struct {
	Employer string
	City     string
	// Workers are the workers concerned, the ticket's own first. They are
	// named 职工甲, 职工乙, …: a letter goes to the employer, and a worker's
	// name in it could cost them their job. The mediator may add names.
	Workers []Worker
	Types   []intake.DisputeType
	// Start and End bound the periods of employment (End zero: some still
	// work there).
	Start, End time.Time
	// Claimed is the total the workers claim (their own figures).
	Claimed calc.Money
	// Computed are the calculators' figures on the facts.
	Computed []Computed
	// Basis are the articles the dispute types rest on, quoted when the
	// statutes are loaded.
	Basis []Basis
	// Earlier are the letters already issued on the ticket.
	Earlier []Letter
}

// Worker is one worker concerned.
type Worker struct {
	Label       string // 职工甲
	Ticket      int64
	Types       []intake.DisputeType
	Start, End  time.Time
	MonthlyWage calc.Money
	Claimed     calc.Money
}

// Computed is a calculator's figure for one worker.
type Computed struct {
	Worker  string // the worker's Label
	Kind    string // the calculator: severance, double_wage
	Amount  calc.Money
	Formula string
	// Basis is the article the figure rests on, as the letter names it.
	Basis string
}

// Basis is one article a letter rests on.
type Basis struct {
	Citation knowledge.Citation
	// Name is how a letter names it: 《中华人民共和国劳动合同法》第三十条.
	Name string
	// Text is the article's text without its number, "" when the statute
	// is not loaded (the letter then cites it by name only).
	Text string
}

// basisByType are the articles each dispute type rests on (checked against
// shared/laws by the tests). The union's own authority (劳动合同法 78,
// 工会法 23, 劳动保障监察条例 7) is in the templates' wording.
var basisByType = map[intake.DisputeType][]knowledge.Citation{
	intake.TypeUnpaidWages:     {{Law: "劳动法", Article: 50}, {Law: "劳动合同法", Article: 30}, {Law: "劳动合同法", Article: 85}},
	intake.TypeOvertime:        {{Law: "劳动法", Article: 41}, {Law: "劳动法", Article: 44}, {Law: "劳动合同法", Article: 31}},
	intake.TypeSocialInsurance: {{Law: "社会保险法", Article: 58}, {Law: "社会保险法", Article: 60}},
	intake.TypeWorkInjury:      {{Law: "工伤保险条例", Article: 17}, {Law: "工伤保险条例", Article: 62}},
	intake.TypeDismissal:       {{Law: "劳动合同法", Article: 43}, {Law: "劳动合同法", Article: 47}, {Law: "劳动合同法", Article: 87}},
	intake.TypeContract:        {{Law: "劳动合同法", Article: 10}, {Law: "劳动合同法", Article: 82}},
}

// BasisFor returns the articles the dispute types rest on, in the order of
// the types, each once.
func BasisFor(types []intake.DisputeType) []knowledge.Citation {
	var out []knowledge.Citation
	for _, dt := range intake.DisputeTypes() {
		if !slices.Contains(types, dt) {
			continue
		}
		for _, c := range basisByType[dt] {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// articleStartRe is the number an article's text starts with (第三十条 ).
var articleStartRe = regexp.MustCompile(`^第[一二三四五六七八九十百零〇两]+条[\s\x{3000}]*`)

// maxQuoteRunes bounds a quoted article: the longest (劳动法 44 with its
// items) stay whole, a whole chapter never does.
const maxQuoteRunes = 400

// gather builds the facts of a letter on ticket t, with the other open
// complaints against its employer (linked), the statutes to quote (nil:
// cite by name), earlier letters and today's date.
func gather(t intake.Ticket, linked []intake.Ticket, statutes *knowledge.Statutes, earlier []Letter, today time.Time) Facts {
	f := Facts{Employer: t.Employer, City: t.City, Earlier: earlier}
	all := append([]intake.Ticket{t}, linked...)
	for i, x := range all {
		w := Worker{Label: "职工" + workerName(i), Ticket: x.Number, Types: x.Types, Start: x.StartDate, End: x.EndDate,
			MonthlyWage: x.MonthlyWage, Claimed: x.Claimed}
		f.Workers = append(f.Workers, w)
		for _, dt := range x.Types {
			if !slices.Contains(f.Types, dt) {
				f.Types = append(f.Types, dt)
			}
		}
		if !x.StartDate.IsZero() && (f.Start.IsZero() || x.StartDate.Before(f.Start)) {
			f.Start = x.StartDate
		}
		f.Claimed += x.Claimed
		f.Computed = append(f.Computed, compute(w, x, today)...)
	}
	// The period ends when the last worker left; while any still works
	// there, it runs on.
	for _, x := range all {
		if x.EndDate.IsZero() {
			f.End = time.Time{}
			break
		}
		if x.EndDate.After(f.End) {
			f.End = x.EndDate
		}
	}
	slices.SortStableFunc(f.Types, func(a, b intake.DisputeType) int {
		return slices.Index(intake.DisputeTypes(), a) - slices.Index(intake.DisputeTypes(), b)
	})
	for _, c := range BasisFor(f.Types) {
		f.Basis = append(f.Basis, basisOf(c, statutes))
	}
	return f
}

func basisOf(c knowledge.Citation, statutes *knowledge.Statutes) Basis {
	b := Basis{Citation: c, Name: ArticleName(c)}
	if a, ok := statutes.Article(c); ok {
		text := strings.TrimSpace(articleStartRe.ReplaceAllString(a.Text, ""))
		text = strings.Join(strings.Fields(text), "")
		if utf8.RuneCountInString(text) > maxQuoteRunes {
			text = string([]rune(text)[:maxQuoteRunes]) + "……"
		}
		b.Text = text
	}
	return b
}

// ArticleName names an article as official documents do:
// 《中华人民共和国劳动合同法》第三十条.
func ArticleName(c knowledge.Citation) string {
	title := c.Law
	if info, ok := knowledge.LookupStatuteInfo(c.Law); ok {
		title = info.Title
	}
	return "《" + title + "》第" + ChineseNumber(c.Article) + "条"
}

// ChineseNumber writes 1 to 9999 in Chinese numerals as article numbers
// are written: 十, 十五, 二十, 一百零五, 一千零一.
func ChineseNumber(n int) string {
	if n <= 0 || n > 9999 {
		return fmt.Sprint(n)
	}
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	units := []string{"", "十", "百", "千"}
	var parts []int
	for m := n; m > 0; m /= 10 {
		parts = append(parts, m%10)
	}
	var b strings.Builder
	zero := false
	for i := len(parts) - 1; i >= 0; i-- {
		d := parts[i]
		if d == 0 {
			zero = true
			continue
		}
		if zero && b.Len() > 0 {
			b.WriteString("零")
		}
		zero = false
		if !(d == 1 && i == 1 && len(parts) == 2) { // 十五, not 一十五
			b.WriteString(digits[d])
		}
		b.WriteString(units[i])
	}
	return b.String()
}

// workerName is 甲, 乙, … for the first ten workers, then 11, 12, ….
func workerName(i int) string {
	stems := []string{"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"}
	if i < len(stems) {
		return stems[i]
	}
	return fmt.Sprint(i + 1)
}

// compute runs the calculators that the facts allow: severance for a
// dismissal (N; whether the dismissal was lawful is for the mediator to
// judge), and double wages for a contract dispute (if no written contract
// was signed: the letter says "if").
func compute(w Worker, t intake.Ticket, today time.Time) []Computed {
	var out []Computed
	if t.StartDate.IsZero() || t.MonthlyWage <= 0 {
		return nil
	}
	y, m, d := today.In(china).Date()
	end := t.EndDate
	if end.IsZero() {
		end = calc.Date(y, m, d)
	}
	if t.HasType(intake.TypeDismissal) && !t.EndDate.IsZero() {
		if r, err := calc.Severance(calc.SeveranceInput{Start: t.StartDate, End: t.EndDate, MonthlyWage: t.MonthlyWage}); err == nil && r.HasAmount() && r.Fen > 0 {
			out = append(out, Computed{Worker: w.Label, Kind: "severance", Amount: calc.Money(r.Fen), Formula: r.Formula.In("zh"),
				Basis: ArticleName(knowledge.Citation{Law: "劳动合同法", Article: 47})})
		}
	}
	if t.HasType(intake.TypeContract) {
		if r, err := calc.DoubleWage(calc.DoubleWageInput{Start: t.StartDate, End: end, MonthlyWage: t.MonthlyWage}); err == nil && r.HasAmount() && r.Fen > 0 {
			out = append(out, Computed{Worker: w.Label, Kind: "double_wage", Amount: calc.Money(r.Fen), Formula: r.Formula.In("zh"),
				Basis: ArticleName(knowledge.Citation{Law: "劳动合同法", Article: 82})})
		}
	}
	return out
}

// values are the placeholders' texts for facts f, union u and template t
// on day.
func values(f Facts, u Union, t Template, day time.Time) map[string]string {
	v := map[string]string{
		"employer":   f.Employer,
		"union":      u.Name,
		"workers":    fmt.Sprintf("%d名职工", len(f.Workers)),
		"types":      typesText(f.Types),
		"period":     periodText(f.Start, f.End),
		"reply_days": fmt.Sprint(t.ReplyDays),
		"city":       f.City,
		"date":       ChineseDate(day),
		"contact":    u.Contact,
		"phone":      u.Phone,
	}
	if u.Name == "" {
		v["union"] = "我会"
	}
	if f.Employer == "" {
		v["employer"] = "该单位"
	}
	if f.City == "" {
		v["city"] = "当地"
	} else if !strings.HasSuffix(f.City, "市") && !strings.HasSuffix(f.City, "州") && !strings.HasSuffix(f.City, "盟") && !strings.HasSuffix(f.City, "区") {
		v["city"] = f.City + "市"
	}
	if len(f.Workers) == 1 {
		v["workers"] = "职工"
	}
	var facts []string
	for i, w := range f.Workers {
		facts = append(facts, fmt.Sprintf("%d. %s", i+1, workerText(w)))
	}
	v["facts"] = strings.Join(facts, "\n")
	v["amounts"] = amountsText(f)
	var basis, names []string
	for _, b := range f.Basis {
		names = append(names, b.Name)
		if b.Text != "" {
			basis = append(basis, b.Name+"规定：“"+b.Text+"”")
		} else {
			basis = append(basis, b.Name+"。")
		}
	}
	v["basis"] = strings.Join(basis, "\n")
	v["basis_names"] = strings.Join(names, "、")
	if len(f.Earlier) > 0 {
		var parts []string
		for _, l := range f.Earlier {
			parts = append(parts, fmt.Sprintf("%s发出《%s》（%s）", ChineseDate(l.IssuedAt), l.Title, l.Number()))
		}
		v["earlier"] = "此前，我会已就上述情况于" + strings.Join(parts, "，于") + "。"
	} else {
		v["earlier"] = ""
	}
	return v
}

// formalTypes name the dispute types as a letter does (the labels workers
// see are shorter and plainer).
var formalTypes = map[intake.DisputeType]string{
	intake.TypeUnpaidWages:     "拖欠工资",
	intake.TypeOvertime:        "加班及加班费",
	intake.TypeSocialInsurance: "社会保险",
	intake.TypeWorkInjury:      "工伤保险待遇",
	intake.TypeDismissal:       "解除劳动合同及经济补偿",
	intake.TypeContract:        "劳动合同的订立和履行",
}

func typesText(ts []intake.DisputeType) string {
	var parts []string
	for _, t := range ts {
		if name, ok := formalTypes[t]; ok {
			parts = append(parts, name)
		}
	}
	if len(parts) == 0 {
		return "劳动权益"
	}
	return strings.Join(parts, "、")
}

func periodText(start, end time.Time) string {
	switch {
	case start.IsZero():
		return "有关期间"
	case end.IsZero():
		return ChineseDate(start) + "至今"
	}
	return ChineseDate(start) + "至" + ChineseDate(end)
}

func workerText(w Worker) string {
	var parts []string
	switch {
	case !w.Start.IsZero() && !w.End.IsZero():
		parts = append(parts, fmt.Sprintf("%s：%s入职，%s离职", w.Label, ChineseDate(w.Start), ChineseDate(w.End)))
	case !w.Start.IsZero():
		parts = append(parts, fmt.Sprintf("%s：%s入职，现仍在职", w.Label, ChineseDate(w.Start)))
	default:
		parts = append(parts, w.Label+"：入职时间未提供")
	}
	if w.MonthlyWage > 0 {
		parts = append(parts, "月工资约"+w.MonthlyWage.String()+"元")
	}
	parts = append(parts, "反映的问题："+typesText(w.Types))
	if w.Claimed > 0 {
		parts = append(parts, "主张金额"+w.Claimed.String()+"元")
	}
	return strings.Join(parts, "；") + "。"
}

func amountsText(f Facts) string {
	var lines []string
	if f.Claimed > 0 {
		who := "以上职工"
		if len(f.Workers) == 1 {
			who = "该职工"
		}
		lines = append(lines, fmt.Sprintf("%s主张的金额合计%s元（为职工自述的数额，有待核实）。", who, f.Claimed.String()))
	}
	for _, c := range f.Computed {
		switch c.Kind {
		case "severance":
			lines = append(lines, fmt.Sprintf("如属于%s规定应当支付经济补偿的情形，按%s测算，%s的经济补偿参考数额为%s元（%s）。",
				ArticleName(knowledge.Citation{Law: "劳动合同法", Article: 46}), c.Basis, c.Worker, c.Amount.String(), c.Formula))
		case "double_wage":
			lines = append(lines, fmt.Sprintf("如确未订立书面劳动合同，按%s测算，%s可主张的二倍工资差额参考数额为%s元（%s）。", c.Basis, c.Worker, c.Amount.String(), c.Formula))
		}
	}
	return strings.Join(lines, "\n")
}
