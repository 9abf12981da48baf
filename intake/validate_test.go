package intake

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/markdown"
)

// wantValidation checks that err is a *ValidationError with both messages.
func wantValidation(t *testing.T, err error, input string) {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("%q: error %v, want a *ValidationError", input, err)
	}
	if ve.Message("zh") == "" || ve.Message("en") == "" || ve.Message("zh") == ve.Message("en") {
		t.Fatalf("%q: messages %q / %q, want both languages", input, ve.Message("zh"), ve.Message("en"))
	}
}

func TestParsePhone(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"13812345678", "13812345678"},
		{"138 1234 5678", "13812345678"},
		{"138-1234-5678", "13812345678"},
		{"+86 138 1234 5678", "13812345678"},
		{"+8613812345678", "13812345678"},
		{"008613812345678", "13812345678"},
		{"8613812345678", "13812345678"},
		{"（138）1234-5678", "13812345678"},
		{"１３８１２３４５６７８", "13812345678"}, // full-width digits
		{"19912345678", "19912345678"},
		{" 15000000000 ", "15000000000"},
		{"1381234567", ""},   // 10 digits
		{"138123456789", ""}, // 12 digits
		{"12812345678", ""},  // 12x is not a mobile prefix
		{"10012345678", ""},
		{"23812345678", ""},
		{"010-12345678", ""}, // a landline
		{"+1 415 555 0100", ""},
		{"1381234567a", ""},
		{"", ""},
		{"电话", ""},
		// As workers write it: a note beside the one number.
		{"13812345678（微信同号）", "13812345678"},
		{"手机：138 1234 5678", "13812345678"},
		{"13812345678 或 13987654321", ""}, // two numbers: which?
		{"微信 wxid_abc", ""},
	} {
		got, err := ParsePhone(tc.in)
		if tc.want == "" {
			wantValidation(t, err, tc.in)
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"2024-09-15", "2024-09-15"},
		{"2024/9/15", "2024-09-15"},
		{"2024.9.5", "2024-09-05"},
		{"2024年9月15日", "2024-09-15"},
		{"2024年9月15号", "2024-09-15"},
		{"20240915", "2024-09-15"},
		{"２０２４－０９－１５", "2024-09-15"},
		{"2024-02-29", "2024-02-29"},
		{"2023-02-29", ""}, // not a leap year
		{"2024-13-01", ""},
		{"2024-00-10", ""},
		{"15/09/2024", ""},
		{"yesterday", ""},
		{"2024-9", "2024-09-01"}, // a month alone is its 1st, as the prompt says
		{"2024-\u200b09-15", "2024-09-15"},
		{"\ufeff2024年9月15日\u2060", "2024-09-15"},
		{"", ""},
		{"1900-01-01", ""},
	} {
		got, err := ParseDate(tc.in)
		if tc.want == "" {
			wantValidation(t, err, tc.in)
			continue
		}
		if err != nil || got.Format("2006-01-02") != tc.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestParseAmount(t *testing.T) {
	max := calc.Yuan(1_000_000)
	for _, tc := range []struct {
		in   string
		want calc.Money
		ok   bool
	}{
		{"8000", calc.Yuan(8000), true},
		{"8,000", calc.Yuan(8000), true},
		{"8000.5", 800050, true},
		{"8000元", calc.Yuan(8000), true},
		{"¥8000", calc.Yuan(8000), true},
		{"0.8万", calc.Yuan(8000), true},
		{"８０００", calc.Yuan(8000), true},
		{"1000000", calc.Yuan(1_000_000), true},
		{"1000000.01", 0, false}, // over the maximum
		{"0", 0, false},
		{"-5", 0, false},
		{"8000.123", 0, false},
		{"abc", 0, false},
		{"", 0, false},
	} {
		got, err := ParseAmount(tc.in, max)
		if !tc.ok {
			wantValidation(t, err, tc.in)
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseAmount(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseCount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"0", 0, true}, {"12", 12, true}, {"12人", 12, true}, {"约30人", 30, true}, {"5 个", 5, true},
		{"没有", 0, true}, {"只有我", 0, true}, {"none", 0, true}, {"1,000", 1000, true},
		{"十二个", 12, true}, {"两个人", 2, true}, {"１２人", 12, true}, {"1\u200b2", 12, true}, {"1001", 0, false}, {"15,000", 0, false},
		{"就我自己", 0, true}, {"我一个人", 0, true}, {"没别人", 0, true}, {"三十来个", 30, true}, {"二十人左右", 20, true},
		{"-1", 0, false}, {"many", 0, false}, {"", 0, false}, {"1.5", 0, false}, {"100001", 0, false},
	} {
		got, err := ParseCount(tc.in)
		if !tc.ok {
			wantValidation(t, err, tc.in)
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseCount(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestParseTypes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // codes joined by ","; "" = error
	}{
		{"1", "unpaid_wages"},
		{"1、3", "unpaid_wages,social_insurance"},
		{"1,3,3", "unpaid_wages,social_insurance"},
		{"欠薪 社保", "unpaid_wages,social_insurance"},
		{"加班费，工伤", "overtime,work_injury"},
		{"Unpaid wages, Labor contract", "unpaid_wages,contract"},
		{"overtime; dismissal", "overtime,dismissal"},
		{"被辞退", "dismissal"},
		// As workers write it: joined by 和/还有/and, with 了.
		{"欠薪和加班费", "unpaid_wages,overtime"},
		{"工伤还有社保", "work_injury,social_insurance"},
		{"1和2", "unpaid_wages,overtime"},
		{"被开除了", "dismissal"},
		{"没交社保", "social_insurance"},
		{"unpaid wages and overtime", "unpaid_wages,overtime"},
		{"other", "other"},
		{"7", "other"},
		{"8", ""},
		{"0", ""},
		{"1, 天气", ""},
		{"", ""},
	} {
		got, err := ParseTypes(tc.in)
		if tc.want == "" {
			wantValidation(t, err, tc.in)
			continue
		}
		var codes []string
		for _, d := range got {
			codes = append(codes, string(d))
		}
		if err != nil || strings.Join(codes, ",") != tc.want {
			t.Errorf("ParseTypes(%q) = %v, %v; want %s", tc.in, codes, err, tc.want)
		}
	}
}

func TestParseLocation(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Location
		ok   bool
	}{
		{"广东", Location{Province: "广东"}, true},
		{"广东省", Location{Province: "广东"}, true},
		{"Guangdong", Location{Province: "广东"}, true},
		{"广东省深圳市宝安区", Location{"广东", "深圳市", "宝安区"}, true},
		{"广东深圳市", Location{"广东", "深圳市", ""}, true},
		{"四川省 成都市 武侯区", Location{"四川", "成都市", "武侯区"}, true},
		{"北京", Location{"北京", "北京市", ""}, true},
		{"北京市朝阳区", Location{"北京", "北京市", "朝阳区"}, true},
		{"上海浦东新区", Location{"上海", "上海市", "浦东新区"}, true},
		{"湖北省恩施土家族苗族自治州恩施市", Location{"湖北", "恩施土家族苗族自治州", "恩施市"}, true},
		{"guangdong shenzhen", Location{"广东", "shenzhen", ""}, true},
		// As workers write it, without 市 or 区.
		{"广东深圳宝安", Location{"广东", "深圳", "宝安"}, true},
		{"广东东莞长安镇", Location{"广东", "东莞", "长安镇"}, true},
		{"广东深圳", Location{"广东", "深圳", ""}, true},
		{"新疆乌鲁木齐天山区", Location{"新疆", "乌鲁木齐", "天山区"}, true},
		{"河北石家庄", Location{"河北", "石家庄", ""}, true},
		{"贵州黔东南州凯里", Location{"贵州", "黔东南州", "凯里"}, true},
		{"贵州黔西南州", Location{"贵州", "黔西南州", ""}, true},
		{"贵州黔东南凯里", Location{"贵州", "黔东南", "凯里"}, true},
		{"广东广州天河", Location{"广东", "广州", "天河"}, true},
		{"浙江杭州", Location{"浙江", "杭州", ""}, true},
		{"Inner Mongolia", Location{Province: "内蒙古"}, true},
		{"深圳", Location{}, false},
		{"", Location{}, false},
		{"California", Location{}, false},
	} {
		got, err := ParseLocation(tc.in)
		if !tc.ok {
			wantValidation(t, err, tc.in)
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseLocation(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseName(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"张三", "张三"},
		{" 欧阳 娜娜 ", "欧阳 娜娜"},
		{"Li  Wei", "Li Wei"},
		{"阿卜杜·热合曼", "阿卜杜·热合曼"},
		{"13812345678", ""},
		{"张3", ""},
		{"", ""},
		{"...", ""},
		{strings.Repeat("名", 41), ""},
	} {
		got, err := parseName(tc.in)
		if tc.want == "" {
			wantValidation(t, err, tc.in)
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("parseName(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestNormalizeEmployer(t *testing.T) {
	same := [][]string{
		{"深圳市星光电子有限公司", "深圳市 星光电子有限公司", "深圳市星光电子", "深圳市星光电子公司", "深圳市星光电子（有限公司）"},
		{"ACME Co., Ltd.", "acme", "ＡＣＭＥ", "Acme Company Limited", "ACME Inc."},
		{"富强集团股份有限公司", "富强"},
	}
	for _, group := range same {
		want := NormalizeEmployer(group[0])
		if want == "" {
			t.Fatalf("NormalizeEmployer(%q) is empty", group[0])
		}
		for _, name := range group[1:] {
			if got := NormalizeEmployer(name); got != want {
				t.Errorf("NormalizeEmployer(%q) = %q, want %q (as %q)", name, got, want, group[0])
			}
		}
	}
	if NormalizeEmployer("星光电子") == NormalizeEmployer("星光科技") {
		t.Error("different employers share a key")
	}
	if got := NormalizeEmployer("有限公司"); got != "有限公司" {
		t.Errorf("a name that is only a suffix = %q; want it kept rather than emptied", got)
	}
	if got := NormalizeEmployer(" .,- "); got != "" {
		t.Errorf("NormalizeEmployer of punctuation = %q, want empty", got)
	}
}

func TestMasking(t *testing.T) {
	for in, want := range map[string]string{"13812345678": "138****5678", "": "", "12345": "***45", "1": "*"} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"张三丰": "张**", "Li Wei": "L**", "": ""} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
	tk := Ticket{Name: "张三", Phone: "13812345678", Evidence: []Evidence{{FileID: "f"}}}
	m := tk.Masked()
	if m.Phone != "138****5678" || m.Name != "张**" || tk.Phone != "13812345678" {
		t.Errorf("Masked = %+v; original %+v", m, tk)
	}
	m.Evidence[0].FileID = "changed"
	if tk.Evidence[0].FileID != "f" {
		t.Error("Masked shares the evidence slice with the original")
	}
}

func TestIsComplaintRequest(t *testing.T) {
	for text, want := range map[string]bool{
		"我要投诉": true,
		"我要投诉，老板拖欠三个月工资怎么办": true,
		"申请调解":                              true,
		"我想申请调解":                            true,
		"I want to file a complaint":        true,
		"i want to FILE A COMPLAINT please": true,
		"Please request mediation for me":   true,
		"怎么申请调解？":                           false,
		"How do I file a complaint?":        false,
		"老板拖欠工资怎么办":                         false,
		"投诉":                                false,
		"":                                  false,
	} {
		if got := IsComplaintRequest(text); got != want {
			t.Errorf("IsComplaintRequest(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestWorkerNotice(t *testing.T) {
	tk := Ticket{Number: 12}
	for _, n := range []Notification{
		{Action: ActionClaim, To: StateClaimed},
		{Action: ActionTransition, To: StateInMediation},
		{Action: ActionOutcome, To: StateSettled},
		{Action: ActionOutcome, To: StateNotSettled},
		{Action: ActionRefer, To: StateReferredArbitration},
		{Action: ActionRefer, To: StateReferredCourt},
		{Action: ActionClose, To: StateClosed},
		{Action: ActionWithdraw, To: StateWithdrawn},
		{Action: ActionRequestEvidence},
	} {
		for _, lang := range []string{"zh", "en"} {
			msg := WorkerNotice(n, tk, lang)
			if !strings.Contains(msg, "#12") {
				t.Errorf("WorkerNotice(%s → %s, %s) = %q; want the ticket number", n.Action, n.To, lang, msg)
			}
			if n.To != "" && !strings.Contains(msg, n.To.NextStep(lang)) {
				t.Errorf("WorkerNotice(%s → %s, %s) lacks the next step", n.Action, n.To, lang)
			}
		}
	}
	for _, a := range []Action{ActionSubmit, ActionNote, ActionAddEvidence, ActionErase} {
		if msg := WorkerNotice(Notification{Action: a}, tk, "zh"); msg != "" {
			t.Errorf("WorkerNotice(%s) = %q; the worker need not hear of it", a, msg)
		}
	}
}

func TestTicketText(t *testing.T) {
	tk := Ticket{Number: 7, State: StateNew, Types: []DisputeType{TypeOvertime}, Employer: "星光", Name: "张三",
		Phone: "13812345678", Province: "广东", City: "深圳市", StartDate: calc.Date(2023, 1, 2), MonthlyWage: calc.Yuan(6000),
		Linked: []int64{3, 9}, CreatedAt: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)}
	// What the mediator reads: values show as typed (markdown.Literal).
	full := markdown.Plain(tk.Text("zh"))
	masked := markdown.Plain(tk.Masked().Text("en"))
	for _, want := range []string{"#7", "加班费", "星光", "13812345678", "张三", "广东 深圳市", "2023-01-02 – 至今在职", "6,000.00", "#3 #9"} {
		if !strings.Contains(full, want) {
			t.Errorf("Text lacks %q:\n%s", want, full)
		}
	}
	if strings.Contains(masked, "13812345678") || !strings.Contains(masked, "138****5678") || !strings.Contains(masked, "Overtime pay") {
		t.Errorf("masked Text:\n%s", masked)
	}
}

// "十几个" is not guessed: the worker is asked for a rough figure, with an
// example, instead of the generic message.
func TestParseCountRoughFigure(t *testing.T) {
	for _, in := range []string{"十几个", "几十人", "二十几个"} {
		_, err := ParseCount(in)
		wantValidation(t, err, in)
		var ve *ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.Msg.Zh, "大概") || !strings.Contains(ve.Msg.Zh, in) || !strings.Contains(ve.Msg.En, "rough") {
			t.Errorf("ParseCount(%q): %v", in, err)
		}
	}
}

// A ticket's submission time reads in the unions' time (UTC+8), as the
// console shows it, whatever the server's zone.
func TestTicketTimeInChinaTime(t *testing.T) {
	tk := Ticket{Number: 3, CreatedAt: time.Date(2026, 12, 4, 22, 33, 0, 0, time.UTC)}
	for _, lang := range []string{"zh", "en"} {
		if got := markdown.Plain(tk.Text(lang)); !strings.Contains(got, "2026-12-05 06:33") {
			t.Errorf("ticket text (%s):\n%s", lang, got)
		}
	}
}
