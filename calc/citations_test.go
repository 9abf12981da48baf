package calc

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/knowledge"
)

// lawsDir is the statute texts: $LAWS_DIR, or ../../shared/laws relative to
// this package (the shared/ directory beside the repository).
func lawsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("LAWS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "laws")
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		// In CI the texts must be there; elsewhere (a fresh clone without
		// shared/) the test says why it does not run.
		if os.Getenv("CI") != "" {
			t.Fatalf("statute texts not found at %s (set LAWS_DIR): %v", dir, err)
		}
		t.Skipf("statute texts not found at %s (set LAWS_DIR to run this test): %v", dir, err)
	}
	return dir
}

func loadStatutes(t *testing.T) *knowledge.Statutes {
	t.Helper()
	list, err := knowledge.LoadStatutesDir(lawsDir(t))
	if err != nil {
		t.Fatal(err)
	}
	return knowledge.NewStatutes(list...)
}

// allResults runs every calculator through inputs that reach every branch
// that adds a citation.
func allResults(t *testing.T) []Result {
	t.Helper()
	var out []Result
	add := func(r Result, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	for _, in := range []SeveranceInput{
		{Start: d("2021-03-01"), End: d("2024-09-15"), MonthlyWage: y("8000")},
		{Start: d("2005-03-01"), End: d("2024-09-15"), MonthlyWage: y("80000"), LocalAverage: y("9000"), Unlawful: true, InLieuOfNotice: true},
		{Start: d("2021-03-01"), End: d("2024-09-15"), MonthlyWage: y("8000"), LocalAverage: y("9000"), InLieuOfNotice: true},
	} {
		add(Severance(in))
	}
	add(Overtime(OvertimeInput{MonthlyWage: y("6000"), WeekdayHours: 30, RestDayHours: 16, RestDayOffHours: 8, HolidayHours: 8}))
	add(Overtime(OvertimeInput{MonthlyWage: y("6000"), WeekdayHours: 3}))
	for _, in := range []DoubleWageInput{
		{Start: d("2024-01-10"), Signed: d("2024-02-01"), MonthlyWage: y("5000")},
		{Start: d("2024-01-10"), Signed: d("2024-08-01"), MonthlyWage: y("5000")},
		{Start: d("2024-01-10"), End: d("2024-08-01"), MonthlyWage: y("5000")},
		{Start: d("2024-01-10"), End: d("2025-08-01"), MonthlyWage: y("5000")},
	} {
		add(DoubleWage(in))
	}
	for _, in := range []AnnualLeaveInput{
		{Years: 0},
		{Years: 12, Taken: 3, MonthlyWage: y("7000")},
		{Years: 22, Joined: d("2025-03-01"), Left: d("2025-09-01"), MonthlyWage: y("7000")},
	} {
		add(AnnualLeave(in))
	}
	for g := 1; g <= 10; g++ {
		add(Injury(InjuryInput{Grade: g, MonthlyWage: y("6000"), LocalAverage: y("5000")}))
	}
	today := d("2025-11-23")
	for _, in := range []DeadlineInput{
		{Knew: d("2025-06-01"), Today: today},
		{Knew: d("2024-06-01"), Ended: d("2024-06-01"), Today: today},
		{Wages: true, Today: today},
		{Wages: true, Ended: d("2025-01-01"), Today: today},
	} {
		add(Deadline(in))
	}
	table, err := LoadMinWageTable(strings.NewReader(testMinWage))
	if err != nil {
		t.Fatal(err)
	}
	add(MinWage(MinWageInput{Province: "四川", Wage: y("1000"), Date: today, Table: table}))
	add(MinWage(MinWageInput{Province: "广东", Wage: y("1000"), Date: today, Table: table}))
	return out
}

// TestCitationsResolve checks that every citation the calculators can
// return names a canonical short name and an article that exists in the
// statute text of shared/laws.
func TestCitationsResolve(t *testing.T) {
	statutes := loadStatutes(t)
	seen := map[knowledge.Citation]bool{}
	for _, r := range allResults(t) {
		for _, c := range r.Citations {
			seen[c] = true
		}
	}
	if len(seen) < 40 {
		t.Errorf("only %d distinct citations collected; the branch inputs are incomplete", len(seen))
	}
	for c := range seen {
		st, ok := statutes.Lookup(c.Law)
		if !ok {
			t.Errorf("%s: no statute text for %q", c, c.Law)
			continue
		}
		if st.Short != c.Law {
			t.Errorf("%s: %q is not the canonical short name %q", c, c.Law, st.Short)
		}
		if _, ok := st.Article(c.Article); !ok {
			t.Errorf("%s: %s has no article %d", c, st.Short, c.Article)
		}
		if _, err := statutes.Resolve(c); err != nil {
			t.Errorf("%s: %v", c, err)
		}
	}
}

// TestFiguresMatchStatuteText checks the numbers the calculators rely on
// against the statute texts themselves.
func TestFiguresMatchStatuteText(t *testing.T) {
	statutes := loadStatutes(t)
	text := func(law string, art int) string {
		a, ok := statutes.Article(knowledge.Citation{Law: law, Article: art})
		if !ok {
			t.Fatalf("%s %d missing", law, art)
		}
		return a.Text
	}
	for g := 1; g <= 10; g++ {
		want := fmt.Sprintf("%s级伤残为%d个月的本人工资", chineseNumeral(g), disabilityMonths(g))
		if !strings.Contains(text(lawInjury, disabilityArticle(g)), want) {
			t.Errorf("工伤保险条例 %d does not say %q", disabilityArticle(g), want)
		}
	}
	allowances := map[int]string{1: "一级伤残为本人工资的90%", 2: "二级伤残为本人工资的85%", 3: "三级伤残为本人工资的80%", 4: "四级伤残为本人工资的75%"}
	for g, s := range allowances {
		if !strings.Contains(text(lawInjury, 35), s) {
			t.Errorf("工伤保险条例 35 lacks %q (grade %d)", s, g)
		}
	}
	for _, s := range []string{"五级伤残为本人工资的70%", "六级伤残为本人工资的60%"} {
		if !strings.Contains(text(lawInjury, 36), s) {
			t.Errorf("工伤保险条例 36 lacks %q", s)
		}
	}
	for _, s := range []string{"300%", "60%"} {
		if !strings.Contains(text(lawInjury, 64), s) {
			t.Errorf("工伤保险条例 64 lacks %q", s)
		}
	}
	leave := text(lawLeaveRegs, 3)
	for _, s := range []string{"已满1年不满10年的，年休假5天", "已满10年不满20年的，年休假10天", "已满20年的，年休假15天"} {
		if !strings.Contains(leave, s) {
			t.Errorf("职工带薪年休假条例 3 lacks %q", s)
		}
	}
	for art, s := range map[int]string{5: "÷365天", 10: "300%", 11: "21.75天", 12: "÷365天"} {
		if !strings.Contains(text(lawLeaveMeasures, art), s) {
			t.Errorf("企业职工带薪年休假实施办法 %d lacks %q", art, s)
		}
	}
	for _, s := range []string{"百分之一百五十", "百分之二百", "百分之三百"} {
		if !strings.Contains(text(lawLabor, 44), s) {
			t.Errorf("劳动法 44 lacks %q", s)
		}
	}
	for _, s := range []string{"每满一年支付一个月工资", "六个月以上不满一年的，按一年计算", "不满六个月的，向劳动者支付半个月工资", "三倍", "十二年", "前十二个月"} {
		if !strings.Contains(text(lawContract, 47), s) {
			t.Errorf("劳动合同法 47 lacks %q", s)
		}
	}
	if !strings.Contains(text(lawContract, 87), "二倍") || !strings.Contains(text(lawContract, 40), "额外支付劳动者一个月工资") {
		t.Errorf("劳动合同法 87 / 40 text changed")
	}
	for art, s := range map[int]string{6: "起算时间为用工之日起满一个月的次日，截止时间为补订书面劳动合同的前一日", 7: "满一年的前一日"} {
		if !strings.Contains(text(lawContractRegs, art), s) {
			t.Errorf("劳动合同法实施条例 %d lacks %q", art, s)
		}
	}
	arb := text(lawArbitration, 27)
	for _, s := range []string{"申请仲裁的时效期间为一年", "中断", "中止", "劳动关系终止的，应当自劳动关系终止之日起一年内提出"} {
		if !strings.Contains(arb, s) {
			t.Errorf("劳动争议调解仲裁法 27 lacks %q", s)
		}
	}
	if !strings.Contains(text(lawMinWage, 12), "延长工作时间工资") {
		t.Errorf("最低工资规定 12 lacks the exclusions")
	}
}
