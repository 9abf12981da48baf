package intake

import (
	"errors"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/calc"
)

// upTo returns an interview answered with typical() up to step.
func upTo(t *testing.T, step Step) *Interview {
	t.Helper()
	iv := newTestInterview(t)
	mustPress(t, iv, PressAgree)
	for _, a := range typical() {
		if a.step == step {
			break
		}
		mustAnswer(t, iv, a.raw)
	}
	if iv.Step != step {
		t.Fatalf("at %s, want %s", iv.Step, step)
	}
	return iv
}

// TestInterviewDatesAsWorkersWriteThem: the start date step takes the
// forms workers type and stores the day they mean, against the
// interview's clock (2026-06-10).
func TestInterviewDatesAsWorkersWriteThem(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2023年3月", "2023-03-01"},
		{"去年三月", "2025-03-01"},
		{"前年5月", "2024-05-01"},
		{"今年5月", "2026-05-01"},
		{"3月1号", "2026-03-01"},
		{"3月1日", "2026-03-01"},
		{"上个月底", "2026-05-31"},
		{"上个月", "2026-05-01"},
		{"2023.3", "2023-03-01"},
		{"2023/3/1", "2023-03-01"},
		{"2023-03", "2023-03-01"},
		{"二〇二三年三月", "2023-03-01"},
		{"２０２３年３月", "2023-03-01"},
		{"2023\u200b年3月\u200d1日", "2023-03-01"},
		{"March 2023", "2023-03-01"},
		{"last month", "2026-05-01"},
		{"end of last month", "2026-05-31"},
		{"1 March last year", "2025-03-01"},
	} {
		iv := upTo(t, StepStartDate)
		if err := iv.Answer(tc.in); err != nil {
			t.Errorf("start date %q: %v", tc.in, err)
			continue
		}
		if got := iv.Answers.StartDate.Format("2006-01-02"); got != tc.want {
			t.Errorf("start date %q = %s, want %s", tc.in, got, tc.want)
		}
	}
	// 月底 is this month's last day: a start date cannot be in the future.
	iv := upTo(t, StepStartDate)
	err := iv.Answer("月底")
	if ErrorCode(err) != CodeRange || !strings.Contains(err.Error(), "30 June 2026") {
		t.Errorf("start date 月底: %v, want a range error naming 30 June 2026", err)
	}
}

// TestInterviewEchoesTheDate: after "去年三月" the next question starts with
// the date as recorded, in both languages, with a button to change it.
func TestInterviewEchoesTheDate(t *testing.T) {
	iv := upTo(t, StepStartDate)
	mustAnswer(t, iv, "去年三月")
	if iv.Step != StepEndDate {
		t.Fatalf("after the start date at %s", iv.Step)
	}
	zh, en := iv.Prompt("zh"), iv.Prompt("en")
	if !strings.HasPrefix(zh.Text, "✅ 入职日期记为 2025年3月1日（没写哪一天，按 1 号记）") || zh.Echo == "" {
		t.Errorf("zh prompt does not echo the date:\n%s", zh.Text)
	}
	if !strings.HasPrefix(en.Text, "✅ Start date recorded as 1 March 2025 (no day given, so the 1st)") {
		t.Errorf("en prompt does not echo the date:\n%s", en.Text)
	}
	if !strings.Contains(zh.Text, StepEndDate.prompt().Zh) {
		t.Errorf("zh prompt lost the question:\n%s", zh.Text)
	}
	var edit string
	for _, row := range zh.Options {
		for _, o := range row {
			if o.Value == PressEdit+string(StepStartDate) {
				edit = o.Label
			}
		}
	}
	if edit == "" {
		t.Fatalf("no button to change the start date: %+v", zh.Options)
	}
	// The button goes back; the new answer returns to the end date.
	mustPress(t, iv, PressEdit+string(StepStartDate))
	if iv.Prompt("zh").Echo != "" {
		t.Error("the echo outlived the next action")
	}
	mustAnswer(t, iv, "2025-03-15")
	if iv.Step != StepEndDate || iv.Answers.StartDate.Format("2006-01-02") != "2025-03-15" {
		t.Fatalf("after changing the date: step %s, %v", iv.Step, iv.Answers.StartDate)
	}
	if p := iv.Prompt("zh"); !strings.HasPrefix(p.Text, "✅ 入职日期记为 2025年3月15日。") || strings.Contains(p.Text, "按 1 号记") {
		t.Errorf("echo of a full date:\n%s", p.Text)
	}
	// A refused answer shows no stale echo.
	if err := iv.Answer("2020-01-01"); err == nil {
		t.Fatal("end before start accepted")
	}
	if p := iv.Prompt("zh"); p.Echo != "" {
		t.Errorf("echo after a refused answer: %q", p.Echo)
	}
	// Not saved: a restored interview asks without the echo.
	mustAnswer(t, iv, "上个月底")
	b, err := iv.Encode(NoSealer{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "记为") {
		t.Error("the echo is saved with the interview")
	}
	if p := iv.Prompt("en"); !strings.HasPrefix(p.Text, "✅ Last day recorded as 31 May 2026.") {
		t.Errorf("end date echo:\n%s", p.Text)
	}
}

// TestInterviewEchoesAmounts: amounts in words are echoed as figures.
func TestInterviewEchoesAmounts(t *testing.T) {
	iv := upTo(t, StepWage)
	mustAnswer(t, iv, "一万五")
	if iv.Answers.MonthlyWage != calc.Yuan(15000) {
		t.Fatalf("wage 一万五 = %s", iv.Answers.MonthlyWage)
	}
	if p := iv.Prompt("zh"); !strings.HasPrefix(p.Text, "✅ 月工资记为 15,000.00 元") {
		t.Errorf("wage echo:\n%s", p.Text)
	}
	mustAnswer(t, iv, "1万5千")
	if iv.Answers.Claimed != calc.Yuan(15000) {
		t.Fatalf("claimed 1万5千 = %s", iv.Answers.Claimed)
	}
	if p := iv.Prompt("en"); !strings.HasPrefix(p.Text, "✅ Amount claimed recorded as 15,000.00 yuan") {
		t.Errorf("claimed echo:\n%s", p.Text)
	}
	mustAnswer(t, iv, "十二个")
	if iv.Answers.Coworkers != 12 || !strings.HasPrefix(iv.Prompt("zh").Text, "✅ 受影响的同事记为 12 人") {
		t.Errorf("co-workers 十二个 = %d, prompt:\n%s", iv.Answers.Coworkers, iv.Prompt("zh").Text)
	}
}

func TestInterviewAmountsAsWorkersWriteThem(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want calc.Money
	}{
		{"一万五", calc.Yuan(15000)}, {"1.5万", calc.Yuan(15000)}, {"1万5千", calc.Yuan(15000)}, {"1万5", calc.Yuan(15000)},
		{"15k", calc.Yuan(15000)}, {"15K", calc.Yuan(15000)}, {"两千三", calc.Yuan(2300)}, {"三千五百元", calc.Yuan(3500)},
		{"¥15,000", calc.Yuan(15000)}, {"15,000元", calc.Yuan(15000)}, {"8千", calc.Yuan(8000)}, {"６５００", calc.Yuan(6500)},
		{"6\u200b500", calc.Yuan(6500)}, {"税前 7000 左右", calc.Yuan(7000)}, {"6500 yuan", calc.Yuan(6500)},
	} {
		iv := upTo(t, StepWage)
		if err := iv.Answer(tc.in); err != nil || iv.Answers.MonthlyWage != tc.want {
			t.Errorf("wage %q = %s, %v; want %s", tc.in, iv.Answers.MonthlyWage, err, tc.want)
		}
	}
}

// TestRangeMessages: out-of-range answers say what is wrong and what to
// do, in both languages.
func TestRangeMessages(t *testing.T) {
	for _, tc := range []struct {
		step     Step
		in       string
		code     string
		zh, en   string // substrings
		notInZh  string
		language bool
	}{
		{StepWage, "0", CodeRange, "不能是 0", "cannot be 0", "", true},
		{StepWage, "一千万", CodeRange, "10,000,000.00", "extra 0", "", true},
		{StepWage, "10000000", CodeRange, "多写了 0", "at most 1,000,000.00", "", true},
		{StepWage, "6", CodeRange, "太少", "too little", "", true},
		{StepWage, "6.000", CodeAmbiguous, "6000", "6000", "", true},
		{StepWage, "6,000", "", "", "", "", false}, // the thousands comma of Chinese writing: accepted
		{StepClaimed, "0", CodeRange, "跳过", "Skip", "", true},
		{StepCoworkers, "15,000", CodeRange, "12351", "12351", "", true},
		{StepCoworkers, "一万五", CodeRange, "12351", "12351", "", true},
		{StepStartDate, "1900-01-01", CodeRange, "1950 年到今年（2026 年）", "between 1950 and this year (2026)", "没有这一天", true},
		{StepStartDate, "2027-01-01", CodeRange, "2027年1月1日", "1 January 2027", "", true},
		{StepStartDate, "前年", CodeNeedMonth, "2024年3月", "March 2024", "", true},
		{StepEndDate, "2022-01-01", CodeRange, "2023年3月1日", "1 March 2023", "", true},
	} {
		iv := upTo(t, tc.step)
		err := iv.Answer(tc.in)
		if !tc.language {
			if err != nil {
				t.Errorf("%s %q: %v", tc.step, tc.in, err)
			}
			continue
		}
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s %q: %v, want a *ValidationError", tc.step, tc.in, err)
			continue
		}
		if ve.Code != tc.code || ve.Step != tc.step {
			t.Errorf("%s %q: code %q step %s, want %q", tc.step, tc.in, ve.Code, ve.Step, tc.code)
		}
		zh, en := ve.Message("zh"), ve.Message("en")
		if !strings.Contains(zh, tc.zh) || !strings.Contains(en, tc.en) || (tc.notInZh != "" && strings.Contains(zh, tc.notInZh)) {
			t.Errorf("%s %q: messages\n zh %s\n en %s\nwant %q / %q", tc.step, tc.in, zh, en, tc.zh, tc.en)
		}
	}
}

// TestInvisibleAndFullWidth: zero-width characters inside a date, phone
// or name are dropped, full-width digits and letters folded.
func TestInvisibleAndFullWidth(t *testing.T) {
	for _, zw := range []string{"\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"} {
		if p, err := ParsePhone("138" + zw + "1234" + zw + "5678"); err != nil || p != "13812345678" {
			t.Errorf("phone with %U: %q, %v", []rune(zw)[0], p, err)
		}
		if n, err := parseName("张" + zw + "三"); err != nil || n != "张三" {
			t.Errorf("name with %U: %q, %v", []rune(zw)[0], n, err)
		}
		if d, err := ParseDate("2024-09" + zw + "-15"); err != nil || d.Format("2006-01-02") != "2024-09-15" {
			t.Errorf("date with %U: %v, %v", []rune(zw)[0], d, err)
		}
	}
	if p, err := ParsePhone("１３８１２３４５６７８"); err != nil || p != "13812345678" {
		t.Errorf("full-width phone: %q, %v", p, err)
	}
	if n, err := parseName("ＬＩ　Ｗｅｉ"); err != nil || n != "LI Wei" {
		t.Errorf("full-width name: %q, %v", n, err)
	}
	// Through the interview too, and free text keeps its Chinese
	// punctuation but loses the invisible characters.
	iv := upTo(t, StepDescription)
	mustAnswer(t, iv, "老板\u200b拖欠工资，还不给加班费！")
	if iv.Answers.Description != "老板拖欠工资，还不给加班费！" {
		t.Errorf("description = %q", iv.Answers.Description)
	}
	iv = upTo(t, StepName)
	mustAnswer(t, iv, "王\u200d小明")
	mustAnswer(t, iv, "\ufeff139 8765 4321")
	if iv.Answers.Name != "王小明" || iv.Answers.Phone != "13987654321" {
		t.Errorf("name %q phone %q", iv.Answers.Name, iv.Answers.Phone)
	}
}

// TestQuestionInsteadOfAnswer: a question typed at a step that reads a
// value is a CodeQuestion error the chat flow can tell apart, and leaves
// the interview as it was; free-text steps keep question marks.
func TestQuestionInsteadOfAnswer(t *testing.T) {
	for _, tc := range []struct {
		step Step
		in   string
	}{
		{StepStartDate, "加班费怎么算？"},
		{StepStartDate, "入职日期是指签合同那天吗"},
		{StepEndDate, "How is severance calculated?"},
		{StepWage, "工资要算上加班费吗？"},
		{StepWage, "what counts as wage"},
		{StepCoworkers, "怎么算同事"},
		{StepTypes, "社保断缴怎么办？"},
		{StepProvince, "为什么要问省份"},
		{StepEmployer, "公司名字要写全称吗？"},
		{StepName, "可以不写真名吗？"},
		{StepPhone, "手机号会给老板看到吗"},
	} {
		iv := upTo(t, tc.step)
		before, _ := iv.Encode(NoSealer{})
		err := iv.Answer(tc.in)
		if !IsQuestion(err) {
			t.Errorf("%s %q: %v, want a question", tc.step, tc.in, err)
			continue
		}
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Step != tc.step || ve.Message("zh") == ve.Message("en") || ve.Message("en") == "" {
			t.Errorf("%s %q: %+v", tc.step, tc.in, ve)
		}
		after, _ := iv.Encode(NoSealer{})
		if string(after) != string(before) || iv.Step != tc.step {
			t.Errorf("%s %q: a question changed the interview", tc.step, tc.in)
		}
	}
	// A plain bad date is not a question.
	iv := upTo(t, StepStartDate)
	if err := iv.Answer("sometime"); err == nil || IsQuestion(err) {
		t.Errorf("sometime: %v, want an ordinary validation error", err)
	}
	// A description may ask why.
	iv = upTo(t, StepDescription)
	mustAnswer(t, iv, "老板为什么三个月不发工资？我问了也不回。")
	// A consent step question.
	iv = newTestInterview(t)
	if err := iv.Answer("你们会把我的信息给老板吗？"); !IsQuestion(err) {
		t.Errorf("question at consent: %v", err)
	}
}

func TestLooksLikeQuestion(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"加班费怎么算？", true},
		{"加班费怎么算", true},
		{"试用期可以不交社保吗", true},
		{"what is the minimum wage?", true},
		{"How much severance do I get", true},
		{"Is this legal", true},
		{"公司不给钱咋办", true},
		{"请问入职日期怎么填", true},
		{"加班费能要多少", true},
		{"仲裁要等多久", true},
		{"2023年3月", false},
		{"一万五", false},
		{"深圳市星光电子有限公司", false},
		{"老板拖欠工资", false},
		{"March 2023", false},
		{"", false},
	} {
		if got := LooksLikeQuestion(tc.in); got != tc.want {
			t.Errorf("LooksLikeQuestion(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestAmbiguousSeparatorAsks: "6.000" as a wage is not 6 yuan: the worker
// is asked which was meant, with both readings, and nothing is stored.
func TestAmbiguousSeparatorAsks(t *testing.T) {
	iv := upTo(t, StepWage)
	err := iv.Answer("6.000")
	if ErrorCode(err) != CodeAmbiguous || iv.Answers.MonthlyWage != 0 || iv.Step != StepWage {
		t.Fatalf("6.000: %v, wage %s, step %s", err, iv.Answers.MonthlyWage, iv.Step)
	}
	var ve *ValidationError
	errors.As(err, &ve)
	for _, lang := range []string{"zh", "en"} {
		if m := ve.Message(lang); !strings.Contains(m, "6 ") || !strings.Contains(m, "6000") {
			t.Errorf("%s: %q does not offer both readings", lang, m)
		}
	}
	mustAnswer(t, iv, "6000")
	if iv.Answers.MonthlyWage != calc.Yuan(6000) {
		t.Errorf("wage = %s", iv.Answers.MonthlyWage)
	}
}
